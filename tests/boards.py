"""Helpers for the statistical tests: play one board over many seeds and read the results.

A *board* is a function (view, scenario, round) -> Decisions. Variants of the
computer-run strategies change one thing (fees, a budget line, staffing) so a
test can compare two boards that differ only in that thing, on common random
numbers: the same seeds, the same region, the same events.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from game.decisions import Decisions
from game.events import events_for_round, open_round
from game.report import RoundReport
from game.resolve import resolve_round
from game.round import bot_generator
from game.scenario import EventCard, Scenario
from game.setup import initial_state
from game.state import ClusterState
from game.strategies import strategy
from game.view import TeamView, team_view
from game.vocabulary import ServiceLine

Board = Callable[[TeamView, Scenario, np.random.Generator], Decisions]
SEEDS = range(30)  # every statistical test runs over these 30 seeds


@dataclass
class Game:
    reports: list[RoundReport]
    states: list[ClusterState]  # the state after each round

    @property
    def final(self) -> RoundReport:
        return self.reports[-1]

    def founding_kept(self) -> float:
        """Share of the founding members that are still members at the end."""
        orgs = self.states[-1].organizations
        return float((orgs.member & orgs.founding).sum() / max(orgs.founding.sum(), 1))


def play(scenario: Scenario, seed: int, board: Board) -> Game:
    """Play one team through a whole game, returning every report and state."""
    state = initial_state(scenario, seed)
    report = None
    reports, states = [], []
    for round_no in range(1, scenario.rounds + 1):
        state = open_round(state, scenario, events_for_round(scenario, seed, round_no))
        view = team_view(state, scenario, report)
        decisions = board(view, scenario, bot_generator(seed, 0, round_no))
        state, report = resolve_round(state, decisions, scenario)
        reports.append(report)
        states.append(state)
    return Game(reports, states)


def play_many(scenario: Scenario, board: Board, seeds=SEEDS) -> list[Game]:
    return [play(scenario, seed, board) for seed in seeds]


def bot(name: str) -> Board:
    return strategy(name).play


def mean(values) -> float:
    return statistics.fmean(values)


def adjusted(base: Board, change: Callable[[Decisions, TeamView], dict]) -> Board:
    """Return a board that plays ``base`` and then overrides some decision fields."""

    def board(view: TeamView, scenario: Scenario, rng: np.random.Generator) -> Decisions:
        decisions = base(view, scenario, rng)
        return decisions.model_copy(update=change(decisions, view))

    return board


def rebudget(
    budget: dict[ServiceLine, float], drop: set[ServiceLine], into: set[ServiceLine]
) -> dict[ServiceLine, float]:
    """Move the money of some lines into others, keeping the total."""
    moved = sum(budget[line] for line in drop)
    new = {line: (0.0 if line in drop else amount) for line, amount in budget.items()}
    for line in into:
        new[line] += moved / len(into)
    return new


def with_events(scenario: Scenario, cards: list[EventCard]) -> Scenario:
    """Return the scenario with an extra set of event cards (replacing same ids)."""
    ids = {card.id for card in cards}
    events = [card for card in scenario.events if card.id not in ids] + cards
    return scenario.model_copy(update={"events": events})


def scheduled(scenario: Scenario, event_id: str, round_no: int) -> Scenario:
    """Return the scenario with one of its cards falling for certain in a given round."""
    card = scenario.event_card(event_id).model_copy(
        update={"round": round_no, "rounds": [], "probability": 0.0}
    )
    return with_events(scenario, [card])


def without_events(scenario: Scenario, keep: set[str] = frozenset()) -> Scenario:
    """Return the scenario with only the named event cards."""
    events = [card for card in scenario.events if card.id in keep]
    return scenario.model_copy(update={"events": events})
