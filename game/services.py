"""Service delivery: what the budget, the staff and the events let each line deliver.

A line's quality is the share of its full value a using member receives: it
saturates as spending per user grows, shrinks when staff cannot deliver, and is
raised by strategic focus (a few focus areas concentrate effort; five dilute it).
"""

from __future__ import annotations

import numpy as np

from game.economy import ServiceEconomy
from game.rows import clip
from game.scenario import FocusArea
from game.vocabulary import SERVICES, ServiceLine


def spend_vector(budget: dict[ServiceLine, float]) -> np.ndarray:
    return np.array([budget.get(line, 0.0) for line in SERVICES], dtype=np.float64)


def staff_needed(spend: np.ndarray, rules: ServiceEconomy) -> float:
    """Return the FTE a budget needs to be delivered."""
    per_100k = np.array([rules.staff_fte_per_100k[line] for line in SERVICES])
    return float(spend @ per_100k / 100_000.0)


def focus_vector(focus_ids: tuple[str, ...], areas: list[FocusArea], boost: float) -> np.ndarray:
    """Return the effectiveness multiplier per line from the chosen focus areas."""
    chosen = [area for area in areas if area.id in focus_ids]
    factor = np.ones(len(SERVICES))
    if not chosen:
        return factor
    for area in chosen:
        for line in area.services:
            factor[SERVICES.index(line)] += boost / len(chosen)
    return factor


def quality(
    spend: np.ndarray,
    users: np.ndarray,
    delivery: float,
    multipliers: np.ndarray,
    rules: ServiceEconomy,
) -> np.ndarray:
    """Return each line's quality in 0..1 for the year."""
    unit = np.array([rules.unit_cost[line] for line in SERVICES])
    intensity = spend * delivery / (np.maximum(users, 1.0) * unit)
    return clip((1.0 - np.exp(-intensity)) * multipliers, 0.0, 1.0)
