"""The game's error hierarchy.

    GameError
    ├── ScenarioError        (game.scenario: a scenario file that cannot be used)
    └── IllegalDecision      a decision the rules refuse (the field and the reason)

Protocol errors (bad message, stale round, not allowed) live with the server.
"""

from __future__ import annotations


class GameError(Exception):
    """Base of every error the economy raises on purpose."""


class IllegalDecision(GameError):
    """Decisions the rules refuse; ``problems`` maps each field path to what was wrong."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        text = "; ".join(f"{where}: {what}" for where, what in problems)
        super().__init__(f"illegal decisions: {text}")
