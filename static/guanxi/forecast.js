// The forecast page's chart (per rep: won so far, commit, best case, weighted pipeline) and the
// channel page's funnel (leads → qualified → converted → opportunities → won).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    drawFunnel();
    var holder = document.querySelector("[data-forecast-chart]");
    var data = document.getElementById("forecast-data");
    if (!holder || !data || typeof echarts === "undefined") { return; }
    var chart = JSON.parse(data.textContent);
    var labels = JSON.parse(holder.getAttribute("data-labels"));
    var keys = ["won", "commit", "best_case", "weighted"];
    holder.style.height = Math.max(240, 60 + chart.owners.length * 48) + "px";
    var view = echarts.init(holder);
    view.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { data: keys.map(function (key) { return labels[key]; }) },
      grid: { left: 8, right: 24, bottom: 8, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: chart.owners, inverse: true },
      series: keys.map(function (key) {
        return { name: labels[key], type: "bar", data: chart.series[key] };
      })
    });
    window.addEventListener("resize", function () { view.resize(); });
  });
  function drawFunnel() {
    var holder = document.querySelector("[data-funnel-chart]");
    var data = document.getElementById("funnel-data");
    if (!holder || !data || typeof echarts === "undefined") { return; }
    var steps = JSON.parse(data.textContent);
    var labels = JSON.parse(holder.getAttribute("data-labels"));
    holder.style.height = "280px";
    var view = echarts.init(holder);
    view.setOption({
      tooltip: { trigger: "item" },
      series: [{
        type: "funnel",
        sort: "none",
        left: "10%",
        width: "80%",
        label: { formatter: "{b}: {c}" },
        data: steps.map(function (step) { return { name: labels[step.key], value: step.value }; })
      }]
    });
    window.addEventListener("resize", function () { view.resize(); });
  }
})();
