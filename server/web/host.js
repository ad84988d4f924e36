// The facilitator page: create a session, then run it. The facilitator token stays in
// this browser (localStorage) and in the page's URL fragment (#token=...), which
// browsers never send to a server, so it never reaches a server log. A server started
// with a host key asks for it on the form; /host#key=... fills it in (and the key is
// then taken out of the address bar, which a projector may show).

import { Connection, clock, fetchJson, remainingSeconds } from "./net.js";
import { announce, euros, h, leaderboard, number, timerLine, waitingFor } from "./ui.js";

const HOSTS = "clusterboard.hosts";
const main = document.getElementById("main");
const statusBox = document.getElementById("status");

const state = {
  token: null,
  fac: null,
  public: null,
  timer: null,
  timerAt: 0,
  scenarios: [],
  strategies: [],
  vocabulary: {},
  config: { public_url: null },
  connection: null,
  banner: null,
  good: null,
  hostKey: "",
};

function stored() {
  try {
    return JSON.parse(localStorage.getItem(HOSTS) || "{}");
  } catch {
    return {};
  }
}

function keepToken(code, token) {
  const all = stored();
  all[code] = token;
  localStorage.setItem(HOSTS, JSON.stringify(all));
}

function tokenFromFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  return params.get("token");
}

function keyFromFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  const key = params.get("key");
  if (key !== null) history.replaceState(null, "", "/host");
  return key || "";
}

async function start() {
  [state.scenarios, state.strategies, state.vocabulary, state.config] = await Promise.all([
    fetchJson("/api/scenarios.json"),
    fetchJson("/api/strategies.json"),
    fetchJson("/api/vocabulary.json"),
    fetchJson("/api/config.json"),
  ]);
  const token = tokenFromFragment();
  state.hostKey = keyFromFragment();
  if (token) connect(token, null);
  else showCreate();
}

// ------------------------------------------------------------ creating a session

function showCreate(problem) {
  document.title = "New session · Cluster Board";
  const sessions = Object.entries(stored());
  const scenario = h("select", { id: "c-scenario", name: "scenario" },
    state.scenarios.map((s) => h("option", { value: s.id, text: `${s.name} (${s.rounds} years)` })));
  const summary = h("p", { class: "hint muted", id: "c-scenario-hint" });
  const rounds = h("input", { id: "c-rounds", name: "rounds", type: "number", min: 1, max: 20, step: 1 });
  const pick = () => {
    const s = state.scenarios.find((x) => x.id === scenario.value);
    summary.textContent = s ? s.summary : "";
    rounds.value = s ? s.rounds : 8;
    rounds.max = s ? s.rounds : 20; // a scenario is written for its own rounds, no more
  };
  scenario.addEventListener("change", pick);
  const strategyOptions = () => state.strategies.map((s) => h("option", { value: s.id, text: `${s.id} — ${s.summary}` }));
  const form = h("form", { class: "card stack", "aria-labelledby": "c-title", novalidate: true },
    h("h1", { id: "c-title", text: "Start a session" }),
    problem ? h("p", { class: "banner bad", role: "alert", text: problem }) : null,
    field("c-scenario", "Scenario", scenario, summary),
    field("c-rounds", "Years (rounds)", rounds),
    field("c-minutes", "Minutes per round", h("input", { id: "c-minutes", name: "minutes", type: "number", min: 1, max: 120, step: 1, value: 10 })),
    field("c-teams", "Most teams", h("input", { id: "c-teams", name: "max_teams", type: "number", min: 1, max: 20, step: 1, value: 8 })),
    field("c-missing", "A team that does not submit", h("select", { id: "c-missing", name: "missing" },
      h("option", { value: "keep", text: "keeps last year's policy" }),
      h("option", { value: "strategy", text: "plays a computer strategy" }))),
    field("c-missing-strategy", "That computer strategy", h("select", { id: "c-missing-strategy", name: "missing_strategy" }, strategyOptions())),
    field("c-seed", "Seed (optional, for a repeatable game)", h("input", { id: "c-seed", name: "seed", type: "text", inputmode: "numeric", pattern: "[0-9]*", autocomplete: "off" })),
    state.config.host_key || state.hostKey
      ? field("c-host-key", "Host key (printed by the server, or from whoever runs it)",
          h("input", { id: "c-host-key", name: "host_key", type: "password", autocomplete: "off", value: state.hostKey }))
      : null,
    h("button", { type: "submit", text: "Create the session" }),
  );
  form.querySelector("#c-missing-strategy").value = "member_first";
  pick();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    const seed = String(data.seed || "").trim();
    if (seed && !(/^\d{1,19}$/.test(seed) && BigInt(seed) < 2n ** 63n)) {
      showCreate("The seed is a whole number below 2^63 (at most 19 digits).");
      return;
    }
    state.hostKey = String(data.host_key || "").trim();
    if (state.config.host_key && !state.hostKey) {
      showCreate("This server needs its host key to create a session.");
      return;
    }
    const message = {
      type: "create_session",
      scenario: data.scenario,
      rounds: Number(data.rounds),
      round_seconds: Math.round(Number(data.minutes) * 60),
      max_teams: Number(data.max_teams),
      missing: data.missing,
      missing_strategy: data.missing_strategy,
      seed: seed || null, // as text: 63 bits do not fit a JavaScript number
    };
    if (state.hostKey) message.host_key = state.hostKey;
    connect(null, message);
  });
  const reopen = sessions.length
    ? h("section", { class: "card", "aria-labelledby": "c-mine" },
        h("h2", { id: "c-mine", text: "Sessions started in this browser" }),
        h("ul", {}, sessions.map(([code, token]) =>
          h("li", {}, h("a", { href: `/host#token=${encodeURIComponent(token)}`, onclick: () => setTimeout(() => location.reload(), 0), text: `Console of ${code}` })))))
    : null;
  main.replaceChildren(...[form, reopen].filter(Boolean));
  scenario.focus();
}

function field(id, text, input, hint) {
  return h("div", { class: "field" }, h("label", { for: id, text }), input, hint || null);
}

// ------------------------------------------------------------ the connection

function connect(token, create) {
  state.token = token;
  let creating = create;
  const connection = new Connection({
    hello: () => (state.token ? { type: "resume", token: state.token } : creating),
    onMessage: receive,
    onStatus: (status, detail) => {
      const words = { connecting: "Connecting…", online: "Connected", offline: "Connection lost, reconnecting…", closed: "Disconnected" };
      statusBox.textContent = (status === "offline" && detail) || words[status] || status;
    },
  });
  connection.onWelcome = (welcome) => {
    if (welcome.token) {
      state.token = welcome.token;
      creating = null;
      keepToken(welcome.code, welcome.token);
      history.replaceState(null, "", `/host#token=${encodeURIComponent(welcome.token)}`);
    }
  };
  connection.onRefused = (error) => {
    state.connection = null;
    if (state.token) {
      history.replaceState(null, "", "/host");
      showCreate("That console link is no longer valid (the session ended or the server forgot it).");
    } else showCreate(`The server refused the session: ${error.message}`);
  };
  state.connection = connection;
  connection.open();
}

function receive(message) {
  if (message.type === "facilitator_state") {
    state.fac = message;
    takeTimer(message.timer);
  } else if (message.type === "public_state") {
    state.public = message;
    takeTimer(message.timer);
  } else if (message.type === "timer") {
    takeTimer(message.timer);
  } else if (message.type === "error" && !message.reply_to) {
    state.banner = message.message;
  } else return;
  scheduleRender();
}

// Views come with every keystroke of every player: draw at most a few times a second.
let renderTimer = null;
function scheduleRender() {
  if (renderTimer === null) {
    renderTimer = setTimeout(() => {
      renderTimer = null;
      render();
    }, 150);
  }
}

function takeTimer(timer) {
  const before = state.timer;
  state.timer = timer;
  state.timerAt = performance.now();
  if (before && (before.phase !== timer.phase || before.round !== timer.round)) announce(timerLine(timer));
}

async function send(message, done) {
  try {
    await state.connection.request(message);
    state.banner = null;
    state.good = done || null;
    if (done) {
      announce(done);
      setTimeout(() => {
        if (state.good !== done) return;
        state.good = null;
        render();
      }, 8000);
    }
  } catch (error) {
    state.good = null;
    state.banner = `${message.type.replace(/_/g, " ")}: ${error.message}` +
      (error.details?.length ? ` (${error.details.map((d) => `${d.field}: ${d.problem}`).join("; ")})` : "");
    announce(state.banner);
  }
  render();
}

// ------------------------------------------------------------ the console

function playerUrl(code) {
  const base = state.config.public_url || location.origin;
  return `${base}/?code=${code}`;
}

let built = null;

function render() {
  const fac = state.fac;
  if (!fac) return;
  document.title = `Console ${fac.code} · Cluster Board`;
  const focused = document.activeElement?.id;
  const keepValues = {};
  for (const input of main.querySelectorAll("input[id], select[id]")) keepValues[input.id] = input.value;
  const opened = [...main.querySelectorAll("details[open][id]")].map((d) => d.id);
  main.replaceChildren(...[
    h("h1", { class: "visually-hidden", text: `Facilitator console for session ${fac.code}` }),
    state.banner ? h("p", { class: "banner bad", role: "alert", text: state.banner }) : null,
    state.good ? h("p", { class: "banner good", role: "status", text: state.good }) : null,
    h("div", { class: "grid" }, joinCard(fac), roundCard(fac)),
    teamsCard(fac),
    h("div", { class: "grid" }, eventsCard(fac), rosterCard(fac), botsCard(fac), weightsCard(fac), broadcastCard(), gradingCard(fac)),
    h("section", { class: "card", "aria-labelledby": "k-board" }, h("h2", { id: "k-board", text: "Leaderboard" }), leaderboard(fac.leaderboard)),
  ].filter(Boolean));
  if (!document.getElementById("end-dialog")) document.body.append(endDialog());
  for (const [id, value] of Object.entries(keepValues)) {
    const input = document.getElementById(id);
    if (input && input.dataset.keep !== "no") input.value = value;
  }
  for (const id of opened) document.getElementById(id)?.setAttribute("open", "");
  if (focused) document.getElementById(focused)?.focus();
  built = true;
  tick();
}

function joinCard(fac) {
  const url = playerUrl(fac.code);
  const consoleLink = `${location.origin}/host#token=${encodeURIComponent(state.token)}`;
  return h("section", { class: "card", "aria-labelledby": "k-join" },
    h("h2", { id: "k-join", text: "Join" }),
    h("p", {}, "Code ", h("strong", { class: "code", id: "join-code", text: fac.code })),
    h("p", {}, "Players open ", h("a", { href: url, id: "player-url", target: "_blank", rel: "noopener", text: url })),
    h("img", { class: "qr", src: `/qr.svg?code=${fac.code}`, alt: `QR code of ${url}`, width: 160, height: 160 }),
    h("p", {}, h("a", { href: `/projector?code=${fac.code}`, target: "_blank", rel: "noopener", id: "projector-link", text: "Open the projector view" })),
    h("details", { id: "reopen" },
      h("summary", { text: "Reopen this console in another browser" }),
      h("p", { class: "hint muted", text: "Anyone with this link runs the session: keep it to yourself." }),
      h("input", { type: "text", readonly: true, id: "console-link", value: consoleLink, "aria-label": "Console link", "data-keep": "no" })),
    h("p", { class: "muted" }, `${fac.config.scenario} · ${fac.config.rounds} years · seed ${fac.config.seed_text || fac.config.seed} · ${fac.spectators} projector${fac.spectators === 1 ? "" : "s"} watching`),
  );
}

function roundCard(fac) {
  const t = state.timer || fac.timer;
  const phase = t.phase;
  const can = (list) => list.includes(phase);
  const seconds = h("input", { id: "k-minutes", type: "number", min: 1, max: 120, step: 1, value: Math.round(fac.config.round_seconds / 60) });
  const practice = h("input", { id: "k-practice", type: "checkbox" });
  const waiting = waitingFor(t);
  const firstRound = t.round === 0 || (t.round === 1 && t.practice && phase === "briefing");
  const last = t.round >= t.rounds && phase === "results";
  return h("section", { class: "card", "aria-labelledby": "k-round" },
    h("h2", { id: "k-round", text: "Round" }),
    h("p", { id: "k-phase", role: "status" }, timerLine(t), " ", h("span", { class: "timer", id: "clock" })),
    waiting.length ? h("p", { id: "k-waiting", text: `Waiting for ${waiting.join(", ")}.` }) : null,
    h("div", { class: "row" },
      h("button", { type: "button", id: "b-start", disabled: !can(["lobby"]), onclick: () => send({ type: "start" }, "The session has started: the teams read their briefing.") , text: "Start the session" })),
    h("div", { class: "row" },
      h("label", { for: "k-minutes", text: "Minutes" }), h("span", { class: "grow" }, seconds),
      firstRound ? h("label", { class: "row" }, practice, "Practice round") : null,
      h("button", {
        type: "button", id: "b-open", disabled: !can(["briefing", "results"]) || last,
        onclick: () => send({ type: "open_round", seconds: Math.max(10, Number(seconds.value) * 60), practice: Boolean(practice.checked) }, "The round is open."),
        text: phase === "results" ? "Open the next round" : "Open the round",
      })),
    h("div", { class: "row" },
      [1, 2, 5].map((m) => h("button", { type: "button", class: "secondary", disabled: !can(["decisions", "paused"]), onclick: () => send({ type: "extend", seconds: m * 60 }, `${m} more minute${m > 1 ? "s" : ""}.`), text: `+${m} min` })),
      h("button", { type: "button", class: "secondary", id: "b-pause", disabled: !can(["decisions"]), onclick: () => send({ type: "pause_round" }, "Paused."), text: "Pause" }),
      h("button", { type: "button", class: "secondary", id: "b-resume", disabled: !can(["paused"]), onclick: () => send({ type: "resume_round" }, "Resumed."), text: "Resume" }),
      h("button", { type: "button", id: "b-close", disabled: !can(["decisions", "paused"]), onclick: () => send({ type: "close_round" }, "The round is closed."), text: "Close the round now" })),
    h("div", { class: "row" },
      t.practice && phase === "results"
        ? h("button", { type: "button", class: "secondary", id: "b-reset", onclick: () => send({ type: "reset_practice" }, "Every team is back at the start."), text: "Reset after the practice round" })
        : null,
      h("button", { type: "button", class: "danger", id: "b-end", disabled: can(["finished", "resolving"]), onclick: () => document.getElementById("end-dialog").showModal(), text: "End the game…" })),
  );
}

function endDialog() {
  const dialog = h("dialog", { id: "end-dialog", "aria-labelledby": "end-title" },
    h("h2", { id: "end-title", text: "End the game now?" }),
    h("p", { text: "The game ends for every team; no further round can be played." }),
    h("form", { method: "dialog", class: "row" },
      h("button", { value: "cancel", class: "secondary", id: "end-cancel", text: "Keep playing" }),
      h("button", { value: "end", class: "danger", id: "end-confirm", text: "End the game" })));
  dialog.addEventListener("close", () => {
    if (dialog.returnValue === "end") send({ type: "end_game" }, "The game is over.");
  });
  return dialog;
}

function teamsCard(fac) {
  const strategies = state.strategies;
  const rows = fac.teams.map((team) => {
    const open = fac.teams.filter((t) => t.team !== team.team && !t.removed && !t.computer);
    const players = team.players.map((p) => `${p.name}${p.connected ? "" : " (away)"}`).join(", ") || "–";
    const who = h("div", {}, team.computer ? `computer: ${team.computer}` : players,
      team.removed ? null : h("div", { class: "row" }, team.players.map((p) =>
        h("button", {
          type: "button", class: "secondary small", "data-player": p.name,
          onclick: () => {
            if (confirm(`Remove ${p.name} from ${team.team}? Their seat's token stops working.`)) {
              send({ type: "remove_player", player: p.id }, `${p.name} was removed.`);
            }
          },
          text: `Remove ${p.name}`,
        })).concat(open.length ? team.players.map((p) => {
          const target = h("select", { id: `mv-${p.id}`, "aria-label": `Team to move ${p.name} to` },
            open.map((t) => h("option", { value: t.team, text: t.team })));
          return h("span", { class: "row" }, target,
            h("button", { type: "button", class: "secondary small", "data-move": p.name,
              onclick: () => send({ type: "move_player", player: p.id, team: target.value }, `${p.name} moved to ${target.value}.`),
              text: `Move ${p.name}` }));
        }) : [])));
    const submitted = team.removed ? "removed" : team.wound_up ? "wound up" : team.computer ? "always ready" : team.submitted ? "submitted" : "not yet";
    const choose = h("select", { id: `r-${team.seat}`, "aria-label": `Strategy for ${team.team}` }, strategies.map((s) => h("option", { value: s.id, text: s.id })));
    const actions = team.removed ? "" : h("div", { class: "row" },
      team.computer && team.players.length
        ? h("button", { type: "button", class: "secondary", onclick: () => send({ type: "reinstate_team", team: team.team }, `${team.team} is back in its players' hands.`), text: "Give back to players" })
        : null,
      h("span", {}, choose),
      h("button", { type: "button", class: "secondary", onclick: () => send({ type: "replace_team", team: team.team, strategy: choose.value }, `${team.team} is now computer-run.`), text: "Hand to computer" }),
      h("button", { type: "button", class: "secondary", onclick: () => {
        if (confirm(`Remove ${team.team} from the game?`)) send({ type: "remove_team", team: team.team }, `${team.team} was removed.`);
      }, text: "Remove" }));
    return h("tr", {},
      h("th", { scope: "row", text: team.team }),
      h("td", {}, who),
      h("td", { text: submitted }),
      h("td", { class: "num", text: number(team.score, 1) }),
      h("td", { class: "num", text: euros(team.cash) }),
      h("td", { class: "num", text: String(team.members) }),
      h("td", { text: state.vocabulary.stages?.[team.stage] || team.stage }),
      h("td", {}, actions));
  });
  return h("section", { class: "card", "aria-labelledby": "k-teams" },
    h("h2", { id: "k-teams", text: `Teams (${fac.teams.length})` }),
    fac.teams.length
      ? h("div", { class: "table-wrap" }, h("table", { id: "teams" },
          h("thead", {}, h("tr", {}, ["Team", "Players", "This round", "Score", "Cash", "Members", "Stage", "Actions"].map((x, i) => h("th", { scope: "col", class: [3, 4, 5].includes(i) ? "num" : null, text: x })))),
          h("tbody", {}, rows)))
      : h("p", { class: "muted", text: "No team yet: players join with the code." }));
}

function eventsCard(fac) {
  const scenario = state.scenarios.find((s) => s.id === fac.config.scenario);
  const title = (id) => scenario?.events.find((e) => e.id === id)?.title || id;
  const used = new Set([...fac.pending_events, ...fac.round_events]);
  const select = h("select", { id: "k-event" }, fac.event_deck.filter((id) => !used.has(id)).map((id) => h("option", { value: id, text: title(id) })));
  const phase = state.timer.phase;
  return h("section", { class: "card", "aria-labelledby": "k-events" },
    h("h2", { id: "k-events", text: "Events" }),
    h("p", {}, `This round: ${fac.round_events.map(title).join(", ") || "none"}. Coming: ${fac.pending_events.map(title).join(", ") || "none"}.`),
    h("div", { class: "field" }, h("label", { for: "k-event", text: "Event card" }), select),
    h("button", { type: "button", disabled: !["briefing", "decisions", "paused", "results"].includes(phase) || !select.options.length,
      onclick: () => send({ type: "inject_event", event_id: select.value }, `${title(select.value)} will fall.`), text: "Inject the event" }));
}

// A roster: teams named before the first round, for players to pick.
function rosterCard(fac) {
  const name = h("input", { id: "k-team-name", type: "text", maxlength: 40, value: "" });
  const open = ["lobby", "briefing"].includes(state.timer.phase) && fac.teams.length < fac.config.max_teams;
  return h("section", { class: "card", "aria-labelledby": "k-roster" },
    h("h2", { id: "k-roster", text: "Team for players" }),
    h("div", { class: "field" }, h("label", { for: "k-team-name", text: "Team name" }), name),
    h("button", { type: "button", id: "b-team", disabled: !open, onclick: () => {
      const team = name.value.trim();
      if (!team) {
        state.banner = "Name the team first.";
        render();
        return;
      }
      name.value = "";
      send({ type: "add_team", team }, `${team} is open to players.`);
    }, text: "Add the team" }));
}

// The per-student table for grading (the columns of protocol/grading.py), as a CSV file.
export const STUDENT_COLUMNS = ["student", "player_id", "team", "teams_by_year", "years_on_a_team",
  "years_connected", "connected_count", "years_submitted", "submissions", "removed"];

export function studentRows(students) {
  const years = (list) => list.join(" ");
  const rows = students.map((s) => ({
    student: s.name,
    player_id: s.id,
    team: s.team,
    teams_by_year: s.years.map((y, i) => `${y} ${s.teams[i]}`).join("; "),
    years_on_a_team: s.years.length,
    years_connected: years(s.connected),
    connected_count: s.connected.length,
    years_submitted: years(s.submitted),
    submissions: s.submitted.length,
    removed: s.removed ? "yes" : "no",
  }));
  const fold = (x) => String(x).toLowerCase();
  const order = (a, b) => (fold(a) < fold(b) ? -1 : fold(a) > fold(b) ? 1 : 0);
  return rows.sort((a, b) => order(a.team, b.team) || order(a.student, b.student));
}

export function studentsCsv(students) {
  const cell = (v) => {
    const text = String(v);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [STUDENT_COLUMNS.join(",")];
  for (const row of studentRows(students)) lines.push(STUDENT_COLUMNS.map((c) => cell(row[c])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

function gradingCard(fac) {
  const students = fac.students || [];
  return h("section", { class: "card", "aria-labelledby": "k-grading" },
    h("h2", { id: "k-grading", text: "Grading" }),
    h("p", { class: "muted", text: `${students.length} student${students.length === 1 ? "" : "s"}: team, years on a team, years connected, submissions.` }),
    h("button", { type: "button", id: "b-export", disabled: !students.length, onclick: () => {
      const blob = new Blob([studentsCsv(students)], { type: "text/csv" });
      const link = h("a", { href: URL.createObjectURL(blob), download: `students-${fac.code}.csv`, text: "students.csv" });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 1000);
    }, text: "Export for grading" }));
}

function botsCard(fac) {
  const name = h("input", { id: "k-bot-name", type: "text", maxlength: 40, value: "" });
  const strategy = h("select", { id: "k-bot-strategy" }, state.strategies.map((s) => h("option", { value: s.id, text: `${s.id} — ${s.summary}` })));
  const phase = state.timer.phase;
  return h("section", { class: "card", "aria-labelledby": "k-bots" },
    h("h2", { id: "k-bots", text: "Computer-run team" }),
    h("div", { class: "field" }, h("label", { for: "k-bot-name", text: "Team name" }), name),
    h("div", { class: "field" }, h("label", { for: "k-bot-strategy", text: "Strategy" }), strategy),
    h("button", { type: "button", id: "b-bot", disabled: !["lobby", "briefing"].includes(phase), onclick: () => {
      const team = name.value.trim();
      if (!team) {
        state.banner = "Name the computer-run team first.";
        render();
        return;
      }
      name.value = "";
      send({ type: "add_bot", team, strategy: strategy.value }, `${team} joined, run by ${strategy.value}.`);
    }, text: "Add the team" }));
}

function broadcastCard() {
  const shown = state.public?.announcement;
  const text = h("input", { id: "k-broadcast", type: "text", maxlength: 280, autocomplete: "off" });
  return h("section", { class: "card", "aria-labelledby": "k-say" },
    h("h2", { id: "k-say", text: "Message to every screen" }),
    h("p", { class: "muted", id: "k-shown", text: shown ? `Showing: ${shown}` : "Nothing shown." }),
    h("div", { class: "field" }, h("label", { for: "k-broadcast", text: "Message" }), text),
    h("div", { class: "row" },
      h("button", { type: "button", id: "b-say", onclick: () => {
        const words = text.value.trim();
        if (!words) return;
        text.value = "";
        send({ type: "broadcast", text: words }, "The message is on every screen.");
      }, text: "Show it" }),
      h("button", { type: "button", class: "secondary", disabled: !shown, onclick: () => send({ type: "broadcast", text: "" }, "The message is taken down."), text: "Take it down" })));
}

function weightsCard(fac) {
  const weights = fac.config.weights;
  const names = state.vocabulary.components || {};
  const inputs = Object.entries(weights).map(([key, value]) =>
    h("div", { class: "field" }, h("label", { for: `w-${key}`, text: `${names[key] || key} (%)` }),
      h("input", { id: `w-${key}`, "data-weight": key, type: "number", min: 0, max: 100, step: 1, value: Math.round(value * 100) })));
  const phase = state.timer.phase;
  return h("section", { class: "card", "aria-labelledby": "k-weights" },
    h("h2", { id: "k-weights", text: "Score weights" }),
    inputs,
    h("button", { type: "button", disabled: ["resolving", "finished"].includes(phase), onclick: () => {
      const chosen = {};
      for (const input of main.querySelectorAll("input[data-weight]")) chosen[input.dataset.weight] = Number(input.value);
      send({ type: "set_weights", weights: chosen }, "Weights set.");
    }, text: "Set the weights" }));
}

function tick() {
  const box = document.getElementById("clock");
  if (!box || !state.timer || !built) return;
  const t = state.timer;
  box.textContent = ["decisions", "paused"].includes(t.phase) ? clock(remainingSeconds(t, state.timerAt)) : "";
}
setInterval(tick, 1000);

start().catch((error) => {
  main.replaceChildren(h("p", { class: "banner bad", role: "alert", text: `The page could not start: ${error.message}` }));
});
