/* The Kanban board: drag and drop (SortableJS), keyboard moves, live column totals.
 *
 * A move goes through the same endpoint as the stage selector on each card: POST
 * /opportunities/<id>/move/ with the board's filters, answered with the new card and the new
 * headers of both columns. A refused move puts the card back and says why. */
(function () {
  "use strict";

  function board() {
    return document.getElementById("board");
  }

  function fromHTML(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  // The server's `money` filter, exactly: its separators and currency affixes come as data
  // attributes (money_format); cents only when there are some. Amounts arrive in cents' units
  // as decimal strings, summed in integer cents so no float rounding shows.
  function money(cents, format) {
    var places = cents % 100 === 0 ? 0 : 2;
    var whole = String(Math.floor(cents / 100));
    var grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, format.moneyThousands || "");
    var text = grouped;
    if (places) text += (format.moneyDecimal || ".") + String(cents % 100).padStart(2, "0");
    return (format.moneyBefore || "") + text + (format.moneyAfter || "");
  }

  function toCents(text) {
    // "12345.50" (plain_number) -> 1234550
    var parts = String(text || "0").split(".");
    var cents = (parts[1] || "").concat("00").slice(0, 2);
    return Number(parts[0]) * 100 + Number(cents);
  }

  function updateSummary() {
    var root = board();
    if (!root) return;
    // open deals in the count, total and weighted; won and lost apart (their stage types)
    var count = 0, total = 0, weighted = 0, closed = {};
    root.querySelectorAll(".column-header").forEach(function (header) {
      var type = header.dataset.stageType || "0";
      if (type !== "0") {
        var sums = closed[type] || (closed[type] = { count: 0, total: 0 });
        sums.count += Number(header.dataset.count);
        sums.total += toCents(header.dataset.total);
        return;
      }
      count += Number(header.dataset.count);
      total += toCents(header.dataset.total);
      weighted += toCents(header.dataset.weighted);
    });
    var summary = document.getElementById("board-summary");
    if (!summary) return;
    summary.querySelectorAll("[data-closed]").forEach(function (part) {
      var sums = closed[part.dataset.closed] || { count: 0, total: 0 };
      part.querySelector("[data-closed-count]").textContent = String(sums.count);
      part.querySelector("[data-closed-total]").textContent = money(sums.total, summary.dataset);
    });
    var parts = { count: count, total: total, weighted: weighted };
    Object.keys(parts).forEach(function (key) {
      var el = summary.querySelector('[data-summary="' + key + '"]');
      if (!el) return;
      el.textContent = key === "count" ? String(parts[key]) : money(parts[key], summary.dataset);
    });
  }

  function putBack(card, from, index) {
    var ref = from.children[index] || null;
    if (ref === card) return;
    from.insertBefore(card, ref);
  }

  function shiftOffset(stageId, delta) {
    var input = document.getElementById("offset-" + stageId);
    if (input) input.value = String(Math.max(0, Number(input.value) + delta));
  }

  var LOST = "2"; // StageType.CLOSED_AND_LOST

  function columnOf(list) {
    return list.closest(".column") || list;
  }

  // A card entering a lost stage asks why first (lost_reason.js); cancelled, it goes back.
  function moveCard(card, toList, from, oldIndex) {
    if (card.dataset.canEdit !== "true") {
      putBack(card, from, oldIndex);
      window.Pipeline.toast("You may not move this opportunity: you cannot edit it.", "error");
      return Promise.resolve(false);
    }
    var entersLost = columnOf(toList).dataset.stageType === LOST &&
      columnOf(from).dataset.stageType !== LOST;
    if (!entersLost || !window.PipelineLost) return sendMove(card, toList, from, oldIndex, null);
    var title = card.querySelector(".card-title a");
    var stageTitle = columnOf(toList).querySelector(".column-title");
    return window.PipelineLost.ask(
      title ? title.textContent : "", stageTitle ? stageTitle.textContent : ""
    ).then(function (lost) {
      if (!lost) {
        putBack(card, from, oldIndex);
        window.Pipeline.toast("Not moved: no lost reason was given.", "info");
        return false;
      }
      return sendMove(card, toList, from, oldIndex, lost);
    });
  }

  function sendMove(card, toList, from, oldIndex, lost) {
    var toStage = toList.dataset.stageId;
    var fromStage = from.dataset.stageId;
    var body = new URLSearchParams(board().dataset.filterQuery || "");
    body.set("stage", toStage);
    if (lost) {
      body.set("lost_reason", lost.reason);
      body.set("lost_comment", lost.comment || "");
    }
    card.classList.add("is-saving");
    card.setAttribute("aria-busy", "true");
    return fetch(card.dataset.moveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": window.Pipeline.csrfToken(), "Accept": "application/json" },
      body: body
    })
      .then(function (response) {
        return response.json().catch(function () {
          return { ok: false, error: "The server could not save the move (" + response.status + ")." };
        });
      })
      .catch(function () {
        return { ok: false, error: "The move could not be saved: the server cannot be reached." };
      })
      .then(function (data) {
        card.classList.remove("is-saving");
        card.removeAttribute("aria-busy");
        if (!data.ok) {
          putBack(card, from, oldIndex);
          window.Pipeline.toast(data.error || "The move was refused.", "error");
          return false;
        }
        var fresh = fromHTML(data.card);
        card.replaceWith(fresh);
        if (window.htmx) window.htmx.process(fresh);
        data.columns.forEach(function (column) {
          var header = document.getElementById("column-header-" + column.stage);
          if (header) header.replaceWith(fromHTML(column.header));
        });
        shiftOffset(fromStage, -1);
        updateSummary();
        window.Pipeline.toast(data.message, "success");
        return true;
      });
  }

  function initSortable(root) {
    if (!window.Sortable) return;
    (root || document).querySelectorAll(".column-cards").forEach(function (list) {
      if (list.dataset.sortableReady) return;
      list.dataset.sortableReady = "1";
      window.Sortable.create(list, {
        group: "pipeline",
        sort: false,
        draggable: ".card",
        filter: "button, select, summary, input, label, .card-move",
        forceFallback: true,
        fallbackTolerance: 4,
        preventOnFilter: false,
        animation: 150,
        ghostClass: "card-ghost",
        chosenClass: "card-chosen",
        // Near the board's left or right edge the board scrolls, so far stages can be reached
        // (SortableJS's AutoScroll; the board's scroll snapping is off meanwhile, or it snaps
        // each small step back).
        scroll: true,
        scrollSensitivity: 90,
        scrollSpeed: 18,
        bubbleScroll: true,
        onStart: function () {
          var scroller = list.closest(".board");
          if (scroller) scroller.classList.add("is-dragging");
        },
        onEnd: function (evt) {
          var scroller = list.closest(".board");
          if (scroller) scroller.classList.remove("is-dragging");
          if (evt.from === evt.to) return;
          moveCard(evt.item, evt.to, evt.from, evt.oldIndex);
        }
      });
    });
  }

  // Moving without a mouse: each card's "Move" opens a stage selector, copied from the one
  // template of the page (rendering nine options into every card cost most of the page time).
  function fillMoveForm(details) {
    if (details.querySelector(".card-move-form")) return;
    var card = details.closest(".card");
    var template = document.getElementById("card-move-template");
    if (!card || !template) return;
    var form = template.content.firstElementChild.cloneNode(true);
    var id = "move-" + card.dataset.opportunityId;
    var title = card.querySelector(".card-title a");
    form.action = card.dataset.moveUrl;
    var label = form.querySelector("label");
    label.htmlFor = id;
    label.textContent = "Stage of \u201c" + (title ? title.textContent : "") + "\u201d";
    var select = form.querySelector("select");
    select.id = id;
    select.value = card.dataset.stageId;
    var fallback = details.querySelector(".card-move-fallback");
    if (fallback) fallback.replaceWith(form);
    else details.appendChild(form);
  }

  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (details.matches && details.matches(".card .card-move") && details.open) {
      fillMoveForm(details);
    }
  }, true);

  document.addEventListener("submit", function (event) {
    var form = event.target.closest(".card-move-form");
    if (!form || !board()) return;
    var card = form.closest(".card");
    var select = form.querySelector("select[name=stage]");
    var toList = document.getElementById("cards-" + select.value);
    if (!card || !toList) return;
    event.preventDefault();
    var from = card.parentElement;
    if (from === toList) return;
    var oldIndex = Array.prototype.indexOf.call(from.children, card);
    toList.prepend(card);
    moveCard(card, toList, from, oldIndex).then(function (moved) {
      var current = document.querySelector('.card[data-opportunity-id="' + card.dataset.opportunityId + '"] summary');
      if (moved && current) current.focus();
    });
  });

  // "Load more" may bring a card that was dropped into the column meanwhile: keep one.
  function dropDuplicates() {
    var seen = {};
    document.querySelectorAll(".card[data-opportunity-id]").forEach(function (card) {
      var id = card.dataset.opportunityId;
      if (seen[id]) card.remove();
      else seen[id] = true;
    });
  }

  // More stages than fit: a shadow on the side that has more, and buttons saying which
  // stages are shown ("Stages 1–5 of 9") that scroll by a column.
  function updateScrollCue(scroller) {
    var max = scroller.scrollWidth - scroller.clientWidth;
    scroller.classList.toggle("has-more-left", scroller.scrollLeft > 1);
    scroller.classList.toggle("has-more-right", scroller.scrollLeft < max - 1);
    var nav = scroller.parentElement.querySelector(".board-scroll");
    if (!nav) return;
    nav.hidden = max <= 1;
    var box = scroller.getBoundingClientRect();
    var columns = scroller.querySelectorAll(".column");
    var first = 0, last = 0;
    columns.forEach(function (column, index) {
      var rect = column.getBoundingClientRect();
      if (rect.left >= box.left - 1 && rect.right <= box.right + 1) {
        if (!first) first = index + 1;
        last = index + 1;
      }
    });
    nav.querySelector(".board-scroll-range").textContent = first
      ? "Stages " + first + "\u2013" + last + " of " + columns.length
      : columns.length + " stages";
    nav.querySelector("[data-scroll='-1']").disabled = scroller.scrollLeft <= 1;
    nav.querySelector("[data-scroll='1']").disabled = scroller.scrollLeft >= max - 1;
  }

  function scrollButton(direction, label, text) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button small subtle";
    button.dataset.scroll = String(direction);
    button.setAttribute("aria-label", label);
    button.textContent = text;
    return button;
  }

  function initScrollCue(root) {
    (root || document).querySelectorAll(".board").forEach(function (scroller) {
      if (scroller.dataset.scrollCueReady) return;
      scroller.dataset.scrollCueReady = "1";
      var summary = scroller.parentElement.querySelector(".board-summary");
      if (summary) {
        var nav = document.createElement("span");
        nav.className = "board-scroll";
        var range = document.createElement("span");
        range.className = "board-scroll-range";
        range.setAttribute("aria-live", "polite");
        nav.append(
          scrollButton(-1, "Show earlier stages", "\u2039"),
          range,
          scrollButton(1, "Show later stages", "\u203a")
        );
        nav.addEventListener("click", function (event) {
          var button = event.target.closest("[data-scroll]");
          if (!button) return;
          var column = scroller.querySelector(".column");
          var step = column ? column.getBoundingClientRect().width : 280;
          scroller.scrollBy({ left: Number(button.dataset.scroll) * step, behavior: "smooth" });
        });
        summary.appendChild(nav);
      }
      var pending = false;
      scroller.addEventListener("scroll", function () {
        if (pending) return;
        pending = true;
        window.requestAnimationFrame(function () {
          pending = false;
          updateScrollCue(scroller);
        });
      }, { passive: true });
      updateScrollCue(scroller);
    });
  }

  window.addEventListener("resize", function () {
    document.querySelectorAll(".board").forEach(updateScrollCue);
  });

  document.addEventListener("DOMContentLoaded", function () {
    initSortable(document);
    initScrollCue(document);
  });
  document.addEventListener("htmx:after:swap", function () {
    dropDuplicates();
    initSortable(document);
    initScrollCue(document);
  });
  document.addEventListener("htmx:after:settle", function () {
    initSortable(document);
  });
})();
