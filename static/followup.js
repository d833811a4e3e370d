// ShopCS follow-up pages: copy a message's text, and preview templates as the supervisor types.
(function () {
  "use strict";

  function copyFallback(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "copy-buffer";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return copyFallback(text); });
    }
    return copyFallback(text);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy]") : null;
    if (!button) { return; }
    event.preventDefault();
    var label = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", label);
    copy(button.getAttribute("data-copy")).then(function () {
      button.textContent = button.getAttribute("data-copied-label") || label;
      button.setAttribute("data-copied", "yes");
      setTimeout(function () { button.textContent = label; }, 2500);
    }, function () {
      button.setAttribute("data-copied", "no");
    });
  });

  // Template preview: the server fills the template with sample values and lists its problems.
  var editors = document.querySelectorAll("textarea[data-preview-url]");
  var problemsByField = {};

  function updateSaveButton(form) {
    var button = form && form.querySelector("[data-test=settings-save]");
    if (!button) { return; }
    var blocked = Object.keys(problemsByField).some(function (name) { return problemsByField[name]; });
    button.disabled = blocked;
  }

  function render(area, data) {
    var target = document.getElementById(area.getAttribute("data-preview-target"));
    var list = document.getElementById(area.getAttribute("data-preview-target") + "-problems");
    if (target) { target.textContent = data.preview; }
    if (list) {
      list.textContent = "";
      (data.problems || []).forEach(function (problem) {
        var item = document.createElement("li");
        item.textContent = problem;
        list.appendChild(item);
      });
    }
    problemsByField[area.name] = !data.ok;
    area.classList.toggle("invalid", !data.ok);
    updateSaveButton(area.form);
  }

  function refresh(area) {
    var url = area.getAttribute("data-preview-url") + "?text=" + encodeURIComponent(area.value);
    var sequence = (Number(area.getAttribute("data-seq")) || 0) + 1;
    area.setAttribute("data-seq", String(sequence));
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && area.getAttribute("data-seq") === String(sequence)) { render(area, data); }
      })
      .catch(function () { /* the server still checks the template when the form is saved */ });
  }

  Array.prototype.forEach.call(editors, function (area) {
    var timer = null;
    area.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { refresh(area); }, 250);
    });
    refresh(area);
  });
})();
