"""The balanced scorecard: value impact, financial sustainability, engagement, diversification.

Each round earns four components on a 0-100 scale; the game score is the
weighted sum averaged over every round played, so one lucky round is worth at
most one round's share and the weights can change (the facilitator may) without
replaying the game. Rules against end-of-game exploits:

- runway earns score only up to a cap (hoarding cash in the last year buys nothing
  beyond it), and is measured net of the loan and of co-financing still owed on
  running projects (obligations after the last round count now);
- value impact is cumulative and lags the work behind it, so spending everything
  in the last year adds little, while the runway it burns costs score;
- impact is scored on a logarithmic scale of what the cluster added against the
  counterfactual, up to a ceiling far above the yardstick, so a bigger impact
  always counts and good and excellent boards stay apart;
- targets pay only when met and ambitious, and cost when missed in proportion to
  the share missed, so writing big numbers earns nothing for the same play.
"""

from __future__ import annotations

import math

from game.economy import FinanceEconomy, ImpactScoreEconomy
from game.scenario import Scoring
from game.vocabulary import Kpi, Stress

COMPONENTS = ("impact", "sustainability", "engagement", "diversification")
STRESS_SCORE = {Stress.LOW: 1.0, Stress.MEDIUM: 0.5, Stress.HIGH: 0.0}


def achievement(multiple: float, rules: ImpactScoreEconomy) -> float:
    """Return a KPI's achievement part, 0..1, from its multiple of the pro-rata yardstick.

    Logarithmic up to the ceiling: each doubling of what the cluster adds earns about
    the same, so good and excellent boards stay apart over the whole range they reach.
    """
    if multiple <= 0:
        return 0.0
    return min(math.log1p(multiple) / math.log1p(rules.ceiling), 1.0)


def roadmap(
    got: float, target: float, reference: float, progress: float, rules: ImpactScoreEconomy
) -> float:
    """Return a KPI's roadmap part, -miss_penalty..1, for one target.

    A target met pro rata pays only as far as it is ambitious (between
    ``ambition_floor`` and ``ambition_full`` times the yardstick); a target missed
    costs in proportion to the share missed. No target neither pays nor costs.
    """
    if target <= 0:
        return 0.0
    due = target * progress
    if got >= due:
        span = rules.ambition_full - rules.ambition_floor
        return min(max((target / reference - rules.ambition_floor) / span, 0.0), 1.0)
    return -rules.miss_penalty * (1.0 - max(got, 0.0) / due)


def impact_component(
    achieved: dict[Kpi, float],
    targets: dict[Kpi, float],
    scoring: Scoring,
    round_no: int,
    rounds: int,
    rules: ImpactScoreEconomy,
) -> float:
    """Score cumulative value impact against the yardstick and the roadmap, pro rata.

    Every KPI is already measured against the counterfactual (``game.impact``); its
    part mixes achievement on a logarithmic scale and the roadmap, and the mean over
    the KPIs, never below zero, is scaled to 0..100.
    """
    progress = max((round_no / rounds) ** scoring.ramp, rules.due_floor)
    weight = rules.roadmap_weight
    parts = []
    for kpi, reference in scoring.reference.items():
        got = max(achieved.get(kpi, 0.0), 0.0)
        reached = achievement(got / (reference * progress), rules)
        promise = roadmap(got, targets.get(kpi, 0.0), reference, progress, rules)
        parts.append((1.0 - weight) * reached + weight * promise)
    return 100.0 * max(sum(parts) / len(parts), 0.0)


def sustainability_component(
    net_cash: float,
    year_costs: float,
    recurring_revenue: float,
    stress: Stress,
    rules: FinanceEconomy,
) -> float:
    """Score runway (capped, net of obligations), structural balance and stress."""
    months = 12.0 * max(net_cash, 0.0) / max(year_costs, 1.0)
    runway = min(months, rules.runway_cap_months) / rules.runway_cap_months
    balance = min(recurring_revenue / max(year_costs, 1.0), 1.0)
    return 100.0 * (0.4 * runway + 0.35 * balance + 0.25 * STRESS_SCORE[stress])


ENGAGED_REFERENCE = 0.7  # a well-run cluster keeps its starting members this engaged
ENGAGED_CAP = 1.3  # engaged membership above 130 % of that reference earns no more


def engagement_component(mean_engagement: float, members: int, start_members: int) -> float:
    """Score engaged membership against the starting base, and average engagement.

    Counting engaged members (members times their engagement) rather than the
    average alone means a cluster cannot score by shrinking to a loyal few.
    """
    engaged = members * mean_engagement / max(start_members * ENGAGED_REFERENCE, 1.0)
    return 100.0 * (0.6 * min(engaged, ENGAGED_CAP) / ENGAGED_CAP + 0.4 * mean_engagement)


def diversification_component(herfindahl: float) -> float:
    """Score spread across public, private and project money (1/3 each scores 100)."""
    return 100.0 * min(max((1.0 - herfindahl) / (2.0 / 3.0), 0.0), 1.0)


def round_total(components: dict[str, float], weights: dict[str, float]) -> float:
    return sum(weights[name] * components[name] for name in COMPONENTS)


def game_score(history: tuple[dict[str, float], ...], weights: dict[str, float]) -> float:
    """Return the game score so far: the mean of the rounds' weighted totals."""
    if not history:
        return 0.0
    return round(sum(round_total(c, weights) for c in history) / len(history), 2)


def normalise_weights(weights: dict[str, float]) -> dict[str, float]:
    """Return weights over the four components scaled to sum to one."""
    unknown = set(weights) - set(COMPONENTS)
    if unknown:
        raise ValueError(f"unknown scorecard components: {sorted(unknown)}")
    full = {name: max(float(weights.get(name, 0.0)), 0.0) for name in COMPONENTS}
    total = sum(full.values())
    if total <= 0:
        raise ValueError("scorecard weights must not all be zero")
    return {name: value / total for name, value in full.items()}
