"""A headless game: several teams in parallel worlds, decided by strategies or scripts.

The round itself is ``game.round``'s, the same one the server's session plays:
for each round the cards fall for everyone, each board decides from its own view,
and every cluster resolves on its own copy of the common random numbers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from game.decisions import Decisions
from game.errors import GameError, IllegalDecision
from game.report import RoundReport
from game.round import Outcome, Turn, open_all, resolve_all, round_cards
from game.rules import check_decisions
from game.scenario import Scenario
from game.scoring import game_score, normalise_weights
from game.setup import initial_state
from game.state import state_hash


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


def check_rounds(scenario: Scenario, rounds: int | None) -> None:
    """Refuse a new game longer than its scenario is written for.

    A scenario's funding cards, events and yardsticks are written for its own rounds;
    past them no program or call opens and every cluster runs down (docs/model.md,
    "Known limits"). Stored games keep the rounds they were created with.
    """
    if rounds is not None and rounds > scenario.rounds:
        raise ValueError(
            f"rounds: {scenario.id!r} is written for at most {scenario.rounds} rounds "
            f"(got {rounds})"
        )


@dataclass
class Seat:
    """One team: a name and either a strategy or scripted decisions per round."""

    name: str
    strategy: str | None = None
    script: dict[int, Decisions] = field(default_factory=dict)

    def turn(self, seat: int, state: Any, round_no: int, last: RoundReport | None) -> Turn:
        if self.strategy is not None:
            return Turn(state, seat, last, strategy=self.strategy)
        return Turn(state, seat, last, submitted=self.script.get(round_no, Decisions()))


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
    """Play a whole game; return each team's record of decisions, reports and scores.

    Scripted decisions the rules refuse stop the game with IllegalDecision, naming
    the team and the round.
    """
    weights = normalise_weights(weights or dict(scenario.scoring.weights))
    states = [initial_state(scenario, seed) for _ in seats]
    reports: list[RoundReport | None] = [None] * len(seats)
    records = [TeamRecord(s.name, s.strategy) for s in seats]
    for round_no in range(1, scenario.rounds + 1):
        opened = open_all(states, scenario, round_cards(scenario, seed, round_no))
        turns = [
            seat.turn(i, state, round_no, reports[i])
            for i, (seat, state) in enumerate(zip(seats, opened, strict=True))
        ]
        outcomes = _resolve(turns, seats, scenario, seed, weights, round_no)
        for i, outcome in enumerate(outcomes):
            states[i], reports[i] = outcome.state, outcome.report
            records[i].rounds.append(_round_record(round_no, outcome))
    for record, state in zip(records, states, strict=True):
        record.final_score = game_score(state.scores, weights)
    return records


def _resolve(
    turns: list[Turn],
    seats: list[Seat],
    scenario: Scenario,
    seed: int,
    weights: dict[str, float],
    round_no: int,
) -> list[Outcome]:
    """Resolve the round; a script the rules refuse stops the game, naming team and round."""
    for seat, turn in zip(seats, turns, strict=True):
        if seat.strategy is None and turn.submitted is not None:
            problems = check_decisions(turn.submitted, turn.state, scenario)
            if problems:
                raise IllegalDecision(
                    [(f"{seat.name}, round {round_no}, {where}", what) for where, what in problems]
                )
    return resolve_all(turns, scenario, seed, weights)


def _round_record(round_no: int, outcome: Outcome) -> dict[str, Any]:
    return {
        "round": round_no,
        "decisions": outcome.played.decisions.model_dump(mode="json"),
        "report": outcome.report.model_dump(mode="json"),
        "state_hash": state_hash(outcome.state),
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
