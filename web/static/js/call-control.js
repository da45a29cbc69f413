// « Contrôle d'appel » on the agent desk: hold, resume, transfers, the supervisor called
// in, help. Apart from desk.js: it only reads which call panel is shown.
"use strict";

(function () {
  const box = document.getElementById("controle-appel");
  if (!box) {
    return;
  }
  const csrf = box.dataset.csrf;
  const inCall = document.getElementById("controle-en-appel");
  const message = document.getElementById("message-controle");
  const listening = document.getElementById("ecoute-superviseur");
  const holdButton = document.getElementById("bouton-attente");
  const resumeButton = document.getElementById("bouton-reprise");
  const heldLine = document.getElementById("etat-attente");
  const select = document.getElementById("destination-transfert");
  const transferButtons = ["bouton-transfert-direct", "bouton-transfert-accompagne"].map((id) =>
    document.getElementById(id),
  );
  const consulting = document.getElementById("transfert-en-cours");
  const consultingLine = document.getElementById("etat-transfert");
  const POLL_MS = 1500;
  let attempt = null;

  function shownAttempt() {
    const panel = document.querySelector("#appel .call-panel[data-attempt]");
    if (!panel || panel.dataset.preview === "1") {
      return null;
    }
    return panel.dataset.attempt;
  }

  function send(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf },
      body: body || new FormData(),
    });
  }

  async function answer(response, done) {
    if (response.ok) {
      message.textContent = done;
      await refresh();
      return;
    }
    const text = await response.text();
    const match = text.match(/<p[^>]*role="alert"[^>]*>([^<]+)<\/p>/);
    let said = match ? match[1] : "";
    if (!said) {
      try {
        said = JSON.parse(text).detail || "";
      } catch (_error) {
        said = "";
      }
    }
    message.textContent = said || "L'action n'a pas pu être faite : réessayez.";
  }

  function fillDestinations(destinations) {
    const wanted = destinations.map((d) => String(d.id)).join(",");
    if (select.dataset.ids === wanted) {
      return;
    }
    select.replaceChildren();
    for (const destination of destinations) {
      const option = document.createElement("option");
      option.value = destination.id;
      option.textContent = destination.label;
      select.append(option);
    }
    select.dataset.ids = wanted;
  }

  function show(state) {
    if (state.handed_over) {
      // The person talks with the destination now: for the desk, the agent's call is over.
      document.getElementById("poste").dispatchEvent(new CustomEvent("desk:handed-over"));
    }
    inCall.hidden = !state.live;
    resumeButton.hidden = !state.held;
    heldLine.textContent = state.held ? "La personne est en attente (musique d'attente)." : "";
    listening.hidden = !state.listening;
    fillDestinations(state.destinations);
    // While the agent talks to the destination, the only choices are to hand over or go back.
    const under = state.consulting !== null && state.consulting !== undefined;
    consulting.hidden = !under;
    consultingLine.textContent = under
      ? "Vous êtes en ligne avec « " +
        state.consulting +
        " » ; la personne attend (musique d'attente)."
      : "";
    for (const button of transferButtons) {
      button.hidden = under;
    }
    holdButton.hidden = state.held || under;
  }

  async function refresh() {
    attempt = shownAttempt();
    if (!attempt) {
      inCall.hidden = true;
      listening.hidden = true;
      return;
    }
    const response = await fetch("/poste/appels/" + attempt + "/controle", {
      credentials: "same-origin",
    });
    if (response.ok) {
      show(await response.json());
    }
  }

  function url(path) {
    return "/poste/appels/" + attempt + path;
  }

  holdButton.addEventListener("click", async () => {
    await answer(await send(url("/attente")), "Appel mis en attente.");
  });
  resumeButton.addEventListener("click", async () => {
    await answer(await send(url("/reprise")), "Appel repris.");
  });
  document.getElementById("bouton-transfert-direct").addEventListener("click", async () => {
    const body = new FormData();
    body.append("destination", select.value);
    body.append("mode", "direct");
    await answer(await send(url("/transfert"), body), "Appel transféré.");
  });
  document.getElementById("bouton-transfert-accompagne").addEventListener("click", async () => {
    const body = new FormData();
    body.append("destination", select.value);
    body.append("mode", "accompagne");
    await answer(
      await send(url("/transfert"), body),
      "La destination est appelée ; la personne attend (musique d'attente).",
    );
  });
  document.getElementById("bouton-transfert-terminer").addEventListener("click", async () => {
    await answer(await send(url("/transfert/terminer")), "Appel transféré : la personne est en ligne avec la destination.");
  });
  document.getElementById("bouton-transfert-annuler").addEventListener("click", async () => {
    await answer(await send(url("/transfert/annuler")), "Transfert annulé : vous êtes de nouveau en ligne avec la personne.");
  });
  document.getElementById("bouton-conference").addEventListener("click", async () => {
    await answer(await send(url("/conference")), "Le superviseur est appelé dans la conversation.");
  });
  document.getElementById("bouton-aide").addEventListener("click", async () => {
    await answer(await send("/poste/aide"), "Demande d'aide envoyée au superviseur.");
  });

  refresh();
  window.setInterval(refresh, POLL_MS);
})();
