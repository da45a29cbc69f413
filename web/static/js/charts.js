// Charts drawn with uPlot (vendored under /static/vendor/uplot): one helper for the
// live dashboard and the reports, with French numbers and the campaign's clock.
"use strict";

window.DialerCharts = (function () {
  const numbers = new Intl.NumberFormat("fr-FR");

  function width(box) {
    return Math.max(box.clientWidth || 0, 320);
  }

  // series: [{label, values, color, bars, dash}]; x: Unix seconds; zone: IANA time zone.
  function draw(box, x, series, zone, unit) {
    const bars = uPlot.paths.bars({ size: [0.8, 40] });
    const options = {
      width: width(box),
      height: 220,
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), zone); },
      legend: { show: true },
      scales: { x: { time: true } },
      axes: [
        {},
        { values: function (u, ticks) { return ticks.map(function (v) { return numbers.format(v) + (unit || ""); }); }, size: 60 },
      ],
      series: [{ label: "Heure" }].concat(series.map(function (s) {
        return {
          label: s.label,
          stroke: s.color,
          fill: s.bars ? s.color + "66" : undefined,
          dash: s.dash,
          paths: s.bars ? bars : undefined,
          points: { show: false },
          value: function (u, v) { return v === null || v === undefined ? "—" : numbers.format(v) + (unit || ""); },
        };
      })),
    };
    const data = [x].concat(series.map(function (s) { return s.values; }));
    if (box.chart) {
      box.chart.setData(data);
      return box.chart;
    }
    box.replaceChildren();
    box.chart = new uPlot(options, data, box);
    return box.chart;
  }

  return { draw: draw };
})();
