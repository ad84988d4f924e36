"""The board's decisions for one round: one pydantic model, the contract with every client.

Every field is optional or defaults to "carry on as last year": ``None`` keeps the
standing policy (budget, fees, revenue lines, recruitment, strategy, cash reserve),
and the one-off fields (hires, applications, responses) default to doing nothing.
Bounds live on the fields, and so does everything a control needs (label, unit,
step, section, news topics: ``game.metadata``); ``decision_fields`` lists them,
and clients build their controls from that list. Rules that need the game state
(is this call open, is the cluster eligible) live in ``game.rules.check_decisions``,
which the server applies; it sends the problems it finds with every draft.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from game.metadata import FieldSpec, field_specs, meta
from game.scenario import FeeSchedule
from game.vocabulary import Kpi, Section, Segment, ServiceLine, Topic

Euros = Annotated[float, Field(ge=0.0, le=2_000_000.0)]
Effort = Annotated[float, Field(ge=0.0, le=1.0)]
MAX_APPLICATIONS = 8
MAX_FOCUS_AREAS = 5


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Staffing(Strict):
    """Hiring and letting go; new hires work at half capacity in their first year."""

    hire_fte: Annotated[float, Field(ge=0.0, le=5.0)] = Field(
        0.0,
        description="Full-time staff to hire this year (FTE).",
        json_schema_extra=meta("Hire staff", unit="FTE", step=0.1),
    )
    let_go_fte: Annotated[float, Field(ge=0.0, le=20.0)] = Field(
        0.0,
        description="Full-time staff to let go this year (FTE); severance is paid.",
        json_schema_extra=meta("Let staff go", unit="FTE", step=0.1),
    )
    hire_interns: Annotated[int, Field(ge=0, le=5)] = Field(
        0,
        description="Interns to take on.",
        json_schema_extra=meta("Take on interns", unit="interns", step=1),
    )
    let_go_interns: Annotated[int, Field(ge=0, le=10)] = Field(
        0,
        description="Interns whose placement ends early.",
        json_schema_extra=meta("End internships", unit="interns", step=1),
    )


class Funding(Strict):
    """Applications to public programs and project calls, and the private lines to run."""

    apply: list[str] = Field(
        default_factory=list,
        max_length=MAX_APPLICATIONS,
        description="Catalogue ids of programs and calls open this round to apply for.",
        json_schema_extra=meta(
            "Applications", Section.FUNDING, topics=(Topic.FUNDING, Topic.PROJECTS)
        ),
    )
    revenue_lines: list[str] | None = Field(
        None,
        description="Catalogue ids of private revenue lines to run; null keeps last year's.",
        json_schema_extra=meta(
            "Private revenue lines",
            Section.FEES_REVENUE,
            topics=(Topic.CASH, Topic.FEES),
            standing=True,
        ),
    )

    @field_validator("apply", "revenue_lines")
    @classmethod
    def _unique(cls, ids: list[str] | None) -> list[str] | None:
        if ids is not None and len(set(ids)) != len(ids):
            raise ValueError("each funding id may be listed once")
        return ids


class Strategy(Strict):
    """Ambition, focus areas and value-impact targets for the last round of the game."""

    ambition: str = Field(
        "",
        max_length=280,
        description="The cluster's ambition in a sentence.",
        json_schema_extra=meta("Ambition"),
    )
    focus_areas: list[str] = Field(
        default_factory=list,
        max_length=MAX_FOCUS_AREAS,
        description="Up to five focus area ids from the scenario; fewer means more focus.",
        json_schema_extra=meta("Focus areas"),
    )
    targets: dict[Kpi, Annotated[float, Field(ge=0.0, le=1e6)]] = Field(
        default_factory=dict,
        description="Value impact the board promises by the last round, per KPI; the step "
        "is the smallest, a client may step by a tenth of the scenario's yardstick.",
        json_schema_extra=meta("Value-impact targets for the last year", step=0.1, keys="kpis"),
    )


class Decisions(Strict):
    """Everything a board decides in one round; the defaults carry on as last year."""

    budget: dict[ServiceLine, Euros] | None = Field(
        None,
        description="EUR this year per service line; null keeps last year's budget.",
        json_schema_extra=meta(
            "Service budget",
            Section.BUDGET_STAFF,
            unit="EUR",
            step=500.0,
            big_step=5_000.0,
            keys="services",
            topics=(Topic.SERVICES, Topic.CONTACT, Topic.MEMBERS),
            standing=True,
        ),
    )
    staffing: Staffing = Field(
        default_factory=Staffing,
        json_schema_extra=meta("Staffing", Section.BUDGET_STAFF, topics=(Topic.STAFF,)),
    )
    fees: FeeSchedule | None = Field(
        None,
        description="Membership fee model and levels; null keeps last year's fees.",
        json_schema_extra=meta(
            "Membership fees",
            Section.FEES_REVENUE,
            topics=(Topic.FEES, Topic.MEMBERS),
            standing=True,
        ),
    )
    funding: Funding = Field(
        default_factory=Funding, json_schema_extra=meta("Funding", Section.FUNDING)
    )
    recruitment: dict[Segment, Effort] | None = Field(
        None,
        description="Recruitment effort 0..1 per segment; null keeps last year's effort.",
        json_schema_extra=meta(
            "Recruitment effort by segment",
            Section.MEMBERS_STRATEGY,
            unit="share of full effort",
            step=0.1,
            keys="segments",
            topics=(Topic.MEMBERS,),
            standing=True,
        ),
    )
    strategy: Strategy | None = Field(
        None,
        description="Ambition, focus and targets; the first setting is free, a later change "
        "costs money and some member goodwill.",
        json_schema_extra=meta(
            "Strategy",
            Section.MEMBERS_STRATEGY,
            topics=(Topic.STRATEGY, Topic.IMPACT),
            standing=True,
        ),
    )
    reserve_months: Annotated[float, Field(ge=0.0, le=24.0)] | None = Field(
        None,
        description="Months of costs the board keeps in cash as a reserve: the services "
        "budget is spent only as far as the year's forecast leaves that much cash; null "
        "keeps last year's policy.",
        json_schema_extra=meta(
            "Cash reserve",
            Section.BUDGET_STAFF,
            unit="months of costs",
            step=0.5,
            topics=(Topic.SERVICES, Topic.CASH),
            standing=True,
        ),
    )
    responses: dict[str, str] = Field(
        default_factory=dict,
        description="Chosen response id per event card of this round.",
        json_schema_extra=meta("Event responses", Section.EVENTS, topics=(Topic.EVENTS,)),
    )

    @field_validator("budget")
    @classmethod
    def _complete_budget(cls, budget: dict[ServiceLine, float] | None) -> dict | None:
        if budget is None:
            return None
        return {line: float(budget.get(line, 0.0)) for line in ServiceLine}


def decisions_schema() -> dict:
    """Return the JSON Schema of the decisions model, with every field's metadata."""
    return Decisions.model_json_schema()


@cache
def _specs() -> tuple[FieldSpec, ...]:
    return tuple(field_specs(decisions_schema()))


def decision_fields() -> list[FieldSpec]:
    """Return every decision field with its label, unit, step, bounds and section."""
    return list(_specs())


def field_spec(path: str) -> FieldSpec:
    """Return one field's metadata by its dotted path (``staffing.hire_fte``)."""
    for spec in _specs():
        if spec.path == path:
            return spec
    raise KeyError(path)


def top_fields() -> tuple[str, ...]:
    """Return the names of the decisions' top-level fields, in the model's order."""
    return tuple(Decisions.model_fields)


@cache
def standing_scalars() -> tuple[str, ...]:
    """Return the standing top-level fields that are a single number.

    They need no rule of their own to carry on (``apply_policy``), nor a control of
    their own in a client: a generic stepper built from the metadata serves them.
    """
    return tuple(
        spec.path
        for spec in _specs()
        if "." not in spec.path and spec.standing and spec.kind in ("number", "integer")
    )
