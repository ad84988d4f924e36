"""Group commit: the commands of one event-loop turn share one commit, and no
acknowledgement leaves the server before its command is committed.

Players on real sockets send bursts of edits without waiting; every time the
server sends an ack, the test reads the database through a connection of its own
(which sees committed rows only) and requires the acknowledged command there.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3

from loopback import run, serving
from websockets.asyncio.client import ClientConnection, connect

FAST = {"rate": 1e6, "burst": 1e6}


async def first(url: str, message: dict) -> tuple[ClientConnection, dict]:
    ws = await connect(url)
    await ws.send(json.dumps({"protocol": 1, "id": "hello"} | message))
    while True:
        reply = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if reply.get("reply_to") == "hello":
            return ws, reply


async def acks(ws: ClientConnection, ids: set[str]) -> list[dict]:
    got = []
    while ids:
        reply = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if reply.get("reply_to") in ids:
            ids.discard(reply["reply_to"])
            got.append(reply)
    return got


def test_bursts_share_commits_and_every_ack_is_committed_before_it_is_sent(tmp_path) -> None:
    db = tmp_path / "g.db"
    reader = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    unseen: list[str] = []
    commits = []

    async def main() -> None:
        async with serving(db, **FAST) as (server, url):
            send, commit = server.send, server.store.commit_group

            def checked_send(targets, text, kind=None):
                if kind == "ack":
                    ack = json.loads(text)
                    found = reader.execute(
                        "SELECT COUNT(*) FROM events WHERE seq = ?", (ack["seq"],)
                    ).fetchone()[0]
                    if not found:
                        unseen.append(ack["reply_to"])
                return send(targets, text, kind)

            def counted_commit():
                commits.append(server.store.db.in_transaction)
                return commit()

            server.send = checked_send
            server.store.commit_group = counted_commit
            facilitator, created = await first(url, {"type": "create_session", "seed": 3})
            players = []
            for n in range(6):
                join = {"type": "join", "code": created["code"], "team": f"T{n}", "name": "P"}
                players.append((await first(url, join))[0])
            for kind in ("start", "open_round"):
                await facilitator.send(json.dumps({"type": kind, "id": kind}))
                await acks(facilitator, {kind})
            before = sum(commits)
            bursts = []
            for n, ws in enumerate(players):
                ids = {f"e{n}-{k}" for k in range(25)}
                for mid in sorted(ids):
                    await ws.send(json.dumps(
                        {"type": "edit_draft", "id": mid, "round": 1, "changes": {}}
                    ))  # fmt: skip
                bursts.append(acks(ws, ids))
            replies = [r for burst in await asyncio.gather(*bursts) for r in burst]
            assert len(replies) == 150 and all(r["type"] == "ack" for r in replies)
            assert len({r["seq"] for r in replies}) == 150
            grouped = sum(commits) - before
            assert 1 <= grouped < 150  # fewer commits than commands: they were grouped
            for ws in (facilitator, *players):
                await ws.close()

    run(main())
    assert unseen == []  # every ack found its command committed when it was sent
    reader.close()


def test_a_group_the_disk_refuses_is_refused_whole_and_nothing_of_it_is_kept(tmp_path) -> None:
    """Bursts from several players while the log's last page fills (SQLite's page limit
    stands in for the disk): every command is acked and logged, or refused as
    unavailable and absent from the log and the state; then space comes back."""
    db = tmp_path / "full.db"

    async def main() -> None:
        async with serving(db, store_retry=0.1, **FAST) as (server, url):
            facilitator, created = await first(url, {"type": "create_session", "seed": 3})
            players = []
            for n in range(4):
                join = {"type": "join", "code": created["code"], "team": f"T{n}", "name": "P"}
                players.append((await first(url, join))[0])
            for kind in ("start", "open_round"):
                await facilitator.send(json.dumps({"type": kind, "id": kind}))
                await acks(facilitator, {kind})
            store = server.store.db
            store.execute("VACUUM")
            pages = store.execute("PRAGMA page_count").fetchone()[0]
            store.execute(f"PRAGMA max_page_count = {pages + 3}")  # a few groups fit
            events = store.execute("SELECT COUNT(*) FROM events").fetchone()[0]
            replies = []
            for burst in range(12):
                waiting = []
                for n, ws in enumerate(players):
                    ids = {f"b{burst}-{n}-{k}" for k in range(10)}
                    for mid in sorted(ids):
                        edit = {"type": "edit_draft", "id": mid, "round": 1, "changes": {}}
                        await ws.send(json.dumps(edit))
                    waiting.append(acks(ws, ids))
                replies += [r for got in await asyncio.gather(*waiting) for r in got]
            acked = [r for r in replies if r["type"] == "ack"]
            refused = [r for r in replies if r["type"] == "error"]
            assert acked and refused, "the page limit did not bite"
            assert {r["code"] for r in refused} == {"unavailable"}
            logged = store.execute("SELECT COUNT(*) FROM events").fetchone()[0] - events
            assert logged == len(acked)  # nothing refused was kept
            store.execute("PRAGMA max_page_count = 1073741823")  # space is back
            for n, ws in enumerate(players):
                await ws.send(json.dumps({"type": "get_view", "id": f"v{n}"}))
            views = [(await acks(ws, {f"v{n}"}))[0] for n, ws in enumerate(players)]
            assert sum(v["draft_version"] for v in views) == len(acked)
            for ws in (facilitator, *players):
                await ws.close()

    run(main())
