// Charts drawn with uPlot (vendored under /static/vendor/uplot): one helper for the
// live dashboard and the reports, with French numbers and the campaign's clock.
"use strict";

window.DialerCharts = (function () {
  const numbers = new Intl.NumberFormat("fr-FR");

  // Time ticks in French on the campaign's clock: hours within two days, else dates.
  function timeTicks(zone) {
    return function (u, ticks) {
      const span = ticks.length > 1 ? ticks[ticks.length - 1] - ticks[0] : 0;
      const shape = span <= 2 * 86400
        ? { hour: "2-digit", minute: "2-digit", timeZone: zone }
        : { day: "2-digit", month: "2-digit", timeZone: zone };
      return ticks.map(function (ts) { return new Date(ts * 1000).toLocaleString("fr-FR", shape); });
    };
  }

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
        { values: timeTicks(zone) },
        { values: function (u, ticks) { return ticks.map(function (v) { return numbers.format(v) + (unit || ""); }); }, size: 60 },
      ],
      series: [{
        label: "Heure",
        value: function (u, ts) {
          return ts === null || ts === undefined ? "—" : new Date(ts * 1000).toLocaleString("fr-FR", {
            day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit", timeZone: zone,
          });
        },
      }].concat(series.map(function (s) {
        return {
          label: s.label,
          stroke: s.color,
          fill: s.bars ? s.color + "66" : undefined,
          dash: s.dash,
          paths: s.bars ? bars : undefined,
          // A lone hour between gaps is a point, not an invisible line.
          points: { show: !s.bars, size: 5 },
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
