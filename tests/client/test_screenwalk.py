"""The whole client against a real server on loopback: join, decide, submit, results, next round.

Every screen is saved as a PNG (to a temporary folder here; the screenshot
script writes the same walk to docs/screenshots).
"""

from __future__ import annotations

import pygame

from cli.screenwalk import Walk

SCREENS = {
    "join",
    "briefing",
    "dashboard",
    "decisions",
    "decisions-funding",
    "decisions-strategy",
    "decisions-events",
    "results",
    "history",
    "canvas",
    "gameover",
    "console",
    "projector",
}


def test_the_client_plays_a_game_and_saves_every_screen(tmp_path) -> None:
    walk = Walk(tmp_path, tmp_path / "shots", rounds=2)
    saved = walk.run()
    assert set(saved) >= SCREENS
    for path in saved.values():
        image = pygame.image.load(str(path))
        assert image.get_size() == (1280, 800)
    model = walk.player.model
    assert model.phase == "finished"
    assert sorted(model.reports) == [1, 2]
    first = model.reports[1]
    assert first.round == 1
    assert model.public.leaderboard and {row.team for row in model.public.leaderboard} >= {
        "Northwind"
    }
    teams = {team.team: team for team in walk.host.model.facilitator.teams}
    assert set(teams) == {"Northwind", "Computer 1", "Computer 2"}
    assert walk.host.model.facilitator.timer.phase == "finished"


def test_the_decisions_reach_the_server(tmp_path) -> None:
    walk = Walk(tmp_path, None, rounds=1)
    try:
        walk.join()
        walk.set_up()
        walk.open_round(1)
        walk.decide_first_year()
        draft = walk.player.model.team.draft
        assert draft.staffing.hire_fte == 0.1
        assert draft.strategy is not None
        assert draft.strategy.ambition == "Make Fjordcoast the home of green shipping"
        assert len(draft.strategy.focus_areas) == 2
        assert draft.recruitment is not None and draft.recruitment["startup"] > 0.5
        assert len(draft.funding.apply) == 1
        assert draft.budget is not None and draft.budget["member_relations"] > 15_000
    finally:
        walk.close()
