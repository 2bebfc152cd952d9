/* Pipeline: small behaviours shared by every page. */
(function () {
  "use strict";

  function csrfToken() {
    var raw = document.body.getAttribute("hx-headers:inherited") || "{}";
    try {
      return JSON.parse(raw)["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function toast(message, kind) {
    var box = document.getElementById("toasts");
    if (!box) return;
    var item = document.createElement("div");
    item.className = "toast toast-" + (kind || "info");
    item.textContent = message;
    box.appendChild(item);
    dismissLater(item, kind === "error" ? 8000 : 4000);
  }

  function dismissLater(item, delay) {
    setTimeout(function () {
      item.remove();
    }, delay);
  }

  // Stage colours come as data-stage-color (the Content-Security-Policy allows no style
  // attributes); the stylesheet reads them as --stage-color. Run on load and after every swap.
  function paintStageColors(root) {
    (root || document).querySelectorAll("[data-stage-color]").forEach(function (item) {
      if (item.style.getPropertyValue("--stage-color") !== item.dataset.stageColor) {
        item.style.setProperty("--stage-color", item.dataset.stageColor);
      }
    });
  }

  document.addEventListener("htmx:after:swap", function () {
    paintStageColors(document);
  });

  // The contact form shows the person or the company fields.
  function initContactForm() {
    var form = document.querySelector(".contact-form");
    if (!form) return;
    form.addEventListener("change", function (event) {
      if (event.target.name === "kind") form.dataset.kind = event.target.value;
    });
  }

  // htmx 4 swaps 4xx/5xx answers into the page like any other: an error page would replace a
  // column's "Load more" or the whole board. Swap nothing, keep what is shown, say why.
  var ERRORS = {
    403: "You may no longer see this, or your session has ended: reload the page.",
    404: "This is no longer there: reload the page."
  };

  document.addEventListener("htmx:response:error", function (event) {
    var ctx = event.detail && event.detail.ctx;
    if (!ctx) return;
    ctx.swap = "none";
    var status = ctx.response ? ctx.response.status : 0;
    toast(
      (ERRORS[status] || "The server could not answer (" + status + "). Nothing was changed; try again."),
      "error"
    );
  });

  document.addEventListener("htmx:error", function (event) {
    // a network failure (the fetch itself threw): nothing was swapped
    var ctx = event.detail && event.detail.ctx;
    if (!ctx || ctx.response) return;
    toast("The server cannot be reached. Nothing was changed; try again.", "error");
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("#toasts .toast").forEach(function (item) {
      // an error, or a message with an action (the Undo after a delete), stays longer
      var lasting = item.classList.contains("toast-error") || item.querySelector("form");
      dismissLater(item, lasting ? 12000 : 5000);
    });
    initContactForm();
  });
  paintStageColors(document); // deferred script: the document is parsed, paint before load

  window.Pipeline = { csrfToken: csrfToken, toast: toast };
})();
