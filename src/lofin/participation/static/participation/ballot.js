// The ballot's running count, total or points left, and moving ranked projects by buttons or Alt+arrow keys.
// The page works without this script: the server checks the same limits.
(function () {
  "use strict";
  var form = document.getElementById("ballot");
  if (!form) return;
  var kind = form.dataset.kind;
  var maxChoices = parseInt(form.dataset.maxChoices || "0", 10);
  var maxPoints = parseInt(form.dataset.maxPoints || "0", 10);
  var budgets = JSON.parse(document.getElementById("ballot-budgets").textContent);
  var status = document.getElementById("ballot-status");
  var won = new Intl.NumberFormat(document.documentElement.lang || "ko");
  var items = function () { return Array.prototype.slice.call(form.querySelectorAll(".pb-choices > li[data-id]")); };

  function update() {
    var chosen = items().filter(function (li) {
      var box = li.querySelector("input[type=checkbox]");
      return box && box.checked;
    });
    if (kind === "knapsack") {
      budgets.forEach(function (b) {
        var total = chosen.filter(function (li) { return li.dataset.group === String(b.group); })
          .reduce(function (sum, li) { return sum + parseInt(li.dataset.cost, 10); }, 0);
        var span = status.querySelector('[data-total="' + b.group + '"]');
        if (span) {
          span.textContent = won.format(total);
          span.parentElement.classList.toggle("over", total > b.amount);
        }
        // Projects that no longer fit are marked, not disabled: the voter may still swap choices.
        items().forEach(function (li) {
          if (li.dataset.group !== String(b.group)) return;
          var box = li.querySelector("input[type=checkbox]");
          li.classList.toggle("no-room", !box.checked && total + parseInt(li.dataset.cost, 10) > b.amount);
        });
      });
    } else if (kind === "cumulative") {
      var used = items().reduce(function (sum, li) {
        var v = parseInt(li.querySelector("input").value || "0", 10);
        return sum + (isNaN(v) || v < 0 ? 0 : v);
      }, 0);
      var left = status.querySelector("[data-left]");
      left.textContent = String(maxPoints - used);
      status.classList.toggle("over", used > maxPoints);
    } else {
      var count = status.querySelector("[data-count]");
      if (count) count.textContent = String(chosen.length);
      if (kind === "k_approval" && maxChoices) {
        status.classList.toggle("over", chosen.length > maxChoices);
        items().forEach(function (li) {
          var box = li.querySelector("input[type=checkbox]");
          box.disabled = !box.checked && chosen.length >= maxChoices;
        });
      }
    }
    if (kind === "ranked") number();
  }

  function number() {
    var position = 0;
    items().forEach(function (li) {
      var box = li.querySelector("input[type=checkbox]");
      var pos = li.querySelector(".pb-pos");
      pos.textContent = "";
      if (!box.checked) return;
      // Read out as "preference 1" by screen readers; shown as a numbered badge.
      var label = document.createElement("span");
      label.className = "sr-only";
      label.textContent = (form.dataset.rankLabel || "") + " ";
      pos.appendChild(label);
      pos.appendChild(document.createTextNode(String(++position)));
    });
  }

  function move(li, direction, focusSelector) {
    var sibling = direction === "up" ? li.previousElementSibling : li.nextElementSibling;
    if (!sibling) return;
    if (direction === "up") li.parentNode.insertBefore(li, sibling);
    else li.parentNode.insertBefore(sibling, li);
    update();
    var title = li.querySelector("label strong").textContent;
    var place = items().indexOf(li) + 1;
    status.dataset.moved = title;
    announce(title + " → " + place);
    var target = li.querySelector(focusSelector);
    if (target) target.focus();
  }

  var announcer = document.createElement("p");
  announcer.className = "sr-only";
  announcer.setAttribute("aria-live", "assertive");
  form.appendChild(announcer);
  function announce(text) { announcer.textContent = text; }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-move]");
    if (!button) return;
    move(button.closest("li"), button.dataset.move, 'button[data-move="' + button.dataset.move + '"]');
  });
  form.addEventListener("keydown", function (event) {
    if (kind !== "ranked" || !event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
    var li = event.target.closest(".pb-choices > li");
    if (!li) return;
    event.preventDefault();
    move(li, event.key === "ArrowUp" ? "up" : "down", "input[type=checkbox]");
  });
  update();
})();
