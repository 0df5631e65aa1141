// The campaigns overview charts (templates/campaigns/overview.html); data from #campaign-chart-data.
(function () {
  var data = JSON.parse(document.getElementById("campaign-chart-data").textContent);
  var m = echarts.init(document.getElementById("chart-months"));
  m.setOption({tooltip: {trigger: "axis"}, xAxis: {type: "category", data: data.months},
    yAxis: {type: "value", minInterval: 1}, series: [{name: "诉求", type: "bar", data: data.whistles, itemStyle: {color: "#c0392b"}}]});
  var s = echarts.init(document.getElementById("chart-status"));
  s.setOption({tooltip: {trigger: "item"}, legend: {bottom: 0},
    series: [{name: "项目状态", type: "pie", radius: ["25%", "45%"], center: ["25%", "45%"], data: data.status},
             {name: "资金来源（元）", type: "pie", radius: ["25%", "45%"], center: ["75%", "45%"], data: data.funding}]});
  window.addEventListener("resize", function () { m.resize(); s.resize(); });
})();
