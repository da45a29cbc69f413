// A report's hourly charts, from the figures the page carries.
"use strict";

(function () {
  const source = document.getElementById("donnees-rapport");
  if (!source || !window.DialerCharts) {
    return;
  }
  const data = JSON.parse(source.textContent);
  const calls = document.getElementById("graphique-appels");
  const abandon = document.getElementById("graphique-abandon");
  window.DialerCharts.draw(calls, data.x, [
    { label: "Tentatives", values: data.attempts, color: "#1f4e99", bars: true },
    { label: "Décrochés", values: data.reached, color: "#2e7d32" },
  ], data.zone);
  window.DialerCharts.draw(abandon, data.x, [
    { label: "Taux d'abandon", values: data.abandon, color: "#b3261e" },
    { label: "Objectif", values: data.target, color: "#555555", dash: [6, 4] },
  ], data.zone, " %");
  calls.dataset.drawn = "oui";
  abandon.dataset.drawn = "oui";
})();
