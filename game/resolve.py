"""Resolve one round: (state, decisions, scenario) -> (new state, round report).

A pure function. The random generator's state travels inside the cluster state;
the year draws a fixed number of random values whatever the board decided, so
teams of a session stay on common random numbers and a replay is exact. The
order of a year:

1. events in force and the board's responses; the standing policy for the year;
2. staff: hires, departures, capacity;
3. funding applications decided; the year's workload and what staff can deliver;
4. service quality; every organization's appraisal; engagement; who leaves, who joins;
5. the region grows along its real and counterfactual paths (value impact);
6. revenue (fees, private lines, agreements), costs, cash, the emergency loan;
7. agreements age, stage, scorecard, news.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np

from game.decisions import Decisions
from game.errors import IllegalDecision
from game.events import age_events, combine_effects, record_responses
from game.outcome import YearBrief, build_brief, build_outcome
from game.report import RoundReport
from game.rules import check_decisions
from game.scenario import Scenario
from game.state import ClusterState
from game.year import Year, YearDraws, draw_year


def resolve_round(
    state: ClusterState,
    decisions: Decisions,
    scenario: Scenario,
    weights: dict[str, float] | None = None,
) -> tuple[ClusterState, RoundReport]:
    """Play one year for one team; raise IllegalDecision if the rules refuse the decisions."""
    problems = check_decisions(decisions, state, scenario)
    if problems:
        raise IllegalDecision(problems)
    return resolve_checked(state, decisions, scenario, weights)


class SharedDraws:
    """The year's random numbers, drawn once per generator state and shared.

    Every team of a session starts from the same seed and draws a fixed amount each
    year (common random numbers), so the teams of a round usually hold the same
    generator state: the year is drawn once for all of them. The arrays are read-only.
    """

    def __init__(self) -> None:
        self._drawn: dict[tuple, tuple[YearDraws, dict[str, Any]]] = {}

    def draw(
        self, rng_state: dict[str, Any], n: int, scenario: Scenario
    ) -> tuple[YearDraws, dict[str, Any]]:
        """Return the year's draws and the generator state after them."""
        key = _draws_key(rng_state, n, scenario)
        if key is None:
            return _draw(rng_state, n, scenario)
        if key not in self._drawn:
            draws, after = _draw(rng_state, n, scenario)
            for array in (draws.leave, draws.join, draws.share, draws.funding, *_arrays(draws)):
                array.flags.writeable = False
            self._drawn[key] = draws, after
        draws, after = self._drawn[key]
        return draws, {**after, "state": dict(after["state"])}


def _arrays(draws: YearDraws) -> tuple[np.ndarray, ...]:
    impact = draws.impact
    return impact.growth, impact.spinout, impact.capital, impact.new_company


def _draws_key(rng_state: dict[str, Any], n: int, scenario: Scenario) -> tuple | None:
    inner = rng_state.get("state")
    if rng_state.get("bit_generator") != "PCG64" or not isinstance(inner, dict):
        return None
    return (
        inner.get("state"),
        inner.get("inc"),
        rng_state.get("has_uint32"),
        rng_state.get("uinteger"),
        n,
        len(scenario.funding),
        scenario.economy.impact.new_company_slots,
    )


def _draw(
    rng_state: dict[str, Any], n: int, scenario: Scenario
) -> tuple[YearDraws, dict[str, Any]]:
    rng = np.random.Generator(np.random.PCG64())
    rng.bit_generator.state = rng_state
    draws = draw_year(rng, n, scenario)
    return draws, rng.bit_generator.state


def resolve_checked(
    state: ClusterState,
    decisions: Decisions,
    scenario: Scenario,
    weights: dict[str, float] | None = None,
    shared: SharedDraws | None = None,
) -> tuple[ClusterState, RoundReport]:
    """``resolve_round`` for decisions already checked against this state's rules;
    ``shared`` lends the year's draws to every team on the same generator state."""
    outcome = _resolve(state, decisions, scenario, weights, shared, brief=False)
    return cast(tuple[ClusterState, RoundReport], outcome)


def resolve_brief(
    state: ClusterState,
    decisions: Decisions,
    scenario: Scenario,
    weights: dict[str, float] | None = None,
    checked: bool = False,
) -> tuple[ClusterState, YearBrief]:
    """The new state ``resolve_round`` (``resolve_checked`` if ``checked``) returns, and of
    its report only the figures a forecast reads, without building the rest."""
    if not checked:
        problems = check_decisions(decisions, state, scenario)
        if problems:
            raise IllegalDecision(problems)
    outcome = _resolve(state, decisions, scenario, weights, None, brief=True)
    return cast(tuple[ClusterState, YearBrief], outcome)


def _resolve(
    state: ClusterState,
    decisions: Decisions,
    scenario: Scenario,
    weights: dict[str, float] | None,
    shared: SharedDraws | None,
    brief: bool,
) -> tuple[ClusterState, RoundReport | YearBrief]:
    weights = weights or dict(scenario.scoring.weights)
    n = state.organizations.size
    if shared is None:
        draws, after = _draw(state.rng_state, n, scenario)
    else:
        draws, after = shared.draw(state.rng_state, n, scenario)
    if state.wound_up:
        new_state, report = _dormant_year(state, scenario, weights, after)
        return new_state, YearBrief.of(report) if brief else report
    state = record_responses(state, scenario, decisions.responses)
    year = Year(state, decisions, scenario, combine_effects(state, scenario), draws)
    year.run()
    new_state, outcome = build_brief(year, weights) if brief else build_outcome(year, weights)
    return new_state.evolve(rng_state=after), outcome


def _dormant_year(
    state: ClusterState, scenario: Scenario, weights: dict[str, float], after: dict[str, Any]
) -> tuple[ClusterState, RoundReport]:
    """A wound-up cluster does nothing and scores nothing; its rounds still pass."""
    from game.news import dormant_report

    components = {"impact": 0.0, "sustainability": 0.0, "engagement": 0.0, "diversification": 0.0}
    scores = (*state.scores, components)
    new_state = age_events(state.evolve(round=state.round + 1, scores=scores, rng_state=after))
    return new_state, dormant_report(new_state, scenario, weights)
