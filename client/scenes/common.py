"""Pieces several screens share: names for the vocabulary, figure tiles, empty states."""

from __future__ import annotations

import pygame

from client import theme as t
from client.icons import SEGMENT_NAMES, segment_icon
from client.labels import KpiNames, Names
from client.theme import Color, Theme
from client.widgets import Rect, card, paragraph, text

KPI_NAMES = KpiNames()  # names as the server sent them (client.labels), with units
SERVICE_NAMES = Names("services")
FAMILY_NAMES = Names("families")
COST_NAMES = Names("costs")
SEGMENTS = tuple(SEGMENT_NAMES)


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


def wound_up(model) -> bool:
    """True once the team's organization has been wound up: its screens say only that."""
    team = model.team
    return bool(team is not None and team.view.wound_up)


def wound_up_words(model) -> str:
    """The one thing a wound-up organization's screens say."""
    years = sorted(r.round for r in model.reports.values() if r.wound_up)
    when = f" in year {years[0]}" if years else ""
    return (
        f"Your cluster organization was wound up{when}: its emergency loan grew past what "
        "the board could carry. It has no cash, staff, members or budget any more, and "
        "decides nothing; its remaining years score nothing. The history and the game's "
        "newspapers stay open."
    )


def draw_wound_up(surface: pygame.Surface, theme: Theme, rect: Rect, model) -> None:
    """Draw the wound-up notice in place of the team's figures."""
    inner = card(surface, theme, rect, "Wound up")
    text(surface, theme, "Wound up", inner.topleft, 30, t.VERMILLION, True)
    area = Rect(inner.x, inner.y + theme.px(50), min(inner.width, theme.px(720)), inner.height)
    paragraph(surface, theme, wound_up_words(model), area, 16, t.TEXT)


def game_score(model, team: str) -> float | None:
    """The team's game score as the leaderboard has it (the one number called score)."""
    board = model.public.leaderboard if model.public is not None else []
    row = next((r for r in board if r.team == team), None)
    if row is not None:
        return row.score
    report = model.team.view.last_report if model.team is not None else None
    return report.score.game_score if report is not None else None
