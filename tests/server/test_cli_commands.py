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
    and its reading it (the demo hung in about one run of fifteen on these). The rounds
    open in the order of ``openings``, (practice, round) each: a practice round reset
    and played again opens twice."""

    def __init__(self, rounds: int = 0, openings: list[tuple[bool, int]] | None = None) -> None:
        self.openings = openings or [(False, r) for r in range(1, rounds + 1)]
        self.submitted: list[tuple[bool, int]] = []  # what the bot submitted, in order
        self.welcome = {"team": "North"}
        self.opening, self.done, self.phase = 0, set(), "decisions"
        self.public_state = {"timer": {"phase": "decisions"}, "leaderboard": []}

    @property
    def team_state(self) -> dict:
        practice, round_no = self.openings[self.opening]
        timer = {"phase": self.phase, "round": round_no, "practice": practice}
        return {"timer": timer, "view": {"round": round_no}, "submission": None}

    def advance(self) -> None:
        """One step of the session: a submitted round resolves, the next one opens."""
        if self.phase == "decisions" and self.opening in self.done:
            self.phase = "results"
        elif self.phase == "results" and self.opening + 1 < len(self.openings):
            self.opening, self.phase = self.opening + 1, "decisions"
        elif self.phase == "results":
            self.phase = "finished"
        elif self.phase == "finished":
            self.public_state["timer"]["phase"] = "finished"

    async def wait_for(self, condition, timeout) -> object:
        for _ in range(10):
            found = condition(self)
            if found:
                if self.phase == "decisions" and self.opening in self.done:
                    self.advance()  # the round resolves before the bot reads its view
                return found
            self.advance()
        raise AssertionError("the bot waits for something that never comes")

    async def submit(self, decisions, round_no) -> None:
        assert self.phase == "decisions" and self.opening not in self.done, "submitted twice"
        self.done.add(self.opening)
        self.submitted.append(self.openings[self.opening])


def test_the_bot_submits_each_round_once_when_its_views_lag(monkeypatch) -> None:
    from cli import bot

    client = _LaggingClient(rounds=3)
    monkeypatch.setattr(bot, "decide", lambda state, name, seed: {})
    score = asyncio.run(asyncio.wait_for(bot.play(client, "member_first"), 10))
    assert client.submitted == [(False, 1), (False, 2), (False, 3)] and score == 0.0


def test_the_bot_plays_a_practice_round_again_after_a_reset(monkeypatch) -> None:
    from cli import bot

    openings = [(True, 1), (True, 1), (False, 1), (False, 2)]  # practice, reset, again
    client = _LaggingClient(openings=openings)
    monkeypatch.setattr(bot, "decide", lambda state, name, seed: {})
    asyncio.run(asyncio.wait_for(bot.play(client, "member_first"), 10))
    assert client.submitted == openings
