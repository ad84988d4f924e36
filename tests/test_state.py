"""The starting state of every scenario, its hash and its JSON form."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from game.scenario import Scenario, load_scenario, scenario_names
from game.setup import initial_state
from game.state import ARRAY_COLUMNS, FIXED_COLUMNS, ClusterState, dump_state, state_hash
from game.vocabulary import SEGMENTS, SERVICES, Kpi, Stage

SEED = 17


@pytest.fixture(scope="module", params=scenario_names())
def scenario(request: pytest.FixtureRequest) -> Scenario:
    return load_scenario(request.param)


@pytest.fixture(scope="module")
def state(scenario: Scenario) -> ClusterState:
    return initial_state(scenario, SEED)


def per_segment(state: ClusterState, mask: np.ndarray) -> dict[str, int]:
    counts = np.bincount(state.organizations.segment[mask], minlength=len(SEGMENTS))
    return {segment.value: int(counts[i]) for i, segment in enumerate(SEGMENTS)}


def expected(table: dict) -> dict[str, int]:
    return {segment.value: int(table.get(segment, 0)) for segment in SEGMENTS}


def test_every_column_has_one_row_per_organization(state: ClusterState):
    size = state.organizations.size
    for name in ARRAY_COLUMNS:
        assert getattr(state.organizations, name).shape[0] == size, name
    assert state.organizations.needs.shape == (size, len(SERVICES))


def test_members_are_the_scenarios_starting_members(scenario: Scenario, state: ClusterState):
    orgs = state.organizations
    assert state.members == sum(scenario.start.members.values())
    assert state.start_members == state.members
    assert per_segment(state, orgs.member) == expected(scenario.start.members)
    assert np.all(orgs.present[orgs.member])
    assert np.array_equal(orgs.founding, orgs.member)


def test_every_prospect_is_present_and_not_a_member(scenario: Scenario, state: ClusterState):
    orgs = state.organizations
    prospects = orgs.present & ~orgs.member
    assert per_segment(state, prospects) == expected(scenario.region.prospects)


def test_dormant_organizations_are_not_yet_in_the_region(scenario: Scenario, state: ClusterState):
    orgs = state.organizations
    dormant = ~orgs.present
    assert per_segment(state, dormant) == expected(scenario.region.dormant)
    assert not np.any(orgs.member[dormant])
    total = sum(scenario.start.members.values()) + sum(scenario.region.prospects.values())
    assert orgs.size == total + sum(scenario.region.dormant.values())


def test_needs_rows_sum_to_one(state: ClusterState):
    needs = state.organizations.needs
    assert np.all(needs >= 0.0)
    assert np.allclose(needs.sum(axis=1), 1.0)


def test_organizations_are_plausible(state: ClusterState):
    orgs = state.organizations
    assert np.all(orgs.employees >= 1.0)
    assert np.all(orgs.revenue > 0.0)
    assert np.all((orgs.export_share >= 0.0) & (orgs.export_share <= 1.0))
    assert np.all((orgs.engagement[orgs.member] > 0.0) & (orgs.engagement[orgs.member] < 1.0))
    assert np.all(orgs.engagement[~orgs.member] == 0.0)
    assert np.array_equal(orgs.employees, orgs.employees_cf), "no cluster work has happened yet"
    assert np.array_equal(orgs.revenue, orgs.revenue_cf)
    assert not np.any(orgs.shareholder)


def test_the_books_open_as_the_scenario_says(scenario: Scenario, state: ClusterState):
    start = scenario.start
    assert state.round == 0
    assert state.cash == start.cash
    assert state.loan == 0.0
    assert state.staff_fte == start.staff_fte
    assert state.interns == start.interns
    assert state.stage == Stage.parse(start.stage)
    assert not state.wound_up
    assert state.events == ()
    assert state.scores == ()
    assert state.impact == {kpi: 0.0 for kpi in Kpi}
    assert [a.source for a in state.agreements] == [a.source for a in start.agreements]
    assert state.policy.budget == {line: float(start.budget.get(line, 0.0)) for line in SERVICES}
    assert state.policy.fees == start.fees
    assert state.policy.revenue_lines == tuple(start.revenue_lines)
    assert not state.policy.strategy_set


def test_one_seed_gives_one_state(scenario: Scenario, state: ClusterState):
    again = initial_state(scenario, SEED)
    assert state_hash(again) == state_hash(state)
    for name in ARRAY_COLUMNS:
        assert np.array_equal(
            getattr(again.organizations, name), getattr(state.organizations, name)
        )


def test_different_seeds_give_different_states(scenario: Scenario, state: ClusterState):
    hashes = {state_hash(initial_state(scenario, seed)) for seed in range(SEED + 1, SEED + 6)}
    assert state_hash(state) not in hashes
    assert len(hashes) == 5


def test_the_hash_sees_a_change_in_any_column(state: ClusterState):
    digest = state_hash(state)
    for name in ARRAY_COLUMNS:
        orgs = state.organizations.copy()
        column = getattr(orgs, name).copy()  # fixed columns are read-only: change a copy
        column.flat[0] = 0 if column.flat[0] else 1
        changed = dataclasses.replace(orgs, **{name: column})
        assert state_hash(state.evolve(organizations=changed)) != digest, name
    assert state_hash(state.evolve(cash=state.cash + 1.0)) != digest
    assert state_hash(state) == digest


def test_dump_state_is_plain_json(state: ClusterState):
    dumped = dump_state(state)
    text = json.dumps(dumped)  # no default: everything must already be JSON
    assert json.loads(text) == dumped
    orgs = dumped["organizations"]
    assert set(orgs) == set(ARRAY_COLUMNS)
    assert orgs["needs"]["shape"] == [state.organizations.size, len(SERVICES)]
    assert dumped["stage"] == state.stage.label
    assert dumped["policy"]["fees"]["model"] == state.policy.fees.model.value


def test_a_packed_state_is_the_same_whether_its_fixed_columns_were_packed_before(
    state: ClusterState,
):
    from game.snapshot import _PACKED, pack_state, unpack_state

    organizations = state.organizations
    fresh = {name: np.array(getattr(organizations, name)) for name in FIXED_COLUMNS}
    assert all(a.flags.writeable for a in fresh.values())  # packed afresh every time
    copied = state.evolve(organizations=dataclasses.replace(organizations, **fresh))
    first = pack_state(state)  # the shared read-only columns: packed once, then reused
    assert _PACKED[id(organizations.needs)][0] is organizations.needs
    first["state"]["organizations"]["needs"]["shape"].append(99)  # a caller's change stays its own
    first["state"]["organizations"]["segment"]["b64"] = ""
    again = pack_state(state)
    assert json.dumps(again) == json.dumps(pack_state(copied))
    assert state_hash(unpack_state(again)) == state_hash(state)
