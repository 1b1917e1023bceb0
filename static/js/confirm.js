// A confirmation step before an irreversible action (cancel, post, remove a line, delete a draft).
// Forms carry data-confirm="question"; htmx requests carry hx-confirm="question". Both open a native
// <dialog>: the focus starts on Back, Esc goes back, Enter or a click on Confirm goes ahead.
(function () {
  "use strict";

  function ask(question, proceed) {
    var root = document.documentElement;
    var dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-dialog-question");
    var text = document.createElement("p");
    text.id = "confirm-dialog-question";
    text.textContent = question;
    var actions = document.createElement("div");
    actions.className = "actions";
    var back = document.createElement("button");
    back.type = "button";
    back.className = "secondary";
    back.textContent = root.dataset.confirmBack || "Back";
    var go = document.createElement("button");
    go.type = "button";
    go.className = "danger";
    go.textContent = root.dataset.confirmGo || "Confirm";
    actions.append(go, back);
    dialog.append(text, actions);
    back.addEventListener("click", function () { dialog.close("back"); });
    go.addEventListener("click", function () { dialog.close("confirm"); });
    dialog.addEventListener("close", function () {
      var confirmed = dialog.returnValue === "confirm";
      dialog.remove();
      if (confirmed) proceed();
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    back.focus();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    // htmx forms ask through hx-confirm (below): htmx handles their submit itself.
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm || form.hasAttribute("hx-post")) return;
    if (form.dataset.confirmed === "yes") { delete form.dataset.confirmed; return; }
    event.preventDefault();
    var submitter = event.submitter;
    ask(form.dataset.confirm, function () {
      form.dataset.confirmed = "yes";
      form.requestSubmit(submitter || undefined);
    });
  });

  document.addEventListener("htmx:confirm", function (event) {
    if (!event.detail.question) return;
    event.preventDefault();
    ask(event.detail.question, function () { event.detail.issueRequest(true); });
  });
})();
