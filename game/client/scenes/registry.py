"""Which screens each kind of window shows, in the order of their number keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

from game.client.scenes.base import Scene

if TYPE_CHECKING:
    from game.client.app import App

PLAYER_SCREENS = ("briefing", "dashboard", "decisions", "results", "history", "canvas", "gameover")
HOST_SCREENS = ("console", "projector")


def scenes_for(app: App) -> tuple[dict[str, Scene], list[str]]:
    """Return the scenes of the app's mode and their tab order."""
    if app.mode == "host":
        from game.client.console import ConsoleScene
        from game.client.projector import ProjectorScene

        return {"console": ConsoleScene(app), "projector": ProjectorScene(app)}, list(HOST_SCREENS)
    from game.client.scenes.briefing import BriefingScene
    from game.client.scenes.canvas import CanvasScene
    from game.client.scenes.dashboard import DashboardScene
    from game.client.scenes.decisions import DecisionsScene
    from game.client.scenes.gameover import GameOverScene
    from game.client.scenes.history import HistoryScene
    from game.client.scenes.join import JoinScene
    from game.client.scenes.results import ResultsScene

    scenes: dict[str, Scene] = {
        "briefing": BriefingScene(app),
        "dashboard": DashboardScene(app),
        "decisions": DecisionsScene(app),
        "results": ResultsScene(app),
        "history": HistoryScene(app),
        "canvas": CanvasScene(app),
        "gameover": GameOverScene(app),
        "join": JoinScene(app),
    }
    return scenes, list(PLAYER_SCREENS)
