"""Views as JSON merge patches (RFC 7396): the diff the server sends, the apply a client runs.

The server sends a role's view in full once (on ``welcome``, ``get_view`` and ``resync``)
and then only what changed: a ``patch`` message holding an RFC 7396 merge patch from
the version the client holds (``base``) to the new one (``version``). Two conventions
make the views patchable, and both are documented in docs/protocol.md:

- Lists that grow or whose items change one at a time (``KEYED``: a team's reports,
  the newspapers' history, the facilitator's team rows and students) are held, and
  patched, as objects keyed by position: ``{"0": ..., "1": ...}``. Any other list is a
  value: a patch replaces it whole. A field that is always the last item of such a
  list (``DERIVED``) is left out of the held view and restored from it.
- A view never lacks a field, so a null in a patch sets the field to null, and the
  patch lists in ``removed`` the paths of the keys it takes out (an item of a keyed
  list, an entry a dictionary lost). An RFC 7396 library removes every key a null
  names: a client using one reads a missing field as null and may ignore ``removed``.

Pure functions on JSON values (dicts, lists, strings, numbers, booleans, None).
"""

from __future__ import annotations

from typing import Any

VIEWS = ("team_state", "public_state", "facilitator_state")
KEYED: dict[str, tuple[tuple[str, ...], ...]] = {
    "team_state": (("reports",), ("view", "funding")),
    "public_state": (("history",),),
    "facilitator_state": (("teams",), ("students",)),
}  # the paths of the lists held as objects keyed by position
UNVERSIONED = ("type", "reply_to", "version")  # what a held view leaves out


DERIVED: dict[str, tuple[tuple[str, ...], str]] = {
    "team_state": (("view", "last_report"), "reports"),
    "public_state": (("newspaper",), "history"),
}  # a field that is always the last item of a keyed list (or null): not held


def held(kind: str, view: dict[str, Any]) -> dict[str, Any]:
    """Return a full view as a client holds it to apply patches: without ``type``,
    ``reply_to`` and ``version``; keyed lists as objects; and a field that is always the
    last item of a keyed list (a team's ``view.last_report``, the public ``newspaper``)
    left out, so that a patch sends that item once."""
    doc = {k: v for k, v in view.items() if k not in UNVERSIONED}
    for path in KEYED[kind]:
        parent = _find(doc, path[:-1])
        if isinstance(parent, dict) and isinstance(parent.get(path[-1]), list):
            parent = _copy_path(doc, path[:-1])
            parent[path[-1]] = {str(i): item for i, item in enumerate(parent[path[-1]])}
    if kind in DERIVED:
        path = DERIVED[kind][0]
        if isinstance(_find(doc, path[:-1]), dict):
            _copy_path(doc, path[:-1]).pop(path[-1], None)
    return doc


def shown(kind: str, doc: dict[str, Any], version: int) -> dict[str, Any]:
    """Return a held view as the full view message it stands for."""
    view = {"type": kind, "reply_to": None, **doc, "version": version}
    for path in KEYED[kind]:
        parent = _find(view, path[:-1])
        if isinstance(parent, dict) and isinstance(parent.get(path[-1]), dict):
            parent = _copy_path(view, path[:-1])
            items = parent[path[-1]]
            parent[path[-1]] = [items[k] for k in sorted(items, key=int)]
    if kind in DERIVED:
        path, source = DERIVED[kind]
        items = view.get(source)
        _copy_path(view, path[:-1])[path[-1]] = items[-1] if items else None
    return view


def _find(doc: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        doc = doc.get(key) if isinstance(doc, dict) else None
    return doc


def _copy_path(doc: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    """Copy the objects along ``path`` in ``doc`` (in place) and return the last one."""
    parent = doc
    for key in path:
        parent[key] = dict(parent[key]) if isinstance(parent.get(key), dict) else {}
        parent = parent[key]
    return parent


def diff(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict[str, Any], list[list[str]]]:
    """Return the merge patch that turns held view ``old`` into ``new`` ({} if equal), and
    the paths of the keys it removes (each also a null in the patch)."""
    removed: list[list[str]] = []
    return _diff_object(old, new, [], removed), removed


def _diff_object(
    old: dict[str, Any], new: dict[str, Any], path: list[str], removed: list[list[str]]
) -> dict[str, Any]:
    patch: dict[str, Any] = {}
    for key, value in new.items():
        if key not in old:
            patch[key] = value
            continue
        before = old[key]
        if before is value or (type(before) is type(value) and before == value):
            continue
        if isinstance(before, dict) and isinstance(value, dict):
            inner = _diff_object(before, value, [*path, key], removed)
            if inner:
                patch[key] = inner
        else:
            patch[key] = value
    for key in old:
        if key not in new:
            patch[key] = None
            removed.append([*path, key])
    return patch


def apply(
    doc: dict[str, Any], patch: dict[str, Any], removed: list[list[str]] | None = None
) -> dict[str, Any]:
    """Return held view ``doc`` with ``patch`` applied (``doc`` is left as it was).

    RFC 7396, except that a null sets the field to null (a view never lacks a field),
    then each path of ``removed`` is taken out.
    """
    result = _merge(doc, patch)
    for path in removed or []:
        parent = result
        for key in path[:-1]:
            parent = parent.get(key) if isinstance(parent, dict) else None
        if isinstance(parent, dict):
            parent.pop(path[-1], None)
    return result


def _merge(target: Any, value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    merged = dict(target) if isinstance(target, dict) else {}
    for key, item in value.items():
        merged[key] = _merge(merged.get(key), item)
    return merged
