"""The typed vocabulary of the cluster economy: segments, services, families, stages, KPIs.

Every other module speaks in these names; scenario files and messages use their
string values, so renaming a member here is a change of the contract.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Segment(StrEnum):
    """The pentagon of member kinds (DOMAIN.md: who the members are)."""

    LARGE_INDUSTRY = "large_industry"
    SME = "sme"
    ACADEMIA = "academia"
    GOVERNMENT = "government"
    STARTUP = "startup"
    CAPITAL = "capital"


SEGMENTS: tuple[Segment, ...] = tuple(Segment)
SEGMENT_INDEX: dict[Segment, int] = {segment: i for i, segment in enumerate(SEGMENTS)}


class ServiceLine(StrEnum):
    """The service lines a board can fund from its budget."""

    MATCHMAKING_EVENTS = "matchmaking_events"
    TRAINING_TALENT = "training_talent"
    COLLABORATIVE_RD = "collaborative_rd"
    INTERNATIONALISATION = "internationalisation"
    STARTUP_PROGRAMS = "startup_programs"
    ACCESS_TO_CAPITAL = "access_to_capital"
    MARKET_INTELLIGENCE = "market_intelligence"
    POLICY_LOBBYING = "policy_lobbying"
    MEMBER_RELATIONS = "member_relations"


SERVICES: tuple[ServiceLine, ...] = tuple(ServiceLine)
SERVICE_INDEX: dict[ServiceLine, int] = {line: i for i, line in enumerate(SERVICES)}


class Family(StrEnum):
    """The three financing mechanisms of level 1 of the business model."""

    PUBLIC = "public"
    PRIVATE = "private"
    PROJECT = "project"


class FundingKind(StrEnum):
    """How a funding catalogue entry is obtained."""

    PROGRAM = "program"  # applied for; a multi-year agreement that may pay operations
    CALL = "call"  # applied for; a project with its own budget, restricted to project costs
    REVENUE_LINE = "revenue_line"  # run by the cluster; earns from members' demand each year


class Stage(IntEnum):
    """The stage of a cluster, from an early network to a global magnet."""

    BABY = 0
    EMERGING = 1
    GROWTH = 2
    SUPERCLUSTER = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Stage:
        return cls[text.upper()]


STAGE_NAMES: tuple[str, ...] = tuple(stage.label for stage in Stage)


class FeeModel(StrEnum):
    """How members pay the cluster organization."""

    NONE = "none"
    FLAT = "flat"
    TIERED = "tiered"  # progressive in company size
    SHARE_PROGRAM = "share_program"  # members buy shares and receive a dividend


class Stress(StrEnum):
    """Financial stress as the evolution map rates it."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Kpi(StrEnum):
    """Value-impact outcomes the cluster adds to its economy."""

    JOBS = "jobs"
    NEW_COMPANIES = "new_companies"
    STARTUPS = "startups"
    MEMBER_REVENUE = "member_revenue"  # million EUR a year added to members' revenue
    EXPORTS = "exports"  # million EUR a year added to members' exports
    CAPITAL_RAISED = "capital_raised"  # million EUR raised by members with the cluster's help
    PUBLIC_FUNDS = "public_funds"  # million EUR of public funds mobilised through the cluster


KPIS: tuple[Kpi, ...] = tuple(Kpi)


class LeaveReason(StrEnum):
    """Why a member left, as the news feed names it."""

    FEES = "fees above the value they saw"
    CONTACT = "too little contact with the cluster"
    RELEVANCE = "the services did not meet their needs"
    HARDSHIP = "their own business was in trouble"
    TURNOVER = "normal turnover: they moved on, merged or changed course"
    WOUND_UP = "the cluster organization was wound up"


class JoinReason(StrEnum):
    """Why organizations joined, as the news feed names it."""

    RECRUITED = "recruitment effort"
    REPUTATION = "word of mouth from engaged members"
    SERVICES = "services that fit their needs"


class Section(StrEnum):
    """The sections of the decisions screen; every decision field belongs to one."""

    BUDGET_STAFF = "budget_staff"
    FEES_REVENUE = "fees_revenue"
    FUNDING = "funding"
    MEMBERS_STRATEGY = "members_strategy"
    EVENTS = "events"


class Topic(StrEnum):
    """What a news item is about; a decision field names the topics its effects appear under."""

    FEES = "fees"
    SERVICES = "services"
    STAFF = "staff"
    FUNDING = "funding"
    PROJECTS = "projects"
    MEMBERS = "members"
    CONTACT = "contact"
    CASH = "cash"
    EVENTS = "events"
    STRATEGY = "strategy"
    IMPACT = "impact"
    STAGE = "stage"


COST_LINES: tuple[str, ...] = ("staff", "operations", "projects", "other")

# ---------------------------------------------------------------- display names
# The one place display names live: the clients, the debrief and the news read
# them from here, and the protocol sends them (``labels``). Labels are written
# for a heading or a control; ``in_sentence`` turns one into running text.

SEGMENT_LABELS: dict[str, str] = {
    Segment.LARGE_INDUSTRY: "Large companies",
    Segment.SME: "SMEs",
    Segment.ACADEMIA: "Knowledge institutions",
    Segment.GOVERNMENT: "Public sector",
    Segment.STARTUP: "Startups",
    Segment.CAPITAL: "Capital",
}
SEGMENT_SHORT: dict[str, str] = {
    Segment.LARGE_INDUSTRY: "Large",
    Segment.SME: "SMEs",
    Segment.ACADEMIA: "Knowledge",
    Segment.GOVERNMENT: "Public",
    Segment.STARTUP: "Startups",
    Segment.CAPITAL: "Capital",
}
SEGMENT_NOUNS: dict[str, tuple[str, str]] = {
    Segment.LARGE_INDUSTRY: ("large company", "large companies"),
    Segment.SME: ("SME", "SMEs"),
    Segment.ACADEMIA: ("university or institute", "universities and institutes"),
    Segment.GOVERNMENT: ("public body", "public bodies"),
    Segment.STARTUP: ("startup", "startups"),
    Segment.CAPITAL: ("investor", "investors"),
}
SERVICE_LABELS: dict[str, str] = {
    ServiceLine.MATCHMAKING_EVENTS: "Matchmaking and events",
    ServiceLine.TRAINING_TALENT: "Training and talent",
    ServiceLine.COLLABORATIVE_RD: "Collaborative R&D",
    ServiceLine.INTERNATIONALISATION: "Internationalisation",
    ServiceLine.STARTUP_PROGRAMS: "Startup programs",
    ServiceLine.ACCESS_TO_CAPITAL: "Access to capital",
    ServiceLine.MARKET_INTELLIGENCE: "Market intelligence",
    ServiceLine.POLICY_LOBBYING: "Policy and lobbying",
    ServiceLine.MEMBER_RELATIONS: "Member relations",
}
KPI_LABELS: dict[str, str] = {
    Kpi.JOBS: "Jobs created",
    Kpi.NEW_COMPANIES: "New companies",
    Kpi.STARTUPS: "Startups",
    Kpi.MEMBER_REVENUE: "Member revenue",
    Kpi.EXPORTS: "Exports",
    Kpi.CAPITAL_RAISED: "Capital raised",
    Kpi.PUBLIC_FUNDS: "Public funds",
}
KPI_UNITS: dict[str, str] = {
    Kpi.JOBS: "",
    Kpi.NEW_COMPANIES: "",
    Kpi.STARTUPS: "",
    Kpi.MEMBER_REVENUE: "M EUR/yr",
    Kpi.EXPORTS: "M EUR/yr",
    Kpi.CAPITAL_RAISED: "M EUR",
    Kpi.PUBLIC_FUNDS: "M EUR",
}
FAMILY_LABELS: dict[str, str] = {
    Family.PUBLIC: "Public",
    Family.PRIVATE: "Private",
    Family.PROJECT: "Project",
}
COST_LABELS: dict[str, str] = {
    "staff": "Staff",
    "operations": "Operations and services",
    "projects": "Projects",
    "other": "Other",
}
COMPONENT_LABELS: dict[str, str] = {
    "impact": "Value impact",
    "sustainability": "Financial sustainability",
    "engagement": "Member engagement",
    "diversification": "Diversification",
}
FEE_MODEL_LABELS: dict[str, str] = {
    FeeModel.NONE: "No fee",
    FeeModel.FLAT: "Flat",
    FeeModel.TIERED: "By size",
    FeeModel.SHARE_PROGRAM: "Share program",
}
SECTION_LABELS: dict[str, str] = {
    Section.BUDGET_STAFF: "Budget and staff",
    Section.FEES_REVENUE: "Fees and revenue",
    Section.FUNDING: "Funding",
    Section.MEMBERS_STRATEGY: "Members and strategy",
    Section.EVENTS: "Event responses",
}
TOPIC_LABELS: dict[str, str] = {topic: topic.value.capitalize() for topic in Topic}
STAGE_LABELS: dict[str, str] = {stage.label: stage.label.capitalize() for stage in Stage}

VOCABULARY: dict[str, dict[str, str]] = {
    "segments": SEGMENT_LABELS,
    "segments_short": SEGMENT_SHORT,
    "segments_one": {k: one for k, (one, _) in SEGMENT_NOUNS.items()},
    "segments_many": {k: many for k, (_, many) in SEGMENT_NOUNS.items()},
    "services": SERVICE_LABELS,
    "kpis": KPI_LABELS,
    "kpi_units": KPI_UNITS,
    "families": FAMILY_LABELS,
    "costs": COST_LABELS,
    "components": COMPONENT_LABELS,
    "fee_models": FEE_MODEL_LABELS,
    "sections": SECTION_LABELS,
    "topics": TOPIC_LABELS,
    "stages": STAGE_LABELS,
}


def vocabulary() -> dict[str, dict[str, str]]:
    """Return every display name as plain data, keyed by what it names and then by id."""
    return {kind: {str(k): v for k, v in names.items()} for kind, names in VOCABULARY.items()}


def label(kind: str, key: str) -> str:
    """Return the display name of an id, or a readable form of the id when it has none."""
    return VOCABULARY[kind].get(key, key.replace("_", " ").capitalize())


def in_sentence(text: str) -> str:
    """Return a label as running text: "Member relations" -> "member relations", "SMEs" stays."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def kpi_label(kpi: str, unit: bool = True) -> str:
    """Return a KPI's name, with its unit in brackets when it has one."""
    name = label("kpis", kpi)
    shown = KPI_UNITS.get(kpi, "")
    return f"{name} ({shown})" if unit and shown else name
