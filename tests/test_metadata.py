"""Field metadata on the decisions model, and the one vocabulary of display names."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, Field

from game.decisions import Decisions, decision_fields, decisions_schema, field_spec
from game.metadata import field_specs, meta
from game.vocabulary import (
    KPIS,
    SEGMENTS,
    SERVICES,
    VOCABULARY,
    FeeModel,
    Section,
    in_sentence,
    kpi_label,
    label,
    vocabulary,
)


def _model_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Return every field path of a model, walking into nested models."""
    paths = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        paths.append(path)
        inner = info.annotation
        for candidate in getattr(inner, "__args__", (inner,)):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                paths += _model_paths(candidate, path + ".")
    return paths


def test_every_field_of_the_model_has_a_spec_with_a_label_and_a_section():
    specs = {spec.path: spec for spec in decision_fields()}
    assert set(specs) == set(_model_paths(Decisions))
    for spec in specs.values():
        assert spec.label.strip(), spec.path
        assert spec.section in Section


def test_numbers_carry_a_step_and_the_model_bounds():
    for spec in decision_fields():
        if spec.kind in ("number", "integer") or (spec.kind == "map" and spec.maximum):
            assert spec.step and spec.step > 0, spec.path
            assert spec.minimum is not None and spec.maximum is not None, spec.path
    hire = field_spec("staffing.hire_fte")
    assert (hire.minimum, hire.maximum, hire.step, hire.unit) == (0.0, 5.0, 0.1, "FTE")
    budget = field_spec("budget")
    assert budget.maximum == 2_000_000.0 and budget.options == [s.value for s in SERVICES]


def test_a_maps_keys_and_a_choices_options_have_display_names():
    for spec in decision_fields():
        if spec.keys is None:
            continue
        names = VOCABULARY[spec.keys]
        for option in spec.options:
            assert option in names, (spec.path, option)
    assert field_spec("fees.model").options == [m.value for m in FeeModel]


def test_the_json_schema_carries_the_metadata():
    schema = decisions_schema()
    assert schema["properties"]["budget"]["label"] == "Service budget"
    assert schema["properties"]["budget"]["section"] == "budget_staff"
    staffing = schema["$defs"]["Staffing"]["properties"]["let_go_fte"]
    assert (staffing["label"], staffing["unit"], staffing["maximum"]) == ("Let staff go", "FTE", 20)


def test_a_field_without_a_label_is_refused():
    class Bare(BaseModel):
        size: float = 0.0

    with pytest.raises(ValueError, match="size"):
        field_specs(Bare.model_json_schema())

    class WithMeta(BaseModel):
        size: float | None = Field(
            None, ge=0, le=3, json_schema_extra=meta("Size", Section.FUNDING, step=1, standing=True)
        )

    (spec,) = field_specs(WithMeta.model_json_schema())
    assert (spec.kind, spec.maximum, spec.standing) == ("number", 3, True)


def test_the_vocabulary_names_every_id():
    names = vocabulary()
    assert set(names["segments"]) == {s.value for s in SEGMENTS}
    assert set(names["services"]) == {s.value for s in SERVICES}
    assert set(names["kpis"]) == {k.value for k in KPIS}
    assert set(names["fee_models"]) == {m.value for m in FeeModel}
    assert set(names["sections"]) == {s.value for s in Section}
    assert label("services", "collaborative_rd") == "Collaborative R&D"
    assert label("services", "unknown_line") == "Unknown line"
    assert in_sentence("Member relations") == "member relations"
    assert in_sentence("SMEs") == "SMEs"
    assert kpi_label("capital_raised") == "Capital raised (M EUR)"
    assert kpi_label("jobs") == "Jobs created"


def test_the_copies_read_from_the_one_vocabulary():
    from client.icons import SEGMENT_NAMES
    from client.scenes.common import COST_NAMES, SERVICE_NAMES
    from debrief.names import service_name
    from game.news import PLURAL

    # the client reads them live from the server's labels, this version's until then
    assert dict(SEGMENT_NAMES) == {str(k): v for k, v in VOCABULARY["segments"].items()}
    assert dict(SERVICE_NAMES) == {str(k): v for k, v in VOCABULARY["services"].items()}
    assert dict(COST_NAMES) == {str(k): v for k, v in VOCABULARY["costs"].items()}
    assert PLURAL["startup"] == ("startup", "startups")
    assert service_name("member_relations") == "member relations"


def test_every_standing_number_is_carried_in_the_policy_and_shown_in_the_view():
    """A standing field of one number needs no rule of its own: the policy holds it by name."""
    from game.decisions import Decisions, standing_scalars
    from game.rules import apply_policy
    from game.scenario import load_scenario
    from game.setup import initial_state
    from game.view import team_view

    scenario = load_scenario("tutorial")
    state = initial_state(scenario, 1)
    for name in standing_scalars():
        policy, _ = apply_policy(state.policy, Decisions(**{name: 2.0}))
        assert policy.scalar(name) == 2.0, f"{name} is not carried on"
        again, _ = apply_policy(policy, Decisions())  # null: carried on as it was
        assert again.scalar(name) == 2.0
    view = team_view(state, scenario)
    assert set(view.policy) == set(standing_scalars())
