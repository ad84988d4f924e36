"""What the session holds back: drafts' forecasts until they settle, and the timers.

A draft's forecast is due once the draft has been quiet for ``SETTLE`` seconds, or
at once when a view of the team asks for it (a round's opening, a join); the shell
computes it (a worker process) and hands it back in a ``forecast_done`` command, and
the core sends it only while that draft version is the team's. A timer goes out at
most twice a second per session; a flush (a server command, never logged) sends the
last one, so what a client ends up showing is always the forecast of its draft and
the teams the round really waits for.
"""

from __future__ import annotations

import asyncio

from harness import Table, messages_to
from loopback import close_all, facilitated, joined, run, serving

from game.forecast import forecast
from server import forecasting
from server.session import SETTLE, Flush, ForecastDone


def _calls(monkeypatch) -> list[int]:
    counted: list[int] = []

    def counting(*args, **kwargs):
        counted.append(1)
        return forecast(*args, **kwargs)

    monkeypatch.setattr(forecasting, "forecast", counting)
    return counted


def _opened(**config) -> tuple[Table, int, int]:
    """A round open for team Alpha (Ann and Bob), its opening forecast delivered."""
    table = Table(rounds=2, **config)
    ann, bob = table.join("Alpha", "Ann"), table.join("Alpha", "Bob")
    table.facilitate(type="start")
    table.facilitate(type="open_round")
    table.forecasts()
    return table, ann, bob


def _forecasts(steps, table: Table, connection: int) -> list:
    return [
        m
        for step in steps
        for m in messages_to(step, table.session, connection)
        if m.type == "forecast"
    ]


def test_a_burst_of_edits_ends_with_the_forecast_of_the_last_draft(monkeypatch) -> None:
    table, ann, bob = _opened()
    calls = _calls(monkeypatch)
    drafts = []
    for n in range(6):
        table.now = last_edit = 10.0 + n / 8
        change = {"staffing": {"hire_fte": 0.5 * (n + 1)}}
        step = table.send(ann, type="edit_draft", round=1, changes=change)
        assert step.error is None
        drafts += [m for m in messages_to(step, table.session, bob) if m.type == "draft"]
        assert table.forecasts() == []  # still settling: no work
    assert all(d.forecast is None and d.forecast_pending for d in drafts)
    assert calls == []
    table.now = table.session.flush_due()  # first the facilitator's held-back update
    assert table.now < last_edit + SETTLE
    flushed = table.run(Flush())
    assert [m.type for m in messages_to(flushed, table.session, table.facilitator)] == [
        "facilitator_state"
    ]
    assert table.session.flush_due() == last_edit + SETTLE
    table.now = last_edit + SETTLE - 0.01
    early = table.run(Flush())
    assert early.outbox == [] and early.record is None and table.forecasts() == []
    table.now = last_edit + SETTLE
    steps = table.forecasts()
    assert all(step.record is None for step in steps)  # never enters the event log
    sent = _forecasts(steps, table, bob)
    team = table.session.teams["alpha"]
    assert len(sent) == 1 and sent[0].version == team.draft_version == drafts[-1].version
    expected = forecast(team.open_state, team.draft, table.session.scenario, table.session.weights)
    assert sent[0].forecast == expected and team.draft.staffing.hire_fte == 3.0
    assert len(calls) == 1 and table.session.flush_due() is None
    again = table.send(bob, type="get_view")  # the same version: the computed forecast
    views = [m for m in messages_to(again, table.session, bob) if m.type == "team_state"]
    assert views[0].forecast == expected and not views[0].forecast_pending
    assert len(calls) == 1 and table.forecasts() == []


def test_a_draft_submitted_before_it_settles_gets_no_forecast_work(monkeypatch) -> None:
    table, ann, bob = _opened()
    calls = _calls(monkeypatch)
    table.now = 10.0
    table.send(ann, type="edit_draft", round=1, changes={"staffing": {"hire_fte": 1.0}})
    table.now = 10.2
    step = table.send(bob, type="submit", round=1)
    assert step.error is None
    assert table.session.flush_due() is None
    table.now = 20.0
    assert table.forecasts() == [] and calls == []
    again = table.send(bob, type="get_view")
    (team_view,) = [m for m in messages_to(again, table.session, bob) if m.type == "team_state"]
    assert team_view.forecast is None and not team_view.forecast_pending
    assert table.forecasts() == [] and calls == []


def test_a_forecast_of_an_overtaken_version_is_never_sent() -> None:
    table, ann, bob = _opened()
    table.now = 10.0
    table.send(ann, type="edit_draft", round=1, changes={"staffing": {"hire_fte": 1.0}})
    table.now += SETTLE
    (job,) = table.session.take_forecasts(table.now)  # out to a worker ...
    table.send(bob, type="edit_draft", round=1, changes={"staffing": {"hire_fte": 2.0}})
    late = table.run(ForecastDone(), result=forecasting.run(job))  # ... back too late
    assert late.record is None and _forecasts([late], table, bob) == []
    table.now += SETTLE
    steps = table.forecasts()
    sent = _forecasts(steps, table, ann)
    team = table.session.teams["alpha"]
    assert [m.version for m in sent] == [team.draft_version] == [job.key[4] + 1]
    assert sent[0].forecast != forecasting.run(job).forecast


def test_the_view_of_a_round_opening_is_followed_by_its_forecast(monkeypatch) -> None:
    table = Table(rounds=2)
    ann = table.join("Alpha", "Ann")
    table.join("Beta", "Bea")
    table.facilitate(type="start")
    calls = _calls(monkeypatch)
    step = table.facilitate(type="open_round")
    views = [m for m in messages_to(step, table.session, ann) if m.type == "team_state"]
    assert views[-1].forecast is None and views[-1].forecast_pending and calls == []
    steps = table.forecasts()  # due at once: nothing to settle
    assert len(steps) == len(calls) == 2  # one per team
    (sent,) = _forecasts(steps, table, ann)
    team = table.session.teams["alpha"]
    assert sent.version == team.draft_version and sent.forecast is not None
    assert sent.forecast == forecast(
        team.open_state, team.draft, table.session.scenario, table.session.weights
    )
    bob = table.join("Alpha", "Bob")  # a later view carries it, computed once
    again = table.send(bob, type="get_view")
    (view,) = [m for m in messages_to(again, table.session, bob) if m.type == "team_state"]
    assert view.forecast == sent.forecast and not view.forecast_pending
    assert len(calls) == 2 and table.forecasts() == []


def test_timers_are_held_back_and_the_last_one_is_right() -> None:
    table = Table(rounds=2)
    seats = [table.join(f"T{n}", f"P{n}") for n in range(5)]
    table.facilitate(type="start")
    table.facilitate(type="open_round")
    table.forecasts()  # the opening's forecasts, computed by the shell
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


def test_the_facilitator_gets_drafts_held_back_and_the_last_update_is_right() -> None:
    table = Table(rounds=2)
    seats = [table.join(f"T{n}", f"P{n}") for n in range(4)]
    table.facilitate(type="start")
    table.facilitate(type="open_round")
    table.forecasts()
    console = table.facilitator

    def updates(step) -> list:
        return [
            m for m in messages_to(step, table.session, console) if m.type == "facilitator_state"
        ]

    table.now = 30.0
    sent = []
    for n in range(20):  # twenty edits over a second, by four teams
        change = {"staffing": {"hire_fte": 0.25 * (n + 1)}}
        step = table.send(seats[n % 4], type="edit_draft", round=1, changes=change)
        assert step.error is None
        sent += updates(step)
        table.now = 30.0 + 0.05 * (n + 1)
    assert len(sent) == 2  # at 30.0 and 30.5, not one per edit
    due = table.session.flush_due()
    assert due is not None and 30.5 < due <= 31.0
    table.now = 31.0
    while (due := table.session.flush_due()) is not None and due <= table.now:
        step = table.run(Flush())
        assert step.record is None  # never enters the event log
        sent += updates(step)
    assert len(sent) == 3
    shown = {row.team: row.draft_version for row in sent[-1].teams}
    assert shown == {t.name: t.draft_version for t in table.session.teams.values()}
    assert sorted(shown.values()) == [5, 5, 5, 5]
    assert table.session.flush_due() is None or table.session.flush_due() > 31.0


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


def test_over_a_socket_a_teammate_gets_exactly_the_forecast_of_the_last_draft(
    tmp_path,
) -> None:
    async def main() -> None:
        async with serving(tmp_path / "forecast.db", workers=1) as (server, url):
            facilitator, code = await facilitated(url, seed=4, rounds=2)
            ann = await joined(url, code, "North", "Ann")
            bo = await joined(url, code, "North", "Bo")
            await facilitator.send("start")
            await facilitator.send("open_round")
            opening = await bo.wait_for(
                lambda c: [m for m in c.messages if m["type"] == "forecast"]
            )  # the round's opening view said pending; its forecast followed
            assert len(opening) == 1
            runner = next(iter(server.runners.values()))
            computed = runner.forecasts_computed
            mark = len(bo.messages)
            for n in range(6):
                await ann.edit_draft(round=1, staffing={"hire_fte": 0.5 * (n + 1)})
            session = runner.session
            team = session.teams["north"]
            sent = await bo.wait_for(
                lambda c: [m for m in list(c.messages)[mark:] if m["type"] == "forecast"]
            )
            assert bo.team_state["draft_version"] == team.draft_version
            assert bo.team_state["draft"]["staffing"]["hire_fte"] == 3.0
            expected = forecast(team.open_state, team.draft, session.scenario, session.weights)
            assert sent[0]["version"] == team.draft_version
            assert bo.team_state["forecast"] == expected.model_dump(mode="json")
            assert not bo.team_state["forecast_pending"]
            await asyncio.sleep(2 * SETTLE)  # room for a stray forecast, if one were coming
            late = [m for m in list(bo.messages)[mark:] if m["type"] == "forecast"]
            assert len(late) == 1 and runner.forecasts_computed == computed + 1
            await close_all(facilitator, ann, bo)

    run(main())


def test_over_a_socket_a_draft_submitted_before_it_settles_costs_no_forecast(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "submitted.db") as (server, url):
            facilitator, code = await facilitated(url, seed=4, rounds=2)
            ann = await joined(url, code, "North", "Ann")
            await facilitator.send("start")
            await facilitator.send("open_round")
            await ann.wait_for(lambda c: [m for m in c.messages if m["type"] == "forecast"])
            runner = next(iter(server.runners.values()))
            computed = runner.forecasts_computed
            mark = len(ann.messages)
            await ann.edit_draft(round=1, staffing={"hire_fte": 1.0})
            await ann.submit(None, round=1)
            await facilitator.wait_for(lambda c: c.phase == "results")
            await asyncio.sleep(2 * SETTLE)
            assert [m for m in list(ann.messages)[mark:] if m["type"] == "forecast"] == []
            assert runner.forecasts_computed == computed
            await close_all(facilitator, ann)

    run(main())


def test_a_worker_keeps_one_scenario_per_rules_and_forecasts_the_same() -> None:
    import pickle

    table, ann, _ = _opened()
    table.now = 10.0
    table.send(ann, type="edit_draft", round=1, changes={"staffing": {"hire_fte": 1.0}})
    table.now += SETTLE
    (job,) = table.session.take_forecasts(table.now)
    forecasting._scenarios.clear()  # as a fresh worker, holding no scenario yet
    copy = pickle.loads(pickle.dumps(job))  # as a worker receives it: a scenario of its own
    assert copy.scenario is not job.scenario and copy.rules == job.rules != ""
    first, again = forecasting.run(job), forecasting.run(copy)
    assert forecasting.kept(copy) is forecasting.kept(job)
    team = table.session.teams["alpha"]
    expected = forecast(team.open_state, team.draft, table.session.scenario, table.session.weights)
    assert first.forecast == again.forecast == expected and first.key == job.key


def test_a_draft_still_settling_when_the_round_closes_gets_no_forecast_work(monkeypatch) -> None:
    table, ann, _ = _opened()
    calls = _calls(monkeypatch)
    table.now = 10.0
    table.send(ann, type="edit_draft", round=1, changes={"staffing": {"hire_fte": 1.0}})
    table.facilitate(type="close_round")
    assert table.session.phase.value == "resolving"  # the year to forecast is still there
    assert table.session.teams["alpha"].open_state is not None
    table.now += SETTLE
    assert table.forecasts() == [] and calls == []
