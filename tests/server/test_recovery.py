"""SIGKILL the server during the decisions and during a resolution; restart; nothing is lost.

The same game is played twice against a server subprocess: once without a
fault, once killed (SIGKILL) right after a first decision is acknowledged and
again right after the last decision of a round is acknowledged, while the
round is resolving. The clients reconnect by themselves; the second game must
end with the same state hash as the first.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import sys
from pathlib import Path
from typing import Any

from loopback import close_all, run

from cli.bot import decide
from protocol.client import Client

ROUNDS = 3
RESOLVE_DELAY = 1.0


class ServerProcess:
    """``clusterboard serve`` as a subprocess on a fixed database."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.port = 0
        self.process: asyncio.subprocess.Process | None = None
        self.drain: asyncio.Task[None] | None = None
        self.recovered: list[dict[str, Any]] = []  # the server's "recovered" log events
        self.quarantined: list[dict[str, Any]] = []  # and its "quarantined" ones

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "cli",
            "serve",
            "--port",
            str(self.port),
            "--db",
            str(self.db),
            "--resolve-delay",
            str(RESOLVE_DELAY),
            "--ping-interval",
            "1",
            "--ping-timeout",
            "2",
            stderr=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL,
        )
        listening: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self.drain = asyncio.create_task(self._read(listening))
        self.port = await asyncio.wait_for(listening, 20)

    async def _read(self, listening: asyncio.Future[int]) -> None:
        assert self.process is not None and self.process.stderr is not None
        async for line in self.process.stderr:
            if b'"recovered"' in line:
                self.recovered.append(json.loads(line))
            if b'"quarantined"' in line:
                self.quarantined.append(json.loads(line))
            if b'"listening"' in line and not listening.done():
                listening.set_result(json.loads(line)["port"])

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        if self.drain is not None:
            await self.drain

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            await self.process.wait()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"


def commands_since_last_resolution(db: Path) -> int:
    """Count the logged commands after the last resolution: what a restart must replay."""
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT command FROM events ORDER BY seq").fetchall()
    types = [json.loads(text)["message"]["type"] for (text,) in rows]
    last = max(i for i, kind in enumerate(types) if kind == "resolve")
    return len(types) - 1 - last


def logged_types(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT command FROM events ORDER BY session_id, seq").fetchall()
    return [json.loads(text)["message"]["type"] for (text,) in rows]


async def submit(client: Client, round_no: int, strategy: str) -> dict[str, Any]:
    state = await client.wait_for(
        lambda c: (
            c.team_state
            and c.phase == "decisions"
            and c.team_state["view"]["round"] == round_no
            and c.team_state
        )
    )
    decisions = decide(state, strategy, seed=1)
    reply = await client.submit(decisions, round=round_no)
    assert reply["type"] == "ack"
    return decisions


async def game(server: ServerProcess, faults: bool) -> list[str]:
    await server.start()
    clients = [Client(server.url, backoff=(0.05, 0.3)) for _ in range(3)]
    facilitator, ann, bo = clients
    code = (await facilitator.create_session(seed=9, rounds=ROUNDS))["code"]
    await ann.join(code, "Alpha", "Ann")
    await bo.join(code, "Beta", "Bo")
    await facilitator.send("start")
    for round_no in range(1, ROUNDS + 1):
        await facilitator.send("open_round")
        ann_decisions = await submit(ann, round_no, "member_first")
        if faults and round_no == 2:  # killed in the decisions phase
            await server.kill()
            pending = commands_since_last_resolution(server.db)
            await server.start()
            # the restart starts from round 1's snapshot: it replays only round 2's commands
            assert [e["commands"] for e in server.recovered] == [pending]
            assert server.recovered[0]["snapshot"] == 1
            assert pending == 2  # open_round and Ann's submission
            back = await ann.wait_for(
                lambda c: (
                    c.reconnections >= 1
                    and (c.team_state["submission"] or {}).get("round") == 2
                    and c.team_state["submission"]
                )
            )
            assert back["decisions"] == ann_decisions
        await submit(bo, round_no, "random")
        if faults and round_no == 3:  # killed while the round resolves
            await server.kill()
            assert logged_types(server.db)[-1] == "submit"
            pending = commands_since_last_resolution(server.db)
            await server.start()
            assert server.recovered[-1]["commands"] == pending == 3  # open, two submissions
            assert server.recovered[-1]["snapshot"] == 2
        await facilitator.wait_for(
            lambda c, r=round_no: (
                c.facilitator_state["timer"]["round"] == r
                and c.facilitator_state["timer"]["phase"] in ("results", "finished")
            ),
            timeout=30,
        )
    hashes = facilitator.facilitator_state["state_hashes"]
    assert facilitator.facilitator_state["timer"]["phase"] == "finished"
    await close_all(*clients)
    await server.stop()
    return hashes


def test_a_killed_server_recovers_every_acknowledged_decision(tmp_path) -> None:
    async def main() -> None:
        calm = await game(ServerProcess(tmp_path / "calm.db"), faults=False)
        faulty = ServerProcess(tmp_path / "faulty.db")
        try:
            recovered = await game(faulty, faults=True)
        finally:
            await faulty.stop()
        assert len(calm) == ROUNDS
        assert recovered == calm
        assert logged_types(faulty.db).count("resolve") == ROUNDS

    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    run(main(), timeout=100)
