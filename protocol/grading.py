"""The per-student table for grading: one row per player, the same in the debrief and the console.

Each player's years come from the session's round records: which team they sat on
in each year played, the years they were connected at some point of the round,
and the years whose played decisions they submitted (practice rounds left out).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

STUDENTS_FILE = "students.csv"
STUDENT_COLUMNS = (
    "student",
    "player_id",
    "team",
    "teams_by_year",
    "years_on_a_team",
    "years_connected",
    "connected_count",
    "years_submitted",
    "submissions",
    "removed",
)


def _years(values: Iterable[int]) -> str:
    return " ".join(str(v) for v in values)


def student_rows(students: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows for ``STUDENT_COLUMNS`` from players as ``StudentRow`` data (id, name, team,
    removed, years, teams, connected, submitted), sorted by team then name."""
    rows = []
    for s in students:
        seats = "; ".join(f"{y} {t}" for y, t in zip(s["years"], s["teams"], strict=True))
        rows.append(
            {
                "student": s["name"],
                "player_id": s["id"],
                "team": s["team"],
                "teams_by_year": seats,
                "years_on_a_team": len(s["years"]),
                "years_connected": _years(s["connected"]),
                "connected_count": len(s["connected"]),
                "years_submitted": _years(s["submitted"]),
                "submissions": len(s["submitted"]),
                "removed": "yes" if s["removed"] else "no",
            }
        )
    return sorted(rows, key=lambda r: (str(r["team"]).casefold(), str(r["student"]).casefold()))


def students_from_records(
    played: Iterable[Mapping[str, Any]],
    players: Iterable[Mapping[str, Any]],
    team_names: Mapping[str, str],
) -> list[dict[str, Any]]:
    """Players as ``StudentRow`` data, from the round records (``players`` per team) and the
    roster (a snapshot's players: id, name, team key, removed); ``team_names`` maps keys."""
    found: dict[str, dict[str, Any]] = {}
    for p in players:
        found[p["id"]] = {
            "id": p["id"],
            "name": p["name"],
            "team": team_names.get(p["team"], p["team"]),
            "removed": bool(p.get("removed")),
            "years": [],
            "teams": [],
            "connected": [],
            "submitted": [],
        }
    for resolution in played:
        if resolution.get("practice"):
            continue
        year = resolution["round"]
        for team in resolution["teams"]:
            for seat in team.get("players", []):
                entry = found.setdefault(
                    seat["id"],
                    {
                        "id": seat["id"],
                        "name": seat["name"],
                        "team": team["name"],
                        "removed": False,
                        "years": [],
                        "teams": [],
                        "connected": [],
                        "submitted": [],
                    },
                )
                entry["years"].append(year)
                entry["teams"].append(team["name"])
                if seat.get("connected"):
                    entry["connected"].append(year)
                if seat.get("submitted"):
                    entry["submitted"].append(year)
    return list(found.values())
