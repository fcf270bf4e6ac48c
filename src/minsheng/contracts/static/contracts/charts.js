// The money charts of the overview and project pages, drawn from JSON the page carries (no inline scripts: the CSP forbids them).
// <div data-ms-money-chart data-ms-chart-source="id of a json_script element" data-ms-series="a|b|c">
(function () {
  "use strict";
  if (!window.echarts) { return; }
  var colours = ["#9aa5b1", "#2f6db8", "#2e8b57", "#d9822b"];
  document.querySelectorAll("[data-ms-money-chart]").forEach(function (node) {
    var source = document.getElementById(node.getAttribute("data-ms-chart-source"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var names = (node.getAttribute("data-ms-series") || "").split("|");
    var option = {
      grid: { left: 10, right: 10, top: 40, bottom: 10, containLabel: true },
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      xAxis: { type: "category", data: data.labels, axisLabel: { rotate: 30, fontSize: 10 } },
      yAxis: { type: "value", name: node.getAttribute("data-ms-y-label") || "" },
      series: data.series.map(function (values, i) {
        return { name: names[i] || "", type: "bar", data: values, itemStyle: { color: colours[i % colours.length] } };
      })
    };
    if (!node.style.height) { node.style.height = "260px"; }
    var chart = window.echarts.init(node);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
