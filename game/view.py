"""What a board sees before it decides: its own cluster, its options, this round's cards.

``team_view`` is a pure function of one team's state; the server sends it to that
team only, computer-run strategies decide from it, and the client draws it. It
holds no other team's figures and nothing of the random generator.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from game.decisions import standing_scalars
from game.events import combine_effects, new_event_ids
from game.funding import funding_options
from game.report import RoundReport
from game.scenario import FeeSchedule, Scenario
from game.state import ClusterState
from game.vocabulary import Family, FundingKind, Kpi, Segment, ServiceLine


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FundingOption(Strict):
    id: str
    name: str
    family: Family
    kind: FundingKind
    description: str
    amount: float
    term: int
    cofinancing: float
    private_match: float
    staff_fte: float
    projects_only: bool
    eligible: bool
    reason: str | None = Field(None, description="Why the cluster may not apply, if it may not.")


class RevenueLineOption(Strict):
    id: str
    name: str
    description: str
    service: ServiceLine | None
    price: float
    fixed_cost: float
    staff_fte: float
    running: bool


class EventChoiceView(Strict):
    id: str
    label: str
    cost: float


class EventView(Strict):
    id: str
    title: str
    text: str
    choices: list[EventChoiceView]
    default_choice: str | None
    new: bool = Field(description="True when the card fell this round and needs a response.")


class FocusAreaView(Strict):
    id: str
    name: str
    services: list[ServiceLine]


class AgreementView(Strict):
    source: str
    name: str
    family: Family
    amount: float
    years_left: int


class TeamView(Strict):
    """One team's private view of its cluster at the start of a round."""

    round: int = Field(description="The round about to be decided (1-based).")
    rounds: int
    scenario: str
    cash: float
    loan: float
    staff_fte: float
    interns: int
    stage: str
    track_record: int
    members: int
    members_by_segment: dict[Segment, int]
    engagement_mean: float
    wound_up: bool
    budget: dict[ServiceLine, float]
    fees: FeeSchedule
    revenue_lines: list[str]
    recruitment: dict[Segment, float]
    ambition: str
    focus_areas: list[str]
    targets: dict[Kpi, float]
    strategy_set: bool
    policy: dict[str, float] = Field(
        default_factory=dict,
        description="Last year's value of every standing policy field that is one number "
        "(see the field metadata), by field name.",
    )
    agreements: list[AgreementView]
    funding: list[FundingOption]
    revenue_line_options: list[RevenueLineOption]
    events: list[EventView]
    focus_area_options: list[FocusAreaView]
    yardstick: dict[Kpi, float] = Field(description="What a strong cluster adds by the end.")
    salary_fte: float
    last_report: RoundReport | None = None


def team_view(
    state: ClusterState, scenario: Scenario, last_report: RoundReport | None = None
) -> TeamView:
    """Return what this team's board may see before deciding the next round."""
    round_no = state.round + 1
    open_calls = combine_effects(state, scenario).open_calls
    orgs = state.organizations
    member = orgs.member
    by_segment = {s: int((orgs.segment[member] == i).sum()) for i, s in enumerate(Segment)}
    fresh = set(new_event_ids(state, scenario))
    policy = state.policy
    return TeamView(
        round=round_no,
        rounds=scenario.rounds,
        scenario=scenario.id,
        cash=state.cash,
        loan=state.loan,
        staff_fte=state.staff_fte,
        interns=state.interns,
        stage=state.stage.label,
        track_record=state.track_record,
        members=state.members,
        members_by_segment=by_segment,
        engagement_mean=round(float(orgs.engagement[member].mean()) if member.any() else 0.0, 3),
        wound_up=state.wound_up,
        budget=policy.budget,
        fees=policy.fees,
        revenue_lines=list(policy.revenue_lines),
        recruitment={Segment(k): v for k, v in policy.recruitment.items()},
        ambition=policy.ambition,
        focus_areas=list(policy.focus_areas),
        targets=policy.targets,
        strategy_set=policy.strategy_set,
        policy={name: policy.scalar(name) for name in standing_scalars()},
        agreements=[
            AgreementView(
                source=a.source,
                name=scenario.funding_entry(a.source).name,
                family=scenario.funding_entry(a.source).family,
                amount=a.amount,
                years_left=a.years_left,
            )
            for a in state.agreements
        ],
        funding=[
            FundingOption(
                id=e.id,
                name=e.name,
                family=e.family,
                kind=e.kind,
                description=e.description,
                amount=e.amount,
                term=e.term,
                cofinancing=e.cofinancing,
                private_match=e.private_match,
                staff_fte=e.staff_fte,
                projects_only=e.projects_only,
                eligible=reason is None,
                reason=reason,
            )
            for e, reason in funding_options(state, scenario, round_no, open_calls)
        ],
        revenue_line_options=[
            RevenueLineOption(
                id=e.id,
                name=e.name,
                description=e.description,
                service=e.service,
                price=e.price,
                fixed_cost=e.fixed_cost,
                staff_fte=e.staff_fte,
                running=e.id in policy.revenue_lines,
            )
            for e in scenario.funding
            if e.kind == FundingKind.REVENUE_LINE
        ],
        events=[
            EventView(
                id=card.id,
                title=card.title,
                text=card.text,
                choices=[
                    EventChoiceView(id=c.id, label=c.label, cost=c.cost) for c in card.choices
                ],
                default_choice=card.default_choice,
                new=card.id in fresh,
            )
            for card in (scenario.event_card(e.event_id) for e in state.events)
        ],
        focus_area_options=[
            FocusAreaView(id=a.id, name=a.name, services=a.services) for a in scenario.focus_areas
        ],
        yardstick=dict(scenario.scoring.reference),
        salary_fte=scenario.economy.staff.salary_fte,
        last_report=last_report,
    )
