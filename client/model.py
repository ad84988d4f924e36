"""The client-side store: the latest views, the local draft, the link's status.

It changes only in ``apply`` (a network event, called from the loop's update)
and in ``edit`` (the board's own input, from a scene's event handler); drawing
only reads it. It never computes a result: every figure comes from the server.
Local edits live in ``overlay`` until the server has taken them, so a dropped
connection keeps the draft, and the edits are sent again once the link is back.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import time
from typing import Any

from client.labels import BOOK
from client.net import NetEvent
from game.decisions import Decisions
from game.report import RoundReport
from protocol.replies import (
    Briefing,
    DraftChanged,
    FacilitatorState,
    ForecastReady,
    Labels,
    Newspaper,
    PublicState,
    Submitted,
    TeamState,
    Timer,
    TimerChanged,
    Welcome,
)

OPEN_PHASES = ("decisions", "paused")


HOST_KEY_HINT = "start the console with --host-key KEY, or set CLUSTERBOARD_HOST_KEY"


def first_failure(text: str) -> str:
    """What the console says when its first message is refused: a missing or wrong host
    key comes with the way to give it."""
    return f"{text} ({HOST_KEY_HINT})" if "host key" in text else text


class ClientModel:
    """Everything the window knows, as the server told it."""

    def __init__(self) -> None:
        self.status = "offline"
        self.welcome: dict[str, Any] = {}
        self.timer: Timer | None = None
        self.timer_at = 0.0
        self.team: TeamState | None = None
        self.public: PublicState | None = None
        self.facilitator: FacilitatorState | None = None
        self.briefing: Briefing | None = None  # the scenario's story, sent by the server
        self.reports: dict[int, RoundReport] = {}
        self.papers: dict[int, Newspaper] = {}
        self.overlay: dict[str, Any] = {}
        self.dirty: set[str] = set()
        self.edit_seq: dict[str, int] = {}
        self.inflight: dict[int, tuple[str, dict[str, int]]] = {}
        self.field_errors: dict[str, str] = {}
        self.notice = ("", "neutral", 0.0)
        self.failure: NetEvent | None = None
        self.replies: dict[int, NetEvent] = {}
        self._seq = 0
        self._draft: dict[str, Any] = {}
        self._problems: list[tuple[str, str]] = []

    # ------------------------------------------------------------ reading

    @property
    def role(self) -> str:
        return str(self.welcome.get("role", ""))

    @property
    def phase(self) -> str:
        return str(self.timer.phase) if self.timer else "lobby"

    @property
    def round(self) -> int:
        return self.timer.round if self.timer else 0

    @property
    def rounds(self) -> int:
        return self.timer.rounds if self.timer else 0

    def time_left(self, now: float | None = None) -> float | None:
        """Seconds left in the round, counted down locally from the last timer."""
        if self.timer is None or self.timer.remaining is None:
            return None
        if self.timer.phase != "decisions":
            return self.timer.remaining
        now = time.monotonic() if now is None else now
        return max(0.0, self.timer.remaining - (now - self.timer_at))

    def draft_data(self) -> dict[str, Any]:
        """Return the team's draft as JSON data, with this board member's unsent edits."""
        return dict(self._draft)

    def problems(self) -> list[tuple[str, str]]:
        """Return what the rules refuse in the draft, as far as the client can tell."""
        return list(self._problems)

    def _refresh(self) -> None:
        """Recompute what the screens read, once per change rather than once per frame."""
        base = self.team.draft.model_dump(mode="json") if self.team else {}
        self._draft = base | self.overlay
        self._problems = self._check()

    def draft(self) -> Decisions | None:
        """Return the draft as decisions, or None when it does not validate."""
        try:
            return Decisions.model_validate(self.draft_data())
        except ValueError:
            return None

    def submitted(self) -> bool:
        team = self.team
        return bool(team and team.submission and team.submission.round == self.round)

    def deciding(self) -> bool:
        return self.team is not None and self.phase in OPEN_PHASES and not self.team.computer

    def report_list(self) -> list[RoundReport]:
        return [self.reports[r] for r in sorted(self.reports)]

    def fingerprint(self) -> str:
        """Return a hash of the whole store (tests check that drawing leaves it alone)."""
        return hashlib.sha256(pickle.dumps(self.__dict__)).hexdigest()

    # ------------------------------------------------------------ the board's input

    def edit(self, field: str, value: Any) -> None:
        """Change one top-level field of the draft locally; the loop sends it."""
        self._seq += 1
        with contextlib.suppress(ValueError):  # the server's normal form, so an echo compares
            value = Decisions.model_validate(self.draft_data() | {field: value}).model_dump(
                mode="json"
            )[field]
        self.overlay[field] = value
        self.edit_seq[field] = self._seq
        self.dirty.add(field)
        self.field_errors = {k: v for k, v in self.field_errors.items() if k.split(".")[0] != field}
        self._refresh()

    def unsent(self) -> dict[str, Any]:
        """Return the edits not sent yet."""
        return {field: self.overlay[field] for field in sorted(self.dirty) if field in self.overlay}

    def sent(self, tag: int, fields: list[str]) -> None:
        """Remember that these fields travel under request ``tag``."""
        self.inflight[tag] = ("edit", {f: self.edit_seq.get(f, 0) for f in fields})
        self.dirty -= set(fields)

    def _check(self) -> list[tuple[str, str]]:
        """Return what the rules refuse in the draft, as far as the client can tell.

        The client has no game state, so it checks the decisions model, the
        eligibility each funding card carries, and shows the server's own
        problems for the fields the server has already seen.
        """
        found: list[tuple[str, str]] = []
        try:
            Decisions.model_validate(self.draft_data())
        except ValueError as error:
            for item in getattr(error, "errors", list)():
                found.append((".".join(str(p) for p in item["loc"]), item["msg"]))
        if self.team is not None:
            options = {o.id: o for o in self.team.view.funding}
            apply = (self.draft_data().get("funding") or {}).get("apply") or []
            for i, funding_id in enumerate(apply):
                option = options.get(funding_id)
                if option is None:
                    found.append((f"funding.apply.{i}", f"unknown funding id {funding_id!r}"))
                elif not option.eligible:
                    found.append((f"funding.apply.{i}", f"{option.name} {option.reason}"))
            for problem in self.team.problems:
                if problem.field.split(".")[0] not in self.overlay:
                    found.append((problem.field, problem.problem))
        found += [(f, p) for f, p in self.field_errors.items()]
        unique = list(dict.fromkeys(found))
        return unique

    def say(self, text: str, tone: str = "neutral", seconds: float = 5.0) -> None:
        self.notice = (text, tone, time.monotonic() + seconds)

    # ------------------------------------------------------------ the network's news

    def apply(self, event: NetEvent, now: float | None = None) -> None:
        """Take one network event into the store."""
        now = time.monotonic() if now is None else now
        if event.kind == "status":
            self._status(event.status)
        elif event.kind == "welcome":
            self.welcome = dict(event.message)
        elif event.kind == "message":
            self._message(event.message, now)
        elif event.kind == "reply":
            self._reply(event)
        elif event.kind == "failed":
            self._failed(event)
        elif event.kind == "bad_message":
            self.say(f"The server sent something this client cannot read: {event.text}", "bad")
        self._refresh()

    def _status(self, status: str) -> None:
        if status == "connected" and self.status == "reconnecting":
            self.dirty |= set(self.overlay)  # send the kept draft again
            self.say("Connection restored.", "good", 3.0)
        self.status = status

    def _message(self, message: Any, now: float) -> None:
        if isinstance(message, TeamState | PublicState | FacilitatorState | TimerChanged):
            self.timer, self.timer_at = message.timer, now
        if isinstance(message, TeamState):
            self._team_state(message)
        elif isinstance(message, DraftChanged) and self.team is not None:
            self._draft_changed(message)
        elif isinstance(message, ForecastReady) and self.team is not None:
            if message.version == self.team.draft_version:  # the draft on screen's own
                update = {"forecast": message.forecast, "forecast_pending": False}
                self.team = self.team.model_copy(update=update)
        elif isinstance(message, Submitted) and self.team is not None:
            submission = message.submission
            self.team = self.team.model_copy(  # a submitted draft gets no forecast
                update={
                    "submission": submission,
                    "draft": submission.decisions,
                    "forecast_pending": self.team.forecast_pending
                    and submission.decisions != self.team.draft,
                }
            )
            self._settle(True)
        elif isinstance(message, PublicState):
            self._public_state(message)
        elif isinstance(message, FacilitatorState):
            self.facilitator = message
        elif isinstance(message, Briefing):
            self.briefing = message
        elif isinstance(message, Labels):
            BOOK.take(message)  # every screen names things as this server does
        elif isinstance(message, Welcome):
            self.welcome = message.model_dump(mode="json")
        elif getattr(message, "type", "") == "removed":
            self.say(f"You were removed from the session: {message.reason}", "bad", 30.0)

    def _team_state(self, message: TeamState) -> None:
        if self.team is not None and (
            message.view.round != self.team.view.round or message.team != self.team.team
        ):  # a new year, or the facilitator moved this player to another team
            self.overlay.clear()
            self.dirty.clear()
            self.field_errors.clear()
        self.team = message
        for report in message.reports or []:
            self.reports[report.round] = report
        if message.view.last_report is not None:
            self.reports[message.view.last_report.round] = message.view.last_report
        self._settle(True)

    def _draft_changed(self, message: DraftChanged) -> None:
        assert self.team is not None
        if message.edited_by and message.edited_by == self.welcome.get("player"):
            self._echoed(message)
        self.team = self.team.model_copy(
            update={
                "draft": message.draft,
                "draft_version": message.version,
                "problems": message.problems,
                "forecast": message.forecast,
                "forecast_pending": message.forecast_pending,
            }
        )
        self._settle(True)

    def _public_state(self, message: PublicState) -> None:
        self.public = message
        for paper in message.history or []:
            self.papers[paper.round] = paper
        if message.newspaper is not None:
            self.papers[message.newspaper.round] = message.newspaper

    def _settle(self, from_server: bool) -> None:
        """Drop local edits the server's draft now shows.

        An acknowledged edit is dropped at the next draft from the server (which
        carries it, or a teammate's later change); an edit the draft already
        equals is dropped at once, so the screen never flickers back.
        """
        acked = {f for kind, fields in self.inflight.values() if kind == "acked" for f in fields}
        base = self.team.draft.model_dump(mode="json") if self.team else {}
        pending = self._pending_fields()
        for field in list(self.overlay):
            if field in self.dirty or field in pending:
                continue
            if (from_server and field in acked) or base.get(field) == self.overlay[field]:
                del self.overlay[field]
        if from_server:
            self.inflight = {t: v for t, v in self.inflight.items() if v[0] != "acked"}

    def _echoed(self, message: DraftChanged) -> None:
        """The server's echo of this client's oldest edit in flight: the server applied
        it, so it counts as acknowledged now. Its reply may still be on its way, behind
        teammates' later drafts (a reply reaches the model after the messages read with
        it), and an edit acknowledged only then would wait for yet another draft."""
        base = message.draft.model_dump(mode="json")
        for tag, (kind, fields) in self.inflight.items():
            if kind != "edit":
                continue
            current = {f: seq for f, seq in fields.items() if self.edit_seq.get(f) == seq}
            if all(base.get(f) == self.overlay.get(f) for f in current):
                self.inflight[tag] = ("acked", current)
            return

    def _pending_fields(self) -> set[str]:
        return {f for kind, fields in self.inflight.values() if kind == "edit" for f in fields}

    def _reply(self, event: NetEvent) -> None:
        self.replies[event.tag] = event
        sent = self.inflight.pop(event.tag, None)
        if sent is None:
            return
        current = {f: s for f, s in sent[1].items() if self.edit_seq.get(f) == s}
        if current:
            self.inflight[event.tag] = ("acked", current)
        self._settle(False)

    def _failed(self, event: NetEvent) -> None:
        self.replies[event.tag] = event
        if event.tag == 0:  # the first message failed: the link is not up
            self.failure = event
            self.status = "offline"
            self.say(first_failure(event.text or event.code), "bad", 10.0)
            return
        sent = self.inflight.pop(event.tag, None)
        if event.code in ("timeout", "offline"):
            if sent is not None:
                self.dirty |= set(sent[1]) & set(self.overlay)
            return
        if sent is not None and sent[0] == "edit":
            for field in sent[1]:
                self.overlay.pop(field, None)
        self.field_errors = {f: p for f, p in event.details} if event.details else {}
        self.say(event.text or event.code, "bad", 8.0)
