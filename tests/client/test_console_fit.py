"""The console on a laptop and a full-HD screen: every label fits its button, and a second
console attaches with the token the first one shows."""

from __future__ import annotations

import asyncio

import pygame
import pytest

from cli.launch import host_hello
from cli.main import build_parser
from client.app import App
from client.console_view import ARMED, BUTTONS, ROW_LABELS, layout
from client.theme import Theme, init_pygame
from tests.server.loopback import joined, run, serving

SIZES = [(1366, 768), (1920, 1080), (1280, 800)]


@pytest.mark.parametrize("size", SIZES)
def test_every_console_label_fits_its_button(size) -> None:
    init_pygame()
    theme = Theme(size)
    app = App(pygame.Surface(size), mode="host", remember=False)
    spots = layout(theme, app.content_rect())["controls"]
    font = theme.font(14, True)
    pad = theme.px(12)
    labels = dict(BUTTONS) | {"computer": "Give back to players"}
    for key, label in labels.items():
        assert font.size(label)[0] <= spots[key].width - pad, (size, key, label)
    for key, label in ARMED.items():
        assert font.size(label)[0] <= spots[key].width - pad, (size, key, label)
    rows = layout(theme, app.content_rect())["rows"]
    small = theme.font(13, True)
    for label, row in zip(ROW_LABELS, rows, strict=True):
        first = min(r.x for k, r in spots.items() if abs(r.centery - row.centery) < row.height)
        assert row.x + small.size(label)[0] < first, (size, label)


async def _until(apps, condition, timeout: float = 60.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        for app in apps:
            app.frame()
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not reached")


def test_a_second_console_attaches_with_the_token_and_the_first_may_leave(tmp_path) -> None:
    async def scenario() -> None:
        init_pygame()
        async with serving(tmp_path / "class.db") as (_server, url):
            first = App(pygame.Surface((1366, 768)), mode="host", remember=False)
            first.connect(url, {"type": "create_session", "scenario": "grow", "rounds": 2})
            await _until([first], lambda: first.model.facilitator is not None)
            console = first.scenes["console"]
            console.show_token = True
            line = next(x for x in console.token_lines() if x.startswith("Second console:"))
            argv = line.removeprefix("Second console: clusterboard ").split()
            url_again, hello = host_hello(build_parser().parse_args(argv))
            second = App(pygame.Surface((1920, 1080)), mode="host", remember=False)
            second.connect(url_again, hello)
            apps = [first, second]
            await _until(apps, lambda: second.model.facilitator is not None)
            await _until(apps, lambda: first.model.facilitator.facilitator_connections == 2)
            ana = await joined(url, first.model.facilitator.code, "North", "Ana")
            first.close()
            await _until([second], lambda: second.model.facilitator.facilitator_connections == 1)
            assert ana.public_state["facilitator_present"]  # a console is still there
            second.request("start")
            await ana.wait_for(lambda c: c.phase == "briefing", 60)
            second.close()
            await ana.wait_for(lambda c: not c.public_state["facilitator_present"], 60)
            await ana.close()

    run(scenario())
