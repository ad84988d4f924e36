"""Pieces several screens share: names for the vocabulary, figure tiles, empty states."""

from __future__ import annotations

import pygame

from client import theme as t
from client.icons import SEGMENT_NAMES, segment_icon
from client.theme import Color, Theme
from client.widgets import Rect, card, paragraph, text

KPI_NAMES = {
    "jobs": "Jobs created",
    "new_companies": "New companies",
    "startups": "Startups",
    "member_revenue": "Member revenue (M€)",
    "exports": "Exports (M€)",
    "capital_raised": "Capital raised (M€)",
    "public_funds": "Public funds (M€)",
}
SERVICE_NAMES = {
    "matchmaking_events": "Matchmaking & events",
    "training_talent": "Training & talent",
    "collaborative_rd": "Collaborative R&D",
    "internationalisation": "Internationalisation",
    "startup_programs": "Startup programs",
    "access_to_capital": "Access to capital",
    "market_intelligence": "Market intelligence",
    "policy_lobbying": "Policy & lobbying",
    "member_relations": "Member relations",
}
FAMILY_NAMES = {"public": "Public", "private": "Private", "project": "Project"}
COST_NAMES = {
    "staff": "Staff",
    "operations": "Operations",
    "projects": "Projects",
    "other": "Other",
}
SEGMENTS = tuple(SEGMENT_NAMES)


def label_of(key: str, names: dict[str, str]) -> str:
    return names.get(key, key.replace("_", " ").capitalize())


def tile(
    surface: pygame.Surface,
    theme: Theme,
    rect: Rect,
    label: str,
    value: str,
    sub: str = "",
    color: Color = t.TEXT,
) -> None:
    """Draw a figure tile: a small label, a big number, a line under it."""
    inner = card(surface, theme, rect)
    text(surface, theme, label.upper(), inner.topleft, 11, t.MUTED, True)
    size = 26 if inner.height > theme.px(60) else 20
    big = text(
        surface,
        theme,
        theme.fit(value, inner.width, size, True),
        (inner.x, inner.y + theme.px(18)),
        size,
        color,
        True,
    )
    if sub:
        shown = theme.fit(sub, inner.width, 12)
        text(surface, theme, shown, (inner.x, big.bottom + theme.px(2)), 12, t.MUTED)


def empty(surface: pygame.Surface, theme: Theme, rect: Rect, message: str) -> None:
    """Say why a panel has nothing to show yet."""
    paragraph(surface, theme, message, rect, 14, t.MUTED)


def segment_row(
    surface: pygame.Surface, theme: Theme, rect: Rect, segment: str, label: str, size: float = 14
) -> int:
    """Draw a segment's icon and name on one row; return the x where the row's text ends."""
    box = theme.px(22)
    icon = Rect(rect.x, rect.centery - box // 2, box, box)
    segment_icon(surface, segment, icon)
    drawn = text(
        surface,
        theme,
        label,
        (icon.right + theme.px(10), rect.centery),
        size,
        t.TEXT,
        anchor="midleft",
    )
    return drawn.right


def rank_of(model, team: str) -> tuple[int, int]:
    """Return the team's rank and the number of ranked teams, from the public leaderboard."""
    board = model.public.leaderboard if model.public else []
    rank = next((row.rank for row in board if row.team == team), 0)
    return rank, len(board)


def news_list(surface: pygame.Surface, theme: Theme, items: list, inner: Rect, gap: int = 6) -> int:
    """Draw news items as coloured bullets with wrapped text; return the y below the last.

    Stops before the card's bottom edge, so a long feed never spills out of its card.
    """
    y = inner.y
    for item in items:
        color = t.TONE_COLORS.get(item.tone, t.MUTED)
        pygame.draw.circle(surface, color, (inner.x + theme.px(5), y + theme.px(10)), theme.px(5))
        box = Rect(inner.x + theme.px(18), y, inner.width - theme.px(18), inner.bottom - y)
        y = paragraph(surface, theme, item.text, box, 14) + theme.px(gap)
        if y > inner.bottom - theme.px(18):
            break
    return y
