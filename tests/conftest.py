"""Hypothesis profiles, and the test order's seed at the end of every run.

Hypothesis runs a few hundred examples a property by default and thousands in a slow
run: ``HYPOTHESIS_PROFILE=slow python -m pytest`` (or ``--hypothesis-profile=slow``).

pytest-randomly shuffles the tests on every run; the summary names the seed, so
``--randomly-seed=N`` replays an order and ``-p no:randomly`` keeps the file order.
"""

from __future__ import annotations

import os

import hypothesis.strategies._internal.random  # noqa: F401
import pytest
from hypothesis import settings

# (The import above loads, at collection, a module Hypothesis otherwise imports lazily
# the first time a test draws from ``st.randoms()``: pytest then rewrites its asserts
# in the middle of a deep test, where Python 3.11.7's parser can fail with "SystemError:
# AST constructor recursion depth mismatch".)

# No per-example deadline: a shared, loaded machine would turn it into a timed test
# that flakes; speed is measured in benchmarks/, not here.
settings.register_profile("default", max_examples=200, deadline=None)
settings.register_profile("slow", max_examples=3000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    if config.pluginmanager.hasplugin("randomly"):
        seed = config.getoption("randomly_seed")
        terminalreporter.write_line(f"test order: --randomly-seed={seed}")
