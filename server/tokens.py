"""Secret tokens: drawn from ``secrets``, shown once, stored only as hashes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

TOKEN_BYTES = 24
IDEMPOTENT_ID = 12  # a first message's id this long or longer makes it idempotent


def new_token() -> str:
    """Return a fresh secret token (URL-safe text, 32 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """Return the hash a token is stored and looked up by."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def derived_token(secret: bytes, *parts: str) -> str:
    """Return the token a first message resent with the same id gets again.

    The server keeps no raw token: for ``create_session`` and ``join`` with an id
    of at least ``IDEMPOTENT_ID`` characters, the token is a keyed hash of the
    server's secret, the session and that id, so a resend finds the same seat.
    """
    digest = hmac.new(secret, "\x1f".join(parts).encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:TOKEN_BYTES]).decode().rstrip("=")
