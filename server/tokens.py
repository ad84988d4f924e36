"""Secret tokens: drawn from ``secrets``, shown once, stored only as hashes."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 24


def new_token() -> str:
    """Return a fresh secret token (URL-safe text, 32 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """Return the hash a token is stored and looked up by."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
