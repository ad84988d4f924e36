"""A real game server running in a background thread, on loopback and a SQLite file.

The demo, the screen walk and the benchmark use it; it is the same server
``clusterboard serve`` runs, started in-process on port 0.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future
from typing import Any

from server.app import Server, ServerConfig


class EmbeddedServer:
    """Start ``server.app.Server`` in its own thread; ``url`` says where it listens."""

    def __init__(self, db: str, port: int = 0, **options: Any) -> None:
        self.config = ServerConfig(host="127.0.0.1", port=port, db=db, **options)
        self.loop = asyncio.new_event_loop()
        self.server: Server | None = None
        self._thread = threading.Thread(
            target=self.loop.run_forever, name="clusterboard-server", daemon=True
        )

    def start(self, timeout: float = 15.0) -> EmbeddedServer:
        self._thread.start()
        self.call(self._start(), timeout)
        return self

    async def _start(self) -> None:
        self.server = Server(self.config)
        await self.server.start()

    def call(self, coroutine: Any, timeout: float = 30.0) -> Any:
        """Run a coroutine on the server's loop and wait for its result."""
        future: Future[Any] = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        return future.result(timeout)

    @property
    def port(self) -> int:
        assert self.server is not None
        return self.server.port

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def stop(self) -> None:
        """Stop serving and end the thread."""
        if self.server is not None and self._thread.is_alive():
            try:
                self.call(self.server.stop(), 10.0)
            finally:
                self.server = None
        if self._thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=5)

    def __enter__(self) -> EmbeddedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
