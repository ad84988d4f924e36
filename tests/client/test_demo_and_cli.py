"""The demo runs end to end without a display; command-line mistakes are one clear line."""

from __future__ import annotations

import pytest

from cli.main import main


def test_demo_headless_plays_a_session_through_the_real_server(capsys) -> None:
    assert main(["demo", "--headless", "--rounds", "3", "--seed", "4"]) == 0
    out = capsys.readouterr().out
    assert "Cluster Board demo: scenario grow, seed 4, 3 years, 4 teams" in out
    assert "Year 3" in out and "Final leaderboard" in out
    board = out.split("Final leaderboard")[1].strip().splitlines()
    assert len(board) == 4 and board[0].strip().startswith("1.")
    assert "network" in out and "computer" in out


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["play", "--url", "http://example"], "--url must look like ws://HOST:PORT"),
        (["play", "--url", "ws://127.0.0.1:9", "--code", "ab"], "--code must be the session's"),
        (["play", "--size", "big"], "--size must look like"),
        (["host", "--resume", "ZZZZZZ"], "--resume must be the session's"),
        (["host", "--scenario", "nowhere"], "nowhere"),
        (["host"], "--scenario"),
        (["demo", "--headless", "--rounds", "99"], "rounds must be between 1 and 20"),
        (["demo", "--scenario", "nowhere", "--headless"], "nowhere"),
    ],
)
def test_command_line_mistakes_are_one_clear_line(capsys, argv, words) -> None:
    assert main(argv) != 0
    err = capsys.readouterr().err.strip()
    assert err.startswith("clusterboard: error:")
    assert words in err
    assert len(err.splitlines()) == 1 and "Traceback" not in err


def test_play_against_no_server_shows_the_form_with_the_reason(tmp_path) -> None:
    import pygame

    from cli.screenwalk import pump
    from client.app import App
    from client.theme import init_pygame

    init_pygame()
    app = App(pygame.Surface((1280, 800)), mode="player", remember=False)
    try:
        app.connect(
            "ws://127.0.0.1:9", {"type": "join", "code": "ACDEFG", "team": "A", "name": "B"}
        )
        pump([app], lambda: app.model.failure is not None, 20)
        assert app.scene is app.scenes["join"]
        assert "cannot connect" in app.model.failure.text
    finally:
        app.close()
