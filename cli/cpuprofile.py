"""Run ``python -m cli ...`` under cProfile, timed by the main thread's CPU clock.

``python -m cli.cpuprofile OUT serve ...`` writes the stats to OUT when the server
stops. The load test uses it for ``--profile``: a wall-clock profile of a loaded
server is dominated by waiting (the event loop's poll, fsync, a full pipe), while
this one counts only the CPU the event loop's thread spends, which is what a
capacity figure is made of.
"""

from __future__ import annotations

import cProfile
import runpy
import sys
import time


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit("usage: python -m cli.cpuprofile OUT COMMAND [ARGS...]")
    out = sys.argv[1]
    sys.argv = ["clusterboard", *sys.argv[2:]]
    profile = cProfile.Profile(time.thread_time)
    profile.enable()
    try:
        runpy.run_module("cli", run_name="__main__", alter_sys=True)
    finally:
        profile.disable()
        profile.dump_stats(out)


if __name__ == "__main__":
    main()
