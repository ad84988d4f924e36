"""Bad set-up ends in one clear line and a non-zero exit, never a traceback or a hang."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pygame
import pytest

from cli.main import main
from cli.screenwalk import pump
from client.app import App
from client.console_view import waiting_line
from client.theme import init_pygame
from tests.server.loopback import facilitated, run, serving

ROOT = Path(__file__).resolve().parents[2]
GUARD = 120  # a hang fails the test instead of stalling the suite


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=GUARD,
        cwd=ROOT,
    )


def _one_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "Traceback" not in text
    return lines[0]


def test_validate_takes_the_shared_economy_file_as_what_it_is(capsys) -> None:
    from game.economy import Economy

    assert main(["validate", str(ROOT / "scenarios" / "economy.toml")]) == 0
    line = _one_line(capsys.readouterr().out)
    tables = len(Economy.model_fields)
    assert line.endswith(f"ok (the shared economy coefficients, {tables} tables)")


def test_validate_names_the_problems_of_a_broken_economy_file(tmp_path, capsys) -> None:
    shared = (ROOT / "scenarios" / "economy.toml").read_text(encoding="utf-8")
    broken = tmp_path / "economy.toml"
    broken.write_text(shared.replace("employees_sigma = 0.8", "employees_sigmaa = 0.8", 1))
    assert main(["validate", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "segments.large_industry.employees_sigmaa: unknown field" in err
    assert "segments.large_industry.employees_sigma: required field is missing" in err
    assert "scenario: required field is missing" not in err


NO_DISPLAY = [
    (["demo"], "clusterboard demo --headless"),
    (["host", "--scenario", "grow"], "/host"),
    (["play", "--code", "ACDEFG", "--team", "A", "--name", "B"], "in a browser"),
]


@pytest.mark.parametrize(("args", "hint"), NO_DISPLAY)
@pytest.mark.parametrize("driver", ["x11", None])
def test_no_display_fails_at_once_and_points_elsewhere(tmp_path, args, hint, driver) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("SDL_VIDEODRIVER", None)  # None: SDL falls back to its off-screen driver
    if driver:
        env["SDL_VIDEODRIVER"] = driver
    env["XDG_RUNTIME_DIR"] = str(tmp_path)
    env["CLUSTERBOARD_CLIENT_CONFIG"] = str(tmp_path / "client.json")
    done = _cli(args, env)
    assert done.returncode == 1
    line = _one_line(done.stderr)
    assert line.startswith("clusterboard: error: cannot open a window")
    assert hint in line
    assert "The same session in a browser" not in done.stdout  # no server was started


def test_host_against_a_server_that_is_down_is_one_line(capsys) -> None:
    assert main(["host", "--scenario", "grow", "--url", "ws://127.0.0.1:9"]) == 1
    line = _one_line(capsys.readouterr().err)
    assert line.startswith("clusterboard: error: no game server answers at ws://127.0.0.1:9")


def _app(mode: str) -> App:
    init_pygame()
    return App(pygame.Surface((1366, 768)), mode=mode, remember=False)


def test_a_console_whose_server_is_down_says_so() -> None:
    app = _app("host")
    try:
        app.connect("ws://127.0.0.1:9", {"type": "create_session", "scenario": "grow"})
        assert waiting_line(app.model) == "Creating the session…"
        pump([app], lambda: app.model.failure is not None, 30)
        assert waiting_line(app.model).startswith("No session: cannot connect")
        assert app.model.status == "offline"
        app.frame()  # draws the reason without failing
    finally:
        app.close()


def test_a_refused_join_gives_the_join_button_back(tmp_path) -> None:
    async def scenario() -> None:
        async with serving(tmp_path / "s.db") as (_server, url):
            facilitator, code = await facilitated(url, scenario="grow")
            wrong = "ACDEFG" if code != "ACDEFG" else "CDEFGH"
            app = _app("player")
            try:
                hello = {"type": "join", "code": wrong, "team": "A", "name": "B"}
                app.connect(url, hello)
                app.frame()
                assert app.model.status == "connecting"
                await _until(app, lambda: app.model.failure is not None)
                assert app.model.status == "offline"
                assert app.scene is app.scenes["join"]
                assert "no session with this code" in app.scenes["join"].error
            finally:
                app.close()
                await facilitator.close()

    run(scenario())


async def _until(app: App, condition, timeout: float = 30.0) -> None:
    import asyncio

    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        app.frame()
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not reached")


def test_serve_says_it_stopped_on_ctrl_c(tmp_path) -> None:
    env = dict(os.environ)
    db = tmp_path / "class.db"
    server = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", "--port", "0", "--db", str(db)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        assert first.startswith("players:")
        server.send_signal(signal.SIGINT)
        _out, err = server.communicate(timeout=GUARD)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert server.returncode == 0
    last = [line for line in err.strip().splitlines() if line.strip()][-1]
    assert last.startswith("clusterboard: server stopped (Ctrl-C)")
    assert str(db) in last and "Traceback" not in err
