"""The budget sliders never share out more than the budget, whatever the board does."""

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


@given(moves)
def test_lines_and_remainder_always_add_up_to_the_budget(steps) -> None:
    lines = {line: 10_000.0 for line in LINES}
    total = budget.allocated(lines)
    for kind, line, value in steps:
        if kind == "line":
            lines = budget.set_line(lines, line, value, total)
        else:
            lines, total = budget.set_total(lines, value)
        rest = budget.remainder(lines, total)
        assert rest >= 0
        assert budget.allocated(lines) + rest == pytest.approx(total, abs=1e-6)
        assert budget.allocated(lines) <= total + 1e-6
        assert all(v >= 0 for v in lines.values())


def test_raising_a_line_takes_from_the_remainder_only() -> None:
    lines = {"a": 10_000.0, "b": 20_000.0}
    raised = budget.set_line(lines, "a", 90_000.0, 50_000.0)
    assert raised == {"a": 30_000.0, "b": 20_000.0}
    assert budget.remainder(raised, 50_000.0) == 0


def test_a_smaller_total_shrinks_the_lines_to_fit() -> None:
    lines, total = budget.set_total({"a": 30_000.0, "b": 10_000.0}, 20_000.0)
    assert total == 20_000.0 and budget.allocated(lines) <= total
