"""Field metadata: what a control for a decision field needs, written once on the field.

A decision field carries its display name, unit, step, the section of the
decisions screen it belongs to and the news topics its effects appear under as
pydantic ``json_schema_extra``, so the JSON Schema (``clusterboard schema``) and
``field_specs`` both show it. Bounds are the field's own ``ge``/``le``. The
clients build their controls from ``field_specs``; the protocol sends it
(``labels``), so nothing outside the model spells a field out again.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from game.vocabulary import Section, Topic

Kind = Literal["group", "number", "integer", "text", "choice", "list", "map", "flag"]


def meta(
    label: str,
    section: Section | None = None,
    *,
    unit: str = "",
    step: float | None = None,
    big_step: float | None = None,
    topics: tuple[Topic, ...] = (),
    keys: str | None = None,
    standing: bool = False,
) -> dict[str, Any]:
    """Return the ``json_schema_extra`` of a decision field.

    ``section`` may be left out on a field inside a group: it then belongs to the
    group's section. ``keys`` names the vocabulary (``game.vocabulary.VOCABULARY``)
    that labels a map's keys or a choice's options. ``standing`` marks a field whose
    null value carries last year's policy on.
    """
    extra: dict[str, Any] = {"label": label, "unit": unit}
    if section is not None:
        extra["section"] = section.value
    if step is not None:
        extra["step"] = step
    if big_step is not None:
        extra["big_step"] = big_step
    if topics:
        extra["topics"] = [topic.value for topic in topics]
    if keys is not None:
        extra["keys"] = keys
    if standing:
        extra["standing"] = True
    return extra


class FieldSpec(BaseModel):
    """One decision field as a client builds its control: path, names, bounds and step."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str = Field(description="Dotted path of the field in the decisions, e.g. fees.flat.")
    kind: Kind
    label: str
    section: Section
    unit: str = ""
    step: float | None = None
    big_step: float | None = Field(None, description="A coarse step, for a total.")
    minimum: float | None = Field(None, description="Lowest value (of each entry of a map).")
    maximum: float | None = Field(None, description="Highest value (of each entry of a map).")
    max_items: int | None = Field(None, description="Longest list or text.")
    options: list[str] = Field(
        default_factory=list, description="A choice's values, or a map's keys."
    )
    keys: str | None = Field(None, description="The vocabulary that names the options.")
    topics: list[Topic] = Field(
        default_factory=list, description="News topics the field's effects appear under."
    )
    standing: bool = Field(False, description="Null carries last year's value on.")
    description: str = ""


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """Return a property's schema with its reference and its null branch taken away."""
    nullable = False
    if "anyOf" in node:
        branches = [b for b in node["anyOf"] if b.get("type") != "null"]
        nullable = len(branches) < len(node["anyOf"])
        node = {**{k: v for k, v in node.items() if k != "anyOf"}, **branches[0]}
    if "$ref" in node:
        target = defs[node["$ref"].rsplit("/", 1)[-1]]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node, nullable


def _kind(node: dict[str, Any], defs: dict[str, Any]) -> tuple[Kind, dict[str, Any]]:
    if "properties" in node:
        return "group", {}
    if "enum" in node:
        return "choice", {"options": [str(v) for v in node["enum"]]}
    kind = node.get("type")
    if kind == "object":
        value, _ = _resolve(node.get("additionalProperties", {}), defs)
        names, _ = _resolve(node.get("propertyNames", {}), defs)
        return "map", {
            "minimum": value.get("minimum"),
            "maximum": value.get("maximum"),
            "options": [str(v) for v in names.get("enum", [])],
        }
    if kind == "array":
        return "list", {"max_items": node.get("maxItems")}
    if kind == "string":
        return "text", {"max_items": node.get("maxLength")}
    if kind == "boolean":
        return "flag", {}
    found: Kind = "integer" if kind == "integer" else "number"
    return found, {"minimum": node.get("minimum"), "maximum": node.get("maximum")}


def _walk(
    node: dict[str, Any], defs: dict[str, Any], path: str, section: str | None
) -> list[FieldSpec]:
    node, nullable = _resolve(node, defs)
    section = node.get("section", section)
    if "label" not in node or section is None:
        raise ValueError(f"decision field {path!r} has no label or section in its metadata")
    kind, shape = _kind(node, defs)
    spec = FieldSpec(
        path=path,
        kind=kind,
        label=node["label"],
        section=Section(section),
        unit=node.get("unit", ""),
        step=node.get("step"),
        big_step=node.get("big_step"),
        keys=node.get("keys"),
        topics=node.get("topics", []),
        standing=bool(node.get("standing", False)) and nullable,
        description=node.get("description", ""),
        **shape,
    )
    found = [spec]
    for name, child in node.get("properties", {}).items():
        found += _walk(child, defs, f"{path}.{name}", section)
    return found


def field_specs(schema: dict[str, Any]) -> list[FieldSpec]:
    """Return every field of a model's JSON Schema, groups before their members."""
    defs = schema.get("$defs", {})
    found: list[FieldSpec] = []
    for name, node in schema["properties"].items():
        found += _walk(node, defs, name, None)
    return found
