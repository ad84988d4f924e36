"""The session's records: its tables of rules, its snapshots, and what a resolution records."""

from __future__ import annotations

import json

import numpy as np
import pytest
from harness import Table

from game.round import Turn, open_all, resolve_all, round_cards
from game.scenario import load_scenario
from game.setup import initial_state
from game.snapshot import SnapshotError, pack_state, unpack_state
from game.state import state_hash
from protocol.errors import WrongPhase
from protocol.phases import TABLE, TRANSITIONS, Phase, TransitionRefused, next_phase
from server import snapshot
from server.session import FIRST_HANDLERS, HANDLERS, Session


def test_every_message_of_the_table_has_exactly_one_handler():
    assert set(HANDLERS) == set(TABLE)
    assert not set(HANDLERS) & set(FIRST_HANDLERS)


def test_every_phase_is_reachable_from_the_lobby_and_finished_is_the_end():
    reached, frontier = {Phase.LOBBY}, [Phase.LOBBY]
    while frontier:
        phase = frontier.pop()
        for (start, _), end in TRANSITIONS.items():
            if start is phase and end not in reached:
                reached.add(end)
                frontier.append(end)
    assert reached == set(Phase)
    assert not [pair for pair in TRANSITIONS if pair[0] is Phase.FINISHED]


def test_a_transition_not_in_the_table_is_refused():
    assert next_phase(Phase.LOBBY, "start") is Phase.BRIEFING
    with pytest.raises(TransitionRefused, match="open_round is not possible while lobby"):
        next_phase(Phase.LOBBY, "open_round")
    with pytest.raises(TransitionRefused):
        next_phase(Phase.FINISHED, "end_game")


def test_the_session_changes_phase_only_as_the_table_says():
    table = Table()
    with pytest.raises(WrongPhase):
        table.session.enter("resolved")
    assert table.session.phase is Phase.LOBBY


@pytest.mark.parametrize("strategy", ["member_first", "project_chaser", "startup_builder"])
def test_a_packed_state_unpacks_to_the_same_hash_every_round(strategy: str):
    scenario = load_scenario("transform")
    state = initial_state(scenario, 5)
    for round_no in range(1, scenario.rounds + 1):
        (opened,) = open_all([state], scenario, round_cards(scenario, 5, round_no))
        (outcome,) = resolve_all([Turn(opened, 0, strategy=strategy)], scenario, 5)
        state = outcome.state
        back = unpack_state(json.loads(json.dumps(pack_state(state))))
        assert state_hash(back) == state_hash(state), f"round {round_no}"


def test_a_state_from_an_older_engine_gets_new_columns_filled():
    scenario = load_scenario("grow")
    state = initial_state(scenario, 2)
    packed = pack_state(state)
    del packed["state"]["organizations"]["value_seen"]  # as if written before the column
    packed["state"]["retired_field"] = 3  # and a field the code no longer has
    back = unpack_state(packed)
    assert back.organizations.value_seen.shape == state.organizations.value_seen.shape
    assert np.array_equal(back.organizations.member, state.organizations.member)


def test_a_damaged_packed_state_is_refused_with_a_reason():
    with pytest.raises(SnapshotError, match="format"):
        unpack_state({"format": 99})
    packed = pack_state(initial_state(load_scenario("grow"), 2))
    del packed["state"]["cash"]
    with pytest.raises(SnapshotError, match="cash"):
        unpack_state(packed)


def played_table() -> Table:
    table = Table(rounds=3)
    ann = table.join("Alpha", "Ann")
    table.facilitate(type="add_bot", team="Bots", strategy="member_first")
    table.facilitate(type="start")
    table.facilitate(type="open_round")
    step = table.send(ann, type="submit", round=1, decisions={"staffing": {"hire_fte": 1.0}})
    assert step.error is None, step.error
    assert table.resolve_if_needed() is not None
    return table


def test_a_snapshot_restores_the_session_exactly():
    table = played_table()
    data = json.loads(json.dumps(snapshot.take(table.session)))
    rebuilt = Session(table.record)
    snapshot.restore(rebuilt, snapshot.unpack(snapshot.pack(data)))
    assert rebuilt.current_hash() == table.session.current_hash()
    assert (rebuilt.phase, rebuilt.round, rebuilt.completed) == (Phase.RESULTS, 1, 1)
    assert [t.name for t in rebuilt.teams.values()] == ["Alpha", "Bots"]
    assert [p.name for p in rebuilt.players.values()] == ["Ann"]
    assert rebuilt.teams["alpha"].all_reports() == table.session.teams["alpha"].all_reports()
    assert snapshot.take(rebuilt) == data


def test_a_resolution_records_what_each_team_played_and_why():
    table = played_table()
    record = table.session.last_record
    assert record is not None and record.round == 1 and not record.practice
    by_name = {team["name"]: team for team in record.teams}
    assert by_name["Alpha"]["how"] == "submitted"
    assert by_name["Alpha"]["decisions"]["staffing"]["hire_fte"] == 1.0
    assert by_name["Bots"]["how"] == "computer" and "member_first" in by_name["Bots"]["why"]
    assert record.engine == table.session.engine


def test_a_snapshot_of_another_session_is_refused():
    table = played_table()
    data = snapshot.take(table.session)
    other = Table(rounds=3)
    other.session.id = "another"
    with pytest.raises(snapshot.SnapshotMismatch):
        snapshot.restore(other.session, data)
