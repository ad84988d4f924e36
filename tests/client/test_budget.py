"""The service budget: read from the shared draft alone, so every teammate sees the same."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from client import budget
from game.vocabulary import SERVICES

LINES = [str(line) for line in SERVICES]
moves = st.lists(
    st.one_of(
        st.tuples(st.just("line"), st.sampled_from(LINES), st.floats(-1e5, 3e6)),
        st.tuples(st.just("total"), st.just(""), st.floats(-1e5, 3e6)),
    ),
    max_size=40,
)


@given(moves, st.floats(0, 1e6))
def test_the_total_is_the_lines_and_the_remainder_is_last_years_rest(steps, last_year) -> None:
    lines = {line: 10_000.0 for line in LINES}
    for kind, line, value in steps:
        if kind == "line":
            lines = budget.set_line(lines, line, value)
        else:
            lines = budget.set_total(lines, value)
        total = budget.allocated(lines)
        assert all(v >= 0 for v in lines.values())
        assert total <= budget.MAX_TOTAL + 1e-6
        assert budget.remainder(lines, last_year) == pytest.approx(last_year - total, abs=0.01)
        assert budget.scale(lines, last_year) >= max(total, last_year)


def test_a_line_moves_on_its_own() -> None:
    lines = {"a": 10_000.0, "b": 20_000.0}
    raised = budget.set_line(lines, "a", 30_000.0)
    assert raised == {"a": 30_000.0, "b": 20_000.0}
    assert budget.remainder(raised, 40_000.0) == -10_000.0


def test_a_new_total_scales_every_line_in_proportion() -> None:
    lines = budget.set_total({"a": 30_000.0, "b": 10_000.0}, 20_000.0)
    assert lines == {"a": 15_000.0, "b": 5_000.0}
    assert budget.set_total({"a": 0.0, "b": 0.0}, 20_000.0) == {"a": 10_000.0, "b": 10_000.0}
