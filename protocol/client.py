"""The asyncio client library: connect, authenticate, follow the views, edit, submit.

Used by the pygame client, by remote computer-run teams and by the tests. When
the connection drops, the client reconnects with exponential backoff, resumes
with its token (never in the URL), receives the full current view, and resends
every request not yet answered under its original id, so the server applies it
once. Views arrive in full once and then as merge patches (protocol/patch.py): the
client applies each to the version it holds, asks ``resync`` when one is missing, and
keeps ``team_state``, ``public_state`` and ``facilitator_state`` as full views.

    client = Client("ws://127.0.0.1:8765")
    await client.join("K7MXQA", team="North", name="Ana")
    await client.wait_for(lambda c: c.phase == "decisions")
    await client.edit_draft(staffing={"hire_fte": 1.0})
    await client.submit()
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import random
import secrets
import ssl
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from protocol import patch
from protocol.errors import ServerError
from protocol.messages import PROTOCOL_VERSION


class Client:
    """One connection to a session, as facilitator, player or spectator."""

    def __init__(
        self,
        url: str,
        *,
        ssl_context: ssl.SSLContext | None = None,
        backoff: tuple[float, float] = (0.1, 5.0),
        reconnect: bool = True,
        open_timeout: float = 10.0,
    ) -> None:
        self.url = url
        self.ssl_context = ssl_context
        self.backoff = backoff
        self.reconnect = reconnect
        self.open_timeout = open_timeout
        self.token: str | None = None
        self.welcome: dict[str, Any] = {}
        self.labels: dict[str, Any] | None = None  # display names and decision field metadata
        self.team_state: dict[str, Any] | None = None
        self.public_state: dict[str, Any] | None = None
        self.facilitator_state: dict[str, Any] | None = None
        self.timer: dict[str, Any] = {}
        self.messages: deque[dict[str, Any]] = deque(maxlen=2000)
        self.held: dict[str, tuple[int, dict[str, Any]]] = {}  # view -> version, held view
        self.resyncs = 0  # resyncs asked after a missing patch
        self._resyncing: set[str] = set()
        self.reconnections = 0
        self.removed = False
        self._ids = itertools.count(1)
        self._prefix = secrets.token_hex(8)  # ids of first messages act as secrets
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._unanswered: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self._changed = asyncio.Condition()
        self._closing = False

    # ------------------------------------------------------------ the first message

    async def create_session(self, **config: Any) -> dict[str, Any]:
        """Create a session; the host key comes from ``host_key`` or CLUSTERBOARD_HOST_KEY."""
        key = config.pop("host_key", None) or os.environ.get("CLUSTERBOARD_HOST_KEY")
        if key:
            config["host_key"] = key
        return await self._hello({"type": "create_session", **config})

    async def join(self, code: str, team: str, name: str) -> dict[str, Any]:
        return await self._hello({"type": "join", "code": code, "team": team, "name": name})

    async def spectate(self, code: str) -> dict[str, Any]:
        return await self._hello({"type": "spectate", "code": code})

    async def resume(self, token: str) -> dict[str, Any]:
        self.token = token
        return await self._hello({"type": "resume", "token": token})

    async def _hello(self, message: dict[str, Any]) -> dict[str, Any]:
        await self._open()
        welcome = await self.request({"protocol": PROTOCOL_VERSION, **message})
        self.welcome = welcome
        self.token = welcome.get("token") or self.token
        return welcome

    async def _open(self) -> None:
        self._ws = await connect(
            self.url,
            ssl=self.ssl_context,
            open_timeout=self.open_timeout,
            max_size=1 << 22,
        )
        self._reader = asyncio.get_running_loop().create_task(self._read())

    # ------------------------------------------------------------ requests

    async def request(self, message: dict[str, Any], timeout: float = 30.0) -> dict[str, Any]:
        """Send a request and return its reply; raise ServerError if refused."""
        message = {"id": f"{self._prefix}-{next(self._ids)}", **message}
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[message["id"]] = future
        self._unanswered[message["id"]] = message
        await self._send(message)
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            self._pending.pop(message["id"], None)

    async def send(self, type: str, **fields: Any) -> dict[str, Any]:
        return await self.request({"type": type, **fields})

    async def _send(self, message: dict[str, Any]) -> None:
        with contextlib.suppress(ConnectionClosed, AttributeError):
            await self._ws.send(json.dumps(message))  # type: ignore[union-attr]

    async def send_raw(self, text: str) -> None:
        """Send any text as it is (for tests of bad input)."""
        await self._ws.send(text)  # type: ignore[union-attr]

    async def edit_draft(self, round: int | None = None, **changes: Any) -> dict[str, Any]:
        return await self.send("edit_draft", round=round or self.round, changes=changes)

    async def submit(
        self,
        decisions: dict[str, Any] | None = None,
        round: int | None = None,
        draft_version: int | None = None,
    ) -> dict[str, Any]:
        """Submit ``decisions``, or the shared draft (as of ``draft_version`` when given)."""
        fields: dict[str, Any] = {"round": round or self.round, "decisions": decisions}
        if draft_version is not None:
            fields["draft_version"] = draft_version
        return await self.send("submit", **fields)

    # ------------------------------------------------------------ state

    @property
    def phase(self) -> str | None:
        return self.timer.get("phase")

    @property
    def round(self) -> int:
        return int(self.timer.get("round", 0))

    async def wait_for(self, condition: Callable[[Client], Any], timeout: float = 30.0) -> Any:
        """Wait until ``condition(client)`` is true; return its value."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: condition(self)), timeout)
        return condition(self)

    async def _read(self) -> None:
        while True:
            try:
                async for text in self._ws:  # type: ignore[union-attr]
                    message = self._received(json.loads(text))
                    if message is not None:
                        await self._take(message)
            except ConnectionClosed:
                pass
            if self._closing or not self.reconnect or self.removed or not self.token:
                await self._notify()
                return
            await self._reconnect()

    def _received(self, message: dict[str, Any]) -> dict[str, Any] | None:
        """Hold a full view; turn a patch into the full view it makes (None if it makes
        none: an old patch, or a gap in the versions, which asks for a resync)."""
        kind = message.get("type")
        if kind in patch.VIEWS:
            self.held[kind] = (int(message.get("version", 0)), patch.held(kind, message))
            self._resyncing.discard(kind)
            return message
        if kind != "patch":
            return message
        view = message["view"]
        version, doc = self.held.get(view, (None, None))
        if version is not None and message["version"] <= version:
            return None  # this view is already newer (a full view overtook the patch)
        if version is None or doc is None or message["base"] != version:
            self._ask_resync(view)
            return None
        doc = patch.apply(doc, message["patch"], message.get("removed"))
        self.held[view] = (message["version"], doc)
        return patch.shown(view, doc, message["version"])

    def _ask_resync(self, view: str) -> None:
        if view in self._resyncing:
            return
        self._resyncing.add(view)
        self.resyncs += 1
        task = asyncio.get_running_loop().create_task(self._resync(view))
        task.add_done_callback(lambda t: t.cancelled() or t.exception())

    async def _resync(self, view: str) -> None:
        try:
            await self.request({"type": "resync", "view": view})
        except (ServerError, TimeoutError):
            self._resyncing.discard(view)

    async def _take(self, message: dict[str, Any]) -> None:
        self.messages.append(message)
        kind = message.get("type")
        if kind in ("team_state", "public_state", "facilitator_state", "timer"):
            self.timer = message["timer"]
        if kind in ("team_state", "public_state", "facilitator_state"):
            setattr(self, kind, message)
        if kind == "draft" and self.team_state is not None:
            self.team_state |= {
                "draft": message["draft"],
                "draft_version": message["version"],
                "problems": message["problems"],
                "forecast": message.get("forecast"),
                "forecast_pending": message.get("forecast_pending", False),
            }
        state = self.team_state
        if (
            kind == "forecast"
            and state is not None
            and message["version"] == state["draft_version"]
        ):
            # owed by a draft or a view that said it would follow
            state |= {"forecast": message["forecast"], "forecast_pending": False}
        if kind == "submitted" and state is not None:
            state["forecast_pending"] = False  # a submitted draft gets no forecast
        if kind == "submitted" and self.team_state is not None:
            self.team_state["submission"] = message["submission"]
        if kind == "welcome":
            self.welcome = message
        if kind == "labels":
            self.labels = message
        if kind == "removed":
            self.removed = True
        self._answer(message)
        await self._notify()

    def _answer(self, message: dict[str, Any]) -> None:
        reply_to = message.get("reply_to")
        if reply_to is None:
            return
        self._unanswered.pop(reply_to, None)
        future = self._pending.get(reply_to)
        if future is None or future.done():
            return
        if message.get("type") == "error":
            future.set_exception(ServerError(message))
        else:
            future.set_result(message)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _reconnect(self) -> None:
        """Reconnect with backoff, resume with the token, resend what is unanswered."""
        delay, cap = self.backoff
        while not self._closing:
            await asyncio.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, cap)
            try:
                self._ws = await connect(
                    self.url, ssl=self.ssl_context, open_timeout=self.open_timeout, max_size=1 << 22
                )
                hello = {
                    "type": "resume",
                    "protocol": PROTOCOL_VERSION,
                    "token": self.token,
                    "id": f"{self._prefix}-{next(self._ids)}",
                }
                await self._ws.send(json.dumps(hello))
            except (OSError, InvalidHandshake, InvalidURI, ConnectionClosed, TimeoutError):
                continue
            self.reconnections += 1
            for message in list(self._unanswered.values()):
                await self._send(message)
            return

    async def close(self) -> None:
        self._closing = True
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader

    async def drop(self) -> None:
        """Close the socket as a network failure would; the client reconnects (for tests)."""
        if self._ws is not None:
            self._ws.transport.abort()

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
