"""The news feed: 3 to 8 plain-language items that say why the numbers moved.

Every item is written from a figure the year computed (a count, a reason code, a
chance, a share of staff time), never from a guess, so players can trust it. The
candidates carry a salience; the most salient are kept, and three fallbacks
(cash, membership, value impact) guarantee the feed is never short.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from game import members as mem
from game.report import (
    EVENT,
    OUTCOME,
    FundingReport,
    MemberReport,
    NewsItem,
    RoundReport,
    ScoreReport,
    StaffReport,
)
from game.rows import mean_where
from game.scenario import EventCard, EventEffects, Scenario
from game.scoring import game_score
from game.state import ClusterState
from game.vocabulary import (
    SEGMENT_NOUNS,
    SEGMENTS,
    Family,
    FundingKind,
    JoinReason,
    Kpi,
    LeaveReason,
    Segment,
    Stage,
    Stress,
    Topic,
)

if TYPE_CHECKING:
    from game.year import Year

MAX_ITEMS = 8
MIN_ITEMS = 3
PLURAL = SEGMENT_NOUNS


@dataclass
class Happenings:
    """Facts of the year that are not in the report itself."""

    arrived: int = 0


def euros(amount: float) -> str:
    return f"{amount:,.0f} EUR"


def _name(segment: Segment, count: int) -> str:
    one, many = PLURAL[segment]
    return f"{count} {one if count == 1 else many}"


class _Line(NamedTuple):
    """A candidate item of the feed; only the items kept become ``NewsItem`` models."""

    topic: Topic
    cause: str
    text: str
    tone: str

    def item(self) -> NewsItem:
        return NewsItem(topic=self.topic, cause=self.cause, text=self.text, tone=self.tone)  # type: ignore[arg-type]


def _item(salience: float, topic: Topic, text: str, tone: str, cause: str) -> tuple[float, _Line]:
    return salience, _Line(topic, cause, text, tone)


LEAVE_CAUSES = {
    LeaveReason.FEES.value: "fees",
    LeaveReason.CONTACT.value: "budget.member_relations",
    LeaveReason.RELEVANCE.value: "budget",
}
JOIN_CAUSES = {JoinReason.RECRUITED.value: "recruitment", JoinReason.SERVICES.value: "budget"}


def _card_cause(year: Year, touches: Callable[[EventEffects], bool]) -> str:
    """Return the cause of an item an event card's effects produced: the first such card."""
    for active in year.state.events:
        card = year.scenario.event_card(active.event_id)
        if any(touches(e) for e in [card.effects, *(c.effects for c in card.choices)]):
            return EVENT + card.id
    return OUTCOME


def _member_items(year: Year, members: MemberReport) -> list[tuple[float, _Line]]:
    """Say who left and joined, per segment, with the main reason the report gives."""
    items = []
    if year.loan_year.wound_up:
        return []
    for segment, count in members.left.items():
        if count:
            reason = members.leave_reasons[segment]
            text = f"{_name(segment, count)} left: {reason}."
            cause = LEAVE_CAUSES.get(reason, OUTCOME)
            items.append(_item(2.0 * count + 1, Topic.MEMBERS, text, "bad", cause))
    for segment, count in members.joined.items():
        if count:
            reason = members.join_reasons[segment]
            text = f"{_name(segment, count)} joined: {reason}."
            cause = JOIN_CAUSES.get(reason, OUTCOME)
            items.append(_item(1.5 * count, Topic.MEMBERS, text, "good", cause))
    items += _price_items(year)
    if year.happenings.arrived:
        items.append(
            _item(
                9,
                Topic.MEMBERS,
                f"{year.happenings.arrived} new organizations arrived in "
                "the region: the field has reached its tipping point.",
                "good",
                _card_cause(year, lambda e: e.activate_prospects > 0),
            )
        )
    return items


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _price_items(year: Year) -> list[tuple[float, _Line]]:
    """Say who refused the fee (members who walked out, prospects who stayed out) and who
    stayed away over an old grievance."""
    items = []
    refused = year.leaving.refused
    if refused.any():
        asked = mean_where(year.fees_asked, refused)
        willing = max(mean_where(year.appraisal.willingness, refused), 1.0)
        count = int(refused.sum())
        text = (
            f"{_plural(count, 'member', 'members')} refused the fee and walked out: "
            f"they were asked {euros(asked)} on average, {asked / willing:,.1f} times "
            "what they would pay for the value they see."
        )
        items.append(_item(3 + 2.5 * count, Topic.FEES, text, "bad", "fees"))
    refusal_from = year.economy.members.refusal_from
    for members, says in (
        (
            year.part_paid,
            lambda count, asked, paid: (
                f"{_plural(count, 'member', 'members')} paid only part of the fee: asked "
                f"more than {refusal_from:g} times what they would pay for the value they "
                f"see, they paid what they think it is worth and refused "
                f"{euros(asked - paid)} of the {euros(asked)} asked."
            ),
        ),
        (
            year.short_paid,
            lambda count, asked, paid: (
                f"{_plural(count, 'member', 'members')} could not afford the whole fee: "
                f"asked {euros(asked)}, more than their budgets allow, they paid "
                f"{euros(paid)}."
            ),
        ),
    ):
        if members.any():
            count = int(members.sum())
            asked = float(year.fees_asked[members].sum())
            paid = float(year.orgs.fee_paid[members].sum())
            text = says(count, asked, paid)
            items.append(_item(2 + 2 * count, Topic.FEES, text, "bad", "fees"))
    declined = int(year.joining.refused.sum())
    if declined:
        text = (
            f"{_plural(declined, 'organization', 'organizations')} ready to join turned "
            "the cluster down: its fee was more than they would pay for what it offers them."
        )
        items.append(_item(2 + 1.5 * declined, Topic.FEES, text, "bad", "fees"))
    kept_away = int(year.joining.kept_away.sum())
    if kept_away:
        text = (
            f"{_plural(kept_away, 'former member', 'former members')} ready to return stayed "
            "away: they had left over price or neglect, and trust rebuilds slowly."
        )
        items.append(_item(1.5 * kept_away, Topic.MEMBERS, text, "bad", OUTCOME))
    return items


def _funding_items(year: Year) -> list[tuple[float, _Line]]:
    items = []
    scenario = year.scenario
    for funding_id in year.won:
        entry = scenario.funding_entry(funding_id)
        text = (
            f"{entry.name} won: {euros(entry.amount)} a year for {entry.term} "
            f"year{'s' if entry.term > 1 else ''}"
        )
        if entry.staff_fte >= 0.3:
            text += f"; it takes {entry.staff_fte:g} FTE of staff time a year"
        topic = Topic.PROJECTS if entry.kind == FundingKind.CALL else Topic.FUNDING
        items.append(_item(8, topic, text + ".", "good", "funding.apply"))
    for funding_id in year.lost:
        entry = scenario.funding_entry(funding_id)
        chance = year.chances[funding_id]
        items.append(
            _item(
                4,
                Topic.FUNDING,
                f"Application for {entry.name} failed (its chance was {chance:.0%}).",
                "bad",
                "funding.apply",
            )
        )
    for funding_id in year.finished:
        entry = scenario.funding_entry(funding_id)
        if funding_id in year.won:  # a one-year grant: the "won" item says it all
            continue
        if entry.kind.value == "program":
            items.append(
                _item(
                    9,
                    Topic.FUNDING,
                    f"{entry.name} paid its last year: {euros(entry.amount)} a year stops now.",
                    "bad",
                    "funding.apply",
                )
            )
        else:
            items.append(
                _item(
                    5,
                    Topic.PROJECTS,
                    f"{entry.name} finished: one more project in the cluster's track record.",
                    "good",
                    "funding.apply",
                )
            )
    for funding_id in year.ended:
        entry = scenario.funding_entry(funding_id)
        cause = _card_cause(year, lambda e, f=funding_id: f in e.end_funding)
        items.append(
            _item(9, Topic.FUNDING, f"{entry.name} was stopped by an event.", "bad", cause)
        )
    for agreement in year.agreement_years:
        if agreement.shortfall_reason and agreement.withheld <= 0:
            entry = scenario.funding_entry(agreement.source)
            lost = entry.amount - agreement.paid
            items.append(
                _item(
                    6 + lost / 20_000,
                    Topic.FUNDING,
                    f"{entry.name} paid {euros(lost)} less: {agreement.shortfall_reason}.",
                    "bad",
                    "budget" if entry.projects_only else "funding.revenue_lines",
                )
            )
    items += _delivery_items(year)
    return items


def _delivery_items(year: Year) -> list[tuple[float, _Line]]:
    """One item for projects the staff could not deliver: what funders withheld and why."""
    short = [y for y in year.agreement_years if y.withheld > 0]
    if not short:
        return []
    names = ", ".join(year.scenario.funding_entry(y.source).name for y in short)
    lost = sum(y.withheld for y in short)
    clawed = sum(y.clawed_back for y in short)
    done = min(y.delivered for y in short)
    text = (
        f"The cluster took on more project work than its staff could do: they did only "
        f"{done:.0%} of it, so funders withheld {euros(lost)} ({names})"
    )
    text += f" and clawed back {euros(clawed)}." if clawed > 0 else "."
    if year.distrusted:
        text += " Funders heard of it: the track record counts one project less."
    return [_item(9 + (lost + clawed) / 20_000, Topic.PROJECTS, text, "bad", "funding.apply")]


def _staff_items(year: Year) -> list[tuple[float, _Line]]:
    items = []
    workload = year.workload
    shares = workload.shares()
    reporting = shares["projects"] + shares["programs"]
    last_contact = year.state.last_terms.get("contact")
    if workload.utilisation > 1.05:
        text = (
            f"Staff were asked for {workload.utilisation:.0%} of their capacity: only "
            f"{workload.delivery:.0%} of services, contact and recruitment got done"
        )
        if reporting >= 0.3:
            text += f", as {reporting:.0%} of staff time went to project and program reporting"
        cause = "funding.apply" if reporting >= 0.3 else "staffing"
        items.append(
            _item(7 + 5 * (workload.utilisation - 1), Topic.STAFF, text + ".", "bad", cause)
        )
    if last_contact is not None and year.contact < last_contact - 0.05:
        why, cause = (
            ("project and program work took staff time", "funding.apply")
            if reporting >= 0.3
            else ("less was spent on member relations", "budget.member_relations")
            if year.contact > 0.4 * workload.delivery
            else ("staff had no time left", "staffing")
        )
        items.append(
            _item(
                6,
                Topic.CONTACT,
                f"Personal contact with members fell from "
                f"{last_contact:.0%} to {year.contact:.0%} of what they need: {why}.",
                "bad",
                cause,
            )
        )
    if year.quit_fte > 0:
        items.append(
            _item(
                7,
                Topic.STAFF,
                f"After two overloaded years, {year.quit_fte:g} FTE of staff will quit.",
                "bad",
                "staffing",
            )
        )
    if year.team.let_go > 0:
        staff = year.economy.staff
        severance = year.team.let_go * staff.salary_fte * staff.severance
        items.append(
            _item(
                3,
                Topic.STAFF,
                f"{year.team.let_go:g} FTE let go: {euros(severance)} "
                "in severance, and morale cost some capacity.",
                "neutral",
                "staffing.let_go_fte",
            )
        )
    return items


def _engagement_item(year: Year, mean_now: float) -> list[tuple[float, _Line]]:
    last = year.state.last_terms
    if "engagement" not in last or abs(mean_now - last["engagement"]) < 0.02:
        return []
    rules = year.economy.members
    member = year.was_member
    value = mean_where(year.appraisal.value, member)
    excess = mean_where(year.appraisal.excess, member)
    drivers = {
        "the value of services": rules.value_weight * (value - last["value"]),
        "personal contact": rules.contact_weight * (year.contact - last["contact"]),
        "fees compared with the value members see": -rules.excess_fee_weight
        * (excess - last["excess"]),
    }
    causes = dict(zip(drivers, ("budget", "budget.member_relations", "fees"), strict=True))
    rising = mean_now > last["engagement"]
    pick = max(drivers, key=lambda k: drivers[k] if rising else -drivers[k])
    verb = "rose" if rising else "fell"
    text = f"Average engagement {verb} from {last['engagement']:.2f} to {mean_now:.2f}"
    cause = OUTCOME
    if (drivers[pick] > 0) == rising and abs(drivers[pick]) > 0.005:
        text += f"; the biggest change came from {pick}"
        cause = causes[pick]
    return [
        _item(
            100 * abs(mean_now - last["engagement"]),
            Topic.MEMBERS,
            text + ".",
            "good" if rising else "bad",
            cause,
        )
    ]


def _touches(card: EventCard, source: str) -> bool:
    """Return whether an event card, or one of its responses, changed a revenue line."""
    effects = [card.effects, *(choice.effects for choice in card.choices)]
    return any(source in e.revenue_line_factor for e in effects)


def _revenue_source(year: Year, source: str) -> tuple[str, Topic, str]:
    """Return a revenue source's name, topic and the decision that drives it."""
    if source in ("membership_fees", "member_shares"):
        return source.replace("_", " "), Topic.FEES, "fees"
    entry = year.scenario.funding_entry(source)
    if entry.kind == FundingKind.REVENUE_LINE:
        return entry.name, Topic.CASH, "funding.revenue_lines"
    return entry.name, Topic.FUNDING, "funding.apply"


def _revenue_items(year: Year) -> list[tuple[float, _Line]]:
    items = []
    last = year.state.last_terms
    cards = [year.scenario.event_card(e.event_id) for e in year.state.events]
    for source, amount in year.revenue.items():
        before = last.get(f"rev:{source}")
        if before is None or before < 10_000 or source in year.won:
            continue
        change = amount - before
        if abs(change) >= max(0.25 * before, 10_000):
            name, topic, cause = _revenue_source(year, source)
            touching = [c for c in cards if _touches(c, source)]
            because = f" ({touching[0].title.lower()})" if touching else ""
            if touching:
                cause = EVENT + touching[0].id
            verb = "rose" if change > 0 else "fell"
            items.append(
                _item(
                    5 + abs(change) / 20_000,
                    topic,
                    f"Income from {name} {verb} from {euros(before)} to {euros(amount)}{because}.",
                    "good" if change > 0 else "bad",
                    cause,
                )
            )
    return items


def _fallbacks(year: Year, kpis: dict, before: dict, runway: float) -> list[tuple[float, _Line]]:
    members = int(year.orgs.member.sum())
    joined, left = int(year.joining.joining.sum()), int(year.leaving.leaving.sum())
    jobs = kpis[Kpi.JOBS] - before[Kpi.JOBS]
    revenue = kpis[Kpi.MEMBER_REVENUE] - before[Kpi.MEMBER_REVENUE]
    return [
        _item(
            1.5,
            Topic.CASH,
            f"Cash at year end: {euros(year.loan_year.cash)}, a runway of {runway:.1f} months.",
            "neutral" if runway >= 6 else "bad",
            OUTCOME,
        ),
        _item(
            1.2,
            Topic.MEMBERS,
            f"Membership stands at {members} ({joined} joined, {left} left).",
            "neutral",
            OUTCOME,
        ),
        _item(
            1.0,
            Topic.IMPACT,
            f"Compared with the same region without the cluster, members gained "
            f"{jobs:+.0f} jobs and {revenue:+.1f} M EUR of revenue this year.",
            "good" if jobs > 0 else "neutral",
            OUTCOME,
        ),
    ]


def _held_back_text(year: Year) -> str:
    if year.emergency:
        cut = year.economy.finance.emergency_services_cut
        return (
            f"Emergency measures while the loan is repaid: services spent "
            f"{euros(year.held_back)} ({cut:.0%}) less than their budget."
        )
    return (
        f"To keep a cash reserve of {year.policy.scalar('reserve_months'):g} months of costs, "
        f"services spent {euros(year.held_back)} less than their budget."
    )


def _distress_causes(year: Year) -> str:
    """Name what drove the cash down this year, largest first: every cause the model has.

    Income that fell (by source, with the event card or the members behind it),
    members who left and their main reason (contact included), costs that rose, and
    a year that simply cost more than it brought in.
    """
    causes: list[tuple[float, str]] = []
    last = year.state.last_terms
    for source, amount in year.revenue.items():
        before = last.get(f"rev:{source}")
        if before is not None and before - amount >= 10_000:
            name, _, _ = _revenue_source(year, source)
            causes.append((before - amount, f"income from {name} fell by {euros(before - amount)}"))
    for key, before in last.items():
        source = key.removeprefix("rev:")
        if key.startswith("rev:") and source not in year.revenue and before >= 10_000:
            name, _, _ = _revenue_source(year, source)
            causes.append((before, f"{name} stopped paying ({euros(before)} last year)"))
    left = year.leaving.leaving & year.was_member
    if left.sum() >= 3:
        counts = np.bincount(year.leaving.reason[left], minlength=len(mem.LEAVE_REASONS))
        named = [
            f"{n} over {mem.LEAVE_REASONS[i]}"
            for i, n in sorted(enumerate(counts.tolist()), key=lambda c: -c[1])
            if n > 0
        ]
        fees = float(year.fees_asked[left].sum())
        causes.append((max(fees, 1.0), f"{int(left.sum())} members left ({', '.join(named)})"))
    floor = year.economy.services.contact_floor
    if year.contact < year.economy.services.contact_named_below and year.was_member.any():
        causes.append(
            (
                float(year.fees_asked[year.was_member].sum()) * (1.0 - year.contact) / 10,
                f"members got only {year.contact:.0%} of the personal contact they need "
                f"({floor:.0%} comes from staff presence alone)",
            )
        )
    costs_before = last.get("costs")
    costs = sum(year.costs.values())
    if costs_before and costs - costs_before >= max(0.1 * costs_before, 10_000):
        causes.append((costs - costs_before, f"costs rose by {euros(costs - costs_before)}"))
    gap = costs - sum(year.revenue.values()) - year.other_income
    if gap > 0:
        causes.append((0.0, f"the year cost {euros(gap)} more than it brought in"))
    ranked = [text for _, text in sorted(causes, key=lambda c: -c[0])]
    return "; ".join(ranked) if ranked else "costs above income"


def _warning_items(year: Year) -> list[tuple[float, _Line]]:
    """A warning with next year's forecast when the year ends with little runway."""
    from game.finance import runway_months

    costs = sum(year.costs.values())
    cash = year.loan_year.cash
    runway = runway_months(cash, costs)
    if runway >= year.economy.finance.warning_runway_months or costs <= 0:
        return []
    net = sum(year.revenue.values()) + year.other_income - costs
    text = f"Warning: cash covers only {runway:.1f} months of costs."
    if cash + net < 0:
        text += (
            f" At this year's income and costs, the board will need an emergency loan of "
            f"about {euros(-(cash + net))} next year. Behind it: {_distress_causes(year)}."
        )
    else:
        text += " One bad year would need an emergency loan."
    return [_item(10, Topic.CASH, text, "bad", OUTCOME)]


def write_news(year: Year, members: MemberReport, kpis: dict, before: dict) -> list[NewsItem]:
    """Return the year's news feed, most salient first, 3 to 8 items."""
    from game.finance import runway_months

    candidates = []
    loan = year.loan_year
    if loan.wound_up or loan.over_line or loan.borrowed > 0:
        behind = _distress_causes(year)
    took = (
        f"Cash ran out: the board took an emergency loan of {euros(loan.borrowed)}, "
        f"and members heard of it. "
        if loan.borrowed > 0
        else ""
    )
    if loan.wound_up:
        candidates.append(
            _item(
                30,
                Topic.CASH,
                f"The emergency loan grew too large: the board has wound up the cluster "
                f"organization and every member has left (the loan stayed above a year of "
                f"costs for a second year). Behind it: {behind}.",
                "bad",
                OUTCOME,
            )
        )
    elif loan.over_line:
        candidates.append(
            _item(
                20,
                Topic.CASH,
                f"{took}Final warning: the emergency loan ({euros(loan.loan)}) is larger than "
                f"a year of costs. Unless it is back below that at next year's end, the board "
                f"must wind the cluster organization up. Behind it: {behind}.",
                "bad",
                OUTCOME,
            )
        )
    elif loan.borrowed > 0:
        candidates.append(_item(12, Topic.CASH, f"{took}Behind it: {behind}.", "bad", OUTCOME))
    else:
        candidates += _warning_items(year)
    if year.held_back > 0:
        candidates.append(
            _item(
                (11 if year.emergency else 5) + year.held_back / 20_000,
                Topic.SERVICES,
                _held_back_text(year),
                "neutral",
                "reserve_months",
            )
        )
    if year.stage != year.state.stage:
        up = year.stage > year.state.stage
        candidates.append(
            _item(
                8,
                Topic.STAGE,
                f"The cluster {'grew' if up else 'fell back'} from "
                f"{year.state.stage.label} to {year.stage.label} stage.",
                "good" if up else "bad",
                OUTCOME,
            )
        )
    if year.revised:
        cost = year.economy.finance.strategy_revision_cost
        candidates.append(
            _item(
                4,
                Topic.STRATEGY,
                f"The board revised its strategy: {euros(cost)} and some member goodwill.",
                "neutral",
                "strategy",
            )
        )
    mean_now = mean_where(year.orgs.engagement, year.orgs.member)
    candidates += _member_items(year, members) + _funding_items(year) + _staff_items(year)
    candidates += _engagement_item(year, mean_now) + _revenue_items(year)
    runway = runway_months(loan.cash, sum(year.costs.values()))
    ranked = sorted(candidates, key=lambda pair: -pair[0])[:MAX_ITEMS]
    for fallback in _fallbacks(year, kpis, before, runway):
        if len(ranked) >= MIN_ITEMS:
            break
        ranked.append(fallback)
    return [line.item() for _, line in ranked]


def dormant_report(state: ClusterState, scenario: Scenario, weights: dict) -> RoundReport:
    """Return the report of a year in which a wound-up cluster did nothing."""
    empty = {s: 0 for s in SEGMENTS}
    zero_kpi = {k: 0.0 for k in Kpi}
    components = state.scores[-1]
    from game.impact import region_kpis

    return RoundReport(
        round=state.round,
        rounds=scenario.rounds,
        events=[],
        revenue_by_source={},
        revenue_by_family={f: 0.0 for f in Family},
        other_income=0.0,
        revenue_total=0.0,
        costs={"staff": 0.0, "operations": 0.0, "projects": 0.0, "other": 0.0},
        costs_total=0.0,
        cash=state.cash,
        loan=state.loan,
        emergency_loan=0.0,
        runway_months=0.0,
        financing_mix={f: 0.0 for f in Family},
        stress=Stress.HIGH,
        members=MemberReport(
            total=0,
            by_segment=empty,
            joined=empty,
            left=empty,
            join_reasons={},
            leave_reasons={},
            engagement_mean=0.0,
            engagement_histogram=[0] * 5,
            contact=0.0,
            service_value=0.0,
        ),
        staff=StaffReport(
            fte=0.0,
            interns=0,
            hired_fte=0.0,
            let_go_fte=0.0,
            quit_fte=0.0,
            capacity=0.0,
            demand=0.0,
            utilisation=0.0,
            delivery=0.0,
            time={},
        ),
        funding=FundingReport(
            applied={}, won=[], lost=[], ended=[], finished_projects=[], running={}, shortfalls={}
        ),
        kpis=region_kpis(state.organizations, state.impact),
        kpis_change=zero_kpi,
        targets=state.policy.targets,
        stage=Stage.BABY.label,
        stage_before=Stage.BABY.label,
        score=ScoreReport(
            components=components, round_total=0.0, game_score=game_score(state.scores, weights)
        ),
        news=[
            NewsItem(
                topic=Topic.CASH,
                cause=OUTCOME,
                text="The cluster organization has been wound up; its board meets no more.",
                tone="bad",
            )
        ],
        wound_up=True,
    )
