"""Controls and panels, drawn with pygame.draw: cards, buttons, sliders, chips, steppers.

Scenes describe their controls as ``Control`` records laid out by a pure
function of the window and the model; the same layout serves hit-testing in
``handle_event`` and drawing in ``draw``, so drawing needs no state of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from client import theme as t
from client.theme import Color, Theme

Rect = pygame.Rect


@dataclass(frozen=True)
class Control:
    """One focusable thing on a screen."""

    id: str
    rect: Rect
    kind: str  # button, slider, chip, stepper, text
    enabled: bool = True
    reason: str = ""


def split_columns(rect: Rect, weights: list[float], gap: int) -> list[Rect]:
    """Split a rectangle into columns whose widths follow ``weights``."""
    free = rect.width - gap * (len(weights) - 1)
    total = sum(weights)
    x, out = rect.x, []
    for weight in weights:
        width = round(free * weight / total)
        out.append(Rect(x, rect.y, width, rect.height))
        x += width + gap
    return out


def split_rows(rect: Rect, weights: list[float], gap: int) -> list[Rect]:
    """Split a rectangle into rows whose heights follow ``weights``."""
    free = rect.height - gap * (len(weights) - 1)
    total = sum(weights)
    y, out = rect.y, []
    for weight in weights:
        height = round(free * weight / total)
        out.append(Rect(rect.x, y, rect.width, height))
        y += height + gap
    return out


def text(
    surface: pygame.Surface,
    theme: Theme,
    content: str,
    pos: tuple[int, int],
    size: float = 15,
    color: Color = t.TEXT,
    bold: bool = False,
    anchor: str = "topleft",
) -> Rect:
    """Draw one line of text; return where it went."""
    image = theme.text(content, size, color, bold)
    rect = image.get_rect(**{anchor: pos})
    surface.blit(image, rect)
    return rect


def paragraph(
    surface: pygame.Surface,
    theme: Theme,
    content: str,
    rect: Rect,
    size: float = 15,
    color: Color = t.TEXT,
    spacing: float = 1.35,
) -> int:
    """Draw wrapped text inside ``rect``; return the y below the last line drawn."""
    y = rect.y
    step = theme.px(size * spacing)
    for line in theme.wrap(content, rect.width, size):
        if y + step > rect.bottom:
            break
        surface.blit(theme.text(line, size, color), (rect.x, y))
        y += step
    return y


def card(surface: pygame.Surface, theme: Theme, rect: Rect, title: str = "") -> Rect:
    """Draw a white card with an optional title; return the area inside it."""
    radius = theme.px(10)
    shadow = rect.move(0, theme.px(2))
    pygame.draw.rect(surface, t.BORDER, shadow, border_radius=radius)
    pygame.draw.rect(surface, t.SURFACE, rect, border_radius=radius)
    pad = theme.px(16)
    inner = rect.inflate(-2 * pad, -2 * pad)
    if title:
        text(surface, theme, title.upper(), inner.topleft, 12, t.MUTED, bold=True)
        top = theme.px(26)
        inner = Rect(inner.x, inner.y + top, inner.width, inner.height - top)
    return inner


def pill(
    surface: pygame.Surface,
    theme: Theme,
    content: str,
    pos: tuple[int, int],
    color: Color,
    size: float = 13,
    anchor: str = "topleft",
    fg: Color = t.SURFACE,
) -> Rect:
    """Draw a rounded label (status, stage, stress)."""
    image = theme.text(content, size, fg, bold=True)
    rect = image.get_rect().inflate(theme.px(18), theme.px(8))
    setattr(rect, anchor, pos)
    pygame.draw.rect(surface, color, rect, border_radius=rect.height // 2)
    surface.blit(image, image.get_rect(center=rect.center))
    return rect


def focus_ring(surface: pygame.Surface, theme: Theme, rect: Rect) -> None:
    pad = theme.px(3)
    pygame.draw.rect(surface, t.ORANGE, rect.inflate(2 * pad, 2 * pad), theme.px(2), theme.px(8))


def button(
    surface: pygame.Surface,
    theme: Theme,
    control: Control,
    label: str,
    focused: bool = False,
    primary: bool = False,
    size: float = 15,
) -> None:
    """Draw a button: filled when primary, outlined otherwise, grey when disabled."""
    radius = theme.px(8)
    if not control.enabled:
        fill, fg, edge = t.SURFACE_ALT, t.FAINT, t.BORDER
    elif primary:
        fill, fg, edge = t.ACCENT, t.SURFACE, t.ACCENT
    else:
        fill, fg, edge = t.SURFACE, t.ACCENT, t.BORDER
    pygame.draw.rect(surface, fill, control.rect, border_radius=radius)
    pygame.draw.rect(surface, edge, control.rect, theme.px(1), border_radius=radius)
    shown = theme.fit(label, control.rect.width - theme.px(12), size, True)
    text(surface, theme, shown, control.rect.center, size, fg, True, "center")
    if focused:
        focus_ring(surface, theme, control.rect)


def chip(
    surface: pygame.Surface,
    theme: Theme,
    control: Control,
    label: str,
    selected: bool,
    focused: bool = False,
    color: Color = t.ACCENT,
    size: float = 13,
) -> None:
    """Draw a toggle chip: filled when selected."""
    radius = control.rect.height // 2
    if selected:
        pygame.draw.rect(surface, color, control.rect, border_radius=radius)
        fg = t.SURFACE
    else:
        pygame.draw.rect(surface, t.SURFACE, control.rect, border_radius=radius)
        pygame.draw.rect(surface, t.BORDER, control.rect, theme.px(1), border_radius=radius)
        fg = t.TEXT if control.enabled else t.FAINT
    shown = theme.fit(label, control.rect.width - theme.px(14), size, selected)
    text(surface, theme, shown, control.rect.center, size, fg, selected, "center")
    if focused:
        focus_ring(surface, theme, control.rect)


def slider(
    surface: pygame.Surface,
    theme: Theme,
    control: Control,
    fraction: float,
    focused: bool = False,
    color: Color = t.ACCENT,
    limit: float | None = None,
) -> None:
    """Draw a horizontal slider at ``fraction`` (0..1); ``limit`` marks how far it may go."""
    rect = control.rect
    track = Rect(rect.x, rect.centery - theme.px(3), rect.width, theme.px(6))
    pygame.draw.rect(surface, t.BORDER, track, border_radius=track.height // 2)
    if limit is not None and limit < 1.0:
        blocked = Rect(track.x + round(track.width * limit), track.y, 0, track.height)
        blocked.width = track.right - blocked.x
        pygame.draw.rect(surface, t.SURFACE_ALT, blocked, border_radius=track.height // 2)
    filled = Rect(track.x, track.y, round(track.width * max(0.0, min(fraction, 1.0))), track.height)
    pygame.draw.rect(surface, color, filled, border_radius=track.height // 2)
    knob = (filled.right, track.centery)
    pygame.draw.circle(surface, t.SURFACE, knob, theme.px(9))
    pygame.draw.circle(surface, color, knob, theme.px(9), theme.px(3))
    if focused:
        pygame.draw.circle(surface, t.ORANGE, knob, theme.px(13), theme.px(2))


def stepper(
    surface: pygame.Surface, theme: Theme, control: Control, value: str, focused: bool = False
) -> None:
    """Draw a − value + box; the halves of the box step down and up."""
    rect = control.rect
    radius = theme.px(8)
    pygame.draw.rect(surface, t.SURFACE_ALT, rect, border_radius=radius)
    pygame.draw.rect(surface, t.BORDER, rect, theme.px(1), border_radius=radius)
    fg = t.ACCENT if control.enabled else t.FAINT
    edge = theme.px(14)
    text(surface, theme, "−", (rect.x + edge, rect.centery), 18, fg, True, "center")
    text(surface, theme, "+", (rect.right - edge, rect.centery), 18, fg, True, "center")
    text(surface, theme, value, rect.center, 14, t.TEXT, True, "center")
    if focused:
        focus_ring(surface, theme, rect)


def text_box(
    surface: pygame.Surface,
    theme: Theme,
    control: Control,
    value: str,
    placeholder: str = "",
    focused: bool = False,
    size: float = 16,
    caret: bool = False,
) -> None:
    """Draw a one-line text input."""
    rect = control.rect
    pygame.draw.rect(surface, t.SURFACE, rect, border_radius=theme.px(8))
    edge = t.ACCENT if focused else t.BORDER
    pygame.draw.rect(surface, edge, rect, theme.px(2 if focused else 1), theme.px(8))
    shown = value or placeholder
    color = t.TEXT if value else t.FAINT
    pad = theme.px(12)
    shown = theme.fit(shown, rect.width - 2 * pad, size)
    drawn = text(surface, theme, shown, (rect.x + pad, rect.centery), size, color, anchor="midleft")
    if focused and caret:
        x = drawn.right + 2 if value else rect.x + pad
        pygame.draw.line(surface, t.TEXT, (x, drawn.top), (x, drawn.bottom), theme.px(2))


def progress(
    surface: pygame.Surface, theme: Theme, rect: Rect, fraction: float, color: Color
) -> None:
    """Draw a thin progress bar."""
    pygame.draw.rect(surface, t.BORDER, rect, border_radius=rect.height // 2)
    filled = Rect(rect.x, rect.y, round(rect.width * max(0.0, min(fraction, 1.0))), rect.height)
    if filled.width:
        pygame.draw.rect(surface, color, filled, border_radius=rect.height // 2)


def hit(controls: list[Control], pos: tuple[int, int]) -> Control | None:
    """Return the control under the pointer, if any."""
    for control in controls:
        if control.rect.collidepoint(pos):
            return control
    return None
