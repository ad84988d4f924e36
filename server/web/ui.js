// Pieces every page shares: an element builder, number formats, labels, tables, SVG charts.

export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === false || value == null) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "style") Object.assign(node.style, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value === true) node.setAttribute(key, "");
    else node.setAttribute(key, String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child == null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

const SVG = "http://www.w3.org/2000/svg";
export function s(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) if (value != null) node.setAttribute(key, value);
  for (const child of children) if (child != null) node.append(child);
  return node;
}

export function euros(value) {
  if (value == null || Number.isNaN(value)) return "–";
  const sign = value < 0 ? "−" : "";
  const v = Math.abs(value);
  if (v >= 1e6) return `${sign}€${(v / 1e6).toFixed(2)}M`;
  if (v >= 1e4) return `${sign}€${Math.round(v / 1e3)}k`;
  return `${sign}€${Math.round(v).toLocaleString("en")}`;
}

export function number(value, digits = 0) {
  if (value == null || Number.isNaN(value)) return "–";
  return Number(value).toLocaleString("en", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

export function humanize(key) {
  const words = String(key).replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const PHASES = {
  lobby: "Waiting for the start",
  briefing: "Briefing",
  decisions: "Decisions open",
  paused: "Paused",
  resolving: "Resolving the year",
  results: "Results",
  finished: "Game over",
};

export function timerLine(timer) {
  if (!timer) return "";
  const phase = PHASES[timer.phase] || timer.phase;
  if (timer.phase === "finished") return `${phase} · ${timer.rounds} years played`;
  if (!timer.round) return phase;
  const year = Math.min(timer.round, timer.rounds);
  return `${phase} · year ${year} of ${timer.rounds}${timer.practice ? " (practice)" : ""}`;
}

// Only the decisions phase waits for anyone (the server may list teams at other times).
export function waitingFor(timer) {
  if (!timer || !["decisions", "paused"].includes(timer.phase)) return [];
  return timer.waiting || [];
}

export function announce(text) {
  const box = document.getElementById("announce");
  if (!box) return;
  box.textContent = "";
  setTimeout(() => {
    box.textContent = text;
  }, 50);
}

export function tile(label, value, sub) {
  return h(
    "div",
    { class: "tile", role: "group", "aria-label": label },
    h("div", { class: "label", text: label }),
    h("div", { class: "value", text: value }),
    sub ? h("div", { class: "sub", text: sub }) : null,
  );
}

export function newsList(items) {
  if (!items || !items.length) return h("p", { class: "muted", text: "No news yet." });
  return h(
    "ul",
    { class: "news" },
    items.map((item) =>
      h("li", { class: item.tone || "neutral" }, toneWord(item.tone), item.text),
    ),
  );
}

function toneWord(tone) {
  if (tone === "good") return h("span", { class: "visually-hidden", text: "Good news: " });
  if (tone === "bad") return h("span", { class: "visually-hidden", text: "Bad news: " });
  return null;
}

export function table(caption, headers, rows, numeric = []) {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      {},
      caption ? h("caption", { class: "visually-hidden", text: caption }) : null,
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          headers.map((t, i) => h("th", { scope: "col", class: numeric.includes(i) ? "num" : null, text: t })),
        ),
      ),
      h(
        "tbody",
        {},
        rows.map((row) =>
          h(
            "tr",
            {},
            row.map((cell, i) =>
              i === 0
                ? h("th", { scope: "row", text: cell })
                : h("td", { class: numeric.includes(i) ? "num" : null, text: cell }),
            ),
          ),
        ),
      ),
    ),
  );
}

export function leaderboard(rows, mine) {
  return table(
    "Leaderboard",
    ["Rank", "Team", "Game score"],
    (rows || []).map((r) => [
      String(r.rank),
      r.team === mine ? `${r.team} (you)` : r.team,
      number(r.score, 1),
    ]),
    [2],
  );
}

export function newspaper(paper, mine) {
  if (!paper) return h("p", { class: "muted", text: "The newspaper comes out after the first year." });
  const rows = [...paper.rows].sort((a, b) => a.rank - b.rank);
  return h(
    "div",
    {},
    h("h3", { text: `The cluster newspaper · year ${paper.round}${paper.practice ? " (practice)" : ""}` }),
    table(
      `Newspaper of year ${paper.round}`,
      ["Team", "Rank", "Game score", "Stage", "Total costs", "Public / private / project"],
      rows.map((r) => [
        r.team === mine ? `${r.team} (you)` : `${r.team}${r.computer ? " (computer)" : ""}`,
        String(r.rank),
        number(r.score, 1),
        humanize(r.stage),
        euros(r.budget),
        ["public", "private", "project"].map((f) => `${Math.round(r.financing_mix[f] || 0)}%`).join(" / "),
      ]),
      [1, 2, 4],
    ),
  );
}

export const FAMILY_COLORS = { public: "#3b6fb6", private: "#2e8b57", project: "#c07a12" };
const SERIES = ["#1f5f9e", "#c0392b", "#2e8b57", "#8e44ad", "#c07a12", "#16a085", "#7f8c8d"];

// A line chart of one or more series over the rounds, with a text summary for screen readers.
export function lineChart(title, labels, series, format = (v) => number(v)) {
  const width = 480;
  const height = 220;
  const pad = { left: 56, right: 12, top: 12, bottom: 26 };
  const values = series.flatMap((x) => x.values).filter((v) => v != null);
  let lo = Math.min(0, ...values);
  let hi = Math.max(1, ...values);
  if (hi === lo) hi = lo + 1;
  const x = (i) => pad.left + (labels.length < 2 ? 0.5 : i / (labels.length - 1)) * (width - pad.left - pad.right);
  const y = (v) => pad.top + (1 - (v - lo) / (hi - lo)) * (height - pad.top - pad.bottom);
  const svg = s("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title });
  for (const t of [lo, (lo + hi) / 2, hi]) {
    svg.append(s("line", { x1: pad.left, x2: width - pad.right, y1: y(t), y2: y(t), stroke: "#d5dde6" }));
    svg.append(s("text", { x: pad.left - 6, y: y(t) + 4, "text-anchor": "end" }, format(t)));
  }
  labels.forEach((label, i) => {
    svg.append(s("text", { x: x(i), y: height - 8, "text-anchor": "middle" }, label));
  });
  series.forEach((line, k) => {
    const color = line.color || SERIES[k % SERIES.length];
    const points = line.values.map((v, i) => (v == null ? null : `${x(i)},${y(v)}`)).filter(Boolean);
    if (points.length > 1) {
      svg.append(s("polyline", { points: points.join(" "), fill: "none", stroke: color, "stroke-width": 2.5 }));
    }
    line.values.forEach((v, i) => {
      if (v != null) svg.append(s("circle", { cx: x(i), cy: y(v), r: 3, fill: color }));
    });
  });
  return chartFigure(title, svg, series, labels, format);
}

// Stacked columns (for example the financing mix per year).
export function stackedColumns(title, labels, series, format = (v) => number(v)) {
  const width = 480;
  const height = 220;
  const pad = { left: 44, right: 12, top: 12, bottom: 26 };
  const totals = labels.map((_, i) => series.reduce((sum, x) => sum + (x.values[i] || 0), 0));
  const hi = Math.max(1, ...totals);
  const band = (width - pad.left - pad.right) / Math.max(labels.length, 1);
  const y = (v) => pad.top + (1 - v / hi) * (height - pad.top - pad.bottom);
  const svg = s("svg", { class: "chart", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title });
  svg.append(s("text", { x: pad.left - 6, y: y(hi) + 4, "text-anchor": "end" }, format(hi)));
  labels.forEach((label, i) => {
    let base = 0;
    series.forEach((part, k) => {
      const v = part.values[i] || 0;
      const top = y(base + v);
      svg.append(
        s("rect", {
          x: pad.left + i * band + band * 0.15,
          width: band * 0.7,
          y: top,
          height: Math.max(0, y(base) - top),
          fill: part.color || SERIES[k % SERIES.length],
        }),
      );
      base += v;
    });
    svg.append(s("text", { x: pad.left + (i + 0.5) * band, y: height - 8, "text-anchor": "middle" }, label));
  });
  return chartFigure(title, svg, series, labels, format);
}

function chartFigure(title, svg, series, labels, format) {
  const summary = series
    .map((x) => `${x.name}: ${x.values.map((v, i) => `${labels[i]} ${v == null ? "–" : format(v)}`).join(", ")}`)
    .join(". ");
  return h(
    "figure",
    { class: "card" },
    h("h3", { text: title }),
    svg,
    h(
      "ul",
      { class: "legend", "aria-hidden": "true" },
      series.map((x, k) =>
        h("li", {}, h("span", { class: "swatch", style: { background: x.color || SERIES[k % SERIES.length] } }), x.name),
      ),
    ),
    h("figcaption", { class: "visually-hidden", text: summary }),
  );
}
