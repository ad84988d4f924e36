"""One session's resolution against another session's messages, with and without workers.

A `clusterboard serve` subprocess (its own database, 127.0.0.1, port 0) holds one
heavy session of 20 computer-run teams and a few light sessions of one player each.
The heavy session plays its rounds back to back: the facilitator opens the next
round as soon as it has the results, and twenty computer-run teams resolve at once.
Meanwhile each light player sends `edit_draft` after `edit_draft` (one in flight at
a time, a short pause between) and times each round trip to its `ack`.

Figures per server setting (`--workers 0`: on the event loop, as before; `--workers
N`: in worker processes; optionally the server and its workers pinned to one core):

- the light sessions' round trips that overlapped a heavy resolution (the heavy
  facilitator saw `resolving` and not yet the results), and those that did not:
  median, p99, max;
- the heavy session's results step: from `resolving` to the results, as its
  facilitator saw it, and the server's own `resolved` log line (`step_ms`, `ms` on
  the loop, `job_ms` in the job);
- the CPU of the server and of its workers per heavy round (/proc).

    python benchmarks/resolution.py [--rounds 10] [--light 4] [--write]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sections import write_section  # benchmarks/, the script's own folder

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cli.loadtest import (  # noqa: E402
    children,
    cpu_seconds,
    own_cpu_seconds,
    percentile,
    start_process,
    stop_process,
)
from protocol.client import Client  # noqa: E402

HEADING = "## Server load: resolution in worker processes"
DOC = ROOT / "docs" / "benchmarks.md"
TEAMS = 20


class Watched(Client):
    """A facilitator client that stamps when its session enters and leaves ``resolving``."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.spans: list[tuple[float, float]] = []  # (resolving seen, results seen)
        self.since: float | None = None

    async def _take(self, message: dict[str, Any]) -> None:
        await super()._take(message)
        phase = self.phase
        if phase == "resolving" and self.since is None:
            self.since = time.perf_counter()
        elif phase in ("results", "finished") and self.since is not None:
            self.spans.append((self.since, time.perf_counter()))
            self.since = None


async def heavy(url: str, rounds: int, ready: asyncio.Event) -> Watched:
    facilitator = Watched(url)
    await facilitator.create_session(seed=5, max_teams=TEAMS, rounds=rounds, round_seconds=600)
    for seat in range(TEAMS):
        await facilitator.send("add_bot", team=f"Bot {seat}", strategy="member_first")
    await facilitator.send("start")
    await ready.wait()
    for round_no in range(1, rounds + 1):
        await facilitator.send("open_round")
        await facilitator.wait_for(
            lambda c, r=round_no: c.round == r and c.phase in ("results", "finished"), 120
        )
    return facilitator


async def light(url: str, index: int, stop: asyncio.Event, trips: list) -> list[Client]:
    facilitator = Client(url)
    welcome = await facilitator.create_session(seed=100 + index, round_seconds=3600)
    player = Client(url)
    await player.join(welcome["code"], "Harbour", f"P{index}")
    await facilitator.send("start")
    await facilitator.send("open_round")
    await player.wait_for(lambda c: c.phase == "decisions")
    hire = 0.0
    while not stop.is_set():
        hire = 0.5 if hire >= 3.0 else hire + 0.5
        sent = time.perf_counter()
        await player.edit_draft(staffing={"hire_fte": hire})
        trips.append((sent, time.perf_counter()))
        await asyncio.sleep(0.02)
    return [player, facilitator]


def server_lines(log: Path) -> list[dict[str, Any]]:
    lines = []
    for line in log.read_text(errors="replace").splitlines():
        with contextlib.suppress(ValueError):
            event = json.loads(line)
            if event.get("event") == "resolved":
                lines.append(event)
    return lines


async def one_setting(workers: int, cpu: int | None, args: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="clusterboard-resolution-"))
    log = work / "server.log"
    serve = [
        *("-m", "cli", "serve", "--port", "0", "--log-level", "info"),
        *("--db", str(work / "bench.db"), "--workers", str(workers), "--per-address", "0"),
    ]
    process, port = await start_process(serve, log, cpu)
    url, pid = f"ws://127.0.0.1:{port}", process.pid
    try:
        await asyncio.sleep(1.0 + workers)  # the workers start (a fresh interpreter each)
        # first the heavy session alone: the CPU a round costs, nothing else running
        go = asyncio.Event()
        go.set()
        tree_before, own_before = cpu_seconds(pid), own_cpu_seconds(pid)
        alone = await heavy(url, args.rounds, go)
        tree, own = cpu_seconds(pid) - tree_before, own_cpu_seconds(pid) - own_before
        processes = len(children(pid))
        await alone.close()
        # then another heavy session while the light sessions send their edits
        stop, ready = asyncio.Event(), asyncio.Event()
        trips: list[tuple[float, float]] = []
        lights = [asyncio.create_task(light(url, i, stop, trips)) for i in range(args.light)]
        heavy_task = asyncio.create_task(heavy(url, args.rounds, ready))
        while len(trips) < 25 * args.light:  # the light sessions alone, for a while
            await asyncio.sleep(0.05)
        ready.set()
        facilitator = await heavy_task
        stop.set()
        clients = [c for task in lights for c in await task]
        for client in [*clients, facilitator]:
            await client.close()
    finally:
        await stop_process(process)
    spans = facilitator.spans
    during, outside, quiet = [], [], []
    first, last = spans[0][0], spans[-1][1]
    for sent, back in trips:
        if back < first:  # the light sessions alone, before the heavy rounds began
            quiet.append(1000 * (back - sent))
            continue
        if sent > last:
            continue
        overlaps = any(sent < end and back > start for start, end in spans)
        (during if overlaps else outside).append(1000 * (back - sent))
    resolved = [e for e in server_lines(log) if e.get("round", 0) >= 1]
    first_heavy = resolved[: args.rounds]  # the heavy session alone
    step = [e.get("step_ms", e.get("ms")) for e in first_heavy]
    jobs = [e["job_cpu_ms"] for e in first_heavy if e.get("job_cpu_ms") is not None]
    report = {
        "workers": workers,
        "pinned": cpu is not None,
        "child_processes": processes,
        "rounds": args.rounds,
        "trips_during": len(during),
        "trips_outside": len(outside),
        "during_median_ms": percentile(during, 0.5),
        "during_p99_ms": percentile(during, 0.99),
        "during_max_ms": max(during, default=float("nan")),
        "outside_median_ms": percentile(outside, 0.5),
        "outside_p99_ms": percentile(outside, 0.99),
        "trips_quiet": len(quiet),
        "quiet_median_ms": percentile(quiet, 0.5),
        "quiet_p99_ms": percentile(quiet, 0.99),
        "results_seen_median_ms": 1000 * statistics.median(e - s for s, e in alone.spans),
        "results_seen_with_light_median_ms": 1000 * statistics.median(e - s for s, e in spans),
        "results_step_log_median_ms": percentile(step, 0.5),
        "loop_log_median_ms": percentile([e["ms"] for e in first_heavy], 0.5),
        "job_log_median_ms": percentile([e["job_ms"] for e in first_heavy if "job_ms" in e], 0.5),
        "job_cpu_median_ms": percentile(jobs, 0.5),
        "cpu_ms_per_round": 1000 * tree / args.rounds,
        "loop_cpu_ms_per_round": 1000 * own / args.rounds,
        "load_average": os.getloadavg()[0],
    }
    print(json.dumps(report), flush=True)
    return report


def ms(value: float) -> str:
    if value != value:
        return "–"
    return f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


def section(reports: list[dict[str, Any]], args: argparse.Namespace) -> str:
    today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d")
    commit = (
        args.commit
        or subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    )
    loads = [r["load_average"] for r in reports]
    rows = [
        "| Server | Light round trips during a resolution: median | p99 | max "
        "| light sessions alone: median | p99 | Heavy results, seen (alone) "
        "| with the light sessions | Results step (log) | on the loop | job | job CPU "
        "| CPU / heavy round | of it on the loop |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in reports:
        where = f"`--workers {r['workers']}`" + (", pinned to one core" if r["pinned"] else "")
        rows.append(
            f"| {where} | {ms(r['during_median_ms'])} | **{ms(r['during_p99_ms'])}** "
            f"| {ms(r['during_max_ms'])} | {ms(r['quiet_median_ms'])} "
            f"| {ms(r['quiet_p99_ms'])} | {ms(r['results_seen_median_ms'])} "
            f"| {ms(r['results_seen_with_light_median_ms'])} "
            f"| {ms(r['results_step_log_median_ms'])} | {ms(r['loop_log_median_ms'])} "
            f"| {ms(r['job_log_median_ms'])} | {ms(r['job_cpu_median_ms'])} "
            f"| {ms(r['cpu_ms_per_round'])} | {ms(r['loop_cpu_ms_per_round'])} |"
        )
    lines = [
        HEADING,
        "",
        f"Measured on {today} at commit `{commit}`, on {os.cpu_count()} logical CPUs "
        f"({platform.machine()}), {platform.system()}, Python {platform.python_version()}; "
        f"load average (1 min) {min(loads):.2f} to {max(loads):.2f} during the runs (the "
        "machine is shared with other engineers' work: wall-clock figures suffer from it).",
        "",
        "Reproduce with (each setting starts its own server on 127.0.0.1 and stops it):",
        "",
        "```sh",
        f"python benchmarks/resolution.py --rounds {args.rounds} --light {args.light} "
        f"--settings {args.settings} --write",
        "```",
        "",
        f"A heavy session of {TEAMS} computer-run teams (`grow`) plays {args.rounds} rounds "
        "back to back (the next round opens as soon as its facilitator has the results), "
        "first alone (the CPU, the server's timings and the first results column), then "
        f"a second such session while {args.light} light sessions of one player each send "
        "`edit_draft` after `edit_draft` (one in flight, 20 ms apart) and time each round "
        "trip to its `ack`. "
        "**During a resolution**: the round trips that overlapped a heavy round's "
        "resolution (from its facilitator seeing `resolving` to seeing the results); "
        "**light sessions alone**: their round trips before the heavy rounds began. "
        "**Heavy results, seen**: `resolving` "
        "to results at the heavy facilitator, median. **Results step (log)**: the server's "
        "`resolved` line, from the start of the resolution's job to the views sent "
        "(`step_ms`; the result's wait in its session's queue included), of which "
        "**on the loop** (`ms`: applying the result, storing, sending) and **job** "
        "(`job_ms`: resolving, records, hashes and snapshot packing, "
        "in a worker or on the loop), with **job CPU** the job's own CPU time where it ran "
        "(without sending it there and back). **CPU / heavy round**: the server process "
        "and its workers together (`/proc/PID/stat`, live children included) ÷ rounds, the "
        "heavy session alone; **of it on the loop**: the server process alone (its threads "
        "included: pickling the job, reading the result back).",
        "",
        *rows,
        "",
    ]
    if args.findings:
        lines += [Path(args.findings).read_text(encoding="utf-8").rstrip(), ""]
    return "\n".join(lines)


def write(text: str, path: Path) -> None:
    """Replace this script's own section of the document, leaving the others alone."""
    write_section(path, HEADING, text)


def settings(text: str) -> list[tuple[int, int | None]]:
    """``0,2,1@0``: workers, and ``@CPU`` to pin the server (and its workers) to one core."""
    chosen = []
    for part in text.split(","):
        workers, _, cpu = part.strip().partition("@")
        try:
            chosen.append((int(workers), int(cpu) if cpu else None))
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected e.g. 0,2,1@0, got {text!r}") from None
    return chosen


async def main_async(args: argparse.Namespace) -> list[dict[str, Any]]:
    return [await one_setting(w, cpu, args) for w, cpu in settings(args.settings)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--light", type=int, default=4, help="light sessions (one player each)")
    parser.add_argument("--settings", default="0,2,0@0,1@0", help="workers[@cpu],...")
    parser.add_argument("--commit", default=None)
    parser.add_argument("--findings", default=None, help="a Markdown file appended")
    parser.add_argument("--save", default=None, help="write the runs' JSON here")
    parser.add_argument("--load", default=None, help="write the section from saved runs")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    if args.load:
        reports = json.loads(Path(args.load).read_text(encoding="utf-8"))
    else:
        reports = asyncio.run(main_async(args))
    if args.save:
        Path(args.save).write_text(json.dumps(reports, indent=2), encoding="utf-8")
    text = section(reports, args)
    print(text)
    if args.write:
        write(text, DOC)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
