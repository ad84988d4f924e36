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
    text_box,
)

if TYPE_CHECKING:
    from client.console import ConsoleScene

BUTTONS = {
    "start": "Start session",
    "practice": "Practice round",
    "open": "Open round",
    "reset_practice": "Reset practice",
    "extend": "Extend +1 min",
    "pause": "Pause",
    "resume": "Resume",
    "close": "Close round",
    "inject": "Inject event",
    "add_bot": "Add computer team",
    "remove_team": "Remove team",
    "move": "Move player",
    "remove_player": "Remove player",
    "broadcast": "Send to all screens",
    "rename": "Rename player",
    "add_team": "Add team",
    "apply_weights": "Apply weights",
    "projector": "Projector mode",
    "token": "Show token",
    "export": "Export for grading",
    "end": "End game",
}
ARMED = {
    "reset_practice": "Confirm reset",
    "remove_team": "Confirm removal",
    "remove_player": "Confirm removal",
    "end": "Confirm: end game",
}
WEIGHT_NAMES = ("impact", "sustainability", "engagement", "diversification")
SHORT_WEIGHTS = {
    "impact": "Impact",
    "sustainability": "Sustain.",
    "engagement": "Engage.",
    "diversification": "Divers.",
}
ROW_LABELS = ("Round", "Timer", "Events", "Selected", "Message", "Scorecard %", "Session")
COLUMNS = (  # the teams table: heading, where its column starts (share of the width)
    ("Team", 0.0),
    ("Players (click to select)", 0.19),
    ("Decisions", 0.6),
    ("Members", 0.74),
    ("Cash", 0.88),
    ("Game score", 1.0),
)


def layout(theme: Theme, rect: Rect, state=None) -> dict:
    """Return the console's regions and every control's rectangle (team rows included)."""
    gap = theme.px(12)
    left, right = split_columns(rect, [1.0, 2.5], gap)
    teams, controls = split_rows(right, [0.8, 1.45], gap)
    pad = theme.px(14)
    inner = Rect(
        controls.x + pad,
        controls.y + pad + theme.px(22),
        controls.width - 2 * pad,
        controls.height - 2 * pad - theme.px(22),
    )
    rows = split_rows(inner, [1] * len(ROW_LABELS), theme.px(4))
    h = min(theme.px(36), rows[0].height)
    label_w = theme.px(96)

    def cells(row: Rect, weights: list[float]) -> list[Rect]:
        area = Rect(row.x + label_w, row.centery - h // 2, row.width - label_w, h)
        return split_columns(area, weights, theme.px(6))

    r0 = cells(rows[0], [1, 1, 1, 1, 1])
    r1 = cells(rows[1], [1.2, 1, 1, 1])
    r2 = cells(rows[2], [1.6, 1.0, 1.4, 1.3])
    r3 = cells(rows[3], [1.3, 1.0, 1.3, 1.0, 1.0])
    r4 = cells(rows[4], [2.4, 1.2, 1.0, 1.0])
    r5 = cells(rows[5], [1, 1, 1, 1, 1.1])
    r6 = cells(rows[6], [1, 1, 1, 1.3])
    spots = {
        "start": r0[0],
        "practice": r0[1],
        "open": r0[2],
        "reset_practice": r0[3],
        "close": r0[4],
        "seconds": r1[0],
        "pause": r1[1],
        "resume": r1[2],
        "extend": r1[3],
        "event": r2[0],
        "inject": r2[1],
        "strategy": r2[2],
        "add_bot": r2[3],
        "computer": r3[0],
        "remove_team": r3[1],
        "move_to": r3[2],
        "move": r3[3],
        "remove_player": r3[4],
        "message": r4[0],
        "broadcast": r4[1],
        "rename": r4[2],
        "add_team": r4[3],
        **{f"w:{name}": r5[i] for i, name in enumerate(WEIGHT_NAMES)},
        "apply_weights": r5[4],
        "projector": r6[0],
        "token": r6[1],
        "export": r6[2],
        "end": r6[3],
    }
    table = _table_spots(theme, teams, state)
    return {
        "left": left,
        "teams": teams,
        "panel": controls,
        "rows": rows,
        "controls": {**table, **spots},
        "table": table,
    }


def table_inner(theme: Theme, rect: Rect) -> Rect:
    """The teams card's inside (as ``card`` draws it), below the column headings."""
    pad = theme.px(16)
    top = theme.px(44)
    return Rect(rect.x + pad, rect.y + top, rect.width - 2 * pad, rect.height - top - pad)


def row_step(theme: Theme) -> int:
    return theme.px(28)


def _table_spots(theme: Theme, rect: Rect, state) -> dict[str, Rect]:
    """Every team row's name cell and every player's name, as clickable areas."""
    if state is None:
        return {}
    inner = table_inner(theme, rect)
    step = row_step(theme)
    y = inner.y + theme.px(18)
    spots: dict[str, Rect] = {}
    for team in [tm for tm in state.teams if not tm.removed]:
        if y + step > inner.bottom:
            break
        spots[f"team:{team.team}"] = Rect(inner.x, y + 2, round(inner.width * 0.18), step - 4)
        start = inner.x + round(inner.width * COLUMNS[1][1])
        width = round(inner.width * (COLUMNS[2][1] - COLUMNS[1][1])) - theme.px(6)
        players = team.players
        if players:
            slot = width // max(len(players), 3)
            for i, player in enumerate(players):
                area = Rect(start + i * slot, y + 2, slot - theme.px(4), step - 4)
                spots[f"player:{team.team}/{player.id}"] = area
        y += step
    return spots


def waiting_line(model) -> str:
    """What the console says before it has a session: progress, or why there is none."""
    failure = model.failure
    if failure is not None:
        return f"No session: {failure.text or failure.code}"
    return "Creating the session…"


def draw_console(scene: ConsoleScene, surface: pygame.Surface, rect: Rect) -> None:
    theme, model = scene.theme, scene.model
    state = model.facilitator
    regions = layout(theme, rect, state)
    _join_card(scene, surface, regions["left"])
    _teams(scene, surface, regions["teams"], regions["table"])
    card(surface, theme, regions["panel"], "Session controls")
    for label, row in zip(ROW_LABELS, regions["rows"], strict=True):
        text(surface, theme, label, (row.x, row.centery), 13, t.MUTED, True, "midleft")
    deck = scene.deck()
    for control in scene.controls(rect):
        key = control.id
        if key.startswith(("team:", "player:")):
            continue
        focused = scene.focus == key
        width = control.rect.width - theme.px(60)
        if key == "seconds":
            stepper(surface, theme, control, f"{chrome.clock(scene.round_seconds())} min", focused)
        elif key == "event":
            name = deck[scene.event_index % len(deck)] if deck else "no event cards"
            stepper(surface, theme, control, theme.fit(name.replace("_", " "), width, 14), focused)
        elif key == "strategy":
            from game.strategies import STRATEGIES

            name = list(STRATEGIES)[scene.strategy_index].replace("_", " ")
            stepper(surface, theme, control, theme.fit(name, width, 14), focused)
        elif key == "move_to":
            target = scene.move_target()
            shown = f"to {target}" if target else "move to…"
            stepper(surface, theme, control, theme.fit(shown, width, 14), focused)
        elif key.startswith("w:"):
            weight = scene.shown_weights()[key[2:]]
            stepper(surface, theme, control, f"{SHORT_WEIGHTS[key[2:]]} {weight:.0f}", focused)
        elif key == "message":
            text_box(
                surface,
                theme,
                control,
                scene.message,
                "A message for every screen, or a name",
                focused,
                14,
                True,
            )
        else:
            label = ARMED[key] if scene.armed == key else _label(scene, key)
            primary = (key in ("open", "start") and control.enabled) or scene.armed == key
            button(surface, theme, control, label, focused, primary, 14)


def _label(scene: ConsoleScene, key: str) -> str:
    if key == "computer":
        team = scene.team()
        if team is not None and team.computer is not None:
            return "Give back to players"
        return "Computer plays it"
    if key == "token":
        return "Hide token" if scene.show_token else "Show token"
    if key == "broadcast" and not scene.message.strip():
        return "Clear message"
    return BUTTONS[key]


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
        (inner.centerx, inner.y + theme.px(2)),
        56,
        t.INK,
        True,
        "midtop",
    )
    url = scene.join_text()
    text(
        surface,
        theme,
        theme.fit(url, inner.width, 13),
        (inner.centerx, code.bottom + theme.px(2)),
        13,
        t.MUTED,
        anchor="midtop",
    )
    lines = info_lines(scene)
    line_h = theme.px(19)
    box = Rect(
        inner.x,
        code.bottom + theme.px(24),
        inner.width,
        inner.bottom - code.bottom - theme.px(30) - line_h * len(lines),
    )
    if scene.qr:
        draw_qr(surface, scene.qr, box)
    else:
        paragraph(surface, theme, url, box, 13, t.MUTED)
    y = inner.bottom - line_h * len(lines)
    for line, color in lines:
        text(surface, theme, theme.fit(line, inner.width, 12), (inner.x, y), 12, color)
        y += line_h


def info_lines(scene: ConsoleScene) -> list[tuple[str, t.Color]]:
    """The lines under the QR code: the session, the phase, who watches, how to reopen."""
    model = scene.model
    state = model.facilitator
    config = state.config
    public = model.public
    lines = [
        (f"Scenario {config.scenario} · {config.rounds} years · seed {config.seed}", t.MUTED),
        (
            f"{chrome.PHASE_LABELS.get(model.phase, model.phase)} · year {model.round} "
            f"of {model.rounds}",
            t.MUTED,
        ),
        (f"{state.spectators} projector(s) watching", t.MUTED),
    ]
    if public is not None and public.announcement:
        lines.append((f"On every screen: {public.announcement}", t.BLUE))
    lines += [(line, t.TEXT) for line in scene.token_lines()]
    return lines


def _teams(scene: ConsoleScene, surface: pygame.Surface, rect: Rect, spots: dict) -> None:
    theme, model = scene.theme, scene.model
    state = model.facilitator
    left = model.time_left()
    title = "Teams" + (
        f" · {chrome.clock(left)} left"
        if left is not None and model.phase in ("decisions", "paused")
        else ""
    )
    card(surface, theme, rect, title)
    inner = table_inner(theme, rect)
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
    for label, share in COLUMNS:
        anchor = "topright" if share in (0.88, 1.0) else "topleft"
        x = inner.x + round(inner.width * share)
        text(surface, theme, label.upper(), (x, inner.y), 10, t.MUTED, True, anchor)
    step = row_step(theme)
    for team in [tm for tm in state.teams if not tm.removed]:
        name_spot = spots.get(f"team:{team.team}")
        if name_spot is None:
            break
        y = name_spot.y - 2
        cy = y + step // 2
        if team.team == scene.selected_team:
            band = Rect(inner.x - theme.px(6), y, inner.width + theme.px(12), step)
            pygame.draw.rect(surface, t.SURFACE_ALT, band, border_radius=theme.px(6))
        text(
            surface,
            theme,
            theme.fit(team.team, name_spot.width, 14, True),
            (inner.x, cy),
            14,
            t.ACCENT if team.team == scene.selected_team else t.TEXT,
            True,
            "midleft",
        )
        x = inner.x + round(inner.width * COLUMNS[1][1])
        if team.computer:
            words = f"computer: {team.computer.replace('_', ' ')}"
            if team.players:
                words += f" ({len(team.players)} watching)"
            text(surface, theme, words, (x, cy), 12, t.MUTED, anchor="midleft")
        else:
            for player in team.players:
                spot = spots.get(f"player:{team.team}/{player.id}")
                if spot is None:
                    continue
                chosen = player.id == scene.selected_player
                if chosen:
                    pygame.draw.rect(surface, t.SKY, spot, border_radius=theme.px(5))
                dot = (spot.x + theme.px(6), cy)
                color = t.GREEN if player.connected else t.DISABLED
                pygame.draw.circle(surface, color, dot, theme.px(4))
                shown = theme.fit(player.name, spot.width - theme.px(16), 12, chosen)
                text(
                    surface,
                    theme,
                    shown,
                    (spot.x + theme.px(13), cy),
                    12,
                    t.TEXT,
                    chosen,
                    "midleft",
                )
        status, color = _decision_status(team, model.phase)
        x = inner.x + round(inner.width * COLUMNS[2][1])
        text(surface, theme, status, (x, cy), 12, color, True, "midleft")
        x = inner.x + round(inner.width * COLUMNS[3][1])
        if team.wound_up:  # nothing else holds for a wound-up organization
            text(surface, theme, "wound up", (x, cy), 12, t.VERMILLION, True, "midleft")
        else:
            text(surface, theme, _members(team), (x, cy), 12, t.TEXT, anchor="midleft")
            x = inner.x + round(inner.width * COLUMNS[4][1])
            text(surface, theme, charts.money(team.cash), (x, cy), 12, t.TEXT, anchor="midright")
        text(surface, theme, f"{team.score:.1f}", (inner.right, cy), 13, t.BLUE, True, "midright")
        pygame.draw.line(surface, t.BORDER, (inner.x, y + step), (inner.right, y + step), 1)


def _members(team) -> str:
    return str(team.members)


def _decision_status(team, phase: str) -> tuple[str, t.Color]:
    if team.wound_up:
        return "wound up", t.VERMILLION
    if team.computer:
        return "automatic", t.MUTED
    if phase not in ("decisions", "paused"):
        return "–", t.MUTED
    if team.submitted:
        return "submitted", t.GREEN
    return f"editing (v{team.draft_version})" if team.draft_version else "waiting", t.ORANGE
