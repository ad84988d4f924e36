"""Client tests run headless: the SDL dummy drivers, settings in a temporary file."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pytest


@pytest.fixture(autouse=True)
def _client_settings(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CLUSTERBOARD_CLIENT_CONFIG", str(tmp_path / "client.json"))
