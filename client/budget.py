"""The service budget's arithmetic, from the shared draft alone.

The service budget is the sum of the service lines: every teammate reads it from
the same shared draft, so every screen shows the same total. The remainder is
what is left of last year's service budget (the standing policy, the same for
the whole team) after this draft's lines: negative when the draft spends more.
Raising the total scales every line in proportion; a line moves on its own.
The steps and the ceiling are the budget field's metadata (``game.decisions``).
"""

from __future__ import annotations

from game.decisions import field_spec

_BUDGET = field_spec("budget")
STEP = float(_BUDGET.step or 1.0)
TOTAL_STEP = float(_BUDGET.big_step or STEP)
MAX_TOTAL = float(_BUDGET.maximum or 0.0)


def _step(value: float) -> float:
    return float(round(max(0.0, value) / STEP) * STEP)


def allocated(budget: dict[str, float]) -> float:
    """The service budget: the sum of the service lines."""
    return float(sum(budget.values()))


def remainder(budget: dict[str, float], last_year: float) -> float:
    """What is left of last year's service budget after these lines (negative: more spent)."""
    return round(last_year - allocated(budget), 2)


def scale(budget: dict[str, float], last_year: float) -> float:
    """The sliders' full track: last year's service budget, or this draft's when larger."""
    return max(last_year, allocated(budget), STEP)


def set_line(budget: dict[str, float], line: str, value: float) -> dict[str, float]:
    """Return the budget with one line set; the total never passes the field's ceiling."""
    others = allocated(budget) - budget.get(line, 0.0)
    room = max(0.0, MAX_TOTAL - others) if MAX_TOTAL else float("inf")
    return budget | {line: float(min(_step(value), room))}


def set_total(budget: dict[str, float], total: float) -> dict[str, float]:
    """Return the lines scaled in proportion to reach ``total`` (to the step)."""
    total = _step(min(total, MAX_TOTAL) if MAX_TOTAL else total)
    spent = allocated(budget)
    if not budget:
        return {}
    if spent <= 0:
        share = float(int(total / len(budget) / STEP) * STEP)
        return {line: share for line in budget}
    ratio = total / spent  # rounded down, so the lines never pass the total asked for
    return {line: float(int(value * ratio / STEP + 1e-9) * STEP) for line, value in budget.items()}
