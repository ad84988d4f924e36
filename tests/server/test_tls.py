"""``--tls-cert`` and ``--tls-key`` serve wss:// directly."""

from __future__ import annotations

import shutil
import ssl
import subprocess

import pytest
from loopback import close_all, run, serving

from protocol.client import Client


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_a_client_plays_over_wss(tmp_path) -> None:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )
    trust = ssl.create_default_context(cafile=str(cert))

    async def main() -> None:
        async with serving(tmp_path / "t.db", tls_cert=str(cert), tls_key=str(key)) as (_, url):
            secure = url.replace("ws://", "wss://")
            facilitator = Client(secure, ssl_context=trust)
            welcome = await facilitator.create_session(seed=1)
            spectator = Client(secure, ssl_context=trust)
            assert (await spectator.spectate(welcome["code"]))["role"] == "spectator"
            await close_all(facilitator, spectator)

    run(main())
