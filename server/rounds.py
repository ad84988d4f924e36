"""One round of a session, the same loop as ``game.match.play_match``: cards fall, boards decide,
each cluster resolves in its own parallel world.

Free functions over ``Team`` records; the session calls them and owns the phase.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass

import numpy as np

from game.decisions import Decisions
from game.errors import IllegalDecision
from game.events import events_for_round, open_round
from game.match import bot_generator
from game.resolve import resolve_round
from game.scenario import Scenario
from game.state import ARRAY_COLUMNS, ClusterState, Organizations, dump_state
from game.strategies import strategy
from game.view import team_view
from protocol.phases import MissingPolicy
from server.teams import Team

log = logging.getLogger("clusterboard.server")
_NO_ORGANIZATIONS = Organizations(**{name: np.zeros(0) for name in ARRAY_COLUMNS})


@dataclass(frozen=True)
class RoundHash:
    """The hash of every team's state after one resolution, checked on replay."""

    resolution: int
    round: int
    practice: bool
    hash: str


def round_cards(scenario: Scenario, seed: int, round_no: int, injected: list[str]) -> list[str]:
    """Return the cards that fall this round: the scheduled ones, then the injected ones."""
    cards = events_for_round(scenario, seed, round_no)
    return cards + [card for card in injected if card not in cards]


def open_team(team: Team, scenario: Scenario, cards: list[str]) -> None:
    """Put the round's cards in force in the team's world and clear its draft."""
    team.clear_round()
    team.open_state = open_round(team.state, scenario, cards)


def inject_card(team: Team, scenario: Scenario, card: str) -> None:
    """Bring a card into force in a round that is already open."""
    assert team.open_state is not None
    team.open_state = open_round(team.open_state, scenario, [card])


def computer_decisions(team: Team, name: str, scenario: Scenario, seed: int) -> Decisions:
    """Return what a strategy decides for the team, from the team's own view."""
    assert team.open_state is not None
    view = team_view(team.open_state, scenario, team.last_report())
    round_no = team.open_state.round + 1
    return strategy(name).play(view, scenario, bot_generator(seed, team.seat, round_no))


def decisions_for(
    team: Team, scenario: Scenario, seed: int, missing: MissingPolicy, fallback: str
) -> Decisions:
    """Return the decisions the team plays: its submission, its strategy, or the policy's."""
    if team.computer is not None:
        return computer_decisions(team, team.computer, scenario, seed)
    if team.submission is not None:
        return team.submission.decisions
    if missing is MissingPolicy.STRATEGY:
        return computer_decisions(team, fallback, scenario, seed)
    return Decisions()  # keep: carry on with last round's standing policy


def resolve_team(
    team: Team, decisions: Decisions, scenario: Scenario, weights: dict[str, float]
) -> None:
    """Resolve the team's year; decisions the rules now refuse fall back to carrying on."""
    assert team.open_state is not None
    try:
        state, report = resolve_round(team.open_state, decisions, scenario, weights)
    except IllegalDecision as error:
        log.warning("team %s: decisions refused at resolution (%s); carrying on", team.name, error)
        state, report = resolve_round(team.open_state, Decisions(), scenario, weights)
    team.state = state
    team.add_report(report)
    team.clear_round()


def team_state_hash(state: ClusterState) -> str:
    """Return ``game.state.state_hash(state)``, computed without turning every organization
    into JSON only to drop it again (a quarter of a round's resolution time otherwise)."""
    digest = hashlib.sha256()
    for name in ARRAY_COLUMNS:
        digest.update(np.ascontiguousarray(getattr(state.organizations, name)).tobytes())
    rest = dump_state(state.evolve(organizations=_NO_ORGANIZATIONS))
    del rest["organizations"]
    digest.update(json.dumps(rest, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def session_hash(teams: list[Team]) -> str:
    """Return one hash over every team's state, in seat order."""
    digest = hashlib.sha256()
    for team in sorted(teams, key=lambda t: t.seat):
        digest.update(f"{team.seat}:{team.name}:{team_state_hash(team.state)}\n".encode())
    return digest.hexdigest()
