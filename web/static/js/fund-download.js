// Sends the fund's token straight to the API and saves what comes back as a file.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("telechargement");
  const status = document.getElementById("etat");
  if (!form || !status) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const fund = form.caisse.value.trim();
    const format = form.format.value;
    const url = `/api/funds/${encodeURIComponent(fund)}/results?format=${format}` +
      `&after=${encodeURIComponent(form.apres.value)}&limit=100000&bom=true`;
    status.textContent = "Téléchargement en cours…";
    const response = await fetch(url, { headers: { Authorization: `Bearer ${form.jeton.value}` } });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      status.textContent = `Refusé (${response.status}) : ${body.detail || "erreur"}`;
      return;
    }
    const blob = await response.blob();
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = `resultats-${fund}-apres-${form.apres.value}.${format === "csv" ? "csv" : "ndjson"}`;
    document.body.appendChild(link);
    link.click();
    link.remove();
    status.textContent = `Fichier enregistré (dernier numéro : ${response.headers.get("X-Feed-Last-Seq") || "?"}).`;
  });
});
