"""Game over: the team's debrief charts and the final leaderboard."""

from __future__ import annotations

import pygame

from client import theme as t
from client.scenes.base import Scene
from client.scenes.common import empty
from client.scenes.history import draw_history
from client.widgets import Rect, card, split_columns, text


def draw_leaderboard(
    surface: pygame.Surface, theme, rect: Rect, rows, own: str = "", size: float = 18
) -> None:
    """Draw the leaderboard: rank, team, score; the first three stand out."""
    step = theme.px(size * 2.1)
    medals = (t.ORANGE, t.FAINT, (196, 140, 90))
    y = rect.y
    for row in rows:
        if y + step > rect.bottom + theme.px(4):
            break
        band = Rect(rect.x, y, rect.width, step - theme.px(6))
        if row.team == own:
            pygame.draw.rect(surface, (232, 241, 250), band, border_radius=theme.px(8))
        color = medals[row.rank - 1] if row.rank <= 3 else t.BORDER
        badge = (band.x + theme.px(size), band.centery)
        pygame.draw.circle(surface, color, badge, theme.px(size * 0.75))
        text(
            surface,
            theme,
            str(row.rank),
            badge,
            size * 0.8,
            t.SURFACE if row.rank <= 3 else t.TEXT,
            True,
            "center",
        )
        name = theme.fit(row.team, band.width - theme.px(size * 6), size, True)
        text(
            surface,
            theme,
            name,
            (band.x + theme.px(size * 2.3), band.centery),
            size,
            t.TEXT,
            True,
            "midleft",
        )
        text(
            surface,
            theme,
            f"{row.score:.1f}",
            (band.right - theme.px(10), band.centery),
            size,
            t.BLUE,
            True,
            "midright",
        )
        y += step


class GameOverScene(Scene):
    title = "Game over"

    def draw(self, surface: pygame.Surface, rect: Rect) -> None:
        theme = self.theme
        finished = self.model.phase == "finished"
        charts_area, board = split_columns(rect, [2.3, 1.0], theme.px(14))
        if self.model.reports:
            draw_history(surface, theme, charts_area, self.model)
        else:
            empty(surface, theme, charts_area, "The debrief charts appear after the first year.")
        title = "Final leaderboard" if finished else "Leaderboard so far"
        inner = card(surface, theme, board, title)
        rows = self.model.public.leaderboard if self.model.public else []
        own = self.model.team.team if self.model.team else ""
        draw_leaderboard(surface, theme, inner, rows, own)
        if not finished:
            text(
                surface,
                theme,
                "The game is still on.",
                (inner.x, inner.bottom - theme.px(20)),
                13,
                t.MUTED,
            )
