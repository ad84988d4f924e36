"""Thousands of malformed and random messages: each gets an error, nothing changes."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.sync.client import ClientConnection, connect

from protocol.messages import CLIENT_TYPES
from server.app import Server, ServerConfig

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
fields = st.dictionaries(
    st.sampled_from(
        [
            "round",
            "changes",
            "decisions",
            "seconds",
            "team",
            "name",
            "code",
            "token",
            "protocol",
            "weights",
            "event_id",
            "player",
            "strategy",
            "practice",
        ]
    ),
    json_values,
    max_size=5,
)
known_with_extra = st.builds(
    lambda kind, body, extra: json.dumps({**body, "type": kind, "zz_unexpected": extra}),
    st.sampled_from(sorted(CLIENT_TYPES)),
    fields,
    json_values,
)
unknown_type = st.builds(
    lambda kind, body: json.dumps({**body, "type": kind}),
    st.text(max_size=12).filter(lambda t: t not in CLIENT_TYPES) | st.integers() | st.none(),
    fields,
)
not_an_object = json_values.filter(lambda v: not isinstance(v, dict)).map(json.dumps)
not_json = st.text(max_size=60).filter(lambda t: not _is_json(t))
deep = st.integers(min_value=13, max_value=100_000).map(lambda n: "[" * n + "]" * n)
lone_surrogate = st.builds(
    lambda kind, body, where, text: json.dumps(
        {**body, "type": kind, where: text + chr(0xD800 + len(text) % 2048)}
    ),
    st.sampled_from(sorted(CLIENT_TYPES)),
    fields,
    st.sampled_from(["id", "team", "name", "code", "event_id", "changes", "zz"]),
    st.text(max_size=4),
)
huge_number = st.builds(
    lambda kind, digits: (
        json.dumps({"type": kind, "id": "h"})[:-1] + ', "round": ' + "7" * digits + "}"
    ),
    st.sampled_from(sorted(CLIENT_TYPES)),
    st.integers(min_value=25, max_value=20_000),
)
binary = st.binary(max_size=64)
bad_message = st.one_of(
    known_with_extra,
    unknown_type,
    not_an_object,
    not_json,
    deep,
    lone_surrogate,
    huge_number,
    binary,
)


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


class Background:
    """A server running in its own thread and event loop, for a synchronous test."""

    def __init__(self, db: str) -> None:
        self.loop = asyncio.new_event_loop()
        # the stranger never says hello on purpose: no hello deadline here
        config = ServerConfig(port=0, db=db, rate=1e6, burst=1e6, hello_timeout=0.0)
        self.server = Server(config)
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.call(self.server.start())

    def call(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=30)

    def stop(self) -> None:
        self.call(self.server.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


def request(ws: ClientConnection, message: dict[str, Any]) -> dict[str, Any]:
    ws.send(json.dumps(message))
    return json.loads(ws.recv(timeout=10))


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Iterator[dict[str, Any]]:
    background = Background(str(tmp_path_factory.mktemp("fuzz") / "fuzz.db"))
    url = f"ws://127.0.0.1:{background.server.port}"
    sockets = contextlib.ExitStack()
    facilitator = sockets.enter_context(connect(url))
    created = request(facilitator, {"type": "create_session", "protocol": 1, "seed": 5})
    assert created["type"] == "welcome", created
    code = created["code"]
    player = sockets.enter_context(connect(url))
    request(player, {"type": "join", "protocol": 1, "code": code, "team": "T", "name": "N"})
    request(facilitator, {"type": "start"})
    request(facilitator, {"type": "open_round"})
    stranger = sockets.enter_context(connect(url))
    session = next(iter(background.server.runners.values())).session
    world = {
        "background": background,
        "url": url,
        "player": player,
        "stranger": stranger,
        "facilitator": facilitator,
        "session": session,
    }
    world["before"] = footprint(world)  # before any bad message of any test
    yield world
    sockets.close()
    background.stop()


def footprint(world: dict[str, Any]) -> tuple[Any, ...]:
    """What a bad message must not change: the event log, the teams' states, the sequence."""
    session = world["session"]
    return world["background"].server.store.counts(), session.current_hash(), session.seq


def answer(ws: ClientConnection) -> dict[str, Any]:
    while True:
        reply = json.loads(ws.recv(timeout=10))
        if reply["type"] == "error":
            return reply
        assert reply["type"] in (
            "ack",
            "welcome",
            "labels",
            "briefing",
            "team_state",
            "public_state",
            "facilitator_state",
            "patch",
            "forecast",  # a draft's forecast, computed after the view that said it follows
        )


FUZZ = settings(deadline=None, suppress_health_check=list(HealthCheck))
ERROR_CODES = {
    "bad_message",
    "unknown_type",
    "invalid_field",
    "not_allowed",
    "not_authenticated",
    "limit_exceeded",
}


def send_bad(world: dict[str, Any], text: str | bytes, who: str) -> dict[str, Any]:
    ws = world[who]
    ws.send(text)
    return answer(ws)


@FUZZ
@given(text=bad_message, who=st.sampled_from(["player", "stranger", "facilitator"]))
def test_every_bad_message_gets_a_typed_error(
    world: dict[str, Any], text: str | bytes, who: str
) -> None:
    reply = send_bad(world, text, who)
    assert reply["code"] in ERROR_CODES
    assert "Traceback" not in reply["message"] and "File " not in json.dumps(reply)


def test_after_the_fuzz_nothing_changed_and_the_server_is_up(world: dict[str, Any]) -> None:
    sent = []

    @FUZZ
    @given(text=bad_message, who=st.sampled_from(["player", "stranger", "facilitator"]))
    def fuzz(text: str | bytes, who: str) -> None:
        sent.append(send_bad(world, text, who)["code"])

    fuzz()
    assert len(sent) >= settings().max_examples // 2 and set(sent) <= ERROR_CODES
    assert footprint(world) == world["before"]
    port = world["background"].server.port
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as response:
        assert response.status == 200 and json.load(response)["sessions"] == 1
