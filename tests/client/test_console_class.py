"""A class run from the pygame console: it survives being closed, and every control is a click.

The console is the real ``App`` off screen, driven by clicks; the players are the
protocol client (one also as a window, to read its banner); the server is real,
on 127.0.0.1 port 0.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pygame

from cli.bot import play
from cli.launch import host_hello
from cli.main import build_parser
from cli.screenwalk import click, type_text
from client.app import App
from client.chrome import banner_lines
from client.settings import Settings, load_hosted
from client.theme import init_pygame
from protocol.client import Client
from tests.server.loopback import joined, run, serving

SIZE = (1366, 768)
WAIT = 60.0


def _host_app() -> App:
    init_pygame()
    return App(pygame.Surface(SIZE), mode="host")


async def _until(apps: list[App], condition: Callable[[], object], timeout: float = WAIT) -> None:
    """Run the windows' frames (and let the clients read) until ``condition()`` holds."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        for app in apps:
            app.frame()
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"timed out waiting for {getattr(condition, '__name__', 'a condition')}")


def _present(client: Client) -> bool:
    return bool((client.public_state or {}).get("facilitator_present", True))


def _host(argv: list[str]) -> tuple[str, dict]:
    return host_hello(build_parser().parse_args(["host", *argv]))


def test_a_console_closed_mid_round_is_reopened_with_resume_and_the_game_completes(
    tmp_path,
) -> None:
    async def scenario() -> None:
        async with serving(tmp_path / "class.db") as (_server, url):
            _, hello = _host(["--scenario", "grow", "--rounds", "3", "--round-seconds", "45"])
            first = _host_app()
            first.connect(url, hello)
            await _until([first], lambda: first.model.facilitator is not None)
            console = first.scenes["console"]
            state = first.model.facilitator
            code = state.code
            assert state.config.round_seconds == 45.0
            assert console.round_seconds() == 45.0  # the console opens rounds with it
            kept = load_hosted()[code]  # kept in the per-user file for --resume
            assert kept["url"] == url and kept["token"] == first.net.token
            assert f"clusterboard host --resume {code}" in console.token_lines()[0]
            assert not any(kept["token"] in line for line in console.token_lines())
            click(first, "token")
            assert any(kept["token"] in line for line in console.token_lines())

            player = await joined(url, code, "North", "Ana")
            robot = asyncio.create_task(play(player, "member_first", 3))
            click(first, "strategy", right_half=True)
            click(first, "add_bot")
            await _until([first], lambda: len(first.model.facilitator.teams) == 2)
            click(first, "start")
            await _until([first], lambda: first.model.phase == "briefing")
            click(first, "open")
            await _until([first], lambda: first.model.phase in ("decisions", "results"))
            opened = await player.wait_for(  # the player's view may come after the console's
                lambda c: next(
                    (m for m in c.messages if m.get("timer", {}).get("round") == 1), None
                ),
                WAIT,
            )
            assert opened["timer"]["remaining"] <= 45.0  # not the 10:00 default

            first.close()  # the facilitator's window is closed in the middle of the round
            await player.wait_for(lambda c: not _present(c), WAIT)
            await player.wait_for(lambda c: c.phase == "results", WAIT)  # the round still ends

            url_again, hello_again = _host(["--resume", code])
            assert url_again == url and hello_again == {"type": "resume", "token": kept["token"]}
            second = _host_app()
            second.connect(url_again, hello_again)
            await _until([second], lambda: second.model.facilitator is not None)
            assert second.model.facilitator.code == code
            assert second.model.phase == "results" and second.model.round == 1
            await player.wait_for(_present, WAIT)
            for year in (2, 3):
                await _until([second], lambda: second.model.phase == "results")
                click(second, "open")
                await _until(
                    [second],
                    lambda y=year: (
                        second.model.round == y and second.model.phase in ("results", "finished")
                    ),
                )
            await _until([second], lambda: second.model.phase == "finished")
            assert await asyncio.wait_for(robot, WAIT) >= 0.0
            # the console's own view of the last year follows the public phase change
            await _until([second], lambda: len(second.model.facilitator.state_hashes) == 3)
            second.close()
            await player.close()

    run(scenario())


def test_resume_without_a_kept_token_is_one_clear_line(capsys) -> None:
    from cli.main import main

    assert main(["host", "--resume", "ACDEFG"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "no facilitator token for session ACDEFG on this computer" in err


def test_every_control_is_a_click_and_the_players_see_each(tmp_path) -> None:
    async def scenario() -> None:
        async with serving(tmp_path / "class.db") as (_server, url):
            host = _host_app()
            host.connect(url, {"type": "create_session", "scenario": "grow", "rounds": 3})
            await _until([host], lambda: host.model.facilitator is not None)
            code = host.model.facilitator.code
            ana = await joined(url, code, "North", "Ana")
            ben = await joined(url, code, "North", "Ben")
            cem = await joined(url, code, "South", "Cem")
            window = App(pygame.Surface(SIZE), mode="player", settings=Settings(url=url))
            window.connect(url, {"type": "join", "code": code, "team": "South", "name": "Dee"})
            apps = [host, window]
            console = host.scenes["console"]
            await _until(apps, lambda: len(_players(host)) == 4 and window.model.team is not None)

            # a practice round, then its reset (asked twice)
            click(host, "start")
            await _until(apps, lambda: host.model.phase == "briefing")
            click(host, "practice")
            await _until(apps, lambda: host.model.phase == "decisions")
            assert host.model.timer.practice
            click(host, "close")
            await _until(apps, lambda: host.model.phase == "results")
            click(host, "reset_practice")
            assert console.armed == "reset_practice" and host.model.phase == "results"
            click(host, "reset_practice")
            await _until(apps, lambda: host.model.phase == "briefing")

            # the computer takes North, then gives it back; its players see both
            click(host, "team:North")
            click(host, "computer")
            await ana.wait_for(lambda c: c.team_state["computer"] == "member_first", WAIT)
            await _until(apps, lambda: console.team().computer == "member_first")
            click(host, "computer")
            await ana.wait_for(lambda c: c.team_state["computer"] is None, WAIT)
            await ben.wait_for(lambda c: c.team_state["computer"] is None, WAIT)

            # Ben moves from North to South: he, and his new teammates, see it
            ben_id = ben.welcome["player"]
            click(host, f"player:North/{ben_id}")
            assert console.move_target() == "South"
            click(host, "move")
            await ben.wait_for(lambda c: (c.team_state or {}).get("team") == "South", WAIT)
            assert ben.welcome["team"] == "South"
            await cem.wait_for(lambda c: "Ben" in _names(c), WAIT)
            await ana.wait_for(lambda c: "Ben" not in _names(c), WAIT)

            # a renamed player, and a message on every screen
            click(host, "message")
            type_text(host, "Benjamin")
            click(host, "rename")
            await cem.wait_for(lambda c: "Benjamin" in _names(c), WAIT)
            click(host, "message")
            type_text(host, "Ten minutes left: agree on the fee")
            click(host, "broadcast")
            words = "Ten minutes left: agree on the fee"
            for client in (ana, ben, cem):
                await client.wait_for(
                    lambda c: (c.public_state or {}).get("announcement") == words, WAIT
                )
            await _until(
                apps, lambda: f"From the facilitator: {words}" in banner_lines(window.model)
            )

            # a round with pause, resume and extend, then the game ended (asked twice)
            click(host, "open")
            await _until(apps, lambda: _phases(apps) == {"decisions"})
            click(host, "pause")
            await _until(apps, lambda: _phases(apps) == {"paused"})
            click(host, "resume")
            await _until(apps, lambda: _phases(apps) == {"decisions"})
            before = host.model.timer.remaining
            click(host, "extend")
            await _until(apps, lambda: host.model.timer.remaining > before)
            click(host, "end")
            assert console.armed == "end" and host.model.phase == "decisions"
            click(host, "end")
            await _until(apps, lambda: window.model.phase == "finished")
            for app in apps:
                app.close()
            for client in (ana, ben, cem):
                await client.close()

    run(scenario())


def _phases(apps: list[App]) -> set[str]:
    return {app.model.phase for app in apps}


def _players(app: App) -> list[str]:
    state = app.model.facilitator
    return [p.name for t in state.teams for p in t.players] if state else []


def _names(client: Client) -> list[str]:
    return [p["name"] for p in (client.team_state or {}).get("players", [])]


def test_the_console_creates_a_session_on_a_server_with_a_host_key(tmp_path, monkeypatch) -> None:
    """``clusterboard host`` sends --host-key (or CLUSTERBOARD_HOST_KEY, which the server
    reads too); without it the console says the server refused, in one line."""

    async def scenario() -> None:
        async with serving(tmp_path / "key.db", host_key="class-key-2931") as (server, url):
            monkeypatch.delenv("CLUSTERBOARD_HOST_KEY", raising=False)
            _, bare = _host(["--scenario", "grow"])
            refused = _host_app()
            refused.connect(url, bare)
            await _until([refused], lambda: refused.model.failure is not None)
            assert refused.model.facilitator is None
            assert "host key" in refused.model.failure.text
            assert "--host-key" in refused.model.notice[0]  # and how to give it
            await asyncio.to_thread(refused.close)  # the server's loop answers meanwhile

            _, given = _host(["--scenario", "grow", "--host-key", "class-key-2931"])
            first = _host_app()
            first.connect(url, given)
            await _until([first], lambda: first.model.facilitator is not None)

            monkeypatch.setenv("CLUSTERBOARD_HOST_KEY", "class-key-2931")
            _, from_env = _host(["--scenario", "grow", "--rounds", "2"])
            second = _host_app()
            second.connect(url, from_env)
            await _until([second], lambda: second.model.facilitator is not None)
            assert second.model.facilitator.code != first.model.facilitator.code
            assert len(server.runners) == 2
            for app in (first, second):
                await asyncio.to_thread(app.close)

    run(scenario())
