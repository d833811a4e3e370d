// ShopCS report charts, drawn with the vendored Chart.js (static/vendor/). Progressive enhancement: the
// figures are also in a table on the page, which stays the accessible version.
//
// <div data-chart="ID"><canvas role="img" aria-label="…"></canvas></div> draws from
// <script type="application/json" id="ID">{"labels": ["2026-03-01", …], "rolling": [3.75, null, …],
//   "daily": […], "text": {"rolling": "…", "daily": "…", "x": "…", "y": "…"}}</script>
// (rates in percent; null = no rate that day, drawn as a gap). When drawn, the container gets
// data-chart-ready="1" and data-points="<number of days>".
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

  function markReady(container, data) {
    container.setAttribute("data-points", String(data.labels.length));
    container.setAttribute("data-chart-ready", "1");
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
    var done = function () { markReady(container, data); };
    new Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [
          {label: text.rolling || "", data: data.rolling, borderColor: BRAND, backgroundColor: BRAND,
           borderWidth: 2, pointRadius: 0, pointHitRadius: 6, tension: 0.2, spanGaps: false, order: 1},
          {label: text.daily || "", data: data.daily, borderColor: LIGHT, backgroundColor: LIGHT,
           borderWidth: 1, pointRadius: data.labels.length > 45 ? 1 : 2, pointHitRadius: 6, tension: 0,
           spanGaps: false, order: 2}
        ]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: still ? false : {duration: 400, onComplete: done},
        interaction: {mode: "index", intersect: false},
        scales: {
          x: {title: {display: !!text.x, text: text.x || ""},
              ticks: {autoSkip: true, maxTicksLimit: 10, maxRotation: 0}},
          y: {beginAtZero: true, title: {display: !!text.y, text: text.y || ""},
              ticks: {callback: function (value) { return percent(value); }}}
        },
        plugins: {
          legend: {position: "top", align: "start"},
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
