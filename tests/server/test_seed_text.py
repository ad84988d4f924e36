"""A 63-bit seed survives a JavaScript client: it may be sent, and is always shown, as text."""

from __future__ import annotations

from loopback import close_all, run, serving

from protocol.client import Client

BIG = "9223372036854775806"  # 2^63 - 2: a JavaScript number would round it


def test_a_seed_sent_as_text_comes_back_exactly(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "seed.db") as (_, url):
            facilitator = Client(url)
            await facilitator.create_session(seed=BIG, rounds=2)
            state = await facilitator.wait_for(lambda c: c.facilitator_state)
            assert state["config"]["seed"] == BIG
            other = Client(url)
            await other.create_session(seed=int(BIG), rounds=2)
            assert (await other.wait_for(lambda c: c.facilitator_state))["config"]["seed"] == BIG
            await close_all(facilitator, other)

    run(main())
