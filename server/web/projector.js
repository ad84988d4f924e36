// The projector: the join code in large type, a QR code of the player URL, the timer,
// who the round waits for, the leaderboard and the newspaper. A spectator connection.

import { Connection, clock, fetchJson, remainingSeconds } from "./net.js";
import { h, leaderboard, newspaper, timerLine, waitingFor } from "./ui.js";

const main = document.getElementById("main");
const statusBox = document.getElementById("status");
const state = { public: null, timer: null, timerAt: 0, code: "", config: { public_url: null } };

async function start() {
  state.config = await fetchJson("/api/config.json");
  state.code = (new URLSearchParams(location.search).get("code") || "").trim().toUpperCase();
  if (!state.code) {
    askCode();
    return;
  }
  const connection = new Connection({
    hello: () => ({ type: "spectate", code: state.code }),
    onMessage: receive,
    onStatus: (status) => {
      statusBox.textContent = { connecting: "Connecting…", online: "Live", offline: "Reconnecting…", closed: "Disconnected" }[status] || status;
    },
  });
  connection.onRefused = (error) => askCode(`No session to show for ${state.code}: ${error.message}`);
  connection.open();
}

function askCode(problem) {
  const form = h("form", { class: "card stack", "aria-labelledby": "p-title" },
    h("h1", { id: "p-title", text: "Projector" }),
    problem ? h("p", { class: "banner bad", role: "alert", text: problem }) : null,
    h("div", { class: "field" }, h("label", { for: "p-code", text: "Session code" }),
      h("input", { id: "p-code", name: "code", type: "text", maxlength: state.config.code_length || 6, autocomplete: "off", required: true })),
    h("button", { type: "submit", text: "Show" }));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    location.search = `?code=${encodeURIComponent(form.querySelector("#p-code").value.trim().toUpperCase())}`;
  });
  main.replaceChildren(form);
  form.querySelector("#p-code").focus();
}

function receive(message) {
  if (message.type === "public_state") {
    state.public = message;
    take(message.timer);
  } else if (message.type === "timer") take(message.timer);
  else return;
  render();
}

function take(timer) {
  state.timer = timer;
  state.timerAt = performance.now();
}

function playerUrl() {
  return `${state.config.public_url || location.origin}/?code=${state.code}`;
}

function render() {
  const pub = state.public;
  if (!pub) return;
  document.title = `${state.code} · Cluster Board projector`;
  const t = state.timer;
  const waiting = waitingFor(t);
  const url = playerUrl();
  const showJoin = ["lobby", "briefing"].includes(t.phase) || !pub.newspaper;
  main.replaceChildren(
    h("h1", { class: "visually-hidden", text: "Cluster Board projector" }),
    pub.announcement ? h("p", { class: "banner", id: "announcement", role: "status", text: pub.announcement }) : h("span"),
    pub.facilitator_present === false && t.phase !== "finished"
      ? h("p", { class: "banner muted", id: "facilitator-away", role: "status", text: "The facilitator's console is away; an open round still closes on time." })
      : null,
    h("div", { class: "projector-grid" },
      h("section", { class: "card", "aria-labelledby": "j-title" },
        h("h2", { id: "j-title", text: "Join the game" }),
        h("div", { class: "join-code", id: "join-code", "aria-label": `Code ${state.code.split("").join(" ")}`, text: state.code }),
        h("p", { class: "join-url" }, url),
        showJoin ? h("img", { class: "qr", src: `/qr.svg?code=${state.code}`, alt: `QR code of ${url}` }) : null,
        h("p", { class: "muted", text: `${pub.teams.length} team${pub.teams.length === 1 ? "" : "s"}: ${pub.teams.join(", ") || "none yet"}` })),
      h("section", { class: "card", "aria-labelledby": "t-title" },
        h("h2", { id: "t-title", text: timerLine(t) }),
        h("div", { class: "big-timer", id: "clock", role: "timer", "aria-live": "off" }),
        waiting.length ? h("p", { class: "banner", id: "waiting", text: `Waiting for ${waiting.join(", ")}` }) : null,
        h("h2", { class: "spaced", text: "Leaderboard" }),
        leaderboard(pub.leaderboard))),
    h("section", { class: "card" }, newspaper(pub.newspaper)),
  );
  tick();
}

function tick() {
  const box = document.getElementById("clock");
  if (!box || !state.timer) return;
  const t = state.timer;
  box.textContent = ["decisions", "paused"].includes(t.phase)
    ? `${clock(remainingSeconds(t, state.timerAt))}${t.phase === "paused" ? " paused" : ""}`
    : "";
}
setInterval(tick, 1000);

start().catch((error) => {
  main.replaceChildren(h("p", { class: "banner bad", role: "alert", text: `The page could not start: ${error.message}` }));
});
