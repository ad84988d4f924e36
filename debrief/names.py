"""Readable names for the vocabulary's ids, as the report's charts and tables print them."""

from __future__ import annotations

from game.news import PLURAL
from game.vocabulary import Kpi, Segment, ServiceLine

SEGMENT_NAMES: dict[str, str] = {s.value: PLURAL[s][1] for s in Segment}
SERVICE_NAMES: dict[str, str] = {
    ServiceLine.MATCHMAKING_EVENTS: "matchmaking and events",
    ServiceLine.TRAINING_TALENT: "training and talent",
    ServiceLine.COLLABORATIVE_RD: "collaborative R&D",
    ServiceLine.INTERNATIONALISATION: "internationalisation",
    ServiceLine.STARTUP_PROGRAMS: "startup programs",
    ServiceLine.ACCESS_TO_CAPITAL: "access to capital",
    ServiceLine.MARKET_INTELLIGENCE: "market intelligence",
    ServiceLine.POLICY_LOBBYING: "policy and lobbying",
    ServiceLine.MEMBER_RELATIONS: "member relations",
}
KPI_NAMES: dict[str, str] = {
    Kpi.JOBS: "jobs",
    Kpi.NEW_COMPANIES: "new companies",
    Kpi.STARTUPS: "startups",
    Kpi.MEMBER_REVENUE: "member revenue (M EUR a year)",
    Kpi.EXPORTS: "exports (M EUR a year)",
    Kpi.CAPITAL_RAISED: "capital raised (M EUR)",
    Kpi.PUBLIC_FUNDS: "public funds mobilised (M EUR)",
}
COMPONENT_NAMES: dict[str, str] = {
    "impact": "value impact",
    "sustainability": "financial sustainability",
    "engagement": "member engagement",
    "diversification": "diversification",
}
COST_NAMES: dict[str, str] = {
    "staff": "staff",
    "operations": "operations and services",
    "projects": "projects",
    "other": "other",
}


def segment_name(segment: str) -> str:
    return SEGMENT_NAMES.get(segment, segment.replace("_", " "))


def service_name(line: str) -> str:
    return SERVICE_NAMES.get(line, line.replace("_", " "))


def kpi_name(kpi: str) -> str:
    return KPI_NAMES.get(kpi, kpi.replace("_", " "))


def euros(amount: float) -> str:
    """Return an amount the way the report prints money: 1,234,567 EUR."""
    return f"{amount:,.0f} EUR"


def percent(value: float) -> str:
    return f"{value:.0f} %"
