// Submit a filter form when one of its selects marked data-autosubmit changes (no inline handlers: CSP).
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el && el.matches && el.matches("[data-autosubmit]") && el.form) el.form.submit();
});
