"""Readable names for the vocabulary's ids, as the report's charts and tables print them.

The names themselves live in ``game.vocabulary``; the report writes them in
running text, so they are lower-cased here (``in_sentence``).
"""

from __future__ import annotations

from game.vocabulary import (
    COMPONENT_LABELS,
    COST_LABELS,
    SEGMENT_NOUNS,
    in_sentence,
    kpi_label,
    label,
)

SEGMENT_NAMES: dict[str, str] = {str(s): many for s, (_, many) in SEGMENT_NOUNS.items()}
COMPONENT_NAMES: dict[str, str] = {k: in_sentence(v) for k, v in COMPONENT_LABELS.items()}
COST_NAMES: dict[str, str] = {k: in_sentence(v) for k, v in COST_LABELS.items()}


def segment_name(segment: str) -> str:
    return SEGMENT_NAMES.get(segment, segment.replace("_", " "))


def service_name(line: str) -> str:
    return in_sentence(label("services", line))


def kpi_name(kpi: str) -> str:
    return in_sentence(kpi_label(kpi))


def euros(amount: float) -> str:
    """Return an amount the way the report prints money: 1,234,567 EUR."""
    return f"{amount:,.0f} EUR"


def percent(value: float) -> str:
    return f"{value:.0f} %"
