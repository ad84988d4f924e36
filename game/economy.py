"""The economy's coefficients: one pydantic model per mechanism, every field bounded.

Shared defaults live in ``scenarios/economy.toml``; a scenario's ``[economy]`` table
overrides them key by key. No tunable number of the model lives in the code.
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from game.vocabulary import SEGMENTS, SERVICES, Segment, ServiceLine

Share = Annotated[float, Field(ge=0.0, le=1.0)]
Euros = Annotated[float, Field(ge=0.0, le=1e9)]
Positive = Annotated[float, Field(gt=0.0)]
NonNegative = Annotated[float, Field(ge=0.0)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SegmentProfile(Strict):
    """How organizations of one segment look and what they want."""

    employees_median: Positive = Field(description="Median employees (staff for public bodies).")
    employees_sigma: Annotated[float, Field(ge=0, le=3)] = Field(
        description="Log-normal spread of employees."
    )
    revenue_per_employee: Positive = Field(description="Million EUR of revenue per employee.")
    export_share: Share = Field(description="Share of revenue exported at the start.")
    growth: Annotated[float, Field(ge=-0.5, le=0.5)] = Field(
        description="Baseline yearly revenue growth without the cluster."
    )
    volatility: Annotated[float, Field(ge=0, le=1)] = Field(
        description="Standard deviation of yearly revenue growth."
    )
    needs: dict[ServiceLine, NonNegative] = Field(
        description="Relative weight of each service line for this segment; normalised."
    )
    fee_capacity: Euros = Field(
        description="Yearly fee (EUR) a median-size member would pay for the full value."
    )
    join_rate: Share = Field(description="Base yearly chance that a prospect joins if courted.")
    leave_rate: Share = Field(description="Base yearly chance that a content member leaves.")
    project_affinity: Share = Field(description="How much this segment gains from R&D projects.")
    raises_capital: Share = Field(
        description="Base yearly chance that an organization of this segment raises capital."
    )
    capital_round: NonNegative = Field(description="Million EUR per employee raised in a round.")


class StaffEconomy(Strict):
    salary_fte: Euros = Field(description="Yearly cost of one full-time employee.")
    intern_cost: Euros = Field(description="Yearly cost of one intern.")
    intern_capacity: Share = Field(description="Working capacity of an intern in FTE.")
    hiring_cost: Share = Field(description="One-off hiring cost as a share of a yearly salary.")
    severance: Share = Field(description="Cost of letting one FTE go, as a share of a salary.")
    new_hire_productivity: Share = Field(description="Capacity of a new hire in the first year.")
    let_go_morale: Share = Field(description="Capacity lost this year per FTE let go (FTE).")
    burnout_threshold: Positive = Field(description="Utilisation above which staff burn out.")
    burnout_quit_share: Share = Field(description="Share of FTE that quits after burnout.")
    max_fte: Positive = Field(description="Upper bound on staff FTE.")
    max_interns: Annotated[int, Field(ge=0, le=50)] = Field(description="Upper bound on interns.")
    overhead_base: Euros = Field(description="Yearly office and running costs.")
    overhead_per_fte: Euros = Field(description="Yearly running costs per FTE.")


class ServiceEconomy(Strict):
    unit_cost: dict[ServiceLine, Positive] = Field(
        description="EUR per using member at which a service line delivers 63% of its value."
    )
    staff_fte_per_100k: dict[ServiceLine, NonNegative] = Field(
        description="Staff FTE each 100,000 EUR of spending on a line needs to be delivered."
    )
    revenue_uplift: dict[ServiceLine, NonNegative] = Field(
        description="Yearly revenue growth a fully served, fully engaged member gains per line."
    )
    focus_boost: NonNegative = Field(
        description="Extra effectiveness of a line in focus, divided by the number of focus areas."
    )
    contact_floor: Share = Field(
        description="Contact members feel from staff presence alone, without member relations."
    )
    contact_named_below: Share = Field(
        description="Contact below this share of what members need is named among the causes "
        "when the news reports a warning, an emergency loan or a wind-up."
    )
    contact_fte_per_member: NonNegative = Field(
        description="FTE of personal contact each member needs to feel known."
    )
    fundraising_fte_per_application: NonNegative = Field(
        description="FTE one funding application takes this year."
    )
    recruitment_fte: NonNegative = Field(
        description="FTE that full recruitment effort on one segment takes."
    )


class MemberEconomy(Strict):
    base_engagement: Annotated[float, Field(ge=-1, le=1)] = Field(
        description="Engagement a member with no value, contact or fees settles at."
    )
    value_weight: NonNegative = Field(description="Engagement gained per unit of service value.")
    contact_weight: NonNegative = Field(description="Engagement gained from full contact.")
    commitment_weight: NonNegative = Field(
        description="Engagement gained per unit of fee burden matched by value (price signal)."
    )
    excess_fee_weight: NonNegative = Field(
        description="Engagement lost per unit of fee burden above delivered value."
    )
    value_to_price: Positive = Field(
        description="Fee burden a member accepts per unit of value it sees."
    )
    project_weight: NonNegative = Field(description="Engagement gained from project work.")
    project_unit_cost: Positive = Field(
        description="Project EUR per taking-part member giving 63% of project value."
    )
    ownership_bonus: NonNegative = Field(description="Engagement bonus for shareholders.")
    adjustment_speed: Share = Field(description="Share of the gap to target closed each year.")
    fee_phase_in: Share = Field(
        description="Share of a fee change that existing members pay in its first year."
    )
    perception_speed: Share = Field(
        description="Share of the gap between perceived and delivered value closed each year."
    )
    disengaged_leave: NonNegative = Field(
        description="Leave chance added at zero engagement (scaled by the square of disengagement)."
    )
    excess_fee_leave: NonNegative = Field(description="Leave chance per unit of excess fee burden.")
    tenure_loyalty: Share = Field(description="Leave chance reduction per year of tenure (max 5).")
    new_member_engagement: Share = Field(description="Engagement of a member when it joins.")
    recruitment_power: NonNegative = Field(description="Join chance multiplier of full effort.")
    word_of_mouth: NonNegative = Field(
        description="Join chance multiplier of members' average engagement."
    )
    max_join_chance: Share = Field(description="Cap on a prospect's yearly join chance.")
    max_leave_chance: Share = Field(description="Cap on a member's yearly leave chance.")
    size_scale_min: Positive = Field(
        description="Smallest multiple of its segment's fee capacity an organization has."
    )
    size_scale_max: Positive = Field(
        description="Largest multiple of its segment's fee capacity an organization has."
    )
    stage_fee_capacity: tuple[Positive, Positive, Positive, Positive] = Field(
        description="Fee capacity multiplier by stage (baby, emerging, growth, supercluster): "
        "what a young network can ask is less than what an established cluster can."
    )
    urgency_fee_capacity: NonNegative = Field(
        description="Extra fee capacity per unit of regional urgency (transform clusters)."
    )
    large_payer_threshold: Share = Field(
        description="Share of fee income from large members above which startups feel crowded."
    )
    large_payer_crowding: NonNegative = Field(
        description="Startup engagement lost per unit of large members' share of fee income."
    )
    tier_small_below: Positive = Field(description="Employees below which a member is small.")
    tier_large_from: Positive = Field(description="Employees from which a member is large.")
    strategy_revision_engagement: Share = Field(
        description="Engagement lost by all members when the strategy is revised mid-game."
    )
    insolvency_engagement: Share = Field(
        description="Engagement lost by all members when the board needs an emergency loan."
    )
    refusal_from: Positive = Field(
        description="Fee over willingness to pay at which members start to refuse it outright."
    )
    refusal_certain: Positive = Field(
        description="Fee over willingness to pay at which every member refuses it."
    )
    refused_pays: Positive = Field(
        description=(
            "What a member that stays but refuses a fee above refusal_from x its willingness "
            "pays, as a multiple of its willingness (it pays what it thinks the value is worth)."
        )
    )
    paying_limit: Positive = Field(
        1.0,
        description=(
            "The most a member pays in a year, as a multiple of its fee capacity (what it "
            "can afford): a member asked more that stays pays this much and no more."
        ),
    )
    grievance_price: Share = Field(description="Grievance of a member that leaves over price.")
    grievance_neglect: Share = Field(
        description="Grievance of a member that leaves over too little contact or value."
    )
    grievance_per_excess: NonNegative = Field(
        description="Grievance a paying member gains per unit of fee burden above its willingness."
    )
    grievance_contagion: NonNegative = Field(
        description="Grievance each remaining member gains per share of members that refused."
    )
    walkout_noticed: Share = Field(
        description="Share of members refusing their fee in a year that the region ignores."
    )
    trust_recovery: Share = Field(description="Share of a grievance that fades each year.")
    grievance_join: NonNegative = Field(
        description="Join chance is multiplied by (1 - grievance) to this power."
    )
    grievance_engagement: NonNegative = Field(
        description="Target engagement lost per unit of grievance."
    )
    grievance_voice: NonNegative = Field(
        description="Word of mouth lost per unit of grievance held by a former member."
    )
    grievance_willingness: Share = Field(
        description="Share of its willingness to pay a member loses per unit of grievance."
    )

    @model_validator(mode="after")
    def _bands(self) -> MemberEconomy:
        if self.refusal_certain <= self.refusal_from:
            raise ValueError("refusal_certain must be above refusal_from")
        if self.refused_pays > self.refusal_from:
            raise ValueError("refused_pays must not be above refusal_from")
        if self.size_scale_max < self.size_scale_min:
            raise ValueError("size_scale_max must be at least size_scale_min")
        return self


class ImpactEconomy(Strict):
    jobs_per_revenue_growth: NonNegative = Field(
        description="Employment elasticity: job growth per unit of revenue growth."
    )
    export_uplift: NonNegative = Field(
        description="Yearly export share gained by a fully served, engaged member."
    )
    capital_network_investors: Positive = Field(
        description="Engaged investor members at which the access-to-capital line works fully."
    )
    capital_network_floor: Share = Field(
        description="Share of its effect the access-to-capital line has with no investors."
    )
    new_company_stage_bonus: NonNegative = Field(
        description="Extra pull on new companies per stage above baby."
    )
    spinout_rate: Share = Field(description="Yearly base chance an academic member spins out.")
    spinout_uplift: NonNegative = Field(description="Extra spin-out chance from startup programs.")
    capital_uplift: NonNegative = Field(
        description="Extra chance to raise capital from the access-to-capital line and investors."
    )
    new_company_slots: Annotated[int, Field(ge=0, le=200)] = Field(
        description="Yearly chances for a company to settle in the region."
    )
    new_company_rate: Share = Field(description="Base chance per slot without the cluster.")
    new_company_uplift: NonNegative = Field(
        description="Extra chance per slot from internationalisation, policy work and stage."
    )
    project_partner_multiplier: NonNegative = Field(
        description="Public funds partners receive in a project per EUR the cluster receives."
    )
    project_revenue_uplift: NonNegative = Field(
        description="Revenue growth of a taking-part member at full project intensity (0..1)."
    )


class FinanceEconomy(Strict):
    loan_buffer: Euros = Field(description="Cash the emergency board loan leaves in the bank.")
    loan_fee: Share = Field(description="Arrangement fee added to an emergency loan.")
    loan_interest: Share = Field(description="Yearly interest on the outstanding loan.")
    loan_term: Annotated[int, Field(ge=1, le=10)] = Field(description="Years to repay a loan.")
    wind_up_loan_share: Positive = Field(
        description="A loan above this share of yearly costs at the end of a year is the final "
        "warning; above it at the end of the next year too, the organization is wound up."
    )
    warning_runway_months: NonNegative = Field(
        description="Year-end runway below which the news warns, with a forecast of next year."
    )
    emergency_services_cut: Share = Field(
        description="While a loan is outstanding, services spend at most this share less than "
        "their budget (emergency measures)."
    )
    stress_high_single_public: Share = Field(
        description="Stress is high when one public source exceeds this share of revenue."
    )
    stress_high_runway_months: NonNegative = Field(description="Runway below this is high stress.")
    stress_low_private_share: Share = Field(description="Private share needed for low stress.")
    stress_low_max_family: Share = Field(description="Largest family share allowed for low stress.")
    stress_low_runway_months: NonNegative = Field(description="Runway needed for low stress.")
    runway_cap_months: Positive = Field(description="Runway beyond this earns no more score.")
    strategy_revision_cost: Euros = Field(description="Cost of revising the strategy mid-game.")
    share_price: Euros = Field(description="One-off share a member buys under a share program.")
    share_dividend: Share = Field(description="Yearly dividend per share as a share of its price.")
    project_indirect_rate: Share = Field(
        description="Indirect costs a project budget pays on top of the staff time it funds."
    )
    reserve_income_share: Share = Field(
        description="Share of its secured income (last year's fees, agreements in force) "
        "a board with a cash reserve policy counts on when it caps its services spending."
    )


class ProjectEconomy(Strict):
    """What a funder does when the cluster's staff cannot do a project's work."""

    delivery_required: Share = Field(
        description="Share of a project's work a funder accepts as full delivery; below it the "
        "year's payment falls in proportion (delivered / required)."
    )
    clawback_below: Share = Field(
        description="Delivery below which the funder also claws back part of the year's amount."
    )
    clawback_share: Share = Field(
        description="Share of the year's contracted amount clawed back below that delivery."
    )
    trust_below: Share = Field(
        description="Delivery below which funders hear of it: the track record loses one "
        "project, so every later application has a lower chance."
    )

    @model_validator(mode="after")
    def _ordered(self) -> ProjectEconomy:
        if not self.clawback_below <= self.trust_below <= self.delivery_required:
            raise ValueError("need clawback_below <= trust_below <= delivery_required")
        return self


class ImpactScoreEconomy(Strict):
    """How the impact component turns KPIs and targets into a score (``game/scoring.py``)."""

    ceiling: Annotated[float, Field(gt=0.0, le=1000.0)] = Field(
        description="Multiple of the pro-rata yardstick at which a KPI's achievement part "
        "reaches 1; below it the part rises with the logarithm of the multiple, so every "
        "doubling counts and the scale never flattens before the ceiling."
    )
    due_floor: Share = Field(
        description="Share of the yardstick (and of a target) due from the first round on, "
        "whatever the ramp: counted outcomes come in whole units, and one early spin-out "
        "should not look like many times what was due."
    )
    roadmap_weight: Share = Field(
        description="Weight of the roadmap (targets) in a KPI's part; the rest is achievement."
    )
    ambition_floor: NonNegative = Field(
        description="Target as a multiple of the yardstick at or below which a met target "
        "earns nothing: writing small numbers is no ambition."
    )
    ambition_full: Positive = Field(
        description="Target as a multiple of the yardstick at which a met target earns the "
        "full roadmap part; a bigger number earns no more."
    )
    miss_penalty: NonNegative = Field(
        description="Roadmap part lost per unit of the share of a target missed (pro rata)."
    )

    @model_validator(mode="after")
    def _ordered(self) -> ImpactScoreEconomy:
        if self.ambition_full <= self.ambition_floor:
            raise ValueError("ambition_full must be above ambition_floor")
        return self


class Economy(Strict):
    """All coefficients of the model; shared defaults live in ``scenarios/economy.toml``."""

    segments: dict[Segment, SegmentProfile]
    staff: StaffEconomy
    services: ServiceEconomy
    members: MemberEconomy
    impact: ImpactEconomy
    impact_score: ImpactScoreEconomy
    projects: ProjectEconomy
    finance: FinanceEconomy

    @cached_property
    def segment_columns(self) -> dict[str, np.ndarray]:
        """Every numeric attribute of the segment profiles as an array indexed by segment."""
        names = [name for name in SegmentProfile.model_fields if name != "needs"]
        return {
            name: np.array([getattr(self.segments[s], name) for s in SEGMENTS], dtype=np.float64)
            for name in names
        }

    @model_validator(mode="after")
    def _complete(self) -> Economy:
        missing = [s.value for s in SEGMENTS if s not in self.segments]
        if missing:
            raise ValueError(f"segments: missing profiles for {', '.join(missing)}")
        for name in ("unit_cost", "staff_fte_per_100k", "revenue_uplift"):
            table = getattr(self.services, name)
            gaps = [line.value for line in SERVICES if line not in table]
            if gaps:
                raise ValueError(f"services.{name}: missing lines {', '.join(gaps)}")
        return self
