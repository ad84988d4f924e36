"""Computer-run boards: strategies a facilitator would recognise, plus a random one.

A strategy is a function of what a board may see (``TeamView``), the scenario and a
random generator, returning valid ``Decisions``. They fill empty seats, play the
headless games and serve as the contrasting strategies of the stylized-fact tests.
Only the random strategy uses the generator; the others are deterministic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from game.decisions import MAX_APPLICATIONS, Decisions, Funding, Staffing, Strategy
from game.scenario import FeeSchedule, Scenario
from game.view import TeamView
from game.vocabulary import Family, FeeModel, FundingKind, Segment, ServiceLine

StrategyFunction = Callable[[TeamView, Scenario, np.random.Generator], Decisions]
L = ServiceLine
FEE_MAXIMISER_MARKUP = 1.8  # a strategy's own choice, not a coefficient of the economy
LEAN_TEAM_FTE = 1.0  # member_first shrinks to this team when its income no longer pays more


def expected_fees(view: TeamView) -> float:
    """Estimate a year of fees from the fee schedule when no report exists yet."""
    fees = view.fees
    if fees.model == FeeModel.FLAT:
        return view.members * fees.flat
    if fees.model == FeeModel.TIERED:
        return view.members * (0.6 * fees.small + 0.3 * fees.medium + 0.1 * fees.large)
    return 0.0


def expected_income(view: TeamView, scenario: Scenario) -> float:
    """Estimate this year's income a board can spend: private revenue plus agreements."""
    report = view.last_report
    private = report.revenue_by_family[Family.PRIVATE] if report else expected_fees(view)
    income = private
    economy = scenario.economy
    for agreement in view.agreements:
        entry = scenario.funding_entry(agreement.source)
        if entry.kind == FundingKind.CALL:
            staff = entry.staff_fte * economy.staff.salary_fte
            staff *= 1 + economy.finance.project_indirect_rate
            income += min(staff, agreement.amount) - entry.cofinancing * agreement.amount
        else:
            income += agreement.amount
    return income


def fixed_costs(
    view: TeamView, scenario: Scenario, fte: float, interns: int, lines: list[str]
) -> float:
    staff = scenario.economy.staff
    running = sum(scenario.funding_entry(i).fixed_cost for i in lines)
    return (
        fte * staff.salary_fte
        + interns * staff.intern_cost
        + staff.overhead_base
        + staff.overhead_per_fte * fte
        + running
        + view.loan / 3.0
    )


def ending_soon(view: TeamView, years: int = 2) -> float:
    """Return the yearly public money whose agreements end within a few years."""
    return sum(
        a.amount for a in view.agreements if a.family == Family.PUBLIC and a.years_left <= years
    )


def affordable_services(
    view: TeamView,
    scenario: Scenario,
    fte: float,
    interns: int,
    lines: list[str],
    reserve_months: float = 3.0,
    prudence: float = 0.0,
) -> float:
    """Return a services budget that keeps a few months of costs in the bank.

    ``prudence`` sets aside part of the public money that is about to end, so the
    drop does not come as a cliff (what a board that reads its agreements does).
    """
    current = float(sum(view.budget.values()))
    if view.last_report is None:  # no accounts yet: keep the budget the cluster starts with
        return current
    costs = fixed_costs(view, scenario, fte, interns, lines)
    wanted = reserve_months / 12.0 * costs + prudence * ending_soon(view) / 2.0
    rebuild = max(wanted - view.cash, 0.0) / 3.0
    spare = max(view.cash - wanted, 0.0) / 3.0
    target = expected_income(view, scenario) - costs - rebuild + spare
    # boards move budgets step by step rather than all at once
    return float(np.clip(0.5 * current + 0.5 * target, 10_000, 600_000))


def split(total: float, weights: dict[ServiceLine, float]) -> dict[ServiceLine, float]:
    whole = sum(weights.values())
    return {line: round(total * weights.get(line, 0.0) / whole, -2) for line in ServiceLine}


def eligible(
    view: TeamView, family: Family | None = None, kind: FundingKind | None = None
) -> list[str]:
    return [
        option.id
        for option in view.funding
        if option.eligible
        and (family is None or option.family == family)
        and (kind is None or option.kind == kind)
    ]


def utilisation(view: TeamView) -> float:
    return view.last_report.staff.utilisation if view.last_report else 0.8


def first_strategy(
    view: TeamView, focus: list[str], ambition: str, scale: float
) -> Strategy | None:
    """Set the strategy in the first round; keep it afterwards (revising costs money)."""
    if view.strategy_set:
        return None
    known = [area.id for area in view.focus_area_options]
    chosen = [area for area in focus if area in known] or known[:2]
    targets = {kpi: round(value * scale, 1) for kpi, value in view.yardstick.items()}
    return Strategy(ambition=ambition, focus_areas=chosen[:3], targets=targets)


def focus_by_service(view: TeamView, services: set[ServiceLine], count: int = 2) -> list[str]:
    ranked = sorted(view.focus_area_options, key=lambda a: -len(services.intersection(a.services)))
    return [area.id for area in ranked[:count]]


def defaults(view: TeamView) -> dict[str, str]:
    return {e.id: e.default_choice for e in view.events if e.new and e.default_choice}


def staffing_for(
    view: TeamView,
    scenario: Scenario,
    services_budget: float,
    grow_at: float = 1.0,
    max_fte: float = 8.0,
) -> Staffing:
    """Hire when overloaded and lasting income pays for it; cut staff when services starve."""
    salary = scenario.economy.staff.salary_fte
    if view.staff_fte > 2.0 and services_budget < 0.8 * salary and utilisation(view) < 0.9:
        return Staffing(let_go_fte=1.0)
    lasting = (
        expected_income(view, scenario)
        - ending_soon(view)
        - fixed_costs(view, scenario, view.staff_fte + 1.0, view.interns, view.revenue_lines)
    )
    if utilisation(view) > grow_at and lasting > 80_000 and view.staff_fte < max_fte:
        return Staffing(hire_fte=1.0)
    return Staffing()


# ---------------------------------------------------------------- the strategies


def passive_public(view: TeamView, scenario: Scenario, rng: np.random.Generator) -> Decisions:
    """A passive board living on public money: applies for every public program, changes little."""
    budget = None
    if view.cash < 0.15 * fixed_costs(
        view, scenario, view.staff_fte, view.interns, view.revenue_lines
    ):
        total = affordable_services(
            view, scenario, view.staff_fte, view.interns, view.revenue_lines
        )
        budget = split(total, {line: view.budget.get(line, 0.0) + 1.0 for line in ServiceLine})
    return Decisions(
        budget=budget,
        funding=Funding(apply=eligible(view, Family.PUBLIC)[:MAX_APPLICATIONS]),
        strategy=first_strategy(view, [], "Keep the cluster running with public support.", 0.4),
        responses=defaults(view),
    )


def staff_time_left(
    view: TeamView, scenario: Scenario, fte: float, interns: int, lines: list[str], applying: int
) -> float:
    """Return the FTE left for services once contractual work, contact and recruitment are done.

    What a board that reads its staff report plans with: the capacity its team will
    have, less the running agreements, the revenue lines, this year's applications,
    personal contact with every member and a little recruitment.
    """
    staff, services = scenario.economy.staff, scenario.economy.services
    capacity = fte + interns * staff.intern_capacity
    entries = [scenario.funding_entry(a.source) for a in view.agreements]
    obligations = sum(e.staff_fte for e in entries)
    obligations += sum(scenario.funding_entry(i).staff_fte for i in lines)
    obligations += applying * services.fundraising_fte_per_application
    contact = view.members * services.contact_fte_per_member
    recruiting = sum(view.recruitment.values()) * services.recruitment_fte
    return max(capacity - obligations - contact - recruiting, 0.0)


def deliverable(
    total: float, weights: dict[ServiceLine, float], fte: float, scenario: Scenario
) -> float:
    """Return the largest services budget up to ``total`` that ``fte`` of staff can deliver."""
    per_100k = scenario.economy.services.staff_fte_per_100k
    whole = sum(weights.values())
    need = sum(per_100k[line] * share / whole for line, share in weights.items())
    return min(total, 100_000.0 * fte / need) if need > 0 else total


def member_fees(view: TeamView, scenario: Scenario) -> FeeSchedule:
    """Progressive fees that follow the value members see (Health Valley's fees).

    The schedule starts from what the typical member of each tier can afford and
    moves with the service value of the last report, so a board that delivers more
    charges more and one whose services thin out lowers its fees before members walk.
    """
    segments = scenario.economy.segments
    capacity = segments[Segment.SME].fee_capacity
    large = segments[Segment.LARGE_INDUSTRY].fee_capacity
    value = view.last_report.members.service_value if view.last_report else 0.45
    factor = float(np.clip(value / 0.45, 0.5, 1.0))
    return FeeSchedule(
        model=FeeModel.TIERED,
        small=round(0.35 * capacity * factor, -1),
        medium=round(0.85 * capacity * factor, -1),
        large=round(0.4 * large * factor, -1),
    )


MEMBER_FIRST_WEIGHTS = {
    L.MEMBER_RELATIONS: 0.2,
    L.MATCHMAKING_EVENTS: 0.18,
    L.TRAINING_TALENT: 0.12,
    L.INTERNATIONALISATION: 0.12,
    L.COLLABORATIVE_RD: 0.12,
    L.MARKET_INTELLIGENCE: 0.08,
    L.POLICY_LOBBYING: 0.06,
    L.STARTUP_PROGRAMS: 0.06,
    L.ACCESS_TO_CAPITAL: 0.06,
}


# the services member_first sells: events, training, intelligence, export help and the
# joint work members pay for together
MEMBER_FIRST_LINES = {
    L.MATCHMAKING_EVENTS,
    L.TRAINING_TALENT,
    L.MARKET_INTELLIGENCE,
    L.INTERNATIONALISATION,
    L.COLLABORATIVE_RD,
}


def member_first(view: TeamView, scenario: Scenario, rng: np.random.Generator) -> Decisions:
    """A member-first diversifier: progressive fees matched by services, contact, mixed funding.

    It keeps its staff able to deliver what it promises: it hires when the work
    outgrows the team and the cash allows, and otherwise trims services to what the
    staff can do, so contact with members never starves.
    """
    lines = [o.id for o in view.revenue_line_options if o.service in MEMBER_FIRST_LINES]
    weights = MEMBER_FIRST_WEIGHTS
    calls = eligible(view, kind=FundingKind.CALL)
    projects_running = sum(1 for a in view.agreements if a.family == Family.PROJECT)
    apply = eligible(view, Family.PUBLIC)
    spare = staff_time_left(view, scenario, view.staff_fte, view.interns, lines, len(apply) + 1)
    fitting = [c for c in calls if scenario.funding_entry(c).staff_fte + 1.5 < spare]
    if fitting and projects_running < 2:
        apply.append(fitting[0])
    apply = apply[:MAX_APPLICATIONS]
    total = affordable_services(view, scenario, view.staff_fte, view.interns, lines, prudence=1.0)
    staffing = capacity_staffing(view, scenario, total, weights, lines, len(apply))
    fte = view.staff_fte + staffing.hire_fte * scenario.economy.staff.new_hire_productivity
    fte -= staffing.let_go_fte
    room = staff_time_left(view, scenario, fte, view.interns, lines, len(apply))
    total = deliverable(total, weights, room, scenario)
    focus = focus_by_service(
        view, {L.MATCHMAKING_EVENTS, L.INTERNATIONALISATION, L.TRAINING_TALENT}
    )
    return Decisions(
        budget=split(total, weights),
        staffing=staffing,
        fees=member_fees(view, scenario),
        funding=Funding(apply=apply, revenue_lines=lines),
        recruitment={
            Segment.SME: 0.6,
            Segment.LARGE_INDUSTRY: 0.5,
            Segment.ACADEMIA: 0.3,
            Segment.STARTUP: 0.3,
            Segment.GOVERNMENT: 0.2,
            Segment.CAPITAL: 0.2,
        },
        strategy=first_strategy(view, focus, "Be the place members grow together.", 0.8),
        responses={
            e.id: (e.choices[0].id if e.choices else "") for e in view.events if e.new and e.choices
        },
    )


def unpaid_staff(
    view: TeamView, scenario: Scenario, lines: list[str], keep_fte: float = 2.0
) -> bool:
    """Return True when next year's income no longer pays the team and the cash is short.

    Any board that reads its accounts lets someone go then: income (public money
    ending this year left out) falls a salary short of the fixed costs, and the
    bank holds less than a year of them.
    """
    salary = scenario.economy.staff.salary_fte
    income = expected_income(view, scenario) - ending_soon(view, 1)
    now = fixed_costs(view, scenario, view.staff_fte, view.interns, lines)
    return view.staff_fte > keep_fte and income < now - salary and view.cash < now


def capacity_staffing(
    view: TeamView,
    scenario: Scenario,
    services_budget: float,
    weights: dict[ServiceLine, float],
    lines: list[str],
    applying: int,
    max_fte: float = 8.0,
) -> Staffing:
    """Hire when the planned work outgrows the team and the books carry one more salary.

    The books carry it when lasting income (public money ending within two years
    left out) pays for it with room to spare; the board lets one go when services
    starve and the team is idle, or when next year's income no longer pays the team.
    """
    salary = scenario.economy.staff.salary_fte
    starving = services_budget < 0.8 * salary and utilisation(view) < 0.9
    unpaid = unpaid_staff(view, scenario, lines, keep_fte=LEAN_TEAM_FTE)
    if (view.staff_fte > 2.0 and starving) or unpaid:  # never below the lean team
        return Staffing(let_go_fte=round(min(1.0, view.staff_fte - LEAN_TEAM_FTE), 2))
    room = staff_time_left(view, scenario, view.staff_fte, view.interns, lines, applying)
    per_fte = deliverable(float("inf"), weights, 1.0, scenario)  # EUR one FTE delivers
    short = services_budget > room * per_fte
    later = expected_income(view, scenario) - ending_soon(view)
    costs = fixed_costs(view, scenario, view.staff_fte + 1.0, view.interns, lines)
    carried = later - costs > 0.5 * salary or (view.cash > costs and later > costs - salary)
    if short and view.staff_fte < max_fte and carried:
        return Staffing(hire_fte=1.0)
    return Staffing()


def project_chaser(view: TeamView, scenario: Scenario, rng: np.random.Generator) -> Decisions:
    """A project chaser: applies for every call it can, staffs up with interns, neglects contact."""
    lines = list(view.revenue_lines)
    interns = min(view.interns + 1, 3)
    total = affordable_services(view, scenario, view.staff_fte, interns, lines)
    weights = {
        L.COLLABORATIVE_RD: 0.4,
        L.MATCHMAKING_EVENTS: 0.15,
        L.INTERNATIONALISATION: 0.15,
        L.MARKET_INTELLIGENCE: 0.1,
        L.POLICY_LOBBYING: 0.1,
        L.TRAINING_TALENT: 0.08,
        L.MEMBER_RELATIONS: 0.02,
    }
    apply = eligible(view, kind=FundingKind.CALL) + eligible(view, Family.PUBLIC)
    focus = focus_by_service(view, {L.COLLABORATIVE_RD}, 3)
    return Decisions(
        budget=split(total, weights),
        staffing=Staffing(
            hire_interns=max(interns - view.interns, 0),
            let_go_fte=1.0 if unpaid_staff(view, scenario, lines) else 0.0,
        ),
        funding=Funding(apply=apply[:MAX_APPLICATIONS]),
        recruitment={s: 0.0 for s in Segment},
        strategy=first_strategy(view, focus, "Win the projects that fund the cluster.", 0.7),
        responses=defaults(view),
    )


def startup_builder(view: TeamView, scenario: Scenario, rng: np.random.Generator) -> Decisions:
    """A startup-and-capital builder: scale-up programs, investors, success fees."""
    lines = [
        o.id
        for o in view.revenue_line_options
        if o.service in {L.STARTUP_PROGRAMS, L.ACCESS_TO_CAPITAL, L.MATCHMAKING_EVENTS}
    ]
    large = scenario.economy.segments[Segment.LARGE_INDUSTRY].fee_capacity
    fees = FeeSchedule(
        model=FeeModel.TIERED, small=300.0, medium=1500.0, large=round(0.6 * large, -1)
    )
    total = affordable_services(view, scenario, view.staff_fte, view.interns, lines, prudence=1.0)
    weights = {
        L.STARTUP_PROGRAMS: 0.28,
        L.ACCESS_TO_CAPITAL: 0.24,
        L.MATCHMAKING_EVENTS: 0.16,
        L.MEMBER_RELATIONS: 0.12,
        L.COLLABORATIVE_RD: 0.1,
        L.INTERNATIONALISATION: 0.1,
    }
    apply = eligible(view, Family.PUBLIC)
    calls = eligible(view, kind=FundingKind.CALL)
    if calls and utilisation(view) < 0.95:
        apply.append(calls[-1])
    focus = focus_by_service(view, {L.STARTUP_PROGRAMS, L.ACCESS_TO_CAPITAL}, 1)
    return Decisions(
        budget=split(total, weights),
        staffing=staffing_for(view, scenario, total),
        fees=fees,
        funding=Funding(apply=apply[:MAX_APPLICATIONS], revenue_lines=lines),
        recruitment={Segment.STARTUP: 1.0, Segment.CAPITAL: 1.0, Segment.LARGE_INDUSTRY: 0.3},
        strategy=first_strategy(
            view, focus, "Grow the startups that will build the industry.", 0.8
        ),
        responses={
            e.id: (e.choices[0].id if e.choices else "") for e in view.events if e.new and e.choices
        },
    )


def fee_maximiser(view: TeamView, scenario: Scenario, rng: np.random.Generator) -> Decisions:
    """A fee maximiser: fees well above the value members see, thin services, every line.

    It prices each tier at ``FEE_MAXIMISER_MARKUP`` times the fee the value of its
    last report would justify (the value members see times what a typical member of
    the tier can afford), just short of what members refuse outright, so it keeps
    squeezing the members who stay while half its services budget thins the value.
    """
    lines = [o.id for o in view.revenue_line_options]
    segments = scenario.economy.segments
    value = view.last_report.members.service_value if view.last_report else 0.4
    markup = FEE_MAXIMISER_MARKUP * scenario.economy.members.value_to_price * value
    total = 0.5 * affordable_services(view, scenario, view.staff_fte, view.interns, lines)
    return Decisions(
        budget=split(total, {line: 1.0 for line in ServiceLine}),
        staffing=Staffing(let_go_fte=1.0 if unpaid_staff(view, scenario, lines) else 0.0),
        fees=FeeSchedule(
            model=FeeModel.TIERED,
            small=round(markup * segments[Segment.STARTUP].fee_capacity, -1),
            medium=round(markup * segments[Segment.SME].fee_capacity, -1),
            large=round(markup * segments[Segment.LARGE_INDUSTRY].fee_capacity, -1),
        ),
        funding=Funding(
            apply=eligible(view, Family.PUBLIC)[:MAX_APPLICATIONS], revenue_lines=lines
        ),
        recruitment={s: 0.0 for s in Segment},
        strategy=first_strategy(view, [], "Make members pay for what the cluster is worth.", 0.5),
        responses=defaults(view),
    )


def random_valid(view: TeamView, scenario: Scenario, rng: np.random.Generator) -> Decisions:
    """A random but valid board, for fuzzing the model and filling seats in tests."""
    total = float(rng.uniform(0, 300_000))
    budget = split(total, {line: float(rng.random()) + 0.01 for line in ServiceLine})
    options = eligible(view)
    count = int(rng.integers(0, min(len(options), 3) + 1))
    apply = [str(x) for x in rng.choice(options, size=count, replace=False)] if count else []
    lines = [o.id for o in view.revenue_line_options if rng.random() < 0.5]
    model = FeeModel(str(rng.choice([m.value for m in FeeModel])))
    fees = FeeSchedule(
        model=model,
        flat=float(rng.integers(0, 40)) * 100,
        small=float(rng.integers(0, 20)) * 100,
        medium=float(rng.integers(0, 40)) * 100,
        large=float(rng.integers(0, 200)) * 100,
    )
    staffing = Staffing(
        hire_fte=round(float(rng.choice([0.0, 0.0, 0.5, 1.0])), 1) if view.staff_fte < 6 else 0.0,
        let_go_fte=0.5 if view.staff_fte > 2 and rng.random() < 0.15 else 0.0,
    )
    responses = {
        e.id: str(rng.choice([c.id for c in e.choices])) for e in view.events if e.new and e.choices
    }
    focus = [a.id for a in view.focus_area_options if rng.random() < 0.4][:5]
    return Decisions(
        budget=budget,
        staffing=staffing,
        fees=fees,
        funding=Funding(apply=apply, revenue_lines=lines),
        recruitment={s: round(float(rng.random()), 2) for s in Segment},
        strategy=first_strategy(view, focus, "Try things.", float(rng.uniform(0.2, 1.5))),
        responses=responses,
    )


@dataclass(frozen=True)
class StrategyInfo:
    name: str
    play: StrategyFunction
    summary: str


STRATEGIES: dict[str, StrategyInfo] = {
    info.name: info
    for info in (
        StrategyInfo("passive", passive_public, "a passive board living on public money"),
        StrategyInfo("member_first", member_first, "a member-first diversifier"),
        StrategyInfo("project_chaser", project_chaser, "a project chaser"),
        StrategyInfo("startup_builder", startup_builder, "a startup-and-capital builder"),
        StrategyInfo("fee_maximiser", fee_maximiser, "a fee maximiser"),
        StrategyInfo("random", random_valid, "a random but valid board (for fuzzing)"),
    )
}


def strategy(name: str) -> StrategyInfo:
    """Return a strategy by name; raise KeyError naming the known ones."""
    if name not in STRATEGIES:
        raise KeyError(f"unknown strategy {name!r} (known: {', '.join(STRATEGIES)})")
    return STRATEGIES[name]
