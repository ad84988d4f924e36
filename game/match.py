"""A headless game: several teams in parallel worlds, decided by strategies or scripts.

The same loop the server's session runs, without networking: for each round,
the cards fall for everyone, each board sees its own view and decides, and each
cluster resolves on its own copy of the common random numbers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import TypeAdapter, ValidationError

from game.decisions import Decisions
from game.errors import GameError, IllegalDecision
from game.events import events_for_round, open_round
from game.report import RoundReport
from game.resolve import resolve_round
from game.scenario import Scenario
from game.scoring import game_score, normalise_weights
from game.setup import initial_state
from game.state import ClusterState, state_hash
from game.strategies import strategy
from game.view import team_view

BOT_STREAM = 3


class DecisionsFileError(GameError):
    """A file of scripted decisions that cannot be used."""


def with_rounds(scenario: Scenario, rounds: int | None) -> Scenario:
    """Return the scenario played over a different number of rounds (1 to 20)."""
    if rounds is None or rounds == scenario.rounds:
        return scenario
    if not 1 <= rounds <= 20:
        raise ValueError(f"rounds must be between 1 and 20 (got {rounds})")
    info = scenario.scenario.model_copy(update={"rounds": rounds})
    return scenario.model_copy(update={"scenario": info})


def bot_generator(seed: int, seat: int, round_no: int) -> np.random.Generator:
    """Return the generator a computer-run seat uses in one round."""
    return np.random.Generator(
        np.random.PCG64(np.random.SeedSequence([seed, BOT_STREAM, seat, round_no]))
    )


@dataclass
class Seat:
    """One team: a name and either a strategy or scripted decisions per round."""

    name: str
    strategy: str | None = None
    script: dict[int, Decisions] = field(default_factory=dict)

    def decide(self, view: Any, scenario: Scenario, rng: np.random.Generator) -> Decisions:
        if self.strategy is not None:
            return strategy(self.strategy).play(view, scenario, rng)
        return self.script.get(view.round, Decisions())


@dataclass
class TeamRecord:
    name: str
    strategy: str | None
    rounds: list[dict[str, Any]] = field(default_factory=list)
    final_score: float = 0.0


def play_match(
    scenario: Scenario,
    seed: int,
    seats: list[Seat],
    weights: dict[str, float] | None = None,
) -> list[TeamRecord]:
    """Play a whole game; return each team's record of decisions, reports and scores."""
    weights = normalise_weights(weights or dict(scenario.scoring.weights))
    states = [initial_state(scenario, seed) for _ in seats]
    reports: list[RoundReport | None] = [None] * len(seats)
    records = [TeamRecord(s.name, s.strategy) for s in seats]
    for round_no in range(1, scenario.rounds + 1):
        cards = events_for_round(scenario, seed, round_no)
        for i, seat in enumerate(seats):
            state = open_round(states[i], scenario, cards)
            view = team_view(state, scenario, reports[i])
            decisions = seat.decide(view, scenario, bot_generator(seed, i, round_no))
            try:
                states[i], reports[i] = resolve_round(state, decisions, scenario, weights)
            except IllegalDecision as error:
                raise IllegalDecision(
                    [
                        (f"{seat.name}, round {round_no}, {where}", what)
                        for where, what in error.problems
                    ]
                ) from None
            records[i].rounds.append(_round_record(round_no, decisions, reports[i], states[i]))
    for record, state in zip(records, states, strict=True):
        record.final_score = game_score(state.scores, weights)
    return records


def _round_record(
    round_no: int, decisions: Decisions, report: RoundReport | None, state: ClusterState
) -> dict[str, Any]:
    assert report is not None
    return {
        "round": round_no,
        "decisions": decisions.model_dump(mode="json"),
        "report": report.model_dump(mode="json"),
        "state_hash": state_hash(state),
    }


def load_decisions_file(path: str | Path) -> dict[int, Decisions]:
    """Read scripted decisions: a JSON list (one object per round) or {"1": {...}, ...}."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DecisionsFileError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise DecisionsFileError(f"{path}: cannot be read ({error})") from None
    except json.JSONDecodeError as error:
        raise DecisionsFileError(f"{path}: not valid JSON ({error})") from None
    if isinstance(raw, dict) and "rounds" in raw:
        raw = raw["rounds"]
    if isinstance(raw, list):
        items = {str(i + 1): value for i, value in enumerate(raw)}
    elif isinstance(raw, dict):
        items = raw
    else:
        raise DecisionsFileError(f"{path}: expected a list or an object of rounds")
    script: dict[int, Decisions] = {}
    adapter = TypeAdapter(Decisions)
    problems = []
    for key, value in items.items():
        if not key.isdigit() or not 1 <= int(key) <= 20:
            problems.append(f"round {key!r}: round numbers are 1 to 20")
            continue
        try:
            script[int(key)] = adapter.validate_python(value if value is not None else {})
        except ValidationError as error:
            for e in error.errors():
                where = ".".join(str(p) for p in e["loc"])
                problems.append(f"round {key}, {where}: {e['msg']}")
    if problems:
        raise DecisionsFileError(f"{path}: " + "; ".join(problems))
    return script
