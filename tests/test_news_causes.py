"""Every news item names its topic and its cause: the decision field or event card behind it.

A sweep of the grow scenario (seeds 0-3, every strategy, 10 rounds) and a board
that carries on in every scenario; each item's cause must name a field of the
decisions model, an event card in force that round, or ``outcome``, and the
items whose text says what produced them must name that as their cause.
"""

from __future__ import annotations

import re

import pytest

from game.decisions import Decisions, Strategy, decision_fields
from game.match import Seat, play_match, with_rounds
from game.report import EVENT, OUTCOME, RoundReport
from game.resolve import resolve_round
from game.scenario import load_scenario, scenario_names
from game.setup import initial_state
from game.strategies import STRATEGIES
from game.vocabulary import JoinReason, LeaveReason, Topic

SEEDS = range(4)
SPECS = {spec.path: spec for spec in decision_fields()}


def is_decision_path(cause: str) -> bool:
    """True for a field of the decisions, or a key of one of its maps (budget.<line>)."""
    if cause in SPECS:
        return True
    parent, _, key = cause.rpartition(".")
    spec = SPECS.get(parent)
    return spec is not None and spec.kind == "map" and key in spec.options


def reports() -> list[tuple[str, RoundReport]]:
    grow = with_rounds(load_scenario("grow"), 10)
    found = []
    for seed in SEEDS:
        seats = [Seat(name, strategy=name) for name in STRATEGIES]
        for record in play_match(grow, seed, seats):
            found += [("grow", RoundReport.model_validate(r["report"])) for r in record.rounds]
    for name in scenario_names():
        for seed in SEEDS:
            for record in play_match(load_scenario(name), seed, [Seat("carry_on")]):
                found += [(name, RoundReport.model_validate(r["report"])) for r in record.rounds]
    return found


@pytest.fixture(scope="module")
def played() -> list[tuple[str, RoundReport]]:
    return reports()


def items(played, pattern: str):
    regex = re.compile(pattern)
    return [(r, item) for _, r in played for item in r.news if regex.fullmatch(item.text)]


def test_every_cause_names_a_decision_field_an_event_in_force_or_the_outcome(played):
    causes = set()
    for _, report in played:
        for item in report.news:
            assert isinstance(item.topic, Topic)
            if item.cause.startswith(EVENT):
                assert item.cause.removeprefix(EVENT) in report.events, (report.round, item)
            else:
                assert item.cause == OUTCOME or is_decision_path(item.cause), item
            causes.add(item.cause.split(":")[0].split(".")[0])
    assert {"fees", "funding", "budget", "staffing", "outcome"} <= causes, causes


def test_applications_explain_their_own_news(played):
    won = items(played, r".+ won: .+")
    failed = items(played, r"Application for .+ failed .+")
    finished = items(played, r".+ finished: one more project .+")
    assert len(won) >= 5 and len(failed) >= 5 and finished
    for _, item in won + failed + finished:
        assert item.cause == "funding.apply"
        assert item.topic in (Topic.FUNDING, Topic.PROJECTS)
    assert all(item.topic == Topic.PROJECTS for _, item in finished)


def test_members_who_left_or_joined_name_the_decision_their_reason_points_to(played):
    expected = {
        LeaveReason.FEES: "fees",
        LeaveReason.CONTACT: "budget.member_relations",
        LeaveReason.RELEVANCE: "budget",
        JoinReason.RECRUITED: "recruitment",
        JoinReason.SERVICES: "budget",
    }
    seen = set()
    for _, item in items(played, r"\d+ .+ (left|joined): .+\."):
        reason = item.text.split(": ", 1)[1].rstrip(".")
        assert item.topic == Topic.MEMBERS
        assert item.cause == expected.get(reason, OUTCOME), item
        seen.add(item.cause)
    assert {"fees", "recruitment", OUTCOME} <= seen, seen


def test_staff_contact_cash_and_stage_items_have_their_topics(played):
    loans = items(played, r"Cash ran out: .+")
    assert loans and all(i.topic == Topic.CASH for _, i in loans)
    for _, item in items(played, r"Personal contact with members fell .+"):
        assert item.topic == Topic.CONTACT
        assert item.cause in ("funding.apply", "budget.member_relations", "staffing")
    for _, item in items(played, r".+ FTE let go: .+"):
        assert (item.topic, item.cause) == (Topic.STAFF, "staffing.let_go_fte")
    for _, item in items(played, r"The cluster (grew|fell back) from .+"):
        assert item.topic == Topic.STAGE
    for _, item in items(played, r"Income from membership fees .+"):
        assert item.topic == Topic.FEES
        assert item.cause == "fees" or item.cause.startswith(EVENT)


def test_a_revised_strategy_is_news_caused_by_the_strategy():
    scenario = load_scenario("grow")
    state = initial_state(scenario, 2)
    first = Strategy(ambition="Lead in green shipping", focus_areas=[], targets={"jobs": 50})
    state, report = resolve_round(state, Decisions(strategy=first), scenario)
    assert not [i for i in report.news if i.topic == Topic.STRATEGY]
    again = first.model_copy(update={"ambition": "Lead in digital ports"})
    _, report = resolve_round(state, Decisions(strategy=again), scenario)
    revised = [i for i in report.news if i.topic == Topic.STRATEGY]
    assert [(i.cause, i.tone) for i in revised] == [("strategy", "neutral")], report.news
