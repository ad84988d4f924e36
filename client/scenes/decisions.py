"""The decisions screen: the board edits the team's shared draft and submits it.

Every change goes to ``model.edit`` (the loop sends it to the server, which
shares it with teammates); what the screen shows is the draft as the server
last sent it with this board member's unsent edits on top. The client checks
the decisions model and the eligibility each funding card carries as the board
edits; the game rules are the server's (``check_decisions``), and the problems it
sends with every draft are shown beside the submit button.

Every control takes its label, unit, step and bounds from the decisions model's
field metadata (``game.decisions.decision_fields``); a standing policy field of one
number that has no control of its own here gets a stepper in its section.
"""

from __future__ import annotations

from typing import Any

import pygame

from client import budget as money_rules
from client.labels import decision_fields, field_spec
from client.scenes import decisions_view as look
from client.scenes.base import Scene
from client.scenes.common import KPI_NAMES, SEGMENTS, SERVICE_NAMES, draw_wound_up, wound_up
from client.widgets import Control, Rect, split_columns, split_rows
from game.metadata import FieldSpec
from game.vocabulary import Section

SECTIONS: tuple[Section, ...] = tuple(Section)
STAFF_FIELDS = tuple(
    spec.path.removeprefix("staffing.")
    for spec in decision_fields()
    if spec.path.startswith("staffing.")
)


def step_value(spec: FieldSpec, value: float, steps: int) -> float | int:
    """Return a value moved by whole steps of the field, kept within its bounds."""
    step = spec.step or 1.0
    moved = float(value) + steps * step
    low = spec.minimum if spec.minimum is not None else float("-inf")
    high = spec.maximum if spec.maximum is not None else float("inf")
    moved = max(low, min(moved, high))
    if spec.kind == "integer":
        return round(moved)
    decimals = len(f"{step:.9f}".rstrip("0").split(".")[1])
    return round(moved, decimals)


class DecisionsScene(Scene):
    title = "Decisions"

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.section = 0
        self._round = 0

    # ------------------------------------------------------------ the draft as shown

    def values(self) -> dict[str, Any]:
        """Return every decision as shown: the draft, or last year's policy where it keeps it."""
        view = self.model.team.view
        data = self.model.draft_data()
        funding = data.get("funding") or {}
        strategy = data.get("strategy") or {
            "ambition": view.ambition,
            "focus_areas": list(view.focus_areas),
            "targets": {str(k): v for k, v in view.targets.items()},
        }
        return {
            "budget": {str(k): float(v) for k, v in (data.get("budget") or view.budget).items()},
            "staffing": data.get("staffing") or {},
            "fees": data.get("fees") or view.fees.model_dump(mode="json"),
            "apply": list(funding.get("apply") or []),
            "revenue_lines": list(
                view.revenue_lines
                if funding.get("revenue_lines") is None
                else funding["revenue_lines"]
            ),
            "recruitment": data.get("recruitment")
            or {str(k): v for k, v in view.recruitment.items()},
            "strategy": strategy,
            "responses": dict(data.get("responses") or {}),
        } | {
            spec.path: self._number(spec, data)
            for section in SECTIONS
            for spec in look.generic_fields(section)
        }

    def _number(self, spec: FieldSpec, data: dict[str, Any]) -> float:
        """Return a one-number field as shown: the draft's, else last year's standing value."""
        value = data.get(spec.path)
        if value is None:
            value = self.model.team.view.policy.get(spec.path, spec.minimum or 0.0)
        return float(value)

    def total(self, values: dict[str, Any] | None = None) -> float:
        """The service budget of the draft on this screen: the sum of its lines."""
        values = values or self.values()
        return money_rules.allocated(values["budget"])

    def last_year(self) -> float:
        """Last year's service budget: the standing policy, the same for every teammate."""
        team = self.model.team
        return money_rules.allocated(dict(team.view.budget)) if team is not None else 0.0

    def remainder(self, values: dict[str, Any] | None = None) -> float:
        values = values or self.values()
        return money_rules.remainder(values["budget"], self.last_year())

    def scale(self, values: dict[str, Any] | None = None) -> float:
        values = values or self.values()
        return money_rules.scale(values["budget"], self.last_year())

    # ------------------------------------------------------------ layout

    def regions(self, rect: Rect) -> tuple[Rect, Rect, Rect]:
        """Return the section tabs, the section's body and the submit panel."""
        theme = self.theme
        main, side = split_columns(rect, [3.1, 1.0], theme.px(16))
        tabs, body = split_rows(main, [1, 14], theme.px(12))
        tabs.height = theme.px(38)
        body = Rect(
            main.x, tabs.bottom + theme.px(12), main.width, main.bottom - tabs.bottom - theme.px(12)
        )
        return tabs, body, side

    def controls(self, rect: Rect) -> list[Control]:
        if self.model.team is None or wound_up(self.model):
            return []
        tabs, body, side = self.regions(rect)
        found = [
            Control(f"section:{i}", r, "chip")
            for i, r in enumerate(split_columns(tabs, [1] * len(SECTIONS), self.theme.px(8)))
        ]
        builder = (self._budget, self._fees, self._funding, self._members, self._events)[
            self.section
        ]
        extra = look.generic_fields(SECTIONS[self.section])
        body, rows = look.generic_layout(self.theme, body, len(extra))
        found += builder(body)
        found += [
            Control(f"field:{spec.path}", r, "stepper") for spec, r in zip(extra, rows, strict=True)
        ]
        found.append(self._submit_control(side))
        return found

    def _submit_control(self, side: Rect) -> Control:
        theme = self.theme
        button = Rect(
            side.x + theme.px(16),
            side.bottom - theme.px(66),
            side.width - theme.px(32),
            theme.px(48),
        )
        problems = self.model.problems()
        reason = ""
        if not self.model.deciding():
            reason = "Decisions are not open now."
        elif problems:
            reason = "Fix the problems listed first."
        return Control("submit", button, "button", not reason, reason)

    def _budget(self, body: Rect) -> list[Control]:
        theme = self.theme
        left, right = split_columns(body, [1.6, 1.0], theme.px(16))
        rows = look.budget_rows(theme, left)
        found = [Control("total", rows[0][1], "stepper")]
        found += [
            Control(f"line:{s}", r, "slider")
            for s, (_, r) in zip(SERVICE_NAMES, rows[1:], strict=True)
        ]
        for key, r in zip(STAFF_FIELDS, look.staff_rows(theme, right), strict=True):
            found.append(Control(f"staff:{key}", r, "stepper"))
        return found

    def _fees(self, body: Rect) -> list[Control]:
        theme = self.theme
        left, right = split_columns(body, [1.0, 1.25], theme.px(16))
        models, levels = look.fee_layout(theme, left)
        found = [
            Control(f"fee_model:{m}", r, "chip")
            for m, r in zip(field_spec("fees.model").options, models, strict=True)
        ]
        fees = self.values()["fees"]
        shown = look.fee_levels(fees["model"])
        found += [Control(f"fee:{k}", r, "stepper") for k, r in zip(shown, levels, strict=False)]
        options = self.model.team.view.revenue_line_options
        for option, r in zip(options, look.grid(theme, right, len(options), 2), strict=True):
            found.append(Control(f"revenue:{option.id}", r, "chip"))
        return found

    def _funding(self, body: Rect) -> list[Control]:
        options = self.model.team.view.funding
        cells = look.grid(self.theme, body, len(options), 3 if len(options) > 6 else 2)
        return [
            Control(
                f"fund:{o.id}", r, "chip", o.eligible, f"{o.name} {o.reason}" if o.reason else ""
            )
            for o, r in zip(options, cells, strict=True)
        ]

    def _members(self, body: Rect) -> list[Control]:
        theme = self.theme
        left, right = split_columns(body, [1.0, 1.3], theme.px(16))
        found = [
            Control(f"recruit:{s}", r, "slider")
            for s, r in zip(SEGMENTS, look.recruit_rows(theme, left), strict=True)
        ]
        ambition, focus, targets = look.strategy_layout(
            theme, right, len(self.model.team.view.focus_area_options)
        )
        found.append(Control("ambition", ambition, "text"))
        found += [
            Control(f"focus:{a.id}", r, "chip")
            for a, r in zip(self.model.team.view.focus_area_options, focus, strict=True)
        ]
        found += [
            Control(f"target:{k}", r, "stepper") for k, r in zip(KPI_NAMES, targets, strict=True)
        ]
        return found

    def _events(self, body: Rect) -> list[Control]:
        events = [e for e in self.model.team.view.events if e.new]
        found = []
        for event, (_, choices) in zip(
            events, look.event_layout(self.theme, body, events), strict=True
        ):
            found += [
                Control(f"resp:{event.id}:{c.id}", r, "chip")
                for c, r in zip(event.choices, choices, strict=True)
            ]
        return found

    # ------------------------------------------------------------ input

    def update(self, dt: float) -> None:
        if self.model.team is not None and self.model.team.view.round != self._round:
            self._round = self.model.team.view.round

    def activate(self, control: Control) -> None:
        kind, _, key = control.id.partition(":")
        values = self.values()
        if kind == "section":
            self.section = int(key)
        elif kind == "submit":
            self.app.submit()
        elif kind == "fee_model":
            self.model.edit("fees", values["fees"] | {"model": key})
        elif kind == "revenue":
            self._toggle_funding("revenue_lines", key, values)
        elif kind == "fund":
            self._toggle_funding("apply", key, values)
        elif kind == "focus":
            self._toggle_focus(key, values)
        elif kind == "resp":
            event_id, _, choice = key.partition(":")
            self.model.edit("responses", values["responses"] | {event_id: choice})

    def _toggle_funding(self, part: str, key: str, values: dict[str, Any]) -> None:
        chosen = values[part]
        chosen = [k for k in chosen if k != key] if key in chosen else [*chosen, key]
        funding = {"apply": values["apply"], "revenue_lines": values["revenue_lines"]} | {
            part: chosen
        }
        self.model.edit("funding", funding)

    def _toggle_focus(self, key: str, values: dict[str, Any]) -> None:
        strategy = dict(values["strategy"])
        areas = list(strategy.get("focus_areas") or [])
        most = field_spec("strategy.focus_areas").max_items
        if key in areas:
            areas.remove(key)
        elif most is not None and len(areas) >= most:
            self.model.say(f"At most {most} focus areas; fewer means more focus.")
            return
        else:
            areas.append(key)
        self.model.edit("strategy", strategy | {"focus_areas": areas})

    def adjust(self, control: Control, step: int) -> None:
        kind, _, key = control.id.partition(":")
        values = self.values()
        if kind == "total":
            self._set_total(self.total(values) + step * money_rules.TOTAL_STEP, values)
        elif kind == "line":
            new = values["budget"].get(key, 0.0) + step * money_rules.TOTAL_STEP / 5
            self.model.edit("budget", money_rules.set_line(values["budget"], key, new))
        elif kind == "staff":
            self._step_staff(key, step, values)
        elif kind == "fee":
            fees = values["fees"]
            level = step_value(field_spec(f"fees.{key}"), float(fees.get(key, 0.0)), step)
            self.model.edit("fees", fees | {key: level})
        elif kind == "recruit":
            effort = step_value(
                field_spec("recruitment"), values["recruitment"].get(key, 0.0), step
            )
            self._set_recruit(key, effort, values)
        elif kind == "target":
            self._step_target(key, step, values)
        elif kind == "field":
            spec = next(s for s in look.generic_fields(SECTIONS[self.section]) if s.path == key)
            self.model.edit(key, step_value(spec, values[key], step))

    def _set_total(self, total: float, values: dict[str, Any]) -> None:
        scaled = money_rules.set_total(values["budget"], total)
        if scaled != values["budget"]:
            self.model.edit("budget", scaled)

    def _step_staff(self, key: str, step: int, values: dict[str, Any]) -> None:
        staffing = dict(values["staffing"])
        staffing[key] = step_value(field_spec(f"staffing.{key}"), staffing.get(key, 0), step)
        self.model.edit("staffing", staffing)

    def _set_recruit(self, segment: str, value: float, values: dict[str, Any]) -> None:
        spec = field_spec("recruitment")
        value = round(max(spec.minimum or 0.0, min(value, spec.maximum or 1.0)), 2)
        self.model.edit("recruitment", values["recruitment"] | {segment: value})

    def _step_target(self, kpi: str, step: int, values: dict[str, Any]) -> None:
        view = self.model.team.view
        strategy = dict(values["strategy"])
        targets = dict(strategy.get("targets") or {})
        spec = field_spec("strategy.targets")
        unit = max(view.yardstick.get(kpi, 10.0) / 10, spec.step or 0.0)
        value = float(targets.get(kpi, 0.0)) + step * unit
        targets[kpi] = round(max(spec.minimum or 0.0, min(value, spec.maximum or value)), 2)
        self.model.edit("strategy", strategy | {"targets": targets})

    def slide(self, control: Control, fraction: float) -> None:
        kind, _, key = control.id.partition(":")
        values = self.values()
        if kind == "line":
            track = self.scale(values)
            self.model.edit("budget", money_rules.set_line(values["budget"], key, fraction * track))
        elif kind == "recruit":
            self._set_recruit(key, fraction, values)

    def type_text(self, control: Control, event: pygame.event.Event) -> bool:
        if control.id != "ambition":
            return False
        strategy = dict(self.values()["strategy"])
        words = str(strategy.get("ambition") or "")
        if event.key == pygame.K_BACKSPACE:
            words = words[:-1]
        elif event.key in (
            pygame.K_TAB,
            pygame.K_RETURN,
            pygame.K_ESCAPE,
            pygame.K_UP,
            pygame.K_DOWN,
        ):
            return False
        elif event.unicode and event.unicode.isprintable() and len(words) < self._longest():
            words += event.unicode
        else:
            return True
        self.model.edit("strategy", strategy | {"ambition": words})
        return True

    @staticmethod
    def _longest() -> int:
        return field_spec("strategy.ambition").max_items or 0

    # ------------------------------------------------------------ drawing

    def draw(self, surface: pygame.Surface, rect: Rect) -> None:
        if self.model.team is None:
            return
        if wound_up(self.model):
            draw_wound_up(surface, self.theme, rect, self.model)
            return
        look.draw(self, surface, rect)
