/* Lost reasons in the pages.
 *
 * PipelineLost.ask(title, stageTitle): the board's dialog asking why a deal was lost before a
 * card moves to a lost stage; resolves {reason, comment}, or null when cancelled (Esc or
 * Cancel): the caller then puts the card back and sends nothing.
 *
 * [data-lost-fields]: the reason and comment of a form with a stage selector (the deal page's
 * Move, the edit form), shown only while a lost stage is chosen; hidden, they are disabled so
 * they are not sent. Without JavaScript they stay visible and the server has the last word. */
(function () {
  "use strict";

  function ask(title, stageTitle) {
    var dialog = document.getElementById("lost-reason-dialog");
    if (!dialog || typeof dialog.showModal !== "function") {
      return Promise.resolve({ reason: "", comment: "" }); // the server will say what is missing
    }
    var form = dialog.querySelector("form");
    var select = dialog.querySelector("select[name=lost_reason]");
    var comment = dialog.querySelector("textarea[name=lost_comment]");
    form.reset();
    dialog.querySelector("[data-lost-title]").textContent = title || "this deal";
    dialog.querySelector("[data-lost-stage]").textContent = stageTitle || "the lost stage";
    dialog.returnValue = "";
    return new Promise(function (resolve) {
      function closed() {
        dialog.removeEventListener("close", closed);
        if (dialog.returnValue === "confirm" && select.value) {
          resolve({ reason: select.value, comment: comment.value });
        } else {
          resolve(null);
        }
      }
      dialog.addEventListener("close", closed);
      dialog.showModal();
      select.focus();
    });
  }

  window.PipelineLost = { ask: ask };

  function syncLostFields(box) {
    var select = document.getElementById(box.dataset.stageSelect);
    if (!select) return;
    var lost = (box.dataset.lostStages || "").split(",").indexOf(select.value) !== -1;
    box.hidden = !lost;
    box.querySelectorAll("select, textarea, input").forEach(function (input) {
      input.disabled = !lost;
    });
  }

  function initLostFields() {
    document.querySelectorAll("[data-lost-fields]").forEach(function (box) {
      var select = document.getElementById(box.dataset.stageSelect);
      if (!select || box.dataset.lostReady) return;
      box.dataset.lostReady = "1";
      select.addEventListener("change", function () {
        syncLostFields(box);
      });
      syncLostFields(box);
    });
  }

  document.addEventListener("DOMContentLoaded", initLostFields);
})();
