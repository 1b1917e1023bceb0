/* A confirmation step for irreversible actions: any <form data-confirm="message"> asks first.
 *
 * The submit is stopped before anything else sees it (htmx included), a native modal <dialog> shows the message
 * with Confirm and Back; focus starts on Back, Esc or Back cancels, Confirm (click, Enter or Space) submits the
 * form again with the same submit button, this time let through. The button labels come from this script tag's
 * data-confirm-label / data-back-label, so they follow the page's language. No framework, nothing from a CDN.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var labels = {
    confirm: (script && script.dataset.confirmLabel) || "Confirm",
    back: (script && script.dataset.backLabel) || "Back",
  };
  var dialog = null;
  var pending = null; // { form, submitter } waiting for an answer
  var confirmed = new WeakSet(); // forms whose next submit was confirmed

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-dialog-message");
    var message = document.createElement("p");
    message.id = "confirm-dialog-message";
    var buttons = document.createElement("form");
    buttons.method = "dialog";
    buttons.className = "actions";
    var confirm = document.createElement("button");
    confirm.type = "submit";
    confirm.value = "confirm";
    confirm.className = "danger";
    confirm.textContent = labels.confirm;
    var back = document.createElement("button");
    back.type = "submit";
    back.value = "back";
    back.className = "secondary";
    back.textContent = labels.back;
    buttons.append(confirm, back);
    dialog.append(message, buttons);
    dialog.addEventListener("close", answered);
    document.body.append(dialog);
  }

  function answered() {
    var waiting = pending;
    pending = null;
    if (!waiting || dialog.returnValue !== "confirm") {
      if (waiting && waiting.submitter && waiting.submitter.isConnected) waiting.submitter.focus();
      return;
    }
    confirmed.add(waiting.form);
    var submitter = waiting.submitter && waiting.submitter.form === waiting.form ? waiting.submitter : null;
    waiting.form.requestSubmit(submitter);
  }

  function ask(form, submitter) {
    if (!dialog) build();
    pending = { form: form, submitter: submitter };
    dialog.returnValue = "";
    dialog.querySelector("#confirm-dialog-message").textContent = form.dataset.confirm;
    dialog.showModal();
    dialog.querySelector("button[value=back]").focus();
  }

  // Capture on the document runs before listeners on the form itself (htmx listens there).
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) return;
      if (confirmed.has(form)) {
        confirmed.delete(form);
        return;
      }
      event.preventDefault();
      event.stopImmediatePropagation();
      ask(form, event.submitter || null);
    },
    true
  );
})();
