"""Structured logs: one JSON line per session event on stderr."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

log = logging.getLogger("clusterboard.server")


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": round(record.created, 3),
            "level": record.levelname.lower(),
            "event": record.getMessage(),
        }
        line.update(getattr(record, "fields", {}))
        if record.exc_info:  # a bug: the log keeps the trace, the client never sees it
            line["trace"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, separators=(",", ":"))


def configure(level: str = "info") -> None:
    """Send the server's log to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines())
    root = logging.getLogger("clusterboard")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False


def event(name: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log one session event (created, joined, submitted, resolved, error, ...)."""
    if log.isEnabledFor(level):
        log.log(level, name, extra={"fields": fields})
