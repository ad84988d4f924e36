"""Class plans: what --plan sets, and run sheets in docs/facilitator.md that add up."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from cli.launch import PLANS, host_hello
from cli.main import build_parser
from game.match import with_rounds
from game.scenario import load_scenario

DOC = Path(__file__).resolve().parents[2] / "docs" / "facilitator.md"
SLOTS = {"taster": 45, "class": 90, "halfday": 210}


@pytest.mark.parametrize("name", sorted(PLANS))
def test_a_plan_sets_the_session_and_the_command_line_wins(name: str) -> None:
    plan = PLANS[name]
    _, hello = host_hello(build_parser().parse_args(["host", "--plan", name]))
    assert hello["scenario"] == plan.scenario and hello["rounds"] == plan.rounds
    assert hello["round_seconds"] == plan.round_seconds
    assert with_rounds(load_scenario(plan.scenario), plan.rounds).rounds == plan.rounds
    argv = ["host", "--plan", name, "--round-seconds", "300", "--rounds", "2"]
    _, mine = host_hello(build_parser().parse_args(argv))
    assert mine["round_seconds"] == 300 and mine["rounds"] == 2


def _sheet(name: str) -> list[tuple[int, int, str]]:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"**`--plan {name}`:")
    table = text[start:].split("\n\n")[1]  # the heading paragraph, then the table
    rows = []
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        first, last = re.fullmatch(r"(\d+)-(\d+)", cells[0]).groups()
        rows.append((int(first), int(last), cells[1] + " " + cells[2]))
    return rows


@pytest.mark.parametrize("name", sorted(PLANS))
def test_each_plan_has_a_run_sheet_that_fills_its_slot_minute_by_minute(name: str) -> None:
    plan = PLANS[name]
    rows = _sheet(name)
    assert rows[0][0] == 0 and rows[-1][1] == SLOTS[name]
    assert all(a[1] == b[0] for a, b in itertools.pairwise(rows))  # no gap, no overlap
    heading = DOC.read_text(encoding="utf-8").split(f"**`--plan {name}`:")[1].split("\n\n")[0]
    assert f"{SLOTS[name]} minutes" in heading and f"{plan.rounds} years" in heading
    assert f"{plan.round_seconds / 60:.0f} minutes" in heading
    practice = any("Practice round" in what for _, _, what in rows)
    assert practice == (plan.practice_seconds is not None)
