// Agent desk: listens to the call stream, pops the call panel (or a preview to call or
// pass), posts the outcome.
"use strict";

(function () {
  const desk = document.getElementById("poste");
  if (!desk) {
    return;
  }
  const csrf = desk.dataset.csrf;
  const zone = document.getElementById("appel");
  const announce = document.getElementById("annonce");
  const link = document.getElementById("liaison");
  const stateLabel = document.getElementById("etat-agent");
  // When each call's person name reached the page, on the epoch clock: read by bench/screenpop.py.
  const marks = [];
  window.deskMarks = marks;
  let current = null;
  // The attempt the agent hung up themselves: its end is not the person's hang-up.
  let hungUpByAgent = null;
  // The attempt whose person was transferred: its end later is the destination's business.
  let handedOver = null;
  const CALL_OVER = "Appel terminé : résultat à saisir";
  const HANDED_OVER = "Appel transféré : la personne est en ligne avec la destination. Enregistrez le résultat.";

  function epochMs() {
    return performance.timeOrigin + performance.now();
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf },
      body: body,
    });
  }

  function say(text) {
    const line = document.getElementById("message-appel");
    if (line) {
      line.textContent = text;
    }
  }

  function fragment(html) {
    const holder = document.createElement("template");
    holder.innerHTML = html;
    return holder.content;
  }

  function previewShown() {
    const panel = zone.querySelector(".call-panel");
    return Boolean(panel && panel.dataset.preview === "1");
  }

  // The record went back to the queue (passed, expired or not reached): wait for the next.
  function backToWaiting(text) {
    current = null;
    const waiting = document.createElement("p");
    waiting.className = "desk-waiting";
    waiting.id = "attente";
    waiting.textContent = text;
    zone.replaceChildren(waiting);
    const actions = desk.querySelector(".desk-actions");
    if (actions) {
      actions.hidden = false;
    }
    stateLabel.textContent = "Disponible : en attente d'un appel";
    announce.textContent = text;
  }

  // The pop carries its panel (rendered and traced by the stream); otherwise it is asked for.
  async function panelOf(attemptId, pushed) {
    if (pushed) {
      return pushed;
    }
    const response = await fetch("/poste/appels/" + attemptId, { credentials: "same-origin" });
    if (!response.ok) {
      announce.textContent = "La fiche de l'appel n'a pas pu être affichée (" + response.status + ").";
      return null;
    }
    return response.text();
  }

  async function showCall(attemptId, again, pushed) {
    if (current === attemptId && !again) {
      return;
    }
    current = attemptId;
    const html = await panelOf(attemptId, pushed);
    if (html === null) {
      current = null;
      return;
    }
    zone.replaceChildren(fragment(html));
    // No pause or sign-out in the middle of a call: the outcome comes first.
    const actions = desk.querySelector(".desk-actions");
    if (actions) {
      actions.hidden = true;
    }
    const name = document.getElementById("nom-personne");
    const who = name ? name.textContent : "";
    if (previewShown()) {
      stateLabel.textContent = "Fiche en aperçu";
      announce.textContent = "Fiche à appeler : " + who;
    } else {
      marks.push({ attempt: attemptId, shownAt: epochMs() });
      const over = lineClosed();
      stateLabel.textContent = over ? CALL_OVER : "En communication";
      announce.textContent = (over ? "Appel terminé : " : "Appel en ligne : ") + who;
    }
    document.getElementById("titre-appel").focus();
    wirePanel(attemptId);
  }

  // The panel of a call whose line has already closed (shown again after a reload).
  function lineClosed() {
    const chrono = document.getElementById("chrono-appel");
    return Boolean(chrono && chrono.dataset.stopped === "1");
  }

  // The line closed, whoever hung up: the agent now owes the outcome, no longer talking.
  function callOver(text) {
    say(text);
    stateLabel.textContent = CALL_OVER;
    const chrono = document.getElementById("chrono-appel");
    if (chrono) {
      chrono.dataset.stopped = "1";
    }
    const hangUp = document.getElementById("raccrocher");
    if (hangUp) {
      hangUp.hidden = true;
    }
  }

  function wirePanel(attemptId) {
    const hangUp = document.getElementById("raccrocher");
    if (hangUp) {
      hangUp.addEventListener("click", async function () {
        // Set before asking: the line's end often reaches the stream before the answer.
        hungUpByAgent = attemptId;
        const response = await post(hangUp.dataset.url, new FormData());
        if (response.ok) {
          callOver("Vous avez raccroché : enregistrez le résultat.");
        } else {
          hungUpByAgent = null;
          say("Le raccrochage a échoué.");
        }
      });
    }
    wirePreview();
    wireReveal();
    wireForm(attemptId);
    wireShortcut(attemptId);
  }

  const CALL_REFUSED = {
    409: "Cette fiche ne peut plus être appelée (délai dépassé, campagne arrêtée ou plage d'appel fermée) : passez-la.",
    503: "Aucun service de numérotation ne tient cette fiche : réessayez dans un instant.",
  };

  function wirePreview() {
    const call = document.getElementById("appeler");
    const skip = document.getElementById("passer");
    if (!call || !skip) {
      return;
    }
    call.addEventListener("click", async function () {
      call.disabled = skip.disabled = true;
      const response = await post(call.dataset.url, new FormData());
      if (response.status === 502) {
        backToWaiting("L'appel n'a pas pu partir : la fiche sera reproposée plus tard.");
        return;
      }
      if (!call.isConnected) {
        return; // the person answered first: the live panel is already shown
      }
      if (!response.ok) {
        call.disabled = skip.disabled = false;
        say(CALL_REFUSED[response.status] || "L'appel a échoué (" + response.status + ").");
        return;
      }
      document.getElementById("actions-apercu").hidden = true;
      stateLabel.textContent = "Appel en préparation";
      say("Appel en cours : le panneau d'appel s'affichera quand la personne décrochera.");
    });
    skip.addEventListener("click", async function () {
      call.disabled = skip.disabled = true;
      const response = await post(skip.dataset.url, new FormData());
      if (response.ok) {
        backToWaiting("Fiche passée : la suivante s'affichera dès qu'elle sera prête.");
        return;
      }
      call.disabled = skip.disabled = false;
      say(CALL_REFUSED[response.status] || "La fiche n'a pas pu être passée (" + response.status + ").");
    });
  }

  function wireReveal() {
    const reveal = document.getElementById("reveler-code");
    if (!reveal) {
      return;
    }
    reveal.addEventListener("click", async function () {
      const response = await post(reveal.dataset.url, new FormData());
      if (!response.ok) {
        say("Le code n'a pas pu être affiché.");
        return;
      }
      const parts = fragment(await response.text());
      for (const id of ["fiche", "script-appel"]) {
        const fresh = parts.getElementById(id);
        const old = document.getElementById(id);
        if (fresh && old) {
          old.replaceWith(fresh);
        }
      }
      const code = document.querySelector(".secret-value");
      if (code) {
        code.setAttribute("tabindex", "-1");
        code.focus();
      }
      say("Code affiché : cet affichage est tracé.");
    });
  }

  // « Répondeur / pas la bonne personne »: the outcome in one click, the line closed with it.
  function wireShortcut(attemptId) {
    const form = document.getElementById("form-non-joint");
    if (!form) {
      return;
    }
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      hungUpByAgent = attemptId;
      const version = document.querySelector("#form-resultat [name=version_script]");
      const body = new FormData(form);
      if (version) {
        body.set("version_script", version.value);
      }
      await submitOutcome(form, body, attemptId);
    });
  }

  function wireForm(attemptId) {
    const form = document.getElementById("form-resultat");
    if (!form) {
      return;
    }
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      await submitOutcome(form, new FormData(form), attemptId);
    });
  }

  async function submitOutcome(form, body, attemptId) {
    const response = await post(form.action, body);
    const html = await response.text();
    if (response.status === 400) {
      document.getElementById("zone-resultat").replaceChildren(fragment(html));
      document.getElementById("erreurs-resultat").focus();
      wireForm(attemptId);
      return;
    }
    if (!response.ok) {
      say("Le résultat n'a pas pu être enregistré (" + response.status + ").");
      return;
    }
    current = null;
    zone.replaceChildren(fragment(html));
    stateLabel.textContent = "Post-appel";
    document.getElementById("titre-post-appel").focus();
    countDown(document.getElementById("post-appel"));
  }

  function countDown(section) {
    const counter = document.getElementById("compte-post-appel");
    if (section && !counter) {
      // The outcome came before the line closed: the wrap-up starts when it does.
      waitForAvailable();
      return;
    }
    if (!section) {
      return;
    }
    let left = Number(section.dataset.seconds) || 0;
    const timer = window.setInterval(function () {
      left = Math.max(0, left - 1);
      counter.textContent = String(left);
      if (left === 0) {
        window.clearInterval(timer);
        waitForAvailable();
      }
    }, 1000);
  }

  // The dialer ends the wrap-up; reload once it has, so the bar offers the right actions.
  function waitForAvailable() {
    const poll = window.setInterval(async function () {
      if (current !== null) {
        window.clearInterval(poll);
        return;
      }
      const response = await fetch("/poste/etat", { credentials: "same-origin" });
      const state = response.ok ? await response.json() : null;
      if (state && state.state !== "wrap_up" && state.state !== "on_call") {
        window.clearInterval(poll);
        window.location.reload();
      }
    }, 1000);
  }

  const source = new EventSource("/poste/evenements");
  source.addEventListener("open", async function () {
    link.textContent = "Flux d'appels connecté.";
    desk.dataset.stream = "ouvert";
    // A call bridged while the stream was (re)connecting sent its pop to nobody: ask.
    const response = await fetch("/poste/etat", { credentials: "same-origin" });
    const state = response.ok ? await response.json() : null;
    if (state && state.attempt_id && (state.state === "on_call" || state.preview)) {
      showCall(state.attempt_id);
    }
  });
  source.addEventListener("error", function () {
    link.textContent = "Flux d'appels interrompu : reconnexion en cours…";
    desk.dataset.stream = "coupé";
  });
  source.addEventListener("preview", function (event) {
    showCall(JSON.parse(event.data).attempt_id);
  });
  source.addEventListener("preview_expired", function (event) {
    if (current === JSON.parse(event.data).attempt_id) {
      backToWaiting("Délai d'aperçu dépassé : la fiche a été rendue à la file.");
    }
  });
  // The dialer is calling someone for this agent (ids only): the waiting area says so.
  desk.addEventListener("desk:handed-over", function () {
    if (current !== null && !lineClosed()) {
      handedOver = current;
      callOver(HANDED_OVER);
    }
  });
  source.addEventListener("dialling", function (event) {
    desk.dispatchEvent(new CustomEvent("desk:dialling", { detail: JSON.parse(event.data) }));
  });
  source.addEventListener("screen_pop", function (event) {
    const data = JSON.parse(event.data);
    const attemptId = data.attempt_id;
    // A called preview is on screen already, but as a record: show it as the live call.
    showCall(attemptId, current === attemptId && previewShown(), data.html);
  });
  source.addEventListener("call_ended", function (event) {
    const data = JSON.parse(event.data);
    if (current === data.attempt_id && previewShown()) {
      backToWaiting("L'appel n'a pas abouti : la personne sera rappelée plus tard.");
      return;
    }
    if (current === data.attempt_id && handedOver === data.attempt_id) {
      return;
    }
    if (current === data.attempt_id) {
      const byAgent = hungUpByAgent === data.attempt_id;
      callOver(byAgent ? "Vous avez raccroché : enregistrez le résultat."
        : "La personne a raccroché : enregistrez le résultat.");
      return;
    }
    // A call placed for this agent ended before anybody answered: the waiting area says so.
    desk.dispatchEvent(new CustomEvent("desk:attempt-ended", { detail: data }));
  });

  if (desk.dataset.attempt) {
    showCall(Number(desk.dataset.attempt));
  } else if (desk.dataset.state === "wrap_up") {
    window.setTimeout(waitForAvailable, (Number(desk.dataset.wrap) || 0) * 1000);
  }
})();
