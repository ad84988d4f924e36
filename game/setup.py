"""Build the starting state of a cluster from a scenario and a seed.

The region is drawn from its own generator, keyed on the seed only, so every team
of a session starts in the same region; each team's generator is seeded alike,
so the teams of a session play parallel worlds on common random numbers.
"""

from __future__ import annotations

import numpy as np

from game.economy import SegmentProfile
from game.members import fee_schedule
from game.scenario import Scenario
from game.services import quality, spend_vector
from game.state import AgreementState, ClusterState, Organizations, Policy, freeze_columns
from game.vocabulary import SEGMENTS, SERVICES, Kpi, Stage

REGION_STREAM = 0
TEAM_STREAM = 1


def team_generator(seed: int) -> np.random.Generator:
    """Return the generator every team of a session starts from."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, TEAM_STREAM])))


def _need_profile(profile: SegmentProfile) -> np.ndarray:
    weights = np.array([profile.needs.get(line, 0.0) for line in SERVICES], dtype=np.float64)
    total = weights.sum()
    return weights / total if total > 0 else np.full(len(SERVICES), 1.0 / len(SERVICES))


def _draw_rows(scenario: Scenario, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Draw every organization of the region, segment by segment: members, prospects, dormant."""
    start, region, economy = scenario.start, scenario.region, scenario.economy
    columns: dict[str, list[np.ndarray]] = {k: [] for k in ("segment", "employees", "revenue")}
    columns |= {k: [] for k in ("export", "needs", "member", "present")}
    for index, segment in enumerate(SEGMENTS):
        profile = economy.segments[segment]
        counts = (
            start.members.get(segment, 0),
            region.prospects.get(segment, 0),
            region.dormant.get(segment, 0),
        )
        n = sum(counts)
        employees = profile.employees_median * rng.lognormal(0.0, profile.employees_sigma, n)
        employees = np.maximum(np.round(employees), 1.0)
        revenue = employees * profile.revenue_per_employee * rng.lognormal(0.0, 0.2, n)
        exports = np.clip(profile.export_share * rng.uniform(0.5, 1.5, n), 0.0, 0.95)
        needs = _need_profile(profile)[None, :] * rng.lognormal(0.0, 0.35, (n, len(SERVICES)))
        needs /= needs.sum(axis=1, keepdims=True)
        columns["segment"].append(np.full(n, index, dtype=np.int8))
        columns["employees"].append(employees)
        columns["revenue"].append(revenue)
        columns["export"].append(exports)
        columns["needs"].append(needs)
        columns["member"].append(np.repeat([True, False, False], counts))
        columns["present"].append(np.repeat([True, True, False], counts))
    return {k: np.concatenate(v) for k, v in columns.items()}


def draw_organizations(scenario: Scenario, seed: int) -> Organizations:
    """Draw the region's organizations; the same scenario and seed give the same region."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, REGION_STREAM])))
    rows = _draw_rows(scenario, rng)
    n = rows["segment"].shape[0]
    engagement = np.clip(scenario.start.engagement + rng.normal(0.0, 0.1, n), 0.05, 0.95)
    member = rows["member"]
    columns = dict(
        segment=rows["segment"],
        employees=rows["employees"],
        employees_cf=rows["employees"].copy(),
        revenue=rows["revenue"],
        revenue_cf=rows["revenue"].copy(),
        export_share=rows["export"],
        export_share_cf=rows["export"].copy(),
        needs=rows["needs"],
        engagement=np.where(member, engagement, 0.0),
        member=member,
        present=rows["present"],
        founding=member.copy(),
        tenure=np.where(member, 3, 0).astype(np.int16),
        fee_paid=fee_schedule(
            rows["segment"], rows["employees"], scenario.start.fees, scenario.economy
        )
        * member,
        shareholder=np.zeros(n, dtype=bool),
        value_seen=_starting_value(scenario, rows["needs"], member),
        grievance=np.zeros(n),
    )
    return Organizations(**freeze_columns(columns))


def _starting_value(scenario: Scenario, needs: np.ndarray, member: np.ndarray) -> np.ndarray:
    """Return the value the starting services deliver, as members perceive it at the start."""
    share = needs[member].sum(axis=0)
    spend = spend_vector(dict(scenario.start.budget))
    delivered = quality(spend, share, 1.0, np.ones(len(SERVICES)), scenario.economy.services)
    return needs @ delivered


def initial_state(scenario: Scenario, seed: int) -> ClusterState:
    """Return the starting state of one team's cluster."""
    start = scenario.start
    organizations = draw_organizations(scenario, seed)
    agreements = tuple(
        AgreementState(
            source=a.source,
            amount=scenario.funding_entry(a.source).amount,
            years_left=a.years_left,
            started_round=0,
        )
        for a in start.agreements
    )
    policy = Policy(
        budget={line: float(start.budget.get(line, 0.0)) for line in SERVICES},
        fees=start.fees,
        revenue_lines=tuple(start.revenue_lines),
        recruitment={segment.value: 0.0 for segment in SEGMENTS},
    )
    return ClusterState(
        round=0,
        cash=float(start.cash),
        loan=0.0,
        loan_years=0,
        staff_fte=float(start.staff_fte),
        interns=int(start.interns),
        new_hires=0.0,
        overwork_years=0,
        stage=Stage.parse(start.stage),
        track_record=int(start.track_record),
        wound_up=False,
        organizations=organizations,
        agreements=agreements,
        policy=policy,
        events=(),
        impact={kpi: 0.0 for kpi in Kpi},
        start_members=int(organizations.member.sum()),
        rng_state=team_generator(seed).bit_generator.state,
    )
