"""The decisions screen builds its controls from the decisions model's field metadata."""

from __future__ import annotations

import pygame
import pytest

from cli.screenwalk import click
from client.app import App
from client.net import NetEvent
from client.scenes import decisions_view as look
from client.scenes.decisions import DecisionsScene, step_value
from client.theme import init_pygame
from game.decisions import decision_fields, field_spec
from game.metadata import FieldSpec
from game.vocabulary import Section
from protocol.replies import ErrorDetail
from tests.client.test_scenes import SIZE, team_state


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


def scene_of(app: App) -> DecisionsScene:
    scene = app.scenes["decisions"]
    assert isinstance(scene, DecisionsScene)
    return scene


@pytest.mark.parametrize(
    "path", [s.path for s in decision_fields() if s.kind in ("number", "integer")]
)
def test_stepping_keeps_to_the_fields_bounds_and_kind(path: str):
    spec = field_spec(path)
    assert spec.step and spec.minimum is not None and spec.maximum is not None
    near_top = spec.maximum - 2 * spec.step
    assert step_value(spec, near_top, 1) == pytest.approx(spec.maximum - spec.step)
    assert step_value(spec, near_top, 3) == spec.maximum
    assert step_value(spec, spec.minimum + spec.step, -5) == spec.minimum
    assert isinstance(step_value(spec, 0, 1), int) == (spec.kind == "integer")


def test_a_staff_stepper_stops_at_the_models_limit(app: App):
    scene = scene_of(app)
    for _ in range(80):
        click(app, "staff:hire_fte", right_half=True)
    assert scene.values()["staffing"]["hire_fte"] == field_spec("staffing.hire_fte").maximum
    assert "staffing.hire_fte" not in dict(app.model.problems())


def test_the_problems_the_server_sends_with_the_draft_are_shown(app: App):
    refused = ErrorDetail(field="staffing.let_go_fte", problem="at least 0.5 FTE must stay")
    state = team_state().model_copy(update={"problems": [refused]})
    app.model.apply(NetEvent("message", message=state))
    assert ("staffing.let_go_fte", "at least 0.5 FTE must stay") in app.model.problems()
    submit = next(c for c in scene_of(app).controls(app.content_rect()) if c.id == "submit")
    assert not submit.enabled


def test_a_one_number_field_with_no_control_of_its_own_gets_a_stepper(app, monkeypatch):
    """Any top-level field of one number appears in its section, with its label and bounds."""
    made_up = FieldSpec(
        path="reserve_test",
        kind="number",
        label="Test reserve",
        section=Section.FEES_REVENUE,
        unit="months",
        step=0.5,
        minimum=0.0,
        maximum=2.0,
        standing=True,
    )
    real = look.generic_fields
    monkeypatch.setattr(
        look, "generic_fields", lambda s: real(s) + ([made_up] if s == made_up.section else [])
    )
    scene = scene_of(app)
    ids = {c.id for c in scene.controls(app.content_rect())}
    assert "field:reserve_test" not in ids
    click(app, "section:1")
    for _ in range(7):
        click(app, "field:reserve_test", right_half=True)
    assert scene.values()["reserve_test"] == 2.0
    stepper = next(c for c in scene.controls(app.content_rect()) if c.id == "field:reserve_test")
    scene.adjust(stepper, -1)
    assert scene.values()["reserve_test"] == 1.5
    app.frame()  # the card draws with the label and the unit


def test_the_cash_reserve_has_a_stepper_from_its_metadata(app: App):
    scene = scene_of(app)
    spec = field_spec("reserve_months")
    assert scene.values()["reserve_months"] == 0.0
    for _ in range(3):
        click(app, "field:reserve_months", right_half=True)
    assert scene.values()["reserve_months"] == 3 * spec.step
    assert app.model.unsent() == {"reserve_months": 3 * spec.step}
    assert app.model.draft() is not None
    app.frame()
