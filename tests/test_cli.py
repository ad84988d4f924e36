"""The ``clusterboard`` command line: clear one-line errors, and records that match the game."""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys
import traceback
from pathlib import Path

import pytest

from cli.main import main
from game.decisions import Decisions
from game.report import RoundReport
from game.scenario import SCENARIO_DIR, load_scenario, scenario_names
from game.strategies import STRATEGIES
from game.vocabulary import FundingKind

ROOT = Path(__file__).resolve().parent.parent


def clusterboard_process(*args: str | Path) -> subprocess.CompletedProcess:
    """Run the real entry point in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def clusterboard(*args: str | Path) -> subprocess.CompletedProcess:
    """Run ``main`` in this process (fast); an escaping exception shows as a traceback."""
    argv = list(map(str, args))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as leaving:
            code = leaving.code if isinstance(leaving.code, int) else 1
        except Exception:
            traceback.print_exc()
            code = 1
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())


def assert_one_line_error(done: subprocess.CompletedProcess, *mentions: str) -> str:
    """Check the run failed with one clear line on stderr that names what was wrong."""
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one line, got:\n{done.stderr}"
    assert lines[0].startswith("clusterboard: error:"), lines[0]
    for mention in mentions:
        assert mention in lines[0], f"{mention!r} not in {lines[0]!r}"
    return lines[0]


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# ---------------------------------------------------------------- errors


def test_unknown_scenario_is_one_clear_line():
    assert_one_line_error(clusterboard("simulate", "--scenario", "atlantis"), "atlantis")


def test_unknown_strategy_is_one_clear_line():
    done = clusterboard("simulate", "--bots", "passive,daydreamer")
    assert_one_line_error(done, "daydreamer")
    assert done.returncode == 2


@pytest.mark.parametrize("seed", ["abc", "-1", "1.5"])
def test_bad_seed_is_one_clear_line(seed: str):
    assert_one_line_error(clusterboard("simulate", f"--seed={seed}"), "seed", seed)


@pytest.mark.parametrize("rounds", ["0", "21", "x"])
def test_bad_rounds_is_one_clear_line(rounds: str):
    assert_one_line_error(clusterboard("simulate", f"--rounds={rounds}"), "rounds", rounds)


def test_missing_decisions_file_is_one_clear_line(tmp_path: Path):
    missing = tmp_path / "nowhere.json"
    assert_one_line_error(
        clusterboard("simulate", "--decisions", missing), str(missing), "not found"
    )


def test_decisions_file_with_invalid_json_is_one_clear_line(tmp_path: Path):
    broken = tmp_path / "broken.json"
    broken.write_text('[{"budget": ', encoding="utf-8")
    assert_one_line_error(clusterboard("simulate", "--decisions", broken), str(broken), "JSON")


def test_decisions_file_out_of_range_names_round_and_field(tmp_path: Path):
    path = write_json(tmp_path / "range.json", [{}, {"staffing": {"hire_fte": 9}}])
    done = clusterboard("simulate", "--rounds", "3", "--decisions", path)
    assert_one_line_error(done, str(path), "round 2", "staffing.hire_fte")
    assert done.stdout == ""


def test_decisions_file_with_an_unknown_field_names_it(tmp_path: Path):
    path = write_json(tmp_path / "typo.json", {"1": {"budjet": {}}})
    assert_one_line_error(clusterboard("simulate", "--decisions", path), "round 1", "budjet")


def test_decisions_file_applying_for_a_closed_call_names_team_round_field(tmp_path: Path):
    scenario = load_scenario("grow")
    closed = next(
        e for e in scenario.funding if e.kind != FundingKind.REVENUE_LINE and 2 not in e.open_rounds
    )
    path = write_json(tmp_path / "closed.json", {"2": {"funding": {"apply": [closed.id]}}})
    done = clusterboard("simulate", "--rounds", "3", "--bots", "passive", "--decisions", path)
    line = assert_one_line_error(done, "scripted", "round 2", "funding.apply.0")
    assert closed.name in line


@pytest.mark.parametrize(
    "args",
    [
        ("simulate", "--scenario", "atlantis"),
        ("simulate", "--bots", "daydreamer"),
        ("simulate", "--seed", "abc"),
        ("simulate", "--decisions", "no/such/file.json"),
    ],
    ids=["scenario", "strategy", "seed", "decisions"],
)
def test_the_entry_point_fails_without_a_traceback(args: tuple[str, ...]):
    done = clusterboard_process(*args)
    assert done.returncode != 0
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("clusterboard: error:")


# ---------------------------------------------------------------- validate, schema, scenarios


def test_validate_lists_every_problem_of_a_bad_file(tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[scenario]\nid = "X"\n', encoding="utf-8")
    done = clusterboard("validate", bad)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    problems = [line for line in done.stderr.splitlines() if line.startswith(f"  {bad}: ")]
    assert len(problems) >= 5
    for field in ("scenario.id", "scenario.rounds", "region", "funding", "scoring"):
        assert any(f": {field}:" in line for line in problems), field


def test_validate_names_an_unknown_table(tmp_path: Path):
    text = (SCENARIO_DIR / "grow.toml").read_text(encoding="utf-8")
    bad = tmp_path / "extra.toml"
    bad.write_text(text + "\n[bogus_table]\nx = 1\n", encoding="utf-8")
    done = clusterboard("validate", bad)
    assert done.returncode == 1
    assert "bogus_table" in done.stderr


def test_validate_a_missing_file_fails_cleanly(tmp_path: Path):
    done = clusterboard("validate", tmp_path / "absent.toml")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "not found" in done.stderr


def test_validate_a_good_file_succeeds():
    path = SCENARIO_DIR / "grow.toml"
    done = clusterboard("validate", path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.startswith(f"{path}: ok")


def test_schema_prints_the_decisions_schema():
    done = clusterboard("schema")
    assert done.returncode == 0, done.stderr
    schema = json.loads(done.stdout)
    assert set(schema["properties"]) == set(Decisions.model_fields)
    assert {"budget", "staffing", "fees", "funding", "strategy"} <= set(schema["properties"])


def test_scenarios_lists_every_scenario():
    done = clusterboard("scenarios")
    assert done.returncode == 0, done.stderr
    listed = [line.split()[0] for line in done.stdout.splitlines() if line.strip()]
    assert listed == scenario_names()


# ---------------------------------------------------------------- simulate


@pytest.fixture(scope="module")
def record() -> dict:
    done = clusterboard(
        "simulate",
        "--json",
        "--seed",
        "9",
        "--rounds",
        "3",
        "--bots",
        "passive,member_first,passive",
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_simulate_json_has_every_teams_rounds(record: dict):
    assert record["rounds"] == 3
    assert [team["name"] for team in record["teams"]] == ["passive", "member_first", "passive-2"]
    for team in record["teams"]:
        assert team["strategy"] in STRATEGIES
        assert isinstance(team["final_score"], float)
        assert [r["round"] for r in team["rounds"]] == [1, 2, 3]
        for entry in team["rounds"]:
            Decisions.model_validate(entry["decisions"])
            report = RoundReport.model_validate(entry["report"])
            assert report.round == entry["round"]
            assert re.fullmatch(r"[0-9a-f]{64}", entry["state_hash"])


def test_simulate_final_score_is_the_last_game_score(record: dict):
    for team in record["teams"]:
        last = team["rounds"][-1]["report"]["score"]["game_score"]
        assert team["final_score"] == pytest.approx(last, abs=0.01)


def test_same_strategy_twice_plays_the_same_game(record: dict):
    first, _, twin = record["teams"]
    assert [r["state_hash"] for r in first["rounds"]] == [r["state_hash"] for r in twin["rounds"]]


def test_simulate_prints_a_readable_table():
    done = clusterboard("simulate", "--seed", "9", "--rounds", "2", "--bots", "passive")
    assert done.returncode == 0, done.stderr
    assert "Round 2" in done.stdout
    assert "Final leaderboard" in done.stdout


def test_scripted_team_records_the_file_decisions(tmp_path: Path):
    scenario = load_scenario("grow")
    focus = scenario.focus_areas[0].id
    script = {
        "1": {
            "budget": {"member_relations": 30_000, "matchmaking_events": 20_000},
            "fees": {"model": "flat", "flat": 900},
            "recruitment": {"sme": 0.5},
            "strategy": {
                "ambition": "Grow together.",
                "focus_areas": [focus],
                "targets": {"jobs": 50},
            },
        },
        "3": {"staffing": {"hire_interns": 1}},
    }
    path = write_json(tmp_path / "script.json", script)
    done = clusterboard(
        "simulate", "--json", "--rounds", "3", "--bots", "passive", "--decisions", path
    )
    assert done.returncode == 0, done.stderr
    teams = {team["name"]: team for team in json.loads(done.stdout)["teams"]}
    assert set(teams) == {"passive", "scripted"}
    scripted = teams["scripted"]
    assert scripted["strategy"] is None
    for entry in scripted["rounds"]:
        raw = script.get(str(entry["round"]), {})
        assert entry["decisions"] == Decisions.model_validate(raw).model_dump(mode="json")
    assert scripted["rounds"][0]["report"]["targets"] == {"jobs": 50.0}


def test_scripted_decisions_may_be_a_list_of_rounds(tmp_path: Path):
    path = write_json(tmp_path / "list.json", [{"recruitment": {"startup": 1.0}}, None])
    done = clusterboard(
        "simulate", "--json", "--rounds", "2", "--bots", "passive", "--decisions", path
    )
    assert done.returncode == 0, done.stderr
    scripted = json.loads(done.stdout)["teams"][-1]
    assert scripted["name"] == "scripted"
    assert scripted["rounds"][0]["decisions"]["recruitment"] == {"startup": 1.0}
    assert scripted["rounds"][1]["decisions"] == Decisions().model_dump(mode="json")
