"""Rebuild a session from its event log, checking every round's state hash on the way."""

from __future__ import annotations

from typing import Any

from protocol.messages import parse_client_data
from server.session import Command, Limits, Resolve, Session, Tick
from server.store import StoredSession

INTERNAL = {"tick": Tick, "resolve": Resolve}


class ReplayMismatch(Exception):
    """The log does not rebuild the session it recorded (a changed engine or a bad log)."""


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


def replay(stored: StoredSession, limits: Limits | None = None) -> Session:
    """Rebuild the session; raise ReplayMismatch if any step differs from the log."""
    records = stored.records
    if not records:
        raise ReplayMismatch(f"session {stored.id}: empty log")
    session = Session(records[0], limits)
    session.replaying = True
    for record in records[1:]:
        where = f"session {stored.id}, seq {record['seq']}"
        step = session.handle(record_command(record))
        if step.error is not None or step.record is None:
            raise ReplayMismatch(f"{where}: refused on replay ({step.error})")
        if step.record["seq"] != record["seq"]:
            raise ReplayMismatch(f"{where}: replay numbered it {step.record['seq']}")
        resolved = step.resolved
        if resolved is not None and resolved.hash != stored.hashes.get(
            resolved.resolution, resolved.hash
        ):
            raise ReplayMismatch(
                f"{where}: state hash after resolution {resolved.resolution} differs"
            )
    session.replaying = False
    return session
