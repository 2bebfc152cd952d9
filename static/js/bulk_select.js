/* Bulk edit on the opportunities table (templates/opportunities/_bulk_actions.html).
 *
 * Without JavaScript the form works as it is: check rows, choose an action, fill its fields.
 * With it: a "select every row on this page" checkbox in the table's head, only the chosen
 * action's fields shown (hidden ones disabled, so they are not sent), and the Apply button
 * naming how many rows it applies to. The table is swapped by the filters (htmx): everything
 * is looked up from the document at each event. */
(function () {
  "use strict";

  function form() {
    return document.querySelector("[data-bulk]");
  }

  function rows(f) {
    return Array.prototype.slice.call(f.querySelectorAll("[data-bulk-row]"));
  }

  function refresh() {
    var f = form();
    if (!f) return;
    var all = f.querySelector("[data-bulk-all-rows]");
    var every = f.querySelector("[data-bulk-every]");
    var boxes = rows(f);
    var checked = boxes.filter(function (box) { return box.checked; }).length;
    if (all) {
      all.hidden = false;
      all.checked = boxes.length > 0 && checked === boxes.length;
      all.indeterminate = checked > 0 && checked < boxes.length;
    }
    var action = f.querySelector("select[name=action]");
    var chosen = action ? action.value : "";
    f.querySelectorAll("[data-bulk-for]").forEach(function (group) {
      var shown = group.getAttribute("data-bulk-for").split(" ").indexOf(chosen) !== -1;
      group.hidden = !shown;
      group.querySelectorAll("input, select, textarea").forEach(function (input) {
        if (input.closest("[data-lost-fields]") && shown) return; // lost_reason.js decides
        input.disabled = !shown;
      });
    });
    var apply = f.querySelector("[data-bulk-apply]");
    if (apply) {
      apply.textContent = every && every.checked
        ? "Apply to every opportunity of this filter"
        : "Apply to " + checked + " selected";
    }
  }

  document.addEventListener("change", function (event) {
    var f = form();
    if (!f || !f.contains(event.target)) return;
    if (event.target.matches("[data-bulk-all-rows]")) {
      rows(f).forEach(function (box) { box.checked = event.target.checked; });
    }
    refresh();
  });
  document.addEventListener("DOMContentLoaded", refresh);
  document.addEventListener("htmx:after:settle", refresh); // htmx 4 event names
})();
