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

import pygame  # noqa: E402

from cli.screenwalk import Walk, click  # noqa: E402

LAPTOP = (1366, 768)


def laptop(folder: Path, out: Path) -> dict[str, Path]:
    """The console and the decisions screen (with its forecast) on a 1366 x 768 laptop."""
    walk = Walk(folder, None, rounds=2, size=LAPTOP)  # saves only the two shots below
    name = f"{LAPTOP[0]}x{LAPTOP[1]}"
    out.mkdir(parents=True, exist_ok=True)
    saved: dict[str, Path] = {}

    def shot(app, key: str, screen: str) -> None:
        app.show(screen)
        app.frame()
        saved[key] = out / f"{key}.png"
        pygame.image.save(app.surface, str(saved[key]))

    try:
        walk.join()
        walk.set_up()
        walk.open_round(1)
        player = walk.player
        player.show("decisions")
        click(player, "staff:hire_fte", right_half=True)
        walk.settle()
        walk.wait(lambda: player.model.team.forecast is not None)
        walk.wait(lambda: player.model.team.draft.staffing.hire_fte > 0)
        shot(player, f"decisions-{name}", "decisions")
        host = walk.host
        seat = host.model.facilitator.teams[0]
        click(host, f"team:{seat.team}")
        shot(host, f"console-{name}", "console")
        return saved
    finally:
        walk.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6, help="years to play (default 6)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"), help="folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        saved = Walk(Path(folder), Path(args.out), rounds=args.rounds).run()
    with tempfile.TemporaryDirectory() as folder:
        saved |= laptop(Path(folder), Path(args.out))
    for name, path in sorted(saved.items()):
        print(f"{name:<20} {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
