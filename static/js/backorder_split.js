// The split of an item's on-hand between the orders waiting for it: the total promised (these lines plus what
// other lines keep) is shown against on hand as quantities are typed, and marked when it goes over.
(function () {
  "use strict";

  function update(form) {
    var total = form.querySelector("#split-total");
    if (!total) return;
    var sum = parseFloat(total.dataset.elsewhere || "0");
    var lines = 0;
    form.querySelectorAll("input.split-quantity").forEach(function (input) {
      var value = parseFloat(input.value);
      if (!isNaN(value)) lines += value;
    });
    total.textContent = String(Math.round(lines * 1000) / 1000);
    total.classList.toggle("error", sum + lines > parseFloat(total.dataset.onHand));
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("split-form");
    if (!form) return;
    form.addEventListener("input", function () {
      update(form);
    });
    // What was typed before the script ran (or restored by the browser on going back) counts too.
    update(form);
  });
})();
