"""Column helpers of the year: what follows from the fixed ``segment`` column, and two
cheaper spellings of numpy calls that give the very same numbers.

A team's ``segment`` column never changes during a game, and every state of the
game shares the one read-only array (``game.state.FIXED_COLUMNS``). What follows
from it alone (a segment profile's attribute for every row, the rows of some
segments) is the same every year, so it is worked out once per segment column and
kept while that column lives. Only read-only columns are kept: for any other array
the values are worked out afresh, so the result never depends on what was kept.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from game.vocabulary import SEGMENT_INDEX, Segment

try:  # the ufunc behind np.clip (numpy 2 moved it)
    from numpy._core.umath import clip as _CLIP
except ImportError:  # pragma: no cover - numpy 1.26
    from numpy.core.umath import clip as _CLIP

# id(segment column) -> {key: (what it was worked out with, read-only array)}. Only a
# read-only column that owns its data gets an entry (the fixed columns are never made
# writable again), and the entry goes when the column does, before its id can be reused.
_KEPT: dict[int, dict[Any, tuple[Any, np.ndarray]]] = {}


def _found(segment: np.ndarray, key: Any, source: Any) -> np.ndarray | None:
    tables = _KEPT.get(id(segment))
    if tables is not None:
        found = tables.get(key)
        if found is not None and found[0] is source:
            return found[1]
    return None


def _keep(segment: np.ndarray, key: Any, source: Any, value: np.ndarray) -> np.ndarray:
    if segment.flags.writeable or segment.base is not None:
        return value  # a column that can change: nothing is kept
    tables = _KEPT.get(id(segment))
    if tables is None:
        tables = _KEPT[id(segment)] = {}
        weakref.finalize(segment, _KEPT.pop, id(segment), None)
    value.flags.writeable = False
    tables[key] = (source, value)
    return value


def clip(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """Return ``np.clip(values, low, high)`` for a float column and float bounds: the
    same ufunc, without the few microseconds of ``np.clip``'s Python wrapper."""
    return _CLIP(values, low, high)


def mean_where(values: np.ndarray, mask: np.ndarray) -> float:
    """Return ``float(values[mask].mean())``, the same float, or 0.0 where no row is set."""
    count = int(np.count_nonzero(mask))
    return float(np.add.reduce(values[mask])) / count if count else 0.0  # ndarray.sum's sum


def by_segment(economy: Any, attribute: str, segment: np.ndarray) -> np.ndarray:
    """Return ``economy.segment_columns[attribute][segment]``: one segment profile's
    attribute for every organization."""
    found = _found(segment, attribute, economy)
    if found is not None:
        return found
    return _keep(segment, attribute, economy, economy.segment_columns[attribute][segment])


def in_segments(segment: np.ndarray, *segments: Segment) -> np.ndarray:
    """Return the rows whose segment is one of ``segments`` (a boolean column)."""
    found = _found(segment, segments, None)
    if found is not None:
        return found
    codes = sorted({SEGMENT_INDEX[s] for s in segments})
    return _keep(segment, segments, None, np.isin(segment, codes))


def picked(table: np.ndarray, segment: np.ndarray) -> np.ndarray:
    """Return ``table[segment]`` for a per-segment ``table`` that never changes."""
    found = _found(segment, id(table), table)
    if found is not None:
        return found
    return _keep(segment, id(table), table, table[segment])
