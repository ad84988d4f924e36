"""Real servers on 127.0.0.1 port 0, started and stopped by each test."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Coroutine
from pathlib import Path
from typing import Any

from protocol.client import Client
from server.app import Server, ServerConfig

TIMEOUT = 60.0


def run(coroutine: Coroutine[Any, Any, Any], timeout: float = TIMEOUT) -> Any:
    """Run a coroutine to the end, or fail after ``timeout`` seconds."""
    return asyncio.run(asyncio.wait_for(coroutine, timeout))


@contextlib.asynccontextmanager
async def serving(db: Path, **overrides: Any) -> AsyncIterator[tuple[Server, str]]:
    server = Server(ServerConfig(port=0, db=str(db), **overrides))
    await server.start()
    try:
        yield server, f"ws://127.0.0.1:{server.port}"
    finally:
        await server.stop()


async def facilitated(url: str, **config: Any) -> tuple[Client, str]:
    facilitator = Client(url)
    welcome = await facilitator.create_session(**config)
    return facilitator, welcome["code"]


async def joined(url: str, code: str, team: str, name: str) -> Client:
    client = Client(url, backoff=(0.05, 0.5))
    await client.join(code, team, name)
    return client


async def close_all(*clients: Client) -> None:
    for client in clients:
        await client.close()
