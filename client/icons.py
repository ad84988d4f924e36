"""Icons for the pentagon segments, drawn procedurally so they scale with the window.

Each segment has its own shape as well as its own colour, so the icon reads
without colour (DOMAIN.md: who the members are).
"""

from __future__ import annotations

import pygame

from client import theme as t
from client.labels import Names

SEGMENT_NAMES = Names("segments")  # as the server sent them (client.labels)
SHORT_NAMES = Names("segments_short")


def _factory(surface: pygame.Surface, r: pygame.Rect, color: t.Color) -> None:
    w, h = r.width, r.height
    base = r.y + h
    pygame.draw.polygon(
        surface,
        color,
        [
            (r.x, base),
            (r.x, r.y + h * 0.45),
            (r.x + w * 0.3, r.y + h * 0.25),
            (r.x + w * 0.3, r.y + h * 0.45),
            (r.x + w * 0.6, r.y + h * 0.25),
            (r.x + w * 0.6, r.y + h * 0.45),
            (r.x + w * 0.75, r.y + h * 0.45),
            (r.x + w * 0.75, r.y),
            (r.x + w * 0.92, r.y),
            (r.x + w * 0.92, base),
        ],
    )


def _shop(surface: pygame.Surface, r: pygame.Rect, color: t.Color) -> None:
    w, h = r.width, r.height
    pygame.draw.polygon(
        surface, color, [(r.x, r.y + h * 0.45), (r.centerx, r.y), (r.right, r.y + h * 0.45)]
    )
    body = pygame.Rect(r.x + w * 0.12, r.y + h * 0.45, w * 0.76, h * 0.55)
    pygame.draw.rect(surface, color, body)
    door = pygame.Rect(0, 0, w * 0.22, h * 0.32)
    door.midbottom = body.midbottom
    pygame.draw.rect(surface, t.SURFACE, door)


def _columns(surface: pygame.Surface, r: pygame.Rect, color: t.Color) -> None:
    w, h = r.width, r.height
    pygame.draw.polygon(
        surface, color, [(r.x, r.y + h * 0.32), (r.centerx, r.y), (r.right, r.y + h * 0.32)]
    )
    for i in range(3):
        x = r.x + w * (0.12 + i * 0.3)
        pygame.draw.rect(surface, color, (x, r.y + h * 0.38, w * 0.16, h * 0.48))
    pygame.draw.rect(surface, color, (r.x, r.y + h * 0.88, w, h * 0.12))


def _flag(surface: pygame.Surface, r: pygame.Rect, color: t.Color) -> None:
    w, h = r.width, r.height
    pygame.draw.rect(surface, color, (r.x + w * 0.12, r.y, max(2, w * 0.1), h))
    pygame.draw.polygon(
        surface,
        color,
        [(r.x + w * 0.22, r.y), (r.right, r.y + h * 0.22), (r.x + w * 0.22, r.y + h * 0.5)],
    )
    pygame.draw.rect(surface, color, (r.x, r.bottom - h * 0.1, w * 0.45, h * 0.1))


def _rocket(surface: pygame.Surface, r: pygame.Rect, color: t.Color) -> None:
    w, h = r.width, r.height
    cx = r.centerx
    pygame.draw.polygon(
        surface,
        color,
        [
            (cx, r.y),
            (cx + w * 0.2, r.y + h * 0.3),
            (cx + w * 0.2, r.y + h * 0.72),
            (cx - w * 0.2, r.y + h * 0.72),
            (cx - w * 0.2, r.y + h * 0.3),
        ],
    )
    pygame.draw.polygon(
        surface,
        color,
        [
            (cx - w * 0.2, r.y + h * 0.5),
            (r.x + w * 0.05, r.y + h * 0.85),
            (cx - w * 0.2, r.y + h * 0.75),
        ],
    )
    pygame.draw.polygon(
        surface,
        color,
        [
            (cx + w * 0.2, r.y + h * 0.5),
            (r.right - w * 0.05, r.y + h * 0.85),
            (cx + w * 0.2, r.y + h * 0.75),
        ],
    )
    pygame.draw.circle(surface, t.SURFACE, (cx, r.y + h * 0.38), max(2, w * 0.08))
    pygame.draw.polygon(
        surface,
        t.ORANGE,
        [(cx - w * 0.1, r.y + h * 0.78), (cx + w * 0.1, r.y + h * 0.78), (cx, r.bottom)],
    )


def _coin(surface: pygame.Surface, r: pygame.Rect, color: t.Color) -> None:
    radius = min(r.width, r.height) // 2
    pygame.draw.circle(surface, color, r.center, radius)
    pygame.draw.circle(surface, t.SURFACE, r.center, max(1, radius * 7 // 10), max(1, radius // 6))
    bar = pygame.Rect(0, 0, max(2, radius // 4), radius)
    bar.center = r.center
    pygame.draw.rect(surface, t.SURFACE, bar)


DRAWERS = {
    "large_industry": _factory,
    "sme": _shop,
    "academia": _columns,
    "government": _flag,
    "startup": _rocket,
    "capital": _coin,
}


def segment_icon(surface: pygame.Surface, segment: str, rect: pygame.Rect) -> None:
    """Draw the icon of a member segment inside ``rect``, in the segment's colour."""
    drawer = DRAWERS.get(segment)
    color = t.SEGMENT_COLORS.get(segment, t.MUTED)
    if drawer is None:
        pygame.draw.circle(surface, color, rect.center, min(rect.width, rect.height) // 2)
        return
    drawer(surface, rect, color)
