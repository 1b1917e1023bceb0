// The line type select of a document line (item, write-in, comment) shows only the fields that type takes.
// Each field's wrapper carries data-line-types="item write_in comment" (the types it is for; "item" stands for
// the empty choice). Fields of other types are hidden and disabled, so the form does not send them: a write-in
// has no catalogue item, a comment no quantity or price. Rows added later (htmx) work too.
(function () {
  "use strict";

  function rowOf(select) {
    return select.closest("tr, form");
  }

  function apply(select) {
    var type = select.value || "item";
    rowOf(select).querySelectorAll("[data-line-types]").forEach(function (wrapper) {
      var shown = wrapper.dataset.lineTypes.split(" ").indexOf(type) >= 0;
      wrapper.hidden = !shown;
      wrapper.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = !shown;
      });
    });
  }

  function applyWithin(root) {
    if (!root || !root.querySelectorAll) return;
    root.querySelectorAll("select[data-line-type]").forEach(apply);
  }

  // Capturing: the fields are switched before htmx (listening on the form) reads them for the live preview.
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-line-type]")) apply(event.target);
  }, true);
  document.addEventListener("htmx:load", function (event) { applyWithin(event.detail.elt); });
  document.addEventListener("DOMContentLoaded", function () { applyWithin(document); });
})();
