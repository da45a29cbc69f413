// Agent desk comforts: time in state and talk timers, the progress while waiting,
// « Mes rappels » and the manual dial. Reads what desk.js shows; never drives the call.
"use strict";

(function () {
  const desk = document.getElementById("poste");
  if (!desk) {
    return;
  }
  const csrf = desk.dataset.csrf;
  const zone = document.getElementById("appel");
  const stateLabel = document.getElementById("etat-agent");
  const stateClock = document.getElementById("chrono-etat");
  const progress = document.getElementById("progression");
  const dialing = document.getElementById("numerotation");
  const lastTry = document.getElementById("derniere-tentative");
  const notice = document.getElementById("message-poste");
  const WAITING_STATES = ["available", "reserved"];

  function clock(seconds) {
    const total = Math.max(0, Math.floor(seconds));
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const secs = String(total % 60).padStart(2, "0");
    return hours ? hours + ":" + String(minutes).padStart(2, "0") + ":" + secs : minutes + ":" + secs;
  }

  // -- timers ----------------------------------------------------------------
  let stateStart = Date.now() - (Number(stateClock && stateClock.dataset.seconds) || 0) * 1000;
  let stateText = stateLabel.textContent;
  let talkShown = null;
  let talkStart = 0;

  function tick() {
    if (stateLabel.textContent !== stateText) {
      stateText = stateLabel.textContent;
      stateStart = Date.now();
    }
    if (stateClock) {
      stateClock.textContent = clock((Date.now() - stateStart) / 1000);
    }
    const talk = document.getElementById("chrono-appel");
    if (!talk) {
      return;
    }
    const fresh = talk !== talkShown;
    if (fresh) {
      talkShown = talk;
      talkStart = Date.now() - (Number(talk.dataset.seconds) || 0) * 1000;
    }
    // A stopped timer keeps the talk time it reached.
    if (fresh || talk.dataset.stopped !== "1") {
      talk.textContent = clock((Date.now() - talkStart) / 1000);
    }
  }
  tick();
  window.setInterval(tick, 1000);

  // -- progress while waiting --------------------------------------------------
  function callOnScreen() {
    return Boolean(zone.querySelector(".call-panel, #post-appel"));
  }

  // « Mes appels du jour » as the server counts it, fetched again once a call has ended.
  let lastSeen = lastTry.textContent.trim();

  async function refreshDay() {
    const response = await fetch("/poste", { credentials: "same-origin" });
    const holder = document.createElement("template");
    holder.innerHTML = response.ok ? await response.text() : "";
    const fresh = holder.content.getElementById("mes-appels");
    const old = document.getElementById("mes-appels");
    if (fresh && old) {
      old.replaceWith(fresh);
    }
  }

  function showProgress(state) {
    if ((state.last_attempt || "") !== lastSeen) {
      lastSeen = state.last_attempt || "";
      refreshDay();
    }
    const waiting = WAITING_STATES.includes(state.state) && !state.preview;
    dialing.textContent = waiting && state.dialing ? state.dialing : "";
    lastTry.textContent = state.last_attempt || "";
    progress.hidden = callOnScreen() || !(dialing.textContent || lastTry.textContent);
    if (waiting && !callOnScreen()) {
      stateLabel.textContent = state.state_label;
    }
  }

  let pollTimer = null;
  // While the event stream is open it brings the calls and their ends (and a poll
  // right after each end): the state is then only refreshed for the dialing progress.
  // 200 desks polling every 2 s were 100 requests a second on the web process.
  const POLL_WAITING_MS = 2000;
  const POLL_WAITING_STREAM_MS = 5000;
  const POLL_OTHER_MS = 10000;

  function streamOpen() {
    return desk.dataset.stream === "ouvert";
  }

  async function poll() {
    window.clearTimeout(pollTimer);
    let next = POLL_OTHER_MS;
    try {
      const response = await fetch("/poste/etat", { credentials: "same-origin" });
      if (response.ok) {
        const state = await response.json();
        showProgress(state);
        if (WAITING_STATES.includes(state.state)) {
          next = streamOpen() ? POLL_WAITING_STREAM_MS : POLL_WAITING_MS;
        }
      }
    } finally {
      pollTimer = window.setTimeout(poll, next);
    }
  }
  desk.addEventListener("desk:attempt-ended", poll);
  // Told by the stream, not found at the next poll: the wording is the server's own.
  desk.addEventListener("desk:dialling", function () {
    if (!callOnScreen()) {
      dialing.textContent = dialing.dataset.texte;
      progress.hidden = false;
    }
  });
  pollTimer = window.setTimeout(poll, POLL_WAITING_MS);
  // The stream cut: its news no longer come, so polling takes over at its short pace.
  new MutationObserver(function () {
    if (!streamOpen()) {
      window.clearTimeout(pollTimer);
      pollTimer = window.setTimeout(poll, POLL_WAITING_MS);
    }
  }).observe(desk, { attributes: true, attributeFilter: ["data-stream"] });

  // -- calling a person now (a callback, or a manual dial) ---------------------
  function tell(text) {
    notice.textContent = text;
  }

  async function refusalText(response) {
    const holder = document.createElement("template");
    holder.innerHTML = await response.text();
    const text = holder.content.textContent.trim();
    return text || "L'appel n'a pas pu être demandé (" + response.status + ").";
  }

  async function callNow(button) {
    button.disabled = true;
    const body = new FormData();
    body.set("personne", button.dataset.contact);
    body.set("origine", button.dataset.origin);
    const response = await fetch("/poste/appel-manuel", {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf },
      body: body,
    });
    if (response.ok) {
      tell("Appel en cours : la fiche s'affichera dès que la personne décrochera.");
      stateLabel.textContent = "Appel en préparation";
      const actions = desk.querySelector(".desk-actions");
      if (actions) {
        actions.hidden = true;
      }
      poll();
      return;
    }
    button.disabled = false;
    tell(await refusalText(response));
  }

  desk.addEventListener("click", function (event) {
    const button = event.target.closest(".appeler-maintenant");
    if (button && !button.disabled) {
      callNow(button);
    }
  });

  // -- « Mes rappels » ----------------------------------------------------------
  const callbacks = document.getElementById("mes-rappels");
  if (callbacks) {
    callbacks.addEventListener("toggle", async function () {
      if (!callbacks.open) {
        return;
      }
      const list = document.getElementById("liste-rappels");
      list.textContent = "Chargement…";
      const response = await fetch("/poste/rappels", { credentials: "same-origin" });
      list.innerHTML = await response.text();
    });
  }

  // -- manual dial: search a person of the campaign ------------------------------
  const search = document.getElementById("form-recherche");
  if (search) {
    search.addEventListener("submit", async function (event) {
      event.preventDefault();
      const found = document.getElementById("zone-recherche");
      const response = await fetch(search.action, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRF-Token": csrf },
        body: new FormData(search),
      });
      found.innerHTML = await response.text();
    });
  }
})();
