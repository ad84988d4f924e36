"""Measure the eleven stylized facts and print (or write) their effects as markdown.

Usage: python benchmarks/stylized_facts.py [--write] [--out docs/stylized-facts.md]

The measurements are the ones the statistical tests assert on
(tests/test_stylized_facts.py): two contrasting boards over seeds 0 to 29.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import test_stylized_facts as facts  # noqa: E402

TITLES = {
    1: "Public dependence is fragile",
    2: "Diversification de-risks",
    3: "Single-service models break in shocks",
    4: "Projects can hollow out the cluster",
    5: "Price signals value",
    6: "Contact and communication keep members",
    7: "Startups and capital need their own value",
    8: "Build clusters start slow",
    9: "Transform clusters can charge for urgency",
    10: "Staff capacity limits what a cluster can do",
    11: "A business model evolves over years",
}


def _format(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"


def measure() -> str:
    lines = [
        "| # | fact | measured (mean over seeds 0-29) |",
        "| --- | --- | --- |",
    ]
    for number, function in facts.MEASURES.items():
        figures = function()
        text = "; ".join(f"{name.replace('_', ' ')} {_format(v)}" for name, v in figures.items())
        lines.append(f"| {number} | {TITLES[number]} | {text} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the table to --out")
    parser.add_argument("--out", default=str(ROOT / "docs" / "stylized-facts.md"))
    args = parser.parse_args(argv)
    started = time.perf_counter()
    table = measure()
    elapsed = time.perf_counter() - started
    text = (
        "# Stylized facts: measured effects\n\n"
        "Written by `python benchmarks/stylized_facts.py --write`; each row is what the\n"
        "statistical test of that fact measures (tests/test_stylized_facts.py), before its\n"
        "assertion with a stated margin. See docs/model.md for what each board does.\n\n"
        f"{table}\n\n_Measured in {elapsed:.0f} s._\n"
    )
    if args.write:
        Path(args.out).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
