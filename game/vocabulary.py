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
