/* The analytics page's charts (Apache ECharts). Data and every label come from the server in the
   #analytics-data JSON block; this file only decides how each chart looks. */
(function () {
  "use strict";

  var source = document.getElementById("analytics-data");
  if (!source || !window.echarts) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var ink = "#1f2933";
  var muted = "#616e7c";
  var palette = ["#0b5cad", "#b3261e", "#1e7b34", "#8a5a00", "#6b4fa1", "#00838f", "#c2185b", "#5d6d1e"];
  var quadrantColours = ["#1e7b34", "#0b5cad", "#c77700", "#8d99a6"]; // strategic, profitable, risk, ordinary

  /* The box the whole chart, axis labels and axis names included, must fit in (ECharts 6 keeps
     both inside with outerBoundsContain "all"; the older containLabel left the names out, which
     cut them off). Bar value labels are not part of it, so bars leave room for them. */
  function grid(extra) {
    var base = { left: 12, right: 24, top: 16, bottom: 8, outerBoundsMode: "same", outerBoundsContain: "all" };
    return Object.assign(base, extra || {});
  }

  /* Room for the longest value label at the end of a horizontal bar. */
  function labelRoom(series) {
    var longest = 0;
    series.forEach(function (one) {
      one.values.forEach(function (value) {
        longest = Math.max(longest, value.toLocaleString().length);
      });
    });
    return 16 + longest * 8;
  }

  /* Opens the contact list filtered by one parameter (segment, value_group, grid_cell). */
  function openContacts(parameter, value) {
    if (value) {
      window.location.href = data.contacts_url + "?" + parameter + "=" + encodeURIComponent(value);
    }
  }

  /* The value below which `share` of the numbers lie: the scatter opens on the bulk of the
     customers, and its sliders reach the few far out. */
  function percentile(values, share) {
    var sorted = values.slice().sort(function (a, b) { return a - b; });
    return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] : 0;
  }

  /* Rounded up to one significant digit (136 → 200), so a zoomed axis ends on a round number. */
  function roundUp(value) {
    var power = Math.pow(10, Math.floor(Math.log10(value)));
    return Math.ceil(value / power) * power;
  }

  function valueAxisName(name) {
    return { name: name, nameLocation: "middle", nameGap: 30, nameTextStyle: { color: muted } };
  }

  function horizontalBars(labels, series, axisName) {
    return {
      color: palette,
      textStyle: { color: ink },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: series.length > 1 ? { bottom: 0 } : undefined,
      grid: grid({ right: labelRoom(series), bottom: series.length > 1 ? 32 : 8 }),
      xAxis: Object.assign({ type: "value", axisLabel: { hideOverlap: true } }, valueAxisName(axisName)),
      yAxis: { type: "category", data: labels, inverse: true, axisLabel: { color: ink } },
      series: series.map(function (one) {
        return {
          type: "bar",
          name: one.name,
          data: one.values,
          label: {
            show: true,
            position: "right",
            color: muted,
            formatter: function (item) { return item.value.toLocaleString(); },
          },
        };
      }),
    };
  }

  var builders = {
    segments: function (chart) {
      if (!chart.values.some(function (v) { return v > 0; })) {
        return null;
      }
      return horizontalBars(chart.labels, [{ name: chart.axis, values: chart.values }], chart.axis);
    },

    value_matrix: function (chart) {
      var points = chart.series.reduce(function (sum, s) { return sum + s.points.length; }, 0);
      if (!points) {
        return null;
      }
      var lines = [];
      if (chart.x_threshold !== null && chart.x_threshold !== undefined) {
        lines.push({ xAxis: chart.x_threshold });
      }
      if (chart.y_threshold !== null && chart.y_threshold !== undefined) {
        lines.push({ yAxis: chart.y_threshold });
      }
      var all = chart.series.reduce(function (list, s) { return list.concat(s.points); }, []);
      var xs = all.map(function (p) { return p[0]; });
      var ys = all.map(function (p) { return p[1]; });
      var xEnd = percentile(xs, 0.98) > 0 ? roundUp(percentile(xs, 0.98) * 1.1) : 0;
      var yEnd = percentile(ys, 0.98) > 0 ? roundUp(percentile(ys, 0.98) * 1.1) : 0;
      var xMax = Math.max.apply(null, xs);
      var yMax = Math.max.apply(null, ys);
      var zoom = [];
      if (xEnd > 0 && xMax > xEnd) {
        zoom.push({ type: "slider", xAxisIndex: 0, filterMode: "none", startValue: 0, endValue: xEnd, bottom: 36, height: 16, labelFormatter: "" });
      }
      if (yEnd > 0 && yMax > yEnd) {
        zoom.push({ type: "slider", yAxisIndex: 0, filterMode: "none", startValue: 0, endValue: yEnd, right: 4, width: 16, labelFormatter: "" });
      }
      return {
        color: quadrantColours,
        textStyle: { color: ink },
        legend: { bottom: 0 },
        tooltip: {
          trigger: "item",
          formatter: function (item) {
            return item.seriesName + "<br>" + chart.x_axis + ": " + item.value[0].toLocaleString() +
              "<br>" + chart.y_axis + ": " + item.value[1].toLocaleString();
          },
        },
        dataZoom: zoom,
        grid: grid({ right: 40, bottom: zoom.length ? 80 : 56 }),
        xAxis: Object.assign({ type: "value" }, valueAxisName(chart.x_axis)),
        yAxis: { type: "value", name: chart.y_axis, nameTextStyle: { color: muted, align: "left" } },
        series: chart.series.map(function (s, index) {
          var series = { type: "scatter", name: s.name, data: s.points, symbolSize: 6, large: true };
          if (index === 0 && lines.length) {
            series.markLine = {
              silent: true,
              symbol: "none",
              label: { show: false },
              lineStyle: { type: "dashed", color: muted },
              data: lines,
            };
          }
          return series;
        }),
      };
    },

    clv: function (chart) {
      if (!chart.values.length) {
        return null;
      }
      return {
        color: [palette[0]],
        textStyle: { color: ink },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: grid({ bottom: 36 }),
        xAxis: Object.assign(
          { type: "category", data: chart.labels, axisLabel: { rotate: 30, hideOverlap: true, color: ink } },
          valueAxisName(chart.x_axis),
          { nameGap: 64 }
        ),
        yAxis: { type: "value", name: chart.y_axis, nameTextStyle: { color: muted, align: "left" } },
        series: [{ type: "bar", name: chart.y_axis, data: chart.values, barCategoryGap: "8%" }],
      };
    },

    cohorts: function (chart) {
      if (!chart.rows.length) {
        return null;
      }
      return {
        textStyle: { color: ink },
        tooltip: {
          position: "top",
          formatter: function (item) {
            return chart.rows[item.value[1]] + " " + chart.columns[item.value[0]] + ": " + item.value[2] + "%";
          },
        },
        grid: grid({ bottom: 64, top: 8 }),
        xAxis: Object.assign({ type: "category", data: chart.columns, splitArea: { show: true } }, valueAxisName(chart.x_axis)),
        yAxis: { type: "category", data: chart.rows, inverse: true, splitArea: { show: true } },
        visualMap: {
          min: 0,
          max: 100,
          calculable: false,
          orient: "horizontal",
          left: "center",
          bottom: 0,
          itemHeight: 120,
          text: ["100%", "0%"],
          inRange: { color: ["#f7f7f8", "#f4b6b1", "#b3261e"] },
        },
        series: [{
          type: "heatmap",
          name: chart.value,
          data: chart.cells,
          label: { show: true, fontSize: 10, formatter: function (item) { return Math.round(item.value[2]); } },
          emphasis: { itemStyle: { borderColor: ink, borderWidth: 1 } },
        }],
      };
    },

    revenue: function (chart) {
      if (!chart.labels.length) {
        return null;
      }
      return horizontalBars(chart.labels, chart.series, chart.axis);
    },
  };

  /* Drill-down: a bar or a point opens the customers behind it in the contact list. */
  var clicks = {
    segments: function (chart, item) { openContacts("segment", chart.keys[item.dataIndex]); },
    revenue: function (chart, item) { openContacts("segment", chart.keys[item.dataIndex]); },
    value_matrix: function (chart, item) { openContacts("value_group", chart.series[item.seriesIndex].key); },
  };

  var drawn = [];
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var name = element.getAttribute("data-chart");
    var option = builders[name] ? builders[name](data[name]) : null;
    if (!option) {
      element.textContent = data.empty;
      element.classList.add("chart-empty");
      return;
    }
    var chart = window.echarts.init(element, null, { renderer: "canvas", locale: data.locale });
    chart.setOption(option);
    if (clicks[name]) {
      chart.on("click", function (item) { clicks[name](data[name], item); });
      element.setAttribute("title", data.open_list);
    }
    element.setAttribute("data-rendered", "true");
    drawn.push(chart);
  });

  if (window.ResizeObserver) {
    var observer = new ResizeObserver(function (entries) {
      entries.forEach(function (entry) {
        var chart = window.echarts.getInstanceByDom(entry.target);
        if (chart) {
          chart.resize();
        }
      });
    });
    drawn.forEach(function (chart) { observer.observe(chart.getDom()); });
  } else {
    window.addEventListener("resize", function () {
      drawn.forEach(function (chart) { chart.resize(); });
    });
  }
}());
