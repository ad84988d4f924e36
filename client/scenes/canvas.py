"""The cluster business model canvas, filled in from the team's state and last report.

Boxes follow the cluster business model canvas (DOMAIN.md): members, funding
partners, member relationships, channels, value proposition, key activities,
key resources, partners, funding and costs.
"""

from __future__ import annotations

import pygame

from client import charts
from client import theme as t
from client.icons import SEGMENT_NAMES
from client.scenes.base import Scene
from client.scenes.common import (
    COST_NAMES,
    FAMILY_NAMES,
    SERVICE_NAMES,
    draw_wound_up,
    empty,
    wound_up,
)
from client.widgets import Rect, card, split_columns, split_rows, text

FEE_WORDS = {
    "none": "no membership fee",
    "flat": "a flat fee",
    "tiered": "fees by company size",
    "share_program": "a share program",
}


def canvas_boxes(model) -> dict[str, list[str]]:
    """Return the lines of each canvas box, from the view and the last report."""
    view = model.team.view
    report = view.last_report
    by_segment = sorted(view.members_by_segment.items(), key=lambda kv: -kv[1])
    focus = {a.id: a.name for a in view.focus_area_options}
    budget = sorted(view.budget.items(), key=lambda kv: -kv[1])
    public = [a for a in view.agreements if a.family == "public"]
    partners = [a for a in view.agreements if a.family != "public"]
    fees = view.fees
    fee_level = f" ({charts.money(fees.flat)})" if fees.model == "flat" else ""
    return {
        "Key partners": [f"{a.name} ({a.years_left} yr left)" for a in partners]
        + [
            f"{view.members_by_segment.get('academia', 0)} knowledge institutions",
            f"{view.members_by_segment.get('government', 0)} public bodies",
        ],
        "Key activities": [
            f"{SERVICE_NAMES.get(k, k)}: {charts.money(v)}" for k, v in budget[:5] if v > 0
        ],
        "Key resources": [
            f"{view.staff_fte:g} FTE staff, {view.interns} interns",
            f"Cash {charts.money(view.cash)}",
            f"Track record {view.track_record}",
            f"Stage: {view.stage}",
        ],
        "Value proposition": ([view.ambition] if view.ambition else [])
        + [focus.get(f, f) for f in view.focus_areas]
        or ["No strategy set yet"],
        "Member relationships": [
            f"Members pay {FEE_WORDS.get(fees.model, fees.model)}{fee_level}",
            f"Engagement {100 * view.engagement_mean:.0f}%",
        ]
        + ([f"Personal contact {100 * report.members.contact:.0f}% of need"] if report else []),
        "Channels": [
            SERVICE_NAMES.get(k, k)
            for k in ("matchmaking_events", "member_relations")
            if view.budget.get(k)
        ]
        + [o.name for o in view.revenue_line_options if o.running],
        "Members": [f"{SEGMENT_NAMES.get(s, s)}: {n}" for s, n in by_segment if n],
        "Funding partners": [f"{a.name}: {charts.money(a.amount)}" for a in public]
        or ["No public program running"],
        "Costs": [
            f"{COST_NAMES.get(k, k)}: {charts.money(v)}" for k, v in report.costs.items() if v
        ]
        if report
        else ["After the first year"],
        "Funding": [
            f"{FAMILY_NAMES[f]}: {charts.money(report.revenue_by_family.get(f, 0.0))} "
            f"({report.financing_mix.get(f, 0.0):.0f}%)"
            for f in FAMILY_NAMES
        ]
        if report
        else ["After the first year"],
    }


COLORS = {
    "Key partners": t.PURPLE,
    "Key activities": t.BLUE,
    "Key resources": t.BLUE,
    "Value proposition": t.ORANGE,
    "Member relationships": t.GREEN,
    "Channels": t.GREEN,
    "Members": t.SKY,
    "Funding partners": t.BLUE,
    "Costs": t.VERMILLION,
    "Funding": t.GREEN,
}


class CanvasScene(Scene):
    title = "Canvas"

    def draw(self, surface: pygame.Surface, rect: Rect) -> None:
        theme = self.theme
        if self.model.team is None:
            empty(surface, theme, rect, "Waiting for the cluster's figures…")
            return
        if wound_up(self.model):
            draw_wound_up(surface, theme, rect, self.model)
            return
        boxes = canvas_boxes(self.model)
        gap = theme.px(10)
        top, bottom = split_rows(rect, [2.2, 1.0], gap)
        cols = split_columns(top, [1, 1, 1, 1, 1], gap)
        partners, activities, resources = cols[0], *split_rows(cols[1], [1, 1], gap)
        relations, channels = split_rows(cols[3], [1, 1], gap)
        members, funders = split_rows(cols[4], [1, 1], gap)
        costs, funding = split_columns(bottom, [1, 1], gap)
        places = {
            "Key partners": partners,
            "Key activities": activities,
            "Key resources": resources,
            "Value proposition": cols[2],
            "Member relationships": relations,
            "Channels": channels,
            "Members": members,
            "Funding partners": funders,
            "Costs": costs,
            "Funding": funding,
        }
        for name, box in places.items():
            self._box(surface, box, name, boxes[name])

    def _box(self, surface: pygame.Surface, rect: Rect, title: str, lines: list[str]) -> None:
        theme = self.theme
        inner = card(surface, theme, rect, title)
        pygame.draw.rect(
            surface, COLORS[title], (rect.x, rect.y + theme.px(12), theme.px(4), theme.px(22))
        )
        y = inner.y
        step = theme.px(18)
        for line in lines:
            parts = theme.wrap(line, inner.width - theme.px(12), 13)
            if y + step > inner.bottom:
                return
            pygame.draw.circle(
                surface, COLORS[title], (inner.x + theme.px(3), y + step // 2), theme.px(3)
            )
            for part in parts:
                if y + step > inner.bottom:
                    return
                text(surface, theme, part, (inner.x + theme.px(12), y), 13)
                y += step
            y += theme.px(4)
