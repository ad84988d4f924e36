"""Charts drawn with pygame.draw: bars, stacked bars and columns, lines, a gauge.

They draw figures the server sent; they compute nothing but positions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pygame

from client import theme as t
from client.theme import Color, Theme
from client.widgets import Rect, text

Part = tuple[str, float, Color]


def money(value: float) -> str:
    """Format euros compactly: €950, €12.5k, €1.25M."""
    sign = "−" if value < 0 else ""
    value = abs(value)
    if value >= 1e6:
        return f"{sign}€{value / 1e6:.2f}M"
    if value >= 1e4:
        return f"{sign}€{value / 1e3:.0f}k"
    if value >= 1e3:
        return f"{sign}€{value / 1e3:.1f}k"
    return f"{sign}€{value:.0f}"


def number(value: float) -> str:
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}".rstrip("0").rstrip(".") or "0"


def legend(
    surface: pygame.Surface,
    theme: Theme,
    pos: tuple[int, int],
    items: Sequence[tuple[str, Color]],
    size: float = 12,
) -> int:
    """Draw a one-line legend; return its right edge."""
    x, y = pos
    box = theme.px(10)
    for label, color in items:
        pygame.draw.rect(surface, color, (x, y + theme.px(3), box, box), border_radius=theme.px(2))
        drawn = text(surface, theme, label, (x + box + theme.px(5), y), size, t.MUTED)
        x = drawn.right + theme.px(14)
    return x


def hbars(
    surface: pygame.Surface,
    theme: Theme,
    rect: Rect,
    rows: Sequence[Part],
    top: float | None = None,
    fmt=money,
    label_width: float = 0.38,
) -> None:
    """Draw labelled horizontal bars, one per row."""
    if not rows:
        return
    top = top or max((v for _, v, _ in rows), default=1.0) or 1.0
    step = rect.height / len(rows)
    label_w = round(rect.width * label_width)
    value_w = theme.px(64)
    bar_w = rect.width - label_w - value_w
    thickness = max(theme.px(6), min(round(step * 0.55), theme.px(18)))
    for i, (label, value, color) in enumerate(rows):
        cy = round(rect.y + step * (i + 0.5))
        text(
            surface,
            theme,
            theme.fit(label, label_w - theme.px(8), 13),
            (rect.x, cy),
            13,
            t.TEXT,
            anchor="midleft",
        )
        track = Rect(rect.x + label_w, cy - thickness // 2, bar_w, thickness)
        pygame.draw.rect(surface, t.SURFACE_ALT, track, border_radius=theme.px(3))
        width = round(bar_w * max(0.0, min(value / top, 1.0)))
        if width:
            pygame.draw.rect(
                surface, color, (track.x, track.y, width, thickness), border_radius=theme.px(3)
            )
        text(surface, theme, fmt(value), (rect.right, cy), 13, t.TEXT, True, "midright")


def stacked_bar(
    surface: pygame.Surface, theme: Theme, rect: Rect, parts: Sequence[Part], labels: bool = True
) -> None:
    """Draw one horizontal bar split into parts, with their shares written inside."""
    total = sum(max(v, 0.0) for _, v, _ in parts)
    pygame.draw.rect(surface, t.SURFACE_ALT, rect, border_radius=theme.px(6))
    if total <= 0:
        return
    x = rect.x
    for i, (label, value, color) in enumerate(parts):
        width = round(rect.width * max(value, 0.0) / total)
        if i == len(parts) - 1:
            width = rect.right - x
        if width <= 0:
            continue
        piece = Rect(x, rect.y, width, rect.height)
        radius = theme.px(6)
        first, last = x == rect.x, x + width >= rect.right
        pygame.draw.rect(
            surface,
            color,
            piece,
            border_top_left_radius=radius if first else 0,
            border_bottom_left_radius=radius if first else 0,
            border_top_right_radius=radius if last else 0,
            border_bottom_right_radius=radius if last else 0,
        )
        share = f"{label} {100 * value / total:.0f}%" if labels else ""
        image = theme.text(share, 13, t.SURFACE, True)
        if labels and image.get_width() + theme.px(8) < width:
            surface.blit(image, image.get_rect(center=piece.center))
        x += width


def _axes(surface: pygame.Surface, theme: Theme, rect: Rect, top: float, fmt) -> Rect:
    """Draw light gridlines with values; return the plot area."""
    left = theme.px(52)
    plot = Rect(rect.x + left, rect.y + theme.px(6), rect.width - left, rect.height - theme.px(28))
    for i in range(5):
        y = plot.bottom - round(plot.height * i / 4)
        pygame.draw.line(surface, t.BORDER, (plot.x, y), (plot.right, y), 1)
        text(
            surface,
            theme,
            fmt(top * i / 4),
            (plot.x - theme.px(6), y),
            11,
            t.MUTED,
            anchor="midright",
        )
    return plot


def nice_top(value: float) -> float:
    """Round a maximum up to a tidy axis top."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def columns(
    surface: pygame.Surface,
    theme: Theme,
    rect: Rect,
    stacks: Sequence[Sequence[float]],
    colors: Sequence[Color],
    x_labels: Sequence[str],
    fmt=number,
    top: float | None = None,
) -> None:
    """Draw stacked columns, one per round."""
    top = top or nice_top(max((sum(s) for s in stacks), default=1.0))
    plot = _axes(surface, theme, rect, top, fmt)
    if not stacks:
        return
    slot = plot.width / len(stacks)
    width = max(2, round(slot * 0.62))
    for i, stack in enumerate(stacks):
        x = round(plot.x + slot * i + (slot - width) / 2)
        y = plot.bottom
        for value, color in zip(stack, colors, strict=False):
            height = round(plot.height * max(value, 0.0) / top)
            if height:
                pygame.draw.rect(surface, color, (x, y - height, width, height))
                y -= height
        text(
            surface,
            theme,
            x_labels[i],
            (x + width // 2, plot.bottom + theme.px(4)),
            11,
            t.MUTED,
            anchor="midtop",
        )


def lines(
    surface: pygame.Surface,
    theme: Theme,
    rect: Rect,
    series: Sequence[tuple[str, Sequence[float], Color]],
    x_labels: Sequence[str],
    fmt=number,
    targets: Sequence[tuple[float, Color]] = (),
    top: float | None = None,
) -> None:
    """Draw line series over the rounds, with dashed target lines."""
    peak = max([max(v, default=0.0) for _, v, _ in series] + [v for v, _ in targets] + [0.0])
    top = top or nice_top(peak * 1.05)
    plot = _axes(surface, theme, rect, top, fmt)
    count = max(len(x_labels), 1)
    slot = plot.width / count

    def point(i: int, v: float) -> tuple[int, int]:
        return round(plot.x + slot * (i + 0.5)), round(
            plot.bottom - plot.height * min(v, top) / top
        )

    for value, color in targets:
        y = point(0, value)[1]
        for x in range(plot.x, plot.right, theme.px(12)):
            pygame.draw.line(
                surface, color, (x, y), (min(x + theme.px(6), plot.right), y), theme.px(2)
            )
    for _, values, color in series:
        points = [point(i, v) for i, v in enumerate(values)]
        if len(points) > 1:
            pygame.draw.lines(surface, color, False, points, theme.px(3))
        for p in points:
            pygame.draw.circle(surface, color, p, theme.px(4))
    for i, label in enumerate(x_labels):
        x = round(plot.x + slot * (i + 0.5))
        text(surface, theme, label, (x, plot.bottom + theme.px(4)), 11, t.MUTED, anchor="midtop")


def gauge(surface: pygame.Surface, theme: Theme, rect: Rect, level: str) -> None:
    """Draw the financial stress gauge: low, medium, high, with a needle."""
    radius = min(rect.width // 2, rect.height - theme.px(24))
    center = (rect.centerx, rect.y + radius + theme.px(4))
    width = max(theme.px(14), radius // 4)
    bands = (("low", t.GREEN), ("medium", t.ORANGE), ("high", t.VERMILLION))
    box = Rect(0, 0, 2 * radius, 2 * radius)
    box.center = center
    for i, (_, color) in enumerate(bands):
        start = math.pi * (1 - (i + 1) / 3)
        stop = math.pi * (1 - i / 3)
        for k in range(width):
            pygame.draw.arc(
                surface, color, box.inflate(-2 * k, -2 * k), start + 0.02, stop - 0.02, 2
            )
    index = {"low": 0, "medium": 1, "high": 2}.get(level, 1)
    angle = math.pi * (1 - (index + 0.5) / 3)
    tip = (
        center[0] + math.cos(angle) * (radius - width - theme.px(4)),
        center[1] - math.sin(angle) * (radius - width - theme.px(4)),
    )
    pygame.draw.line(surface, t.TEXT, center, tip, theme.px(4))
    pygame.draw.circle(surface, t.TEXT, center, theme.px(7))
    color = t.STRESS_COLORS.get(level, t.MUTED)
    text(
        surface,
        theme,
        f"{level} stress",
        (center[0], center[1] + theme.px(10)),
        15,
        color,
        True,
        "midtop",
    )
