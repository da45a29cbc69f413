// Live dashboard: one SSE snapshot every second or two, drawn without reloading.
"use strict";

(function () {
  const status = document.getElementById("maj-tableau");
  if (!status) {
    return;
  }
  const numbers = new Intl.NumberFormat("fr-FR");
  const percent = new Intl.NumberFormat("fr-FR", { style: "percent", maximumFractionDigits: 1 });
  const SVG = "http://www.w3.org/2000/svg";

  function put(id, text) {
    const node = document.getElementById(id);
    if (node && node.textContent !== text) {
      node.textContent = text;
    }
  }

  function rate(value) {
    return value === null || value === undefined ? "—" : percent.format(value);
  }

  function svgNode(name, attributes, text) {
    const node = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) {
      node.setAttribute(key, String(value));
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  // Hours on the fund's clock: a Réunion campaign's day starts at Réunion midnight.
  function clock(start, quarter, zone) {
    const at = new Date(Date.parse(start + "Z") + quarter * 15 * 60 * 1000);
    return at.toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit", timeZone: zone });
  }

  function drawChart(counts, start, zone) {
    const svg = document.getElementById("graphique");
    // Drawn at the size it is shown, so labels keep their size whatever the screen.
    const width = svg.clientWidth || 640, height = svg.clientHeight || 220;
    const left = 34, bottom = 22, top = 8;
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    const peak = Math.max(1, ...counts);
    const step = (width - left) / Math.max(counts.length, 1);
    const nodes = [
      svgNode("line", { class: "axis", x1: left, y1: height - bottom, x2: width, y2: height - bottom }),
      svgNode("text", { class: "label", x: 0, y: top + 10 }, numbers.format(peak)),
      svgNode("text", { class: "label", x: 0, y: height - bottom }, "0"),
    ];
    counts.forEach(function (count, index) {
      const barHeight = ((height - bottom - top) * count) / peak;
      nodes.push(svgNode("rect", {
        class: "bar", x: left + index * step + 1, y: height - bottom - barHeight,
        width: Math.max(step - 2, 1), height: barHeight,
      }));
      if (index % 8 === 0) {
        nodes.push(svgNode("text", { class: "label", x: left + index * step, y: height - 6 }, clock(start, index, zone)));
      }
    });
    svg.replaceChildren(...nodes);
    const last = counts.length ? counts[counts.length - 1] : 0;
    put("resume-graphique", numbers.format(counts.reduce((a, b) => a + b, 0)) +
      " tentatives depuis minuit, dont " + numbers.format(last) + " dans le quart d'heure en cours.");
  }

  function show(data) {
    if (data.error) {
      status.textContent = data.error;
      return;
    }
    for (const key of ["calls_in_progress", "attempts_today", "answered_today", "left_to_call"]) {
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
