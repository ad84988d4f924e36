"""The session's side of a round: which teams take part, and what their resolution leaves.

The round itself is ``game.round``'s (the same the headless match plays). Here a
session opens it for its active teams and turns each team into a ``Turn`` (its
submission, its computer strategy, or the missing-submission policy);
``server.resolution`` runs the turns as one job and ``controls.resolve_all`` takes
the outcomes back: new states and reports on the teams, and a ``RoundRecord`` of
what each team played and why, which the event log keeps with a snapshot.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from game.events import open_round
from game.round import Turn, open_all
from game.scenario import Scenario
from game.state import ClusterState, state_hash
from protocol.phases import MissingPolicy
from server.teams import Team


@dataclass(frozen=True)
class RoundHash:
    """The hash of every team's state after one resolution, checked on replay."""

    resolution: int
    round: int
    practice: bool
    hash: str


@dataclass
class RoundRecord:
    """What one resolution played: per team, the decisions, how they were chosen and why."""

    resolution: int
    round: int
    practice: bool
    engine: str
    teams: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "resolution": self.resolution,
            "round": self.round,
            "practice": self.practice,
            "engine": self.engine,
            "teams": self.teams,
        }


def open_teams(teams: list[Team], scenario: Scenario, cards: list[str]) -> None:
    """Put the round's cards in force in every team's world and clear their drafts."""
    opened = open_all([team.state for team in teams], scenario, cards)
    for team, state in zip(teams, opened, strict=True):
        team.clear_round()
        team.open_state = state


def inject_card(team: Team, scenario: Scenario, card: str) -> None:
    """Bring a card into force in a round that is already open."""
    assert team.open_state is not None
    team.open_state = open_round(team.open_state, scenario, [card])


def team_turn(team: Team, missing: MissingPolicy, fallback: str, report: bool = True) -> Turn:
    """Return the team's turn: its submission, its strategy, or the missing policy's;
    without its last report unless ``report`` (a job carries it packed instead)."""
    assert team.open_state is not None
    return Turn(
        state=team.open_state,
        seat=team.seat,
        last_report=team.last_report() if report else None,
        submitted=team.submission.decisions if team.submission is not None else None,
        strategy=team.computer,
        fallback=fallback if missing is MissingPolicy.STRATEGY else None,
    )


def team_state_hash(state: ClusterState) -> str:
    """Return ``game.state.state_hash(state)``, which no longer turns every organization
    into JSON only to drop it again."""
    return state_hash(state)


def session_hash(teams: list[Team], known: dict[str, str] | None = None) -> str:
    """Return one hash over every team's state, in seat order; ``known`` gives the state
    hashes already computed (by team key), so a resolution hashes each state once."""
    known = known or {}
    digest = hashlib.sha256()
    for team in sorted(teams, key=lambda t: t.seat):
        state = known.get(team.key) or team_state_hash(team.state)
        digest.update(f"{team.seat}:{team.name}:{state}\n".encode())
    return digest.hexdigest()
