"""Clients that do not read: the slow one gets the latest view, the dead one is dropped.

A client stops reading its socket (as a frozen laptop or a hostile script does)
while the session goes on at full speed. The server neither buffers without end
nor waits: past a first mark views are held back and, once the client reads
again, it gets one full view with the latest state instead of every stale one;
past a second mark it is dropped, and it resumes with its token.
"""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any

from loopback import run, serving
from websockets.asyncio.client import ClientConnection, connect

SMALL = {
    "rate": 1e6,
    "burst": 1e6,
    "behind_buffer": 16 * 1024,
    "drop_buffer": 256 * 1024,
    "send_buffer": 8 * 1024,
}


async def hello(url: str, message: dict[str, Any]) -> tuple[ClientConnection, dict[str, Any]]:
    ws = await connect(url, max_size=None)
    await ws.send(json.dumps({"protocol": 1, "id": "h"} | message))
    while True:
        reply = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if reply.get("reply_to") == "h" and reply["type"] != "labels":
            return ws, reply


async def request(ws: ClientConnection, message: dict[str, Any]) -> dict[str, Any]:
    await ws.send(json.dumps(message))
    while True:
        reply = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if reply.get("reply_to") == message["id"]:
            return reply


def stop_reading(ws: ClientConnection) -> None:
    sock = ws.transport.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    ws.transport.pause_reading()


async def create(url: str) -> tuple[ClientConnection, str]:
    facilitator, created = await hello(url, {"type": "create_session", "seed": 3})
    return facilitator, created["code"]


async def open_round(facilitator: ClientConnection) -> None:
    for kind in ("start", "open_round"):
        reply = await request(facilitator, {"type": kind, "id": kind})
        assert reply["type"] == "ack", reply


def test_a_slow_reader_gets_the_latest_view_not_a_queue_of_stale_ones(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "b.db", **SMALL) as (_, url):
            facilitator, code = await create(url)
            player, _ = await hello(url, {"type": "join", "code": code, "team": "N", "name": "A"})
            await open_round(facilitator)  # the round waits for the player
            projector, _ = await hello(url, {"type": "spectate", "code": code})
            stop_reading(projector)
            extends = 300
            for n in range(extends):  # each one pushes a view to every screen
                reply = await request(facilitator, {"type": "extend", "id": f"x{n}", "seconds": 1})
                assert reply["type"] == "ack", reply
            latest = await request(facilitator, {"type": "get_view", "id": "v"})
            projector.transport.resume_reading()
            seen = []
            while True:
                message = json.loads(await asyncio.wait_for(projector.recv(), 10))
                if message["type"] == "public_state":
                    seen.append(message)
                    if message["timer"]["deadline"] == latest["timer"]["deadline"]:
                        break
            assert len(seen) < extends  # stale views were skipped, not queued
            assert seen[-1]["history"] is not None  # the catch-up is a full view
            for ws in (facilitator, projector, player):
                await ws.close()

    run(main())


def test_a_reader_that_never_reads_is_dropped_and_can_resume(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "b.db", **SMALL) as (server, url):
            facilitator, code = await create(url)
            join = {"type": "join", "code": code, "team": "North"}
            active, _ = await hello(url, join | {"name": "Ana"})
            frozen, welcome = await hello(url, join | {"name": "Bo"})
            await open_round(facilitator)
            stop_reading(frozen)
            bulky = {"responses": {f"card-{n}": "x" * 200 for n in range(20)}}
            edits = 0
            while len(server.connections) == 3 and edits < 2000:  # drafts reach the team
                edit = {"type": "edit_draft", "id": f"e{edits}", "round": 1, "changes": bulky}
                reply = await request(active, edit)
                assert reply["type"] == "ack", reply
                edits += 1
            assert len(server.connections) == 2  # the frozen one was dropped
            back, resumed = await hello(url, {"type": "resume", "token": welcome["token"]})
            assert resumed["player"] == welcome["player"]
            view = await request(back, {"type": "get_view", "id": "v"})
            assert view["draft_version"] == edits  # it comes back to the latest draft
            for ws in (facilitator, active, back):
                await ws.close()
            frozen.transport.abort()

    run(main())
