"""The rules a round's decisions must follow, given the state: one list of problems.

``check_decisions`` is what the server applies before it accepts a submission; it
also runs it on every draft and sends the problems with it, and the client shows
them (the client itself has no game state: it checks only the decisions model and
the eligibility each funding card carries). ``apply_policy`` turns the decisions
into the standing policy for the year.
"""

from __future__ import annotations

from dataclasses import replace

from game.decisions import Decisions, standing_scalars
from game.events import combine_effects, new_event_ids
from game.funding import ineligibility
from game.scenario import Scenario
from game.state import ClusterState, Policy
from game.vocabulary import FundingKind

Problem = tuple[str, str]


def _staffing_problems(decisions: Decisions, state: ClusterState, scenario: Scenario) -> list:
    rules = scenario.economy.staff
    staffing = decisions.staffing
    problems: list[Problem] = []
    if staffing.let_go_fte > max(state.staff_fte - 0.5, 0.0) + 1e-9:
        problems.append(
            (
                "staffing.let_go_fte",
                f"you have {state.staff_fte:g} FTE and at least 0.5 FTE must stay",
            )
        )
    if state.staff_fte - staffing.let_go_fte + staffing.hire_fte > rules.max_fte + 1e-9:
        problems.append(("staffing.hire_fte", f"staff may not exceed {rules.max_fte:g} FTE"))
    if staffing.let_go_interns > state.interns:
        problems.append(("staffing.let_go_interns", f"you have {state.interns} interns"))
    if state.interns - staffing.let_go_interns + staffing.hire_interns > rules.max_interns:
        problems.append(("staffing.hire_interns", f"at most {rules.max_interns} interns"))
    return problems


def _funding_problems(decisions: Decisions, state: ClusterState, scenario: Scenario) -> list:
    problems: list[Problem] = []
    catalogue = {entry.id: entry for entry in scenario.funding}
    open_calls = combine_effects(state, scenario).open_calls
    for i, funding_id in enumerate(decisions.funding.apply):
        entry = catalogue.get(funding_id)
        if entry is None:
            problems.append((f"funding.apply.{i}", f"unknown funding id {funding_id!r}"))
            continue
        reason = ineligibility(entry, state, state.round + 1, open_calls)
        if reason:
            problems.append((f"funding.apply.{i}", f"{entry.name} {reason}"))
    for i, line_id in enumerate(decisions.funding.revenue_lines or []):
        entry = catalogue.get(line_id)
        if entry is None or entry.kind != FundingKind.REVENUE_LINE:
            problems.append((f"funding.revenue_lines.{i}", f"{line_id!r} is not a revenue line"))
    return problems


def _strategy_problems(decisions: Decisions, scenario: Scenario) -> list:
    if decisions.strategy is None:
        return []
    known = {area.id for area in scenario.focus_areas}
    problems: list[Problem] = []
    for i, area in enumerate(decisions.strategy.focus_areas):
        if area not in known:
            problems.append((f"strategy.focus_areas.{i}", f"unknown focus area {area!r}"))
    if len(set(decisions.strategy.focus_areas)) != len(decisions.strategy.focus_areas):
        problems.append(("strategy.focus_areas", "a focus area is listed twice"))
    return problems


def _response_problems(decisions: Decisions, state: ClusterState, scenario: Scenario) -> list:
    problems: list[Problem] = []
    fresh = set(new_event_ids(state, scenario))
    for event_id, choice in decisions.responses.items():
        if event_id not in fresh:
            problems.append((f"responses.{event_id}", "no such event card this round"))
            continue
        choices = [c.id for c in scenario.event_card(event_id).choices]
        if choice not in choices:
            problems.append((f"responses.{event_id}", f"choose one of {choices}"))
    return problems


def check_decisions(decisions: Decisions, state: ClusterState, scenario: Scenario) -> list[Problem]:
    """Return every rule the decisions break, as (field path, what was wrong)."""
    if state.wound_up:
        return []
    return (
        _staffing_problems(decisions, state, scenario)
        + _funding_problems(decisions, state, scenario)
        + _strategy_problems(decisions, scenario)
        + _response_problems(decisions, state, scenario)
    )


def apply_policy(policy: Policy, decisions: Decisions) -> tuple[Policy, bool]:
    """Return the year's standing policy and whether a set strategy was revised."""
    changes: dict = {}
    if decisions.budget is not None:
        changes["budget"] = dict(decisions.budget)
    if decisions.fees is not None:
        changes["fees"] = decisions.fees
    if decisions.funding.revenue_lines is not None:
        changes["revenue_lines"] = tuple(decisions.funding.revenue_lines)
    if decisions.recruitment is not None:
        changes["recruitment"] = policy.recruitment | {
            s.value: v for s, v in decisions.recruitment.items()
        }
    scalars = {
        name: float(value)
        for name in standing_scalars()  # one number each: carried on as it is
        if (value := getattr(decisions, name)) is not None
    }
    if scalars:  # 0 is the value before a board first sets one: kept out, so equal is equal
        changes["scalars"] = {k: v for k, v in (policy.scalars | scalars).items() if v != 0.0}
    revised = False
    if decisions.strategy is not None:
        new = (
            decisions.strategy.ambition,
            tuple(decisions.strategy.focus_areas),
            dict(decisions.strategy.targets),
        )
        revised = policy.strategy_set and new != (
            policy.ambition,
            policy.focus_areas,
            policy.targets,
        )
        changes.update(ambition=new[0], focus_areas=new[1], targets=new[2], strategy_set=True)
    return replace(policy, **changes), revised
