// The decisions form, built from the JSON Schema of Decisions (GET /api/decisions-schema.json):
// field names, bounds, steps, units and labels come from the schema (each field's "label",
// "unit", "step", "section" and "keys" metadata), the display names of map keys and
// choices from the vocabulary (GET /api/vocabulary.json), the options from the team's view.

import { euros, h, humanize } from "./ui.js";

export class Schema {
  constructor(root, vocabulary) {
    this.root = root;
    this.vocabulary = vocabulary || {};
  }

  // The display name of an id in one of the vocabularies (services, segments, kpis, ...).
  name(kind, key) {
    return this.vocabulary[kind]?.[key] ?? humanize(key);
  }

  resolve(node) {
    if (!node) return {};
    if (node.$ref) {
      const { $ref, ...siblings } = node;
      return { ...this.resolve(this.root.$defs[$ref.split("/").pop()]), ...siblings };
    }
    if (node.anyOf) {
      const real = node.anyOf.find((n) => n.type !== "null");
      return { ...node, ...this.resolve(real), anyOf: undefined };
    }
    return node;
  }

  field(path) {
    let node = this.root;
    for (const key of path.split(".")) node = this.resolve(this.resolve(node).properties?.[key]);
    return node;
  }

  // The keys of a mapping field (budget lines, segments, KPIs) from its propertyNames enum.
  keys(node) {
    const names = this.resolve(node.propertyNames);
    return names.enum || [];
  }

  enumLabel(node, value) {
    return node.keys ? this.name(node.keys, value) : humanize(value);
  }

  itemBounds(node) {
    return this.resolve(node.additionalProperties);
  }
}

export function label(node, key) {
  return node.label || humanize(key);
}

export function step(node) {
  if (node.step) return node.step;
  if (node.multipleOf) return node.multipleOf;
  if (node.type === "integer") return 1;
  if (node.maximum != null && node.maximum <= 1) return 0.05;
  if (node.maximum != null && node.maximum <= 100) return 0.1;
  return 50;
}

// Check a typed number against the schema's bounds; return a problem or null.
export function boundsProblem(node, value) {
  if (!Number.isFinite(value)) return "enter a number";
  if (node.type === "integer" && !Number.isInteger(value)) return "enter a whole number";
  if (node.minimum != null && value < node.minimum) return `at least ${node.minimum}`;
  if (node.maximum != null && value > node.maximum) return `at most ${node.maximum}`;
  return null;
}

// The decisions as the form shows them: the shared draft, or the standing policy it keeps.
export function shownValues(view, draft) {
  const funding = draft.funding || {};
  return {
    budget: { ...(draft.budget || view.budget) },
    staffing: { hire_fte: 0, let_go_fte: 0, hire_interns: 0, let_go_interns: 0, ...(draft.staffing || {}) },
    fees: { ...(draft.fees || view.fees) },
    funding: {
      apply: [...(funding.apply || [])],
      revenue_lines: [...(funding.revenue_lines == null ? view.revenue_lines : funding.revenue_lines)],
    },
    recruitment: { ...(draft.recruitment || view.recruitment) },
    strategy: draft.strategy
      ? { ...draft.strategy, targets: { ...draft.strategy.targets } }
      : { ambition: view.ambition, focus_areas: [...view.focus_areas], targets: { ...view.targets } },
    responses: { ...(draft.responses || {}) },
    extra: draft, // every other top-level field, as the draft holds it
  };
}

// Where a problem's field is shown: "funding.apply.2" names the card of the third id applied for.
export function problemKey(field, values) {
  const parts = field.replace(/^changes\./, "").replace(/^decisions\./, "").split(".");
  if (parts[0] === "funding" && parts[1] && /^\d+$/.test(parts[2] || "")) {
    const id = values.funding[parts[1]]?.[Number(parts[2])];
    return id ? `funding.${parts[1]}.${id}` : `funding.${parts[1]}`;
  }
  if (parts[0] === "strategy" && parts[1] === "focus_areas" && /^\d+$/.test(parts[2] || "")) {
    const id = values.strategy.focus_areas?.[Number(parts[2])];
    return id ? `strategy.focus_areas.${id}` : "strategy.focus_areas";
  }
  return parts.join(".");
}

let uid = 0;
const nextId = (stem) => `${stem}-${++uid}`;

// One form field: a label, a control, a hint and a problem slot, tied by ids for screen readers.
export function numberField({ key, node, name, value, onCommit, hint, format }) {
  const id = nextId("f");
  const problemId = `${id}-problem`;
  const hintId = `${id}-hint`;
  const input = h("input", {
    id,
    type: "number",
    inputmode: node.type === "integer" ? "numeric" : "decimal",
    min: node.minimum,
    max: node.maximum,
    step: step(node),
    name: key,
    "aria-describedby": `${hintId} ${problemId}`,
  });
  input.value = String(value ?? 0);
  const described = hint || node.description || "";
  const unit = node.unit && !described.includes(node.unit) ? `(${node.unit})` : "";
  const hintText = [hint || node.description, format ? format(node) : unit].filter(Boolean).join(" ");
  const box = h(
    "div",
    { class: "field", "data-key": key },
    h("label", { for: id, text: name }),
    input,
    h("span", { class: "hint", id: hintId, text: hintText }),
    h("span", { class: "problem", id: problemId, role: "alert" }),
  );
  const commit = () => {
    const v = input.value === "" ? NaN : Number(input.value);
    const problem = boundsProblem(node, v);
    setProblem(box, problem ? [problem] : [], true);
    if (!problem) onCommit(v);
  };
  input.addEventListener("change", commit);
  input.addEventListener("input", () => {
    const v = input.value === "" ? NaN : Number(input.value);
    if (!boundsProblem(node, v)) commit();
  });
  box.sync = (v) => {
    if (document.activeElement !== input) input.value = String(v ?? 0);
  };
  box.input = input;
  return box;
}

export function setProblem(box, problems, local = false) {
  if (local) box.localProblems = problems;
  const all = [...(box.localProblems || []), ...(local ? box.serverProblems || [] : problems)];
  if (!local) box.serverProblems = problems;
  const slot = box.querySelector(":scope > .problem, :scope > legend + .problem, .problem");
  if (slot) slot.textContent = all.join("; ");
  box.classList.toggle("invalid", all.length > 0);
  const input = box.input;
  if (input) input.setAttribute("aria-invalid", all.length ? "true" : "false");
}

export function moneyHint(node) {
  return node.maximum != null ? `(up to ${euros(node.maximum)})` : "";
}
