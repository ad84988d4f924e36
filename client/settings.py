"""Remember the last server and seat, so restarting the client rejoins the same seat.

The file lives under the user's config directory (``$XDG_CONFIG_HOME`` or
``~/.config``), or wherever ``CLUSTERBOARD_CLIENT_CONFIG`` points (for tests).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

ENV_VAR = "CLUSTERBOARD_CLIENT_CONFIG"
DEFAULT_URL = "ws://127.0.0.1:8765"


@dataclass
class Settings:
    url: str = DEFAULT_URL
    code: str = ""
    team: str = ""
    name: str = ""
    token: str = ""


def settings_path() -> Path:
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "clusterboard" / "client.json"


def load_settings(path: Path | None = None) -> Settings:
    """Return the remembered settings, or defaults if there are none or they are unreadable."""
    path = path or settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    if not isinstance(data, dict):
        return Settings()
    known = {k: str(v) for k, v in data.items() if k in Settings.__dataclass_fields__}
    return Settings(**known)


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write the settings; a read-only home only loses the memory, never the game."""
    path = path or settings_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(settings), indent=2), encoding="utf-8")
        path.chmod(0o600)
    except OSError:
        pass


# ---------------------------------------------------------------- hosted sessions


def hosted_path() -> Path:
    """The facilitator's tokens: next to the client's settings, readable by this user only."""
    return settings_path().with_name("hosted.json")


def load_hosted(path: Path | None = None) -> dict[str, dict[str, str]]:
    """Return ``{code: {"url": ..., "token": ...}}`` for the sessions this user created."""
    path = path or hosted_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        str(code): {"url": str(entry["url"]), "token": str(entry["token"])}
        for code, entry in data.items()
        if isinstance(entry, dict) and "url" in entry and "token" in entry
    }


def remember_hosted(code: str, url: str, token: str, path: Path | None = None) -> None:
    """Keep a facilitator token, so ``clusterboard host --resume CODE`` reopens the session."""
    path = path or hosted_path()
    hosted = load_hosted(path)
    if hosted.get(code) == {"url": url, "token": token}:
        return
    hosted[code] = {"url": url, "token": token}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=True)
        path.chmod(0o600)
        path.write_text(json.dumps(hosted, indent=2, sort_keys=True), encoding="utf-8")
    except OSError:
        pass
