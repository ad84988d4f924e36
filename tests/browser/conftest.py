"""Browser tests: Debian's Chromium, headless, through its chromedriver and selenium.

Each test gets a game server on 127.0.0.1 port 0, run in a thread with its own
event loop, and as many fresh browsers as it asks for (each with an empty
profile, so a stored seat belongs to one browser only). Without Chromium the
tests skip with the reason, except in CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import asyncio
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from server.app import Server, ServerConfig

CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
DRIVER = "chromedriver"
WAIT = 30.0  # seconds a page may take to show what a test waits for
PHONE = (390, 844)
LAPTOP = (1366, 768)


def _missing() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    if not any(shutil.which(name) for name in CHROMIUM):
        return "Chromium is not installed (apt-get install chromium chromium-driver)"
    if not shutil.which(DRIVER):
        return "chromedriver is not installed (apt-get install chromium-driver)"
    return None


@pytest.fixture(scope="session")
def browser_ready() -> None:
    reason = _missing()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests need a browser in CI: {reason}")
    pytest.skip(reason)


class ServerThread:
    """A game server in a thread of its own, stopped when the test ends."""

    def __init__(self, db: Path, **overrides: object) -> None:
        self.loop = asyncio.new_event_loop()
        options: dict[str, object] = {"port": 0, "db": str(db)} | overrides
        self.server = Server(ServerConfig(**options))  # type: ignore[arg-type]
        self.started = threading.Event()
        self.stopping: asyncio.Future[None] | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._serve())
        except BaseException as error:  # reported to the test that waits for the start
            self.error = error
            self.started.set()

    async def _serve(self) -> None:
        self.stopping = self.loop.create_future()
        await self.server.start()
        self.started.set()
        try:
            await self.stopping
        finally:
            await self.server.stop()

    def start(self) -> str:
        self.thread.start()
        if not self.started.wait(WAIT) or self.error is not None:
            raise RuntimeError(f"the game server did not start: {self.error}")
        return f"http://127.0.0.1:{self.server.port}"

    def stop(self) -> None:
        if self.stopping is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(
                lambda: self.stopping.done() or self.stopping.set_result(None)  # type: ignore[union-attr]
            )
        self.thread.join(WAIT)


@pytest.fixture
def site(tmp_path, browser_ready) -> Iterator[str]:
    served = ServerThread(tmp_path / "web.db")
    try:
        yield served.start()
    finally:
        served.stop()


class ServerProcess:
    """``clusterboard serve`` in a process of its own, which a test may kill outright."""

    def __init__(self, db: Path, port: int = 0) -> None:
        self.db, self.port = db, port
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> str:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cli", "serve", "--port", str(self.port), "--db", str(self.db)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        found: queue.Queue[int | None] = queue.Queue()
        threading.Thread(target=self._read, args=(found,), daemon=True).start()
        try:
            port = found.get(timeout=WAIT)
        except queue.Empty:
            port = None
        if port is None:
            self.kill()
            raise RuntimeError("clusterboard serve did not start listening")
        self.port = port
        return f"http://127.0.0.1:{port}"

    def _read(self, found: queue.Queue[int | None]) -> None:
        assert self.process is not None and self.process.stderr is not None
        told = False
        for line in self.process.stderr:  # JSON log lines; keep draining them
            if not told and '"listening"' in line:
                found.put(json.loads(line)["port"])
                told = True
        if not told:
            found.put(None)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(WAIT)


@pytest.fixture
def killable(tmp_path, browser_ready) -> Iterator[list[ServerProcess]]:
    """Servers the test starts, kills (SIGKILL) and starts again on one database."""
    servers = [ServerProcess(tmp_path / "web.db")]
    try:
        yield servers
    finally:
        for served in servers:
            served.kill()


@pytest.fixture
def browser(tmp_path, browser_ready) -> Iterator[Callable[..., object]]:
    """Open fresh headless Chromium windows: ``browser()`` or ``browser(size=PHONE)``."""
    from selenium import webdriver

    opened: list[webdriver.Chrome] = []

    def open_one(size: tuple[int, int] = LAPTOP) -> webdriver.Chrome:
        options = webdriver.ChromeOptions()
        binary = next(shutil.which(n) for n in CHROMIUM if shutil.which(n))
        options.binary_location = binary
        profile = tmp_path / f"profile-{len(opened)}"
        for argument in (
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
            f"--user-data-dir={profile}",
            f"--window-size={size[0]},{size[1]}",
        ):
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "SEVERE"})
        service = webdriver.ChromeService(executable_path=shutil.which(DRIVER))
        driver = webdriver.Chrome(service=service, options=options)
        driver.set_window_size(*size)
        opened.append(driver)
        return driver

    yield open_one
    for driver in opened:
        driver.quit()
