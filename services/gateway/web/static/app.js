// Draws each chart from the JSON block its element names (data-chart): categories and series,
// as pages/charts.py makes them. No inline script: the page's policy admits only this file.
(function () {
  "use strict";
  var palette = ["#b3121b", "#e6862e", "#2f6fb3", "#2e7d32", "#7b4fa0", "#8f959e"];
  function option(spec) {
    var horizontal = spec.kind === "hbar";
    var unit = spec.unit || "";
    var category = { type: "category", data: spec.categories, axisLabel: { interval: 0, width: horizontal ? 110 : 56, overflow: horizontal ? "truncate" : "break" } };
    var value = { type: "value", max: unit === "%" ? 100 : null, axisLabel: { formatter: "{value}" + unit } };
    return {
      color: palette,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + unit; } },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: spec.series.map(function (s) { return { name: s.name, type: "bar", data: s.data, barMaxWidth: 28 }; })
    };
  }
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var source = document.getElementById(element.getAttribute("data-chart"));
    if (!source || typeof echarts === "undefined") { return; }
    var chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption(option(JSON.parse(source.textContent)));
    window.addEventListener("resize", function () { chart.resize(); });
  });
  // A form that asks before acting (data-confirm): finalising, signing out of a half-done form.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
})();
