"""Admission control, tried as a stranger would: silent sockets, floods, guesses, spam.

Every test speaks to a real server on 127.0.0.1 with plain websockets
connections, reconnecting between attempts as an attacker would, since the
limits hold per client address and not per connection.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import urllib.request
from typing import Any

import pytest
from loopback import run, serving
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from cli.serve import host_key


async def attempt(url: str, message: dict[str, Any]) -> dict[str, Any]:
    """Open a new connection, send one first message, return the reply, close."""
    ws = await connect(url)
    try:
        await ws.send(json.dumps({"protocol": 1, "id": "a"} | message))
        while True:
            reply = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if reply.get("reply_to") == "a":
                return reply
    finally:
        await ws.close()


def health(port: int) -> dict[str, Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as response:
        return json.load(response)


def test_a_connection_that_never_says_hello_is_closed(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "a.db", hello_timeout=0.3) as (_, url):
            created = await attempt(url, {"type": "create_session"})
            silent = await connect(url)
            guesser = await connect(url)  # a failed hello does not count as one
            await guesser.send(json.dumps({"type": "spectate", "protocol": 1, "code": "AAAAAA"}))
            projector = await connect(url)
            await projector.send(
                json.dumps({"type": "spectate", "protocol": 1, "code": created["code"]})
            )
            for ws in (silent, guesser):
                await asyncio.wait_for(ws.wait_closed(), 10)
                assert (ws.close_code, ws.close_reason) == (1008, "no hello in time")
            await projector.send(json.dumps({"type": "get_view", "id": "v"}))
            while json.loads(await asyncio.wait_for(projector.recv(), 10)).get("reply_to") != "v":
                pass  # the projector said hello: it stays
            await projector.close()

    run(main())


def test_connections_per_address_are_limited_and_health_still_answers(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "a.db", per_address=4) as (server, url):
            sockets = [await connect(url) for _ in range(4)]
            with pytest.raises(InvalidStatus) as refused:
                await connect(url)
            assert refused.value.response.status_code == 429
            assert (await asyncio.to_thread(health, server.port))["connections"] == 4
            await sockets.pop().close()
            while len(server.connections) > 3:
                await asyncio.sleep(0.02)
            sockets.append(await connect(url))  # a freed place can be taken again
            for ws in sockets:
                await ws.close()

    run(main())


def test_wrong_codes_lock_the_address_out_for_longer_each_time(tmp_path) -> None:
    async def main() -> None:
        config = {"failed_codes": 3, "lockout": 1.0}
        async with serving(tmp_path / "a.db", **config) as (_, url):
            created = await attempt(url, {"type": "create_session"})
            guess = {"type": "spectate", "code": "AAAAAA"}
            for _ in range(3):  # each guess on a fresh connection
                assert (await attempt(url, guess))["code"] == "not_found"
            locked = await attempt(url, {"type": "spectate", "code": created["code"]})
            assert locked["code"] == "limit_exceeded"  # even the right code, while locked out
            assert "try again in 1 s" in locked["message"]
            while (await attempt(url, guess))["code"] == "limit_exceeded":
                await asyncio.sleep(0.2)
            for _ in range(2):  # the first guess after the lockout was one of three more
                assert (await attempt(url, guess))["code"] == "not_found"
            locked = await attempt(url, {"type": "resume", "token": "x" * 32})
            assert locked["code"] == "limit_exceeded" and "try again in 2 s" in locked["message"]

    run(main())


def test_joins_per_address_are_limited_across_reconnections(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "a.db", joins_per_minute=3) as (_, url):
            created = await attempt(url, {"type": "create_session"})  # the first of three
            join = {"type": "join", "code": created["code"]}
            replies = [await attempt(url, join | {"team": "T", "name": f"p{n}"}) for n in range(3)]
            assert [r["type"] for r in replies] == ["welcome", "welcome", "error"]
            assert replies[-1]["code"] == "limit_exceeded"

    run(main())


def test_a_host_key_guards_create_session_and_is_never_logged(tmp_path) -> None:
    db = tmp_path / "a.db"
    key = "k3y-for-the-class"

    async def main() -> None:
        async with serving(db, host_key=key) as (_, url):
            missing = await attempt(url, {"type": "create_session"})
            wrong = await attempt(url, {"type": "create_session", "host_key": "guess-what"})
            assert (missing["code"], missing["details"][0]["problem"]) == ("wrong_token", "missing")
            assert (wrong["code"], wrong["details"][0]["problem"]) == ("wrong_token", "wrong")
            created = await attempt(url, {"type": "create_session", "host_key": key})
            assert created["type"] == "welcome" and created["role"] == "facilitator"

    run(main())
    with sqlite3.connect(db) as connection:
        logged = " ".join(text for (text,) in connection.execute("SELECT command FROM events"))
    assert "create_session" in logged and key not in logged


def test_the_host_key_is_generated_beyond_loopback_and_taken_from_the_environment(
    monkeypatch,
) -> None:
    def args(host: str, key: str | None = None) -> argparse.Namespace:
        return argparse.Namespace(host=host, host_key=key)

    monkeypatch.delenv("CLUSTERBOARD_HOST_KEY", raising=False)
    assert host_key(args("127.0.0.1")) == (None, False)
    generated, made = host_key(args("0.0.0.0"))
    assert made and generated and len(generated) >= 16
    assert host_key(args("0.0.0.0"))[0] != generated  # drawn afresh
    assert host_key(args("127.0.0.1", "given-key-1")) == ("given-key-1", False)
    monkeypatch.setenv("CLUSTERBOARD_HOST_KEY", "from-the-env")
    assert host_key(args("0.0.0.0")) == ("from-the-env", False)
    with pytest.raises(ValueError):
        host_key(args("0.0.0.0", "short"))


def test_idle_sessions_are_archived_free_their_slot_and_come_back(tmp_path) -> None:
    db = tmp_path / "a.db"
    config = {"max_sessions": 1, "idle_limit": 0.3, "housekeeping": 0.1}

    async def main() -> tuple[str, str]:
        async with serving(db, **config) as (server, url):
            first = await attempt(url, {"type": "create_session"})  # then left alone
            while server.runners:
                await asyncio.sleep(0.05)
            assert (await asyncio.to_thread(health, server.port))["sessions"] == 0
            second = await attempt(url, {"type": "create_session"})  # the slot is free
            assert second["type"] == "welcome"
            while server.runners:
                await asyncio.sleep(0.05)
            back = await connect(url)
            await back.send(
                json.dumps({"type": "resume", "protocol": 1, "token": first["token"], "id": "r"})
            )
            welcome = json.loads(await asyncio.wait_for(back.recv(), 10))
            assert welcome["type"] == "welcome" and welcome["code"] == first["code"]
            full = await attempt(url, {"type": "resume", "token": second["token"]})
            assert full["code"] == "limit_exceeded"  # one slot, taken by the first again
            await back.close()
            return first["session"], second["session"]

    first, second = run(main())
    with sqlite3.connect(db) as connection:
        archived = dict(connection.execute("SELECT id, archived FROM sessions"))
    assert archived == {first: 0, second: 1}  # both kept; the second archived
