"""How the decisions screen is laid out and drawn; it reads the scene and the model only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pygame

from client import charts, chrome
from client import theme as t
from client.icons import SEGMENT_NAMES
from client.labels import decision_fields, display_name, field_spec
from client.scenes.common import FAMILY_NAMES, KPI_NAMES, SEGMENTS, SERVICE_NAMES, segment_row
from client.theme import Theme
from client.widgets import (
    Control,
    Rect,
    button,
    card,
    chip,
    paragraph,
    pill,
    slider,
    split_columns,
    split_rows,
    stepper,
    text,
    text_box,
)
from game.metadata import FieldSpec
from game.vocabulary import Section

if TYPE_CHECKING:
    from client.scenes.decisions import DecisionsScene


def titled(spec: FieldSpec) -> str:
    """Return a field's label with its unit (unless the label says it), as a caption."""
    if not spec.unit or spec.unit.lower() in spec.label.lower():
        return spec.label
    return f"{spec.label} ({spec.unit})"


def shown(spec: FieldSpec, value: float) -> str:
    """Return a number as its stepper shows it (the caption carries the unit)."""
    if spec.unit == "EUR" or spec.unit.startswith("EUR "):
        return charts.money(value)
    return f"{value:g}"


STAFF_NAMES = {
    spec.path.removeprefix("staffing."): titled(spec)
    for spec in decision_fields()
    if spec.path.startswith("staffing.")
}

# ------------------------------------------------------------ layout (pure)


def _inner(theme: Theme, rect: Rect, titled: bool = True) -> Rect:
    pad = theme.px(16)
    top = pad + (theme.px(26) if titled else 0)
    return Rect(rect.x + pad, rect.y + top, rect.width - 2 * pad, rect.height - top - pad)


def budget_rows(theme: Theme, rect: Rect) -> list[tuple[Rect, Rect]]:
    """Return (label, control) rectangles: the total first, then one per service line."""
    inner = _inner(theme, rect)
    rows = split_rows(
        Rect(inner.x, inner.y, inner.width, inner.height - theme.px(34)), [1] * 10, theme.px(4)
    )
    out = []
    for i, row in enumerate(rows):
        label = Rect(row.x, row.y, round(row.width * 0.36), row.height)
        width = round(row.width * 0.44) if i else theme.px(190)
        control = Rect(label.right, row.centery - theme.px(17), width, theme.px(34))
        out.append((label, control))
    return out


def staff_rows(theme: Theme, rect: Rect) -> list[Rect]:
    inner = _inner(theme, rect)
    rows = split_rows(Rect(inner.x, inner.y, inner.width, theme.px(240)), [1] * 4, theme.px(8))
    return [
        Rect(r.right - theme.px(150), r.centery - theme.px(17), theme.px(150), theme.px(34))
        for r in rows
    ]


def fee_layout(theme: Theme, rect: Rect) -> tuple[list[Rect], list[Rect]]:
    inner = _inner(theme, rect)
    chips = split_columns(Rect(inner.x, inner.y, inner.width, theme.px(34)), [1] * 4, theme.px(6))
    rows = split_rows(
        Rect(inner.x, inner.y + theme.px(60), inner.width, theme.px(180)), [1] * 3, theme.px(8)
    )
    return chips, [
        Rect(r.right - theme.px(160), r.centery - theme.px(17), theme.px(160), theme.px(34))
        for r in rows
    ]


def generic_fields(section: Section) -> list[FieldSpec]:
    """Return the section's top-level fields of one number: no control of their own here."""
    return [
        spec
        for spec in decision_fields()
        if "." not in spec.path and spec.kind in ("number", "integer") and spec.section == section
    ]


def generic_layout(theme: Theme, body: Rect, count: int) -> tuple[Rect, list[Rect]]:
    """Return the body left for the section's own controls, and the steppers of the fields
    that have no control of their own (two a row, in a card at the bottom)."""
    if count == 0:
        return body, []
    lines = (count + 1) // 2
    height = theme.px(16 + 26 + 16) + lines * theme.px(42)
    gap = theme.px(12)
    strip = Rect(body.x, body.bottom - height, body.width, height)
    rest = Rect(body.x, body.y, body.width, body.height - height - gap)
    inner = _inner(theme, strip)
    cells = []
    for i in range(count):
        row, col = divmod(i, 2)
        width = (inner.width - theme.px(16)) // 2
        x = inner.x + col * (width + theme.px(16))
        y = inner.y + row * theme.px(42)
        cells.append(Rect(x + width - theme.px(160), y, theme.px(160), theme.px(34)))
    return rest, cells


def fee_levels(model: str) -> list[str]:
    return {"tiered": ["small", "medium", "large"], "none": []}.get(model, ["flat"])


def grid(theme: Theme, rect: Rect, count: int, per_row: int) -> list[Rect]:
    """Return ``count`` card rectangles in rows of ``per_row``."""
    if count == 0:
        return []
    rows = (count + per_row - 1) // per_row
    inner = Rect(rect.x, rect.y, rect.width, rect.height)
    row_rects = split_rows(inner, [1] * max(rows, 2 if per_row > 1 else 1), theme.px(10))
    cells = []
    for row in row_rects[:rows]:
        cells += split_columns(row, [1] * per_row, theme.px(10))
    return cells[:count]


def recruit_rows(theme: Theme, rect: Rect) -> list[Rect]:
    inner = _inner(theme, rect)
    rows = split_rows(
        Rect(inner.x, inner.y, inner.width, min(inner.height, theme.px(330))), [1] * 6, theme.px(6)
    )
    return [
        Rect(
            r.x + round(r.width * 0.56),
            r.centery - theme.px(12),
            round(r.width * 0.30),
            theme.px(24),
        )
        for r in rows
    ]


def strategy_layout(theme: Theme, rect: Rect, areas: int) -> tuple[Rect, list[Rect], list[Rect]]:
    inner = _inner(theme, rect)
    ambition = Rect(inner.x, inner.y + theme.px(20), inner.width, theme.px(38))
    top = ambition.bottom + theme.px(32)
    per_row = 2
    rows = (areas + 1) // per_row
    chips = []
    for i in range(areas):
        row, col = divmod(i, per_row)
        width = (inner.width - theme.px(8)) // per_row
        chips.append(
            Rect(
                inner.x + col * (width + theme.px(8)), top + row * theme.px(38), width, theme.px(32)
            )
        )
    target_top = top + rows * theme.px(38) + theme.px(30)
    rows_rect = Rect(inner.x, target_top, inner.width, inner.bottom - target_top)
    targets = []
    for i in range(len(KPI_NAMES)):
        row, col = divmod(i, 2)
        width = (inner.width - theme.px(12)) // 2
        x = inner.x + col * (width + theme.px(12))
        y = rows_rect.y + row * theme.px(40)
        targets.append(Rect(x + width - theme.px(120), y, theme.px(120), theme.px(32)))
    return ambition, chips, targets


def event_layout(theme: Theme, body: Rect, events: list[Any]) -> list[tuple[Rect, list[Rect]]]:
    if not events:
        return []
    out = []
    for event, cell in zip(
        events, split_rows(body, [1] * max(len(events), 2), theme.px(12)), strict=False
    ):
        inner = _inner(theme, cell)
        chips_row = Rect(inner.x, inner.bottom - theme.px(40), inner.width, theme.px(40))
        out.append((cell, split_columns(chips_row, [1] * len(event.choices), theme.px(10))))
    return out


# ------------------------------------------------------------ drawing


def draw(scene: DecisionsScene, surface: pygame.Surface, rect: Rect) -> None:
    controls = {c.id: c for c in scene.controls(rect)}
    _tabs, body, side = scene.regions(rect)
    for i, name in enumerate(display_name("sections", section) for section in Section):
        c = controls[f"section:{i}"]
        chip(surface, scene.theme, c, name, i == scene.section, scene.focus == c.id, size=14)
    values = scene.values()
    extra = generic_fields(tuple(Section)[scene.section])
    full = body
    body, _ = generic_layout(scene.theme, full, len(extra))
    section = (_budget, _fees, _funding, _members, _events)[scene.section]
    section(scene, surface, body, controls, values)
    if extra:
        top = body.bottom + scene.theme.px(12)
        strip = Rect(full.x, top, full.width, full.bottom - top)
        _generic(scene, surface, strip, controls, values, extra)
    _submit_panel(scene, surface, side, controls["submit"])


def _generic(
    scene: DecisionsScene,
    surface: pygame.Surface,
    body: Rect,
    controls: dict[str, Control],
    values: dict[str, Any],
    fields: list[FieldSpec],
) -> None:
    """Draw the steppers of the fields that have no control of their own."""
    theme = scene.theme
    inner = card(surface, theme, body, "Other decisions")
    for spec in fields:
        c = controls[f"field:{spec.path}"]
        half = (inner.width - theme.px(16)) // 2
        caption = theme.fit(titled(spec), half - c.rect.width - theme.px(8), 13)
        text(
            surface,
            theme,
            caption,
            (c.rect.right - half, c.rect.centery),
            13,
            t.TEXT,
            anchor="midleft",
        )
        stepper(surface, theme, c, shown(spec, values[spec.path]), scene.focus == c.id)
        problem = _field_problem(scene, spec.path)
        if problem:
            text(
                surface,
                theme,
                theme.fit(problem, half, 11),
                (c.rect.right - half, c.rect.bottom + theme.px(1)),
                11,
                t.VERMILLION,
            )


def _field_problem(scene: DecisionsScene, prefix: str) -> str:
    return next((p for f, p in scene.model.problems() if f.startswith(prefix)), "")


def _budget(
    scene: DecisionsScene,
    surface: pygame.Surface,
    body: Rect,
    controls: dict[str, Control],
    values: dict[str, Any],
) -> None:
    theme = scene.theme
    left, right = split_columns(body, [1.6, 1.0], theme.px(16))
    card(surface, theme, left, field_spec("budget").label)
    total = scene.total(values)
    track = scene.scale(values)
    rows = budget_rows(theme, left)
    text(surface, theme, "Service budget", rows[0][0].midleft, 15, t.TEXT, True, "midleft")
    stepper(surface, theme, controls["total"], charts.money(total), scene.focus == "total")
    for line, (label, _) in zip(SERVICE_NAMES, rows[1:], strict=True):
        c = controls[f"line:{line}"]
        value = values["budget"].get(line, 0.0)
        text(surface, theme, SERVICE_NAMES[line], label.midleft, 14, t.TEXT, anchor="midleft")
        slider(surface, theme, c, value / track, scene.focus == c.id)
        text(
            surface,
            theme,
            charts.money(value),
            (left.right - theme.px(16), c.rect.centery),
            14,
            t.TEXT,
            True,
            "midright",
        )
    note = Rect(
        left.x + theme.px(16), left.bottom - theme.px(44), left.width - theme.px(32), theme.px(30)
    )
    left_words, right_words = budget_note(scene.last_year(), scene.remainder(values))
    text(surface, theme, left_words, note.midleft, 14, t.MUTED, anchor="midleft")
    color = t.GREEN if scene.remainder(values) >= 0 else t.ORANGE
    text(surface, theme, right_words, note.midright, 15, color, True, "midright")
    _staff(scene, surface, right, controls, values)


def budget_note(last_year: float, rest: float) -> tuple[str, str]:
    """The words under the service lines: last year's service budget and the remainder."""
    left = f"Last year's service budget {charts.money(last_year)}"
    if rest >= 0:
        return left, f"Remainder {charts.money(rest)}"
    return left, f"Over last year's by {charts.money(-rest)}"


def _staff(
    scene: DecisionsScene,
    surface: pygame.Surface,
    rect: Rect,
    controls: dict[str, Control],
    values: dict[str, Any],
) -> None:
    theme = scene.theme
    view = scene.model.team.view
    inner = card(surface, theme, rect, field_spec("staffing").label)
    staffing = values["staffing"]
    for key, label in STAFF_NAMES.items():
        c = controls[f"staff:{key}"]
        text(surface, theme, label, (inner.x, c.rect.centery), 14, t.TEXT, anchor="midleft")
        value = staffing.get(key, 0)
        stepper(surface, theme, c, f"{value:g}", scene.focus == c.id)
        problem = _field_problem(scene, f"staffing.{key}")
        if problem:
            text(
                surface,
                theme,
                theme.fit(problem, inner.width, 12),
                (inner.x, c.rect.bottom + theme.px(2)),
                12,
                t.VERMILLION,
            )
    y = controls["staff:let_go_interns"].rect.bottom + theme.px(24)
    lines = [
        f"Staff now: {view.staff_fte:g} FTE and {view.interns} interns",
        f"Salary: {charts.money(view.salary_fte)} per FTE a year",
        "New hires work at half capacity in their first year.",
    ]
    for line in lines:
        text(surface, theme, line, (inner.x, y), 13, t.MUTED)
        y += theme.px(22)


def _fees(
    scene: DecisionsScene,
    surface: pygame.Surface,
    body: Rect,
    controls: dict[str, Control],
    values: dict[str, Any],
) -> None:
    theme = scene.theme
    left, right = split_columns(body, [1.0, 1.25], theme.px(16))
    inner = card(surface, theme, left, field_spec("fees").label)
    fees = values["fees"]
    for model_id in field_spec("fees.model").options:
        name = display_name("fee_models", model_id)
        c = controls[f"fee_model:{model_id}"]
        chip(surface, theme, c, name, fees["model"] == model_id, scene.focus == c.id)
    for key in fee_levels(fees["model"]):
        c = controls.get(f"fee:{key}")
        if c is None:
            continue
        label = titled(field_spec(f"fees.{key}"))
        text(surface, theme, label, (inner.x, c.rect.centery), 14, t.TEXT, anchor="midleft")
        stepper(surface, theme, c, charts.money(float(fees.get(key, 0.0))), scene.focus == c.id)
    advice = (
        "Price signals value: fees that match the services raise engagement; fees far above "
        "the value members see drive them out. Fees by size ask more of large companies."
    )
    paragraph(
        surface,
        theme,
        advice,
        Rect(inner.x, inner.bottom - theme.px(90), inner.width, theme.px(90)),
        13,
        t.MUTED,
    )
    card(surface, theme, right, field_spec("funding.revenue_lines").label)
    running = set(values["revenue_lines"])
    for option in scene.model.team.view.revenue_line_options:
        c = controls[f"revenue:{option.id}"]
        _option_card(
            scene,
            surface,
            c,
            option.name,
            option.id in running,
            t.GREEN,
            [
                f"price {charts.money(option.price)}",
                f"fixed {charts.money(option.fixed_cost)}",
                f"{option.staff_fte:g} FTE",
            ],
            option.description,
        )


def _option_card(
    scene: DecisionsScene,
    surface: pygame.Surface,
    c: Control,
    title: str,
    chosen: bool,
    color: t.Color,
    facts: list[str],
    description: str,
    reason: str = "",
) -> None:
    theme = scene.theme
    rect = c.rect
    fill = t.SURFACE if c.enabled else t.SURFACE_ALT
    pygame.draw.rect(surface, t.BORDER, rect.move(0, theme.px(2)), border_radius=theme.px(10))
    pygame.draw.rect(surface, fill, rect, border_radius=theme.px(10))
    edge = color if chosen else t.BORDER
    pygame.draw.rect(surface, edge, rect, theme.px(3 if chosen else 1), border_radius=theme.px(10))
    stripe = Rect(rect.x, rect.y + theme.px(10), theme.px(5), rect.height - theme.px(20))
    pygame.draw.rect(surface, color if c.enabled else t.DISABLED, stripe, border_radius=theme.px(2))
    pad = theme.px(16)
    fg = t.TEXT if c.enabled else t.FAINT
    text(
        surface,
        theme,
        theme.fit(title, rect.width - 2 * pad - theme.px(70), 14, True),
        (rect.x + pad, rect.y + theme.px(10)),
        14,
        fg,
        True,
    )
    mark = "Chosen" if chosen else ("Choose" if c.enabled else "Not open")
    pill(
        surface,
        theme,
        mark,
        (rect.right - theme.px(10), rect.y + theme.px(8)),
        color if chosen else t.DISABLED,
        11,
        "topright",
    )
    facts_line = "  ·  ".join(facts)
    text(
        surface,
        theme,
        theme.fit(facts_line, rect.width - 2 * pad, 12),
        (rect.x + pad, rect.y + theme.px(32)),
        12,
        t.MUTED if c.enabled else t.FAINT,
    )
    area = Rect(
        rect.x + pad, rect.y + theme.px(52), rect.width - 2 * pad, rect.height - theme.px(56)
    )
    if reason:
        paragraph(surface, theme, f"Not available: {reason}", area, 12, t.VERMILLION)
    else:
        paragraph(surface, theme, description, area, 12, fg)
    if scene.focus == c.id:
        pygame.draw.rect(
            surface, t.ORANGE, rect.inflate(theme.px(6), theme.px(6)), theme.px(2), theme.px(12)
        )


def _funding(
    scene: DecisionsScene,
    surface: pygame.Surface,
    body: Rect,
    controls: dict[str, Control],
    values: dict[str, Any],
) -> None:
    applying = set(values["apply"])
    for option in scene.model.team.view.funding:
        c = controls[f"fund:{option.id}"]
        facts = [
            f"{FAMILY_NAMES.get(option.family, option.family)} {option.kind}",
            f"{charts.money(option.amount)} a year"
            if option.kind == "program"
            else charts.money(option.amount),
            f"{option.term} yr",
        ]
        needs = []
        if option.cofinancing:
            needs.append(f"co-finance {100 * option.cofinancing:.0f}%")
        if option.private_match:
            needs.append(f"private match {100 * option.private_match:.0f}%")
        needs.append(f"{option.staff_fte:g} FTE")
        if option.projects_only:
            needs.append("projects only")
        color = t.FAMILY_COLORS.get(str(option.family), t.ACCENT)
        _option_card(
            scene,
            surface,
            c,
            option.name,
            option.id in applying,
            color,
            facts + needs,
            option.description,
            "" if option.eligible else (option.reason or ""),
        )


def _members(
    scene: DecisionsScene,
    surface: pygame.Surface,
    body: Rect,
    controls: dict[str, Control],
    values: dict[str, Any],
) -> None:
    theme = scene.theme
    view = scene.model.team.view
    left, right = split_columns(body, [1.0, 1.3], theme.px(16))
    inner = card(surface, theme, left, field_spec("recruitment").label)
    for segment in SEGMENTS:
        c = controls[f"recruit:{segment}"]
        row = Rect(inner.x, c.rect.y, inner.width, c.rect.height)
        segment_row(surface, theme, row, segment, SEGMENT_NAMES[segment], 13)
        value = float(values["recruitment"].get(segment, 0.0))
        slider(surface, theme, c, value, scene.focus == c.id, t.SEGMENT_COLORS[segment])
        text(
            surface,
            theme,
            f"{100 * value:.0f}%",
            (inner.right, c.rect.centery),
            13,
            t.TEXT,
            True,
            "midright",
        )
    note = Rect(inner.x, inner.bottom - theme.px(60), inner.width, theme.px(60))
    paragraph(
        surface,
        theme,
        "Recruiting takes staff time. Startups and capital need their own services to stay.",
        note,
        12,
        t.MUTED,
    )
    title = (
        "Strategy (set in year 1)"
        if view.round == 1 or not view.strategy_set
        else "Strategy (a change costs money and goodwill)"
    )
    inner = card(surface, theme, right, title)
    strategy = values["strategy"]
    ambition = controls["ambition"]
    text(
        surface,
        theme,
        field_spec("strategy.ambition").label,
        (inner.x, ambition.rect.y - theme.px(20)),
        13,
        t.MUTED,
        True,
    )
    text_box(
        surface,
        theme,
        ambition,
        str(strategy.get("ambition") or ""),
        "Our cluster will…",
        scene.focus == "ambition",
        14,
        True,
    )
    focus = field_spec("strategy.focus_areas")
    areas = set(strategy.get("focus_areas") or [])
    first = controls[f"focus:{view.focus_area_options[0].id}"] if view.focus_area_options else None
    if first is not None:
        text(
            surface,
            theme,
            f"{focus.label} ({len(areas)} of up to {focus.max_items})",
            (inner.x, first.rect.y - theme.px(22)),
            13,
            t.MUTED,
            True,
        )
    for option in view.focus_area_options:
        c = controls[f"focus:{option.id}"]
        chip(surface, theme, c, option.name, option.id in areas, scene.focus == c.id, t.PURPLE, 12)
    targets = strategy.get("targets") or {}
    first_target = controls["target:jobs"]
    text(
        surface,
        theme,
        field_spec("strategy.targets").label,
        (inner.x, first_target.rect.y - theme.px(22)),
        13,
        t.MUTED,
        True,
    )
    for kpi, name in KPI_NAMES.items():
        c = controls[f"target:{kpi}"]
        half = (inner.width - theme.px(12)) // 2
        label_x = c.rect.right - half
        text(
            surface,
            theme,
            theme.fit(name, half - c.rect.width - theme.px(6), 12),
            (label_x, c.rect.centery),
            12,
            t.TEXT,
            anchor="midleft",
        )
        stepper(surface, theme, c, charts.number(float(targets.get(kpi, 0.0))), scene.focus == c.id)


def _events(
    scene: DecisionsScene,
    surface: pygame.Surface,
    body: Rect,
    controls: dict[str, Control],
    values: dict[str, Any],
) -> None:
    theme = scene.theme
    events = [e for e in scene.model.team.view.events if e.new]
    if not events:
        inner = card(surface, theme, body, "Event cards")
        paragraph(surface, theme, "No event card needs a response this year.", inner, 15, t.MUTED)
        return
    for event, (cell, _) in zip(events, event_layout(theme, body, events), strict=True):
        inner = card(surface, theme, cell, "Event card")
        text(surface, theme, event.title, inner.topleft, 18, t.TEXT, True)
        paragraph(
            surface,
            theme,
            event.text,
            Rect(inner.x, inner.y + theme.px(28), inner.width, inner.height - theme.px(80)),
            14,
        )
        chosen = values["responses"].get(event.id, event.default_choice)
        for choice in event.choices:
            c = controls[f"resp:{event.id}:{choice.id}"]
            label = choice.label + (f" ({charts.money(choice.cost)})" if choice.cost else "")
            chip(surface, theme, c, label, chosen == choice.id, scene.focus == c.id, t.BLUE, 13)


def _submit_panel(
    scene: DecisionsScene, surface: pygame.Surface, side: Rect, submit: Control
) -> None:
    theme, model = scene.theme, scene.model
    inner = card(surface, theme, side, "Your team's decisions")
    team = model.team
    y = inner.y
    if team.computer:
        headline, color = f"Run by the computer ({team.computer})", t.MUTED
    elif model.submitted():
        who = _player_name(model, team.submission.by)
        headline, color = f"Submitted by {who}", t.GREEN
    elif model.deciding():
        headline, color = "Not submitted yet", t.ORANGE
    else:
        headline, color = chrome.PHASE_LABELS.get(model.phase, model.phase), t.MUTED
    y = paragraph(
        surface, theme, headline, Rect(inner.x, y, inner.width, theme.px(50)), 17, color
    ) + theme.px(4)
    waiting = model.timer.waiting if model.timer else None
    if model.deciding() and waiting is not None:
        others = [name for name in waiting if name != team.team]
        words = (
            f"Waiting for {len(others)} other team{'s' if len(others) != 1 else ''}"
            if others
            else "Every other team has submitted"
        )
        text(surface, theme, words, (inner.x, y), 14, t.MUTED)
        y += theme.px(22)
    left = model.time_left()
    if left is not None and model.phase in ("decisions", "paused"):
        text(surface, theme, f"Time left {chrome.clock(left)}", (inner.x, y), 14, t.MUTED)
        y += theme.px(22)
    if model.submitted():
        text(
            surface,
            theme,
            "Change anything and submit again to replace it.",
            (inner.x, y),
            12,
            t.MUTED,
        )
        y += theme.px(20)
    y += theme.px(8)
    text(surface, theme, "PLAYERS", (inner.x, y), 11, t.MUTED, True)
    y += theme.px(20)
    for player in team.players[:6]:
        dot = t.GREEN if player.connected else t.DISABLED
        pygame.draw.circle(surface, dot, (inner.x + theme.px(5), y + theme.px(9)), theme.px(5))
        text(
            surface,
            theme,
            theme.fit(player.name, inner.width - theme.px(20), 14),
            (inner.x + theme.px(16), y),
            14,
        )
        y += theme.px(22)
    y += theme.px(6)
    if team.forecast is not None and model.deciding():
        y = _forecast(scene, surface, Rect(inner.x, y, inner.width, 0), team.forecast)
    elif team.forecast_pending and model.deciding():  # computed once the draft settles
        text(surface, theme, "FORECAST FOR THE SHARED DRAFT", (inner.x, y), 11, t.MUTED, True)
        y += theme.px(18)
        text(surface, theme, FORECAST_COMING, (inner.x, y), 12, t.FAINT)
        y += theme.px(18)
    y += theme.px(4)
    problems = model.problems()
    if problems:
        text(surface, theme, "TO FIX BEFORE SUBMITTING", (inner.x, y), 11, t.VERMILLION, True)
        y += theme.px(20)
        area = Rect(inner.x, y, inner.width, submit.rect.top - y - theme.px(10))
        for field, problem in problems[:5]:
            y = paragraph(
                surface,
                theme,
                f"{field}: {problem}",
                Rect(area.x, y, area.width, area.bottom - y),
                12,
                t.VERMILLION,
            )
    elif model.deciding():
        text(surface, theme, "The draft follows the rules.", (inner.x, y), 13, t.GREEN)
    label = "Submit changes" if model.submitted() else "Submit decisions"
    button(surface, theme, submit, label, scene.focus == "submit", primary=True, size=16)


FORECAST_COMING = "forecast coming..."


def forecast_lines(forecast: Any) -> list[str]:
    """The forecast's words: next year's cash, runway and staff, for the shared draft."""
    year = forecast.next_year
    spread = f"{charts.money(year.cash_low)} to {charts.money(year.cash_high)}"
    return [
        f"Cash at the end of year {year.round}: {charts.money(year.cash)} ({spread})",
        f"Runway: {year.runway_months:.1f} months of costs",
        f"Staff utilisation: {year.utilisation:.0%}",
    ]


def _forecast(scene: DecisionsScene, surface: pygame.Surface, at: Rect, forecast: Any) -> int:
    theme = scene.theme
    y = at.y
    text(surface, theme, "FORECAST FOR THE SHARED DRAFT", (at.x, y), 11, t.MUTED, True)
    y += theme.px(18)
    for line in forecast_lines(forecast):
        text(surface, theme, theme.fit(line, at.width, 12), (at.x, y), 12, t.TEXT)
        y += theme.px(18)
    text(surface, theme, "without the year's random events", (at.x, y), 11, t.FAINT)
    y += theme.px(16)
    if forecast.warning:
        y = paragraph(
            surface,
            theme,
            forecast.warning,
            Rect(at.x, y, at.width, theme.px(40)),
            12,
            t.VERMILLION,
        )
    return y


def _player_name(model: Any, player_id: str) -> str:
    team = model.team
    return (
        next((p.name for p in team.players if p.id == player_id), "a teammate")
        if team
        else player_id
    )
