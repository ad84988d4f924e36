"""Benchmark of the economy engine: how long one round takes to resolve.

Two sizes are measured on the ``grow`` scenario, scaled up:

* one team whose cluster starts with 2,000 members (target: median round at most 1 ms);
* a session of 50 teams whose clusters start with 500 members each, all 50 rounds
  resolved one after the other (target: median at most 20 ms).

Each round is opened with its event cards and decided by the ``member_first``
strategy before the clock starts; only the resolution (``game.round.resolve_all``) is timed for
the targets. Building the team view and the strategy's decision are timed apart,
as they are per-round costs for the server too.

    python benchmarks/engine.py            # measure and print a table
    python benchmarks/engine.py --write    # ... and update docs/benchmarks.md
    python benchmarks/engine.py --quick    # fewer repetitions
"""

from __future__ import annotations

import argparse
import datetime
import gc
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from game.decisions import Decisions  # noqa: E402
from game.report import RoundReport  # noqa: E402
from game.round import Turn, bot_generator, open_all, resolve_all, round_cards  # noqa: E402
from game.scenario import Scenario, load_scenario  # noqa: E402
from game.setup import initial_state  # noqa: E402
from game.state import ARRAY_COLUMNS, ClusterState, state_hash  # noqa: E402
from game.strategies import strategy  # noqa: E402
from game.view import team_view  # noqa: E402

SCENARIO = "grow"
STRATEGY = "member_first"
SECTION = "## Economy engine"
DEFAULT_OUT = ROOT / "docs" / "benchmarks.md"
COMMAND = "python benchmarks/engine.py --write"
INTRO = (
    "Performance figures of Cluster Board, each section with the machine it was measured "
    "on and the command that reproduces it."
)

TEAM_MEMBERS = 2_000
SESSION_TEAMS = 50  # the session case is titled "Session of 50"
SESSION_MEMBERS = 500
TEAM_TARGET_MS = 1.0
SESSION_TARGET_MS = 20.0

FULL = {"games": 20, "sessions": 3, "repeats": 5}
QUICK = {"games": 3, "sessions": 1, "repeats": 2}
WARMUP_SEED = 10_000  # seeds of the measured games start at 1


# -- scaled scenarios -------------------------------------------------------------------------


def scale_counts(counts: dict[Any, int], total: int) -> dict[Any, int]:
    """Scale counts to sum exactly to ``total``, keeping proportions (largest remainder)."""
    current = sum(counts.values())
    if current <= 0:
        raise ValueError("cannot scale counts that sum to zero")
    exact = {key: value * total / current for key, value in counts.items()}
    scaled = {key: int(value) for key, value in exact.items()}
    by_remainder = sorted(exact, key=lambda key: exact[key] - scaled[key], reverse=True)
    for key in by_remainder[: total - sum(scaled.values())]:
        scaled[key] += 1
    return scaled


def scaled_scenario(scenario: Scenario, members: int) -> tuple[Scenario, float]:
    """Return the scenario with ``members`` starting members and a region scaled alike."""
    factor = members / sum(scenario.start.members.values())
    start = scenario.start.model_copy(
        update={"members": scale_counts(scenario.start.members, members)}
    )
    region = scenario.region.model_copy(
        update={
            "prospects": {k: round(v * factor) for k, v in scenario.region.prospects.items()},
            "dormant": {k: round(v * factor) for k, v in scenario.region.dormant.items()},
        }
    )
    return scenario.model_copy(update={"start": start, "region": region}), factor


def state_nbytes(state: ClusterState) -> int:
    """Return the bytes held by the numpy arrays of a state's organizations."""
    orgs = state.organizations
    return sum(getattr(orgs, name).nbytes for name in ARRAY_COLUMNS)


# -- measurement ------------------------------------------------------------------------------


@dataclass
class Samples:
    """Timings in seconds, plus what the measured clusters looked like."""

    runs: list[list[float]] = field(default_factory=list)  # per round: every run's time
    rounds: list[int] = field(default_factory=list)  # per round: its number in the game
    view: list[float] = field(default_factory=list)  # per team and round
    decide: list[float] = field(default_factory=list)  # per team and round
    members: list[int] = field(default_factory=list)  # per team and round, as resolved
    wound_up: list[bool] = field(default_factory=list)  # per team and round: a dormant year
    rows: int = 0
    peak_bytes: int = 0

    @property
    def best(self) -> list[float]:
        return [min(runs) for runs in self.runs]

    @property
    def single(self) -> list[float]:
        return [runs[0] for runs in self.runs]

    @property
    def first_round(self) -> list[float]:
        return [min(runs) for runs, n in zip(self.runs, self.rounds, strict=True) if n == 1]


@dataclass(frozen=True)
class Recorded:
    """One round of a played game, kept to be resolved again."""

    states: list[ClusterState]
    decisions: list[Decisions]
    digest: str  # state hash of the first team's outcome
    index: int  # position in ``Samples.runs``
    seed: int


def _decide(
    state: ClusterState,
    scenario: Scenario,
    report: RoundReport | None,
    rng: np.random.Generator,
    samples: Samples | None,
) -> Any:
    play = strategy(STRATEGY).play
    t0 = time.perf_counter()
    view = team_view(state, scenario, report)
    t1 = time.perf_counter()
    decisions = play(view, scenario, rng)
    t2 = time.perf_counter()
    if samples is not None:
        samples.view.append(t1 - t0)
        samples.decide.append(t2 - t1)
    return decisions


def _resolve_all(
    states: list[ClusterState], decisions: list[Decisions], scenario: Scenario, seed: int
) -> tuple[float, list[tuple[ClusterState, RoundReport]]]:
    """Resolve the round of every team with ``game.round.resolve_all``, as the server does;
    return the time and the outcomes."""
    turns = [
        Turn(state, seat, submitted=decided)
        for seat, (state, decided) in enumerate(zip(states, decisions, strict=True))
    ]
    t0 = time.perf_counter()
    outcomes = resolve_all(turns, scenario, seed)
    return time.perf_counter() - t0, [(o.state, o.report) for o in outcomes]


def play_session(
    scenario: Scenario, seed: int, teams: int, rounds: int, samples: Samples | None
) -> list[Recorded]:
    """Play ``rounds`` rounds of a session, timing each round's resolution of all teams.

    Return the rounds played, to be resolved again. With ``samples`` None the session
    is played for warm-up only. View and decision times are recorded per team.
    """
    states = [initial_state(scenario, seed) for _ in range(teams)]
    reports: list[RoundReport | None] = [None] * teams
    played: list[Recorded] = []
    if samples is not None:
        samples.rows = states[0].organizations.size
        samples.peak_bytes = max(samples.peak_bytes, sum(state_nbytes(s) for s in states))
    for round_no in range(1, rounds + 1):
        opened = open_all(states, scenario, round_cards(scenario, seed, round_no))
        decisions = [
            _decide(state, scenario, reports[i], bot_generator(seed, i, round_no), samples)
            for i, state in enumerate(opened)
        ]
        elapsed, outcomes = _resolve_all(opened, decisions, scenario, seed)
        states = [state for state, _ in outcomes]
        reports = [report for _, report in outcomes]
        if samples is not None:
            digest = state_hash(states[0])
            played.append(Recorded(opened, decisions, digest, len(samples.runs), seed))
            samples.runs.append([elapsed])
            samples.rounds.append(round_no)
            samples.members.extend(state.members for state in opened)
            samples.wound_up.extend(state.wound_up for state in opened)
            samples.peak_bytes = max(samples.peak_bytes, sum(state_nbytes(s) for s in states))
    return played


def measure(
    scenario: Scenario,
    teams: int,
    games: int,
    rounds: int,
    repeats: int,
    progress: Callable[[str], None],
) -> Samples:
    """Warm up with one game, play ``games`` games on seeds 1, 2, ..., then run them again.

    ``resolve_round`` is a pure function, so every round played is resolved again
    ``repeats - 1`` times on the same states and decisions, in passes over all the
    rounds (a burst of other work on the machine then spoils one run of a round, not
    all of them); each repeat must give the state the game went on with.
    """
    play_session(scenario, WARMUP_SEED, teams, rounds, None)
    samples = Samples()
    played: list[Recorded] = []
    for game in range(games):
        gc.collect()
        played += play_session(scenario, game + 1, teams, rounds, samples)
        progress(f"  game {game + 1}/{games} played")
    for repeat in range(1, repeats):
        gc.collect()
        for entry in played:
            elapsed, outcomes = _resolve_all(entry.states, entry.decisions, scenario, entry.seed)
            samples.runs[entry.index].append(elapsed)
            if state_hash(outcomes[0][0]) != entry.digest:
                raise RuntimeError("resolving the same round again gave another state")
        progress(f"  repeat {repeat}/{repeats - 1} done")
    return samples


# -- figures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stat:
    median: float
    p90: float
    minimum: float
    count: int

    @staticmethod
    def of(seconds: Sequence[float]) -> Stat:
        ms = np.asarray(seconds, dtype=np.float64) * 1e3
        return Stat(
            float(np.median(ms)), float(np.percentile(ms, 90)), float(ms.min()), int(ms.size)
        )


@dataclass(frozen=True)
class Case:
    """The figures of one benchmark case."""

    title: str
    target_ms: float
    teams: int
    nominal_members: int
    factor: float
    games: int
    rounds: int
    repeats: int
    resolve: Stat
    single: Stat
    first_round: Stat
    view: Stat
    decide: Stat
    members_mean: float
    members_min: int
    members_max: int
    wound_up_share: float
    rows: int
    peak_bytes: int

    @property
    def passed(self) -> bool:
        """Within the target on the median round and on the first, full-size one: most
        later rounds may be dormant years of wound-up clusters, which cost little."""
        return max(self.resolve.median, self.first_round.median) <= self.target_ms


def summarise(
    title: str,
    target_ms: float,
    teams: int,
    members: int,
    factor: float,
    plan: dict[str, int],
    samples: Samples,
) -> Case:
    return Case(
        title=title,
        target_ms=target_ms,
        teams=teams,
        nominal_members=members,
        factor=factor,
        games=plan["games"],
        rounds=plan["rounds"],
        repeats=plan["repeats"],
        resolve=Stat.of(samples.best),
        single=Stat.of(samples.single),
        first_round=Stat.of(samples.first_round),
        view=Stat.of(_per_round(samples.view, teams)),
        decide=Stat.of(_per_round(samples.decide, teams)),
        members_mean=float(np.mean(samples.members)),
        members_min=int(np.min(samples.members)),
        members_max=int(np.max(samples.members)),
        wound_up_share=float(np.mean(samples.wound_up)) if samples.wound_up else 0.0,
        rows=samples.rows,
        peak_bytes=samples.peak_bytes,
    )


def _per_round(per_team: list[float], teams: int) -> list[float]:
    """Sum per-team times into per-round times (all teams of a round)."""
    return np.asarray(per_team).reshape(-1, teams).sum(axis=1).tolist()


def verdict(case: Case) -> str:
    return "pass" if case.passed else "FAIL"


def _ms(value: float) -> str:
    return f"{value:.2f} ms" if value < 100 else f"{value:.0f} ms"


def _bytes(value: int) -> str:
    return f"{value / 2**20:.2f} MiB" if value >= 2**20 else f"{value / 2**10:.0f} KiB"


def table(cases: list[Case]) -> str:
    """Return the figures as a markdown table."""
    lines = [
        "| Case | Per round | Median | p90 | Min | Target | Result |",
        "|---|---|--:|--:|--:|--:|---|",
    ]
    for case in cases:
        best = f"`resolve_round`, best of {case.repeats}" if case.repeats > 1 else "`resolve_round`"
        lines.append(
            f"| {case.title} | {best} | **{_ms(case.resolve.median)}** "
            f"| {_ms(case.resolve.p90)} | {_ms(case.resolve.minimum)} "
            f"| ≤ {case.target_ms:g} ms | **{verdict(case)}** |"
        )
        rows = [
            ("`resolve_round`, first round (full size)", case.first_round),
            ("`team_view`", case.view),
            ("strategy decision", case.decide),
        ]
        if case.repeats > 1:
            rows.insert(0, ("`resolve_round`, first run only", case.single))
        for label, stat in rows:
            lines.append(
                f"| {case.title} | {label} | {_ms(stat.median)} | {_ms(stat.p90)} "
                f"| {_ms(stat.minimum)} | – | – |"
            )
    return "\n".join(lines)


def details(cases: list[Case]) -> str:
    """Return, per case, what the measured clusters looked like."""
    lines = []
    for case in cases:
        games = f"{case.games} game{'s' if case.games != 1 else ''}"
        each = " per team" if case.teams > 1 else ""
        teams = f"{case.teams} teams × " if case.teams > 1 else ""
        who = "every team" if case.teams > 1 else "the team"
        lines += [
            f"- **{case.title}**: {teams}{case.nominal_members:,} starting members "
            f"(the scenario's members and prospects × {case.factor:g}); "
            f"{case.resolve.count} timed rounds ({games} × {case.rounds} rounds), "
            f"each resolved {case.repeats} time{'s' if case.repeats != 1 else ''}.",
            f"  - Region: {case.rows:,} organizations{each} (members and non-members; the "
            "engine's arrays cover them all).",
            f"  - Members while timed: mean {case.members_mean:,.0f}, min {case.members_min:,}, "
            f"max {case.members_max:,}{each}.",
            f"  - First round only ({who} at exactly {case.nominal_members:,} members): "
            f"median {_ms(case.first_round.median)}.",
            f"  - Wound-up clusters: {case.wound_up_share:.0%} of the team-rounds timed were "
            "the dormant year of a cluster wound up earlier, which resolves at a fraction of "
            "the cost of a live one.",
        ]
        if case.teams > 1:
            lines.append(
                f"  - Per team: median {_ms(case.resolve.median / case.teams)} to resolve, "
                f"{_ms((case.view.median + case.decide.median) / case.teams)} to view and decide."
            )
        lines.append(
            f"  - State arrays (`state.organizations`): peak {_bytes(case.peak_bytes)}"
            f"{' for all teams' if case.teams > 1 else ''}."
        )
    return "\n".join(lines)


# -- machine ----------------------------------------------------------------------------------


def _cpu_model() -> str:
    name = platform.processor()
    if name and name != platform.machine():
        return name
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def _git_revision() -> str:
    """Return the commit measured, noting uncommitted changes to the engine or scenarios."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", "game", "scenarios"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
    if not head:
        return ""
    changes = " (with uncommitted changes to `game/` or `scenarios/`)" if dirty else ""
    return f"`{head}`{changes}"


def machine() -> str:
    model = _cpu_model()
    cpu = f"{platform.machine()}{f', {model}' if model else ''}"
    return (
        f"{os.cpu_count()} logical CPUs ({cpu}), {platform.system()}, "
        f"Python {platform.python_version()}, numpy {np.__version__}"
    )


def load_average() -> str:
    """Return the one-minute load average, or an empty string where there is none."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except (AttributeError, OSError):
        return ""


# -- the document -----------------------------------------------------------------------------


def section(cases: list[Case], args: argparse.Namespace, today: str) -> str:
    revision = _git_revision()
    at = f" at commit {revision}" if revision else ""
    options = " (quick run: fewer repetitions)" if args.quick else ""
    team, session = cases
    load = f" Load average (1 min) before the run: {args.load}." if args.load else ""
    return f"""{SECTION}

Measured on {today}{at}, on {machine()}{options}.{load}

Reproduce with:

```sh
{COMMAND}
```

{table(cases)}

Targets, on the median round and on the first round (every cluster at its full size): \
one team with {team.nominal_members:,} members in at most \
{team.target_ms:g} ms; a session of {session.teams} teams with {session.nominal_members} members \
each in at most {session.target_ms:g} ms for all {session.teams} teams. \
The session's view and decision rows add up all {session.teams} teams of a round.

{details(cases)}

How it was measured:

- The `{SCENARIO}` scenario, with its starting members per segment scaled (largest
  remainder) to the nominal total and the region's prospects scaled by the same factor,
  through `model_copy` of the frozen `start` and `region` models. Budget, staff and
  funding are not scaled, so the same services and staff are spread over many more
  members, and many of them leave in the first rounds (see the member counts above).
- Each game starts from `game.setup.initial_state(scenario, seed)` on seeds 1, 2, …; every
  round is opened with `game.round.open_all` and that round's cards, and decided by the
  `{STRATEGY}` strategy from `game.view.team_view` before the clock starts.
- Only the resolution is timed for the targets, with `time.perf_counter`: the session's
  round function `game.round.resolve_all` (the one the server and the headless match
  call), over all {session.teams} teams of a round one after the other, in one process.
  The view and the decision are timed separately.
{_repeats_note(team.repeats)}
- One untimed warm-up game per case; the garbage collector stays on (as in the server)
  and runs between games. Members join and leave during play, so the member counts
  above are the ones actually resolved, not the nominal ones; the engine's arrays cover
  every organization of the region, members or not.
- Memory is the sum of `nbytes` of the numpy arrays in `state.organizations`, the
  largest over the timed rounds.
"""


def _repeats_note(repeats: int) -> str:
    if repeats <= 1:
        return "- Each round is resolved once, as the game is played (no repeats)."
    passes = "one more pass" if repeats == 2 else f"{repeats - 1} more passes"
    return f"""- `resolve_round` is a pure function, so after the games are played every round is
  resolved again on the same state and decisions, in {passes} over all the rounds,
  and each round counts its best run (as `timeit` advises): a burst of other work on the
  machine then spoils one run of a round, not the figure. Every repeat is checked to give
  the state the game went on with. The first run alone, the one that played the game, is
  shown too."""


def replace_section(text: str, new_section: str) -> str:
    """Replace the economy engine section of a document, or append it; keep the rest."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == SECTION), None)
    body = new_section.rstrip("\n") + "\n"
    if start is None:
        head = text.rstrip("\n")
        return f"{head}\n\n{body}" if head else body
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    before = "".join(lines[:start])
    after = "".join(lines[end:])
    return before + body + (f"\n{after}" if after else "")


def write_document(path: Path, new_section: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if not text.strip():
        text = f"# Benchmarks\n\n{INTRO}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(replace_section(text, new_section), encoding="utf-8")


# -- command line -----------------------------------------------------------------------------


def _int_between(low: int, high: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}, got {number}")
        return number

    return parse


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="benchmarks/engine.py",
        description="Time the economy engine's round resolution and report it.",
    )
    parser.add_argument("--quick", action="store_true", help="run fewer repetitions")
    parser.add_argument(
        "--rounds",
        type=_int_between(1, 20),
        default=None,
        metavar="N",
        help="rounds played per game (default: the scenario's, 10)",
    )
    parser.add_argument(
        "--games",
        type=_int_between(1, 1000),
        default=None,
        metavar="N",
        help=f"games timed for one team (default {FULL['games']}, quick {QUICK['games']})",
    )
    parser.add_argument(
        "--sessions",
        type=_int_between(1, 100),
        default=None,
        metavar="N",
        help=f"session games timed (default {FULL['sessions']}, quick {QUICK['sessions']})",
    )
    parser.add_argument(
        "--repeats",
        type=_int_between(1, 100),
        default=None,
        metavar="N",
        help="times each round is resolved, the best counting "
        f"(default {FULL['repeats']}, quick {QUICK['repeats']})",
    )
    parser.add_argument(
        "--write", action="store_true", help="update the 'Economy engine' section of --out"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        metavar="PATH",
        help="markdown file --write updates (default docs/benchmarks.md)",
    )
    args = parser.parse_args(argv)
    if args.out.exists() and not args.out.is_file():
        parser.error(f"--out: {args.out} is not a file")
    if args.write:
        folder = next(p for p in args.out.absolute().parents if p.exists())
        if not folder.is_dir() or not os.access(folder, os.W_OK):
            parser.error(f"--out: cannot write under {folder}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    defaults = QUICK if args.quick else FULL
    games = args.games or defaults["games"]
    sessions = args.sessions or defaults["sessions"]
    repeats = args.repeats or defaults["repeats"]

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    args.load = load_average()
    base = load_scenario(SCENARIO)
    rounds = args.rounds or base.rounds
    if rounds > base.rounds:
        print(
            f"benchmarks/engine.py: error: --rounds: the {SCENARIO} scenario has "
            f"{base.rounds} rounds, got {rounds}",
            file=sys.stderr,
        )
        return 2
    today = datetime.date.today().isoformat()

    cases = []
    for title, teams, members, target, count in (
        ("One team", 1, TEAM_MEMBERS, TEAM_TARGET_MS, games),
        ("Session of 50", SESSION_TEAMS, SESSION_MEMBERS, SESSION_TARGET_MS, sessions),
    ):
        scenario, factor = scaled_scenario(base, members)
        plan = {"games": count, "rounds": rounds, "repeats": repeats}
        progress(f"{title}: {teams} × {members} members, {count} game(s) × {rounds} rounds")
        samples = measure(scenario, teams, count, rounds, repeats, progress)
        cases.append(summarise(title, target, teams, members, factor, plan, samples))

    print(table(cases))
    print()
    print(details(cases))
    print()
    print("Result: " + ", ".join(f"{c.title.lower()} {verdict(c)}" for c in cases))
    if args.write:
        try:
            write_document(args.out, section(cases, args, today))
        except OSError as error:
            print(f"error: cannot write {args.out}: {error.strerror or error}", file=sys.stderr)
            return 1
        print(f"Wrote the '{SECTION[3:]}' section of {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
