// Script editor: renders the text on sample data as the manager types (debounced).
"use strict";

(function () {
  const form = document.getElementById("form-script");
  if (!form) {
    return;
  }
  const body = document.getElementById("corps");
  const preview = document.getElementById("apercu");
  const problem = document.getElementById("erreur-apercu");
  const button = document.getElementById("bouton-apercu");
  const csrf = form.querySelector("input[name=csrf_token]").value;
  let timer = null;
  let sent = 0;

  async function refresh() {
    const ticket = ++sent;
    const data = new FormData();
    data.append("corps", body.value);
    const response = await fetch(form.dataset.preview, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf },
      body: data,
    });
    if (ticket !== sent) {
      return; // a newer preview is on its way
    }
    if (!response.ok) {
      problem.textContent = "L'aperçu n'a pas pu être calculé (" + response.status + ").";
      problem.hidden = false;
      return;
    }
    const result = await response.json();
    problem.textContent = result.error || "";
    problem.hidden = result.ok;
    const holder = document.createElement("template");
    // The sandbox escaped every value: the preview is the HTML agents would see.
    holder.innerHTML = result.html;
    preview.replaceChildren(holder.content);
  }

  body.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 400);
  });
  button.addEventListener("click", refresh);
})();
