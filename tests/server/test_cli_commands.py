"""The server's subcommands: a network bot plays a game; argument errors are one line."""

from __future__ import annotations

import asyncio
import subprocess
import sys

from loopback import close_all, facilitated, run, serving


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
