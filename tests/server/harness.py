"""Drive a session core directly: feed messages, read the outbox (no sockets)."""

from __future__ import annotations

import json
from typing import Any

from protocol import patch
from protocol.messages import CreateSession, parse_client_data
from protocol.replies import parse_server_message
from server.session import Command, Session, Step

FACILITATOR_HASH = "f" * 64
CODE = "ACDEFG"


def create_record(**config: Any) -> dict[str, Any]:
    seed = config.pop("seed", 7)
    message = CreateSession(protocol=1, seed=seed, **config)
    return {
        "seq": 1,
        "now": 0.0,
        "session": "s1",
        "code": CODE,
        "seed": seed,
        "token_hash": FACILITATOR_HASH,
        "message": message.model_dump(mode="json"),
    }


class Table:
    """A session plus numbered connections and a clock, as a test would drive them."""

    def __init__(self, **config: Any) -> None:
        self.record = create_record(**config)
        self.session = Session(self.record)
        self.log: list[dict[str, Any]] = [self.record]
        self.now = 0.0
        self.next_connection = 1
        self.held: dict[int, dict[str, tuple[int, dict[str, Any]]]] = {}  # as clients hold them
        self.facilitator = self.connect(
            {"type": "resume", "protocol": 1, "token": "x" * 16}, token_hash=FACILITATOR_HASH
        )

    def run(self, message: Any, connection: int | None = None, **extra: Any) -> Step:
        if isinstance(message, dict):
            message = parse_client_data(message)
        step = self.session.handle(Command(self.now, message, connection, **extra))
        if step.record is not None:
            self.log.append(step.record)
        self.follow(step)
        return step

    def follow(self, step: Step) -> None:
        """Apply every view and patch to each connection's held views, as a client does;
        ``messages_to`` then shows a patch as the full view it makes."""
        step.shown = {}  # type: ignore[attr-defined]
        for index, outgoing in enumerate(step.outbox):
            kind = outgoing.message.type
            if kind not in patch.VIEWS and kind != "patch":
                continue
            data = outgoing.message.model_dump(mode="json")
            for connection in self.session.recipients(outgoing.to):
                held = self.held.setdefault(connection, {})
                if kind != "patch":
                    held[kind] = (data["version"], patch.held(kind, data))
                    continue
                version, doc = held[data["view"]]
                if data["version"] <= version:
                    continue
                assert data["base"] == version, "a patch on a version the client does not hold"
                doc = patch.apply(doc, data["patch"], data["removed"])
                held[data["view"]] = (data["version"], doc)
                view = patch.shown(data["view"], doc, data["version"])
                step.shown[(index, connection)] = parse_server_message(json.dumps(view))  # type: ignore[attr-defined]

    def connect(self, message: dict[str, Any], **extra: Any) -> int:
        connection = self.next_connection
        self.next_connection += 1
        step = self.run(message, connection, **extra)
        assert step.error is None, step.error
        return connection

    def join(self, team: str, name: str) -> int:
        token_hash = f"{team}-{name}".ljust(64, "0")
        return self.connect(
            {"type": "join", "protocol": 1, "code": CODE, "team": team, "name": name},
            token_hash=token_hash,
            token="raw-" + name,
        )

    def send(self, connection: int, **message: Any) -> Step:
        return self.run(message, connection)

    def facilitate(self, **message: Any) -> Step:
        step = self.run(message, self.facilitator)
        assert step.error is None, step.error
        return step

    def forecasts(self) -> list[Step]:
        """Play the shell: run the forecast jobs due now, in this process, and feed each
        result back as the ``forecast_done`` command; return those commands' steps."""
        from server import forecasting
        from server.session import ForecastDone

        jobs = self.session.take_forecasts(self.now)
        return [self.run(ForecastDone(), result=forecasting.run(job)) for job in jobs]

    def resolve_if_needed(self) -> Step | None:
        if self.session.needs_resolution():
            from server.session import Resolve

            return self.run(Resolve())
        return None


def messages_to(step: Step, session: Session, connection: int) -> list[Any]:
    """The messages a connection received, each patch shown as the full view it makes."""
    shown = getattr(step, "shown", {})
    return [
        shown.get((i, connection), o.message)
        for i, o in enumerate(step.outbox)
        if connection in session.recipients(o.to)
        and (o.message.type != "patch" or (i, connection) in shown)
    ]


def types(messages: list[Any]) -> list[str]:
    return [m.type for m in messages]
