/* 治理驾驶舱: draws the dashboard's charts from its own JSON (/api/v1/dashboard/coverage and
 * /api/v1/dashboard/workorders — the same selectors as the figures and tables on the page).
 * ECharts is vendored (static/vendor/echarts-6.1.0); nothing is loaded from elsewhere.
 * When every chart has finished drawing (animations included), #dashboard-charts gets
 * data-drawn="1" (the browser test waits for it). */
(function () {
  "use strict";

  var root = document.getElementById("dashboard-charts");
  if (!root) return;
  var COLORS = ["#c8102e", "#d4a017", "#2f6fb3", "#1a7f37", "#8c4fb8", "#e07b39"];
  var FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';
  var charts = [];
  var finished = [];
  var ANIMATE = !(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);

  function showError(message) {
    var box = document.getElementById("chart-error");
    box.textContent = message;
    box.hidden = false;
  }

  if (!window.echarts) {
    showError("图表组件未能加载，请刷新页面；下方表格数据不受影响。");
    return;
  }

  function chart(id, height) {
    var el = document.getElementById(id);
    if (!el) return null;
    if (height) el.style.height = height + "px";
    var instance = window.echarts.init(el, null, { renderer: "canvas" });
    charts.push(instance);
    // Resolved by the first "finished" event: drawn, animations done.
    finished.push(new Promise(function (resolve) {
      instance.on("finished", function done() {
        instance.off("finished", done);
        resolve();
      });
    }));
    return instance;
  }

  function pct(ratio) {
    return ratio && ratio.percent !== null ? ratio.percent : null;
  }

  function valueOf(figures, key) {
    var v = figures[key];
    if (v && typeof v === "object") return "percent" in v ? v.percent : v.ratio ? v.ratio.percent : null;
    if (key === "fallback_compounds") return figures.fallback.compounds;
    if (key === "pairing_compounds") return figures.pairings.compounds;
    return typeof v === "number" ? v : null;
  }

  function go(url) {
    if (url) window.location.assign(url);
  }

  // ---------------------------------------------------------------- ranking of the children
  function drawRanking(data) {
    var keys = ["work_coverage", "old_compound_coverage", "rated_company_orgs"];
    // Children with nothing to count on any target are left out of the chart (the table lists them).
    var children = data.children.filter(function (c) {
      return keys.some(function (k) { return pct(c.figures[k]) !== null; });
    });
    var card = document.getElementById("chart-ranking");
    if (!children.length) {
      if (card) card.closest(".chart-card").hidden = true;
      return;
    }
    var shortLabels = {};
    data.metrics.forEach(function (m) { shortLabels[m.key] = m.short; });
    var labels = keys.map(function (k) { return shortLabels[k]; });
    var names = children.map(function (c) { return c.region.short_name; }).reverse();
    var narrow = window.innerWidth < 640;
    var instance = chart("chart-ranking", Math.max(300, 90 + children.length * (narrow ? 46 : 40)));
    instance.setOption({
      color: COLORS,
      animation: ANIMATE,
      textStyle: { fontFamily: FONT },
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        valueFormatter: function (v) { return v === null || v === undefined || v === "-" ? "无统计对象" : v + "%"; }
      },
      legend: { top: 0, data: labels, itemWidth: 14, textStyle: { fontSize: narrow ? 11 : 12 } },
      grid: { left: 8, right: 36, top: narrow ? 60 : 36, bottom: 8, containLabel: true },
      xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", data: names, axisLabel: { width: narrow ? 72 : 120, overflow: "truncate" } },
      series: keys.map(function (key, i) {
        return {
          name: labels[i],
          type: "bar",
          barMaxWidth: 12,
          data: children.map(function (c) { var v = pct(c.figures[key]); return v === null ? "-" : v; }).reverse(),
          label: { show: !narrow, position: "right", fontSize: 10, formatter: "{c}%" }
        };
      })
    });
    instance.on("click", function (params) {
      go(children[children.length - 1 - params.dataIndex].region.url);
    });
  }

  // ---------------------------------------------------------------- old compounds by mode
  function drawModes(data) {
    var items = data.old_compounds_by_mode.filter(function (m) { return m.count > 0; });
    if (!document.getElementById("chart-modes")) return;  // no old compounds: said in the page
    var instance = chart("chart-modes");
    if (!items.length) {
      instance.setOption({
        title: { text: "本区域暂无老旧小区", left: "center", top: "middle", textStyle: { color: "#667085", fontSize: 14, fontFamily: FONT } }
      });
      return;
    }
    var palette = { market: "#2f6fb3", fallback: "#c8102e", pairing: "#d4a017", street_centre: "#1a7f37", self_managed: "#8c4fb8", none: "#98a2b3" };
    var narrow = window.innerWidth < 640;
    instance.setOption({
      animation: ANIMATE,
      textStyle: { fontFamily: FONT },
      tooltip: { trigger: "item", formatter: "{b}：{c} 个（{d}%）" },
      legend: { show: narrow, bottom: 0, itemWidth: 14, textStyle: { fontSize: 11 } },
      series: [{
        type: "pie",
        radius: narrow ? ["30%", "55%"] : ["38%", "66%"],
        center: ["50%", narrow ? "42%" : "50%"],
        avoidLabelOverlap: true,
        label: { show: !narrow, formatter: "{b}\n{c}个", fontSize: 11 },
        data: items.map(function (m) { return { name: m.label, value: m.count, itemStyle: { color: palette[m.mode] } }; })
      }]
    });
  }

  // ---------------------------------------------------------------- map: boundaries or compound points
  // Ratios in bands, 100% (达标) in green: the gaps stand out. Counts on a continuous scale.
  var BANDS = [
    { min: 100, max: 100, label: "100%达标", color: "#1a7f37" },
    { min: 90, max: 99.99, label: "90–99%", color: "#f7c6cc" },
    { min: 80, max: 89.99, label: "80–89%", color: "#ec8593" },
    { min: 60, max: 79.99, label: "60–79%", color: "#c8102e" },
    { min: 0, max: 59.99, label: "<60%", color: "#6e0919" }
  ];

  function visualMap(metric, values) {
    var common = {
      seriesIndex: 0, orient: "horizontal", left: "center", bottom: 0,
      itemWidth: 12, itemHeight: 12, itemGap: 8, textGap: 4, textStyle: { fontSize: 11 }
    };
    if (metric.kind === "ratio") {
      return Object.assign(common, { type: "piecewise", pieces: BANDS.map(function (b) { return { min: b.min, max: b.max, label: b.label, color: b.color }; }) });
    }
    var max = Math.max(1, Math.max.apply(null, values.concat([0])));
    return Object.assign(common, {
      type: "continuous", min: 0, max: max, calculable: false, itemHeight: 120,
      text: [String(max), "0"], inRange: { color: ["#fde7ea", "#c8102e", "#6e0919"] }
    });
  }

  // White text on the dark bands, dark text on the light ones.
  function labelColour(metric, value, max) {
    if (value === null) return "#475467";
    if (metric.kind === "ratio") return value >= 100 || value < 80 ? "#fff" : "#1f2328";
    return value / max > 0.45 ? "#fff" : "#1f2328";
  }

  function drawBoundaries(instance, data, metric, geojson) {
    var mapName = "region-" + data.region.code;
    if (!window.echarts.getMap(mapName)) window.echarts.registerMap(mapName, geojson);
    var max = Math.max.apply(null, [1].concat(data.children.map(function (c) { return valueOf(c.figures, metric.key) || 0; })));
    var items = data.children.map(function (c) {
      var v = valueOf(c.figures, metric.key);
      return { name: c.region.code, value: v === null ? NaN : v, url: c.region.url, label: { color: labelColour(metric, v, max) } };
    });
    var names = {};
    data.children.forEach(function (c) { names[c.region.code] = c.region.short_name; });
    var unit = metric.kind === "ratio" ? "%" : "";
    instance.setOption({
      animation: ANIMATE,
      textStyle: { fontFamily: FONT },
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          return names[p.name] + "<br>" + metric.label + "：" + (isNaN(p.value) ? "无统计对象" : p.value + unit);
        }
      },
      visualMap: visualMap(metric, items.filter(function (i) { return !isNaN(i.value); }).map(function (i) { return i.value; })),
      series: [{
        type: "map",
        map: mapName,
        nameProperty: "code",
        roam: false,
        top: 8,
        bottom: 44,
        label: { show: true, fontSize: 10, formatter: function (p) { return names[p.name] || ""; } },
        itemStyle: { areaColor: "#e4e7ec", borderColor: "#fff" },
        data: items
      }]
    }, true);
  }

  // Compound points: each compound where its registered coordinates put it, coloured by
  // management mode. No base map is shipped (Chinese boundary data needs an approved source and
  // licence): the frame is just the points' extent, and the note says so.
  var MODE_COLOURS = { market: "#2f6fb3", fallback: "#c8102e", pairing: "#d4a017", street_centre: "#1a7f37", self_managed: "#8c4fb8", none: "#98a2b3" };

  function extentMap(points) {
    var lngs = points.map(function (p) { return p.lng; }), lats = points.map(function (p) { return p.lat; });
    var x0 = Math.min.apply(null, lngs), x1 = Math.max.apply(null, lngs);
    var y0 = Math.min.apply(null, lats), y1 = Math.max.apply(null, lats);
    var pad = Math.max(0.01, (x1 - x0) * 0.06, (y1 - y0) * 0.06);
    x0 -= pad; x1 += pad; y0 -= pad; y1 += pad;
    return { type: "FeatureCollection", features: [{ type: "Feature", properties: { name: "" },
      geometry: { type: "Polygon", coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] } }] };
  }

  function drawPoints(instance, payload, note) {
    var points = payload.points;
    if (!points.length) {
      instance.setOption({ title: { text: "本区域的小区尚未登记经纬度", left: "center", top: "middle", textStyle: { color: "#667085", fontSize: 14, fontFamily: FONT } } });
      note.textContent = "在小区登记页填写经纬度后，小区会出现在分布图上。";
      return;
    }
    var mapName = "extent-" + payload.region.code;
    if (!window.echarts.getMap(mapName)) window.echarts.registerMap(mapName, extentMap(points));
    var modes = [], byMode = {};
    points.forEach(function (p) {
      if (!byMode[p.management_mode]) { byMode[p.management_mode] = { label: p.management_mode_label, data: [] }; modes.push(p.management_mode); }
      byMode[p.management_mode].data.push({ name: p.name, value: [p.lng, p.lat], url: p.url, old: p.is_old });
    });
    var narrow = window.innerWidth < 640;
    instance.setOption({
      animation: ANIMATE,
      textStyle: { fontFamily: FONT },
      tooltip: { trigger: "item", formatter: function (p) { return p.name + "<br>" + p.seriesName + (p.data.old ? " · 老旧小区" : ""); } },
      legend: { bottom: 0, itemWidth: 10, itemHeight: 10, textStyle: { fontSize: narrow ? 10 : 11 }, data: modes.map(function (m) { return byMode[m].label; }) },
      geo: {
        map: mapName, roam: true, top: 8, bottom: narrow ? 56 : 40, silent: true,
        itemStyle: { areaColor: "#f8f9fb", borderColor: "#d0d5dd", borderType: "dashed" },
        label: { show: false }, emphasis: { disabled: true }
      },
      series: modes.map(function (m) {
        return {
          name: byMode[m].label, type: "scatter", coordinateSystem: "geo", data: byMode[m].data,
          symbolSize: function (v, p) { return p.data.old ? 7 : 5; },
          itemStyle: { color: MODE_COLOURS[m], opacity: 0.8, borderColor: "#fff", borderWidth: 0.5 }
        };
      })
    }, true);
    note.textContent = "每个点是一个小区，按登记的经纬度绘制（大点为老旧小区；演示数据的坐标为生成值）。" +
      "未载入区划边界：图中只有小区所在范围的示意框，不是底图，也不表示行政区划界线；可滚轮缩放、拖动。" +
      (payload.unlocated ? "另有 " + payload.unlocated + " 个小区未登记经纬度，不在图上。" : "") +
      (payload.truncated ? "小区过多，只显示前 " + points.length + " 个。" : "") + "点击小区查看详情。";
  }

  function drawMap(data) {
    var select = document.getElementById("map-metric");
    var note = document.getElementById("map-note");
    var instance = chart("chart-map", window.innerWidth < 640 ? 340 : 380);
    if (!instance) return Promise.resolve();
    instance.on("click", function (params) { go(params.data && params.data.url); });
    if (data.map.mode === "boundaries") {
      document.getElementById("map-title").textContent = "覆盖情况分布图";
      select.closest(".map-metric").hidden = false;
      data.metrics.forEach(function (m) {
        var option = document.createElement("option");
        option.value = m.key;
        option.textContent = m.short;
        option.title = m.label;
        select.appendChild(option);
      });
      var geojson = null;
      var render = function () {
        var metric = data.metrics.filter(function (m) { return m.key === select.value; })[0] || data.metrics[0];
        drawBoundaries(instance, data, metric, geojson);
      };
      select.addEventListener("change", render);
      return fetch(data.map.boundaries_url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error("边界数据加载失败（" + r.status + "）"); return r.json(); })
        .then(function (fc) {
          geojson = fc;
          note.textContent = "边界数据来源：" + fc.sources.map(function (s) { return s.source + "（许可：" + s.licence + "）"; }).join("；") + "。点击区域进入下一级。";
          render();
        });
    }
    return fetch(root.dataset.pointsApi, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error("小区分布数据加载失败（" + r.status + "）"); return r.json(); })
      .then(function (payload) { drawPoints(instance, payload, note); });
  }

  // ---------------------------------------------------------------- work orders
  var RATE_KEYS = [
    ["response_rate", "响应率"],
    ["resolution_rate", "解决率"],
    ["satisfaction_rate", "满意率"],
    ["score", "综合得分"]
  ];

  function rateValue(m, key) {
    var v = m.rates[key].value;
    return v === null ? "-" : Math.round(v * 1000) / 10;
  }

  function drawTrend(data) {
    var el = document.getElementById("chart-wo-trend");
    if (!el || !data.has_orders) return;
    var narrow = window.innerWidth < 640;
    var instance = chart("chart-wo-trend", narrow ? 320 : 360);
    var months = data.by_month.map(function (m) { return m.month; });
    var series = [{
      name: "工单量",
      type: "bar",
      yAxisIndex: 0,
      barMaxWidth: 22,
      itemStyle: { color: "#d0d5dd" },
      data: data.by_month.map(function (m) { return m.counts.intake; })
    }];
    RATE_KEYS.forEach(function (pair, i) {
      series.push({
        name: pair[1],
        type: "line",
        yAxisIndex: 1,
        connectNulls: false,
        symbolSize: 6,
        lineStyle: { width: pair[0] === "score" ? 3 : 2 },
        itemStyle: { color: COLORS[i] },
        data: data.by_month.map(function (m) { return rateValue(m, pair[0]); })
      });
    });
    instance.setOption({
      animation: ANIMATE,
      textStyle: { fontFamily: FONT },
      tooltip: {
        trigger: "axis",
        valueFormatter: function (v) { return v === "-" || v === null || v === undefined ? "无有效回访" : v; }
      },
      legend: { top: 0, itemWidth: 14, textStyle: { fontSize: narrow ? 11 : 12 } },
      grid: { left: 8, right: 8, top: narrow ? 56 : 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: months, axisLabel: { fontSize: narrow ? 10 : 12 } },
      yAxis: [
        { type: "value", name: "件", minInterval: 1, splitLine: { show: false } },
        { type: "value", name: "%", min: 0, max: 100 }
      ],
      series: series
    });
  }

  function drawCategories(data) {
    var el = document.getElementById("chart-wo-category");
    if (!el || !data.has_orders) return;
    var rows = data.by_category.filter(function (c) { return c.counts.intake > 0 || c.counts.cb_valid > 0; });
    var narrow = window.innerWidth < 640;
    var instance = chart("chart-wo-category", Math.max(260, 80 + rows.length * 34));
    var names = rows.map(function (c) { return c.category.name; }).reverse();
    instance.setOption({
      animation: ANIMATE,
      textStyle: { fontFamily: FONT },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, itemWidth: 14 },
      grid: { left: 8, right: 36, top: 36, bottom: 8, containLabel: true },
      xAxis: [
        { type: "value", name: "件", minInterval: 1, position: "bottom" },
        { type: "value", name: "分", min: 0, max: 100, position: "top", splitLine: { show: false } }
      ],
      yAxis: { type: "category", data: names, axisLabel: { width: narrow ? 72 : 140, overflow: "truncate" } },
      series: [
        {
          name: "工单量", type: "bar", xAxisIndex: 0, barMaxWidth: 12, itemStyle: { color: COLORS[2] },
          label: { show: !narrow, position: "right", fontSize: 10 },
          data: rows.map(function (c) { return c.counts.intake; }).reverse()
        },
        {
          name: "综合得分", type: "bar", xAxisIndex: 1, barMaxWidth: 12, itemStyle: { color: COLORS[0] },
          data: rows.map(function (c) { return rateValue(c, "score"); }).reverse()
        }
      ]
    });
  }

  function drawWorkorders() {
    var url = root.dataset.woApi;
    if (!url || !document.getElementById("chart-wo-trend")) return Promise.resolve();
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("工单图表数据加载失败（" + response.status + "）");
        return response.json();
      })
      .then(function (data) {
        drawTrend(data);
        drawCategories(data);
      });
  }

  fetch(root.dataset.api, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) throw new Error("图表数据加载失败（" + response.status + "）");
      return response.json();
    })
    .then(function (data) {
      drawRanking(data);
      drawModes(data);
      return Promise.all([drawMap(data), drawWorkorders()]);
    })
    .then(function () {
      return Promise.all(finished);
    })
    .then(function () {
      root.dataset.drawn = "1";
    })
    .catch(function (error) {
      showError(error.message + "；下方表格数据不受影响。");
    });

  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 150);
  });
})();
