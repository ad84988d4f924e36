"""The facilitator console: the join code, the teams, every control a class needs.

Each documented control is one click; the destructive ones (reset the practice
round, remove a team or a player, end the game) ask for a second click on the
same button within a few seconds. A team or a player is chosen by clicking it
in the teams table; the "Selected" row then acts on it.
"""

from __future__ import annotations

import csv
import os
import time
from pathlib import Path
from typing import Any

import pygame

from client.console_view import draw_console, layout
from client.scenes.base import Scene
from client.widgets import Control, Rect
from game.strategies import STRATEGIES
from protocol.grading import STUDENT_COLUMNS, STUDENTS_FILE, student_rows

WEIGHTS = ("impact", "sustainability", "engagement", "diversification")
TIMER_STEP = 60.0
CONFIRM_SECONDS = 6.0
CONFIRMED = ("reset_practice", "remove_team", "remove_player", "end")  # asked twice
STEPPERS = ("seconds", "event", "strategy", "move_to")
NOT_NOW = "Not at this point of the game."


def player_page(url: str, code: str) -> str:
    """The web page players open to join, on the game server at ``url`` (ws:// or wss://)."""
    return f"{http_base(url)}/?code={code}"


def http_base(url: str) -> str:
    return url.rstrip("/").replace("wss://", "https://", 1).replace("ws://", "http://", 1)


EXPORT_ENV = "CLUSTERBOARD_EXPORT_DIR"


def export_folder() -> Path:
    """Where the console writes its exports: $CLUSTERBOARD_EXPORT_DIR or ~/clusterboard-exports."""
    return Path(os.environ.get(EXPORT_ENV) or Path.home() / "clusterboard-exports")


def export_students(state, folder: Path) -> Path:
    """Write the per-student CSV (protocol.grading) of the session; return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{state.code}-{STUDENTS_FILE}"
    rows = student_rows([s.model_dump() for s in state.students])
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=STUDENT_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


class ConsoleScene(Scene):
    title = "Console"

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.seconds: float | None = None  # None: the session's own round timer
        self.event_index = 0
        self.strategy_index = (
            list(STRATEGIES).index("member_first") if "member_first" in STRATEGIES else 0
        )
        self.weights: dict[str, float] | None = None
        self.qr: list[list[bool]] | None = None
        self._qr_for = ""
        self.selected_team = ""  # a team's name
        self.selected_player = ""  # a player's id
        self.move_index = 0
        self.message = ""  # the text box: a broadcast, or a player's new name
        self.armed = ""  # a destructive control clicked once, waiting for the second click
        self.armed_until = 0.0
        self.show_token = False
        self.last_export: Path | None = None
        self.roster: list[str] = []  # team names to add once the session exists (--teams)
        self.practice_seconds: float | None = None  # a plan's practice timer (host --plan)

    # ------------------------------------------------------------ reading the model

    def state(self):
        return self.model.facilitator

    def deck(self) -> list[str]:
        state = self.state()
        return list(state.event_deck) if state else []

    def round_seconds(self) -> float:
        """The timer the next round opens with: the session's, unless changed here."""
        if self.seconds is not None:
            return self.seconds
        state = self.state()
        return float(state.config.round_seconds) if state else 600.0

    def shown_weights(self) -> dict[str, float]:
        if self.weights is not None:
            return self.weights
        state = self.state()
        if state is None:
            return {k: 25.0 for k in WEIGHTS}
        total = sum(state.config.weights.values()) or 1.0
        return {k: float(round(100 * state.config.weights.get(k, 0.0) / total)) for k in WEIGHTS}

    def server_url(self) -> str:
        return self.app.net.url if self.app.net else self.app.settings.url

    def join_text(self) -> str:
        """The players' page on the server this console talks to, for the QR code."""
        state = self.state()
        return player_page(self.server_url(), state.code) if state else ""

    def token(self) -> str:
        net = self.app.net
        return (net.token if net is not None else None) or self.app.settings.token or ""

    def token_lines(self) -> list[str]:
        """How to reopen this console; the secret itself only when asked for."""
        state = self.state()
        if state is None:
            return []
        lines = [f"Reopen: clusterboard host --resume {state.code}"]
        token = self.token()
        if self.show_token and token:
            lines.append(f"Token: {token}")
            lines.append(
                f"Second console: clusterboard host --url {self.server_url()} --token {token}"
            )
            lines.append(f"Browser console: {http_base(self.server_url())}/host#token={token}")
        return lines

    def team(self, name: str | None = None):
        state = self.state()
        wanted = self.selected_team if name is None else name
        if state is None or not wanted:
            return None
        return next((t for t in state.teams if t.team == wanted and not t.removed), None)

    def player(self):
        team = self.team()
        if team is None or not self.selected_player:
            return None
        return next((p for p in team.players if p.id == self.selected_player), None)

    def move_targets(self) -> list[str]:
        """Teams the selected player may move to: open to players, not the player's own."""
        state = self.state()
        if state is None or self.player() is None:
            return []
        return [
            t.team
            for t in state.teams
            if not t.removed and t.computer is None and t.team != self.selected_team
        ]

    def move_target(self) -> str:
        targets = self.move_targets()
        return targets[self.move_index % len(targets)] if targets else ""

    def update(self, dt: float) -> None:
        wanted = self.join_text()
        if wanted and wanted != self._qr_for:
            from client.qr import qr_matrix

            self._qr_for, self.qr = wanted, qr_matrix(wanted)
        if self.armed and time.monotonic() > self.armed_until:
            self.armed = ""
        self._follow_selection()
        self._add_roster()

    def _add_roster(self) -> None:
        """Name the roster's teams once the session is there (``host --teams/--roster``)."""
        state = self.state()
        if not self.roster or state is None or self.model.phase not in ("lobby", "briefing"):
            return
        taken = {t.team.casefold() for t in state.teams}
        for name in self.roster:
            if name.casefold() not in taken:
                self.app.request("add_team", team=name)
        self.roster = []

    def _follow_selection(self) -> None:
        """Keep the selection on what is still there; a moved player takes the team along."""
        state = self.state()
        if self.selected_player and state is not None and self.player() is None:
            home = next(
                (
                    t.team
                    for t in state.teams
                    if not t.removed and any(p.id == self.selected_player for p in t.players)
                ),
                "",
            )
            self.selected_team = home
            if not home:
                self.selected_player = ""
        if self.selected_team and self.team() is None:
            self.selected_team, self.selected_player = "", ""

    # ------------------------------------------------------------ controls

    def enabled(self) -> dict[str, tuple[bool, str]]:
        """Whether each control may be used now, and why not."""
        phase = self.model.phase
        timer = self.model.timer
        practice = bool(timer and timer.practice)
        live = phase not in ("resolving", "finished")
        team, player = self.team(), self.player()
        pick_team = "Click a team in the table first."
        pick_player = "Click a player's name in the table first."
        computer = (
            (False, pick_team)
            if team is None
            else (live, NOT_NOW)
            if team.computer is not None and team.players
            else (False, "This team has no players to give it back to.")
            if team.computer is not None
            else (live, NOT_NOW)
        )
        return {
            "start": (phase == "lobby", NOT_NOW),
            "practice": (
                phase == "briefing" and self.model.round == 0,
                "A practice round comes before the first round, after Start.",
            ),
            "open": (
                phase in ("briefing", "results") and not practice,
                "Reset the practice round first." if practice else NOT_NOW,
            ),
            "reset_practice": (phase == "results" and practice, "No practice round to reset."),
            "seconds": (True, ""),
            "extend": (phase in ("decisions", "paused"), NOT_NOW),
            "close": (phase in ("decisions", "paused"), NOT_NOW),
            "pause": (phase == "decisions", NOT_NOW),
            "resume": (phase == "paused", NOT_NOW),
            "event": (bool(self.deck()), "This scenario has no event cards."),
            "inject": (
                bool(self.deck()) and phase in ("briefing", "results", "decisions", "paused"),
                NOT_NOW,
            ),
            "strategy": (True, ""),
            "add_bot": (phase in ("lobby", "briefing"), "Computer teams join before round 1."),
            "computer": computer,
            "remove_team": (team is not None and live, pick_team if team is None else NOT_NOW),
            "move_to": (bool(self.move_targets()), pick_player),
            "move": (
                bool(self.move_target()) and live,
                pick_player if player is None else "No other team open to players.",
            ),
            "remove_player": (player is not None and live, pick_player),
            "message": (True, ""),
            "broadcast": (self.state() is not None, NOT_NOW),
            "rename": (
                player is not None and bool(self.message.strip()) and live,
                pick_player if player is None else "Type the new name in the box first.",
            ),
            "add_team": (
                phase in ("lobby", "briefing")
                and self.model.round == 0
                and bool(self.message.strip()),
                "Type the team's name in the box first."
                if phase in ("lobby", "briefing")
                else "Teams are named before the first round.",
            ),
            "apply_weights": (live, NOT_NOW),
            "projector": (True, ""),
            "token": (self.state() is not None, ""),
            "export": (self.state() is not None, NOT_NOW),
            "end": (live, NOT_NOW),
        }

    def controls(self, rect: Rect) -> list[Control]:
        regions = layout(self.theme, rect, self.state())
        allowed = self.enabled()
        found = []
        for key, area in regions["controls"].items():
            if key in STEPPERS or key.startswith("w:"):
                kind = "stepper"
            elif key == "message":
                kind = "text"
            elif key.startswith(("team:", "player:")):
                kind = "chip"
            else:
                kind = "button"
            on, why = allowed.get(key, (True, ""))
            found.append(Control(key, area, kind, on, why or NOT_NOW))
        return found

    def activate(self, control: Control) -> None:
        key = control.id
        if key.startswith("team:"):
            self.selected_team, self.selected_player = key[5:], ""
            return
        if key.startswith("player:"):
            team, _, player = key[7:].rpartition("/")
            self.selected_team, self.selected_player = team, player
            self.move_index = 0
            return
        if key in CONFIRMED and self.armed != key:
            self.armed, self.armed_until = key, time.monotonic() + CONFIRM_SECONDS
            self.model.say("Click again to confirm.", "neutral", CONFIRM_SECONDS)
            return
        self.armed = ""
        request = self._request(key)
        if request is not None:
            kind, fields = request
            self.app.request(kind, **fields)

    def _request(self, key: str) -> tuple[str, dict[str, Any]] | None:
        simple = {
            "start": ("start", {}),
            "practice": (
                "open_round",
                {"seconds": self.practice_seconds or self.round_seconds(), "practice": True},
            ),
            "open": ("open_round", {"seconds": self.round_seconds()}),
            "reset_practice": ("reset_practice", {}),
            "extend": ("extend", {"seconds": TIMER_STEP}),
            "close": ("close_round", {}),
            "pause": ("pause_round", {}),
            "resume": ("resume_round", {}),
            "end": ("end_game", {}),
        }
        if key in simple:
            return simple[key]
        team, player = self.team(), self.player()
        strategy = list(STRATEGIES)[self.strategy_index]
        if key == "inject" and self.deck():
            return "inject_event", {"event_id": self.deck()[self.event_index % len(self.deck())]}
        if key == "add_bot":
            return "add_bot", {"team": self._bot_name(), "strategy": strategy}
        if key == "computer" and team is not None:
            if team.computer is not None:
                return "reinstate_team", {"team": team.team}
            return "replace_team", {"team": team.team, "strategy": strategy}
        if key == "remove_team" and team is not None:
            return "remove_team", {"team": team.team}
        if key == "move" and player is not None and self.move_target():
            return "move_player", {"player": player.id, "team": self.move_target()}
        if key == "remove_player" and player is not None:
            return "remove_player", {"player": player.id}
        if key == "rename" and player is not None and self.message.strip():
            name, self.message = self.message.strip()[:40], ""
            return "rename_player", {"player": player.id, "name": name}
        if key == "broadcast":
            return "broadcast", {"text": self.message.strip()}
        if key == "add_team" and self.message.strip():
            name, self.message = " ".join(self.message.split())[:40], ""
            return "add_team", {"team": name}
        if key == "apply_weights":
            weights, self.weights = self.shown_weights(), None
            return "set_weights", {"weights": weights}
        if key == "projector":
            self.app.show("projector")
        if key == "token":
            self.show_token = not self.show_token
        if key == "export" and self.state() is not None:
            self._export()
        return None

    def _export(self) -> None:
        try:
            path = export_students(self.state(), export_folder())
        except OSError as error:
            self.model.say(f"Cannot write the export: {error.strerror or error}", "bad", 10.0)
            return
        self.last_export = path
        self.model.say(f"Per-student CSV written to {path}", "good", 10.0)

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
            self.seconds = max(60.0, min(self.round_seconds() + step * TIMER_STEP, 7200.0))
        elif key == "event" and self.deck():
            self.event_index = (self.event_index + step) % len(self.deck())
        elif key == "strategy":
            self.strategy_index = (self.strategy_index + step) % len(STRATEGIES)
        elif key == "move_to" and self.move_targets():
            self.move_index = (self.move_index + step) % len(self.move_targets())
        elif key.startswith("w:"):
            weights = dict(self.shown_weights())
            name = key[2:]
            weights[name] = max(0.0, min(weights[name] + step * 5.0, 100.0))
            self.weights = weights

    def type_text(self, control: Control, event: pygame.event.Event) -> bool:
        if event.key == pygame.K_BACKSPACE:
            self.message = self.message[:-1]
        elif event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            self.app.request("broadcast", text=self.message.strip())
        elif event.key in (pygame.K_TAB, pygame.K_UP, pygame.K_DOWN, pygame.K_ESCAPE):
            return False
        elif event.unicode and event.unicode.isprintable() and len(self.message) < 280:
            self.message += event.unicode
        return True

    def draw(self, surface: pygame.Surface, rect: Rect) -> None:
        draw_console(self, surface, rect)
