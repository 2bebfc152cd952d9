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

  // The contact form shows the person or the company fields.
  function initContactForm() {
    var form = document.querySelector(".contact-form");
    if (!form) return;
    form.addEventListener("change", function (event) {
      if (event.target.name === "kind") form.dataset.kind = event.target.value;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("#toasts .toast").forEach(function (item) {
      dismissLater(item, item.classList.contains("toast-error") ? 8000 : 5000);
    });
    initContactForm();
  });

  window.Pipeline = { csrfToken: csrfToken, toast: toast };
})();
