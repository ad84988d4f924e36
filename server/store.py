"""The event log in SQLite: every accepted command, appended before it is acknowledged.

Tables: ``sessions`` (one row per session: code, phase, deadline, finished),
``events`` (session id, sequence number, the command as JSON), ``hashes``
(the hash of every team's state after each resolution) and ``rounds`` (one row
per resolution: what every team played and why, its report and score, the
engine version, and a packed snapshot of the whole session). The debrief reads
``rounds`` and never simulates again; recovery starts from the last snapshot and
replays only the commands after it. The database runs in
WAL mode with ``synchronous=FULL`` by default: when ``append`` returns (and so
before any acknowledgement), the command is on the disk, so neither a killed
server nor a power cut loses an acknowledged command. ``durable=False``
(``--sync normal``) skips the fsync of each commit: a killed server still loses
nothing, a power cut may lose the last second of commands.

Group commit: the session runners append with ``defer`` and a callback. The
appends of one event-loop turn go into one transaction, committed (one fsync)
at the start of the next turn, and only then are their callbacks called, which
send the acknowledgements: still no acknowledgement before its fsync. A failed
commit rolls the whole group back and tells every callback why. Any other write
commits the open group first.

A database that cannot be opened, read or written raises ``StoreError`` with a
one-line reason naming the file (and, for a bad event row, its session and seq).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Committed = Callable[[str | None], None]  # called with None once committed, else why not

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL,
    created REAL NOT NULL,
    phase TEXT NOT NULL,
    deadline REAL,
    finished INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS events (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    seq INTEGER NOT NULL,
    at REAL NOT NULL,
    command TEXT NOT NULL,
    PRIMARY KEY (session_id, seq)
);
CREATE TABLE IF NOT EXISTS rounds (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    resolution INTEGER NOT NULL,
    round INTEGER NOT NULL,
    practice INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    engine TEXT NOT NULL,
    played TEXT NOT NULL,
    snapshot BLOB NOT NULL,
    PRIMARY KEY (session_id, resolution)
);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS hashes (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    resolution INTEGER NOT NULL,
    round INTEGER NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (session_id, resolution)
);
"""


class StoreError(Exception):
    """The event log cannot be written or read."""


@dataclass(frozen=True)
class RoundRow:
    """One resolution as the log keeps it: what was played, and the session after it."""

    resolution: int
    round: int
    practice: bool
    seq: int  # the resolve command's sequence number
    engine: str
    played: dict[str, Any]
    snapshot: bytes


@dataclass(frozen=True)
class StoredSession:
    """A session's log: its first record, its last snapshot, and the commands after it.

    ``records`` holds the creation record first, then every command after the
    snapshot (all of them when there is no snapshot).
    """

    id: str
    code: str
    records: list[dict[str, Any]]
    hashes: dict[int, str]
    snapshot: RoundRow | None = None


class Store:
    """One SQLite database holding every session's event log."""

    def __init__(self, path: str | Path, durable: bool = True) -> None:
        self.path = str(path)
        self.lock = threading.RLock()  # the probe runs in a thread; a group spans a turn
        self.group: list[Committed] = []  # callbacks of the appends not yet committed
        self.grouping = False  # the lock is held for an open group
        self.commit_due: asyncio.Handle | None = None
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA cache_size=-1024")  # KiB: the log is appended, rarely read
            self.db.executescript(SCHEMA)
            columns = {row[1] for row in self.db.execute("PRAGMA table_info(sessions)")}
            if "archived" not in columns:  # a log written before idle sessions were archived
                self.db.execute(
                    "ALTER TABLE sessions ADD COLUMN archived INTEGER NOT NULL DEFAULT 0"
                )
            self.probe()
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: {describe(error)}") from None

    def probe(self) -> None:
        """Write and remove 64 KiB, about a resolution's records: raise sqlite3.Error if the
        database cannot be written (read-only, disk full, gone)."""
        with self.lock, self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute(
                "INSERT OR REPLACE INTO settings (key, value) VALUES ('probe', zeroblob(65536))"
            )
            self.db.execute("DELETE FROM settings WHERE key = 'probe'")

    def writable(self) -> bool:
        try:
            self.probe()
        except sqlite3.Error:
            return False
        return True

    def close(self) -> None:
        self.commit_group()
        self.db.close()

    # ------------------------------------------------------------ group commit

    def after_commit(self, then: Committed) -> None:
        """Call ``then`` once what was appended so far is committed (or has failed)."""
        self.group.append(then)
        if self.commit_due is None:
            self.commit_due = asyncio.get_running_loop().call_soon(self.commit_group)

    def _open_group(self) -> None:
        if not self.grouping:
            self.lock.acquire()
            self.grouping = True
        if not self.db.in_transaction:
            self.db.execute("BEGIN")

    def commit_group(self) -> None:
        """Commit the open group (one fsync), then call its callbacks, in order."""
        if self.commit_due is not None:
            self.commit_due.cancel()
            self.commit_due = None
        waiting, self.group = self.group, []
        error = None
        try:
            if self.db.in_transaction:
                self.db.execute("COMMIT")
        except sqlite3.Error as failure:
            error = describe(failure)
            self._rollback()
        finally:
            self._release()
        for then in waiting:
            then(error)

    def abort_group(self, reason: str) -> None:
        """Roll the open group back and tell its callbacks why."""
        if self.commit_due is not None:
            self.commit_due.cancel()
            self.commit_due = None
        waiting, self.group = self.group, []
        self._rollback()
        self._release()
        for then in waiting:
            then(reason)

    def _rollback(self) -> None:
        if self.db.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")

    def _release(self) -> None:
        if self.grouping:
            self.grouping = False
            self.lock.release()

    def secret(self) -> bytes:
        """Return this database's secret (made once), the key of derived tokens."""
        row = self.db.execute("SELECT value FROM settings WHERE key = 'secret'").fetchone()
        if row is None:
            value = secrets.token_hex(32)
            with self.db:
                self.db.execute("BEGIN")
                self.db.execute(
                    "INSERT OR IGNORE INTO settings (key, value) VALUES ('secret', ?)", (value,)
                )
            row = self.db.execute("SELECT value FROM settings WHERE key = 'secret'").fetchone()
        return bytes.fromhex(row[0])

    def create(self, record: dict[str, Any], phase: str) -> None:
        """Store a new session and its first record in one transaction."""
        self.commit_group()
        with self.lock, self.db:
            self.db.execute("BEGIN")
            self.db.execute(
                "INSERT INTO sessions (id, code, created, phase) VALUES (?, ?, ?, ?)",
                (record["session"], record["code"], record["now"], phase),
            )
            self._insert(record["session"], record)

    def append(
        self,
        session_id: str,
        record: dict[str, Any],
        phase: str,
        deadline: float | None,
        resolved: tuple[int, int, str] | None = None,
        round_row: RoundRow | None = None,
        defer: bool = False,
    ) -> None:
        """Append one accepted command, the phase and deadline after it, and a round's record.

        With ``defer`` the append joins the open group, committed at the next turn of
        the event loop (``after_commit`` waits for it); on an error the caller aborts
        the group."""
        if defer:
            self._open_group()
            self._append(session_id, record, phase, deadline, resolved, round_row)
            return
        self.commit_group()
        with self.lock, self.db:
            self.db.execute("BEGIN")
            self._append(session_id, record, phase, deadline, resolved, round_row)

    def _append(
        self,
        session_id: str,
        record: dict[str, Any],
        phase: str,
        deadline: float | None,
        resolved: tuple[int, int, str] | None,
        round_row: RoundRow | None,
    ) -> None:
        finished = 1 if phase == "finished" else 0
        self._insert(session_id, record)
        self.db.execute(
            "UPDATE sessions SET phase = ?, deadline = ?, finished = ? WHERE id = ?",
            (phase, deadline, finished, session_id),
        )
        if resolved is not None:
            self.db.execute(
                "INSERT OR REPLACE INTO hashes (session_id, resolution, round, hash) "
                "VALUES (?, ?, ?, ?)",
                (session_id, *resolved),
            )
        if round_row is not None:
            self._insert_round(session_id, round_row)

    def _insert_round(self, session_id: str, row: RoundRow) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO rounds (session_id, resolution, round, practice, seq, "
            "engine, played, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                session_id,
                row.resolution,
                row.round,
                int(row.practice),
                row.seq,
                row.engine,
                json.dumps(row.played, separators=(",", ":")),
                row.snapshot,
            ),
        )

    def add_rounds(self, session_id: str, rows: list[RoundRow]) -> None:
        """Write round records for a session logged before they existed (an upgrade)."""
        self.commit_group()
        with self.lock, self.db:
            self.db.execute("BEGIN")
            for row in rows:
                self._insert_round(session_id, row)

    def _insert(self, session_id: str, record: dict[str, Any]) -> None:
        text = json.dumps(record, separators=(",", ":"), sort_keys=True)
        self.db.execute(
            "INSERT INTO events (session_id, seq, at, command) VALUES (?, ?, ?, ?)",
            (session_id, record["seq"], record["now"], text),
        )

    def unfinished(self) -> list[tuple[str, str]]:
        """Return the id and code of every session still to be played, in creation order."""
        return self._ids(
            "SELECT id, code FROM sessions WHERE finished = 0 AND archived = 0 ORDER BY created, id"
        )

    def finished(self) -> list[tuple[str, str]]:
        """Return the id and code of every finished or archived session, in creation order."""
        return self._ids(
            "SELECT id, code FROM sessions WHERE finished = 1 OR archived = 1 ORDER BY created, id"
        )

    def last_activity(self, session_id: str) -> float:
        """Return when the session's last command was logged."""
        row = self.db.execute("SELECT MAX(at) FROM events WHERE session_id = ?", (session_id,))
        return float(row.fetchone()[0] or 0.0)

    def archive(self, session_id: str, archived: bool = True) -> None:
        """Mark an idle session archived (kept, not started again until someone resumes it)."""
        self.commit_group()
        with self.lock, self.db:
            self.db.execute("BEGIN")
            self.db.execute(
                "UPDATE sessions SET archived = ? WHERE id = ?", (int(archived), session_id)
            )

    def finished_index(self) -> tuple[dict[str, str], dict[str, str]]:
        """Return the finished and archived sessions by token hash (facilitator's and
        players') and by code.

        Such a session is not kept in memory: it is read from its last snapshot when
        someone comes back to it, and these two maps say which one that is.
        """
        try:
            tokens = self.db.execute(
                "SELECT session_id, json_extract(command, '$.token_hash') FROM ("
                "SELECT e.session_id, e.seq, "
                "CASE WHEN json_valid(e.command) THEN e.command ELSE '{}' END AS command "
                "FROM events e JOIN sessions s ON s.id = e.session_id "
                "WHERE s.finished = 1 OR s.archived = 1"
                ") WHERE seq = 1 OR json_extract(command, '$.message.type') = 'join'"
            ).fetchall()
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: {describe(error)}") from None
        by_token = {str(h): str(i) for i, h in tokens if isinstance(h, str)}
        by_code = {code: session_id for session_id, code in self.finished()}
        return by_token, by_code

    def _ids(self, sql: str) -> list[tuple[str, str]]:
        try:
            return [(str(i), str(c)) for i, c in self.db.execute(sql).fetchall()]
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: {describe(error)}") from None

    def load(self, session_id: str, code: str = "", from_snapshot: bool = True) -> StoredSession:
        """Return the session's log; from its last snapshot on, unless told otherwise.

        Raise StoreError naming the file, the session and, for a bad row, its seq.
        """
        try:
            return read_session(self.db, session_id, code, from_snapshot)
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: session {session_id}: {describe(error)}") from None
        except StoreError as error:
            raise StoreError(f"{self.path}: {error}") from None

    def without_records(self) -> list[StoredSession]:
        """Return the sessions that resolved rounds before round records were kept."""
        rows = self.db.execute(
            "SELECT s.id, s.code FROM sessions s WHERE NOT EXISTS "
            "(SELECT 1 FROM rounds r WHERE r.session_id = s.id) AND EXISTS "
            "(SELECT 1 FROM hashes h WHERE h.session_id = s.id) ORDER BY s.created, s.id"
        ).fetchall()
        stored = []
        for session_id, code in rows:
            try:
                stored.append(self.load(session_id, code, from_snapshot=False))
            except StoreError:
                continue  # reported when the session is started
        return stored

    def counts(self) -> dict[str, int]:
        sessions = self.db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
        events = self.db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        return {"sessions": sessions, "events": events}


def read_session(
    db: sqlite3.Connection, session_id: str, code: str = "", from_snapshot: bool = True
) -> StoredSession:
    """Read one session's log from an open database (the server's, or a read-only one)."""
    snapshot = last_round(db, session_id) if from_snapshot else None
    after = snapshot.seq if snapshot is not None else 1
    first = db.execute(
        "SELECT command FROM events WHERE session_id = ? ORDER BY seq LIMIT 1", (session_id,)
    ).fetchall()
    events = db.execute(
        "SELECT seq, command FROM events WHERE session_id = ? AND seq > ? ORDER BY seq",
        (session_id, after),
    ).fetchall()
    hashes = db.execute(
        "SELECT resolution, hash FROM hashes WHERE session_id = ?", (session_id,)
    ).fetchall()
    records = [_record(session_id, 1, text) for (text,) in first]
    records += [_record(session_id, seq, text) for seq, text in events]
    return StoredSession(session_id, code, records, dict(hashes), snapshot)


def _record(session_id: str, seq: int, text: object) -> dict[str, Any]:
    """One event row as a record; StoreError naming the session and seq if it is damaged."""
    try:
        record = json.loads(text)  # type: ignore[arg-type]
    except (TypeError, ValueError) as error:
        raise StoreError(f"session {session_id}, seq {seq}: unreadable event ({error})") from None
    if not isinstance(record, dict) or record.get("seq") != seq or "message" not in record:
        raise StoreError(f"session {session_id}, seq {seq}: not an event record")
    return record


def describe(error: sqlite3.Error) -> str:
    """A database error in a few words, with what it most likely means."""
    text = str(error)
    if "not a database" in text or "malformed" in text:
        return f"{text} (a damaged or foreign file: restore it from a backup)"
    if "readonly" in text or "read-only" in text:
        return f"{text} (the file or its folder cannot be written)"
    if "disk is full" in text or "disk I/O" in text:
        return f"{text} (free some space)"
    if "unable to open" in text:
        return f"{text} (check that the folder exists and can be written)"
    return text


def last_round(db: sqlite3.Connection, session_id: str) -> RoundRow | None:
    row = db.execute(
        "SELECT resolution, round, practice, seq, engine, played, snapshot FROM rounds "
        "WHERE session_id = ? ORDER BY resolution DESC LIMIT 1",
        (session_id,),
    ).fetchone()
    return _round_row(row) if row else None


def round_rows(db: sqlite3.Connection, session_id: str) -> list[RoundRow]:
    """Return every resolution's record of a session, without the snapshots."""
    rows = db.execute(
        "SELECT resolution, round, practice, seq, engine, played, x'' FROM rounds "
        "WHERE session_id = ? ORDER BY resolution",
        (session_id,),
    ).fetchall()
    return [_round_row(row) for row in rows]


def _round_row(row: tuple) -> RoundRow:
    resolution, round_no, practice, seq, engine, played, snapshot = row
    return RoundRow(resolution, round_no, bool(practice), seq, engine, json.loads(played), snapshot)
