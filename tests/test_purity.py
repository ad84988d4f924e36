"""The economy core is pure: no I/O library behind it, no mutation of its inputs, no hidden state.

The core's own dependencies are numpy and pydantic. On some Python versions pydantic
itself loads ``asyncio`` and ``socket`` (through ``typing_extensions.deprecated``), so the
import check compares the core against a process that imports only those two
dependencies, and a static scan makes sure no module of ``game/`` names an I/O library.
"""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sources import parse_source

import game
from game.decisions import Decisions, Funding, Staffing
from game.events import events_for_round, open_round
from game.resolve import resolve_round
from game.round import bot_generator
from game.scenario import load_scenario
from game.setup import initial_state
from game.state import ARRAY_COLUMNS, FIXED_COLUMNS, ClusterState, dump_state, state_hash
from game.strategies import STRATEGIES
from game.view import team_view

IO_LIBRARIES = ("asyncio", "websockets", "pygame", "sqlite3", "socket")
NEVER_LOADED = ("websockets", "pygame", "sqlite3")  # no dependency of the core needs these
SHELLS: set[str] = set()  # the command line moved to cli/; every game module is core
GAME_DIR = Path(game.__file__).resolve().parent
ROOT = GAME_DIR.parent
SEED = 11


def core_modules() -> list[str]:
    return sorted(
        f"game.{info.name}"
        for info in pkgutil.iter_modules(game.__path__)
        if info.name not in SHELLS
    )


def loaded_io_libraries(imports: list[str], then: str = "pass") -> list[str]:
    """Import modules in a fresh interpreter, run ``then``; return the I/O libraries loaded."""
    wanted = sorted(IO_LIBRARIES)
    code = (
        f"import {', '.join(imports)}; {then}; import sys, json; "
        f"loaded = {{m.split('.')[0] for m in sys.modules}}; "
        f"print(json.dumps(sorted(loaded & set({wanted!r}))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_core_module_list_covers_the_economy():
    modules = core_modules()
    for name in ("game.resolve", "game.match", "game.strategies", "game.view", "game.news"):
        assert name in modules


def test_core_loads_no_io_library_beyond_its_dependencies():
    # pydantic loads its plugin machinery (importlib.metadata, hence email and socket)
    # when the first model class is built, so the baseline builds one too
    model = "type('Probe', (pydantic.BaseModel,), {'__annotations__': {'x': int}})"
    baseline = set(loaded_io_libraries(["numpy", "pydantic"], then=model))
    loaded = set(loaded_io_libraries(core_modules()))
    assert loaded - baseline == set(), f"the core pulls in {sorted(loaded - baseline)}"
    assert not loaded & set(NEVER_LOADED), f"the core loads {sorted(loaded & set(NEVER_LOADED))}"


def test_cli_loads_no_network_or_game_client_library():
    loaded = set(loaded_io_libraries(["cli.main"]))
    assert not loaded & set(NEVER_LOADED), f"the CLI loads {sorted(loaded & set(NEVER_LOADED))}"


def _imported_names(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
        elif isinstance(node, ast.Call) and node.args:
            called = node.func
            name = called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", "")
            first = node.args[0]
            if name in {"import_module", "__import__"} and isinstance(first, ast.Constant):
                names.append(str(first.value))
    return names


@pytest.mark.parametrize("path", sorted(GAME_DIR.glob("*.py")), ids=lambda p: p.name)
def test_no_game_module_names_an_io_library(path: Path):
    names = _imported_names(parse_source(path))
    offending = sorted({n for n in names if n.split(".")[0] in IO_LIBRARIES})
    assert offending == [], f"{path.name} imports {offending}"
    rooms = sorted({n for n in names if n.split(".")[0] in {"server", "client", "protocol", "cli"}})
    assert rooms == [], f"{path.name} imports the rooms above the economy: {rooms}"


# ---------------------------------------------------------------- resolve_round is pure


def _snapshot(state: ClusterState) -> tuple[dict[str, np.ndarray], dict, str]:
    arrays = {name: getattr(state.organizations, name).copy() for name in ARRAY_COLUMNS}
    return arrays, json.loads(json.dumps(dump_state(state))), state_hash(state)


def _round_states(strategy_name: str, rounds: int) -> list[tuple[ClusterState, Decisions]]:
    """Play a few rounds with one strategy; return each round's opened state and decisions."""
    scenario = load_scenario("grow")
    state, report, played = initial_state(scenario, SEED), None, []
    for round_no in range(1, rounds + 1):
        state = open_round(state, scenario, events_for_round(scenario, SEED, round_no))
        view = team_view(state, scenario, report)
        decisions = STRATEGIES[strategy_name].play(view, scenario, bot_generator(SEED, 0, round_no))
        played.append((state, decisions))
        state, report = resolve_round(state, decisions, scenario)
    return played


@pytest.mark.parametrize("strategy_name", sorted(STRATEGIES))
def test_resolve_round_does_not_mutate_its_input(strategy_name: str):
    scenario = load_scenario("grow")
    for state, decisions in _round_states(strategy_name, 4):
        arrays, dumped, digest = _snapshot(state)
        decisions_before = decisions.model_dump()
        new_state, _ = resolve_round(state, decisions, scenario)
        assert new_state is not state
        for name, before in arrays.items():
            assert np.array_equal(getattr(state.organizations, name), before), name
        assert json.loads(json.dumps(dump_state(state))) == dumped
        assert state_hash(state) == digest
        assert decisions.model_dump() == decisions_before


def test_resolve_round_shares_only_read_only_arrays_with_its_input():
    """Changing columns are new arrays; the fixed ones are shared and cannot be written."""
    scenario = load_scenario("grow")
    state = initial_state(scenario, SEED)
    new_state, _ = resolve_round(state, Decisions(), scenario)
    for name in ARRAY_COLUMNS:
        old, new = getattr(state.organizations, name), getattr(new_state.organizations, name)
        if name in FIXED_COLUMNS:
            assert old is new and not new.flags.writeable, name
            with pytest.raises(ValueError):
                new[...] = new
        else:
            assert not np.shares_memory(new, old), name


@pytest.mark.parametrize("strategy_name", sorted(STRATEGIES))
def test_same_inputs_give_the_same_output(strategy_name: str):
    scenario = load_scenario("grow")
    for state, decisions in _round_states(strategy_name, 3):
        first_state, first_report = resolve_round(state, decisions, scenario)
        second_state, second_report = resolve_round(state, decisions, scenario)
        assert state_hash(first_state) == state_hash(second_state)
        assert first_report.model_dump() == second_report.model_dump()


def test_random_draws_come_from_the_state_not_a_global_generator():
    scenario = load_scenario("grow")
    state = initial_state(scenario, SEED)
    decisions = Decisions(staffing=Staffing(hire_fte=1.0), funding=Funding(apply=[]))
    np.random.seed(1)
    first, _ = resolve_round(state, decisions, scenario)
    np.random.seed(2)
    np.random.random(100)
    second, _ = resolve_round(state, decisions, scenario)
    assert state_hash(first) == state_hash(second)
    assert first.rng_state != state.rng_state, "the year's draws advance the stored generator"
