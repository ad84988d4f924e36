"""The server's subcommands: ``serve``, ``bot`` and ``loadtest`` (wired in ``cli/main.py``)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys

from server import logs
from server.app import ServerConfig, run_server


def config_from(args: argparse.Namespace) -> ServerConfig:
    if bool(args.tls_cert) != bool(args.tls_key):
        raise ValueError("--tls-cert and --tls-key go together")
    return ServerConfig(
        host=args.host,
        port=args.port,
        db=args.db,
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
        origins=list(args.origin or []),
        max_sessions=args.max_sessions,
        max_message=args.max_message,
        rate=args.rate,
        burst=max(args.rate * 2, 10.0),
        players_per_team=args.players_per_team,
        ping_interval=args.ping_interval,
        ping_timeout=args.ping_timeout,
        durable=args.sync == "full",
        resolve_delay=args.resolve_delay,
    )


async def _serve(config: ServerConfig) -> None:
    loop = asyncio.get_running_loop()
    stop: asyncio.Future[None] = loop.create_future()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    await run_server(config, stop)


def cmd_serve(args: argparse.Namespace) -> int:
    config = config_from(args)
    logs.configure(args.log_level)
    try:
        asyncio.run(_serve(config))
    except OSError as error:
        print(
            f"clusterboard: error: cannot serve on {args.host}:{args.port}: {error}",
            file=sys.stderr,
        )
        return 1
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
