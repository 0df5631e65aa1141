// Charts of the programmes pages (ECharts, vendored). Data comes from a JSON script tag.
(function () {
  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (typeof echarts === "undefined") return;
    var modes = data("modes-data"), el = document.getElementById("chart-modes");
    if (modes && el) {
      echarts.init(el).setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { top: 60, left: 40, right: 10, bottom: 30 },
        xAxis: { type: "category", data: modes.months },
        yAxis: { type: "value" },
        series: modes.series.map(function (s) { return { name: s.name, type: "bar", stack: "all", data: s.data }; }),
      });
    }
    var plan = data("planner-data"), pel = document.getElementById("chart-planner");
    if (plan && pel) {
      var xs = [], ys = [];
      plan.compounds.concat(plan.companies).forEach(function (p) { xs.push(p.value[0]); ys.push(p.value[1]); });
      function pad(v, lo) {
        var min = Math.min.apply(null, v), max = Math.max.apply(null, v), d = Math.max((max - min) * 0.15, 0.002);
        return lo ? +(min - d).toFixed(4) : +(max + d).toFixed(4);
      }
      echarts.init(pel).setOption({
        animation: false,
        tooltip: { formatter: function (p) { return p.name || ""; } },
        legend: { top: 0 },
        xAxis: { type: "value", name: "经度", min: xs.length ? pad(xs, true) : null, max: xs.length ? pad(xs, false) : null },
        yAxis: { type: "value", name: "纬度", min: ys.length ? pad(ys, true) : null, max: ys.length ? pad(ys, false) : null },
        series: [
          { name: "待覆盖小区", type: "scatter", data: plan.compounds, symbolSize: 10 },
          { name: "帮扶企业", type: "scatter", symbol: "diamond", data: plan.companies, symbolSize: 14 },
          { name: "建议结对", type: "lines", coordinateSystem: "cartesian2d", data: plan.links, lineStyle: { width: 1 } },
        ],
      });
    }
  });
})();
