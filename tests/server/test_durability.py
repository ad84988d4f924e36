"""Nothing accepted is lost: fsync by default, full disks, damaged databases, graceful stops.

The disk fills up under a running session (SQLite's page limit stands in for the
disk), a database is damaged before the server starts, and the server is sent
SIGTERM in the middle of a game: each is seen as a user of ``clusterboard serve``
and its clients would see it.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import urllib.request
from typing import Any

from loopback import facilitated, joined, run, serving
from test_recovery import ServerProcess
from websockets.asyncio.client import ClientConnection, connect

from cli.main import build_parser
from cli.serve import config_from
from protocol.client import Client
from server.store import Store


def health(port: int) -> dict[str, Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as response:
        return json.load(response)


async def request(ws: ClientConnection, message: dict[str, Any]) -> dict[str, Any]:
    await ws.send(json.dumps(message))
    while True:
        reply = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if reply.get("reply_to") == message["id"] and reply["type"] != "labels":
            return reply


def serve(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "cli", "serve", "--port", "0", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


def test_every_acknowledgement_is_fsynced_unless_told_otherwise(tmp_path) -> None:
    parser = build_parser()
    default = config_from(parser.parse_args(["serve", "--db", str(tmp_path / "a.db")]))
    normal = config_from(parser.parse_args(["serve", "--sync", "normal"]))
    assert (default.durable, normal.durable) == (True, False)
    for durable, level in ((True, 2), (False, 1)):  # 2: FULL, 1: NORMAL
        store = Store(tmp_path / f"{durable}.db", durable=durable)
        assert store.db.execute("PRAGMA synchronous").fetchone() == (level,)
        store.close()


def test_a_full_disk_pauses_the_session_and_it_resumes_by_itself(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "d.db", store_retry=0.1, rate=1e6, burst=1e6) as (s, url):
            facilitator, code = await facilitated(url, seed=2, rounds=2)
            player = await joined(url, code, "North", "Ana")
            await facilitator.send("start")
            await facilitator.send("open_round")
            db = s.store.db
            db.execute("VACUUM")  # no free pages left in the file
            db.execute(f"PRAGMA max_page_count = {db.execute('PRAGMA page_count').fetchone()[0]}")
            acked, refusal = 0, None
            for _ in range(300):  # the log's last page fills up
                reply = await request_or_error(player, "edit_draft", round=1, changes={})
                if reply.get("code") == "unavailable":
                    refusal = reply
                    break
                acked += 1
            assert refusal is not None and "nothing was changed" in refusal["message"]
            status = await asyncio.to_thread(health, s.port)
            assert status["status"] == "degraded"
            assert any("cannot write its log" in p for p in status["problems"])
            view = await player.send("get_view")  # reading works while writes wait
            assert view["draft_version"] == acked  # the refused edit changed nothing
            again = await request_or_error(player, "submit", round=1)
            assert again.get("code") == "unavailable"
            db.execute("PRAGMA max_page_count = 1073741823")  # space is back
            while (await asyncio.to_thread(health, s.port))["status"] != "ok":
                await asyncio.sleep(0.05)
            assert (await player.send("edit_draft", round=1, changes={}))["type"] == "ack"
            await player.submit()
            await player.wait_for(lambda c: c.phase == "results")  # the round resolved
            assert not player.removed and player.reconnections == 0
            # the rebuilt session patches on from the views every screen holds (the player's
            # get_view above had its own public_state sent in full)
            await facilitator.wait_for(lambda c: c.public_state["timer"]["phase"] == "results")
            same = ("reply_to",)
            assert {k: v for k, v in facilitator.public_state.items() if k not in same} == {
                k: v for k, v in player.public_state.items() if k not in same
            }
            assert facilitator.resyncs == 0
            await facilitator.close()
            await player.close()

    run(main())


async def request_or_error(client: Client, kind: str, **fields: Any) -> dict[str, Any]:
    try:
        return await client.send(kind, **fields)
    except Exception as error:  # ServerError carries the reply
        return getattr(error, "reply", {"code": str(error)})


def test_a_damaged_database_is_named_in_one_line_and_the_server_does_not_start(tmp_path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(os.urandom(8192))
    missing = tmp_path / "nowhere" / "x.db"
    for db in (garbage, missing):
        result = serve("--db", str(db))
        assert result.returncode == 1
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
        assert lines[0].startswith("clusterboard: error: cannot use the database")
        assert str(db) in lines[0]


def test_a_bad_event_row_quarantines_its_session_and_the_others_start(tmp_path) -> None:
    db = tmp_path / "q.db"

    async def main() -> None:
        async with serving(db) as (_, url):
            bad, bad_code = await facilitated(url, seed=1)
            await joined(url, bad_code, "North", "Ana")
            good, good_code = await facilitated(url, seed=2)
            player = await joined(url, good_code, "South", "Bo")
            token = player.token
            for client in (bad, good, player):
                await client.close()
        with sqlite3.connect(db) as connection:
            session = connection.execute(
                "SELECT id FROM sessions WHERE code = ?", (bad_code,)
            ).fetchone()[0]
            damaged = '{"seq": 2, broken'
            connection.execute(
                "UPDATE events SET command = ? WHERE session_id = ? AND seq = 2",
                (damaged, session),
            )
        process = ServerProcess(db)
        try:
            await process.start()
            status = await asyncio.to_thread(health, process.port)
            assert status["status"] == "degraded"
            assert status["problems"] == [f"session {session} quarantined"]
            back = Client(process.url, reconnect=False)
            welcome = await back.resume(token)  # the good session plays on
            assert welcome["code"] == good_code
            spectator = Client(process.url, reconnect=False)
            try:
                await spectator.spectate(bad_code)
                raise AssertionError("a quarantined session was served")
            except Exception as error:
                assert getattr(error, "code", "") == "not_found"
            await back.close()
            await spectator.close()
        finally:
            await process.stop()
        assert process.quarantined[0]["session"] == session
        reason = process.quarantined[0]["reason"]
        assert str(db) in reason and f"session {session}, seq 2" in reason

    run(main())


def test_sigterm_closes_with_restarting_and_clients_resume(tmp_path) -> None:
    db = tmp_path / "t.db"

    async def main() -> None:
        process = ServerProcess(db)
        try:
            await game(process)
        finally:
            await process.stop()  # whatever happened, no server is left behind

    async def game(process: ServerProcess) -> None:
        await process.start()
        facilitator = Client(process.url, backoff=(0.05, 0.2))
        code = (await facilitator.create_session(seed=3, rounds=2))["code"]
        player = Client(process.url, backoff=(0.05, 0.2))
        await player.join(code, "North", "Ana")
        await facilitator.send("start")
        await facilitator.send("open_round")
        await player.wait_for(lambda c: c.phase == "decisions")
        await player.edit_draft(staffing={"hire_fte": 1.0})
        raw = await connect(process.url)
        await raw.send(json.dumps({"type": "spectate", "protocol": 1, "code": code, "id": "s"}))
        await raw.recv()
        assert process.process is not None
        process.process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.process.wait(), 20) == 0
        await asyncio.wait_for(raw.wait_closed(), 10)
        assert raw.close_code == 1012 and raw.close_reason == "server restarting"
        await process.start()  # the same port and database
        await player.wait_for(lambda c: c.reconnections >= 1 and c.phase == "decisions")
        assert player.team_state["draft"]["staffing"]["hire_fte"] == 1.0
        assert (await player.submit())["type"] == "ack"
        await facilitator.wait_for(lambda c: c.reconnections >= 1)
        await player.close()
        await facilitator.close()
        await raw.close()
        await process.stop()

    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    run(main())
