"""A session's record: every team's decisions and round reports, up to the last resolved round.

Two sources give the same record. ``load_session`` reads the round records the
server's SQLite event log keeps (opened read-only): at every resolution, the
decisions each team played (a submission, a computer-run strategy, or the
missing-submission policy), why, and its report; nothing is simulated again. ``record_from_match``
takes the teams of a headless ``game.match.play_match`` game. A session still
in progress gives a record up to its last resolved round. Teams the facilitator
removed are left out, as they are of the leaderboard.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from game.decisions import Decisions
from game.match import TeamRecord
from game.report import RoundReport
from game.scenario import Scenario, ScenarioError
from game.scoring import game_score, normalise_weights
from protocol.errors import ProtocolError
from protocol.messages import parse_client_data
from server import snapshot
from server.replay import ReplayMismatch, upgrade
from server.session import scenario_for
from server.store import StoredSession, last_round, read_session, round_rows

RECORD_FORMAT = "clusterboard-record"
RECORD_VERSION = 1


class RecordError(Exception):
    """A session record that cannot be loaded; the message is one line for the user."""


@dataclass(frozen=True)
class RoundEntry:
    """What one team decided in one round and what its report said."""

    round: int
    decisions: Decisions
    report: RoundReport


@dataclass(frozen=True)
class TeamEntry:
    name: str
    seat: int
    strategy: str | None  # the strategy of a computer-run team
    players: tuple[str, ...]
    rounds: tuple[RoundEntry, ...]

    @property
    def reports(self) -> list[RoundReport]:
        return [entry.report for entry in self.rounds]

    @property
    def decisions(self) -> list[Decisions]:
        return [entry.decisions for entry in self.rounds]


@dataclass(frozen=True)
class Standing:
    rank: int
    team: str
    score: float


@dataclass(frozen=True)
class SessionRecord:
    """Everything a debrief needs: the scenario, the weights, the teams and the leaderboard."""

    source: str  # "session" (the server's log) or "match" (a headless game)
    session: str | None
    code: str | None
    scenario: Scenario
    seed: int
    weights: dict[str, float]
    phase: str
    practice: bool  # the rounds shown are a practice round not yet reset
    teams: tuple[TeamEntry, ...]
    leaderboard: tuple[Standing, ...]
    students: tuple[dict[str, Any], ...] = ()  # per player, for grading (protocol.grading)

    @property
    def rounds(self) -> int:
        return self.scenario.rounds

    @property
    def resolved(self) -> int:
        """The last round resolved by any team."""
        return max((entry.round for team in self.teams for entry in team.rounds), default=0)

    @property
    def finished(self) -> bool:
        return self.phase == "finished"

    def team(self, name: str) -> TeamEntry:
        for team in self.teams:
            if team.name == name:
                return team
        raise KeyError(name)

    def rank(self, name: str) -> Standing:
        for standing in self.leaderboard:
            if standing.team == name:
                return standing
        raise KeyError(name)

    def to_json(self) -> dict[str, Any]:
        """Return the full record as JSON-ready data (``session.json``)."""
        info = self.scenario.scenario
        scores = {s.team: s.score for s in self.leaderboard}
        return {
            "format": RECORD_FORMAT,
            "version": RECORD_VERSION,
            "source": self.source,
            "session": self.session,
            "code": self.code,
            "scenario": info.id,
            "scenario_name": info.name,
            "category": info.category,
            "seed": self.seed,
            "rounds": self.rounds,
            "resolved_rounds": self.resolved,
            "phase": self.phase,
            "finished": self.finished,
            "practice": self.practice,
            "weights": dict(self.weights),
            "leaderboard": [
                {"rank": s.rank, "team": s.team, "score": s.score} for s in self.leaderboard
            ],
            "teams": [
                {
                    "name": team.name,
                    "seat": team.seat,
                    "strategy": team.strategy,
                    "players": list(team.players),
                    "final_score": scores.get(team.name),
                    "rounds": [
                        {
                            "round": entry.round,
                            "decisions": entry.decisions.model_dump(mode="json"),
                            "report": entry.report.model_dump(mode="json"),
                        }
                        for entry in team.rounds
                    ],
                }
                for team in self.teams
            ],
        }


# ---------------------------------------------------------------- from a headless match


def record_from_match(
    scenario: Scenario,
    seed: int,
    teams: Iterable[TeamRecord],
    weights: dict[str, float] | None = None,
) -> SessionRecord:
    """Return the record of a headless game played with ``game.match.play_match``."""
    entries = []
    for seat, team in enumerate(teams):
        rounds = tuple(
            RoundEntry(
                round=item["round"],
                decisions=Decisions.model_validate(item["decisions"]),
                report=RoundReport.model_validate(item["report"]),
            )
            for item in team.rounds
        )
        entries.append((team.final_score, TeamEntry(team.name, seat, team.strategy, (), rounds)))
    ranked = sorted(entries, key=lambda pair: (-pair[0], pair[1].seat))
    board = tuple(Standing(rank, t.name, score) for rank, (score, t) in enumerate(ranked, 1))
    played = max((len(t.rounds) for _, t in entries), default=0)
    return SessionRecord(
        source="match",
        session=None,
        code=None,
        scenario=scenario,
        seed=seed,
        weights=normalise_weights(weights or dict(scenario.scoring.weights)),
        phase="finished" if played >= scenario.rounds else "results",
        practice=False,
        teams=tuple(entry for _, entry in entries),
        leaderboard=board,
    )


# ---------------------------------------------------------------- from the server's event log


def load_session(db: str | Path, code: str) -> SessionRecord:
    """Return the record of the session with this join code in the server's database.

    Read from the round records the server wrote at every resolution: nothing is
    simulated again, so a session keeps its debrief whatever the engine does next.
    A session logged before round records existed is replayed once, as it was played.
    """
    connection = _open_read_only(db)
    try:
        session_id, code, phase = _find_session(connection, db, code)
        rows = round_rows(connection, session_id)
        latest = last_round(connection, session_id)
        stored = read_session(connection, session_id, code, from_snapshot=False)
    except sqlite3.DatabaseError as error:
        raise RecordError(f"{db}: not a Cluster Board database ({error})") from None
    finally:
        connection.close()
    config = _creation(stored, code)
    if any(r["message"]["type"] == "resolve" for r in stored.records) and not rows:
        return _legacy_record(stored, config, phase)
    roster = snapshot.unpack(latest.snapshot) if latest is not None else None
    played = [row.played for row in rows]
    return _record(config, phase, played, roster)


def _open_read_only(db: str | Path) -> sqlite3.Connection:
    path = Path(db)
    if not path.is_file():
        raise RecordError(f"{db}: no such database file")
    try:
        return sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise RecordError(f"{db}: cannot be opened ({error})") from None


def _find_session(
    connection: sqlite3.Connection, db: str | Path, code: str
) -> tuple[str, str, str]:
    code = code.strip().upper()
    rows = connection.execute(
        "SELECT id, code, phase FROM sessions WHERE code = ? ORDER BY created DESC, id", (code,)
    ).fetchall()
    if not rows:
        known = [c for (c,) in connection.execute("SELECT code FROM sessions ORDER BY created")]
        hint = f" (sessions in it: {', '.join(known[-10:])})" if known else " (it has none)"
        raise RecordError(f"no session with code {code!r} in {db}{hint}")
    return rows[0]


@dataclass(frozen=True)
class _Creation:
    session: str
    code: str
    seed: int
    scenario: Scenario
    weights: dict[str, float]


def _creation(stored: StoredSession, code: str) -> _Creation:
    if not stored.records:
        raise RecordError(f"session {code}: its log is empty")
    first = stored.records[0]
    try:
        message = parse_client_data(first["message"])
        scenario = scenario_for(message.scenario, message.rounds)
    except (ProtocolError, ScenarioError, KeyError, ValueError) as error:
        raise RecordError(f"session {code}: its scenario cannot be loaded ({error})") from None
    weights = normalise_weights(message.weights or dict(scenario.scoring.weights))
    return _Creation(first["session"], code, first["seed"], scenario, weights)


def _legacy_record(stored: StoredSession, config: _Creation, phase: str) -> SessionRecord:
    """Replay a session logged before round records existed, as the server's upgrade does
    (``server.replay.upgrade``: checked against the logged hashes), and read its records."""
    try:
        rows = upgrade(stored)
    except ProtocolError as error:
        raise RecordError(f"session {config.code}: cannot be rebuilt ({error.message})") from None
    except ReplayMismatch as error:
        raise RecordError(
            f"session {config.code}: it was logged before round records were kept and does "
            f"not replay with this version of the game ({error})"
        ) from None
    roster = snapshot.unpack(rows[-1].snapshot) if rows else None
    return _record(config, phase, [row.played for row in rows], roster)


def _students(played: list[dict[str, Any]], roster: dict[str, Any] | None) -> list[dict]:
    """Every player's years, from the round records, named as the roster has them."""
    from protocol.grading import students_from_records

    teams = (roster or {}).get("teams", [])
    names = {" ".join(t["name"].split()).casefold(): t["name"] for t in teams}
    return students_from_records(played, (roster or {}).get("players", []), names)


def _record(
    config: _Creation,
    phase: str,
    played: list[dict[str, Any]],
    roster: dict[str, Any] | None,
) -> SessionRecord:
    """Build the record from every resolution's round record and the last snapshot."""
    practice = bool(played) and played[-1]["practice"]
    shown = played[-1:] if practice else [p for p in played if not p["practice"]]
    weights = dict(roster["weights"]) if roster else dict(config.weights)
    rounds: dict[str, list[RoundEntry]] = {}
    for resolution in shown:
        for team in resolution["teams"]:
            entry = RoundEntry(
                round=resolution["round"],
                decisions=Decisions.model_validate(team["decisions"]),
                report=RoundReport.model_validate(team["report"]),
            )
            rounds.setdefault(team["key"], []).append(entry)
    teams, scores = [], {}
    for team in sorted((roster or {}).get("teams", []), key=lambda t: t["seat"]):
        if team["removed"]:
            continue
        key = " ".join(team["name"].split()).casefold()
        names = tuple(
            p["name"]
            for p in roster["players"]
            if p["team"] == key and not p["removed"]  # type: ignore[index]
        )
        entry_rounds = tuple(rounds.get(key, []))
        teams.append(TeamEntry(team["name"], team["seat"], team["computer"], names, entry_rounds))
        scores[team["name"]] = game_score(team["state"]["state"]["scores"], weights)
    ranked = sorted(teams, key=lambda t: (-scores[t.name], t.seat))
    board = tuple(Standing(rank, t.name, scores[t.name]) for rank, t in enumerate(ranked, 1))
    return SessionRecord(
        source="session",
        session=config.session,
        code=config.code,
        scenario=config.scenario,
        seed=config.seed,
        weights=weights,
        phase=phase,
        practice=practice,
        teams=tuple(teams),
        leaderboard=board,
        students=tuple(_students(played, roster)),
    )
