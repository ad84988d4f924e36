"""The window: the main loop, the stack of screens, resizing and the network step.

Each frame the loop drains the network's events into the model, sends the
board's unsent edits (at most a few times a second), lets the current scene
update, and draws it. The loop never blocks on the network. ``frame`` runs one
frame on any surface, so tests and benchmarks drive the same code off screen.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pygame

from client import chrome
from client import theme as t
from client.model import ClientModel
from client.net import Network
from client.scenes.base import Scene
from client.settings import Settings, remember_hosted, save_settings
from client.theme import Theme
from client.widgets import Rect

FLUSH_SECONDS = 0.2
NUMBER_KEYS = {getattr(pygame, f"K_{i}"): i - 1 for i in range(1, 10)}
AUTO_SCREEN = {"decisions": "decisions", "results": "results", "finished": "gameover"}


class App:
    """One window (or off-screen surface) showing one role's screens."""

    def __init__(
        self,
        surface: pygame.Surface,
        model: ClientModel | None = None,
        mode: str = "player",
        settings: Settings | None = None,
        remember: bool = True,
    ) -> None:
        self.surface = surface
        self.theme = Theme(surface.get_size())
        self.model = model or ClientModel()
        self.mode = mode
        self.settings = settings or Settings()
        self.remember = remember
        self.net: Network | None = None
        self.running = True
        self.fullscreen = False
        self._last_flush = 0.0
        self._last_phase = ""
        self.scenes: dict[str, Scene] = {}
        self.order: list[str] = []
        self.current = ""
        self._build()

    def _build(self) -> None:
        from client.scenes import registry

        self.scenes, self.order = registry.scenes_for(self)
        self.current = self.order[0] if self.order else "join"

    # ------------------------------------------------------------ navigation

    @property
    def scene(self) -> Scene:
        if self.mode == "player" and not self.model.welcome:
            return self.scenes["join"]
        return self.scenes[self.current]

    def show(self, key: str) -> None:
        if key in self.scenes:
            self.current = key

    def chrome_visible(self) -> bool:
        return self.current != "projector" and self.scene is not self.scenes.get("join")

    def content_rect(self) -> Rect:
        """Return the area the current scene may draw in."""
        width, height = self.surface.get_size()
        if not self.chrome_visible():
            return Rect(0, 0, width, height)
        top = self.theme.px(chrome.TOP_BAR + chrome.TABS)
        top += self.theme.px(chrome.BANNER) * len(self.banner_lines())
        pad = self.theme.px(18)
        return Rect(pad, top + pad, width - 2 * pad, height - top - 2 * pad)

    def banner_lines(self) -> list[str]:
        return [] if self.mode == "host" else chrome.banner_lines(self.model, self.mode)

    def tab_labels(self) -> list[str]:
        return [self.scenes[key].title for key in self.order]

    # ------------------------------------------------------------ the network

    def connect(self, url: str, hello: dict[str, Any]) -> None:
        """Open a new connection; the welcome arrives through the events."""
        if self.net is not None:
            self.net.close()
        self.model.failure = None
        self.settings.url = url
        for key in ("code", "team", "name"):
            if key in hello:
                setattr(self.settings, key, str(hello[key]))
        self.net = Network(url)
        self.net.connect(hello)

    def request(self, type: str, **fields: Any) -> int:
        if self.net is None:
            return 0
        return self.net.request(type, **fields)

    def submit(self) -> None:
        """Submit the draft as it stands on this screen, unsent edits included."""
        if self.net is None or not self.model.deciding():
            return
        data = self.model.draft_data()
        tag = self.net.request("submit", round=self.model.round, decisions=data)
        self.model.sent(tag, list(self.model.overlay))

    def _network_step(self, now: float) -> None:
        if self.net is None:
            return
        for event in self.net.events():
            self.model.apply(event)
            if event.kind == "welcome":
                self._remember()
        self._flush(now)

    def _flush(self, now: float) -> None:
        model = self.model
        if not model.dirty or model.status != "connected" or not model.deciding():
            return
        if now - self._last_flush < FLUSH_SECONDS:
            return
        changes = model.unsent()
        if changes:
            tag = self.net.request("edit_draft", round=model.round, changes=changes)  # type: ignore[union-attr]
            model.sent(tag, list(changes))
        self._last_flush = now

    def _remember(self) -> None:
        if self.net is not None and self.net.token:
            self.settings.token = self.net.token
        if self.remember and self.mode == "player":
            save_settings(self.settings)
        code = str(self.model.welcome.get("code", ""))
        if self.remember and self.mode == "host" and self.settings.token and code:
            remember_hosted(code, self.settings.url, self.settings.token)

    # ------------------------------------------------------------ the frame

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type == pygame.QUIT:
            self.running = False
            return
        if event.type == pygame.VIDEORESIZE:
            self.resize((event.w, event.h))
            return
        if event.type == pygame.KEYDOWN and self._global_key(event):
            return
        if (
            event.type == pygame.MOUSEBUTTONDOWN
            and event.button == 1
            and self._tab_click(event.pos)
        ):
            return
        self.scene.handle_event(event, self.content_rect())

    def _typing(self) -> bool:
        control = self.scene.focused(self.scene.controls(self.content_rect()))
        return control is not None and control.kind == "text"

    def _global_key(self, event: pygame.event.Event) -> bool:
        if event.key == pygame.K_F11 or (
            event.key == pygame.K_f and self.mode == "host" and not self._typing()
        ):
            self.toggle_fullscreen()
            return True
        if event.key == pygame.K_ESCAPE and self.current == "projector":
            self.show(self.order[0])
            return True
        if (
            event.key in NUMBER_KEYS
            and not self._typing()
            and self.scene is not self.scenes.get("join")
        ):
            index = NUMBER_KEYS[event.key]
            if index < len(self.order):
                self.show(self.order[index])
                return True
        return False

    def _tab_click(self, pos: tuple[int, int]) -> bool:
        if not self.chrome_visible():
            return False
        top = self.theme.px(chrome.TOP_BAR)
        if not top <= pos[1] < top + self.theme.px(chrome.TABS):
            return False
        for key, rect in zip(self.order, self._tab_rects(), strict=False):
            if rect.collidepoint(pos):
                self.show(key)
                return True
        return False

    def _tab_rects(self) -> list[Rect]:
        return chrome.tab_rects(self.theme, self.tab_labels(), self.theme.px(chrome.TOP_BAR))

    def resize(self, size: tuple[int, int]) -> None:
        if self.surface.get_size() != size and pygame.display.get_surface() is not self.surface:
            self.surface = pygame.Surface(size)
        self.theme.resize(size)

    def toggle_fullscreen(self) -> None:
        if pygame.display.get_surface() is not self.surface:
            return
        self.fullscreen = not self.fullscreen
        pygame.display.toggle_fullscreen()
        self.resize(self.surface.get_size())

    def update(self, dt: float, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self._network_step(now)
        phase = self.model.phase
        if phase != self._last_phase and self.mode == "player" and phase in AUTO_SCREEN:
            self.show(AUTO_SCREEN[phase])
        self._last_phase = phase
        self.scene.update(dt)

    def draw(self) -> None:
        surface = self.surface
        surface.fill(t.BACKGROUND)
        self.scene.draw(surface, self.content_rect())
        if self.chrome_visible():
            chrome.top_bar(surface, self.theme, self.model, self.title())
            index = self.order.index(self.current) if self.current in self.order else -1
            chrome.tabs(
                surface, self.theme, self.tab_labels(), index, self.theme.px(chrome.TOP_BAR)
            )
            top = self.theme.px(chrome.TOP_BAR + chrome.TABS)
            chrome.banner(surface, self.theme, self.banner_lines(), top)
        chrome.notice(surface, self.theme, self.model)

    def title(self) -> str:
        if self.mode == "host":
            return "Facilitator"
        return self.model.welcome.get("team") or ""

    def frame(self, events: list[pygame.event.Event] = (), dt: float = 1 / 60) -> None:  # type: ignore[assignment]
        """Run one whole frame: events, update, draw."""
        for event in events:
            self.handle_event(event)
        self.update(dt)
        self.draw()

    def run(self, fps: int = 60, until: Callable[[App], bool] | None = None) -> int:
        """Run the window until it is closed."""
        clock = pygame.time.Clock()
        try:
            while self.running and not (until and until(self)):
                dt = clock.tick(fps) / 1000.0
                self.frame(pygame.event.get(), dt)
                pygame.display.flip()
        finally:
            self.close()
        return 0

    def close(self) -> None:
        if self.net is not None:
            self.net.close()
            self.net = None
