"""Members: what they pay, what they get, how engaged they are, and why they join or leave.

All functions work on whole columns of ``Organizations`` at once (no loop over
members). The rules, and where the documents say them:

- A member stays for the value it gets and the people it knows (stylized fact 6):
  engagement moves toward a target made of service value and personal contact.
- Price signals value (fact 5): a fee up to the value a member sees raises its
  commitment; the part of a fee above that value lowers engagement and drives
  members out.
- Members with urgent pain will pay more (fact 9): urgency raises fee capacity.
- Bigger payers can crowd entrepreneurs out (DOMAIN.md, Latin America).
- Engagement moves part of the way each year (fact 11): goodwill takes years.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from game.economy import Economy
from game.scenario import FeeSchedule
from game.vocabulary import SEGMENT_INDEX, SEGMENTS, FeeModel, JoinReason, LeaveReason, Segment

LEAVE_REASONS = (
    LeaveReason.FEES,
    LeaveReason.CONTACT,
    LeaveReason.RELEVANCE,
    LeaveReason.HARDSHIP,
    LeaveReason.TURNOVER,
)
JOIN_REASONS = (JoinReason.RECRUITED, JoinReason.REPUTATION, JoinReason.SERVICES)


def segment_table(economy: Economy, attribute: str) -> np.ndarray:
    """Return one attribute of every segment profile, indexed by segment number."""
    return economy.segment_columns[attribute]


COMPANIES = np.array(
    [s in (Segment.LARGE_INDUSTRY, Segment.SME, Segment.STARTUP, Segment.CAPITAL) for s in SEGMENTS]
)


def fee_schedule(
    segment: np.ndarray, employees: np.ndarray, fees: FeeSchedule, economy: Economy
) -> np.ndarray:
    """Return the fee each organization would pay as a member under a fee model.

    Tiers follow company size (Health Valley's progressive fees); universities and
    public bodies are not companies and pay the medium tier whatever their staff.
    """
    if fees.model == FeeModel.FLAT:
        return np.full(employees.shape, fees.flat)
    if fees.model == FeeModel.TIERED:
        rules = economy.members
        by_size = np.where(
            employees < rules.tier_small_below,
            fees.small,
            np.where(employees >= rules.tier_large_from, fees.large, fees.medium),
        )
        return np.where(COMPANIES[segment], by_size, fees.medium)
    return np.zeros(employees.shape)


def phase_fees(
    scheduled: np.ndarray, paid: np.ndarray, member: np.ndarray, economy: Economy
) -> np.ndarray:
    """Return this year's fees: existing members move part of the way to a new schedule.

    Fee changes go through the member assembly and running contracts, so a change
    reaches existing members over about two years (stylized fact 11); newcomers
    pay the schedule at once.
    """
    phase = economy.members.fee_phase_in
    return np.where(member, paid + phase * (scheduled - paid), scheduled)


def fee_capacity(
    segment: np.ndarray, employees: np.ndarray, economy: Economy, urgency: float, factor: float
) -> np.ndarray:
    """Return what each organization would pay a year for the full value of the cluster."""
    base = segment_table(economy, "fee_capacity")[segment]
    median = segment_table(economy, "employees_median")[segment]
    scale = np.clip(np.sqrt(employees / median), 0.3, 4.0)
    return base * scale * (1.0 + max(urgency, 0.0) * economy.members.urgency_fee_capacity) * factor


@dataclass(frozen=True)
class Appraisal:
    """How every organization rates the cluster this year (members and prospects alike)."""

    value: np.ndarray  # service value 0..1
    burden: np.ndarray  # fee / fee capacity
    excess: np.ndarray  # fee burden above the value seen
    target: np.ndarray  # engagement the organization would settle at
    contact: float


def perceive(
    seen: np.ndarray, delivered: np.ndarray, member: np.ndarray, economy: Economy
) -> np.ndarray:
    """Return the value each organization perceives: members adjust with a lag."""
    speed = economy.members.perception_speed
    return np.where(member, seen + speed * (delivered - seen), delivered)


def appraise(
    value: np.ndarray,
    fees: np.ndarray,
    capacity: np.ndarray,
    contact: float,
    bonus: np.ndarray,
    economy: Economy,
) -> Appraisal:
    """Return the value, fee burden and target engagement of every organization."""
    rules = economy.members
    burden = fees / np.maximum(capacity, 1.0)
    accepted = value * rules.value_to_price
    commitment = np.minimum(burden, accepted)
    excess = np.maximum(burden - accepted, 0.0)
    target = (
        rules.base_engagement
        + rules.value_weight * value
        + rules.contact_weight * contact
        + rules.commitment_weight * commitment
        - rules.excess_fee_weight * excess
        + bonus
    )
    return Appraisal(value, burden, excess, np.clip(target, 0.0, 1.0), contact)


def update_engagement(
    engagement: np.ndarray, target: np.ndarray, shock: float, economy: Economy
) -> np.ndarray:
    """Move engagement part of the way toward its target, then apply one-off shocks."""
    speed = economy.members.adjustment_speed
    return np.clip(engagement + speed * (target - engagement) + shock, 0.0, 1.0)


@dataclass(frozen=True)
class Departures:
    leaving: np.ndarray  # bool per organization
    reason: np.ndarray  # int index into LEAVE_REASONS per organization


def departures(
    member: np.ndarray,
    segment: np.ndarray,
    tenure: np.ndarray,
    engagement: np.ndarray,
    appraisal: Appraisal,
    hardship: float,
    draw: np.ndarray,
    economy: Economy,
) -> Departures:
    """Decide which members leave this year and the main reason of each."""
    rules = economy.members
    loyalty = 1.0 - rules.tenure_loyalty * np.minimum(tenure, 5)
    base = segment_table(economy, "leave_rate")[segment] * loyalty
    disengaged = rules.disengaged_leave * (1.0 - engagement) ** 2
    contact_gap = rules.contact_weight * (1.0 - appraisal.contact)
    value_gap = rules.value_weight * (1.0 - appraisal.value)
    contact_share = contact_gap / np.maximum(contact_gap + value_gap, 1e-9)
    terms = np.stack(
        [
            rules.excess_fee_leave * appraisal.excess,
            disengaged * contact_share,
            disengaged * (1.0 - contact_share),
            np.full(engagement.shape, max(hardship, 0.0)),
            base,
        ]
    )
    chance = np.clip(terms.sum(axis=0) + min(hardship, 0.0), 0.0, rules.max_leave_chance)
    leaving = member & (draw < chance)
    return Departures(leaving, np.argmax(terms, axis=0))


@dataclass(frozen=True)
class Arrivals:
    joining: np.ndarray  # bool per organization
    reason: np.ndarray  # int index into JOIN_REASONS per organization


def arrivals(
    prospect: np.ndarray,
    segment: np.ndarray,
    appraisal: Appraisal,
    effort: np.ndarray,
    reputation: float,
    draw: np.ndarray,
    economy: Economy,
) -> Arrivals:
    """Decide which prospects join this year and why.

    ``effort`` is the recruitment effort per segment already scaled by the staff's
    delivery; ``reputation`` is the members' average engagement.
    """
    rules = economy.members
    courted = rules.recruitment_power * effort[segment]
    heard = rules.word_of_mouth * reputation
    appeal = appraisal.target**1.5
    chance = segment_table(economy, "join_rate")[segment] * (courted + heard) * appeal
    joining = prospect & (draw < np.minimum(chance, rules.max_join_chance))
    reason = np.where(courted >= heard, 0, 1)
    reason = np.where(appraisal.value > 0.55, 2, reason)
    return Arrivals(joining, reason)


def effort_vector(recruitment: dict[str, float]) -> np.ndarray:
    return np.array([recruitment.get(s.value, 0.0) for s in SEGMENTS], dtype=np.float64)


def large_payer_bonus(
    segment: np.ndarray, member: np.ndarray, fees: np.ndarray, economy: Economy
) -> np.ndarray:
    """Return the engagement startups lose when large companies pay most of the fees."""
    paid = fees * member
    total = paid.sum()
    large = SEGMENT_INDEX[Segment.LARGE_INDUSTRY]
    share = paid[segment == large].sum() / total if total > 0 else 0.0
    rules = economy.members
    penalty = rules.large_payer_crowding * max(share - rules.large_payer_threshold, 0.0)
    return np.where(segment == SEGMENT_INDEX[Segment.STARTUP], -penalty, 0.0)


def count_by_segment(mask: np.ndarray, segment: np.ndarray) -> dict[Segment, int]:
    counts = np.bincount(segment[mask], minlength=len(SEGMENTS)).tolist()
    return dict(zip(SEGMENTS, counts, strict=True))


def main_reason_by_segment(
    mask: np.ndarray, segment: np.ndarray, reason: np.ndarray, names: tuple
) -> dict[Segment, str]:
    """Return the most common reason within each segment's group of flagged organizations."""
    cells = segment[mask].astype(np.int64) * len(names) + reason[mask]
    table = np.bincount(cells, minlength=len(SEGMENTS) * len(names)).reshape(len(SEGMENTS), -1)
    best = table.argmax(axis=1).tolist()
    present = table.sum(axis=1).tolist()
    return {s: str(names[best[i]]) for i, s in enumerate(SEGMENTS) if present[i]}
