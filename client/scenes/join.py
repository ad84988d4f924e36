"""The join form: server, session code, team and name, for whatever the command line left out."""

from __future__ import annotations

import re
from typing import Any

import pygame

from client import theme as t
from client.scenes.base import Scene
from client.widgets import Control, Rect, button, card, chip, paragraph, text, text_box
from protocol.messages import CODE_ALPHABET, CODE_LENGTH

FIELDS = (("url", "Server"), ("code", "Session code"), ("team", "Team"), ("name", "Your name"))
CODE = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")
URL = re.compile(r"^wss?://[^\s/:]+(:\d{1,5})?/?$")
TEAM_CHIPS = 6


class JoinScene(Scene):
    title = "Join"

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        s = app.settings
        self.values = {"url": s.url, "code": s.code, "team": s.team, "name": s.name}
        self.focus = next((k for k, _ in FIELDS if not self.values[k]), "join")
        self.error = ""
        self.teams: list[str] = []  # the session's teams, to pick from
        self._teams_for: tuple[str, str] = ("", "")
        self._lookup = None  # a spectator connection that reads the teams, then closes

    def panel(self, rect: Rect) -> Rect:
        width, height = self.theme.px(520), self.theme.px(580)
        box = Rect(0, 0, width, height)
        box.center = rect.center
        return box

    def controls(self, rect: Rect) -> list[Control]:
        box = self.panel(rect)
        pad = self.theme.px(32)
        y = box.y + self.theme.px(118)
        found = []
        for key, _ in FIELDS:
            found.append(
                Control(
                    key,
                    Rect(
                        box.x + pad, y + self.theme.px(20), box.width - 2 * pad, self.theme.px(42)
                    ),
                    "text",
                )
            )
            y += self.theme.px(76)
        found.append(
            Control(
                "join",
                Rect(box.x + pad, y + self.theme.px(10), box.width - 2 * pad, self.theme.px(48)),
                "button",
            )
        )
        shown = self.teams[:TEAM_CHIPS]
        if shown:
            row = Rect(box.x + pad, y + self.theme.px(86), box.width - 2 * pad, self.theme.px(30))
            width = (row.width - self.theme.px(6) * (len(shown) - 1)) // len(shown)
            for i, name in enumerate(shown):
                x = row.x + i * (width + self.theme.px(6))
                found.append(Control(f"pick:{name}", Rect(x, row.y, width, row.height), "chip"))
        return found

    def _look_up_teams(self) -> None:
        """Read the session's teams as a spectator would, once per server and code."""
        from client.net import Network

        wanted = (self.values["url"].strip(), self.values["code"].strip().upper())
        if wanted != self._teams_for and URL.match(wanted[0]) and CODE.match(wanted[1]):
            self._close_lookup()
            self._teams_for, self.teams = wanted, []
            self._lookup = Network(wanted[0])
            self._lookup.connect({"type": "spectate", "code": wanted[1]})
        if self._lookup is None:
            return
        for event in self._lookup.events():
            public = event.message if event.kind == "message" else None
            if getattr(public, "type", "") == "public_state":
                self.teams = list(public.teams)
                self._close_lookup()
                return
            if event.kind == "failed":
                self._close_lookup()
                return

    def _close_lookup(self) -> None:
        if self._lookup is not None:
            self._lookup.close()
            self._lookup = None

    def type_text(self, control: Control, event: pygame.event.Event) -> bool:
        words = self.values[control.id]
        if event.key == pygame.K_BACKSPACE:
            self.values[control.id] = words[:-1]
        elif event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            self._move(self.controls(self.app.content_rect()), 1)
        elif event.key in (pygame.K_TAB, pygame.K_UP, pygame.K_DOWN):
            return False
        elif event.unicode and event.unicode.isprintable() and len(words) < 120:
            self.values[control.id] = words + (
                event.unicode.upper() if control.id == "code" else event.unicode
            )
        return True

    def activate(self, control: Control) -> None:
        if control.id.startswith("pick:"):
            self.values["team"] = control.id[5:]
            return
        if control.id != "join":
            return
        missing = [label for key, label in FIELDS if not self.values[key].strip()]
        if missing:
            self.model.say(f"Please fill in: {', '.join(missing)}.", "bad")
            return
        hello = {"type": "join", **{k: self.values[k].strip() for k in ("code", "team", "name")}}
        self.app.connect(self.values["url"].strip(), hello)

    def update(self, dt: float) -> None:
        failure = self.model.failure
        self.error = failure.text if failure is not None else ""
        if not self.model.welcome:
            self._look_up_teams()
        else:
            self._close_lookup()

    def draw(self, surface: pygame.Surface, rect: Rect) -> None:
        theme = self.theme
        box = self.panel(rect)
        card(surface, theme, box)
        pad = theme.px(32)
        text(surface, theme, "Cluster Board", (box.x + pad, box.y + pad), 30, t.INK, True)
        text(
            surface,
            theme,
            "Join your team's cluster board",
            (box.x + pad, box.y + pad + theme.px(42)),
            16,
            t.MUTED,
        )
        for control, (key, label) in zip(self.controls(rect), FIELDS, strict=False):
            text(
                surface,
                theme,
                label,
                (control.rect.x, control.rect.y - theme.px(20)),
                13,
                t.MUTED,
                True,
            )
            text_box(surface, theme, control, self.values[key], "", self.focus == key, 16, True)
        join = self.controls(rect)[-1]
        connecting = self.model.status == "connecting"
        button(
            surface,
            theme,
            join,
            "Connecting…" if connecting else "Join",
            self.focus == "join",
            primary=True,
            size=17,
        )
        picks = [c for c in self.controls(rect) if c.id.startswith("pick:")]
        if picks:
            words = "Pick your team:"
            text(
                surface,
                theme,
                words,
                (box.x + pad, picks[0].rect.y - theme.px(20)),
                13,
                t.MUTED,
                True,
            )
            for c in picks:
                name = c.id[5:]
                label = theme.fit(name, c.rect.width - theme.px(12), 13)
                chosen = self.values["team"].strip().casefold() == name.casefold()
                chip(surface, theme, c, label, chosen, self.focus == c.id, size=13)
        if self.error:
            top = (picks[0].rect.bottom if picks else join.rect.bottom) + theme.px(12)
            area = Rect(box.x + pad, top, box.width - 2 * pad, theme.px(60))
            paragraph(surface, theme, self.error, area, 13, t.VERMILLION)
