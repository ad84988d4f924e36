"""Exports for grading: who sat on which team, which years they were there, what they submitted.

The console's export (from the facilitator's view) and the debrief's students.csv
(from the round records in the database) give the same rows.
"""

from __future__ import annotations

import csv

from client.console import export_students
from debrief.export import write_report
from debrief.record import load_session
from protocol.client import Client
from protocol.grading import STUDENTS_FILE
from protocol.replies import FacilitatorState
from tests.server.loopback import joined, run, serving

WAIT = 60.0


def _rows(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


async def _year(facilitator: Client, year: int, submit: list[Client]) -> None:
    await facilitator.send("open_round")
    for client in submit:
        await client.wait_for(lambda c, y=year: c.phase == "decisions" and c.round == y, WAIT)
        await client.submit()
    await facilitator.wait_for(
        lambda c, y=year: (c.public_state.get("newspaper") or {}).get("round") == y, WAIT
    )


def test_the_per_student_export_says_who_was_there_and_who_submitted(tmp_path) -> None:
    db = tmp_path / "class.db"

    async def scenario() -> dict:
        async with serving(db) as (_server, url):
            facilitator = Client(url)
            code = (await facilitator.create_session(scenario="grow", rounds=3, seed=2))["code"]
            ana = await joined(url, code, "North", "Ana")
            ben = await joined(url, code, "North", "Ben")
            cem = await joined(url, code, "South", "Cem")
            await facilitator.send("start")
            await facilitator.send("open_round", practice=True)  # not counted
            await ana.wait_for(lambda c: c.phase == "decisions", WAIT)
            await ana.submit()
            await cem.submit()
            await facilitator.wait_for(lambda c: c.phase == "results", WAIT)
            await facilitator.send("reset_practice")
            await _year(facilitator, 1, [ana, cem])
            await ben.close()  # Ben leaves after year 1
            await facilitator.send("move_player", player=cem.welcome["player"], team="North")
            await _year(facilitator, 2, [cem])
            await _year(facilitator, 3, [ana])
            await facilitator.send("get_view")
            state = facilitator.facilitator_state
            await facilitator.wait_for(lambda c: c.phase == "finished", WAIT)
            for client in (ana, cem, facilitator):
                await client.close()
            return {"code": code, "state": state}

    done = run(scenario())
    state = FacilitatorState.model_validate(done["state"])
    by_name = {s.name: s for s in state.students}
    assert by_name["Ana"].years == [1, 2, 3] and by_name["Ana"].connected == [1, 2, 3]
    assert by_name["Ana"].submitted == [1, 3]
    assert by_name["Ben"].connected == [1] and by_name["Ben"].submitted == []
    assert by_name["Cem"].teams == ["South", "North", "North"]
    assert by_name["Cem"].submitted == [1, 2] and by_name["Cem"].team == "North"

    console = export_students(state, tmp_path / "console")
    rows = {row["student"]: row for row in _rows(console)}
    assert rows["Ana"]["years_submitted"] == "1 3" and rows["Ana"]["submissions"] == "2"
    assert rows["Ben"]["years_connected"] == "1" and rows["Ben"]["connected_count"] == "1"
    assert rows["Cem"]["teams_by_year"] == "1 South; 2 North; 3 North"

    written = write_report(load_session(db, done["code"]), tmp_path / "report")
    report = next(p for p in written if p.name == STUDENTS_FILE)
    assert _rows(report) == _rows(console)  # the debrief and the console agree
