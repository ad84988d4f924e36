"""Over a real socket: a client that misses a patch asks ``resync`` and ends equal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from loopback import close_all, facilitated, run, serving

from protocol.client import Client


class Forgetful(Client):
    """A client that loses the next patch of a view once ``forget`` names it."""

    def __init__(self, url: str) -> None:
        super().__init__(url, backoff=(0.05, 0.5))
        self.forget: str | None = None
        self.lost: list[dict[str, Any]] = []

    def _received(self, message: dict[str, Any]) -> dict[str, Any] | None:
        if message.get("type") == "patch" and message["view"] == self.forget:
            self.forget = None
            self.lost.append(message)
            return None
        return super()._received(message)


def same(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    drop = ("reply_to",)
    return (
        a is not None
        and b is not None
        and (
            {k: v for k, v in a.items() if k not in drop}
            == {k: v for k, v in b.items() if k not in drop}
        )
    )


def results(client: Client) -> bool:
    return client.team_state is not None and client.team_state["timer"]["phase"] == "results"


def opened(client: Client) -> bool:
    return client.team_state is not None and client.team_state["timer"]["round"] == 2


def test_a_client_that_misses_a_patch_resyncs_and_ends_equal(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with serving(tmp_path / "db.sqlite") as (_, url):
            facilitator, code = await facilitated(url, scenario="grow", rounds=2, seed=5)
            steady = Client(url, backoff=(0.05, 0.5))
            await steady.join(code, "North", "Ana")
            forgetful = Forgetful(url)
            await forgetful.join(code, "North", "Ben")
            await facilitator.send("start")
            forgetful.forget = "team_state"  # the round's opening, lost
            await facilitator.send("open_round")
            await steady.wait_for(lambda c: c.phase == "decisions")
            await forgetful.wait_for(lambda c: bool(c.lost))
            assert forgetful.team_state["timer"]["phase"] == "briefing"  # it holds the old view
            forgetful.forget = "public_state"
            await steady.edit_draft(staffing={"hire_fte": 0.5})
            await steady.submit(draft_version=1)
            await steady.wait_for(results)
            await forgetful.wait_for(results)
            await forgetful.wait_for(lambda c: same(c.team_state, steady.team_state))
            await forgetful.wait_for(lambda c: same(c.public_state, steady.public_state))
            assert [m["view"] for m in forgetful.lost] == ["team_state", "public_state"]
            assert forgetful.resyncs == 2 and steady.resyncs == 0
            resynced = [
                m
                for m in forgetful.messages
                if m.get("reply_to") and m["type"] in ("team_state", "public_state")
            ]
            assert {m["type"] for m in resynced} == {"team_state", "public_state"}
            # and it follows patches again: the next round reaches both alike
            await facilitator.send("open_round")
            await steady.wait_for(opened)
            await forgetful.wait_for(lambda c: same(c.team_state, steady.team_state))
            assert forgetful.resyncs == 2
            await close_all(steady, forgetful, facilitator)

    run(scenario())
