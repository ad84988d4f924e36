"""The join form: server, session code, team and name, for whatever the command line left out."""

from __future__ import annotations

from typing import Any

import pygame

from client import theme as t
from client.scenes.base import Scene
from client.widgets import Control, Rect, button, card, paragraph, text, text_box

FIELDS = (("url", "Server"), ("code", "Session code"), ("team", "Team"), ("name", "Your name"))


class JoinScene(Scene):
    title = "Join"

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        s = app.settings
        self.values = {"url": s.url, "code": s.code, "team": s.team, "name": s.name}
        self.focus = next((k for k, _ in FIELDS if not self.values[k]), "join")
        self.error = ""

    def panel(self, rect: Rect) -> Rect:
        width, height = self.theme.px(520), self.theme.px(520)
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
        return found

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
        if self.error:
            area = Rect(
                box.x + pad, join.rect.bottom + theme.px(12), box.width - 2 * pad, theme.px(60)
            )
            paragraph(surface, theme, self.error, area, 13, t.VERMILLION)
