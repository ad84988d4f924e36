"""The projector: full screen and large type: the timer, the leaderboard, the newspaper."""

from __future__ import annotations

import pygame

from client import chrome
from client import theme as t
from client.scenes.base import Scene
from client.scenes.gameover import draw_leaderboard
from client.scenes.results import draw_newspaper
from client.widgets import Rect, card, paragraph, split_columns, split_rows, text


class ProjectorScene(Scene):
    title = "Projector"

    def draw(self, surface: pygame.Surface, rect: Rect) -> None:
        theme, model = self.theme, self.model
        surface.fill(t.INK)
        pad = theme.px(28)
        area = rect.inflate(-2 * pad, -2 * pad)
        head, body = split_rows(area, [1.0, 4.2], theme.px(20))
        self._head(surface, head)
        board, paper = split_columns(body, [1.0, 1.9], theme.px(20))
        inner = card(surface, theme, board, "Leaderboard")
        rows = model.public.leaderboard if model.public else []
        draw_leaderboard(surface, theme, inner, rows, size=26)
        paper_data = model.public.newspaper if model.public else None
        title = f"The newspaper · year {paper_data.round}" if paper_data else "The newspaper"
        inner = card(surface, theme, paper, title)
        if paper_data and paper_data.rows:
            draw_newspaper(surface, theme, inner, paper_data.rows, size=20)
        else:
            paragraph(
                surface,
                theme,
                "Every team's public figures appear here after each year.",
                inner,
                20,
                t.MUTED,
            )

    def _head(self, surface: pygame.Surface, rect: Rect) -> None:
        theme, model = self.theme, self.model
        text(surface, theme, "Cluster Board", (rect.x, rect.y), 22, t.SKY, True)
        phase = chrome.PHASE_LABELS.get(model.phase, model.phase)
        year = f"Year {max(model.round, 1)} of {model.rounds}" if model.rounds else ""
        text(
            surface,
            theme,
            f"{year}  ·  {phase}" if year else phase,
            (rect.x, rect.y + theme.px(34)),
            30,
            t.SURFACE,
            True,
        )
        public = model.public
        if public is not None and public.announcement:
            words = theme.fit(public.announcement, rect.width * 2 // 3, 24, True)
            text(surface, theme, words, (rect.x, rect.y + theme.px(80)), 24, t.ORANGE, True)
        state = model.facilitator
        if state is not None:
            text(
                surface,
                theme,
                f"Join: {state.code}",
                (rect.x, rect.bottom),
                20,
                (200, 210, 225),
                True,
                "bottomleft",
            )
        left = model.time_left()
        if left is not None and model.phase in ("decisions", "paused"):
            color = t.ORANGE if left < 60 else t.SURFACE
            label = chrome.clock(left) + (" paused" if model.phase == "paused" else "")
            text(surface, theme, label, (rect.right, rect.centery), 84, color, True, "midright")
