"""The web edition over plain HTTP: pages, scripts, the decisions schema, scenarios, QR codes.

The game server answers ordinary GET requests on its websocket port (websockets'
``process_request`` hook): the player page at ``/``, the facilitator page at
``/host``, the projector at ``/projector``, the files of ``server/web/`` under
``/static/``, and a few JSON documents under ``/api/`` that let a browser play
without local scenario files: the scenarios with their story and event deck, the
JSON Schema of the decisions (with every field's label, unit, step and section)
and the display names of the vocabulary. Every file is read once at start-up, with its ETag
and its gzip form, so a request costs a dictionary lookup and never touches the
disk (and no path from a request ever reaches the file system).

A websocket upgrade passes through untouched once its ``Origin`` is accepted:
no Origin (programs), a configured origin, or the page's own origin (the Host it
was served from).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import re
from dataclasses import dataclass
from email.utils import formatdate
from functools import lru_cache
from http import HTTPStatus
from importlib import resources
from typing import Any
from urllib.parse import parse_qs, urlsplit

import segno
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from game.decisions import decisions_schema
from game.scenario import ScenarioError, load_scenario, scenario_names
from game.strategies import STRATEGIES
from game.vocabulary import vocabulary
from protocol.messages import CODE_ALPHABET, CODE_LENGTH
from server import logs

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
    ".woff2": "font/woff2",
}
COMPRESSIBLE = (".html", ".js", ".mjs", ".css", ".json", ".svg", ".txt")
PAGES = {"/": "index.html", "/host": "host.html", "/projector": "projector.html"}
MIN_GZIP = 512
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
POLICY = (
    "default-src 'self'; img-src 'self' data:; connect-src 'self'{sockets}; "
    "style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)
_CODE = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")
_HOST = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")


def content_policy(host: str | None) -> str:
    """The pages' Content-Security-Policy: this server only, its websocket named outright.

    Browsers that predate CSP 3 do not count ws:// and wss:// as 'self'.
    """
    sockets = f" ws://{host} wss://{host}" if host and _HOST.match(host) else ""
    return POLICY.format(sockets=sockets)


@dataclass(frozen=True)
class Asset:
    body: bytes
    zipped: bytes | None
    content_type: str
    etag: str


def make_asset(body: bytes, suffix: str) -> Asset:
    zipped = None
    if suffix in COMPRESSIBLE and len(body) >= MIN_GZIP:
        packed = gzip.compress(body, compresslevel=9, mtime=0)
        zipped = packed if len(packed) < len(body) else None
    etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
    return Asset(body, zipped, CONTENT_TYPES.get(suffix, "application/octet-stream"), etag)


def web_files() -> dict[str, Asset]:
    """Read every file of ``server/web/`` (package data), keyed by its path under it."""
    found: dict[str, Asset] = {}

    def walk(folder: Any, prefix: str) -> None:
        for entry in folder.iterdir():
            name = entry.name
            if name.startswith(".") or name == "__pycache__":
                continue
            if entry.is_dir():
                walk(entry, f"{prefix}{name}/")
                continue
            suffix = name[name.rfind(".") :] if "." in name else ""
            found[prefix + name] = make_asset(entry.read_bytes(), suffix)

    walk(resources.files("server") / "web", "")
    return found


def scenarios_document() -> list[dict[str, Any]]:
    """The scenarios a facilitator may choose, with their story and event deck."""
    listing = []
    for name in scenario_names():
        try:
            scenario = load_scenario(name)
        except (ScenarioError, OSError, ValueError) as error:
            logs.event("scenario_skipped", logging.WARNING, scenario=name, reason=str(error)[:300])
            continue
        info = scenario.scenario
        listing.append(
            {
                "id": info.id,
                "name": info.name,
                "category": info.category,
                "rounds": info.rounds,
                "summary": info.summary,
                "briefing": info.briefing,
                "lesson": info.lesson,
                "events": [
                    {"id": card.id, "title": card.title, "text": card.text}
                    for card in scenario.events
                ],
            }
        )
    return listing


def strategies_document() -> list[dict[str, str]]:
    """The computer strategies a facilitator may hand a team to."""
    return [{"id": name, "summary": info.summary} for name, info in STRATEGIES.items()]


def accepts_gzip(header: str | None) -> bool:
    """True when an Accept-Encoding header allows gzip (and does not give it q=0)."""
    for part in (header or "").split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            quality = params.strip().replace(" ", "").lower()
            return quality not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def same_origin(origin: str, host: str | None) -> bool:
    """True when a browser Origin names the host and port the request was sent to."""
    parts = urlsplit(origin)
    return bool(host) and parts.scheme in ("http", "https") and parts.netloc == host.lower()


class WebEdition:
    """Answers the HTTP requests of the web edition; None lets a websocket upgrade through."""

    def __init__(
        self,
        origins: list[str] | None = None,
        public_url: str | None = None,
        host_key: bool = False,
    ) -> None:
        self.origins = set(origins or [])
        self.public_url = public_url.rstrip("/") if public_url else None
        if self.public_url:
            parts = urlsplit(self.public_url)
            self.origins.add(f"{parts.scheme}://{parts.netloc}")
        self.files = web_files()
        self.api = {
            "scenarios.json": make_asset(json.dumps(scenarios_document()).encode(), ".json"),
            "decisions-schema.json": make_asset(json.dumps(decisions_schema()).encode(), ".json"),
            "strategies.json": make_asset(json.dumps(strategies_document()).encode(), ".json"),
            "vocabulary.json": make_asset(json.dumps(vocabulary()).encode(), ".json"),
            "config.json": make_asset(  # host_key: whether creating a session needs one
                json.dumps(
                    {
                        "public_url": self.public_url,
                        "protocol": 1,
                        "code_length": CODE_LENGTH,
                        "host_key": host_key,
                    }
                ).encode(),
                ".json",
            ),
        }

    # ------------------------------------------------------------ routing

    def respond(self, request: Request) -> Response | None:
        headers = request.headers
        if "websocket" in headers.get("Upgrade", "").lower():
            return self.check_origin(headers)
        parts = urlsplit(request.path)
        path = parts.path
        if path in PAGES:
            return self.asset(self.files.get(PAGES[path]), headers, page=True)
        if path.startswith("/static/"):
            return self.asset(self.files.get(path[len("/static/") :]), headers)
        if path.startswith("/api/"):
            return self.asset(self.api.get(path[len("/api/") :]), headers)
        if path == "/qr.svg":
            return self.qr(parts.query, headers)
        if path == "/favicon.ico":
            return self.asset(self.files.get("favicon.svg"), headers)
        return plain(HTTPStatus.NOT_FOUND, "Not found.\n")

    def check_origin(self, headers: Headers) -> Response | None:
        origin = headers.get("Origin")
        if origin is None or origin in self.origins or same_origin(origin, headers.get("Host")):
            return None
        return plain(
            HTTPStatus.FORBIDDEN, "Failed to open a WebSocket connection: invalid Origin.\n"
        )

    # ------------------------------------------------------------ answers

    def asset(self, asset: Asset | None, headers: Headers, page: bool = False) -> Response:
        if asset is None:
            return plain(HTTPStatus.NOT_FOUND, "Not found.\n")
        extra = {"ETag": asset.etag, "Cache-Control": "no-cache"}
        if page:
            extra |= SECURITY_HEADERS
            extra["Content-Security-Policy"] = content_policy(headers.get("Host"))
        if asset.zipped is not None:
            extra["Vary"] = "Accept-Encoding"
        if asset.etag in headers.get("If-None-Match", "").replace("W/", "").split(", "):
            return respond(HTTPStatus.NOT_MODIFIED, b"", None, extra)
        if asset.zipped is not None and accepts_gzip(headers.get("Accept-Encoding")):
            extra["Content-Encoding"] = "gzip"
            return respond(HTTPStatus.OK, asset.zipped, asset.content_type, extra)
        return respond(HTTPStatus.OK, asset.body, asset.content_type, extra)

    def player_url(self, code: str, host: str | None) -> str:
        base = self.public_url or f"http://{host or '127.0.0.1'}"
        return f"{base}/?code={code}"

    def qr(self, query: str, headers: Headers) -> Response:
        """The QR code of the player URL of a join code, as SVG."""
        code = (parse_qs(query).get("code") or [""])[0].upper()
        if not _CODE.match(code):
            return plain(HTTPStatus.BAD_REQUEST, "qr.svg needs ?code= and a join code.\n")
        return self.asset(qr_asset(self.player_url(code, headers.get("Host"))), headers)


@lru_cache(maxsize=256)
def qr_asset(url: str) -> Asset:
    """The QR code of an address as an SVG file (drawn once per address)."""
    svg = segno.make(url, error="m", micro=False).svg_inline(
        scale=8, border=2, dark="#000", light="#fff", omitsize=True
    )
    svg = svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    return make_asset(svg.encode(), ".svg")


def respond(
    status: HTTPStatus, body: bytes, content_type: str | None, extra: dict[str, str]
) -> Response:
    headers = Headers(
        [
            ("Date", formatdate(usegmt=True)),
            ("Connection", "close"),
            ("Content-Length", str(len(body))),
        ]
    )
    if content_type:
        headers["Content-Type"] = content_type
    for key, value in extra.items():
        headers[key] = value
    return Response(status.value, status.phrase, headers, body)


def plain(status: HTTPStatus, text: str) -> Response:
    return respond(status, text.encode(), "text/plain; charset=utf-8", {})
