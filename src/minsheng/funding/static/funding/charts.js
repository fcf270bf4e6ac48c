// The funding plan's chart: running total of grants in rank order against the envelope, drawn from JSON the page
// carries (no inline scripts: the CSP forbids them). <div data-ms-funding-chart="id of a json_script element">
(function () {
  "use strict";
  if (!window.echarts) { return; }
  document.querySelectorAll("[data-ms-funding-chart]").forEach(function (node) {
    var source = document.getElementById(node.getAttribute("data-ms-funding-chart"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    if (!node.style.height) { node.style.height = "260px"; }
    var chart = window.echarts.init(node);
    chart.setOption({
      grid: { left: 50, right: 20, top: 30, bottom: 70 },
      tooltip: { trigger: "axis" },
      legend: { data: [data.running_label, data.envelope_label] },
      xAxis: { type: "category", data: data.labels, axisLabel: { rotate: 45, fontSize: 10 } },
      yAxis: { type: "value", name: "万元" },
      series: [
        { name: data.running_label, type: "bar", data: data.running, itemStyle: { color: "#b8312f" } },
        { name: data.envelope_label, type: "line", symbol: "none", lineStyle: { type: "dashed", color: "#333" },
          data: data.labels.map(function () { return data.envelope; }) }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
