"""Screenshots of the web edition for the docs: player (laptop and phone), console, projector.

A game server runs on 127.0.0.1 (port 0) in this process and headless Chromium
plays a short session through the pages (a facilitator, two players of one team,
a computer-run team, the projector); the pictures go to docs/screenshots/web-*.png.

    python benchmarks/web_screenshots.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

from tests.browser import pages  # noqa: E402
from tests.browser.conftest import PHONE, ServerThread  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def chrome(folder: Path, size: tuple[int, int]) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={tempfile.mkdtemp(dir=folder)}",
        f"--window-size={size[0]},{size[1]}",
    ):
        options.add_argument(argument)
    service = webdriver.ChromeService(executable_path=shutil.which("chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_window_size(*size)
    return driver


def shoot(driver: webdriver.Chrome, name: str) -> None:
    driver.execute_script("document.activeElement?.blur()")
    driver.save_screenshot(str(OUT / f"web-{name}.png"))
    print(f"docs/screenshots/web-{name}.png")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        served = ServerThread(folder / "shots.db")
        site = served.start()
        drivers: list[webdriver.Chrome] = []
        try:
            host = chrome(folder, (1366, 900))
            ana = chrome(folder, (1366, 768))
            ben = chrome(folder, PHONE)
            projector = chrome(folder, (1920, 1080))
            drivers += [host, ana, ben, projector]
            code = pages.create_session(host, site, rounds=3)
            pages.add_bot(host, "Harbour", "project_chaser")
            pages.add_bot(host, "Summit", "fee_maximiser")
            pages.join(ana, site, code, "Northwind", "Ana")
            ben.get(f"{site}/?code={code}")
            pages.wait(ben, lambda d: d.find_elements(By.ID, "teams-known"), "the join form")
            shoot(ben, "phone-join")
            pages.join(ben, site, code, "Northwind", "Ben")
            projector.get(f"{site}/projector?code={code}")
            pages.wait(projector, lambda d: pages.text_of(d, "#join-code"), "the projector")
            shoot(projector, "projector-join")
            shoot(ben, "phone-briefing")
            pages.click(host, "#b-start")
            pages.wait(host, lambda d: pages.phase_is(d, "Briefing"), "the briefing")
            pages.click(host, "#b-open")
            pages.wait(ana, lambda d: pages.screen(d) == "Decisions", "the decisions")
            pages.set_field(ben, "staffing.hire_fte", "1")
            pages.wait(ana, lambda d: pages.field_value(d, "staffing.hire_fte") == "1", "edit")
            shoot(ana, "decisions")
            shoot(ben, "phone-decisions")
            shoot(host, "console")
            pages.click(ana, "#submit")
            pages.wait(ana, lambda d: pages.screen(d) == "Results", "the results")
            pages.wait(projector, lambda d: "Harbour" in pages.text_of(d, "table"), "the board")
            shoot(ana, "results")
            shoot(ben, "phone-results")
            shoot(projector, "projector-results")
            pages.open_screen(ana, "dashboard")
            shoot(ana, "dashboard")
        finally:
            for driver in drivers:
                driver.quit()
            served.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
