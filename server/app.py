"""The websocket shell around the session cores: parse, enqueue, log, send what comes out.

One ``SessionRunner`` per session owns the session: a single task reads its
queue, hands each command to the core, appends accepted commands to the event
log, then sends the outbox with ``broadcast`` (which never waits on a slow
client, so a dead connection cannot stall a round). Connection handlers only
check limits, parse and enqueue. The clock is read here, never in the core.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import hmac
import json
import logging
import secrets
import socket
import ssl
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from websockets.asyncio.server import Server as WebsocketServer
from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from protocol.errors import (
    InternalError,
    LimitExceeded,
    NotAllowed,
    NotAuthenticated,
    NotFound,
    ProtocolError,
    UnsupportedProtocol,
    WrongToken,
)
from protocol.messages import (
    CODE_ALPHABET,
    CODE_LENGTH,
    SUPPORTED_PROTOCOLS,
    GetView,
    Resume,
    parse_client_message,
    raw_id,
    too_deep,
)
from protocol.phases import Phase
from protocol.replies import Error, ErrorDetail
from server import logs
from server.admission import Admission
from server.deflate import FreshDeflateFactory
from server.replay import ReplayMismatch, recover, upgrade
from server.runner import SessionRunner
from server.session import Command, Disconnect, Limits, Session, validate_new
from server.static import WebEdition
from server.store import Store, StoreError
from server.teams import team_key
from server.tokens import IDEMPOTENT_ID, derived_token, hash_token, new_token
from server.workers import Workers

log = logging.getLogger("clusterboard.server")
RESTARTING = 1012  # the close code of a server that stops or restarts: resume and carry on


@dataclass
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8765
    db: str = "clusterboard.db"
    tls_cert: str | None = None
    tls_key: str | None = None
    origins: list[str] = field(default_factory=list)
    public_url: str | None = None  # the player URL's base, shown and encoded in QR codes
    max_sessions: int = 200
    max_message: int = 64 * 1024
    rate: float = 20.0  # messages per second per connection, sustained
    burst: float = 40.0
    players_per_team: int = 6
    ping_interval: float = 20.0
    ping_timeout: float = 20.0
    durable: bool = True  # synchronous=FULL: an acknowledged command survives a power cut
    resolve_delay: float = 0.0  # for recovery tests: a window to kill the server in
    # worker processes that resolve rounds off the event loop (0: on the loop, in-process;
    # `clusterboard serve` defaults to server.workers.default_workers())
    workers: int = 0
    resolve_gate: str | None = None  # for tests: resolution jobs wait until this file exists
    restart_delay: float = 1.0  # a dead session task is rebuilt from its log after this
    store_retry: float = 1.0  # seconds between write probes while the log cannot be written
    host_key: str | None = None  # create_session must carry it (set when not on loopback)
    hello_timeout: float = 10.0  # a connection must be in a session within this many seconds
    per_address: int = 256  # open connections per client address (0: no limit)
    joins_per_minute: int = 60  # joins and creations per client address (0: no limit)
    failed_codes: int = 10  # wrong codes, tokens or host keys before a lockout (0: never)
    lockout: float = 10.0  # seconds of the first lockout; each further one doubles it
    idle_limit: float = 48 * 3600.0  # a session with no command for this long is archived
    housekeeping: float = 5.0  # seconds between rounds of housekeeping
    behind_buffer: int = 64 * 1024  # bytes waiting for a client: past this, views wait
    drop_buffer: int = 1024 * 1024  # past this, the client is dropped (it can resume)
    send_buffer: int = 64 * 1024  # the kernel's send buffer per connection (SO_SNDBUF)
    # permessage-deflate: "fresh" (each message of 256 bytes or more compressed on its own,
    # once per broadcast: server/deflate.py), "deflate" (websockets' default, a zlib
    # context per connection), "off"
    compression: str = "fresh"


@dataclass(slots=True)
class Connection:
    id: int
    ws: ServerConnection
    runner: SessionRunner | None = None
    address: str = ""
    hello: asyncio.TimerHandle | None = None
    behind: bool = False  # views were skipped: it gets the latest view once it catches up
    allowance: float = 0.0
    checked: float = 0.0

    def within_rate(self, now: float, rate: float, burst: float) -> bool:
        """Token bucket: ``burst`` messages at once, ``rate`` a second after that."""
        self.allowance = min(burst, self.allowance + (now - self.checked) * rate)
        self.checked = now
        if self.allowance < 1.0:
            return False
        self.allowance -= 1.0
        return True


class Server:
    """The sessions of one server process, their store, and the connections."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.store = Store(config.db, durable=config.durable)
        self.workers = Workers(config.workers)
        self.limits = Limits(players_per_team=config.players_per_team)
        self.runners: dict[str, SessionRunner] = {}
        self.connections: dict[int, Connection] = {}
        self.next_connection = 1
        self.websocket_server: WebsocketServer | None = None
        self.closing: set[asyncio.Future[None]] = set()
        self.housekeeping: asyncio.Task[None] | None = None
        self.web = WebEdition(config.origins, config.public_url, config.host_key is not None)
        self.restarting: set[str] = set()  # sessions whose task died, being rebuilt
        self.secret = self.store.secret()
        self.quarantined: dict[str, str] = {}  # sessions whose log cannot be replayed
        self.quarantined_codes: set[str] = set()  # never given to a new session
        self.finished_tokens: dict[str, str] = {}  # finished sessions on disk, by token hash
        self.finished_codes: dict[str, str] = {}  # and by code
        self.by_socket: dict[ServerConnection, Connection] = {}
        self.catching_up: asyncio.Task[None] | None = None
        self.admission = Admission(
            connections=config.per_address,
            joins=config.joins_per_minute,
            failures=config.failed_codes,
            lockout=config.lockout,
        )

    # ------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        fix_mmap_threshold()
        self.upgrade_logs()
        self.recover()
        self.finished_tokens, self.finished_codes = self.store.finished_index()
        gc.freeze()  # modules, scenarios and recovered sessions: no need to scan them again
        self.workers.start()
        self.housekeeping = asyncio.get_running_loop().create_task(
            self.keep_house(self.config.housekeeping)
        )
        self.catching_up = asyncio.get_running_loop().create_task(self.catch_up())
        self.websocket_server = await serve(
            self.handler,
            self.config.host,
            self.config.port,
            ssl=self._ssl(),
            process_request=self.http,  # the web edition; it also checks Origin
            max_size=max(4 * self.config.max_message, 1 << 20),
            ping_interval=self.config.ping_interval,
            ping_timeout=self.config.ping_timeout,
            close_timeout=min(self.config.ping_timeout, 10.0),  # a dead peer never answers
            **compression(self.config.compression),
        )
        logs.event(
            "listening", host=self.config.host, port=self.port, tls=bool(self.config.tls_cert)
        )

    @property
    def port(self) -> int:
        assert self.websocket_server is not None
        return self.websocket_server.sockets[0].getsockname()[1]  # type: ignore[no-any-return]

    async def stop(self) -> None:
        """Shut down gracefully: stop accepting, finish what is queued, close, flush.

        Every command already received is handled and logged; then every
        connection is closed with 1012 ("server restarting"), which clients
        answer by reconnecting and resuming with their token.
        """
        if self.housekeeping is not None:
            self.housekeeping.cancel()
        if self.catching_up is not None:
            self.catching_up.cancel()
        if self.websocket_server is not None:
            self.websocket_server.close(close_connections=False)  # no new connections
        for runner in list(self.runners.values()):
            await runner.drain()
        closing = [c.ws.close(RESTARTING, "server restarting") for c in self.connections.values()]
        await asyncio.gather(*closing, return_exceptions=True)
        if self.websocket_server is not None:
            self.websocket_server.close(code=RESTARTING, reason="server restarting")
            await self.websocket_server.wait_closed()
        for runner in list(self.runners.values()):
            await runner.stop()
        await self.workers.stop()
        self.store.close()
        logs.event("stopped", sessions=len(self.runners))

    def _ssl(self) -> ssl.SSLContext | None:
        if not self.config.tls_cert:
            return None
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.config.tls_cert, self.config.tls_key)
        return context

    def upgrade_logs(self) -> None:
        """Write the round records of sessions logged before they were kept, once."""
        for stored in self.store.without_records():
            try:
                rows = upgrade(stored, self.limits)
                self.store.add_rounds(stored.id, rows)
            except (ReplayMismatch, ProtocolError, KeyError, ValueError) as error:
                logs.event("upgrade_failed", logging.ERROR, session=stored.id, reason=str(error))
                continue
            logs.event("upgraded", session=stored.id, rounds=len(rows))

    def recover(self) -> None:
        """Rebuild every unfinished session from its log and resume its deadline.

        A session whose log cannot be read or replayed is quarantined: reported in
        one line naming the file, the session and the bad event, left untouched in
        the database, and kept out of play; the other sessions start.
        """
        for session_id, code in self.store.unfinished():
            started = time.perf_counter()
            try:
                stored = self.store.load(session_id, code)
                recovered = recover(stored, self.limits)
            except (StoreError, ReplayMismatch, ProtocolError, KeyError, ValueError) as error:
                self.quarantine(session_id, code, str(error))
                continue
            session = recovered.session
            self.runners[session.id] = SessionRunner(self, session)
            self.runners[session.id].last_active = self.store.last_activity(session.id)
            if recovered.switched_from is not None:
                self.runners[session.id].note_rules_switch(recovered.switched_from)
            logs.event(
                "recovered",
                session=session.id,
                commands=recovered.replayed,
                snapshot=stored.snapshot.resolution if stored.snapshot else None,
                phase=str(session.phase),
                ms=round(1000 * (time.perf_counter() - started), 1),
            )

    def quarantine(self, session_id: str, code: str, reason: str) -> None:
        where = reason if reason.startswith(self.store.path) else f"{self.store.path}: {reason}"
        self.quarantined[session_id] = where
        self.quarantined_codes.add(code)
        logs.event("quarantined", logging.ERROR, session=session_id, reason=where)

    async def keep_house(self, every: float = 5.0) -> None:
        """Hand freed memory back to the system now and then.

        Resolutions allocate and free many numpy arrays; without this, the C
        allocator keeps the peak of every burst and a server's footprint only grows.
        """
        idle: set[str] = set()
        while True:
            await asyncio.sleep(every)
            idle = self.put_away_finished(idle)
            self.archive_idle(time.time())
            self.admission.prune(time.monotonic())
            trim_memory()

    def archive_idle(self, now: float) -> None:
        """Archive unfinished sessions with no command for ``idle_limit`` and nobody connected.

        An archived session stays in the database, frees its slot, is not started
        again at the next start, and comes back when its facilitator or a player
        resumes it (if a slot is free then).
        """
        for session_id, runner in list(self.runners.items()):
            if not runner.live or runner.dead or now - runner.last_active < self.config.idle_limit:
                continue
            if runner.session.connections or any(
                c.runner is runner for c in self.connections.values()
            ):
                continue
            try:
                self.store.archive(session_id)
            except Exception as error:  # the log cannot be written: try again next time
                logs.event("archive_failed", logging.ERROR, session=session_id, reason=str(error))
                continue
            session = runner.session
            for player in session.players.values():
                self.finished_tokens[player.token_hash] = session_id
            self.finished_tokens[session.facilitator_hash] = session_id
            self.finished_codes[session.code] = session_id
            del self.runners[session_id]
            runner.stopping = True
            runner.task.cancel()
            if runner.timer is not None:
                runner.timer.cancel()
            logs.event("archived", session=session_id, idle_s=round(now - runner.last_active))

    def put_away_finished(self, idle_before: set[str]) -> set[str]:
        """Drop finished sessions nobody has watched for a while; they stay on disk.

        Return the finished sessions idle now: those idle on two passes in a row go.
        """
        idle = set()
        for session_id, runner in list(self.runners.items()):
            session = runner.session
            if session.phase is not Phase.FINISHED or session.connections or runner.dead:
                continue
            if any(c.runner is runner for c in self.connections.values()):
                continue
            if session_id not in idle_before:
                idle.add(session_id)
                continue
            for player in session.players.values():
                self.finished_tokens[player.token_hash] = session_id
            self.finished_tokens[session.facilitator_hash] = session_id
            self.finished_codes[session.code] = session_id
            del self.runners[session_id]
            runner.stopping = True
            runner.task.cancel()
            if runner.timer is not None:
                runner.timer.cancel()
        return idle

    def reopen(self, session_id: str) -> SessionRunner:
        """Bring a finished session back from its last snapshot (it is read, not replayed)."""
        runner = self.runners.get(session_id)
        if runner is not None:
            return runner
        code = next((c for c, i in self.finished_codes.items() if i == session_id), "")
        started = time.perf_counter()
        try:
            recovered = recover(self.store.load(session_id, code), self.limits)
        except (StoreError, ReplayMismatch, ProtocolError, KeyError, ValueError) as error:
            self.quarantine(session_id, code, str(error))
            raise NotFound("this session cannot be read") from None
        if recovered.session.phase is not Phase.FINISHED:  # an archived session comes back
            if sum(1 for r in self.runners.values() if r.live) >= self.config.max_sessions:
                raise LimitExceeded(f"this server runs at most {self.config.max_sessions} sessions")
            self.store.archive(session_id, archived=False)
        runner = SessionRunner(self, recovered.session)
        self.runners[session_id] = runner
        logs.event(
            "reopened",
            session=session_id,
            commands=recovered.replayed,
            ms=round(1000 * (time.perf_counter() - started), 1),
        )
        return runner

    # ------------------------------------------------------------ HTTP health

    def http(self, connection: ServerConnection, request: Request) -> Response | None:
        """Answer /health and the web edition's pages; None lets a websocket through."""
        if request.path.split("?")[0] != "/health":
            address = _address(connection)
            if not self.admission.may_connect(address, time.monotonic()):
                logs.event("refused_address", logging.WARNING, address=address)
                return Response(
                    HTTPStatus.TOO_MANY_REQUESTS,
                    "Too Many Requests",
                    Headers({"Content-Type": "text/plain", "Retry-After": "10"}),
                    b"too many connections from your address\n",
                )
            return self.web.respond(request)
        problems = [f"session {s} restarting" for s in sorted(self.restarting)]
        problems += [f"session {s} quarantined" for s in sorted(self.quarantined)]
        paused = sorted(r.session.id for r in self.runners.values() if r.paused)
        problems += [f"session {s} cannot write its log" for s in paused]
        body: dict[str, Any] = {
            "status": "degraded" if problems else "ok",
            "sessions": sum(1 for r in self.runners.values() if r.live),
            "connections": len(self.connections),
        }
        if problems:
            body["problems"] = problems
        headers = Headers({"Content-Type": "application/json", "Cache-Control": "no-store"})
        text = (json.dumps(body) + "\n").encode()
        return Response(HTTPStatus.OK, "OK", headers, text)

    # ------------------------------------------------------------ connections

    async def handler(self, ws: ServerConnection) -> None:
        connection = Connection(self.next_connection, ws, allowance=self.config.burst)
        connection.checked = time.monotonic()
        connection.address = _address(ws)
        self.admission.connected(connection.address, connection.checked)
        if self.config.hello_timeout:
            connection.hello = asyncio.get_running_loop().call_later(
                self.config.hello_timeout, self._no_hello, connection
            )
        self.next_connection += 1
        self.connections[connection.id] = connection
        self.by_socket[ws] = connection
        _limit_send_buffer(ws, self.config.send_buffer)
        _forget_handshake(ws)
        try:
            async for text in ws:
                try:
                    await self.receive(connection, text)
                except Exception:  # contained: one message never takes the connection down
                    self.contain(connection, text)
        except ConnectionClosed:
            pass
        finally:
            self.connections.pop(connection.id, None)
            self.by_socket.pop(ws, None)
            self.admission.disconnected(connection.address)
            if connection.hello is not None:
                connection.hello.cancel()
            if connection.runner is not None:
                connection.runner.enqueue(Command(time.time(), Disconnect(), connection.id))

    async def receive(self, connection: Connection, text: str | bytes) -> None:
        """Check one frame's size and rate, parse it, and hand it on."""
        try:
            self._check_limits(connection, text)
            message = parse_client_message(text)
        except ProtocolError as error:
            self.refuse(connection, error, _peek_id(text))
            return
        if message.type in ("create_session", "join", "spectate", "resume"):
            await self.first_message(connection, message)
        elif connection.runner is None:
            self.refuse(
                connection, NotAuthenticated("send join, spectate or resume first"), message.id
            )
        else:
            connection.runner.enqueue(Command(time.time(), message, connection.id))

    def _check_limits(self, connection: Connection, text: str | bytes) -> None:
        size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8", "replace"))
        if size > self.config.max_message:
            raise LimitExceeded(f"messages are at most {self.config.max_message} bytes")
        if not connection.within_rate(time.monotonic(), self.config.rate, self.config.burst):
            raise LimitExceeded(f"at most {self.config.rate:g} messages a second")

    def contain(self, connection: Connection, text: str | bytes) -> None:
        session = connection.runner.session.id if connection.runner else None
        kind = _peek_type(text)
        log.exception(
            "handling_failed", extra={"fields": {"session": session, "message_type": kind}}
        )
        error = InternalError("the server could not handle this request")
        with contextlib.suppress(Exception):
            self.refuse(connection, error, _peek_id(text))

    def refuse(self, connection: Connection, error: ProtocolError, reply_to: str | None) -> None:
        reply = Error(
            reply_to=reply_to,
            code=error.code,
            message=error.message,
            details=[ErrorDetail(field=f, problem=p) for f, p in error.details],
        )
        self.send([connection.ws], reply.model_dump_json())
        session = connection.runner.session.id if connection.runner else None
        logs.event("error", logging.INFO, code=error.code, session=session, why=error.message)

    async def first_message(self, connection: Connection, message: Any) -> None:
        now, address = time.monotonic(), connection.address
        try:
            if connection.runner is not None:
                raise NotAllowed("this connection is already in a session")
            if message.protocol not in SUPPORTED_PROTOCOLS:
                supported = ", ".join(map(str, sorted(SUPPORTED_PROTOCOLS)))
                raise UnsupportedProtocol(f"this server speaks protocol {supported}")
            self.admission.check_locked(address, now)
            if message.type in ("join", "create_session"):
                self.admission.join(address, now)
            runner, command = self._first_command(connection, message)
        except ProtocolError as error:
            guessed = (
                error.code in ("not_found", "wrong_token") and message.type != "create_session"
            )
            if guessed or isinstance(error, WrongHostKey):  # a wrong code, token or host key
                self.admission.failed(address, now)
            self.refuse(connection, error, message.id)
            return
        step = await runner.call(command)
        if step.error is None:
            connection.runner = runner
            if connection.hello is not None:
                connection.hello.cancel()
                connection.hello = None

    def _no_hello(self, connection: Connection) -> None:
        """Close a connection that is still in no session when its hello deadline passes."""
        connection.hello = None
        if connection.runner is None and connection.id in self.connections:
            logs.event("no_hello", address=connection.address)
            task = asyncio.ensure_future(connection.ws.close(1008, "no hello in time"))
            self.closing.add(task)
            task.add_done_callback(self.closing.discard)

    def _first_command(self, connection: Connection, message: Any) -> tuple[SessionRunner, Command]:
        now = time.time()
        if message.type == "create_session":
            return self.create(message, connection, now)
        if message.type == "resume":
            token_hash = hash_token(message.token)
            for runner in self.runners.values():
                if runner.session.knows_token(token_hash):
                    return runner, Command(now, message, connection.id, token_hash=token_hash)
            finished = self.finished_tokens.get(token_hash)
            if finished is not None and finished not in self.quarantined:
                runner = self.reopen(finished)
                return runner, Command(now, message, connection.id, token_hash=token_hash)
            raise WrongToken("unknown or revoked token")
        runner = self._by_code(message.code)
        if message.type == "spectate":
            return runner, Command(now, message, connection.id)
        token = self._token(
            "join", runner.session.id, team_key(message.team), message.name, message.id
        )
        command = Command(now, message, connection.id, token_hash=hash_token(token), token=token)
        return runner, command

    def _by_code(self, code: str) -> SessionRunner:
        for runner in self.runners.values():
            if runner.session.code == code and not runner.broken and not runner.dead:
                return runner
        finished = self.finished_codes.get(code)
        if finished is not None and finished not in self.quarantined:
            return self.reopen(finished)
        raise NotFound("no session with this code", [("code", "unknown")])

    def create(
        self, message: Any, connection: Connection, now: float
    ) -> tuple[SessionRunner, Command]:
        """Create a session and return the command that seats its facilitator."""
        self._check_host_key(message)
        request = message.model_dump_json(exclude={"id"})
        token = self._token("create_session", request, message.id)
        token_hash = hash_token(token)
        for runner in self.runners.values():  # resent: seat the facilitator of the first one
            if runner.session.facilitator_hash == token_hash:
                resume = Resume(id=message.id, protocol=message.protocol, token=token)
                return runner, Command(
                    now, resume, connection.id, token_hash=token_hash, token=token
                )
        if sum(1 for r in self.runners.values() if r.live) >= self.config.max_sessions:
            raise LimitExceeded(f"this server runs at most {self.config.max_sessions} sessions")
        validate_new(message)
        record = {
            "seq": 1,
            "now": now,
            "session": secrets.token_hex(8),
            "code": self._new_code(),
            "seed": message.seed if message.seed is not None else secrets.randbits(63),
            "token_hash": token_hash,
            "message": message.model_dump(mode="json", exclude={"host_key"}),  # never logged
            "limits": {"players_per_team": self.limits.players_per_team},
        }
        session = Session(record, self.limits)
        self.store.create(record, str(session.phase))
        runner = SessionRunner(self, session)
        self.runners[session.id] = runner
        logs.event("created", session=session.id, code=session.code, scenario=session.scenario.id)
        resume = Resume(id=message.id, protocol=message.protocol, token=token)
        return runner, Command(
            now, resume, connection.id, token_hash=record["token_hash"], token=token
        )

    def _check_host_key(self, message: Any) -> None:
        expected = self.config.host_key
        if expected is None:
            return
        given = message.host_key or ""
        if not hmac.compare_digest(given.encode(), expected.encode()):
            missing = not given
            raise WrongHostKey(
                "this server needs its host key to create a session"
                if missing
                else "wrong host key",
                [("host_key", "missing" if missing else "wrong")],
            )

    def _token(self, *parts: str | None) -> str:
        """A fresh token, or for a first message with a long enough id, the one it derives."""
        mid = parts[-1]
        if mid is None or len(mid) < IDEMPOTENT_ID:
            return new_token()
        return derived_token(self.secret, *(p or "" for p in parts))

    def _new_code(self) -> str:
        taken = {r.session.code for r in self.runners.values()} | self.quarantined_codes
        taken |= set(self.finished_codes)
        while True:
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if code not in taken:
                return code

    def send(self, targets: list[ServerConnection], text: str, kind: str | None = None) -> None:
        """Send one text to some connections without waiting on any of them.

        Backpressure: a connection with more than ``drop_buffer`` bytes waiting is
        dropped (its client reconnects and resumes); one with more than
        ``behind_buffer`` waiting skips views (``kind`` in VIEWS) and gets the latest
        full view once it has caught up, instead of a queue of stale ones.
        """
        ready = []
        for ws in targets:
            waiting = _waiting(ws)
            if waiting > self.config.drop_buffer:
                self.drop_slow(ws, waiting)
                continue
            if kind in VIEWS and waiting > self.config.behind_buffer:
                connection = self.by_socket.get(ws)
                if connection is not None and connection.runner is not None:
                    connection.behind = True
                    continue
            ready.append(ws)
        broadcast(ready, text)

    def drop_slow(self, ws: ServerConnection, waiting: int) -> None:
        connection = self.by_socket.get(ws)
        session = connection.runner.session.id if connection and connection.runner else None
        logs.event("slow_reader_dropped", logging.WARNING, session=session, waiting=waiting)
        if ws.transport is not None:
            ws.transport.abort()  # frees the buffers now; the client resumes with its token

    async def catch_up(self, every: float = 0.2) -> None:
        """Send the latest full view to connections that skipped views and have caught up."""
        while True:
            await asyncio.sleep(every)
            for connection in list(self.connections.values()):
                if not connection.behind or connection.runner is None:
                    continue
                if _waiting(connection.ws) > self.config.behind_buffer // 2:
                    continue
                connection.behind = False
                connection.runner.enqueue(Command(time.time(), GetView(), connection.id))

    def session_died(self, runner: SessionRunner) -> None:
        """The supervisor: rebuild a session whose task died, from its log, after a pause."""
        session_id = runner.session.id
        if self.runners.get(session_id) is not runner:
            return
        self.restarting.add(session_id)
        for connection_id in list(runner.session.connections):
            self.unbind(connection_id, RESTARTING, "session restarting")
        for connection in self.connections.values():
            if connection.runner is runner:
                self.unbind(connection.id, RESTARTING, "session restarting")
        loop = asyncio.get_running_loop()
        loop.call_later(self.config.restart_delay, self.restart_session, session_id)

    def rebuild(self, session: Session) -> Session:
        """Return the session as its log holds it (after a write the log refused)."""
        return recover(self.store.load(session.id, session.code), self.limits).session

    def restart_session(self, session_id: str) -> None:
        old = self.runners.get(session_id)
        if old is None or session_id not in self.restarting:
            return
        try:
            recovered = recover(self.store.load(session_id, old.session.code), self.limits)
        except Exception as error:  # the log itself is bad: keep the session out of play
            logs.event("restart_failed", logging.ERROR, session=session_id, reason=str(error))
            old.broken = True
            self.restarting.discard(session_id)
            return
        self.runners[session_id] = SessionRunner(self, recovered.session)
        self.restarting.discard(session_id)
        logs.event("restarted", logging.WARNING, session=session_id, commands=recovered.replayed)

    def websockets_for(self, connection_ids: list[int]) -> list[ServerConnection]:
        return [self.connections[c].ws for c in connection_ids if c in self.connections]

    def unbind(self, connection_id: int, code: int = 4000, reason: str = "removed") -> None:
        connection = self.connections.get(connection_id)
        if connection is not None:
            connection.runner = None
            task = asyncio.ensure_future(connection.ws.close(code, reason))
            self.closing.add(task)
            task.add_done_callback(self.closing.discard)


def compression(kind: str) -> dict[str, Any]:
    """The websockets ``serve`` options of a ``compression`` setting (see ServerConfig)."""
    if kind == "off":
        return {"compression": None}
    if kind == "deflate":
        return {"compression": "deflate"}
    if kind == "fresh":  # each message on its own, compressed once per broadcast
        return {"compression": None, "extensions": [FreshDeflateFactory()]}
    raise ValueError(f"unknown compression {kind!r} (off, deflate or fresh)")


def trim_memory() -> None:
    """Ask the C library to return free heap memory to the system (glibc only)."""
    if _libc is not None:
        _libc.malloc_trim(0)


M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter
MMAP_THRESHOLD = 128 * 1024  # bytes: glibc's own starting value, kept from then on


def fix_mmap_threshold() -> None:
    """Keep every allocation of ``MMAP_THRESHOLD`` bytes or more in its own mapping (glibc).

    glibc raises this threshold each time such a block is freed, up to 32 MiB; after the
    first resolution's results and snapshots (a megabyte or more each) were freed, the
    next ones came from the heap, where the small objects allocated among them kept the
    memory from going back to the system. A fixed threshold returns each large block the
    moment it is freed.
    """
    if _libc is not None:
        _libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)


def _load_libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim.argtypes = [ctypes.c_size_t]
        libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        return libc
    except (OSError, AttributeError):
        return None


_libc = _load_libc()


class WrongHostKey(WrongToken):
    """A create_session without the server's host key, or with a wrong one."""


VIEWS = frozenset({"team_state", "public_state", "facilitator_state", "timer", "patch"})


def _waiting(ws: ServerConnection) -> int:
    transport = ws.transport
    return transport.get_write_buffer_size() if transport is not None else 0


def _limit_send_buffer(ws: ServerConnection, size: int) -> None:
    sock = ws.transport.get_extra_info("socket") if ws.transport is not None else None
    if sock is not None and size:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, size)


# what a connection keeps of its opening handshake once it is open: websockets only asks
# whether there was a request (a frame is not a handshake), and nothing here reads its
# headers after ``http``, so one shared request without headers stands for every one
_HANDSHAKE_DONE = Request("/", Headers())


def _forget_handshake(ws: ServerConnection) -> None:
    """Drop the opening handshake's parsed headers (about 3 KiB a connection)."""
    ws.request = _HANDSHAKE_DONE
    ws.response = None


def _address(ws: ServerConnection) -> str:
    peer = ws.remote_address
    return str(peer[0]) if isinstance(peer, tuple) and peer else "unknown"


PEEK_DEPTH = 400  # well inside what the JSON decoder nests without a RecursionError


def _peek_type(text: str | bytes) -> str | None:
    # too deep: never let the decoder recurse into a RecursionError (on Python 3.11 one
    # leaves the thread's recursion count off, and a later ast.parse fails)
    if not isinstance(text, str) or len(text) > 1 << 20 or too_deep(text, PEEK_DEPTH):
        return None
    try:
        data = json.loads(text, parse_int=_zero, parse_float=_zero, parse_constant=_zero)
    except (ValueError, RecursionError):
        return None
    kind = data.get("type") if isinstance(data, dict) else None
    return kind[:40].encode("utf-8", "replace").decode() if isinstance(kind, str) else None


def _peek_id(text: str | bytes) -> str | None:
    """The id of a refused frame, to answer it; numbers are not even converted."""
    if not isinstance(text, str) or len(text) > 1 << 20 or too_deep(text, PEEK_DEPTH):
        return None
    try:
        return raw_id(json.loads(text, parse_int=_zero, parse_float=_zero, parse_constant=_zero))
    except (ValueError, RecursionError):
        return None


def _zero(_: str) -> int:
    return 0


async def run_server(config: ServerConfig, stop: asyncio.Future[None]) -> None:
    """Serve until ``stop`` is done."""
    server = Server(config)
    await server.start()
    try:
        await stop
    finally:
        await server.stop()
