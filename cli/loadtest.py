"""Load test: N sessions of M computer-run clients play whole games against a server.

Reports connect time, submit-to-results latency (from a session's last
submission to each of its teams receiving the results; median and p99), errors,
and the server's memory per connection. In the same run it measures plain
``websockets`` ``broadcast`` of a results-sized payload to as many connections,
the library's own limit to compare with. Targets loopback only; stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cli.bot import decide, to_decide
from protocol.client import Client, ServerError


@dataclass
class Figures:
    connect: list[float] = field(default_factory=list)
    latency: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    submits: dict[tuple[int, int], float] = field(default_factory=dict)  # (session, round) -> last
    results: list[tuple[int, int, float]] = field(default_factory=list)
    payload: int = 0
    lag: list[float] = field(default_factory=list)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100.0


async def start_process(arguments: list[str], log: Path) -> tuple[asyncio.subprocess.Process, int]:
    """Start a server subprocess logging to a file (a pipe could stall it); return its port."""
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable, *arguments, stderr=output, stdout=output
        )
    for _ in range(300):
        await asyncio.sleep(0.1)
        for line in log.read_text().splitlines():
            if '"listening"' in line:
                return process, int(json.loads(line)["port"])
    process.kill()
    raise TimeoutError(f"the server did not start (see {log})")


def server_timings(log: Path) -> dict[str, float]:
    """Summarise the server's own log: queue wait and handling time per command."""
    waits, resolves = [], []
    for line in log.read_text().splitlines():
        if not line.startswith("{"):
            continue
        event = json.loads(line)
        if "wait_ms" in event:
            waits.append(event["wait_ms"])
        if event.get("event") == "resolved":
            resolves.append(event["ms"])
    return {
        "server_queue_wait_p99_ms": percentile(waits, 0.99),
        "server_resolve_median_ms": percentile(resolves, 0.5),
        "server_resolve_p99_ms": percentile(resolves, 0.99),
    }


# ------------------------------------------------------------ one bot, one session


async def bot(url: str, code: str, session: int, seat: int, args: Any, figures: Figures) -> None:
    client = Client(url, backoff=(0.2, 2.0))
    started = time.perf_counter()
    try:
        await client.join(code, f"T{seat}", f"bot{seat}")
        figures.connect.append(time.perf_counter() - started)
        for round_no in range(1, args.rounds + 1):
            state = await client.wait_for(
                lambda c, r=round_no: (s := to_decide(c)) and s["timer"]["round"] == r and s,
                args.timeout,
            )
            await asyncio.sleep(random.uniform(0.3 * args.think, args.think))
            decisions = decide(state, "random" if seat % 3 == 0 else "member_first", seat)
            figures.submits[(session, round_no)] = time.time()
            await client.submit(decisions, round=round_no)
            await client.wait_for(
                lambda c, r=round_no: c.team_state["view"]["round"] > r or c.phase == "finished",
                args.timeout,
            )
            figures.results.append((session, round_no, time.time()))
            figures.payload = max(figures.payload, len(json.dumps(client.team_state)))
        if client.reconnections:
            figures.errors.append(f"session {session} seat {seat}: reconnected")
    except (ServerError, TimeoutError, OSError) as error:
        figures.errors.append(f"session {session} seat {seat}: {type(error).__name__} {error}")
    finally:
        await client.close()


async def session_game(url: str, session: int, args: Any, figures: Figures) -> None:
    await asyncio.sleep(args.ramp * session / max(args.sessions, 1))  # classes arrive over time
    facilitator = Client(url)
    try:
        welcome = await facilitator.create_session(
            seed=session, rounds=args.rounds, max_teams=min(args.clients, 20), round_seconds=3600
        )
        bots = [
            asyncio.create_task(bot(url, welcome["code"], session, seat, args, figures))
            for seat in range(args.clients)
        ]
        await facilitator.wait_for(
            lambda c: c.facilitator_state and len(c.facilitator_state["teams"]) == args.clients,
            args.timeout,
        )
        await facilitator.send("start")
        for round_no in range(1, args.rounds + 1):
            await facilitator.send("open_round")
            await facilitator.wait_for(
                lambda c, r=round_no: (
                    c.facilitator_state["timer"]["round"] == r
                    and c.phase in ("results", "finished")
                ),
                args.timeout,
            )
            await asyncio.sleep(random.uniform(0.5, 2.0))  # the facilitator comments the results
        await asyncio.gather(*bots)
    except (ServerError, TimeoutError, OSError) as error:
        figures.errors.append(f"session {session} facilitator: {type(error).__name__} {error}")
    finally:
        await facilitator.close()


async def watch_lag(figures: Figures) -> None:
    """Record how late the load generator's own loop runs (it inflates the latencies)."""
    while True:
        started = time.perf_counter()
        await asyncio.sleep(0.1)
        figures.lag.append(time.perf_counter() - started - 0.1)


# ------------------------------------------------------------ the baseline


def broadcast_server() -> None:
    """Serve plain websockets; on "go" from a control connection, broadcast a payload to all."""
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


async def baseline(count: int, payload: int, repeats: int = 5) -> dict[str, float]:
    """Time websockets.broadcast of ``payload`` bytes to ``count`` connections."""
    from websockets.asyncio.client import connect

    code = "from cli.loadtest import broadcast_server; broadcast_server()"
    process, port = await start_process(["-c", code], Path(tempfile.mkdtemp()) / "baseline.log")
    url = f"ws://127.0.0.1:{port}"
    try:
        empty = rss_kib(process.pid)
        sockets = []
        for _ in range(count):
            ws = await connect(url, compression=None)
            await ws.send("listen")
            await ws.recv()
            sockets.append(ws)
        memory = (rss_kib(process.pid) - empty) / count
        control = await connect(url)
        spans = []
        for _ in range(repeats):
            started = time.perf_counter()
            await control.send(f"go {payload}")
            await asyncio.gather(*(ws.recv() for ws in sockets))
            spans.append(time.perf_counter() - started)
        for ws in [*sockets, control]:
            await ws.close()
        return {
            "fanout_median_ms": 1000 * statistics.median(spans),
            "fanout_max_ms": 1000 * max(spans),
            "memory_kib_per_connection": memory,
        }
    finally:
        process.terminate()
        await process.wait()


# ------------------------------------------------------------ the run


async def load(args: Any) -> dict[str, Any]:
    process = None
    url, pid = args.url, args.server_pid
    work = Path(tempfile.mkdtemp())
    if url is None:
        db = work / "load.db"
        process, port = await start_process(
            [
                "-m",
                "cli",
                "serve",
                "--port",
                "0",
                "--db",
                str(db),
                "--log-level",
                "info",
                "--max-sessions",
                str(args.sessions + 10),
            ],
            work / "server.log",
        )
        url, pid = f"ws://127.0.0.1:{port}", process.pid
    figures = Figures()
    empty = rss_kib(pid) if pid else 0
    cpu_before = cpu_seconds(pid) if pid else 0.0
    peak = empty
    started = time.perf_counter()
    games = [asyncio.create_task(session_game(url, i, args, figures)) for i in range(args.sessions)]
    watch = asyncio.create_task(watch_lag(figures))
    while not all(game.done() for game in games):
        await asyncio.sleep(0.5)
        peak = max(peak, rss_kib(pid)) if pid else 0
        if time.perf_counter() - started > args.timeout:
            figures.errors.append("the run timed out")
            break
    elapsed = time.perf_counter() - started
    cpu = (cpu_seconds(pid) - cpu_before) if pid else float("nan")
    for game in [*games, watch]:
        game.cancel()
    if process is not None:
        process.terminate()
        await process.wait()
    latency = [at - figures.submits[(s, r)] for s, r, at in figures.results]
    connections = args.sessions * (args.clients + 1)
    report = {
        "sessions": args.sessions,
        "clients_per_session": args.clients,
        "rounds": args.rounds,
        "connections": connections,
        "seconds": round(elapsed, 1),
        "connect_median_ms": 1000 * percentile(figures.connect, 0.5),
        "connect_p99_ms": 1000 * percentile(figures.connect, 0.99),
        "latency_median_ms": 1000 * percentile(latency, 0.5),
        "latency_p99_ms": 1000 * percentile(latency, 0.99),
        "latency_max_ms": 1000 * max(latency, default=float("nan")),
        "results_received": len(latency),
        "errors": len(figures.errors),
        "error_samples": figures.errors[:5],
        "server_cpu_seconds": round(cpu, 1),
        "server_memory_kib_empty": empty,
        "server_memory_kib_peak": peak,
        "memory_kib_per_connection": (peak - empty) / connections if pid else float("nan"),
        "team_state_bytes": figures.payload,
        "client_loop_lag_p99_ms": 1000 * percentile(figures.lag, 0.99),
    }
    if process is not None:
        report |= server_timings(work / "server.log")
    if not args.no_baseline:
        report["baseline"] = await baseline(connections, figures.payload or 10_000)
    return report


def format_report(report: dict[str, Any]) -> str:
    lines = [
        f"{key:>26}: {value:.1f}" if isinstance(value, float) else f"{key:>26}: {value}"
        for key, value in report.items()
        if key != "baseline"
    ]
    for key, value in report.get("baseline", {}).items():
        lines.append(f"{'broadcast ' + key:>26}: {value:.1f}")
    return "\n".join(lines)


def main_loadtest(args: argparse.Namespace) -> int:
    if args.url is not None and not args.url.startswith(("ws://127.0.0.1", "ws://localhost")):
        raise ValueError("the load test targets loopback only (ws://127.0.0.1:PORT)")
    report = asyncio.run(load(args))
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 1 if report["errors"] else 0
