"""Assemble the new state and the round report from a worked year."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np

from game import funding as fund
from game import members as mem
from game.events import age_events
from game.finance import (
    concentration,
    family_totals,
    mix,
    runway_months,
    stress,
)
from game.impact import region_kpis
from game.news import write_news
from game.report import FundingReport, MemberReport, RoundReport, ScoreReport, StaffReport
from game.rows import mean_where
from game.scoring import (
    diversification_component,
    engagement_component,
    game_score,
    impact_component,
    round_total,
    sustainability_component,
)
from game.state import ClusterState
from game.vocabulary import (
    LeaveReason,
)
from game.year import Year


def _histogram(engagement: np.ndarray) -> list[int]:
    """Count engagement in five bins of 0.2 (a value of exactly 1 falls in the last)."""
    bins = np.minimum((engagement * 5).astype(np.int64), 4)
    return np.bincount(bins, minlength=5).tolist()


@dataclass(frozen=True)
class YearBrief:
    """What a forecast reads of a year's report, the same values, without the report
    (its member and funding sections, its news, its model) being built."""

    cash: float
    runway_months: float
    utilisation: float
    emergency_loan: float
    wound_up: bool

    @classmethod
    def of(cls, report: RoundReport) -> YearBrief:
        return cls(
            report.cash,
            report.runway_months,
            report.staff.utilisation,
            report.emergency_loan,
            report.wound_up,
        )


def build_outcome(year: Year, weights: dict[str, float]) -> tuple[ClusterState, RoundReport]:
    """Assemble the new state and the report from a worked year."""
    return cast(tuple[ClusterState, RoundReport], _build(year, weights, brief=False))


def build_brief(year: Year, weights: dict[str, float]) -> tuple[ClusterState, YearBrief]:
    """The new state ``build_outcome`` assembles, and only the report's figures a
    forecast reads."""
    return cast(tuple[ClusterState, YearBrief], _build(year, weights, brief=True))


def _build(
    year: Year, weights: dict[str, float], brief: bool
) -> tuple[ClusterState, RoundReport | YearBrief]:
    state, scenario, orgs = year.state, year.scenario, year.orgs
    finance = scenario.economy.finance
    member = orgs.member
    wound_up = year.loan_year.wound_up
    leaving_mask = year.leaving.leaving
    leave_reason = year.leaving.reason.copy()
    leave_names = mem.LEAVE_REASONS
    if wound_up:
        leaving_mask = leaving_mask | year.wound_up_leavers
        leave_reason = np.where(year.wound_up_leavers, len(leave_names), leave_reason)
        leave_names = (*leave_names, LeaveReason.WOUND_UP)
    kpis = region_kpis(orgs, year.counted)
    before = state.kpis or region_kpis(state.organizations, state.impact)
    costs_total = round(sum(year.costs.values()), 2)
    revenue_total = round(sum(year.revenue.values()), 2)
    families = family_totals(year.revenue, year.families)
    cash = round(year.loan_year.cash, 2)
    loan = round(year.loan_year.loan, 2)
    runway = runway_months(cash, costs_total)
    level = stress(year.revenue, year.families, runway, loan, finance)
    net_cash = cash - loan - fund.future_cofinancing(year.aged, scenario)
    mean_e = mean_where(orgs.engagement, member)
    members = int(np.count_nonzero(member))
    capacity, demand = float(year.workload.capacity), float(year.workload.demand)
    components = {
        "impact": impact_component(
            kpis,
            year.policy.targets,
            scenario.scoring,
            year.round_no,
            scenario.rounds,
            scenario.economy.impact_score,
        ),
        "sustainability": sustainability_component(
            net_cash, costs_total, revenue_total - year.share_sales, level, finance
        ),
        "engagement": engagement_component(mean_e, members, state.start_members),
        "diversification": diversification_component(concentration(families)),
    }
    if wound_up:
        components = {k: 0.0 for k in components}
    components = {k: round(v, 2) for k, v in components.items()}
    scores = (*state.scores, components)
    new_state = state.evolve(
        round=year.round_no,
        cash=cash,
        loan=loan,
        loan_years=year.loan_year.years_left,
        staff_fte=round(year.team.fte - year.quit_fte, 3),
        interns=year.team.interns,
        new_hires=year.team.new_hires,
        overwork_years=year.overwork,
        stage=year.stage,
        track_record=year.track_record(),
        wound_up=wound_up,
        organizations=orgs,
        agreements=() if wound_up else year.aged,
        policy=year.policy,
        impact=year.counted,
        kpis=kpis,
        scores=scores,
        last_terms={
            "value": mean_where(year.appraisal.value, year.was_member),
            "contact": year.contact,
            "excess": mean_where(year.appraisal.excess, year.was_member),
            "engagement": mean_e,
            "costs": costs_total,
        }
        | {f"rev:{source}": amount for source, amount in year.revenue.items()},
    )
    new_state = age_events(new_state)
    if brief:  # the report's fields, as its model holds them (float, bool)
        return new_state, YearBrief(
            float(cash),
            float(runway),
            float(round(demand / capacity, 3)),
            float(round(year.loan_year.borrowed, 2)),
            bool(wound_up),
        )
    members_report = MemberReport(
        total=members,
        by_segment=mem.count_by_segment(member, orgs.segment),
        joined=mem.count_by_segment(year.joining.joining, orgs.segment),
        left=mem.count_by_segment(leaving_mask, orgs.segment),
        join_reasons=mem.main_reason_by_segment(
            year.joining.joining, orgs.segment, year.joining.reason, mem.JOIN_REASONS
        ),
        leave_reasons=mem.main_reason_by_segment(
            leaving_mask, orgs.segment, leave_reason, leave_names
        ),
        engagement_mean=round(mean_e, 3),
        engagement_histogram=_histogram(orgs.engagement[member]),
        contact=round(year.contact, 3),
        service_value=round(new_state.last_terms["value"], 3),
    )
    report = RoundReport(
        round=year.round_no,
        rounds=scenario.rounds,
        events=[e.event_id for e in state.events],
        revenue_by_source=year.revenue,
        revenue_by_family={f: round(v, 2) for f, v in families.items()},
        other_income=round(year.other_income, 2),
        revenue_total=revenue_total,
        costs=year.costs,
        costs_total=costs_total,
        cash=cash,
        loan=loan,
        emergency_loan=round(year.loan_year.borrowed, 2),
        runway_months=runway,
        reserve_months=year.policy.scalar("reserve_months"),
        services_held_back=year.held_back,
        financing_mix=mix(families),
        stress=level,
        members=members_report,
        staff=StaffReport(
            fte=year.team.fte,
            interns=year.team.interns,
            hired_fte=year.team.new_hires,
            let_go_fte=year.team.let_go,
            quit_fte=year.quit_fte,
            capacity=round(capacity, 2),
            demand=round(demand, 2),
            utilisation=round(demand / capacity, 3),
            delivery=round(float(year.workload.delivery), 3),
            time={k: round(v, 3) for k, v in year.workload.shares().items()},
        ),
        funding=FundingReport(
            applied=year.chances,
            won=year.won,
            lost=year.lost,
            ended=year.ended + [f for f in year.finished if f not in year.ended],
            finished_projects=year.finished_projects,
            running={a.source: a.years_left for a in new_state.agreements},
            shortfalls={
                y.source: y.shortfall_reason for y in year.agreement_years if y.shortfall_reason
            },
        ),
        kpis=kpis,
        kpis_change={k: round(kpis[k] - before[k], 3) for k in kpis},
        targets=year.policy.targets,
        stage=year.stage.label,
        stage_before=state.stage.label,
        score=ScoreReport(
            components=components,
            round_total=round(round_total(components, weights), 2),
            game_score=game_score(scores, weights),
        ),
        news=write_news(year, members_report, kpis, before),
        wound_up=wound_up,
    )
    return new_state, report
