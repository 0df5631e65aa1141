/* The 菜单 button of the top bar on phones: opens and closes the main navigation. */
(function () {
  "use strict";
  var button = document.querySelector(".nav-toggle");
  if (!button) return;
  var bar = button.closest(".topbar");
  button.addEventListener("click", function () {
    var open = !bar.classList.contains("nav-open");
    bar.classList.toggle("nav-open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();
