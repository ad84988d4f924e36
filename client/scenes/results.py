"""The results: what changed and why (the news feed), every KPI's change, and the newspaper."""

from __future__ import annotations

import pygame

from client import charts
from client import theme as t
from client.scenes.base import Scene
from client.scenes.common import FAMILY_NAMES, KPI_NAMES, draw_wound_up, empty, news_list, wound_up
from client.widgets import Rect, card, split_columns, split_rows, text


class ResultsScene(Scene):
    title = "Results"

    def draw(self, surface: pygame.Surface, rect: Rect) -> None:
        theme = self.theme
        team = self.model.team
        report = team.view.last_report if team else None
        if report is None:
            empty(
                surface, theme, rect, "The results of the year appear here once it has been played."
            )
            return
        top, paper = split_rows(rect, [1.45, 1.0], theme.px(14))
        if wound_up(self.model):
            draw_wound_up(surface, theme, top, self.model)
            self._paper(surface, paper)
            return
        news, kpis = split_columns(top, [1.0, 1.0], theme.px(14))
        self._news(surface, news, report)
        self._kpis(surface, kpis, report)
        self._paper(surface, paper)

    def _news(self, surface: pygame.Surface, rect: Rect, report) -> None:
        theme = self.theme
        inner = card(surface, theme, rect, f"Year {report.round}: what changed and why")
        news_list(surface, theme, report.news, inner, gap=6)
        figures = [
            (
                "Members",
                f"{report.members.total}",
                sum(report.members.joined.values()) - sum(report.members.left.values()),
            ),
            ("Cash", charts.money(report.cash), None),
            ("Revenue", charts.money(report.revenue_total), None),
            ("Points this year", f"{report.score.round_total:.1f}", None),
        ]
        cells = split_columns(
            Rect(inner.x, inner.bottom - theme.px(52), inner.width, theme.px(52)),
            [1] * 4,
            theme.px(8),
        )
        for (label, value, change), cell in zip(figures, cells, strict=True):
            pygame.draw.rect(surface, t.SURFACE_ALT, cell, border_radius=theme.px(8))
            text(
                surface,
                theme,
                label.upper(),
                (cell.x + theme.px(10), cell.y + theme.px(6)),
                10,
                t.MUTED,
                True,
            )
            drawn = text(
                surface,
                theme,
                value,
                (cell.x + theme.px(10), cell.y + theme.px(22)),
                17,
                t.TEXT,
                True,
            )
            if change:
                color = t.GREEN if change > 0 else t.VERMILLION
                text(
                    surface,
                    theme,
                    f"{change:+d}",
                    (drawn.right + theme.px(6), drawn.centery),
                    13,
                    color,
                    True,
                    "midleft",
                )

    def _kpis(self, surface: pygame.Surface, rect: Rect, report) -> None:
        theme = self.theme
        inner = card(surface, theme, rect, "Value impact: this year and in total")
        head, body = (
            Rect(inner.x, inner.y, inner.width, theme.px(22)),
            Rect(inner.x, inner.y + theme.px(26), inner.width, inner.height - theme.px(26)),
        )
        columns = [0.0, 0.5, 0.7, 0.87]
        for label, share in zip(("", "This year", "Total", "Target"), columns, strict=True):
            anchor = "topleft" if not share else "topright"
            x = head.x + round(head.width * (share + (0.13 if share else 0)))
            text(
                surface,
                theme,
                label.upper(),
                (min(x, head.right), head.y),
                10,
                t.MUTED,
                True,
                anchor,
            )
        rows = split_rows(body, [1] * len(KPI_NAMES), theme.px(2))
        for (kpi, name), row in zip(KPI_NAMES.items(), rows, strict=True):
            change = report.kpis_change.get(kpi, 0.0)
            total = report.kpis.get(kpi, 0.0)
            target = report.targets.get(kpi)
            text(surface, theme, name, (row.x, row.centery), 13, t.TEXT, anchor="midleft")
            color = t.GREEN if change > 0 else (t.VERMILLION if change < 0 else t.MUTED)
            sign = "+" if change > 0 else ""
            text(
                surface,
                theme,
                f"{sign}{charts.number(change)}",
                (row.x + round(row.width * 0.63), row.centery),
                14,
                color,
                True,
                "midright",
            )
            text(
                surface,
                theme,
                charts.number(total),
                (row.x + round(row.width * 0.83), row.centery),
                14,
                t.TEXT,
                True,
                "midright",
            )
            shown = charts.number(target) if target else "–"
            text(surface, theme, shown, (row.right, row.centery), 13, t.MUTED, anchor="midright")

    def _paper(self, surface: pygame.Surface, rect: Rect) -> None:
        theme = self.theme
        public = self.model.public
        paper = public.newspaper if public else None
        title = f"The newspaper · year {paper.round}" if paper else "The newspaper"
        inner = card(surface, theme, rect, title)
        if paper is None or not paper.rows:
            empty(surface, theme, inner, "Every team's public figures appear here after each year.")
            return
        draw_newspaper(
            surface, theme, inner, paper.rows, self.model.team.team if self.model.team else ""
        )


def draw_newspaper(
    surface: pygame.Surface, theme, rect: Rect, rows, own: str = "", size: float = 14
) -> None:
    """Draw the public table of every team: rank, team, total costs, mix, stage, game score."""
    heads = (
        ("#", 0.0),
        ("Team", 0.05),
        ("Total costs", 0.38),
        ("Financing mix", 0.42),
        ("Stage", 0.76),
        ("Game score", 1.0),
    )
    line = theme.px(size * 2.0)
    for label, share in heads:
        anchor = "topright" if label in ("Total costs", "Game score") else "topleft"
        x = rect.x + round(rect.width * share)
        if label == "Total costs":
            x = rect.x + round(rect.width * 0.40)
        text(surface, theme, label.upper(), (x, rect.y), size * 0.72, t.MUTED, True, anchor)
    y = rect.y + theme.px(size * 1.5)
    for row in rows:
        if y + line > rect.bottom + theme.px(4):
            break
        band = Rect(rect.x - theme.px(6), y, rect.width + theme.px(12), line - theme.px(4))
        if row.team == own:
            pygame.draw.rect(surface, (232, 241, 250), band, border_radius=theme.px(6))
        cy = band.centery
        text(surface, theme, str(row.rank), (rect.x, cy), size, t.TEXT, True, "midleft")
        name = row.team + (" (computer)" if row.computer else "")
        text(
            surface,
            theme,
            theme.fit(name, round(rect.width * 0.3), size, True),
            (rect.x + round(rect.width * 0.05), cy),
            size,
            t.TEXT,
            True,
            "midleft",
        )
        text(
            surface,
            theme,
            charts.money(row.budget),
            (rect.x + round(rect.width * 0.40), cy),
            size,
            t.TEXT,
            anchor="midright",
        )
        bar = Rect(
            rect.x + round(rect.width * 0.42),
            cy - theme.px(size * 0.6),
            round(rect.width * 0.31),
            theme.px(size * 1.2),
        )
        parts = [
            (FAMILY_NAMES[f][:3], row.financing_mix.get(f, 0.0), t.FAMILY_COLORS[f])
            for f in FAMILY_NAMES
        ]
        charts.stacked_bar(surface, theme, bar, parts, labels=bar.width > theme.px(200))
        text(
            surface,
            theme,
            row.stage.capitalize(),
            (rect.x + round(rect.width * 0.76), cy),
            size,
            t.TEXT,
            anchor="midleft",
        )
        text(surface, theme, f"{row.score:.1f}", (rect.right, cy), size, t.BLUE, True, "midright")
        y += line
