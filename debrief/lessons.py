"""What the strategies that did well had in common: the top of the leaderboard against the rest.

Each team is described by a few traits of its business model (where its money
came from, how many sources, its members, its staff, its stress). The traits in
which the upper half of the leaderboard differs most from the lower half,
measured against the spread across all teams, become plain sentences.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from debrief.record import SessionRecord, TeamEntry
from game.vocabulary import Stress

MOST_LESSONS = 4
SMALLEST_GAP = 0.25  # a difference under a quarter of the spread is not a pattern


@dataclass(frozen=True)
class Trait:
    key: str
    more: str  # what the upper half did when its value is higher
    less: str  # ... and when it is lower
    show: Callable[[float], str]
    what: str  # what the number is
    measure: Callable[[TeamEntry], float]


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _pct(value: float) -> str:
    return f"{value:.0f} %"


def _one(value: float) -> str:
    return f"{value:.1f}"


def _growth(team: TeamEntry) -> float:
    first, last = team.reports[0].members, team.reports[-1].members
    start = first.total - sum(first.joined.values()) + sum(first.left.values())
    return 100.0 * (last.total - start) / max(start, 1)


TRAITS: tuple[Trait, ...] = (
    Trait(
        "private_share",
        "earned more private money",
        "earned less private money",
        _pct,
        "of revenue from private sources in the last year",
        lambda t: float(t.reports[-1].financing_mix.get("private", 0.0)),
    ),
    Trait(
        "public_share",
        "leaned more on public money",
        "leaned less on public money",
        _pct,
        "of revenue from public sources on average",
        lambda t: _mean([float(r.financing_mix.get("public", 0.0)) for r in t.reports]),
    ),
    Trait(
        "project_share",
        "took on more project money",
        "took on less project money",
        _pct,
        "of revenue from projects on average",
        lambda t: _mean([float(r.financing_mix.get("project", 0.0)) for r in t.reports]),
    ),
    Trait(
        "sources",
        "had more financing sources",
        "had fewer financing sources",
        _one,
        "sources paying in the last year",
        lambda t: float(sum(1 for v in t.reports[-1].revenue_by_source.values() if v > 0)),
    ),
    Trait(
        "contact",
        "kept more personal contact with members",
        "kept less personal contact with members",
        _pct,
        "of the contact members need, on average",
        lambda t: 100.0 * _mean([r.members.contact for r in t.reports]),
    ),
    Trait(
        "growth",
        "kept more members",
        "kept fewer members",
        lambda v: f"{v:+.0f} %",
        "members over the game",
        _growth,
    ),
    Trait(
        "utilisation",
        "asked more of their staff",
        "asked less of their staff",
        _pct,
        "of staff capacity on average",
        lambda t: 100.0 * _mean([r.staff.utilisation for r in t.reports]),
    ),
    Trait(
        "high_stress",
        "spent more years in high financial stress",
        "spent fewer years in high financial stress",
        _one,
        "years of high stress",
        lambda t: float(sum(1 for r in t.reports if r.stress == Stress.HIGH)),
    ),
    Trait(
        "runway",
        "kept a longer cash runway",
        "kept a shorter cash runway",
        lambda v: f"{v:.1f} months",
        "of runway at the end",
        lambda t: float(t.reports[-1].runway_months),
    ),
)


@dataclass(frozen=True)
class Lesson:
    text: str
    gap: float  # the difference in units of the spread across teams


def common_ground(record: SessionRecord) -> list[Lesson]:
    """Return what the upper half of the leaderboard did differently from the rest."""
    ranked = [record.team(s.team) for s in record.leaderboard]
    ranked = [t for t in ranked if t.rounds]
    if len(ranked) < 2:
        alone = "With one team there is no one to compare with: use the yardsticks."
        return [Lesson(alone, 0.0)]
    top = ranked[: len(ranked) // 2]
    found = []
    for trait in TRAITS:
        values = [trait.measure(t) for t in ranked]
        spread = max(values) - min(values)
        if spread <= 1e-9:
            continue
        high, low = _mean(values[: len(top)]), _mean(values[len(top) :])
        gap = (high - low) / spread
        if abs(gap) >= SMALLEST_GAP:
            found.append((abs(gap), trait, high, low))
    found.sort(key=lambda item: -item[0])
    who = "The leader" if len(top) == 1 else f"The top {len(top)} teams"
    lessons = [
        Lesson(
            f"{who} {trait.more if high > low else trait.less}: {trait.show(high)} "
            f"{trait.what}, against {trait.show(low)} for the others.",
            gap,
        )
        for gap, trait, high, low in found[:MOST_LESSONS]
    ]
    alike = "The teams' business models were alike; luck and timing split them."
    return lessons or [Lesson(alike, 0.0)]
