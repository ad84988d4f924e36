"""A draft's forecast as a pure job: chosen by the core, run wherever the shell says.

The session core decides when a team's forecast is due (its draft has been quiet for
``SETTLE`` seconds, or a view of the team asks for it) and hands the shell a
``ForecastJob`` for one (team, round, draft version). The shell runs ``run`` in a
worker process (``server.workers``), or in its own process with no workers, and
feeds the ``Computed`` result back to the core in a ``forecast_done`` command, which
sends it to the team only while that draft version is still the team's. Forecasts
are derived from the state and the draft: they are never logged, and replay and
recovery never compute them.
"""

from __future__ import annotations

import pickle
import time
from dataclasses import dataclass
from typing import Any

from game.decisions import Decisions
from game.forecast import Forecast, forecast
from game.scenario import Scenario
from game.state import ClusterState
from server.resolution import held_fixed

# session, team key, round, practice, draft version, the cards in force
Key = tuple[str, str, int, bool, int, tuple[str, ...]]
SCENARIOS_KEPT = 16  # per process: the scenarios its jobs came with, by rules id
_scenarios: dict[str, Scenario] = {}
_pickled: dict[str, bytes] = {}  # rules id -> its scenario pickled (the id digests it whole)


@dataclass(frozen=True)
class ForecastJob:
    """Everything one draft's forecast depends on."""

    key: Key
    state: ClusterState
    decisions: Decisions
    scenario: Scenario
    weights: dict[str, float]
    rules: str = ""  # game.round.rules_id of the scenario: the same rules, the same scenario

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled for a worker with its scenario as bytes pickled once per rules id: the
        worker unpickles them only for rules it does not hold yet (a scenario costs far
        more to unpickle than the team's state)."""
        fields = (self.key, self.state, self.decisions, self.weights, self.rules)
        if not self.rules:
            return ForecastJob, (*fields[:3], self.scenario, *fields[3:])
        return _received, (*fields, _scenario_bytes(self.rules, self.scenario))


@dataclass(frozen=True)
class Computed:
    """A job's forecast (None when there is nothing to forecast); ``ok`` is False when
    the job failed, and then the core only forgets that it was running."""

    key: Key
    forecast: Forecast | None
    cpu: float = 0.0  # CPU seconds the job took where it ran
    ok: bool = True


def run(job: ForecastJob) -> Computed:
    """Forecast the job's draft; the same result in any process."""
    started = time.process_time()
    state = held_fixed(job.state)  # a worker's jobs share what the engine keeps of them
    result = forecast(state, job.decisions, kept(job), job.weights)
    return Computed(job.key, result, time.process_time() - started)


def _scenario_bytes(rules: str, scenario: Scenario) -> bytes:
    held = _pickled.get(rules)
    if held is None:
        if len(_pickled) >= SCENARIOS_KEPT:
            _pickled.clear()
        held = _pickled[rules] = pickle.dumps(scenario, pickle.HIGHEST_PROTOCOL)
    return held


def _received(
    key: Key,
    state: ClusterState,
    decisions: Decisions,
    weights: dict[str, float],
    rules: str,
    scenario: bytes,
) -> ForecastJob:
    """A job as a worker unpickles it: the scenario of its rules this process holds, or
    the one it came with."""
    held = _scenarios.get(rules)
    if held is None:
        held = _keep(rules, pickle.loads(scenario))
    return ForecastJob(key, state, decisions, held, weights, rules)


def _keep(rules: str, scenario: Scenario) -> Scenario:
    if len(_scenarios) >= SCENARIOS_KEPT:
        _scenarios.clear()
    _scenarios[rules] = scenario
    return scenario


def kept(job: ForecastJob) -> Scenario:
    """The scenario of the job's rules this process already holds (a worker gets a fresh
    copy with every job): the engine's caches of a scenario's tables then stay warm."""
    if not job.rules:
        return job.scenario
    scenario = _scenarios.get(job.rules)
    if scenario is None:
        scenario = _keep(job.rules, job.scenario)
    return scenario
