"""Members: what they pay, what they get, how engaged they are, and why they join or leave.

All functions work on whole columns of ``Organizations`` at once (no loop over
members). The rules, and where the documents say them:

- A member stays for the value it gets and the people it knows (stylized fact 6):
  engagement moves toward a target made of service value and personal contact.
- Price signals value (fact 5): a fee up to the value a member sees raises its
  commitment; the part of a fee above that value lowers engagement and drives
  members out.
- Every organization has a willingness to pay: what it can afford (its fee capacity,
  by segment and size) times the value it sees, less the trust it has lost. A fee
  far above it is refused outright (the member leaves, the prospect stays out),
  more surely the further above; a fee above it is resented.
- Members remember (fact 11): one that left over price or neglect holds a grievance
  that fades slowly, so it stays away for years, and an overcharged member resents
  it for years too.
- Members with urgent pain will pay more (fact 9): urgency raises fee capacity.
- Bigger payers can crowd entrepreneurs out (DOMAIN.md, Latin America).
- Engagement moves part of the way each year (fact 11): goodwill takes years.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from game.economy import Economy
from game.rows import by_segment, clip, in_segments, picked
from game.scenario import FeeSchedule
from game.vocabulary import SEGMENTS, FeeModel, JoinReason, LeaveReason, Segment

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
        return np.where(picked(COMPANIES, segment), by_size, fees.medium)
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
    rules = economy.members
    base = by_segment(economy, "fee_capacity", segment)
    median = by_segment(economy, "employees_median", segment)
    scale = clip(np.sqrt(employees / median), rules.size_scale_min, rules.size_scale_max)
    return base * scale * (1.0 + max(urgency, 0.0) * rules.urgency_fee_capacity) * factor


@dataclass(frozen=True)
class Appraisal:
    """How every organization rates the cluster this year (members and prospects alike)."""

    value: np.ndarray  # service value 0..1
    burden: np.ndarray  # fee / fee capacity
    excess: np.ndarray  # fee burden above the value seen
    target: np.ndarray  # engagement the organization would settle at
    contact: float
    willingness: np.ndarray  # EUR a year the organization would pay for what it sees
    refusal: np.ndarray  # chance it refuses this fee outright, 0..1


def refusal_chance(fees: np.ndarray, willingness: np.ndarray, economy: Economy) -> np.ndarray:
    """Return the chance that each organization refuses its fee outright.

    Nobody refuses a fee up to ``refusal_from`` times its willingness to pay; from
    there the chance rises in a straight line to certain refusal at ``refusal_certain``
    times. A fee with nothing to pay for it (no willingness at all) is refused.
    """
    rules = economy.members
    ratio = fees / np.maximum(willingness, 1.0)
    span = rules.refusal_certain - rules.refusal_from
    return clip((ratio - rules.refusal_from) / span, 0.0, 1.0)


def reputation(
    engagement: np.ndarray,
    member: np.ndarray,
    grievance: np.ndarray,
    present: np.ndarray,
    economy: Economy,
) -> float:
    """Return what the region hears of the cluster: members' praise less former members' anger.

    Engaged members speak well of the cluster; organizations of the region that hold
    a grievance speak ill of it (``grievance_voice`` per unit of grievance). The
    balance is taken per member and never falls below zero.
    """
    if not member.any():
        return 0.0
    praise = float(engagement[member].sum())
    anger = economy.members.grievance_voice * float(grievance[present & ~member].sum())
    return max(praise - anger, 0.0) / float(np.count_nonzero(member))


def fade_grievance(grievance: np.ndarray, economy: Economy) -> np.ndarray:
    """Return the grievances a year on: trust rebuilds by a share each year."""
    return grievance * (1.0 - economy.members.trust_recovery)


def appraise(
    value: np.ndarray,
    fees: np.ndarray,
    capacity: np.ndarray,
    contact: float,
    bonus: np.ndarray,
    grievance: np.ndarray,
    economy: Economy,
) -> Appraisal:
    """Return the value, fee burden, willingness to pay and target engagement of everyone.

    The burden a member accepts is ``value_to_price`` times the value it sees, less
    what its grievance costs; the willingness to pay is that burden in EUR.
    """
    rules = economy.members
    room = np.maximum(capacity, 1.0)
    burden = fees / room
    accepted = value * rules.value_to_price * (1.0 - rules.grievance_willingness * grievance)
    willingness = accepted * room
    commitment = np.minimum(burden, accepted)
    excess = np.maximum(burden - accepted, 0.0)
    target = (
        rules.base_engagement
        + rules.value_weight * value
        + rules.contact_weight * contact
        + rules.commitment_weight * commitment
        - rules.excess_fee_weight * excess
        - rules.grievance_engagement * grievance
        + bonus
    )
    refusal = refusal_chance(fees, willingness, economy)
    return Appraisal(value, burden, excess, clip(target, 0.0, 1.0), contact, willingness, refusal)


def update_engagement(
    engagement: np.ndarray, target: np.ndarray, shock: float, economy: Economy
) -> np.ndarray:
    """Move engagement part of the way toward its target, then apply one-off shocks."""
    speed = economy.members.adjustment_speed
    return clip(engagement + speed * (target - engagement) + shock, 0.0, 1.0)


@dataclass(frozen=True)
class Departures:
    leaving: np.ndarray  # bool per organization
    reason: np.ndarray  # int index into LEAVE_REASONS per organization
    refused: np.ndarray  # bool: left because it refused the fee outright


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
    """Decide which members leave this year and the main reason of each.

    A member first refuses its fee outright with the appraisal's refusal chance
    (not capped); one that accepts it may still leave with the capped sum of the
    five terms below.
    """
    rules = economy.members
    loyalty = 1.0 - rules.tenure_loyalty * np.minimum(tenure, 5)
    base = by_segment(economy, "leave_rate", segment) * loyalty
    disengaged = rules.disengaged_leave * (1.0 - engagement) ** 2
    contact_gap = rules.contact_weight * (1.0 - appraisal.contact)
    value_gap = rules.value_weight * (1.0 - appraisal.value)
    contact_share = contact_gap / np.maximum(contact_gap + value_gap, 1e-9)
    terms: tuple[np.ndarray | float, ...] = (  # one per LEAVE_REASONS
        rules.excess_fee_leave * appraisal.excess,
        disengaged * contact_share,
        disengaged * (1.0 - contact_share),
        max(hardship, 0.0),  # the same for every organization
        base,
    )
    total = terms[0] + terms[1]  # summed in order, as a sum over the stacked terms adds
    for term in terms[2:]:
        total += term
    chance = clip(total + min(hardship, 0.0), 0.0, rules.max_leave_chance)
    refusal = appraisal.refusal
    refused = member & (draw < refusal)
    leaving = member & (draw < refusal + (1.0 - refusal) * chance)
    reason = _first_largest(terms)
    reason[refused] = LEAVE_REASONS.index(LeaveReason.FEES)
    return Departures(leaving, reason, refused)


def _first_largest(terms: tuple[np.ndarray | float, ...]) -> np.ndarray:
    """Return, per organization, the index of its largest term (the first of equals),
    as ``np.argmax`` over the stacked terms gives it, without stacking them."""
    reason = np.zeros(np.shape(terms[0]), dtype=np.intp)
    best = terms[0]
    for index, term in enumerate(terms[1:], start=1):
        larger = term > best
        reason[larger] = index
        best = np.maximum(best, term)
    return reason


def remember(
    grievance: np.ndarray,
    leaving: Departures,
    paying: np.ndarray,
    present: np.ndarray,
    excess: np.ndarray,
    economy: Economy,
) -> np.ndarray:
    """Return the grievances after this year's departures and fees.

    A member that left over price holds ``grievance_price``, one that left for too
    little contact or value ``grievance_neglect`` (turnover and hardship leave none);
    a member that paid a fee above its willingness resents it in proportion; and
    when members walk out refusing a fee, the whole region hears of it: every
    organization present loses trust in proportion to the share of members that
    walked out beyond the few a region does not notice (``walkout_noticed``).
    """
    rules = economy.members
    by_reason = np.array(
        [rules.grievance_price, rules.grievance_neglect, rules.grievance_neglect, 0.0, 0.0]
    )
    members = int(np.count_nonzero(paying | leaving.leaving))
    refused = float(np.count_nonzero(leaving.refused)) / members if members else 0.0
    walkout = max(refused - rules.walkout_noticed, 0.0)
    resented = (
        grievance
        + rules.grievance_per_excess * excess * paying
        + rules.grievance_contagion * walkout * present
    )
    left = np.where(leaving.leaving, by_reason[leaving.reason], 0.0)
    return clip(np.maximum(resented, left), 0.0, 1.0)


def perceive(
    seen: np.ndarray, delivered: np.ndarray, member: np.ndarray, economy: Economy
) -> np.ndarray:
    """Return the value each organization perceives: members adjust with a lag."""
    speed = economy.members.perception_speed
    return np.where(member, seen + speed * (delivered - seen), delivered)


@dataclass(frozen=True)
class Arrivals:
    joining: np.ndarray  # bool per organization
    reason: np.ndarray  # int index into JOIN_REASONS per organization
    kept_away: np.ndarray  # bool: would have joined but for an old grievance
    refused: np.ndarray  # bool: would have joined but refused the fee


def arrivals(
    prospect: np.ndarray,
    segment: np.ndarray,
    appraisal: Appraisal,
    grievance: np.ndarray,
    effort: np.ndarray,
    reputation: float,
    draw: np.ndarray,
    economy: Economy,
) -> Arrivals:
    """Decide which prospects join this year and why.

    ``effort`` is the recruitment effort per segment already scaled by the staff's
    delivery; ``reputation`` is what the region hears (``reputation()``). A former member's
    grievance scales its chance by (1 - grievance) ** ``grievance_join``, and a
    prospect refuses a fee far above its willingness to pay (the refusal chance).
    """
    rules = economy.members
    courted = rules.recruitment_power * effort[segment]
    heard = rules.word_of_mouth * reputation
    appeal = appraisal.target**1.5
    chance = by_segment(economy, "join_rate", segment) * (courted + heard) * appeal
    free = np.minimum(chance, rules.max_join_chance)
    trusting = free * (1.0 - grievance) ** rules.grievance_join
    paying = trusting * (1.0 - appraisal.refusal)
    joining = prospect & (draw < paying)
    reason = np.where(courted >= heard, 0, 1)
    reason = np.where(appraisal.value > 0.55, 2, reason)
    kept_away = prospect & (draw < free) & (draw >= trusting)
    refused = prospect & (draw < trusting) & ~joining
    return Arrivals(joining, reason, kept_away, refused)


def effort_vector(recruitment: dict[str, float]) -> np.ndarray:
    return np.array([recruitment.get(s.value, 0.0) for s in SEGMENTS], dtype=np.float64)


def large_payer_bonus(
    segment: np.ndarray, member: np.ndarray, fees: np.ndarray, economy: Economy
) -> np.ndarray:
    """Return the engagement startups lose when large companies pay most of the fees."""
    paid = fees * member
    total = paid.sum()
    large = in_segments(segment, Segment.LARGE_INDUSTRY)
    share = paid[large].sum() / total if total > 0 else 0.0
    rules = economy.members
    penalty = rules.large_payer_crowding * max(share - rules.large_payer_threshold, 0.0)
    return np.where(in_segments(segment, Segment.STARTUP), -penalty, 0.0)


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
