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

import numpy as np

from game.decisions import Decisions
from game.errors import IllegalDecision
from game.events import age_events, combine_effects, record_responses
from game.outcome import build_outcome
from game.report import RoundReport
from game.rules import check_decisions
from game.scenario import Scenario
from game.state import ClusterState
from game.year import Year, draw_year


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
    weights = weights or dict(scenario.scoring.weights)
    rng = np.random.Generator(np.random.PCG64())
    rng.bit_generator.state = state.rng_state
    draws = draw_year(rng, state.organizations.size, scenario)
    if state.wound_up:
        return _dormant_year(state, scenario, weights, rng)
    state = record_responses(state, scenario, decisions.responses)
    year = Year(state, decisions, scenario, combine_effects(state, scenario), draws)
    year.run()
    new_state, report = build_outcome(year, weights)
    return new_state.evolve(rng_state=rng.bit_generator.state), report


def _dormant_year(
    state: ClusterState, scenario: Scenario, weights: dict[str, float], rng: np.random.Generator
) -> tuple[ClusterState, RoundReport]:
    """A wound-up cluster does nothing and scores nothing; its rounds still pass."""
    from game.news import dormant_report

    components = {"impact": 0.0, "sustainability": 0.0, "engagement": 0.0, "diversification": 0.0}
    scores = (*state.scores, components)
    new_state = age_events(
        state.evolve(round=state.round + 1, scores=scores, rng_state=rng.bit_generator.state)
    )
    return new_state, dormant_report(new_state, scenario, weights)
