"""A whole game over real websockets: three scripted players, two computer-run teams."""

from __future__ import annotations

import asyncio

from loopback import close_all, facilitated, joined, run, serving

from cli.bot import play
from protocol.client import Client

ROUNDS = 10


async def scripted_player(client: Client, hire: float) -> None:
    """Edit the draft a field at a time like a person would, then submit it."""
    for round_no in range(1, ROUNDS + 1):
        await client.wait_for(lambda c, r=round_no: c.phase == "decisions" and c.round == r)
        if client.team_state["view"]["wound_up"]:
            continue  # a wound-up organization decides nothing; the round does not wait for it
        await client.edit_draft(staffing={"hire_fte": hire if round_no == 1 else 0.0})
        await client.edit_draft(recruitment={"startup": 0.5, "sme": 0.6})
        reply = await client.submit()
        assert reply["type"] == "ack"


async def whole_game(url: str) -> None:
    facilitator, code = await facilitated(url, seed=42, round_seconds=120)
    spectator = Client(url)
    await spectator.spectate(code)
    players = [
        await joined(url, code, team, name)
        for team, name in (("North", "Ana"), ("South", "Ben"), ("East", "Cy"))
    ]
    network_bot = await joined(url, code, "Remote", "bot")
    await facilitator.send("add_bot", team="House", strategy="project_chaser")
    await facilitator.send("start")
    tasks = [
        asyncio.create_task(scripted_player(p, h))
        for p, h in zip(players, (1.0, 0.5, 0.0), strict=True)
    ]
    tasks.append(asyncio.create_task(play(network_bot, "startup_builder")))
    for round_no in range(1, ROUNDS + 1):
        await facilitator.send("open_round")
        await facilitator.wait_for(
            lambda c, r=round_no: (
                c.facilitator_state["timer"]["round"] == r and c.phase in ("results", "finished")
            )
        )
    await asyncio.gather(*tasks)
    await spectator.wait_for(lambda c: c.public_state["timer"]["phase"] == "finished")
    final = facilitator.facilitator_state
    board = spectator.public_state["leaderboard"]
    assert final["timer"]["phase"] == "finished"
    assert sorted(row["team"] for row in board) == ["East", "House", "North", "Remote", "South"]
    assert [row["rank"] for row in board] == [1, 2, 3, 4, 5]
    assert all(len(team["last_report"]["news"]) > 0 for team in final["teams"])
    assert [len(t["last_report"] and [1]) for t in final["teams"]] == [1] * 5
    assert len(final["state_hashes"]) == ROUNDS
    history = (await spectator.send("get_view"))["history"]
    assert [paper["round"] for paper in history] == list(range(1, ROUNDS + 1))
    allowed = {"welcome", "labels", "briefing", "public_state", "timer"}
    assert {m["type"] for m in spectator.messages} <= allowed
    for player in players:
        teams_seen = {m["team"] for m in player.messages if m["type"] == "team_state"}
        assert teams_seen == {player.welcome["team"]}
        assert player.team_state["view"]["round"] == ROUNDS + 1
    await close_all(facilitator, spectator, network_bot, *players)


def test_a_whole_game_reaches_the_final_leaderboard(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "game.db") as (_, url):
            await whole_game(url)

    run(main(), timeout=90)
