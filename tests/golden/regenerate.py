"""Write the golden replay files: (scenario, seed, decisions) -> the state hash after every round.

Each file plays one scenario with a fixed seed and the built-in boards, then keeps
the decisions they played (as a script) and the hash of every team's state after
every round. ``tests/test_golden.py`` replays the scripts and compares the hashes,
so any change to the engine shows up as a golden diff. Regenerate on purpose,
after a change that is meant to change outcomes, and say why in the commit:

    python tests/golden/regenerate.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from game.match import Seat, play_match  # noqa: E402
from game.scenario import load_scenario  # noqa: E402

HERE = Path(__file__).resolve().parent
CASES = {
    "grow": (7, ["member_first", "project_chaser", "passive"]),
    "transform": (11, ["member_first", "fee_maximiser", "startup_builder"]),
    "build": (5, ["startup_builder", "member_first", "random"]),
    "tutorial": (3, ["member_first", "passive"]),
}


def golden(scenario_name: str, seed: int, bots: list[str]) -> dict:
    scenario = load_scenario(scenario_name)
    records = play_match(scenario, seed, [Seat(f"{b} {i}", b) for i, b in enumerate(bots)])
    return {
        "scenario": scenario_name,
        "seed": seed,
        "teams": [
            {
                "name": record.name,
                "rounds": [
                    {
                        "round": item["round"],
                        "decisions": item["decisions"],
                        "state_hash": item["state_hash"],
                    }
                    for item in record.rounds
                ],
                "final_score": record.final_score,
            }
            for record in records
        ],
    }


def main() -> None:
    for name, (seed, bots) in CASES.items():
        path = HERE / f"{name}.json"
        path.write_text(json.dumps(golden(name, seed, bots), indent=1, sort_keys=True) + "\n")
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
