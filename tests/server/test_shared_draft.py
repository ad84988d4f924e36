"""Teammates share one draft: a submission never loses a teammate's edit, over a real socket."""

from __future__ import annotations

from loopback import close_all, facilitated, joined, run, serving

from protocol.client import ServerError


def test_a_submission_of_an_overtaken_draft_is_refused_and_the_edit_kept(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "draft.db") as (_, url):
            facilitator, code = await facilitated(url, seed=3, rounds=2)
            ann = await joined(url, code, "North", "Ann")
            bo = await joined(url, code, "North", "Bo")
            assert facilitator.facilitator_state["timer"]["waiting"] == []  # lobby: nobody
            await facilitator.send("start")
            await facilitator.send("open_round")
            await bo.wait_for(lambda c: c.phase == "decisions")
            assert bo.public_state["timer"]["waiting"] == ["North"]
            seen = bo.team_state["draft_version"]
            await ann.edit_draft(round=1, staffing={"hire_fte": 1.5})
            await bo.wait_for(lambda c: c.team_state["draft_version"] > seen)
            try:
                await bo.submit(None, round=1, draft_version=seen)
                raise AssertionError("an overtaken draft was accepted")
            except ServerError as error:
                assert error.code == "stale_draft"
                assert error.reply["details"] == [
                    {"field": "draft_version", "problem": f"now {seen + 1}"}
                ]
            reply = await bo.submit(None, round=1, draft_version=seen + 1)
            assert reply["type"] == "ack"
            submitted = await ann.wait_for(
                lambda c: [m for m in c.messages if m["type"] == "submitted"]
            )
            decisions = submitted[0]["submission"]["decisions"]
            assert decisions["staffing"]["hire_fte"] == 1.5  # Ann's edit went in
            await facilitator.wait_for(lambda c: c.phase == "results")
            assert facilitator.facilitator_state["timer"]["waiting"] == []
            assert isinstance(facilitator.facilitator_state["config"]["seed"], str)
            assert facilitator.facilitator_state["config"]["seed"] == "3"
            await close_all(facilitator, ann, bo)

    run(main())
