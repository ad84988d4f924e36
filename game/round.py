"""A session's round, written once: open it for every team, then resolve every team at once.

Every team of a session plays its own cluster (parallel worlds on common random
numbers), but the round is one step over all of them, so a later shared region
(teams competing for the same members) changes this module only. The headless
match (``game.match``), the server's session, the engine benchmark and the debrief
all come through here:

* ``round_cards`` and ``open_all``: the cards that fall this round, put in force in
  every team's world;
* ``choose``: what a team plays and why (its submission, a computer strategy, or
  carrying on with last year's standing policy);
* ``resolve_all``: every team's decisions -> new states, reports, and what was
  played, the record a debrief reads without simulating anything again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from game import ENGINE_VERSION
from game.decisions import Decisions
from game.events import events_for_round, open_round
from game.report import RoundReport
from game.resolve import SharedDraws, resolve_checked, resolve_round
from game.rules import check_decisions
from game.scenario import Scenario
from game.state import ClusterState
from game.strategies import strategy
from game.view import team_view

BOT_STREAM = 3

How = Literal["submitted", "computer", "missing_strategy", "carried_on", "refused"]


def bot_generator(seed: int, seat: int, round_no: int) -> np.random.Generator:
    """Return the generator a computer-run seat uses in one round."""
    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence([seed, BOT_STREAM, seat, round_no]))
    )


def rules_id(scenario: Scenario) -> str:
    """Return what a resolution's outcome depends on besides its inputs: the engine's
    version and a digest of the scenario with its coefficients. Stored with every
    round record; a session that continues under other rules notes the switch."""
    digest = hashlib.sha256(scenario.model_dump_json().encode()).hexdigest()[:12]
    return f"{ENGINE_VERSION}+{digest}"


def round_cards(
    scenario: Scenario, seed: int, round_no: int, injected: Sequence[str] = ()
) -> list[str]:
    """Return the cards that fall this round: the scheduled ones, then the injected ones."""
    cards = events_for_round(scenario, seed, round_no)
    return cards + [card for card in injected if card not in cards]


def open_all(
    states: Sequence[ClusterState], scenario: Scenario, cards: Sequence[str]
) -> list[ClusterState]:
    """Put the round's cards in force in every team's world."""
    return [open_round(state, scenario, list(cards)) for state in states]


@dataclass(frozen=True)
class Turn:
    """One team's part in a round, as the round's resolution sees it.

    ``state`` is the team's world with the round's cards in force. ``submitted`` is
    what its board sent, if anything; ``strategy`` names the computer board that
    plays for a computer-run team; ``fallback`` names the strategy that plays for a
    team that did not submit (None: carry on with last year's standing policy).
    """

    state: ClusterState
    seat: int
    last_report: RoundReport | None = None
    submitted: Decisions | None = None
    strategy: str | None = None
    fallback: str | None = None


@dataclass(frozen=True)
class Played:
    """The decisions a team played in a round, how they were chosen, and why."""

    decisions: Decisions
    how: How
    why: str

    def to_json(self) -> dict:
        return {
            "decisions": self.decisions.model_dump(mode="json"),
            "how": self.how,
            "why": self.why,
        }

    @classmethod
    def from_json(cls, data: dict) -> Played:
        return cls(Decisions.model_validate(data["decisions"]), data["how"], data["why"])


@dataclass(frozen=True)
class Outcome:
    """One team's result of a round: its new state, its report, and what it played."""

    state: ClusterState
    report: RoundReport
    played: Played


def computer_decisions(turn: Turn, name: str, scenario: Scenario, seed: int) -> Decisions:
    """Return what a strategy decides for the team, from the team's own view."""
    view = team_view(turn.state, scenario, turn.last_report)
    round_no = turn.state.round + 1
    return strategy(name).play(view, scenario, bot_generator(seed, turn.seat, round_no))


def choose(turn: Turn, scenario: Scenario, seed: int) -> Played:
    """Return what the team plays: its strategy, its submission, or the missing policy's."""
    if turn.strategy is not None:
        decisions = computer_decisions(turn, turn.strategy, scenario, seed)
        played = Played(decisions, "computer", f"computer-run ({turn.strategy})")
    elif turn.submitted is not None:
        played = Played(turn.submitted, "submitted", "submitted by the board")
    elif turn.fallback is not None:
        decisions = computer_decisions(turn, turn.fallback, scenario, seed)
        played = Played(decisions, "missing_strategy", f"no submission; {turn.fallback} played")
    else:
        played = Played(Decisions(), "carried_on", "no submission; last year's policy carried on")
    problems = check_decisions(played.decisions, turn.state, scenario)
    if problems:
        where, what = problems[0]
        return Played(
            Decisions(), "refused", f"refused at resolution ({where}: {what}); carried on"
        )
    return played


def resolve_all(
    turns: Sequence[Turn],
    scenario: Scenario,
    seed: int,
    weights: dict[str, float] | None = None,
) -> list[Outcome]:
    """Resolve the round for every team, in the order given; one outcome per turn.

    Decisions the rules refuse are carried on as last year's policy, and the
    outcome says so.
    """
    outcomes = []
    shared = SharedDraws()  # teams on the same generator state draw the year once
    for turn in turns:
        played = choose(turn, scenario, seed)
        if played.how == "refused":  # its carried-on policy has not been checked yet
            state, report = resolve_round(turn.state, played.decisions, scenario, weights)
        else:  # choose checked these decisions against this state
            state, report = resolve_checked(turn.state, played.decisions, scenario, weights, shared)
        outcomes.append(Outcome(state, report, played))
    return outcomes
