"""The debrief report of a session played over loopback: the page, the charts, the CSV files."""

from __future__ import annotations

import base64
import csv
import json
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from debrief_sessions import HOSTILE_AMBITION, HOSTILE_NAME, played_session

from cli.main import main
from debrief.export import write_report
from debrief.record import load_session, record_from_match
from debrief.tables import flatten
from game.match import Seat, play_match, with_rounds
from game.scenario import load_scenario
from game.vocabulary import KPIS

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TEAM_CHARTS = 5
COMMON_CHARTS = 3


class Page(HTMLParser):
    """Collect the text, the images, the elements and the external references of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.images: list[dict[str, str | None]] = []
        self.tags: list[str] = []
        self.references: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        found = dict(attrs)
        if tag == "img":
            self.images.append(found)
        for name in ("src", "href"):
            value = found.get(name) or ""
            if value and not value.startswith(("data:", "#")):
                self.references.append(value)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def same(cell: str, value: Any) -> bool:
    """True when a CSV cell holds the record's value."""
    if value is None:
        return cell == ""
    if isinstance(value, bool):
        return cell == ("TRUE" if value else "FALSE")
    if isinstance(value, int | float):
        return float(cell) == pytest.approx(float(value), rel=1e-12, abs=1e-12)
    if isinstance(value, list):
        return cell == "; ".join(str(item) for item in value)
    return cell == str(value)


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Path]:
    folder = tmp_path_factory.mktemp("finished")
    db = folder / "game.db"
    code = played_session(db, rounds=4, resolve=4)
    out = folder / "report"
    assert main(["report", "--db", str(db), "--session", code, "--out", str(out)]) == 0
    return db, code, out


@pytest.fixture(scope="module")
def in_progress(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Path]:
    folder = tmp_path_factory.mktemp("progress")
    db = folder / "game.db"
    code = played_session(db, rounds=5, resolve=2, open_next=True)
    out = folder / "report"
    assert main(["report", "--db", str(db), "--session", code.lower(), "--out", str(out)]) == 0
    return db, code, out


def test_the_page_shows_every_team_and_embeds_every_chart(finished) -> None:
    db, code, out = finished
    record = load_session(db, code)
    page = parse(out / "report.html")
    text = " ".join(page.text)
    assert record.finished and len(record.teams) == 3
    for team in record.teams:
        assert team.name in text
    assert "What happened when your main financing source ended?" in text
    assert "What the strategies that did well had in common" in text
    assert len(page.images) == COMMON_CHARTS + TEAM_CHARTS * len(record.teams)
    for image in page.images:
        src = image["src"] or ""
        assert src.startswith("data:image/png;base64,")
        data = base64.b64decode(src.split(",", 1)[1], validate=True)
        assert data.startswith(PNG_SIGNATURE) and len(data) > 2000
        assert image["alt"]
    assert page.references == [], "the page must load nothing from outside"
    assert "script" not in page.tags and "link" not in page.tags
    charts = sorted((out / "charts").glob("*.png"))
    assert len(charts) == len(page.images)
    assert all(p.read_bytes().startswith(PNG_SIGNATURE) for p in charts)


def test_the_csv_files_hold_every_decision_and_kpi_of_the_record(finished) -> None:
    db, code, out = finished
    record = load_session(db, code)
    resolved = record.resolved
    assert resolved == 4
    columns, rows = read_csv(out / "decisions.csv")
    assert len(rows) == len(record.teams) * resolved
    for key in ("team", "round"):
        assert key in columns
    checked = 0
    for team in record.teams:
        mine = [row for row in rows if row["team"] == team.name]
        assert [int(row["round"]) for row in mine] == list(range(1, resolved + 1))
        for row, entry in zip(mine, team.rounds, strict=True):
            for path, value in flatten(entry.decisions.model_dump(mode="json")).items():
                if value is None:  # left to carry on: the field's columns are empty
                    assert all(row[c] == "" for c in columns if c.startswith(path + "."))
                    continue
                assert path in columns, path
                assert same(row[path], value), (team.name, entry.round, path, row[path], value)
                checked += 1
    assert checked > 100
    for field in ("budget.member_relations", "fees.model", "recruitment.startup"):
        assert field in columns
    kpi_columns, kpi_rows = read_csv(out / "kpis.csv")
    assert len(kpi_rows) == len(record.teams) * resolved
    for kpi in KPIS:
        assert f"kpis.{kpi}" in kpi_columns
    for team in record.teams:
        mine = [row for row in kpi_rows if row["team"] == team.name]
        for row, entry in zip(mine, team.rounds, strict=True):
            report = flatten(entry.report.model_dump(mode="json"))
            for column in kpi_columns[4:]:
                assert same(row[column], report.get(column)), (team.name, column)


def test_the_record_file_is_the_full_record(finished) -> None:
    db, code, out = finished
    record = load_session(db, code)
    data = json.loads((out / "session.json").read_text(encoding="utf-8"))
    assert data["code"] == code and data["finished"] is True
    assert [t["name"] for t in data["teams"]] == [t.name for t in record.teams]
    first = data["teams"][0]["rounds"][0]
    assert first["report"] == record.teams[0].rounds[0].report.model_dump(mode="json")
    assert [row["team"] for row in data["leaderboard"]] == [s.team for s in record.leaderboard]


def test_user_text_is_escaped(finished) -> None:
    _, _, out = finished
    source = (out / "report.html").read_text(encoding="utf-8")
    assert HOSTILE_NAME not in source
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in source
    assert "<img src=x" not in source and "<b>exports</b>" not in source
    page = parse(out / "report.html")
    assert "script" not in page.tags
    assert HOSTILE_AMBITION in " ".join(page.text)


def test_a_session_in_progress_reports_up_to_its_last_resolved_round(in_progress) -> None:
    db, code, out = in_progress
    record = load_session(db, code)
    assert not record.finished and record.phase == "decisions"
    assert record.resolved == 2 and record.rounds == 5
    _, rows = read_csv(out / "decisions.csv")
    assert len(rows) == 3 * 2
    _, kpi_rows = read_csv(out / "kpis.csv")
    assert {row["round"] for row in kpi_rows} == {"1", "2"}
    text = " ".join(parse(out / "report.html").text)
    assert "in progress: years 1 to 2 of 5 resolved" in text
    assert "not yet played" in text
    data = json.loads((out / "session.json").read_text(encoding="utf-8"))
    assert data["resolved_rounds"] == 2 and data["finished"] is False


def test_errors_are_one_line_and_a_failure_status(finished, tmp_path, capsys) -> None:
    db, code, out = finished
    not_a_db = tmp_path / "notes.txt"
    not_a_db.write_text("hello", encoding="utf-8")
    cases = [
        (["--db", str(tmp_path / "missing.db"), "--session", code], "no such database file"),
        (["--db", str(db), "--session", "QQQQQQ"], "no session with code 'QQQQQQ'"),
        (["--db", str(not_a_db), "--session", code], "not a Cluster Board database"),
    ]
    for args, message in cases:
        assert main(["report", *args, "--out", str(tmp_path / "out")]) == 1
        error = capsys.readouterr().err
        assert message in error and "Traceback" not in error
        assert error.count("\n") == 1
    html_file = out / "report.html"
    assert main(["report", "--db", str(db), "--session", code, "--out", str(html_file)]) == 1
    error = capsys.readouterr().err
    assert "is a file, not a directory" in error and error.count("\n") == 1
    assert main(["report", "--db", str(db)]) == 2  # --session and --out missing
    assert "Traceback" not in capsys.readouterr().err


def test_a_headless_match_gives_the_same_report(tmp_path) -> None:
    scenario = with_rounds(load_scenario("grow"), 3)
    seats = [Seat("Coast", "member_first"), Seat("Inland", "project_chaser")]
    record = record_from_match(scenario, 5, play_match(scenario, 5, seats))
    files = write_report(record, tmp_path / "match")
    assert {p.name for p in files} >= {"report.html", "decisions.csv", "kpis.csv", "session.json"}
    page = parse(tmp_path / "match" / "report.html")
    assert len(page.images) == COMMON_CHARTS + TEAM_CHARTS * 2
    _, rows = read_csv(tmp_path / "match" / "kpis.csv")
    assert [(r["team"], r["round"]) for r in rows][:3] == [
        ("Coast", "1"),
        ("Coast", "2"),
        ("Coast", "3"),
    ]
    assert record.leaderboard[0].score == max(t.final_score for t in play_match(scenario, 5, seats))


def test_the_series_module_draws_nothing() -> None:
    """The client imports the series without matplotlib."""
    code = "import sys, debrief.series; print('matplotlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_headless_chromium_renders_the_page(finished, tmp_path) -> None:
    _, _, out = finished
    picture = tmp_path / "report.png"
    command = [
        "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
        f"--screenshot={picture}", "--window-size=1280,1600",
        (out / "report.html").resolve().as_uri(),
    ]  # fmt: skip
    subprocess.run(command, capture_output=True, timeout=90, check=False)
    assert picture.read_bytes().startswith(PNG_SIGNATURE)
