"""The web edition's HTTP side: pages, content types, ETags, gzip, JSON documents, QR, Origin."""

from __future__ import annotations

import asyncio
import gzip
import json
import urllib.error
import urllib.request

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from server.static import WebEdition, accepts_gzip, content_policy, same_origin
from tests.server.loopback import close_all, facilitated, run, serving


def get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_pages_and_files_have_their_content_types_and_security_headers(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "w.db") as (server, _):
            port = server.port
            for path in ("/", "/?code=K7MXQA", "/host", "/projector"):
                status, headers, body = await asyncio.to_thread(get, port, path)
                assert status == 200, path
                assert headers["Content-Type"] == "text/html; charset=utf-8"
                assert headers["Cache-Control"] == "no-cache"
                policy = headers["Content-Security-Policy"]
                assert f"connect-src 'self' ws://127.0.0.1:{port} wss://127.0.0.1:{port};" in policy
                assert b"<!doctype html>" in body
            kinds = {
                "/static/style.css": "text/css; charset=utf-8",
                "/static/player.js": "text/javascript; charset=utf-8",
                "/static/favicon.svg": "image/svg+xml",
                "/api/scenarios.json": "application/json",
            }
            for path, kind in kinds.items():
                status, headers, _ = await asyncio.to_thread(get, port, path)
                assert (status, headers["Content-Type"]) == (200, kind), path
            for path in ("/static/../app.py", "/static/nothing.js", "/elsewhere", "/api/x"):
                status, _, _ = await asyncio.to_thread(get, port, path)
                assert status == 404, path

    run(main())


def test_an_unchanged_file_answers_304_and_gzip_is_sent_only_when_accepted(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "w.db") as (server, _):
            port = server.port
            status, headers, plain = await asyncio.to_thread(get, port, "/static/style.css")
            assert status == 200 and "Content-Encoding" not in headers
            etag = headers["ETag"]
            status, headers, body = await asyncio.to_thread(
                get, port, "/static/style.css", {"If-None-Match": etag}
            )
            assert (status, body) == (304, b"")
            status, headers, zipped = await asyncio.to_thread(
                get, port, "/static/style.css", {"Accept-Encoding": "br, gzip"}
            )
            assert headers["Content-Encoding"] == "gzip"
            assert headers["Vary"] == "Accept-Encoding"
            assert len(zipped) < len(plain) and gzip.decompress(zipped) == plain
            status, headers, _ = await asyncio.to_thread(
                get, port, "/static/style.css", {"Accept-Encoding": "gzip;q=0"}
            )
            assert "Content-Encoding" not in headers

    run(main())


def test_the_json_documents_carry_the_decisions_schema_and_the_scenarios(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "w.db", public_url="https://class.example.org/") as (s, _):
            port = s.port
            _, _, body = await asyncio.to_thread(get, port, "/api/decisions-schema.json")
            schema = json.loads(body)
            staffing = schema["$defs"]["Staffing"]["properties"]["hire_fte"]
            assert staffing["maximum"] == 5.0
            _, _, body = await asyncio.to_thread(get, port, "/api/scenarios.json")
            scenarios = {s["id"]: s for s in json.loads(body)}
            assert {"grow", "transform", "build", "tutorial"} <= set(scenarios)
            assert scenarios["grow"]["briefing"] and scenarios["grow"]["events"][0]["title"]
            _, _, body = await asyncio.to_thread(get, port, "/api/config.json")
            assert json.loads(body)["public_url"] == "https://class.example.org"

    run(main())


def test_the_qr_code_is_an_svg_of_the_player_url(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "w.db") as (server, _):
            port = server.port
            status, headers, body = await asyncio.to_thread(get, port, "/qr.svg?code=k7mxqa")
            assert (status, headers["Content-Type"]) == (200, "image/svg+xml")
            assert body.startswith(b"<svg") and b"<path" in body
            status, _, _ = await asyncio.to_thread(get, port, "/qr.svg?code=nope")
            assert status == 400

    run(main())
    web = WebEdition(public_url="https://play.example.org/cb/")
    assert web.player_url("K7MXQA", "10.0.0.5:8765") == "https://play.example.org/cb/?code=K7MXQA"
    assert WebEdition().player_url("K7MXQA", "10.0.0.5:8765") == "http://10.0.0.5:8765/?code=K7MXQA"


def test_a_page_may_open_a_websocket_to_its_own_origin_only(tmp_path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "w.db") as (server, url):
            own = f"http://127.0.0.1:{server.port}"
            ws = await connect(url, origin=own)
            await ws.close()
            with pytest.raises(InvalidStatus) as refused:
                await connect(url, origin="http://evil.example:8765")
            assert refused.value.response.status_code == 403
            facilitator, _ = await facilitated(url, seed=1)
            await close_all(facilitator)

    run(main())


def test_header_helpers() -> None:
    assert accepts_gzip("gzip, deflate") and accepts_gzip("*")
    assert not accepts_gzip("br") and not accepts_gzip(None) and not accepts_gzip("gzip;q=0")
    assert same_origin("http://127.0.0.1:8765", "127.0.0.1:8765")
    assert not same_origin("http://127.0.0.1:8766", "127.0.0.1:8765")
    assert not same_origin("null", "127.0.0.1:8765")
    assert "ws://[::1]:8765 " in content_policy("[::1]:8765")
    assert "ws:" not in content_policy("evil.org; script-src *")


def test_serve_checks_the_public_url_and_names_the_pages() -> None:
    from cli.demo import browser_lines
    from cli.serve import browser_urls, public_url
    from server.app import ServerConfig

    assert public_url("https://play.example.org/cb/") == "https://play.example.org/cb"
    for bad in ("ftp://example.org", "example.org", "https://x.org/?a=1"):
        with pytest.raises(ValueError, match="--public-url"):
            public_url(bad)
    urls = browser_urls(ServerConfig(host="127.0.0.1"), 8765)
    assert urls["players"] == "http://127.0.0.1:8765/"
    assert urls["facilitator"] == "http://127.0.0.1:8765/host"
    urls = browser_urls(ServerConfig(public_url="https://play.example.org"), 8765)
    assert urls["projector"] == "https://play.example.org/projector"
    lines = browser_lines("ws://127.0.0.1:9000", "K7MXQA", "secret-token")
    assert "http://127.0.0.1:9000/?code=K7MXQA" in lines[1]
    assert lines[2].endswith("/host#token=secret-token")


def test_a_server_on_every_interface_names_its_network_address(monkeypatch) -> None:
    import ipaddress

    from cli import serve
    from server.app import ServerConfig

    ipaddress.ip_address(serve.lan_address())  # a real address here, or 127.0.0.1
    monkeypatch.setattr(serve, "lan_address", lambda: "192.168.1.23")
    for everywhere in ("0.0.0.0", "::"):
        urls = serve.browser_urls(ServerConfig(host=everywhere), 8765)
        assert urls["facilitator"] == "http://192.168.1.23:8765/host"  # its QR code: phones
    assert serve.browser_urls(ServerConfig(host="10.0.0.5"), 80)["players"] == "http://10.0.0.5:80/"


def test_the_pygame_console_shows_the_players_page() -> None:
    from client.console import player_page

    assert player_page("ws://10.0.0.5:8765", "K7MXQA") == "http://10.0.0.5:8765/?code=K7MXQA"
    assert player_page("wss://class.example.org/", "K7MXQA") == (
        "https://class.example.org/?code=K7MXQA"
    )


def test_the_browser_demo_serves_its_session_to_the_pages() -> None:
    from cli.demo import run_browser

    printed: list[str] = []
    seen: dict[str, int] = {}

    def visit(base: str) -> None:
        port = int(base.rsplit(":", 1)[1])
        for path in ("/", "/host", "/projector"):
            seen[path] = get(port, path)[0]
        code = printed[1].rsplit("=", 1)[1]

        async def spectate() -> list[str]:
            async with connect(base.replace("http", "ws", 1)) as ws:
                await ws.send(json.dumps({"type": "spectate", "protocol": 1, "code": code}))
                await ws.recv()  # welcome
                while True:
                    message = json.loads(await ws.recv())
                    if message["type"] == "public_state":
                        return message["teams"]

        seen["teams"] = len(run(spectate()))

    assert run_browser("tutorial", 2, 3, 600.0, out=printed.append, until=visit) == 0
    assert printed[0] == "The same session in a browser:"
    assert "/?code=" in printed[1] and "/host#token=" in printed[2]
    assert seen == {"/": 200, "/host": 200, "/projector": 200, "teams": 3}
