"""Hostile clients against a real server: a long fuzz, and a crowd that never reads.

    python benchmarks/hardening.py fuzz --messages 100000     # every phase, every type
    python benchmarks/hardening.py readers --clients 1000 --seconds 60
    python benchmarks/hardening.py sync --commands 300           # the cost of fsync
    python benchmarks/hardening.py kills --kills 100             # SIGKILL at random points

``fuzz`` starts ``clusterboard serve`` on 127.0.0.1, builds one session in each
phase (lobby, briefing, decisions, paused, results, finished; rebuilt every
``--rebuild`` messages so the phases stay covered), and sends seeded random
messages from the facilitator, a player, a spectator and a stranger of each:
every client type, random and wrong fields, extra fields, lone surrogates,
integers of 25 to 20,000 digits, deep nesting, binary frames and non-JSON. Each
message waits for its reply. It counts replies by code, replies that leak a
traceback, refused messages that changed the event log, sessions that stall
(no answer to ``get_view`` within 5 s at the end) and the server's logged
failures and tracebacks.

``readers`` starts a server, opens ``--clients`` connections that spectate one
busy session and then never read, and for ``--seconds`` makes that session push
a view to every screen 20 times a second, while a player in another session
edits its draft and times each round trip. It reports the server's RSS (start,
peak, end), the clients dropped, and the other session's latency before and
during the crowd.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import os
import random
import signal
import socket
import sqlite3
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from websockets.asyncio.client import ClientConnection, connect  # noqa: E402
from websockets.exceptions import ConnectionClosed  # noqa: E402

from protocol.client import Client  # noqa: E402
from protocol.messages import CLIENT_TYPES  # noqa: E402
from server.store import Store  # noqa: E402

FIELDS = [
    "round", "changes", "decisions", "seconds", "team", "name", "code", "token", "protocol",
    "weights", "event_id", "player", "strategy", "practice", "host_key", "id",
]  # fmt: skip
SERVER_COMMANDS = {"resolve", "tick", "rules_switch"}
PHASES = ("lobby", "briefing", "decisions", "paused", "results", "finished")
STARTED: list[asyncio.subprocess.Process] = []  # every server started, killed at exit if alive


async def start_server(
    db: Path, log: Path, *extra: str, trace: Path | None = None
) -> tuple[asyncio.subprocess.Process, int]:
    """Start ``clusterboard serve``; with ``trace``, under strace counting its fsyncs."""
    traced = ("strace", "-f", "-qq", "-e", "trace=fsync,fdatasync", "-o", str(trace))
    process = await asyncio.create_subprocess_exec(
        *(traced if trace else ()),
        sys.executable,
        *("-m", "cli", "serve", "--port", "0", "--db", str(db), "--per-address", "0"),
        *extra,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=log.open("w"),
        cwd=ROOT,
    )
    STARTED.append(process)
    for _ in range(400):
        await asyncio.sleep(0.05)
        for line in log.read_text().splitlines():
            if '"listening"' in line:
                return process, json.loads(line)["port"]
    process.kill()
    await process.wait()
    raise RuntimeError(f"the server did not start: {log.read_text()[-300:]!r}")


async def stop_server(process: asyncio.subprocess.Process) -> int:
    """SIGTERM to the server (under strace: to strace's child, the server itself)."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    traced = children.exists() and "strace" in Path(f"/proc/{process.pid}/comm").read_text()
    if traced:
        for child in children.read_text().split():
            os.kill(int(child), signal.SIGTERM)
    else:
        process.terminate()
    return await process.wait()


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def request(ws: ClientConnection, message: dict[str, Any] | str | bytes) -> dict[str, Any]:
    """Send and return the reply: the one echoing the id, or an error with no reply_to."""
    mid = message.get("id") if isinstance(message, dict) else _raw_id(message)
    await ws.send(json.dumps(message) if isinstance(message, dict) else message)
    while True:
        reply = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if reply.get("reply_to") == mid and reply["type"] != "labels":
            return reply
        if reply["type"] == "error" and reply.get("reply_to") is None:
            return reply


def _raw_id(frame: str | bytes) -> str | None:
    if isinstance(frame, bytes):
        return None
    try:
        data = json.loads(frame, parse_int=lambda _: 0)
    except (ValueError, RecursionError):
        return None
    mid = data.get("id") if isinstance(data, dict) else None
    ok = isinstance(mid, str) and 0 < len(mid) <= 64
    return mid if ok and not any(0xD800 <= ord(c) <= 0xDFFF for c in mid) else None


# ---------------------------------------------------------------- the fuzz


class Table:
    """One session in a given phase, with its four kinds of sender."""

    def __init__(self, phase: str) -> None:
        self.phase = phase
        self.senders: dict[str, ClientConnection] = {}
        self.code = ""

    async def build(self, url: str, n: int) -> None:
        facilitator = await connect(url, max_size=None)
        created = await request(
            facilitator,
            {"type": "create_session", "protocol": 1, "id": "c", "seed": n, "rounds": 3},
        )
        self.code = created["code"]
        player = await connect(url, max_size=None)
        join = {"type": "join", "protocol": 1, "id": "j", "code": self.code}
        await request(player, join | {"team": "North", "name": "Ana"})
        steps = {
            "lobby": [],
            "briefing": ["start"],
            "decisions": ["start", "open_round"],
            "paused": ["start", "open_round", "pause_round"],
            "results": ["start", "open_round", "close_round"],
            "finished": ["end_game"],
        }[self.phase]
        for kind in steps:
            await request(facilitator, {"type": kind, "id": kind})
        spectator = await connect(url, max_size=None)
        await request(spectator, {"type": "spectate", "protocol": 1, "id": "s", "code": self.code})
        stranger = await connect(url, max_size=None)
        self.senders = {
            "facilitator": facilitator,
            "player": player,
            "spectator": spectator,
            "stranger": stranger,
        }

    async def close(self) -> None:
        for ws in self.senders.values():
            await ws.close()


def value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(12)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([True, False])
    if kind == 2:
        return rng.randint(-(10**6), 10**6)
    if kind == 3:
        return rng.uniform(-1e6, 1e6)
    if kind == 4:
        return "".join(chr(rng.randrange(32, 0x2FFF)) for _ in range(rng.randrange(12)))
    if kind == 5:
        return rng.choice(["ACDEFG", "grow", "passive", "p1", "North", "x" * 40, ""])
    if kind == 6:
        return chr(0xD800 + rng.randrange(2048))  # a lone surrogate, once escaped
    if kind in (7, 8) and depth < 3:
        return [value(rng, depth + 1) for _ in range(rng.randrange(4))]
    if kind in (9, 10) and depth < 3:
        keys = ["staffing", "funding", "responses", "strategy", "apply", "hire_fte", "k"]
        return {rng.choice(keys): value(rng, depth + 1) for _ in range(rng.randrange(4))}
    return rng.randint(0, 20)


def hostile_frame(rng: random.Random, n: int) -> str | bytes:
    """One fuzzed frame; most are JSON objects of a real type with bad parts."""
    kind = rng.choice([*sorted(CLIENT_TYPES), "nonsense", ""])
    body: dict[str, Any] = {"type": kind, "id": f"m{n}"}
    for _ in range(rng.randrange(5)):
        body[rng.choice(FIELDS)] = value(rng)
    if rng.random() < 0.3:
        body[rng.choice(["zz", "extra", "round"])] = value(rng)
    text = json.dumps(body)
    special = rng.randrange(10)
    if special == 0:  # a huge integer literal
        return text[:-1] + f', "n": {"9" * rng.randrange(25, 20_000)}}}'
    if special == 1:  # deep nesting
        depth = rng.randrange(13, 5000)
        return text[:-1] + ', "deep": ' + "[" * depth + "]" * depth + "}"
    if special == 2:
        return rng.randbytes(rng.randrange(1, 64))
    if special == 3:
        return text[: rng.randrange(1, len(text))]  # cut short: not JSON
    if special == 4:  # a lone surrogate in the id
        return text.replace(f'"m{n}"', '"m\\udc01"')
    return text


async def fuzz(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="clusterboard-fuzz-"))
    db, log = work / "fuzz.db", work / "server.log"
    process, port = await start_server(db, log, "--rate", "1000000")
    url = f"ws://127.0.0.1:{port}"
    rng = random.Random(args.seed)
    counts: collections.Counter[str] = collections.Counter()
    by_phase: collections.Counter[str] = collections.Counter()
    types_sent: set[str] = set()
    leaks = changed_by_refusal = server_side = 0
    details: list[dict[str, Any]] = []
    reader = sqlite3.connect(f"file:{db}?mode=ro", uri=True)

    def events() -> int:
        return reader.execute("SELECT MAX(rowid) FROM events").fetchone()[0]

    started = time.perf_counter()
    tables: list[Table] = []
    sent = 0
    while sent < args.messages:
        for table in tables:
            await table.close()
        tables = [Table(phase) for phase in PHASES]
        for n, table in enumerate(tables):
            await table.build(url, sent + n)
        for _ in range(min(args.rebuild, args.messages - sent)):
            table = rng.choice(tables)
            who = rng.choice(list(table.senders))
            frame = hostile_frame(rng, sent)
            before = events()
            try:
                reply = await request(table.senders[who], frame)
            except (ConnectionClosed, TimeoutError):
                closed = table.senders[who].close_code
                counts[f"connection_closed_{closed}"] += 1  # 1008: a stranger's hello deadline
                table.senders[who] = await connect(url, max_size=None)
                sent += 1
                continue
            if _raw_id(frame) != f"m{sent}":  # unmatched reply: wait for the server to be done
                try:
                    await request(table.senders[who], {"type": "get_view", "id": f"sync{sent}"})
                except (ConnectionClosed, TimeoutError):  # a stranger's hello deadline came first
                    table.senders[who] = await connect(url, max_size=None)
            sent += 1
            by_phase[table.phase] += 1
            if isinstance(frame, str) and frame.startswith('{"type": "'):
                types_sent.add(frame.split('"')[3])
            code = reply["code"] if reply["type"] == "error" else reply["type"]
            counts[code] += 1
            text = json.dumps(reply)
            if "Traceback" in text or 'File "' in text:
                leaks += 1
            if reply["type"] == "error" and events() != before:
                added = reader.execute(
                    "SELECT json_extract(command, '$.message.type') FROM events WHERE rowid > ?",
                    (before,),
                ).fetchall()
                kinds = {kind for (kind,) in added}
                if kinds <= SERVER_COMMANDS:  # the server's own clock, at the same moment
                    server_side += 1
                else:
                    changed_by_refusal += 1
                    details.append(
                        {"sent": str(frame)[:300], "reply": reply, "logged": sorted(kinds)}
                    )
    elapsed = time.perf_counter() - started
    stalled = 0
    for table in tables:
        try:
            view = await request(table.senders["facilitator"], {"type": "get_view", "id": "end"})
            stalled += view["type"] == "error"
        except (ConnectionClosed, TimeoutError):
            stalled += 1
        await table.close()
    code = await stop_server(process)
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    return {
        "messages": sent,
        "seconds": round(elapsed, 1),
        "per_second": round(sent / elapsed),
        "by_phase": dict(by_phase),
        "client_types_sent": len(types_sent & CLIENT_TYPES),
        "client_types": len(CLIENT_TYPES),
        "replies": dict(counts.most_common()),
        "tracebacks_in_replies": leaks,
        "refused_but_changed_the_log": changed_by_refusal,
        "server_commands_logged_meanwhile": server_side,
        "refusals_that_changed_the_log": details[:10],
        "stalled_sessions": stalled,
        "server_tracebacks": sum(1 for line in lines if "trace" in line),
        "server_failures": sum(
            1
            for line in lines
            if line["event"] in ("handling_failed", "send_failed", "session_died")
        ),
        "server_exit": code,
    }


# ---------------------------------------------------------------- the crowd


async def readers(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="clusterboard-readers-"))
    process, port = await start_server(
        work / "r.db", work / "server.log", "--rate", "1000000", "--max-sessions", "10"
    )
    url = f"ws://127.0.0.1:{port}"
    busy, created = await _hello(url, {"type": "create_session", "seed": 1})
    quiet_facilitator, quiet = await _hello(url, {"type": "create_session", "seed": 2})
    join = {"type": "join", "code": quiet["code"], "team": "T", "name": "P"}
    player, _ = await _hello(url, join)
    keeper, _ = await _hello(
        url, {"type": "join", "code": created["code"], "team": "K", "name": "K"}
    )
    for facilitator in (busy, quiet_facilitator):
        for kind in ("start", "open_round"):
            await request(facilitator, {"type": kind, "id": kind})

    async def latency(samples: int) -> list[float]:
        times = []
        for n in range(samples):
            started = time.perf_counter()
            edit = {"type": "edit_draft", "id": f"l{time.time()}-{n}", "round": 1, "changes": {}}
            await request(player, edit)
            times.append(1000 * (time.perf_counter() - started))
            await asyncio.sleep(0.01)
        return times

    before_ms = await latency(200)
    start_rss = rss_mib(process.pid)
    crowd: list[ClientConnection] = []
    for _ in range(args.clients):
        ws, _ = await _hello(url, {"type": "spectate", "code": created["code"]})
        sock = ws.transport.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        ws.transport.pause_reading()  # never reads again
        crowd.append(ws)
    peak = rss_mib(process.pid)
    during_ms: list[float] = []
    until = time.monotonic() + args.seconds
    n = 0
    while time.monotonic() < until:
        await request(busy, {"type": "extend", "id": f"x{n}", "seconds": 1})
        n += 1
        if n % 20 == 0:
            during_ms += await latency(5)
            peak = max(peak, rss_mib(process.pid))
        await asyncio.sleep(0.05)
    end_rss = rss_mib(process.pid)
    health = await asyncio.to_thread(_health, port)
    log = (work / "server.log").read_text()
    dropped = log.count('"slow_reader_dropped"')
    for ws in crowd:
        ws.transport.abort()
    for ws in (busy, quiet_facilitator, player, keeper):
        await ws.close()
    await stop_server(process)
    return {
        "clients": args.clients,
        "seconds": args.seconds,
        "views_pushed_to_each": n,
        "rss_mib_start": round(start_rss, 1),
        "rss_mib_peak": round(peak, 1),
        "rss_mib_end": round(end_rss, 1),
        "dropped": dropped,
        "connections_left": health["connections"],
        "other_session_ms_before": _summary(before_ms),
        "other_session_ms_during": _summary(during_ms),
    }


async def sync_cost(args: argparse.Namespace) -> dict[str, Any]:
    """Round trips of an acknowledged command (the facilitator's ``extend``, a cheap one)
    with fsync (full) and without (normal), and appends to the log alone."""
    result = {}
    for mode in ("full", "normal"):
        work = Path(tempfile.mkdtemp(prefix="clusterboard-sync-"))
        trace = work / "fsync.trace" if args.strace else None
        process, port = await start_server(
            work / "s.db", work / "server.log", "--rate", "1000000", "--sync", mode, trace=trace
        )
        url = f"ws://127.0.0.1:{port}"
        facilitator, created = await _hello(url, {"type": "create_session", "seed": 1})
        join = {"type": "join", "code": created["code"], "team": "T", "name": "P"}
        player, _ = await _hello(url, join)
        for kind in ("start", "open_round"):
            await request(facilitator, {"type": kind, "id": kind})
        times = []
        started = time.perf_counter()
        for n in range(args.commands):
            begun = time.perf_counter()
            await request(facilitator, {"type": "extend", "id": f"e{n}", "seconds": 1})
            times.append(1000 * (time.perf_counter() - begun))
        elapsed = time.perf_counter() - started
        result[mode] = _summary(times) | {"per_second": round(args.commands / elapsed)}
        synced = _fsyncs(trace)
        result[mode]["concurrent"] = await concurrent_commands(url, args)
        if trace is not None:
            await asyncio.sleep(0.5)
            count = _fsyncs(trace) - synced
            result[mode]["concurrent"]["fsyncs"] = count  # the 80 set-up commands included
        for ws in (facilitator, player):
            await ws.close()
        await stop_server(process)
        store = Store(work / "appends.db", durable=mode == "full")
        record = {"session": "s", "code": "C", "now": 0.0, "seq": 1, "message": {}}
        store.create(record, "lobby")
        started = time.perf_counter()
        for seq in range(2, 2 + args.commands):
            store.append("s", record | {"seq": seq, "message": {"type": "x" * 200}}, "lobby", None)
        result[mode]["log_appends_per_second"] = round(
            args.commands / (time.perf_counter() - started)
        )
        store.close()
    return result


async def concurrent_commands(url: str, args: argparse.Namespace) -> dict[str, Any]:
    """``--clients`` facilitators of as many sessions, each sending ``extend`` round trips
    one at a time, all at once: acknowledged commands a second of the whole server."""
    facilitators, players = [], []
    for n in range(args.clients):
        ws, created = await _hello(url, {"type": "create_session", "seed": n})
        join = {"type": "join", "code": created["code"], "team": "T", "name": "P"}
        players.append((await _hello(url, join))[0])
        for kind in ("start", "open_round"):
            assert (await request(ws, {"type": kind, "id": kind}))["type"] == "ack"
        facilitators.append(ws)
    each = max(1, args.commands // args.clients)
    times: list[float] = []

    async def one(n: int, ws: ClientConnection) -> None:
        for k in range(each):
            begun = time.perf_counter()
            reply = await request(ws, {"type": "extend", "id": f"c{n}-{k}", "seconds": 1})
            assert reply["type"] == "ack", reply
            times.append(1000 * (time.perf_counter() - begun))

    started = time.perf_counter()
    await asyncio.gather(*(one(n, ws) for n, ws in enumerate(facilitators)))
    elapsed = time.perf_counter() - started
    for ws in (*facilitators, *players):
        await ws.close()
    return _summary(times) | {
        "clients": args.clients,
        "commands": each * args.clients,
        "per_second": round(each * args.clients / elapsed),
    }


class Killable:
    """``clusterboard serve`` on a fixed port and database, killed and started again."""

    def __init__(self, work: Path, resolve_delay: float) -> None:
        self.work, self.db = work, work / "k.db"
        self.resolve_delay = resolve_delay
        self.port = 0
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0

    async def start(self) -> None:
        log = self.work / f"server-{self.starts}.log"
        self.starts += 1
        self.process, self.port = await start_server(
            self.db,
            log,
            *("--rate", "1000000", "--resolve-delay", str(self.resolve_delay)),
            *("--port", str(self.port)) if self.port else (),
        )

    async def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        await self.process.wait()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"


class Tracking(Client):
    """A client that remembers every acknowledged request: its id, its seq."""

    def __init__(self, url: str) -> None:
        super().__init__(url, backoff=(0.05, 0.3), open_timeout=5.0)
        self.acked: dict[str, int] = {}

    async def request(self, message: dict[str, Any], timeout: float = 60.0) -> dict[str, Any]:
        reply = await super().request(message, timeout)
        if reply.get("type") == "ack":
            self.acked[reply["reply_to"]] = reply["seq"]
        return reply


async def one_game(server: Killable, seed: int, rounds: int) -> tuple[list[str], list[Tracking]]:
    from cli.bot import decide

    facilitator = Tracking(server.url)
    create = {"type": "create_session", "seed": seed, "rounds": rounds}
    code = (await first(facilitator, create))["code"]
    players = [Tracking(server.url) for _ in range(3)]
    for n, player in enumerate(players):
        await first(player, {"type": "join", "code": code, "team": f"Team {n}", "name": f"P{n}"})
    await facilitator.send("start")
    for round_no in range(1, rounds + 1):
        await facilitator.send("open_round")
        await facilitator.send("extend", seconds=30)
        for n, player in enumerate(players):
            state = await player.wait_for(
                lambda c, r=round_no: (
                    c.team_state
                    and c.phase in ("decisions", "paused")
                    and c.team_state["view"]["round"] == r
                    and c.team_state
                ),
                timeout=120,
            )
            decisions = decide(state, ("member_first", "random", "passive")[n], seed=n)
            await player.submit(decisions, round=round_no)
        await facilitator.wait_for(
            lambda c, r=round_no: (
                c.facilitator_state
                and c.facilitator_state["timer"]["round"] == r
                and c.facilitator_state["timer"]["phase"] in ("results", "finished")
            ),
            timeout=120,
        )
    hashes = list(facilitator.facilitator_state["state_hashes"])
    clients = [facilitator, *players]
    for client in clients:
        await client.close()
    return hashes, clients


async def first(client: Tracking, message: dict[str, Any]) -> dict[str, Any]:
    """Send a first message until it is answered, always under the same id (so once)."""
    message = {"protocol": 1, "id": f"{client._prefix}-first"} | message
    for _ in range(100):
        try:
            await client._open()
            welcome = await client.request(message, timeout=10)
        except (OSError, TimeoutError, ConnectionClosed):
            await client.close()
            client._closing = False
            await asyncio.sleep(0.3)
            continue
        client.welcome, client.token = welcome, welcome.get("token")
        return welcome
    raise RuntimeError("no server answered")


async def kills(args: argparse.Namespace) -> dict[str, Any]:
    """Play the same game again and again while the server is SIGKILLed at random."""
    rng = random.Random(args.seed)
    clean = Killable(Path(tempfile.mkdtemp(prefix="clusterboard-clean-")), args.resolve_delay)
    await clean.start()
    reference, _ = await one_game(clean, 11, args.rounds)
    await stop_server(clean.process)  # type: ignore[arg-type]
    server = Killable(Path(tempfile.mkdtemp(prefix="clusterboard-kills-")), args.resolve_delay)
    await server.start()
    killed = 0
    failed_starts: list[int] = []
    stop = asyncio.Event()

    async def killer() -> None:
        nonlocal killed
        while not stop.is_set():
            await asyncio.sleep(rng.uniform(0.2, 1.5))
            if stop.is_set():
                return
            await server.kill()
            killed += 1
            for _attempt in range(5):  # a start that does not come up is tried again
                try:
                    await server.start()
                    break
                except RuntimeError:
                    failed_starts.append(server.starts)

    task = asyncio.create_task(killer())
    games, equal, clients = 0, 0, []
    started = time.perf_counter()
    while killed < args.kills:
        hashes, players = await one_game(server, 11, args.rounds)
        games += 1
        equal += hashes == reference
        clients += players
    stop.set()
    await task
    await stop_server(server.process)  # type: ignore[arg-type]
    with sqlite3.connect(server.db) as db:
        rows = db.execute("SELECT session_id, seq, command FROM events").fetchall()
    logged: collections.Counter[tuple[str, str, str]] = collections.Counter()
    seq_of: dict[str, int] = {}
    for session_id, seq, text in rows:
        record = json.loads(text)
        mid = record["message"].get("id")
        if mid is not None:
            logged[(session_id, record.get("actor"), mid)] += 1
            seq_of[mid] = seq
    acked = sum(len(c.acked) for c in clients)
    missing = sum(1 for c in clients for mid, seq in c.acked.items() if seq_of.get(mid) != seq)
    return {
        "kills": killed,
        "games": games,
        "games_equal_to_the_clean_run": equal,
        "acknowledged_commands": acked,
        "acknowledged_but_not_in_the_log_at_their_seq": missing,
        "ids_logged_more_than_once": sum(1 for n in logged.values() if n > 1),
        "seconds": round(time.perf_counter() - started, 1),
        "starts_that_did_not_come_up": failed_starts,
    }


async def _hello(url: str, message: dict[str, Any]) -> tuple[ClientConnection, dict[str, Any]]:
    ws = await connect(url, max_size=None)
    return ws, await request(ws, {"protocol": 1, "id": "h"} | message)


def _health(port: int) -> dict[str, Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=10) as response:
        return json.load(response)


def _fsyncs(trace: Path | None) -> int:
    if trace is None or not trace.exists():
        return 0
    lines = trace.read_text().splitlines()
    return sum(1 for line in lines if "sync(" in line and "resumed>" not in line)


def _summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median": round(statistics.median(ordered), 2),
        "p99": round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 2),
        "samples": len(ordered),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    fuzz_parser = commands.add_parser("fuzz")
    fuzz_parser.add_argument("--messages", type=int, default=100_000)
    fuzz_parser.add_argument("--rebuild", type=int, default=20_000)
    fuzz_parser.add_argument("--seed", type=int, default=1)
    crowd_parser = commands.add_parser("readers")
    crowd_parser.add_argument("--clients", type=int, default=1000)
    crowd_parser.add_argument("--seconds", type=float, default=60.0)
    kill_parser = commands.add_parser("kills")
    kill_parser.add_argument("--kills", type=int, default=100)
    kill_parser.add_argument("--rounds", type=int, default=6)
    kill_parser.add_argument("--resolve-delay", type=float, default=0.3)
    kill_parser.add_argument("--seed", type=int, default=1)
    sync_parser = commands.add_parser("sync")
    sync_parser.add_argument("--commands", type=int, default=300)
    sync_parser.add_argument("--clients", type=int, default=20, help="concurrent sessions")
    sync_parser.add_argument("--strace", action="store_true", help="count the fsyncs (strace)")
    args = parser.parse_args()
    run = {"fuzz": fuzz, "readers": readers, "sync": sync_cost, "kills": kills}[args.command]
    try:
        result = asyncio.run(run(args))
    finally:  # a run that failed part-way leaves no server behind (nor its workers)
        for process in STARTED:
            if process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process.pid, signal.SIGKILL)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
