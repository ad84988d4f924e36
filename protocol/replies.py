"""Server-to-client messages: replies to requests, and views pushed on every change.

A reply carries ``reply_to``, the client message id of the request it answers.
Views (``team_state``, ``public_state``, ``facilitator_state``) are built by the
pure functions of ``views.py`` just before sending; a team's state never reaches
another team.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from game.decisions import Decisions, decision_fields
from game.forecast import Forecast
from game.metadata import FieldSpec
from game.report import RoundReport
from game.view import TeamView
from game.vocabulary import vocabulary
from protocol.phases import MissingPolicy, Phase, Role


class Reply(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reply_to: str | None = None


class ErrorDetail(BaseModel):
    field: str
    problem: str


class Error(Reply):
    """A refused request; the session state is unchanged."""

    type: Literal["error"] = "error"
    code: str = Field(description="Stable error code, see docs/protocol.md.")
    message: str
    details: list[ErrorDetail] = Field(default_factory=list)


class Welcome(Reply):
    """The answer to a first message: who the connection is, and (once) its secret token."""

    type: Literal["welcome"] = "welcome"
    protocol: int
    role: Role
    session: str
    code: str
    team: str | None = None
    player: str | None = None
    token: str | None = Field(None, description="Sent once, on create or join; keep it secret.")


class Briefing(Reply):
    """The session's scenario as its players read it, sent once per connection after
    ``labels``: no client needs the scenario files to show the briefing."""

    type: Literal["briefing"] = "briefing"
    scenario: str = Field(description="The scenario's id.")
    name: str
    category: str = Field(description="grow, transform or build.")
    rounds: int
    summary: str
    briefing: str = Field(description="The story, paragraphs separated by a blank line.")
    lesson: str = Field(description="What the scenario teaches, for the debrief.")


class Labels(Reply):
    """Display names and every decision field's metadata, sent once per connection.

    A client builds its decision controls from ``fields`` (label, unit, step,
    bounds, section) and names every id it shows from ``vocabulary`` (segments,
    services, KPIs, fee models, cost lines, ...), so none of it is written twice.
    """

    type: Literal["labels"] = "labels"
    vocabulary: dict[str, dict[str, str]] = Field(
        description="Display name per id, per kind of id (segments, services, kpis, ...)."
    )
    fields: list[FieldSpec] = Field(description="Every decision field, groups first.")


def labels_reply() -> Labels:
    """Return the ``labels`` message: the vocabulary and the decision fields' metadata."""
    return Labels(vocabulary=vocabulary(), fields=decision_fields())


class Ack(Reply):
    """The request was accepted and is in the event log (``seq``)."""

    type: Literal["ack"] = "ack"
    seq: int


class Timer(BaseModel):
    phase: Phase
    round: int = Field(description="The current round; 0 before the first one opens.")
    rounds: int
    practice: bool
    deadline: float | None = Field(None, description="Server clock (Unix seconds).")
    remaining: float | None = Field(None, description="Seconds left, frozen while paused.")
    waiting: list[str] = Field(
        default_factory=list, description="Active teams the open round still waits for."
    )


class PlayerInfo(BaseModel):
    id: str
    name: str
    connected: bool


class Submission(BaseModel):
    round: int
    by: str
    decisions: Decisions


class NewspaperRow(BaseModel):
    team: str
    members: list[str] = Field(description="Display names of the team's players.")
    computer: bool
    budget: float = Field(description="The cluster's spending this round (EUR).")
    financing_mix: dict[str, float]
    stage: str
    score: float
    rank: int


class Newspaper(BaseModel):
    round: int
    practice: bool
    rows: list[NewspaperRow]


class LeaderboardRow(BaseModel):
    rank: int
    team: str
    score: float


class TeamState(Reply):
    """One team's private view: its cluster, shared draft, submission and reports."""

    type: Literal["team_state"] = "team_state"
    timer: Timer
    team: str
    players: list[PlayerInfo]
    computer: str | None = Field(None, description="The strategy, when computer-run.")
    removed: bool
    view: TeamView
    draft: Decisions
    draft_version: int
    problems: list[ErrorDetail]
    submission: Submission | None
    reports: list[RoundReport] | None = Field(None, description="Every report; in full views.")
    forecast: Forecast | None = Field(
        None, description="Next year under the shared draft (no random events); while deciding."
    )
    forecast_pending: bool = Field(
        False, description="The draft's forecast is being computed; a `forecast` message follows."
    )
    version: int = Field(
        0, description="The view's version: a `patch` with this `base` applies to it."
    )


class DraftChanged(BaseModel):
    """A teammate edited the shared draft."""

    type: Literal["draft"] = "draft"
    round: int
    draft: Decisions
    version: int
    edited_by: str
    problems: list[ErrorDetail]
    forecast: Forecast | None = Field(None, description="Next year under this draft.")
    forecast_pending: bool = Field(
        False,
        description="A `forecast` message follows once the draft has settled (for the version "
        "then current).",
    )


class ForecastReady(BaseModel):
    """The forecast of a draft version that a `draft` or `team_state` said would follow."""

    type: Literal["forecast"] = "forecast"
    round: int
    version: int
    forecast: Forecast | None


class Submitted(BaseModel):
    """The team's submission for the round was recorded (it replaces any earlier one)."""

    type: Literal["submitted"] = "submitted"
    submission: Submission


class TimerChanged(BaseModel):
    type: Literal["timer"] = "timer"
    timer: Timer


class PublicState(Reply):
    """What the projector may show: timer, leaderboard, the public newspapers."""

    type: Literal["public_state"] = "public_state"
    timer: Timer
    teams: list[str]
    leaderboard: list[LeaderboardRow]
    newspaper: Newspaper | None = Field(None, description="The latest round's newspaper.")
    history: list[Newspaper] | None = Field(None, description="Every newspaper; in full views.")
    facilitator_present: bool = Field(
        True, description="False while no facilitator console is connected (the game waits)."
    )
    announcement: str | None = Field(
        None, description="The facilitator's latest broadcast, for every screen; null: none."
    )
    version: int = Field(
        0, description="The view's version: a `patch` with this `base` applies to it."
    )


class TeamStatus(BaseModel):
    team: str
    seat: int
    computer: str | None
    removed: bool
    players: list[PlayerInfo]
    submitted: bool
    submitted_by: str | None
    draft_version: int
    score: float
    cash: float
    members: int
    stage: str
    last_report: RoundReport | None
    wound_up: bool = Field(False, description="The organization was wound up: nothing else holds.")


class StudentRow(BaseModel):
    """One player, for grading: where they sat, when they were there, what they submitted."""

    id: str
    name: str
    team: str = Field(description="The team they sit on now.")
    removed: bool
    years: list[int] = Field(description="Years resolved while they sat on a team.")
    teams: list[str] = Field(description="Their team's name in each of those years.")
    connected: list[int] = Field(description="Years they were connected at some point of.")
    submitted: list[int] = Field(description="Years whose played decisions they submitted.")


class SessionConfig(BaseModel):
    scenario: str
    rounds: int
    seed: str = Field(description="The session's seed, as text (63 bits: too much for JS).")
    max_teams: int
    round_seconds: float
    missing: MissingPolicy
    missing_strategy: str
    weights: dict[str, float]


class FacilitatorState(Reply):
    """Everything: configuration, who is connected, who has submitted, every team's figures."""

    type: Literal["facilitator_state"] = "facilitator_state"
    session: str
    code: str
    config: SessionConfig
    timer: Timer
    teams: list[TeamStatus]
    spectators: int
    facilitator_connections: int
    pending_events: list[str]
    round_events: list[str]
    event_deck: list[str]
    leaderboard: list[LeaderboardRow]
    state_hashes: list[str] = Field(description="Hash of every team's state after each resolution.")
    students: list[StudentRow] = Field(
        default_factory=list, description="Every player, for grading (the console's export)."
    )
    version: int = Field(
        0, description="The view's version: a `patch` with this `base` applies to it."
    )


class Patch(BaseModel):
    """What changed in a view: an RFC 7396 merge patch from version ``base`` to ``version``.

    Apply it to the view held at ``base`` (see protocol/patch.py and docs/protocol.md:
    keyed lists, a null sets a field to null, ``removed`` names the keys taken out); a
    client holding another version ignores a patch whose ``version`` is not above its
    own and otherwise sends ``resync`` for that view.
    """

    type: Literal["patch"] = "patch"
    view: Literal["team_state", "public_state", "facilitator_state"]
    base: int
    version: int
    patch: dict[str, Any]
    removed: list[list[str]] = Field(
        default_factory=list, description="Paths of the keys the patch takes out (not nulls)."
    )


class Removed(BaseModel):
    """This player was removed by the facilitator; the connection closes."""

    type: Literal["removed"] = "removed"
    reason: str


ServerMessage = Annotated[
    Error
    | Welcome
    | Labels
    | Briefing
    | Ack
    | TeamState
    | DraftChanged
    | ForecastReady
    | Submitted
    | TimerChanged
    | PublicState
    | FacilitatorState
    | Patch
    | Removed,
    Field(discriminator="type"),
]
_server_adapter: TypeAdapter[Any] = TypeAdapter(ServerMessage)


def parse_server_message(text: str | bytes) -> Any:
    """Parse a server message (used by the client library and the tests)."""
    return _server_adapter.validate_json(text)
