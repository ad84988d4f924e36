"""Jobs as a worker process receives them: pickled, then unpickled in a process that may
already hold their scenario and the session's fixed columns. What a worker computes
from such a job is what the server's own process computes from the job itself."""

from __future__ import annotations

import pickle

import numpy as np

from game.decisions import Decisions
from game.round import Turn, open_all, resolve_all, round_cards, rules_id
from game.scenario import load_scenario
from game.setup import initial_state
from game.state import FIXED_COLUMNS
from server import forecasting, resolution
from server.forecasting import ForecastJob
from server.resolution import Job, held_fixed

SCENARIO = load_scenario("grow")
SEED = 5


def opened_states(round_no: int, teams: int = 3):
    """The teams' worlds as round ``round_no`` opens, computer-run boards before it."""
    states = [initial_state(SCENARIO, SEED) for _ in range(teams)]
    for r in range(1, round_no + 1):
        states = open_all(states, SCENARIO, round_cards(SCENARIO, SEED, r))
        if r == round_no:
            break
        turns = [Turn(s, seat, strategy="member_first") for seat, s in enumerate(states)]
        states = [o.state for o in resolve_all(turns, SCENARIO, SEED)]
    return states


def through_pickle(job):
    return pickle.loads(pickle.dumps(job, pickle.HIGHEST_PROTOCOL))


def test_a_forecast_job_through_a_pickle_gives_the_same_forecast() -> None:
    forecasting._scenarios.clear()
    rules = rules_id(SCENARIO)
    weights = dict(SCENARIO.scoring.weights)
    drafts = [Decisions(), Decisions.model_validate({"staffing": {"hire_fte": 1.0}})]
    for state in opened_states(3):
        for version, draft in enumerate(drafts):
            key = ("s", "t", 3, False, version, ())
            job = ForecastJob(key, state, draft, SCENARIO, weights, rules)
            expected = forecasting.run(job).forecast
            assert expected is not None
            assert forecasting.run(through_pickle(job)).forecast == expected


def test_a_worker_unpickles_a_scenario_once_per_rules() -> None:
    forecasting._scenarios.clear()
    rules = rules_id(SCENARIO)
    state = opened_states(1)[0]
    job = ForecastJob(("s", "t", 1, False, 1, ()), state, Decisions(), SCENARIO, {}, rules)
    first, second = through_pickle(job), through_pickle(job)
    assert first.scenario is not SCENARIO  # a copy, as a fresh worker gets it
    assert rules_id(first.scenario) == rules
    assert second.scenario is first.scenario  # the one this process holds for the rules
    whole = ForecastJob(job.key, state, Decisions(), SCENARIO, {}, "")  # no rules id: sent whole
    assert rules_id(through_pickle(whole).scenario) == rules


def test_unpickled_states_share_one_read_only_copy_of_each_fixed_column() -> None:
    states = [through_pickle(s) for s in opened_states(2)]
    held = [held_fixed(s) for s in states]
    for name in FIXED_COLUMNS:
        columns = [getattr(s.organizations, name) for s in held]
        assert all(c is columns[0] for c in columns)
        assert not columns[0].flags.writeable and columns[0].base is None
        np.testing.assert_array_equal(columns[0], getattr(states[0].organizations, name))
    for before, after in zip(states, held, strict=True):  # nothing else changed
        assert after.evolve(organizations=before.organizations) == before


def test_a_resolution_job_through_a_pickle_gives_the_same_result() -> None:
    states = opened_states(4)
    turns = tuple(Turn(s, seat, strategy="member_first") for seat, s in enumerate(states))
    job = Job(("s", 4, 4, ("a", "b", "c")), turns, SCENARIO, SEED, dict(SCENARIO.scoring.weights))
    here = resolution.run(job)
    there = resolution.run(through_pickle(job))
    for mine, theirs in zip(here.teams, there.teams, strict=True):
        assert mine.entry == theirs.entry  # decisions, report, score and state hash
        assert mine.packed_state == theirs.packed_state
        assert mine.packed_report == theirs.packed_report
