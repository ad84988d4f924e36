"""A plain wheel install works: built, installed in a fresh environment, run from elsewhere.

The wheel is built from a copy of the source tree (so the build leaves nothing in the
repository) and installed without its dependencies into a new virtual environment.
The dependencies (numpy, pydantic, pygame, ...) are already installed for the running
interpreter; a ``.pth`` line lets the new environment import them, but that folder's
own ``.pth`` files (an editable install's finder) are not processed, so ``game`` and
its data can only come from the wheel. Every command runs from an empty folder
outside the repository.
"""

from __future__ import annotations

import importlib.util
import json
import os
import queue
import shutil
import subprocess
import sys
import sysconfig
import threading
import urllib.request
import venv
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest
from websockets.sync.client import connect

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("game", "protocol", "server", "client", "debrief", "cli", "scenarios", "assets")
DEPENDENCIES = ("numpy", "pydantic", "websockets", "pygame", "segno", "matplotlib")
NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "venv",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".hypothesis",
    ".pytest_cache",
    ".ruff_cache",
    "*.db",
    "*.db-*",
)
TIMEOUT = 60


@dataclass
class Installed:
    python: Path
    command: Path
    site: Path
    cwd: Path
    env: dict[str, str]

    def run(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        return run([*args], cwd=self.cwd, env=self.env)


def run(args: list[str | Path], **options) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=TIMEOUT, **options
    )
    assert result.returncode == 0, f"{args} exited {result.returncode}:\n{result.stderr}"
    return result


def dependency_folders() -> list[str]:
    """Where the running interpreter finds the project's dependencies."""
    folders = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    for name in DEPENDENCIES:
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.origin is not None, f"{name} is not installed"
        folders.add(str(Path(spec.origin).parents[1]))
    return sorted(folders)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    wheels = work / "wheels"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels, source])
    (wheel,) = wheels.glob("clusterboard-*.whl")

    environment = work / "env"
    venv.create(environment, with_pip=False)
    python = environment / "bin" / "python"
    run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "-q", wheel])
    site = Path(
        run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
        ).stdout.strip()
    )
    (site / "_clusterboard_test_dependencies.pth").write_text("\n".join(dependency_folders()))

    elsewhere = work / "elsewhere"
    elsewhere.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP"}
    }
    env["PATH"] = f"{environment / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["SDL_VIDEODRIVER"] = "dummy"
    env["SDL_AUDIODRIVER"] = "dummy"
    env["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"
    env["CLUSTERBOARD_CLIENT_CONFIG"] = str(work / "client.json")
    return Installed(python, environment / "bin" / "clusterboard", site, elsewhere, env)


def test_the_packages_and_their_data_come_from_the_wheel(installed: Installed) -> None:
    code = (
        "import importlib, json\n"
        "from game.scenario import SCENARIO_DIR\n"
        "from client.theme import BOLD, REGULAR\n"
        f"names = {PACKAGES!r}\n"
        "found = {n: importlib.import_module(n).__file__ for n in names}\n"
        "found.update(scenarios_dir=str(SCENARIO_DIR), regular=str(REGULAR), bold=str(BOLD))\n"
        "print(json.dumps(found))\n"
    )
    found = json.loads(installed.run(installed.python, "-c", code).stdout)
    for what, where in found.items():
        assert Path(where).is_relative_to(installed.site), f"{what} from {where}"
        assert Path(where).exists(), f"{what}: {where} is missing"
    assert {p.name for p in Path(found["scenarios_dir"]).glob("*.toml")} >= {
        "economy.toml",
        "grow.toml",
    }


def test_scenarios_lists_the_four_scenarios(installed: Installed) -> None:
    listing = installed.run(installed.command, "scenarios").stdout
    names = {line.split()[0] for line in listing.splitlines() if line.strip()}
    assert names == {"build", "grow", "transform", "tutorial"}


def test_simulate_plays_a_game(installed: Installed) -> None:
    output = installed.run(
        installed.command,
        "simulate",
        "--scenario",
        "grow",
        "--seed",
        "1",
        "--bots",
        "member_first,passive",
        "--rounds",
        "2",
        "--json",
    ).stdout
    record = json.loads(output)
    assert (record["scenario"], record["seed"], record["rounds"]) == ("grow", 1, 2)
    assert [team["strategy"] for team in record["teams"]] == ["member_first", "passive"]
    for team in record["teams"]:
        assert len(team["rounds"]) == 2
        assert isinstance(team["final_score"], float)


RENDER = """
import json
import pygame
from client.app import App
from client.net import NetEvent
from client.theme import BOLD, REGULAR, Theme, init_pygame
from game.decisions import Decisions
from game.scenario import load_scenario
from game.setup import initial_state
from game.view import team_view
from protocol.replies import PlayerInfo, TeamState, Timer

init_pygame()
scenario = load_scenario("grow")
state = TeamState(
    timer=Timer(phase="decisions", round=1, rounds=10, practice=False, remaining=300.0),
    team="North",
    players=[PlayerInfo(id="p1", name="Ana", connected=True)],
    removed=False,
    view=team_view(initial_state(scenario, 3), scenario),
    draft=Decisions(),
    draft_version=0,
    problems=[],
    submission=None,
)
screen = pygame.Surface((1280, 800))
app = App(screen, mode="player", remember=False)
app.model.apply(NetEvent("welcome", message={"role": "player", "team": "North"}))
app.model.apply(NetEvent("status", status="connected"))
app.model.apply(NetEvent("message", message=state))
app.show("decisions")
app.frame()
colours = {tuple(screen.get_at((x, y))) for x in range(0, 1280, 4) for y in range(0, 800, 4)}
theme = Theme()
print(json.dumps({
    "regular": str(REGULAR),
    "bold": str(BOLD),
    "fonts": [theme.font(15).name, theme.font(15, bold=True).style_name],
    "colours": len(colours),
}))
"""


def test_the_client_renders_headless_with_its_own_fonts(installed: Installed) -> None:
    script = installed.cwd / "render.py"
    script.write_text(RENDER)
    result = json.loads(installed.run(installed.python, script).stdout)
    for font in (result["regular"], result["bold"]):
        assert Path(font).is_relative_to(installed.site) and Path(font).is_file()
    assert result["fonts"] == ["Inter", "Semi Bold"], "the default font stood in for Inter"
    assert result["colours"] > 20, "the decisions screen drew next to nothing"


def read_lines(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def listening_port(lines: queue.Queue[str | None]) -> int:
    """The port from the server's ``listening`` log line."""
    seen = []
    while (line := lines.get(timeout=TIMEOUT)) is not None:
        if '"listening"' in line:
            return int(json.loads(line)["port"])
        seen.append(line)
    raise AssertionError("the server stopped before it listened:\n" + "".join(seen))


def test_serve_starts_answers_and_stops(installed: Installed) -> None:
    server = subprocess.Popen(
        [installed.command, "serve", "--port", "0", "--db", installed.cwd / "serve.db"],
        cwd=installed.cwd,
        env=installed.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert server.stderr is not None
    lines: queue.Queue[str | None] = queue.Queue()
    reader = threading.Thread(target=read_lines, args=(server.stderr, lines))
    reader.start()
    try:
        port = listening_port(lines)
        url = f"127.0.0.1:{port}"
        with connect(f"ws://{url}") as ws:
            ws.send(json.dumps({"type": "create_session", "protocol": 1, "seed": 5}))
            created = json.loads(ws.recv(timeout=30))
            assert created["type"] == "welcome" and created["code"], created
            with urllib.request.urlopen(f"http://{url}/health", timeout=10) as response:
                assert response.status == 200
                assert json.load(response) == {"status": "ok", "sessions": 1, "connections": 1}
            for page, kind in (("/", "text/html"), ("/static/player.js", "text/javascript")):
                with urllib.request.urlopen(f"http://{url}{page}", timeout=10) as response:
                    assert response.headers["Content-Type"].startswith(kind), page
                    assert len(response.read()) > 200, page  # the web pages ship in the wheel
        server.terminate()
        assert server.wait(timeout=TIMEOUT) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        reader.join(timeout=TIMEOUT)
