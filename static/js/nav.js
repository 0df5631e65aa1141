/* The 菜单 button of the top bar on phones: opens and closes the main navigation. */
(function () {
  "use strict";
  var button = document.querySelector(".nav-toggle");
  if (!button) return;
  var bar = button.closest(".topbar");
  button.addEventListener("click", function () {
    var open = !bar.classList.contains("nav-open");
    bar.classList.toggle("nav-open", open);
    // On a phone every menu is a section of the open grid: open them all with it.
    bar.querySelectorAll(".nav-group").forEach(function (d) { d.open = open; });
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();

/* On an office screen one menu is open at a time; a click elsewhere or Esc closes it. */
(function () {
  "use strict";
  var groups = document.querySelectorAll(".nav-group");
  if (!groups.length) return;
  var phone = function () { return document.querySelector(".topbar.nav-open") !== null; };
  groups.forEach(function (g) {
    g.addEventListener("toggle", function () {
      if (g.open && !phone()) groups.forEach(function (o) { if (o !== g) o.open = false; });
    });
  });
  document.addEventListener("click", function (e) {
    if (phone()) return;
    groups.forEach(function (g) { if (g.open && !g.contains(e.target)) g.open = false; });
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") groups.forEach(function (g) { g.open = false; });
  });
})();
