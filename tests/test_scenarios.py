"""Scenario files: every shipped scenario loads and sits on the real-world scale, and the
loader refuses bad files with every problem named, field by field.

The bad files are built from a valid scenario: its parsed TOML is copied, broken on
purpose and written back with a small TOML writer, so each test breaks exactly what it
says and nothing else.
"""

from __future__ import annotations

import copy
import json
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from game.scenario import (
    ECONOMY_FILE,
    SCENARIO_DIR,
    Scenario,
    ScenarioError,
    load_scenario_file,
    scenario_names,
)
from game.vocabulary import FundingKind

SCENARIO_FILES = sorted(p for p in SCENARIO_DIR.glob("*.toml") if p.name != ECONOMY_FILE)
EXPECTED_CATEGORY = {
    "grow": "grow",
    "transform": "transform",
    "build": "build",
    "tutorial": "tutorial",
}

# The real-world scale of a cluster organization (DOMAIN.md, typical figures).
BUDGET_RANGE = (100_000.0, 1_000_000.0)  # EUR a year
STAFF_RANGE = (2.0, 8.0)  # FTE
MEMBER_RANGE = (15, 200)

Data = dict[str, Any]


# ---------------------------------------------------------------- helpers


def read(path: Path) -> Data:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def base_data() -> Data:
    """Return a fresh copy of a valid scenario's raw data to break."""
    return copy.deepcopy(read(SCENARIO_DIR / "tutorial.toml"))


_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    if isinstance(value, dict):
        items = ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items())
        return "{ " + items + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def to_toml(data: Data) -> str:
    """Write scenario-shaped data: top-level tables and arrays of tables, inline below."""
    head: list[str] = []
    body: list[str] = []
    for key, value in data.items():
        if isinstance(value, dict):
            body.append(f"[{_key(key)}]")
            body += [f"{_key(k)} = {_value(v)}" for k, v in value.items()]
        elif isinstance(value, list) and value and all(isinstance(i, dict) for i in value):
            for item in value:
                body.append(f"[[{_key(key)}]]")
                body += [f"{_key(k)} = {_value(v)}" for k, v in item.items()]
        else:
            head.append(f"{_key(key)} = {_value(value)}")
    return "\n".join(head + body) + "\n"


def write(tmp_path: Path, data: Data, name: str = "variant.toml") -> Path:
    path = tmp_path / name
    path.write_text(to_toml(data), encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario_file(path)
    assert caught.value.path == str(path)
    assert caught.value.problems, "a refused file must list its problems"
    return caught.value.problems


def index_of(data: Data, table: str, **match: Any) -> int:
    """Return the position of the first entry of an array of tables matching the fields."""
    for i, entry in enumerate(data[table]):
        if all(entry.get(k) == v for k, v in match.items()):
            return i
    raise LookupError(f"no {table} entry with {match}")


def yearly_cost(scenario: Scenario) -> float:
    """Return what the starting position spends in a year: staff, overhead, services, lines."""
    start, staff = scenario.start, scenario.economy.staff
    lines = sum(scenario.funding_entry(line).fixed_cost for line in start.revenue_lines)
    return (
        start.staff_fte * staff.salary_fte
        + start.interns * staff.intern_cost
        + staff.overhead_base
        + staff.overhead_per_fte * start.staff_fte
        + sum(start.budget.values())
        + lines
    )


# ---------------------------------------------------------------- shipped scenarios


def test_every_category_has_its_scenario() -> None:
    assert set(EXPECTED_CATEGORY) <= set(scenario_names())
    assert "economy" not in scenario_names()


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_scenario_loads_under_its_file_name(path: Path) -> None:
    scenario = load_scenario_file(path)
    assert scenario.id == path.stem


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_category_and_rounds(path: Path) -> None:
    info = load_scenario_file(path).scenario
    if path.stem in EXPECTED_CATEGORY:
        assert info.category == EXPECTED_CATEGORY[path.stem]
    if info.category == "tutorial":
        assert info.rounds == 3
    else:
        assert 8 <= info.rounds <= 12


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_starting_position_is_on_the_real_world_scale(path: Path) -> None:
    scenario = load_scenario_file(path)
    members = sum(scenario.start.members.values())
    assert BUDGET_RANGE[0] <= yearly_cost(scenario) <= BUDGET_RANGE[1]
    assert STAFF_RANGE[0] <= scenario.start.staff_fte <= STAFF_RANGE[1]
    assert MEMBER_RANGE[0] <= members <= MEMBER_RANGE[1]


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_catalogue_has_all_three_families(path: Path) -> None:
    scenario = load_scenario_file(path)
    families = {entry.family.value for entry in scenario.funding}
    assert families == {"public", "private", "project"}
    lines = [e for e in scenario.funding if e.kind == FundingKind.REVENUE_LINE]
    assert lines and all(line.service is not None for line in lines)


def test_transform_members_feel_urgency_and_a_crisis_comes_mid_game() -> None:
    scenario = load_scenario_file(SCENARIO_DIR / "transform.toml")
    assert 0.6 <= scenario.region.urgency <= 0.8
    crises = [
        card
        for card in scenario.events
        if card.round is not None
        and 4 <= card.round <= 6
        and (card.effects.member_growth < 0 or card.effects.fee_capacity_factor < 1)
    ]
    assert crises and all(len(card.choices) >= 2 for card in crises)


def test_build_starts_small_and_tips_later() -> None:
    scenario = load_scenario_file(SCENARIO_DIR / "build.toml")
    assert 60 <= sum(scenario.region.dormant.values()) <= 200
    tipping = [card for card in scenario.events if card.effects.activate_prospects >= 0.7]
    assert len(tipping) == 1
    card = tipping[0]
    assert card.effects.open_calls and card.effects.chance_bonus > 0
    when = [card.round] if card.round is not None else card.rounds
    assert min(when) >= 3
    applied = [e for e in scenario.funding if e.kind != FundingKind.REVENUE_LINE]
    early = [e for e in applied if min(e.open_rounds, default=99) < min(when)]
    # before the field tips: small grants, or bigger money at low odds
    assert early and all(e.amount < 100_000 or e.chance <= 0.15 for e in early)
    big = {e.id for e in applied if e.amount >= 130_000}
    assert big and not big & {e.id for e in early}
    assert big & set(card.effects.open_calls)


def test_tutorial_is_small_and_teaches_one_lesson() -> None:
    scenario = load_scenario_file(SCENARIO_DIR / "tutorial.toml")
    assert scenario.scenario.lesson
    assert 6 <= len(scenario.funding) <= 9
    assert len(scenario.events) == 1
    card = scenario.events[0]
    assert card.round is not None and len(card.choices) >= 2
    briefing = scenario.scenario.briefing.lower()
    for screen in ("briefing", "dashboard", "decisions", "results"):
        assert screen in briefing


# ---------------------------------------------------------------- the writer round-trips


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_rewritten_scenario_loads_unchanged(tmp_path: Path, path: Path) -> None:
    copy_path = write(tmp_path, read(path), name=path.name)
    assert load_scenario_file(copy_path) == load_scenario_file(path)


# ---------------------------------------------------------------- bad scenarios


def _drop_start_cash(data: Data) -> None:
    del data["start"]["cash"]


def _engagement_too_high(data: Data) -> None:
    data["start"]["engagement"] = 1.5


def _negative_members(data: Data) -> None:
    data["start"]["members"]["sme"] = -1


def _unknown_agreement(data: Data) -> None:
    data["start"]["agreements"][0]["source"] = "no_such_program"


def _unknown_theme(data: Data) -> None:
    i = index_of(data, "funding", id="national_rd_project")
    data["funding"][i]["themes"] = ["no_such_theme"]


def _line_without_service(data: Data) -> None:
    i = index_of(data, "funding", kind="revenue_line")
    del data["funding"][i]["service"]


def _misspelt_field(data: Data) -> None:
    data["start"]["fess"] = data["start"].pop("fees")


def _unknown_field(data: Data) -> None:
    data["start"]["fess"] = 1000.0


def _weights_not_summing(data: Data) -> None:
    data["scoring"]["weights"]["impact"] = 0.9


def _unknown_category(data: Data) -> None:
    data["scenario"]["category"] = "shrink"


def _stages_out_of_order(data: Data) -> None:
    data["stages"] = list(reversed(data["stages"]))


def _line_index(data: Data) -> int:
    return index_of(data, "funding", kind="revenue_line")


SINGLE_PROBLEMS: list[tuple[str, Callable[[Data], None], Callable[[Data], str]]] = [
    ("missing_field", _drop_start_cash, lambda d: "start.cash: required field is missing"),
    ("out_of_range", _engagement_too_high, lambda d: "start.engagement: "),
    ("negative_count", _negative_members, lambda d: "start.members.sme: "),
    (
        "unknown_agreement",
        _unknown_agreement,
        lambda d: "start.agreements.0.source: unknown funding id 'no_such_program'",
    ),
    (
        "unknown_theme",
        _unknown_theme,
        lambda d: (
            f"funding.{index_of(d, 'funding', id='national_rd_project')}.themes: "
            "'no_such_theme' is not a focus area id"
        ),
    ),
    (
        "line_without_service",
        _line_without_service,
        lambda d: f"funding.{_line_index(d)}: a revenue_line needs the service it sells",
    ),
    ("unknown_field", _unknown_field, lambda d: "start.fess: unknown field"),
    ("weights", _weights_not_summing, lambda d: "scoring: weights: give all four components"),
    ("category", _unknown_category, lambda d: "scenario.category: "),
    ("stage_order", _stages_out_of_order, lambda d: "stages: give thresholds for emerging"),
]


@pytest.mark.parametrize(
    ("break_it", "expected"),
    [(b, e) for _, b, e in SINGLE_PROBLEMS],
    ids=[name for name, _, _ in SINGLE_PROBLEMS],
)
def test_one_problem_is_named_with_its_field(
    tmp_path: Path, break_it: Callable[[Data], None], expected: Callable[[Data], str]
) -> None:
    data = base_data()
    break_it(data)
    problems = problems_of(write(tmp_path, data))
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected(base_data())), problems


def test_out_of_range_problem_shows_the_bad_value(tmp_path: Path) -> None:
    data = base_data()
    data["region"]["urgency"] = 2.5
    (problem,) = problems_of(write(tmp_path, data))
    assert problem.startswith("region.urgency: ")
    assert "2.5" in problem


def test_invalid_toml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    text = (SCENARIO_DIR / "tutorial.toml").read_text(encoding="utf-8")
    path.write_text(text.replace('id = "tutorial"', 'id = "tutorial', 1), encoding="utf-8")
    (problem,) = problems_of(path)
    assert problem.startswith("not valid TOML")


def test_missing_file_is_refused(tmp_path: Path) -> None:
    assert problems_of(tmp_path / "nowhere.toml") == ["file not found"]


def test_error_message_names_the_file_and_every_problem(tmp_path: Path) -> None:
    data = base_data()
    _drop_start_cash(data)
    _engagement_too_high(data)
    path = write(tmp_path, data)
    with pytest.raises(ScenarioError) as caught:
        load_scenario_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: 2 problem(s)")
    assert f"{path}: start.cash" in message
    assert f"{path}: start.engagement" in message


def test_several_field_problems_are_all_reported(tmp_path: Path) -> None:
    data = base_data()
    for break_it in (
        _drop_start_cash,
        _engagement_too_high,
        _line_without_service,
        _misspelt_field,
        _unknown_category,
    ):
        break_it(data)
    problems = problems_of(write(tmp_path, data))
    expected = [
        "start.cash: required field is missing",
        "start.engagement: ",
        f"funding.{_line_index(base_data())}: a revenue_line needs the service it sells",
        "start.fess: unknown field",
        "scenario.category: ",
    ]
    # a misspelt field also leaves the real one missing
    expected.append("start.fees: required field is missing")
    assert len(problems) == len(expected), problems
    for fragment in expected:
        assert any(p.startswith(fragment) for p in problems), (fragment, problems)


def test_several_reference_problems_are_all_reported(tmp_path: Path) -> None:
    data = base_data()
    _unknown_agreement(data)
    _unknown_theme(data)
    data["start"]["revenue_lines"] = ["no_such_line"]
    data["events"][0]["effects"]["open_calls"] = ["no_such_call"]
    late = index_of(data, "funding", id="town_grant")
    data["funding"][late]["open_rounds"] = [1, 9]
    problems = problems_of(write(tmp_path, data))
    rd = index_of(data, "funding", id="national_rd_project")
    expected = [
        "start.agreements.0.source: unknown funding id 'no_such_program'",
        f"funding.{rd}.themes: 'no_such_theme' is not a focus area id",
        "start.revenue_lines.0: 'no_such_line' is not a revenue_line in funding",
        "events.0.effects: unknown funding id 'no_such_call'",
        f"funding.{late}.open_rounds: rounds [9] are after the last round",
    ]
    assert len(problems) == len(expected), problems
    for fragment in expected:
        assert fragment in problems, (fragment, problems)


def test_field_and_reference_problems_are_reported_together(tmp_path: Path) -> None:
    data = base_data()
    _engagement_too_high(data)
    _unknown_agreement(data)
    problems = problems_of(write(tmp_path, data))
    assert any(p.startswith("start.engagement: ") for p in problems)
    assert any(p.startswith("start.agreements.0.source: unknown funding id") for p in problems)
