"""The round report: what happened to one team's cluster in a year, and why.

This model is a contract: the server sends it, the client draws it, the debrief
exports it. Every field is documented in ``docs/model.md``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from game.vocabulary import Family, Kpi, Segment, Stress, Topic

Tone = Literal["good", "bad", "neutral"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


OUTCOME = "outcome"  # the cause of an item no single decision or event card produced
EVENT = "event:"  # the cause of an item an event card produced: "event:<card id>"


class NewsItem(Strict):
    """One plain-language line of the news feed, saying why a number moved.

    ``topic`` says what moved; ``cause`` says what produced it: the path of the
    decision field (``fees``, ``staffing.let_go_fte``, ``budget.member_relations``,
    ``funding.apply``), ``event:<card id>`` for an event card, or ``outcome`` for
    a figure of the year that no single decision or card explains.
    """

    topic: Topic
    cause: str = Field(
        "",
        description="The decision field path, event:<card id>, or outcome; empty only in "
        "reports stored before causes were recorded.",
    )
    text: str
    tone: Tone


class MemberReport(Strict):
    total: int
    by_segment: dict[Segment, int]
    joined: dict[Segment, int]
    left: dict[Segment, int]
    join_reasons: dict[Segment, str] = Field(description="Main reason per segment that joined.")
    leave_reasons: dict[Segment, str] = Field(description="Main reason per segment that left.")
    engagement_mean: float
    engagement_histogram: list[int] = Field(
        description="Members with engagement in 0-0.2, 0.2-0.4, 0.4-0.6, 0.6-0.8, 0.8-1."
    )
    contact: float = Field(description="Share of the personal contact members need they got.")
    service_value: float = Field(description="Average value of services to members, 0..1.")


class StaffReport(Strict):
    fte: float
    interns: int
    hired_fte: float
    let_go_fte: float
    quit_fte: float = Field(description="FTE who will quit after two overloaded years.")
    capacity: float = Field(description="Working capacity in FTE this year.")
    demand: float = Field(description="FTE the year's work asked for.")
    utilisation: float = Field(description="Demand over capacity; above 1 is overload.")
    delivery: float = Field(description="Share of services, contact and recruitment delivered.")
    time: dict[str, float] = Field(description="Shares of staff time by kind of work.")


class FundingReport(Strict):
    applied: dict[str, float] = Field(description="Applications and their chance of success.")
    won: list[str]
    lost: list[str]
    ended: list[str] = Field(description="Agreements whose term ended or that were stopped.")
    finished_projects: list[str]
    running: dict[str, int] = Field(description="Running agreements and years left after this.")
    shortfalls: dict[str, str] = Field(description="Agreements that paid less, and why.")


class ScoreReport(Strict):
    components: dict[str, float] = Field(description="This round's four components, 0..100.")
    round_total: float
    game_score: float = Field(description="Mean of the rounds' weighted totals so far.")


class RoundReport(Strict):
    """Everything a team learns about its cluster after a round."""

    round: int
    rounds: int
    events: list[str] = Field(description="Event cards in force this round.")
    revenue_by_source: dict[str, float]
    revenue_by_family: dict[Family, float]
    other_income: float = Field(description="Windfalls outside the financing mix.")
    revenue_total: float
    costs: dict[Literal["staff", "operations", "projects", "other"], float]
    costs_total: float
    cash: float
    loan: float
    emergency_loan: float = Field(description="Emergency board loan taken this year.")
    runway_months: float
    reserve_months: float = Field(
        0.0, description="Months of costs the board's reserve policy kept in cash this year."
    )
    services_held_back: float = Field(
        0.0, description="EUR of the services budget left unspent to keep the cash reserve."
    )
    financing_mix: dict[Family, float] = Field(description="Percent of revenue per family.")
    stress: Stress
    members: MemberReport
    staff: StaffReport
    funding: FundingReport
    kpis: dict[Kpi, float] = Field(description="Cumulative value impact added by the cluster.")
    kpis_change: dict[Kpi, float] = Field(description="Value impact added this round.")
    targets: dict[Kpi, float]
    stage: str
    stage_before: str
    score: ScoreReport
    news: list[NewsItem] = Field(min_length=1, max_length=8)
    wound_up: bool
