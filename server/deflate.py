"""permessage-deflate where it pays: each message on its own, compressed once per broadcast.

With no context kept between messages (``server_no_context_takeover``), a connection
holds no zlib state between messages, so compression costs no memory per connection,
and a message's compressed form is the same for every connection: ``broadcast``
hands every connection the same bytes object, so the first connection compresses it
and the others reuse the result. Messages under ``MIN_SIZE`` bytes (acks, timers, most
patches) go uncompressed, as RFC 7692 allows (their RSV1 bit is clear): deflate saves
little on them and would cost a compressor each.
"""

from __future__ import annotations

from collections.abc import Sequence

from websockets.extensions.base import Extension
from websockets.extensions.permessage_deflate import (
    PerMessageDeflate,
    ServerPerMessageDeflateFactory,
)
from websockets.frames import BINARY, TEXT, Frame
from websockets.typing import ExtensionParameter

MIN_SIZE = 256  # bytes: smaller messages are sent as they are


class FreshDeflate(PerMessageDeflate):
    """The server side of a connection: compresses each whole message on its own."""

    last: tuple[bytes, Frame] | None = None  # shared: the last message and its frame

    def encode(self, frame: Frame) -> Frame:
        if frame.opcode not in (TEXT, BINARY) or not frame.fin:
            return super().encode(frame)  # control frames pass; a fragmented message as usual
        if len(frame.data) < MIN_SIZE:
            return frame
        last = FreshDeflate.last
        if last is not None and last[0] is frame.data:
            return last[1]
        encoded = super().encode(frame)
        FreshDeflate.last = (frame.data, encoded)  # type: ignore[assignment]
        return encoded


class FreshDeflateFactory(ServerPerMessageDeflateFactory):
    """Offer permessage-deflate with no context kept on either side."""

    def __init__(self) -> None:
        super().__init__(
            server_no_context_takeover=True,
            client_no_context_takeover=True,
            server_max_window_bits=12,
            compress_settings={"memLevel": 5},
        )

    def process_request_params(
        self, params: Sequence[ExtensionParameter], accepted_extensions: Sequence[Extension]
    ) -> tuple[list[ExtensionParameter], PerMessageDeflate]:
        response, extension = super().process_request_params(params, accepted_extensions)
        assert extension.local_no_context_takeover  # else a message's bytes depend on history
        fresh = FreshDeflate(
            extension.remote_no_context_takeover,
            extension.local_no_context_takeover,
            extension.remote_max_window_bits,
            extension.local_max_window_bits,
            extension.compress_settings,
        )
        return response, fresh
