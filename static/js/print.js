// Buttons marked data-print print the page (no inline handlers: the CSP allows only these files).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) { event.preventDefault(); window.print(); }
});
