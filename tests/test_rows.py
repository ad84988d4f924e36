"""game.rows: kept segment columns equal what they stand for, and only while they can be kept.

The year reads a segment profile's attribute per organization, and the rows of some
segments, from ``game.rows``; these are worked out once per read-only segment column.
The tests check the values against the plain numpy expressions, that a column which
can change is never answered from what was kept, that what was kept goes with its
column, and that ``clip`` and ``mean_where`` give the same floats as numpy.
"""

from __future__ import annotations

import gc

import numpy as np
import pytest

from game import rows
from game.scenario import load_scenario
from game.setup import initial_state
from game.vocabulary import SEGMENT_INDEX, Segment


@pytest.fixture(scope="module")
def economy():
    return load_scenario("grow").economy


def frozen(values: list[int]) -> np.ndarray:
    column = np.array(values, dtype=np.int8)
    column.flags.writeable = False
    return column


def test_kept_attributes_equal_the_segment_table(economy):
    segment = initial_state(load_scenario("grow"), 3).organizations.segment
    for attribute, table in economy.segment_columns.items():
        first = rows.by_segment(economy, attribute, segment)
        again = rows.by_segment(economy, attribute, segment)
        assert again is first  # worked out once
        assert np.array_equal(first, table[segment]), attribute
        assert not first.flags.writeable


def test_segment_masks_equal_the_comparisons():
    segment = frozen([0, 1, 2, 3, 4, 5, 5, 4, 3, 2, 1, 0])
    academia, large = SEGMENT_INDEX[Segment.ACADEMIA], SEGMENT_INDEX[Segment.LARGE_INDUSTRY]
    both = rows.in_segments(segment, Segment.ACADEMIA, Segment.LARGE_INDUSTRY)
    assert np.array_equal(both, (segment == academia) | (segment == large))
    assert np.array_equal(rows.in_segments(segment), np.zeros(12, dtype=bool))
    table = np.arange(6) * 10
    assert np.array_equal(rows.picked(table, segment), table[segment])


def test_a_column_that_can_change_is_never_answered_from_what_was_kept(economy):
    segment = np.zeros(5, dtype=np.int8)
    before = rows.by_segment(economy, "leave_rate", segment).copy()
    segment[:] = SEGMENT_INDEX[Segment.STARTUP]
    after = rows.by_segment(economy, "leave_rate", segment)
    assert np.array_equal(after, economy.segment_columns["leave_rate"][segment])
    assert not np.array_equal(before, after)  # the profiles differ, so the test can fail
    assert id(segment) not in rows._KEPT


def test_what_was_kept_goes_with_its_column(economy):
    segment = frozen([1, 2, 3])
    key = id(segment)
    rows.by_segment(economy, "join_rate", segment)
    assert key in rows._KEPT
    del segment
    gc.collect()
    assert key not in rows._KEPT


def test_another_economy_is_not_answered_with_the_first_ones_values(economy):
    segment = frozen([0, 1, 2])
    other = economy.model_copy(deep=True)
    rows.by_segment(economy, "join_rate", segment)
    doubled = {**other.segment_columns, "join_rate": other.segment_columns["join_rate"] * 2}
    other.__dict__["segment_columns"] = doubled  # the cached property's slot
    assert np.array_equal(
        rows.by_segment(other, "join_rate", segment), doubled["join_rate"][segment]
    )


def test_clip_and_mean_where_give_numpys_floats():
    rng = np.random.default_rng(5)
    values = rng.normal(0.5, 0.6, 1001)
    assert np.array_equal(rows.clip(values, 0.0, 1.0), np.clip(values, 0.0, 1.0))
    mask = values > 0.4
    assert rows.mean_where(values, mask) == float(values[mask].mean())
    assert rows.mean_where(values, np.zeros(1001, dtype=bool)) == 0.0
