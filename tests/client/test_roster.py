"""A roster: the facilitator names the teams up front, players pick theirs from a list."""

from __future__ import annotations

import asyncio

import pygame
import pytest

from cli.launch import ClientUsageError, roster_teams
from cli.main import main
from cli.screenwalk import click, type_text
from client.app import App
from client.settings import Settings
from client.theme import init_pygame
from tests.server.loopback import run, serving

SIZE = (1366, 768)
WAIT = 60.0


async def _until(apps, condition, timeout: float = WAIT) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        for app in apps:
            app.frame()
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not reached")


def _teams(app: App) -> list[str]:
    state = app.model.facilitator
    return [t.team for t in state.teams] if state else []


def test_named_teams_are_picked_from_a_list_and_an_empty_one_is_not_waited_for(tmp_path) -> None:
    async def scenario() -> None:
        init_pygame()
        async with serving(tmp_path / "class.db") as (_server, url):
            host = App(pygame.Surface(SIZE), mode="host", remember=False)
            host.scenes["console"].roster = ["North", "South"]
            host.connect(url, {"type": "create_session", "scenario": "grow", "rounds": 2})
            await _until([host], lambda: _teams(host) == ["North", "South"])
            click(host, "message")
            type_text(host, "East")
            click(host, "add_team")
            await _until([host], lambda: _teams(host) == ["North", "South", "East"])

            player = App(pygame.Surface(SIZE), mode="player", settings=Settings(url=url))
            join = player.scenes["join"]
            for field, words in (("code", host.model.facilitator.code), ("name", "Ana")):
                click(player, field)
                type_text(player, words)
            apps = [host, player]
            await _until(apps, lambda: join.teams == ["North", "South", "East"])
            click(player, "pick:South")
            assert join.values["team"] == "South"
            click(player, "join")
            await _until(apps, lambda: player.model.team is not None)
            assert player.model.team.team == "South"

            click(host, "start")
            await _until(apps, lambda: host.model.phase == "briefing")
            click(host, "open")
            await _until(apps, lambda: player.model.phase == "decisions")
            assert player.model.timer.waiting == ["South"]  # nobody sits on North or East
            player.submit()
            await _until(apps, lambda: host.model.phase == "results")
            click(host, "message")
            type_text(host, "Latecomers")
            assert not next(
                c
                for c in host.scenes["console"].controls(host.content_rect())
                if c.id == "add_team"
            ).enabled
            for app in apps:
                app.close()

    run(scenario())


def test_a_roster_file_gives_the_teams_in_order_once_each(tmp_path) -> None:
    roster = tmp_path / "class.csv"
    roster.write_text("student,Team\nAna,North\nBen, north \nCem,South\nDee,\n", encoding="utf-8")
    assert roster_teams("East,,West", str(roster)) == ["East", "West", "North", "South"]
    bad = tmp_path / "bad.csv"
    bad.write_text("student,group\nAna,North\n", encoding="utf-8")
    with pytest.raises(ClientUsageError, match="no 'team' column"):
        roster_teams(None, str(bad))


def test_a_missing_roster_file_is_one_clear_line(tmp_path, capsys) -> None:
    missing = tmp_path / "nowhere.csv"
    assert main(["host", "--scenario", "grow", "--roster", str(missing)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and f"--roster {missing}" in err
