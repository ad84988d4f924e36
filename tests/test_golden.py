"""Golden replays: the committed scripts replay to the committed state hashes.

A failure here means the engine now gives other outcomes for the same inputs. If
that is intended, regenerate the files (``python tests/golden/regenerate.py``) and
say why in the commit; if not, the change broke determinism or the model.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.decisions import Decisions
from game.match import Seat, play_match
from game.scenario import load_scenario

GOLDEN = sorted((Path(__file__).parent / "golden").glob("*.json"))


def test_every_scenario_has_a_golden_file():
    names = {path.stem for path in GOLDEN}
    assert {"grow", "transform", "build", "tutorial"} <= names


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.stem)
def test_the_scripts_replay_to_the_recorded_hashes(path: Path):
    golden = json.loads(path.read_text())
    scenario = load_scenario(golden["scenario"])
    seats = [
        Seat(
            team["name"],
            script={
                item["round"]: Decisions.model_validate(item["decisions"])
                for item in team["rounds"]
            },
        )
        for team in golden["teams"]
    ]
    records = play_match(scenario, golden["seed"], seats)
    for team, record in zip(golden["teams"], records, strict=True):
        for expected, got in zip(team["rounds"], record.rounds, strict=True):
            assert got["state_hash"] == expected["state_hash"], (
                f"{path.name}: {team['name']}, round {expected['round']}: the engine gives "
                "another state (regenerate on purpose: python tests/golden/regenerate.py)"
            )
        assert record.final_score == pytest.approx(team["final_score"], abs=1e-9)
