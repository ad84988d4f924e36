"""Measure the web edition in headless Chromium: page weight, first render, bytes per round.

A game server runs on 127.0.0.1 (port 0) in this process; Debian's Chromium
loads the pages through its chromedriver. For each page the script sums what
the browser fetched (the Resource Timing entries: bytes on the wire, gzipped,
and decoded), times the first render (from the start of the navigation to the
moment the page shows its first screen: the join form, the decisions of a
seated player after a reload, the console, the projector), and counts the
websocket bytes a player's page receives during one round (from the round's
opening to its results), from Chromium's network log.

    python benchmarks/web.py [--runs 5] [--write]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

from tests.browser import pages  # noqa: E402
from tests.browser.conftest import LAPTOP, ServerThread  # noqa: E402

HEADING = "## Web edition"
WEIGHT_BUDGET = 150 * 1024
RENDER_BUDGET_MS = 1000.0
READY = """
window.__ready = null;
new MutationObserver((changes, observer) => {
  if (document.querySelector('#join-team, #screen-title, #join-code, #c-scenario')) {
    window.__ready = performance.now();
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""
WEIGHT = """
const all = [
  performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource'),
];
return all.map((e) => [e.name, e.transferSize, e.encodedBodySize, e.decodedBodySize]);
"""


def chrome(folder: Path, size: tuple[int, int] = LAPTOP) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tempfile.mkdtemp(dir=folder)}",
        f"--window-size={size[0]},{size[1]}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    service = webdriver.ChromeService(executable_path=shutil.which("chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": READY})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    return driver


def ready_ms(driver: webdriver.Chrome) -> float:
    return pages.wait(driver, lambda d: d.execute_script("return window.__ready"), "first render")


def weight(driver: webdriver.Chrome) -> dict[str, int]:
    entries = driver.execute_script(WEIGHT)
    return {
        "files": len(entries),
        "wire": sum(e[1] for e in entries),
        "gzipped": sum(e[2] for e in entries),
        "decoded": sum(e[3] for e in entries),
    }


def websocket_bytes(driver: webdriver.Chrome) -> int:
    """The payload bytes received over websockets since the performance log was last read."""
    total = 0
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.webSocketFrameReceived":
            total += len(message["params"]["response"]["payloadData"].encode("utf-8"))
    return total


def one_run(folder: Path) -> dict[str, Any]:
    served = ServerThread(folder / f"bench-{len(list(folder.iterdir()))}.db")
    site = served.start()
    drivers: list[webdriver.Chrome] = []
    try:
        host = chrome(folder)
        drivers.append(host)
        host.get(f"{site}/host")
        found: dict[str, Any] = {"host": {"render": ready_ms(host), **weight(host)}}
        code = pages.create_session(host, site, rounds=3)
        pages.add_bot(host, "House")

        player = chrome(folder)
        drivers.append(player)
        player.get(f"{site}/?code={code}")
        found["player"] = {"render": ready_ms(player), **weight(player)}
        pages.join(player, site, code, "North", "Ana")
        teammate = chrome(folder)
        drivers.append(teammate)
        pages.join(teammate, site, code, "North", "Ben")

        projector = chrome(folder)
        drivers.append(projector)
        projector.get(f"{site}/projector?code={code}")
        pages.wait(projector, lambda d: pages.text_of(d, "#join-code"), "the projector")
        found["projector"] = {"render": ready_ms(projector), **weight(projector)}

        pages.click(host, "#b-start")
        pages.wait(host, lambda d: pages.phase_is(d, "Briefing"), "the briefing")
        websocket_bytes(player)
        pages.click(host, "#b-open")
        pages.wait(player, lambda d: pages.screen(d) == "Decisions", "the decisions")
        pages.set_field(teammate, "staffing.hire_fte", "1")
        pages.wait(player, lambda d: pages.field_value(d, "staffing.hire_fte") == "1", "the edit")
        pages.set_field(player, "fees.flat", "700")
        pages.click(teammate, "#submit")
        pages.wait(player, lambda d: pages.screen(d) == "Results", "the results")
        found["round_bytes"] = websocket_bytes(player)

        player.refresh()
        pages.wait(player, lambda d: d.find_elements(By.ID, "screen-title"), "the seat again")
        found["player_seated"] = {"render": ready_ms(player), **weight(player)}
        return found
    finally:
        for driver in drivers:
            driver.quit()
        served.stop()


def kib(value: float) -> str:
    return f"{value / 1024:.1f} KiB"


def section(runs: list[dict[str, Any]]) -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    browser = subprocess.run(["chromium", "--version"], capture_output=True, text=True).stdout
    lines = [
        HEADING,
        "",
        f"Measured on {datetime.date.today().isoformat()} at commit `{commit}`, on "
        f"{os.cpu_count()} logical CPUs ({platform.machine()}), {platform.system()}, Python "
        f"{platform.python_version()}, {browser.strip() or 'Chromium'} headless, server and "
        f"browser on one machine (loopback), browser cache off, {len(runs)} run"
        f"{'s' if len(runs) > 1 else ''}. "
        f"Load average (1 min) before the runs: {os.getloadavg()[0]:.2f}.",
        "",
        "Reproduce with:",
        "",
        "```sh",
        "python benchmarks/web.py --write",
        "```",
        "",
        "Weight: everything the page fetched (HTML, scripts, stylesheet, JSON documents, QR "
        "code), gzipped as sent, and decoded. First render: from the start of the navigation "
        "to the first screen in the page (median and slowest run). Budgets: at most "
        f"{WEIGHT_BUDGET // 1024} KB gzipped, first render within {RENDER_BUDGET_MS / 1000:g} s.",
        "",
        "| page | files | gzipped | decoded | first render (median) | slowest | budget |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    names = {
        "player": "player (join form)",
        "player_seated": "player (reload, seated)",
        "host": "facilitator",
        "projector": "projector",
    }
    for key, name in names.items():
        rows = [run[key] for run in runs]
        renders = [row["render"] for row in rows]
        gz = max(row["gzipped"] for row in rows)
        ok = gz <= WEIGHT_BUDGET and max(renders) <= RENDER_BUDGET_MS
        lines.append(
            f"| {name} | {rows[0]['files']} | {kib(gz)} | {kib(max(r['decoded'] for r in rows))} "
            f"| {statistics.median(renders):.0f} ms | {max(renders):.0f} ms "
            f"| **{'pass' if ok else 'fail'}** |"
        )
    per_round = [run["round_bytes"] for run in runs]
    lines += [
        "",
        "Bytes down per player per round: what one player's page received over its websocket "
        "from the opening of a round to its results, with a teammate editing and submitting "
        "(two edits, one submission, one computer-run team): median "
        f"{kib(statistics.median(per_round))}, largest {kib(max(per_round))}. Views come "
        "as merge patches after the first full view (docs/protocol.md, Views as patches).",
        "",
    ]
    return "\n".join(lines)


def write(text: str) -> None:
    """Replace this script's own section of docs/benchmarks.md, leaving the others alone."""
    path = ROOT / "docs" / "benchmarks.md"
    old = path.read_text(encoding="utf-8")
    start = old.find(HEADING)
    if start < 0:
        path.write_text(old.rstrip("\n") + "\n\n" + text, encoding="utf-8")
        return
    end = old.find("\n## ", start + len(HEADING))
    rest = old[end + 1 :] if end >= 0 else ""
    path.write_text(old[:start] + text + ("\n" + rest if rest else ""), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh server and browsers per run")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    if not 1 <= args.runs <= 50:
        parser.error("--runs must be between 1 and 50")
    with tempfile.TemporaryDirectory() as folder:
        runs = [one_run(Path(folder)) for _ in range(args.runs)]
    text = section(runs)
    print(text)
    if args.write:
        write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
