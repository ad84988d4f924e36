"""Hostile input over a real socket: no message stalls a session or takes a connection down.

Each test speaks the raw protocol with a plain ``websockets`` client, as an
attacker would: lone surrogates in any field and in ``id``, integers thousands of
digits long, deep nesting, binary frames. Every one is answered with a typed
error on a connection that stays open, and the session carries on: its round
still resolves and every player still gets the views.
"""

from __future__ import annotations

import asyncio
import json
import logging
import urllib.request
from typing import Any

import pytest
from loopback import run, serving
from websockets.asyncio.client import ClientConnection, connect

import protocol.replies


async def hello(url: str, message: dict[str, Any]) -> tuple[ClientConnection, dict[str, Any]]:
    ws = await connect(url)
    await ws.send(json.dumps({"protocol": 1, "id": "hello-1"} | message))
    return ws, await reply_to(ws, "hello-1")


async def reply_to(ws: ClientConnection, mid: str | None, kinds: tuple[str, ...] = ()) -> dict:
    """Read until the reply to ``mid`` (or, with ``mid`` None, an error with no reply_to)."""
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))
        wanted = not kinds or message["type"] in kinds
        if message.get("reply_to") == mid and message["type"] != "labels" and wanted:
            return message


async def next_of(ws: ClientConnection, kind: str) -> dict[str, Any]:
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if message["type"] == kind:
            return message


async def next_phase(ws: ClientConnection) -> str | None:
    """The phase the next public view gives: a full view, or a patch (None if it has none)."""
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if message["type"] == "public_state":
            return message["timer"]["phase"]
        if message["type"] == "patch" and message["view"] == "public_state":
            return message["patch"].get("timer", {}).get("phase")


async def table(url: str) -> dict[str, Any]:
    """A facilitator and two teams' players in round 1's decisions."""
    facilitator, created = await hello(url, {"type": "create_session", "seed": 4, "rounds": 2})
    code = created["code"]
    north, _ = await hello(url, {"type": "join", "code": code, "team": "North", "name": "Ana"})
    south, _ = await hello(url, {"type": "join", "code": code, "team": "South", "name": "Bo"})
    for n, kind in enumerate(("start", "open_round")):
        await facilitator.send(json.dumps({"type": kind, "id": f"f{n}"}))
        assert (await reply_to(facilitator, f"f{n}", ("ack",)))["type"] == "ack"
    return {"facilitator": facilitator, "north": north, "south": south, "code": code}


LONE = "\\ud800"  # written as a JSON escape: valid JSON, not well-formed Unicode
HOSTILE = {
    "funding.apply": (
        '{"type":"edit_draft","id":"h1","round":1,"changes":{"funding":{"apply":["@@"]}}}'
    ),
    "funding.revenue_lines": (
        '{"type":"edit_draft","id":"h2","round":1,"changes":{"funding":{"revenue_lines":["@@"]}}}'
    ),
    "strategy.focus_areas": (
        '{"type":"edit_draft","id":"h3","round":1,"changes":{"strategy":{"focus_areas":["@@"]}}}'
    ),
    "responses key": '{"type":"edit_draft","id":"h4","round":1,"changes":{"responses":{"@@":"a"}}}',
    "responses value": (
        '{"type":"edit_draft","id":"h5","round":1,"changes":{"responses":{"card":"x@@"}}}'
    ),
    "submit": '{"type":"submit","id":"h6","round":1,"decisions":{"responses":{"k":"@@"}}}',
    "an unknown key": '{"type":"get_view","id":"h7","@@":1}',
}


def test_lone_surrogates_are_refused_and_the_session_carries_on(tmp_path, caplog) -> None:
    async def main() -> None:
        async with serving(tmp_path / "h.db") as (server, url):
            t = await table(url)
            north, south, facilitator = t["north"], t["south"], t["facilitator"]
            events = server.store.counts()["events"]
            for where, template in HOSTILE.items():
                await north.send(template.replace("@@", LONE))
                mid = json.loads(template.replace("@@", "x"))["id"]
                error = await reply_to(north, mid, ("error",))
                assert error["code"] == "bad_message", where
                assert "Unicode" in error["message"], where
            # in ``id`` itself: refused, answered with no reply_to, the connection stays open
            await north.send('{"type":"get_view","id":"@@"}'.replace("@@", LONE))
            assert (await reply_to(north, None, ("error",)))["code"] == "bad_message"
            # in a first message: refused too, and the stranger may try again
            stranger = await connect(url)
            join = '{"type":"join","protocol":1,"code":"@@","team":"@@","name":"Eve","id":"j"}'
            await stranger.send(join.replace("@@", t["code"], 1).replace("@@", LONE))
            assert (await reply_to(stranger, "j", ("error",)))["code"] == "bad_message"
            assert server.store.counts()["events"] == events  # nothing refused was logged
            # the session carries on: drafts reach teammates, the round resolves
            await north.send('{"type":"edit_draft","id":"ok","round":1,"changes":{}}')
            assert (await reply_to(north, "ok", ("ack",)))["type"] == "ack"
            for n, ws in enumerate((north, south)):
                await ws.send(json.dumps({"type": "submit", "id": f"s{n}", "round": 1}))
                assert (await reply_to(ws, f"s{n}", ("ack", "error")))["type"] == "ack"
            while await next_phase(south) != "results":
                pass
            await facilitator.send('{"type":"get_view","id":"v"}')
            view = await reply_to(facilitator, "v", ("facilitator_state",))
            assert view["timer"]["phase"] == "results"
            for ws in (north, south, facilitator, stranger):
                await ws.close()
        assert not [r for r in caplog.records if r.exc_info]  # no traceback was logged

    run(main())


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ('{"type":"get_view","id":"n1","x":' + "9" * 4301 + "}", "bad_message"),
        ('{"type":"extend","id":"n1","seconds":' + "1" * 5000 + "}", "bad_message"),
        ('{"type":"extend","id":"n1","seconds":1e999}', "bad_message"),
        ('{"type":"extend","id":"n1","seconds":NaN}', "bad_message"),
        ('{"type":"get_view","id":"n1","x":' + "[" * 200 + "]" * 200 + "}", "bad_message"),
        ('{"type":"get_view","id":"n1","x":' + '{"a":' * 50 + "1" + "}" * 51, "bad_message"),
        (b'{"type":"get_view","id":"n1"}', "bad_message"),
    ],
    ids=["4301 digits", "5000 digits", "1e999", "NaN", "deep arrays", "deep objects", "binary"],
)
def test_huge_numbers_deep_nesting_and_binary_frames_are_refused(
    tmp_path, caplog, frame: str | bytes, code: str
) -> None:
    async def main() -> None:
        async with serving(tmp_path / "h.db") as (_, url):
            t = await table(url)
            facilitator = t["facilitator"]
            await facilitator.send(frame)
            mid = "n1" if isinstance(frame, str) else None
            error = await reply_to(facilitator, mid, ("error",))
            assert error["code"] == code
            await facilitator.send('{"type":"get_view","id":"after"}')  # still connected
            assert (await reply_to(facilitator, "after"))["type"] == "facilitator_state"
            for ws in (t["north"], t["south"], facilitator):
                await ws.close()
        assert not [r for r in caplog.records if r.exc_info]

    run(main())


def test_a_failure_while_sending_is_contained_and_logged(tmp_path, caplog, monkeypatch) -> None:
    """A reply that cannot be sent (a bug, injected here) costs that reply, not the session."""
    original = protocol.replies.DraftChanged.model_dump_json
    failures = []

    def broken(self, *args, **kwargs):
        if not failures:
            failures.append(1)
            raise ValueError("injected failure")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(protocol.replies.DraftChanged, "model_dump_json", broken)

    async def main() -> None:
        async with serving(tmp_path / "h.db") as (server, url):
            t = await table(url)
            north = t["north"]
            await north.send('{"type":"edit_draft","id":"e1","round":1,"changes":{}}')
            assert (await reply_to(north, "e1", ("ack",)))["type"] == "ack"
            assert (await reply_to(north, "e1", ("error",)))["code"] == "internal_error"
            await north.send('{"type":"edit_draft","id":"e2","round":1,"changes":{}}')
            assert (await reply_to(north, "e2", ("ack",)))["type"] == "ack"
            assert (await next_of(north, "draft"))["version"] == 2
            assert all(not r.dead for r in server.runners.values())
            for ws in (t["north"], t["south"], t["facilitator"]):
                await ws.close()

    with caplog.at_level(logging.INFO, logger="clusterboard"):
        run(main())
    failed = [r for r in caplog.records if r.getMessage() == "send_failed"]
    assert len(failed) == 1
    assert failed[0].fields["message_type"] == "draft" and failed[0].fields["session"]


def health(port: int) -> dict[str, Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as response:
        return json.load(response)


def test_a_dead_session_task_is_restarted_from_its_log(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "h.db", restart_delay=0.5) as (server, url):
            t = await table(url)
            north = t["north"]
            await north.send(
                '{"type":"edit_draft","id":"e1","round":1,"changes":{"responses":{"a":"b"}}}'
            )
            await reply_to(north, "e1", ("ack",))
            runner = next(iter(server.runners.values()))
            runner.task.cancel()  # the task dies, as an unforeseen bug would end it
            closed = await asyncio.wait_for(north.wait_closed(), 10)
            assert closed is None and north.close_code == 1012  # "restarting": come back
            assert (await asyncio.to_thread(health, server.port))["status"] == "degraded"
            while server.restarting:
                await asyncio.sleep(0.05)
            assert (await asyncio.to_thread(health, server.port))["status"] == "ok"
            again, welcome = await hello(url, {"type": "spectate", "code": t["code"]})
            assert welcome["type"] == "welcome"
            state = await next_of(again, "public_state")
            assert state["timer"]["phase"] == "decisions"
            replacement = server.runners[runner.session.id]
            assert replacement is not runner
            team = replacement.session.teams["north"]
            assert team.draft.responses == {"a": "b"}  # the logged draft came back
            for ws in (again, t["south"], t["facilitator"]):
                await ws.close()

    run(main())
