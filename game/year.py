"""The working of one year for one team: the steps ``resolve_round`` runs in order.

Each method is one step of the year (see ``game.resolve``); together they fill in
the figures the report and the next state are assembled from (``game.outcome``).
The random numbers of the year are drawn up front, in a fixed amount and order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from game import funding as fund
from game import members as mem
from game.decisions import Decisions
from game.events import RoundEffects
from game.finance import (
    service_loan,
    services_allowed,
    settle,
)
from game.impact import Draws, grow_region
from game.news import Happenings
from game.rows import by_segment, clip, mean_where
from game.rules import apply_policy
from game.scenario import Scenario
from game.services import focus_vector, quality, spend_vector, staff_needed
from game.staff import Workload, burnout, staff_team
from game.stage import next_stage
from game.state import AgreementState, ClusterState, Organizations
from game.vocabulary import (
    SEGMENTS,
    SERVICE_INDEX,
    Family,
    FeeModel,
    FundingKind,
    Kpi,
    ServiceLine,
)

UNIFORM_ROWS = 4  # leave, join, spin-out, capital: one uniform each per organization


@dataclass(frozen=True)
class YearDraws:
    leave: np.ndarray
    join: np.ndarray
    share: np.ndarray
    funding: np.ndarray
    impact: Draws


def draw_year(rng: np.random.Generator, n: int, scenario: Scenario) -> YearDraws:
    """Draw every random number of the year, in a fixed amount and order."""
    uniform = rng.random((UNIFORM_ROWS + 1, n))
    growth = rng.standard_normal(n)
    funding = rng.random(len(scenario.funding))
    slots = rng.random(scenario.economy.impact.new_company_slots)
    impact = Draws(growth=growth, spinout=uniform[2], capital=uniform[3], new_company=slots)
    return YearDraws(uniform[0], uniform[1], uniform[4], funding, impact)


def _activate(orgs: Organizations, share: float) -> int:
    """Bring a share of the dormant organizations into the region; return how many."""
    dormant = np.flatnonzero(~orgs.present)
    count = round(share * dormant.size) if share > 0 else 0
    if count:  # evenly spaced over the rows, so every segment sends its share
        picks = np.unique(np.linspace(0, dormant.size - 1, count).round().astype(np.int64))
        orgs.present[dormant[picks]] = True
        return int(picks.size)
    return 0


class Year:
    """The working of one year; each method is one step of the module docstring."""

    def __init__(
        self,
        state: ClusterState,
        decisions: Decisions,
        scenario: Scenario,
        effects: RoundEffects,
        draws: YearDraws,
    ) -> None:
        self.state = state
        self.decisions = decisions
        self.scenario = scenario
        self.economy = scenario.economy
        self.effects = effects
        self.draws = draws
        self.round_no = state.round + 1
        self.orgs = state.organizations.copy()
        self.policy, self.revised = apply_policy(state.policy, decisions)
        self.happenings = Happenings()

    # -- 2. staff --------------------------------------------------------------------------
    def staff(self) -> None:
        rules = self.economy.staff
        self.team = staff_team(
            self.state.staff_fte, self.state.interns, self.decisions.staffing, rules
        )

    def reserve(self) -> None:
        """Spend the services budget only as far as the board's cash reserve allows."""
        state, staff = self.state, self.economy.staff
        repaid, interest = service_loan(state.loan, state.loan_years, self.economy.finance)
        lines = sum(self.scenario.funding_entry(i).fixed_cost for i in self.policy.revenue_lines)
        other = (
            self.team.cost
            + staff.overhead_base
            + staff.overhead_per_fte * self.team.fte
            + lines
            + repaid
            + interest
        )
        secured = float(state.organizations.fee_paid.sum()) + sum(
            a.amount for a in state.agreements
        )
        planned = sum(self.policy.budget.values())
        months = self.policy.scalar("reserve_months")
        allowed = services_allowed(state.cash, secured, other, months, self.economy.finance)
        factor = min(allowed / planned, 1.0) if planned > 0 else 1.0
        cut = 1.0 - self.economy.finance.emergency_services_cut
        self.emergency = state.loan > 0.01 and factor > cut and planned > 0
        if self.emergency:  # emergency measures while a loan is outstanding
            factor = cut
        self.budget = {line: amount * factor for line, amount in self.policy.budget.items()}
        self.held_back = round(planned - sum(self.budget.values()), 2)

    # -- 3. funding decisions and workload ---------------------------------------------------
    def applications(self) -> None:
        scenario, state = self.scenario, self.state
        ended = [a.source for a in state.agreements if a.source in self.effects.end_funding]
        self.agreements = [a for a in state.agreements if a.source not in self.effects.end_funding]
        self.ended = ended
        services = self.economy.services
        applied = self.decisions.funding.apply
        self.lines = [scenario.funding_entry(i) for i in self.policy.revenue_lines]
        existing = self._obligation_fte(self.agreements)
        line_fte = sum(e.staff_fte for e in self.lines)
        fundraising = len(applied) * services.fundraising_fte_per_application
        pressure = existing + line_fte + fundraising
        fundraising_delivery = min(1.0, self.team.capacity / pressure) if pressure > 0 else 1.0
        member = self.orgs.member
        engaged = np.bincount(
            self.orgs.segment[member], weights=self.orgs.engagement[member], minlength=len(SEGMENTS)
        )
        mean_e = mean_where(self.orgs.engagement, member)
        urgency = scenario.region.urgency + self.effects.urgency
        self.chances: dict[str, float] = {}
        self.won, self.lost = [], []
        positions = {entry.id: i for i, entry in enumerate(scenario.funding)}
        for funding_id in applied:
            entry = scenario.funding_entry(funding_id)
            chance = fund.success_chance(
                entry,
                state,
                self.policy.focus_areas,
                engaged,
                mean_e,
                urgency,
                self.effects.chance_bonus,
                fundraising_delivery,
            )
            self.chances[funding_id] = round(chance, 3)
            if self.draws.funding[positions[funding_id]] < chance:
                self.won.append(funding_id)
                self.agreements.append(fund.start_agreement(entry, self.round_no))
            else:
                self.lost.append(funding_id)
        self.workload = Workload(
            projects=self._obligation_fte(self.agreements, FundingKind.CALL),
            programs=self._obligation_fte(self.agreements, FundingKind.PROGRAM),
            revenue_lines=line_fte,
            fundraising=fundraising,
            services=staff_needed(spend_vector(self.budget), services),
            contact=self.state.members * services.contact_fte_per_member,
            recruitment=sum(self.policy.recruitment.values()) * services.recruitment_fte,
            capacity=self.team.capacity,
        )

    def _obligation_fte(
        self, agreements: list[AgreementState], kind: FundingKind | None = None
    ) -> float:
        entries = [self.scenario.funding_entry(a.source) for a in agreements]
        return sum(e.staff_fte for e in entries if kind is None or e.kind == kind)

    # -- 4. services and members -------------------------------------------------------------
    def services(self) -> None:
        orgs, economy = self.orgs, self.economy
        spend = spend_vector(self.budget)
        users = orgs.needs[orgs.member].sum(axis=0)
        effects = np.array([self.effects.service(line) for line in ServiceLine])
        focus = focus_vector(
            self.policy.focus_areas, self.scenario.focus_areas, economy.services.focus_boost
        )
        delivery = self.workload.delivery
        self.spend = spend
        self.quality = quality(spend, users, delivery, effects * focus, economy.services)
        floor = economy.services.contact_floor
        relations = self.quality[SERVICE_INDEX[ServiceLine.MEMBER_RELATIONS]]
        self.contact = delivery * (floor + (1.0 - floor) * relations)
        project_volume = (
            sum(
                a.amount
                for a in self.agreements
                if self.scenario.funding_entry(a.source).kind == FundingKind.CALL
            )
            * self.workload.obligation_delivery
        )
        affinity = by_segment(economy, "project_affinity", orgs.segment)
        taking_part = max(float((affinity * orgs.member).sum()), 1.0)
        unit = economy.members.project_unit_cost
        self.project_volume = project_volume
        self.project_intensity = 1.0 - np.exp(-project_volume / taking_part / unit)

    def members(self) -> None:
        orgs, economy, effects = self.orgs, self.economy, self.effects
        rules = economy.members
        scheduled = mem.fee_schedule(orgs.segment, orgs.employees, self.policy.fees, economy)
        fees = mem.phase_fees(scheduled, orgs.fee_paid, orgs.member, economy)
        urgency = self.scenario.region.urgency + effects.urgency
        standing = rules.stage_fee_capacity[int(self.state.stage)]
        capacity = mem.fee_capacity(
            orgs.segment, orgs.employees, economy, urgency, effects.fee_capacity_factor * standing
        )
        affinity = by_segment(economy, "project_affinity", orgs.segment)
        share_program = self.policy.fees.model == FeeModel.SHARE_PROGRAM
        bonus = rules.project_weight * affinity * self.project_intensity
        bonus = bonus + rules.ownership_bonus * (orgs.shareholder & share_program)
        bonus = bonus + mem.large_payer_bonus(orgs.segment, orgs.member, fees, economy)
        seen = mem.perceive(orgs.value_seen, orgs.needs @ self.quality, orgs.member, economy)
        orgs.value_seen[:] = seen
        grievance = mem.fade_grievance(orgs.grievance, economy)
        appraisal = mem.appraise(seen, fees, capacity, self.contact, bonus, grievance, economy)
        shock = effects.engagement - (rules.strategy_revision_engagement if self.revised else 0)
        was_member = orgs.member.copy()
        engagement = mem.update_engagement(orgs.engagement, appraisal.target, shock, economy)
        leaving = mem.departures(
            was_member,
            orgs.segment,
            orgs.tenure,
            engagement,
            appraisal,
            effects.hardship_leave,
            self.draws.leave,
            economy,
        )
        reputation = mem.reputation(engagement, was_member, grievance, orgs.present, economy)
        effort = mem.effort_vector(self.policy.recruitment) * self.workload.delivery
        prospects = orgs.present & ~was_member
        joining = mem.arrivals(
            prospects,
            orgs.segment,
            appraisal,
            grievance,
            effort,
            reputation,
            self.draws.join,
            economy,
        )
        member = (was_member & ~leaving.leaving) | joining.joining
        orgs.grievance[:] = mem.remember(
            grievance, leaving, member, orgs.present, appraisal.excess, economy
        )
        starting = 0.5 * (rules.new_member_engagement + appraisal.target)
        orgs.engagement[:] = np.where(joining.joining, starting, np.where(member, engagement, 0.0))
        orgs.member[:] = member
        orgs.tenure[:] = np.where(member & was_member, orgs.tenure + 1, 0)
        ceiling = rules.refusal_from * appraisal.willingness
        self.part_paid = member & (fees > ceiling + 0.5)  # stayed, but refused the fee
        # a member that refuses the fee pays only what it thinks the value is worth, and
        # no member pays more than it can afford
        limit = rules.paying_limit * capacity
        self.short_paid = member & ~self.part_paid & (fees > limit + 0.5)
        paying = np.where(self.part_paid, rules.refused_pays * appraisal.willingness, fees)
        self._pay_fees(np.minimum(paying, limit), share_program)
        self.appraisal, self.leaving, self.joining = appraisal, leaving, joining
        self.was_member = was_member
        self.fees_asked = fees
        self.fee_capacity = capacity  # what each can afford, for measures outside the year

    def _pay_fees(self, fees: np.ndarray, share_program: bool) -> None:
        orgs, finance = self.orgs, self.economy.finance
        if share_program:
            buying = orgs.member & ~orgs.shareholder & (self.draws.share < orgs.engagement)
            orgs.shareholder[:] = (orgs.shareholder & orgs.member) | buying
            self.share_sales = float(buying.sum()) * finance.share_price
            holders = float(orgs.shareholder.sum())
            self.dividends = holders * finance.share_price * finance.share_dividend
            orgs.fee_paid[:] = 0.0
        else:
            self.share_sales = self.dividends = 0.0
            orgs.fee_paid[:] = fees * orgs.member
        self.fee_income = float(orgs.fee_paid.sum())

    # -- 5. value impact -----------------------------------------------------------------------
    def impact(self) -> None:
        result = grow_region(
            self.orgs,
            self.quality,
            self.project_intensity,
            self.effects.member_growth,
            int(self.state.stage),
            self.draws.impact,
            self.economy,
        )
        self.orgs = result.organizations
        self.impact_year = result
        counted = dict(self.state.impact)
        counted[Kpi.STARTUPS] += result.startups
        counted[Kpi.NEW_COMPANIES] += result.new_companies
        counted[Kpi.CAPITAL_RAISED] += result.capital_raised
        multiplier = 1.0 + self.economy.impact.project_partner_multiplier
        counted[Kpi.PUBLIC_FUNDS] += self.project_volume * multiplier / 1e6
        self.counted = counted

    # -- 6. money ----------------------------------------------------------------------------------
    def money(self) -> None:
        orgs, economy, effects = self.orgs, self.economy, self.effects
        revenue: dict[str, float] = {"membership_fees": self.fee_income}
        families: dict[str, Family] = {"membership_fees": Family.PRIVATE}
        if self.share_sales:
            revenue["member_shares"] = self.share_sales
            families["member_shares"] = Family.PRIVATE
        for entry in self.lines:
            revenue[entry.id] = fund.line_revenue(
                entry,
                orgs.member,
                orgs.segment,
                orgs.engagement,
                self.quality,
                effects.line(entry.id),
                self.impact_year.capital_raised,
                self.state.track_record,
            )
            families[entry.id] = Family.PRIVATE
        private = sum(revenue.values())
        eligible_spend = float(self.spend.sum())  # what restricted grants may pay for
        self.agreement_years = []
        for agreement in self.agreements:
            entry = self.scenario.funding_entry(agreement.source)
            paid = fund.agreement_year(
                agreement,
                entry,
                private,
                eligible_spend,
                economy.staff.salary_fte,
                economy.finance.project_indirect_rate,
                self.workload.obligation_delivery,
                economy.projects,
            )
            if entry.projects_only:
                eligible_spend -= paid.paid
            self.agreement_years.append(paid)
        for year in self.agreement_years:
            revenue[year.source] = revenue.get(year.source, 0.0) + year.paid
            families[year.source] = year.family
        self.revenue = {k: round(float(v), 2) for k, v in revenue.items()}
        self.families = families
        staff = economy.staff
        years = self.state.loan_years
        repaid, interest = service_loan(self.state.loan, years, economy.finance)
        self.costs = {
            "staff": self.team.cost,
            "operations": staff.overhead_base
            + staff.overhead_per_fte * self.team.fte
            + float(self.spend.sum())
            + sum(e.fixed_cost for e in self.lines),
            "projects": sum(
                y.project_costs + y.cofinancing + y.clawed_back for y in self.agreement_years
            )
            + sum(self.revenue[e.id] * e.work_share for e in self.lines),
            "other": effects.response_costs
            + self.dividends
            + interest
            + repaid
            + max(-effects.cash, 0.0)
            + (economy.finance.strategy_revision_cost if self.revised else 0.0),
        }
        self.costs = {k: round(float(v), 2) for k, v in self.costs.items()}
        self.other_income = max(effects.cash, 0.0)
        total_costs = sum(self.costs.values())
        cash = self.state.cash + sum(self.revenue.values()) + self.other_income - total_costs
        last_costs = self.state.last_terms.get("costs", 0.0)  # absent before the first year
        line = economy.finance.wind_up_loan_share * max(last_costs, 1.0)
        self.loan_year = settle(
            cash,
            self.state.loan - repaid,
            max(years - 1, 0),
            total_costs,
            economy.finance,
            was_over_line=last_costs > 0 and self.state.loan > line,
        )
        if self.loan_year.borrowed > 0:
            shock = economy.members.insolvency_engagement
            orgs.engagement[:] = clip(orgs.engagement - shock * orgs.member, 0.0, 1.0)
        if self.loan_year.wound_up:
            self.wound_up_leavers = orgs.member.copy()
            orgs.member[:] = False
            orgs.engagement[:] = 0.0

    # -- 7. the year's end -----------------------------------------------------------------
    def close(self) -> None:
        aged, finished = [], []
        for agreement in self.agreements:
            if agreement.years_left > 1:
                aged.append(
                    AgreementState(
                        agreement.source,
                        agreement.amount,
                        agreement.years_left - 1,
                        agreement.started_round,
                    )
                )
            else:
                finished.append(agreement.source)
        self.finished = finished
        calls = [y for y in self.agreement_years if y.withheld > 0]
        trust = self.economy.projects.trust_below
        self.distrusted = bool(calls) and min(y.delivered for y in calls) < trust
        self.finished_projects = [
            f for f in finished if self.scenario.funding_entry(f).kind == FundingKind.CALL
        ]
        self.aged = tuple(aged)
        self.overwork, self.quit_fte = burnout(
            self.state.overwork_years, self.workload.utilisation, self.team.fte, self.economy.staff
        )
        by_segment = np.bincount(self.orgs.segment[self.orgs.member], minlength=len(SEGMENTS))
        self.stage = next_stage(
            self.state.stage,
            self.scenario.stages,
            int(self.orgs.member.sum()),
            sum(self.revenue.values()),
            self.track_record(),
            int((by_segment >= 3).sum()),
        )

    def track_record(self) -> int:
        """Return the record after this year: finished projects add, a badly delivered one costs."""
        record = self.state.track_record + len(self.finished_projects)
        return max(record - (1 if self.distrusted else 0), 0)

    def run(self) -> None:
        self.happenings.arrived = _activate(self.orgs, self.effects.activate_prospects)
        self.staff()
        self.reserve()
        self.applications()
        self.services()
        self.members()
        self.impact()
        self.money()
        self.close()
