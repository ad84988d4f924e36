"""Unit tests of the balanced scorecard (``game/scoring.py``).

Bounds are checked on a random sample of inputs: numpy seed 2024, 500 draws per
component, spanning ordinary values and extremes (negative, zero, far beyond any
yardstick); a component passes only if every draw stays within 0..100.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from game.economy import FinanceEconomy, ImpactScoreEconomy
from game.finance import concentration
from game.scenario import Scoring, load_scenario
from game.scoring import (
    COMPONENTS,
    diversification_component,
    engagement_component,
    game_score,
    impact_component,
    normalise_weights,
    round_total,
    sustainability_component,
)
from game.vocabulary import Family, Kpi, Stress

SAMPLE_SEED = 2024
DRAWS = 500
EQUAL = {name: 0.25 for name in COMPONENTS}


@pytest.fixture(scope="module")
def rules() -> FinanceEconomy:
    return load_scenario("grow").economy.finance


@pytest.fixture(scope="module")
def impact_rules() -> ImpactScoreEconomy:
    return load_scenario("grow").economy.impact_score


@pytest.fixture(scope="module")
def scoring() -> Scoring:
    reference = {kpi: 10.0 * (i + 1) for i, kpi in enumerate(Kpi)}
    return Scoring(weights=EQUAL, reference=reference, ramp=1.0)


def spread(rng: np.random.Generator, low: float, high: float) -> float:
    """Draw on a log scale between low and high magnitudes, sometimes negative or zero."""
    pick = rng.random()
    if pick < 0.1:
        return 0.0
    value = float(10 ** rng.uniform(np.log10(low), np.log10(high)))
    return -value if pick < 0.2 else value


# ---------------------------------------------------------------- bounds


def test_impact_component_is_bounded(scoring: Scoring, impact_rules: ImpactScoreEconomy):
    rng = np.random.default_rng(SAMPLE_SEED)
    for _ in range(DRAWS):
        rounds = int(rng.integers(1, 21))
        achieved = {kpi: spread(rng, 1e-3, 1e6) for kpi in Kpi}
        targets = {kpi: abs(spread(rng, 1e-3, 1e6)) for kpi in Kpi if rng.random() < 0.5}
        score = impact_component(
            achieved, targets, scoring, int(rng.integers(1, rounds + 1)), rounds, impact_rules
        )
        assert 0.0 <= score <= 100.0, (achieved, targets)


def test_sustainability_component_is_bounded(rules: FinanceEconomy):
    """Net cash may be negative (a loan, co-financing owed); costs and revenue are not."""
    rng = np.random.default_rng(SAMPLE_SEED)
    for _ in range(DRAWS):
        net_cash, costs, revenue = (spread(rng, 1, 1e9) for _ in range(3))
        stress = Stress(rng.choice(list(Stress)))
        score = sustainability_component(net_cash, abs(costs), abs(revenue), stress, rules)
        assert 0.0 <= score <= 100.0, (net_cash, costs, revenue, stress)


def test_engagement_component_is_bounded():
    rng = np.random.default_rng(SAMPLE_SEED)
    for _ in range(DRAWS):
        score = engagement_component(
            float(rng.random()), int(rng.integers(0, 5000)), int(rng.integers(0, 500))
        )
        assert 0.0 <= score <= 100.0


def test_diversification_component_is_bounded():
    for herfindahl in np.linspace(-1.0, 2.0, 301):
        assert 0.0 <= diversification_component(float(herfindahl)) <= 100.0


def test_the_extremes_reach_zero_and_one_hundred(
    rules: FinanceEconomy, scoring: Scoring, impact_rules: ImpactScoreEconomy
):
    far = {kpi: 1e9 for kpi in Kpi}
    assert impact_component(far, far, scoring, 5, 10, impact_rules) == pytest.approx(100.0)
    assert impact_component({}, {}, scoring, 5, 10, impact_rules) == 0.0
    assert sustainability_component(1e9, 1e5, 1e9, Stress.LOW, rules) == pytest.approx(100.0)
    assert sustainability_component(-1e6, 1e5, 0.0, Stress.HIGH, rules) == 0.0
    assert engagement_component(1.0, 1000, 100) == pytest.approx(100.0)
    assert engagement_component(0.0, 0, 100) == 0.0


# ---------------------------------------------------------------- caps against exploits


def test_runway_beyond_the_cap_earns_nothing_more(rules: FinanceEconomy):
    costs = 500_000.0
    at_cap = costs * rules.runway_cap_months / 12.0

    def score(cash: float) -> float:
        return sustainability_component(cash, costs, 0.8 * costs, Stress.MEDIUM, rules)

    assert score(at_cap) == pytest.approx(score(2 * at_cap))
    assert score(at_cap) == pytest.approx(score(100 * at_cap))
    assert score(0.5 * at_cap) < score(at_cap), "runway below the cap still earns score"


def _scaled(scoring: Scoring, factor: float) -> dict[Kpi, float]:
    return {kpi: reference * factor for kpi, reference in scoring.reference.items()}


def test_impact_beyond_its_ceiling_earns_nothing_more(
    scoring: Scoring, impact_rules: ImpactScoreEconomy
):
    def score(factor: float) -> float:
        return impact_component(_scaled(scoring, factor), {}, scoring, 10, 10, impact_rules)

    ceiling = impact_rules.ceiling
    assert score(ceiling) == pytest.approx(100.0 * (1.0 - impact_rules.roadmap_weight))
    assert score(10 * ceiling) == pytest.approx(score(ceiling))
    assert score(ceiling / 2) < score(ceiling)


def test_every_doubling_below_the_ceiling_counts(
    scoring: Scoring, impact_rules: ImpactScoreEconomy
):
    """Good and excellent boards stay apart: from half the yardstick to the ceiling,
    each doubling of what the cluster adds earns at least 8 more points."""
    factors = [0.5 * 2**i for i in range(5) if 0.5 * 2 ** (i + 1) <= impact_rules.ceiling]
    assert len(factors) >= 3
    for low in factors:
        low_score = impact_component(_scaled(scoring, low), {}, scoring, 10, 10, impact_rules)
        high = impact_component(_scaled(scoring, 2 * low), {}, scoring, 10, 10, impact_rules)
        assert high > low_score + 8.0, (low, low_score, high)


def test_unmet_targets_cost_and_met_ambitious_targets_pay(
    scoring: Scoring, impact_rules: ImpactScoreEconomy
):
    def score(achieved, targets, round_no=10):
        return impact_component(achieved, targets, scoring, round_no, 10, impact_rules)

    assert score({}, _scaled(scoring, 1e6), 4) == 0.0
    achieved = _scaled(scoring, 1.0)
    without = score(achieved, {})
    assert score(achieved, _scaled(scoring, 1.0)) > without, "a target met adds the roadmap"
    assert score(achieved, _scaled(scoring, 3.0)) < without, "a target missed costs"
    floor = impact_rules.ambition_floor
    assert score(achieved, _scaled(scoring, floor)) == pytest.approx(without), "no ambition"
    full = impact_rules.ambition_full
    assert score(_scaled(scoring, 4.0), _scaled(scoring, 3.0)) == pytest.approx(
        score(_scaled(scoring, 4.0), _scaled(scoring, full))
    ), "a bigger number than the yardstick earns no more"


def test_impact_is_measured_pro_rata(scoring: Scoring, impact_rules: ImpactScoreEconomy):
    halfway = _scaled(scoring, 0.5)
    assert impact_component(halfway, {}, scoring, 5, 10, impact_rules) == pytest.approx(
        impact_component(_scaled(scoring, 1.0), {}, scoring, 10, 10, impact_rules)
    )


def test_engagement_rewards_a_bigger_base_only_up_to_a_cap():
    start = 100
    scores = [engagement_component(0.5, members, start) for members in range(0, 2001, 25)]
    assert all(a <= b for a, b in itertools.pairwise(scores)), "more members never hurt"
    assert scores[0] < engagement_component(0.5, start, start), "losing members costs score"
    assert engagement_component(0.5, 10 * start, start) == pytest.approx(
        engagement_component(0.5, 100 * start, start)
    )


def test_more_engaged_members_score_higher():
    scores = [engagement_component(e, 100, 100) for e in np.linspace(0.0, 1.0, 11)]
    assert all(a < b for a, b in itertools.pairwise(scores))


def test_stress_lowers_sustainability(rules: FinanceEconomy):
    scores = [
        sustainability_component(1e5, 4e5, 3e5, level, rules)
        for level in (Stress.LOW, Stress.MEDIUM, Stress.HIGH)
    ]
    assert scores[0] > scores[1] > scores[2]


# ---------------------------------------------------------------- the game score


def test_game_score_is_the_mean_of_round_totals():
    rng = np.random.default_rng(SAMPLE_SEED)
    history = tuple({name: float(rng.uniform(0, 100)) for name in COMPONENTS} for _ in range(7))
    weights = normalise_weights(
        {"impact": 3, "sustainability": 1, "engagement": 1, "diversification": 1}
    )
    expected = sum(round_total(c, weights) for c in history) / len(history)
    assert game_score(history, weights) == pytest.approx(expected, abs=0.005)


def test_game_score_of_no_rounds_is_zero():
    assert game_score((), EQUAL) == 0.0


@pytest.mark.parametrize("rounds", [1, 4, 10, 20])
def test_one_round_moves_the_game_score_by_at_most_its_share(rounds: int):
    zero = {name: 0.0 for name in COMPONENTS}
    full = {name: 100.0 for name in COMPONENTS}
    rng = np.random.default_rng(SAMPLE_SEED + rounds)
    for _ in range(50):
        history = [{name: float(rng.uniform(0, 100)) for name in COMPONENTS} for _ in range(rounds)]
        which = int(rng.integers(rounds))
        low, high = list(history), list(history)
        low[which], high[which] = zero, full
        gap = game_score(tuple(high), EQUAL) - game_score(tuple(low), EQUAL)
        assert 0.0 <= gap <= 100.0 / rounds + 0.01


def test_round_total_is_the_weighted_sum():
    components = {
        "impact": 80.0,
        "sustainability": 40.0,
        "engagement": 60.0,
        "diversification": 20.0,
    }
    assert round_total(components, EQUAL) == pytest.approx(50.0)
    only_impact = normalise_weights({"impact": 1.0})
    assert round_total(components, only_impact) == pytest.approx(80.0)


# ---------------------------------------------------------------- weights


def test_weights_normalise_to_one_in_proportion():
    weights = normalise_weights({"impact": 2, "sustainability": 1, "engagement": 1})
    assert set(weights) == set(COMPONENTS)
    assert sum(weights.values()) == pytest.approx(1.0)
    assert weights["impact"] == pytest.approx(0.5)
    assert weights["diversification"] == 0.0


def test_normalised_weights_are_unchanged_when_already_normal():
    assert normalise_weights(EQUAL) == pytest.approx(EQUAL)


def test_negative_weights_count_as_zero():
    weights = normalise_weights({"impact": 1, "engagement": -5})
    assert weights["engagement"] == 0.0
    assert weights["impact"] == pytest.approx(1.0)


@pytest.mark.parametrize(
    "weights",
    [{"impact": 1, "luck": 1}, {}, {name: 0.0 for name in COMPONENTS}, {"impact": -1}],
    ids=["unknown component", "empty", "all zero", "only negative"],
)
def test_bad_weights_raise_value_error(weights: dict):
    with pytest.raises(ValueError):
        normalise_weights(weights)


# ---------------------------------------------------------------- diversification


def test_an_even_mix_scores_one_hundred():
    even = concentration({family: 1.0 for family in Family})
    assert even == pytest.approx(1 / 3)
    assert diversification_component(even) == pytest.approx(100.0)


def test_a_single_family_scores_zero():
    for family in Family:
        single = concentration({f: (5.0 if f == family else 0.0) for f in Family})
        assert diversification_component(single) == 0.0


def test_no_revenue_counts_as_a_single_family():
    assert diversification_component(concentration({f: 0.0 for f in Family})) == 0.0


def test_more_even_mixes_score_higher():
    uneven = concentration({Family.PUBLIC: 8.0, Family.PRIVATE: 1.0, Family.PROJECT: 1.0})
    closer = concentration({Family.PUBLIC: 5.0, Family.PRIVATE: 3.0, Family.PROJECT: 2.0})
    assert 0.0 < diversification_component(uneven) < diversification_component(closer) < 100.0
