"""The protocol: one pydantic model per message, unions keyed on ``type``, a version.

Every client message may carry ``id``, a client message id the reply echoes as
``reply_to``; a request resent with the same id is applied once and answered
again. The first message of a connection (``create_session``, ``join``,
``spectate`` or ``resume``) carries the protocol version and the credentials;
nothing secret ever travels in the URL. Server messages live in ``replies.py``.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError

from game.decisions import Decisions, top_fields
from protocol.errors import BadMessage, InvalidField, UnknownType
from protocol.phases import MissingPolicy

PROTOCOL_VERSION = 1
SUPPORTED_PROTOCOLS = frozenset({1})
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"  # no 0/O, 1/I/L, 2/Z, 5/S, 8/B look-alikes
CODE_LENGTH = 6

ClientId = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Name = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=40, pattern=r"^[^\x00-\x1f\x7f]+$"
    ),
]
JoinCode = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_upper=True, pattern=rf"(?i)^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$"
    ),
]
Token = Annotated[str, StringConstraints(min_length=16, max_length=128)]
Identifier = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z0-9_-]+$")
]
Component = Literal["impact", "sustainability", "engagement", "diversification"]
Weights = dict[Component, Annotated[float, Field(ge=0.0, le=100.0)]]
Seconds = Annotated[float, Field(ge=10.0, le=7200.0)]
RoundNumber = Annotated[int, Field(ge=1, le=20)]
DecisionField = Literal[top_fields()]  # type: ignore[valid-type]  # the model's own fields


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: ClientId | None = Field(None, description="Client message id; the reply echoes it.")


class Hello(Message):
    protocol: int = Field(description="The protocol version the client speaks.")


class CreateSession(Hello):
    """Create a session; the sender becomes its facilitator."""

    type: Literal["create_session"] = "create_session"
    scenario: Identifier = "grow"
    rounds: RoundNumber | None = Field(None, description="Override the scenario's rounds.")
    seed: Annotated[int, Field(ge=0, lt=2**63)] | None = Field(None, description="None: random.")
    max_teams: Annotated[int, Field(ge=1, le=20)] = 8
    round_seconds: Seconds = 600.0
    missing: MissingPolicy = MissingPolicy.KEEP
    missing_strategy: Identifier = "member_first"
    weights: Weights | None = None
    host_key: Annotated[str, StringConstraints(max_length=128)] | None = Field(
        None,
        description="The server's host key, when it asks for one (a server reachable beyond "
        "its own machine does); never logged.",
    )


class Join(Hello):
    """Join a session as a player of a new or an existing team."""

    type: Literal["join"] = "join"
    code: JoinCode
    team: Name
    name: Name


class Spectate(Hello):
    """Watch a session's public information (the projector)."""

    type: Literal["spectate"] = "spectate"
    code: JoinCode


class Resume(Hello):
    """Come back with a facilitator or player token and receive the full view."""

    type: Literal["resume"] = "resume"
    token: Token


class GetView(Message):
    type: Literal["get_view"] = "get_view"


class Resync(Message):
    """Send me this view in full again (after a gap in the patches' versions)."""

    type: Literal["resync"] = "resync"
    view: Literal["team_state", "public_state", "facilitator_state"] | None = Field(
        None, description="The view to send in full; null: every view of the role."
    )


class EditDraft(Message):
    """Change some fields of the team's shared draft; teammates see it at once."""

    type: Literal["edit_draft"] = "edit_draft"
    round: RoundNumber
    changes: dict[DecisionField, Any]


class Submit(Message):
    """Submit the team's shared draft (or, with ``decisions``, these, which become the draft).

    With ``draft_version`` the submission stands only if the shared draft is still the
    version the sender saw; if a teammate edited it since, it is refused with
    ``stale_draft`` and nothing a teammate wrote is lost.
    """

    type: Literal["submit"] = "submit"
    round: RoundNumber
    decisions: Decisions | None = None
    draft_version: int | None = Field(
        None, ge=0, le=1_000_000, description="The draft version the sender saw."
    )


class Start(Message):
    type: Literal["start"] = "start"


class OpenRound(Message):
    type: Literal["open_round"] = "open_round"
    seconds: Seconds | None = Field(None, description="None: the session's default timer.")
    practice: bool = False


class Extend(Message):
    type: Literal["extend"] = "extend"
    seconds: Annotated[float, Field(ge=1.0, le=3600.0)]


class CloseRound(Message):
    type: Literal["close_round"] = "close_round"


class PauseRound(Message):
    type: Literal["pause_round"] = "pause_round"


class ResumeRound(Message):
    type: Literal["resume_round"] = "resume_round"


class InjectEvent(Message):
    type: Literal["inject_event"] = "inject_event"
    event_id: Identifier


class AddBot(Message):
    type: Literal["add_bot"] = "add_bot"
    team: Name
    strategy: Identifier


class AddTeam(Message):
    """Name a team for players to pick before the first round (a roster)."""

    type: Literal["add_team"] = "add_team"
    team: Name


class ReplaceTeam(Message):
    type: Literal["replace_team"] = "replace_team"
    team: Name
    strategy: Identifier


class RemoveTeam(Message):
    type: Literal["remove_team"] = "remove_team"
    team: Name


class RenamePlayer(Message):
    type: Literal["rename_player"] = "rename_player"
    player: Identifier
    name: Name


class RemovePlayer(Message):
    type: Literal["remove_player"] = "remove_player"
    player: Identifier


class ReinstateTeam(Message):
    """Give a team run by a computer (``replace_team``) back to its players."""

    type: Literal["reinstate_team"] = "reinstate_team"
    team: Name


class MovePlayer(Message):
    """Move a player to another team (an existing one, open to players)."""

    type: Literal["move_player"] = "move_player"
    player: Identifier
    team: Name


Notice = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=280, pattern=r"^[^\x00-\x1f\x7f]*$")
]


class Broadcast(Message):
    """A message from the facilitator to every screen; empty text takes it down."""

    type: Literal["broadcast"] = "broadcast"
    text: Notice


class SetWeights(Message):
    type: Literal["set_weights"] = "set_weights"
    weights: Weights


class ResetPractice(Message):
    type: Literal["reset_practice"] = "reset_practice"


class EndGame(Message):
    type: Literal["end_game"] = "end_game"


FIRST_MESSAGES = (CreateSession, Join, Spectate, Resume)
SESSION_MESSAGES = (
    GetView,
    Resync,
    EditDraft,
    Submit,
    Start,
    OpenRound,
    Extend,
    CloseRound,
    PauseRound,
    ResumeRound,
    InjectEvent,
    AddBot,
    AddTeam,
    ReplaceTeam,
    RemoveTeam,
    RenamePlayer,
    RemovePlayer,
    ReinstateTeam,
    MovePlayer,
    Broadcast,
    SetWeights,
    ResetPractice,
    EndGame,
)
ClientMessage = Annotated[
    CreateSession
    | Join
    | Spectate
    | Resume
    | GetView
    | Resync
    | EditDraft
    | Submit
    | Start
    | OpenRound
    | Extend
    | CloseRound
    | PauseRound
    | ResumeRound
    | InjectEvent
    | AddBot
    | AddTeam
    | ReplaceTeam
    | RemoveTeam
    | RenamePlayer
    | RemovePlayer
    | ReinstateTeam
    | MovePlayer
    | Broadcast
    | SetWeights
    | ResetPractice
    | EndGame,
    Field(discriminator="type"),
]
CLIENT_TYPES = frozenset(
    cls.model_fields["type"].default for cls in FIRST_MESSAGES + SESSION_MESSAGES
)
_client_adapter: TypeAdapter[Any] = TypeAdapter(ClientMessage)


def _details(error: ValidationError) -> list[tuple[str, str]]:
    return [
        (".".join(str(p) for p in e["loc"][1:]) or "message", e["msg"]) for e in error.errors()
    ][:20]


MAX_DEPTH = 12  # arrays and objects inside one another; the deepest message needs 5
MAX_DIGITS = 24  # an integer literal's digits: every integer field fits in 19
_SURROGATE = re.compile("[\ud800-\udfff]")


def raw_id(data: Any) -> str | None:
    """Return the client message id of a raw message, if it carries a usable one."""
    mid = data.get("id") if isinstance(data, dict) else None
    if isinstance(mid, str) and 0 < len(mid) <= 64 and _SURROGATE.search(mid) is None:
        return mid
    return None


class _Refused(ValueError):
    """Raised inside the JSON decoder for a literal refused before it is parsed."""


def _bounded_int(literal: str) -> int:
    if len(literal.lstrip("-")) > MAX_DIGITS:
        raise _Refused(f"integers have at most {MAX_DIGITS} digits")
    return int(literal)


def _finite_float(literal: str) -> float:
    if len(literal) > 64:
        raise _Refused("numbers have at most 64 characters")
    value = float(literal)
    if value in (float("inf"), float("-inf")):
        raise _Refused("numbers must be finite")
    return value


def _no_constant(name: str) -> Any:
    raise _Refused(f"{name} is not a JSON number")


def decode(text: str | bytes) -> Any:
    """Decode one frame as JSON, bounded before parsing; raise BadMessage.

    Refused: binary frames, invalid JSON, NaN and Infinity, integer literals longer
    than ``MAX_DIGITS`` digits (checked before conversion), nesting deeper than
    ``MAX_DEPTH``, and text (keys included) that is not well-formed Unicode, such as
    a lone surrogate written as an escape.
    """
    if not isinstance(text, str):
        raise BadMessage("messages are JSON text frames")
    if _SURROGATE.search(text) is not None:
        raise BadMessage("text must be well-formed Unicode (a lone surrogate was sent)")
    if too_deep(text):
        raise BadMessage(f"a message nests at most {MAX_DEPTH} levels deep")
    try:
        data = json.loads(
            text, parse_int=_bounded_int, parse_float=_finite_float, parse_constant=_no_constant
        )
    except _Refused as error:
        raise BadMessage(str(error)) from None
    except (ValueError, RecursionError):
        raise BadMessage("not valid JSON") from None
    check_text(data)
    return data


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """True when brackets open more than ``limit`` deep (strings skipped)."""
    depth = 0
    for token in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        mark = token.group()
        if mark in "[{":
            depth += 1
            if depth > limit:
                return True
        elif mark in "]}":
            depth -= 1
    return False


def check_text(data: Any) -> None:
    """Raise BadMessage if any string in decoded JSON (keys too) is not well-formed Unicode."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item) is not None:
                raise BadMessage("text must be well-formed Unicode (a lone surrogate was sent)")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def parse_client_message(text: str | bytes) -> Any:
    """Parse one client message; raise BadMessage, UnknownType or InvalidField."""
    return parse_client_data(decode(text))


def parse_client_data(data: Any) -> Any:
    """Validate already decoded JSON as a client message."""
    if not isinstance(data, dict):
        raise BadMessage("a message is a JSON object")
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in CLIENT_TYPES:
        raise UnknownType(f"unknown message type {str(kind)[:40]!r}", [("type", "unknown")])
    try:
        return _client_adapter.validate_python(data)
    except ValidationError as error:
        raise InvalidField(f"invalid {kind} message", _details(error)) from None
    except (RecursionError, ValueError, TypeError):
        raise InvalidField(f"invalid {kind} message") from None


def messages_schema() -> dict[str, Any]:
    """Return the JSON Schema of every client and server message, and the ``labels`` sent."""
    from protocol.replies import ServerMessage, labels_reply

    return {
        "protocol": PROTOCOL_VERSION,
        "client": _client_adapter.json_schema(),
        "server": TypeAdapter(ServerMessage).json_schema(),
        "labels": labels_reply().model_dump(mode="json"),
    }
