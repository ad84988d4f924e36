"""permessage-deflate where it pays (server/deflate.py): each message on its own, once."""

from __future__ import annotations

import zlib
from pathlib import Path

from loopback import close_all, facilitated, joined, run, serving
from websockets.frames import TEXT, Frame

from server.deflate import MIN_SIZE, FreshDeflate, FreshDeflateFactory


def connection() -> FreshDeflate:
    """The extension the server runs for one client that offered permessage-deflate."""
    _, extension = FreshDeflateFactory().process_request_params([], [])
    assert isinstance(extension, FreshDeflate)
    return extension


def inflate(data: bytes) -> bytes:
    return zlib.decompressobj(wbits=-12).decompress(bytes(data) + b"\x00\x00\xff\xff")


def test_a_large_message_is_compressed_once_for_every_connection() -> None:
    message = ('{"type":"patch","view":"team_state","patch":' + '{"cash": 1.5}, ' * 200).encode()
    first, second = connection(), connection()
    sent = first.encode(Frame(TEXT, message))
    assert sent.rsv1 and len(sent.data) < len(message) / 5
    assert inflate(sent.data) == message
    assert second.encode(Frame(TEXT, message)) is sent  # the same bytes: not compressed again
    other = message.replace(b"1.5", b"2.5")
    assert inflate(second.encode(Frame(TEXT, other)).data) == other


def test_a_small_message_goes_as_it_is() -> None:
    message = b'{"type":"ack","reply_to":"x1","seq":42}'
    assert len(message) < MIN_SIZE
    sent = connection().encode(Frame(TEXT, message))
    assert not sent.rsv1 and sent.data == message


def test_clients_negotiate_it_and_play_through_it(tmp_path: Path) -> None:
    async def main() -> None:
        async with serving(tmp_path / "d.db") as (_, url):
            facilitator, code = await facilitated(url, scenario="grow", rounds=1, seed=3)
            player = await joined(url, code, "North", "Ana")
            extensions = [e.name for e in player._ws.protocol.extensions]  # type: ignore[union-attr]
            assert extensions == ["permessage-deflate"]
            await facilitator.send("start")
            await facilitator.send("open_round")
            await player.wait_for(lambda c: c.phase == "decisions")
            assert player.team_state["view"]["round"] == 1  # type: ignore[index]
            await close_all(player, facilitator)
        async with serving(tmp_path / "e.db", compression="off") as (_, url):
            facilitator, code = await facilitated(url, scenario="grow", rounds=1, seed=3)
            assert facilitator._ws.protocol.extensions == []  # type: ignore[union-attr]
            await close_all(facilitator)

    run(main())
