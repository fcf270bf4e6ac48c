// Charts of the review pages, drawn from JSON the page carries (no inline scripts: the CSP forbids them).
// <div data-ms-chart="histogram|bars" data-ms-chart-source="id of a json_script element">
(function () {
  "use strict";
  if (!window.echarts) { return; }
  document.querySelectorAll("[data-ms-chart]").forEach(function (node) {
    var source = document.getElementById(node.getAttribute("data-ms-chart-source"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var kind = node.getAttribute("data-ms-chart");
    var pairs = kind === "histogram" ? data.histogram : (data.distribution || data);
    var option = {
      // The grid contains its labels, so none is cut off at the chart's edge on a phone; the margins leave room
      // for the rotated application numbers' overhang and for the axis name below the labels.
      grid: { left: 30, right: 10, top: 10, bottom: 30, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: pairs.map(function (p) { return String(p[0]); }),
               name: node.getAttribute("data-ms-x-label") || "", nameLocation: "middle", nameGap: 25,
               axisLabel: { rotate: kind === "histogram" ? 0 : 45, fontSize: 10 } },
      yAxis: { type: "value", name: node.getAttribute("data-ms-y-label") || "" },
      series: [{ type: "bar", data: pairs.map(function (p) { return p[1]; }), itemStyle: { color: "#b8312f" } }]
    };
    if (!node.style.height) { node.style.height = "220px"; }
    var chart = window.echarts.init(node);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
