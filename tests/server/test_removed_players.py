"""A team whose players were all removed holds nobody up: the round closes without it."""

from __future__ import annotations

from loopback import close_all, facilitated, joined, run, serving


def test_the_round_does_not_wait_for_a_team_with_no_player_left(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "removed.db") as (_, url):
            facilitator, code = await facilitated(url, seed=5, rounds=2, round_seconds=3600)
            ann = await joined(url, code, "North", "Ann")
            bo = await joined(url, code, "South", "Bo")
            await facilitator.send("start")
            await facilitator.send("open_round")
            await ann.wait_for(lambda c: c.phase == "decisions")
            await ann.submit({}, round=1)
            state = await facilitator.wait_for(
                lambda c: (
                    c.facilitator_state["timer"]["waiting"] == ["South"] and c.facilitator_state
                )
            )
            bo_id = next(
                p["id"]
                for team in state["teams"]
                if team["team"] == "South"
                for p in team["players"]
            )
            await facilitator.send("remove_player", player=bo_id)
            # an hour left on the clock, yet the round resolves now: nobody is left to wait for
            await facilitator.wait_for(lambda c: c.phase == "results", timeout=20)
            assert facilitator.facilitator_state["timer"]["waiting"] == []
            await close_all(facilitator, ann, bo)

    run(main())
