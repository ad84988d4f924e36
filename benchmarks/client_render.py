"""Measure the frame time of every client screen with a full 12-year history.

A real server plays a 12-year game with the client (the screen walk), then
each screen is drawn repeatedly off screen at 1280×800 and at 1920×1080;
the median and the 99th percentile of the frame time are reported.

    SDL_VIDEODRIVER=dummy python benchmarks/client_render.py           # print the table
    SDL_VIDEODRIVER=dummy python benchmarks/client_render.py --write   # ... and update docs
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pygame  # noqa: E402

from cli.screenwalk import Walk  # noqa: E402
from client.app import App  # noqa: E402

HEADING = "## Client rendering"
BUDGET_MS = 16.0
ROUNDS = 12
SECTIONS = ("Budget & staff", "Fees & revenue", "Funding", "Members & strategy", "Events")


def frame_times(app: App, frames: int) -> list[float]:
    app.frame()  # warm the text cache, as the first frame after a switch would
    times = []
    for _ in range(frames):
        started = time.perf_counter()
        app.frame()
        times.append(1000 * (time.perf_counter() - started))
    return times


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def cases(walk: Walk) -> list[tuple[str, App, str, int | None]]:
    player, host = walk.player, walk.host
    found: list[tuple[str, App, str, int | None]] = []
    for key in player.order:
        if key == "decisions":
            found += [(f"decisions · {name}", player, key, i) for i, name in enumerate(SECTIONS)]
        else:
            found.append((player.scenes[key].title, player, key, None))
    found += [("console", host, "console", None), ("projector", host, "projector", None)]
    return found


def measure(
    walk: Walk, size: tuple[int, int], frames: int
) -> list[tuple[str, float, float, float]]:
    rows = []
    for app in (walk.player, walk.host):
        app.resize(size)
    for name, app, key, section in cases(walk):
        app.show(key)
        if section is not None:
            app.scenes["decisions"].section = section
        times = frame_times(app, frames)
        rows.append((name, statistics.median(times), p99(times), max(times)))
    return rows


def table(results: dict[str, list[tuple[str, float, float, float]]]) -> list[str]:
    lines = [
        "| Screen | Window | Median | p99 | Max | Budget | Result |",
        "|---|---|--:|--:|--:|--:|---|",
    ]
    for size, rows in results.items():
        for name, median, high, top in rows:
            verdict = "**pass**" if high <= BUDGET_MS else "**FAIL**"
            lines.append(
                f"| {name} | {size} | {median:.2f} ms | {high:.2f} ms | {top:.2f} ms | "
                f"≤ {BUDGET_MS:.0f} ms | {verdict} |"
            )
    return lines


def section(results: dict, frames: int) -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    today = datetime.date.today().isoformat()
    cpus = os.cpu_count()
    head = [
        HEADING,
        "",
        f"Measured on {today} at commit `{commit}`, on {cpus} logical CPUs ({platform.machine()}), "
        f"{platform.system()}, Python {platform.python_version()}, pygame-ce {pygame.version.ver} "
        f"(SDL {'.'.join(map(str, pygame.get_sdl_version()))}), SDL dummy video driver "
        f"(off screen). Load average (1 min) before the run: {os.getloadavg()[0]:.2f}.",
        "",
        "Reproduce with:",
        "",
        "```sh",
        "SDL_VIDEODRIVER=dummy python benchmarks/client_render.py --write",
        "```",
        "",
        f"A real server plays a {ROUNDS}-year game with the client first (the screen walk of the "
        f"tests), so every chart holds a full {ROUNDS}-year history. Each screen is then drawn "
        f"{frames} times (a whole frame: events, update, draw), after one warm-up frame. Budget: "
        f"no frame slower than {BUDGET_MS:.0f} ms (60 frames a second), judged on the p99.",
        "",
    ]
    return "\n".join(head + table(results)) + "\n"


def write(text: str) -> None:
    """Replace this script's own section of docs/benchmarks.md, leaving the others alone."""
    path = ROOT / "docs" / "benchmarks.md"
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    start = old.find(HEADING)
    if start < 0:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        end = old.find("\n## ", start + len(HEADING))
        new = old[:start] + text + (old[end + 1 :] if end >= 0 else "")
        if end >= 0 and not text.endswith("\n\n"):
            new = old[:start] + text + "\n" + old[end + 1 :]
    path.write_text(new, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=300, help="frames per screen")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        walk = Walk(Path(folder), None, rounds=ROUNDS)
        walk.run()
    assert len(walk.player.model.reports) == ROUNDS
    results = {
        f"{w}×{h}": measure(walk, (w, h), args.frames) for w, h in ((1280, 800), (1920, 1080))
    }
    text = section(results, args.frames)
    print(text)
    if args.write:
        write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
