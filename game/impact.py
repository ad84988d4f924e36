"""Value impact: what the cluster adds to its economy, against the region without it.

Every organization carries two paths: the real one, and a counterfactual one in
which the cluster did nothing. Both use the same random draws (the same growth
shocks, the same dice for spin-outs, capital rounds and new companies), so the
difference between them is the cluster's own contribution and not luck. The KPIs
count only that difference: outcomes, not activity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from game.economy import Economy
from game.rows import by_segment, clip, in_segments
from game.state import Organizations
from game.vocabulary import SERVICE_INDEX, Kpi, Segment, ServiceLine


@dataclass(frozen=True)
class Draws:
    """The year's random numbers for impact, one per organization or slot."""

    growth: np.ndarray  # standard normal per organization
    spinout: np.ndarray  # uniform per organization
    capital: np.ndarray  # uniform per organization
    new_company: np.ndarray  # uniform per slot


@dataclass(frozen=True)
class ImpactYear:
    """The year's changes: new organization columns and the counted outcomes."""

    organizations: Organizations
    startups: int
    new_companies: int
    capital_raised: float  # million EUR raised with the cluster's help
    uplift: np.ndarray  # revenue growth the cluster added per organization


def _q(quality: np.ndarray, line: ServiceLine) -> float:
    return float(quality[SERVICE_INDEX[line]])


def grow_region(
    orgs: Organizations,
    quality: np.ndarray,
    project_intensity: float,
    member_growth: float,
    stage_level: int,
    draws: Draws,
    economy: Economy,
) -> ImpactYear:
    """Grow every present organization along its real and counterfactual paths.

    The columns that grow are new arrays; the others are shared with ``orgs``.
    """
    rules = economy.impact
    seg = orgs.segment
    served = orgs.member * orgs.engagement * orgs.present
    uplift_per_line = (
        np.array([economy.services.revenue_uplift[line] for line in ServiceLine]) * quality
    )
    affinity = by_segment(economy, "project_affinity", seg)
    uplift = served * (orgs.needs @ uplift_per_line)
    uplift += served * affinity * project_intensity * rules.project_revenue_uplift
    base = by_segment(economy, "growth", seg) + member_growth
    base += by_segment(economy, "volatility", seg) * draws.growth
    base = np.maximum(base, -0.6) * orgs.present
    uplift *= orgs.present

    jobs = rules.jobs_per_revenue_growth
    export_gain = served * orgs.needs[:, SERVICE_INDEX[ServiceLine.INTERNATIONALISATION]]
    export_gain *= _q(quality, ServiceLine.INTERNATIONALISATION) * rules.export_uplift
    grown = orgs.evolve(  # new arrays for the columns that grow; the others are the input's
        revenue=orgs.revenue * (1.0 + base + uplift),
        revenue_cf=orgs.revenue_cf * (1.0 + base),
        employees=np.maximum(orgs.employees * (1.0 + jobs * (base + uplift)), 1.0),
        employees_cf=np.maximum(orgs.employees_cf * (1.0 + jobs * base), 1.0),
        export_share=clip(orgs.export_share + export_gain, 0.0, 0.95),
    )

    startups = _spinouts(orgs, served, quality, draws.spinout, economy)
    capital = _capital(orgs, served, quality, draws.capital, economy)
    new_companies = _new_companies(quality, stage_level, draws.new_company, economy)
    return ImpactYear(grown, startups, new_companies, capital, uplift)


def _spinouts(
    orgs: Organizations, served: np.ndarray, quality: np.ndarray, draw: np.ndarray, economy: Economy
) -> int:
    """Count the spin-outs that happened only because of the cluster's startup programs."""
    rules = economy.impact
    sources = in_segments(orgs.segment, Segment.ACADEMIA, Segment.LARGE_INDUSTRY)
    base = np.where(sources & orgs.present, rules.spinout_rate, 0.0)
    extra = served * sources * _q(quality, ServiceLine.STARTUP_PROGRAMS) * rules.spinout_uplift
    return int(((draw >= base) & (draw < base + extra)).sum())


def _capital(
    orgs: Organizations, served: np.ndarray, quality: np.ndarray, draw: np.ndarray, economy: Economy
) -> float:
    """Return million EUR raised in rounds that happened only with the cluster's help.

    Investors among the members make the access-to-capital line work (stylized
    fact 7): without them the line reaches only half its effect.
    """
    rules = economy.impact
    capital_members = orgs.member & in_segments(orgs.segment, Segment.CAPITAL)
    investors = float((orgs.engagement * capital_members).sum())
    floor = rules.capital_network_floor
    network = floor + (1.0 - floor) * min(investors / rules.capital_network_investors, 1.0)
    base = by_segment(economy, "raises_capital", orgs.segment) * orgs.present
    help_ = served * _q(quality, ServiceLine.ACCESS_TO_CAPITAL) * rules.capital_uplift * network
    help_ = np.where(base > 0, help_, 0.0)
    rounds = (draw >= base) & (draw < base + help_)
    size = by_segment(economy, "capital_round", orgs.segment) * orgs.employees
    return float((size * rounds).sum())


def _new_companies(
    quality: np.ndarray, stage_level: int, draw: np.ndarray, economy: Economy
) -> int:
    """Count companies that settled in the region because of the cluster's pull."""
    rules = economy.impact
    pull = (
        _q(quality, ServiceLine.INTERNATIONALISATION) + _q(quality, ServiceLine.POLICY_LOBBYING)
    ) / 2.0
    extra = rules.new_company_uplift * pull * (1.0 + rules.new_company_stage_bonus * stage_level)
    base = rules.new_company_rate
    return int(((draw >= base) & (draw < base + extra)).sum())


def region_kpis(orgs: Organizations, counted: dict[Kpi, float]) -> dict[Kpi, float]:
    """Return the cumulative value impact: region gaps plus counted outcomes."""
    present = orgs.present
    exports = orgs.revenue * orgs.export_share - orgs.revenue_cf * orgs.export_share_cf
    return {
        Kpi.JOBS: round(float(((orgs.employees - orgs.employees_cf) * present).sum()), 1),
        Kpi.NEW_COMPANIES: counted[Kpi.NEW_COMPANIES],
        Kpi.STARTUPS: counted[Kpi.STARTUPS],
        Kpi.MEMBER_REVENUE: round(float(((orgs.revenue - orgs.revenue_cf) * present).sum()), 3),
        Kpi.EXPORTS: round(float((exports * present).sum()), 3),
        Kpi.CAPITAL_RAISED: round(counted[Kpi.CAPITAL_RAISED], 3),
        Kpi.PUBLIC_FUNDS: round(counted[Kpi.PUBLIC_FUNDS], 3),
    }
