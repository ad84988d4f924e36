"""Load test: the class workload, played by many clients against one server on one core.

N participants in sessions of T teams of P players. Every session starts together;
in every round each player thinks a random 2-6 s, then the first P-1 players of a
team each edit their share of the shared draft (``edit_draft``) and the last one
submits it. A round resolves when every team has submitted; the facilitator opens
the next one as soon as it has the results. Figures, over the rounds only (the
joins before them are reported apart):

- latency from a session's last submission of a round to each player's results
  (the ``team_state`` of that round's results), median, p90, p99 and max;
- errors (refused requests, time-outs, reconnections, error frames);
- server CPU per participant-round, from ``/proc/PID/stat`` over the rounds: the
  server process and its resolution workers (``--workers``) together;
- server RSS and KiB per connection (the server process; its workers' RSS apart);
- bytes received per player and per facilitator per round (the payload of every
  frame, and what came over the socket);
- the server's own timings from its log (queue wait, the results step);
- in the same run, plain ``websockets.broadcast`` of a results-sized frame to as
  many connections, from a bare server pinned to the same core (the baseline).

The server runs pinned to one core (``taskset -c 0`` when there is one) and the
load generator on another; loopback only; the run stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.exceptions import ConnectionClosed

from cli.bot import decide
from game.decisions import top_fields
from protocol.client import Client, ServerError

MAX_PARTICIPANTS = 10_000
JOINS_AT_ONCE = 100  # joins in flight together, so connecting does not become a storm
RESULT_PHASES = ("results", "finished")
# Frames the workload never reads: with --lean (the default) a client counts them
# without parsing, so the load generator's one core goes further. Any other type,
# including one this file does not know, goes through the client library as usual.
UNREAD = frozenset({"public_state", "timer", "patch:public_state"})
TYPE = re.compile(rb'"type"\s*:\s*"([a-z_]+)"(?:\s*,\s*"view"\s*:\s*"([a-z_]+)")?')
CPUS = frozenset(os.sched_getaffinity(0))  # before the load generator pins itself


# ------------------------------------------------------------ the server process


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (the server's resolution workers)."""
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(c) for c in (task / "children").read_text().split()]
        return found
    except (OSError, ValueError):
        pass
    for entry in Path("/proc").iterdir():  # no /proc/PID/task/TID/children: scan
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                if int(_stat(int(entry.name))[1]) == pid:
                    found.append(int(entry.name))
    return found


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process and of every process it started: its live
    children (the resolution workers) and those it has waited for (/proc/PID/stat)."""
    fields = _stat(pid)
    ticks = sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    for child in children(pid):
        with contextlib.suppress(OSError, IndexError, ValueError):
            ticks += sum(int(f) for f in _stat(child)[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds(pid: int) -> float:
    """User plus system CPU time of the process alone (its event loop and threads)."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_rss_kib(pid: int) -> int:
    total = 0
    for child in children(pid):
        with contextlib.suppress(OSError, ValueError):
            total += rss_kib(child)
    return total


def runqueue_wait(pid: int) -> float:
    """Seconds the process's threads spent ready to run but waiting for a CPU (schedstat).

    Other work on the machine shows here: a server that waits for its core while it
    has work to do answers late, whatever its own code costs.
    """
    total = 0
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            total += int((task / "schedstat").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return float("nan")
    return total / 1e9


def pinning(cpu: int | None) -> tuple[list[str], str]:
    """The command prefix that pins a server to ``cpu``, and how it was pinned."""
    if cpu is None:
        return [], "not pinned"
    if cpu not in CPUS:
        raise ValueError(f"--server-cpu {cpu}: this process may not use CPU {cpu}")
    if shutil.which("taskset"):
        return ["taskset", "-c", str(cpu)], f"taskset -c {cpu}"
    return [], f"sched_setaffinity to CPU {cpu}"


def pin_generator(server_cpu: int | None) -> str:
    """Keep the load generator off the server's core; say where it runs."""
    allowed = set(CPUS)
    others = allowed - {server_cpu} if server_cpu is not None else allowed
    if server_cpu is not None and others:
        os.sched_setaffinity(0, others)
    return "CPU " + ",".join(str(c) for c in sorted(others or allowed))


async def start_process(
    arguments: list[str], log: Path, cpu: int | None = None
) -> tuple[asyncio.subprocess.Process, int]:
    """Start a Python server subprocess logging to a file; return it and its port."""
    prefix, _ = pinning(cpu)
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            *prefix, sys.executable, *arguments, stderr=output, stdout=output
        )
    if cpu is not None and not prefix:
        os.sched_setaffinity(process.pid, {cpu})
    for _ in range(300):
        await asyncio.sleep(0.1)
        for line in log.read_text(errors="replace").splitlines():
            if '"listening"' in line:
                return process, int(json.loads(line)["port"])
        if process.returncode is not None:
            break
    with contextlib.suppress(ProcessLookupError):
        process.kill()
    raise TimeoutError(f"the server did not start (see {log})")


async def stop_process(process: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError):
        process.terminate()
    try:
        await asyncio.wait_for(process.wait(), 30)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def server_timings(log: Path, since: float) -> dict[str, float]:
    """The server's own log, over the rounds: queue wait, and the results step per round.

    ``resolved`` is logged once a round is resolved, stored and sent; its ``step_ms`` is
    that whole step (from the start of the resolution's job), its ``ms`` the part spent
    on the server's loop, and ``job_ms`` the job itself (in a worker, with ``--workers``).
    A field naming the sending alone (``send_ms``, ``fanout_ms`` or ``deliver_ms``) is
    reported too when the server logs one.
    """
    waits, resolves, fanouts, loop_parts, jobs = [], [], [], [], []
    for line in log.read_text(errors="replace").splitlines():
        if not line.startswith("{"):
            continue
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if event.get("ts", 0) < since:
            continue
        if "wait_ms" in event:
            waits.append(event["wait_ms"])
        if event.get("event") == "resolved":
            # step_ms: from the start of the resolution's job (a worker's) to the views sent;
            # ms alone: the part on the server's loop (the whole step when it has no workers)
            resolves.append(event.get("step_ms", event.get("ms", float("nan"))))
            loop_parts.append(event.get("ms", float("nan")))
            if event.get("job_ms") is not None:
                jobs.append(event["job_ms"])
            for name in ("send_ms", "fanout_ms", "deliver_ms"):
                if name in event:
                    fanouts.append(event[name])
    timings = {
        "server_queue_wait_median_ms": percentile(waits, 0.5),
        "server_queue_wait_p99_ms": percentile(waits, 0.99),
        "server_results_step_median_ms": percentile(resolves, 0.5),
        "server_results_step_p99_ms": percentile(resolves, 0.99),
        "server_results_loop_median_ms": percentile(loop_parts, 0.5),
        "server_results_job_median_ms": percentile(jobs, 0.5),
    }
    if fanouts:
        timings["server_fanout_median_ms"] = percentile(fanouts, 0.5)
        timings["server_fanout_p99_ms"] = percentile(fanouts, 0.99)
    return timings


# ------------------------------------------------------------ a client that counts


class CountingClient(Client):
    """The project's client library, counting every frame it receives and stamping results."""

    def __init__(self, url: str, unread: frozenset[str] = UNREAD) -> None:
        super().__init__(url, backoff=(0.2, 2.0))
        self.unread = unread
        self.frames = 0
        self.payload_bytes = 0  # the frames' payloads
        self.wire_bytes = 0  # what came over the socket (frame headers, pings, compression)
        self.last_frame = 0
        self.kinds: Counter[str] = Counter()  # frames received, by type (a patch by its view)
        self.kinds_before: Counter[str] = Counter()  # those of the joins
        self.kind_bytes: Counter[str] = Counter()  # payload bytes received, by type
        self.kind_bytes_before: Counter[str] = Counter()
        self.error_frames: list[str] = []
        self.drafts: Counter[int] = Counter()  # "draft" messages seen per round
        self.results_at: dict[int, float] = {}  # round -> when its results arrived
        self.results_frame: dict[int, int] = {}  # round -> bytes of the frame that brought them
        self.facilitator = False

    async def _open(self) -> None:
        await super()._open()
        self._count(self._ws)

    async def _reconnect(self) -> None:
        await super()._reconnect()
        if self._ws is not None:
            self._count(self._ws)

    def _count(self, ws: Any) -> None:
        recv, received = ws.recv, ws.data_received

        async def counted_recv(decode: bool | None = None) -> Any:
            data = await recv(decode=False)
            self.frames += 1
            self.last_frame = len(data)
            self.payload_bytes += len(data)
            return data

        def counted_data(data: bytes) -> None:
            self.wire_bytes += len(data)
            received(data)

        ws.recv = counted_recv
        ws.data_received = counted_data

    async def _read(self) -> None:
        """The library's reader, except that frames of an unread type are only counted."""
        while True:
            try:
                async for data in self._ws:  # type: ignore[union-attr]
                    found = TYPE.search(data, 0, 120)
                    kind = found.group(1).decode() if found else "?"
                    if found and found.group(2):  # a patch: counted by the view it patches
                        kind += ":" + found.group(2).decode()
                    self.kinds[kind] += 1
                    self.kind_bytes[kind] += len(data)
                    if kind in self.unread:
                        continue
                    message = self._received(json.loads(data))
                    if message is not None:
                        await self._take(message)
            except ConnectionClosed:
                pass
            if self._closing or not self.reconnect or self.removed or not self.token:
                await self._notify()
                return
            await self._reconnect()

    async def _take(self, message: dict[str, Any]) -> None:
        kind = message.get("type", "?")
        if kind == "error":
            self.error_frames.append(f"{message.get('code')}: {message.get('message')}")
        if kind == "draft":
            self.drafts[int(message.get("round", 0))] += 1
        await super()._take(message)
        view = self.facilitator_state if self.facilitator else self.team_state
        timer = (view or {}).get("timer") or {}
        round_no = timer.get("round", 0)
        if timer.get("phase") in RESULT_PHASES and round_no not in self.results_at:
            self.results_at[round_no] = time.time()
            self.results_frame[round_no] = self.last_frame


# ------------------------------------------------------------ the workload


@dataclass
class Run:
    url: str
    args: Any
    sessions: int
    go: asyncio.Event = field(default_factory=asyncio.Event)
    joins: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(JOINS_AT_ONCE))
    players: list[tuple[int, CountingClient]] = field(default_factory=list)
    facilitators: list[CountingClient] = field(default_factory=list)
    ready: int = 0  # sessions whose every player has joined
    connect: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    last_submit: dict[tuple[int, int], float] = field(default_factory=dict)
    plans: dict[tuple[int, int, int], dict[str, Any]] = field(default_factory=dict)
    lag: list[float] = field(default_factory=list)
    all_ready: asyncio.Event = field(default_factory=asyncio.Event)
    unread: frozenset[str] = UNREAD

    def fail(self, who: str, error: BaseException | str) -> None:
        text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
        self.errors.append(f"{who}: {text}")

    def plan(self, session: int, team: int, state: dict[str, Any]) -> dict[str, Any]:
        """The team's decisions for the round, worked out once for all its players."""
        key = (session, team, state["timer"]["round"])
        if key not in self.plans:
            self.plans[key] = decide(state, "member_first", session * 1000 + team)
        return self.plans[key]


def shares(players: int) -> list[list[str]]:
    """Split the decision's top-level fields among the team's editors (all but the last)."""
    editors = max(players - 1, 1)
    groups: list[list[str]] = [[] for _ in range(editors)]
    for i, name in enumerate(top_fields()):
        groups[i % editors].append(name)
    return groups


def round_open(client: Client, round_no: int) -> dict[str, Any] | None:
    state = client.team_state
    if state is None:
        return None
    timer = state["timer"]
    if timer["round"] != round_no or timer["phase"] != "decisions":
        return None
    return state if state["view"]["round"] == round_no else None


async def player(run: Run, session: int, code: str, team: int, seat: int) -> None:
    args = run.args
    client = CountingClient(run.url, run.unread)
    who = f"session {session} team {team} player {seat}"
    submitter = seat == args.players - 1
    share = shares(args.players)[min(seat, max(args.players - 2, 0))]
    try:
        async with run.joins:
            started = time.perf_counter()
            await client.join(code, f"Team {team + 1}", f"Player {seat + 1}")
            run.connect.append(time.perf_counter() - started)
        run.players.append((session, client))
        await run.go.wait()
        for round_no in range(1, args.rounds + 1):
            state = await client.wait_for(lambda c, r=round_no: round_open(c, r), args.timeout)
            await asyncio.sleep(random.uniform(args.think_min, args.think_max))
            decisions = run.plan(session, team, state)
            if not submitter:
                await client.edit_draft(round_no, **{name: decisions[name] for name in share})
            elif args.players == 1:
                run.last_submit[(session, round_no)] = time.time()
                await client.submit(decisions, round=round_no)
            else:
                await client.wait_for(
                    lambda c, r=round_no: c.drafts[r] >= args.players - 1, args.timeout
                )
                version = client.team_state["draft_version"]  # type: ignore[index]
                run.last_submit[(session, round_no)] = time.time()
                await client.submit(round=round_no, draft_version=version)
            await client.wait_for(lambda c, r=round_no: r in c.results_at, args.timeout)
        if client.reconnections:
            run.fail(who, f"reconnected {client.reconnections} times")
    except (ServerError, TimeoutError, OSError) as error:
        run.fail(who, error)


async def facilitate(run: Run, session: int) -> None:
    args = run.args
    facilitator = CountingClient(run.url, run.unread)
    facilitator.facilitator = True
    who = f"session {session} facilitator"
    expected = args.teams * args.players
    try:
        welcome = await facilitator.create_session(
            scenario=args.scenario,
            seed=session + 1,
            rounds=args.rounds,
            max_teams=args.teams,
            round_seconds=3600,
        )
        run.facilitators.append(facilitator)
        seats = [
            asyncio.create_task(player(run, session, welcome["code"], team, seat))
            for team in range(args.teams)
            for seat in range(args.players)
        ]
        await facilitator.wait_for(
            lambda c: (
                c.facilitator_state is not None
                and sum(len(t["players"]) for t in c.facilitator_state["teams"]) == expected
            ),
            args.timeout,
        )
        run.ready += 1
        if run.ready == run.sessions:
            run.all_ready.set()
        await run.go.wait()
        await facilitator.send("start")
        for round_no in range(1, args.rounds + 1):
            await facilitator.send("open_round")
            await facilitator.wait_for(lambda c, r=round_no: r in c.results_at, args.timeout)
            if args.pause:
                await asyncio.sleep(args.pause)
        await asyncio.gather(*seats)
        if facilitator.reconnections:
            run.fail(who, f"reconnected {facilitator.reconnections} times")
    except (ServerError, TimeoutError, OSError) as error:
        run.fail(who, error)


async def watch_lag(run: Run) -> None:
    """How late the load generator's own loop runs (it inflates every latency measured)."""
    while True:
        started = time.perf_counter()
        await asyncio.sleep(0.1)
        run.lag.append(time.perf_counter() - started - 0.1)


# ------------------------------------------------------------ the baseline


def broadcast_server() -> None:
    """Serve plain websockets; on "go N" from a control connection, broadcast N bytes to all."""
    from websockets.asyncio.server import broadcast, serve

    async def main() -> None:
        listeners: set[Any] = set()

        async def handler(ws: Any) -> None:
            async for text in ws:
                if text == "listen":
                    listeners.add(ws)
                    await ws.send("ok")
                elif text.startswith("go"):
                    broadcast(listeners, "x" * int(text.split()[1]))
            listeners.discard(ws)

        async with serve(handler, "127.0.0.1", 0, compression=None) as server:
            port = server.sockets[0].getsockname()[1]
            print(json.dumps({"event": "listening", "port": port}), flush=True)
            await asyncio.Future()

    asyncio.run(main())


async def baseline(count: int, payload: int, cpu: int | None, repeats: int = 5) -> dict[str, float]:
    """Time websockets.broadcast of ``payload`` bytes to ``count`` connections."""
    from websockets.asyncio.client import connect

    code = "from cli.loadtest import broadcast_server; broadcast_server()"
    log = Path(tempfile.mkdtemp(prefix="clusterboard-baseline-")) / "baseline.log"
    process, port = await start_process(["-c", code], log, cpu)
    url = f"ws://127.0.0.1:{port}"
    sockets = []
    try:
        empty = rss_kib(process.pid)
        for _ in range(count):
            ws = await connect(url, compression=None, max_size=1 << 24)
            await ws.send("listen")
            await ws.recv()
            sockets.append(ws)
        memory = (rss_kib(process.pid) - empty) / count
        control = await connect(url)
        sockets.append(control)
        spans = []
        for _ in range(repeats):
            started = time.perf_counter()
            await control.send(f"go {payload}")
            await asyncio.gather(*(ws.recv() for ws in sockets[:-1]))
            spans.append(time.perf_counter() - started)
        return {
            "connections": count,
            "payload_bytes": payload,
            "fanout_median_ms": 1000 * statistics.median(spans),
            "fanout_max_ms": 1000 * max(spans),
            "memory_kib_per_connection": memory,
        }
    finally:
        for ws in sockets:
            with contextlib.suppress(Exception):
                await ws.close()
        await stop_process(process)
        shutil.rmtree(log.parent, ignore_errors=True)


# ------------------------------------------------------------ the run


def check(args: argparse.Namespace) -> int:
    """Check the workload; return the number of sessions (or raise one clear ValueError)."""
    if args.url is not None and not args.url.startswith(("ws://127.0.0.1", "ws://localhost")):
        raise ValueError("the load test targets loopback only (ws://127.0.0.1:PORT)")
    if not 1 <= args.teams <= 20:
        raise ValueError(f"--teams must be between 1 and 20 (got {args.teams})")
    if not 1 <= args.players <= 20:
        raise ValueError(f"--players must be between 1 and 20 (got {args.players})")
    per_session = args.teams * args.players
    if not 1 <= args.participants <= MAX_PARTICIPANTS:
        raise ValueError(f"--participants must be between 1 and {MAX_PARTICIPANTS}")
    if args.participants % per_session:
        raise ValueError(
            f"--participants must be a multiple of teams x players ({per_session}), "
            f"got {args.participants}"
        )
    if args.think_min > args.think_max:
        raise ValueError("--think-min must not exceed --think-max")
    return args.participants // per_session


async def load(args: argparse.Namespace) -> dict[str, Any]:
    sessions = check(args)
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    server_cpu = None if args.server_cpu < 0 else args.server_cpu
    process = None
    url, pid = args.url, args.server_pid
    work = Path(tempfile.mkdtemp(prefix="clusterboard-load-"))
    log = work / "server.log"
    pinned = "not pinned (a running server)"
    if url is None:
        players_per_team = max(args.players, 6)
        serve = [
            *(["-m", "cli.cpuprofile", str(args.profile)] if args.profile else ["-m", "cli"]),
            *("serve", "--port", "0", "--log-level", "info"),
            *("--db", str(work / "load.db")),
            *("--max-sessions", str(sessions + 10)),
            *("--per-address", "0"),  # every simulated participant comes from this machine
            *("--players-per-team", str(players_per_team)),
            *(["--workers", str(args.workers)] if args.workers is not None else []),
            *(["--compression", args.compression] if args.compression else []),
        ]
        process, port = await start_process(serve, log, server_cpu)
        url, pid = f"ws://127.0.0.1:{port}", process.pid
        pinned = pinning(server_cpu)[1]
    generator = pin_generator(server_cpu if process is not None else None)
    run = Run(url=url, args=args, sessions=sessions)
    run.unread = frozenset() if args.full_client else UNREAD
    report: dict[str, Any] = {}
    window_start = time.time()
    watch = asyncio.create_task(watch_lag(run))
    try:
        empty = rss_kib(pid) if pid else 0
        started = time.perf_counter()
        games = [asyncio.create_task(facilitate(run, s)) for s in range(sessions)]
        joined = asyncio.create_task(run.all_ready.wait())
        await asyncio.wait([joined, *games], timeout=args.timeout, return_when="FIRST_COMPLETED")
        if not run.all_ready.is_set():
            run.fail("run", "not every participant could join in time")
        join_seconds = time.perf_counter() - started
        joined_rss = rss_kib(pid) if pid else 0
        join_bytes = {id(c): c.payload_bytes for _, c in run.players} | {
            id(c): c.payload_bytes for c in run.facilitators
        }
        join_wire = {id(c): c.wire_bytes for _, c in run.players} | {
            id(c): c.wire_bytes for c in run.facilitators
        }
        for client in [c for _, c in run.players] + run.facilitators:
            client.kinds_before = Counter(client.kinds)
            client.kind_bytes_before = Counter(client.kind_bytes)
        lag_from = len(run.lag)
        cpu_before = cpu_seconds(pid) if pid else float("nan")
        own_before = own_cpu_seconds(pid) if pid else float("nan")
        workers = len(children(pid)) if pid else 0
        waits_before = (runqueue_wait(pid) if pid else float("nan"), runqueue_wait(os.getpid()))
        load_before = os.getloadavg()[0]
        generator_before = time.process_time()
        window_start = time.time()
        run.go.set()
        peak, workers_peak = joined_rss, 0
        rounds_started = time.perf_counter()
        left = max(args.timeout - join_seconds, 1.0)
        while not all(game.done() for game in games):
            await asyncio.sleep(0.5)
            if pid:
                peak = max(peak, rss_kib(pid))
                workers_peak = max(workers_peak, children_rss_kib(pid))
            if time.perf_counter() - rounds_started > left:
                run.fail("run", f"timed out after {args.timeout:g} s")
                break
        rounds_seconds = time.perf_counter() - rounds_started
        cpu = (cpu_seconds(pid) - cpu_before) if pid else float("nan")
        own_cpu = (own_cpu_seconds(pid) - own_before) if pid else float("nan")
        server_wait = (runqueue_wait(pid) - waits_before[0]) if pid else float("nan")
        generator_wait = runqueue_wait(os.getpid()) - waits_before[1]
        generator_cpu = time.process_time() - generator_before
        for game in games:
            game.cancel()
        clients = [c for _, c in run.players] + run.facilitators
        for client in clients:
            with contextlib.suppress(Exception):
                await client.close()
        report = figures(run, args, sessions, join_bytes, join_wire)
        connections = args.participants + sessions
        report |= {
            "server": pinned,
            "load_generator": generator,
            "join_seconds": round(join_seconds, 1),
            "rounds_seconds": round(rounds_seconds, 1),
            "server_cpu_seconds": round(cpu, 2),
            "server_cpu_ms_per_participant_round": 1000 * cpu / (args.participants * args.rounds),
            "server_cpu_share": cpu / rounds_seconds if rounds_seconds else float("nan"),
            "server_child_processes": workers,  # the workers (and multiprocessing's tracker)
            "server_workers_cpu_seconds": round(cpu - own_cpu, 2),
            "server_runqueue_wait_seconds": round(server_wait, 2),
            "generator_cpu_seconds": round(generator_cpu, 2),
            "generator_runqueue_wait_seconds": round(generator_wait, 2),
            "load_average_before": load_before,
            "server_rss_mib_empty": round(empty / 1024, 1),
            "server_rss_mib_joined": round(joined_rss / 1024, 1),
            "server_rss_mib_peak": round(peak / 1024, 1),
            "server_workers_rss_mib_peak": round(workers_peak / 1024, 1),
            "server_kib_per_connection": (peak - empty) / connections if pid else float("nan"),
            "connections": connections,
            "generator_lag_p99_ms": 1000 * percentile(run.lag[lag_from:], 0.99),
            "generator_lag_max_ms": 1000 * max(run.lag[lag_from:], default=float("nan")),
        }
    finally:
        watch.cancel()
        if process is not None:
            await stop_process(process)
    if process is not None and log.exists():
        report |= server_timings(log, window_start)
    if report.get("errors"):
        report["server_log"] = str(log)  # kept to see why
    else:
        shutil.rmtree(work, ignore_errors=True)
    if not args.no_baseline:
        payload = report.get("results_frame_bytes")
        payload = 10_000 if payload is None or payload != payload else int(payload)
        report["baseline"] = await baseline(
            report["connections"], payload, server_cpu if process is not None else None
        )
    return report


def figures(
    run: Run, args: Any, sessions: int, join_bytes: dict[int, int], join_wire: dict[int, int]
) -> dict[str, Any]:
    """Latencies, errors and bytes from what the clients saw."""
    latency = []
    for session, client in run.players:
        for round_no, at in client.results_at.items():
            submitted = run.last_submit.get((session, round_no))
            if submitted is not None and round_no >= 1:
                latency.append(at - submitted)
    rounds = args.rounds
    players = [c for _, c in run.players]

    def per_round(clients: list[CountingClient], start: dict[int, int], wire: bool) -> float:
        if not clients:
            return float("nan")
        counts = [
            ((c.wire_bytes if wire else c.payload_bytes) - start.get(id(c), 0)) / rounds
            for c in clients
        ]
        return statistics.median(counts)

    error_frames = [text for c in [*players, *run.facilitators] for text in c.error_frames]
    frames = [c.results_frame.get(r) for c in players for r in range(1, rounds + 1)]
    frames = [f for f in frames if f]
    kinds: Counter[str] = Counter()
    for client in players:
        kinds.update(client.kinds)
    expected = args.participants * rounds
    return {
        "participants": args.participants,
        "sessions": sessions,
        "teams_per_session": args.teams,
        "players_per_team": args.players,
        "rounds": rounds,
        "think_seconds": f"{args.think_min:g}-{args.think_max:g}",
        "clients_parse": "every frame"
        if args.full_client
        else "all but " + ", ".join(sorted(UNREAD)),
        "results_received": len(latency),
        "results_expected": expected,
        "latency_median_ms": 1000 * percentile(latency, 0.5),
        "latency_p90_ms": 1000 * percentile(latency, 0.9),
        "latency_p99_ms": 1000 * percentile(latency, 0.99),
        "latency_max_ms": 1000 * max(latency, default=float("nan")),
        "errors": len(run.errors) + len(error_frames) + (expected - len(latency)),
        "error_samples": (run.errors + error_frames)[:5],
        "join_median_ms": 1000 * percentile(run.connect, 0.5),
        "join_p99_ms": 1000 * percentile(run.connect, 0.99),
        "bytes_per_player_round": per_round(players, join_bytes, False),
        "bytes_per_facilitator_round": per_round(run.facilitators, join_bytes, False),
        "wire_bytes_per_player_round": per_round(players, join_wire, True),
        "wire_bytes_per_facilitator_round": per_round(run.facilitators, join_wire, True),
        "bytes_per_player_join": statistics.median(join_bytes.get(id(c), 0) for c in players)
        if players
        else float("nan"),
        "results_frame_bytes": statistics.median(frames) if frames else float("nan"),
        "player_frames_per_round": sum(kinds.values()) / max(len(players), 1) / rounds,
        "player_frame_kinds": dict(kinds.most_common()),
        "player_frames_per_round_by_type": per_round_kinds(players, rounds),
        "facilitator_frames_per_round_by_type": per_round_kinds(run.facilitators, rounds),
        "player_bytes_per_round_by_type": per_round_kinds(players, rounds, True),
        "facilitator_bytes_per_round_by_type": per_round_kinds(run.facilitators, rounds, True),
    }


def per_round_kinds(
    clients: list[CountingClient], rounds: int, payload: bool = False
) -> dict[str, float]:
    """Frames (or their payload bytes) a client received per round by type, over the
    rounds only (mean)."""
    total: Counter[str] = Counter()
    for client in clients:
        if payload:
            total.update(client.kind_bytes - client.kind_bytes_before)
        else:
            total.update(client.kinds - client.kinds_before)
    share = max(len(clients), 1) * rounds
    return {kind: round(count / share, 2) for kind, count in total.most_common()}


def format_report(report: dict[str, Any]) -> str:
    lines = []
    for key, value in report.items():
        if key == "baseline":
            continue
        shown = f"{value:,.1f}" if isinstance(value, float) else value
        lines.append(f"{key:>36}: {shown}")
    for key, value in report.get("baseline", {}).items():
        shown = f"{value:,.1f}" if isinstance(value, float) else value
        lines.append(f"{'broadcast baseline ' + key:>36}: {shown}")
    return "\n".join(lines)


def main_loadtest(args: argparse.Namespace) -> int:
    check(args)
    report = asyncio.run(load(args))
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 1 if report["errors"] else 0
