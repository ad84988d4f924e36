"""The CSV exports: one row per team and round, every decision field and every KPI.

Columns are dotted paths into the record (``budget.member_relations``,
``kpis.jobs``), so a column names the field of ``docs/model.md`` it holds. The
files are UTF-8 with a byte-order mark (spreadsheets then read accents and
symbols right) and a header row. Cells are plain: numbers without thousands
separators or exponents, booleans as TRUE and FALSE, lists joined with "; ", and
an empty cell where a decision was left to carry on as last year. Text that a
spreadsheet would take for a formula (starting with =, +, -, @) gets a leading
apostrophe.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from numpy import format_float_positional

from debrief.record import SessionRecord, TeamEntry
from game.decisions import Decisions, Strategy
from game.scenario import FeeSchedule
from game.scoring import COMPONENTS
from game.vocabulary import KPIS, SEGMENTS, SERVICES, Family, FeeModel

ROW_KEYS = ("team", "seat", "strategy", "round")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COST_KINDS = ("staff", "operations", "projects", "other")


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Return nested dicts as one dict of dotted paths; lists and scalars are leaves."""
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    return {prefix: value}


def decision_paths(record: SessionRecord) -> list[str]:
    """Return every decision field path: the model's fields with every enum key spelled out."""
    responses = {card.id: "" for card in record.scenario.events if card.choices}
    full = Decisions(
        budget={line: 0.0 for line in SERVICES},
        fees=FeeSchedule(model=FeeModel.NONE),
        recruitment={segment: 0.0 for segment in SEGMENTS},
        strategy=Strategy(targets={kpi: 0.0 for kpi in KPIS}),
        responses=responses,
    )
    paths = list(flatten(full.model_dump(mode="json")))
    seen = set(paths)
    extra = {
        path
        for team in record.teams
        for entry in team.rounds
        for path in flatten(entry.decisions.model_dump(mode="json"))
        if path not in seen and not _covered(path, seen)
    }
    return paths + sorted(extra)


def _covered(path: str, paths: set[str]) -> bool:
    """True when the path is a column's parent (a group left null, such as ``budget``)."""
    return any(column.startswith(path + ".") for column in paths)


def kpi_paths() -> list[str]:
    """Return the report columns of ``kpis.csv``: every KPI, then the headline figures."""
    paths = [f"kpis.{k}" for k in KPIS]
    paths += [f"kpis_change.{k}" for k in KPIS]
    paths += [f"targets.{k}" for k in KPIS]
    paths += ["members.total", *(f"members.by_segment.{s}" for s in SEGMENTS)]
    paths += ["members.engagement_mean", "members.contact", "members.service_value"]
    paths += ["revenue_total", *(f"revenue_by_family.{f}" for f in Family)]
    paths += [f"financing_mix.{f}" for f in Family]
    paths += ["costs_total", *(f"costs.{k}" for k in COST_KINDS)]
    paths += ["cash", "loan", "emergency_loan", "runway_months", "stress", "stage"]
    paths += ["staff.fte", "staff.interns", "staff.utilisation", "staff.delivery"]
    paths += [f"score.components.{c}" for c in COMPONENTS]
    paths += ["score.round_total", "score.game_score", "wound_up"]
    return paths


def _row_start(team: TeamEntry, round_no: int) -> dict[str, Any]:
    return {"team": team.name, "seat": team.seat + 1, "strategy": team.strategy, "round": round_no}


def decision_rows(record: SessionRecord) -> tuple[list[str], list[dict[str, Any]]]:
    """Return the columns and rows of ``decisions.csv``."""
    paths = decision_paths(record)
    rows = []
    for team in record.teams:
        for entry in team.rounds:
            flat = flatten(entry.decisions.model_dump(mode="json"))
            rows.append(_row_start(team, entry.round) | {p: flat.get(p) for p in paths})
    return [*ROW_KEYS, *paths], rows


def kpi_rows(record: SessionRecord) -> tuple[list[str], list[dict[str, Any]]]:
    """Return the columns and rows of ``kpis.csv``."""
    paths = kpi_paths()
    rows = []
    for team in record.teams:
        for entry in team.rounds:
            flat = flatten(entry.report.model_dump(mode="json"))
            rows.append(_row_start(team, entry.round) | {p: flat.get(p) for p in paths})
    return [*ROW_KEYS, *paths], rows


def cell(value: Any) -> str:
    """Return a value as a spreadsheet reads it without help."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return format_float_positional(value, trim="-")
    if isinstance(value, list | tuple):
        return "; ".join(cell(item) for item in value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> None:
    """Write rows as CSV: UTF-8 with a byte-order mark, a header row, plain cells."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([cell(row.get(column)) for column in columns])
