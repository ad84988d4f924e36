// Views as merge patches (RFC 7396), as protocol/patch.py: a page holds each view at
// its version, applies every `patch` message to it, and shows the full view it makes.
// Lists that grow are held as objects keyed by position; a field that is always the
// last item of such a list is left out of the held view; a null sets a field to null
// and `removed` names the keys a patch takes out.

export const VIEWS = ["team_state", "public_state", "facilitator_state"];
const KEYED = {
  team_state: [["reports"], ["view", "funding"]],
  public_state: [["history"]],
  facilitator_state: [["teams"], ["students"]],
};
const DERIVED = {
  team_state: [["view", "last_report"], "reports"],
  public_state: [["newspaper"], "history"],
};
const UNVERSIONED = ["type", "reply_to", "version"];

function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function find(doc, path) {
  for (const key of path) doc = isObject(doc) ? doc[key] : undefined;
  return doc;
}

// Copy the objects along `path` (in place) and return the last one.
function copyPath(doc, path) {
  let parent = doc;
  for (const key of path) {
    parent[key] = isObject(parent[key]) ? { ...parent[key] } : {};
    parent = parent[key];
  }
  return parent;
}

// A full view as held to apply patches.
export function held(kind, view) {
  const doc = {};
  for (const [key, value] of Object.entries(view)) {
    if (!UNVERSIONED.includes(key)) doc[key] = value;
  }
  for (const path of KEYED[kind]) {
    const parent = find(doc, path.slice(0, -1));
    const last = path[path.length - 1];
    if (isObject(parent) && Array.isArray(parent[last])) {
      const copy = copyPath(doc, path.slice(0, -1));
      copy[last] = Object.fromEntries(copy[last].map((item, i) => [String(i), item]));
    }
  }
  if (DERIVED[kind]) {
    const path = DERIVED[kind][0];
    const parent = find(doc, path.slice(0, -1));
    if (isObject(parent)) delete copyPath(doc, path.slice(0, -1))[path[path.length - 1]];
  }
  return doc;
}

// The full view message a held view stands for.
export function shown(kind, doc, version) {
  const view = { type: kind, reply_to: null, ...doc, version };
  for (const path of KEYED[kind]) {
    const parent = find(view, path.slice(0, -1));
    const last = path[path.length - 1];
    if (isObject(parent) && isObject(parent[last])) {
      const copy = copyPath(view, path.slice(0, -1));
      const items = copy[last];
      copy[last] = Object.keys(items)
        .sort((a, b) => Number(a) - Number(b))
        .map((k) => items[k]);
    }
  }
  if (DERIVED[kind]) {
    const [path, source] = DERIVED[kind];
    const items = view[source];
    const parent = copyPath(view, path.slice(0, -1));
    const last = path[path.length - 1];
    parent[last] = items && items.length ? items[items.length - 1] : null;
  }
  return view;
}

function merge(target, value) {
  if (!isObject(value)) return value;
  const merged = isObject(target) ? { ...target } : {};
  for (const [key, item] of Object.entries(value)) merged[key] = merge(merged[key], item);
  return merged;
}

// The held view with a patch applied (the held view itself is left as it was).
export function apply(doc, patch, removed) {
  const result = merge(doc, patch);
  for (const path of removed || []) {
    const parent = find(result, path.slice(0, -1));
    if (isObject(parent)) delete parent[path[path.length - 1]];
  }
  return result;
}
