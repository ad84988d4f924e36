"""Which screens each kind of window shows, in the order of their number keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

from client.scenes.base import Scene

if TYPE_CHECKING:
    from client.app import App

PLAYER_SCREENS = ("briefing", "dashboard", "decisions", "results", "history", "canvas", "gameover")
HOST_SCREENS = ("console", "projector")


def scenes_for(app: App) -> tuple[dict[str, Scene], list[str]]:
    """Return the scenes of the app's mode and their tab order."""
    if app.mode == "host":
        from client.console import ConsoleScene
        from client.projector import ProjectorScene

        return {"console": ConsoleScene(app), "projector": ProjectorScene(app)}, list(HOST_SCREENS)
    from client.scenes.briefing import BriefingScene
    from client.scenes.canvas import CanvasScene
    from client.scenes.dashboard import DashboardScene
    from client.scenes.decisions import DecisionsScene
    from client.scenes.gameover import GameOverScene
    from client.scenes.history import HistoryScene
    from client.scenes.join import JoinScene
    from client.scenes.results import ResultsScene

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
