"""The budget sliders' arithmetic: the service lines never add up to more than the budget.

The board sets a total budget and shares it over the service lines; what is
not shared is the remainder, so ``sum(lines) + remainder == total`` always.
Raising a line takes from the remainder only, never silently from another line.
The steps and the ceiling are the budget field's metadata (``game.decisions``).
"""

from __future__ import annotations

from game.decisions import field_spec

_BUDGET = field_spec("budget")
STEP = float(_BUDGET.step or 1.0)
TOTAL_STEP = float(_BUDGET.big_step or STEP)
MAX_TOTAL = float(_BUDGET.maximum or 0.0)


def allocated(budget: dict[str, float]) -> float:
    return float(sum(budget.values()))


def remainder(budget: dict[str, float], total: float) -> float:
    """Return the part of the budget not shared out (never negative)."""
    return max(0.0, total - allocated(budget))


def set_line(budget: dict[str, float], line: str, value: float, total: float) -> dict[str, float]:
    """Return the budget with one line set, capped at what the remainder allows."""
    others = allocated(budget) - budget.get(line, 0.0)
    room = max(0.0, total - others)
    value = round(max(0.0, value) / STEP) * STEP
    return budget | {line: float(min(value, room))}


def set_total(budget: dict[str, float], total: float) -> tuple[dict[str, float], float]:
    """Return the budget and total after a change of total; lines shrink to fit if needed."""
    total = float(round(max(0.0, min(total, MAX_TOTAL)) / STEP) * STEP)
    spent = allocated(budget)
    if spent <= total:
        return dict(budget), total
    ratio = total / spent if spent else 0.0
    shrunk = {line: float(int(v * ratio / STEP) * STEP) for line, v in budget.items()}
    return shrunk, total


def total_for(budget: dict[str, float], chosen: float | None) -> float:
    """Return the total to show: the board's chosen total, never below what is shared out."""
    spent = allocated(budget)
    return spent if chosen is None else max(chosen, spent)
