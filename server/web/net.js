// The protocol connection of every page: one websocket to the page's own server,
// requests numbered with a prefix drawn afresh on each page load (the server
// answers a reused id with its first ack, so ids must never repeat across reloads),
// reconnection with back-off (growing, with jitter, until a connection has stayed up
// for STEADY_MS: a socket closed before or just after its welcome, by a hello deadline
// or a refusal, does not reconnect in a tight loop; the page is told when it tries
// again, and why), and the requests not yet answered sent again under
// their original ids after the first message of the new connection. Views come in
// full once and then as merge patches: the connection applies each to the version it
// holds (patch.js), asks `resync` when one is missing, and hands the page full views.

import { VIEWS, apply, held, shown } from "./patch.js";

export const PROTOCOL = 1;
const FIRST_DELAY_MS = 500;
const LAST_DELAY_MS = 15000;
const STEADY_MS = 10000;

function freshPrefix() {
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(36).padStart(2, "0")).join("");
}

export class ServerError extends Error {
  constructor(reply) {
    super(reply.message || reply.code);
    this.code = reply.code;
    this.details = reply.details || [];
  }
}

export class Connection {
  // hello(): the first message of each connection (join, resume, spectate, create_session)
  // onMessage(message): every message from the server
  // onStatus(status, detail): "connecting", "online", "offline", "closed"; with
  // "offline", detail is a sentence for the page: why, and when it tries again
  constructor({ hello, onMessage, onStatus }) {
    this.hello = hello;
    this.onMessage = onMessage;
    this.onStatus = onStatus || (() => {});
    this.prefix = freshPrefix();
    this.next = 1;
    this.pending = new Map();
    this.ws = null;
    this.ready = false;
    this.stopped = false;
    this.backoff = FIRST_DELAY_MS;
    this.timer = null;
    this.steady = null;
    this.held = {}; // view -> { version, doc }
    this.resyncing = new Set();
    this.resyncs = 0;
  }

  url() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${location.host}/`;
  }

  newId() {
    return `${this.prefix}-${this.next++}`;
  }

  open() {
    this.stopped = false;
    clearTimeout(this.timer);
    this.onStatus("connecting");
    const ws = new WebSocket(this.url());
    this.ws = ws;
    this.ready = false;
    ws.onopen = () => this.greet(ws);
    ws.onmessage = (event) => this.receive(event.data);
    ws.onclose = (event) => this.closed(ws, event);
  }

  greet(ws) {
    const first = this.hello();
    if (!first) return;
    // a create_session or join resent with the same id (its welcome was lost) is
    // applied once: keep the id until a welcome comes back
    const id = first.type === this.firstType && this.firstId ? this.firstId : this.newId();
    this.firstType = first.type;
    this.firstId = id;
    const message = { ...first, id, protocol: PROTOCOL };
    this.pending.set(id, {
      message,
      first: true,
      resolve: (reply) => {
        this.firstId = null;
        this.ready = true;
        clearTimeout(this.steady);
        this.steady = setTimeout(() => { this.backoff = FIRST_DELAY_MS; }, STEADY_MS);
        this.onStatus("online");
        for (const entry of this.pending.values()) {
          if (!entry.first) ws.send(JSON.stringify(entry.message));
        }
        if (this.onWelcome) this.onWelcome(reply);
      },
      reject: (error) => {
        this.stopped = true;
        this.onStatus("closed", error);
        if (this.onRefused) this.onRefused(error);
        ws.close();
      },
    });
    ws.send(JSON.stringify(message));
  }

  receive(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    message = this.rebuild(message);
    if (!message) return;
    // a 63-bit seed loses precision as a JavaScript number: keep its digits as text too
    const seed = message.type === "facilitator_state" ? /"seed":\s*(\d+)/.exec(text) : null;
    if (seed) message.config.seed_text = seed[1];
    const entry = message.reply_to ? this.pending.get(message.reply_to) : undefined;
    // a request is answered by its ack, welcome or error, or (resync, get_view) by a view
    if (entry && (["ack", "welcome", "error"].includes(message.type) || VIEWS.includes(message.type))) {
      this.pending.delete(message.reply_to);
      if (message.type === "error") entry.reject(new ServerError(message));
      else entry.resolve(message);
    }
    if (message.type !== "ack") this.onMessage(message);
  }

  // A full view is held; a patch becomes the full view it makes, or null when it makes
  // none (an old patch, or a missing one: then the view is asked again with `resync`).
  rebuild(message) {
    if (VIEWS.includes(message.type)) {
      this.held[message.type] = { version: message.version || 0, doc: held(message.type, message) };
      this.resyncing.delete(message.type);
      return message;
    }
    if (message.type !== "patch") return message;
    const kind = message.view;
    const current = this.held[kind];
    if (current && message.version <= current.version) return null;
    if (!current || message.base !== current.version) {
      if (!this.resyncing.has(kind)) {
        this.resyncing.add(kind);
        this.resyncs += 1;
        this.request({ type: "resync", view: kind }).catch(() => this.resyncing.delete(kind));
      }
      return null;
    }
    const doc = apply(current.doc, message.patch, message.removed);
    this.held[kind] = { version: message.version, doc };
    return shown(kind, doc, message.version);
  }

  closed(ws, event) {
    if (ws !== this.ws) return;
    this.ready = false;
    clearTimeout(this.steady);
    for (const [id, entry] of this.pending) if (entry.first) this.pending.delete(id);
    if (event.code === 4000 || this.stopped) {
      this.stopped = true;
      this.onStatus("closed", event.reason);
      for (const entry of this.pending.values()) entry.reject(new Error("connection closed"));
      this.pending.clear();
      return;
    }
    const delay = Math.round(this.backoff * (0.75 + Math.random() / 2));
    this.backoff = Math.min(this.backoff * 2, LAST_DELAY_MS);
    const why = event.reason ? `the server closed it: ${event.reason}` : "no connection to the server";
    const seconds = Math.max(1, Math.round(delay / 1000));
    this.onStatus("offline", `Connection lost (${why}); trying again in ${seconds} s…`);
    this.timer = setTimeout(() => this.open(), delay);
  }

  // Send a request; resolves with its ack, rejects with a ServerError.
  request(message) {
    const id = this.newId();
    const full = { ...message, id };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { message: full, first: false, resolve, reject });
      if (this.ready && this.ws && this.ws.readyState === WebSocket.OPEN) {
        this.ws.send(JSON.stringify(full));
      }
    });
  }

  close() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close();
  }
}

export async function fetchJson(path) {
  const answer = await fetch(path, { cache: "no-cache" });
  if (!answer.ok) throw new Error(`${path}: ${answer.status}`);
  return answer.json();
}

// A countdown that follows the last timer the server sent.
export function remainingSeconds(timer, receivedAt) {
  if (!timer || timer.remaining == null) return null;
  if (timer.phase !== "decisions") return Math.max(0, timer.remaining);
  return Math.max(0, timer.remaining - (performance.now() - receivedAt) / 1000);
}

export function clock(seconds) {
  if (seconds == null) return "";
  const s = Math.ceil(seconds);
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, "0")}`;
}
