// ShopCS reply-template picker (话术): search the templates filled for this case, choose one with the arrow keys
// and Enter (or a click), and insert its text at the cursor of the reply box. Alt+T, or "/" when not typing in a
// field, jumps to the search. In the reply box, "/" at its start or after a space or line break opens the picker
// there: the text typed after it filters, arrows and Enter (or a click) replace the "/" and that text with the
// template, Esc closes the picker and leaves the text as typed. Template texts are set with textContent and
// inserted as plain text, never as HTML.
(function () {
  "use strict";

  var picker = document.querySelector("[data-template-picker]");
  if (!picker) { return; }
  var input = picker.querySelector("[data-picker-search]");
  var category = picker.querySelector("[data-picker-category]");
  var list = picker.querySelector("[data-picker-list]");
  var status = picker.querySelector("[data-picker-status]");
  var url = picker.getAttribute("data-url");
  var targetId = picker.getAttribute("data-target") || "reply-body";
  var languageLabels = {};
  try { languageLabels = JSON.parse(picker.getAttribute("data-language-labels") || "{}"); } catch (e) { languageLabels = {}; }
  var categoryLabels = {};
  if (category) {
    Array.prototype.forEach.call(category.options, function (option) { categoryLabels[option.value] = option.textContent; });
  }
  var items = [];
  var active = -1;
  var sequence = 0;
  var timer = null;
  var loaded = false;
  var hint = status.textContent;
  var caretKnown = false; // until the agent has been in the reply box, a template goes at its end
  var slashAt = -1; // while "/" typed in the reply box has the picker open: where that "/" is
  var SLASHES = ["/", "\uFF0F"]; // and the full-width slash of a Chinese keyboard

  // app.css has no rules for the picker yet; CSSOM styles are allowed by the CSP (inline style attributes are not).
  list.style.listStyle = "none";
  list.style.margin = "0";
  list.style.padding = "0";
  list.style.maxHeight = "260px";
  list.style.overflowY = "auto";

  function target() { return document.getElementById(targetId); }

  function watchCaret() {
    var area = target();
    if (!area) { return; }
    ["focus", "click", "keyup", "select"].forEach(function (name) {
      area.addEventListener(name, function () { caretKnown = true; });
    });
  }

  function setStatus(text) { status.textContent = text || ""; }

  function highlight() {
    Array.prototype.forEach.call(list.children, function (item, index) {
      var chosen = index === active;
      item.setAttribute("aria-selected", chosen ? "true" : "false");
      item.style.background = chosen ? "#e8f0fe" : "";
      item.style.outline = chosen ? "2px solid #9ec0ff" : "";
      if (chosen) {
        input.setAttribute("aria-activedescendant", item.id);
        if (slashAt >= 0 && target()) { target().setAttribute("aria-activedescendant", item.id); }
        if (item.scrollIntoView) { item.scrollIntoView({ block: "nearest" }); }
      }
    });
    if (active < 0) {
      input.removeAttribute("aria-activedescendant");
      if (target()) { target().removeAttribute("aria-activedescendant"); }
    }
  }

  function option(row, index) {
    var item = document.createElement("li");
    item.id = "template-picker-option-" + index;
    item.setAttribute("role", "option");
    item.setAttribute("data-template-id", String(row.id));
    item.setAttribute("data-test", "template-picker-option");
    item.style.padding = "6px 8px";
    item.style.cursor = "pointer";
    item.style.borderBottom = "1px solid #e3e8ef";
    var title = document.createElement("strong");
    title.textContent = row.title;
    var meta = document.createElement("span");
    meta.className = "muted";
    meta.textContent = " · " + (row.category ? categoryLabels[row.category] || row.category : picker.getAttribute("data-any-label")) +
      " · " + (languageLabels[row.language] || row.language || "");
    var text = document.createElement("div");
    text.className = "muted";
    text.textContent = row.text;
    item.appendChild(title);
    item.appendChild(meta);
    item.appendChild(text);
    item.addEventListener("mousedown", function (event) { event.preventDefault(); }); // keep the caret where it is
    item.addEventListener("click", function () { choose(index); });
    return item;
  }

  function show(rows) {
    items = rows;
    active = rows.length ? 0 : -1;
    list.textContent = "";
    rows.forEach(function (row, index) { list.appendChild(option(row, index)); });
    input.setAttribute("aria-expanded", rows.length ? "true" : "false");
    setStatus(rows.length ? hint : picker.getAttribute("data-empty-label"));
    highlight();
  }

  function load(text) {
    var mine = ++sequence;
    var words = typeof text === "string" ? text : input.value;
    var query = "?q=" + encodeURIComponent(words.trim()) + "&category=" + encodeURIComponent(category ? category.value : "");
    loaded = true;
    setStatus(picker.getAttribute("data-loading-label"));
    fetch(url + query, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") !== -1;
        if (!response.ok || !json) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (rows) { if (mine === sequence) { show(Array.isArray(rows) ? rows : []); } })
      .catch(function () { if (mine === sequence) { show([]); setStatus(picker.getAttribute("data-error-label")); } });
  }

  function insert(text, from) {
    var area = target();
    if (!area) { return; }
    var start = typeof from === "number" ? from : (caretKnown ? area.selectionStart : area.value.length);
    var end = typeof from === "number" ? area.selectionEnd : (caretKnown ? area.selectionEnd : area.value.length);
    area.focus();
    if (typeof area.setRangeText === "function") {
      area.setRangeText(text, start, end, "end");
    } else {
      area.value = area.value.slice(0, start) + text + area.value.slice(end);
      area.selectionStart = area.selectionEnd = start + text.length;
    }
    caretKnown = true;
    area.dispatchEvent(new Event("input", { bubbles: true })); // the promise-word check and counters see it
  }

  function choose(index) {
    var row = items[index];
    if (!row) { return; }
    var from = slashAt;
    closeSlash();
    insert(row.text, from >= 0 ? from : undefined); // from the "/": it and the filter typed after it go
  }

  // "/" in the reply box: the picker opens there, filtered by what follows the "/".
  function openSlash(at) {
    slashAt = at;
    picker.setAttribute("data-slash-open", "true");
    var area = target();
    area.setAttribute("aria-controls", list.id);
    area.setAttribute("aria-expanded", "true");
    load("");
  }

  function closeSlash() {
    if (slashAt < 0) { return; }
    slashAt = -1;
    picker.removeAttribute("data-slash-open");
    var area = target();
    if (area) {
      area.setAttribute("aria-expanded", "false");
      area.removeAttribute("aria-activedescendant");
    }
    sequence++; // an answer still on its way is not shown
    clearTimeout(timer);
    items = [];
    active = -1;
    list.textContent = "";
    input.setAttribute("aria-expanded", "false");
    setStatus(hint);
    loaded = false; // the search box loads afresh when it is used
  }

  function slashFilter(area) {
    var caret = area.selectionStart;
    var typed = area.value.slice(slashAt + 1, caret);
    if (SLASHES.indexOf(area.value.charAt(slashAt)) < 0 || caret <= slashAt || area.selectionEnd !== caret || /[\r\n]/.test(typed)) {
      return null;
    }
    return typed;
  }

  function watchSlash() {
    var area = target();
    if (!area) { return; }
    area.addEventListener("input", function (event) {
      if (slashAt >= 0) {
        var typed = slashFilter(area);
        if (typed === null) { closeSlash(); return; }
        clearTimeout(timer);
        timer = setTimeout(function () { load(typed); }, 150);
        return;
      }
      if (event.inputType !== "insertText" || area.selectionStart !== area.selectionEnd) { return; }
      var at = area.selectionStart - 1;
      var before = at > 0 ? area.value.charAt(at - 1) : "";
      if (at >= 0 && SLASHES.indexOf(area.value.charAt(at)) >= 0 && (at === 0 || /\s/.test(before))) { openSlash(at); }
    });
    area.addEventListener("keydown", function (event) {
      if (slashAt < 0 || event.isComposing) { return; }
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        closeSlash();
      } else if ((event.key === "ArrowDown" || event.key === "ArrowUp") && items.length) {
        event.preventDefault();
        active = event.key === "ArrowDown" ? Math.min(active + 1, items.length - 1) : Math.max(active - 1, 0);
        highlight();
      } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0 && !event.shiftKey) {
        event.preventDefault();
        choose(active);
      }
    });
    ["click", "keyup"].forEach(function (name) {
      area.addEventListener(name, function (event) {
        if (slashAt >= 0 && !(event.key && /^(Arrow(Up|Down)|Enter|Tab|Escape)$/.test(event.key)) && slashFilter(area) === null) {
          closeSlash();
        }
      });
    });
    area.addEventListener("blur", closeSlash);
  }

  function typingIn(element) {
    if (!element) { return false; }
    var tag = element.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || element.isContentEditable;
  }

  function focusSearch() {
    input.focus();
    input.select();
    if (!loaded) { load(); }
  }

  document.addEventListener("keydown", function (event) {
    var altT = event.altKey && !event.ctrlKey && !event.metaKey && (event.code === "KeyT" || (event.key || "").toLowerCase() === "t");
    var slash = event.key === "/" && !event.altKey && !event.ctrlKey && !event.metaKey && !typingIn(event.target);
    if (altT || slash) {
      event.preventDefault();
      focusSearch();
    }
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (items.length) {
        active = event.key === "ArrowDown" ? Math.min(active + 1, items.length - 1) : Math.max(active - 1, 0);
        highlight();
      }
    } else if (event.key === "Enter") {
      event.preventDefault(); // never submits the reply form
      if (active >= 0) { choose(active); }
    } else if (event.key === "Escape") {
      event.preventDefault();
      if (input.value) {
        input.value = "";
        load();
      } else if (target()) {
        target().focus();
      }
    }
  });

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(load, 200);
  });
  input.addEventListener("focus", function () { if (!loaded) { load(); } });
  if (category) { category.addEventListener("change", load); }
  watchCaret();
  watchSlash();
}());
