"""The decisions that changed most, and the news items that explained their effects.

Each round's decisions are compared with the standing policy they changed
(``game.rules.apply_policy``, from the scenario's starting position), and each
change gets a size: the share of the budget moved, the relative change of the
fees, the share of the staff hired or let go, and fixed sizes for lines started
or stopped, new applications, strategy changes and answers to event cards; a
standing policy field of one number gets its relative change. A change is named
by its decision field's path; the news that explains its effect is, in that year
(and, when it says little, the next), first the items whose cause is that field
(or, for answers, the event card answered), then the items on the topics the
field's metadata names. No news text is searched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from debrief.names import segment_name, service_name
from debrief.series import source_labels
from game.decisions import Decisions, field_spec, standing_scalars
from game.report import EVENT, NewsItem, RoundReport
from game.rules import apply_policy
from game.scenario import FeeSchedule, Scenario
from game.state import Policy
from game.vocabulary import SEGMENTS, SERVICES, FeeModel

SMALLEST = 0.05  # changes smaller than this are carrying on, not changing
NEWS_PER_CHANGE = 2


@dataclass(frozen=True)
class Change:
    round: int
    kind: str  # the path of the decision field that changed
    text: str
    size: float
    news: list[tuple[int, NewsItem]] = field(default_factory=list)  # (round, item)


def start_policy(scenario: Scenario) -> Policy:
    """Return the standing policy a cluster starts the game with."""
    start = scenario.start
    return Policy(
        budget={line: float(start.budget.get(line, 0.0)) for line in SERVICES},
        fees=start.fees,
        revenue_lines=tuple(start.revenue_lines),
        recruitment={segment.value: 0.0 for segment in SEGMENTS},
    )


def largest_changes(
    decisions: Sequence[Decisions],
    reports: Sequence[RoundReport],
    scenario: Scenario,
    count: int = 5,
) -> list[Change]:
    """Return the ``count`` largest changes of a team's game, in round order."""
    changes = decision_changes(decisions, reports, scenario)
    largest = sorted(changes, key=lambda c: (-c.size, c.round))[:count]
    return sorted(largest, key=lambda c: (c.round, -c.size))


def decision_changes(
    decisions: Sequence[Decisions], reports: Sequence[RoundReport], scenario: Scenario
) -> list[Change]:
    """Return every change the board made, with its size and the news that explained it."""
    policy = start_policy(scenario)
    staff = scenario.start.staff_fte
    applied: set[str] = set()
    changes: list[Change] = []
    labels = source_labels(scenario)
    for index, (chosen, report) in enumerate(zip(decisions, reports, strict=True)):
        new, revised = apply_policy(policy, chosen)
        found = (
            _budget(policy, new)
            + _fees(policy.fees, chosen.fees)
            + _staffing(chosen, staff)
            + _applications(chosen, applied, report, labels)
            + _revenue_lines(policy, new, labels)
            + _recruitment(policy, new)
            + _strategy(policy, chosen, revised)
            + _responses(chosen, scenario)
            + _standing_numbers(policy, new)
        )
        following = reports[index + 1] if index + 1 < len(reports) else None
        answered = {EVENT + card for card in chosen.responses}
        for kind, text, size in found:
            if size >= SMALLEST:
                news = _explaining(kind, answered, report, following)
                changes.append(Change(report.round, kind, text, size, news))
        policy, staff, applied = new, report.staff.fte, set(chosen.funding.apply)
    return changes


Found = list[tuple[str, str, float]]


def _budget(before: Policy, after: Policy) -> Found:
    old, new = sum(before.budget.values()), sum(after.budget.values())
    if old == new and before.budget == after.budget:
        return []
    base = max(old, 1.0)
    moved = sum(abs(after.budget[k] - before.budget.get(k, 0.0)) for k in after.budget)
    size = max(abs(new - old) / base, moved / (2 * base))
    deltas = sorted((after.budget[k] - before.budget.get(k, 0.0), k) for k in after.budget)
    text = f"Service budget {old:,.0f} → {new:,.0f} EUR"
    parts = []
    if deltas and deltas[-1][0] > 0:
        parts.append(f"most to {service_name(deltas[-1][1])} ({deltas[-1][0]:+,.0f})")
    if deltas and deltas[0][0] < 0:
        parts.append(f"most from {service_name(deltas[0][1])} ({deltas[0][0]:+,.0f})")
    if parts:
        text += ": " + ", ".join(parts)
    return [("budget", text, size)]


def describe_fees(fees: FeeSchedule) -> str:
    """Return a fee schedule in a few words."""
    if fees.model == FeeModel.NONE:
        return "no fee"
    if fees.model == FeeModel.FLAT:
        return f"flat {fees.flat:,.0f} EUR"
    levels = f"{fees.small:,.0f} / {fees.medium:,.0f} / {fees.large:,.0f} EUR"
    if fees.model == FeeModel.TIERED:
        return f"tiered {levels}"
    return f"share program ({levels})"


def _fee_level(fees: FeeSchedule) -> float:
    if fees.model == FeeModel.FLAT:
        return fees.flat
    return (fees.small + fees.medium + fees.large) / 3.0


def _fees(before: FeeSchedule, chosen: FeeSchedule | None) -> Found:
    if chosen is None or chosen == before:
        return []
    if chosen.model != before.model:
        size = 1.0
    else:
        size = abs(_fee_level(chosen) - _fee_level(before)) / max(_fee_level(before), 1.0)
    return [("fees", f"Fees: {describe_fees(before)} → {describe_fees(chosen)}", size)]


def _staffing(chosen: Decisions, fte: float) -> Found:
    staffing, base, found = chosen.staffing, max(fte, 0.5), []
    if staffing.hire_fte > 0:
        hired = f"Hired {staffing.hire_fte:g} FTE"
        found.append(("staffing.hire_fte", hired, staffing.hire_fte / base))
    if staffing.let_go_fte > 0:
        text = f"Let {staffing.let_go_fte:g} FTE go"
        found.append(("staffing.let_go_fte", text, staffing.let_go_fte / base))
    interns = staffing.hire_interns - staffing.let_go_interns
    if interns:
        verb = "Took on" if interns > 0 else "Ended the placement of"
        path = "staffing.hire_interns" if interns > 0 else "staffing.let_go_interns"
        found.append((path, f"{verb} {abs(interns)} intern(s)", 0.1 * abs(interns)))
    return found


def _applications(
    chosen: Decisions, before: set[str], report: RoundReport, labels: dict[str, str]
) -> Found:
    new = [fid for fid in chosen.funding.apply if fid not in before]
    if not new:
        return []
    won = [labels.get(f, f) for f in new if f in report.funding.won]
    lost = [labels.get(f, f) for f in new if f in report.funding.lost]
    text = "Applied for " + ", ".join(labels.get(f, f) for f in new)
    outcome = [f"won {', '.join(won)}"] if won else []
    outcome += [f"lost {', '.join(lost)}"] if lost else []
    if outcome:
        text += f" ({'; '.join(outcome)})"
    return [("funding.apply", text, min(0.25 * len(new), 0.75))]


def _revenue_lines(before: Policy, after: Policy, labels: dict[str, str]) -> Found:
    started = [line for line in after.revenue_lines if line not in before.revenue_lines]
    stopped = [line for line in before.revenue_lines if line not in after.revenue_lines]
    parts = []
    if started:
        parts.append("started " + ", ".join(labels.get(x, x) for x in started))
    if stopped:
        parts.append("stopped " + ", ".join(labels.get(x, x) for x in stopped))
    if not parts:
        return []
    text = "Revenue lines: " + "; ".join(parts)
    return [("funding.revenue_lines", text, 0.3 * (len(started) + len(stopped)))]


def _recruitment(before: Policy, after: Policy) -> Found:
    deltas = [
        (after.recruitment.get(s, 0.0) - before.recruitment.get(s, 0.0), s)
        for s in after.recruitment
    ]
    moved = [(d, s) for d, s in deltas if abs(d) >= 0.05]
    if not moved:
        return []
    moved.sort(key=lambda pair: -abs(pair[0]))
    shown = ", ".join(
        f"{segment_name(s)} {before.recruitment.get(s, 0.0):.1f} → {after.recruitment[s]:.1f}"
        for _, s in moved[:3]
    )
    size = sum(abs(d) for d, _ in deltas) / 2.0
    return [("recruitment", f"Recruitment effort: {shown}", size)]


def _strategy(before: Policy, chosen: Decisions, revised: bool) -> Found:
    strategy = chosen.strategy
    if strategy is None:
        return []
    summary = (
        f"{len(strategy.focus_areas)} focus area(s), targets for {len(strategy.targets)} outcome(s)"
    )
    if not before.strategy_set:
        return [("strategy", f"Set the strategy: {summary}", 0.4)]
    if revised:
        return [("strategy", f"Revised the strategy: {summary}", 0.8)]
    return []


def _responses(chosen: Decisions, scenario: Scenario) -> Found:
    found = []
    for event_id, choice in sorted(chosen.responses.items()):
        try:
            card = scenario.event_card(event_id)
        except KeyError:
            continue
        label = next((c.label for c in card.choices if c.id == choice), choice)
        found.append(("responses", f"Answered “{card.title}”: {label}", 0.35))
    return found


def _standing_numbers(before: Policy, after: Policy) -> Found:
    """Return the changes of the standing policy fields of one number, by their metadata."""
    found = []
    for name in standing_scalars():
        old, new = before.scalar(name), after.scalar(name)
        if old == new:
            continue
        spec = field_spec(name)
        unit = f" {spec.unit}" if spec.unit else ""
        size = min(abs(new - old) / max(abs(old), spec.step or 1.0), 1.0)
        found.append((name, f"{spec.label}: {old:g} → {new:g}{unit}", size))
    return found


def _topics(path: str) -> list[str]:
    """Return the news topics of a field, or of the nearest group that names some."""
    while True:
        spec = field_spec(path)
        if spec.topics or "." not in path:
            return [str(topic) for topic in spec.topics]
        path = path.rpartition(".")[0]


def _explaining(
    path: str, answered: set[str], report: RoundReport, following: RoundReport | None
) -> list[tuple[int, NewsItem]]:
    """Return the news items of the year (then the next) that the decision explains.

    Items caused by the decision field, a part of it or the group it belongs to (or
    by the event cards answered) come first, then items on the field's topics.
    """
    topics = _topics(path)

    def caused(item: NewsItem) -> bool:
        cause = item.cause
        return (
            cause == path
            or cause.startswith(path + ".")
            or path.startswith(cause + ".")
            or cause in answered
        )

    news: list[tuple[int, NewsItem]] = []
    for shown in (report, following):
        if shown is None or len(news) >= NEWS_PER_CHANGE:
            break
        news += [(shown.round, item) for item in shown.news if caused(item)]
        news += [
            (shown.round, item) for item in shown.news if not caused(item) and item.topic in topics
        ]
    return news[:NEWS_PER_CHANGE]
