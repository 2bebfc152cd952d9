/* The filters above the board and the list: the contact search box. htmx asks for the
   contacts matching what is typed; choosing one puts its id in the hidden `contact` field,
   and that change asks for the filtered page as any other filter does. */
(function () {
  "use strict";

  function optionsOf(box) {
    return document.getElementById(box.getAttribute("aria-controls"));
  }

  function showOptions(box, shown) {
    optionsOf(box).hidden = !shown;
    box.setAttribute("aria-expanded", shown ? "true" : "false");
  }

  function choose(box, id, label) {
    var value = box.closest("[data-contact-filter]").querySelector("[data-contact-value]");
    box.value = label;
    showOptions(box, false);
    if (value.value === id) return;
    value.value = id;
    value.dataset.label = label;
    value.dispatchEvent(new Event("change", { bubbles: true })); // the form's htmx trigger
  }

  function links(box) {
    return Array.prototype.slice.call(optionsOf(box).querySelectorAll("a[data-contact-id]"));
  }

  function initContactFilter(box) {
    var list = optionsOf(box);
    var filter = box.closest("[data-contact-filter]");
    var value = filter.querySelector("[data-contact-value]");
    value.dataset.label = value.value ? box.value : "";
    // Leaving the box without choosing: it shows the contact the board is filtered by again.
    filter.addEventListener("focusout", function (event) {
      if (filter.contains(event.relatedTarget)) return;
      // (no relatedTarget: a click where nothing takes focus, maybe an option in Safari)
      if (event.relatedTarget) showOptions(box, false);
      if (value.value) box.value = value.dataset.label;
    });
    // Typing here searches contacts, it is not a filter change: the form must not hear it.
    box.addEventListener("input", function (event) {
      event.stopPropagation();
      if (!box.value.trim()) choose(box, "", "");
    });
    box.addEventListener("change", function (event) {
      event.stopPropagation();
    });
    box.addEventListener("keydown", function (event) {
      var found = links(box);
      if (event.key === "ArrowDown" && found.length) {
        event.preventDefault();
        showOptions(box, true);
        found[0].focus();
      } else if (event.key === "Escape") {
        showOptions(box, false);
      } else if (event.key === "Enter") {
        event.preventDefault(); // not a submit: Enter takes the first match, if any
        if (!list.hidden && found.length) choose(box, found[0].dataset.contactId, found[0].textContent);
      }
    });
    list.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-contact-id]");
      if (!link) return;
      event.preventDefault();
      choose(box, link.dataset.contactId, link.textContent);
    });
    list.addEventListener("keydown", function (event) {
      var found = links(box);
      var index = found.indexOf(document.activeElement);
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var next = index + (event.key === "ArrowDown" ? 1 : -1);
        if (next < 0) box.focus();
        else if (next < found.length) found[next].focus();
      } else if (event.key === "Escape") {
        showOptions(box, false);
        box.focus();
      }
    });
    box.addEventListener("htmx:after:swap", function () {
      // the matches arrived: show them while the user is still here
      showOptions(box, document.activeElement === box || list.contains(document.activeElement));
    });
    document.addEventListener("click", function (event) {
      if (!filter.contains(event.target)) showOptions(box, false);
    });
  }

  // The search text is not a filter: keep it out of the filtered page's URL. A request for
  // the filters already shown (the page's URL: the filters push it) is not sent: typing in
  // the search asks once (input), and the change event when the box loses focus would ask
  // again and swap the same page over what the user started doing there (checked rows, a
  // typed bulk tag, a card being dragged).
  document.addEventListener("htmx:config:request", function (event) {
    var ctx = event.detail && event.detail.ctx;
    if (!(ctx && ctx.sourceElement && ctx.sourceElement.matches("form[data-filters]"))) return;
    ctx.request.body.delete("contact_search");
    var asked = new URL(ctx.request.action, document.baseURI);
    var query = new URLSearchParams(ctx.request.body).toString();
    if (asked.pathname === location.pathname && query === location.search.replace(/^\?/, "")) {
      event.preventDefault();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-contact-query]").forEach(initContactFilter);
  });
})();
