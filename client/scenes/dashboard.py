"""The dashboard: the cluster's figures at a glance, as the server reported them."""

from __future__ import annotations

import pygame

from client import charts
from client import theme as t
from client.icons import SEGMENT_NAMES
from client.scenes.base import Scene
from client.scenes.common import (
    COST_NAMES,
    FAMILY_NAMES,
    KPI_NAMES,
    SEGMENTS,
    draw_wound_up,
    empty,
    game_score,
    rank_of,
    segment_row,
    tile,
    wound_up,
)
from client.widgets import Rect, card, split_columns, split_rows, text


class DashboardScene(Scene):
    title = "Dashboard"

    def draw(self, surface: pygame.Surface, rect: Rect) -> None:
        team = self.model.team
        if team is None:
            empty(surface, self.theme, rect, "Waiting for the cluster's figures…")
            return
        if wound_up(self.model):
            draw_wound_up(surface, self.theme, rect, self.model)
            return
        gap = self.theme.px(14)
        tiles, middle, bottom = split_rows(rect, [0.9, 2.1, 2.4], gap)
        self._tiles(surface, tiles, gap)
        mix, costs, stress = split_columns(middle, [1.45, 1.15, 0.8], gap)
        self._mix(surface, mix)
        self._costs(surface, costs)
        self._stress(surface, stress)
        members, kpis = split_columns(bottom, [1.0, 1.3], gap)
        self._members(surface, members)
        self._kpis(surface, kpis)

    def _tiles(self, surface: pygame.Surface, rect: Rect, gap: int) -> None:
        model, theme = self.model, self.theme
        view = model.team.view
        report = view.last_report
        rank, teams = rank_of(model, model.team.team)
        runway = f"runway {report.runway_months:.1f} months" if report else "runway after year 1"
        shown = game_score(model, model.team.team)
        score = f"{shown:.1f}" if shown is not None else "–"
        cells = split_columns(rect, [1] * 6, gap)
        staff = report.staff if report else None
        tile(
            surface,
            theme,
            cells[0],
            "Cash",
            charts.money(view.cash),
            runway,
            t.VERMILLION if view.cash < 0 else t.TEXT,
        )
        tile(
            surface,
            theme,
            cells[1],
            "Game score",
            score,
            f"rank {rank} of {teams}" if rank else "no rank yet",
            t.BLUE,
        )
        tile(
            surface,
            theme,
            cells[2],
            "Stage",
            view.stage.capitalize(),
            f"track record {view.track_record}",
        )
        joined = sum(report.members.joined.values()) if report else 0
        left = sum(report.members.left.values()) if report else 0
        tile(
            surface,
            theme,
            cells[3],
            "Members",
            str(view.members),
            f"+{joined} joined, −{left} left" if report else "",
        )
        tile(
            surface,
            theme,
            cells[4],
            "Engagement",
            f"{100 * view.engagement_mean:.0f}%",
            "mean of members",
        )
        use = f"{100 * staff.utilisation:.0f}%" if staff else "–"
        sub = f"{view.staff_fte:g} FTE, {view.interns} interns"
        tile(
            surface,
            theme,
            cells[5],
            "Staff utilisation",
            use,
            sub,
            t.VERMILLION if staff and staff.utilisation > 1 else t.TEXT,
        )

    def _mix(self, surface: pygame.Surface, rect: Rect) -> None:
        theme = self.theme
        inner = card(surface, theme, rect, "Business model map · financing mix")
        report = self.model.team.view.last_report
        if report is None:
            empty(surface, theme, inner, "The financing mix appears after the first year.")
            return
        bar = Rect(inner.x, inner.y + theme.px(4), inner.width, theme.px(34))
        parts = [
            (FAMILY_NAMES[f], report.financing_mix.get(f, 0.0), t.FAMILY_COLORS[f])
            for f in FAMILY_NAMES
        ]
        charts.stacked_bar(surface, theme, bar, parts)
        rows = Rect(
            inner.x,
            bar.bottom + theme.px(10),
            inner.width,
            inner.bottom - bar.bottom - theme.px(10),
        )
        fams = [
            (FAMILY_NAMES[f], report.revenue_by_family.get(f, 0.0), t.FAMILY_COLORS[f])
            for f in FAMILY_NAMES
        ]
        fams.append(("Revenue total", report.revenue_total, t.INK))
        charts.hbars(surface, theme, rows, fams, label_width=0.3)

    def _costs(self, surface: pygame.Surface, rect: Rect) -> None:
        theme = self.theme
        inner = card(surface, theme, rect, "Costs this year")
        report = self.model.team.view.last_report
        if report is None:
            empty(surface, theme, inner, "Costs appear after the first year.")
            return
        rows = [(COST_NAMES[k], v, t.SERIES[i]) for i, (k, v) in enumerate(report.costs.items())]
        rows.append(("Total", report.costs_total, t.INK))
        charts.hbars(surface, theme, inner, rows, label_width=0.32)

    def _stress(self, surface: pygame.Surface, rect: Rect) -> None:
        theme = self.theme
        inner = card(surface, theme, rect, "Financial stress")
        report = self.model.team.view.last_report
        if report is None:
            empty(surface, theme, inner, "Rated after the first year.")
            return
        charts.gauge(surface, theme, inner, str(report.stress))

    def _members(self, surface: pygame.Surface, rect: Rect) -> None:
        theme = self.theme
        inner = card(surface, theme, rect, "Members by pentagon segment")
        view = self.model.team.view
        report = view.last_report
        rows = split_rows(inner, [1] * len(SEGMENTS), theme.px(2))
        top = max(max(view.members_by_segment.values(), default=1), 1)
        for segment, row in zip(SEGMENTS, rows, strict=True):
            count = view.members_by_segment.get(segment, 0)
            segment_row(surface, theme, row, segment, SEGMENT_NAMES[segment], 13)
            bar_x = row.x + round(row.width * 0.46)
            width = round((row.width * 0.3) * count / top)
            bar = Rect(bar_x, row.centery - theme.px(6), max(width, 2), theme.px(12))
            pygame.draw.rect(surface, t.SEGMENT_COLORS[segment], bar, border_radius=theme.px(3))
            text(
                surface,
                theme,
                str(count),
                (bar.right + theme.px(6), row.centery),
                13,
                t.TEXT,
                True,
                "midleft",
            )
            if report is not None:
                joined, left = (
                    report.members.joined.get(segment, 0),
                    report.members.left.get(segment, 0),
                )
                change = theme.text(f"+{joined}", 12, t.GREEN if joined else t.DISABLED, True)
                loss = theme.text(f"−{left}", 12, t.VERMILLION if left else t.DISABLED, True)
                surface.blit(loss, loss.get_rect(midright=(row.right, row.centery)))
                surface.blit(
                    change, change.get_rect(midright=(row.right - theme.px(40), row.centery))
                )

    def _kpis(self, surface: pygame.Surface, rect: Rect) -> None:
        theme = self.theme
        inner = card(surface, theme, rect, "Value impact against the roadmap")
        view = self.model.team.view
        report = view.last_report
        targets = dict(view.targets)
        rows = split_rows(inner, [1] * len(KPI_NAMES), theme.px(2))
        for (kpi, name), row in zip(KPI_NAMES.items(), rows, strict=True):
            value = report.kpis.get(kpi, 0.0) if report else 0.0
            target = targets.get(kpi) or view.yardstick.get(kpi, 0.0)
            label_w = round(row.width * 0.34)
            shown = theme.fit(name, label_w - theme.px(6), 13)
            text(surface, theme, shown, (row.x, row.centery), 13, t.TEXT, anchor="midleft")
            track = Rect(
                row.x + label_w, row.centery - theme.px(6), round(row.width * 0.42), theme.px(12)
            )
            pygame.draw.rect(surface, t.SURFACE_ALT, track, border_radius=theme.px(3))
            share = min(value / target, 1.0) if target else 0.0
            color = t.GREEN if share >= 1 else t.BLUE
            if share > 0:
                pygame.draw.rect(
                    surface,
                    color,
                    (track.x, track.y, max(2, round(track.width * share)), track.height),
                    border_radius=theme.px(3),
                )
            kind = "target" if kpi in targets else "strong cluster"
            words = f"{charts.number(value)} / {charts.number(target)} {kind}"
            text(surface, theme, words, (row.right, row.centery), 12, t.MUTED, anchor="midright")
