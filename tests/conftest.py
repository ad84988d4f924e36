"""The test order's seed at the end of every run.

pytest-randomly shuffles the tests on every run; the summary names the seed, so
``--randomly-seed=N`` replays an order and ``-p no:randomly`` keeps the file order.
"""

from __future__ import annotations

import pytest


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    if config.pluginmanager.hasplugin("randomly"):
        seed = config.getoption("randomly_seed")
        terminalreporter.write_line(f"test order: --randomly-seed={seed}")
