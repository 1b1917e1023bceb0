// Type-ahead choice of one record (core/widgets.py AutocompleteInput), following the ARIA combobox pattern:
// typing fetches up to 20 suggestions, Arrow Down/Up move through them, Enter picks one, Escape closes the list.
// The hidden input beside the text input carries the chosen id; typing again clears it. Rows added later (htmx)
// work too: every listener is on the document.
(function () {
  "use strict";

  var DELAY = 150;
  var timers = new WeakMap();
  var requests = new WeakMap();

  function parts(input) {
    var box = input.closest(".autocomplete");
    return {
      box: box,
      hidden: box.querySelector("[data-autocomplete-value]"),
      list: box.querySelector("[role=listbox]")
    };
  }

  function options(list) {
    return Array.prototype.slice.call(list.querySelectorAll("[role=option]"));
  }

  function close(input) {
    var p = parts(input);
    p.list.hidden = true;
    p.list.innerHTML = "";
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function highlight(input, index) {
    var p = parts(input);
    var all = options(p.list);
    all.forEach(function (option, i) { option.setAttribute("aria-selected", i === index ? "true" : "false"); });
    if (index >= 0 && all[index]) {
      input.setAttribute("aria-activedescendant", all[index].id);
      all[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function active(list) {
    return options(list).findIndex(function (option) { return option.getAttribute("aria-selected") === "true"; });
  }

  function pick(input, option) {
    var p = parts(input);
    input.value = option.dataset.label;
    p.hidden.value = option.dataset.id;
    close(input);
    // Forms that follow the choice (the payment form narrows its invoices) listen for change on the hidden input.
    p.hidden.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function show(input, results) {
    var p = parts(input);
    p.list.innerHTML = "";
    if (!results.length) {
      var none = document.createElement("span");
      none.className = "empty";
      none.textContent = document.documentElement.dataset.autocompleteNone || "No matches";
      p.list.appendChild(none);
    }
    results.forEach(function (result, i) {
      var option = document.createElement("span");
      option.setAttribute("role", "option");
      option.id = p.list.id + "-" + i;
      option.dataset.id = result.id;
      option.dataset.label = result.label;
      option.textContent = result.label;
      option.setAttribute("aria-selected", "false");
      p.list.appendChild(option);
    });
    p.list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    if (results.length) highlight(input, 0);
  }

  function suggest(input) {
    var text = input.value.trim();
    if (!text) { close(input); return; }
    var previous = requests.get(input);
    if (previous) previous.abort();
    var controller = new AbortController();
    requests.set(input, controller);
    var url = parts(input).box.dataset.autocompleteUrl;
    url += (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(text);
    fetch(url, { headers: { Accept: "application/json" }, signal: controller.signal, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) { if (document.activeElement === input) show(input, data.results || []); })
      .catch(function () {});
  }

  function isCombobox(target) {
    return target instanceof HTMLInputElement && target.getAttribute("role") === "combobox" &&
      target.closest(".autocomplete");
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!isCombobox(input)) return;
    parts(input).hidden.value = "";
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(function () { suggest(input); }, DELAY));
  });

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!isCombobox(input)) return;
    var list = parts(input).list;
    var open = !list.hidden;
    var count = options(list).length;
    var index = active(list);
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!open) { suggest(input); return; }
      highlight(input, count ? (index + 1) % count : -1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (open && count) highlight(input, index <= 0 ? count - 1 : index - 1);
    } else if (event.key === "Enter") {
      // Enter picks the highlighted suggestion instead of submitting the form.
      if (open && index >= 0) {
        event.preventDefault();
        pick(input, options(list)[index]);
      }
    } else if (event.key === "Escape") {
      if (open) {
        event.preventDefault();
        close(input);
      }
    }
  });

  document.addEventListener("mousedown", function (event) {
    var option = event.target.closest && event.target.closest(".autocomplete [role=option]");
    if (!option) return;
    // Keep the focus in the input, then pick what was clicked.
    event.preventDefault();
    pick(option.closest(".autocomplete").querySelector("[role=combobox]"), option);
  });

  document.addEventListener("focusout", function (event) {
    var input = event.target;
    if (isCombobox(input)) close(input);
  });
})();
