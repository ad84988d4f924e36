"""The cash reserve policy: services spend only as far as the reserve allows, at no cost
when there is enough cash; it carries on, shows in the report and the news, and every
client, the protocol and the debrief take it from the decisions model alone."""

from __future__ import annotations

import pytest

from debrief.changes import decision_changes
from game.decisions import Decisions, decision_fields
from game.finance import services_allowed
from game.report import RoundReport
from game.resolve import resolve_round
from game.rules import apply_policy
from game.scenario import Scenario, load_scenario
from game.setup import initial_state
from game.state import ClusterState, state_hash
from game.view import team_view
from game.vocabulary import Section, Topic
from protocol.messages import parse_client_data


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario("grow")


@pytest.fixture
def state(scenario: Scenario) -> ClusterState:
    return initial_state(scenario, 7)


def reserve_news(report: RoundReport):
    return [item for item in report.news if item.cause == "reserve_months"]


def test_no_reserve_plays_exactly_as_before(scenario, state):
    plain, report = resolve_round(state, Decisions(), scenario)
    zero, zero_report = resolve_round(state, Decisions(reserve_months=0.0), scenario)
    assert state_hash(plain) == state_hash(zero)
    assert report == zero_report and report.services_held_back == 0.0


def test_a_reserve_holds_services_back_and_keeps_the_cash(scenario, state):
    _, free = resolve_round(state, Decisions(), scenario)
    _, kept = resolve_round(state, Decisions(reserve_months=3.0), scenario)
    assert kept.services_held_back > 0 and kept.reserve_months == 3.0
    spent = free.costs["operations"] - kept.costs["operations"]
    assert spent == pytest.approx(kept.services_held_back, abs=0.02)
    assert kept.cash > free.cash
    assert kept.members.service_value < free.members.service_value
    (item,) = reserve_news(kept)
    assert (item.topic, item.tone) == (Topic.SERVICES, "neutral")
    assert "3 months" in item.text
    assert not reserve_news(free)


def test_with_enough_cash_a_reserve_costs_nothing(scenario, state):
    rich = state.evolve(cash=5_000_000.0)
    plain, report = resolve_round(rich, Decisions(), scenario)
    kept, kept_report = resolve_round(rich, Decisions(reserve_months=6.0), scenario)
    assert kept_report.services_held_back == 0.0
    assert kept_report.model_dump(exclude={"reserve_months"}) == report.model_dump(
        exclude={"reserve_months"}
    )
    assert kept.organizations.engagement.tolist() == plain.organizations.engagement.tolist()


def test_the_reserve_is_a_standing_policy(scenario, state):
    after, _ = resolve_round(state, Decisions(reserve_months=4.0), scenario)
    assert after.policy.scalar("reserve_months") == 4.0
    assert team_view(after, scenario).policy == {"reserve_months": 4.0}
    again, second = resolve_round(after, Decisions(), scenario)
    assert second.reserve_months == 4.0
    _, off = resolve_round(again, Decisions(reserve_months=0.0), scenario)
    assert off.reserve_months == 0.0 and off.services_held_back == 0.0
    policy, _ = apply_policy(after.policy, Decisions(reserve_months=1.5))
    assert policy.scalar("reserve_months") == 1.5


def test_the_forecast_reads_its_coefficient(scenario):
    finance = scenario.economy.finance
    cautious = finance.model_copy(update={"reserve_income_share": 0.5})
    args = (100_000.0, 200_000.0, 150_000.0, 6.0)
    assert services_allowed(*args, finance) > services_allowed(*args, cautious)
    assert services_allowed(100_000.0, 0.0, 0.0, 0.0, finance) == float("inf")
    assert services_allowed(0.0, 0.0, 500_000.0, 12.0, finance) == 0.0


def test_the_field_reaches_the_protocol_the_metadata_and_the_debrief(scenario, state):
    (spec,) = [s for s in decision_fields() if s.path == "reserve_months"]
    assert (spec.section, spec.standing, spec.maximum) == (Section.BUDGET_STAFF, True, 24.0)
    edit = parse_client_data({"type": "edit_draft", "round": 1, "changes": {"reserve_months": 2.5}})
    assert edit.changes == {"reserve_months": 2.5}
    decisions = [Decisions(reserve_months=3.0)]
    _, report = resolve_round(state, decisions[0], scenario)
    (change,) = [c for c in decision_changes(decisions, [report], scenario)]
    assert change.kind == "reserve_months" and "0 → 3" in change.text
    assert change.news and change.news[0][1].cause == "reserve_months"
