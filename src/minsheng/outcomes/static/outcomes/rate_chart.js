// The transfer rate by year (M18), drawn from the JSON the page carries (no inline scripts: the CSP forbids them).
// <div data-ms-rate-chart data-ms-chart-source="id of a json_script element" data-ms-series="a|b">
(function () {
  "use strict";
  if (!window.echarts) { return; }
  var colours = ["#2f6db8", "#2e8b57"];
  document.querySelectorAll("[data-ms-rate-chart]").forEach(function (node) {
    var source = document.getElementById(node.getAttribute("data-ms-chart-source"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var names = (node.getAttribute("data-ms-series") || "").split("|");
    var option = {
      grid: { left: 10, right: 10, top: 40, bottom: 10, containLabel: true },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v.toFixed(1) + "%"; } },
      legend: { top: 0 },
      xAxis: { type: "category", data: data.labels },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: data.series.map(function (values, i) {
        return { name: names[i] || "", type: "line", data: values, connectNulls: false,
                 itemStyle: { color: colours[i % colours.length] } };
      })
    };
    if (!node.style.height) { node.style.height = "260px"; }
    var chart = window.echarts.init(node);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
