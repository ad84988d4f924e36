"""Play sessions over loopback websockets against a real server on 127.0.0.1 port 0."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from protocol.client import Client
from server.app import Server, ServerConfig

TIMEOUT = 60.0
HOSTILE_NAME = "<script>alert(1)</script>"
HOSTILE_AMBITION = 'Grow "green" jobs & <b>exports</b> <img src=x onerror=alert(2)>'


def player_decisions(round_no: int) -> dict[str, Any]:
    """Return what the human team submits: a strategy first, then a few changes."""
    if round_no == 1:
        return {
            "strategy": {
                "ambition": HOSTILE_AMBITION,
                "focus_areas": ["green_shipping", "export_markets"],
                "targets": {"jobs": 400.0, "exports": 30.0, "startups": 5.0},
            },
            "recruitment": {"startup": 0.6, "sme": 0.5, "capital": 0.3},
            "staffing": {"hire_fte": 1.0},
        }
    if round_no == 2:
        return {"fees": {"model": "tiered", "small": 1500.0, "medium": 4000.0, "large": 15000.0}}
    if round_no == 3:
        return {"funding": {"apply": [], "revenue_lines": ["events_sponsorship", "market_reports"]}}
    return {}


async def play_session(
    db: Path, rounds: int, resolve: int, seed: int = 11, open_next: bool = False
) -> str:
    """Play ``resolve`` of ``rounds`` rounds with a human team and two computer-run teams.

    Return the join code. With ``open_next`` the next round is left open with a
    draft edited but not submitted, as a session in progress would be.
    """
    server = Server(ServerConfig(port=0, db=str(db)))
    await server.start()
    url = f"ws://127.0.0.1:{server.port}"
    clients: list[Client] = []
    try:
        facilitator = Client(url)
        clients.append(facilitator)
        code = (await facilitator.create_session(seed=seed, rounds=rounds))["code"]
        player = Client(url, backoff=(0.05, 0.5))
        clients.append(player)
        await player.join(code, HOSTILE_NAME, "Ann")
        await facilitator.send("add_bot", team="Harbour Board", strategy="member_first")
        await facilitator.send("add_bot", team="Grant Seekers", strategy="passive")
        await facilitator.send("start")
        for round_no in range(1, resolve + 1):
            await facilitator.send("open_round")
            await player.wait_for(lambda c, r=round_no: c.phase == "decisions" and c.round == r)
            await player.submit(player_decisions(round_no), round=round_no)
            await facilitator.wait_for(
                lambda c, r=round_no: (
                    c.facilitator_state["timer"]["round"] == r
                    and c.phase in ("results", "finished")
                )
            )
        if open_next:
            await facilitator.send("open_round")
            await player.wait_for(lambda c: c.phase == "decisions" and c.round == resolve + 1)
            await player.edit_draft(staffing={"hire_fte": 2.0})
        return code
    finally:
        for client in clients:
            await client.close()
        await server.stop()


def played_session(db: Path, rounds: int, resolve: int, **options: Any) -> str:
    """Play a session to the given round and return its code (synchronously)."""
    return asyncio.run(asyncio.wait_for(play_session(db, rounds, resolve, **options), TIMEOUT))
