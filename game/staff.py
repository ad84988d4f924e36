"""Staff: hiring and letting go, working capacity, and what the work asks of it.

Capacity is the bottleneck of a small cluster organization (DOMAIN.md, stylized
fact 10). Contractual work (project and program reporting, revenue lines,
applications) comes first; services, member contact and recruitment share what is
left, so every extra project thins the contact members get (stylized fact 4).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from game.decisions import Staffing
from game.economy import StaffEconomy


@dataclass(frozen=True)
class Team:
    """The staff for this year after the board's hiring decisions."""

    fte: float
    interns: int
    new_hires: float
    let_go: float
    capacity: float
    cost: float
    churn_cost: float


def staff_team(fte: float, interns: int, staffing: Staffing, rules: StaffEconomy) -> Team:
    """Apply hiring and letting go; return the year's staff, capacity and cost."""
    let_go = min(staffing.let_go_fte, max(fte - 0.5, 0.0))
    hires = min(staffing.hire_fte, max(rules.max_fte - (fte - let_go), 0.0))
    new_fte = fte - let_go + hires
    new_interns = min(
        max(interns - staffing.let_go_interns, 0) + staffing.hire_interns, rules.max_interns
    )
    capacity = (
        (new_fte - hires)
        + hires * rules.new_hire_productivity
        + new_interns * rules.intern_capacity
        - let_go * rules.let_go_morale
    )
    churn_cost = (hires * rules.hiring_cost + let_go * rules.severance) * rules.salary_fte
    cost = new_fte * rules.salary_fte + new_interns * rules.intern_cost + churn_cost
    return Team(new_fte, new_interns, hires, let_go, max(capacity, 0.1), cost, churn_cost)


@dataclass(frozen=True)
class Workload:
    """FTE the year's work asks for, and how much of it the staff can deliver.

    The figures that follow from the fields are worked out once (it is frozen)."""

    projects: float
    programs: float
    revenue_lines: float
    fundraising: float
    services: float
    contact: float
    recruitment: float
    capacity: float

    @cached_property
    def obligations(self) -> float:
        return self.projects + self.programs + self.revenue_lines + self.fundraising

    @cached_property
    def discretionary(self) -> float:
        return self.services + self.contact + self.recruitment

    @cached_property
    def demand(self) -> float:
        return self.obligations + self.discretionary

    @cached_property
    def utilisation(self) -> float:
        return self.demand / self.capacity

    @cached_property
    def obligation_delivery(self) -> float:
        """Share of contractual work done (below 1 only when obligations exceed capacity)."""
        return min(1.0, self.capacity / self.obligations) if self.obligations > 0 else 1.0

    @cached_property
    def delivery(self) -> float:
        """Share of services, contact and recruitment the staff can deliver."""
        spare = max(self.capacity - self.obligations, 0.0)
        return min(1.0, spare / self.discretionary) if self.discretionary > 0 else 1.0

    def shares(self) -> dict[str, float]:
        """Return how the staff's time was spent, as shares of the work done."""
        done_obligations = self.obligations * self.obligation_delivery
        done_rest = self.discretionary * self.delivery
        total = max(done_obligations + done_rest, 1e-9)
        scale_o = self.obligation_delivery / total
        scale_d = self.delivery / total
        return {
            "projects": self.projects * scale_o,
            "programs": self.programs * scale_o,
            "revenue_lines": self.revenue_lines * scale_o,
            "fundraising": self.fundraising * scale_o,
            "services": self.services * scale_d,
            "contact": self.contact * scale_d,
            "recruitment": self.recruitment * scale_d,
        }


def burnout(
    overwork_years: int, utilisation: float, fte: float, rules: StaffEconomy
) -> tuple[int, float]:
    """Return the new overwork count and the FTE who quit after two overloaded years."""
    if utilisation <= rules.burnout_threshold:
        return 0, 0.0
    years = overwork_years + 1
    if years < 2:
        return years, 0.0
    return 0, round(fte * rules.burnout_quit_share, 2)
