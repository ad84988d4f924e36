"""Worker processes for round resolutions and draft forecasts, owned by the shell (the
core never sees them).

A round's resolution is a pure job (``server.resolution``): the runner hands it to
``Workers.run``, which runs it in a process pool and returns its result while the
event loop keeps serving every session's messages, on a second core where there is
one. With no workers (``--workers 0``) the job runs in the server's own process, on
the loop, as replay and recovery always do.

Workers are started with ``spawn`` (a fresh interpreter: no copy of the server's
sockets, database or threads) and each watches the server that started it, so a
server killed outright does not leave them behind. A worker that dies (a crash, a
kill, out of memory) breaks the pool: the job it held is resolved in the server's
process instead, the failure is logged, and the next resolution gets a new pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from server import logs, resolution
from server.resolution import Job

PARENT_CHECK = 0.5  # seconds between a worker's checks that its server is still there


def default_workers() -> int:
    """Two workers, or one on a one-core machine."""
    return min(2, os.cpu_count() or 1)


def _watch_parent(parent: int) -> None:
    """In a worker: leave as soon as the server that started it is gone."""
    while True:
        time.sleep(PARENT_CHECK)
        if os.getppid() != parent:
            os._exit(0)


def _start_worker(parent: int) -> None:
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _ready() -> int:
    return os.getpid()


class Workers:
    """A pool of ``count`` worker processes (none at 0: jobs run in this process)."""

    def __init__(self, count: int) -> None:
        if count < 0:
            raise ValueError(f"workers must be 0 or more (got {count})")
        self.count = count
        self.pool: ProcessPoolExecutor | None = None
        self.failures = 0  # jobs resolved in this process because a worker failed

    def start(self) -> None:
        """Start the workers now, so that the first resolution does not wait for them."""
        if self.count == 0:
            return
        self.pool = self._new_pool()
        for _ in range(self.count):  # each busy one makes the pool start the next
            self.pool.submit(_ready)

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.count,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(os.getpid(),),
        )

    async def run(self, job: Job | Any, function: Callable[[Any], Any] = resolution.run) -> Any:
        """Return ``function(job)`` (a round's resolution unless told otherwise: a draft's
        forecast is ``server.forecasting.run``); None when a worker failed (the failure is
        logged, and the caller runs the job in its own process)."""
        if self.count == 0:
            return function(job)
        pool = self.pool
        if pool is None:
            pool = self.pool = self._new_pool()
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, function, job)
        except BrokenProcessPool as error:
            reason = f"a worker process ended ({error})"
            if self.pool is pool:  # the next job gets a fresh pool
                self.pool = None
                pool.shutdown(wait=False, cancel_futures=True)
        except Exception as error:  # a job that cannot be sent or read back
            reason = f"{type(error).__name__}: {error}"
        self.failures += 1
        logs.event("worker_failed", logging.ERROR, session=job.key[0], reason=reason)
        return None

    async def stop(self) -> None:
        pool, self.pool = self.pool, None
        if pool is not None:
            with contextlib.suppress(Exception):
                await asyncio.to_thread(pool.shutdown, True, cancel_futures=True)
