// The people-served charts of a demonstration site's page (a line by quarter) and of the public overview by
// district (bars), drawn from JSON the page carries (no inline scripts: the CSP forbids them).
// <div data-ms-served-chart data-ms-chart-source="id of a json_script element" data-ms-series="a|b" data-ms-type="line|bar">
(function () {
  "use strict";
  if (!window.echarts) { return; }
  var colours = ["#2f6db8", "#2e8b57", "#d9822b"];
  document.querySelectorAll("[data-ms-served-chart]").forEach(function (node) {
    var source = document.getElementById(node.getAttribute("data-ms-chart-source"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var names = (node.getAttribute("data-ms-series") || "").split("|");
    var type = node.getAttribute("data-ms-type") || "bar";
    var yAxes = data.series.map(function (_values, i) {
      return { type: "value", name: names[i] || "", position: i === 0 ? "left" : "right", minInterval: 1,
               splitLine: { show: i === 0 } };
    });
    var option = {
      grid: { left: 10, right: 10, top: 40, bottom: 10, containLabel: true },
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      xAxis: { type: "category", data: data.labels, axisLabel: { rotate: 30, fontSize: 10 } },
      yAxis: yAxes,
      series: data.series.map(function (values, i) {
        return { name: names[i] || "", type: type, data: values, yAxisIndex: i,
                 itemStyle: { color: colours[i % colours.length] } };
      })
    };
    if (!node.style.height) { node.style.height = "260px"; }
    var chart = window.echarts.init(node);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
