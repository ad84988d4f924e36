"""Value impact counts what the cluster added, against the same region without it."""

from __future__ import annotations

import numpy as np
from boards import adjusted, bot, play

from game.decisions import Funding
from game.scenario import load_scenario
from game.vocabulary import Kpi, ServiceLine


def _idle(decisions, view):
    """A board that runs no services and no projects: it does nothing for its members."""
    return {
        "budget": {line: 0.0 for line in ServiceLine},
        "funding": Funding(apply=[], revenue_lines=[]),
    }


def test_a_cluster_that_does_nothing_adds_nothing():
    grow = load_scenario("grow")
    game = play(grow, 3, adjusted(bot("passive"), _idle))
    first = game.reports[0]
    assert first.kpis[Kpi.JOBS] == 0.0
    assert first.kpis[Kpi.MEMBER_REVENUE] == 0.0
    assert first.kpis[Kpi.STARTUPS] == 0.0
    assert first.kpis[Kpi.CAPITAL_RAISED] == 0.0
    assert first.kpis[Kpi.NEW_COMPANIES] == 0.0


def test_a_working_cluster_adds_jobs_and_revenue():
    grow = load_scenario("grow")
    game = play(grow, 3, bot("member_first"))
    assert game.final.kpis[Kpi.JOBS] > 50
    assert game.final.kpis[Kpi.MEMBER_REVENUE] > 5
    assert sum(r.kpis_change[Kpi.JOBS] for r in game.reports) == (
        __import__("pytest").approx(game.final.kpis[Kpi.JOBS], abs=0.5)
    )


def test_the_counterfactual_region_does_not_depend_on_the_board():
    """Common random numbers: the no-cluster path is the same whatever the board decides."""
    grow = load_scenario("grow")
    a = play(grow, 5, bot("member_first")).states[-1].organizations
    b = play(grow, 5, bot("project_chaser")).states[-1].organizations
    assert np.array_equal(a.revenue_cf, b.revenue_cf)
    assert np.array_equal(a.employees_cf, b.employees_cf)
    assert not np.array_equal(a.revenue, b.revenue)


def test_impact_follows_engagement_not_activity():
    """The same spending does less for members who are not engaged (outcomes, not activity)."""
    grow = load_scenario("grow")
    engaged = play(grow, 7, bot("member_first"))
    alienated = play(
        grow,
        7,
        adjusted(
            bot("member_first"),
            lambda d, v: {
                "fees": d.fees.model_copy(
                    update={"small": 9000.0, "medium": 20000.0, "large": 90000.0}
                )
            },
        ),
    )
    assert alienated.final.kpis[Kpi.JOBS] < engaged.final.kpis[Kpi.JOBS]
