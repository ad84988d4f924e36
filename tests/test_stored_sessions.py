"""A stored session is a promise: after an engine change it keeps its debrief and resumes.

The fixture database (tests/fixtures/stored-sessions.db, written once by
tests/fixtures/stored_sessions.py) holds a finished session and one left in the
middle of round 3. Each test copies it, makes a deliberate change to an economy
coefficient, and checks that the finished session still gives its full debrief
from its records, and that the unfinished one resumes and plays to the end: the
past as it was played, the later rounds under the new rules, the switch noted.
"""

from __future__ import annotations

import asyncio
import copy
import csv
import json
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

import game.scenario
from debrief.export import export_session
from debrief.record import RecordError, load_session
from game.round import rules_id
from protocol.client import Client
from server.app import Server, ServerConfig
from server.session import scenario_for

FIXTURES = Path(__file__).parent / "fixtures"
INFO = json.loads((FIXTURES / "stored-sessions.json").read_text())


@pytest.fixture
def stored(tmp_path: Path) -> Path:
    db = tmp_path / "stored.db"
    shutil.copy(FIXTURES / "stored-sessions.db", db)
    return db


@pytest.fixture
def changed_engine(monkeypatch: pytest.MonkeyPatch):
    """Double one economy coefficient (how often SMEs leave), as a model fix would."""
    original = game.scenario.load_economy

    def load_economy(*args, **kwargs):
        economy = copy.deepcopy(original(*args, **kwargs))
        economy["segments"]["sme"]["leave_rate"] *= 2.0
        return economy

    scenario_for.cache_clear()
    before = rules_id(scenario_for("grow", 4))
    monkeypatch.setattr(game.scenario, "load_economy", load_economy)
    scenario_for.cache_clear()
    assert rules_id(scenario_for("grow", 4)) != before, "the change must change the rules"
    yield
    monkeypatch.undo()
    scenario_for.cache_clear()


def rows(db: Path, sql: str, *args: object) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql, args).fetchall()


def assert_kept(stored: object, shown: object, where: str = "report") -> None:
    """Everything stored is shown as stored; a field added since may show its default."""
    if isinstance(stored, dict):
        assert isinstance(shown, dict), where
        for key, value in stored.items():
            assert key in shown, f"{where}.{key} is lost"
            assert_kept(value, shown[key], f"{where}.{key}")
    elif isinstance(stored, list):
        assert isinstance(shown, list) and len(shown) == len(stored), where
        for i, (a, b) in enumerate(zip(stored, shown, strict=True)):
            assert_kept(a, b, f"{where}[{i}]")
    else:
        assert stored == shown, where


def played_records(db: Path, code: str) -> list[dict]:
    (session_id,) = rows(db, "SELECT id FROM sessions WHERE code = ?", code)[0]
    found = rows(
        db, "SELECT played FROM rounds WHERE session_id = ? ORDER BY resolution", session_id
    )
    return [json.loads(text) for (text,) in found]


def test_the_finished_session_keeps_its_full_debrief(stored: Path, changed_engine, tmp_path):
    code = INFO["finished"]["code"]
    written = export_session(stored, code, tmp_path / "report")
    names = {path.name for path in written}
    assert {"report.html", "decisions.csv", "kpis.csv", "session.json"} <= names
    record = load_session(stored, code)
    assert record.finished and record.resolved == 3
    assert [t.name for t in record.teams] == [
        "Harbour Alliance",
        "Quay Partners",
        "Grant Seekers",
        "Member Firsts",
    ]
    # what the debrief shows is what was played and reported then, not a new simulation
    for resolution in played_records(stored, code):
        for team in resolution["teams"]:
            entry = record.team(team["name"]).rounds[resolution["round"] - 1]
            assert_kept(team["decisions"], entry.decisions.model_dump(mode="json"), "decisions")
            assert_kept(team["report"], entry.report.model_dump(mode="json"))
    ann = record.team("Harbour Alliance")
    assert ann.rounds[1].decisions.fees is not None and ann.rounds[1].decisions.fees.medium == 4000
    with (tmp_path / "report" / "decisions.csv").open() as handle:
        assert len(list(csv.DictReader(handle))) == 4 * 3


async def finish_unfinished(db: Path) -> None:
    """Resume the unfinished session after the change and play it to the end."""
    info = INFO["unfinished"]
    server = Server(ServerConfig(port=0, db=str(db)))
    await server.start()
    url = f"ws://127.0.0.1:{server.port}"
    facilitator, ann, bo = Client(url), Client(url), Client(url)
    try:
        await facilitator.resume(info["facilitator_token"])
        await ann.resume(info["player_token"])
        await bo.resume(info["second_player_token"])
        # the round left open is still open, with Ann's submission and Bo's missing
        state = await ann.wait_for(lambda c: c.phase == "decisions" and c.team_state)
        assert state["submission"]["round"] == 3
        bo_state = await bo.wait_for(lambda c: c.phase == "decisions" and c.team_state)
        assert bo_state["submission"] is None
        for round_no in range(3, info["rounds"] + 1):
            if round_no > 3:
                await facilitator.send("open_round")
                await ann.wait_for(lambda c, r=round_no: c.phase == "decisions" and c.round == r)
                await ann.submit({}, round=round_no)
            await bo.wait_for(lambda c, r=round_no: c.phase == "decisions" and c.round == r)
            await bo.submit({"staffing": {"hire_interns": 1}}, round=round_no)
            await facilitator.wait_for(
                lambda c, r=round_no: (
                    c.facilitator_state["timer"]["round"] == r
                    and c.phase in ("results", "finished")
                )
            )
        assert facilitator.phase == "finished"
    finally:
        for client in (facilitator, ann, bo):
            await client.close()
        await server.stop()


def as_if_stopped_just_now(db: Path, code: str) -> None:
    """Move the open round's logged clock to now, as if the server had just stopped.

    The fixture's round timer ran out long ago; a server restarted after its deadline
    closes the round at once. The test wants the round still open when it resumes.
    """
    (session_id,) = rows(db, "SELECT id FROM sessions WHERE code = ?", code)[0]
    (last_resolve,) = rows(db, "SELECT MAX(seq) FROM rounds WHERE session_id = ?", session_id)[0]
    events = rows(
        db,
        "SELECT seq, command FROM events WHERE session_id = ? AND seq > ?",
        session_id,
        last_resolve,
    )
    shift = time.time() - max(json.loads(text)["now"] for _, text in events)
    with sqlite3.connect(db) as connection:
        for seq, text in events:
            record = json.loads(text)
            record["now"] += shift
            connection.execute(
                "UPDATE events SET at = ?, command = ? WHERE session_id = ? AND seq = ?",
                (record["now"], json.dumps(record), session_id, seq),
            )


def test_the_unfinished_session_resumes_under_the_new_rules(stored: Path, changed_engine):
    code = INFO["unfinished"]["code"]
    as_if_stopped_just_now(stored, code)
    before = played_records(stored, code)
    assert [r["round"] for r in before] == [1, 2]
    asyncio.run(asyncio.wait_for(finish_unfinished(stored), 60))
    after = played_records(stored, code)
    assert [r["round"] for r in after] == [1, 2, 3, 4]
    assert after[:2] == before, "the past stays as it was played"
    new_rules = rules_id(scenario_for("grow", 4))
    assert {r["engine"] for r in after[:2]} == {before[0]["engine"]} != {new_rules}
    assert {r["engine"] for r in after[2:]} == {new_rules}
    (session_id,) = rows(stored, "SELECT id FROM sessions WHERE code = ?", code)[0]
    commands = [
        json.loads(text)["message"]
        for (text,) in rows(
            stored, "SELECT command FROM events WHERE session_id = ? ORDER BY seq", session_id
        )
    ]
    switches = [c for c in commands if c["type"] == "rules_switch"]
    assert switches == [
        {
            "type": "rules_switch",
            "id": None,
            "from_rules": before[0]["engine"],
            "to_rules": new_rules,
        }
    ]
    record = load_session(stored, code)
    assert record.finished and record.resolved == 4
    assert record.team("Quay Partners").rounds[3].decisions.staffing.hire_interns == 1


async def play_and_restart(db: Path, drop_records: bool) -> None:
    server = Server(ServerConfig(port=0, db=str(db)))
    await server.start()
    url = f"ws://127.0.0.1:{server.port}"
    facilitator, ann = Client(url), Client(url)
    try:
        code = (await facilitator.create_session(seed=3, rounds=2))["code"]
        await ann.join(code, "Alpha", "Ann")
        await facilitator.send("add_bot", team="Bots", strategy="member_first")
        await facilitator.send("start")
        for round_no in (1, 2):
            await facilitator.send("open_round")
            await ann.wait_for(lambda c, r=round_no: c.phase == "decisions" and c.round == r)
            await ann.submit({"staffing": {"hire_interns": round_no}}, round=round_no)
            await facilitator.wait_for(
                lambda c, r=round_no: c.round == r and c.phase != "decisions"
            )
    finally:
        await ann.close()
        await facilitator.close()
        await server.stop()
    if drop_records:  # as a database written before round records were kept
        with sqlite3.connect(db) as connection:
            connection.execute("DELETE FROM rounds")
    server = Server(ServerConfig(port=0, db=str(db)))
    await server.start()
    await server.stop()


def test_a_log_written_before_round_records_gets_them_once_at_start(tmp_path: Path):
    kept, legacy = tmp_path / "kept.db", tmp_path / "legacy.db"
    asyncio.run(asyncio.wait_for(play_and_restart(kept, drop_records=False), 60))
    asyncio.run(asyncio.wait_for(play_and_restart(legacy, drop_records=True), 60))

    def records(db: Path) -> list[tuple]:
        return rows(db, "SELECT resolution, round, practice, engine, played FROM rounds")

    assert len(records(kept)) == 2
    upgraded = records(legacy)
    assert [row[:4] for row in upgraded] == [row[:4] for row in records(kept)]
    for (*_, mine), (*_, theirs) in zip(upgraded, records(kept), strict=True):
        mine, theirs = json.loads(mine), json.loads(theirs)
        assert [t["decisions"] for t in mine["teams"]] == [t["decisions"] for t in theirs["teams"]]
        assert [t["hash"] for t in mine["teams"]] == [t["hash"] for t in theirs["teams"]]


def test_the_debrief_of_a_log_without_round_records_replays_it_once(tmp_path: Path):
    db = tmp_path / "old.db"
    asyncio.run(asyncio.wait_for(play_and_restart(db, drop_records=False), 60))
    (code,) = rows(db, "SELECT code FROM sessions")[0]
    kept = load_session(db, code)
    with sqlite3.connect(db) as connection:
        connection.execute("DELETE FROM rounds")  # as if logged before records were kept
    replayed = load_session(db, code)
    assert replayed.leaderboard == kept.leaderboard
    assert [t.name for t in replayed.teams] == [t.name for t in kept.teams]
    for mine, theirs in zip(replayed.teams, kept.teams, strict=True):
        assert mine.decisions == theirs.decisions
        assert [r.model_dump() for r in mine.reports] == [r.model_dump() for r in theirs.reports]
    # a log the engine no longer replays gets one clear line, not a wrong debrief
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE hashes SET hash = 'not the hash it was'")
    with pytest.raises(RecordError, match="does not replay with this version"):
        load_session(db, code)
