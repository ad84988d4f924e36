"""Teams of several players, reconnection with the token, and resent requests."""

from __future__ import annotations

import json

import pytest
from loopback import close_all, facilitated, joined, run, serving

from protocol.client import ServerError


async def team_of_three(url: str):
    facilitator, code = await facilitated(url, seed=1, rounds=2)
    members = [await joined(url, code, "Delta", name) for name in ("Ana", "Ben", "Cy")]
    rival = await joined(url, code, "Echo", "Dee")
    await facilitator.send("start")
    await facilitator.send("open_round")
    for client in [*members, rival]:
        await client.wait_for(lambda c: c.phase == "decisions")
    return facilitator, members, rival


def test_draft_edits_reach_teammates_and_any_one_submits(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "t.db") as (_, url):
            facilitator, (ana, ben, cy), rival = await team_of_three(url)
            await ana.edit_draft(staffing={"hire_fte": 1.5})
            for mate in (ben, cy):
                draft = await mate.wait_for(
                    lambda c: c.team_state["draft_version"] == 1 and c.team_state["draft"]
                )
                assert draft["staffing"]["hire_fte"] == 1.5
            assert rival.team_state["draft_version"] == 0
            await ben.submit()
            await cy.submit({"staffing": {"hire_fte": 0.5}})
            for mate in (ana, ben, cy):
                submission = await mate.wait_for(
                    lambda c: (
                        (c.team_state["submission"] or {}).get("by") == "p3"
                        and c.team_state["submission"]
                    )
                )
                assert submission["decisions"]["staffing"]["hire_fte"] == 0.5
            status = await facilitator.wait_for(
                lambda c: (
                    [t["submitted"] for t in c.facilitator_state["teams"]] == [True, False]
                    and c.facilitator_state
                )
            )
            assert status["timer"]["phase"] == "decisions"
            await close_all(facilitator, ana, ben, cy, rival)

    run(main())


def test_a_dropped_player_reconnects_with_draft_and_submission_intact(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "t.db") as (_, url):
            facilitator, (ana, ben, cy), rival = await team_of_three(url)
            await ana.edit_draft(staffing={"hire_fte": 2.0})
            await ana.submit()
            await ben.drop()
            reply = await ben.edit_draft(recruitment={"sme": 0.9})  # sent while down
            assert reply["type"] == "ack" and ben.reconnections == 1
            state = await ben.wait_for(
                lambda c: c.team_state["draft_version"] == 2 and c.team_state
            )
            assert state["draft"]["staffing"]["hire_fte"] == 2.0
            assert state["draft"]["recruitment"]["sme"] == 0.9
            assert state["submission"]["by"] == "p1"
            assert ben.welcome["role"] == "player" and ben.welcome["token"] is None
            await close_all(facilitator, ana, ben, cy, rival)

    run(main())


def test_a_resent_request_is_applied_once_and_answered_again(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "t.db") as (server, url):
            facilitator, (ana, ben, cy), rival = await team_of_three(url)
            message = {
                "type": "edit_draft",
                "id": "same",
                "round": 1,
                "changes": {"staffing": {"hire_fte": 1.0}},
            }
            first = await ana.request(dict(message))
            events = server.store.counts()["events"]
            await ana.send_raw(json.dumps(message))
            again = await ana.wait_for(
                lambda c: [m for m in c.messages if m.get("reply_to") == "same"][1:]
            )
            assert again[0]["seq"] == first["seq"]
            assert server.store.counts()["events"] == events
            assert ana.team_state["draft_version"] == 1
            await close_all(facilitator, ana, ben, cy, rival)

    run(main())


def test_a_decision_for_a_closed_round_is_stale(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "t.db") as (_, url):
            facilitator, (ana, ben, cy), rival = await team_of_three(url)
            await facilitator.send("close_round")
            await ana.wait_for(lambda c: c.phase == "results")
            with pytest.raises(ServerError) as refused:
                await ana.submit(round=1)
            assert refused.value.code == "stale_round"
            await close_all(facilitator, ana, ben, cy, rival)

    run(main())
