"""The debrief links a decision change to its news by the news item's cause and topic."""

from __future__ import annotations

import pytest

from debrief.changes import decision_changes
from game.decisions import Decisions, Staffing
from game.report import NewsItem, RoundReport
from game.resolve import resolve_round
from game.scenario import FeeSchedule, Scenario, load_scenario
from game.setup import initial_state
from game.vocabulary import FeeModel, Topic


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario("grow")


def play(scenario: Scenario, decisions: list[Decisions]) -> list[RoundReport]:
    state, reports = initial_state(scenario, 4), []
    for chosen in decisions:
        state, report = resolve_round(state, chosen, scenario)
        reports.append(report)
    return reports


def news(*items: tuple[Topic, str, str]) -> list[NewsItem]:
    return [NewsItem(topic=t, cause=c, text=x, tone="neutral") for t, c, x in items]


def test_the_news_a_change_links_is_chosen_by_cause_then_topic_never_by_text(scenario):
    fees = FeeSchedule(model=FeeModel.FLAT, flat=4_000.0)
    decisions = [Decisions(fees=fees)]
    (played,) = play(scenario, decisions)
    crafted = news(
        (Topic.CASH, "outcome", "Fees, fees, fees: this text names the fee but nothing caused it."),
        (Topic.MEMBERS, "fees", "12 SMEs left."),
        (Topic.STAFF, "staffing", "Staff were overloaded."),
        (Topic.FEES, "event:pandemic", "Income moved."),
    )
    report = played.model_copy(update={"news": crafted})
    (change,) = [c for c in decision_changes(decisions, [report], scenario) if c.kind == "fees"]
    linked = [item.text for _, item in change.news]
    assert linked == ["12 SMEs left.", "Income moved."]


def test_staff_and_answers_link_the_items_they_caused(scenario):
    decisions = [Decisions(staffing=Staffing(let_go_fte=1.0))]
    (played,) = play(scenario, decisions)
    crafted = news(
        (Topic.CASH, "outcome", "Cash at year end."),
        (Topic.STAFF, "staffing.let_go_fte", "1 FTE let go."),
        (Topic.STAFF, "staffing", "Overloaded."),
    )
    report = played.model_copy(update={"news": crafted})
    (change,) = decision_changes(decisions, [report], scenario)
    assert change.kind == "staffing.let_go_fte"
    assert [item.text for _, item in change.news] == ["1 FTE let go.", "Overloaded."]


def test_a_played_game_links_only_news_of_the_fields_cause_or_topics(scenario):
    decisions = [
        Decisions(fees=FeeSchedule(model=FeeModel.FLAT, flat=6_000.0)),
        Decisions(staffing=Staffing(hire_fte=2.0)),
        Decisions(recruitment={"sme": 1.0, "startup": 1.0}),
    ]
    reports = play(scenario, decisions)
    changes = decision_changes(decisions, reports, scenario)
    kinds = {change.kind for change in changes}
    assert {"fees", "staffing.hire_fte", "recruitment"} <= kinds
    topics = {
        "fees": {Topic.FEES, Topic.MEMBERS},
        "staffing.hire_fte": {Topic.STAFF},
        "recruitment": {Topic.MEMBERS},
    }
    linked = 0
    for change in changes:
        for _, item in change.news:
            root = change.kind.split(".")[0]
            assert item.cause.split(".")[0] == root or item.topic in topics[change.kind]
            linked += 1
    assert linked >= 3
