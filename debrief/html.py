"""The report as one self-contained HTML page: inline CSS, images as data URIs, nothing fetched.

Every text a player or facilitator typed (team and player names, ambitions)
and every text from the scenario passes through ``escape`` before it reaches
the page. The page prints cleanly: each team starts on a new page and no chart
or table is cut in two.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from html import escape
from typing import TYPE_CHECKING

from debrief.names import COMPONENT_NAMES, COST_NAMES, euros, kpi_name
from debrief.questions import LEVELS
from debrief.series import Part
from game.scoring import COMPONENTS

if TYPE_CHECKING:
    from debrief.export import Chart, Debrief, TeamPage

CSS = """
:root { --ink: #1f2933; --muted: #5f6b7a; --line: #d9dee4; --soft: #f4f6f8;
  --public: #3569a8; --private: #3f9a6b; --project: #e09b2d;
  --low: #3f9a6b; --medium: #c98a17; --high: #c8453a; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.45;
  font: 14px/1.45 "Segoe UI", "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 0 28px 48px; }
header.top { background: #203246; color: #fff; padding: 28px 0 22px; }
header.top .inner { max-width: 1120px; margin: 0 auto; padding: 0 28px; }
header.top h1 { margin: 0 0 4px; font-size: 26px; font-weight: 650; }
header.top p { margin: 0; color: #c9d4e0; }
.chips { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 14px; }
.chip { background: rgba(255,255,255,.12); border-radius: 999px; padding: 3px 12px;
  font-size: 12.5px; }
.chip.live { background: #c98a17; color: #fff; }
nav.toc { margin: 18px 0 8px; font-size: 13px; color: var(--muted); }
nav.toc a { color: var(--public); text-decoration: none; margin-right: 14px; }
h2 { font-size: 21px; margin: 36px 0 10px; padding-bottom: 6px;
  border-bottom: 2px solid var(--ink); }
h3 { font-size: 16px; margin: 24px 0 8px; }
h4 { font-size: 14px; margin: 14px 0 6px; }
p.lead { color: var(--muted); margin: 0 0 12px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 14px; font-size: 13px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { background: var(--soft); font-weight: 600; color: #34414f; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.leader td { background: #eef5ee; }
figure { margin: 8px 0 16px; break-inside: avoid; }
figure img { width: 100%; height: auto; display: block; border: 1px solid var(--line);
  border-radius: 6px; }
figcaption { font-size: 12px; color: var(--muted); margin-top: 4px; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 18px 26px; }
.grid > * { min-width: 0; }
.wide { grid-column: 1 / -1; }
.team-head { display: flex; justify-content: space-between; align-items: baseline; gap: 16px;
  flex-wrap: wrap; }
.rank { display: inline-block; min-width: 34px; text-align: center; background: var(--ink);
  color: #fff; border-radius: 6px; padding: 1px 8px; margin-right: 8px; font-size: 17px; }
.facts { display: flex; flex-wrap: wrap; gap: 10px; margin: 10px 0 6px; }
.fact { background: var(--soft); border-radius: 8px; padding: 8px 12px; min-width: 120px; }
.fact b { display: block; font-size: 17px; }
.fact span { font-size: 12px; color: var(--muted); }
blockquote { margin: 6px 0 10px; padding: 8px 14px; border-left: 4px solid var(--public);
  background: var(--soft); font-style: italic; }
.stress { font-weight: 600; }
.stress.low { color: var(--low); } .stress.medium { color: var(--medium); }
.stress.high { color: var(--high); }
.dot { display: inline-block; width: 9px; height: 9px; border-radius: 2px; margin-right: 5px; }
.dot.public { background: var(--public); } .dot.private { background: var(--private); }
.dot.project { background: var(--project); }
ul.figures { margin: 0; padding-left: 16px; }
ul.news { margin: 2px 0 0; padding-left: 16px; color: #34414f; font-size: 12.5px; }
.tone-bad { color: var(--high); } .tone-good { color: var(--low); }
.lessons li { margin-bottom: 6px; }
.level { background: var(--soft); border-radius: 8px; padding: 4px 14px 8px; margin: 12px 0;
  break-inside: avoid; }
.muted { color: var(--muted); }
footer { margin-top: 40px; font-size: 12px; color: var(--muted); border-top: 1px solid var(--line);
  padding-top: 10px; }
@media (max-width: 800px) { .grid { grid-template-columns: 1fr; } }
@page { size: A4; margin: 12mm; }
@media print {
  body { font-size: 11.5px; }
  header.top { background: #fff; color: var(--ink); border-bottom: 2px solid var(--ink);
    padding: 0 0 8px; }
  header.top p { color: var(--muted); }
  .chip { background: var(--soft); color: var(--ink); }
  main, header.top .inner { padding: 0; max-width: none; }
  nav.toc { display: none; }
  section.team, section.questions { break-before: page; }
  h2, h3, h4 { break-after: avoid; }
  table, tr, figure, .fact, .level, blockquote { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


MIX_CAPTION = "Share of revenue from public, private and project money, each year."


def esc(value: object) -> str:
    """Return any text safe to place in HTML, attributes included."""
    return escape(str(value), quote=True)


def render(debrief: Debrief) -> str:
    """Return the whole report page."""
    record = debrief.record
    info = record.scenario.scenario
    title = f"Cluster Board debrief: {info.name}"
    body = [
        _header(debrief, title),
        "<main>",
        _contents(debrief),
        _leaderboard(debrief),
        _across(debrief),
        _questions(debrief),
        *(_team(debrief, page) for page in debrief.teams),
        _footer(debrief),
        "</main>",
    ]
    return (
        "<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>\n"
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


# ---------------------------------------------------------------- pieces


def _img(chart: Chart, caption: str = "") -> str:
    data = base64.b64encode(chart.png).decode("ascii")
    text = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return (
        f"<figure><img src='data:image/png;base64,{data}' alt='{esc(chart.title)}'>{text}</figure>"
    )


def _table(head: Sequence[str], rows: Iterable[Sequence[str]], numeric: set[int]) -> str:
    """Return a table; cells are HTML already escaped by the caller."""
    cls = [" class='num'" if i in numeric else "" for i in range(len(head))]
    out = ["<table><thead><tr>"]
    out += [f"<th{cls[i]}>{esc(h)}</th>" for i, h in enumerate(head)]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td{cls[i]}>{c}</td>" for i, c in enumerate(row)) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _stress(level: str | None) -> str:
    if not level:
        return "<span class='muted'>n/a</span>"
    return f"<span class='stress {esc(level)}'>{esc(level)}</span>"


def _mix(mix: dict[str, float]) -> str:
    return " ".join(
        f"<span class='dot {f}'></span>{mix.get(f, 0.0):.0f} %"
        for f in ("public", "private", "project")
    )


def _header(debrief: Debrief, title: str) -> str:
    record = debrief.record
    info = record.scenario.scenario
    if record.finished:
        status = f"<span class='chip'>finished: {record.resolved} of {record.rounds} years</span>"
    else:
        status = (
            f"<span class='chip live'>in progress: years 1 to {record.resolved} "
            f"of {record.rounds} resolved</span>"
        )
    if record.practice:
        status += "<span class='chip live'>practice round</span>"
    chips = [
        status,
        f"<span class='chip'>{esc(info.category)} scenario</span>",
        f"<span class='chip'>{len(debrief.teams)} teams</span>",
        f"<span class='chip'>seed {record.seed}</span>",
    ]
    if record.code:
        chips.insert(0, f"<span class='chip'>session {esc(record.code)}</span>")
    weights = ", ".join(f"{COMPONENT_NAMES[c]} {100 * record.weights[c]:.0f} %" for c in COMPONENTS)
    chips.append(f"<span class='chip'>weights: {esc(weights)}</span>")
    return (
        "<header class='top'><div class='inner'>"
        f"<h1>{esc(title)}</h1><p>{esc(info.summary)}</p>"
        f"<div class='chips'>{''.join(chips)}</div></div></header>"
    )


def _contents(debrief: Debrief) -> str:
    links = [
        "<a href='#leaderboard'>Leaderboard</a>",
        "<a href='#across'>Across teams</a>",
        "<a href='#questions'>Debrief questions</a>",
    ]
    links += [
        f"<a href='#team-{p.team.seat + 1}'>{p.standing.rank}. {esc(p.team.name)}</a>"
        for p in debrief.teams
    ]
    return f"<nav class='toc'>{''.join(links)}</nav>"


def _who(page: TeamPage) -> str:
    if page.team.strategy:
        return f"computer-run ({esc(page.team.strategy)})"
    return esc(", ".join(page.team.players)) or "<span class='muted'>no players</span>"


def _leaderboard(debrief: Debrief) -> str:
    weights = debrief.record.weights
    head = ["#", "Team", "Played by", "Game score"]
    head += [f"{COMPONENT_NAMES[c]} ({100 * weights[c]:.0f} %)" for c in COMPONENTS]
    rows = []
    for page in debrief.teams:
        card = page.card
        rows.append(
            [
                str(page.standing.rank),
                f"<a href='#team-{page.team.seat + 1}'>{esc(page.team.name)}</a>",
                _who(page),
                f"<b>{page.standing.score:.1f}</b>",
                *(f"{card.components[c]:.0f} → {card.weighted[c]:.1f}" for c in COMPONENTS),
            ]
        )
    table = _table(head, rows, {0, 3, 4, 5, 6, 7})
    table = table.replace("<tr><td class='num'>1</td>", "<tr class='leader'><td class='num'>1</td>")
    return (
        "<section id='leaderboard'><h2>Leaderboard and scorecard</h2>"
        "<p class='lead'>Each component is scored 0-100 every year; the game score is the mean "
        "over the years of the weighted total. A cell reads: mean component score → points it "
        "added to the game score.</p>"
        f"{table}{_img(debrief.charts['scorecard'])}</section>"
    )


def _across(debrief: Debrief) -> str:
    lessons = "".join(f"<li>{esc(lesson.text)}</li>" for lesson in debrief.lessons)
    return (
        "<section id='across'><h2>Across teams</h2>"
        f"{_img(debrief.charts['mix'], MIX_CAPTION)}"
        "<div class='grid'>"
        f"<div>{_img(debrief.charts['scatter'], 'Mean component scores over the years.')}</div>"
        "<div><h3>What the strategies that did well had in common</h3>"
        f"<ul class='lessons'>{lessons}</ul>"
        "<p class='muted'>The upper half of the leaderboard compared with the lower half, "
        "on the traits where they differed most.</p></div></div></section>"
    )


def _questions(debrief: Debrief) -> str:
    out = [
        "<section id='questions' class='questions'><h2>Debrief questions</h2>"
        "<p class='lead'>The five levels of business-model management, asked of every team "
        "with its own figures.</p>"
    ]
    order = [p.team.name for p in debrief.teams]
    for level, heading in LEVELS:
        asked = [q for q in debrief.questions if q.level == level]
        if not asked:
            continue
        out.append(f"<div class='level'><h3>{esc(heading)}</h3>")
        for question in asked:
            rows = [
                [
                    f"<b>{esc(name)}</b>",
                    "<ul class='figures'>"
                    + "".join(f"<li>{esc(line)}</li>" for line in question.figures.get(name, []))
                    + "</ul>",
                ]
                for name in order
            ]
            out.append(f"<h4>{esc(question.text)}</h4>")
            out.append(
                _table(["Team", "Its figures"], rows, set()).replace(
                    "<th>Team", "<th style='width:24%'>Team"
                )
            )
        out.append("</div>")
    out.append("</section>")
    return "".join(out)


def _team(debrief: Debrief, page: TeamPage) -> str:
    team, last = page.team, page.team.reports[-1]
    facts = [
        (f"{page.standing.score:.1f}", "game score"),
        (str(last.members.total), f"members in year {last.round}"),
        (euros(last.cash), "cash at the end"),
        (last.stage, "stage"),
        (_stress(str(last.stress)), "financial stress"),
    ]
    facts_html = "".join(
        f"<div class='fact'><b>{value if i == 4 else esc(value)}</b><span>{esc(label)}</span></div>"
        for i, (value, label) in enumerate(facts)
    )
    ambition = (
        f"<blockquote>{esc(page.ambition)}</blockquote>"
        if page.ambition
        else "<p class='muted'>No ambition was stated.</p>"
    )
    charts = page.charts
    return (
        f"<section class='team' id='team-{team.seat + 1}'>"
        f"<div class='team-head'><h2><span class='rank'>{page.standing.rank}</span>"
        f"{esc(team.name)}</h2><span class='muted'>{_who(page)}</span></div>"
        f"{ambition}<div class='facts'>{facts_html}</div>"
        "<div class='grid'>"
        f"<div>{_img(charts['evolution'])}</div><div>{_evolution_table(page)}</div>"
        f"<div>{_img(charts['financing'])}</div><div>{_financing_table(page, debrief.labels)}</div>"
        f"<div class='wide'>{_img(charts['roadmap'])}{_roadmap_table(page)}</div>"
        f"<div>{_img(charts['members'])}</div><div>{_img(charts['cash'])}</div>"
        f"<div class='wide'>{_changes_table(page)}</div>"
        "</div></section>"
    )


def _evolution_table(page: TeamPage) -> str:
    rows = []
    for phase in page.phases:
        if not phase.rounds:
            note = "beyond this game" if phase.status == "beyond" else "not yet played"
            rows.append([esc(phase.label), f"<span class='muted'>{note}</span>", "", "", ""])
            continue
        label = esc(phase.label) + (
            " <span class='muted'>(under way)</span>" if phase.status == "partial" else ""
        )
        rows.append(
            [
                label,
                _mix(phase.mix),
                _stress(phase.stress),
                esc(euros(phase.budget)),
                f"{phase.members} / {phase.staff_fte:g}",
            ]
        )
    table = _table(
        ["Period", "Public / private / project", "Stress", "Total costs a year", "Members / staff"],
        rows,
        {3, 4},
    )
    return f"<h3>Evolution map</h3>{table}"


def _parts(parts: list[Part], labels: dict[str, str], families: bool) -> list[list[str]]:
    rows = []
    for part in parts:
        name = labels.get(part.key, part.key) if families else COST_NAMES.get(part.key, part.key)
        dot = f"<span class='dot {esc(part.family)}'></span>" if families and part.family else ""
        rows.append([dot + esc(name), f"{part.share:.0f} %", esc(euros(part.amount))])
    return rows


def _financing_table(page: TeamPage, labels: dict[str, str]) -> str:
    model = page.model
    revenue = _table(
        ["Revenue source", "Share", f"Year {model.round}"],
        _parts(model.revenue, labels, True),
        {1, 2},
    )
    costs = _table(
        ["Cost", "Share", f"Year {model.round}"], _parts(model.costs, labels, False), {1, 2}
    )
    return f"<h3>Financing model</h3>{revenue}{costs}"


def _roadmap_table(page: TeamPage) -> str:
    rows = []
    for line in page.roadmap:
        achieved = line.achieved[-1] if line.achieved else 0.0
        target = f"{line.target:g}" if line.target else "<span class='muted'>none</span>"
        reached = f"{line.reached:.0f} %" if line.reached is not None else ""
        yardstick = f"{line.reference:g}" if line.reference else ""
        rows.append([esc(kpi_name(line.kpi)), target, f"{achieved:,.1f}", reached, yardstick])
    head = ["Outcome", "Target", "Achieved", "Of plan so far", "Yardstick"]
    return f"<h3>Value impact roadmap</h3>{_table(head, rows, {1, 2, 3, 4})}"


def _changes_table(page: TeamPage) -> str:
    if not page.changes:
        calm = "<p class='muted'>The board carried on as it started.</p>"
        return f"<h3>Decisions that changed most</h3>{calm}"
    rows = []
    for change in page.changes:
        news = "".join(
            f"<li class='tone-{esc(item.tone)}'>{'' if year == change.round else f'year {year}: '}"
            f"{esc(item.text)}</li>"
            for year, item in change.news
        )
        rows.append(
            [
                str(change.round),
                esc(change.text),
                f"<ul class='news'>{news}</ul>"
                if news
                else "<span class='muted'>no news on it</span>",
            ]
        )
    table = _table(["Year", "Decision", "What the news said"], rows, {0})
    return f"<h3>Decisions that changed most</h3>{table}"


def _footer(debrief: Debrief) -> str:
    record = debrief.record
    where = f"session {esc(record.code)}" if record.code else "a headless game"
    return (
        f"<footer>Cluster Board debrief of {where}, scenario {esc(record.scenario.id)}, "
        f"seed {record.seed}. Figures up to year {record.resolved} of {record.rounds}. "
        "The decisions and KPIs of every team and year are in decisions.csv and kpis.csv; "
        "the full record is in session.json.</footer>"
    )
