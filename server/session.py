"""The session core without I/O: commands in, addressed messages out.

``Session.handle(command)`` runs one command through one ordered pipeline
(the sender is who it claims, the role may send it, the round is current, the
phase allows it, the rules allow it) and returns a ``Step``: the messages to send,
addressed to a connection, a team, the facilitator, the spectators or everyone,
and the record to append to the event log when the command changed the session.
The clock is a value (``command.now``); the session reads no clock, draws no
random numbers and touches no socket, so replaying the log rebuilds it exactly.
The facilitator's controls live in ``controls.py``.
"""

from __future__ import annotations

import functools
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from game.decisions import Decisions
from game.forecast import Forecast
from game.match import check_rounds, with_rounds
from game.round import rules_id
from game.rules import check_decisions
from game.scenario import Scenario, ScenarioError, load_scenario, scenario_names
from game.scoring import normalise_weights
from game.setup import initial_state
from game.strategies import STRATEGIES
from protocol.errors import (
    Conflict,
    IllegalDecisionError,
    InternalError,
    InvalidField,
    LimitExceeded,
    NotAllowed,
    NotAuthenticated,
    NotFound,
    ProtocolError,
    StaleDraft,
    StaleRound,
    WrongPhase,
    WrongToken,
)
from protocol.messages import PROTOCOL_VERSION, CreateSession, Message, parse_client_data
from protocol.phases import (
    JOIN_PHASES,
    NEW_TEAM_PHASES,
    OPEN,
    TABLE,
    Phase,
    Role,
    TransitionRefused,
    next_phase,
)
from protocol.replies import (
    Ack,
    DraftChanged,
    Error,
    ErrorDetail,
    ForecastReady,
    Removed,
    Submitted,
    TimerChanged,
    Welcome,
)
from server import controls, views
from server.forecasting import Computed, ForecastJob
from server.forecasting import Key as ForecastKey
from server.presence import Presence
from server.resolution import Job, Packed
from server.rounds import RoundHash, RoundRecord, session_hash
from server.streams import Streams
from server.teams import FACILITATOR, SPECTATOR, Player, Principal, Team, team_key
from server.teams import Submitted as SubmittedRecord

log = logging.getLogger("clusterboard.server")
SETTLE = 0.75  # seconds of command clock a draft stays unedited before its forecast is due
FORECASTS_KEPT = 256  # per session: a few per team and draft version
TIMER_EVERY = 0.5  # seconds of command clock between two "waiting for" timers
FACILITATOR_EVERY = 0.5  # ... and between two facilitator updates for drafts and presence
INTERNAL = ("tick", "resolve", "rules_switch")  # commands of the server itself, never a client's


class Tick(Message):
    """The server's clock: the deadline may have passed."""

    type: Literal["tick"] = "tick"


class Flush(Message):
    """The server sends what it held back (a forecast, a timer); never logged."""

    type: Literal["flush"] = "flush"


class ForecastDone(Message):
    """A forecast the shell computed comes back (in ``Command.result``); never logged."""

    type: Literal["forecast_done"] = "forecast_done"


class Resolve(Message):
    """The server resolves the round that entered ``resolving``."""

    type: Literal["resolve"] = "resolve"


class RulesSwitch(Message):
    """The server continues the session under other rules than its last round's (an
    upgraded engine or a retuned scenario); the log notes it, nothing else changes."""

    type: Literal["rules_switch"] = "rules_switch"
    from_rules: str
    to_rules: str


@dataclass(frozen=True)
class Disconnect:
    type: Literal["disconnect"] = "disconnect"


@dataclass(frozen=True)
class Command:
    now: float
    message: Any
    connection: int | None = None
    actor: str | None = None  # the sender as logged; set when replaying
    token_hash: str | None = None
    token: str | None = None  # a new raw token, echoed once in the welcome, never logged
    result: Any = None  # a job's result (resolution.Result, forecasting.Computed), never logged


@dataclass(frozen=True)
class To:
    kind: Literal["connection", "team", "facilitator", "spectators", "everyone"]
    target: int | str | None = None


@dataclass(frozen=True)
class Outgoing:
    to: To
    message: BaseModel


@dataclass
class Step:
    outbox: list[Outgoing] = field(default_factory=list)
    record: dict[str, Any] | None = None
    resolved: RoundHash | None = None
    round_record: RoundRecord | None = None  # what every team played, on a resolution
    packed_states: Packed | None = None  # the resolved states packed, for the snapshot
    close: list[int] = field(default_factory=list)
    error: ProtocolError | None = None


@dataclass(frozen=True)
class Limits:
    players_per_team: int = 6


@functools.lru_cache(maxsize=64)
def scenario_for(name: str, rounds: int | None) -> Scenario:
    """Return a scenario, loaded once per server: sessions share the frozen model."""
    return with_rounds(load_scenario(name), rounds)


def validate_config(message: CreateSession) -> None:
    """Raise the protocol error a session configuration deserves, if any."""
    if message.scenario not in scenario_names():
        raise NotFound(f"unknown scenario {message.scenario!r}", [("scenario", "unknown")])
    if message.missing_strategy not in STRATEGIES:
        raise NotFound(
            f"unknown strategy {message.missing_strategy!r}", [("missing_strategy", "unknown")]
        )
    if message.weights is not None and sum(message.weights.values()) <= 0:
        raise InvalidField("weights must not all be zero", [("weights", "all zero")])


def validate_new(message: CreateSession) -> None:
    """Raise the protocol error a new session's configuration deserves, if any.

    Beyond ``validate_config`` (which a stored session must also pass to be restored),
    a new session may not run longer than its scenario is written for.
    """
    validate_config(message)
    try:
        scenario = load_scenario(message.scenario)
    except ScenarioError:
        return  # the session itself reports a scenario that cannot be loaded
    try:
        check_rounds(scenario, message.rounds)
    except ValueError as error:
        raise InvalidField(str(error), [("rounds", f"at most {scenario.rounds}")]) from None


class Session:
    """One class session: its teams' parallel worlds, drafts, submissions, phase and clock."""

    def __init__(self, record: dict[str, Any], limits: Limits | None = None) -> None:
        message = parse_client_data(record["message"])
        validate_config(message)
        try:
            scenario = scenario_for(message.scenario, message.rounds)
        except ScenarioError as error:
            raise NotFound(f"scenario {message.scenario!r} cannot be loaded ({error})") from None
        self.id: str = record["session"]
        self.code: str = record["code"]
        self.seed: int = record["seed"]
        self.config: CreateSession = message
        self.scenario = scenario
        self.weights = normalise_weights(message.weights or dict(scenario.scoring.weights))
        self.facilitator_hash: str = record["token_hash"]
        # the limits the session was created under travel in its first record, so a
        # replay applies the same ones whatever the server is started with today
        logged = record.get("limits")
        self.limits = Limits(**logged) if logged else (limits or Limits())
        self.initial = initial_state(scenario, self.seed)
        self.engine = rules_id(scenario)  # the rules this server resolves rounds with
        self.phase = Phase.LOBBY
        self.round = 0
        self.completed = 0
        self.practice = False
        self.deadline: float | None = None
        self.remaining: float | None = None
        self.cards: list[str] = []
        self.pending_cards: list[str] = []
        self.teams: dict[str, Team] = {}
        self.players: dict[str, Player] = {}
        self.connections = Presence()  # connection id -> principal, O(1) questions
        self.newspapers: list[bytes] = []  # packed, one per resolution
        self.hashes: list[RoundHash] = []
        self.last_record: RoundRecord | None = None
        self.announcement = ""  # the facilitator's latest broadcast
        self.forecasts: dict[ForecastKey, Forecast | None] = {}  # computed, per draft version
        self.streams = Streams(self)  # the last view each audience was sent, for patches
        # what the session holds back and sends at a flush (outputs only, never logged)
        self.forecast_due: dict[str, float] = {}  # team key -> when its draft's forecast is due
        self.forecast_running: set[ForecastKey] = set()  # jobs handed to the shell, not back
        self.timer_sent = float("-inf")
        self.timer_dirty = False
        self.facilitator_sent = float("-inf")
        self.facilitator_dirty = False
        self.present: set[str] = set()  # players connected at some point of the open round
        self.seq = 1
        self.answered: OrderedDict[tuple[str, str], int] = OrderedDict()
        self._step = Step()

    # ------------------------------------------------------------ the pipeline

    def handle(self, command: Command) -> Step:
        """Run one command; return what to send and what to log."""
        self._step = Step()
        try:
            self._dispatch(command)
        except ProtocolError as error:
            self._step = Step(error=error)
            self._reply_error(command, error)
        except Exception:
            log.exception("session %s: unexpected failure on %s", self.id, command.message)
            error = InternalError("the server could not handle this request")
            self._step = Step(error=error)
            self._reply_error(command, error)
        step, self._step = self._step, Step()  # hold no views between commands
        for team in self.teams.values():
            team.forget()
        return step

    def _dispatch(self, command: Command) -> None:
        message = command.message
        first = FIRST_HANDLERS.get(message.type)
        if first is not None:
            first(self, command)
            return
        principal = self._principal(command)
        if self._answer_again(command, principal):
            return
        roles, phases = TABLE[message.type]
        if message.type not in INTERNAL and principal.role not in roles:
            raise NotAllowed(f"a {principal.role} may not send {message.type}")
        if hasattr(message, "round"):
            self._check_round(message.round)
        if self.phase not in phases:
            raise WrongPhase(f"{message.type} is not possible while {self.phase}")
        HANDLERS[message.type](self, command, principal)

    def _principal(self, command: Command) -> Principal:
        if command.message.type in INTERNAL:
            return Principal(Role.FACILITATOR, "server")
        if command.actor is not None:  # replaying the log
            return self._actor_principal(command.actor)
        principal = self.connections.get(command.connection) if command.connection else None
        if principal is None:
            raise NotAuthenticated("send join, spectate or resume first")
        if principal.role is Role.PLAYER and self.players[principal.actor].removed:
            raise WrongToken("this player was removed")
        return principal

    def _actor_principal(self, actor: str) -> Principal:
        if actor == "facilitator":
            return FACILITATOR
        player = self.players[actor]
        return Principal(Role.PLAYER, player.id, player.team)

    def _check_round(self, round_no: int) -> None:
        if round_no < self.round or (round_no == self.round and self.phase not in OPEN):
            raise StaleRound(f"round {round_no} is no longer open", [("round", "closed")])
        if round_no > self.round or self.phase not in OPEN:
            raise WrongPhase(f"round {round_no} is not open", [("round", "not open")])

    def _answer_again(self, command: Command, principal: Principal) -> bool:
        if command.message.id is None or principal.actor is None:
            return False
        seq = self.answered.get((principal.actor, command.message.id))
        if seq is None:
            return False
        self.send(To("connection", command.connection), Ack(reply_to=command.message.id, seq=seq))
        return True

    # ------------------------------------------------------------ outbox helpers

    def send(self, to: To, message: BaseModel) -> None:
        if not self.recipients(to):
            return
        self._step.outbox.append(Outgoing(to, message))

    def _reply_error(self, command: Command, error: ProtocolError) -> None:
        if command.connection is None:
            return
        reply = Error(
            reply_to=getattr(command.message, "id", None),
            code=error.code,
            message=error.message,
            details=[ErrorDetail(field=f, problem=p) for f, p in error.details],
        )
        self._step.outbox.append(Outgoing(To("connection", command.connection), reply))

    def accept(
        self, command: Command, principal: Principal | None, acknowledge: bool = True, **extra: Any
    ) -> None:
        """Record the command for the event log and acknowledge it to its sender."""
        self.seq += 1
        actor = principal.actor if principal else None
        self._step.record = {
            "seq": self.seq,
            "now": command.now,
            "actor": None if actor == "server" else actor,
            "message": command.message.model_dump(mode="json"),
            **extra,
        }
        ack = Ack(reply_to=command.message.id, seq=self.seq)
        if actor and command.message.id is not None:  # kept for the session's whole life
            self.answered[(actor, command.message.id)] = self.seq
        if acknowledge and command.connection is not None:
            self.send(To("connection", command.connection), ack)

    def recipients(self, to: To) -> list[int]:
        """Return the connections a message addressed so reaches."""
        if to.kind == "connection":
            return [] if to.target is None else [to.target]  # type: ignore[list-item]
        if to.kind == "everyone":
            return list(self.connections)
        if to.kind == "team":
            return self.connections.of_team(to.target)  # type: ignore[arg-type]
        role = Role.FACILITATOR if to.kind == "facilitator" else Role.SPECTATOR
        return self.connections.of_role(role)

    def is_connected(self, actor: str) -> bool:
        return self.connections.has_actor(actor)

    def count_connections(self, role: str) -> int:
        return self.connections.count_role(role)

    def push_views(
        self, now: float, teams: list[Team] | None = None, facilitator_reports: bool = True
    ) -> None:
        """Send every role its view after a change of phase, roster or figures."""
        for team in self.teams.values() if teams is None else teams:
            self.push_team(team, now)
        self.push_public(now)
        self.push_facilitator(now)

    def push_team(self, team: Team, now: float) -> None:
        """Send the team what changed in its view (a patch; server/streams.py)."""
        if self.recipients(To("team", team.key)):
            self.streams.push("team_state", team.key, To("team", team.key), now)

    def push_public(self, now: float) -> None:
        if self.recipients(To("everyone")):
            self.streams.push("public_state", "", To("everyone"), now)

    def push_facilitator(self, now: float) -> None:
        """Send the facilitator what changed in its view, now."""
        self.facilitator_sent, self.facilitator_dirty = now, False
        if self.recipients(To("facilitator")):
            self.streams.push("facilitator_state", "", To("facilitator"), now)

    def tell_facilitator(self, now: float) -> None:
        """Tell the facilitator about a draft, a submission or a connection: at once if
        its last update is FACILITATOR_EVERY old, else at the next flush (a class of
        twenty teams edits drafts a dozen times a second; the console needs none of
        them sooner)."""
        self.facilitator_dirty = True
        if now - self.facilitator_sent >= FACILITATOR_EVERY:
            self.push_facilitator(now)

    def full_view(self, connection: int, now: float, reply_to: str | None = None) -> None:
        """Send a connection everything its role may see (on join, resume and get_view)."""
        for kind in ("facilitator_state", "team_state", "public_state"):
            self.send_full(connection, kind, now, reply_to)

    def send_full(self, connection: int, kind: str, now: float, reply_to: str | None) -> bool:
        """Send one of the connection's views in full, at its audience's version; False if
        its role has no such view."""
        principal = self.connections[connection]
        to = To("connection", connection)
        if kind == "facilitator_state" and principal.role is Role.FACILITATOR:
            self.streams.full(kind, "", to, To("facilitator"), now, reply_to)
        elif kind == "team_state" and principal.role is Role.PLAYER:
            key = principal.team or ""
            self.streams.full(kind, key, to, To("team", key), now, reply_to)
        elif kind == "public_state":
            self.streams.full(kind, "", to, To("everyone"), now, reply_to)
        else:
            return False
        return True

    def welcome(self, command: Command, principal: Principal, token: str | None = None) -> None:
        self.connections[command.connection] = principal  # type: ignore[index]
        if principal.role is Role.PLAYER and self.phase in OPEN:
            self.present.add(principal.actor or "")
        team = self.teams[principal.team].name if principal.team else None
        welcome = Welcome(
            reply_to=command.message.id,
            protocol=PROTOCOL_VERSION,
            role=principal.role,
            session=self.id,
            code=self.code,
            team=team,
            player=principal.actor if principal.role is Role.PLAYER else None,
            token=token,
        )
        self.send(To("connection", command.connection), welcome)
        self.send(To("connection", command.connection), views.labels_message())
        self.send(To("connection", command.connection), views.briefing_message(self))
        self.full_view(command.connection, command.now)  # type: ignore[arg-type]

    # ------------------------------------------------------------ first messages

    def knows_token(self, token_hash: str) -> bool:
        if token_hash == self.facilitator_hash:
            return True
        return any(p.token_hash == token_hash and not p.removed for p in self.players.values())

    def _join(self, command: Command) -> None:
        message = command.message
        if message.code != self.code:
            raise NotFound("no session with this code", [("code", "unknown")])
        if self.phase not in JOIN_PHASES:
            raise WrongPhase("this session has finished")
        key = team_key(message.team)
        if self._join_again(command, key):
            return
        team = self.teams.get(key)
        self._check_join(team)
        if team is None:
            team = Team(
                name=" ".join(message.team.split()), seat=len(self.teams), state=self.initial
            )
            self.teams[key] = team
        player = Player(f"p{len(self.players) + 1}", message.name, key, command.token_hash or "")
        self.players[player.id] = player
        team.players.append(player.id)
        principal = Principal(Role.PLAYER, player.id, key)
        self.accept(command, None, acknowledge=False, token_hash=command.token_hash)
        if command.connection is not None:  # the welcome is the reply to a join
            self.welcome(command, principal, command.token)
        self.push_views(command.now, [team], facilitator_reports=False)

    def _join_again(self, command: Command, key: str) -> bool:
        """A join resent with the same id: the server derived the same token from that id,
        so the seat it made is found by the token's hash and the welcome sent again."""
        if command.message.id is None or not command.token_hash:
            return False
        for player in self.players.values():
            if player.token_hash != command.token_hash:
                continue
            if player.removed:
                raise WrongToken("this player was removed")
            if player.team != key:
                raise Conflict("this id was already used for another join", [("id", "used")])
            if command.connection is not None:
                principal = Principal(Role.PLAYER, player.id, player.team)
                self.welcome(command, principal, command.token)
                self.push_connected(command.now, player.team)
            return True
        return False

    def _check_join(self, team: Team | None) -> None:
        if team is None:
            if self.phase not in NEW_TEAM_PHASES:
                raise WrongPhase("new teams may form only before the first round")
            if self.active_teams() >= self.config.max_teams:
                raise LimitExceeded(f"this session takes at most {self.config.max_teams} teams")
            return
        if team.removed or team.computer is not None:
            raise NotAllowed(f"team {team.name} is not open to players")
        members = sum(1 for pid in team.players if not self.players[pid].removed)
        if members >= self.limits.players_per_team:
            raise LimitExceeded(f"a team has at most {self.limits.players_per_team} players")

    def active_teams(self) -> int:
        return sum(1 for t in self.teams.values() if t.active)

    def _spectate(self, command: Command) -> None:
        if command.message.code != self.code:
            raise NotFound("no session with this code", [("code", "unknown")])
        self.welcome(command, SPECTATOR)

    def _resume(self, command: Command) -> None:
        if command.token_hash == self.facilitator_hash:
            back = self.count_connections("facilitator") == 0
            self.welcome(command, FACILITATOR, command.token)  # a token only when just created
            self.push_facilitator(command.now)
            if back:  # every screen learns the facilitator is here again
                self.push_public(command.now)
            return
        for player in self.players.values():
            if player.token_hash == command.token_hash and not player.removed:
                principal = Principal(Role.PLAYER, player.id, player.team)
                self.welcome(command, principal)
                self.push_connected(command.now, player.team)
                return
        raise WrongToken("unknown or revoked token")

    def reseat(self, player_id: str, command: Command) -> None:
        """A player moved team: their connections now speak for it, and say so to them."""
        player = self.players[player_id]
        moved = Principal(Role.PLAYER, player.id, player.team)
        team = self.teams[player.team]
        for connection, seen in list(self.connections.items()):
            if seen.actor != player.id:
                continue
            self.connections[connection] = moved
            welcome = Welcome(
                protocol=PROTOCOL_VERSION,
                role=Role.PLAYER,
                session=self.id,
                code=self.code,
                team=team.name,
                player=player.id,
            )
            self.send(To("connection", connection), welcome)
            self.send_full(connection, "team_state", command.now, None)

    def _disconnect(self, command: Command) -> None:
        principal = self.connections.pop(command.connection, None)  # type: ignore[arg-type]
        if principal is not None and principal.team is not None:
            self.push_connected(command.now, principal.team)
        if principal is not None and principal.role is Role.FACILITATOR:
            if self.count_connections("facilitator") == 0:  # players see the console is away
                self.push_public(command.now)
            else:
                self.tell_facilitator(command.now)
        self.streams.forget_unwatched()

    def push_connected(self, now: float, team_key_: str) -> None:
        """Tell the team and the facilitator who is connected now."""
        self.push_team(self.teams[team_key_], now)
        self.tell_facilitator(now)

    # ------------------------------------------------------------ players

    def player_team(self, principal: Principal) -> Team:
        team = self.teams[principal.team]  # type: ignore[index]
        if team.removed or team.computer is not None or team.open_state is None:
            raise NotAllowed(f"team {team.name} does not decide this round")
        return team

    def _on_get_view(self, command: Command, principal: Principal) -> None:
        if command.connection is not None:
            self.full_view(command.connection, command.now, command.message.id)

    def _on_resync(self, command: Command, principal: Principal) -> None:
        if command.connection is None:
            return
        kind = command.message.view
        if kind is None:
            self.full_view(command.connection, command.now, command.message.id)
        elif not self.send_full(command.connection, kind, command.now, command.message.id):
            raise NotAllowed(f"a {principal.role} has no {kind}", [("view", "not yours")])

    def _on_edit_draft(self, command: Command, principal: Principal) -> None:
        team = self.player_team(principal)
        data = team.draft.model_dump(mode="json") | command.message.changes
        try:
            draft = Decisions.model_validate(data)
        except ValidationError as error:
            details = [
                ("changes." + ".".join(str(p) for p in e["loc"]), e["msg"]) for e in error.errors()
            ]
            raise InvalidField("the draft change is not valid", details[:20]) from None
        team.draft, team.draft_version = draft, team.draft_version + 1
        self.accept(command, principal)
        problems = views.problems(draft, team.open_state, self)  # type: ignore[arg-type]
        forecast, pending = None, False
        self.forecast_due.pop(team.key, None)
        if not problems:  # computed once the draft has been quiet for SETTLE seconds
            key = self.forecast_key(team)
            if key in self.forecasts:
                forecast = self.forecasts[key]
            else:
                pending = True
                if key not in self.forecast_running:
                    self.forecast_due[team.key] = command.now + SETTLE
        changed = DraftChanged(
            round=self.round,
            draft=draft,
            version=team.draft_version,
            edited_by=principal.actor or "",
            problems=problems,
            forecast=forecast,
            forecast_pending=pending,
        )
        self.send(To("team", team.key), changed)
        self.tell_facilitator(command.now)

    def _on_submit(self, command: Command, principal: Principal) -> None:
        team = self.player_team(principal)
        seen = command.message.draft_version
        if seen is not None and seen != team.draft_version:
            raise StaleDraft(
                f"the draft changed since version {seen} (now {team.draft_version})",
                [("draft_version", f"now {team.draft_version}")],
            )
        decisions = command.message.decisions or team.draft
        problems = check_decisions(decisions, team.open_state, self.scenario)  # type: ignore[arg-type]
        if problems:
            raise IllegalDecisionError("the rules refuse these decisions", problems)
        if command.message.decisions is not None and decisions != team.draft:
            team.draft, team.draft_version = decisions, team.draft_version + 1
        team.submission = SubmittedRecord(self.round, principal.actor or "", decisions)
        self.forecast_due.pop(team.key, None)  # a draft submitted before it settled needs none
        self.accept(command, principal)
        submission = views.submission(team)
        self.send(To("team", team.key), Submitted(submission=submission))  # type: ignore[arg-type]
        # everyone learns, in a small timer message, who the round still waits for: at most
        # one such message every TIMER_EVERY seconds, the last one at the next flush
        self.timer_dirty = True
        self.send_timer(command.now)
        self.tell_facilitator(command.now)
        self.close_if_complete(command.now)

    # ------------------------------------------------------------ held back, sent at a flush

    def send_timer(self, now: float) -> None:
        """Send the "waiting for" timer if it changed and the last one is old enough."""
        if not self.timer_dirty or self.phase is not Phase.DECISIONS:
            self.timer_dirty = False
            return
        if now - self.timer_sent >= TIMER_EVERY:
            self.send(To("everyone"), TimerChanged(timer=views.timer(self, now)))
            self.timer_sent, self.timer_dirty = now, False

    def flush_due(self) -> float | None:
        """When (command clock) the next flush has something to do; None if nothing."""
        due = list(self.forecast_due.values())
        if self.timer_dirty:
            due.append(self.timer_sent + TIMER_EVERY)
        if self.facilitator_dirty:
            due.append(self.facilitator_sent + FACILITATOR_EVERY)
        return min(due) if due else None

    def _flush(self, command: Command) -> None:
        self.send_timer(command.now)  # and the shell takes the forecasts now due
        if self.facilitator_dirty and command.now - self.facilitator_sent >= FACILITATOR_EVERY:
            self.push_facilitator(command.now)

    # ------------------------------------------------------------ forecasts, computed elsewhere

    def forecast_key(self, team: Team) -> ForecastKey:
        return (
            self.id,
            team.key,
            self.round,
            self.practice,
            team.draft_version,
            tuple(self.cards),
        )

    def _forecast_wanted(self, team: Team) -> bool:
        """True when the team's current draft deserves a forecast: the team decides this
        round, the round is open, the rules accept its draft, and it has not submitted
        that draft."""
        if team.open_state is None or team.computer is not None or team.removed:
            return False
        if self.phase not in OPEN:  # closed: nobody will see it in time
            return False
        submitted = team.submission
        if (
            submitted is not None
            and submitted.round == self.round
            and submitted.decisions == team.draft
        ):
            return False
        return not check_decisions(team.draft, team.open_state, self.scenario)

    def forecast_view(self, team: Team) -> tuple[Forecast | None, bool]:
        """The forecast a view of the team carries, and whether it is pending. A view
        asks for a forecast not yet computed: it is due now, unless the draft is still
        settling or the job already runs; the view goes out marked pending."""
        if team.open_state is None or team.computer is not None or team.removed:
            return None, False
        key = self.forecast_key(team)
        if key in self.forecasts:
            return self.forecasts[key], False
        if key in self.forecast_running:
            return None, True
        if team.key in self.forecast_due:
            return None, True
        if not self._forecast_wanted(team):
            return None, False
        self.forecast_due[team.key] = float("-inf")  # asked: due at once
        return None, True

    def take_forecasts(self, now: float) -> list[ForecastJob]:
        """The shell's call after each command: the forecast jobs due by ``now``, marked
        running until their ``forecast_done`` comes back."""
        jobs = []
        for key, when in list(self.forecast_due.items()):
            if when > now:
                continue
            del self.forecast_due[key]
            team = self.teams.get(key)
            if team is None or not self._forecast_wanted(team):
                continue
            job_key = self.forecast_key(team)
            if job_key in self.forecasts or job_key in self.forecast_running:
                continue
            self.forecast_running.add(job_key)
            state = team.open_state
            job = ForecastJob(job_key, state, team.draft, self.scenario, self.weights, self.engine)  # type: ignore[arg-type]
            jobs.append(job)
        return jobs

    def _forecast_done(self, command: Command) -> None:
        """Keep a computed forecast; send it if its draft version is still the team's
        (a stale one is dropped: the newer version's forecast is due or running)."""
        computed: Computed = command.result
        self.forecast_running.discard(computed.key)
        if not computed.ok:
            return
        if len(self.forecasts) >= FORECASTS_KEPT:
            self.forecasts.clear()
        self.forecasts[computed.key] = computed.forecast
        team = self.teams.get(computed.key[1])
        if team is None or self.forecast_key(team) != computed.key:
            return
        if team.open_state is None or self.phase not in OPEN:
            return
        message = ForecastReady(
            round=self.round, version=team.draft_version, forecast=computed.forecast
        )
        self.send(To("team", team.key), message)

    # ------------------------------------------------------------ the round's end

    def close_if_complete(self, now: float) -> None:
        """Enter resolving when no active team is still expected to submit."""
        if self.phase is Phase.DECISIONS and not any(map(self.waits_for, self.teams.values())):
            self.enter_resolving(now)

    def waits_for(self, team: Team) -> bool:
        """True while the round cannot resolve without this team's submission: a team
        whose players were all removed has nobody left to submit, and carries on."""
        return team.waiting_for and any(
            not self.players[pid].removed for pid in team.players if pid in self.players
        )

    def enter_resolving(self, now: float) -> None:
        self.enter("close")
        self.deadline, self.remaining = None, None
        self.push_views(now, [])

    def _on_tick(self, command: Command, principal: Principal) -> None:
        if self.deadline is None or command.now < self.deadline:
            raise WrongPhase("the deadline has not passed")
        self.accept(command, principal)
        self.enter_resolving(command.now)

    def _on_rules_switch(self, command: Command, principal: Principal) -> None:
        self.accept(command, principal)

    def _on_resolve(self, command: Command, principal: Principal) -> None:
        packed = controls.resolve_all(self, command.result)
        self.accept(command, principal)
        self._step.resolved = self.hashes[-1]
        self._step.round_record = self.last_record
        self._step.packed_states = packed
        self.push_views(command.now)

    def current_hash(self, known: dict[str, str] | None = None) -> str:
        return session_hash(list(self.teams.values()), known)

    def close_connections(self, connections: list[int], reason: str) -> None:
        for connection in connections:
            self.send(To("connection", connection), Removed(reason=reason))
            self.connections.pop(connection, None)
            self._step.close.append(connection)

    def enter(self, event: str) -> None:
        """Change phase as ``protocol.phases.TRANSITIONS`` says; the only way the phase changes."""
        try:
            self.phase = next_phase(self.phase, event)
        except TransitionRefused as error:
            raise WrongPhase(str(error)) from None

    def needs_resolution(self) -> bool:
        return self.phase is Phase.RESOLVING

    def resolution_job(self, gate: str | None = None) -> Job:
        """The round that needs resolution as a pure job: the shell may run it elsewhere and
        send back its result with the ``resolve`` command (``Command.result``)."""
        return controls.resolution_job(self, gate)

    @staticmethod
    def check(condition: bool, error: ProtocolError) -> None:
        if not condition:
            raise error


Handler = Callable[[Session, Command, Principal], None]

# messages that come before the sender is known (or after it left)
FIRST_HANDLERS: dict[str, Callable[[Session, Command], None]] = {
    "join": Session._join,
    "spectate": Session._spectate,
    "resume": Session._resume,
    "disconnect": Session._disconnect,
    "flush": Session._flush,
    "forecast_done": Session._forecast_done,
}
# every other message: one handler each, next to ``protocol.phases.TABLE``'s rules for it
HANDLERS: dict[str, Handler] = {
    "get_view": Session._on_get_view,
    "resync": Session._on_resync,
    "edit_draft": Session._on_edit_draft,
    "submit": Session._on_submit,
    "start": controls.on_start,
    "open_round": controls.on_open_round,
    "extend": controls.on_extend,
    "close_round": controls.on_close_round,
    "pause_round": controls.on_pause_round,
    "resume_round": controls.on_resume_round,
    "inject_event": controls.on_inject_event,
    "add_bot": controls.on_add_bot,
    "add_team": controls.on_add_team,
    "replace_team": controls.on_replace_team,
    "remove_team": controls.on_remove_team,
    "rename_player": controls.on_rename_player,
    "remove_player": controls.on_remove_player,
    "reinstate_team": controls.on_reinstate_team,
    "move_player": controls.on_move_player,
    "broadcast": controls.on_broadcast,
    "set_weights": controls.on_set_weights,
    "reset_practice": controls.on_reset_practice,
    "end_game": controls.on_end_game,
    "tick": Session._on_tick,
    "resolve": Session._on_resolve,
    "rules_switch": Session._on_rules_switch,
}

__all__ = [
    "Command",
    "Conflict",
    "Flush",
    "ForecastDone",
    "Limits",
    "Outgoing",
    "Resolve",
    "Session",
    "Step",
    "Tick",
    "To",
]
