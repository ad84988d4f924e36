"""One writer per session: a task that feeds the session core one command at a time.

For each command: the core decides; an accepted command is appended to the
event log; only then is anything sent (append before acknowledge). The appends
of one event-loop turn, every session's, share one commit (``Store`` group
commit): a step waits for that commit before its messages go out, and so does
any later step of the same session in that turn, so nothing a client sees rests
on a command not yet on the disk. The runner
also keeps the session's clock: it arms a timer for the deadline and queues the
resolution of a round that entered ``resolving``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING, Any

from websockets.asyncio.server import broadcast

from protocol.errors import InternalError, ProtocolError, Unavailable
from protocol.phases import Phase
from protocol.replies import Error
from server import forecasting, logs
from server.forecasting import Computed, ForecastJob
from server.presence import Presence
from server.resolution import Job
from server.session import (
    Command,
    Flush,
    ForecastDone,
    Resolve,
    RulesSwitch,
    Session,
    Step,
    Tick,
)
from server.snapshot import round_row

if TYPE_CHECKING:
    from server.app import Server

READ_ONLY = frozenset({"get_view", "spectate", "resume", "disconnect", "flush", "forecast_done"})
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
        self.flushing: tuple[float, asyncio.TimerHandle] | None = None  # when, and its handle
        self.resolving = False  # a resolution is scheduled, running, or its result queued
        self.resolution: asyncio.Task[None] | None = None  # the job, while it runs
        self.job: tuple[float, float] | None = None  # when the job started, and took (s)
        self.forecasting: set[asyncio.Task[None]] = set()  # forecast jobs out, not back
        self.forecasts_computed = 0
        self.broken = False
        self.stopping = False
        self.dead = False  # the task ended without ``stop``: the supervisor rebuilds it
        self.paused = False  # the log cannot be written: changes wait until it can
        self.probing: asyncio.Task[None] | None = None
        self.last_active = time.time()  # when the last command was logged
        self.uncommitted = 0  # steps handled, waiting for the group commit to be sent
        self.task = asyncio.get_running_loop().create_task(self.run())
        self.task.add_done_callback(self._ended)
        self.schedule()

    @property
    def live(self) -> bool:
        return not self.broken and self.session.phase is not Phase.FINISHED

    def enqueue(self, command: Command) -> None:
        if not self.dead:
            self.queue.put_nowait((command, None))

    async def call(self, command: Command) -> Step:
        """Enqueue a command and wait until the session has handled it."""
        if self.dead:
            error = InternalError("the session is restarting; try again in a moment")
            self.answer_error(command, error)
            return Step(error=error)
        done: asyncio.Future[Step] = asyncio.get_running_loop().create_future()
        self.queue.put_nowait((command, done))
        return await done

    async def run(self) -> None:
        while True:
            command, done = await self.queue.get()
            try:
                step = self.apply(command, done)
            except Exception:  # one message's failure never ends the session
                step = self.contain(command)
            if step is not None and done is not None and not done.done():
                done.set_result(step)

    def contain(self, command: Command) -> Step:
        """Log a failure while handling one command, answer its sender, carry on."""
        kind = getattr(command.message, "type", "?")
        logs.log.exception(
            "handling_failed", extra={"fields": {"session": self.session.id, "message_type": kind}}
        )
        error = InternalError("the server could not handle this request")
        self.answer_error(command, error)
        return Step(error=error)

    def answer_error(self, command: Command, error: ProtocolError) -> None:
        if command.connection is None:
            return
        reply = Error(
            reply_to=getattr(command.message, "id", None), code=error.code, message=error.message
        )
        targets = self.server.websockets_for([command.connection])
        with contextlib.suppress(Exception):
            broadcast(targets, reply.model_dump_json())

    def _ended(self, task: asyncio.Task[None]) -> None:
        """The supervisor's hook: a session task that ends without ``stop`` has died."""
        if self.stopping:
            return
        failure = None if task.cancelled() else task.exception()
        logs.event(
            "session_died",
            logging.ERROR,
            session=self.session.id,
            reason=repr(failure) if failure else "cancelled",
        )
        if self.timer is not None:
            self.timer.cancel()
        self.dead = True
        error = InternalError("the session is restarting; try again in a moment")
        while not self.queue.empty():  # whoever waits on a command gets an answer
            command, done = self.queue.get_nowait()
            self.answer_error(command, error)
            if done is not None and not done.done():
                done.set_result(Step(error=error))
        self.server.session_died(self)

    async def drain(self, limit: float = 10.0) -> None:
        """Wait until every queued command has been handled (and logged)."""
        loop = asyncio.get_running_loop()
        until = loop.time() + limit
        while (
            (not self.queue.empty() or self.job_running)
            and not self.task.done()
            and loop.time() < until
        ):
            await asyncio.sleep(0.01)

    @property
    def job_running(self) -> bool:
        return self.resolution is not None and not self.resolution.done()

    async def stop(self) -> None:
        self.stopping = True
        if self.probing is not None:
            self.probing.cancel()
        if self.timer is not None:
            self.timer.cancel()
        if self.flushing is not None:
            self.flushing[1].cancel()
        if self.resolution is not None:
            self.resolution.cancel()
        for task in list(self.forecasting):
            task.cancel()
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task

    def apply(self, command: Command, done: asyncio.Future[Step] | None = None) -> Step | None:
        """Handle one command: decide, log, then send; None when the sending waits for
        the group commit (then ``done`` gets the step after it)."""
        if command.message.type == "resolve":
            self.resolving = False  # applied or refused: schedule() starts another if needed
        if self.broken:
            return Step()
        if self.paused and command.message.type not in READ_ONLY:
            return self.refuse_paused(command)
        started = time.time()
        step = self.session.handle(command)
        self.start_forecasts(command.now)
        if step.record is None and not self.uncommitted:
            self.finish(command, step, started)
            return step
        if step.record is not None and not self.persist(step):
            return self.refuse_paused(command)
        self.uncommitted += 1

        def committed(error: str | None) -> None:
            self.uncommitted -= 1
            result = step
            try:
                if error is None:
                    self.finish(command, step, started)
                else:
                    if not self.paused and not self.broken:
                        self.pause(error)
                    result = self.refuse_paused(command)
            except Exception:
                result = self.contain(command)
            if done is not None and not done.done():
                done.set_result(result)

        self.server.store.after_commit(committed)
        return None

    def finish(self, command: Command, step: Step, started: float) -> None:
        self.deliver(step, command)
        self.report(command, step, started)
        self.schedule()

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
                defer=True,
            )
            self.last_active = time.time()
        except Exception as error:  # the log is the truth: pause until it can be written
            self.server.store.abort_group(str(error))  # the turn's other appends too
            if not self.paused and not self.broken:
                self.pause(str(error))
            return False
        return True

    def refuse_paused(self, command: Command) -> Step:
        error = Unavailable("the server cannot write its log just now; nothing was changed")
        self.answer_error(command, error)
        return Step(error=error)

    def pause(self, reason: str) -> None:
        """The log refused a write: go back to what it holds, refuse changes, probe it."""
        logs.event("store_failed", logging.ERROR, session=self.session.id, reason=reason)
        self.paused = True
        try:  # the core applied the command the log refused: rebuild it from the log
            rebuilt = self.server.rebuild(self.session)
        except Exception as error:
            logs.event("rebuild_failed", logging.ERROR, session=self.session.id, reason=str(error))
            self.broken = True
            return
        rebuilt.connections = Presence(
            (c, p)
            for c, p in self.session.connections.items()
            if p.actor is None or p.actor == "facilitator" or p.actor in rebuilt.players
        )
        self.session = rebuilt
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.probing is None:
            self.probing = asyncio.get_running_loop().create_task(self.probe())

    async def probe(self) -> None:
        """Try a write now and then; resume the session as soon as one works."""
        try:
            while not await asyncio.to_thread(self.server.store.writable):
                await asyncio.sleep(self.server.config.store_retry)
        finally:
            self.probing = None
        self.paused = False
        logs.event("store_recovered", logging.WARNING, session=self.session.id)
        self.schedule()

    def deliver(self, step: Step, command: Command | None = None) -> None:
        """Send the outbox; a message that cannot be sent is logged and skipped."""
        failed = False
        for outgoing in step.outbox:
            try:
                targets = self.server.websockets_for(self.session.recipients(outgoing.to))
                if targets:
                    message = outgoing.message
                    kind = getattr(message, "type", None)
                    self.server.send(targets, message.model_dump_json(), kind)
            except Exception:
                failed = True
                logs.log.exception(
                    "send_failed",
                    extra={
                        "fields": {
                            "session": self.session.id,
                            "message_type": getattr(outgoing.message, "type", "?"),
                            "to": outgoing.to.kind,
                        }
                    },
                )
        if failed and command is not None:
            self.answer_error(command, InternalError("a reply could not be sent"))
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
            extra = self.job_figures(command) if kind == "resolve" else {}
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
                **extra,
            )
        if step.resolved is not None:
            logs.event("round_hash", logging.DEBUG, session=session, hash=step.resolved.hash)

    def job_figures(self, command: Command) -> dict[str, Any]:
        """What a resolution's log line says of its job: where it ran (``worker``: in a
        worker process), its wall time and CPU there (``job_ms``, ``job_cpu_ms``), and the
        whole results step from the job's start to the views sent (``step_ms``); ``ms``
        is the part the session's own loop spent (applying, storing, sending)."""
        result = command.result
        if self.job is None:  # a resolve replayed or with no job of this runner's
            return {"worker": False}
        started, took = self.job
        self.job = None
        return {
            "worker": result is not None and self.server.workers.count > 0,
            "job_ms": round(1000 * took, 1),
            "job_cpu_ms": round(1000 * result.cpu, 1) if result is not None else None,
            "step_ms": round(1000 * (time.perf_counter() - started), 1),
        }

    def schedule(self) -> None:
        """Arm the deadline's timer, and queue the resolution of a round that needs it."""
        if self.paused:
            return
        loop = asyncio.get_running_loop()
        if self.session.needs_resolution() and not self.resolving:
            self.resolving = True
            loop.call_later(self.server.config.resolve_delay, self._resolve)
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.session.deadline is not None:
            delay = max(self.session.deadline - time.time(), 0.0) + 0.005
            self.timer = loop.call_later(delay, self._tick)
        due = self.session.flush_due()  # what the session held back goes out on time
        if due is not None and (self.flushing is None or self.flushing[0] > due):
            if self.flushing is not None:
                self.flushing[1].cancel()
            delay = max(due - time.time(), 0.0) + 0.001
            self.flushing = (due, loop.call_later(delay, self._flush))

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
        """Run the round's job (in a worker process when the server has them) and queue
        its result; meanwhile the session answers its messages as it does while resolving."""
        if self.stopping or self.dead:
            return
        if self.paused or not self.session.needs_resolution():
            self.resolving = False
            return
        job = self.session.resolution_job(self.server.config.resolve_gate)
        self.resolution = asyncio.get_running_loop().create_task(self._run_job(job))

    async def _run_job(self, job: Job) -> None:
        started = time.perf_counter()
        self.job = None
        try:
            result = await self.server.workers.run(job)  # None: a worker failed, resolve here
        except Exception:
            logs.log.exception("resolution_failed", extra={"fields": {"session": job.key[0]}})
            result = None  # the core resolves the round itself
        self.job = (started, time.perf_counter() - started)
        self.enqueue(Command(time.time(), Resolve(), result=result))

    def start_forecasts(self, now: float) -> None:
        """Run the forecasts the session says are due, each in a worker process (in this
        one with no workers); each comes back as a ``forecast_done`` command."""
        for job in self.session.take_forecasts(now):
            task = asyncio.get_running_loop().create_task(self._run_forecast(job))
            self.forecasting.add(task)
            task.add_done_callback(self.forecasting.discard)

    async def _run_forecast(self, job: ForecastJob) -> None:
        try:
            computed = await self.server.workers.run(job, forecasting.run)
            if computed is None:  # a worker failed: forecast here
                computed = forecasting.run(job)
            self.forecasts_computed += 1
        except Exception:
            logs.log.exception("forecast_failed", extra={"fields": {"session": job.key[0]}})
            computed = Computed(job.key, None, ok=False)  # the core forgets it was running
        self.enqueue(Command(time.time(), ForecastDone(), result=computed))

    def _flush(self) -> None:
        self.flushing = None
        self.enqueue(Command(time.time(), Flush()))

    def _tick(self) -> None:
        self.timer = None
        self.enqueue(Command(time.time(), Tick()))
