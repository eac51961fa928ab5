/* 统计分析: draw each figure's chart from its JSON block (the CSP forbids inline scripts; the numbers are also
   in the table under the chart). ECharts is served locally at /ws/vendor/echarts. */
(function () {
  "use strict";
  var RED = ["#c8161d", "#e6a23c", "#5470c6", "#91cc75", "#73c0de", "#9a60b4", "#fc8452"];
  function percent(v) { return v == null ? "—" : (v * 100).toFixed(1) + "%"; }
  function bar(spec, horizontal) {
    var values = { type: "value", max: spec.percent ? 1 : null, minInterval: spec.percent ? null : 1,
                   axisLabel: spec.percent ? { formatter: percent } : {} };
    var names = { type: "category", data: spec.categories, axisLabel: { interval: 0, width: 110, overflow: "truncate" } };
    return {
      animation: false,
      color: RED,
      tooltip: { trigger: "axis", valueFormatter: spec.percent ? percent : null },
      legend: { top: 0 },
      grid: { left: horizontal ? 130 : 50, right: 20, top: 36, bottom: 40 },
      xAxis: horizontal ? values : names,
      yAxis: horizontal ? names : values,
      series: spec.series.map(function (s) {
        return { name: s.name, type: "bar", stack: spec.stack ? "all" : null, data: s.data, barMaxWidth: 36 };
      })
    };
  }
  function sankey(spec) {
    return {
      animation: false,
      color: RED,
      tooltip: { trigger: "item" },
      series: [{ type: "sankey", data: spec.nodes, links: spec.links, emphasis: { focus: "adjacency" },
                 lineStyle: { color: "gradient", opacity: 0.45 }, label: { fontSize: 13 } }]
    };
  }
  function hasData(spec) {
    if (spec.kind === "sankey") return spec.links.length > 0;
    return spec.series.some(function (s) { return s.data.some(function (v) { return v; }); });
  }
  function draw(box) {
    var block = document.getElementById(box.getAttribute("data-chart"));
    if (!block || !window.echarts) return;
    var spec = JSON.parse(block.textContent);
    if (!hasData(spec)) { box.hidden = true; return; }  // nothing to draw: the table says 暂无数据 or shows zeros
    var option = spec.kind === "sankey" ? sankey(spec) : bar(spec, spec.kind === "hbar");
    var chart = window.echarts.init(box, null, { renderer: "canvas" });
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }
  Array.prototype.forEach.call(document.querySelectorAll("div.chart[data-chart]"), draw);
})();
