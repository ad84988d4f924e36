"""One writer per session: a task that feeds the session core one command at a time.

For each command: the core decides; an accepted command is appended to the
event log; only then is anything sent (append before acknowledge). The runner
also keeps the session's clock: it arms a timer for the deadline and queues the
resolution of a round that entered ``resolving``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING

from websockets.asyncio.server import broadcast

from protocol.phases import Phase
from server import logs
from server.session import Command, Resolve, RulesSwitch, Session, Step, Tick
from server.snapshot import round_row

if TYPE_CHECKING:
    from server.app import Server

LOGGED_EVENTS = {
    "join": "joined",
    "submit": "submitted",
    "resolve": "resolved",
    "tick": "deadline",
    "edit_draft": "draft_edited",
}


class SessionRunner:
    def __init__(self, server: Server, session: Session) -> None:
        self.server = server
        self.session = session
        self.queue: asyncio.Queue[tuple[Command, asyncio.Future[Step] | None]] = asyncio.Queue()
        self.timer: asyncio.TimerHandle | None = None
        self.resolution_queued = False
        self.broken = False
        self.task = asyncio.get_running_loop().create_task(self.run())
        self.schedule()

    @property
    def live(self) -> bool:
        return not self.broken and self.session.phase is not Phase.FINISHED

    def enqueue(self, command: Command) -> None:
        self.queue.put_nowait((command, None))

    async def call(self, command: Command) -> Step:
        """Enqueue a command and wait until the session has handled it."""
        done: asyncio.Future[Step] = asyncio.get_running_loop().create_future()
        self.queue.put_nowait((command, done))
        return await done

    async def run(self) -> None:
        while True:
            command, done = await self.queue.get()
            step = self.apply(command)
            if done is not None and not done.done():
                done.set_result(step)

    async def stop(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task

    def apply(self, command: Command) -> Step:
        """Handle one command: decide, log, then send."""
        if self.broken:
            return Step()
        started = time.time()
        step = self.session.handle(command)
        if step.record is not None and not self.persist(step):
            return Step()
        self.deliver(step)
        self.report(command, step, started)
        self.schedule()
        return step

    def persist(self, step: Step) -> bool:
        session, record = self.session, step.record
        resolved = step.resolved
        row = (resolved.resolution, resolved.round, resolved.hash) if resolved else None
        try:
            rounds = round_row(session, step)
            self.server.store.append(
                session.id,
                record,  # type: ignore[arg-type]
                str(session.phase),
                session.deadline,
                row,
                rounds,
            )
        except Exception as error:  # the log is the truth: without it, stop the session
            logs.event("store_failed", logging.ERROR, session=session.id, reason=str(error))
            self.broken = True
            for connection in list(session.connections):
                self.server.unbind(connection)
            return False
        return True

    def deliver(self, step: Step) -> None:
        for outgoing in step.outbox:
            targets = self.server.websockets_for(self.session.recipients(outgoing.to))
            if targets:
                broadcast(targets, outgoing.message.model_dump_json())
        for connection in step.close:
            self.server.unbind(connection)

    def report(self, command: Command, step: Step, started: float) -> None:
        kind = command.message.type
        session = self.session.id
        if step.error is not None and kind != "tick":
            logs.event(
                "error",
                code=step.error.code,
                session=session,
                message_type=kind,
                why=step.error.message,
            )
        elif step.record is not None:
            name = LOGGED_EVENTS.get(kind, kind)
            level = logging.DEBUG if kind == "edit_draft" else logging.INFO
            logs.event(
                name,
                level,
                session=session,
                seq=step.record["seq"],
                actor=step.record.get("actor"),
                round=self.session.round,
                team=step.record["message"].get("team"),
                phase=str(self.session.phase),
                wait_ms=round(1000 * (started - command.now), 1),
                ms=round(1000 * (time.time() - started), 1),
            )
        if step.resolved is not None:
            logs.event("round_hash", logging.DEBUG, session=session, hash=step.resolved.hash)

    def schedule(self) -> None:
        """Arm the deadline's timer, and queue the resolution of a round that needs it."""
        loop = asyncio.get_running_loop()
        if self.session.needs_resolution() and not self.resolution_queued:
            self.resolution_queued = True
            loop.call_later(self.server.config.resolve_delay, self._resolve)
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.session.deadline is not None:
            delay = max(self.session.deadline - time.time(), 0.0) + 0.005
            self.timer = loop.call_later(delay, self._tick)

    def note_rules_switch(self, previous: str) -> None:
        """Log that the session continues under other rules than its last round's."""
        logs.event(
            "rules_switch",
            logging.WARNING,
            session=self.session.id,
            previous=previous,
            now=self.session.engine,
        )
        switch = RulesSwitch(from_rules=previous, to_rules=self.session.engine)
        self.enqueue(Command(time.time(), switch))

    def _resolve(self) -> None:
        self.resolution_queued = False
        self.enqueue(Command(time.time(), Resolve()))

    def _tick(self) -> None:
        self.timer = None
        self.enqueue(Command(time.time(), Tick()))
