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

import time
from dataclasses import dataclass

from game.decisions import Decisions
from game.forecast import Forecast, forecast
from game.scenario import Scenario
from game.state import ClusterState

# session, team key, round, practice, draft version, the cards in force
Key = tuple[str, str, int, bool, int, tuple[str, ...]]
SCENARIOS_KEPT = 16  # per process: the scenarios its jobs came with, by rules id
_scenarios: dict[str, Scenario] = {}


@dataclass(frozen=True)
class ForecastJob:
    """Everything one draft's forecast depends on."""

    key: Key
    state: ClusterState
    decisions: Decisions
    scenario: Scenario
    weights: dict[str, float]
    rules: str = ""  # game.round.rules_id of the scenario: the same rules, the same scenario


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
    result = forecast(job.state, job.decisions, kept(job), job.weights)
    return Computed(job.key, result, time.process_time() - started)


def kept(job: ForecastJob) -> Scenario:
    """The scenario of the job's rules this process already holds (a worker gets a fresh
    copy with every job): the engine's caches of a scenario's tables then stay warm."""
    if not job.rules:
        return job.scenario
    scenario = _scenarios.get(job.rules)
    if scenario is None:
        if len(_scenarios) >= SCENARIOS_KEPT:
            _scenarios.clear()
        scenario = _scenarios[job.rules] = job.scenario
    return scenario
