// Filters for the results matrix and the runs table, and the replay command's copy button.
// Progressive: without this script every page shows everything.
(function () {
  "use strict";

  function each(root, selector, fn) {
    Array.prototype.forEach.call(root.querySelectorAll(selector), fn);
  }

  function hasAny(element, selected) {
    var verdicts = (element.getAttribute("data-verdicts") || "").split(" ");
    for (var i = 0; i < verdicts.length; i++) {
      if (selected[verdicts[i]]) return true;
    }
    return false;
  }

  function setupFilters(form) {
    form.hidden = false;
    var select = form.querySelector("select[name=category]");

    function apply() {
      var selected = {};
      each(form, "input[name=verdict]", function (box) { if (box.checked) selected[box.value] = true; });
      var category = select ? select.value : "";
      each(document, "tbody.category", function (group) {
        group.hidden = category !== "" && group.getAttribute("data-category") !== category;
      });
      each(document, "tr.scenario-row", function (row) { row.hidden = !hasAny(row, selected); });
      each(document, "td.cell[data-verdicts]", function (cell) { cell.classList.toggle("dim", !hasAny(cell, selected)); });
      each(document, "table.runs tbody tr", function (row) {
        var inCategory = category === "" || row.getAttribute("data-category") === category;
        row.hidden = !inCategory || !hasAny(row, selected);
      });
    }

    // index.html?verdict=fail,hang&category=tls opens with those filters set.
    var params = new URLSearchParams(window.location.search);
    var wanted = params.get("verdict");
    if (wanted !== null) {
      var keep = {};
      wanted.split(",").forEach(function (v) { keep[v] = true; });
      each(form, "input[name=verdict]", function (box) { box.checked = !!keep[box.value]; });
    }
    var category = params.get("category");
    if (category !== null && select) {
      select.value = category;
      if (select.value !== category) select.value = "";
    }

    form.addEventListener("change", apply);
    // A reset restores the controls after the event; apply once they are back.
    form.addEventListener("reset", function () { setTimeout(apply, 0); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    apply();
  }

  function setupCopy(button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = target.textContent;
      var done = function () {
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = "Copy"; }, 1500);
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () { selectText(target); });
      } else {
        selectText(target);
      }
    });
  }

  // Fallback when the clipboard is not available (e.g. some file:// contexts): select for Ctrl+C.
  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function start() {
    each(document, "form.filters", setupFilters);
    each(document, "button.copy[data-copy]", setupCopy);
    document.documentElement.setAttribute("data-js", "ready");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
