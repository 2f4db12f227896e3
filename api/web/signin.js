// Sign-in form: asks for an access token when the service answers 401, keeps it in the tab's
// sessionStorage (client.js) and lets the waiting requests go again.

import { onSignIn, setToken } from "./client.js";

const $ = (id) => document.getElementById(id);

/** Show the form; resolve once a token is entered and stored. */
function ask(rejected, problem) {
  const form = $("signin");
  $("signin-reason").textContent = rejected
    ? `That token was not accepted${problem?.detail ? ` (${problem.detail})` : ""}: enter another one.`
    : "This service needs an access token (for the demo: the “Planner token” line that staffwise serve --demo printed).";
  $("signin-reason").classList.toggle("error", rejected);
  form.hidden = false;
  document.body.classList.add("signing-in");
  $("signin-token").value = "";
  $("signin-token").focus();
  return new Promise((resolve) => {
    const submit = (event) => {
      event.preventDefault();
      const token = $("signin-token").value.trim();
      if (!token) return;
      form.removeEventListener("submit", submit);
      setToken(token);
      $("signin-token").value = "";
      form.hidden = true;
      document.body.classList.remove("signing-in");
      resolve(token);
    };
    form.addEventListener("submit", submit);
  });
}

export function installSignIn() {
  onSignIn(ask);
}
