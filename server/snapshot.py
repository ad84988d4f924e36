"""A whole session as data, taken after every resolution, so recovery replays one round at most.

``take`` returns everything the session holds between two commands (phase, clock,
teams with their cluster states and reports, players, newspapers, hashes, the ids
already answered), as JSON-ready data; ``restore`` puts it back into a session
built from the same first record. Connections are not part of it: they belong to
the server that runs the session, not to the session.

Cluster states go through ``game.snapshot``, which forgives an older engine: a
session snapshotted by one version of the game continues under the next one.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import zlib
from typing import TYPE_CHECKING, Any

from game.snapshot import pack_state, unpack_state
from protocol.phases import Phase
from server.resolution import Packed
from server.rounds import RoundHash
from server.store import RoundRow
from server.teams import Player, Team

if TYPE_CHECKING:
    from server.session import Session, Step

# a place kept in a snapshot for a state packed elsewhere: an unguessable prefix (a team
# name cannot fake one), then the team's key; json.dumps writes \u0001 as six characters
_NONCE = secrets.token_hex(8)
_MARK = f"\u0001{_NONCE}:"
_PLACES = re.compile(r'"\\u0001' + _NONCE + r':((?:[^"\\]|\\.)*)"')
SESSION_FORMAT = 2  # 2: reports and newspapers kept compressed (base64); 1: as JSON text
READABLE_FORMATS = (1, 2)


class SnapshotMismatch(ValueError):
    """A snapshot that does not belong to this session or cannot be read."""


def take(session: Session, packed: Packed | None = None) -> dict[str, Any]:
    """Return the session's state as JSON-ready data (``packed``: see ``_team``)."""
    return {
        "format": SESSION_FORMAT,
        "engine": session.engine,
        "session": session.id,
        "seq": session.seq,
        "phase": str(session.phase),
        "round": session.round,
        "completed": session.completed,
        "practice": session.practice,
        "deadline": session.deadline,
        "remaining": session.remaining,
        "cards": list(session.cards),
        "pending_cards": list(session.pending_cards),
        "weights": dict(session.weights),
        "teams": [_team(team, packed) for team in session.teams.values()],
        "players": [vars(player).copy() for player in session.players.values()],
        "newspapers": [_packed(paper) for paper in session.newspapers],
        "hashes": [[h.resolution, h.round, h.practice, h.hash] for h in session.hashes],
        "answered": [[actor, mid, seq] for (actor, mid), seq in session.answered.items()],
        "announcement": session.announcement,
    }


def _team(team: Team, packed: Packed | None = None) -> dict[str, Any]:
    """A team between rounds: its world after the last resolution (a removed team keeps it).

    ``packed`` holds states already packed as JSON text (by the resolution's job), by team
    key: such a state is left as a placeholder that ``pack_with`` replaces by the text."""
    done = (packed or {}).get(team.key)
    state: Any = _MARK + team.key if done is not None and done[0] is team.state else None
    if state is None:
        state = pack_state(team.state)
    return {
        "name": team.name,
        "seat": team.seat,
        "computer": team.computer,
        "removed": team.removed,
        "players": list(team.players),
        "state": state,
        "reports": [_packed(report) for report in team.reports],
    }


def round_row(session: Session, step: Step) -> RoundRow | None:
    """Return the log's row for a step that resolved a round: what was played, and a snapshot."""
    record = step.round_record
    if record is None or step.record is None:
        return None
    return RoundRow(
        resolution=record.resolution,
        round=record.round,
        practice=record.practice,
        seq=step.record["seq"],
        engine=record.engine,
        played=record.to_json(),
        snapshot=pack_with(take(session, step.packed_states), step.packed_states or {}),
    )


def _packed(blob: bytes) -> str:
    """A report or newspaper as the session keeps it (zlib JSON), in base64: not unpacked."""
    return base64.b64encode(blob).decode("ascii")


def _unpacked(item: str, kind: int) -> bytes:
    if kind == 1:  # format 1 kept the JSON text itself
        return zlib.compress(item.encode(), 1)
    return base64.b64decode(item)


def pack(data: dict[str, Any]) -> bytes:
    """The snapshot as stored: JSON (its arrays and reports compressed inside), not zipped
    again (a second pass over base64 text costs more time than it saves bytes)."""
    return json.dumps(data, separators=(",", ":")).encode()


def pack_with(data: dict[str, Any], packed: Packed) -> bytes:
    """``pack``, with the states a resolution's job packed as JSON text put in the places
    ``take`` kept for them (the server's loop does not encode them again)."""
    if not packed:
        return pack(data)
    parts = _PLACES.split(json.dumps(data, separators=(",", ":")))
    out = [parts[0]]
    for i in range(1, len(parts), 2):
        key = json.loads(f'"{parts[i]}"')
        out += [packed[key][1], parts[i + 1]]
    return "".join(out).encode()


def unpack(blob: bytes) -> dict[str, Any]:
    try:
        if blob[:1] != b"{":  # written zipped as a whole (the first snapshots were)
            blob = zlib.decompress(blob)
        return json.loads(blob)
    except (zlib.error, ValueError) as error:
        raise SnapshotMismatch(f"the snapshot cannot be read ({error})") from None


def restore(session: Session, data: dict[str, Any]) -> None:
    """Put a snapshot's state into a session freshly built from the same first record."""
    kind = data.get("format")
    if kind not in READABLE_FORMATS or data.get("session") != session.id:
        raise SnapshotMismatch(f"the snapshot does not belong to session {session.id}")
    session.seq = data["seq"]
    session.phase = Phase(data["phase"])
    session.round, session.completed = data["round"], data["completed"]
    session.practice = data["practice"]
    session.deadline, session.remaining = data["deadline"], data["remaining"]
    session.cards, session.pending_cards = list(data["cards"]), list(data["pending_cards"])
    session.weights = dict(data["weights"])
    session.players = {p["id"]: Player(**p) for p in data["players"]}
    session.teams = {}
    for item in data["teams"]:
        team = Team(
            name=item["name"],
            seat=item["seat"],
            state=unpack_state(item["state"]),
            computer=item["computer"],
            removed=item["removed"],
            players=list(item["players"]),
            reports=[_unpacked(report, kind) for report in item["reports"]],
        )
        session.teams[team.key] = team
    session.newspapers = [_unpacked(paper, kind) for paper in data["newspapers"]]
    session.hashes = [RoundHash(r, n, bool(p), h) for r, n, p, h in data["hashes"]]
    session.announcement = str(data.get("announcement", ""))
    session.answered.clear()
    for actor, mid, seq in data["answered"]:
        session.answered[(actor, mid)] = seq
