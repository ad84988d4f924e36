"""One meaning per word over a whole game, on every teammate's screen.

Two teammates edit one shared draft each year: their decisions screens show the
same service budget and remainder. After each year the game score is the same
number on the dashboard of every player, in the leaderboard, in the console and
in the newspaper; the newspaper's total costs are the report's total costs (not
the service budget). A team that spends itself into a wind-up is shown as wound
up and nothing else, and the rounds stop waiting for it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pygame
import pytest

from cli.screenwalk import click
from client.app import App
from client.scenes.common import game_score, wound_up
from client.scenes.decisions_view import budget_note
from client.settings import Settings
from client.theme import init_pygame
from protocol.client import Client
from tests.server.loopback import run, serving

SIZE = (1366, 768)
WAIT = 60.0
YEARS = 4


async def _until(apps: list[App], condition: Callable[[], object], timeout: float = WAIT) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        for app in apps:
            app.frame()
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"timed out waiting for {getattr(condition, '__name__', 'a condition')}")


def _player(url: str, code: str, team: str, name: str) -> App:
    app = App(pygame.Surface(SIZE), mode="player", settings=Settings(url=url), remember=False)
    app.connect(url, {"type": "join", "code": code, "team": team, "name": name})
    return app


def _settled(apps: list[App]) -> bool:
    models = [app.model for app in apps]
    if any(m.team is None or m.overlay or m.dirty for m in models):
        return False
    versions = {m.team.draft_version for m in models}
    drafts = {m.team.draft.model_dump_json() for m in models}
    return len(versions) == 1 and len(drafts) == 1


def _spend_everything(app: App) -> dict:
    lines = {line: 200_000.0 for line in app.model.team.view.budget}
    return {"staffing": {"hire_fte": 5.0}, "budget": lines, "reserve_months": 0}


def test_score_budget_and_remainder_agree_everywhere_and_a_wind_up_is_all_it_shows(
    tmp_path,
) -> None:
    async def scenario() -> None:
        init_pygame()
        async with serving(tmp_path / "class.db") as (_server, url):
            facilitator = Client(url)
            welcome = await facilitator.create_session(scenario="grow", rounds=YEARS, seed=5)
            code = welcome["code"]
            ana, ben = _player(url, code, "North", "Ana"), _player(url, code, "North", "Ben")
            spender = _player(url, code, "Spender", "Sam")
            apps = [ana, ben, spender]
            await _until(apps, lambda: all(a.model.team is not None for a in apps))
            await facilitator.send("add_bot", team="Harbour", strategy="project_chaser")
            await facilitator.send("start")
            wound_in = None
            for year in range(1, YEARS + 1):
                await facilitator.send("open_round")
                await _until(
                    apps,
                    lambda y=year: all(
                        a.model.phase == "decisions" and a.model.team.view.round == y for a in apps
                    ),
                )
                if wound_up(spender.model):
                    # nothing to decide, nothing to click, and nobody waits for it
                    assert spender.scenes["decisions"].controls(spender.content_rect()) == []
                    assert "Spender" not in facilitator.timer["waiting"]
                else:
                    data = _spend_everything(spender)
                    spender.request("submit", round=year, decisions=data)
                for app in (ana, ben):
                    app.show("decisions")
                click(ana, "total", right_half=True)
                click(ben, "line:member_relations", right_half=True)
                await _until(apps, lambda: _settled([ana, ben]))
                screens = [app.scenes["decisions"] for app in (ana, ben)]
                totals = {scene.total() for scene in screens}
                rests = {scene.remainder() for scene in screens}
                notes = {budget_note(scene.last_year(), scene.remainder()) for scene in screens}
                assert len(totals) == len(rests) == len(notes) == 1, (totals, rests)
                draft = ana.model.team.draft.budget
                assert totals.pop() == pytest.approx(sum(draft.values()))
                ana.submit()
                await _until(
                    apps,
                    lambda y=year: all(
                        a.model.public is not None
                        and a.model.public.newspaper is not None
                        and a.model.public.newspaper.round == y
                        and a.model.phase in ("results", "finished")
                        for a in apps
                    ),
                )
                await facilitator.wait_for(
                    lambda c, y=year: (c.public_state.get("newspaper") or {}).get("round") == y,
                    WAIT,
                )
                await facilitator.send("get_view")
                board = {
                    row["team"]: row["score"] for row in facilitator.public_state["leaderboard"]
                }
                console = {t["team"]: t for t in facilitator.facilitator_state["teams"]}
                paper = {row["team"]: row for row in facilitator.public_state["newspaper"]["rows"]}
                for team, score in board.items():
                    assert console[team]["score"] == pytest.approx(score)
                    assert paper[team]["score"] == pytest.approx(score)
                    for app in apps:
                        assert game_score(app.model, team) == pytest.approx(score)
                for app in (ana, spender):
                    report = app.model.team.view.last_report
                    row = paper[app.model.team.team]
                    assert row["budget"] == pytest.approx(report.costs_total)  # total costs
                if wound_up(spender.model):
                    wound_in = wound_in or year
                    assert console["Spender"]["wound_up"]
                    assert paper["Spender"]["stage"] == "wound up"
                    for screen in ("dashboard", "decisions", "briefing", "canvas", "results"):
                        spender.show(screen)
                        spender.frame()  # draws the wound-up notice in place of figures
                    assert spender.scenes["decisions"].controls(spender.content_rect()) == []
                else:
                    assert not console["Spender"]["wound_up"]
            assert wound_in is not None and wound_in < YEARS  # seen wound up in a later year
            await _until(apps, lambda: all(a.model.phase == "finished" for a in apps))
            for app in apps:
                app.close()
            await facilitator.close()

    run(scenario(), timeout=240)
