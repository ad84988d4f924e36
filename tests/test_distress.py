"""Graded financial distress: warnings, emergency measures, a final warning, then winding up.

Boards that run out of money (the passive board, the fee maximiser and a member-first
board on a flat 900 EUR fee) play grow and transform on seeds 0-29. Every wind-up
must come at the end of a visible slope, and every step of it must name its causes.
"""

from __future__ import annotations

import re
from functools import cache

import pytest
from boards import SEEDS, adjusted, bot, play_many

from game.scenario import FeeSchedule, load_scenario
from game.vocabulary import FeeModel, Topic

SCENARIOS = ("grow", "transform")
WOUND = "The emergency loan grew too large: the board has wound up"
FINAL = "Final warning: the emergency loan ("
LOAN = "Cash ran out: the board took an emergency loan"
WARNING = "Warning: cash covers only"
BEHIND = re.compile(r".* Behind it: (.+)\.$")


def _flat_900(decisions, view):
    return {"fees": FeeSchedule(model=FeeModel.FLAT, flat=900.0)}


BOARDS = {
    "passive": bot("passive"),
    "fee_maximiser": bot("fee_maximiser"),
    "project_chaser": bot("project_chaser"),
    "flat 900": adjusted(bot("member_first"), _flat_900),
}


@cache
def games(name: str, board: str):
    return play_many(load_scenario(name), BOARDS[board], SEEDS)


def _has(report, start: str) -> bool:
    return any(start in item.text for item in report.news)


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_wind_up_ends_a_visible_slope(name: str):
    """The round before a wind-up gives the final warning, with the loan above a year of
    costs; an earlier round already warned or took a loan; no wind-up without both."""
    wound = 0
    for board in BOARDS:
        for game in games(name, board):
            ends = [i for i, r in enumerate(game.reports) if r.wound_up]
            if not ends:
                continue
            wound += 1
            end = ends[0]
            assert _has(game.reports[end], WOUND)
            assert end >= 2, "two warned years come first"
            warned = game.reports[end - 1]
            assert _has(warned, FINAL) and warned.loan > warned.costs_total
            assert any(_has(r, LOAN) or _has(r, WARNING) for r in game.reports[: end - 1])
    assert wound >= 30  # enough wind-ups to judge


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_step_of_distress_names_its_causes(name: str):
    steps = 0
    for board in BOARDS:
        for game in games(name, board):
            for report in game.reports:
                for item in report.news:
                    if any(step in item.text for step in (WOUND, FINAL, LOAN)):
                        steps += 1
                        assert item.topic == Topic.CASH and item.tone == "bad"
                        match = BEHIND.fullmatch(item.text)
                        assert match and match[1].strip(), item.text
    assert steps >= 100


def test_lack_of_contact_is_named_when_members_got_little():
    """Whenever a distress item appears in a year in which the cluster's members got less
    contact than ``contact_named_below``, it names contact; with enough contact it does not."""
    scenario = load_scenario("grow")
    line = scenario.economy.services.contact_named_below
    named = unnamed = 0
    for board in BOARDS:
        for game in games("grow", board):
            for report in game.reports:
                for item in report.news:
                    if not any(step in item.text for step in (WOUND, FINAL, LOAN)):
                        continue
                    says = "of the personal contact they need" in item.text
                    contact = report.members.contact
                    m = report.members
                    if m.total - sum(m.joined.values()) + sum(m.left.values()) == 0:
                        continue  # no member to be in contact with
                    if contact < line - 0.01:
                        named += 1
                        assert says, (contact, item.text)
                    elif contact > line + 0.01:
                        unnamed += 1
                        assert not says, (contact, item.text)
    assert named >= 20


def test_emergency_measures_hold_services_back_while_a_loan_runs():
    """A year that starts with a loan spends at least ``emergency_services_cut`` less on
    services than planned, and the news says so."""
    scenario = load_scenario("grow")
    cut = scenario.economy.finance.emergency_services_cut
    measured = 0
    for board in BOARDS:
        for game in games("grow", board):
            for state, after in zip(game.states, game.states[1:], strict=False):
                planned = sum(after.policy.budget.values())  # the budget of that year
                if state.loan <= 0 or state.wound_up or planned <= 0:
                    continue
                result = game.reports[after.round - 1]
                if result.wound_up:
                    continue
                measured += 1
                assert result.services_held_back >= cut * planned - 200
                assert any(i.text.startswith("Emergency measures") for i in result.news) or (
                    result.services_held_back > 0 and result.reserve_months > 0
                )
    assert measured >= 10
