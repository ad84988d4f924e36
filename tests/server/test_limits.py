"""Limits, health, origins, protocol versions and dead connections."""

from __future__ import annotations

import asyncio
import json
import urllib.request

import pytest
from loopback import close_all, facilitated, joined, run, serving
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from protocol.client import Client, ServerError


async def first_error(url: str, message: dict) -> str:
    client = Client(url, reconnect=False)
    try:
        await client._hello(message)
    except ServerError as error:
        return error.code
    finally:
        await client.close()
    raise AssertionError("accepted")


def test_size_and_rate_limits_answer_typed_errors(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "l.db", max_message=1024, rate=5, burst=5) as (_, url):
            facilitator, _ = await facilitated(url, seed=1)
            with pytest.raises(ServerError) as big:
                await facilitator.send("inject_event", event_id="x" * 2000)
            assert big.value.code == "limit_exceeded"
            await asyncio.sleep(0.5)
            codes = []
            for _ in range(12):
                try:
                    await facilitator.send("get_view")
                    codes.append("ok")
                except ServerError as error:
                    codes.append(error.code)
            assert "limit_exceeded" in codes and codes[0] == "ok"
            await close_all(facilitator)

    run(main())


def test_team_player_and_session_limits(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "l.db", players_per_team=2, max_sessions=1) as (_, url):
            facilitator, code = await facilitated(url, seed=1, max_teams=2)
            first = [await joined(url, code, "A", n) for n in ("a1", "a2")]
            join = {"type": "join", "code": code, "protocol": 1}
            assert await first_error(url, join | {"team": "A", "name": "a3"}) == "limit_exceeded"
            second = await joined(url, code, "B", "b1")
            assert await first_error(url, join | {"team": "C", "name": "c1"}) == "limit_exceeded"
            create = {"type": "create_session", "protocol": 1}
            assert await first_error(url, create) == "limit_exceeded"
            await close_all(facilitator, second, *first)

    run(main())


def test_first_messages_are_checked(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "l.db") as (_, url):
            facilitator, code = await facilitated(url, seed=1)
            spectate = {"type": "spectate", "code": code}
            assert await first_error(url, spectate | {"protocol": 99}) == "unsupported_protocol"
            assert await first_error(url, spectate | {"protocol": 1, "code": "AAAAAA"}) == (
                "not_found"
            )
            assert (
                await first_error(
                    url, {"type": "create_session", "protocol": 1, "scenario": "nowhere"}
                )
                == "not_found"
            )
            assert (
                await first_error(url, {"type": "resume", "protocol": 1, "token": "z" * 32})
                == "wrong_token"
            )
            await close_all(facilitator)

    run(main())


def test_health_answers_plain_http(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "l.db") as (server, url):
            facilitator, _ = await facilitated(url, seed=1)
            port = server.port

            def fetch() -> tuple[int, str, dict]:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as r:
                    return r.status, r.headers["Content-Type"], json.load(r)

            status, kind, body = await asyncio.to_thread(fetch)
            assert (status, kind) == (200, "application/json")
            assert body == {"status": "ok", "sessions": 1, "connections": 1}
            await close_all(facilitator)

    run(main())


def test_browsers_are_allowed_only_from_configured_origins(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "l.db", origins=["https://class.example.org"]) as (_, url):
            with pytest.raises(InvalidStatus) as refused:
                await connect(url, origin="https://elsewhere.example")
            assert refused.value.response.status_code == 403
            for origin in ("https://class.example.org", None):
                ws = await connect(url, origin=origin)
                await ws.close()

    run(main())


def test_a_dead_connection_is_dropped_and_does_not_stall_the_round(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "l.db", ping_interval=0.2, ping_timeout=0.3) as (s, url):
            facilitator, code = await facilitated(url, seed=1, rounds=2)
            dead = await joined(url, code, "Ghost", "g")
            alive = await joined(url, code, "Live", "l")
            await facilitator.send("start")
            await facilitator.send("open_round")
            dead.reconnect = False
            dead._ws.transport.pause_reading()  # no more pongs, like a vanished laptop
            await facilitator.wait_for(
                lambda c: (
                    [p["connected"] for t in c.facilitator_state["teams"] for p in t["players"]]
                    == [False, True]
                ),
                timeout=10,
            )
            await alive.submit()
            await facilitator.send("close_round")
            await alive.wait_for(lambda c: c.phase == "results", timeout=10)
            assert len(s.connections) == 2
            await close_all(facilitator, alive, dead)

    run(main())
