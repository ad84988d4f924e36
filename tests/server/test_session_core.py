"""The session core without sockets: feed messages, read the outbox."""

from __future__ import annotations

from harness import Table, messages_to, types

from game.decisions import Decisions
from game.match import Seat, play_match, with_rounds
from game.scenario import load_scenario
from game.state import state_hash
from protocol.phases import Phase
from server.replay import replay
from server.session import Command, Tick
from server.store import StoredSession


def three_teams(rounds: int = 3, **config) -> tuple[Table, int, int, int]:
    table = Table(rounds=rounds, **config)
    ann = table.join("Alpha", "Ann")
    bob = table.join("alpha", "Bob")  # the same team, whatever the case
    cid = table.join("Beta", "Cid")
    table.facilitate(type="start")
    table.facilitate(type="open_round")
    return table, ann, bob, cid


def test_a_draft_edit_reaches_teammates_and_no_other_team() -> None:
    table, ann, bob, cid = three_teams()
    step = table.send(ann, type="edit_draft", round=1, changes={"staffing": {"hire_fte": 1.0}})
    assert step.error is None
    assert types(messages_to(step, table.session, bob)) == ["draft"]
    assert types(messages_to(step, table.session, ann)) == ["ack", "draft"]
    assert messages_to(step, table.session, cid) == []
    assert messages_to(step, table.session, bob)[0].draft.staffing.hire_fte == 1.0


def test_any_player_submits_and_a_second_submission_replaces_the_first() -> None:
    table, ann, bob, _ = three_teams()
    assert table.send(ann, type="submit", round=1).error is None
    hire = Decisions.model_validate({"staffing": {"hire_fte": 0.5}}).model_dump(mode="json")
    assert table.send(bob, type="submit", round=1, decisions=hire).error is None
    team = table.session.teams["alpha"]
    assert team.submission.by == "p2"
    assert team.submission.decisions.staffing.hire_fte == 0.5
    assert table.session.phase is Phase.DECISIONS  # Beta has not submitted


def test_everyone_learns_which_teams_the_round_waits_for() -> None:
    table, ann, bob, cid = three_teams()
    step = table.send(ann, type="submit", round=1)
    for connection in (bob, cid):
        timers = [m for m in messages_to(step, table.session, connection) if m.type == "timer"]
        assert timers and timers[-1].timer.waiting == ["Beta"]


def test_the_round_resolves_once_when_everyone_has_submitted() -> None:
    table, ann, _, cid = three_teams()
    table.send(ann, type="submit", round=1)
    table.send(cid, type="submit", round=1)
    assert table.session.phase is Phase.RESOLVING
    step = table.resolve_if_needed()
    assert step.resolved is not None and table.session.phase is Phase.RESULTS
    assert table.resolve_if_needed() is None  # nothing left to resolve
    assert [len(t.reports) for t in table.session.teams.values()] == [1, 1]
    late = table.send(cid, type="submit", round=1)
    assert late.error.code == "stale_round"


def test_the_deadline_resolves_and_a_pause_freezes_it() -> None:
    table, _ann, _, _ = three_teams(round_seconds=60)
    table.now = 30.0
    table.facilitate(type="pause_round")
    table.now = 500.0
    assert table.run(Tick()).record is None  # paused: no deadline
    table.facilitate(type="resume_round")
    assert table.session.deadline == 530.0
    table.now = 529.0
    assert table.run(Tick()).record is None
    table.now = 530.0
    assert table.run(Tick()).record is not None
    assert table.session.phase is Phase.RESOLVING


def test_a_resent_request_is_applied_once_and_answered_again() -> None:
    table, ann, _, _ = three_teams()
    change = {"staffing": {"hire_fte": 1.0}}
    first = table.send(ann, type="edit_draft", round=1, changes=change, id="m1")
    again = table.send(ann, type="edit_draft", round=1, changes=change, id="m1")
    assert first.record is not None and again.record is None
    assert table.session.teams["alpha"].draft_version == 1
    assert (
        messages_to(again, table.session, ann)[0].seq
        == messages_to(first, table.session, ann)[0].seq
    )


def test_a_session_of_computer_teams_mirrors_the_headless_match() -> None:
    table = Table(rounds=4, seed=11)
    for name in ("member_first", "random", "passive"):
        table.facilitate(type="add_bot", team=name, strategy=name)
    table.facilitate(type="start")
    for _ in range(4):
        table.facilitate(type="open_round")
        table.resolve_if_needed()
    assert table.session.phase is Phase.FINISHED
    scenario = with_rounds(load_scenario("grow"), 4)
    records = play_match(scenario, 11, [Seat(n, n) for n in ("member_first", "random", "passive")])
    expected = [r.rounds[-1]["state_hash"] for r in records]
    assert [state_hash(t.state) for t in table.session.teams.values()] == expected


def test_a_missing_submission_follows_the_facilitators_policy() -> None:
    kept = Table(rounds=2, seed=3, missing="keep")
    played = Table(rounds=2, seed=3, missing="strategy", missing_strategy="member_first")
    for table in (kept, played):
        table.join("Alpha", "Ann")
        table.facilitate(type="start")
        table.facilitate(type="open_round")
        table.facilitate(type="close_round")
        table.resolve_if_needed()
    keep_report = kept.session.teams["alpha"].last_report()
    strategy_report = played.session.teams["alpha"].last_report()
    assert keep_report.funding.applied == {}
    assert strategy_report != keep_report


def test_replaying_the_log_rebuilds_the_same_state() -> None:
    table, ann, bob, _cid = three_teams(rounds=3)
    table.facilitate(type="inject_event", event_id="pandemic")
    table.send(ann, type="edit_draft", round=1, changes={"staffing": {"hire_fte": 1.0}})
    table.send(bob, type="submit", round=1)
    table.facilitate(type="close_round")
    table.resolve_if_needed()
    table.facilitate(type="set_weights", weights={"impact": 1, "engagement": 1})
    table.facilitate(type="replace_team", team="beta", strategy="random")
    table.facilitate(type="open_round")
    table.send(ann, type="submit", round=2)
    table.resolve_if_needed()
    hashes = {h.resolution: h.hash for h in table.session.hashes}
    rebuilt = replay(StoredSession("s1", "ACDEFG", table.log, hashes))
    assert rebuilt.current_hash() == table.session.current_hash()
    assert rebuilt.phase is table.session.phase and rebuilt.seq == table.session.seq
    assert rebuilt.teams["alpha"].draft == table.session.teams["alpha"].draft


def test_a_practice_round_is_played_then_reset() -> None:
    table = Table(rounds=2)
    ann = table.join("Alpha", "Ann")
    table.facilitate(type="start")
    start = table.session.current_hash()
    table.facilitate(type="open_round", practice=True)
    table.send(ann, type="submit", round=1)
    table.resolve_if_needed()
    assert table.session.phase is Phase.RESULTS and table.session.practice
    refused = table.run({"type": "open_round"}, table.facilitator)
    assert refused.error.code == "wrong_phase"
    table.facilitate(type="reset_practice")
    assert table.session.current_hash() == start and table.session.phase is Phase.BRIEFING


def test_commands_from_the_wrong_role_change_nothing() -> None:
    table, ann, _, _ = three_teams()
    before = (table.session.seq, table.session.phase, table.session.deadline)
    for message in ({"type": "close_round"}, {"type": "extend", "seconds": 30}):
        step = table.send(ann, **message)
        assert step.error.code == "not_allowed" and step.record is None
    step = table.run({"type": "submit", "round": 1}, table.facilitator)
    assert step.error.code == "not_allowed"
    assert (table.session.seq, table.session.phase, table.session.deadline) == before


def test_an_unknown_connection_must_identify_itself() -> None:
    table, _, _, _ = three_teams()
    step = table.session.handle(Command(0.0, table_message("get_view"), connection=99))
    assert step.error.code == "not_authenticated"


def table_message(kind: str):
    from protocol.messages import parse_client_data

    return parse_client_data({"type": kind})


def test_the_servers_state_hash_is_the_engines() -> None:
    from server.rounds import team_state_hash

    table = Table(rounds=2, seed=5)
    table.facilitate(type="add_bot", team="a", strategy="random")
    table.facilitate(type="start")
    table.facilitate(type="open_round")
    table.resolve_if_needed()
    state = table.session.teams["a"].state
    assert team_state_hash(state) == state_hash(state)
    assert team_state_hash(table.session.initial) == state_hash(table.session.initial)
