"""Debrief questions from the five levels of business-model management, with each team's figures.

The levels are understand, map, optimize, evolve and compete (DOMAIN.md, the
five levels). Each question comes with every team's own figures, so a team
answers from what happened to it: "What happened when your main financing
source ended?" sits beside the year it ended and what the revenue, cash and
stress did next.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from debrief.names import COMPONENT_NAMES, euros, kpi_name, segment_name
from debrief.record import SessionRecord, TeamEntry
from debrief.series import (
    MEMBERSHIP_FEES,
    financing_model,
    impact_roadmap,
    scorecard,
    source_families,
    source_labels,
)
from game.report import RoundReport

LEVELS: tuple[tuple[str, str], ...] = (
    ("understand", "Understand the cluster and its members"),
    ("map", "Map the business model"),
    ("optimize", "Optimize what the cluster does with its money and staff"),
    ("evolve", "Evolve the business model over the years"),
    ("compete", "Compete: value delivered against the others"),
)


@dataclass(frozen=True)
class Question:
    level: str
    text: str
    figures: dict[str, list[str]]  # team name -> that team's figures, one short line each


def debrief_questions(record: SessionRecord) -> list[Question]:
    """Return the debrief questions, level by level, each with every team's figures."""
    teams = [t for t in record.teams if t.rounds]
    asks = (
        ("understand", "Who were your members, and which kinds stayed or left? Why?", _members),
        ("map", "Where did your money come from, and where did it go?", _money),
        ("optimize", "Where were you stretched, and what gave members value?", _stretch),
        ("evolve", "What happened when your main financing source ended?", _main_source),
        ("evolve", "How far did you move from public toward private financing?", _public_private),
        ("compete", "Which part of the scorecard decided your place?", _standing),
        ("compete", "Did you deliver the value impact you promised?", _promises),
    )
    return [
        Question(level, text, {t.name: figures(record, t) for t in teams})
        for level, text, figures in asks
    ]


def _start_members(report: RoundReport) -> int:
    members = report.members
    return members.total - sum(members.joined.values()) + sum(members.left.values())


def _members(record: SessionRecord, team: TeamEntry) -> list[str]:
    reports = team.reports
    first, last = reports[0], reports[-1]
    joined: Counter[str] = Counter()
    left: Counter[str] = Counter()
    reasons: dict[str, str] = {}
    for report in reports:
        joined.update({str(k): v for k, v in report.members.joined.items()})
        left.update({str(k): v for k, v in report.members.left.items()})
        reasons.update({str(k): v for k, v in report.members.leave_reasons.items()})
    lines = [f"Members {_start_members(first)} → {last.members.total} (year {last.round})"]
    net = {s: joined[s] - left[s] for s in set(joined) | set(left)}
    if net and max(net.values()) > 0:
        best = max(net, key=lambda s: net[s])
        lines.append(f"Most gained: {segment_name(best)} ({net[best]:+d})")
    if left:
        worst, count = left.most_common(1)[0]
        why = f", mostly because {reasons[worst]}" if worst in reasons else ""
        lines.append(f"Most lost: {count} {segment_name(worst)} left{why}")
    lines.append(
        f"Engagement {first.members.engagement_mean:.2f} → {last.members.engagement_mean:.2f}"
    )
    return lines


def _money(record: SessionRecord, team: TeamEntry) -> list[str]:
    model = financing_model(team.reports, source_families(record.scenario))
    labels = source_labels(record.scenario)
    mix = team.reports[-1].financing_mix
    lines = [
        f"Year {model.round} mix: {mix.get('public', 0):.0f} % public, "
        f"{mix.get('private', 0):.0f} % private, {mix.get('project', 0):.0f} % project"
    ]
    largest = sorted(model.revenue, key=lambda p: -p.amount)[:3]
    if largest:
        shares = ", ".join(f"{labels.get(p.key, p.key)} {p.share:.0f} %" for p in largest)
        lines.append(f"Largest sources: {shares}")
    costs = ", ".join(f"{p.key} {p.share:.0f} %" for p in model.costs if p.share >= 0.5)
    lines.append(f"Costs: {costs or 'none'}")
    return lines


def _stretch(record: SessionRecord, team: TeamEntry) -> list[str]:
    reports = team.reports
    peak = max(reports, key=lambda r: r.staff.utilisation)
    last = reports[-1]
    lines = [
        f"Busiest year {peak.round}: staff at {100 * peak.staff.utilisation:.0f} % of capacity, "
        f"{100 * peak.staff.delivery:.0f} % of the work done"
    ]
    lines.append(
        f"Year {last.round}: service value {last.members.service_value:.2f}, "
        f"contact {100 * last.members.contact:.0f} % of need"
    )
    if last.members.total:
        lines.append(
            f"Per member: {euros(last.costs_total / last.members.total)} spent, "
            f"{euros(last.revenue_total / last.members.total)} earned"
        )
    return lines


def main_source(record: SessionRecord, team: TeamEntry) -> str | None:
    """Return the largest source over the game that can end (not the members' fees)."""
    totals: Counter[str] = Counter()
    for report in team.reports:
        totals.update({k: v for k, v in report.revenue_by_source.items() if v > 0})
    endable = [k for k, _ in totals.most_common() if k != MEMBERSHIP_FEES]
    return endable[0] if endable else (MEMBERSHIP_FEES if totals else None)


def _main_source(record: SessionRecord, team: TeamEntry) -> list[str]:
    reports = team.reports
    source = main_source(record, team)
    if source is None:
        return ["No revenue at all"]
    name = source_labels(record.scenario).get(source, source)
    ended = next((i for i, r in enumerate(reports) if source in r.funding.ended), None)
    if ended is None:
        last = reports[-1]
        paid = last.revenue_by_source.get(source, 0.0)
        share = 100.0 * paid / last.revenue_total if last.revenue_total else 0.0
        return [
            f"Main source: {name}; it had not ended by year {last.round}",
            f"It paid {share:.0f} % of year {last.round}'s revenue: what if it had stopped?",
        ]
    year = reports[ended]
    lines = [f"Main source: {name}; its last year was year {year.round}"]
    if ended + 1 < len(reports):
        after = reports[ended + 1]
        change = after.revenue_total - year.revenue_total
        lines.append(
            f"Revenue {euros(year.revenue_total)} → {euros(after.revenue_total)} ({change:+,.0f})"
        )
        lowest = min(reports[ended:], key=lambda r: r.cash)
        lines.append(
            f"Cash {euros(year.cash)} → lowest {euros(lowest.cash)} in year {lowest.round}"
        )
        lines.append(f"Stress {year.stress} → {after.stress}")
    else:
        lines.append("The game has not yet reached the year after")
    return lines


def _public_private(record: SessionRecord, team: TeamEntry) -> list[str]:
    first, last = team.reports[0], team.reports[-1]

    def sources(report: RoundReport) -> int:
        return sum(1 for v in report.revenue_by_source.values() if v > 0)

    return [
        f"Public {first.financing_mix.get('public', 0):.0f} % → "
        f"{last.financing_mix.get('public', 0):.0f} %, private "
        f"{first.financing_mix.get('private', 0):.0f} % → "
        f"{last.financing_mix.get('private', 0):.0f} % (year 1 → year {last.round})",
        f"Sources paying: {sources(first)} → {sources(last)}",
        f"Stress {first.stress} → {last.stress}",
    ]


def _standing(record: SessionRecord, team: TeamEntry) -> list[str]:
    standing = record.rank(team.name)
    card = scorecard(team.reports, record.weights)
    best = max(card.components, key=lambda c: card.components[c])
    worst = min(card.components, key=lambda c: card.components[c])
    leader = record.leaderboard[0]
    lines = [f"Rank {standing.rank} of {len(record.leaderboard)}, score {standing.score:.1f}"]
    lines.append(
        f"Strongest: {COMPONENT_NAMES[best]} {card.components[best]:.0f}; "
        f"weakest: {COMPONENT_NAMES[worst]} {card.components[worst]:.0f}"
    )
    if leader.team != team.name:
        lines.append(f"{leader.score - standing.score:.1f} points behind the leader")
    return lines


def _promises(record: SessionRecord, team: TeamEntry) -> list[str]:
    lines = impact_roadmap(team.reports, record.rounds, record.scenario.scoring.reference)
    promised = [line for line in lines if line.target]
    if not promised:
        return ["No value-impact targets were set"]
    met = [line for line in promised if (line.reached or 0.0) >= 100.0]
    best = max(promised, key=lambda line: line.reached or 0.0)
    worst = min(promised, key=lambda line: line.reached or 0.0)
    year = team.reports[-1].round
    return [
        f"{len(met)} of {len(promised)} targets on track (pro rata to year {year})",
        f"Best: {kpi_name(best.kpi)} at {best.reached:.0f} % of plan",
        f"Furthest behind: {kpi_name(worst.kpi)} at {worst.reached:.0f} % of plan",
    ]
