"""The demo: an embedded server, a session with computer-run teams, and the windows.

``clusterboard demo`` opens the player window on one seat and the facilitator
console beside it. ``clusterboard demo --headless`` plays the whole session
through the real server with computer-run teams and prints the results.
``clusterboard demo --browser`` serves the session to the web pages instead of
opening windows, and prints their addresses.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cli.bot import play
from cli.embedded import EmbeddedServer
from protocol.client import Client

BOTS = (("Harbour", "project_chaser"), ("Summit", "fee_maximiser"), ("Delta", "startup_builder"))
SEAT = ("Northwind", "member_first")
WAIT = 120.0


async def create_demo_session(
    url: str, scenario: str, rounds: int | None, seed: int, seconds: float
) -> tuple[Client, str]:
    """Create the session and its computer-run teams; return the facilitator and the code."""
    facilitator = Client(url)
    config: dict[str, Any] = {"scenario": scenario, "seed": seed, "round_seconds": seconds}
    if rounds is not None:
        config["rounds"] = rounds
    try:
        welcome = await facilitator.create_session(**config)
        for team, strategy in BOTS:
            await facilitator.send("add_bot", team=team, strategy=strategy)
    except BaseException:
        await facilitator.close()  # or the embedded server waits for it when it stops
        raise
    return facilitator, welcome["code"]


def _row(paper_row: dict[str, Any]) -> str:
    mix = paper_row["financing_mix"]
    shares = "/".join(f"{mix.get(f, 0.0):.0f}" for f in ("public", "private", "project"))
    kind = "computer" if paper_row["computer"] else "network"
    rank, team, budget = paper_row["rank"], paper_row["team"], paper_row["budget"]
    return (
        f"  {rank:>2}. {team:<10} {kind:<8} {budget:>10,.0f}  "
        f"{shares:>11}  {paper_row['stage']:<12} {paper_row['score']:>10.1f}"
    )


async def play_headless(
    url: str, scenario: str, rounds: int | None, seed: int, out: Callable[[str], None]
) -> list[dict[str, Any]]:
    """Play a whole session with computer-run teams through the server; return the leaderboard."""
    facilitator, code = await create_demo_session(url, scenario, rounds, seed, 600.0)
    seat = Client(url)
    await seat.join(code, SEAT[0], "demo")
    player = asyncio.create_task(play(seat, SEAT[1], seed))
    try:
        await facilitator.send("start")
        total = facilitator.timer["rounds"]
        teams = len(BOTS) + 1
        out(f"Cluster Board demo: scenario {scenario}, seed {seed}, {total} years, {teams} teams")
        out(f"Server {url}")
        out(
            f"  {'#':>3} {'team':<10} {'kind':<8} {'costs':>10}  {'pub/priv/pro':>11}  "
            f"{'stage':<12} {'game score':>10}"
        )
        for year in range(1, total + 1):
            await facilitator.send("open_round")
            await facilitator.wait_for(lambda c, y=year: _resolved(c, y), WAIT)
            out(f"Year {year}")
            for row in facilitator.public_state["newspaper"]["rows"]:
                out(_row(row))
        await asyncio.wait_for(player, WAIT)
        board = facilitator.public_state["leaderboard"]
        out("Final leaderboard")
        for row in board:
            out(f"  {row['rank']:>2}. {row['team']:<10} {row['score']:6.2f}")
        return board
    finally:
        player.cancel()
        await seat.close()
        await facilitator.close()


def _resolved(client: Client, year: int) -> bool:
    paper = (client.public_state or {}).get("newspaper") or {}
    return client.phase in ("results", "finished") and paper.get("round") == year


def run_headless(
    scenario: str, rounds: int | None, seed: int, out: Callable[[str], None] = print
) -> int:
    with tempfile.TemporaryDirectory(prefix="clusterboard-demo-") as folder:
        server = EmbeddedServer(str(Path(folder) / "demo.db")).start()
        try:
            coroutine = play_headless(server.url, scenario, rounds, seed, out)
            asyncio.run(asyncio.wait_for(coroutine, WAIT * 4))
        finally:
            server.stop()
    return 0


def run_windows(scenario: str, rounds: int | None, seed: int, seconds: float) -> int:
    """Open the player window on one seat and the facilitator console beside it."""
    from cli.launch import open_window
    from client.app import App

    with tempfile.TemporaryDirectory(prefix="clusterboard-demo-") as folder:
        server = EmbeddedServer(str(Path(folder) / "demo.db")).start()
        player: subprocess.Popen[bytes] | None = None
        try:
            facilitator, code = server_call(
                server, create_demo_session(server.url, scenario, rounds, seed, seconds)
            )
            token = facilitator.token
            server_call(server, facilitator.close())
            for line in browser_lines(server.url, code, token):
                print(line, flush=True)
            env = os.environ | {
                "SDL_VIDEO_WINDOW_POS": "0,40",
                "CLUSTERBOARD_CLIENT_CONFIG": str(Path(folder) / "client.json"),
            }
            command = [
                sys.executable,
                "-m",
                "cli",
                "play",
                "--url",
                server.url,
                "--code",
                code,
                "--team",
                SEAT[0],
                "--name",
                "You",
                "--size",
                "960x680",
            ]
            player = subprocess.Popen(command, env=env)
            os.environ["SDL_VIDEO_WINDOW_POS"] = "970,40"
            surface = open_window((940, 680), "Cluster Board · facilitator")
            app = App(surface, mode="host", remember=False)
            signal.signal(signal.SIGTERM, lambda *_: setattr(app, "running", False))
            app.connect(server.url, {"type": "resume", "token": token})
            return app.run()
        finally:
            if player is not None and player.poll() is None:
                player.terminate()
                player.wait(timeout=5)
            server.stop()


def browser_lines(url: str, code: str, token: str | None) -> list[str]:
    """The same session in a browser: the player page, the console and the projector."""
    base = url.replace("ws://", "http://", 1).replace("wss://", "https://", 1)
    lines = ["The same session in a browser:", f"  players      {base}/?code={code}"]
    if token:
        lines.append(f"  facilitator  {base}/host#token={token}")
    lines.append(f"  projector    {base}/projector?code={code}")
    return lines


def wait_for_interrupt() -> None:
    """Block until Ctrl-C or SIGTERM."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass


def run_browser(
    scenario: str,
    rounds: int | None,
    seed: int,
    seconds: float,
    port: int = 0,
    out: Callable[[str], None] = print,
    until: Callable[[str], None] | None = None,
) -> int:
    """Serve a demo session (computer-run teams and one free seat) to the web pages.

    Prints the console's, the players' and the projector's addresses, opens the
    console in the system's browser when there is one, and serves until Ctrl-C
    (or until ``until(base_url)`` returns, for tests).
    """
    with tempfile.TemporaryDirectory(prefix="clusterboard-demo-") as folder:
        server = EmbeddedServer(str(Path(folder) / "demo.db"), port=port).start()
        try:
            facilitator, code = server_call(
                server, create_demo_session(server.url, scenario, rounds, seed, seconds)
            )
            token = facilitator.token
            server_call(server, facilitator.close())
            lines = browser_lines(server.url, code, token)
            for line in lines:
                out(line)
            out(f"Join as team {SEAT[0]} (or any name) on the players' page. Ctrl-C stops.")
            base = server.url.replace("ws://", "http://", 1)
            if until is not None:
                until(base)
            else:
                if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
                    webbrowser.open(f"{base}/host#token={token}")
                wait_for_interrupt()
        finally:
            server.stop()
    return 0


def server_call(server: EmbeddedServer, coroutine: Any) -> Any:
    return server.call(coroutine, WAIT)
