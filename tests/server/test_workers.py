"""Resolutions in worker processes, over real sockets: one session resolving never holds
another's messages, the results are those of an in-process resolution, and a worker that
dies costs nothing but the time to resolve the round in the server's own process.

Each resolution job waits for a gate file (``ServerConfig.resolve_gate``) that the test
creates when it chooses, so "the heavy session is still resolving" is a fact of the
test, not a race against the machine's speed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import multiprocessing
import os
import pickle
import signal
import sqlite3
import sys
from pathlib import Path

import pytest
from harness import CODE, create_record
from loopback import close_all, facilitated, joined, run, serving

from cli.loadtest import children
from cli.main import build_parser
from cli.serve import config_from
from protocol.client import Client, ServerError
from protocol.messages import parse_client_data
from server import resolution, snapshot
from server.replay import replay, upgrade
from server.session import Command, Resolve, Session, Step
from server.store import Store, round_rows

TEAMS = 20
SEED = 11


async def heavy_session(url: str) -> tuple[Client, str]:
    """A session of twenty computer-run teams, started: its rounds resolve at once."""
    facilitator, code = await facilitated(url, seed=SEED, max_teams=TEAMS, round_seconds=600)
    for seat in range(TEAMS):
        await facilitator.send("add_bot", team=f"Bot {seat}", strategy="member_first")
    await facilitator.send("start")
    return facilitator, code


def results_of(round_no: int):
    """Until the facilitator's own view shows the round's results."""

    def shown(client: Client) -> bool:
        timer = (client.facilitator_state or {}).get("timer", {})
        return timer.get("round") == round_no and timer.get("phase") in ("results", "finished")

    return shown


async def wait_resolving(facilitator: Client, round_no: int) -> None:
    await facilitator.wait_for(lambda c: c.round == round_no and c.phase == "resolving")


def stored_rounds(db: Path, session_id: str) -> list[dict]:
    connection = sqlite3.connect(db)
    try:
        return [row.played for row in round_rows(connection, session_id)]
    finally:
        connection.close()


def session_id(server, code: str) -> str:
    return next(r.session.id for r in server.runners.values() if r.session.code == code)


def check_in_process(db: Path, sid: str) -> None:
    """The log replays in-process to the same state hashes (replay raises otherwise), and
    the round records an in-process resolution writes equal the stored ones."""
    store = Store(db)
    try:
        stored = store.load(sid, from_snapshot=False)
        replay(stored)
        again = [row.played for row in upgrade(stored)]
    finally:
        store.close()
    assert again == stored_rounds(db, sid)


def test_another_session_is_answered_while_one_resolves(tmp_path: Path) -> None:
    db, gate = tmp_path / "workers.db", tmp_path / "gate"

    async def scenario() -> None:
        async with serving(db, workers=1, resolve_gate=str(gate)) as (server, url):
            heavy, heavy_code = await heavy_session(url)
            light, light_code = await facilitated(url, seed=3)
            player = await joined(url, light_code, "Harbour", "Ana")
            await light.send("start")
            await light.send("open_round")
            await player.wait_for(lambda c: c.phase == "decisions" and c.round == 1)

            await heavy.send("open_round")  # every team is computer-run: it resolves now
            await wait_resolving(heavy, 1)
            order = []
            for hire in (0.5, 1.0, 1.5, 2.0, 2.5):
                reply = await player.edit_draft(staffing={"hire_fte": hire})
                assert reply["type"] == "ack"
                order.append(("light", heavy.phase))
            assert (await light.send("get_view"))["type"] == "facilitator_state"
            order.append(("light", heavy.phase))
            # the heavy session is still resolving: its job waits for the gate
            assert order == [("light", "resolving")] * 6
            assert heavy.phase == "resolving"
            # and it answers as it does while resolving: views yes, round controls no
            view = await heavy.send("get_view")
            assert view["type"] == "facilitator_state" and view["timer"]["phase"] == "resolving"
            with pytest.raises(ServerError) as refused:
                await heavy.send("open_round")
            assert refused.value.code == "wrong_phase"

            gate.touch()
            await heavy.wait_for(results_of(1))
            order.append(("heavy", heavy.phase))
            assert order[-1] == ("heavy", "results")
            hashes = heavy.facilitator_state["state_hashes"]
            assert len(hashes) == 1

            await heavy.send("open_round")  # a second round, the gate open: straight through
            await heavy.wait_for(results_of(2))
            sid = session_id(server, heavy_code)
            await close_all(player, light, heavy)
        assert len(stored_rounds(db, sid)) == 2
        check_in_process(db, sid)

    run(scenario())


def test_worker_results_equal_in_process_results(tmp_path: Path) -> None:
    async def game(db: Path, workers: int) -> tuple[list, list]:
        async with serving(db, workers=workers) as (server, url):
            heavy, code = await heavy_session(url)
            for round_no in (1, 2, 3):
                await heavy.send("open_round")
                await heavy.wait_for(results_of(round_no))
            hashes = heavy.facilitator_state["state_hashes"]
            sid = session_id(server, code)
            await close_all(heavy)
        return hashes, stored_rounds(db, sid)

    async def both() -> None:
        in_workers = await game(tmp_path / "workers.db", 2)
        in_process = await game(tmp_path / "in-process.db", 0)
        assert len(in_workers[0]) == 3
        assert in_workers == in_process

    run(both())


def test_a_worker_that_dies_costs_nothing(tmp_path: Path, caplog) -> None:
    db, gate = tmp_path / "crash.db", tmp_path / "gate"
    caplog.set_level(logging.ERROR, logger="clusterboard.server")

    async def scenario() -> None:
        async with serving(db, workers=1, resolve_gate=str(gate)) as (server, url):
            heavy, code = await heavy_session(url)
            await heavy.send("open_round")
            await wait_resolving(heavy, 1)
            workers = multiprocessing.active_children()
            assert workers, "the pool has a worker process"
            for worker in workers:
                os.kill(worker.pid, signal.SIGKILL)
            await heavy.wait_for(results_of(1))  # resolved in the server's own process
            assert server.workers.failures == 1
            gate.touch()
            await heavy.send("open_round")  # the next round gets a fresh pool
            await heavy.wait_for(results_of(2))
            assert server.workers.failures == 1
            assert len(heavy.facilitator_state["state_hashes"]) == 2
            sid = session_id(server, code)
            await close_all(heavy)
        failures = [r for r in caplog.records if r.getMessage() == "worker_failed"]
        assert len(failures) == 1
        assert "worker process ended" in failures[0].fields["reason"]
        check_in_process(db, sid)

    run(scenario())


def test_serve_runs_two_workers_or_one_on_one_core() -> None:
    parser = build_parser()
    default = config_from(parser.parse_args(["serve"]))
    assert default.workers == min(2, os.cpu_count() or 1) >= 1
    assert config_from(parser.parse_args(["serve", "--workers", "0"])).workers == 0
    assert config_from(parser.parse_args(["serve", "--workers", "3"])).workers == 3


def test_workers_stop_with_the_server(tmp_path: Path) -> None:
    async def scenario() -> list[multiprocessing.Process]:
        async with serving(tmp_path / "stop.db", workers=2) as (_server, url):
            heavy, _ = await heavy_session(url)
            await heavy.send("open_round")
            await heavy.wait_for(results_of(1))
            started = multiprocessing.active_children()
            await close_all(heavy)
        return started

    started = run(scenario())
    assert started
    for worker in started:
        worker.join(10)
    assert not multiprocessing.active_children()


# ---------------------------------------------------------------- the job, without sockets


def core_game(through_pickle: bool, stale: bool = False) -> tuple[Session, list]:
    """Three rounds of a session core: four computer-run teams and one that never submits.
    Each round's job is run here, or as a worker would (pickled there and back); ``stale``
    hands round 2 the result of round 1, which the core must drop."""
    session = Session(create_record(seed=21, max_teams=6))
    now = [0.0]

    def run_command(message, **extra) -> Step:
        now[0] += 1.0
        if isinstance(message, dict):
            message = parse_client_data(message)
        step = session.handle(Command(now[0], message, **extra))
        assert step.error is None, step.error
        return step

    for seat in range(4):
        bot = {"type": "add_bot", "team": f"Bot {seat}", "strategy": "member_first"}
        run_command(bot, actor="facilitator")
    join = {"type": "join", "protocol": 1, "code": CODE, "team": "Harbour", "name": "Ana"}
    run_command(join, token_hash="a" * 64)
    run_command({"type": "start"}, actor="facilitator")
    rows, results = [], []
    for round_no in (1, 2, 3):
        run_command({"type": "open_round"}, actor="facilitator")
        run_command({"type": "close_round"}, actor="facilitator")
        result = None
        if through_pickle:
            job = pickle.loads(pickle.dumps(session.resolution_job()))
            result = pickle.loads(pickle.dumps(resolution.run(job)))
            results.append(result)
            if stale and round_no == 2:
                result = results[0]
        step = run_command(Resolve(), result=result)
        rows.append(snapshot.round_row(session, step))
    return session, rows


def test_a_job_run_elsewhere_gives_what_the_core_gives() -> None:
    here, rows_here = core_game(through_pickle=False)
    there, rows_there = core_game(through_pickle=True)
    assert there.hashes == here.hashes and len(here.hashes) == 3
    assert [r.played for r in rows_there] == [r.played for r in rows_here]
    assert [r.played["teams"][4]["how"] for r in rows_here] == ["carried_on"] * 3
    snapshots = [snapshot.unpack(r.snapshot) for r in rows_there]
    assert snapshots == [snapshot.unpack(r.snapshot) for r in rows_here]
    fixed = there.initial.organizations
    for team in there.teams.values():  # one array per session, as in-process
        assert team.state.organizations.needs is fixed.needs
        assert not team.state.organizations.needs.flags.writeable


def test_a_result_for_another_round_is_dropped() -> None:
    here, rows_here = core_game(through_pickle=False)
    stale, rows_stale = core_game(through_pickle=True, stale=True)
    assert stale.hashes == here.hashes
    assert [r.played for r in rows_stale] == [r.played for r in rows_here]


# ---------------------------------------------------------------- killed mid-resolution


async def serve_process(db: Path, port: int, *extra: str) -> tuple[asyncio.subprocess.Process, int]:
    """``clusterboard serve`` as a subprocess; return it and the port it listens on."""
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "cli", "serve", "--port", str(port), "--db", str(db)),
        *("--ping-interval", "1", "--ping-timeout", "2", *extra),
        stderr=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.DEVNULL,
    )
    assert process.stderr is not None
    async for line in process.stderr:
        if b'"listening"' in line:
            break
    else:
        raise AssertionError("the server did not start")
    drain = asyncio.ensure_future(process.stderr.read())  # keep its pipe empty
    process.drain = drain  # type: ignore[attr-defined]
    return process, json.loads(line)["port"]


def running(pid: int) -> bool:
    """True while the process exists and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_server_killed_while_a_worker_resolves_loses_nothing(tmp_path: Path) -> None:
    db, gate = tmp_path / "killed.db", tmp_path / "gate"

    async def scenario() -> str:
        first, port = await serve_process(db, 0, "--workers", "1", "--resolve-gate", str(gate))
        facilitator = Client(f"ws://127.0.0.1:{port}", backoff=(0.05, 0.3))
        await facilitator.create_session(seed=SEED, max_teams=TEAMS, round_seconds=600)
        for seat in range(TEAMS):
            await facilitator.send("add_bot", team=f"Bot {seat}", strategy="member_first")
        await facilitator.send("start")
        await facilitator.send("open_round")
        await wait_resolving(facilitator, 1)  # the job waits in the worker, for the gate
        workers = children(first.pid)
        assert workers, "the server runs its worker"
        first.kill()
        await first.wait()
        for _ in range(200):  # its worker notices that its server is gone, and leaves
            if not any(running(pid) for pid in workers):
                break
            await asyncio.sleep(0.05)
        assert not any(running(pid) for pid in workers)

        second, _ = await serve_process(db, port, "--workers", "1")  # no gate
        try:
            await facilitator.wait_for(results_of(1), 60)  # it resumed by itself
            assert len(facilitator.facilitator_state["state_hashes"]) == 1
            await facilitator.close()
        finally:
            second.terminate()
            await second.wait()
        with sqlite3.connect(db) as connection:
            return connection.execute("SELECT id FROM sessions").fetchone()[0]

    sid = run(scenario(), timeout=120)
    assert len(stored_rounds(db, sid)) == 1
    check_in_process(db, sid)
