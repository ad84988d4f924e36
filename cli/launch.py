"""The ``play``, ``host`` and ``demo`` subcommands (wired in ``cli/main.py``).

Every mistake on the command line ends in one clear line, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import re
from dataclasses import dataclass

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # stdout holds only our lines

import pygame

from client.settings import DEFAULT_URL, load_settings
from protocol.messages import CODE_ALPHABET, CODE_LENGTH

URL = re.compile(r"^wss?://[^\s/:]+(:\d{1,5})?/?$")
CODE = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")
DEFAULT_SIZE = (1280, 800)


class ClientUsageError(ValueError):
    """A command-line value the client cannot use."""


def check_url(url: str) -> str:
    if not URL.match(url):
        raise ClientUsageError(f"--url must look like ws://HOST:PORT (got {url!r})")
    return url.rstrip("/")


def check_code(code: str, option: str = "--code") -> str:
    code = code.strip().upper()
    if not CODE.match(code):
        raise ClientUsageError(
            f"{option} must be the session's {CODE_LENGTH}-character join code (got {code!r})"
        )
    return code


def check_server(url: str, timeout: float = 5.0) -> None:
    """Fail in one line, within ``timeout`` seconds, when nothing listens at ``url``."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "wss" else 80)
    try:
        with socket.create_connection((parts.hostname or "", port), timeout=timeout):
            pass
    except OSError as error:
        reason = error.strerror or str(error) or type(error).__name__
        raise ClientUsageError(
            f"no game server answers at {url} ({reason}); start one with `clusterboard serve` "
            "or give its address with --url"
        ) from None


def check_size(text: str) -> tuple[int, int]:
    match = re.match(r"^(\d{3,4})x(\d{3,4})$", text)
    if not match:
        raise ClientUsageError(f"--size must look like 1280x800 (got {text!r})")
    return int(match[1]), int(match[2])


HEADLESS = {
    "demo": "run `clusterboard demo --headless`, or `clusterboard serve` and open "
    "http://HOST:8765/ in a browser",
    "host": "run the console in a browser instead: `clusterboard serve`, then open "
    "http://HOST:8765/host",
    "play": "play in a browser instead: open http://HOST:8765/ (the server's address)",
}
OFF_SCREEN = ("offscreen", "dummy")  # SDL's fallbacks when there is no display


def check_display(command: str) -> None:
    """Fail in one line, at once, when no window can be shown.

    With no display SDL falls back to an off-screen driver, and a window would
    run unseen forever; the off-screen drivers are accepted only when asked for
    by name (``SDL_VIDEODRIVER=dummy``, as the tests and benchmarks do).
    """
    from client.theme import init_pygame

    hint = HEADLESS.get(command, HEADLESS["demo"])
    try:
        init_pygame()
        driver = pygame.display.get_driver()
    except pygame.error as error:
        raise ClientUsageError(f"cannot open a window ({error}); {hint}") from None
    if driver in OFF_SCREEN and os.environ.get("SDL_VIDEODRIVER", "").lower() != driver:
        pygame.display.quit()
        raise ClientUsageError(f"cannot open a window (no display found); {hint}")


def window_size(wanted: tuple[int, int]) -> tuple[int, int]:
    """The window's size, shrunk to fit the screen (a 1366 x 768 laptop keeps its taskbar)."""
    try:
        screen = pygame.display.get_desktop_sizes()[0]
    except (pygame.error, IndexError):
        return wanted
    room = (screen[0] - 40, screen[1] - 90)  # a title bar and a taskbar
    if room[0] < 640 or room[1] < 480:
        return wanted
    return min(wanted[0], room[0]), min(wanted[1], room[1])


def open_window(
    size: tuple[int, int], caption: str, fullscreen: bool = False, command: str = "demo"
) -> pygame.Surface:
    """Open the resizable window; a machine with no display gets one clear error."""
    check_display(command)
    try:
        flags = pygame.RESIZABLE | (pygame.FULLSCREEN if fullscreen else 0)
        surface = pygame.display.set_mode((0, 0) if fullscreen else size, flags)
    except pygame.error as error:
        hint = HEADLESS.get(command, HEADLESS["demo"])
        raise ClientUsageError(f"cannot open a window ({error}); {hint}") from None
    pygame.display.set_caption(caption)
    pygame.key.set_repeat(350, 40)
    return surface


def cmd_play(args: argparse.Namespace) -> int:
    from client.app import App

    settings = load_settings()
    url = check_url(args.url or settings.url)
    code = check_code(args.code) if args.code else ""
    size = check_size(args.size) if args.size else DEFAULT_SIZE
    resume = not args.code and bool(settings.token) and url == settings.url
    settings.url = url
    settings.code = code or settings.code
    settings.team = args.team or settings.team
    settings.name = args.name or settings.name
    check_display("play")
    surface = open_window(window_size(size), "Cluster Board", command="play")
    app = App(surface, mode="player", settings=settings)
    if resume:
        app.connect(url, {"type": "resume", "token": settings.token})
    elif code and settings.team and settings.name:
        app.connect(
            url, {"type": "join", "code": code, "team": settings.team, "name": settings.name}
        )
    return app.run()


@dataclass(frozen=True)
class Plan:
    """A class plan: what ``clusterboard host --plan NAME`` sets (the run sheets in
    docs/facilitator.md follow them minute by minute)."""

    scenario: str
    rounds: int
    round_seconds: float
    practice_seconds: float | None  # a practice round first, with this timer


PLANS = {
    "taster": Plan("tutorial", 3, 480.0, None),
    "class": Plan("grow", 6, 420.0, 900.0),
    "halfday": Plan("grow", 10, 600.0, 1200.0),
}


def apply_plan(args: argparse.Namespace) -> Plan | None:
    """Fill what the command line left out from the plan; what it gave stays."""
    plan = PLANS.get(getattr(args, "plan", None) or "")
    if plan is not None and not args.resume:
        args.scenario = args.scenario or plan.scenario
        args.rounds = args.rounds or plan.rounds
        args.round_seconds = args.round_seconds or plan.round_seconds
    args.round_seconds = args.round_seconds or 600.0
    return plan


def host_hello(args: argparse.Namespace) -> tuple[str, dict]:
    """The server and the first message of ``clusterboard host``: a new session, or --resume."""
    from client.settings import hosted_path, load_hosted
    from game.scenario import load_scenario

    apply_plan(args)
    if getattr(args, "token", None):
        if args.resume or args.scenario:
            raise ClientUsageError("--token attaches to a running session: leave out the rest")
        token = args.token.strip()
        if not 16 <= len(token) <= 128:
            raise ClientUsageError("--token must be the facilitator token the console shows")
        return check_url(args.url or DEFAULT_URL), {"type": "resume", "token": token}
    if args.resume:
        code = check_code(args.resume, "--resume")
        if args.scenario:
            raise ClientUsageError("--resume reopens a session: leave out --scenario")
        kept = load_hosted().get(code)
        if kept is None:
            raise ClientUsageError(
                f"no facilitator token for session {code} on this computer "
                f"(kept in {hosted_path()}); open the console's link in a browser instead"
            )
        url = check_url(args.url) if args.url else kept["url"]
        return url, {"type": "resume", "token": kept["token"]}
    if not args.scenario:
        raise ClientUsageError("give --scenario NAME for a new session, or --resume CODE")
    load_scenario(args.scenario)  # an unknown scenario fails here, in one line
    config = {
        "type": "create_session",
        "scenario": args.scenario,
        "round_seconds": args.round_seconds,
    }
    if args.rounds:
        config["rounds"] = args.rounds
    if args.seed is not None:
        config["seed"] = args.seed
    key = getattr(args, "host_key", None) or os.environ.get("CLUSTERBOARD_HOST_KEY")
    if key:  # the same variable the server reads its key from
        config["host_key"] = key.strip()
    return check_url(args.url or DEFAULT_URL), config


def roster_teams(teams: str | None, roster: str | None) -> list[str]:
    """The teams to name up front, from --teams and a --roster CSV file, in order, once each."""
    import csv

    names = [n for n in (teams or "").split(",") if n.strip()]
    if roster:
        try:
            with open(roster, encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                fields = {f.strip().casefold(): f for f in reader.fieldnames or []}
                if "team" not in fields:
                    raise ClientUsageError(f"--roster {roster}: no 'team' column (a CSV header)")
                names += [row[fields["team"]] or "" for row in reader]
        except OSError as error:
            raise ClientUsageError(f"--roster {roster}: {error.strerror or error}") from None
        except (csv.Error, UnicodeDecodeError) as error:
            raise ClientUsageError(f"--roster {roster}: not a CSV file ({error})") from None
    found: dict[str, str] = {}
    for name in names:
        name = " ".join(name.split())
        if not name:
            continue
        if len(name) > 40:
            raise ClientUsageError(f"team name too long (40 characters at most): {name!r}")
        found.setdefault(name.casefold(), name)
    return list(found.values())


def cmd_host(args: argparse.Namespace) -> int:
    from client.app import App

    roster = roster_teams(args.teams, args.roster)
    url, hello = host_hello(args)
    plan = PLANS.get(args.plan or "")
    check_display("host")
    check_server(url)
    surface = open_window(
        window_size(DEFAULT_SIZE), "Cluster Board · facilitator", args.projector, command="host"
    )
    app = App(surface, mode="host")
    console = app.scenes["console"]
    console.roster = roster
    if plan is not None and plan.practice_seconds:
        console.practice_seconds = plan.practice_seconds
    app.connect(url, hello)
    if args.projector:
        app.show("projector")
    return app.run()


def cmd_demo(args: argparse.Namespace) -> int:
    from cli import demo
    from game.match import check_rounds
    from game.scenario import load_scenario

    check_rounds(load_scenario(args.scenario), args.rounds)
    if args.headless:
        return demo.run_headless(args.scenario, args.rounds, args.seed)
    if args.browser:
        seconds = args.round_seconds
        return demo.run_browser(args.scenario, args.rounds, args.seed, seconds, args.port)
    check_display("demo")  # before a server starts or a window opens
    return demo.run_windows(args.scenario, args.rounds, args.seed, args.round_seconds)
