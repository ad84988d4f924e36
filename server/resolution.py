"""A round's resolution as a pure job: built by the core, run wherever the shell says.

The session core turns a round that entered ``resolving`` into a ``Job``: every
resolving team's turn (its world with the round's cards in force, its submission,
its computer strategy or the missing-submission policy), the scenario, the seed
and the weights. ``run`` plays the job with ``game.round.resolve_all`` and also
does the rest of the work that depends on the outcomes only: each team's round
record fields (decisions played, how and why, report, score, state hash), its
packed report and its packed state for the snapshot. A job and its result are
plain picklable data, so the shell may run ``run`` in a worker process
(``server.workers``) while the session keeps answering messages; the core then
applies the ``Result`` (``controls.resolve_all``), exactly as if it had run the
job itself, which is what replay and recovery do.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from game.report import RoundReport
from game.round import Played, Turn, resolve_all
from game.scenario import Scenario
from game.scoring import game_score
from game.snapshot import pack_state
from game.state import FIXED_COLUMNS, ClusterState
from server.rounds import team_state_hash
from server.teams import pack, unpack

Key = tuple[str, int, int, tuple[str, ...]]  # session, resolution, round, team keys in seat order
GATE_S = 60.0
Packed = dict[str, tuple[ClusterState, str]]  # team key -> state, and it packed (JSON text)


@dataclass(frozen=True)
class Job:
    """Everything one round's resolution depends on."""

    key: Key
    turns: tuple[Turn, ...]
    scenario: Scenario
    seed: int
    weights: dict[str, float]
    gate: str | None = None  # for tests: the job waits until this file exists (at most GATE_S)
    reports: tuple[bytes | None, ...] = ()  # each turn's last report, packed (see Team.reports)


@dataclass(frozen=True)
class TeamResult:
    """One team's outcome, with what the session stores of it already computed."""

    state: ClusterState
    report: RoundReport
    played: Played
    entry: dict[str, Any]  # the round record's fields: decisions, how, why, report, score, hash
    packed_report: bytes  # as ``Team.reports`` keeps it
    packed_state: str  # ``game.snapshot.pack_state(state)`` as JSON text, for the snapshot


@dataclass(frozen=True)
class Result:
    key: Key
    teams: tuple[TeamResult, ...]
    cpu: float = 0.0  # CPU seconds the job took where it ran


def run(job: Job) -> Result:
    """Resolve the job's round; the same result in any process."""
    if job.gate is not None:
        wait_for_file(job.gate, GATE_S)
    started = time.process_time()
    for turn in job.turns:  # as in the server's process: nothing may change them
        for name in FIXED_COLUMNS:
            getattr(turn.state.organizations, name).flags.writeable = False
    turns = [replace(t, state=held_fixed(t.state)) for t in job.turns]  # shared, as at home
    for i, packed in enumerate(job.reports):  # unpacked here, not on the server's loop
        if packed is not None:
            turns[i] = replace(turns[i], last_report=unpack(RoundReport, packed))
    outcomes = resolve_all(turns, job.scenario, job.seed, job.weights)
    teams = []
    for outcome in outcomes:
        entry = {
            **outcome.played.to_json(),
            "report": outcome.report.model_dump(mode="json"),
            "score": game_score(outcome.state.scores, job.weights),
            "hash": team_state_hash(outcome.state),
        }
        teams.append(
            TeamResult(
                state=outcome.state,
                report=outcome.report,
                played=outcome.played,
                entry=entry,
                packed_report=pack(outcome.report),
                packed_state=json.dumps(pack_state(outcome.state), separators=(",", ":")),
            )
        )
    return Result(job.key, tuple(teams), time.process_time() - started)


def wait_for_file(path: str, limit: float) -> None:
    """Sleep until ``path`` exists or ``limit`` seconds have passed: a resolution a test
    holds back for as long as it needs, whatever the machine's speed."""
    until = time.monotonic() + limit
    while not os.path.exists(path) and time.monotonic() < until:
        time.sleep(0.01)


FIXED_KEPT = 64  # per process: the fixed columns its jobs came with, by value
_fixed: dict[tuple[str, str, tuple[int, ...], bytes], np.ndarray] = {}


def held_fixed(state: ClusterState) -> ClusterState:
    """Return ``state`` holding this process's read-only copy of each of its fixed columns.

    A state unpickled in a worker comes with fresh, writable copies of the columns that
    never change; the engine keeps what it works out from a column (``game.rows``) only
    for a read-only array that owns its data, so each job would work it out again. The
    copy held for equal values (one per session and column, at most ``FIXED_KEPT``)
    lets a worker's jobs share it, as the teams of a session share it in the server.
    """
    organizations = state.organizations
    shared = {}
    for name in FIXED_COLUMNS:
        column = getattr(organizations, name)
        if not column.flags.writeable and column.base is None:
            continue  # held already, or shared with the session's states in this process
        key = (name, column.dtype.str, column.shape, column.tobytes())
        held = _fixed.get(key)
        if held is None:
            if len(_fixed) >= FIXED_KEPT:
                _fixed.clear()
            held = _fixed[key] = np.array(column, copy=True)  # owns its data
            held.flags.writeable = False
        shared[name] = held
    if not shared:
        return state
    return state.evolve(organizations=replace(organizations, **shared))


def share_fixed(state: ClusterState, opened: ClusterState | None) -> ClusterState:
    """Return ``state`` holding the fixed columns of the world it was resolved from.

    A state that came back from a worker process has its own copies of the columns
    that never change (segment, needs, founding: read-only wherever the job runs, so
    equal to the originals); pointing them back at the session's arrays keeps one
    array per session, as an in-process resolution does.
    """
    if opened is None:
        return state
    mine, theirs = state.organizations, opened.organizations
    if all(getattr(mine, name) is getattr(theirs, name) for name in FIXED_COLUMNS):
        return state
    shared = {}
    for name in FIXED_COLUMNS:
        original, copy = getattr(theirs, name), getattr(mine, name)
        if original.shape != copy.shape or original.dtype != copy.dtype:
            return state
        shared[name] = original
    return state.evolve(organizations=replace(mine, **shared))
