"""Palette, fonts and sizes: one place for the look, scaled to the window.

Colours follow the Okabe–Ito palette, which stays distinct for the common
kinds of colour blindness; every colour-coded thing also carries a label or an
icon, so colour is never the only cue. Sizes are given for a 1280×800 window
and scale with the window's smaller ratio.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pygame

Color = tuple[int, int, int]

FONT_DIR = Path(str(resources.files("assets"))) / "fonts"
REGULAR = FONT_DIR / "Inter-Regular.otf"
BOLD = FONT_DIR / "Inter-SemiBold.otf"
BASE_SIZE = (1280, 800)

# Okabe–Ito
ORANGE: Color = (230, 159, 0)
SKY: Color = (86, 180, 233)
GREEN: Color = (0, 158, 115)
YELLOW: Color = (240, 228, 66)
BLUE: Color = (0, 114, 178)
VERMILLION: Color = (213, 94, 0)
PURPLE: Color = (204, 121, 167)

BACKGROUND: Color = (241, 243, 247)
SURFACE: Color = (255, 255, 255)
SURFACE_ALT: Color = (247, 248, 251)
BORDER: Color = (222, 226, 233)
TEXT: Color = (28, 33, 45)
MUTED: Color = (104, 112, 128)
FAINT: Color = (170, 176, 188)
INK: Color = (24, 39, 64)  # the top bar
ACCENT: Color = BLUE
DISABLED: Color = (200, 204, 212)

FAMILY_COLORS: dict[str, Color] = {"public": BLUE, "private": GREEN, "project": ORANGE}
TONE_COLORS: dict[str, Color] = {"good": GREEN, "bad": VERMILLION, "neutral": MUTED}
STRESS_COLORS: dict[str, Color] = {"low": GREEN, "medium": ORANGE, "high": VERMILLION}
SEGMENT_COLORS: dict[str, Color] = {
    "large_industry": BLUE,
    "sme": SKY,
    "academia": PURPLE,
    "government": ORANGE,
    "startup": GREEN,
    "capital": (190, 170, 20),  # a darker yellow that reads on white
}
SERIES: tuple[Color, ...] = (BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, (190, 170, 20))


class Theme:
    """Fonts and sizes for one window size; rendered text is cached."""

    def __init__(self, size: tuple[int, int] = BASE_SIZE) -> None:
        self._fonts: dict[tuple[int, bool], pygame.font.Font] = {}
        self._texts: dict[tuple[str, int, bool, Color], pygame.Surface] = {}
        self._wraps: dict[tuple[str, int, int, bool], list[str]] = {}
        self.resize(size)

    def resize(self, size: tuple[int, int]) -> None:
        self.size = size
        self.scale = max(0.5, min(size[0] / BASE_SIZE[0], size[1] / BASE_SIZE[1]))

    def px(self, value: float) -> int:
        """Return a length given for the base window, scaled to this one."""
        return max(1, round(value * self.scale))

    def font(self, size: float, bold: bool = False) -> pygame.font.Font:
        pixels = self.px(size)
        key = (pixels, bold)
        font = self._fonts.get(key)
        if font is None:
            path = BOLD if bold else REGULAR
            font = pygame.font.Font(str(path) if path.exists() else None, pixels)
            self._fonts[key] = font
        return font

    def text(
        self, text: str, size: float = 15, color: Color = TEXT, bold: bool = False
    ) -> pygame.Surface:
        """Return the rendered text, from the cache when it was drawn before."""
        key = (text, self.px(size), bold, color)
        surface = self._texts.get(key)
        if surface is None:
            if len(self._texts) > 6000:
                self._texts.clear()
            surface = self.font(size, bold).render(text, True, color)
            self._texts[key] = surface
        return surface

    def fit(self, text: str, width: int, size: float = 15, bold: bool = False) -> str:
        """Shorten text with an ellipsis until it fits ``width`` pixels."""
        font = self.font(size, bold)
        if font.size(text)[0] <= width:
            return text
        while text and font.size(text + "…")[0] > width:
            text = text[:-1]
        return text + "…"

    def wrap(self, text: str, width: int, size: float = 15, bold: bool = False) -> list[str]:
        """Break text into lines no wider than ``width`` pixels."""
        key = (text, width, self.px(size), bold)
        cached = self._wraps.get(key)
        if cached is not None:
            return cached
        if len(self._wraps) > 2000:
            self._wraps.clear()
        font = self.font(size, bold)
        lines: list[str] = []
        for paragraph in text.split("\n"):
            line = ""
            for word in paragraph.split():
                trial = f"{line} {word}".strip()
                if font.size(trial)[0] <= width or not line:
                    line = trial
                else:
                    lines.append(line)
                    line = word
            lines.append(line)
        self._wraps[key] = lines
        return lines


def init_pygame() -> None:
    """Initialise only what the client needs (no audio)."""
    pygame.display.init()
    pygame.font.init()
