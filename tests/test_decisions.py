"""The Decisions model and the rules that need the game state (``check_decisions``)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from game.decisions import (
    MAX_APPLICATIONS,
    MAX_FOCUS_AREAS,
    Decisions,
    Funding,
    Staffing,
    Strategy,
    decisions_schema,
)
from game.errors import IllegalDecision
from game.events import open_round
from game.resolve import resolve_round
from game.rules import check_decisions
from game.scenario import FeeSchedule, Scenario, load_scenario
from game.setup import initial_state
from game.state import ARRAY_COLUMNS, ClusterState, state_hash
from game.vocabulary import FeeModel, FundingKind, Segment, ServiceLine

SEED = 5


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario("grow")


@pytest.fixture
def state(scenario: Scenario) -> ClusterState:
    return initial_state(scenario, SEED)


# ---------------------------------------------------------------- defaults carry on


def test_default_decisions_are_valid_and_carry_on(scenario: Scenario, state: ClusterState):
    decisions = Decisions()
    assert check_decisions(decisions, state, scenario) == []
    new_state, _ = resolve_round(state, decisions, scenario)
    before, after = state.policy, new_state.policy
    assert after.budget == before.budget
    assert after.fees == before.fees
    assert after.revenue_lines == before.revenue_lines
    assert after.recruitment == before.recruitment
    assert (after.ambition, after.focus_areas, after.strategy_set) == (
        before.ambition,
        before.focus_areas,
        before.strategy_set,
    )


def test_default_decisions_carry_on_last_years_choices(scenario: Scenario, state: ClusterState):
    budget = {line: 0.0 for line in ServiceLine} | {ServiceLine.MEMBER_RELATIONS: 40_000.0}
    fees = FeeSchedule(model=FeeModel.FLAT, flat=1_234.0)
    first = Decisions(budget=budget, fees=fees, recruitment={Segment.SME: 0.7})
    after_one, _ = resolve_round(state, first, scenario)
    after_two, _ = resolve_round(after_one, Decisions(), scenario)
    assert after_two.policy.budget == budget
    assert after_two.policy.fees == fees
    assert after_two.policy.recruitment[Segment.SME.value] == 0.7
    assert after_two.policy.budget != state.policy.budget


def test_a_partial_budget_gives_zero_to_the_lines_left_out():
    decisions = Decisions(budget={ServiceLine.TRAINING_TALENT: 10_000.0})
    assert set(decisions.budget) == set(ServiceLine)
    assert decisions.budget[ServiceLine.TRAINING_TALENT] == 10_000.0
    assert sum(decisions.budget.values()) == 10_000.0


# ---------------------------------------------------------------- bounds on the fields

OUT_OF_RANGE: list[tuple[str, dict[str, Any], tuple]] = [
    ("negative budget", {"budget": {"member_relations": -1.0}}, ("budget", "member_relations")),
    ("effort above 1", {"recruitment": {"sme": 1.01}}, ("recruitment", "sme")),
    ("negative effort", {"recruitment": {"startup": -0.1}}, ("recruitment", "startup")),
    ("hire above 5 FTE", {"staffing": {"hire_fte": 5.1}}, ("staffing", "hire_fte")),
    ("negative hire", {"staffing": {"hire_fte": -1}}, ("staffing", "hire_fte")),
    (
        "too many focus areas",
        {"strategy": {"focus_areas": [f"area_{i}" for i in range(MAX_FOCUS_AREAS + 1)]}},
        ("strategy", "focus_areas"),
    ),
    (
        "too many applications",
        {"funding": {"apply": [f"call_{i}" for i in range(MAX_APPLICATIONS + 1)]}},
        ("funding", "apply"),
    ),
    (
        "duplicate application",
        {"funding": {"apply": ["city_grant", "city_grant"]}},
        ("funding", "apply"),
    ),
    ("unknown field", {"budgett": {}}, ("budgett",)),
    ("unknown nested field", {"staffing": {"fire_fte": 1}}, ("staffing", "fire_fte")),
    ("unknown service line", {"budget": {"space_travel": 1.0}}, ("budget", "space_travel")),
    ("unknown segment", {"recruitment": {"aliens": 0.5}}, ("recruitment", "aliens")),
    ("negative target", {"strategy": {"targets": {"jobs": -5}}}, ("strategy", "targets", "jobs")),
]


@pytest.mark.parametrize(
    ("raw", "where"), [c[1:] for c in OUT_OF_RANGE], ids=[c[0] for c in OUT_OF_RANGE]
)
def test_out_of_range_decisions_are_refused_naming_the_field(raw: dict, where: tuple):
    with pytest.raises(ValidationError) as caught:
        Decisions.model_validate(raw)
    locations = [error["loc"] for error in caught.value.errors()]
    assert any(loc[: len(where)] == where for loc in locations), locations
    assert where[-1] in str(caught.value)


def test_upper_bounds_are_inclusive():
    decisions = Decisions.model_validate(
        {
            "staffing": {"hire_fte": 5.0},
            "recruitment": {"sme": 1.0},
            "funding": {"apply": [f"call_{i}" for i in range(MAX_APPLICATIONS)]},
            "strategy": {"focus_areas": [f"area_{i}" for i in range(MAX_FOCUS_AREAS)]},
        }
    )
    assert decisions.staffing.hire_fte == 5.0


def test_decisions_are_frozen():
    decisions = Decisions()
    with pytest.raises(ValidationError):
        decisions.responses = {"x": "y"}  # type: ignore[misc]


# ---------------------------------------------------------------- rules that need the state


def _paths(decisions: Decisions, state: ClusterState, scenario: Scenario) -> dict[str, str]:
    return dict(check_decisions(decisions, state, scenario))


def _closed_entry(scenario: Scenario, round_no: int) -> str:
    for entry in scenario.funding:
        if entry.kind != FundingKind.REVENUE_LINE and round_no not in entry.open_rounds:
            return entry.id
    pytest.fail("the scenario has no program or call closed in round 1")


def _revenue_line(scenario: Scenario) -> str:
    return next(e.id for e in scenario.funding if e.kind == FundingKind.REVENUE_LINE)


def _card_with_choices(scenario: Scenario):
    return next(card for card in scenario.events if card.choices)


def test_applying_for_an_unknown_id_names_the_entry(scenario: Scenario, state: ClusterState):
    decisions = Decisions(funding=Funding(apply=["no_such_program"]))
    problems = _paths(decisions, state, scenario)
    assert list(problems) == ["funding.apply.0"]
    assert "no_such_program" in problems["funding.apply.0"]


def test_applying_for_a_call_not_open_names_the_entry(scenario: Scenario, state: ClusterState):
    running = {a.source for a in state.agreements}
    open_id = next(
        e.id
        for e in scenario.funding
        if e.kind != FundingKind.REVENUE_LINE
        and 1 in e.open_rounds
        and e.id not in running
        and e.min_members <= state.members
        and e.min_track_record <= state.track_record
        and e.min_stage == "baby"
    )
    closed_id = _closed_entry(scenario, 1)
    problems = _paths(Decisions(funding=Funding(apply=[open_id, closed_id])), state, scenario)
    assert list(problems) == ["funding.apply.1"]
    assert "not open in round 1" in problems["funding.apply.1"]


def test_applying_for_a_revenue_line_is_refused(scenario: Scenario, state: ClusterState):
    problems = _paths(Decisions(funding=Funding(apply=[_revenue_line(scenario)])), state, scenario)
    assert list(problems) == ["funding.apply.0"]
    assert "revenue line" in problems["funding.apply.0"]


def test_running_a_program_as_a_revenue_line_is_refused(scenario: Scenario, state: ClusterState):
    program = next(e.id for e in scenario.funding if e.kind != FundingKind.REVENUE_LINE)
    lines = [_revenue_line(scenario), program]
    problems = _paths(Decisions(funding=Funding(revenue_lines=lines)), state, scenario)
    assert list(problems) == ["funding.revenue_lines.1"]


def test_letting_go_more_staff_than_exist_is_refused(scenario: Scenario, state: ClusterState):
    decisions = Decisions(staffing=Staffing(let_go_fte=state.staff_fte + 1.0))
    problems = _paths(decisions, state, scenario)
    assert "staffing.let_go_fte" in problems
    assert f"{state.staff_fte:g}" in problems["staffing.let_go_fte"]


def test_letting_go_interns_one_does_not_have_is_refused(scenario: Scenario, state: ClusterState):
    decisions = Decisions(staffing=Staffing(let_go_interns=state.interns + 1))
    assert "staffing.let_go_interns" in _paths(decisions, state, scenario)


def test_hiring_beyond_the_staff_cap_is_refused(scenario: Scenario, state: ClusterState):
    cap = scenario.economy.staff.max_fte
    crowded = state.evolve(staff_fte=cap)
    problems = _paths(Decisions(staffing=Staffing(hire_fte=1.0)), crowded, scenario)
    assert "staffing.hire_fte" in problems


def test_a_response_to_an_event_not_in_force_is_refused(scenario: Scenario, state: ClusterState):
    card = _card_with_choices(scenario)
    decisions = Decisions(responses={card.id: card.choices[0].id, "no_such_card": "x"})
    problems = _paths(decisions, state, scenario)
    assert set(problems) == {f"responses.{card.id}", "responses.no_such_card"}


def test_an_invalid_response_choice_is_refused(scenario: Scenario, state: ClusterState):
    card = _card_with_choices(scenario)
    opened = open_round(state, scenario, [card.id])
    valid = Decisions(responses={card.id: card.choices[-1].id})
    assert check_decisions(valid, opened, scenario) == []
    problems = _paths(Decisions(responses={card.id: "not_a_choice"}), opened, scenario)
    assert list(problems) == [f"responses.{card.id}"]
    assert card.choices[0].id in problems[f"responses.{card.id}"]


def test_an_unknown_focus_area_is_refused(scenario: Scenario, state: ClusterState):
    known = scenario.focus_areas[0].id
    decisions = Decisions(strategy=Strategy(focus_areas=[known, "no_such_area"]))
    problems = _paths(decisions, state, scenario)
    assert list(problems) == ["strategy.focus_areas.1"]
    assert "no_such_area" in problems["strategy.focus_areas.1"]


def test_a_focus_area_listed_twice_is_refused(scenario: Scenario, state: ClusterState):
    known = scenario.focus_areas[0].id
    problems = _paths(Decisions(strategy=Strategy(focus_areas=[known, known])), state, scenario)
    assert "strategy.focus_areas" in problems


def test_every_problem_is_reported_at_once(scenario: Scenario, state: ClusterState):
    decisions = Decisions(
        staffing=Staffing(let_go_fte=state.staff_fte + 1.0),
        funding=Funding(apply=["no_such_program"]),
        strategy=Strategy(focus_areas=["no_such_area"]),
        responses={"no_such_card": "x"},
    )
    assert set(_paths(decisions, state, scenario)) == {
        "staffing.let_go_fte",
        "funding.apply.0",
        "strategy.focus_areas.0",
        "responses.no_such_card",
    }


def test_resolve_round_refuses_illegal_decisions_and_leaves_state_alone(
    scenario: Scenario, state: ClusterState
):
    decisions = Decisions(
        funding=Funding(apply=[_closed_entry(scenario, 1)]),
        staffing=Staffing(let_go_fte=state.staff_fte + 1.0),
    )
    arrays = {name: getattr(state.organizations, name).copy() for name in ARRAY_COLUMNS}
    digest = state_hash(state)
    with pytest.raises(IllegalDecision) as caught:
        resolve_round(state, decisions, scenario)
    assert caught.value.problems == check_decisions(decisions, state, scenario)
    assert "funding.apply.0" in str(caught.value)
    assert "staffing.let_go_fte" in str(caught.value)
    assert state_hash(state) == digest
    for name, before in arrays.items():
        assert np.array_equal(getattr(state.organizations, name), before), name


# ---------------------------------------------------------------- the JSON Schema


def _walk(node: Any, path: str = "$"):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{path}[{index}]")


def test_schema_is_json_and_describes_the_decisions():
    schema = decisions_schema()
    assert json.loads(json.dumps(schema)) == schema
    assert schema["description"]
    assert set(schema["properties"]) == set(Decisions.model_fields)


def _described(prop: dict, definitions: dict) -> bool:
    """A property is described on itself or by the model it refers to."""
    if prop.get("description"):
        return True
    reference = prop.get("$ref", "")
    return bool(reference) and bool(definitions[reference.rsplit("/", 1)[-1]].get("description"))


def test_every_schema_property_has_a_description():
    schema = decisions_schema()
    definitions = schema.get("$defs", {})
    missing = [
        f"{obj.get('title')}.{name}"
        for obj in [schema, *definitions.values()]
        for name, prop in obj.get("properties", {}).items()
        if not _described(prop, definitions)
    ]
    assert missing == []


def test_every_numeric_schema_field_has_bounds():
    numeric = [
        (path, node)
        for path, node in _walk(decisions_schema())
        if node.get("type") in ("number", "integer")
    ]
    assert len(numeric) >= 10, "budget, effort, staffing, fees and targets are numeric"
    for path, node in numeric:
        assert "minimum" in node or "exclusiveMinimum" in node, path
        assert "maximum" in node or "exclusiveMaximum" in node, path


def test_schema_bounds_match_the_model():
    staffing = decisions_schema()["$defs"]["Staffing"]["properties"]["hire_fte"]
    assert (staffing["minimum"], staffing["maximum"]) == (0.0, 5.0)
    funding = decisions_schema()["$defs"]["Funding"]["properties"]["apply"]
    assert funding["maxItems"] == MAX_APPLICATIONS
