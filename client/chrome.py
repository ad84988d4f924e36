"""The frame around every team screen: the top bar, the screen tabs, the notice line."""

from __future__ import annotations

import time

import pygame

from client import theme as t
from client.charts import money
from client.model import ClientModel
from client.theme import Theme
from client.widgets import Rect, pill, text

TOP_BAR = 60
TABS = 46

STATUS_LABELS = {
    "connected": ("Connected", t.GREEN),
    "connecting": ("Connecting…", t.ORANGE),
    "reconnecting": ("Reconnecting…", t.VERMILLION),
    "closed": ("Disconnected", t.VERMILLION),
    "offline": ("Offline", t.MUTED),
}
PHASE_LABELS = {
    "lobby": "Waiting for the facilitator",
    "briefing": "Briefing",
    "decisions": "Decisions open",
    "paused": "Paused",
    "resolving": "The year is being played…",
    "results": "Results",
    "finished": "Game over",
}


def clock(seconds: float | None) -> str:
    if seconds is None:
        return ""
    seconds = max(0, int(seconds + 0.999))
    return f"{seconds // 60}:{seconds % 60:02d}"


def top_bar(surface: pygame.Surface, theme: Theme, model: ClientModel, title: str) -> Rect:
    """Draw the bar with the team, the round, the timer and the link's status."""
    width = surface.get_width()
    bar = Rect(0, 0, width, theme.px(TOP_BAR))
    pygame.draw.rect(surface, t.INK, bar)
    pad = theme.px(20)
    drawn = text(
        surface, theme, "Cluster Board", (pad, bar.centery), 19, t.SURFACE, True, "midleft"
    )
    if title:
        text(
            surface,
            theme,
            title,
            (drawn.right + theme.px(14), bar.centery),
            17,
            t.SKY,
            True,
            "midleft",
        )
    label, color = STATUS_LABELS.get(model.status, (model.status, t.MUTED))
    right = pill(surface, theme, label, (width - pad, bar.centery), color, 13, "midright")
    x = right.left - theme.px(18)
    left = model.time_left()
    if left is not None and model.phase in ("decisions", "paused"):
        urgent = left < 60 and model.phase == "decisions"
        shown = clock(left) + (" paused" if model.phase == "paused" else "")
        drawn = text(
            surface,
            theme,
            shown,
            (x, bar.centery),
            24,
            t.ORANGE if urgent else t.SURFACE,
            True,
            "midright",
        )
        x = drawn.left - theme.px(18)
    if model.rounds:
        phase = PHASE_LABELS.get(model.phase, model.phase)
        practice = " (practice)" if model.timer and model.timer.practice else ""
        where = f"Year {max(model.round, 1)} of {model.rounds}{practice} · {phase}"
        text(surface, theme, where, (x, bar.centery), 15, (200, 210, 225), anchor="midright")
    return bar


BANNER = 34


def banner_lines(model: ClientModel, mode: str = "player") -> list[str]:
    """What every player's screen says above the scene: the facilitator's message, or absence."""
    public = model.public
    if public is None:
        return []
    lines = []
    if public.announcement:
        lines.append(f"From the facilitator: {public.announcement}")
    if mode != "host" and not public.facilitator_present and public.timer.phase != "finished":
        lines.append(
            "The facilitator is away: an open round still closes on time; "
            "the next one opens when they are back."
        )
    return lines


def banner(surface: pygame.Surface, theme: Theme, lines: list[str], top: int) -> None:
    """Draw the banner's lines, one band each, below the tabs."""
    width = surface.get_width()
    for i, line in enumerate(lines):
        band = Rect(0, top + i * theme.px(BANNER), width, theme.px(BANNER))
        away = line.startswith("The facilitator is away")
        pygame.draw.rect(surface, t.ORANGE if away else t.BLUE, band)
        shown = theme.fit(line, width - theme.px(40), 15, True)
        text(surface, theme, shown, band.center, 15, t.SURFACE, True, "center")


def tab_rects(theme: Theme, labels: list[str], top: int) -> list[Rect]:
    """Return where each screen tab goes (used for drawing and for clicks)."""
    x = theme.px(20)
    rects = []
    for i, label in enumerate(labels):
        key = theme.text(str(i + 1), 12, t.FAINT, True)
        name = theme.text(label, 15, t.MUTED)
        rect = Rect(x, top, key.get_width() + name.get_width() + theme.px(34), theme.px(TABS))
        rects.append(rect)
        x = rect.right + theme.px(4)
    return rects


def tabs(surface: pygame.Surface, theme: Theme, labels: list[str], current: int, top: int) -> None:
    """Draw the screen tabs with their number keys."""
    width = surface.get_width()
    band = Rect(0, top, width, theme.px(TABS))
    pygame.draw.rect(surface, t.SURFACE, band)
    pygame.draw.line(surface, t.BORDER, band.bottomleft, band.bottomright, 1)
    for i, (label, rect) in enumerate(zip(labels, tab_rects(theme, labels, top), strict=True)):
        chosen = i == current
        key = theme.text(str(i + 1), 12, t.FAINT, True)
        name = theme.text(label, 15, t.ACCENT if chosen else t.MUTED, chosen)
        surface.blit(key, key.get_rect(midleft=(rect.x + theme.px(8), rect.centery)))
        x = rect.x + theme.px(14) + key.get_width()
        surface.blit(name, name.get_rect(midleft=(x, rect.centery)))
        if chosen:
            line = Rect(
                rect.x + theme.px(4),
                rect.bottom - theme.px(3),
                rect.width - theme.px(8),
                theme.px(3),
            )
            pygame.draw.rect(surface, t.ACCENT, line, border_radius=theme.px(2))


def notice(surface: pygame.Surface, theme: Theme, model: ClientModel) -> None:
    """Draw the latest notice at the bottom while it lasts, and the reconnecting banner."""
    width, height = surface.get_size()
    if model.status in ("reconnecting", "closed"):
        band = Rect(0, height - theme.px(40), width, theme.px(40))
        pygame.draw.rect(surface, t.VERMILLION, band)
        words = (
            "Reconnecting… your draft is kept and will be sent when the link is back."
            if model.status == "reconnecting"
            else "Disconnected from the server. Restart the client to rejoin your seat."
        )
        text(surface, theme, words, band.center, 15, t.SURFACE, True, "center")
        return
    message, tone, until = model.notice
    if not message or time.monotonic() > until:
        return
    image = theme.text(theme.fit(message, width - theme.px(120), 15), 15, t.SURFACE, True)
    box = image.get_rect().inflate(theme.px(36), theme.px(18))
    box.midbottom = (width // 2, height - theme.px(16))
    pygame.draw.rect(
        surface,
        t.TONE_COLORS.get(tone, t.MUTED) if tone != "neutral" else t.INK,
        box,
        border_radius=theme.px(10),
    )
    surface.blit(image, image.get_rect(center=box.center))


def cash_line(model: ClientModel) -> str:
    team = model.team
    if team is None:
        return ""
    return f"Cash {money(team.view.cash)}"
