"""A finished session stays readable after the server restarts.

A short game is played to the end, the server stops, a new one starts on the
same database: the facilitator, a player and a projector come back to it with
their token or its code and see the final leaderboard, every newspaper and
every report, as before the restart. Finished sessions are not replayed at
start; each is read from its last snapshot when someone comes back to it.
"""

from __future__ import annotations

import asyncio

from loopback import close_all, facilitated, joined, run, serving

from protocol.client import Client, ServerError


async def play_to_the_end(url: str) -> tuple[dict, dict, dict, str]:
    facilitator, code = await facilitated(url, seed=6, rounds=2)
    player = await joined(url, code, "North", "Ana")
    await facilitator.send("start")
    for round_no in (1, 2):
        await facilitator.send("open_round")
        await player.wait_for(lambda c, r=round_no: c.phase == "decisions" and c.round == r)
        await player.submit()
        await facilitator.wait_for(
            lambda c, r=round_no: (
                c.facilitator_state["timer"]["round"] == r
                and c.facilitator_state["timer"]["phase"] in ("results", "finished")
            )
        )
    await facilitator.wait_for(lambda c: c.phase == "finished")
    await player.wait_for(lambda c: c.phase == "finished")
    tokens = {"facilitator": facilitator.token, "player": player.token}
    projector = Client(url, reconnect=False)
    await projector.spectate(code)
    before = {
        "facilitator": await facilitator.send("get_view"),
        "team": await player.send("get_view"),  # the reply is the full team_state
        "public": await projector.send("get_view"),  # the full public_state
    }
    await close_all(facilitator, player, projector)
    return tokens, before, {"code": code}, code


def comparable(view: dict) -> dict:
    skipped = ("reply_to", "timer", "teams", "spectators", "version")  # version: per server run
    return {k: v for k, v in view.items() if k not in skipped}


def test_a_finished_session_is_readable_after_a_restart(tmp_path) -> None:
    db = tmp_path / "f.db"

    async def main() -> None:
        async with serving(db) as (_, url):
            tokens, before, _, code = await play_to_the_end(url)
        async with serving(db) as (server, url):
            assert not server.runners  # nothing was replayed at start
            facilitator = Client(url, reconnect=False)
            welcome = await facilitator.resume(tokens["facilitator"])
            assert welcome["role"] == "facilitator" and welcome["code"] == code
            view = await facilitator.send("get_view")
            assert view["timer"]["phase"] == "finished"
            assert comparable(view) == comparable(before["facilitator"])
            player = Client(url, reconnect=False)
            await player.resume(tokens["player"])
            team = await player.send("get_view")
            assert len(team["reports"]) == 2 and team["reports"] == before["team"]["reports"]
            projector = Client(url, reconnect=False)
            await projector.spectate(code)
            public = await projector.send("get_view")
            assert public["leaderboard"] == before["public"]["leaderboard"]
            assert public["history"] == before["public"]["history"]
            assert len(public["history"]) == 2
            late = Client(url, reconnect=False)
            try:  # a finished session takes no new players
                await late.join(code, "South", "Bo")
                raise AssertionError("joined a finished session")
            except ServerError as error:
                assert error.code == "wrong_phase"
            await close_all(facilitator, player, projector, late)

    run(main())


def test_a_finished_session_put_away_from_memory_comes_back(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "f.db") as (server, url):
            tokens, before, _, _ = await play_to_the_end(url)
            (session_id,) = server.runners
            while server.connections or server.runners[session_id].session.connections:
                await asyncio.sleep(0.02)  # the server sees the clients go
            server.put_away_finished(server.put_away_finished(set()))  # two idle passes
            assert not server.runners
            facilitator = Client(url, reconnect=False)
            await facilitator.resume(tokens["facilitator"])
            view = await facilitator.send("get_view")
            assert comparable(view) == comparable(before["facilitator"])
            assert list(server.runners) == [session_id]
            await close_all(facilitator)

    run(main())


def test_a_broadcast_after_the_last_year_survives_a_restart(tmp_path) -> None:
    """The facilitator's closing message, sent once the game is over (after its last
    snapshot), is in the log and comes back with the session."""
    db = tmp_path / "b.db"
    words = "Debrief in room 2 at 11:00"

    async def main() -> None:
        async with serving(db) as (_, url):
            tokens, _, _, code = await play_to_the_end(url)
            facilitator = Client(url, reconnect=False)
            await facilitator.resume(tokens["facilitator"])
            await facilitator.send("broadcast", text=words)
            await close_all(facilitator)
        async with serving(db) as (_, url):
            projector = Client(url, reconnect=False)
            await projector.spectate(code)
            public = await projector.send("get_view")
            assert public["announcement"] == words
            await close_all(projector)

    run(main())
