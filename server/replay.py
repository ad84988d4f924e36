"""Rebuild a session from its event log: from its last snapshot, replaying only what came after.

``recover`` is what the server does at start: restore the last snapshot (taken at
every resolution) and replay the commands logged since, so a restart replays one
round of commands at most. Under other rules than the snapshot's (an upgraded
engine, a retuned scenario) the session continues: the past stays as played, later
rounds use the new rules, and the caller notes the switch in the log.

``upgrade`` writes the round records of a session logged before they were kept
(replayed once, while the engine still gives what was played).

``replay`` rebuilds a session from its very first command, checking every round's
state hash against the log: a verification tool (same engine, same outcome).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from protocol.messages import parse_client_data
from server import snapshot
from server.session import Command, Limits, Resolve, RulesSwitch, Session, Step, Tick
from server.store import RoundRow, StoredSession

INTERNAL = {"tick": Tick, "resolve": Resolve, "rules_switch": RulesSwitch}


class ReplayMismatch(Exception):
    """The log does not rebuild the session it recorded (a changed engine or a bad log)."""


@dataclass(frozen=True)
class Recovered:
    session: Session
    replayed: int  # commands replayed after the snapshot
    switched_from: str | None  # the rules of the snapshot, when they differ from today's


def record_command(record: dict[str, Any]) -> Command:
    """Return the command a log record stands for."""
    data = record["message"]
    internal = INTERNAL.get(data.get("type"))
    message = internal.model_validate(data) if internal else parse_client_data(data)
    return Command(
        now=record["now"],
        message=message,
        actor=record.get("actor"),
        token_hash=record.get("token_hash"),
    )


def recover(stored: StoredSession, limits: Limits | None = None) -> Recovered:
    """Rebuild the session from its last snapshot and the commands logged after it."""
    if not stored.records:
        raise ReplayMismatch(f"session {stored.id}: empty log")
    session = Session(stored.records[0], limits)
    switched = None
    if stored.snapshot is not None:
        try:
            data = snapshot.unpack(stored.snapshot.snapshot)
            snapshot.restore(session, data)
        except (snapshot.SnapshotMismatch, KeyError, TypeError, ValueError) as error:
            raise ReplayMismatch(f"session {stored.id}: {error}") from None
        if data.get("engine") != session.engine:
            switched = str(data.get("engine"))
    check = stored.hashes if switched is None else {}
    _replay_records(session, stored.id, stored.records[1:], check)
    return Recovered(session, len(stored.records) - 1, switched)


def upgrade(stored: StoredSession, limits: Limits | None = None) -> list[RoundRow]:
    """Return the round records of a session logged before they were kept.

    The whole log is replayed with today's engine and every round's hash checked:
    records are written only for a session that replays exactly as it was played.
    """
    if not stored.records:
        raise ReplayMismatch(f"session {stored.id}: empty log")
    session = Session(stored.records[0], limits)
    rows: list[RoundRow] = []
    for record in stored.records[1:]:
        step = _replay_one(session, stored.id, record, stored.hashes)
        row = snapshot.round_row(session, step)
        if row is not None:
            rows.append(row)
    return rows


def replay(stored: StoredSession, limits: Limits | None = None) -> Session:
    """Rebuild the session from its first command; raise ReplayMismatch if any step differs."""
    if not stored.records:
        raise ReplayMismatch(f"session {stored.id}: empty log")
    session = Session(stored.records[0], limits)
    _replay_records(session, stored.id, stored.records[1:], stored.hashes)
    return session


def _replay_records(
    session: Session, session_id: str, records: list[dict[str, Any]], hashes: dict[int, str]
) -> None:
    for record in records:
        _replay_one(session, session_id, record, hashes)


def _replay_one(
    session: Session, session_id: str, record: dict[str, Any], hashes: dict[int, str]
) -> Step:
    where = f"session {session_id}, seq {record['seq']}"
    step = session.handle(record_command(record))
    if step.error is not None or step.record is None:
        raise ReplayMismatch(f"{where}: refused on replay ({step.error})")
    if step.record["seq"] != record["seq"]:
        raise ReplayMismatch(f"{where}: replay numbered it {step.record['seq']}")
    resolved = step.resolved
    if resolved is not None and resolved.hash != hashes.get(resolved.resolution, resolved.hash):
        raise ReplayMismatch(f"{where}: state hash after resolution {resolved.resolution} differs")
    return step
