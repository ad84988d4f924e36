"""A cluster can start small and grow (statistical; seeds 0-29, common random numbers).

The evolution map of DOMAIN.md: a young cluster on 100-125k EUR a year, almost all
public money; five years on 300-350k EUR with 40 % public; ten years on 800-850k EUR
with five staff, mostly private. In build, the member-first board starts on the map's
year-1 budget, about 122k EUR (the county's seed grant of 45,000, the founders'
35,000, a little from fees and sales) with the founders' 300,000 EUR in the bank,
and, as the field tips and members arrive, grows with member fees and the joint
projects members pay the cluster to run (`member_projects`, most of whose money
passes to the partners).

- The evolution-map path, read literally (year 1 is round 1, year 5 round 5, year
  10 round 10): the member-first board's first-year revenue is in the map's 100-125k
  EUR (median; measured 122k), its revenue in round 5 is 2.5 to 3 times its first
  year's and in round 10 6 to 7 times (medians over seeds 0-29; measured 2.9 and
  6.76); the public share falls from at least 65 % in year 1 to about 40 % (35-48 %
  averaged over rounds 5-10, 30-45 % in round 10); the board is never wound up and
  ends with about five staff or more.
- A year-1 cluster on less than 100k EUR of public money survives: build's own
  start (seed grant, founders and the town's small grant: about 86k EUR in year 1)
  is that cluster, and the member-first board, which lets staff go down to one FTE
  when its income no longer pays them, is never wound up.
- The top stage is reachable: the member-first board reaches supercluster in a few
  seeds of build; the weak boards (passive, project chaser, fee maximiser) never.
- A fully private board is viable: in grow, a member-first board that never applies
  for public money (and hires only when its own income, less what passes to the
  partners of its member-funded projects, pays for it) runs fully private once the
  starting grants end (rounds 5-10), is never wound up, never needs an emergency
  loan, ends with at least year 1's members on average and scores within 15 points
  of member_first. It is self-sustaining: played on to 20 rounds, past the game's
  ten (no public money exists there for anyone), it is wound up in at most one seed
  of thirty (measured: one) and its median revenue in round 20 is above its round
  10's (measured 719k against 526k EUR): its fees, sold services and member-funded
  projects pay its way, as the evolution map's privately financed cluster does.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from boards import SEEDS, bot, mean, play_many

from game.decisions import Decisions, Funding, Staffing
from game.match import with_rounds
from game.scenario import load_scenario
from game.strategies import fixed_costs
from game.vocabulary import Family

YEAR_FIVE, YEAR_TEN = 5, 10  # rounds: the map's year 5 and year 10, year 1 being round 1
RATIO_FIVE = (2.5, 3.0)  # the map's x2.5-3; measured 2.90 (median over seeds 0-29)
RATIO_TEN = (6.0, 7.0)  # the map's x6-7; measured 6.76
PUBLIC_START = 65.0  # percent of year-1 revenue, at least (measured 71)
PUBLIC_LATER = (35.0, 48.0)  # mean public share over rounds 5-10 (measured 46.0)
PUBLIC_YEAR_TEN = (30.0, 45.0)  # mean public share in round 10 (measured 40.1)
FIRST_YEAR_BUDGET = (100_000.0, 125_000.0)  # the map's year 1, median (measured 122k)
FINAL_STAFF = 4.5  # FTE at the end, at least (measured 5.8; the map: 5 at ten years)
SMALL_PUBLIC = 100_000.0  # year-1 public money of build's start, at most (measured 86k)
TOP_STAGE_SEEDS = 3  # seeds (of 30) in which member_first reaches supercluster, at least
WEAK_BOARDS = ("passive", "project_chaser", "fee_maximiser")
PRIVATE_SCORE_GAP = 15.0  # points the private board may trail member_first by, at most
PRIVATE_MEMBERS_KEPT = 1.0  # members at the end over year 1's, on average (measured 1.3)
PRIVATE_COVER = 1.3  # the private board's own rule: income over the costs of a bigger team
PRIVATE_LONG = 20  # rounds the private board is played on to, past the game's ten
PRIVATE_LONG_WOUND = 1  # seeds (of 30) in which it may be wound up by then, at most


@cache
def build_games(board: str):
    return play_many(load_scenario("build"), bot(board), SEEDS)


def revenue_ratio(games, round_no: int) -> float:
    ratios = [g.reports[round_no - 1].revenue_total / g.reports[0].revenue_total for g in games]
    return float(np.median(ratios))


def test_build_follows_the_evolution_map():
    games = build_games("member_first")
    five, ten = revenue_ratio(games, YEAR_FIVE), revenue_ratio(games, YEAR_TEN)
    assert RATIO_FIVE[0] <= five <= RATIO_FIVE[1], five
    assert RATIO_TEN[0] <= ten <= RATIO_TEN[1], ten
    first = float(np.median([g.reports[0].revenue_total for g in games]))
    assert FIRST_YEAR_BUDGET[0] <= first <= FIRST_YEAR_BUDGET[1], first
    public_start = mean(g.reports[0].financing_mix[Family.PUBLIC] for g in games)
    later = mean(
        r.financing_mix[Family.PUBLIC] for g in games for r in g.reports[YEAR_FIVE - 1 : YEAR_TEN]
    )
    year_ten = mean(g.reports[YEAR_TEN - 1].financing_mix[Family.PUBLIC] for g in games)
    assert public_start >= PUBLIC_START, public_start
    assert PUBLIC_LATER[0] <= later <= PUBLIC_LATER[1], later
    assert PUBLIC_YEAR_TEN[0] <= year_ten <= PUBLIC_YEAR_TEN[1], year_ten
    assert not any(g.final.wound_up for g in games)
    assert mean(g.final.staff.fte for g in games) >= FINAL_STAFF


def test_a_cluster_on_less_than_100k_of_public_money_survives():
    games = build_games("member_first")
    public = mean(g.reports[0].revenue_by_family[Family.PUBLIC] for g in games)
    assert public <= SMALL_PUBLIC, public
    assert not any(g.final.wound_up for g in games)


def test_the_top_stage_is_reachable_by_the_best_board_only():
    def reached(board: str) -> int:
        return sum(any(r.stage == "supercluster" for r in g.reports) for g in build_games(board))

    assert reached("member_first") >= TOP_STAGE_SEEDS
    for board in WEAK_BOARDS:
        assert reached(board) == 0, board


def private_board(view, scenario, rng) -> Decisions:
    """The member-first board that never applies for public money and hires only when
    last year's own income (private and project money less what passed to partners)
    would pay the team with one more FTE and a third to spare."""
    decisions = bot("member_first")(view, scenario, rng)
    apply = [
        i for i in decisions.funding.apply if scenario.funding_entry(i).family != Family.PUBLIC
    ]
    staffing = decisions.staffing
    report = view.last_report
    if report is not None and staffing.hire_fte > 0:
        earned = report.revenue_total - report.revenue_by_family[Family.PUBLIC]
        earned -= report.costs.get("projects", 0.0)  # the partners' share and project work
        lines = decisions.funding.revenue_lines or []
        team = fixed_costs(view, scenario, view.staff_fte + staffing.hire_fte, view.interns, lines)
        if earned < PRIVATE_COVER * team:
            staffing = Staffing()
    funding = Funding(apply=apply, revenue_lines=decisions.funding.revenue_lines)
    return decisions.model_copy(update={"funding": funding, "staffing": staffing})


def test_a_fully_private_board_is_viable():
    scenario = load_scenario("grow")
    games = play_many(scenario, private_board, SEEDS)
    balanced = play_many(scenario, bot("member_first"), SEEDS)
    ended = max(a.years_left for a in scenario.start.agreements)  # the starting grants
    for game in games:
        assert not game.final.wound_up
        assert all(r.emergency_loan == 0 for r in game.reports)
        assert all(r.financing_mix[Family.PUBLIC] == 0 for r in game.reports[ended:])
    kept = mean(g.final.members.total for g in games) / mean(
        g.reports[0].members.total for g in games
    )
    assert kept >= PRIVATE_MEMBERS_KEPT, kept
    gap = mean(g.final.score.game_score for g in balanced) - mean(
        g.final.score.game_score for g in games
    )
    assert gap <= PRIVATE_SCORE_GAP, gap


def test_a_fully_private_board_pays_its_way_past_the_game():
    scenario = load_scenario("grow")
    longer = play_many(with_rounds(scenario, PRIVATE_LONG), private_board, SEEDS)
    assert sum(g.final.wound_up for g in longer) <= PRIVATE_LONG_WOUND
    tenth = float(np.median([g.reports[scenario.rounds - 1].revenue_total for g in longer]))
    last = float(np.median([g.reports[-1].revenue_total for g in longer]))
    assert last > tenth, (tenth, last)
