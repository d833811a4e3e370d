// ShopCS report charts, drawn with the vendored Chart.js (static/vendor/). Progressive enhancement: the
// figures are also in a table on the page, which stays the accessible version.
//
// <div data-chart="ID"><canvas role="img" aria-label="…"></canvas></div> draws from
// <script type="application/json" id="ID">{"labels": ["2026-03-01", …], "rolling": [3.75, null, …],
//   "daily": […], "threshold": 5, "text": {"rolling": "…", "daily": "…", "threshold": "…", "x": "…", "y": "…"}}</script>
// (rates in percent; null = no rate that day, drawn as a gap; threshold null = none drawn). The y axis follows the
// data shown: each day's own rate (100% on a day with one order, one refund) starts hidden so it does not flatten
// the 30-day line; its legend entry shows it. When drawn, the container gets data-chart-ready="1",
// data-points="<number of days>" and data-y-max="<the axis' top, in percent>".
(function () {
  "use strict";

  if (typeof window.Chart !== "function") { return; }  // the library did not load: the table is still there
  var Chart = window.Chart;

  // Canvas text does not inherit the page's CSS font: name CJK fonts so Chinese labels are not tofu boxes.
  Chart.defaults.font.family = '-apple-system, "Segoe UI", "Noto Sans CJK SC", "Source Han Sans SC", ' +
    '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi Micro Hei", "Noto Sans", sans-serif';
  Chart.defaults.color = "#6b7585";

  var BRAND = "#1f6feb";
  var LIGHT = "rgba(31, 111, 235, 0.35)";
  var THRESHOLD = "#c62828";

  function reducedMotion() {
    return !!(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  }

  function percent(value) {
    return value === null || value === undefined || isNaN(value) ? "—" : Number(value).toFixed(2) + "%";
  }

  function readData(container) {
    var block = document.getElementById(container.getAttribute("data-chart"));
    if (!block) { return null; }
    try { return JSON.parse(block.textContent); } catch (e) { return null; }
  }

  function markReady(container, data, chart) {
    container.setAttribute("data-points", String(data.labels.length));
    if (chart && chart.scales && chart.scales.y) { container.setAttribute("data-y-max", String(chart.scales.y.max)); }
    container.setAttribute("data-chart-ready", "1");
  }

  function datasets(data, text) {
    var sets = [
      {label: text.rolling || "", data: data.rolling, borderColor: BRAND, backgroundColor: BRAND,
       borderWidth: 2, pointRadius: 0, pointHitRadius: 6, tension: 0.2, spanGaps: false, order: 1},
      {label: text.daily || "", data: data.daily, borderColor: LIGHT, backgroundColor: LIGHT, hidden: true,
       borderWidth: 1, pointRadius: data.labels.length > 45 ? 1 : 2, pointHitRadius: 6, tension: 0,
       spanGaps: false, order: 3}
    ];
    if (typeof data.threshold === "number") {
      sets.push({label: text.threshold || "", data: data.labels.map(function () { return data.threshold; }),
                 borderColor: THRESHOLD, backgroundColor: THRESHOLD, borderWidth: 1.5, borderDash: [6, 4],
                 pointRadius: 0, pointHitRadius: 0, tension: 0, order: 2});
    }
    return sets;
  }

  function draw(container) {
    var canvas = container.querySelector("canvas");
    var data = readData(container);
    if (!canvas || !data || !Array.isArray(data.labels)) { return; }
    var text = data.text || {};
    if (!canvas.hasAttribute("role")) { canvas.setAttribute("role", "img"); }
    if (!canvas.hasAttribute("aria-label") && text.summary) { canvas.setAttribute("aria-label", text.summary); }

    var previous = Chart.getChart(canvas);
    if (previous) { previous.destroy(); }
    container.removeAttribute("data-chart-ready");

    var still = reducedMotion();
    var chart = null;
    var done = function () { markReady(container, data, chart); };
    chart = new Chart(canvas, {
      type: "line",
      data: {labels: data.labels, datasets: datasets(data, text)},
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: still ? false : {duration: 400, onComplete: done},
        interaction: {mode: "index", intersect: false},
        scales: {
          x: {title: {display: !!text.x, text: text.x || ""},
              ticks: {autoSkip: true, autoSkipPadding: 16, maxTicksLimit: container.clientWidth < 500 ? 4 : 10, maxRotation: 0}},
          y: {beginAtZero: true, grace: "10%", title: {display: !!text.y, text: text.y || ""},
              ticks: {callback: function (value) { return percent(value); }}}
        },
        plugins: {
          legend: {position: "top", align: "start", labels: {boxWidth: 28, boxHeight: 2}},
          tooltip: {callbacks: {label: function (item) {
            return item.dataset.label + ": " + percent(item.raw);
          }}}
        }
      }
    });
    if (still) { done(); }  // without animation the chart has been drawn already
  }

  function drawAll() {
    var containers = document.querySelectorAll("[data-chart]");
    for (var i = 0; i < containers.length; i++) { draw(containers[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
