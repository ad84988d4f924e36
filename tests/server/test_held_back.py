"""What the session holds back: a fast editor's forecasts and the "waiting for" timers.

The core sends a draft's forecast at most once a second per team and a timer at most
twice a second per session; a flush (a server command, never logged) sends the last
one, so what a client ends up showing is always the forecast of its draft and the
teams the round really waits for.
"""

from __future__ import annotations

import asyncio

from harness import Table, messages_to
from loopback import close_all, facilitated, joined, run, serving

from game.forecast import forecast
from server import views
from server.session import Flush


def _calls(monkeypatch) -> list[int]:
    counted: list[int] = []

    def counting(*args, **kwargs):
        counted.append(1)
        return forecast(*args, **kwargs)

    monkeypatch.setattr(views, "forecast", counting)
    return counted


def test_a_burst_of_edits_ends_with_the_forecast_of_the_last_draft(monkeypatch) -> None:
    calls = _calls(monkeypatch)
    table = Table(rounds=2)
    ann, bob = table.join("Alpha", "Ann"), table.join("Alpha", "Bob")
    table.facilitate(type="start")
    table.facilitate(type="open_round")
    calls.clear()
    table.now = 10.0
    drafts = []
    for n in range(6):
        change = {"staffing": {"hire_fte": 0.5 * (n + 1)}}
        step = table.send(ann, type="edit_draft", round=1, changes=change)
        assert step.error is None
        drafts += [m for m in messages_to(step, table.session, bob) if m.type == "draft"]
        table.now += 0.05
    assert drafts[0].forecast is not None and not drafts[0].forecast_pending
    assert all(d.forecast is None and d.forecast_pending for d in drafts[1:])
    assert len(calls) == 1  # the first edit's only
    assert table.session.flush_due() == 11.0
    table.now = 10.9
    early = table.run(Flush())
    assert early.outbox == [] and early.record is None
    table.now = 11.0
    step = table.run(Flush())
    assert step.record is None  # never enters the event log
    sent = [m for m in messages_to(step, table.session, bob) if m.type == "forecast"]
    team = table.session.teams["alpha"]
    assert len(sent) == 1 and sent[0].version == team.draft_version == drafts[-1].version
    expected = forecast(team.open_state, team.draft, table.session.scenario, table.session.weights)
    assert sent[0].forecast == expected
    assert team.draft.staffing.hire_fte == 3.0
    assert len(calls) == 2 and table.session.flush_due() is None
    again = table.send(bob, type="get_view")  # the same version: the cached forecast
    assert [m.forecast for m in messages_to(again, table.session, bob) if m.type == "team_state"]
    assert len(calls) == 2


def test_a_team_state_to_the_team_pays_the_forecast_it_owed() -> None:
    table = Table(rounds=2)
    ann = table.join("Alpha", "Ann")
    table.facilitate(type="start")
    table.facilitate(type="open_round")
    table.now = 5.0
    table.send(ann, type="edit_draft", round=1, changes={"staffing": {"hire_fte": 1.0}})
    table.send(ann, type="edit_draft", round=1, changes={"staffing": {"hire_fte": 2.0}})
    assert table.session.flush_due() == 6.0
    bob = table.join("Alpha", "Bob")  # the team gets a team_state, forecast included
    assert table.session.flush_due() is None
    assert table.session.teams["alpha"].draft.staffing.hire_fte == 2.0
    assert bob


def test_timers_are_held_back_and_the_last_one_is_right() -> None:
    table = Table(rounds=2)
    seats = [table.join(f"T{n}", f"P{n}") for n in range(5)]
    table.facilitate(type="start")
    table.facilitate(type="open_round")
    table.now = 20.0
    timers = []
    for seat in seats[:4]:
        step = table.send(seat, type="submit", round=1)
        timers += [m for m in messages_to(step, table.session, seats[4]) if m.type == "timer"]
        table.now += 0.1
    assert len(timers) == 1 and timers[0].timer.waiting == ["T1", "T2", "T3", "T4"]
    assert table.session.flush_due() == 20.5
    assert table.run(Flush()).outbox == []  # 20.4: too early
    table.now = 20.5
    step = table.run(Flush())
    last = [m for m in messages_to(step, table.session, seats[0]) if m.type == "timer"]
    assert step.record is None and len(last) == 1 and last[0].timer.waiting == ["T4"]
    assert table.session.flush_due() is None


def test_twenty_teams_submitting_at_once_get_few_timers_over_a_socket(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "timers.db") as (_, url):
            facilitator, code = await facilitated(url, seed=5, rounds=2, max_teams=20)
            players = [await joined(url, code, f"T{n:02d}", f"P{n}") for n in range(20)]
            await facilitator.send("start")
            await facilitator.send("open_round")
            for player in players:
                await player.wait_for(lambda c: c.phase == "decisions")
            marks = [len(p.messages) for p in players]
            await asyncio.gather(*(p.submit(None, round=1) for p in players[:19]))
            for player in players:
                await player.wait_for(lambda c: c.timer and c.timer["waiting"] == ["T19"])
            await asyncio.sleep(0.6)  # room for a stray timer, if one were still coming
            for player, mark in zip(players, marks, strict=True):
                frames = [m for m in list(player.messages)[mark:] if m["type"] == "timer"]
                assert 1 <= len(frames) <= 5, len(frames)  # each submission sent one: 19
                assert frames[-1]["timer"]["waiting"] == ["T19"]
            await close_all(facilitator, *players)

    run(main())


def test_over_a_socket_a_teammate_ends_with_the_forecast_of_the_last_draft(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "forecast.db") as (server, url):
            facilitator, code = await facilitated(url, seed=4, rounds=2)
            ann = await joined(url, code, "North", "Ann")
            bo = await joined(url, code, "North", "Bo")
            await facilitator.send("start")
            await facilitator.send("open_round")
            await bo.wait_for(lambda c: c.phase == "decisions")
            for n in range(6):
                await ann.edit_draft(round=1, staffing={"hire_fte": 0.5 * (n + 1)})
            session = next(iter(server.runners.values())).session
            team = session.teams["north"]
            await bo.wait_for(
                lambda c: (
                    c.team_state["draft_version"] == team.draft_version
                    and c.team_state["forecast"] is not None
                )
            )
            assert bo.team_state["draft"]["staffing"]["hire_fte"] == 3.0
            expected = forecast(team.open_state, team.draft, session.scenario, session.weights)
            assert bo.team_state["forecast"] == expected.model_dump(mode="json")
            await close_all(facilitator, ann, bo)

    run(main())
