"""Funding: the catalogue's three families, who may apply, who wins, and what it pays.

- Public programs pay for a fixed term and often ask for private match funding;
  when the term ends the money stops (stylized fact 1).
- Project calls bring a budget restricted to the project: it funds the staff time
  it takes (plus indirect costs) and passes the rest to project work; the cluster
  adds its co-financing share, and the reporting comes before member work (fact 4).
- Private revenue lines sell a service to members (and, for events, to outsiders);
  their income follows the service's quality and members' engagement, so a line
  that depends on events collapses when events cannot take place (fact 3).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from game.economy import ProjectEconomy
from game.rows import in_segments
from game.scenario import FundingEntry, Scenario
from game.state import AgreementState, ClusterState
from game.vocabulary import SEGMENT_INDEX, SERVICE_INDEX, Family, FundingKind, Stage


def is_open(entry: FundingEntry, round_no: int, open_calls: set[str]) -> bool:
    return round_no in entry.open_rounds or entry.id in open_calls


def ineligibility(
    entry: FundingEntry, state: ClusterState, round_no: int, open_calls: set[str]
) -> str | None:
    """Return why the cluster may not apply for an entry this round, or None if it may."""
    if entry.kind == FundingKind.REVENUE_LINE:
        return "is a revenue line: run it, do not apply for it"
    if not is_open(entry, round_no, open_calls):
        return f"is not open in round {round_no}"
    if any(a.source == entry.id for a in state.agreements):
        return "is already running"
    needed = Stage.parse(entry.min_stage)
    if state.stage < needed:
        return f"needs a {needed.label} cluster (yours is {state.stage.label})"
    if state.members < entry.min_members:
        return f"needs at least {entry.min_members} members (you have {state.members})"
    if state.track_record < entry.min_track_record:
        return f"needs {entry.min_track_record} finished projects (you have {state.track_record})"
    return None


def funding_options(
    state: ClusterState, scenario: Scenario, round_no: int, open_calls: set[str]
) -> list[tuple[FundingEntry, str | None]]:
    """Return every open program and call with the reason it is out of reach, if any."""
    return [
        (entry, ineligibility(entry, state, round_no, open_calls))
        for entry in scenario.funding
        if entry.kind != FundingKind.REVENUE_LINE and is_open(entry, round_no, open_calls)
    ]


def success_chance(
    entry: FundingEntry,
    state: ClusterState,
    focus: tuple[str, ...],
    engaged_by_segment: np.ndarray,
    mean_engagement: float,
    urgency: float,
    bonus: float,
    fundraising_delivery: float,
) -> float:
    """Return the chance an application succeeds, from the card and the cluster's record."""
    chance = entry.chance + entry.chance_per_project * min(state.track_record, 6)
    chance += entry.chance_engagement * mean_engagement
    if any(theme in focus for theme in entry.themes):
        chance += entry.chance_focus
    if entry.segments:
        engaged = sum(engaged_by_segment[SEGMENT_INDEX[s]] for s in entry.segments)
        # members with urgent pain co-invest with the cluster (stylized fact 9)
        chance += entry.chance_members * engaged / 10.0 * (1.0 + max(urgency, 0.0))
    chance = (chance + bonus) * fundraising_delivery
    return float(np.clip(chance, 0.02, 0.95))


def start_agreement(entry: FundingEntry, round_no: int) -> AgreementState:
    return AgreementState(
        source=entry.id, amount=entry.amount, years_left=entry.term, started_round=round_no
    )


@dataclass(frozen=True)
class AgreementYear:
    """What one agreement paid and cost this year."""

    source: str
    family: Family
    paid: float
    staff_funded: float
    project_costs: float
    cofinancing: float
    shortfall_reason: str | None
    delivered: float = 1.0  # share of the project's work the staff did (calls only)
    withheld: float = 0.0  # EUR of the year's amount the funder did not pay for lack of work
    clawed_back: float = 0.0  # EUR the funder reclaimed on top (a cost)


def agreement_year(
    agreement: AgreementState,
    entry: FundingEntry,
    private_revenue: float,
    service_spend: float,
    salary: float,
    indirect: float,
    delivered: float = 1.0,
    rules: ProjectEconomy | None = None,
) -> AgreementYear:
    """Return the year's payment and costs of one running agreement.

    A project call pays for work done: with ``delivered`` (the share of contractual
    work the staff did) below the funder's ``delivery_required`` the payment falls
    in proportion, and below ``clawback_below`` the funder also reclaims a share of
    the year's amount (see ``ProjectEconomy``). The partners' share of the budget
    (all but the staff time it funds) is still passed on, so what is withheld comes
    out of the cluster's own money.
    """
    amount = agreement.amount
    reason = None
    withheld = clawed = 0.0
    if entry.kind == FundingKind.CALL:
        # the partners' share of the work is done and paid whatever the cluster's staff did
        staff_funded = min(entry.staff_fte * salary * (1.0 + indirect), amount)
        passed_on = amount - staff_funded
    if entry.kind == FundingKind.CALL and rules is not None:
        paid_share = min(delivered / rules.delivery_required, 1.0)
        if paid_share < 1.0:
            withheld = amount * (1.0 - paid_share)
            amount -= withheld
            reason = f"staff did only {delivered:.0%} of the project's work"
            if delivered < rules.clawback_below:
                clawed = rules.clawback_share * agreement.amount
                reason += f", so the funder withheld the rest and clawed back {clawed:,.0f} EUR"
            else:
                reason += ", so the funder withheld the rest"
    if entry.private_match > 0:
        needed = entry.private_match * amount
        if private_revenue < needed:
            amount *= max(private_revenue, 0.0) / needed
            reason = "private income fell short of the match it requires"
    if entry.projects_only and service_spend < amount:
        amount = max(service_spend, 0.0)
        reason = "it may pay services and projects only, and these cost less"
    if entry.kind == FundingKind.CALL:
        cofinancing = entry.cofinancing * agreement.amount
        return AgreementYear(
            entry.id,
            entry.family,
            amount,
            max(amount - passed_on, 0.0),
            passed_on,
            cofinancing,
            reason,
            delivered if rules is not None else 1.0,
            withheld,
            clawed,
        )
    return AgreementYear(entry.id, entry.family, amount, 0.0, 0.0, 0.0, reason)


def line_revenue(
    entry: FundingEntry,
    member: np.ndarray,
    segment: np.ndarray,
    engagement: np.ndarray,
    quality: np.ndarray,
    factor: float,
    capital_raised: float,
    track_record: int,
) -> float:
    """Return a private revenue line's income for the year.

    Members buy some lines (joint projects) only from a cluster that has shown it can
    deliver: below ``trust_projects`` finished projects, part of the market buys.
    """
    service_quality = quality[SERVICE_INDEX[entry.service]] if entry.service else 1.0
    if entry.capital_fee > 0:
        return float(entry.capital_fee * capital_raised * 1e6 * factor)
    buyers = float((engagement * (member & in_segments(segment, *entry.segments))).sum())
    # demand follows quality with diminishing returns: a decent service already sells
    buyers *= entry.buyer_rate * np.sqrt(service_quality) * (1.0 + entry.outsider_buyers) * factor
    trust = min(1.0, (1.0 + track_record) / (1.0 + entry.trust_projects))
    return float(entry.price * buyers * trust)


def future_cofinancing(agreements: tuple[AgreementState, ...], scenario: Scenario) -> float:
    """Return co-financing the cluster still owes on agreements aged past this year.

    ``agreements`` are the ones still running after this year, with the years they
    have left; every one of those years owes its co-financing share.
    """
    owed = 0.0
    for agreement in agreements:
        entry = scenario.funding_entry(agreement.source)
        owed += entry.cofinancing * agreement.amount * agreement.years_left
    return owed
