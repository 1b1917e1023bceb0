// Behaviour the markup asks for with data attributes, because the Content-Security-Policy allows no inline
// script, event handler or style attribute: a select that submits its form when changed (data-submit-on-change),
// and bars whose width is a percentage (data-width="33"), also in parts htmx swaps in later.
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-submit-on-change]") && field.form) {
      field.form.submit();
    }
  });

  function setWidths(root) {
    var bars = Array.prototype.slice.call(root.querySelectorAll("[data-width]"));
    if (root.matches && root.matches("[data-width]")) bars.push(root);
    bars.forEach(function (bar) { bar.style.width = bar.dataset.width + "%"; });
  }

  document.addEventListener("DOMContentLoaded", function () { setWidths(document); });
  document.addEventListener("htmx:load", function (event) { setWidths(event.detail.elt); });
})();
