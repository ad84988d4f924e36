"""The report's charts: matplotlib figures drawn off-screen (Agg) and returned as PNG bytes.

Each function takes the series of ``debrief.series`` and returns one PNG. No
pyplot: every figure is its own ``Figure`` on an Agg canvas, so drawing keeps
no global state and needs no display. Text is never read as mathematics, so a
team called ``$100`` prints as it is written.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from debrief.names import COMPONENT_NAMES, COST_NAMES, kpi_name, segment_name
from debrief.series import (
    FAMILIES,
    EvolutionPhase,
    FinancingModel,
    RoadmapLine,
    Scorecard,
    TeamSeries,
)
from game.scoring import COMPONENTS

DPI = 130
WIDTH = 5.2  # inches: half of the page, so that the text prints at a readable size
WIDE = 9.0  # inches: the page's full width
INK = "#1f2933"
MUTED = "#6b7785"
GRID = "#d9dee4"
FAMILY_COLORS = {"public": "#3569a8", "private": "#3f9a6b", "project": "#e09b2d"}
STRESS_COLORS = {"low": "#3f9a6b", "medium": "#e0a32d", "high": "#c8453a"}
COST_COLORS = {
    "staff": "#4a5d7e",
    "operations": "#8da2bf",
    "projects": "#b59a5b",
    "other": "#c3c9d1",
}
COMPONENT_COLORS = {
    "impact": "#3569a8",
    "sustainability": "#3f9a6b",
    "engagement": "#8c6bb1",
    "diversification": "#e09b2d",
}
SEGMENT_COLORS = ["#35618f", "#7fa7d6", "#8c6bb1", "#9aa5b1", "#e07b39", "#2a9d8f"]
STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "axes.titlesize": 9.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.edgecolor": GRID,
    "axes.labelcolor": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "axes.axisbelow": True,
    "grid.color": GRID,
    "grid.linewidth": 0.6,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "text.color": INK,
    "text.parse_math": False,
    "legend.frameon": False,
    "legend.fontsize": 7.5,
    "savefig.facecolor": "white",
}


@contextmanager
def _figure(width: float, height: float) -> Iterator[Figure]:
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(width, height), layout="constrained")
        FigureCanvasAgg(figure)
        yield figure


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _short(name: str, length: int = 22) -> str:
    return name if len(name) <= length else name[: length - 1] + "…"


def _rounds_axis(axes: Any, rounds: Sequence[int]) -> None:
    axes.set_xticks(list(rounds))
    axes.set_xlabel("year")
    if rounds:
        axes.set_xlim(min(rounds) - 0.5, max(rounds) + 0.5)


def _thousands(axes: Any) -> None:
    axes.yaxis.set_major_formatter(FuncFormatter(_money_tick))


def _money_tick(value: float, _: int) -> str:
    if abs(value) >= 1e6:
        return f"{value / 1e6:.1f} M"
    if abs(value) >= 1e3:
        return f"{value / 1e3:.0f} k"
    return f"{value:.0f}"


# ---------------------------------------------------------------- one team


def evolution_chart(phases: Sequence[EvolutionPhase]) -> bytes:
    """Draw the evolution map: the financing mix of each period, with its stress level."""
    with _figure(WIDTH, 3.0) as figure:
        axes = figure.add_subplot()
        labels = [phase.label for phase in phases]
        for x, phase in enumerate(phases):
            if not phase.rounds:
                axes.bar(x, 100, width=0.6, color="white", edgecolor=GRID, hatch="///")
                note = "beyond this game" if phase.status == "beyond" else "not yet played"
                axes.text(x, 50, note, ha="center", va="center", color=MUTED)
                continue
            bottom = 0.0
            for family in FAMILIES:
                share = phase.mix[family]
                axes.bar(x, share, bottom=bottom, width=0.6, color=FAMILY_COLORS[family])
                if share >= 9:
                    axes.text(
                        x, bottom + share / 2, f"{share:.0f} %", ha="center", va="center",
                        color="white", fontweight="bold",
                    )  # fmt: skip
                bottom += share
            stress = phase.stress or "low"
            axes.text(
                x, 104, f"stress: {stress}", ha="center", va="bottom", fontweight="bold",
                color=STRESS_COLORS.get(stress, INK),
            )  # fmt: skip
            if phase.status == "partial":
                labels[x] += "\n(under way)"
        axes.set_xticks(range(len(phases)), labels)
        axes.set_ylim(0, 115)
        axes.set_yticks([0, 25, 50, 75, 100], ["0", "25", "50", "75", "100 %"])
        axes.set_title("Evolution map: financing mix and stress")
        _family_legend(axes)
        return _png(figure)


def _family_legend(axes: Any, **where: Any) -> None:
    handles = [Patch(color=FAMILY_COLORS[f], label=f) for f in FAMILIES]
    axes.legend(
        handles=handles, ncols=3, loc=where.get("loc", "upper right"),
        bbox_to_anchor=where.get("anchor", (1.0, -0.12)),
    )  # fmt: skip


def financing_model_chart(model: FinancingModel, labels: dict[str, str]) -> bytes:
    """Draw the financing model: the last year's revenue by source and costs by kind."""
    with _figure(WIDTH, 3.0) as figure:
        axes = figure.add_subplot()
        axes.grid(False)
        shade: dict[str, int] = {}
        left = 0.0
        for part in model.revenue:
            family = part.family or "private"
            tone = shade.get(family, 0)
            shade[family] = tone + 1
            color = _lighter(FAMILY_COLORS.get(family, MUTED), 0.18 * tone)
            axes.barh(1, part.share, left=left, color=color, edgecolor="white", height=0.55)
            if part.share >= 12:
                axes.text(
                    left + part.share / 2, 1, _short(labels.get(part.key, part.key), 16)
                    + f"\n{part.share:.0f} %", ha="center", va="center", color="white", fontsize=7,
                )  # fmt: skip
            left += part.share
        left = 0.0
        for part in model.costs:
            color = COST_COLORS[part.key]
            axes.barh(0, part.share, left=left, color=color, edgecolor="white", height=0.55)
            if part.share >= 10:
                axes.text(
                    left + part.share / 2, 0, f"{COST_NAMES[part.key]}\n{part.share:.0f} %",
                    ha="center", va="center", color="white", fontsize=7,
                )  # fmt: skip
            left += part.share
        axes.set_yticks([0, 1], ["costs", "revenue"])
        axes.set_xlim(0, 100)
        axes.set_xticks([0, 25, 50, 75, 100], ["0", "25", "50", "75", "100 %"])
        axes.set_title(f"Financing model in year {model.round}")
        handles = [Patch(color=FAMILY_COLORS[f], label=f) for f in FAMILIES]
        handles += [Patch(color=COST_COLORS[k], label=COST_NAMES[k]) for k in COST_COLORS]
        axes.legend(handles=handles, ncols=4, loc="upper center", bbox_to_anchor=(0.5, -0.18))
        return _png(figure)


def _lighter(color: str, amount: float) -> tuple[float, float, float]:
    red, green, blue = to_rgb(color)
    amount = min(amount, 0.7)
    return (red + (1 - red) * amount, green + (1 - green) * amount, blue + (1 - blue) * amount)


def roadmap_chart(lines: Sequence[RoadmapLine], rounds: int) -> bytes:
    """Draw the value impact roadmap: each outcome achieved against the target's path."""
    with _figure(WIDE, 3.6) as figure:
        grid = figure.subplots(2, 4)
        figure.suptitle(
            "Value impact roadmap: achieved against target", x=0.01, ha="left",
            fontweight="bold", fontsize=9.5,
        )  # fmt: skip
        cells = list(grid.flat)
        for axes, line in zip(cells, lines, strict=False):
            years = list(range(0, len(line.achieved) + 1))
            axes.plot(years, [0.0, *line.achieved], color=FAMILY_COLORS["public"], linewidth=1.8)
            if line.target:
                path = [line.target * y / rounds for y in range(0, rounds + 1)]
                axes.plot(range(0, rounds + 1), path, color=MUTED, linestyle="--", linewidth=1)
            name = kpi_name(line.kpi)
            axes.set_title(name, fontsize=8, fontweight="normal")
            axes.set_xlim(0, rounds)
            top = max([*line.achieved, line.target or 0.0, 0.0])
            axes.set_ylim(0, top * 1.08 if top > 0 else 1.0)
            axes.tick_params(labelsize=6.5)
        legend = cells[-1]
        legend.axis("off")
        legend.legend(
            handles=[
                Line2D([], [], color=FAMILY_COLORS["public"], label="achieved"),
                Line2D([], [], color=MUTED, linestyle="--", label="target path"),
            ],
            loc="center",
        )
        return _png(figure)


def members_chart(series: TeamSeries) -> bytes:
    """Draw the members by segment, stacked, over the years."""
    with _figure(WIDTH, 3.0) as figure:
        axes = figure.add_subplot()
        segments = list(series.members_by_segment)
        axes.stackplot(
            series.rounds,
            [series.members_by_segment[s] for s in segments],
            labels=[segment_name(s) for s in segments],
            colors=SEGMENT_COLORS[: len(segments)],
            alpha=0.92,
        )
        _rounds_axis(axes, series.rounds)
        axes.set_ylabel("members")
        axes.set_title("Members by segment")
        axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
        return _png(figure)


def cash_chart(series: TeamSeries) -> bytes:
    """Draw the cash at each year's end, coloured by financial stress, and any loan."""
    with _figure(WIDTH, 3.0) as figure:
        axes = figure.add_subplot()
        colors = [STRESS_COLORS.get(level, MUTED) for level in series.stress]
        axes.bar(series.rounds, series.cash, color=colors, width=0.62)
        if any(series.loan):
            axes.plot(series.rounds, series.loan, color=INK, linestyle="--", marker="o", ms=3)
        axes.axhline(0, color=MUTED, linewidth=0.8)
        _rounds_axis(axes, series.rounds)
        _thousands(axes)
        axes.set_ylabel("EUR")
        axes.set_title("Cash at the end of each year")
        handles = [Patch(color=STRESS_COLORS[s], label=f"{s} stress") for s in STRESS_COLORS]
        if any(series.loan):
            handles.append(Line2D([], [], color=INK, linestyle="--", label="loan"))
        axes.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        return _png(figure)


# ---------------------------------------------------------------- across teams


def scorecard_chart(rows: Sequence[tuple[str, Scorecard]]) -> bytes:
    """Draw each team's score as the weighted parts of its scorecard, best first."""
    height = 1.3 + 0.42 * len(rows)
    with _figure(WIDE, height) as figure:
        axes = figure.add_subplot()
        axes.grid(axis="x")
        axes.grid(axis="y", visible=False)
        for y, (_, card) in enumerate(reversed(rows)):
            left = 0.0
            for component in COMPONENTS:
                part = card.weighted[component]
                axes.barh(y, part, left=left, color=COMPONENT_COLORS[component], height=0.6)
                left += part
            axes.text(left + 0.8, y, f"{card.score:.1f}", va="center", fontweight="bold")
        axes.set_yticks(range(len(rows)), [_short(name, 28) for name, _ in reversed(rows)])
        top = max((card.score for _, card in rows), default=0.0)
        axes.set_xlim(0, max(top * 1.12, 10))
        axes.set_xlabel("game score: the weighted parts add up to it")
        figure.suptitle("Scorecard", x=0.01, ha="left", fontweight="bold", fontsize=9.5)
        handles = [Patch(color=COMPONENT_COLORS[c], label=COMPONENT_NAMES[c]) for c in COMPONENTS]
        figure.legend(handles=handles, ncols=4, loc="outside lower center")
        return _png(figure)


def mix_trajectories_chart(teams: Sequence[tuple[str, TeamSeries]]) -> bytes:
    """Draw every team's financing mix over the years, side by side on the same axes."""
    columns = min(max(len(teams), 1), 4)
    rows = (len(teams) + columns - 1) // columns
    with _figure(WIDE, 0.7 + 2.1 * rows) as figure:
        grid = figure.subplots(rows, columns, squeeze=False, sharey=True)
        figure.suptitle(
            "Financing mix over the years", x=0.01, ha="left", fontweight="bold", fontsize=9.5
        )
        cells = list(grid.flat)
        for axes, (name, series) in zip(cells, teams, strict=False):
            axes.stackplot(
                series.rounds,
                [series.financing_mix[f] for f in FAMILIES],
                colors=[FAMILY_COLORS[f] for f in FAMILIES],
            )
            axes.set_title(_short(name, 24), fontsize=8)
            axes.set_ylim(0, 100)
            axes.set_xticks(series.rounds)
            axes.tick_params(labelsize=6.5)
            if series.rounds:
                axes.set_xlim(min(series.rounds), max(max(series.rounds), min(series.rounds) + 1))
        for axes in cells[len(teams) :]:
            axes.axis("off")
        handles = [Patch(color=FAMILY_COLORS[f], label=f"{f} %") for f in FAMILIES]
        figure.legend(handles=handles, ncols=3, loc="outside lower center")
        return _png(figure)


def impact_sustainability_chart(points: Sequence[tuple[str, float, float, int]]) -> bytes:
    """Draw value impact against financial sustainability: (team, x, y, rank) per point."""
    with _figure(WIDTH, 4.0) as figure:
        axes = figure.add_subplot()
        axes.grid(True, axis="both")
        axes.axhline(50, color=GRID, linewidth=1)
        axes.axvline(50, color=GRID, linewidth=1)
        for name, x, y, rank in points:
            color = COMPONENT_COLORS["impact"] if rank == 1 else MUTED
            axes.scatter([x], [y], s=70, color=color, zorder=3, edgecolor="white")
            axes.annotate(
                f"{rank}. {_short(name, 20)}", (x, y), xytext=(6, 5), textcoords="offset points",
                fontsize=7.5,
            )  # fmt: skip
        axes.set_xlim(0, 100)
        axes.set_ylim(0, 100)
        axes.set_xlabel("financial sustainability (mean score, 0-100)")
        axes.set_ylabel("value impact (mean score, 0-100)")
        axes.set_title("Value impact against financial sustainability")
        axes.text(98, 97, "impact and sustainable", ha="right", va="top", color=MUTED, fontsize=7)
        axes.text(2, 3, "neither", ha="left", va="bottom", color=MUTED, fontsize=7)
        return _png(figure)
