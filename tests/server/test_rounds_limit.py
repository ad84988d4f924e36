"""A new game may not run longer than its scenario is written for; a stored one keeps its rounds.

Past a scenario's own rounds no program or call opens and every cluster runs down
(docs/model.md, "Known limits"), so a facilitator asking for more gets a clear refusal
naming the limit, over a real socket and on the command line. A session stored before
the limit, with more rounds, is still restored with them (a stored session is a promise).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

from harness import Table
from loopback import run, serving
from websockets.asyncio.client import connect

from game.scenario import load_scenario


async def create(url: str, **config) -> dict:
    async with connect(url) as ws:
        await ws.send(json.dumps({"type": "create_session", "protocol": 1, "id": "c"} | config))
        while True:
            reply = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if reply.get("reply_to") == "c":
                return reply


def test_a_session_longer_than_its_scenario_is_refused_naming_the_limit(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "r.db") as (_, url):
            longer = await create(url, scenario="grow", rounds=11)
            tutorial = await create(url, scenario="tutorial", rounds=4)
            written = await create(url, scenario="grow", rounds=10)
            shorter = await create(url, scenario="build", rounds=6)
        for refused, most in ((longer, 10), (tutorial, 3)):
            assert refused["type"] == "error" and refused["code"] == "invalid_field"
            assert f"at most {most} rounds" in refused["message"]
            assert [d["field"] for d in refused["details"]] == ["rounds"]
        assert written["type"] == "welcome" and shorter["type"] == "welcome"

    run(main())


def test_a_stored_session_with_more_rounds_is_still_restored() -> None:
    table = Table(scenario="grow", rounds=14)  # as a session created before the limit
    assert table.session.scenario.rounds == 14
    assert load_scenario("grow").rounds == 10


def test_the_command_line_refuses_a_longer_game_in_one_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cli.main", "simulate", "--scenario", "build", "--rounds", "13"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        "clusterboard: error: rounds: 'build' is written for at most 12 rounds (got 13)"
    ]
