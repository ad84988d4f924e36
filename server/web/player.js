// The player page: join, then the board's screens; the shared draft lives on the server.

import { Connection, clock, fetchJson, remainingSeconds } from "./net.js";
import {
  Schema,
  label,
  moneyHint,
  numberField,
  problemKey,
  setProblem,
  shownValues,
} from "./decisions.js";
import {
  FAMILY_COLORS,
  PHASES,
  announce,
  euros,
  h,
  leaderboard,
  lineChart,
  newsList,
  newspaper,
  number,
  stackedColumns,
  table,
  tile,
  timerLine,
  waitingFor,
} from "./ui.js";

const SEATS = "clusterboard.seats";
const LAST = "clusterboard.last";
const SCREENS = ["briefing", "dashboard", "decisions", "results", "history", "canvas", "gameover"];
const SCREEN_NAMES = {
  briefing: "Briefing",
  dashboard: "Dashboard",
  decisions: "Decisions",
  results: "Results",
  history: "History",
  canvas: "Canvas",
  gameover: "Game over",
};
const FLUSH_MS = 250;
const SECTIONS = ["budget_staff", "fees_revenue", "funding", "members_strategy", "events"];

const main = document.getElementById("main");
const statusBox = document.getElementById("status");
const bar = document.getElementById("bar");

const state = {
  seat: null, // {code, token, team, name, player}
  team: null, // the last team_state, with draft, problems and submission kept current
  reports: [],
  public: null,
  history: [],
  timer: null,
  timerAt: 0,
  screen: "briefing",
  schema: null,
  scenarios: [],
  pending: {}, // top-level draft fields changed here and not yet sent
  inflight: [], // [{changes, acked}] sent edits the server has not echoed yet
  submitProblems: [],
  banner: null,
  form: null, // the decisions form of the current round
  connection: null,
};

// ------------------------------------------------------------ seats in this browser

function seats() {
  try {
    return JSON.parse(localStorage.getItem(SEATS) || "{}");
  } catch {
    return {};
  }
}

function keepSeat(seat) {
  const all = seats();
  all[seat.code] = seat;
  localStorage.setItem(SEATS, JSON.stringify(all));
  localStorage.setItem(LAST, seat.code);
}

function forgetSeat(code) {
  const all = seats();
  delete all[code];
  localStorage.setItem(SEATS, JSON.stringify(all));
}

// ------------------------------------------------------------ start

async function start() {
  const params = new URLSearchParams(location.search);
  const asked = (params.get("code") || "").trim().toUpperCase();
  const code = asked || localStorage.getItem(LAST) || "";
  const known = seats()[code];
  [state.schema, state.scenarios, state.config] = await Promise.all([
    Promise.all([fetchJson("/api/decisions-schema.json"), fetchJson("/api/vocabulary.json")]).then(
      ([root, words]) => new Schema(root, words),
    ),
    fetchJson("/api/scenarios.json"),
    fetchJson("/api/config.json"),
  ]);
  if (known && known.token) connect(known);
  else showJoin(asked);
}

// The server's join codes: their length comes with /api/config.json.
function codeLength() {
  return state.config?.code_length || 6;
}

function setStatus(text) {
  statusBox.textContent = text;
}

// ------------------------------------------------------------ joining

function showJoin(code, problem) {
  document.title = "Join · Cluster Board";
  const teams = h("datalist", { id: "teams-known" });
  const form = h(
    "form",
    { class: "stack card", "aria-labelledby": "join-title", novalidate: true },
    h("h1", { id: "join-title", text: "Join a session" }),
    h("p", { class: "muted", text: `Your facilitator gives you a ${codeLength()}-letter code. Teammates type the same team name.` }),
    problem ? h("p", { class: "banner bad", role: "alert", text: problem }) : null,
    field("join-code", "Session code", h("input", {
      id: "join-code", name: "code", type: "text", required: true, autocomplete: "off",
      autocapitalize: "characters", spellcheck: "false", maxlength: codeLength(), value: code || "",
    })),
    field("join-team", "Team", h("input", {
      id: "join-team", name: "team", type: "text", required: true, maxlength: 40, list: "teams-known",
      autocomplete: "off",
    })),
    teams,
    field("join-name", "Your name", h("input", {
      id: "join-name", name: "name", type: "text", required: true, maxlength: 40, autocomplete: "nickname",
    })),
    h("button", { type: "submit", text: "Join" }),
    h("p", { class: "muted" }, "Running the session? ", h("a", { href: "/host", text: "Open the facilitator console" }), "."),
  );
  const codeInput = form.querySelector("#join-code");
  codeInput.addEventListener("input", () => rosterFor(codeInput.value, teams));
  if (code) rosterFor(code, teams);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    const seat = {
      code: String(data.code).trim().toUpperCase(),
      team: String(data.team).trim(),
      name: String(data.name).trim(),
      token: null,
    };
    if (!seat.code || !seat.team || !seat.name) {
      showJoin(seat.code, "Please fill in the code, your team and your name.");
      return;
    }
    connect(seat);
  });
  main.replaceChildren(form);
  setStatus("Not joined");
  (code ? form.querySelector("#join-team") : codeInput).focus();
}

function field(id, text, input) {
  return h("div", { class: "field" }, h("label", { for: id, text }), input);
}

// The session's teams, from a short spectator connection, offered as suggestions.
let rosterSocket = null;
function rosterFor(code, list) {
  code = code.trim().toUpperCase();
  if (rosterSocket) rosterSocket.close();
  rosterSocket = null;
  if (code.length !== codeLength()) return;
  const peek = new Connection({
    hello: () => ({ type: "spectate", code }),
    onMessage: (message) => {
      if (message.type === "public_state") {
        list.replaceChildren(...message.teams.map((t) => h("option", { value: t })));
        peek.close();
      }
    },
  });
  peek.onRefused = () => {};
  rosterSocket = peek;
  peek.open();
}

function connect(seat) {
  if (state.connection) state.connection.close();
  state.seat = seat;
  const connection = new Connection({
    hello: () =>
      state.seat.token
        ? { type: "resume", token: state.seat.token }
        : { type: "join", code: seat.code, team: seat.team, name: seat.name },
    onMessage: receive,
    onStatus: (status, detail) => {
      const words = { connecting: "Connecting…", online: "Connected", offline: "Connection lost, reconnecting…", closed: "Disconnected" };
      setStatus((status === "offline" && detail) || words[status] || status);
    },
  });
  connection.onWelcome = (welcome) => {
    if (welcome.token) state.seat.token = welcome.token;
    state.seat.team = welcome.team;
    state.seat.player = welcome.player;
    state.seat.code = welcome.code;
    keepSeat(state.seat);
    const url = new URL(location.href);
    if (url.searchParams.get("code") !== welcome.code) {
      url.searchParams.set("code", welcome.code);
      history.replaceState(null, "", url);
    }
  };
  connection.onRefused = (error) => {
    if (state.seat.token) forgetSeat(seat.code);
    state.connection = null;
    showJoin(seat.code, refusal(error, Boolean(state.seat.token)));
  };
  state.connection = connection;
  connection.open();
}

function refusal(error, resuming) {
  if (resuming) return "Your seat in that session is no longer valid. Join again.";
  if (error.code === "not_found") return "No session has this code. Check it with your facilitator.";
  if (error.code === "wrong_phase") return "This session no longer takes new teams; join an existing team.";
  if (error.code === "limit_exceeded") return `The session is full: ${error.message}.`;
  if (error.code === "invalid_field") return "Check the code, team and name.";
  return error.message;
}

// ------------------------------------------------------------ messages

function receive(message) {
  switch (message.type) {
    case "team_state":
      takeTeam(message);
      break;
    case "draft":
      takeDraft(message);
      break;
    case "forecast": // the forecast of a draft version a draft or a view said would follow
      if (state.team && message.version === state.team.draft_version) {
        state.team.forecast = message.forecast;
        state.team.forecast_pending = false;
      }
      break;
    case "submitted":
      if (state.team) {
        state.team.submission = message.submission;
        state.team.forecast_pending = false; // a submitted draft gets no forecast
      }
      announce("Your team's decisions are submitted.");
      break;
    case "timer":
      takeTimer(message.timer);
      break;
    case "public_state":
      state.public = message;
      if (message.history) state.history = message.history;
      else if (message.newspaper) keepLast(state.history, message.newspaper);
      takeTimer(message.timer);
      break;
    case "welcome": // moved to another team by the facilitator
      if (message.team && state.seat) {
        state.seat.team = message.team;
        keepSeat(state.seat);
        announce(`You are now on the team ${message.team}.`);
      }
      return;
    case "removed":
      forgetSeat(state.seat.code);
      main.replaceChildren(h("div", { class: "banner bad", role: "alert", text: `You were removed from the session: ${message.reason}` }));
      return;
    case "error":
      state.banner = message.message;
      break;
    default:
      return;
  }
  render();
}

function keepLast(list, item) {
  while (list.length && list[list.length - 1].round >= item.round) list.pop();
  list.push(item);
}

function takeTimer(timer) {
  const before = state.timer;
  state.timer = timer;
  state.timerAt = performance.now();
  if (!before || before.phase !== timer.phase || before.round !== timer.round) {
    const screen = { decisions: "decisions", results: "results", finished: "gameover", briefing: "briefing" }[timer.phase];
    if (screen && before) state.screen = screen;
    if (!before) state.screen = screen || (timer.round ? "dashboard" : "briefing");
    announce(timerLine(timer));
  }
}

function takeTeam(message) {
  const before = state.team;
  if (message.reports) state.reports = message.reports;
  else if (message.view.last_report) keepLast(state.reports, message.view.last_report);
  state.team = message;
  if (!before || before.view.round !== message.view.round || before.team !== message.team) {
    state.pending = {};
    state.inflight = [];
    state.submitProblems = [];
    state.banner = null;
  }
  takeTimer(message.timer);
}

function takeDraft(message) {
  const team = state.team;
  if (!team) return;
  team.draft = message.draft;
  team.draft_version = message.version;
  team.problems = message.problems;
  if ("forecast" in message) team.forecast = message.forecast;
  team.forecast_pending = Boolean(message.forecast_pending); // it follows once the draft settles
  if (message.edited_by === state.seat.player) {
    state.inflight = state.inflight.filter((edit) => !edit.acked);
  } else {
    const who = team.players.find((p) => p.id === message.edited_by);
    announce(`${who ? who.name : "A teammate"} changed the draft.`);
  }
}

// ------------------------------------------------------------ the draft

function draftShown() {
  const draft = { ...state.team.draft };
  for (const edit of state.inflight) Object.assign(draft, edit.changes);
  Object.assign(draft, state.pending);
  return shownValues(state.team.view, draft);
}

function deciding() {
  const t = state.timer;
  const team = state.team;
  return Boolean(t && ["decisions", "paused"].includes(t.phase) && team && !team.removed && !team.computer && !team.view.wound_up);
}

let flushTimer = null;
function edit(fieldName, value) {
  state.pending[fieldName] = value;
  clearTimeout(flushTimer);
  flushTimer = setTimeout(flush, FLUSH_MS);
  syncForm();
}

function flush() {
  clearTimeout(flushTimer);
  const changes = state.pending;
  if (!Object.keys(changes).length || !deciding()) return Promise.resolve();
  state.pending = {};
  const entry = { changes, acked: false };
  state.inflight.push(entry);
  return state.connection
    .request({ type: "edit_draft", round: state.timer.round, changes })
    .then(() => {
      entry.acked = true;
    })
    .catch((error) => {
      state.inflight = state.inflight.filter((e) => e !== entry);
      state.submitProblems = error.details || [];
      state.banner = `The change was refused: ${error.message}`;
      render();
    });
}

// Resolve once every edit made here has come back from the server as the team's draft.
function settled() {
  return new Promise((resolve) => {
    const started = performance.now();
    const check = () => {
      const quiet = !state.inflight.length && !Object.keys(state.pending).length;
      if (quiet || performance.now() - started > 5000) resolve();
      else setTimeout(check, 20);
    };
    check();
  });
}

// Submit the team's shared draft as this page last saw it: if a teammate edited it
// in the meantime, the server refuses (stale_draft) and the page shows their change.
async function submit() {
  try {
    await flush();
    await settled();
    state.submitProblems = [];
    await state.connection.request({
      type: "submit",
      round: state.timer.round,
      draft_version: state.team.draft_version,
    });
    state.banner = null;
  } catch (error) {
    state.submitProblems = error.code === "stale_draft" ? [] : error.details || [];
    if (error.code === "illegal_decision") {
      state.banner = "The rules refuse these decisions; see the problems marked below.";
    } else if (error.code === "stale_draft") {
      state.banner = "A teammate changed the draft just now: check their change and submit again.";
    } else state.banner = `Not submitted: ${error.message}`;
    announce(state.banner);
  }
  render();
}

// ------------------------------------------------------------ rendering

let shownScreen = null;

function render() {
  if (!state.team) {
    main.replaceChildren(h("p", { class: "card", text: "Waiting for the session…" }));
    return;
  }
  renderBar();
  const screen = state.screen;
  if (screen === "decisions" && state.form && state.form.shape === formShape() && main.contains(state.form.node)) {
    syncForm();
    renderBannerOnly();
    return;
  }
  const body = woundUpScreen(screen) || {
    briefing: briefing,
    dashboard: dashboard,
    decisions: decisions,
    results: results,
    history: historyScreen,
    canvas: canvasScreen,
    gameover: gameOver,
  }[screen]();
  const heading = h("h1", { id: "screen-title", tabindex: "-1", text: SCREEN_NAMES[screen] });
  main.replaceChildren(tabs(), bannerNode(), heading, body);
  if (shownScreen !== screen) window.scrollTo(0, 0);
  main.querySelector("nav.tabs [aria-current]")?.scrollIntoView({ block: "nearest", inline: "nearest" });
  shownScreen = screen;
  document.title = `${SCREEN_NAMES[screen]} · ${state.team.team} · Cluster Board`;
}

// A wound-up organization's own screens say only that; its history and the
// newspapers stay open.
function woundUpScreen(screen) {
  if (!state.team.view.wound_up || ["history", "gameover"].includes(screen)) return null;
  const years = state.reports.filter((r) => r.wound_up).map((r) => r.round);
  const when = years.length ? ` in year ${Math.min(...years)}` : "";
  return h("section", { class: "card", id: "wound-up", "aria-labelledby": "wound-up-title" },
    h("h2", { id: "wound-up-title", class: "bad", text: "Wound up" }),
    h("p", { text: `Your cluster organization was wound up${when}: its emergency loan grew past what the board could carry. ` +
      "It has no cash, staff, members or budget any more, and decides nothing; its remaining years score nothing. " +
      "The history and the game's newspapers stay open." }),
    screen === "results" ? newspaper(state.public?.newspaper, state.team.team) : null);
}

function renderBannerOnly() {
  const old = main.querySelector(":scope > .banner-slot");
  if (old) old.replaceWith(bannerNode());
}

function bannerNode() {
  const notes = [];
  if (state.public?.announcement) {
    notes.push(h("p", { class: "banner", id: "announcement", role: "status" }, h("strong", { text: "From the facilitator: " }), state.public.announcement));
  }
  if (state.public && state.public.facilitator_present === false && state.timer?.phase !== "finished") {
    notes.push(h("p", { class: "banner muted", id: "facilitator-away", role: "status", text: "The facilitator's console is away; an open round still closes on time." }));
  }
  if (state.banner) notes.push(h("p", { class: "banner bad", role: "alert", text: state.banner }));
  return h("div", { class: "banner-slot" }, notes);
}

function renderBar() {
  let info = bar.querySelector(".info");
  if (!info) {
    info = h("span", { class: "info" });
    bar.insertBefore(info, statusBox);
  }
  const t = state.timer;
  info.replaceChildren(
    h("strong", { text: state.team.team }),
    " · ",
    timerLine(t),
    " ",
    h("span", { class: "timer", id: "clock", role: "timer", "aria-label": "time left" }),
  );
  tick();
}

function tick() {
  const box = document.getElementById("clock");
  if (!box || !state.timer) return;
  const t = state.timer;
  box.textContent = ["decisions", "paused"].includes(t.phase) ? clock(remainingSeconds(t, state.timerAt)) : "";
}
setInterval(tick, 1000);

function tabs() {
  const shown = SCREENS.filter((s) => s !== "gameover" || state.timer?.phase === "finished");
  return h(
    "nav",
    { class: "tabs", "aria-label": "Screens" },
    shown.map((screen) =>
      h("button", {
        type: "button",
        "aria-current": screen === state.screen ? "page" : null,
        class: "secondary",
        "data-screen": screen,
        text: SCREEN_NAMES[screen] + (screen === "decisions" && deciding() && !state.team.submission ? " •" : ""),
        onclick: () => {
          state.screen = screen;
          render();
          document.getElementById("screen-title")?.focus();
        },
      }),
    ),
  );
}

function scenarioInfo() {
  return state.scenarios.find((s) => s.id === state.team.view.scenario);
}

function briefing() {
  const info = scenarioInfo();
  const view = state.team.view;
  const story = info
    ? h(
        "section",
        { class: "card", "aria-labelledby": "story-title" },
        h("h2", { id: "story-title", text: info.name }),
        h("p", { class: "muted", text: info.summary }),
        info.briefing.split(/\n\s*\n/).map((p) => h("p", { text: p.replace(/\s+/g, " ").trim() })),
        info.lesson ? h("p", {}, h("strong", { text: "The lesson: " }), info.lesson) : null,
      )
    : h("section", { class: "card" }, h("h2", { text: view.scenario }));
  const last = view.last_report;
  return h(
    "div",
    { class: "grid" },
    story,
    h(
      "div",
      {},
      h("section", { class: "card", "aria-labelledby": "lastnews" }, h("h2", { id: "lastnews", text: "Last year's news" }), newsList(last?.news)),
      h(
        "section",
        { class: "card", "aria-labelledby": "cards" },
        h("h2", { id: "cards", text: "Events in force" }),
        view.events.length
          ? view.events.map((e) => h("div", {}, h("h3", { text: e.title + (e.new ? " (new this year)" : "") }), h("p", { text: e.text })))
          : h("p", { class: "muted", text: "No event cards this year." }),
      ),
    ),
  );
}

function dashboard() {
  const view = state.team.view;
  const last = view.last_report;
  const rank = (state.public?.leaderboard || []).find((r) => r.team === state.team.team);
  const tiles = h(
    "div",
    { class: "tiles" },
    tile("Cash", euros(view.cash), view.loan ? `loan ${euros(view.loan)}` : ""),
    tile("Runway", last ? `${number(last.runway_months, 1)} months` : "–", last ? `stress ${last.stress}` : ""),
    tile("Members", number(view.members), `engagement ${number(view.engagement_mean * 100)}%`),
    tile("Staff", `${number(view.staff_fte, 1)} FTE`, `${view.interns} interns`),
    tile("Stage", state.schema.name("stages", view.stage), `track record ${view.track_record}`),
    tile("Score", rank ? number(rank.score, 1) : last ? number(last.score.game_score, 1) : "–", rank ? `rank ${rank.rank} of ${state.public.leaderboard.length}` : ""),
  );
  const segments = state.schema.keys(state.schema.field("recruitment"));
  const recruitment = state.schema.field("recruitment");
  const members = table(
    "Members by kind",
    ["Kind", "Members"],
    segments.map((s) => [state.schema.enumLabel(recruitment, s), String(view.members_by_segment[s] ?? 0)]),
    [1],
  );
  const agreements = view.agreements.length
    ? table("Running agreements", ["Agreement", "Family", "EUR a year", "Years left"],
        view.agreements.map((a) => [a.name, state.schema.name("families", a.family), euros(a.amount), String(a.years_left)]), [2, 3])
    : h("p", { class: "muted", text: "No running agreements." });
  const kpiNode = state.schema.field("strategy.targets");
  const kpis = state.schema.keys(kpiNode);
  const impact = table(
    "Value impact against targets",
    ["Outcome", "So far", "Target", "Strong cluster"],
    kpis.map((k) => [kpiName(k), number(last?.kpis?.[k] ?? 0, 1), number(view.targets[k] ?? 0, 1), number(view.yardstick[k] ?? 0, 1)]),
    [1, 2, 3],
  );
  return h(
    "div",
    {},
    tiles,
    h("div", { class: "grid" },
      h("section", { class: "card", "aria-labelledby": "d-members" }, h("h2", { id: "d-members", text: "Members" }), members),
      h("section", { class: "card", "aria-labelledby": "d-agreements" }, h("h2", { id: "d-agreements", text: "Funding agreements" }), agreements),
      h("section", { class: "card", "aria-labelledby": "d-impact" }, h("h2", { id: "d-impact", text: "Value impact" }), impact),
      h("section", { class: "card", "aria-labelledby": "d-board" }, h("h2", { id: "d-board", text: "Leaderboard" }), leaderboard(state.public?.leaderboard, state.team.team)),
      h("section", { class: "card", "aria-labelledby": "d-team" }, h("h2", { id: "d-team", text: "Your board" }),
        h("ul", { id: "board-members" }, state.team.players.map((p) =>
          h("li", { text: `${p.name}${p.id === state.seat.player ? " (you)" : ""}${p.connected ? "" : " (away)"}` })))),
    ),
  );
}

function kpiName(kpi) {
  const unit = state.schema.name("kpi_units", kpi);
  const label = state.schema.name("kpis", kpi);
  return unit && unit !== humanizeId(kpi) ? `${label} (${unit})` : label;
}

function humanizeId(key) {
  const words = String(key).replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// ------------------------------------------------------------ decisions

function decisions() {
  const team = state.team;
  if (team.computer) return h("p", { class: "card", text: `A computer strategy (${team.computer}) runs this team now.` });
  if (team.view.wound_up) return h("p", { class: "card", text: "Your cluster organization was wound up: it has nothing left to decide. The other screens show how it got there." });
  const schema = state.schema;
  const view = team.view;
  const values = draftShown();
  const boxes = new Map(); // problem key -> element with a problem slot
  const syncs = [];
  const keep = (key, box) => {
    boxes.set(key, box);
    return box;
  };

  // budget and staff
  const budgetNode = schema.field("budget");
  const lineNode = schema.itemBounds(budgetNode);
  const total = h("output", { class: "sum", id: "budget-total" });
  const budgetSet = keep("budget", h("fieldset", {},
    h("legend", { text: label(budgetNode, "budget") }),
    h("p", { class: "problem", role: "alert" }),
    h("p", { class: "hint muted", text: budgetNode.description || "" }),
    schema.keys(budgetNode).map((line) => {
      const box = keep(`budget.${line}`, numberField({
        key: `budget.${line}`, node: { ...lineNode, step: budgetNode.step, unit: budgetNode.unit },
        name: schema.enumLabel(budgetNode, line), value: values.budget[line],
        hint: " ", format: moneyHint,
        onCommit: (v) => edit("budget", { ...draftShown().budget, [line]: v }),
      }));
      syncs.push((vals) => box.sync(vals.budget[line]));
      return box;
    }),
    h("p", {}, "Total budget: ", total),
  ));
  syncs.push((vals) => {
    total.textContent = euros(Object.values(vals.budget).reduce((a, b) => a + b, 0));
  });
  const staffNode = schema.field("staffing");
  const staffSet = keep("staffing", h("fieldset", {},
    h("legend", { text: label(staffNode, "staffing") }),
    h("p", { class: "problem", role: "alert" }),
    h("p", { class: "hint muted", text: `${staffNode.description || ""} You have ${number(view.staff_fte, 1)} FTE and ${view.interns} interns; a full-time salary is ${euros(view.salary_fte)}.` }),
    Object.entries(staffNode.properties).map(([key, raw]) => {
      const node = schema.resolve(raw);
      const box = keep(`staffing.${key}`, numberField({
        key: `staffing.${key}`, node, name: label(node, key), value: values.staffing[key],
        onCommit: (v) => edit("staffing", { ...draftShown().staffing, [key]: v }),
      }));
      syncs.push((vals) => box.sync(vals.staffing[key]));
      return box;
    }),
  ));

  // fees and revenue lines
  const feeNode = schema.field("fees");
  const modelNode = schema.resolve(feeNode.properties.model);
  const levels = h("div", { class: "stack" });
  const levelBoxes = {};
  for (const key of Object.keys(feeNode.properties).filter((k) => k !== "model")) {
    const node = schema.resolve(feeNode.properties[key]);
    levelBoxes[key] = keep(`fees.${key}`, numberField({
      key: `fees.${key}`, node, name: label(node, key),
      value: values.fees[key],
      onCommit: (v) => edit("fees", { ...draftShown().fees, [key]: v }),
    }));
    levels.append(levelBoxes[key]);
  }
  const feeLevels = (model) => ({ none: [], tiered: ["small", "medium", "large"] })[model] || ["flat"];
  const modelName = "fee-model";
  const modelRadios = modelNode.enum.map((m) => {
    const input = h("input", { type: "radio", name: modelName, value: m, onchange: () => edit("fees", { ...draftShown().fees, model: m }) });
    return h("label", { class: "choice" }, input, h("span", { text: schema.enumLabel(modelNode, m) }));
  });
  syncs.push((vals) => {
    for (const r of modelRadios) r.querySelector("input").checked = r.querySelector("input").value === vals.fees.model;
    const shown = feeLevels(vals.fees.model);
    for (const [key, box] of Object.entries(levelBoxes)) {
      box.hidden = !shown.includes(key);
      box.sync(vals.fees[key]);
    }
  });
  const feeSet = keep("fees", h("fieldset", {},
    h("legend", { text: label(feeNode, "fees") }),
    h("p", { class: "problem", role: "alert" }),
    h("p", { class: "hint muted", text: feeNode.description || "" }),
    h("div", { class: "choices", role: "radiogroup", "aria-label": label(modelNode, "model") }, modelRadios),
    levels,
  ));
  const revenueSet = keep("funding.revenue_lines", h("fieldset", {},
    h("legend", { text: label(schema.field("funding.revenue_lines"), "revenue_lines") }),
    h("p", { class: "problem", role: "alert" }),
    h("div", { class: "choices" }, view.revenue_line_options.map((o) => {
      const input = h("input", { type: "checkbox", value: o.id, "aria-describedby": `rl-${o.id}` });
      input.addEventListener("change", () => toggle("revenue_lines", o.id, input.checked));
      syncs.push((vals) => {
        input.checked = vals.funding.revenue_lines.includes(o.id);
      });
      return keep(`funding.revenue_lines.${o.id}`, h("label", { class: "choice" }, input,
        h("span", {}, h("strong", { text: o.name }),
          h("span", { id: `rl-${o.id}`, class: "hint", text: `${o.description} Price ${euros(o.price)}, fixed cost ${euros(o.fixed_cost)}, ${number(o.staff_fte, 1)} FTE.` }),
          h("span", { class: "problem" }))));
    })),
  ));

  // funding applications
  const applyNode = schema.field("funding.apply");
  const fundingSet = keep("funding.apply", h("fieldset", {},
    h("legend", { text: label(applyNode, "apply") }),
    h("p", { class: "problem", role: "alert" }),
    h("p", { class: "hint muted", text: `${applyNode.description || ""} At most ${applyNode.maxItems}.` }),
    h("div", { class: "choices" }, view.funding.map((o) => {
      const input = h("input", { type: "checkbox", value: o.id, disabled: !o.eligible, "aria-describedby": `fo-${o.id}` });
      input.addEventListener("change", () => toggle("apply", o.id, input.checked, applyNode.maxItems));
      syncs.push((vals) => {
        input.checked = vals.funding.apply.includes(o.id);
      });
      const detail = `${schema.name("families", o.family)} ${o.kind}: ${euros(o.amount)} a year for ${o.term} year${o.term > 1 ? "s" : ""}` +
        (o.cofinancing ? `, co-financing ${Math.round(o.cofinancing * 100)}%` : "") +
        (o.staff_fte ? `, ${number(o.staff_fte, 1)} FTE` : "") + (o.projects_only ? ", projects only" : "") + ". " + o.description +
        (o.reason ? ` Not eligible: ${o.reason}.` : "");
      return keep(`funding.apply.${o.id}`, h("label", { class: `choice${o.eligible ? "" : " disabled"}` }, input,
        h("span", {}, h("strong", { text: o.name }), h("span", { id: `fo-${o.id}`, class: "hint", text: detail }), h("span", { class: "problem" }))));
    })),
  ));

  // members and strategy
  const recruitNode = schema.field("recruitment");
  const effort = schema.itemBounds(recruitNode);
  const recruitSet = keep("recruitment", h("fieldset", {},
    h("legend", { text: label(recruitNode, "recruitment") }),
    h("p", { class: "problem", role: "alert" }),
    h("p", { class: "hint muted", text: recruitNode.description || "" }),
    schema.keys(recruitNode).map((segment) => {
      const box = keep(`recruitment.${segment}`, numberField({
        key: `recruitment.${segment}`, node: { ...effort, step: recruitNode.step, unit: recruitNode.unit },
        name: `${schema.enumLabel(recruitNode, segment)} (${view.members_by_segment[segment] ?? 0} members)`,
        value: values.recruitment[segment], hint: " ",
        onCommit: (v) => edit("recruitment", { ...draftShown().recruitment, [segment]: v }),
      }));
      syncs.push((vals) => box.sync(vals.recruitment[segment] ?? 0));
      return box;
    }),
  ));
  const strategyNode = schema.field("strategy");
  const ambitionNode = schema.resolve(strategyNode.properties.ambition);
  const ambition = h("textarea", { id: "ambition", maxlength: ambitionNode.maxLength, "aria-describedby": "ambition-hint" });
  ambition.addEventListener("input", () => edit("strategy", { ...draftShown().strategy, ambition: ambition.value }));
  syncs.push((vals) => {
    if (document.activeElement !== ambition) ambition.value = vals.strategy.ambition || "";
  });
  const focusNode = schema.resolve(strategyNode.properties.focus_areas);
  const focus = keep("strategy.focus_areas", h("fieldset", {},
    h("legend", { text: label(focusNode, "focus_areas") }),
    h("p", { class: "problem", role: "alert" }),
    h("p", { class: "hint muted", text: focusNode.description || "" }),
    h("div", { class: "choices" }, view.focus_area_options.map((a) => {
      const input = h("input", { type: "checkbox", value: a.id });
      input.addEventListener("change", () => {
        const s = draftShown().strategy;
        const areas = s.focus_areas.filter((x) => x !== a.id);
        if (input.checked) {
          if (areas.length >= focusNode.maxItems) {
            input.checked = false;
            announce(`At most ${focusNode.maxItems} focus areas.`);
            return;
          }
          areas.push(a.id);
        }
        edit("strategy", { ...s, focus_areas: areas });
      });
      syncs.push((vals) => {
        input.checked = vals.strategy.focus_areas.includes(a.id);
      });
      return keep(`strategy.focus_areas.${a.id}`, h("label", { class: "choice" }, input, h("span", {}, h("strong", { text: a.name }), h("span", { class: "problem" }))));
    })),
  ));
  const targetsNode = schema.field("strategy.targets");
  const targetBounds = schema.itemBounds(targetsNode);
  const targets = keep("strategy.targets", h("fieldset", {},
    h("legend", { text: label(targetsNode, "targets") }),
    h("p", { class: "problem", role: "alert" }),
    h("p", { class: "hint muted", text: targetsNode.description || "" }),
    schema.keys(targetsNode).map((kpi) => {
      const box = keep(`strategy.targets.${kpi}`, numberField({
        key: `strategy.targets.${kpi}`, node: { ...targetBounds, step: targetsNode.step, unit: schema.name("kpi_units", kpi) },
        name: schema.enumLabel(targetsNode, kpi), value: values.strategy.targets[kpi],
        hint: `A strong cluster adds ${number(view.yardstick[kpi] ?? 0, 1)}.`,
        onCommit: (v) => {
          const s = draftShown().strategy;
          edit("strategy", { ...s, targets: { ...s.targets, [kpi]: v } });
        },
      }));
      syncs.push((vals) => box.sync(vals.strategy.targets[kpi] ?? 0));
      return box;
    }),
  ));
  const strategySet = keep("strategy", h("fieldset", {},
    h("legend", { text: label(strategyNode, "strategy") }),
    h("p", { class: "problem", role: "alert" }),
    h("p", { class: "hint muted", text: strategyNode.description || "" }),
    h("div", { class: "field" }, h("label", { for: "ambition", text: label(ambitionNode, "ambition") }), ambition,
      h("span", { class: "hint", id: "ambition-hint", text: ambitionNode.description || "" })),
    focus,
    targets,
  ));

  // event responses
  const fresh = view.events.filter((e) => e.new && e.choices.length);
  const responses = keep("responses", h("fieldset", {},
    h("legend", { text: label(schema.field("responses"), "responses") }),
    h("p", { class: "problem", role: "alert" }),
    fresh.length ? null : h("p", { class: "muted", text: "No event card asks for a response this year." }),
    fresh.map((card) => {
      const inputs = card.choices.map((c) => {
        const input = h("input", { type: "radio", name: `resp-${card.id}`, value: c.id });
        input.addEventListener("change", () => edit("responses", { ...draftShown().responses, [card.id]: c.id }));
        return { input, node: h("label", { class: "choice" }, input, h("span", {}, h("strong", { text: c.label }), c.cost ? ` (${euros(c.cost)})` : "")) };
      });
      syncs.push((vals) => {
        const chosen = vals.responses[card.id] ?? card.default_choice;
        for (const { input } of inputs) input.checked = input.value === chosen;
      });
      const def = card.choices.find((c) => c.id === card.default_choice);
      return keep(`responses.${card.id}`, h("div", { role: "radiogroup", "aria-labelledby": `ev-${card.id}` },
        h("h3", { id: `ev-${card.id}`, text: card.title }),
        h("p", { text: card.text }),
        def ? h("p", { class: "hint muted", text: `Without an answer the board chooses: ${def.label}.` }) : null,
        h("div", { class: "choices" }, inputs.map((x) => x.node)),
        h("p", { class: "problem", role: "alert" })));
    }),
  ));

  // any other top-level decision of one number (a standing policy such as a cash
  // reserve): a field built from its metadata alone, in the section it names
  const BUILT = ["budget", "staffing", "fees", "funding", "recruitment", "strategy", "responses"];
  const generic = {};
  for (const key of Object.keys(schema.root.properties).filter((k) => !BUILT.includes(k))) {
    const node = schema.field(key);
    if (!["number", "integer"].includes(node.type)) continue;
    const box = keep(key, numberField({
      key, node, name: label(node, key), value: genericValue(key, node, values),
      onCommit: (v) => edit(key, v),
    }));
    syncs.push((vals) => box.sync(genericValue(key, node, vals)));
    (generic[node.section || "budget_staff"] ||= []).push(box);
  }

  // submit panel
  const submitButton = h("button", { type: "button", id: "submit", onclick: submit, text: "Submit decisions" });
  const stateLine = h("p", { class: "state", id: "submit-state", role: "status" });
  const general = h("ul", { class: "problem", id: "general-problems" });
  const forecastBox = h("div", { class: "forecast", id: "forecast", role: "status" });
  syncs.push(() => forecastBox.replaceChildren(...forecastLines(state.team.forecast, state.team.forecast_pending)));
  const panel = h("div", { class: "submit-panel" }, forecastBox, stateLine, general, submitButton);
  syncs.push(() => {
    const t = state.team;
    const open = deciding();
    submitButton.disabled = !open;
    const waiting = waitingFor(state.timer);
    let line;
    if (!open) line = PHASES[state.timer.phase] || state.timer.phase;
    else if (t.submission && t.submission.round === state.timer.round) {
      const by = t.players.find((p) => p.id === t.submission.by);
      line = `Submitted by ${by ? by.name : "your team"}; you may submit again until the round closes.`;
    } else line = "Not submitted yet.";
    if (waiting.length) line += ` Waiting for ${waiting.length} team${waiting.length > 1 ? "s" : ""}: ${waiting.join(", ")}.`;
    stateLine.textContent = line;
  });

  const nav = h("nav", { class: "row", "aria-label": "Decision sections" },
    SECTIONS.map((id) => h("a", { href: `#sec-${id}`, "data-section": id, text: schema.name("sections", id) })));
  const section = (id, ...content) =>
    h("section", { class: "card", id: `sec-${id}`, "aria-labelledby": `h-${id}` },
      h("h2", { id: `h-${id}`, text: schema.name("sections", id) }), ...content);
  const node = h("form", { class: "decisions", "aria-label": "Decisions for this year", novalidate: true, onsubmit: (e) => e.preventDefault() },
    nav,
    section("budget_staff", budgetSet, staffSet, generic.budget_staff),
    section("fees_revenue", feeSet, revenueSet, generic.fees_revenue),
    section("funding", fundingSet, generic.funding),
    section("members_strategy", recruitSet, strategySet, generic.members_strategy),
    section("events", responses, generic.events),
    panel,
  );
  state.form = { node, shape: formShape(), boxes, syncs, general };
  syncForm();
  return node;
}

// The server's forecast of next year under the shared draft (no random events), with its
// warnings: it follows every edit, a teammate's too.
function forecastLines(forecast, pending) {
  if (pending) return [h("p", { class: "muted forecast-coming", text: "Forecast coming…" })];
  if (!forecast || !forecast.years?.length) return [h("p", { class: "muted", text: "No forecast for this draft." })];
  const share = (x) => `${Math.round(x * forecast.samples)} of ${forecast.samples} sample years`;
  const lines = [h("h3", { text: "Forecast for this draft" })];
  forecast.years.forEach((y, i) => {
    lines.push(h("p", { class: i ? "hint muted" : null, "data-year": y.round },
      h("strong", { text: i ? `Year ${y.round}, if kept: ` : `Year ${y.round}: ` }),
      `expected cash ${euros(y.cash)} (${euros(y.cash_low)} to ${euros(y.cash_high)}), ` +
      `runway ${number(y.runway_months, 1)} months, staff utilisation ${Math.round(y.utilisation * 100)}%.`));
    const warn = [];
    if (y.emergency_loan > 0) warn.push(`an emergency loan in ${share(y.emergency_loan)}`);
    if (y.wound_up > 0) warn.push(`the organization wound up in ${share(y.wound_up)}`);
    if (warn.length) lines.push(h("p", { class: "bad forecast-warning", text: `Year ${y.round}: ${warn.join("; ")}.` }));
  });
  if (forecast.warning) lines.push(h("p", { class: "bad forecast-warning", text: forecast.warning }));
  return lines;
}

// What the form is built from besides the draft: it is built again when this changes
// (a new round, an event card injected, a funding option becoming eligible).
function formShape() {
  const v = state.team.view;
  return JSON.stringify([
    v.round, state.team.computer, v.wound_up,
    v.events.map((e) => [e.id, e.new]),
    v.funding.map((o) => [o.id, o.eligible, o.reason]),
    v.revenue_line_options.map((o) => o.id),
    v.focus_area_options.map((o) => o.id),
  ]);
}

// A one-number decision as shown: the draft's, else last year's standing value.
function genericValue(key, node, values) {
  const drafted = values.extra[key];
  if (drafted != null) return drafted;
  return state.team.view.policy?.[key] ?? node.minimum ?? 0;
}

function toggle(part, id, on, max) {
  const funding = draftShown().funding;
  let chosen = funding[part].filter((x) => x !== id);
  if (on) {
    if (max && chosen.length >= max) {
      announce(`At most ${max}.`);
      syncForm();
      return;
    }
    chosen = [...chosen, id];
  }
  edit("funding", { ...funding, [part]: chosen });
}

function syncForm() {
  const form = state.form;
  if (!form || !state.team || !main.contains(form.node)) return;
  const values = draftShown();
  for (const sync of form.syncs) sync(values);
  const byBox = new Map();
  const general = [];
  const problems = [...(state.team.problems || []), ...state.submitProblems];
  for (const p of problems) {
    let key = problemKey(p.field, values);
    while (key && !form.boxes.has(key)) key = key.includes(".") ? key.slice(0, key.lastIndexOf(".")) : "";
    if (key) {
      if (!byBox.has(key)) byBox.set(key, []);
      if (!byBox.get(key).includes(p.problem)) byBox.get(key).push(p.problem);
    } else general.push(`${p.field}: ${p.problem}`);
  }
  for (const [key, box] of form.boxes) setProblem(box, byBox.get(key) || []);
  form.general.replaceChildren(...general.map((text) => h("li", { text })));
  // each section's link says how many problems it holds
  const counts = {};
  for (const [key, list] of byBox) {
    const parts = key.split(".");
    const section = (parts.length > 1 && state.schema.field(parts.slice(0, 2).join(".")).section) ||
      state.schema.field(parts[0]).section || "events";
    counts[section] = (counts[section] || 0) + list.length;
  }
  for (const link of form.node.querySelectorAll("a[data-section]")) {
    const n = counts[link.dataset.section] || 0;
    const name = state.schema.name("sections", link.dataset.section);
    link.textContent = n ? `${name} (${n} problem${n > 1 ? "s" : ""})` : name;
    link.classList.toggle("bad", n > 0);
  }
}

// ------------------------------------------------------------ results, history, game over

function results() {
  const report = state.reports[state.reports.length - 1];
  if (!report) return h("p", { class: "card", text: "The results appear here after the first year." });
  const rank = (state.public?.leaderboard || []).find((r) => r.team === state.team.team);
  const joined = Object.values(report.members.joined).reduce((a, b) => a + b, 0);
  const left = Object.values(report.members.left).reduce((a, b) => a + b, 0);
  return h(
    "div",
    {},
    h("h2", { text: `Year ${report.round} of ${report.rounds}` }),
    h("div", { class: "tiles" },
      tile("Year score", number(report.score.round_total, 1), `game score ${number(report.score.game_score, 1)}`),
      tile("Rank", rank ? `${rank.rank} of ${state.public.leaderboard.length}` : "–"),
      tile("Revenue", euros(report.revenue_total), `costs ${euros(report.costs_total)}`),
      tile("Cash", euros(report.cash), `runway ${number(report.runway_months, 1)} months`),
      tile("Members", number(report.members.total), `+${joined} / −${left}`),
      tile("Stage", state.schema.name("stages", report.stage), report.stage !== report.stage_before ? `was ${state.schema.name("stages", report.stage_before)}` : "unchanged")),
    h("div", { class: "grid" },
      h("section", { class: "card", "aria-labelledby": "r-news" }, h("h2", { id: "r-news", text: "What happened and why" }), newsList(report.news)),
      h("section", { class: "card", "aria-labelledby": "r-money" }, h("h2", { id: "r-money", text: "Money" }),
        table("Revenue by family", ["Family", "Revenue", "Share"],
          Object.entries(report.revenue_by_family).map(([f, v]) => [state.schema.name("families", f), euros(v), `${Math.round(report.financing_mix[f] || 0)}%`]), [1, 2]),
        table("Costs", ["Cost", "EUR"], Object.entries(report.costs).map(([k, v]) => [state.schema.name("costs", k), euros(v)]), [1]),
        h("p", {}, `Funding won: ${report.funding.won.map(fundingName).join(", ") || "none"}. Lost: ${report.funding.lost.map(fundingName).join(", ") || "none"}.`),
        h("p", {}, `Event cards this year: ${report.events.map(cardTitle).join(", ") || "none"}.`)),
      h("section", { class: "card", "aria-labelledby": "r-score" }, h("h2", { id: "r-score", text: "Scorecard" }),
        table("Score components", ["Component", "Score"], Object.entries(report.score.components).map(([k, v]) => [state.schema.name("components", k), number(v, 1)]), [1])),
    ),
    h("section", { class: "card", "aria-labelledby": "r-paper" }, h("h2", { id: "r-paper", class: "visually-hidden", text: "Newspaper" }), newspaper(state.public?.newspaper, state.team.team)),
  );
}

function fundingName(id) {
  const v = state.team.view;
  return [...v.funding, ...v.revenue_line_options, ...v.agreements.map((a) => ({ id: a.source, name: a.name }))]
    .find((o) => o.id === id)?.name || id;
}

function cardTitle(id) {
  return scenarioInfo()?.events.find((e) => e.id === id)?.title || id;
}

function historyScreen() {
  const reports = state.reports;
  if (!reports.length) return h("p", { class: "card", text: "The history grows one year at a time." });
  const labels = reports.map((r) => String(r.round));
  const families = ["public", "private", "project"];
  const kpiNode = state.schema.field("strategy.targets");
  return h("div", { class: "grid" },
    lineChart("Cash at the end of each year", labels, [{ name: "Cash", values: reports.map((r) => r.cash) }], euros),
    lineChart("Members", labels, [{ name: "Members", values: reports.map((r) => r.members.total) }]),
    lineChart("Score", labels, [
      { name: "Year score", values: reports.map((r) => r.score.round_total) },
      { name: "Game score", values: reports.map((r) => r.score.game_score) },
    ], (v) => number(v, 0)),
    stackedColumns("Financing mix (% of revenue)", labels,
      families.map((f) => ({ name: state.schema.name("families", f), color: FAMILY_COLORS[f], values: reports.map((r) => r.financing_mix[f] || 0) })),
      (v) => `${Math.round(v)}%`),
    lineChart("Value impact", labels, state.schema.keys(kpiNode).map((k) => ({
      name: kpiName(k), values: reports.map((r) => r.kpis[k] ?? 0),
    })), (v) => number(v, 0)),
  );
}

// The cluster business model canvas, filled in from the team's view and last report.
function canvasScreen() {
  const view = state.team.view;
  const report = view.last_report;
  const name = (kind, key) => state.schema.name(kind, key);
  const focus = Object.fromEntries(view.focus_area_options.map((a) => [a.id, a.name]));
  const budget = Object.entries(view.budget).sort((a, b) => b[1] - a[1]);
  const publicDeals = view.agreements.filter((a) => a.family === "public");
  const otherDeals = view.agreements.filter((a) => a.family !== "public");
  const fees = view.fees;
  const boxes = [
    ["partners", "Key partners", [
      ...otherDeals.map((a) => `${a.name} (${a.years_left} yr left)`),
      `${view.members_by_segment.academia ?? 0} knowledge institutions`,
      `${view.members_by_segment.government ?? 0} public bodies`,
    ]],
    ["activities", "Key activities", budget.filter(([, v]) => v > 0).slice(0, 5).map(([k, v]) => `${name("services", k)}: ${euros(v)}`)],
    ["resources", "Key resources", [
      `${number(view.staff_fte, 1)} FTE staff, ${view.interns} interns`, `Cash ${euros(view.cash)}`,
      `Track record ${view.track_record}`, `Stage: ${name("stages", view.stage)}`,
    ]],
    ["value", "Value proposition", [
      ...(view.ambition ? [view.ambition] : []), ...view.focus_areas.map((f) => focus[f] || f),
    ]],
    ["relations", "Member relationships", [
      `Fees: ${name("fee_models", fees.model)}${fees.model === "flat" ? ` (${euros(fees.flat)})` : ""}`,
      `Engagement ${number(view.engagement_mean * 100)}%`,
      ...(report ? [`Personal contact ${number(report.members.contact * 100)}% of need`] : []),
    ]],
    ["channels", "Channels", [
      ...["matchmaking_events", "member_relations"].filter((k) => view.budget[k]).map((k) => name("services", k)),
      ...view.revenue_line_options.filter((o) => o.running).map((o) => o.name),
    ]],
    ["members", "Members", Object.entries(view.members_by_segment).filter(([, n]) => n).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${name("segments", k)}: ${n}`)],
    ["funders", "Funding partners", publicDeals.map((a) => `${a.name}: ${euros(a.amount)}`)],
    ["costs", "Costs", report ? Object.entries(report.costs).filter(([, v]) => v).map(([k, v]) => `${name("costs", k)}: ${euros(v)}`) : ["After the first year"]],
    ["funding", "Funding", report ? ["public", "private", "project"].map((f) => `${name("families", f)}: ${euros(report.revenue_by_family[f] || 0)} (${Math.round(report.financing_mix[f] || 0)}%)`) : ["After the first year"]],
  ];
  return h("div", { class: "canvas" }, boxes.map(([area, title, lines]) =>
    h("section", { class: `card area-${area}`, "aria-labelledby": `cv-${area}` },
      h("h2", { id: `cv-${area}`, text: title }),
      lines.length ? h("ul", {}, lines.map((line) => h("li", { text: line }))) : h("p", { class: "muted", text: "Nothing yet" }))));
}

function gameOver() {
  const board = state.public?.leaderboard || [];
  const mine = board.find((r) => r.team === state.team.team);
  return h("div", {},
    h("section", { class: "card", "aria-labelledby": "g-you" },
      h("h2", { id: "g-you", text: mine ? `${state.team.team} finished ${ordinal(mine.rank)} of ${board.length}` : "The game is over" }),
      mine ? h("p", { text: `Final score ${number(mine.score, 1)}.` }) : null,
      h("p", { class: "muted", text: "Your facilitator will lead the debrief. The History screen shows how your cluster grew." })),
    h("section", { class: "card", "aria-labelledby": "g-board" }, h("h2", { id: "g-board", text: "Final leaderboard" }), leaderboard(board, state.team.team)),
    h("section", { class: "card" }, newspaper(state.public?.newspaper, state.team.team)),
  );
}

function ordinal(n) {
  const s = ["th", "st", "nd", "rd"];
  const v = n % 100;
  return n + (s[(v - 20) % 10] || s[v] || s[0]);
}

// A field left after a teammate changed it shows their value (a focused field is never
// overwritten while one types in it).
document.addEventListener("focusout", () => setTimeout(syncForm, 0));

start().catch((error) => {
  main.replaceChildren(h("p", { class: "banner bad", role: "alert", text: `The page could not start: ${error.message}` }));
});
