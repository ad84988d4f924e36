"""Every failure of the hardening issue, tried on the code it was found in and on today's.

    python benchmarks/hardening_baseline.py [--old dd8872f] [--new HEAD] [--only NAME ...]

It makes a git worktree of each commit in a temporary directory and installs
each into its own virtual environment (``python -m venv``, ``pip install -e``;
pip may fetch the dependencies). Each case
starts ``clusterboard serve`` of that commit as a subprocess on 127.0.0.1 (port 0)
and speaks the raw protocol to it over a plain websocket, as a user or an
attacker would; the damaged-database, read-only, disk-full and SIGTERM cases act
on the server's files and process from outside. A case *passes* when the server
keeps the promise the issue asks for; the table shows what each commit did.

How the harder conditions are made:
- a full disk: the server's file-size limit is lowered to 1 byte with prlimit(2)
  (RLIMIT_FSIZE: every write to its files fails, as on a full disk; Python ignores
  SIGXFSZ), then raised again, with the server running;
- a read-only database: the file made read-only (its folder is not), and the server
  run without the capability to override file modes (``setpriv``: root ignores them);
- idle sockets: the server started with 128 file descriptors (RLIMIT_NOFILE), and
  150 websocket connections that never say hello;
- fsync: the server run under ``strace -f -e trace=fsync,fdatasync``.

The old protocol takes the same messages; the only difference the drivers need:
the new server runs with a host key (CLUSTERBOARD_HOST_KEY, as a public server
would) and its facilitator sends ``host_key`` with ``create_session``, a field the
old server refuses (it has no host key at all). Everything is removed at the end
(``--keep`` keeps the temporary directory).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

ROOT = Path(__file__).resolve().parents[1]
HOST_KEY = "baseline-host-key-5c1e"
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
LONE = "\\ud800"  # a JSON escape: valid JSON, not well-formed Unicode
FAST = ("--rate", "1000000")
Row = tuple[str, bool, str]  # the failure, kept the promise, what was seen


# ---------------------------------------------------------------- servers


@dataclass
class Side:
    name: str
    commit: str
    argv: list[str]  # runs ``clusterboard``
    cwd: Path
    work: Path
    create_extra: dict[str, Any] = field(default_factory=dict)

    def db(self, name: str) -> Path:
        return self.work / f"{name}.db"


class Serving:
    """One ``clusterboard serve`` subprocess, its port and its stderr."""

    def __init__(self, side: Side, db: Path, *extra: str, **options: Any) -> None:
        self.side, self.db, self.extra, self.options = side, db, extra, options
        self.lines: list[str] = []
        self.port = 0
        self.process: asyncio.subprocess.Process | None = None
        self.reader: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Serving:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.stop()

    async def start(self) -> None:
        """Start and wait for "listening"; raise Exited if the server stops first."""
        argv = [*self.side.argv, "serve", "--port", "0", "--db", str(self.db), *self.extra]
        strace = self.options.get("strace")
        if strace:
            argv = ["strace", "-f", "-qq", "-e", "trace=fsync,fdatasync", "-o", str(strace), *argv]
        if self.options.get("no_override"):  # root, without the right to ignore file modes
            argv = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--", *argv]
        nofile = self.options.get("nofile")

        def limit() -> None:
            if nofile:
                resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

        env = os.environ | {"CLUSTERBOARD_HOST_KEY": HOST_KEY, "PYTHONUNBUFFERED": "1"}
        env.pop("PYTHONPATH", None)
        self.lines = []
        self.process = await asyncio.create_subprocess_exec(
            *argv,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
            cwd=self.side.cwd,
            env=env,
            preexec_fn=limit,
        )
        self.reader = asyncio.create_task(self._read(self.process))
        until = time.monotonic() + 60
        while time.monotonic() < until:
            for line in self.lines:
                if '"listening"' in line:
                    self.port = json.loads(line)["port"]
                    return
            if self.process.returncode is not None:
                await self.reader
                raise Exited(self.process.returncode, self.text())
            await asyncio.sleep(0.05)
        await self.stop(signal.SIGKILL)
        raise RuntimeError(f"{self.side.name}: the server did not start: {self.text()[-300:]}")

    async def _read(self, process: asyncio.subprocess.Process) -> None:
        assert process.stderr is not None
        while line := await process.stderr.readline():
            self.lines.append(line.decode(errors="replace").rstrip("\n"))
        await process.wait()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        """The server's process (under strace: strace's child)."""
        assert self.process is not None
        if not self.options.get("strace"):
            return self.process.pid
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return int(children[0])

    async def stop(self, sig: int = signal.SIGTERM) -> int | None:
        if self.process is None or self.process.returncode is not None:
            return self.process.returncode if self.process else None
        with contextlib.suppress(ProcessLookupError, IndexError, FileNotFoundError):
            os.kill(self.pid, sig)
        try:
            await asyncio.wait_for(self.process.wait(), 20)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        if self.reader is not None:
            await self.reader
        return self.process.returncode

    def text(self) -> str:
        return "\n".join(self.lines)

    def tracebacks(self) -> int:
        return self.text().count("Traceback")


class Exited(Exception):
    def __init__(self, code: int, text: str) -> None:
        super().__init__(code, text)
        self.code, self.text = code, text


# ---------------------------------------------------------------- the protocol


async def request(ws: ClientConnection, message: dict[str, Any] | str, timeout: float = 10) -> Any:
    """Send; return the reply echoing the id (or an error with no reply_to), or what
    happened instead: "no reply in N s" or "closed CODE"."""
    if isinstance(message, dict):
        mid, text = message.get("id"), json.dumps(message)
    else:
        mid, text = message_id(message), message
    try:
        await ws.send(text)
        return await reply_to(ws, mid, timeout)
    except ConnectionClosed:
        return f"closed {ws.close_code}"


async def reply_to(ws: ClientConnection, mid: str | None, timeout: float = 10) -> Any:
    until = time.monotonic() + timeout
    try:
        while True:
            left = until - time.monotonic()
            if left <= 0:
                return f"no reply in {timeout:g} s"
            try:
                reply = json.loads(await asyncio.wait_for(ws.recv(), left))
            except TimeoutError:
                return f"no reply in {timeout:g} s"
            if reply["type"] in ("labels", "briefing"):
                continue
            if reply["type"] == "error" and reply.get("reply_to") is None:
                return reply
            if mid is not None and reply.get("reply_to") == mid:
                return reply
    except ConnectionClosed:
        return f"closed {ws.close_code}"


def message_id(text: str) -> str | None:
    try:
        data = json.loads(text, parse_int=lambda _: 0)
    except ValueError:
        return None
    mid = data.get("id") if isinstance(data, dict) else None
    return None if not isinstance(mid, str) or any("\ud800" <= c <= "\udfff" for c in mid) else mid


def said(reply: Any) -> str:
    """A reply in a few words."""
    if isinstance(reply, str):
        return reply
    if reply["type"] == "error":
        return f"error {reply['code']}"
    return reply["type"]


def is_error(reply: Any, code: str | None = None) -> bool:
    return isinstance(reply, dict) and reply["type"] == "error" and code in (None, reply["code"])


async def hello(url: str, message: dict[str, Any]) -> tuple[ClientConnection, Any]:
    ws = await connect(url, max_size=None, open_timeout=10)
    return ws, await request(ws, {"protocol": 1, "id": "hello"} | message)


async def create(side: Side, url: str, **config: Any) -> tuple[ClientConnection, dict[str, Any]]:
    ws, welcome = await hello(url, {"type": "create_session"} | config | side.create_extra)
    if not isinstance(welcome, dict) or welcome["type"] != "welcome":
        raise RuntimeError(f"create_session: {said(welcome)}")
    return ws, welcome


@dataclass
class Table:
    facilitator: ClientConnection
    created: dict[str, Any]
    north: ClientConnection
    south: ClientConnection
    welcomes: dict[str, dict[str, Any]]

    async def close(self) -> None:
        for ws in (self.facilitator, self.north, self.south):
            await ws.close()


async def table(side: Side, url: str, open_round: bool = True, **config: Any) -> Table:
    """A facilitator and two teams' players, in round 1's decisions."""
    facilitator, created = await create(side, url, seed=4, **config)
    code = created["code"]
    north, n = await hello(url, {"type": "join", "code": code, "team": "North", "name": "Ana"})
    south, s = await hello(url, {"type": "join", "code": code, "team": "South", "name": "Bo"})
    for kind in ("start", "open_round") if open_round else ("start",):
        reply = await request(facilitator, {"type": kind, "id": kind})
        if said(reply) != "ack":
            raise RuntimeError(f"{kind}: {said(reply)}")
    return Table(facilitator, created, north, south, {"north": n, "south": s})


async def phase(ws: ClientConnection) -> str:
    view = await request(ws, {"type": "get_view", "id": f"p{time.monotonic()}"})
    return view["timer"]["phase"] if isinstance(view, dict) and "timer" in view else said(view)


def health(port: int) -> str:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as response:
            return json.load(response)["status"]
    except OSError as error:
        return f"no answer ({type(error).__name__})"


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def established(port: int) -> int:
    """Server-side TCP connections on ``port`` still established (from /proc/net/tcp)."""
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        if int(local.split(":")[1], 16) == port and state == "01":
            count += 1
    return count


def one_line(text: str, path: Path) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    first = lines[0][:110] if lines else "(nothing)"
    named = "names the file" if str(path) in text else "does not name the file"
    shape = "a traceback" if "Traceback" in text else f"{len(lines)} line(s)"
    return f"{shape}, {named}: {first!r}"


# ---------------------------------------------------------------- the cases

SURROGATES = {
    "funding.apply": '{"funding":{"apply":["@@"]}}',
    "funding.revenue_lines": '{"funding":{"revenue_lines":["@@"]}}',
    "strategy.focus_areas": '{"strategy":{"focus_areas":["@@"]}}',
    "responses key": '{"responses":{"@@":"a"}}',
    "responses value": '{"responses":{"card":"x@@"}}',
}


async def surrogates(side: Side) -> list[Row]:
    rows = []
    async with Serving(side, side.db("surrogates"), *FAST) as server:
        for where, changes in SURROGATES.items():
            t = await table(side, server.url)
            before = server.tracebacks()
            frame = '{"type":"edit_draft","id":"h","round":1,"changes":' + changes + "}"
            answer = await request(t.north, frame.replace("@@", LONE), timeout=5)
            other = await request(t.south, {"type": "get_view", "id": "v"}, timeout=5)
            alive = isinstance(other, dict) and other["type"] == "team_state"
            seen = f"{said(answer)}; the other team's get_view: {said(other)}"
            if not alive:
                seen += f"; /health says {await asyncio.to_thread(health, server.port)}"
            if logged := server.tracebacks() - before:
                seen += f"; tracebacks logged: {logged}"
            ok = is_error(answer, "bad_message") and alive and not logged
            rows.append((f"lone surrogate in {where}", ok, seen))
            await t.close()
        t = await table(side, server.url)
        answer = await request(t.facilitator, '{"type":"get_view","id":"@@"}'.replace("@@", LONE))
        after = await request(t.facilitator, {"type": "get_view", "id": "after"})
        ok = is_error(answer) and said(after) == "facilitator_state"
        rows.append(("lone surrogate in id", ok, f"{said(answer)}; then get_view: {said(after)}"))
        before = server.tracebacks()
        digits = '{"type":"get_view","id":"n1","x":' + "9" * 4301 + "}"
        answer = await request(t.south, digits)
        after = await request(t.south, {"type": "get_view", "id": "after"})
        logged = server.tracebacks() - before
        ok = is_error(answer) and said(after) == "team_state" and not logged
        seen = f"{said(answer)}; then get_view: {said(after)}; tracebacks logged: {logged}"
        rows.append(("an integer of 4,301 digits", ok, seen))
        await t.close()
    return rows


async def never_reading(side: Side, seconds: float, clients: int = 40) -> list[Row]:
    """The seat's other connections ask for their view 20 times a second (the rate
    limit) and never read a reply, while a teammate edits the draft 20 times a second
    (a draft of about 12 KB: 100 event responses of 100 characters, new each time)
    The server's default ping (every 20 s, 20 s to answer) is kept."""
    async with Serving(side, side.db("readers")) as server:
        t = await table(side, server.url)
        token = t.welcomes["north"]["token"]
        start = rss_mib(server.pid)
        crowd = []
        for _ in range(clients):  # the same seat, resumed again and again, never read
            ws, _ = await hello(server.url, {"type": "resume", "token": token})
            sock = ws.transport.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            ws.transport.pause_reading()
            crowd.append(ws)

        async def ask(ws: ClientConnection) -> None:
            with contextlib.suppress(ConnectionClosed, OSError):
                for n in range(int(seconds * 20)):
                    await ws.send(json.dumps({"type": "get_view", "id": f"v{n}"}))
                    await asyncio.sleep(0.05)

        askers = [asyncio.create_task(ask(ws)) for ws in crowd]
        peak, edits = start, 0
        until = time.monotonic() + seconds
        while time.monotonic() < until:  # a teammate edits: every edit goes to the seat
            responses = {f"card{k}": f"{edits}-{'x' * 100}" for k in range(100)}
            edit = {"type": "edit_draft", "id": f"e{edits}", "round": 1}
            await request(t.north, edit | {"changes": {"responses": responses}})
            edits += 1
            peak = max(peak, rss_mib(server.pid))
            await asyncio.sleep(0.05)
        for task in askers:
            task.cancel()
        left = established(server.port) - 3  # the table's own three connections
        for ws in crowd:
            ws.transport.abort()
        await t.close()
    grown = peak - start
    seen = (
        f"RSS {start:.0f} -> peak {peak:.0f} MiB (+{grown:.0f}) in {seconds:g} s; "
        f"{left} of {clients} never-reading sockets open at the end"
    )
    return [(f"{clients} never-reading clients of one seat", grown < 100, seen)]


async def anonymous_creates(side: Side) -> list[Row]:
    db = side.db("slots")
    async with Serving(side, db, "--max-sessions", "10") as server:
        accepted = 0
        for n in range(10):
            ws, reply = await hello(server.url, {"type": "create_session", "seed": n})
            accepted += said(reply) == "welcome"
            await ws.close()
    async with Serving(side, db, "--max-sessions", "10") as server:
        ws, reply = await hello(server.url, {"type": "create_session"} | side.create_extra)
        await ws.close()
    seen = f"{accepted} of 10 anonymous create_session accepted; after a restart the "
    seen += f"facilitator's own: {said(reply)}"
    return [("anonymous create_session filling the slots", not accepted and said(reply) ==
             "welcome", seen)]  # fmt: skip


async def code_guessing(side: Side, guesses: int = 200) -> list[Row]:
    async with Serving(side, side.db("guess")) as server:
        facilitator, created = await create(side, server.url)
        length = len(created["code"])
        rng = random.Random(1)
        answered = refused = 0
        started = time.monotonic()
        for _ in range(guesses):  # a new connection for every guess
            code = "".join(rng.choice(ALPHABET) for _ in range(length))
            try:
                ws, reply = await hello(
                    server.url, {"type": "join", "code": code, "team": "X", "name": "Eve"}
                )
                await ws.close()
            except (OSError, InvalidHandshake, TimeoutError):
                reply = "refused"
            if is_error(reply, "not_found"):
                answered += 1
            else:
                refused += 1
        elapsed = time.monotonic() - started
        await facilitator.close()
    seen = f"{answered} of {guesses} guesses answered 'not_found' ({answered / elapsed:.0f}/s), "
    seen += f"{refused} refused; a new connection for every guess"
    return [("join-code guessing across reconnects", answered <= 20, seen)]


async def idle_sockets(side: Side, count: int = 150) -> list[Row]:
    async with Serving(side, side.db("idle"), nofile=128) as server:
        idle = []
        for _ in range(count):
            try:
                idle.append(await connect(server.url, open_timeout=3))
            except (OSError, InvalidHandshake, TimeoutError):
                break
        opened = len(idle)
        await asyncio.sleep(15)  # the hello deadline is 10 s
        still = sum(1 for ws in idle if ws.close_code is None)
        status = await asyncio.to_thread(health, server.port)
        try:
            ws, reply = await asyncio.wait_for(
                hello(server.url, {"type": "create_session"} | side.create_extra), 10
            )
            await ws.close()
        except (OSError, InvalidHandshake, TimeoutError) as error:
            reply = f"cannot connect ({type(error).__name__})"
        for ws in idle:
            ws.transport.abort()
    seen = f"{opened} silent sockets opened (server limited to 128 descriptors); after 15 s "
    seen += f"{still} still open, /health: {status}, a facilitator's create: {said(reply)}"
    ok = still == 0 and status == "ok" and said(reply) == "welcome"
    return [("idle sockets that never say hello", ok, seen)]


async def finished_after_restart(side: Side) -> list[Row]:
    db = side.db("finished")
    async with Serving(side, db) as server:
        t = await table(side, server.url, rounds=1)
        for n, ws in enumerate((t.north, t.south)):
            await request(ws, {"type": "submit", "id": f"s{n}", "round": 1})
        for _ in range(100):
            now = await phase(t.facilitator)
            if now == "finished":
                break
            if now == "results":
                await request(t.facilitator, {"type": "end_game", "id": "end"})
            await asyncio.sleep(0.2)
        await t.close()
    if now != "finished":
        return [("a finished session after a restart", False, f"did not finish: {now}")]
    async with Serving(side, db) as server:
        answers = {}
        for who, message in (
            ("facilitator", {"type": "resume", "token": t.created["token"]}),
            ("player", {"type": "resume", "token": t.welcomes["north"]["token"]}),
            ("spectator", {"type": "spectate", "code": t.created["code"]}),
        ):
            ws, reply = await hello(server.url, message)
            if said(reply) == "welcome":
                view = await request(ws, {"type": "get_view", "id": "v"})
                ok = isinstance(view, dict) and view.get("timer", {}).get("phase") == "finished"
                reply = "welcome, finished view" if ok else f"welcome, then {said(view)}"
            answers[who] = said(reply)
            await ws.close()
    seen = ", ".join(f"{who}: {answer}" for who, answer in answers.items())
    ok = all(a == "welcome, finished view" for a in answers.values())
    return [("a finished session after a restart", ok, seen)]


async def disk_full(side: Side) -> list[Row]:
    async with Serving(side, side.db("full"), *FAST) as server:
        t = await table(side, server.url)
        edit = {"type": "edit_draft", "round": 1, "changes": {}}
        first = await request(t.north, edit | {"id": "before"})
        resource.prlimit(server.pid, resource.RLIMIT_FSIZE, (1, resource.RLIM_INFINITY))
        during = await request(t.north, edit | {"id": "during"}, timeout=5)
        resource.prlimit(
            server.pid, resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY)
        )
        await asyncio.sleep(3)  # space is back
        player, resumed = t.north, "the same connection, an edit"
        if t.north.close_code is not None:
            player, welcome = await hello(
                server.url, {"type": "resume", "token": t.welcomes["north"]["token"]}
            )
            resumed = f"a resume: {said(welcome)}, an edit"
        after = await request(player, edit | {"id": "after"}, timeout=5)
        status = await asyncio.to_thread(health, server.port)
        closed = t.north.close_code
        await player.close()
        await t.close()
    seen = f"before: {said(first)}; disk full: {said(during)}"
    seen += f" (connection closed {closed})" if closed else ""
    seen += f"; space back, {resumed}: {said(after)}; /health: {status}"
    ok = said(first) == "ack" and is_error(during) and said(after) == "ack" and status == "ok"
    return [("a full disk, then space again (no restart)", ok, seen)]


async def resent_first_messages(side: Side) -> list[Row]:
    async with Serving(side, side.db("resent")) as server:
        create_ = {"type": "create_session", "id": "create-7f3a9c2e41", "seed": 2}
        create_ |= side.create_extra
        lost, first = await hello(server.url, create_)
        await lost.close()  # the answer is lost: the console sends it again
        again_ws, again = await hello(server.url, create_)
        await again_ws.close()
        same_session = said(again) == "welcome" and again["session"] == first["session"]
        join = {"type": "join", "id": "join-5d1e0b77aa", "code": first["code"]}
        join |= {"team": "North", "name": "Ana"}
        lost, _ = await hello(server.url, join)
        await lost.close()
        player, _ = await hello(server.url, join)
        await player.close()
        facilitator, _ = await hello(server.url, {"type": "resume", "token": first["token"]})
        view = await request(facilitator, {"type": "get_view", "id": "v"})
        players = [p["name"] for team in view["teams"] for p in team["players"]]
        await facilitator.close()
    created = "the same session" if same_session else "a second session"
    if said(again) != "welcome":
        created = said(again)
    seen = f"the resent create_session made {created}"
    joins = f"after the resent join the team has {len(players)} player(s): {players}"
    return [
        ("create_session resent with the same id", same_session, seen),
        ("join resent with the same id", len(players) == 1, joins),
    ]


async def resent_after_commands(side: Side, others: int = 600) -> list[Row]:
    async with Serving(side, side.db("later"), *FAST) as server:
        t = await table(side, server.url)
        edit = {"type": "edit_draft", "id": "keep", "round": 1, "changes": {}}
        first = await request(t.north, edit)
        for n in range(others):
            await request(t.north, edit | {"id": f"e{n}"})
        again = await request(t.north, edit)
        view = await request(t.north, {"type": "get_view", "id": "v"})
        await t.close()
    once = isinstance(again, dict) and again.get("seq") == first.get("seq")
    version = view.get("draft_version") if isinstance(view, dict) else said(view)
    seen = f"first ack seq {first.get('seq')}, resent after {others} others: seq "
    seen += f"{again.get('seq') if isinstance(again, dict) else said(again)}; "
    seen += f"draft version {version} after {others + 1} edits"
    return [(f"a command resent after {others} others", once and version == others + 1, seen)]


async def fsync_default(side: Side, commands: int = 100) -> list[Row]:
    trace = side.work / "fsync.trace"
    async with Serving(side, side.db("fsync"), *FAST, strace=trace) as server:
        t = await table(side, server.url)
        await asyncio.sleep(0.5)
        before = count_fsyncs(trace)
        for n in range(commands):
            await request(t.north, {"type": "edit_draft", "id": f"e{n}", "round": 1, "changes": {}})
        await asyncio.sleep(0.5)
        done = count_fsyncs(trace) - before
        await t.close()
    seen = f"{done} fsync/fdatasync calls for {commands} acknowledged edits (default flags)"
    return [("an acknowledgement is fsynced by default", done >= commands, seen)]


def count_fsyncs(trace: Path) -> int:
    text = trace.read_text() if trace.exists() else ""
    return sum(1 for line in text.splitlines() if "sync(" in line and "resumed>" not in line)


async def read_only(side: Side) -> list[Row]:
    folder = side.work / "readonly"
    folder.mkdir()
    db = folder / "r.db"
    async with Serving(side, db) as server:
        ws, _ = await create(side, server.url)
        await ws.close()
    db.chmod(0o444)  # the file, not its folder (SQLite may still make its -wal and -shm)
    server = Serving(side, db, no_override=True)
    try:
        await server.start()
    except Exited as exited:
        seen = f"refused to start (exit {exited.code}): {one_line(exited.text, db)}"
        ok = exited.code != 0 and "Traceback" not in exited.text and str(db) in exited.text
        return [("a read-only database", ok, seen)]
    ws, reply = await hello(server.url, {"type": "create_session"} | side.create_extra)
    await ws.close()
    status = await asyncio.to_thread(health, server.port)
    await server.stop()
    seen = f"started; create_session: {said(reply)}; /health: {status}"
    return [("a read-only database", False, seen)]


async def corrupt(side: Side) -> list[Row]:
    db = side.db("corrupt")
    db.write_bytes(b"this is not a database, " * 400)
    server = Serving(side, db)
    try:
        await server.start()
    except Exited as exited:
        ok = "Traceback" not in exited.text and str(db) in exited.text
        lines = len([line for line in exited.text.splitlines() if line.strip()])
        ok = ok and lines == 1
        return [("a corrupt database file", ok, f"exit {exited.code}: {one_line(exited.text, db)}")]
    await server.stop()
    return [("a corrupt database file", False, "started on a corrupt file")]


async def bad_event(side: Side) -> list[Row]:
    db = side.db("badrow")
    async with Serving(side, db) as server:
        sessions = []
        for seed in (1, 2):
            facilitator, created = await create(side, server.url, seed=seed)
            code = created["code"]
            ws, _ = await hello(
                server.url, {"type": "join", "code": code, "team": "A", "name": "B"}
            )
            sessions.append(created)
            await ws.close()
            await facilitator.close()
    bad, good = sessions
    with sqlite3.connect(db) as connection:
        connection.execute(
            'UPDATE events SET command = \'{"seq": 2, "now"\' WHERE session_id = ? AND seq = 2',
            (bad["session"],),
        )
    server = Serving(side, db)
    try:
        await server.start()
    except Exited as exited:
        named = bad["session"] in exited.text and "seq 2" in exited.text
        traced = "a traceback" if "Traceback" in exited.text else "no traceback"
        seen = f"the server stopped at start (exit {exited.code}), {traced}, "
        seen += "names session and seq" if named else "names neither session nor seq"
        return [("one bad event row", False, seen)]
    ws, reply = await hello(server.url, {"type": "spectate", "code": good["code"]})
    await ws.close()
    named = bad["session"] in server.text() and "seq 2" in server.text()
    await server.stop()
    seen = f"started; the other session: {said(reply)}; the log names the bad session and "
    seen += f"seq: {'yes' if named else 'no'}"
    return [("one bad event row", said(reply) == "welcome" and named, seen)]


async def sigterm(side: Side) -> list[Row]:
    server = Serving(side, side.db("term"))
    await server.start()
    t = await table(side, server.url)
    code = await server.stop(signal.SIGTERM)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(t.north.wait_closed(), 10)
    closed = t.north.close_code
    await t.close()
    seen = f"exit code {code}; a player's connection closed with {closed}"
    return [("SIGTERM", code == 0 and closed == 1012, seen)]


async def removed_players(side: Side) -> list[Row]:
    async with Serving(side, side.db("removed")) as server:
        t = await table(side, server.url, round_seconds=3600)
        await request(t.north, {"type": "submit", "id": "s", "round": 1})
        bo = t.welcomes["south"]["player"]
        reply = await request(t.facilitator, {"type": "remove_player", "id": "r", "player": bo})
        now = "decisions"
        for _ in range(50):  # 10 s, of an hour's timer
            now = await phase(t.facilitator)
            if now != "decisions":  # closed without the removed team: resolving, then results
                break
            await asyncio.sleep(0.2)
        await t.close()
    seen = f"remove_player: {said(reply)}; within 10 s (timer 1 h) the round went to: {now}"
    return [("a team whose players were all removed", now in ("resolving", "results"), seen)]


CASES: dict[str, Callable[[Side], Awaitable[list[Row]]]] = {
    "surrogates": surrogates,
    "readers": lambda side: never_reading(side, ARGS.reader_seconds),
    "creates": anonymous_creates,
    "guessing": code_guessing,
    "idle": idle_sockets,
    "finished": finished_after_restart,
    "disk": disk_full,
    "resent": resent_first_messages,
    "later": resent_after_commands,
    "fsync": fsync_default,
    "readonly": read_only,
    "corrupt": corrupt,
    "badrow": bad_event,
    "sigterm": sigterm,
    "removed": removed_players,
}
ARGS = argparse.Namespace(reader_seconds=30.0)


# ---------------------------------------------------------------- the run


def git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def prepare(base: Path, old: str, new: str) -> tuple[Side, Side]:
    """A worktree and a virtual environment per commit, each installed from its tree."""
    sides = []
    for name, ref in (("old", old), ("new", new)):
        tree, venv, work = base / name, base / f"{name}-venv", base / f"{name}-data"
        git("worktree", "add", "--detach", str(tree), ref)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        print(f"installing {ref} into {venv} ...", file=sys.stderr, flush=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", "-e", str(tree)], check=True, timeout=900
        )
        work.mkdir()
        commit = git("rev-parse", "--short", ref)
        extra = {"host_key": HOST_KEY} if name == "new" else {}
        sides.append(Side(name, commit, [str(venv / "bin" / "clusterboard")], tree, work, extra))
    return sides[0], sides[1]


async def run_case(name: str, side: Side, timeout: float) -> list[Row]:
    try:
        return await asyncio.wait_for(CASES[name](side), timeout)
    except TimeoutError:
        return [(name, False, f"the case did not finish in {timeout:g} s")]
    except Exception as error:  # reported in the table, not raised: the other cases go on
        return [(name, False, f"{type(error).__name__}: {str(error)[:150]}")]


async def run_all(old: Side, new: Side, names: list[str]) -> list[tuple[str, Row, Row]]:
    table_rows = []
    for name in names:
        print(f"{name} ...", file=sys.stderr, flush=True)
        olds = await run_case(name, old, 300)
        news = await run_case(name, new, 300)
        for a, b in zip(olds, news, strict=False):
            table_rows.append((a[0], a, b))
    return table_rows


def markdown(rows: list[tuple[str, Row, Row]], old: Side, new: Side) -> str:
    lines = [
        f"| failure (issue 12) | {old.commit} (when filed) | {new.commit} (today) |",
        "| --- | --- | --- |",
    ]
    for label, (_, old_ok, old_seen), (_, new_ok, new_seen) in rows:
        verdict = {True: "**passes**", False: "**fails**"}
        lines.append(f"| {label} | {verdict[old_ok]}: {old_seen} | {verdict[new_ok]}: {new_seen} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--old", default="dd8872f", help="the commit the issue was filed on")
    parser.add_argument("--new", default="HEAD", help="the commit to compare it with")
    parser.add_argument("--only", nargs="+", choices=list(CASES), default=list(CASES))
    parser.add_argument("--reader-seconds", type=float, default=30.0)
    parser.add_argument("--json", action="store_true", help="print the rows as JSON too")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    ARGS.reader_seconds = args.reader_seconds
    base = Path(tempfile.mkdtemp(prefix="clusterboard-baseline-"))
    try:
        old, new = prepare(base, args.old, args.new)
        started = time.monotonic()
        rows = asyncio.run(run_all(old, new, args.only))
        print(markdown(rows, old, new))
        print(f"\n{time.monotonic() - started:.0f} s of cases", file=sys.stderr)
        if args.json:
            print(json.dumps([{"case": r[0], "old": r[1][1:], "new": r[2][1:]} for r in rows]))
        kept = all(r[2][1] for r in rows)
        broke = all(not r[1][1] for r in rows)
        print(f"old fails every case: {broke}; new passes every case: {kept}", file=sys.stderr)
        return 0 if kept and broke else 1
    finally:
        if not args.keep:
            for name in ("old", "new"):
                with contextlib.suppress(subprocess.CalledProcessError):
                    git("worktree", "remove", "--force", str(base / name))
            shutil.rmtree(base, ignore_errors=True)
            with contextlib.suppress(subprocess.CalledProcessError):
                git("worktree", "prune")


if __name__ == "__main__":
    sys.exit(main())
