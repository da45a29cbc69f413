// Live dashboard: one SSE snapshot every second or two, drawn without reloading.
"use strict";

(function () {
  const status = document.getElementById("maj-tableau");
  if (!status) {
    return;
  }
  const numbers = new Intl.NumberFormat("fr-FR");
  const percent = new Intl.NumberFormat("fr-FR", { style: "percent", maximumFractionDigits: 1 });
  function put(id, text) {
    const node = document.getElementById(id);
    if (node && node.textContent !== text) {
      node.textContent = text;
    }
  }

  function rate(value) {
    return value === null || value === undefined ? "—" : percent.format(value);
  }

  // Quarter hours from the local midnight, drawn on the fund's clock (a Réunion
  // campaign's day starts at Réunion midnight).
  function drawChart(counts, start, zone) {
    const origin = Date.parse(start + "Z") / 1000;
    const x = counts.map(function (_, index) { return origin + index * 15 * 60; });
    window.DialerCharts.draw(document.getElementById("graphique"), x, [
      { label: "Tentatives par quart d'heure", values: counts, color: "#1f4e99", bars: true },
    ], zone);
    const last = counts.length ? counts[counts.length - 1] : 0;
    put("resume-graphique", numbers.format(counts.reduce((a, b) => a + b, 0)) +
      " tentatives depuis minuit, dont " + numbers.format(last) + " dans le quart d'heure en cours.");
  }

  function show(data) {
    if (data.error) {
      status.textContent = data.error;
      return;
    }
    for (const key of ["calls_in_progress", "attempts_today", "answered_today", "machines_today", "left_to_call"]) {
      put("v-" + key, numbers.format(data[key]));
    }
    put("v-outcomes_total", numbers.format(data.outcomes_today.total));
    put("v-answer_rate", rate(data.answer_rate));
    put("v-acceptance_rate", rate(data.acceptance_rate));
    put("v-abandon_rate", rate(data.abandon_rate));
    put("v-abandon_target", rate(data.abandon_target));
    const over = data.abandon_rate !== null && data.abandon_rate > data.abandon_target;
    document.getElementById("tuile-abandon").classList.toggle("over-target", over);
    for (const [state, count] of Object.entries(data.agents)) {
      put("a-" + state, numbers.format(count));
    }
    for (const [key, count] of Object.entries(data.outcomes_today)) {
      put("o-" + key, numbers.format(count));
    }
    const whyAt = data.why_at ? new Date(Date.parse(data.why_at + "Z")).toLocaleTimeString("fr-FR", { timeZone: data.time_zone }) : "";
    put("pourquoi", data.why_idle ? "Analyse de " + whyAt + " :\n" + data.why_idle
      : "Aucune explication disponible pour l'instant.");
    showFixes(data.why_fixes || []);
    drawChart(data.per_quarter, data.day_start, data.time_zone);
    const at = new Date(Date.parse(data.at + "Z"));
    status.textContent = "En direct · mis à jour à " +
      at.toLocaleTimeString("fr-FR", { timeZone: data.time_zone });
    status.dataset.version = String((Number(status.dataset.version) || 0) + 1);
  }

  // « Pourquoi rien ne compose ? » names its fixes: one link each.
  function showFixes(fixes) {
    const list = document.getElementById("pourquoi-corriger");
    if (!list) return;
    list.replaceChildren(...fixes.map(function (fix) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = fix.href;
      link.textContent = fix.label;
      item.appendChild(link);
      return item;
    }));
    document.getElementById("pourquoi-que-faire").hidden = fixes.length === 0;
  }

  const source = new EventSource(status.dataset.flux);
  source.addEventListener("snapshot", function (event) {
    show(JSON.parse(event.data));
  });
  source.addEventListener("error", function () {
    status.textContent = "Flux interrompu : reconnexion en cours…";
  });
})();
