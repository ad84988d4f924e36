"""How the facilitator console is laid out and drawn; it reads the scene and the model only."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from client import charts, chrome
from client import theme as t
from client.qr import draw_qr
from client.theme import Theme
from client.widgets import (
    Rect,
    button,
    card,
    paragraph,
    split_columns,
    split_rows,
    stepper,
    text,
)

if TYPE_CHECKING:
    from client.console import ConsoleScene

BUTTONS = {
    "start": "Start session",
    "open": "Open round",
    "extend": "Extend +1 min",
    "pause": "Pause",
    "resume": "Resume",
    "close": "Close round",
    "inject": "Inject event",
    "add_bot": "Add computer team",
    "apply_weights": "Apply weights",
    "projector": "Projector mode",
    "end": "End game",
}
WEIGHT_NAMES = ("impact", "sustainability", "engagement", "diversification")
SHORT_WEIGHTS = {
    "impact": "Impact",
    "sustainability": "Sustain.",
    "engagement": "Engage.",
    "diversification": "Divers.",
}


def layout(theme: Theme, rect: Rect) -> dict:
    """Return the console's regions and every control's rectangle."""
    gap = theme.px(14)
    left, right = split_columns(rect, [1.0, 2.2], gap)
    teams, controls = split_rows(right, [1.15, 1.0], gap)
    pad = theme.px(16)
    inner = Rect(
        controls.x + pad,
        controls.y + pad + theme.px(26),
        controls.width - 2 * pad,
        controls.height - 2 * pad - theme.px(26),
    )
    rows = split_rows(inner, [1, 1, 1, 1, 1], theme.px(8))
    h = theme.px(38)
    label_w = theme.px(110)

    def cells(row: Rect, weights: list[float]) -> list[Rect]:
        area = Rect(row.x + label_w, row.centery - h // 2, row.width - label_w, h)
        return split_columns(area, weights, theme.px(8))

    r0 = cells(rows[0], [1.0, 1.0, 1.0, 1.0])
    r1 = cells(rows[1], [1.0, 1.0, 1.0, 1.0])
    r2 = cells(rows[2], [1.6, 1.0, 1.4, 1.3])
    r3 = cells(rows[3], [1, 1, 1, 1, 1.1])
    r4 = cells(rows[4], [1, 1, 2.0])
    spots = {
        "start": r0[0],
        "seconds": r0[1],
        "open": r0[2],
        "close": r0[3],
        "pause": r1[0],
        "resume": r1[1],
        "extend": r1[2],
        "event": r2[0],
        "inject": r2[1],
        "strategy": r2[2],
        "add_bot": r2[3],
        **{f"w:{name}": r3[i] for i, name in enumerate(WEIGHT_NAMES)},
        "apply_weights": r3[4],
        "projector": r4[0],
        "end": r4[1],
    }
    return {"left": left, "teams": teams, "panel": controls, "rows": rows, "controls": spots}


def waiting_line(model) -> str:
    """What the console says before it has a session: progress, or why there is none."""
    failure = model.failure
    if failure is not None:
        return f"No session: {failure.text or failure.code}"
    return "Creating the session…"


def draw_console(scene: ConsoleScene, surface: pygame.Surface, rect: Rect) -> None:
    theme, model = scene.theme, scene.model
    regions = layout(theme, rect)
    state = model.facilitator
    _join_card(scene, surface, regions["left"])
    _teams(scene, surface, regions["teams"])
    card(surface, theme, regions["panel"], "Session controls")
    for label, row in zip(
        ("Round", "Timer", "Events & teams", "Scorecard %", "Session"), regions["rows"], strict=True
    ):
        text(surface, theme, label, (row.x, row.centery), 14, t.MUTED, True, "midleft")
    controls = {c.id: c for c in scene.controls(rect)}
    deck = scene.deck()
    for key, control in controls.items():
        focused = scene.focus == key
        if key == "seconds":
            stepper(surface, theme, control, f"{chrome.clock(scene.seconds)} min", focused)
        elif key == "event":
            name = deck[scene.event_index % len(deck)] if deck else "no event cards"
            stepper(
                surface,
                theme,
                control,
                theme.fit(name.replace("_", " "), control.rect.width - theme.px(60), 14),
                focused,
            )
        elif key == "strategy":
            from game.strategies import STRATEGIES

            name = list(STRATEGIES)[scene.strategy_index].replace("_", " ")
            stepper(surface, theme, control, name, focused)
        elif key.startswith("w:"):
            weight = scene.shown_weights()[key[2:]]
            stepper(surface, theme, control, f"{SHORT_WEIGHTS[key[2:]]} {weight:.0f}", focused)
        else:
            primary = key in ("open", "start") and control.enabled
            button(surface, theme, control, BUTTONS[key], focused, primary, 14)
    if state is None:
        return


def _join_card(scene: ConsoleScene, surface: pygame.Surface, rect: Rect) -> None:
    theme, model = scene.theme, scene.model
    state = model.facilitator
    inner = card(surface, theme, rect, "Join this session")
    if state is None:
        words = waiting_line(model)
        color = t.VERMILLION if model.failure is not None else t.MUTED
        paragraph(surface, theme, words, inner, 15, color)
        return
    code = text(
        surface,
        theme,
        state.code,
        (inner.centerx, inner.y + theme.px(4)),
        64,
        t.INK,
        True,
        "midtop",
    )
    url = scene.join_text()
    text(
        surface,
        theme,
        theme.fit(url, inner.width, 14),
        (inner.centerx, code.bottom + theme.px(4)),
        14,
        t.MUTED,
        anchor="midtop",
    )
    box = Rect(
        inner.x, code.bottom + theme.px(30), inner.width, inner.bottom - code.bottom - theme.px(110)
    )
    if scene.qr:
        draw_qr(surface, scene.qr, box)
    else:
        paragraph(surface, theme, "clusterboard play --code " + state.code, box, 14, t.MUTED)
    config = state.config
    lines = [
        f"Scenario {config.scenario} · {config.rounds} years · seed {config.seed}",
        f"{chrome.PHASE_LABELS.get(model.phase, model.phase)} · year {model.round} "
        f"of {model.rounds}",
        f"{state.spectators} projector(s) watching",
    ]
    y = inner.bottom - theme.px(66)
    for line in lines:
        text(surface, theme, theme.fit(line, inner.width, 13), (inner.x, y), 13, t.MUTED)
        y += theme.px(22)


def _teams(scene: ConsoleScene, surface: pygame.Surface, rect: Rect) -> None:
    theme, model = scene.theme, scene.model
    state = model.facilitator
    left = model.time_left()
    title = "Teams" + (
        f" · {chrome.clock(left)} left"
        if left is not None and model.phase in ("decisions", "paused")
        else ""
    )
    inner = card(surface, theme, rect, title)
    if state is None or not state.teams:
        paragraph(
            surface,
            theme,
            "No team has joined yet. Players join with the code on the left; "
            "add computer-run teams below.",
            inner,
            14,
            t.MUTED,
        )
        return
    heads = (
        ("Team", 0.0),
        ("Players", 0.2),
        ("Decisions", 0.5),
        ("Members", 0.66),
        ("Cash", 0.8),
        ("Score", 1.0),
    )
    for label, share in heads:
        anchor = "topright" if share in (0.8, 1.0) else "topleft"
        text(
            surface,
            theme,
            label.upper(),
            (inner.x + round(inner.width * share), inner.y),
            10,
            t.MUTED,
            True,
            anchor,
        )
    y = inner.y + theme.px(22)
    step = theme.px(30)
    for team in state.teams:
        if y + step > inner.bottom:
            break
        cy = y + step // 2
        name = team.team + (" (removed)" if team.removed else "")
        text(
            surface,
            theme,
            theme.fit(name, round(inner.width * 0.19), 14, True),
            (inner.x, cy),
            14,
            t.FAINT if team.removed else t.TEXT,
            True,
            "midleft",
        )
        x = inner.x + round(inner.width * 0.2)
        if team.computer:
            text(
                surface, theme, f"computer: {team.computer}", (x, cy), 13, t.MUTED, anchor="midleft"
            )
        for player in team.players[:4]:
            if team.computer:
                break
            pygame.draw.circle(
                surface,
                t.GREEN if player.connected else t.DISABLED,
                (x + theme.px(5), cy),
                theme.px(5),
            )
            drawn = text(
                surface,
                theme,
                theme.fit(player.name, theme.px(70), 13),
                (x + theme.px(14), cy),
                13,
                t.TEXT,
                anchor="midleft",
            )
            x = drawn.right + theme.px(10)
        status, color = _decision_status(team, model.phase)
        text(
            surface,
            theme,
            status,
            (inner.x + round(inner.width * 0.5), cy),
            13,
            color,
            True,
            "midleft",
        )
        text(
            surface,
            theme,
            str(team.members),
            (inner.x + round(inner.width * 0.66), cy),
            13,
            t.TEXT,
            anchor="midleft",
        )
        text(
            surface,
            theme,
            charts.money(team.cash),
            (inner.x + round(inner.width * 0.8), cy),
            13,
            t.TEXT,
            anchor="midright",
        )
        text(surface, theme, f"{team.score:.1f}", (inner.right, cy), 14, t.BLUE, True, "midright")
        pygame.draw.line(surface, t.BORDER, (inner.x, y + step), (inner.right, y + step), 1)
        y += step


def _decision_status(team, phase: str) -> tuple[str, t.Color]:
    if team.computer:
        return "automatic", t.MUTED
    if phase not in ("decisions", "paused"):
        return "–", t.MUTED
    if team.submitted:
        return "submitted", t.GREEN
    return f"editing (v{team.draft_version})" if team.draft_version else "waiting", t.ORANGE
