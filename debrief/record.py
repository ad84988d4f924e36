"""A session's record: every team's decisions and round reports, up to the last resolved round.

Two sources give the same record. ``load_session`` reads the server's SQLite
event log without writing to it and replays the log through the session core,
taking down the decisions each team played at every resolution (a submission, a
computer-run strategy, or the missing-submission policy). ``record_from_match``
takes the teams of a headless ``game.match.play_match`` game. A session still
in progress gives a record up to its last resolved round. Teams the facilitator
removed are left out, as they are of the leaderboard.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from game.decisions import Decisions
from game.match import TeamRecord
from game.report import RoundReport
from game.rules import check_decisions
from game.scenario import Scenario
from game.scoring import normalise_weights
from protocol.errors import ProtocolError
from server.replay import record_command
from server.rounds import decisions_for
from server.session import Session
from server.store import StoredSession
from server.teams import Team
from server.views import leaderboard

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


def read_stored(db: str | Path, code: str) -> StoredSession:
    """Read one session's log by its join code, opening the database read-only."""
    path = Path(db)
    if not path.is_file():
        raise RecordError(f"{db}: no such database file")
    code = code.strip().upper()
    try:
        connection = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise RecordError(f"{db}: cannot be opened ({error})") from None
    try:
        rows = connection.execute(
            "SELECT id, code FROM sessions WHERE code = ? ORDER BY created DESC, id", (code,)
        ).fetchall()
        if not rows:
            known = [c for (c,) in connection.execute("SELECT code FROM sessions ORDER BY created")]
            hint = f" (sessions in it: {', '.join(known[-10:])})" if known else " (it has none)"
            raise RecordError(f"no session with code {code!r} in {db}{hint}")
        session_id = rows[0][0]
        events = connection.execute(
            "SELECT command FROM events WHERE session_id = ? ORDER BY seq", (session_id,)
        ).fetchall()
        hashes = connection.execute(
            "SELECT resolution, hash FROM hashes WHERE session_id = ?", (session_id,)
        ).fetchall()
    except sqlite3.DatabaseError as error:
        raise RecordError(f"{db}: not a Cluster Board database ({error})") from None
    finally:
        connection.close()
    return StoredSession(session_id, code, [json.loads(text) for (text,) in events], dict(hashes))


def load_session(db: str | Path, code: str) -> SessionRecord:
    """Return the record of the session with this join code in the server's database."""
    stored = read_stored(db, code)
    session, played = replay_with_decisions(stored)
    return record_from_session(session, played)


def replay_with_decisions(stored: StoredSession) -> tuple[Session, dict[str, list[Decisions]]]:
    """Rebuild the session from its log and return, per team key, the decisions it played."""
    if not stored.records:
        raise RecordError(f"session {stored.code or stored.id}: its log is empty")
    try:
        session = Session(stored.records[0])
    except ProtocolError as error:
        raise RecordError(f"session {stored.code}: cannot be rebuilt ({error.message})") from None
    session.replaying = True
    played: dict[str, list[Decisions]] = {}
    for record in stored.records[1:]:
        command = record_command(record)
        kind = command.message.type
        about_to_play = _about_to_play(session) if kind == "resolve" else {}
        step = session.handle(command)
        if step.error is not None:
            where = f"session {stored.code}, seq {record['seq']}"
            raise RecordError(f"{where}: the log does not replay ({step.error.message})")
        resolved = step.resolved
        if resolved is not None and resolved.hash != stored.hashes.get(
            resolved.resolution, resolved.hash
        ):
            raise RecordError(
                f"session {stored.code}: round {resolved.round} replays to a different state "
                "(was it played with another version of the game?)"
            )
        for key, decisions in about_to_play.items():
            played.setdefault(key, []).append(decisions)
        if kind == "reset_practice":
            played.clear()
    session.replaying = False
    return session, played


def _about_to_play(session: Session) -> dict[str, Decisions]:
    """Return the decisions each team will play in the resolution that follows.

    The same choice ``server.rounds`` makes: the submission, the strategy or the
    missing-submission policy, and carrying on when the rules now refuse them.
    """
    config, scenario = session.config, session.scenario
    chosen = {}
    for key, team in session.teams.items():
        if not team.active or team.open_state is None:
            continue
        decisions = decisions_for(
            team, scenario, session.seed, config.missing, config.missing_strategy
        )
        if check_decisions(decisions, team.open_state, scenario):
            decisions = Decisions()
        chosen[key] = decisions
    return chosen


def record_from_session(session: Session, played: dict[str, list[Decisions]]) -> SessionRecord:
    """Return the record of a rebuilt session, given the decisions each team played."""
    teams = [t for t in sorted(session.teams.values(), key=lambda t: t.seat) if t.active]
    return SessionRecord(
        source="session",
        session=session.id,
        code=session.code,
        scenario=session.scenario,
        seed=session.seed,
        weights=dict(session.weights),
        phase=str(session.phase),
        practice=session.practice,
        teams=tuple(_team_entry(session, team, played.get(team.key, [])) for team in teams),
        leaderboard=tuple(Standing(r.rank, r.team, r.score) for r in leaderboard(session)),
    )


def _reports(team: Team) -> list[RoundReport]:
    """Return the team's reports through its accessor when it keeps them packed."""
    read = getattr(team, "all_reports", None)
    return list(read()) if callable(read) else list(team.reports)


def _team_entry(session: Session, team: Team, decisions: list[Decisions]) -> TeamEntry:
    reports = _reports(team)
    if len(decisions) != len(reports):
        raise RecordError(
            f"session {session.code}: team {team.name} has {len(reports)} reports "
            f"but {len(decisions)} recorded decisions"
        )
    rounds = tuple(
        RoundEntry(report.round, chosen, report)
        for chosen, report in zip(decisions, reports, strict=True)
    )
    players = tuple(
        session.players[pid].name for pid in team.players if not session.players[pid].removed
    )
    return TeamEntry(team.name, team.seat, team.computer, players, rounds)
