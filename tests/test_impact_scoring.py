"""The impact score keeps discriminating, and targets earn no free points (30 seeds each).

Every game plays on ``boards.SEEDS`` (0 to 29). What is asserted, with its margin:

- the scale does not flatten: fewer than ``AT_CEILING`` of the KPI-rounds of any
  built-in board in grow, transform or build reach the ceiling of the scale
  (``[impact_score] ceiling`` times the pro-rata yardstick);
- impact separates good from excellent play: the member-first board's ten games
  that added most against the counterfactual (mean multiple of the yardstick over
  the seven KPIs) end with an impact component at least ``SEPARATION`` points
  above its ten games that added least, in every scenario;
- big numbers earn nothing: the same play with targets written at three times
  the yardstick scores less than with targets at 0.8 times it, for a strong, a
  middling and a weak board in every scenario (targets change no outcome, only
  the score, so the two games are the same play).
"""

from __future__ import annotations

from functools import cache

import pytest
from boards import SEEDS, adjusted, bot, mean, play_many

from game.scenario import load_scenario

SCENARIOS = ("grow", "transform", "build")
BOARDS = ("passive", "member_first", "project_chaser", "startup_builder", "fee_maximiser")
AT_CEILING = 0.05
SEPARATION = 5.0


@cache
def games(name: str, board: str):
    return play_many(load_scenario(name), bot(board), SEEDS)


def multiple(game, scenario) -> float:
    """Mean multiple of the yardstick the game's cluster added by the end, over the KPIs."""
    reference = scenario.scoring.reference
    return mean(game.final.kpis[kpi] / value for kpi, value in reference.items())


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_impact_scale_rarely_reaches_its_ceiling(name: str):
    scenario = load_scenario(name)
    ceiling = scenario.economy.impact_score.ceiling
    ramp = scenario.scoring.ramp
    floor = scenario.economy.impact_score.due_floor
    for board in BOARDS:
        flags = [
            report.kpis[kpi] >= ceiling * value * max((report.round / report.rounds) ** ramp, floor)
            for game in games(name, board)
            for report in game.reports
            for kpi, value in scenario.scoring.reference.items()
        ]
        assert mean(flags) < AT_CEILING, (board, mean(flags))


@pytest.mark.parametrize("name", SCENARIOS)
def test_impact_separates_good_from_excellent_play(name: str):
    scenario = load_scenario(name)
    ranked = sorted(games(name, "member_first"), key=lambda g: multiple(g, scenario))
    least, most = ranked[:10], ranked[-10:]
    assert mean(multiple(g, scenario) for g in most) > 1.3 * mean(
        multiple(g, scenario) for g in least
    )

    def impact(group) -> float:
        return mean(g.final.score.components["impact"] for g in group)

    assert impact(most) > impact(least) + SEPARATION, (impact(most), impact(least))


def _targets_at(factor: float):
    def change(decisions, view):
        if decisions.strategy is None:
            return {}
        targets = {kpi: round(value * factor, 1) for kpi, value in view.yardstick.items()}
        return {"strategy": decisions.strategy.model_copy(update={"targets": targets})}

    return change


@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("board", ["member_first", "startup_builder", "passive"])
def test_targets_at_three_times_the_yardstick_do_not_beat_modest_ones(name: str, board: str):
    scenario = load_scenario(name)
    modest = play_many(scenario, adjusted(bot(board), _targets_at(0.8)), SEEDS)
    big = play_many(scenario, adjusted(bot(board), _targets_at(3.0)), SEEDS)
    for a, b in zip(modest, big, strict=True):  # the same play: only the score differs
        assert a.final.members.total == b.final.members.total
        assert a.final.cash == b.final.cash
    assert mean(g.final.score.game_score for g in big) < mean(
        g.final.score.game_score for g in modest
    )
