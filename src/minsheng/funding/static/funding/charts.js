// The funding plan's charts, drawn from JSON the page carries (no inline scripts: the CSP forbids them):
// <div data-ms-funding-chart="id of a json_script element">: running total of grants in rank order against the
// envelope; <div data-ms-envelope-chart="id">: per support type, approved, planned and unplanned money, stacked.
// The grids contain their labels (long application numbers, rotated), so none is cut off at the chart's edge; SVG
// keeps the labels as text that can be selected, zoomed and read.
(function () {
  "use strict";
  if (!window.echarts) { return; }

  function draw(selector, height, option) {
    document.querySelectorAll("[" + selector + "]").forEach(function (node) {
      var source = document.getElementById(node.getAttribute(selector));
      if (!source) { return; }
      if (!node.style.height) { node.style.height = height; }
      var chart = window.echarts.init(node, null, { renderer: "svg" });
      chart.setOption(option(JSON.parse(source.textContent)));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  draw("data-ms-funding-chart", "320px", function (data) {
    return {
      grid: { left: 10, right: 30, top: 50, bottom: 10, containLabel: true },
      tooltip: { trigger: "axis" },
      legend: { data: [data.running_label, data.envelope_label] },
      xAxis: { type: "category", data: data.labels, axisLabel: { rotate: 45, fontSize: 10 } },
      yAxis: { type: "value", name: "万元" },
      series: [
        { name: data.running_label, type: "bar", data: data.running, itemStyle: { color: "#b8312f" } },
        { name: data.envelope_label, type: "line", symbol: "none", lineStyle: { type: "dashed", color: "#333" },
          data: data.labels.map(function () { return data.envelope; }) }
      ]
    };
  });

  var colours = ["#2f7d32", "#b8312f", "#c9c9c9"];
  draw("data-ms-envelope-chart", "180px", function (data) {
    return {
      grid: { left: 10, right: 50, top: 40, bottom: 10, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { data: data.series.map(function (s) { return s.name; }) },
      xAxis: { type: "value", name: "万元" },
      yAxis: { type: "category", data: data.labels },
      series: data.series.map(function (s, i) {
        return { name: s.name, type: "bar", stack: "envelope", data: s.data, itemStyle: { color: colours[i] } };
      })
    };
  });
})();
