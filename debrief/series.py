"""Each team's chart series, computed from its round reports: pure data, no drawing library.

The report's charts and the game client's game-over screen draw the same
numbers, so both call these functions on a team's list of ``RoundReport``:

- ``team_series``: per-round lines (financing mix, revenue, costs, cash,
  members by segment, engagement, stress, value impact, score);
- ``evolution_map``: the financing mix and financial stress at year 1, years
  3-5 and years 5-10 (DOMAIN.md, the evolution map);
- ``financing_model``: revenue shares by source and cost shares by kind;
- ``impact_roadmap``: each value-impact target against what was achieved;
- ``scorecard``: the balanced scorecard broken down into weighted parts.

Family and label lookups for funding sources come from the scenario
(``source_families``, ``source_labels``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from game.report import RoundReport
from game.scenario import Scenario
from game.scoring import COMPONENTS
from game.vocabulary import KPIS, SEGMENTS, Family, Kpi, Stress

FAMILIES: tuple[str, ...] = tuple(f.value for f in Family)
COST_KINDS: tuple[str, ...] = ("staff", "operations", "projects", "other")
STRESS_ORDER: dict[str, int] = {Stress.LOW: 0, Stress.MEDIUM: 1, Stress.HIGH: 2}
MEMBERSHIP_FEES = "membership_fees"
EVOLUTION_PHASES: tuple[tuple[str, int, int], ...] = (
    ("Year 1", 1, 1),
    ("Years 3-5", 3, 5),
    ("Years 5-10", 5, 10),
)


@dataclass(frozen=True)
class TeamSeries:
    """One value per resolved round, in round order, for every line a chart draws."""

    rounds: list[int]
    financing_mix: dict[str, list[float]]  # percent of revenue per family
    revenue_by_family: dict[str, list[float]]  # EUR
    revenue_total: list[float]
    costs: dict[str, list[float]]  # EUR per kind
    costs_total: list[float]
    cash: list[float]
    loan: list[float]
    runway_months: list[float]
    members_by_segment: dict[str, list[int]]
    members_total: list[int]
    engagement: list[float]
    stress: list[str]
    stage: list[str]
    kpis: dict[str, list[float]]  # cumulative value impact
    targets: dict[str, float]  # the board's latest targets for the last round
    score_components: dict[str, list[float]]
    game_score: list[float]


def team_series(reports: Sequence[RoundReport]) -> TeamSeries:
    """Return the per-round lines of one team's charts."""
    return TeamSeries(
        rounds=[r.round for r in reports],
        financing_mix={f: [float(r.financing_mix.get(f, 0.0)) for r in reports] for f in FAMILIES},
        revenue_by_family={
            f: [float(r.revenue_by_family.get(f, 0.0)) for r in reports] for f in FAMILIES
        },
        revenue_total=[r.revenue_total for r in reports],
        costs={k: [float(r.costs.get(k, 0.0)) for r in reports] for k in COST_KINDS},  # type: ignore[call-overload]
        costs_total=[r.costs_total for r in reports],
        cash=[r.cash for r in reports],
        loan=[r.loan for r in reports],
        runway_months=[r.runway_months for r in reports],
        members_by_segment={
            s.value: [int(r.members.by_segment.get(s, 0)) for r in reports] for s in SEGMENTS
        },
        members_total=[r.members.total for r in reports],
        engagement=[r.members.engagement_mean for r in reports],
        stress=[str(r.stress) for r in reports],
        stage=[r.stage for r in reports],
        kpis={k.value: [float(r.kpis.get(k, 0.0)) for r in reports] for k in KPIS},
        targets={str(k): v for k, v in reports[-1].targets.items()} if reports else {},
        score_components={
            c: [float(r.score.components.get(c, 0.0)) for r in reports] for c in COMPONENTS
        },
        game_score=[r.score.game_score for r in reports],
    )


# ---------------------------------------------------------------- the evolution map


@dataclass(frozen=True)
class EvolutionPhase:
    """The business model over one period of the evolution map."""

    label: str
    first: int  # first and last round (year) of the period
    last: int
    status: str  # "played", "partial" (under way), "pending" (not yet played), "beyond"
    rounds: list[int]  # the resolved rounds in the period
    mix: dict[str, float]  # percent of the period's revenue per family
    stress: str | None  # the most common stress level, ties to the higher
    budget: float  # mean yearly costs, EUR
    revenue: float  # mean yearly revenue, EUR
    members: int | None  # at the period's last resolved round
    staff_fte: float | None
    main_sources: list[str]  # funding source ids, largest first (at most three)


def evolution_map(reports: Sequence[RoundReport], rounds: int) -> list[EvolutionPhase]:
    """Return the evolution map: year 1, years 3-5 and years 5-10 of a game of ``rounds``.

    A round is a year. In a shorter or longer game the periods end at its last
    round (years 5-6 of a six-year game); a period after the last round is
    ``beyond`` the game, one not reached yet is ``pending``.
    """
    phases = []
    for index, (label, first, last) in enumerate(EVOLUTION_PHASES):
        end = rounds if index == len(EVOLUTION_PHASES) - 1 else min(last, rounds)
        if first < end != last:
            label, last = f"Years {first}-{end}", end
        inside = [r for r in reports if first <= r.round <= last]
        phases.append(_phase(label, first, last, inside, rounds))
    return phases


def _phase(
    label: str, first: int, last: int, inside: list[RoundReport], rounds: int
) -> EvolutionPhase:
    if first > rounds:
        status = "beyond"
    elif not inside:
        status = "pending"
    elif inside[-1].round < min(last, rounds):
        status = "partial"
    else:
        status = "played"
    revenue = sum(r.revenue_total for r in inside)
    by_family = {f: sum(float(r.revenue_by_family.get(f, 0.0)) for r in inside) for f in FAMILIES}
    by_source: Counter[str] = Counter()
    for report in inside:
        by_source.update({k: v for k, v in report.revenue_by_source.items() if v > 0})
    count = max(len(inside), 1)
    return EvolutionPhase(
        label=label,
        first=first,
        last=last,
        status=status,
        rounds=[r.round for r in inside],
        mix={f: 100.0 * v / revenue if revenue > 0 else 0.0 for f, v in by_family.items()},
        stress=_common_stress([str(r.stress) for r in inside]),
        budget=sum(r.costs_total for r in inside) / count,
        revenue=revenue / count,
        members=inside[-1].members.total if inside else None,
        staff_fte=inside[-1].staff.fte if inside else None,
        main_sources=[source for source, _ in by_source.most_common(3)],
    )


def _common_stress(levels: list[str]) -> str | None:
    if not levels:
        return None
    counts = Counter(levels)
    return max(counts, key=lambda level: (counts[level], STRESS_ORDER.get(level, 0)))


# ---------------------------------------------------------------- the financing model


@dataclass(frozen=True)
class Part:
    """One slice of revenue or costs."""

    key: str  # a funding source id or a cost kind
    family: str | None  # public, private or project for revenue; None for costs
    amount: float  # EUR
    share: float  # percent of the total


@dataclass(frozen=True)
class FinancingModel:
    """Where the money came from and where it went: the last year and the whole game."""

    round: int
    revenue: list[Part]
    costs: list[Part]
    revenue_game: list[Part]
    costs_game: list[Part]


def source_families(scenario: Scenario) -> dict[str, str]:
    """Return the family of every funding source id a report can name."""
    families = {entry.id: str(entry.family) for entry in scenario.funding}
    families[MEMBERSHIP_FEES] = Family.PRIVATE.value
    return families


def source_labels(scenario: Scenario) -> dict[str, str]:
    """Return a readable name for every funding source id a report can name."""
    labels = {entry.id: entry.name for entry in scenario.funding}
    labels[MEMBERSHIP_FEES] = "Membership fees"
    return labels


def financing_model(
    reports: Sequence[RoundReport], families: Mapping[str, str] | None = None
) -> FinancingModel:
    """Return revenue shares by source and cost shares by kind (last year and whole game)."""
    families = families or {}
    last = reports[-1] if reports else None
    revenue_game: Counter[str] = Counter()
    costs_game: Counter[str] = Counter()
    for report in reports:
        revenue_game.update(report.revenue_by_source)
        costs_game.update({k: float(v) for k, v in report.costs.items()})
    return FinancingModel(
        round=last.round if last else 0,
        revenue=_revenue_parts(dict(last.revenue_by_source) if last else {}, families),
        costs=_cost_parts(dict(last.costs) if last else {}),
        revenue_game=_revenue_parts(dict(revenue_game), families),
        costs_game=_cost_parts(dict(costs_game)),
    )


def _revenue_parts(amounts: dict[str, float], families: Mapping[str, str]) -> list[Part]:
    total = sum(v for v in amounts.values() if v > 0)
    order = {f: i for i, f in enumerate(FAMILIES)}
    parts = [
        Part(key, families.get(key), value, 100.0 * value / total if total else 0.0)
        for key, value in amounts.items()
        if value > 0
    ]
    return sorted(parts, key=lambda p: (order.get(p.family or "", 9), -p.amount, p.key))


def _cost_parts(amounts: dict[str, float]) -> list[Part]:
    total = sum(v for v in amounts.values() if v > 0)
    return [
        Part(kind, None, amounts.get(kind, 0.0), 100.0 * amounts.get(kind, 0.0) / total)
        if total
        else Part(kind, None, 0.0, 0.0)
        for kind in COST_KINDS
    ]


# ---------------------------------------------------------------- the value impact roadmap


@dataclass(frozen=True)
class RoadmapLine:
    """One value-impact outcome: the board's target against what the cluster added."""

    kpi: str
    target: float | None  # promised by the last round; None when the board set none
    reference: float | None  # the scenario's yardstick for a strong cluster
    achieved: list[float]  # cumulative, per resolved round
    expected: list[float]  # the target pro rata per resolved round (empty without a target)
    reached: float | None  # achieved over the pro-rata target at the last resolved round, %


def impact_roadmap(
    reports: Sequence[RoundReport],
    rounds: int,
    reference: Mapping[Kpi, float] | Mapping[str, float] | None = None,
) -> list[RoadmapLine]:
    """Return, per KPI, the target path and the achieved path up to the last resolved round."""
    targets = {str(k): v for k, v in reports[-1].targets.items()} if reports else {}
    yardstick = {str(k): v for k, v in (reference or {}).items()}
    lines = []
    for kpi in KPIS:
        achieved = [float(r.kpis.get(kpi, 0.0)) for r in reports]
        target = targets.get(kpi.value) or None
        expected = [target * r.round / rounds for r in reports] if target else []
        reached = None
        if target and reports:
            reached = 100.0 * achieved[-1] / max(expected[-1], 1e-9)
        lines.append(
            RoadmapLine(kpi.value, target, yardstick.get(kpi.value), achieved, expected, reached)
        )
    return lines


# ---------------------------------------------------------------- the scorecard


@dataclass(frozen=True)
class Scorecard:
    """The game score broken down: each component's mean and its weighted part."""

    components: dict[str, float]  # mean over the rounds, 0..100
    weighted: dict[str, float]  # weight times mean; these parts add up to the score
    score: float


def scorecard(reports: Sequence[RoundReport], weights: Mapping[str, float]) -> Scorecard:
    """Return the scorecard of a team's rounds under the session's weights."""
    count = max(len(reports), 1)
    means = {
        c: sum(float(r.score.components.get(c, 0.0)) for r in reports) / count for c in COMPONENTS
    }
    weighted = {c: float(weights.get(c, 0.0)) * means[c] for c in COMPONENTS}
    return Scorecard(means, weighted, round(sum(weighted.values()), 2))
