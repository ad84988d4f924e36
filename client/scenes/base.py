"""The scene protocol and the keyboard and pointer handling every screen shares.

A scene lays out its controls with ``controls(rect)``, a pure function of the
window and the model. ``handle_event`` hit-tests that layout and calls the
scene's ``activate``, ``adjust``, ``slide`` and ``type_text``; ``draw`` renders
the same layout and changes nothing. Focus and scrolling are the scene's own
interface state, changed only while handling events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from client.widgets import Control, Rect, hit

if TYPE_CHECKING:
    from client.app import App

NEXT_KEYS = (pygame.K_DOWN, pygame.K_RIGHT)
PREVIOUS_KEYS = (pygame.K_UP, pygame.K_LEFT)


class Scene:
    """A screen of the client."""

    title = ""

    def __init__(self, app: App) -> None:
        self.app = app
        self.focus: str | None = None
        self.dragging: str | None = None

    @property
    def model(self):
        return self.app.model

    @property
    def theme(self):
        return self.app.theme

    # ------------------------------------------------------------ to override

    def controls(self, rect: Rect) -> list[Control]:
        return []

    def activate(self, control: Control) -> None:
        """Press a button or toggle a chip."""

    def adjust(self, control: Control, step: int) -> None:
        """Step a slider or a stepper up (+1) or down (−1)."""

    def slide(self, control: Control, fraction: float) -> None:
        """Move a slider to ``fraction`` of its track."""

    def type_text(self, control: Control, event: pygame.event.Event) -> bool:
        """Take a key for a text box; return True if it was used."""
        return False

    def update(self, dt: float) -> None:
        """Advance animations; the model changes only through the app's network step."""

    def draw(self, surface: pygame.Surface, rect: Rect) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------ shared handling

    def focused(self, controls: list[Control]) -> Control | None:
        return next((c for c in controls if c.id == self.focus), None)

    def handle_event(self, event: pygame.event.Event, rect: Rect) -> None:
        controls = self.controls(rect)
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            self._press(controls, event.pos)
        elif event.type == pygame.MOUSEMOTION and self.dragging:
            control = next((c for c in controls if c.id == self.dragging), None)
            if control is not None:
                self.slide(control, self._fraction(control, event.pos))
        elif event.type == pygame.MOUSEBUTTONUP:
            self.dragging = None
        elif event.type == pygame.KEYDOWN:
            self._key(controls, event)

    def _press(self, controls: list[Control], pos: tuple[int, int]) -> None:
        control = hit(controls, pos)
        if control is None:
            return
        self.focus = control.id
        if not control.enabled:
            self.model.say(control.reason or "Not available now.", "neutral")
        elif control.kind == "slider":
            self.dragging = control.id
            self.slide(control, self._fraction(control, pos))
        elif control.kind == "stepper":
            self.adjust(control, -1 if pos[0] < control.rect.centerx else 1)
        else:
            self.activate(control)

    @staticmethod
    def _fraction(control: Control, pos: tuple[int, int]) -> float:
        return max(0.0, min((pos[0] - control.rect.x) / max(control.rect.width, 1), 1.0))

    def _key(self, controls: list[Control], event: pygame.event.Event) -> None:
        current = self.focused(controls)
        if current is not None and current.kind == "text" and self.type_text(current, event):
            return
        if event.key == pygame.K_TAB:
            self._move(controls, -1 if event.mod & pygame.KMOD_SHIFT else 1)
        elif current is None:
            if event.key in NEXT_KEYS + PREVIOUS_KEYS:
                self._move(controls, 1)
        elif event.key in (pygame.K_LEFT, pygame.K_RIGHT) and current.kind in ("slider", "stepper"):
            if current.enabled:
                self.adjust(current, 1 if event.key == pygame.K_RIGHT else -1)
        elif event.key in NEXT_KEYS:
            self._move(controls, 1)
        elif event.key in PREVIOUS_KEYS:
            self._move(controls, -1)
        elif event.key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE):
            if not current.enabled:
                self.model.say(current.reason or "Not available now.", "neutral")
            elif current.kind in ("button", "chip", "text"):
                self.activate(current)
            elif current.kind == "stepper":
                self.adjust(current, 1)

    def _move(self, controls: list[Control], step: int) -> None:
        if not controls:
            return
        ids = [c.id for c in controls]
        index = ids.index(self.focus) if self.focus in ids else (-1 if step > 0 else 0)
        self.focus = ids[(index + step) % len(ids)]
