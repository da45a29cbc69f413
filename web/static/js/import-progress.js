// Polls the import's progress and fills the <progress> bar, then shows the summary.
"use strict";

(function () {
  const section = document.getElementById("suivi-import");
  if (!section || section.dataset.finished === "oui") {
    return;
  }
  const bar = document.getElementById("barre-import");
  const state = document.getElementById("etat-import");
  const result = document.getElementById("resultat-import");
  const summary = document.getElementById("resume-import");
  const reportLine = document.getElementById("lien-rejets");
  const reportLink = document.getElementById("rapport-rejets");
  const url = section.dataset.url;
  const format = new Intl.NumberFormat("fr-FR");

  function show(info) {
    bar.max = Math.max(info.expected, 1);
    bar.value = info.finished ? bar.max : Math.min(info.done, bar.max);
    if (!info.finished && info.phase === "scan") {
      state.textContent = "Lecture préalable du fichier : " + format.format(Math.floor(info.done / 1e6)) +
        " Mo parcourus sur " + format.format(Math.floor(info.expected / 1e6)) + ".";
      return;
    }
    if (!info.finished) {
      state.textContent = "Import en cours : " + format.format(info.done) + " lignes traitées sur " +
        format.format(info.expected) + ", " + format.format(info.rows_per_second) + " lignes/s, " +
        format.format(info.rejected) + (info.rejected > 1 ? " rejetées." : " rejetée.");
      return;
    }
    if (info.status === "done" && info.rejected > 0 && section.dataset.reloaded !== "oui") {
      // The page itself lists the rejects (totals per reason, the first 50).
      section.dataset.reloaded = "oui";
      window.location.reload();
      return;
    }
    const ended = { done: "Import terminé.", failed: "Import échoué." };
    state.textContent = ended[info.status] || "Import refusé.";
    summary.textContent = info.message;
    summary.className = "alert " + (info.status === "done" ? "alert-ok" : "alert-error");
    if (info.report_url) {
      reportLink.href = info.report_url;
      reportLine.hidden = false;
    }
    result.hidden = false;
    section.dataset.finished = "oui";
  }

  async function poll() {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.status === 401) {
        state.textContent = "Session expirée : reconnectez-vous pour voir le résultat.";
        return;
      }
      if (response.ok) {
        const info = await response.json();
        show(info);
        if (info.finished) {
          return;
        }
      }
    } catch (error) {
      state.textContent = "Connexion au serveur interrompue, nouvel essai…";
    }
    window.setTimeout(poll, 700);
  }

  poll();
})();
