"""Versioned views: each audience gets its view in full once, then merge patches.

An audience is a team (its ``team_state``), everyone (``public_state``) or the
facilitator's consoles (``facilitator_state``). For each, the session keeps the
last view it sent (as a client holds it: protocol/patch.py) and its version. A push
sends the patch from that view to the new one, or nothing when nothing changed; a
connection that joins the audience, asks ``get_view`` or ``resync``, gets the full
view at the audience's version. Versions come from one counter per session, so a
version is never reused for another view. Pure session core: no clock, no I/O.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from protocol import patch
from protocol.replies import FacilitatorState, Patch, PublicState, TeamState
from server import views

if TYPE_CHECKING:
    from server.session import Session, To
    from server.teams import Player, Team

MODELS: dict[str, type[BaseModel]] = {
    "team_state": TeamState,
    "public_state": PublicState,
    "facilitator_state": FacilitatorState,
}


BOARD = {"view"}  # the part of a team's view made apart (Streams.board)

# the keyed lists whose items the session keeps packed (reports, newspapers): a view
# holds them as the packed items themselves, compared by identity, decoded only to send
PACKED_LISTS = {"team_state": "reports", "public_state": "history"}


@dataclass
class Held:
    """The last view an audience was sent, and its version."""

    version: int
    doc: dict[str, Any] | None = None  # kept as objects (the facilitator's and teams' views:
    # a team's board part is shared with Streams.boards, the rest is small)
    packed: bytes | None = None  # kept as compressed JSON (the public view)
    items: tuple[bytes, ...] = ()  # the packed list's items (PACKED_LISTS)

    def view(self) -> dict[str, Any] | None:
        if self.doc is not None:
            return self.doc
        return None if self.packed is None else json.loads(zlib.decompress(self.packed))

    def keep(
        self, doc: dict[str, Any], items: tuple[bytes, ...], version: int, packed: bool
    ) -> None:
        self.version, self.items = version, items
        if packed:
            self.doc, self.packed = None, zlib.compress(json.dumps(doc).encode(), 1)
        else:
            self.doc, self.packed = doc, None


def packed_json(packed: bytes) -> Any:
    """A packed report or newspaper as its JSON value, without a model in between."""
    return json.loads(zlib.decompress(packed))


class Streams:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.held: dict[tuple[str, str], Held] = {}
        self.version = 0
        self.reports: dict[str, tuple[bytes, Any]] = {}  # team key -> its last report as JSON
        # the facilitator's rows as last made, with what they were made from
        self.rows: dict[str, tuple[Any, bytes | None, tuple[Any, ...], dict[str, Any]]] = {}
        self.students: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {}
        self.boards: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {}  # Streams.board

    # ------------------------------------------------------------ the views as held

    def team_doc(self, team: Team, now: float) -> tuple[dict[str, Any], tuple[bytes, ...]]:
        """The team's view as held: its board's part (``view``, most of it) is the very
        object made when the team's state or last report last changed, so that a round's
        phases and roster changes neither make it again nor compare it (the diff passes
        over an identical object at once)."""
        made = TeamState.model_construct(view=None, **views.team_fields(self.session, team, now))
        view = made.model_dump(mode="json", exclude=BOARD)
        view["reports"] = []  # held apart, packed
        doc = patch.held("team_state", view)
        doc["view"] = self.board(team)
        return doc, tuple(team.reports)

    def board(self, team: Team) -> dict[str, Any]:
        """The team's ``view`` field as held (``patch.held``), made again only when the
        team's state, last report or rules changed; never changed once made."""
        made_from = (
            team.current_state(),
            team.reports[-1] if team.reports else None,
            self.session.scenario,
        )
        kept = self.boards.get(team.key)
        if kept is not None and all(a is b for a, b in zip(kept[0], made_from, strict=True)):
            return kept[1]
        board = views.board_view(self.session, team).model_dump(mode="json")
        held = patch.held("team_state", {"view": board})["view"]
        self.boards[team.key] = (made_from, held)
        return held

    def public_doc(self, now: float) -> tuple[dict[str, Any], tuple[bytes, ...]]:
        view = views.public_state(self.session, now).model_dump(mode="json")
        view["history"] = []
        return patch.held("public_state", view), tuple(self.session.newspapers)

    def facilitator_doc(self, now: float) -> dict[str, Any]:
        """The facilitator's view: its team rows and students are built again only when
        what they show changed (a draft edit changes one row of twenty); an unchanged row
        is the very object the held view has, which the diff passes over at once."""
        session = self.session
        state = views.facilitator_state(session, now, reports=False, students=False, teams=False)
        view = state.model_dump(mode="json")
        view["teams"] = [self.team_row(team) for team in session.teams.values()]
        view["students"] = [self.student_row(p) for p in session.players.values()]
        return patch.held("facilitator_state", view)

    def team_row(self, team: Team) -> dict[str, Any]:
        """One row of the facilitator's ``teams``, as JSON data (never changed once made)."""
        session = self.session
        inputs = views.team_status_inputs(session, team)
        packed = team.reports[-1] if team.reports else None
        kept = self.rows.get(team.key)
        if kept is not None and kept[0] is team.state and kept[1] is packed and kept[2] == inputs:
            return kept[3]
        row = views.team_status(session, team, reports=False).model_dump(mode="json")
        row["last_report"] = self.last_report(team)
        self.rows[team.key] = (team.state, packed, inputs, row)
        return row

    def student_row(self, player: Player) -> dict[str, Any]:
        """One row of the facilitator's ``students``, as JSON data (never changed once made)."""
        inputs = views.student_inputs(self.session, player)
        kept = self.students.get(player.id)
        if kept is not None and kept[0] == inputs:
            return kept[1]
        row = views.student(self.session, player)
        self.students[player.id] = (inputs, row)
        return row

    def last_report(self, team: Team) -> Any:
        if not team.reports:
            return None
        packed = team.reports[-1]
        cached = self.reports.get(team.key)
        if cached is None or cached[0] is not packed:
            cached = (packed, packed_json(packed))
            self.reports[team.key] = cached
        return cached[1]

    def doc(self, kind: str, key: str, now: float) -> tuple[dict[str, Any], tuple[bytes, ...]]:
        """The view as held, but for its packed list (PACKED_LISTS), whose items come apart."""
        if kind == "team_state":
            return self.team_doc(self.session.teams[key], now)
        if kind == "public_state":
            return self.public_doc(now)
        return self.facilitator_doc(now), ()

    @staticmethod
    def diff(
        kind: str, held: Held, old: dict[str, Any], doc: dict[str, Any], items: tuple[bytes, ...]
    ) -> tuple[dict[str, Any], list[list[str]]]:
        """The patch from the held view to this one, the packed list's new items decoded."""
        change, removed = patch.diff(old, doc)
        name = PACKED_LISTS.get(kind)
        if name is None:
            return change, removed
        added = {
            str(i): packed_json(item)
            for i, item in enumerate(items)
            if i >= len(held.items) or (held.items[i] is not item and held.items[i] != item)
        }
        for i in range(len(items), len(held.items)):
            added[str(i)] = None
            removed.append([name, str(i)])
        if added:
            change[name] = added
        return change, removed

    # ------------------------------------------------------------ sending

    def push(self, kind: str, key: str, to: To, now: float) -> None:
        """Send the audience what changed in its view (nothing if nothing did)."""
        doc, items = self.doc(kind, key, now)
        held = self.held.get((kind, key))
        old = held.view() if held is not None else None
        if held is None or old is None:
            self.version += 1
            self.session.send(to, self.full_message(kind, doc, items, self.version))
        else:
            change, removed = self.diff(kind, held, old, doc, items)
            if not change:
                return
            self.version += 1
            self.session.send(to, self.patch_message(kind, held.version, change, removed))
        self.keep(kind, key, doc, items)

    def full(
        self, kind: str, key: str, to: To, group: To, now: float, reply_to: str | None
    ) -> None:
        """Send one connection the full view of its audience ``group``, at its version; the
        rest of the audience gets the patch to it (after the full view, so the connection,
        which holds that version then, ignores the patch)."""
        doc, items = self.doc(kind, key, now)
        held = self.held.get((kind, key))
        old = held.view() if held is not None else None
        if held is None or old is None:
            self.version += 1
            self.session.send(to, self.full_message(kind, doc, items, self.version, reply_to))
            if set(self.session.recipients(group)) - set(self.session.recipients(to)):
                # others watch a view the session does not hold (a rebuilt session): in full
                self.session.send(group, self.full_message(kind, doc, items, self.version))
        else:
            change, removed = self.diff(kind, held, old, doc, items)
            if not change:
                message = self.full_message(kind, doc, items, held.version, reply_to)
                self.session.send(to, message)
                return
            self.version += 1
            self.session.send(to, self.full_message(kind, doc, items, self.version, reply_to))
            self.session.send(group, self.patch_message(kind, held.version, change, removed))
        self.keep(kind, key, doc, items)

    def keep(self, kind: str, key: str, doc: dict[str, Any], items: tuple[bytes, ...]) -> None:
        held = self.held.setdefault((kind, key), Held(self.version))
        held.keep(doc, items, self.version, packed=kind == "public_state")

    def patch_message(
        self, kind: str, base: int, change: dict[str, Any], removed: list[list[str]]
    ) -> Patch:
        return Patch(
            view=kind,  # type: ignore[arg-type]
            base=base,
            version=self.version,
            patch=change,
            removed=removed,
        )

    @staticmethod
    def full_message(
        kind: str,
        doc: dict[str, Any],
        items: tuple[bytes, ...],
        version: int,
        reply_to: str | None = None,
    ) -> BaseModel:
        name = PACKED_LISTS.get(kind)
        if name is not None:
            doc = doc | {name: {str(i): packed_json(item) for i, item in enumerate(items)}}
        view = patch.shown(kind, doc, version) | {"reply_to": reply_to}
        return MODELS[kind].model_validate(view)

    def forget_unwatched(self) -> None:
        """Drop the views of audiences nobody watches any more (their memory)."""
        from server.session import To

        for kind, key in list(self.held):
            if kind == "team_state":
                to = To("team", key)
            elif kind == "facilitator_state":
                to = To("facilitator")
            else:
                to = To("everyone")
            if not self.session.recipients(to):
                del self.held[(kind, key)]
                if kind == "team_state":
                    self.boards.pop(key, None)
