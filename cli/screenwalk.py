"""Drive the real client through a whole game against a real server, off screen.

The player window joins through its form, edits the draft, submits, reads the
results and plays the next round; the facilitator console adds computer-run
teams, injects an event and opens the rounds, all by pointer and keyboard
events. Each screen is saved as a PNG. Tests, the screenshot script and the
render benchmark share this walk.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pygame

from cli.embedded import EmbeddedServer
from client.app import App
from client.settings import Settings
from client.theme import init_pygame

SIZE = (1280, 800)
TIMEOUT = 30.0


class WalkError(AssertionError):
    """The walk did not reach a state it waited for."""


def pump(apps: list[App], condition: Callable[[], object], timeout: float = TIMEOUT) -> None:
    """Run frames of every app until ``condition()`` holds, or fail after ``timeout``."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for app in apps:
            app.frame()
        if condition():
            return
        time.sleep(0.005)
    raise WalkError(f"timed out waiting for {getattr(condition, '__name__', 'a condition')}")


def control(app: App, control_id: str) -> pygame.Rect:
    found = [c for c in app.scene.controls(app.content_rect()) if c.id == control_id]
    if not found:
        raise WalkError(f"no control {control_id!r} on {app.current}")
    return found[0].rect


def click(app: App, control_id: str, right_half: bool = False) -> None:
    """Click a control the way a pointer would."""
    rect = control(app, control_id)
    pos = (rect.right - 4, rect.centery) if right_half else rect.center
    app.frame(
        [
            pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=pos),
            pygame.event.Event(pygame.MOUSEBUTTONUP, button=1, pos=pos),
        ]
    )


def drag(app: App, control_id: str, fraction: float) -> None:
    rect = control(app, control_id)
    start = (rect.x + 1, rect.centery)
    end = (rect.x + round(rect.width * fraction), rect.centery)
    app.frame(
        [
            pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=start),
            pygame.event.Event(pygame.MOUSEMOTION, pos=end, rel=(0, 0), buttons=(1, 0, 0)),
            pygame.event.Event(pygame.MOUSEBUTTONUP, button=1, pos=end),
        ]
    )


def key(app: App, key_code: int, unicode: str = "", mod: int = 0) -> None:
    app.frame([pygame.event.Event(pygame.KEYDOWN, key=key_code, unicode=unicode, mod=mod)])


def type_text(app: App, words: str) -> None:
    for char in words:
        key(app, pygame.K_a, char)


class Walk:
    """One server, one facilitator console and one player window, off screen."""

    def __init__(
        self,
        folder: Path,
        out: Path | None,
        rounds: int = 2,
        seed: int = 7,
        size: tuple[int, int] = SIZE,
    ) -> None:
        init_pygame()
        self.out = out
        self.rounds = rounds
        self.saved: dict[str, Path] = {}
        self.server = EmbeddedServer(str(folder / "walk.db")).start()
        self.host = App(pygame.Surface(size), mode="host", remember=False)
        settings = Settings(url=self.server.url)
        self.player = App(pygame.Surface(size), mode="player", settings=settings, remember=False)
        self.apps = [self.host, self.player]
        self.host.connect(
            self.server.url,
            {
                "type": "create_session",
                "scenario": "grow",
                "seed": seed,
                "rounds": rounds,
                "round_seconds": 900,
            },
        )

    def shot(self, app: App, name: str, screen: str | None = None) -> None:
        if screen is not None:
            app.show(screen)
        app.frame()
        if self.out is not None:
            self.out.mkdir(parents=True, exist_ok=True)
            path = self.out / f"{name}.png"
            pygame.image.save(app.surface, str(path))
            self.saved[name] = path

    def wait(self, condition: Callable[[], object], timeout: float = TIMEOUT) -> None:
        pump(self.apps, condition, timeout)

    # ------------------------------------------------------------ the steps

    def join(self) -> None:
        self.wait(lambda: self.host.model.facilitator is not None)
        code = self.host.model.facilitator.code
        join = self.player.scenes["join"]
        for field, words in (("code", code), ("team", "Northwind"), ("name", "Ana")):
            click(self.player, field)
            type_text(self.player, words)
        self.shot(self.player, "join")
        click(self.player, "join")
        self.wait(lambda: self.player.model.team is not None)
        self.wait(lambda: any(t.team == "Northwind" for t in self.host.model.facilitator.teams))
        assert join.values["team"] == "Northwind"

    def set_up(self) -> None:
        for _ in range(2):
            count = len(self.host.model.facilitator.teams)
            click(self.host, "strategy", right_half=True)
            click(self.host, "add_bot")
            self.wait(lambda c=count: len(self.host.model.facilitator.teams) == c + 1)
        click(self.host, "start")
        self.wait(lambda: self.host.model.phase == "briefing")

    def open_round(self, year: int) -> None:
        self.wait(lambda: self.host.model.phase in ("briefing", "results"))
        click(self.host, "open")
        self.wait(
            lambda: (
                self.player.model.phase == "decisions" and self.player.model.team.view.round == year
            )
        )

    def decide_first_year(self) -> None:
        player = self.player
        scene = player.scenes["decisions"]
        self.shot(player, "briefing", "briefing")
        key(player, pygame.K_3)
        click(player, "total", right_half=True)
        drag(player, "line:member_relations", 0.4)
        click(player, "staff:hire_fte", right_half=True)
        self.settle()
        self.shot(player, "decisions", "decisions")
        click(player, "section:2")
        eligible = next(o for o in player.model.team.view.funding if o.eligible)
        click(player, f"fund:{eligible.id}")
        self.shot(player, "decisions-funding")
        click(player, "section:3")
        click(player, "ambition")
        type_text(player, "Make Fjordcoast the home of green shipping")
        for area in player.model.team.view.focus_area_options[:2]:
            click(player, f"focus:{area.id}")
        for kpi, steps in (("jobs", 3), ("member_revenue", 4), ("exports", 5), ("startups", 4)):
            for _ in range(steps):
                click(player, f"target:{kpi}", right_half=True)
        drag(player, "recruit:startup", 0.6)
        self.settle()
        self.shot(player, "decisions-strategy")
        scene.section = 0

    def settle(self) -> None:
        """Wait until the server has every edit of this board member."""
        self.wait(lambda: not self.player.model.overlay and not self.player.model.dirty)

    def submit(self, year: int) -> None:
        player = self.player
        player.show("decisions")
        click(player, "submit")
        self.wait(lambda: player.model.submitted() or player.model.phase != "decisions")
        self.wait(
            lambda: (
                player.model.team.view.last_report is not None
                and player.model.team.view.last_report.round == year
            )
        )

    def inject_event(self, wanted: str = "pandemic") -> None:
        deck = self.host.scenes["console"].deck()
        for _ in range(len(deck)):
            if deck[self.host.scenes["console"].event_index % len(deck)] == wanted:
                break
            click(self.host, "event", right_half=True)
        count = len(self.host.model.facilitator.pending_events)
        click(self.host, "inject")
        self.wait(lambda: len(self.host.model.facilitator.pending_events) > count)

    def run(self) -> dict[str, Path]:
        try:
            self.join()
            self.set_up()
            self.open_round(1)
            self.shot(self.host, "console", "console")
            self.decide_first_year()
            self.submit(1)
            self.shot(self.player, "results", "results")
            self.shot(self.player, "dashboard", "dashboard")
            for year in range(2, self.rounds + 1):
                if year == 2:
                    self.inject_event()
                self.open_round(year)
                if year == 2:
                    self.shot(self.player, "briefing-events", "briefing")
                    self.player.show("decisions")
                    click(self.player, "section:4")
                    self.shot(self.player, "decisions-events")
                    self.player.scenes["decisions"].section = 0
                self.submit(year)
            self.wait(lambda: self.player.model.phase == "finished")
            self.wait(
                lambda: (
                    self.player.model.public is not None
                    and self.player.model.public.timer.phase == "finished"
                )
            )
            for name in ("history", "canvas", "gameover"):
                self.shot(self.player, name, name)
            self.shot(self.player, "results-final", "results")
            self.shot(self.host, "projector", "projector")
            self.host.show("console")
            self.shot(self.host, "console-final")
            return self.saved
        finally:
            self.close()

    def close(self) -> None:
        for app in self.apps:
            app.close()
        self.server.stop()
