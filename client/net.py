"""The network side: a thread running an asyncio loop with the protocol client.

The window's loop never waits on the network. It calls ``connect`` and
``request``, which hand coroutines to the network thread, and drains
``events()`` once a frame: every server message arrives there already parsed
into its pydantic model, with the connection's status changes and the outcome
of each request (tagged with the number ``request`` returned). A message the
protocol models refuse becomes a ``bad_message`` event, never an exception.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter, ValidationError

from protocol.client import Client, ServerError
from protocol.replies import ServerMessage

_server_messages: TypeAdapter[Any] = TypeAdapter(ServerMessage)
HELLOS = ("create_session", "join", "spectate", "resume")


@dataclass
class NetEvent:
    """One thing that happened on the network side, for the window's loop."""

    kind: str  # message, status, welcome, reply, failed, bad_message
    message: Any = None
    status: str = ""
    tag: int = 0
    code: str = ""
    text: str = ""
    details: list[tuple[str, str]] = field(default_factory=list)


class _ObservedClient(Client):
    """The protocol client, reporting every message and every change of link."""

    def __init__(self, url: str, emit: Any, **options: Any) -> None:
        super().__init__(url, **options)
        self._emit = emit

    async def _take(self, message: dict[str, Any]) -> None:
        await super()._take(message)
        if message.get("type") in ("ack", "error") and message.get("reply_to"):
            return  # the request's own outcome reports it
        try:
            parsed = _server_messages.validate_python(message)
        except (ValidationError, ValueError, TypeError) as error:
            self._emit(NetEvent("bad_message", text=str(error).splitlines()[0][:200]))
            return
        self._emit(NetEvent("message", message=parsed))

    async def _open(self) -> None:
        await super()._open()
        assert self._reader is not None
        self._reader.add_done_callback(self._ended)

    def _ended(self, task: asyncio.Task[None]) -> None:
        if not self._closing:
            self._emit(NetEvent("status", status="closed"))

    async def _reconnect(self) -> None:
        self._emit(NetEvent("status", status="reconnecting"))
        await super()._reconnect()
        if not self._closing:
            self._emit(NetEvent("status", status="connected"))


class Network:
    """One connection to a server, driven from its own thread."""

    def __init__(self, url: str, backoff: tuple[float, float] = (0.2, 3.0)) -> None:
        self.url = url
        self._inbox: queue.SimpleQueue[NetEvent] = queue.SimpleQueue()
        self._tags = itertools.count(1)
        self._loop = asyncio.new_event_loop()
        self._client = _ObservedClient(url, self._inbox.put, backoff=backoff, open_timeout=5.0)
        self._thread = threading.Thread(target=self._run, name="clusterboard-net", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_forever()

    def _submit(self, coroutine: Any) -> Future[Any]:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    # ------------------------------------------------------------ for the window's loop

    def events(self) -> list[NetEvent]:
        """Return every event since the last call, oldest first."""
        drained: list[NetEvent] = []
        with contextlib.suppress(queue.Empty):
            while True:
                drained.append(self._inbox.get_nowait())
        return drained

    def connect(self, hello: dict[str, Any]) -> None:
        """Open the connection with a first message (create_session, join, spectate, resume)."""
        self._inbox.put(NetEvent("status", status="connecting"))
        self._submit(self._hello(dict(hello)))

    def request(self, type: str, **fields: Any) -> int:
        """Send a request; its outcome arrives later as a ``reply`` or ``failed`` event."""
        tag = next(self._tags)
        self._submit(self._request(tag, {"type": type, **fields}))
        return tag

    def drop(self) -> None:
        """Cut the link as a network failure would (the client reconnects)."""
        self._submit(self._client.drop())

    def close(self) -> None:
        """Close the connection and stop the thread."""
        if not self._thread.is_alive():
            return
        with contextlib.suppress(Exception):
            self._submit(self._client.close()).result(timeout=3)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=3)

    @property
    def token(self) -> str | None:
        return self._client.token

    # ------------------------------------------------------------ on the network thread

    async def _hello(self, hello: dict[str, Any]) -> None:
        kind = hello.pop("type")
        try:
            if kind == "resume":
                welcome = await self._client.resume(hello["token"])
            else:
                welcome = await self._client._hello({"type": kind, **hello})
        except ServerError as error:
            self._failed(0, error)
            await self._quietly_close()
            return
        except (OSError, TimeoutError, ValueError) as error:
            text = str(error) or type(error).__name__
            self._inbox.put(NetEvent("failed", code="unreachable", text=f"cannot connect: {text}"))
            return
        self._inbox.put(NetEvent("welcome", message=welcome))
        self._inbox.put(NetEvent("status", status="connected"))

    async def _quietly_close(self) -> None:
        with contextlib.suppress(Exception):
            await self._client.close()

    async def _request(self, tag: int, message: dict[str, Any]) -> None:
        try:
            reply = await self._client.request(message)
        except ServerError as error:
            self._failed(tag, error)
        except TimeoutError:
            self._inbox.put(NetEvent("failed", tag=tag, code="timeout", text="no answer yet"))
        except Exception as error:  # a dead link: the draft stays and is sent again
            self._inbox.put(NetEvent("failed", tag=tag, code="offline", text=str(error)))
        else:
            self._inbox.put(NetEvent("reply", tag=tag, message=reply))

    def _failed(self, tag: int, error: ServerError) -> None:
        details = [
            (str(d.get("field", "")), str(d.get("problem", "")))
            for d in error.reply.get("details", [])
            if isinstance(d, dict)
        ]
        text = str(error.reply.get("message", error.code))
        self._inbox.put(NetEvent("failed", tag=tag, code=error.code, text=text, details=details))
