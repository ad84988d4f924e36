"""Event cards: when they fall, and what the cards in force do this round.

Scheduled cards fall in their round. A random card falls at most once, in the
first of its rounds where its draw succeeds; draws come from a stream keyed on
the session seed and the card's position, so every team of a session meets the
same events (parallel worlds) and nothing depends on the order of play.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from game.scenario import EventEffects, Scenario
from game.state import ActiveEvent, ClusterState
from game.vocabulary import ServiceLine

EVENT_STREAM = 2


def event_schedule(scenario: Scenario, seed: int) -> dict[str, int]:
    """Return the round each card falls in, for the cards that fall in this game."""
    schedule: dict[str, int] = {}
    for position, card in enumerate(scenario.events):
        if card.round is not None:
            schedule[card.id] = card.round
            continue
        stream = np.random.SeedSequence([seed, EVENT_STREAM, position])
        draws = np.random.Generator(np.random.PCG64(stream)).random(len(card.rounds))
        for when, draw in zip(sorted(card.rounds), draws, strict=True):
            if draw < card.probability:
                schedule[card.id] = when
                break
    return schedule


def events_for_round(scenario: Scenario, seed: int, round_no: int) -> list[str]:
    """Return the ids of the cards that fall in a round, in deck order."""
    schedule = event_schedule(scenario, seed)
    return [card.id for card in scenario.events if schedule.get(card.id) == round_no]


def open_round(state: ClusterState, scenario: Scenario, event_ids: list[str]) -> ClusterState:
    """Put this round's new cards in force alongside the lasting ones."""
    known = {card.id for card in scenario.events}
    unknown = [e for e in event_ids if e not in known]
    if unknown:
        raise KeyError(f"unknown event ids: {unknown}")
    lasting = tuple(e for e in state.events if e.rounds_left > 0)
    fresh = tuple(
        ActiveEvent(event_id=e, rounds_left=scenario.event_card(e).duration, choice=None)
        for e in event_ids
        if all(a.event_id != e for a in lasting)
    )
    return state.evolve(events=lasting + fresh)


def new_event_ids(state: ClusterState, scenario: Scenario) -> list[str]:
    """Return the cards in force that started this round (the ones the board answers)."""
    return [
        e.event_id
        for e in state.events
        if e.rounds_left == scenario.event_card(e.event_id).duration
    ]


@dataclass
class RoundEffects:
    """The combined effect of every card in force and the board's responses."""

    cash: float = 0.0
    response_costs: float = 0.0
    service_factor: dict[ServiceLine, float] = field(default_factory=dict)
    revenue_line_factor: dict[str, float] = field(default_factory=dict)
    member_growth: float = 0.0
    hardship_leave: float = 0.0
    fee_capacity_factor: float = 1.0
    end_funding: set[str] = field(default_factory=set)
    open_calls: set[str] = field(default_factory=set)
    activate_prospects: float = 0.0
    chance_bonus: float = 0.0
    engagement: float = 0.0
    urgency: float = 0.0

    def service(self, line: ServiceLine) -> float:
        return self.service_factor.get(line, 1.0)

    def line(self, funding_id: str) -> float:
        return self.revenue_line_factor.get(funding_id, 1.0)

    def add(self, effects: EventEffects, first_round: bool) -> None:
        for line, factor in effects.service_factor.items():
            self.service_factor[line] = self.service(line) * factor
        for line_id, factor in effects.revenue_line_factor.items():
            self.revenue_line_factor[line_id] = self.line(line_id) * factor
        self.member_growth += effects.member_growth
        self.hardship_leave += effects.hardship_leave
        self.fee_capacity_factor *= effects.fee_capacity_factor
        self.open_calls |= set(effects.open_calls)
        self.chance_bonus += effects.chance_bonus
        self.urgency += effects.urgency
        if first_round:  # one-off effects happen when the card falls
            self.cash += effects.cash
            self.end_funding |= set(effects.end_funding)
            self.activate_prospects += effects.activate_prospects
            self.engagement += effects.engagement


def combine_effects(state: ClusterState, scenario: Scenario) -> RoundEffects:
    """Sum the effects of the cards in force and of the chosen responses."""
    total = RoundEffects()
    for active in state.events:
        card = scenario.event_card(active.event_id)
        first = active.rounds_left == card.duration
        total.add(card.effects, first)
        for choice in card.choices:
            if choice.id == active.choice:
                total.add(choice.effects, first)
                if first:
                    total.response_costs += choice.cost
    return total


def record_responses(
    state: ClusterState, scenario: Scenario, responses: dict[str, str]
) -> ClusterState:
    """Store the board's response to each new card; unanswered cards take their default."""
    fresh = set(new_event_ids(state, scenario))
    events = []
    for active in state.events:
        if active.event_id in fresh:
            card = scenario.event_card(active.event_id)
            active = ActiveEvent(
                active.event_id, active.rounds_left, responses.get(card.id, card.default_choice)
            )
        events.append(active)
    return state.evolve(events=tuple(events))


def age_events(state: ClusterState) -> ClusterState:
    """Count a round off every card in force and drop the spent ones."""
    aged = tuple(
        ActiveEvent(e.event_id, e.rounds_left - 1, e.choice)
        for e in state.events
        if e.rounds_left > 1
    )
    return state.evolve(events=aged)
