"""The server's subcommands: a network bot plays a game; argument errors are one line."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest
from loopback import close_all, facilitated, run, serving

from cli import demo
from protocol.client import ServerError


def test_the_bot_command_plays_a_whole_game(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "b.db") as (_, url):
            facilitator, code = await facilitated(url, seed=4, rounds=2)
            bot = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "cli",
                "bot",
                "--url",
                url,
                "--code",
                code.lower(),
                "--team",
                "Robots",
                "--strategy",
                "passive",
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            await facilitator.wait_for(lambda c: len(c.facilitator_state["teams"]) == 1, 20)
            await facilitator.send("start")
            for round_no in (1, 2):
                await facilitator.send("open_round")
                await facilitator.wait_for(
                    lambda c, r=round_no: (
                        c.facilitator_state["timer"]["round"] == r
                        and c.phase in ("results", "finished")
                    ),
                    20,
                )
            out, err = await asyncio.wait_for(bot.communicate(), 20)
            board = facilitator.public_state["leaderboard"]
            assert bot.returncode == 0, err.decode()
            assert out.decode().strip() == f"Robots: finished, final score {board[0]['score']:.2f}"
            await close_all(facilitator)

    run(main())


def cli(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", *arguments], capture_output=True, text=True, timeout=30
    )


def test_argument_errors_are_one_clear_line() -> None:
    for arguments in (
        ("serve", "--port", "70000"),
        ("serve", "--tls-cert", "cert.pem"),
        ("serve", "--workers", "-1"),
        ("bot", "--url", "not a url", "--code", "ACDEFG", "--team", "T"),
        ("bot", "--url", "ws://127.0.0.1:9", "--code", "ACDEFG", "--team", "T"),
        ("bot", "--url", "ws://127.0.0.1:9", "--code", "ACDEFG", "--team", "T", "--strategy", "x"),
    ):
        result = cli(*arguments)
        assert result.returncode != 0
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("clusterboard: error:"), result.stderr


def test_a_demo_the_server_refuses_says_why_and_stops_its_server() -> None:
    """The embedded server refuses the demo's session (too many rounds, asked past the
    command line's own check): the server's reason reaches the caller, and the demo's
    server stops at once instead of waiting for the refused console's connection."""
    with pytest.raises(ServerError, match="at most 10 rounds"):
        demo.run_headless("grow", 12, 1, out=lambda line: None)


def test_the_demo_command_refuses_a_longer_game_in_one_line() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cli",
            "demo",
            "--headless",
            "--scenario",
            "tutorial",
            "--rounds",
            "5",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "clusterboard: error: rounds: 'tutorial' is written for at most 3 rounds (got 5)"
    ]


class _LaggingClient:
    """A scripted stand-in for a connection's races: the team view shows a submission
    only once the round has resolved, and the view moves on between the bot's wake-up
    and its reading it (the demo hung in about one run of fifteen on these)."""

    def __init__(self, rounds: int) -> None:
        self.rounds, self.submitted, self.welcome = rounds, [], {"team": "North"}
        self.round_no, self.phase = 1, "decisions"
        self.public_state = {"timer": {"phase": "decisions"}, "leaderboard": []}

    @property
    def team_state(self) -> dict:
        timer = {"phase": self.phase, "round": self.round_no, "practice": False}
        return {"timer": timer, "view": {"round": self.round_no}, "submission": None}

    def advance(self) -> None:
        """One step of the session: a submitted round resolves, the next one opens."""
        if self.phase == "decisions" and self.round_no in self.submitted:
            self.phase = "results"
        elif self.phase == "results" and self.round_no < self.rounds:
            self.round_no, self.phase = self.round_no + 1, "decisions"
        elif self.phase == "results":
            self.phase = "finished"
        elif self.phase == "finished":
            self.public_state["timer"]["phase"] = "finished"

    async def wait_for(self, condition, timeout) -> object:
        for _ in range(10):
            found = condition(self)
            if found:
                if self.phase == "decisions" and self.round_no in self.submitted:
                    self.advance()  # the round resolves before the bot reads its view
                return found
            self.advance()
        raise AssertionError("the bot waits for something that never comes")

    async def submit(self, decisions, round_no) -> None:
        assert round_no not in self.submitted, f"round {round_no} submitted twice"
        self.submitted.append(round_no)


def test_the_bot_submits_each_round_once_when_its_views_lag(monkeypatch) -> None:
    from cli import bot

    client = _LaggingClient(rounds=3)
    monkeypatch.setattr(bot, "decide", lambda state, name, seed: {})
    score = asyncio.run(asyncio.wait_for(bot.play(client, "member_first"), 10))
    assert client.submitted == [1, 2, 3] and score == 0.0
