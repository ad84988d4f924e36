"""Teams and players of a session: who plays which cluster, and who may act for it."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import TypeVar

from pydantic import BaseModel

from game.decisions import Decisions
from game.report import RoundReport
from game.state import ClusterState
from protocol.phases import Role

M = TypeVar("M", bound=BaseModel)


@dataclass
class Player:
    id: str
    name: str
    team: str  # the team's key
    token_hash: str
    removed: bool = False
    # for grading, one entry per year played (practice rounds not counted):
    years: list[int] = field(default_factory=list)  # the years resolved while on a team
    teams: list[str] = field(default_factory=list)  # the team's name in each of those years
    connected: list[int] = field(default_factory=list)  # years connected at some point
    submitted: list[int] = field(default_factory=list)  # years whose decisions they submitted


@dataclass
class Submitted:
    round: int
    by: str  # player id
    decisions: Decisions


@dataclass
class Team:
    """One team's parallel world: its cluster, its shared draft, its submission, its reports."""

    name: str
    seat: int  # order of creation; computer-run teams draw their numbers by seat
    state: ClusterState  # after the last resolved round
    computer: str | None = None  # strategy name when computer-run
    removed: bool = False
    open_state: ClusterState | None = None  # with this round's cards in force, while open
    draft: Decisions = field(default_factory=Decisions)
    draft_version: int = 0
    submission: Submitted | None = None
    reports: list[bytes] = field(default_factory=list)  # every report, packed
    unpacked: RoundReport | None = None  # the last report while one command runs
    players: list[str] = field(default_factory=list)  # player ids, in order of joining
    # the game score with the state and weights it was computed for (see views.score)
    score_memo: tuple[ClusterState, dict[str, float], float] | None = None

    @property
    def key(self) -> str:
        return team_key(self.name)

    @property
    def active(self) -> bool:
        return not self.removed

    @property
    def waiting_for(self) -> bool:
        """True while the round cannot resolve without this team's submission."""
        return (
            self.active
            and self.computer is None
            and self.submission is None
            and bool(self.players)  # a named team nobody has joined (yet) carries on
            and not self.current_state().wound_up  # a wound-up organization decides nothing
        )

    def current_state(self) -> ClusterState:
        return self.open_state if self.open_state is not None else self.state

    def last_report(self) -> RoundReport | None:
        if self.unpacked is None and self.reports:
            self.unpacked = unpack(RoundReport, self.reports[-1])
        return self.unpacked

    def forget(self) -> None:
        """Drop the unpacked report: kept for one command, not between commands."""
        self.unpacked = None

    def add_report(self, report: RoundReport) -> None:
        self.reports.append(pack(report))
        self.unpacked = report

    def all_reports(self) -> list[RoundReport]:
        return [unpack(RoundReport, packed) for packed in self.reports]

    def clear_round(self) -> None:
        self.open_state = None
        self.draft = Decisions()
        self.draft_version = 0
        self.submission = None


@dataclass(frozen=True)
class Principal:
    """Who sent a message: the facilitator, a player (with the team) or a spectator."""

    role: Role
    actor: str | None = None  # "facilitator" or a player id; None for spectators
    team: str | None = None  # the team's key, for players


FACILITATOR = Principal(Role.FACILITATOR, "facilitator")
SPECTATOR = Principal(Role.SPECTATOR)


def pack(model: BaseModel) -> bytes:
    """Return a model as compressed JSON: a session keeps every round's reports and
    newspapers, and as objects they would cost a server ten times the memory."""
    return zlib.compress(model.model_dump_json().encode(), 1)


def unpack(kind: type[M], packed: bytes) -> M:
    return kind.model_validate_json(zlib.decompress(packed))


def team_key(name: str) -> str:
    """Return the key teams are known by: names differing only in case are one team."""
    return " ".join(name.split()).casefold()
