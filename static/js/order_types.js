// The order type select of an order form (select[data-order-type]) shows only the fields that type takes.
// Each such field's wrapper carries data-order-types="subscription" (the types it is for). Fields of other
// types are hidden and disabled, so the form does not send them: a sales order has no billing period.
(function () {
  "use strict";

  function apply(select) {
    var form = select.closest("form");
    if (!form) return;
    form.querySelectorAll("[data-order-types]").forEach(function (wrapper) {
      var shown = wrapper.dataset.orderTypes.split(" ").indexOf(select.value) >= 0;
      wrapper.hidden = !shown;
      wrapper.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = !shown;
      });
    });
  }

  function applyWithin(root) {
    if (!root || !root.querySelectorAll) return;
    root.querySelectorAll("select[data-order-type]").forEach(apply);
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-order-type]")) apply(event.target);
  }, true);
  document.addEventListener("htmx:load", function (event) { applyWithin(event.detail.elt); });
  document.addEventListener("DOMContentLoaded", function () { applyWithin(document); });
})();
