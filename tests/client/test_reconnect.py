"""A dropped link never freezes the window: "reconnecting", the draft kept and sent later."""

from __future__ import annotations

import pygame

from cli.embedded import EmbeddedServer
from cli.screenwalk import pump
from client import theme as t
from client.app import App
from client.theme import init_pygame

SIZE = (1280, 800)


def test_the_draft_survives_a_server_restart_and_is_sent_when_back(tmp_path) -> None:
    init_pygame()
    db = str(tmp_path / "game.db")
    server = EmbeddedServer(db).start()
    port = server.port
    host = App(pygame.Surface(SIZE), mode="host", remember=False)
    player = App(pygame.Surface(SIZE), mode="player", remember=False)
    apps = [host, player]
    try:
        host.connect(server.url, {"type": "create_session", "scenario": "grow", "seed": 2})
        pump(apps, lambda: host.model.facilitator is not None)
        code = host.model.facilitator.code
        player.connect(server.url, {"type": "join", "code": code, "team": "North", "name": "Ana"})
        pump(apps, lambda: player.model.team is not None)
        host.request("start")
        pump(apps, lambda: host.model.phase == "briefing")
        host.request("open_round")
        pump(apps, lambda: player.model.phase == "decisions")

        server.stop()
        pump([player], lambda: player.model.status == "reconnecting", 10)
        scene = player.scenes["decisions"]
        player.show("decisions")
        hire = next(c for c in scene.controls(player.content_rect()) if c.id == "staff:hire_fte")
        for _ in range(3):
            scene.adjust(hire, 1)
        started = pygame.time.get_ticks()
        player.frame()
        assert pygame.time.get_ticks() - started < 1000  # the loop never waits on the network
        assert player.surface.get_at((5, SIZE[1] - 5))[:3] == t.VERMILLION  # the banner
        assert player.model.overlay["staffing"]["hire_fte"] == 0.3
        assert scene.values()["staffing"]["hire_fte"] == 0.3

        server = EmbeddedServer(db, port=port).start()
        pump(apps, lambda: player.model.status == "connected", 20)
        pump(apps, lambda: not player.model.overlay and not player.model.dirty, 20)
        assert player.model.team.draft.staffing.hire_fte == 0.3
        player.submit()
        pump(
            apps, lambda: player.model.phase in ("results", "resolving") or player.model.submitted()
        )
    finally:
        for app in apps:
            app.close()
        server.stop()


def test_a_cut_link_comes_back_by_itself(tmp_path) -> None:
    init_pygame()
    with EmbeddedServer(str(tmp_path / "game.db")) as server:
        host = App(pygame.Surface(SIZE), mode="host", remember=False)
        try:
            host.connect(server.url, {"type": "create_session", "scenario": "grow", "seed": 2})
            pump([host], lambda: host.model.facilitator is not None)
            seen: set[str] = set()
            host.net.drop()

            def back() -> bool:
                seen.add(host.model.status)
                return "reconnecting" in seen and host.model.status == "connected"

            pump([host], back, 20)
        finally:
            host.close()
