"""A QR code of the join details, drawn with rectangles (segno, when installed)."""

from __future__ import annotations

import pygame

from client import theme as t


def qr_matrix(content: str) -> list[list[bool]] | None:
    """Return the QR code's modules, or None when segno is not installed."""
    try:
        import segno
    except ImportError:
        return None
    code = segno.make(content, error="m", micro=False)
    return [[bool(cell) for cell in row] for row in code.matrix]


def draw_qr(surface: pygame.Surface, matrix: list[list[bool]], rect: pygame.Rect) -> None:
    """Draw the code, with its quiet zone, as large as fits in ``rect``."""
    count = len(matrix) + 4
    cell = max(1, min(rect.width, rect.height) // count)
    size = cell * count
    box = pygame.Rect(0, 0, size, size)
    box.center = rect.center
    pygame.draw.rect(surface, t.SURFACE, box)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                pygame.draw.rect(
                    surface, (0, 0, 0), (box.x + (x + 2) * cell, box.y + (y + 2) * cell, cell, cell)
                )
