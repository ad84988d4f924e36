"""The board's decisions for one round: one pydantic model, the contract with every client.

Every field is optional or defaults to "carry on as last year": ``None`` keeps the
standing policy (budget, fees, revenue lines, recruitment, strategy), and the
one-off fields (hires, applications, responses) default to doing nothing. Bounds
live on the fields; rules that need the game state (is this call open, is the
cluster eligible) live in ``check_decisions`` so the server and the client apply
the very same rules.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from game.scenario import FeeSchedule
from game.vocabulary import Kpi, Segment, ServiceLine

Euros = Annotated[float, Field(ge=0.0, le=2_000_000.0)]
Effort = Annotated[float, Field(ge=0.0, le=1.0)]
MAX_APPLICATIONS = 8
MAX_FOCUS_AREAS = 5


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Staffing(Strict):
    """Hiring and letting go; new hires work at half capacity in their first year."""

    hire_fte: Annotated[float, Field(ge=0.0, le=5.0)] = Field(
        0.0, description="Full-time staff to hire this year (FTE)."
    )
    let_go_fte: Annotated[float, Field(ge=0.0, le=20.0)] = Field(
        0.0, description="Full-time staff to let go this year (FTE); severance is paid."
    )
    hire_interns: Annotated[int, Field(ge=0, le=5)] = Field(0, description="Interns to take on.")
    let_go_interns: Annotated[int, Field(ge=0, le=10)] = Field(
        0, description="Interns whose placement ends early."
    )


class Funding(Strict):
    """Applications to public programs and project calls, and the private lines to run."""

    apply: list[str] = Field(
        default_factory=list,
        max_length=MAX_APPLICATIONS,
        description="Catalogue ids of programs and calls open this round to apply for.",
    )
    revenue_lines: list[str] | None = Field(
        None, description="Catalogue ids of private revenue lines to run; null keeps last year's."
    )

    @field_validator("apply", "revenue_lines")
    @classmethod
    def _unique(cls, ids: list[str] | None) -> list[str] | None:
        if ids is not None and len(set(ids)) != len(ids):
            raise ValueError("each funding id may be listed once")
        return ids


class Strategy(Strict):
    """Ambition, focus areas and value-impact targets for the last round of the game."""

    ambition: str = Field("", max_length=280, description="The cluster's ambition in a sentence.")
    focus_areas: list[str] = Field(
        default_factory=list,
        max_length=MAX_FOCUS_AREAS,
        description="Up to five focus area ids from the scenario; fewer means more focus.",
    )
    targets: dict[Kpi, Annotated[float, Field(ge=0.0, le=1e6)]] = Field(
        default_factory=dict,
        description="Value impact the board promises by the last round, per KPI.",
    )


class Decisions(Strict):
    """Everything a board decides in one round; the defaults carry on as last year."""

    budget: dict[ServiceLine, Euros] | None = Field(
        None, description="EUR this year per service line; null keeps last year's budget."
    )
    staffing: Staffing = Field(default_factory=Staffing)
    fees: FeeSchedule | None = Field(
        None, description="Membership fee model and levels; null keeps last year's fees."
    )
    funding: Funding = Field(default_factory=Funding)
    recruitment: dict[Segment, Effort] | None = Field(
        None, description="Recruitment effort 0..1 per segment; null keeps last year's effort."
    )
    strategy: Strategy | None = Field(
        None,
        description="Ambition, focus and targets; the first setting is free, a later change "
        "costs money and some member goodwill.",
    )
    responses: dict[str, str] = Field(
        default_factory=dict, description="Chosen response id per event card of this round."
    )

    @field_validator("budget")
    @classmethod
    def _complete_budget(cls, budget: dict[ServiceLine, float] | None) -> dict | None:
        if budget is None:
            return None
        return {line: float(budget.get(line, 0.0)) for line in ServiceLine}


def decisions_schema() -> dict:
    """Return the JSON Schema of the decisions model."""
    return Decisions.model_json_schema()
