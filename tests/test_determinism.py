"""Every scenario plays with every strategy, and one seed always gives the same game."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from game.scenario import scenario_names
from game.strategies import STRATEGIES

ROOT = Path(__file__).resolve().parent.parent
ALL_BOTS = "passive,member_first,project_chaser,startup_builder,fee_maximiser,random"
SHORT = "3"


def simulate(*args: str) -> subprocess.CompletedProcess:
    """Run a headless game of every strategy in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "cli", "simulate", "--bots", ALL_BOTS, "--json", *args],
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )


@cache
def simulate_once(*args: str) -> subprocess.CompletedProcess:
    """Run a game once per test session (for comparisons that reuse a run)."""
    return simulate(*args)


def test_the_bot_list_names_every_strategy():
    assert set(ALL_BOTS.split(",")) == set(STRATEGIES)


def test_there_is_a_scenario_to_play():
    assert "grow" in scenario_names()


@pytest.mark.parametrize("name", scenario_names())
def test_a_full_game_runs_for_every_strategy(name: str):
    done = simulate("--scenario", name, "--seed", "3")
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr == b""
    record = json.loads(done.stdout)
    assert record["scenario"] == name
    teams = {team["name"]: team for team in record["teams"]}
    assert set(teams) == set(STRATEGIES)
    for team in teams.values():
        assert [r["round"] for r in team["rounds"]] == list(range(1, record["rounds"] + 1))
        assert 0.0 <= team["final_score"] <= 100.0


@pytest.mark.parametrize("name", scenario_names())
def test_one_seed_gives_byte_identical_output(name: str):
    first = simulate_once("--scenario", name, "--seed", "42", "--rounds", SHORT)
    second = simulate("--scenario", name, "--seed", "42", "--rounds", SHORT)
    assert first.returncode == second.returncode == 0, first.stderr.decode()
    assert first.stdout == second.stdout
    assert len(json.loads(first.stdout)["teams"][0]["rounds"]) == int(SHORT)


@pytest.mark.parametrize("name", scenario_names())
def test_different_seeds_give_different_games(name: str):
    one = simulate_once("--scenario", name, "--seed", "42", "--rounds", SHORT)
    other = simulate("--scenario", name, "--seed", "43", "--rounds", SHORT)
    assert one.returncode == other.returncode == 0, other.stderr.decode()
    # the seed is part of the record, so compare the games themselves
    games = [json.loads(done.stdout)["teams"] for done in (one, other)]
    assert games[0] != games[1]
    hashes = [[r["state_hash"] for r in team["rounds"]] for team in games[0]]
    other_hashes = [[r["state_hash"] for r in team["rounds"]] for team in games[1]]
    assert all(a != b for a, b in zip(hashes, other_hashes, strict=True))
