/* The top bar on phones: a menu button shows and hides the links (app.css hides them only
 * once this script has marked the bar, so without JavaScript they wrap below the brand). */
(function () {
  "use strict";

  function init() {
    var bar = document.querySelector(".topbar");
    var button = bar && bar.querySelector(".menu-button");
    if (!button) return;
    bar.classList.add("has-menu");

    function setOpen(open) {
      bar.classList.toggle("is-open", open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
    }

    button.addEventListener("click", function () {
      setOpen(!bar.classList.contains("is-open"));
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && bar.classList.contains("is-open")) {
        setOpen(false);
        button.focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (bar.classList.contains("is-open") && !bar.contains(event.target)) setOpen(false);
    });
  }

  document.addEventListener("DOMContentLoaded", init);
})();
