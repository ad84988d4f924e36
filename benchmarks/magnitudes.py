"""Measure the cluster's magnitudes per stage and set them beside DOMAIN.md's ranges.

Usage: python benchmarks/magnitudes.py [--seeds 10] [--write] [--out docs/model.md]

The sensible built-in boards (member_first, startup_builder) play grow, transform
and build on seeds 0 to N-1; every year a cluster ends (not wound up) counts for the
stage it ends in. For each stage the table gives the median and the 10th-90th
percentile of the year's budget (revenue), the public, private and project shares,
the fee income, the staff and the members, and the range the documents give for a
cluster of that stage. With ``--write`` the table replaces the one between the
``magnitudes`` markers of docs/model.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from boards import bot, play_many  # noqa: E402

from game.scenario import load_scenario  # noqa: E402
from game.vocabulary import Family  # noqa: E402

SCENARIOS = ("grow", "transform", "build")
BOARDS = ("member_first", "startup_builder")
STAGES = ("baby", "emerging", "growth", "supercluster")
START, END = "<!-- magnitudes:start -->", "<!-- magnitudes:end -->"


@dataclass(frozen=True)
class Documented:
    """What DOMAIN.md says of a cluster at one stage: (low, high) per magnitude, or None."""

    budget: tuple[float, float] | None
    public: tuple[float, float] | None
    fees: tuple[float, float] | None
    staff: tuple[float, float] | None
    members: tuple[float, float] | None
    source: str


# From ../shared/design/DOMAIN.md ("Typical figures"); a stage the documents do not
# describe has no range.
DOCUMENTED = {
    "baby": Documented(
        (100_000, 125_000),
        (60, 100),
        (0, 40_000),
        (0.5, 3),
        (15, 50),
        "evolution map, year 1 (all public, high stress); EU platform: at least 0.5 FTE "
        "and 15 members; half of clusters have three staff or fewer",
    ),
    "emerging": Documented(
        (300_000, 350_000),
        (30, 60),
        (50_000, 150_000),
        (2, 5),
        (30, 100),
        "evolution map, five years on (40 % public, fees 100k); Monterrey about 50 members, "
        "MetaIndustry4 60",
    ),
    "growth": Documented(
        (400_000, 850_000),
        (0, 50),
        (150_000, 450_000),
        (3, 8),
        (50, 200),
        "evolution map, ten years on (800-850k, 5 FTE); the mature ocean cluster (45 % "
        "public, 165 members, 3 staff); Health Valley 8 staff, about 200 partners",
    ),
    "supercluster": Documented(None, None, None, None, None, "not documented"),
}


# The evolution map's own cluster by age (DOMAIN.md, "Typical figures": "a young growth
# cluster, 100,000 to 125,000 EUR a year; five years on, 300,000 to 350,000; ten years
# on, 800,000 to 850,000 with five full-time staff"), set beside build's member-first
# board in the same years: (year, budget range, public share in the map, staff).
AGES = (
    (1, (100_000, 125_000), 100, None),
    (5, (300_000, 350_000), 40, None),
    (10, (800_000, 850_000), 0, (5, 5)),
)
AGE_SCENARIO, AGE_BOARD = "build", "member_first"


def measure_ages(seeds: int) -> dict[int, dict[str, list[float]]]:
    """Return, for each of the map's years, build's member-first magnitudes that year."""
    games = play_many(load_scenario(AGE_SCENARIO), bot(AGE_BOARD), range(seeds))
    return {
        year: {
            "budget": [g.reports[year - 1].revenue_total for g in games],
            "public": [g.reports[year - 1].financing_mix[Family.PUBLIC] for g in games],
            "staff": [g.reports[year - 1].staff.fte for g in games],
        }
        for year, *_ in AGES
    }


def ages_table(ages: dict[int, dict[str, list[float]]], seeds: int) -> list[str]:
    lines = [
        "",
        f"The map's budgets are one cluster's years, not stages; {AGE_BOARD} in "
        f"{AGE_SCENARIO} (seeds 0-{seeds - 1}) in the same years (year 1 is round 1):",
        "",
        "| year | budget (revenue, EUR) | map | in range | public % | map | staff (FTE) | map "
        "| in range |",
        "| ---: | --- | --- | --- | ---: | ---: | --- | --- | --- |",
    ]
    for year, budget, public, staff in AGES:
        row = ages[year]
        lines.append(
            f"| {year} | {_cell(row['budget'], True)} | {_range(budget, True)} | "
            f"{_inside(row['budget'], budget)} | {np.median(row['public']):.0f} | {public} | "
            f"{_cell(row['staff'])} | {_range(staff)} | {_inside(row['staff'], staff)} |"
        )
    return lines


def measure(seeds: int) -> dict[str, dict[str, list[float]]]:
    """Return, per stage, the list of every measured year's magnitudes."""
    rows: dict[str, dict[str, list[float]]] = {
        stage: {
            k: [] for k in ("budget", "public", "private", "project", "fees", "staff", "members")
        }
        for stage in STAGES
    }
    for name in SCENARIOS:
        scenario = load_scenario(name)
        for board in BOARDS:
            for game in play_many(scenario, bot(board), range(seeds)):
                for report in game.reports:
                    if report.wound_up:
                        break
                    row = rows[report.stage]
                    row["budget"].append(report.revenue_total)
                    row["public"].append(report.financing_mix[Family.PUBLIC])
                    row["private"].append(report.financing_mix[Family.PRIVATE])
                    row["project"].append(report.financing_mix[Family.PROJECT])
                    row["fees"].append(report.revenue_by_source.get("membership_fees", 0.0))
                    row["staff"].append(report.staff.fte)
                    row["members"].append(report.members.total)
    return rows


def _cell(values: list[float], money: bool = False) -> str:
    if not values:
        return "-"
    low, mid, high = np.percentile(values, [10, 50, 90])
    if money:
        return f"{mid / 1000:,.0f}k ({low / 1000:,.0f}-{high / 1000:,.0f}k)"
    digits = 1 if high < 10 else 0
    return f"{mid:.{digits}f} ({low:.{digits}f}-{high:.{digits}f})"


def _range(bounds: tuple[float, float] | None, money: bool = False) -> str:
    if bounds is None:
        return "-"
    if money:
        return f"{bounds[0] / 1000:,.0f}-{bounds[1] / 1000:,.0f}k"
    if bounds[0] == bounds[1]:
        return f"{bounds[0]:g}"
    return f"{bounds[0]:g}-{bounds[1]:g}"


def _inside(values: list[float], bounds: tuple[float, float] | None) -> str:
    if bounds is None or not values:
        return ""
    median = float(np.median(values))
    return "yes" if bounds[0] <= median <= bounds[1] else "**no**"


def table(
    rows: dict[str, dict[str, list[float]]],
    seeds: int,
    ages: dict[int, dict[str, list[float]]] | None = None,
) -> str:
    lines = [
        START,
        f"Written by `python benchmarks/magnitudes.py --seeds {seeds} --write` "
        f"({', '.join(BOARDS)} in {', '.join(SCENARIOS)}, seeds 0-{seeds - 1}; "
        "every year a cluster ends in the stage). Model: median (10th-90th percentile). "
        "Documents: DOMAIN.md's range; in range: the model's median lies inside it.",
        "",
        "| stage | years | magnitude | model | documents | in range |",
        "| --- | ---: | --- | --- | --- | --- |",
    ]
    for stage in STAGES:
        row, doc = rows[stage], DOCUMENTED[stage]
        years = len(row["budget"])
        if not years:
            continue
        mix = (
            f"{np.median(row['public']):.0f} / {np.median(row['private']):.0f} / "
            f"{np.median(row['project']):.0f}"
        )
        cells = [
            ("budget (revenue, EUR)", _cell(row["budget"], True), _range(doc.budget, True),
             _inside(row["budget"], doc.budget)),
            ("public / private / project %", mix, _range(doc.public) + " public" if doc.public
             else "-", _inside(row["public"], doc.public)),
            ("membership fees (EUR)", _cell(row["fees"], True), _range(doc.fees, True),
             _inside(row["fees"], doc.fees)),
            ("staff (FTE)", _cell(row["staff"]), _range(doc.staff),
             _inside(row["staff"], doc.staff)),
            ("members", _cell(row["members"]), _range(doc.members),
             _inside(row["members"], doc.members)),
        ]  # fmt: skip
        for i, (name, model, documented, inside) in enumerate(cells):
            label = f"**{stage}**" if i == 0 else ""
            count = str(years) if i == 0 else ""
            lines.append(f"| {label} | {count} | {name} | {model} | {documented} | {inside} |")
    if ages is not None:
        lines += ages_table(ages, seeds)
    lines += ["", "Sources of the documented ranges:", ""]
    for stage in STAGES:
        lines.append(f"- {stage}: {DOCUMENTED[stage].source}.")
    lines.append(END)
    return "\n".join(lines)


def write(text: str, out: Path) -> None:
    """Replace the table between the markers of ``out`` (which must hold both)."""
    doc = out.read_text(encoding="utf-8")
    if START not in doc or END not in doc:
        raise SystemExit(f"{out}: no {START} ... {END} markers to write the table between")
    before, rest = doc.split(START, 1)
    after = rest.split(END, 1)[1]
    out.write_text(before + text + after, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--out", default=str(ROOT / "docs" / "model.md"))
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error("--seeds must be at least 1")
    started = time.perf_counter()
    text = table(measure(args.seeds), args.seeds, measure_ages(args.seeds))
    print(text)
    print(f"\n{time.perf_counter() - started:.1f} s", file=sys.stderr)
    if args.write:
        write(text, Path(args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
