"""The server's subcommands: ``serve``, ``bot`` and ``loadtest`` (wired in ``cli/main.py``)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import signal
import socket
import sys
from urllib.parse import urlsplit

from server import logs
from server.app import Server, ServerConfig
from server.store import StoreError
from server.workers import default_workers


def public_url(text: str | None) -> str | None:
    """Check a --public-url: an http(s) address with a host, no query or fragment."""
    if text is None:
        return None
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"--public-url must be an http:// or https:// address (got {text!r})")
    return text.strip().rstrip("/")


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def host_key(args: argparse.Namespace) -> tuple[str | None, bool]:
    """The host key: --host-key, else CLUSTERBOARD_HOST_KEY, else (beyond loopback) a new one.

    Return it and whether it was generated (then serve prints it)."""
    given = getattr(args, "host_key", None) or os.environ.get("CLUSTERBOARD_HOST_KEY") or None
    if given is not None:
        if len(given) < 8:
            raise ValueError("the host key must have at least 8 characters")
        return given, False
    if args.host in LOOPBACK:
        return None, False
    return secrets.token_urlsafe(12), True


def config_from(args: argparse.Namespace) -> ServerConfig:
    if bool(args.tls_cert) != bool(args.tls_key):
        raise ValueError("--tls-cert and --tls-key go together")
    key, _ = host_key(args)
    workers = getattr(args, "workers", None)
    if workers is None:
        workers = default_workers()
    if workers < 0:
        raise ValueError(f"--workers must be 0 or more (got {workers})")
    return ServerConfig(
        host=args.host,
        port=args.port,
        db=args.db,
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
        origins=list(args.origin or []),
        public_url=public_url(getattr(args, "public_url", None)),
        max_sessions=args.max_sessions,
        max_message=args.max_message,
        rate=args.rate,
        burst=max(args.rate * 2, 10.0),
        players_per_team=args.players_per_team,
        ping_interval=args.ping_interval,
        ping_timeout=args.ping_timeout,
        durable=args.sync == "full",
        resolve_delay=args.resolve_delay,
        workers=workers,
        resolve_gate=getattr(args, "resolve_gate", None),
        host_key=key,
        per_address=max(getattr(args, "per_address", 256), 0),
        joins_per_minute=60 if getattr(args, "per_address", 256) > 0 else 0,
        idle_limit=3600.0 * getattr(args, "idle_hours", 48.0),
        compression=getattr(args, "compression", "fresh"),
    )


ALL_INTERFACES = ("0.0.0.0", "::", "")
TEST_NET = ("192.0.2.1", 9)  # a documentation address: connecting a UDP socket sends nothing


def lan_address() -> str:
    """This machine's address on its network (the one its default route leaves from), for
    pages that phones on the same network can open; 127.0.0.1 when there is none."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(TEST_NET)
            address = probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"
    return address if address and address != "0.0.0.0" else "127.0.0.1"


def browser_urls(config: ServerConfig, port: int) -> dict[str, str]:
    """The pages a browser opens on this server: players, facilitator, projector. A server
    listening on every interface names this machine's network address, so that the
    console's join link and QR code reach the players' phones."""
    host = lan_address() if config.host in ALL_INTERFACES else config.host
    scheme = "https" if config.tls_cert else "http"
    base = config.public_url or f"{scheme}://{host}:{port}"
    return {"players": f"{base}/", "facilitator": f"{base}/host", "projector": f"{base}/projector"}


STOP_NAMES = {signal.SIGINT: "Ctrl-C", signal.SIGTERM: "SIGTERM"}


async def _serve(config: ServerConfig) -> str:
    """Serve until Ctrl-C or SIGTERM; return what stopped it."""
    loop = asyncio.get_running_loop()
    stop: asyncio.Future[str] = loop.create_future()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(
                sig, lambda s=sig: stop.done() or stop.set_result(STOP_NAMES[s])
            )
    server = Server(config)
    await server.start()
    try:
        for role, url in browser_urls(config, server.port).items():
            print(f"{role + ':':<13} {url}", flush=True)
        return await stop
    finally:
        await server.stop()


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        config = config_from(args)
    except ValueError as error:
        print(f"clusterboard: error: {error}", file=sys.stderr)
        return 2
    logs.configure(args.log_level)
    given = getattr(args, "host_key", None) or os.environ.get("CLUSTERBOARD_HOST_KEY")
    if config.host_key is not None and not given:
        print(f"{'host key:':<13} {config.host_key}  (facilitators need it to create a session)")
    try:
        reason = asyncio.run(_serve(config))
    except KeyboardInterrupt:  # a Ctrl-C before the handlers were in place
        reason = "Ctrl-C"
    except StoreError as error:
        print(f"clusterboard: error: cannot use the database {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(
            f"clusterboard: error: cannot serve on {args.host}:{args.port}: {error}",
            file=sys.stderr,
        )
        return 1
    print(
        f"clusterboard: server stopped ({reason}); its sessions stay in {args.db}: "
        "serve again with the same --db to continue them",
        file=sys.stderr,
        flush=True,
    )
    return 0


def cmd_bot(args: argparse.Namespace) -> int:
    from websockets.exceptions import InvalidHandshake, InvalidURI

    from cli.bot import run_bot
    from protocol.client import ServerError

    logs.configure(args.log_level)
    try:
        score = asyncio.run(
            run_bot(args.url, args.code, args.team, args.strategy, args.name, seed=args.seed)
        )
    except (InvalidURI, InvalidHandshake, ServerError, OSError, TimeoutError) as error:
        print(f"clusterboard: error: {args.url}: {error}", file=sys.stderr)
        return 1
    print(f"{args.team}: finished, final score {score:.2f}")
    return 0


def cmd_loadtest(args: argparse.Namespace) -> int:
    from cli.loadtest import main_loadtest

    return main_loadtest(args)
