"""Insolvency is a rule: an emergency board loan, then winding up; cash never goes negative."""

from __future__ import annotations

from boards import adjusted, bot, play

from game.scenario import load_scenario
from game.vocabulary import ServiceLine

SEEDS = range(10)


def _overspend(decisions, view):
    return {"budget": {line: 120_000.0 for line in ServiceLine}}


def test_overspending_takes_an_emergency_loan_then_winds_up():
    grow = load_scenario("grow")
    for seed in SEEDS:
        game = play(grow, seed, adjusted(bot("member_first"), _overspend))
        first_loan = next(i for i, r in enumerate(game.reports) if r.emergency_loan > 0)
        report = game.reports[first_loan]
        assert report.cash == grow.economy.finance.loan_buffer
        assert report.loan > report.emergency_loan  # the arrangement fee is added
        assert any("emergency loan" in item.text for item in report.news)
        wound = next(i for i, r in enumerate(game.reports) if r.wound_up)
        assert wound >= first_loan
        for later in game.reports[wound:]:
            assert later.wound_up and later.members.total == 0
            assert later.score.round_total == 0.0
        assert game.final.score.game_score < 40


def test_the_loan_costs_goodwill():
    """Members hear of the emergency loan: engagement falls by the rule's amount that year."""
    grow = load_scenario("grow")
    shock = grow.economy.members.insolvency_engagement
    game = play(grow, 0, adjusted(bot("member_first"), _overspend))
    index = next(i for i, r in enumerate(game.reports) if r.emergency_loan > 0)
    state = game.states[index]
    members = state.organizations.member
    assert shock > 0
    assert state.organizations.engagement[members].max() <= 1.0 - shock + 1e-9


def test_cash_never_goes_negative():
    for name in ("grow", "transform", "build", "tutorial"):
        scenario = load_scenario(name)
        for strategy in ("random", "passive", "fee_maximiser"):
            for seed in range(5):
                game = play(scenario, seed, bot(strategy))
                assert all(r.cash >= 0 for r in game.reports)
                assert all(r.loan >= 0 for r in game.reports)
