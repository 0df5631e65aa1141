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
      echarts.init(pel).setOption({
        tooltip: { formatter: function (p) { return p.name || ""; } },
        legend: { top: 0 },
        xAxis: { type: "value", scale: true, name: "经度" },
        yAxis: { type: "value", scale: true, name: "纬度" },
        series: [
          { name: "待覆盖小区", type: "scatter", data: plan.compounds, symbolSize: 10 },
          { name: "帮扶企业", type: "scatter", symbol: "diamond", data: plan.companies, symbolSize: 14 },
          { name: "建议结对", type: "lines", coordinateSystem: "cartesian2d", data: plan.links, lineStyle: { width: 1 } },
        ],
      });
    }
  });
})();
