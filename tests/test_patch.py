"""protocol/patch.py: the merge patches of views, on small cases with a known answer."""

from __future__ import annotations

import copy

from hypothesis import given
from hypothesis import strategies as st

from protocol import patch

REPORT_1 = {"round": 1, "cash": 10.0, "news": ["a"]}
REPORT_2 = {"round": 2, "cash": 12.5, "news": ["a", "b"]}


def team_view(reports: list[dict], **view: object) -> dict:
    return {
        "type": "team_state",
        "reply_to": None,
        "version": 3,
        "timer": {"phase": "results", "remaining": None},
        "view": {"cash": 1.0, "last_report": reports[-1] if reports else None, **view},
        "submission": None,
        "reports": reports,
    }


def test_a_held_team_view_keys_its_reports_and_leaves_the_last_one_out_once() -> None:
    held = patch.held("team_state", team_view([REPORT_1, REPORT_2], funding=[{"id": "g"}]))
    assert held["reports"] == {"0": REPORT_1, "1": REPORT_2}
    assert held["view"]["funding"] == {"0": {"id": "g"}}
    assert "last_report" not in held["view"] and "version" not in held
    shown = patch.shown("team_state", held, 3)
    assert shown == team_view([REPORT_1, REPORT_2], funding=[{"id": "g"}])


def test_a_new_report_travels_once_and_rebuilds_the_full_view() -> None:
    old = patch.held("team_state", team_view([REPORT_1]))
    new = patch.held("team_state", team_view([REPORT_1, REPORT_2]))
    change, removed = patch.diff(old, new)
    assert change == {"reports": {"1": REPORT_2}} and removed == []
    assert patch.shown("team_state", patch.apply(old, change, removed), 4) == team_view(
        [REPORT_1, REPORT_2]
    ) | {"version": 4}


def test_null_sets_null_and_removed_takes_keys_out() -> None:
    old = {"a": {"x": 1, "y": 2}, "b": 3, "items": {"0": 1, "1": 2}}
    new = {"a": {"x": 1}, "b": None, "items": {"0": 1}}
    change, removed = patch.diff(old, new)
    assert change == {"a": {"y": None}, "b": None, "items": {"1": None}}
    assert sorted(removed) == [["a", "y"], ["items", "1"]]
    kept = copy.deepcopy(old)
    assert patch.apply(old, change, removed) == new
    assert old == kept  # the held view is left as it was


def test_an_unchanged_view_needs_no_patch() -> None:
    view = patch.held("team_state", team_view([REPORT_1]))
    assert patch.diff(view, copy.deepcopy(view)) == ({}, [])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(-2, 2) | st.text(max_size=3),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from("abcd"), children, max_size=4)
    ),
    max_leaves=12,
)
documents = st.dictionaries(st.sampled_from("abcdef"), json_values, max_size=5)


@given(old=documents, new=documents)
def test_any_document_patched_becomes_the_other(old: dict, new: dict) -> None:
    change, removed = patch.diff(old, new)
    assert patch.apply(old, change, removed) == new
