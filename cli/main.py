"""The ``clusterboard`` command line: one entry point, one subcommand per job.

Every failure a user can cause (an unknown scenario, a bad file, a bad number)
ends in one clear line on stderr and a non-zero exit, never a traceback.
Commands of the server and the client are imported only when called, so the
economy never depends on them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from game.decisions import decisions_schema
from game.errors import GameError
from game.match import (
    Seat,
    TeamRecord,
    check_rounds,
    load_decisions_file,
    play_match,
    with_rounds,
)
from game.scenario import (
    ScenarioError,
    is_economy_file,
    load_economy_file,
    load_scenario,
    load_scenario_file,
    scenario_names,
)
from game.strategies import STRATEGIES
from protocol.errors import ServerError

EXIT_USAGE = 2
EXIT_FAILURE = 1


class UsageError(Exception):
    """A command-line argument that cannot be used."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would print usage and exit 2
        raise UsageError(message)


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"seed must be a whole number (got {text!r})") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"seed must be between 0 and 2**63-1 (got {value})")
    return value


def _rounds(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"rounds must be a whole number (got {text!r})") from None
    if not 1 <= value <= 20:
        raise argparse.ArgumentTypeError(f"rounds must be between 1 and 20 (got {value})")
    return value


def _bots(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in STRATEGIES]
    if unknown:
        known = ", ".join(STRATEGIES)
        raise argparse.ArgumentTypeError(f"unknown strategy {unknown[0]!r} (known: {known})")
    if not names or len(names) > 20:
        raise argparse.ArgumentTypeError("give 1 to 20 strategies, separated by commas")
    return names


# ---------------------------------------------------------------- simulate


def _seats(bots: list[str], decisions_file: str | None) -> list[Seat]:
    seats, seen = [], {}
    for name in bots:
        seen[name] = seen.get(name, 0) + 1
        label = name if seen[name] == 1 else f"{name}-{seen[name]}"
        seats.append(Seat(name=label, strategy=name))
    if decisions_file:
        seats.append(Seat(name="scripted", script=load_decisions_file(decisions_file)))
    return seats


def _mix(report: dict) -> str:
    mix = report["financing_mix"]
    return f"{mix['public']:.0f}/{mix['private']:.0f}/{mix['project']:.0f}"


def format_table(scenario_id: str, seed: int, records: list[TeamRecord], rounds: int) -> str:
    """Return the readable per-round table and the final leaderboard."""
    width = max(12, *(len(r.name) for r in records))
    head = (
        f"{'team':<{width}}  {'members':>7}  {'engaged':>7}  {'revenue':>9}  {'cash':>9}  "
        f"{'pub/priv/proj':>13}  {'stress':<6}  {'stage':<12}  {'score':>5}"
    )
    lines = [f"Cluster Board: scenario {scenario_id}, seed {seed}, {rounds} rounds", ""]
    for index in range(rounds):
        lines += [f"Round {index + 1}", head]
        for record in records:
            report = record.rounds[index]["report"]
            score = report["score"]["game_score"]
            lines.append(
                f"{record.name:<{width}}  {report['members']['total']:>7}  "
                f"{report['members']['engagement_mean']:>7.2f}  {report['revenue_total']:>9,.0f}  "
                f"{report['cash']:>9,.0f}  {_mix(report):>13}  {report['stress']:<6}  "
                f"{report['stage']:<12}  {score:>5.1f}"
            )
        lines.append("")
    lines.append("Final leaderboard")
    ranked = sorted(records, key=lambda r: (-r.final_score, r.name))
    for rank, record in enumerate(ranked, 1):
        lines.append(f"{rank:>2}. {record.name:<{width}}  {record.final_score:6.2f}")
    return "\n".join(lines)


def cmd_simulate(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    check_rounds(scenario, args.rounds)
    scenario = with_rounds(scenario, args.rounds)
    seats = _seats(args.bots, args.decisions)
    records = play_match(scenario, args.seed, seats)
    if args.json:
        payload = {
            "scenario": scenario.id,
            "seed": args.seed,
            "rounds": scenario.rounds,
            "weights": dict(scenario.scoring.weights),
            "teams": [
                {
                    "name": r.name,
                    "strategy": r.strategy,
                    "final_score": r.final_score,
                    "rounds": r.rounds,
                }
                for r in records
            ],
        }
        print(json.dumps(payload, sort_keys=True, separators=(",", ":")))
    else:
        print(format_table(scenario.id, args.seed, records, scenario.rounds))
    return 0


def cmd_scenarios(args: argparse.Namespace) -> int:
    for name in scenario_names():
        try:
            scenario = load_scenario(name)
        except ScenarioError as error:
            print(f"{name:<10} (cannot be loaded: {len(error.problems)} problem(s))")
            continue
        info = scenario.scenario
        print(f"{name:<10} {info.rounds:>2} rounds  {info.category:<9}  {info.summary}")
    return 0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def cmd_validate(args: argparse.Namespace) -> int:
    failed = 0
    for path in args.files:
        if is_economy_file(path):
            try:
                economy = load_economy_file(path)
            except ScenarioError as error:
                failed += 1
                print(str(error), file=sys.stderr)
                continue
            tables = len(type(economy).model_fields)
            print(f"{path}: ok (the shared economy coefficients, {tables} tables)")
            continue
        try:
            scenario = load_scenario_file(path)
        except ScenarioError as error:
            failed += 1
            print(str(error), file=sys.stderr)
            continue
        print(
            f"{path}: ok ({scenario.id}, {scenario.rounds} rounds, "
            f"{_count(len(scenario.funding), 'funding card')}, "
            f"{_count(len(scenario.events), 'event card')})"
        )
    return EXIT_FAILURE if failed else 0


def cmd_schema(args: argparse.Namespace) -> int:
    if args.messages:
        from protocol.messages import messages_schema

        print(json.dumps(messages_schema(), indent=2, sort_keys=True))
    else:
        print(json.dumps(decisions_schema(), indent=2, sort_keys=True))
    return 0


# ---------------------------------------------------------------- wiring


def _report(args: argparse.Namespace) -> int:
    from cli.report import cmd_report

    return cmd_report(args)


def _serve(args: argparse.Namespace) -> int:
    from cli.serve import cmd_serve

    return cmd_serve(args)


def _bot(args: argparse.Namespace) -> int:
    from cli.serve import cmd_bot

    return cmd_bot(args)


def _loadtest(args: argparse.Namespace) -> int:
    from cli.serve import cmd_loadtest

    return cmd_loadtest(args)


def _play(args: argparse.Namespace) -> int:
    from cli.launch import cmd_play

    return cmd_play(args)


def _host(args: argparse.Namespace) -> int:
    from cli.launch import cmd_host

    return cmd_host(args)


def _demo(args: argparse.Namespace) -> int:
    from cli.launch import cmd_demo

    return cmd_demo(args)


def build_parser() -> Parser:
    parser = Parser(prog="clusterboard", description="Cluster Board: run an innovation cluster.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    simulate = commands.add_parser("simulate", help="play a headless game with computer-run teams")
    simulate.add_argument("--scenario", default="grow", help="scenario name or TOML file")
    simulate.add_argument("--seed", type=_seed, default=1, help="random seed (default 1)")
    simulate.add_argument(
        "--bots",
        type=_bots,
        default=["member_first", "passive"],
        help=f"strategies, comma-separated: {', '.join(STRATEGIES)}",
    )
    simulate.add_argument("--rounds", type=_rounds, default=None, help="override the rounds")
    simulate.add_argument("--decisions", default=None, help="JSON file of one team's decisions")
    simulate.add_argument("--json", action="store_true", help="print the full record as JSON")
    simulate.set_defaults(run=cmd_simulate)

    listing = commands.add_parser("scenarios", help="list the scenarios")
    listing.set_defaults(run=cmd_scenarios)

    validate = commands.add_parser("validate", help="check scenario files")
    validate.add_argument("files", nargs="+", help="scenario TOML files")
    validate.set_defaults(run=cmd_validate)

    schema = commands.add_parser("schema", help="print the JSON Schema of the decisions")
    schema.add_argument(
        "--messages", action="store_true", help="print the schema of the protocol messages instead"
    )
    schema.set_defaults(run=cmd_schema)
    _add_server_commands(commands)

    report = commands.add_parser("report", help="write a session's debrief report")
    report.add_argument("--db", required=True, help="the server's SQLite event log")
    report.add_argument("--session", required=True, help="the session's join code")
    report.add_argument("--out", required=True, help="directory to write the report to")
    report.set_defaults(run=_report)
    _add_client_commands(commands)
    return parser


def _port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"port must be 0 to 65535 (got {text!r})")
    return int(text)


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number (got {text!r})") from None
    if not 0 < value < 1e9:
        raise argparse.ArgumentTypeError(f"expected a positive number (got {text!r})")
    return value


def _add_server_commands(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser("serve", help="run the game server (websockets + SQLite)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=_port, default=8765, help="port (0: any free port)")
    serve.add_argument("--db", default="clusterboard.db", help="SQLite event log")
    serve.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    serve.add_argument("--tls-cert", default=None, help="certificate file: serve wss://")
    serve.add_argument("--tls-key", default=None, help="private key file for --tls-cert")
    serve.add_argument("--origin", action="append", help="allowed browser origin (repeatable)")
    serve.add_argument(
        "--public-url",
        default=None,
        help="the address players open, shown and put in QR codes (behind a proxy: https://...)",
    )
    serve.add_argument("--max-sessions", type=int, default=200, help="sessions per server")
    serve.add_argument("--max-message", type=int, default=65536, help="bytes per message")
    serve.add_argument("--rate", type=_positive, default=20.0, help="messages/second/connection")
    serve.add_argument("--players-per-team", type=int, default=6, help="players per team")
    serve.add_argument("--ping-interval", type=_positive, default=20.0, help="seconds")
    serve.add_argument("--ping-timeout", type=_positive, default=20.0, help="seconds")
    serve.add_argument(
        "--sync",
        choices=["normal", "full"],
        default="full",
        help="full (default): every acknowledged command is on disk, power cuts included; "
        "normal: faster, but a power cut may lose the last second",
    )
    serve.add_argument(
        "--host-key",
        default=None,
        help="the key a facilitator needs to create a session (default: CLUSTERBOARD_HOST_KEY; "
        "generated and printed when the server listens beyond this machine)",
    )
    serve.add_argument(
        "--per-address",
        type=int,
        default=256,
        help="open connections per client address; 0 switches off the per-address limits "
        "(connections and joins, for load tests from one machine)",
    )
    serve.add_argument(
        "--idle-hours",
        type=_positive,
        default=48.0,
        help="archive a session after this many hours with no command and nobody connected",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes that resolve rounds and compute draft forecasts off the event "
        "loop (default: 2, or 1 on a one-core machine; 0: both in the server's own process)",
    )
    serve.add_argument(
        "--compression",
        choices=("fresh", "deflate", "off"),
        default="fresh",
        help="permessage-deflate for clients that offer it: each message on its own "
        "(fresh, the default), with a zlib context per connection (deflate), or off",
    )
    serve.add_argument("--resolve-delay", type=float, default=0.0, help=argparse.SUPPRESS)
    serve.add_argument("--resolve-gate", default=None, help=argparse.SUPPRESS)  # for tests
    serve.set_defaults(run=_serve)

    bot = commands.add_parser("bot", help="play a computer-run team over the network")
    bot.add_argument("--url", required=True, help="server address, ws://HOST:PORT")
    bot.add_argument("--code", required=True, help="the session's join code")
    bot.add_argument("--team", required=True, help="team name")
    bot.add_argument("--strategy", default="member_first", choices=list(STRATEGIES))
    bot.add_argument("--name", default="bot", help="display name")
    bot.add_argument("--seed", type=_seed, default=1, help="seed of the random strategy")
    bot.add_argument("--log-level", default="warning", choices=["debug", "info", "warning"])
    bot.set_defaults(run=_bot)

    load = commands.add_parser(
        "loadtest", help="play the class workload against a server pinned to one core"
    )
    load.add_argument("--participants", type=int, default=100, help="players in all (default 100)")
    load.add_argument("--teams", type=int, default=20, help="teams per session (default 20)")
    load.add_argument("--players", type=int, default=5, help="players per team (default 5)")
    load.add_argument("--rounds", type=_rounds, default=10, help="rounds per game (default 10)")
    load.add_argument("--think-min", type=_positive, default=2.0, help="least think time (2 s)")
    load.add_argument("--think-max", type=_positive, default=6.0, help="most think time (6 s)")
    load.add_argument(
        "--pause", type=float, default=0.0, help="seconds between results and the next round"
    )
    load.add_argument("--scenario", default="grow", help="scenario name (default grow)")
    load.add_argument(
        "--server-cpu", type=int, default=0, help="CPU to pin the server to (-1: not pinned)"
    )
    load.add_argument(
        "--profile",
        default=None,
        help="write a cProfile of the server's event-loop thread, timed by its CPU clock, here",
    )
    load.add_argument(
        "--workers", type=int, default=None, help="the server's --workers (default: its own)"
    )
    load.add_argument(
        "--compression",
        choices=("fresh", "deflate", "off"),
        default=None,
        help="the server's --compression (default: its own); the clients offer it",
    )
    load.add_argument("--url", default=None, help="a running server (default: start one)")
    load.add_argument("--server-pid", type=int, default=None, help="its process id (CPU, memory)")
    load.add_argument("--timeout", type=_positive, default=600.0, help="give up after seconds")
    load.add_argument("--json", action="store_true", help="print the figures as JSON")
    load.add_argument("--no-baseline", action="store_true", help="skip the broadcast baseline")
    load.add_argument(
        "--full-client",
        action="store_true",
        help="parse every frame (default: count public_state and timer frames unparsed)",
    )
    load.set_defaults(run=_loadtest)


def _add_client_commands(commands: argparse._SubParsersAction) -> None:
    play = commands.add_parser("play", help="open the game window and join a session")
    play.add_argument("--url", default=None, help="server address, ws://HOST:PORT (default: last)")
    play.add_argument("--code", default=None, help="the session's join code")
    play.add_argument("--team", default=None, help="team name")
    play.add_argument("--name", default=None, help="your display name")
    play.add_argument("--size", default=None, help=argparse.SUPPRESS)
    play.set_defaults(run=_play)

    host = commands.add_parser(
        "host", help="open the facilitator console on a new session (or --resume one)"
    )
    host.add_argument("--url", default=None, help="server address (default ws://127.0.0.1:8765)")
    host.add_argument("--scenario", default=None, help="scenario name (for a new session)")
    host.add_argument(
        "--token",
        default=None,
        help="attach a second console with the facilitator token another console shows",
    )
    host.add_argument(
        "--host-key",
        default=None,
        help="the server's host key, needed to create a session on a server that has one "
        "(default: CLUSTERBOARD_HOST_KEY)",
    )
    host.add_argument("--teams", default=None, help="the teams' names, comma-separated")
    host.add_argument(
        "--roster", default=None, help="a CSV file of students with a 'team' column (and 'student')"
    )
    host.add_argument(
        "--resume",
        default=None,
        metavar="CODE",
        help="reopen the console of a session created on this computer",
    )
    host.add_argument("--rounds", type=_rounds, default=None, help="override the rounds")
    host.add_argument("--seed", type=_seed, default=None, help="random seed (default: random)")
    host.add_argument(
        "--round-seconds", type=_positive, default=None, help="round timer (default 600)"
    )
    host.add_argument(
        "--plan",
        choices=["taster", "class", "halfday"],
        default=None,
        help="a class plan: taster (45 min), class (90 min, practice round + 6 years), "
        "halfday (practice round + 10 years); docs/facilitator.md has their run sheets",
    )
    host.add_argument(
        "--projector", action="store_true", help="start in full-screen projector mode"
    )
    host.set_defaults(run=_host)

    demo = commands.add_parser("demo", help="a whole session on this machine, in one command")
    demo.add_argument("--headless", action="store_true", help="no window: play it and print it")
    demo.add_argument(
        "--browser",
        action="store_true",
        help="no window: serve the session to the web pages and print (and open) their addresses",
    )
    demo.add_argument(
        "--port", type=_port, default=0, help="with --browser: the port to serve on (0: any)"
    )
    demo.add_argument("--scenario", default="grow", help="scenario name (default grow)")
    demo.add_argument("--rounds", type=_rounds, default=None, help="override the rounds")
    demo.add_argument("--seed", type=_seed, default=1, help="random seed (default 1)")
    demo.add_argument("--round-seconds", type=_positive, default=600.0, help="round timer")
    demo.set_defaults(run=_demo)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "run", None):
            parser.print_help()
            return EXIT_USAGE
        return args.run(args)
    except UsageError as error:
        print(f"clusterboard: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ScenarioError as error:
        print(f"clusterboard: error: {error.path}: {'; '.join(error.problems)}", file=sys.stderr)
        return EXIT_FAILURE
    except (GameError, ValueError, KeyError, OSError, ServerError) as error:
        print(f"clusterboard: error: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("clusterboard: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
