"""The news feed: 3 to 8 items a round, and every item true to the round report.

Statistical sweep: seeds 0-9, every strategy, the grow scenario over 10 rounds
(600 team-rounds), plus a board that carries on with default decisions in every
scenario, seeds 0-9 (quiet years, where the fallback items show). The texts are
parsed with patterns built from the formats in ``game/news.py``; an item may be
missing only when the feed is full (8 items), since the feed keeps the most
salient candidates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from game.match import Seat, play_match, with_rounds
from game.news import MAX_ITEMS, MIN_ITEMS, PLURAL
from game.report import RoundReport
from game.scenario import Scenario, load_scenario, scenario_names
from game.strategies import STRATEGIES
from game.vocabulary import Segment

SEEDS = range(10)
ROUNDS = 10

SEGMENT_BY_NAME = {name: segment for segment, names in PLURAL.items() for name in names}
SEGMENT_NAMES = "|".join(re.escape(n) for n in sorted(SEGMENT_BY_NAME, key=len, reverse=True))
LEFT = re.compile(rf"(\d+) ({SEGMENT_NAMES}) left: (.+)\.")
JOINED = re.compile(rf"(\d+) ({SEGMENT_NAMES}) joined: (.+)\.")
WON = re.compile(r"(.+) won: ([\d,]+) EUR a year for (\d+) years?(; it takes .+ FTE .+)?\.")
FAILED = re.compile(r"Application for (.+) failed \(its chance was (\d+)%\)\.")
LOAN = re.compile(r"Cash ran out: the board took an emergency loan of ([\d,]+) EUR, .+\.")
WOUND_UP = re.compile(r"The emergency loan grew too large: the board has wound up .+\.")
STAGE = re.compile(r"The cluster (grew|fell back) from (\w+) to (\w+) stage\.")
MEMBERSHIP = re.compile(r"Membership stands at (\d+) \((\d+) joined, (\d+) left\)\.")
CASH = re.compile(r"Cash at year end: (-?[\d,]+) EUR, a runway of ([\d.]+) months\.")
DORMANT = "The cluster organization has been wound up; its board meets no more."


@dataclass(frozen=True)
class Played:
    scenario: Scenario
    seed: int
    team: str
    report: RoundReport
    dormant: bool  # the cluster was wound up before this round began

    @property
    def texts(self) -> list[str]:
        return [item.text for item in self.report.news]

    @property
    def full(self) -> bool:
        return len(self.report.news) == MAX_ITEMS

    def where(self) -> str:
        return (
            f"{self.scenario.id}, seed {self.seed}, {self.team}, "
            f"round {self.report.round}: {self.texts}"
        )


def play(scenario: Scenario, seed: int, seats: list[Seat]) -> list[Played]:
    rounds = []
    for record in play_match(scenario, seed, seats):
        reports = [RoundReport.model_validate(r["report"]) for r in record.rounds]
        before = [False] + [r.wound_up for r in reports[:-1]]
        rounds += [
            Played(scenario, seed, record.name, report, dormant)
            for report, dormant in zip(reports, before, strict=True)
        ]
    return rounds


@pytest.fixture(scope="module")
def played() -> list[Played]:
    grow = with_rounds(load_scenario("grow"), ROUNDS)
    every_strategy = [Seat(name, strategy=name) for name in STRATEGIES]
    rounds = [entry for seed in SEEDS for entry in play(grow, seed, every_strategy)]
    assert len(rounds) == len(SEEDS) * len(STRATEGIES) * ROUNDS
    for name in scenario_names():
        scenario = load_scenario(name)
        rounds += [entry for seed in SEEDS for entry in play(scenario, seed, [Seat("carry_on")])]
    return rounds


def matches(pattern: re.Pattern, entry: Played) -> list[tuple[re.Match, str]]:
    found = []
    for item in entry.report.news:
        match = pattern.fullmatch(item.text)
        if match:
            found.append((match, item.tone))
    return found


def funding_id(scenario: Scenario, name: str) -> str:
    ids = [entry.id for entry in scenario.funding if entry.name == name]
    assert len(ids) == 1, f"funding name {name!r} should name one entry"
    return ids[0]


def amount(text: str) -> float:
    return float(text.replace(",", ""))


# ---------------------------------------------------------------- length


def test_feed_has_three_to_eight_items_every_round(played: list[Played]):
    for entry in played:
        if entry.dormant:
            continue
        assert MIN_ITEMS <= len(entry.report.news) <= MAX_ITEMS, entry.where()


def test_a_wound_up_cluster_gets_one_closing_line(played: list[Played]):
    for entry in played:
        if entry.dormant:
            assert entry.texts == [DORMANT], entry.where()


def test_no_item_is_repeated(played: list[Played]):
    for entry in played:
        assert len(set(entry.texts)) == len(entry.texts), entry.where()


# ---------------------------------------------------------------- members


@pytest.mark.parametrize(
    ("pattern", "counts", "reasons", "tone"),
    [(LEFT, "left", "leave_reasons", "bad"), (JOINED, "joined", "join_reasons", "good")],
    ids=["left", "joined"],
)
def test_member_items_match_the_report(played: list[Played], pattern, counts, reasons, tone):
    seen = 0
    for entry in played:
        members = entry.report.members
        shown: set[Segment] = set()
        for match, item_tone in matches(pattern, entry):
            segment = SEGMENT_BY_NAME[match[2]]
            assert segment not in shown, entry.where()
            shown.add(segment)
            assert int(match[1]) == getattr(members, counts)[segment], entry.where()
            assert match[3] == getattr(members, reasons)[segment], entry.where()
            singular = PLURAL[segment][0] == match[2]
            assert singular == (int(match[1]) == 1), entry.where()
            assert item_tone == tone
            seen += 1
        if not entry.full and not entry.report.wound_up:
            moved = {s for s, n in getattr(members, counts).items() if n > 0}
            assert moved == shown, entry.where()
    assert seen >= 10, f"only {seen} {counts} items in the sweep; the check is too thin"


def test_membership_line_matches_the_report(played: list[Played]):
    for entry in played:
        members = entry.report.members
        for match, tone in matches(MEMBERSHIP, entry):
            assert int(match[1]) == members.total, entry.where()
            assert int(match[2]) == sum(members.joined.values()), entry.where()
            assert int(match[3]) == sum(members.left.values()), entry.where()
            assert tone == "neutral"


# ---------------------------------------------------------------- funding


def test_won_items_appear_for_each_id_won(played: list[Played]):
    seen = 0
    for entry in played:
        scenario = entry.scenario
        funding = entry.report.funding
        named = []
        for match, tone in matches(WON, entry):
            won_id = funding_id(scenario, match[1])
            named.append(won_id)
            card = scenario.funding_entry(won_id)
            assert amount(match[2]) == pytest.approx(card.amount, abs=1), entry.where()
            assert int(match[3]) == card.term, entry.where()
            assert tone == "good"
        assert len(named) == len(set(named)), entry.where()
        assert set(named) <= set(funding.won), entry.where()
        if not entry.full:
            assert set(named) == set(funding.won), entry.where()
        seen += len(named)
    assert seen >= 5, f"only {seen} won items in the sweep; the check is too thin"


def test_failed_items_state_the_chance_of_the_report(played: list[Played]):
    seen = 0
    for entry in played:
        scenario = entry.scenario
        funding = entry.report.funding
        named = []
        for match, tone in matches(FAILED, entry):
            lost_id = funding_id(scenario, match[1])
            named.append(lost_id)
            assert lost_id in funding.lost, entry.where()
            assert f"{funding.applied[lost_id]:.0%}" == f"{match[2]}%", entry.where()
            assert tone == "bad"
        if not entry.full:
            assert set(named) == set(funding.lost), entry.where()
        seen += len(named)
    assert seen >= 5, f"only {seen} failed items in the sweep; the check is too thin"


# ---------------------------------------------------------------- cash and stage


def test_emergency_loan_item_appears_exactly_when_a_loan_is_taken(played: list[Played]):
    """A loan has high salience, so its item is never crowded out of the feed."""
    seen = 0
    for entry in played:
        report = entry.report
        loans = matches(LOAN, entry)
        took_loan = report.emergency_loan > 0 and not report.wound_up
        assert bool(loans) == took_loan, entry.where()
        if loans:
            ((match, tone),) = loans
            assert amount(match[1]) == pytest.approx(report.emergency_loan, abs=1), entry.where()
            assert tone == "bad"
            seen += 1
    assert seen >= 1, "no emergency loan in the sweep; the check is vacuous"


def test_wind_up_item_appears_exactly_in_the_round_of_the_wind_up(played: list[Played]):
    for entry in played:
        if entry.dormant:
            continue
        wound_up = matches(WOUND_UP, entry)
        assert bool(wound_up) == entry.report.wound_up, entry.where()
        assert not matches(LEFT, entry) or not entry.report.wound_up, entry.where()


def test_stage_item_matches_the_report(played: list[Played]):
    order = ["baby", "emerging", "growth", "supercluster"]
    for entry in played:
        report = entry.report
        items = matches(STAGE, entry)
        if items:
            ((match, tone),) = items
            assert (match[2], match[3]) == (report.stage_before, report.stage), entry.where()
            grew = order.index(report.stage) > order.index(report.stage_before)
            assert (match[1] == "grew") == grew
            assert tone == ("good" if grew else "bad")
        elif not entry.full and not entry.dormant:
            assert report.stage == report.stage_before, entry.where()


def test_cash_line_matches_the_report(played: list[Played]):
    """The cash line is the first fallback: it shows whenever a quiet year has few items."""
    seen = 0
    for entry in played:
        for match, _ in matches(CASH, entry):
            assert amount(match[1]) == pytest.approx(entry.report.cash, abs=1), entry.where()
            assert float(match[2]) == pytest.approx(entry.report.runway_months, abs=0.11)
            seen += 1
    assert seen >= 1, "no fallback item in the sweep; the check is vacuous"
