"""The board's forecast: next year's cash, runway and staff for a draft, without its draws.

Tolerance, on the no-event path (no card falls, no funding application, so only
the members' comings and goings and the region's growth are random): the
forecast's expected cash is within 3% of the year's total costs of the cash the
resolved year ends with, its runway within half a month, its staff utilisation
within 0.05.
"""

from __future__ import annotations

import pytest

from game.decisions import Decisions
from game.errors import IllegalDecision
from game.forecast import forecast
from game.resolve import resolve_round
from game.round import open_all
from game.scenario import load_scenario
from game.setup import initial_state

SCENARIO = load_scenario("grow")
CASH_TOLERANCE = 0.03  # of the year's total costs
RUNWAY_TOLERANCE = 0.5  # months
UTILISATION_TOLERANCE = 0.05


def _opened(seed: int):
    """Round 1 of a team's world with no card in force (the no-event path)."""
    return open_all([initial_state(SCENARIO, seed)], SCENARIO, [])[0]


def _drafts(state) -> dict[str, Decisions]:
    budget = state.policy.budget
    return {
        "kept": Decisions(),
        "hiring": Decisions.model_validate({"staffing": {"hire_fte": 1.0}}),
        "leaner": Decisions.model_validate(
            {"budget": {str(k): round(v * 0.5, 2) for k, v in budget.items()}}
        ),
    }


@pytest.mark.parametrize("seed", range(1, 9))
def test_the_forecast_meets_the_resolved_year_on_the_no_event_path(seed: int) -> None:
    state = _opened(seed)
    for name, draft in _drafts(state).items():
        expected = forecast(state, draft, SCENARIO)
        assert expected is not None, name
        year = expected.next_year
        _, report = resolve_round(state, draft, SCENARIO)
        assert year.round == report.round == 1
        assert abs(year.cash - report.cash) <= CASH_TOLERANCE * report.costs_total, name
        assert year.cash_low - 1 <= year.cash <= year.cash_high + 1
        assert abs(year.runway_months - report.runway_months) <= RUNWAY_TOLERANCE, name
        assert abs(year.utilisation - report.staff.utilisation) <= UTILISATION_TOLERANCE, name


def test_the_forecast_follows_the_draft() -> None:
    state = _opened(2)
    drafts = _drafts(state)
    kept = forecast(state, drafts["kept"], SCENARIO).next_year
    hiring = forecast(state, drafts["hiring"], SCENARIO).next_year
    leaner = forecast(state, drafts["leaner"], SCENARIO).next_year
    assert hiring.cash < kept.cash  # a salary more
    assert leaner.cash > kept.cash  # half the services budget spent


def test_the_forecast_leaks_nothing_of_the_teams_draws() -> None:
    state = _opened(4)
    other = state.evolve(rng_state=_opened(5).rng_state)  # the same world, other draws
    assert other.rng_state != state.rng_state
    draft = Decisions()
    assert forecast(state, draft, SCENARIO) == forecast(other, draft, SCENARIO)
    before = state.rng_state
    forecast(state, draft, SCENARIO)
    assert state.rng_state == before  # the team's generator is never touched


@pytest.mark.parametrize(("hire", "spend", "year"), [(3.0, 2.0, 1), (1.0, 1.2, 2)])
def test_a_likely_insolvency_is_flagged_ahead_and_comes(hire, spend, year) -> None:
    state = _opened(3)
    budget = {str(k): v * spend for k, v in state.policy.budget.items()}
    draft = Decisions.model_validate(
        {"staffing": {"hire_fte": hire}, "budget": budget, "reserve_months": 0}
    )
    expected = forecast(state, draft, SCENARIO)
    assert expected.warning is not None
    flagged = next(y for y in expected.years if y.emergency_loan >= 0.5)
    assert flagged.round == year and f"year {year}" in expected.warning
    current, plan = state, draft
    for _ in range(flagged.round):
        current, report = resolve_round(current, plan, SCENARIO)
        plan = Decisions()
    assert report.emergency_loan > 0  # the year it named needed the loan


def test_a_prudent_draft_has_no_warning_and_needs_no_second_year() -> None:
    state = _opened(1)
    expected = forecast(state, Decisions(), SCENARIO)
    assert expected.warning is None
    assert [y.round for y in expected.years] == [1]  # its cash does not run out next year


def test_nothing_to_forecast_for_a_refused_draft_or_a_wound_up_cluster() -> None:
    state = _opened(1)
    refused = Decisions.model_validate({"staffing": {"let_go_fte": 20.0}})
    assert forecast(state, refused, SCENARIO) is None
    assert forecast(state.evolve(wound_up=True), Decisions(), SCENARIO) is None


def test_the_server_sends_the_forecast_of_a_settled_draft_identical_for_teammates() -> None:
    from server.session import SETTLE
    from tests.server.harness import Table, messages_to

    table = Table(scenario="grow", rounds=3)
    ana = table.join("North", "Ana")
    ben = table.join("North", "Ben")
    table.facilitate(type="start")
    step = table.facilitate(type="open_round")
    opened = [m for m in messages_to(step, table.session, ana) if m.type == "team_state"]
    assert opened[-1].forecast is None and opened[-1].forecast_pending  # it follows
    (done,) = table.forecasts()
    first = [m for m in messages_to(done, table.session, ana) if m.type == "forecast"]
    assert len(first) == 1 and first[0].forecast.next_year.round == 1
    table.now = 3.0
    step = table.send(ana, type="edit_draft", round=1, changes={"staffing": {"hire_fte": 2.0}})
    assert step.error is None
    drafts = [
        [m for m in messages_to(step, table.session, c) if m.type == "draft"][-1]
        for c in (ana, ben)
    ]
    assert all(d.forecast is None and d.forecast_pending for d in drafts)
    assert table.forecasts() == []  # not settled yet
    table.now += SETTLE
    (done,) = table.forecasts()
    seen = [
        [m for m in messages_to(done, table.session, c) if m.type == "forecast"][-1]
        for c in (ana, ben)
    ]
    assert seen[0] == seen[1] and seen[0].forecast is not None
    assert seen[0].version == drafts[0].version
    assert seen[0].forecast.next_year.cash < first[0].forecast.next_year.cash
    team = table.session.teams["north"]
    expected = forecast(team.open_state, team.draft, table.session.scenario, table.session.weights)
    assert seen[0].forecast == expected


def _brief_worlds():
    """Worlds over several years, drafts prudent and reckless, and a wound-up world."""
    state = _opened(6)
    reckless = Decisions.model_validate(
        {
            "staffing": {"hire_fte": 3.0},
            "budget": {str(k): v * 2.0 for k, v in state.policy.budget.items()},
            "reserve_months": 0,
        }
    )
    worlds = []
    for plan in (Decisions(), reckless):
        current = state
        for _ in range(4):
            for draft in _drafts(current).values():
                worlds.append((current, draft))
            current, _ = resolve_round(current, plan, SCENARIO)
            plan = Decisions()
    worlds.append((state.evolve(wound_up=True), Decisions()))
    return worlds


def test_a_brief_year_is_the_full_year_with_only_the_forecasts_figures() -> None:
    from game.resolve import resolve_brief
    from game.snapshot import pack_state

    loans = 0
    for state, draft in _brief_worlds():
        try:
            full_state, report = resolve_round(state, draft, SCENARIO)
        except IllegalDecision:
            with pytest.raises(IllegalDecision):
                resolve_brief(state, draft, SCENARIO)
            continue
        brief_state, brief = resolve_brief(state, draft, SCENARIO)
        assert pack_state(brief_state) == pack_state(full_state)
        assert brief_state.rng_state == full_state.rng_state
        assert (brief.cash, brief.runway_months, brief.emergency_loan, brief.wound_up) == (
            report.cash,
            report.runway_months,
            report.emergency_loan,
            report.wound_up,
        )
        assert brief.utilisation == report.staff.utilisation
        assert all(type(v) is float for v in (brief.cash, brief.runway_months, brief.utilisation))
        loans += report.emergency_loan > 0
    assert loans > 0  # the reckless plan's years needed the emergency loan
