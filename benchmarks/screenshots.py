"""Play a short game through the real client and save every screen to docs/screenshots/.

SDL_VIDEODRIVER=dummy python benchmarks/screenshots.py            # 6 years
SDL_VIDEODRIVER=dummy python benchmarks/screenshots.py --rounds 3 --out /tmp/shots
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cli.screenwalk import Walk  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6, help="years to play (default 6)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"), help="folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        saved = Walk(Path(folder), Path(args.out), rounds=args.rounds).run()
    for name, path in sorted(saved.items()):
        print(f"{name:<20} {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
