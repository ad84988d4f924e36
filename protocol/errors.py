"""The protocol's error hierarchy: every refusal is one of these, sent as an ``error`` message.

    ProtocolError                 (code)
    ├── BadMessage                bad_message         not JSON, not an object, binary frame
    │   ├── UnknownType           unknown_type        no such message type
    │   └── InvalidField          invalid_field       a missing, extra or out-of-range field
    ├── UnsupportedProtocol       unsupported_protocol
    ├── NotAllowed                not_allowed         the sender's role may not send this
    │   ├── NotAuthenticated      not_authenticated   the first message must identify the sender
    │   ├── WrongToken            wrong_token         an unknown or revoked token
    │   └── WrongPhase            wrong_phase         not at this point of the game
    ├── StaleRound                stale_round         a decision for a round no longer open
    ├── StaleDraft                stale_draft         a teammate changed the draft since
    ├── IllegalDecisionError      illegal_decision    the rules refuse the decisions
    ├── LimitExceeded             limit_exceeded      size, rate, players, teams or sessions
    ├── NotFound                  not_found           no such session, team, player or card
    ├── Conflict                  conflict            a name already in use
    ├── Unavailable               unavailable         the server cannot write its log now;
    │                                                 nothing changed, send it again later
    └── InternalError             internal_error      a bug; the details go to the log only

Each class carries a stable ``code`` string; clients switch on it, never on the text.
Game rules' own errors (``game.errors.IllegalDecision``) are turned into
``IllegalDecisionError`` at the session boundary.
"""

from __future__ import annotations

from typing import Any, ClassVar

Detail = tuple[str, str]


class ProtocolError(Exception):
    """A request the server refuses; ``details`` lists (field path, problem) pairs."""

    code: ClassVar[str] = "protocol_error"

    def __init__(self, message: str, details: list[Detail] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class BadMessage(ProtocolError):
    code = "bad_message"


class UnknownType(BadMessage):
    code = "unknown_type"


class InvalidField(BadMessage):
    code = "invalid_field"


class UnsupportedProtocol(ProtocolError):
    code = "unsupported_protocol"


class NotAllowed(ProtocolError):
    code = "not_allowed"


class NotAuthenticated(NotAllowed):
    code = "not_authenticated"


class WrongToken(NotAllowed):
    code = "wrong_token"


class WrongPhase(NotAllowed):
    code = "wrong_phase"


class StaleRound(ProtocolError):
    code = "stale_round"


class StaleDraft(ProtocolError):
    code = "stale_draft"


class IllegalDecisionError(ProtocolError):
    code = "illegal_decision"


class LimitExceeded(ProtocolError):
    code = "limit_exceeded"


class NotFound(ProtocolError):
    code = "not_found"


class Conflict(ProtocolError):
    code = "conflict"


class Unavailable(ProtocolError):
    code = "unavailable"


class InternalError(ProtocolError):
    code = "internal_error"


ERROR_CODES: tuple[str, ...] = tuple(
    cls.code
    for cls in (
        BadMessage,
        UnknownType,
        InvalidField,
        UnsupportedProtocol,
        NotAllowed,
        NotAuthenticated,
        WrongToken,
        WrongPhase,
        StaleRound,
        StaleDraft,
        IllegalDecisionError,
        LimitExceeded,
        NotFound,
        Conflict,
        Unavailable,
        InternalError,
    )
)


class ServerError(Exception):
    """A client's view of a refusal: the server answered a request with ``error``.

    ``code`` is the stable error code; ``reply`` the whole message. Raised by the client
    library (``protocol.client``); here so that code reporting it need not load a socket
    library.
    """

    def __init__(self, reply: dict[str, Any]) -> None:
        super().__init__(f"{reply.get('code')}: {reply.get('message')}")
        self.code: str = reply.get("code", "")
        self.reply = reply
