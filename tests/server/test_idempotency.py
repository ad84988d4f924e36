"""A request resent with the same id is applied once, for the session's whole life.

Over real sockets, as a client on a flaky network does it: the first message
(``create_session``, ``join``) resent on a new connection after its answer was
lost, a command resent after hundreds of others, and commands resent after the
server restarted, from before and after the last snapshot.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from typing import Any

from loopback import run, serving
from websockets.asyncio.client import ClientConnection, connect

FAST = {"rate": 1e6, "burst": 1e6}


async def request(ws: ClientConnection, message: dict[str, Any]) -> dict[str, Any]:
    """Send a message and return its reply (the first non-labels message echoing its id)."""
    await ws.send(json.dumps(message))
    while True:
        reply = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if reply.get("reply_to") == message["id"] and reply["type"] != "labels":
            return reply


async def first(url: str, message: dict[str, Any]) -> tuple[ClientConnection, dict[str, Any]]:
    ws = await connect(url)
    return ws, await request(ws, {"protocol": 1} | message)


def rows(db, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


def test_create_session_and_join_resent_with_the_same_id_are_applied_once(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "i.db") as (_, url):
            create = {"type": "create_session", "id": "create-7f3a9c2e41", "seed": 2}
            lost, created = await first(url, create)
            await lost.close()  # the answer is "lost": the console sends it again
            facilitator, again = await first(url, create)
            assert again["type"] == "welcome" and again["role"] == "facilitator"
            assert (again["session"], again["token"]) == (created["session"], created["token"])
            code = created["code"]
            join = {"type": "join", "id": "join-5d1e0b77aa", "code": code}
            join |= {"team": "North", "name": "Ana"}
            lost, joined = await first(url, join)
            await lost.close()
            player, rejoined = await first(url, join)
            assert (rejoined["player"], rejoined["token"]) == (joined["player"], joined["token"])
            # another person with another id is another player
            other, third = await first(url, join | {"id": "join-98c0ffee12", "name": "Bo"})
            assert third["player"] != joined["player"]
            view = await request(facilitator, {"type": "get_view", "id": "v1"})
            players = [p["name"] for t in view["teams"] for p in t["players"]]
            assert players == ["Ana", "Bo"]
            for ws in (facilitator, player, other):
                await ws.close()
        assert rows(tmp_path / "i.db", "SELECT COUNT(*) FROM sessions") == [(1,)]
        kinds = rows(
            tmp_path / "i.db", "SELECT json_extract(command, '$.message.type') FROM events"
        )
        assert [k for (k,) in kinds] == ["create_session", "join", "join"]

    run(main())


def test_an_id_is_answered_again_after_a_thousand_other_commands(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "i.db", **FAST) as (_, url):
            facilitator, created = await first(url, {"type": "create_session", "id": "c-1"})
            join = {"type": "join", "id": "j-1", "code": created["code"]}
            player, _ = await first(url, join | {"team": "North", "name": "Ana"})
            await request(facilitator, {"type": "start", "id": "f-1"})
            await request(facilitator, {"type": "open_round", "id": "f-2"})
            edit = {"type": "edit_draft", "id": "e-0", "round": 1, "changes": {}}
            first_ack = await request(player, edit)
            for n in range(1, 1001):
                await request(player, edit | {"id": f"e-{n}"})
            again = await request(player, edit)
            assert again == first_ack  # the same ack, same seq: not applied again
            view = await request(player, {"type": "get_view", "id": "v"})
            assert view["draft_version"] == 1001
            await player.close()
            await facilitator.close()

    run(main(), timeout=120)


def test_ids_answered_before_a_restart_are_answered_again_after_it(tmp_path) -> None:
    """Ids before the last snapshot come back with it; ids after it come back by replay."""
    db = tmp_path / "i.db"

    async def main() -> None:
        async with serving(db) as (_, url):
            facilitator, created = await first(url, {"type": "create_session", "id": "c-1"})
            join = {"type": "join", "id": "j-1", "code": created["code"]}
            player, joined = await first(url, join | {"team": "North", "name": "Ana"})
            await request(facilitator, {"type": "start", "id": "f-1"})
            await request(facilitator, {"type": "open_round", "id": "f-2", "seconds": 600})
            before = {"type": "edit_draft", "id": "before", "round": 1, "changes": {}}
            ack_before = await request(player, before)
            await request(player, {"type": "submit", "id": "s-1", "round": 1})  # resolves
            await request(facilitator, {"type": "open_round", "id": "f-3", "seconds": 600})
            after = {"type": "edit_draft", "id": "after", "round": 2, "changes": {}}
            ack_after = await request(player, after)
            await player.close()
            await facilitator.close()
        assert rows(db, "SELECT COUNT(*) FROM rounds") == [(1,)]  # a snapshot at round 1
        async with serving(db) as (_, url):
            player, _ = await first(url, {"type": "resume", "id": "r-1", "token": joined["token"]})
            assert await request(player, after) == ack_after
            assert await request(player, before) == ack_before  # not stale_round: answered
            view = await request(player, {"type": "get_view", "id": "v"})
            assert view["draft_version"] == 1  # round 2's draft was edited once
            await player.close()

    run(main())
