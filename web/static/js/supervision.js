// The supervisor's wall: agents' states (refreshed every second), waves, alerts; listen,
// whisper, barge on an agent's call; take a help request.
"use strict";

(function () {
  const page = document.getElementById("supervision");
  if (!page) {
    return;
  }
  const csrf = page.dataset.csrf;
  const body = document.querySelector("#mur-agents tbody");
  const alerts = document.getElementById("alertes");
  const waves = document.getElementById("vagues");
  const message = document.getElementById("message-supervision");
  const stamp = document.getElementById("maj-supervision");
  const POLL_MS = 1000;
  const SPY = [
    ["ecouter", "Écouter"],
    ["chuchoter", "Chuchoter"],
    ["intervenir", "Intervenir"],
  ];
  const number = new Intl.NumberFormat("fr-FR");

  function duration(seconds) {
    const minutes = Math.floor(seconds / 60);
    const rest = String(seconds % 60).padStart(2, "0");
    return minutes + " min " + rest + " s";
  }

  function cell(text) {
    const td = document.createElement("td");
    td.textContent = text;
    return td;
  }

  function button(label, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "button button-quiet";
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }

  async function post(url, form) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf },
      body: form || new FormData(),
    });
    if (response.ok) {
      return "";
    }
    const text = await response.text();
    const match = text.match(/<p[^>]*role="alert"[^>]*>([^<]+)<\/p>/);
    if (match) {
      return match[1];
    }
    try {
      return JSON.parse(text).detail || "Action impossible.";
    } catch (_error) {
      return "Action impossible.";
    }
  }

  function actions(agent) {
    const td = document.createElement("td");
    const box = document.createElement("div");
    box.className = "actions";
    if (agent.attempt_id && agent.state === "on_call") {
      for (const [mode, label] of SPY) {
        box.append(
          button(label, async () => {
            const form = new FormData();
            form.append("mode", mode);
            const error = await post("/supervision/appels/" + agent.attempt_id + "/ecoute", form);
            message.textContent = error || label + " : votre poste va sonner.";
          }),
        );
      }
    }
    if (agent.help) {
      box.append(
        button("Aide prise en charge", async () => {
          const error = await post("/supervision/agents/" + agent.user_id + "/aide");
          message.textContent = error || "Demande d'aide de " + agent.name + " prise en charge.";
          refresh();
        }),
      );
    }
    td.append(box);
    return td;
  }

  function showAgents(agents) {
    const rows = agents.map((agent) => {
      const tr = document.createElement("tr");
      tr.dataset.agent = agent.user_id;
      tr.dataset.state = agent.state;
      if (agent.help) {
        tr.className = "aide";
      }
      tr.append(
        cell(agent.name),
        cell(agent.state_label),
        cell(duration(agent.seconds)),
        cell(agent.campaign),
        cell(agent.person_ref || "—"),
        actions(agent),
      );
      return tr;
    });
    if (!rows.length) {
      const tr = document.createElement("tr");
      const td = cell("Aucun agent connecté sur vos campagnes.");
      td.colSpan = 6;
      tr.append(td);
      rows.push(tr);
    }
    body.replaceChildren(...rows);
  }

  function showList(list, items, empty, text) {
    const lines = items.map((item) => {
      const li = document.createElement("li");
      text(li, item);
      return li;
    });
    if (!lines.length) {
      const li = document.createElement("li");
      li.className = "muted";
      li.textContent = empty;
      lines.push(li);
    }
    list.replaceChildren(...lines);
  }

  async function refresh() {
    const response = await fetch("/supervision/etat", { credentials: "same-origin" });
    if (!response.ok) {
      stamp.textContent = "Mise à jour impossible : nouvel essai dans un instant.";
      return;
    }
    const data = await response.json();
    showAgents(data.agents);
    showList(alerts, data.alerts, "Aucune alerte.", (li, alert) => {
      li.className = "alerte alerte-" + alert.kind;
      li.textContent = alert.text;
    });
    showList(waves, data.waves, "Aucune vague en cours.", (li, wave) => {
      li.textContent =
        wave.campaign + " · " + wave.name + " : " + number.format(wave.done) + " / " + number.format(wave.members);
      const bar = document.createElement("progress");
      bar.max = wave.members || 1;
      bar.value = wave.done;
      li.append(bar);
    });
    stamp.textContent = "Mis à jour à " + new Date().toLocaleTimeString("fr-FR");
  }

  refresh();
  window.setInterval(refresh, POLL_MS);
})();
