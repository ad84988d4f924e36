"""The built-in boards rank as the documents would (docs/model.md, section 6).

Each built-in board plays grow, transform and build on the 30 seeds of
``boards.SEEDS`` (common random numbers, so the comparisons are paired). What
DOMAIN.md says, and so what is asserted:

- the balanced, member-first board does best (fact 1: "mature clusters with a
  balanced model achieve much more"): it leads every other board by at least
  ``LEAD`` points in every scenario and is never wound up;
- a board that lives on public money does worst where its program ends (fact 1,
  grow): last of all five there, and at least ``BALANCED_GAP`` points below both
  balanced boards (member-first, startup-and-capital) in every scenario;
- a fee maximiser does badly (fact 5: fees far above the value delivered drive
  members out): at least ``FEE_GAP`` points below the member-first board and wound
  up in at least a third of the seeds of every scenario.

The documents do not rank a board that prices members out against one that
lives on public money, and in transform and build the fee maximiser may fall
below the passive board (docs/model.md says why); the tests do not ask more of
the model than the documents do.
"""

from __future__ import annotations

from functools import cache

import pytest
from boards import SEEDS, bot, mean, play_many

from game.scenario import load_scenario

SCENARIOS = ("grow", "transform", "build")
BOARDS = ("passive", "member_first", "project_chaser", "startup_builder", "fee_maximiser")
LEAD = 5.0  # points the member-first board leads the runner-up by
BALANCED_GAP = 10.0  # points a passive board trails each balanced board by
FEE_GAP = 20.0  # points a fee maximiser trails the member-first board by


@cache
def results(name: str) -> dict[str, tuple[float, int]]:
    """Mean game score and number of wound-up games of every board, 30 seeds."""
    scenario = load_scenario(name)
    out = {}
    for board in BOARDS:
        games = play_many(scenario, bot(board), SEEDS)
        out[board] = (
            mean(g.final.score.game_score for g in games),
            sum(g.final.wound_up for g in games),
        )
    return out


@pytest.mark.parametrize("name", SCENARIOS)
def test_member_first_ranks_first_and_survives(name: str):
    table = results(name)
    best, wound = table["member_first"]
    others = max(score for board, (score, _) in table.items() if board != "member_first")
    assert best > others + LEAD, table
    assert wound == 0, table


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_board_on_public_money_trails_the_balanced_boards(name: str):
    table = results(name)
    passive = table["passive"][0]
    assert passive + BALANCED_GAP < table["member_first"][0], table
    assert passive + BALANCED_GAP < table["startup_builder"][0], table


def test_a_board_on_public_money_is_last_when_its_program_ends():
    table = results("grow")
    passive = table["passive"][0]
    assert all(passive < score for board, (score, _) in table.items() if board != "passive")


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_fee_maximiser_does_badly(name: str):
    table = results(name)
    score, wound = table["fee_maximiser"]
    assert score + FEE_GAP < table["member_first"][0], table
    assert wound >= len(SEEDS) // 3, table
