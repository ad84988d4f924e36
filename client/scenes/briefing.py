"""The briefing: the scenario's story, what last year's news said, and this year's event cards."""

from __future__ import annotations

from typing import Any

import pygame

from client import theme as t
from client.scenes.base import Scene
from client.scenes.common import draw_wound_up, empty, news_list, wound_up
from client.widgets import Rect, card, paragraph, pill, split_columns, split_rows, text
from game.scenario import ScenarioError, load_scenario


def reflow(story: str) -> str:
    """Join the lines of each paragraph; keep blank lines between paragraphs."""
    paragraphs = [" ".join(p.split()) for p in story.strip().split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)


class BriefingScene(Scene):
    title = "Briefing"

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.scenario_id = ""
        self.story: tuple[str, str, str, str] = ("", "", "", "")

    def update(self, dt: float) -> None:
        sent = self.model.briefing
        if sent is not None:  # the server says what the scenario is: no local files needed
            if sent.scenario != self.scenario_id:
                self.scenario_id = sent.scenario
                self.story = (sent.name, sent.summary, reflow(sent.briefing), sent.lesson)
            return
        team = self.model.team
        if team is None or team.view.scenario == self.scenario_id:
            return
        self.scenario_id = team.view.scenario
        try:  # a server too old to send the briefing: read the local scenario files
            info = load_scenario(self.scenario_id).scenario
            self.story = (info.name, info.summary, reflow(info.briefing), info.lesson)
        except (ScenarioError, OSError, ValueError):
            self.story = (self.scenario_id, "", "The scenario's story is not available here.", "")

    def draw(self, surface: pygame.Surface, rect: Rect) -> None:
        theme = self.theme
        team = self.model.team
        if team is None:
            empty(surface, theme, rect, "Waiting for the session…")
            return
        if wound_up(self.model):
            draw_wound_up(surface, theme, rect, self.model)
            return
        left, right = split_columns(rect, [1.25, 1.0], theme.px(16))
        self._story(surface, left)
        news, events = split_rows(right, [1.0, 1.1], theme.px(14))
        self._news(surface, news)
        self._events(surface, events)

    def _story(self, surface: pygame.Surface, rect: Rect) -> None:
        theme = self.theme
        name, summary, briefing, lesson = self.story
        inner = card(surface, theme, rect, "The scenario")
        text(surface, theme, theme.fit(name, inner.width, 24, True), inner.topleft, 24, t.INK, True)
        y = paragraph(
            surface,
            theme,
            summary,
            Rect(inner.x, inner.y + theme.px(38), inner.width, theme.px(60)),
            15,
            t.MUTED,
        )
        y += theme.px(8)
        bottom = inner.bottom - (theme.px(70) if lesson else 0)
        y = paragraph(
            surface, theme, briefing, Rect(inner.x, y, inner.width, bottom - y), 14, t.TEXT, 1.45
        )
        if lesson:
            box = Rect(inner.x, inner.bottom - theme.px(62), inner.width, theme.px(62))
            pygame.draw.rect(surface, t.SURFACE_ALT, box, border_radius=theme.px(8))
            paragraph(
                surface,
                theme,
                f"Lesson: {lesson}",
                box.inflate(-theme.px(20), -theme.px(14)),
                13,
                t.BLUE,
            )

    def _news(self, surface: pygame.Surface, rect: Rect) -> None:
        theme = self.theme
        view = self.model.team.view
        inner = card(surface, theme, rect, f"Year {view.round} of {view.rounds} · last year's news")
        report = view.last_report
        if report is None:
            paragraph(
                surface,
                theme,
                "This is the first year. The board sets the strategy, the budget and the "
                "fees; the news of each year appears here.",
                inner,
                14,
                t.MUTED,
            )
            return
        news_list(surface, theme, report.news, inner, gap=4)

    def _events(self, surface: pygame.Surface, rect: Rect) -> None:
        theme = self.theme
        view = self.model.team.view
        inner = card(surface, theme, rect, "Event cards in play")
        if not view.events:
            paragraph(
                surface,
                theme,
                "No event card is in play. Events can change funding, demand or costs; "
                "the facilitator may also draw one.",
                inner,
                14,
                t.MUTED,
            )
            return
        y = inner.y
        for event in view.events:
            mark = pill(
                surface,
                theme,
                "New: respond" if event.new else "In force",
                (inner.x, y),
                t.VERMILLION if event.new else t.MUTED,
                11,
            )
            text(
                surface,
                theme,
                theme.fit(event.title, inner.width - mark.width - theme.px(10), 15, True),
                (mark.right + theme.px(10), y),
                15,
                t.TEXT,
                True,
            )
            y = paragraph(
                surface,
                theme,
                event.text,
                Rect(inner.x, y + theme.px(26), inner.width, inner.bottom - y - theme.px(26)),
                13,
                t.MUTED,
            ) + theme.px(10)
            if y > inner.bottom - theme.px(30):
                break
