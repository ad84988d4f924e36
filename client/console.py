"""The facilitator console: the join code, the teams, the round controls, events, weights."""

from __future__ import annotations

from typing import Any

import pygame

from client.console_view import draw_console, layout
from client.scenes.base import Scene
from client.widgets import Control, Rect
from game.strategies import STRATEGIES

WEIGHTS = ("impact", "sustainability", "engagement", "diversification")


def player_page(url: str, code: str) -> str:
    """The web page players open to join, on the game server at ``url`` (ws:// or wss://)."""
    base = url.rstrip("/").replace("wss://", "https://", 1).replace("ws://", "http://", 1)
    return f"{base}/?code={code}"


TIMER_STEP = 60.0


class ConsoleScene(Scene):
    title = "Console"

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.seconds = 600.0
        self.event_index = 0
        self.strategy_index = (
            list(STRATEGIES).index("member_first") if "member_first" in STRATEGIES else 0
        )
        self.weights: dict[str, float] | None = None
        self.qr: list[list[bool]] | None = None
        self._qr_for = ""

    # ------------------------------------------------------------ reading the model

    def state(self):
        return self.model.facilitator

    def deck(self) -> list[str]:
        state = self.state()
        return list(state.event_deck) if state else []

    def shown_weights(self) -> dict[str, float]:
        if self.weights is not None:
            return self.weights
        state = self.state()
        if state is None:
            return {k: 25.0 for k in WEIGHTS}
        total = sum(state.config.weights.values()) or 1.0
        return {k: float(round(100 * state.config.weights.get(k, 0.0) / total)) for k in WEIGHTS}

    def join_text(self) -> str:
        """The players' page on the server this console talks to, for the QR code."""
        state = self.state()
        url = self.app.net.url if self.app.net else self.app.settings.url
        return player_page(url, state.code) if state else ""

    def update(self, dt: float) -> None:
        wanted = self.join_text()
        if wanted and wanted != self._qr_for:
            from client.qr import qr_matrix

            self._qr_for, self.qr = wanted, qr_matrix(wanted)

    # ------------------------------------------------------------ controls

    def controls(self, rect: Rect) -> list[Control]:
        phase = self.model.phase
        regions = layout(self.theme, rect)
        enabled = {
            "start": phase == "lobby",
            "open": phase in ("briefing", "results"),
            "seconds": True,
            "extend": phase in ("decisions", "paused"),
            "close": phase in ("decisions", "paused"),
            "pause": phase == "decisions",
            "resume": phase == "paused",
            "event": bool(self.deck()),
            "inject": bool(self.deck()) and phase in ("briefing", "results", "decisions", "paused"),
            "strategy": True,
            "add_bot": phase in ("lobby", "briefing"),
            "apply_weights": phase not in ("resolving", "finished"),
            "end": phase not in ("resolving", "finished"),
            "projector": True,
        }
        found = []
        for key, rect_ in regions["controls"].items():
            kind = (
                "stepper"
                if key in ("seconds", "event", "strategy") or key.startswith("w:")
                else "button"
            )
            on = enabled.get(key, phase not in ("resolving", "finished"))
            found.append(Control(key, rect_, kind, on, "Not at this point of the game."))
        return found

    def activate(self, control: Control) -> None:
        key = control.id
        requests = {
            "start": ("start", {}),
            "open": ("open_round", {"seconds": self.seconds}),
            "extend": ("extend", {"seconds": TIMER_STEP}),
            "close": ("close_round", {}),
            "pause": ("pause_round", {}),
            "resume": ("resume_round", {}),
            "end": ("end_game", {}),
        }
        if key in requests:
            kind, fields = requests[key]
            self.app.request(kind, **fields)
        elif key == "inject" and self.deck():
            self.app.request(
                "inject_event", event_id=self.deck()[self.event_index % len(self.deck())]
            )
        elif key == "add_bot":
            self.app.request(
                "add_bot", team=self._bot_name(), strategy=list(STRATEGIES)[self.strategy_index]
            )
        elif key == "apply_weights":
            self.app.request("set_weights", weights=self.shown_weights())
            self.weights = None
        elif key == "projector":
            self.app.show("projector")

    def _bot_name(self) -> str:
        state = self.state()
        taken = {team.team for team in state.teams} if state else set()
        number = 1
        while f"Computer {number}" in taken:
            number += 1
        return f"Computer {number}"

    def adjust(self, control: Control, step: int) -> None:
        key = control.id
        if key == "seconds":
            self.seconds = max(60.0, min(self.seconds + step * TIMER_STEP, 7200.0))
        elif key == "event" and self.deck():
            self.event_index = (self.event_index + step) % len(self.deck())
        elif key == "strategy":
            self.strategy_index = (self.strategy_index + step) % len(STRATEGIES)
        elif key.startswith("w:"):
            weights = dict(self.shown_weights())
            name = key[2:]
            weights[name] = max(0.0, min(weights[name] + step * 5.0, 100.0))
            self.weights = weights

    def draw(self, surface: pygame.Surface, rect: Rect) -> None:
        draw_console(self, surface, rect)
