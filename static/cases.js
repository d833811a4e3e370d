// ShopCS case pages: filter selects submit themselves, running first-response clocks count down every 30 s,
// and the reply form shows its "given at" fields only for a reply given elsewhere. Every page works without this.
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { if (select.form) { select.form.submit(); } });
  });

  var formats = document.querySelector("[data-clock-formats]");
  var LEVELS = ["ok", "amber", "red"];

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (whole, name) { return name in values ? values[name] : whole; });
  }

  // As view_support.duration_text: remaining time rounded up, elapsed time rounded down.
  function duration(ms, roundUp) {
    var minutes = roundUp ? Math.ceil(ms / 60000) : Math.floor(ms / 60000);
    if (minutes <= 0) { return formats.dataset.under; }
    if (minutes < 60) { return fill(formats.dataset.min, { m: minutes }); }
    if (minutes < 1440) { return fill(formats.dataset.hmin, { h: Math.floor(minutes / 60), m: minutes % 60 }); }
    return fill(formats.dataset.dh, { d: Math.floor(minutes / 1440), h: Math.floor((minutes % 1440) / 60) });
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-clock]").forEach(function (clock) {
      var due = Date.parse(clock.dataset.due), received = Date.parse(clock.dataset.received);
      var share = parseFloat(clock.dataset.share);
      if (isNaN(due) || isNaN(received) || isNaN(share)) { return; }
      var left = due - now, level;
      if (left < 0) {
        level = "red";
        clock.textContent = fill(formats.dataset.overdue, { time: duration(-left, false) });
      } else {
        level = left <= share * (due - received) ? "amber" : "ok";
        clock.textContent = fill(formats.dataset.left, { time: duration(left, true) });
      }
      LEVELS.forEach(function (name) { clock.classList.toggle("clock-" + name, name === level); });
      clock.dataset.level = level;
    });
  }

  if (formats && document.querySelector("[data-clock]")) {
    setInterval(tick, 30000);
  }

  var given = document.querySelector("[data-reply-given]");
  var modes = document.querySelectorAll("input[name='mode']");
  if (given && modes.length) {
    var update = function () {
      var checked = document.querySelector("input[name='mode']:checked");
      given.hidden = !checked || checked.value !== "logged";
    };
    modes.forEach(function (radio) { radio.addEventListener("change", update); });
    update();
  }
}());
