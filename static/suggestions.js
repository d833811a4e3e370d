// ShopCS suggested replies (templates/cases/_suggestions.html): a click on a suggestion, or Alt+1 / Alt+2 / Alt+3
// anywhere on the case page (in the reply box too), puts that suggestion's text in the reply box. An empty box, or
// one still holding the suggestion put there before, is replaced (switching between suggestions); a box the agent
// has typed in keeps its text and gets the suggestion after a blank line. Nothing is sent: the agent still sends.
// Texts come from data attributes and are set as the textarea's value: plain text, never HTML.
(function () {
  "use strict";

  var panel = document.querySelector("[data-suggestions]");
  if (!panel) { return; }
  var buttons = panel.querySelectorAll("[data-suggestion]");
  if (!buttons.length) { return; }
  var targetId = panel.getAttribute("data-target") || "reply-body";
  var placed = null; // the text the last suggestion put in the box

  function put(button) {
    var area = document.getElementById(targetId);
    if (!area) { return; }
    var text = button.getAttribute("data-text") || "";
    var current = area.value;
    if (!current.trim() || current === placed) {
      area.value = text;
    } else {
      area.value = current.replace(/\s+$/, "") + "\n\n" + text;
    }
    placed = area.value === text ? text : null;
    Array.prototype.forEach.call(buttons, function (other) {
      other.setAttribute("aria-pressed", other === button ? "true" : "false");
    });
    area.focus();
    area.selectionStart = area.selectionEnd = area.value.length;
    area.dispatchEvent(new Event("input", { bubbles: true })); // the promise-word check and counters see it
  }

  Array.prototype.forEach.call(buttons, function (button) {
    button.addEventListener("click", function () { put(button); });
  });

  document.addEventListener("keydown", function (event) {
    if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || event.isComposing) { return; }
    // event.code: Option+1 on a Mac types "¡", and a Chinese keyboard layout may report another key
    var match = /^(?:Digit|Numpad)([1-9])$/.exec(event.code || "") || /^([1-9])$/.exec(event.key || "");
    if (!match) { return; }
    var button = panel.querySelector("[data-suggestion='" + match[1] + "']");
    if (!button) { return; }
    event.preventDefault();
    put(button);
  });
}());
