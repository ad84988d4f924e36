"""Stage: baby, emerging, growth, supercluster, and the thresholds between them.

A cluster moves up one stage in a year when it meets every threshold of the next
stage, and falls back one when it drops below three quarters of its own stage's
thresholds, so a bad year does not demote a cluster at once.
"""

from __future__ import annotations

from game.scenario import StageThreshold
from game.vocabulary import Stage

DEMOTION_MARGIN = 0.75


def _meets(
    t: StageThreshold, members: int, revenue: float, record: int, segments: int, margin: float = 1.0
) -> bool:
    return (
        members >= margin * t.min_members
        and revenue >= margin * t.min_revenue
        and record >= margin * t.min_track_record
        and segments >= margin * t.min_segments
    )


def next_stage(
    stage: Stage,
    thresholds: list[StageThreshold],
    members: int,
    revenue: float,
    track_record: int,
    segments: int,
) -> Stage:
    """Return the stage after this year's figures."""
    by_stage = {Stage.parse(t.stage): t for t in thresholds}
    figures = (members, revenue, track_record, segments)
    if stage < Stage.SUPERCLUSTER and _meets(by_stage[Stage(stage + 1)], *figures):
        return Stage(stage + 1)
    if stage > Stage.BABY and not _meets(by_stage[stage], *figures, margin=DEMOTION_MARGIN):
        return Stage(stage - 1)
    return stage
