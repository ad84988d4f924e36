"""The history: charts over the rounds of the financing mix, members, cash and KPIs."""

from __future__ import annotations

import pygame

from client import charts
from client import theme as t
from client.icons import SHORT_NAMES
from client.scenes.base import Scene
from client.scenes.common import FAMILY_NAMES, KPI_NAMES, SEGMENTS, empty
from client.widgets import Rect, card, split_columns, split_rows


def kpi_progress(reports, targets, yardstick) -> list[tuple[str, list[float], t.Color]]:
    """Return each KPI as a share of its target (or of a strong cluster's yardstick), in %."""
    chosen = [k for k in KPI_NAMES if targets.get(k)] or [k for k in KPI_NAMES if yardstick.get(k)]
    series = []
    for i, kpi in enumerate(chosen[:4]):
        goal = targets.get(kpi) or yardstick.get(kpi) or 1.0
        values = [100.0 * r.kpis.get(kpi, 0.0) / goal for r in reports]
        series.append((KPI_NAMES[kpi], values, t.SERIES[i % len(t.SERIES)]))
    return series


def draw_history(surface: pygame.Surface, theme, rect: Rect, model) -> None:
    """Draw the four history charts of a team from its round reports."""
    reports = model.report_list()
    gap = theme.px(14)
    top, bottom = split_rows(rect, [1, 1], gap)
    cells = split_columns(top, [1, 1], gap) + split_columns(bottom, [1, 1], gap)
    labels = [str(r.round) for r in reports]
    legend_h = theme.px(22)

    def chart_area(cell: Rect, title: str, items) -> Rect:
        inner = card(surface, theme, cell, title)
        charts.legend(surface, theme, (inner.x, inner.y), items, 11)
        return Rect(inner.x, inner.y + legend_h, inner.width, inner.height - legend_h)

    fams = list(FAMILY_NAMES)
    area = chart_area(
        cells[0], "Financing mix by year (%)", [(FAMILY_NAMES[f], t.FAMILY_COLORS[f]) for f in fams]
    )
    stacks = [[r.financing_mix.get(f, 0.0) for f in fams] for r in reports]
    charts.columns(
        surface, theme, area, stacks, [t.FAMILY_COLORS[f] for f in fams], labels, top=100.0
    )
    area = chart_area(
        cells[1], "Members by segment", [(SHORT_NAMES[s], t.SEGMENT_COLORS[s]) for s in SEGMENTS]
    )
    stacks = [[r.members.by_segment.get(s, 0) for s in SEGMENTS] for r in reports]
    charts.columns(surface, theme, area, stacks, [t.SEGMENT_COLORS[s] for s in SEGMENTS], labels)
    area = chart_area(
        cells[2],
        "Cash at year end",
        [("Cash", t.BLUE), ("Revenue", t.GREEN), ("Costs", t.VERMILLION)],
    )
    series = [
        ("Cash", [r.cash for r in reports], t.BLUE),
        ("Revenue", [r.revenue_total for r in reports], t.GREEN),
        ("Costs", [r.costs_total for r in reports], t.VERMILLION),
    ]
    charts.lines(surface, theme, area, series, labels, charts.money)
    view = model.team.view if model.team else None
    targets = dict(view.targets) if view else {}
    yardstick = dict(view.yardstick) if view else {}
    series = kpi_progress(reports, targets, yardstick)
    area = chart_area(
        cells[3],
        "Value impact, % of target (dashed: 100%)",
        [(n.split(" (")[0], c) for n, _, c in series[:4]],
    )
    charts.lines(surface, theme, area, series, labels, lambda v: f"{v:.0f}%", [(100.0, t.FAINT)])


class HistoryScene(Scene):
    title = "History"

    def draw(self, surface: pygame.Surface, rect: Rect) -> None:
        if not self.model.reports:
            empty(
                surface,
                self.theme,
                rect,
                "Charts over the years appear once the first year has been played.",
            )
            return
        draw_history(surface, self.theme, rect, self.model)
