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
