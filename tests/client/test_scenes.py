"""Scene unit tests on a store filled from the real starting view, without a server."""

from __future__ import annotations

import pygame
import pytest

from cli.screenwalk import click, key
from client.app import App
from client.net import NetEvent
from client.scenes.decisions import DecisionsScene
from client.theme import init_pygame
from game.decisions import Decisions
from game.scenario import load_scenario
from game.setup import initial_state
from game.view import team_view
from protocol.replies import Briefing, PlayerInfo, TeamState, Timer

SIZE = (1280, 800)


def team_state(phase: str = "decisions") -> TeamState:
    scenario = load_scenario("grow")
    view = team_view(initial_state(scenario, 3), scenario)
    return TeamState(
        timer=Timer(phase=phase, round=1, rounds=10, practice=False, remaining=300.0),
        team="North",
        players=[PlayerInfo(id="p1", name="Ana", connected=True)],
        removed=False,
        view=view,
        draft=Decisions(),
        draft_version=0,
        problems=[],
        submission=None,
    )


@pytest.fixture
def app() -> App:
    init_pygame()
    app = App(pygame.Surface(SIZE), mode="player", remember=False)
    app.model.apply(NetEvent("welcome", message={"role": "player", "team": "North"}))
    app.model.apply(NetEvent("status", status="connected"))
    app.model.apply(NetEvent("message", message=team_state()))
    app.show("decisions")
    app.frame()
    return app


def decisions(app: App) -> DecisionsScene:
    scene = app.scenes["decisions"]
    assert isinstance(scene, DecisionsScene)
    return scene


def test_the_service_budget_is_its_lines_and_the_remainder_last_years_rest(app: App) -> None:
    scene = decisions(app)
    last_year = scene.last_year()
    assert last_year == sum(app.model.team.view.budget.values()) > 0
    for fraction in (1.0, 0.0, 0.7):
        for line in ("matchmaking_events", "member_relations", "collaborative_rd"):
            control = next(c for c in scene.controls(app.content_rect()) if c.id == f"line:{line}")
            scene.slide(control, fraction)
            budget = scene.values()["budget"]
            assert scene.total() == sum(budget.values())
            assert scene.remainder() == pytest.approx(last_year - scene.total())
    before = dict(scene.values()["budget"])
    click(app, "total", right_half=True)
    after = scene.values()["budget"]
    assert scene.total() == pytest.approx(sum(before.values()) + 5_000, abs=5_000)
    assert all(after[k] >= before[k] for k in before)  # every line grows in proportion
    for _ in range(4):
        click(app, "line:startup_programs", right_half=True)
    assert scene.total() == sum(scene.values()["budget"].values())


def test_keyboard_moves_focus_and_steps_a_slider(app: App) -> None:
    scene = decisions(app)
    scene.focus = "line:member_relations"
    before = scene.values()["budget"]["member_relations"]
    key(app, pygame.K_LEFT)
    assert scene.values()["budget"]["member_relations"] < before
    key(app, pygame.K_TAB)
    assert scene.focus != "line:member_relations"
    key(app, pygame.K_4)
    assert app.current == "results"


def test_ineligible_funding_cards_cannot_be_chosen_and_say_why(app: App) -> None:
    scene = decisions(app)
    click(app, "section:2")
    options = app.model.team.view.funding
    closed = next(o for o in options if not o.eligible)
    control = next(c for c in scene.controls(app.content_rect()) if c.id == f"fund:{closed.id}")
    assert not control.enabled and closed.reason in control.reason
    click(app, f"fund:{closed.id}")
    assert closed.id not in scene.values()["apply"]
    assert closed.reason in app.model.notice[0]
    scene.focus = control.id
    key(app, pygame.K_RETURN)
    assert closed.id not in scene.values()["apply"]
    open_card = next(o for o in options if o.eligible)
    click(app, f"fund:{open_card.id}")
    assert open_card.id in scene.values()["apply"]


def test_a_forced_ineligible_application_is_flagged_and_submit_is_disabled(app: App) -> None:
    closed = next(o for o in app.model.team.view.funding if not o.eligible)
    app.model.edit("funding", {"apply": [closed.id], "revenue_lines": None})
    problems = dict(app.model.problems())
    assert closed.reason in problems["funding.apply.0"]
    submit = next(c for c in decisions(app).controls(app.content_rect()) if c.id == "submit")
    assert not submit.enabled


def test_server_refusals_are_shown_field_by_field(app: App) -> None:
    app.model.sent(7, ["staffing"])
    refusal = NetEvent(
        "failed",
        tag=7,
        code="illegal_decision",
        text="the rules refuse these decisions",
        details=[("staffing.hire_fte", "staff may not exceed 8 FTE")],
    )
    app.model.apply(refusal)
    assert ("staffing.hire_fte", "staff may not exceed 8 FTE") in app.model.problems()


@pytest.mark.parametrize(
    "screen",
    ["briefing", "dashboard", "decisions", "results", "history", "canvas", "gameover", "join"],
)
def test_drawing_does_not_change_the_model(app: App, screen: str) -> None:
    if screen == "join":
        app.model.welcome = {}
    else:
        app.show(screen)
    app.frame()
    before = app.model.fingerprint()
    scene_state = dict(vars(app.scene))
    for _ in range(3):
        app.draw()
    assert app.model.fingerprint() == before
    assert dict(vars(app.scene)) == scene_state


def test_bad_server_input_becomes_a_notice_not_a_crash(app: App) -> None:
    app.model.apply(NetEvent("bad_message", text="field required"))
    app.frame()
    assert "cannot read" in app.model.notice[0]


def test_the_window_layout_scales_with_the_window(app: App) -> None:
    for size in ((800, 600), (1920, 1080)):
        app.resize(size)
        for screen in app.order:
            app.show(screen)
            app.frame()
        assert app.theme.px(100) == round(100 * min(size[0] / 1280, size[1] / 800))


def test_the_briefing_comes_from_the_server_not_from_local_files(app: App, monkeypatch) -> None:
    import client.scenes.briefing as briefing_scene

    def no_files(name: str):
        raise AssertionError("the briefing must not read the scenario files")

    monkeypatch.setattr(briefing_scene, "load_scenario", no_files)
    sent = Briefing(
        scenario="grow",
        name="A Coast Far Away",
        category="grow",
        rounds=10,
        summary="Sent by the server.",
        briefing="First paragraph.\n\nSecond paragraph.",
        lesson="A lesson.",
    )
    app.model.apply(NetEvent("message", message=sent))
    app.show("briefing")
    app.frame()
    scene = app.scenes["briefing"]
    assert scene.story == (
        "A Coast Far Away",
        "Sent by the server.",
        "First paragraph.\n\nSecond paragraph.",
        "A lesson.",
    )


def test_names_and_fields_are_the_servers_once_it_sends_labels(app: App) -> None:
    from client.labels import BOOK, field_spec
    from client.scenes.common import SERVICE_NAMES
    from protocol.replies import labels_reply

    sent = labels_reply()
    vocabulary = dict(sent.vocabulary)
    vocabulary["services"] = {k: f"Server's {v}" for k, v in vocabulary["services"].items()}
    fields = [
        spec.model_copy(update={"label": "Take on staff"})
        if spec.path == "staffing.hire_fte"
        else spec
        for spec in sent.fields
    ]
    changed = sent.model_copy(update={"vocabulary": vocabulary, "fields": fields})
    try:
        app.model.apply(NetEvent("message", message=changed))
        assert BOOK.from_server
        assert SERVICE_NAMES["member_relations"].startswith("Server's ")
        assert field_spec("staffing.hire_fte").label == "Take on staff"
        app.show("decisions")
        app.frame()  # the decisions screen draws with the server's names
    finally:
        BOOK.reset()
    assert not SERVICE_NAMES["member_relations"].startswith("Server's ")


def test_the_forecast_panel_says_a_forecast_is_coming_never_a_stale_one(
    app: App, monkeypatch
) -> None:
    from client.scenes import decisions_view
    from game.forecast import forecast
    from protocol.replies import DraftChanged, ForecastReady

    drawn: list[str] = []
    real = decisions_view.text

    def recording(surface, theme, words, *args, **kwargs):
        drawn.append(words)
        return real(surface, theme, words, *args, **kwargs)

    monkeypatch.setattr(decisions_view, "text", recording)

    def shown() -> list[str]:
        drawn.clear()
        app.frame()
        return list(drawn)

    def cash_lines(lines: list[str]) -> list[str]:
        return [line for line in lines if line.startswith("Cash at the end of year")]

    opening = team_state().model_copy(update={"forecast_pending": True})
    app.model.apply(NetEvent("message", message=opening))  # a round opens: it follows
    lines = shown()
    assert decisions_view.FORECAST_COMING in lines and cash_lines(lines) == []
    scenario = load_scenario("grow")
    state = initial_state(scenario, 3)
    first = forecast(state, Decisions(), scenario)
    assert first is not None
    app.model.apply(NetEvent("message", message=ForecastReady(round=1, version=0, forecast=first)))
    lines = shown()
    assert decisions_view.FORECAST_COMING not in lines and len(cash_lines(lines)) == 1
    edited = DraftChanged(
        round=1, draft=Decisions(), version=1, edited_by="p1", problems=[], forecast_pending=True
    )
    app.model.apply(NetEvent("message", message=edited))  # the old forecast is stale now
    lines = shown()
    assert decisions_view.FORECAST_COMING in lines and cash_lines(lines) == []
    stale = ForecastReady(round=1, version=0, forecast=first)
    app.model.apply(NetEvent("message", message=stale))  # an old version's: not shown
    assert decisions_view.FORECAST_COMING in shown()
    fresh = ForecastReady(round=1, version=1, forecast=first)
    app.model.apply(NetEvent("message", message=fresh))
    lines = shown()
    assert decisions_view.FORECAST_COMING not in lines and len(cash_lines(lines)) == 1
