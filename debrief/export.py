"""Write a session's debrief: the HTML page, the charts as PNG, two CSV files and the record.

``build_debrief`` computes everything once (series, charts, questions, lessons);
``write_report`` writes it to a directory; ``export_session`` does both for a
session in the server's database, which is what ``clusterboard report`` and a
facilitator's export action call.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from debrief import charts, html, series, tables
from debrief.changes import Change, largest_changes
from debrief.lessons import Lesson, common_ground
from debrief.questions import Question, debrief_questions
from debrief.record import RecordError, SessionRecord, Standing, TeamEntry, load_session
from protocol.grading import STUDENT_COLUMNS, STUDENTS_FILE, student_rows

HTML_FILE = "report.html"
DECISIONS_FILE = "decisions.csv"
KPIS_FILE = "kpis.csv"
RECORD_FILE = "session.json"
CHARTS_DIR = "charts"


class ExportError(Exception):
    """The report cannot be written; the message is one line for the user."""


@dataclass(frozen=True)
class Chart:
    name: str  # file name without the extension
    title: str  # what the picture shows, for its alternative text
    png: bytes


@dataclass
class TeamPage:
    """What the report shows of one team."""

    team: TeamEntry
    standing: Standing
    ambition: str
    series: series.TeamSeries
    phases: list[series.EvolutionPhase]
    model: series.FinancingModel
    roadmap: list[series.RoadmapLine]
    card: series.Scorecard
    changes: list[Change]
    charts: dict[str, Chart] = field(default_factory=dict)


@dataclass
class Debrief:
    record: SessionRecord
    teams: list[TeamPage]  # in leaderboard order
    charts: dict[str, Chart]
    lessons: list[Lesson]
    questions: list[Question]
    labels: dict[str, str]  # funding source id -> name

    def all_charts(self) -> list[Chart]:
        found = list(self.charts.values())
        for page in self.teams:
            found += list(page.charts.values())
        return found


def slug(text: str) -> str:
    """Return a file-name-safe version of a team name."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:30] or "team"


def ambition(team: TeamEntry) -> str:
    """Return the ambition of the team's latest strategy ("" when it set none)."""
    stated = [d.strategy.ambition for d in team.decisions if d.strategy is not None]
    return stated[-1] if stated else ""


def build_debrief(record: SessionRecord) -> Debrief:
    """Compute every series, chart, question and lesson of the report."""
    if record.resolved == 0:
        raise ExportError("no round has been resolved yet: there is nothing to report")
    scenario = record.scenario
    families, labels = series.source_families(scenario), series.source_labels(scenario)
    pages = []
    for standing in record.leaderboard:
        team = record.team(standing.team)
        if not team.rounds:
            continue
        reports = team.reports
        page = TeamPage(
            team=team,
            standing=standing,
            ambition=ambition(team),
            series=series.team_series(reports),
            phases=series.evolution_map(reports, record.rounds),
            model=series.financing_model(reports, families),
            roadmap=series.impact_roadmap(reports, record.rounds, scenario.scoring.reference),
            card=series.scorecard(reports, record.weights),
            changes=largest_changes(team.decisions, reports, scenario),
        )
        page.charts = _team_charts(page, labels, record.rounds)
        pages.append(page)
    return Debrief(
        record=record,
        teams=pages,
        charts=_common_charts(pages),
        lessons=common_ground(record),
        questions=debrief_questions(record),
        labels=labels,
    )


def _team_charts(page: TeamPage, labels: dict[str, str], rounds: int) -> dict[str, Chart]:
    prefix = f"team{page.team.seat + 1}-{slug(page.team.name)}"
    drawn = {
        "evolution": ("evolution map", charts.evolution_chart(page.phases)),
        "financing": ("financing model", charts.financing_model_chart(page.model, labels)),
        "roadmap": ("value impact roadmap", charts.roadmap_chart(page.roadmap, rounds)),
        "members": ("members by segment", charts.members_chart(page.series)),
        "cash": ("cash and stress", charts.cash_chart(page.series)),
    }
    return {
        key: Chart(f"{prefix}-{key}", f"{page.team.name}: {title}", png)
        for key, (title, png) in drawn.items()
    }


def _common_charts(pages: list[TeamPage]) -> dict[str, Chart]:
    points = [
        (
            p.team.name,
            p.card.components["sustainability"],
            p.card.components["impact"],
            p.standing.rank,
        )
        for p in pages
    ]
    return {
        "scorecard": Chart(
            "scorecard",
            "Scorecard of every team",
            charts.scorecard_chart([(p.team.name, p.card) for p in pages]),
        ),
        "mix": Chart(
            "financing-mix",
            "Financing mix over the years, every team",
            charts.mix_trajectories_chart([(p.team.name, p.series) for p in pages]),
        ),
        "scatter": Chart(
            "impact-sustainability",
            "Value impact against financial sustainability",
            charts.impact_sustainability_chart(points),
        ),
    }


def write_report(record: SessionRecord, out: str | Path) -> list[Path]:
    """Write the report, the charts, both CSV files and the record; return the files."""
    folder = _prepare(Path(out))
    debrief = build_debrief(record)
    try:
        written = _write(debrief, folder)
    except OSError as error:
        raise ExportError(f"cannot write to {folder}: {error.strerror or error}") from None
    return written


def _prepare(folder: Path) -> Path:
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder} is a file, not a directory")
    try:
        (folder / CHARTS_DIR).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(f"cannot create {folder}: {error.strerror or error}") from None
    return folder


def _write(debrief: Debrief, folder: Path) -> list[Path]:
    written = []
    for chart in debrief.all_charts():
        path = folder / CHARTS_DIR / f"{chart.name}.png"
        path.write_bytes(chart.png)
        written.append(path)
    record = debrief.record
    for name, (columns, rows) in (
        (DECISIONS_FILE, tables.decision_rows(record)),
        (KPIS_FILE, tables.kpi_rows(record)),
        (STUDENTS_FILE, (STUDENT_COLUMNS, student_rows(record.students))),
    ):
        tables.write_csv(folder / name, columns, rows)
        written.append(folder / name)
    data = json.dumps(record.to_json(), indent=1, sort_keys=True, ensure_ascii=False)
    (folder / RECORD_FILE).write_text(data + "\n", encoding="utf-8")
    (folder / HTML_FILE).write_text(html.render(debrief), encoding="utf-8")
    return [*written, folder / RECORD_FILE, folder / HTML_FILE]


def export_session(db: str | Path, code: str, out: str | Path) -> list[Path]:
    """Write the debrief of the session with this code in the server's database."""
    try:
        record = load_session(db, code)
    except RecordError as error:
        raise ExportError(str(error)) from None
    return write_report(record, out)
