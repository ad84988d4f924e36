"""The eleven stylized facts of DOMAIN.md, each as a tendency over 30 seeds.

Each test plays two contrasting boards on the same 30 seeds (``boards.SEEDS``,
0 to 29: common random numbers, so the comparison is paired) and asserts the
difference of a mean with a stated margin. ``measure_*`` functions return the
figures; ``benchmarks/stylized_facts.py`` prints them for ``docs/model.md``.
"""

from __future__ import annotations

import itertools
from functools import cache

from boards import (
    SEEDS,
    adjusted,
    bot,
    mean,
    play_many,
    rebudget,
    scheduled,
    without_events,
)

from game.decisions import Funding, Staffing
from game.events import event_schedule
from game.scenario import FeeSchedule, load_scenario
from game.strategies import MEMBER_FIRST_WEIGHTS, affordable_services, split
from game.vocabulary import Family, FeeModel, Segment, ServiceLine

L = ServiceLine


@cache
def scenario(name: str):
    return load_scenario(name)


def _share(report, family: Family) -> float:
    return report.financing_mix[family]


# ---------------------------------------------------------------- 1. public dependence


def measure_public_dependence() -> dict[str, float]:
    """A board living on one public program against a member-first diversifier (grow)."""
    grow = scenario("grow")
    passive = play_many(grow, bot("passive"))
    diversifier = play_many(grow, bot("member_first"))

    def drop(game) -> float:  # revenue two years after the program's last year, vs before
        before = mean(r.revenue_total for r in game.reports[2:4])
        after = mean(r.revenue_total for r in game.reports[4:6])
        return 100.0 * (before - after) / max(before, 1.0)

    return {
        "passive_score": mean(g.final.score.game_score for g in passive),
        "diversifier_score": mean(g.final.score.game_score for g in diversifier),
        "passive_drop_pct": mean(drop(g) for g in passive),
        "diversifier_drop_pct": mean(drop(g) for g in diversifier),
    }


def test_public_dependence_is_fragile():
    m = measure_public_dependence()
    assert m["passive_score"] + 10 < m["diversifier_score"]
    assert m["passive_drop_pct"] > m["diversifier_drop_pct"] + 10


# ---------------------------------------------------------------- 2. diversification


def _public_only(decisions, view):
    return {
        "fees": FeeSchedule(model=FeeModel.NONE),
        "funding": Funding(
            apply=[f.id for f in view.funding if f.eligible and f.family == Family.PUBLIC],
            revenue_lines=[],
        ),
    }


def measure_diversification() -> dict[str, float]:
    """The same board with a mixed income against one living on public money, in a crisis."""
    crisis = scheduled(scenario("grow"), "economic_crisis", 3)
    mixed = play_many(crisis, bot("member_first"))
    single = play_many(crisis, adjusted(bot("member_first"), _public_only))

    def worst_drop(game) -> float:
        revenue = [r.revenue_total for r in game.reports]
        drops = [(a - b) / max(a, 1.0) for a, b in itertools.pairwise(revenue)]
        return 100.0 * max(drops)

    def loans(game) -> float:
        return float(any(r.emergency_loan > 0 for r in game.reports))

    return {
        "mixed_worst_drop_pct": mean(worst_drop(g) for g in mixed),
        "single_worst_drop_pct": mean(worst_drop(g) for g in single),
        "mixed_emergency_loan_rate": mean(loans(g) for g in mixed),
        "single_emergency_loan_rate": mean(loans(g) for g in single),
    }


def test_diversification_de_risks():
    m = measure_diversification()
    assert m["single_worst_drop_pct"] > m["mixed_worst_drop_pct"] + 10
    assert m["single_emergency_loan_rate"] > m["mixed_emergency_loan_rate"] + 0.2


# ---------------------------------------------------------------- 3. single-service shocks


def _events_only(decisions, view):
    """An event-based business model: no fees, income from the conference and events."""
    budget = rebudget(
        decisions.budget,
        set(L) - {L.MATCHMAKING_EVENTS, L.MEMBER_RELATIONS},
        {L.MATCHMAKING_EVENTS},
    )
    funding = decisions.funding.model_copy(update={"revenue_lines": ["events_sponsorship"]})
    return {"budget": budget, "funding": funding, "fees": FeeSchedule(model=FeeModel.NONE)}


def measure_single_service() -> dict[str, float]:
    """An events-only board against a varied one when a pandemic stops events (round 3)."""
    pandemic = scheduled(without_events(scenario("grow"), {"pandemic"}), "pandemic", 3)
    varied = play_many(pandemic, bot("member_first"))
    events_only = play_many(pandemic, adjusted(bot("member_first"), _events_only))

    def private_drop(game) -> float:
        before = game.reports[1].revenue_by_family[Family.PRIVATE]
        during = game.reports[2].revenue_by_family[Family.PRIVATE]
        return 100.0 * (before - during) / max(before, 1.0)

    def value_drop(game) -> float:  # what members get from the cluster, before and during
        return game.reports[1].members.service_value - game.reports[2].members.service_value

    return {
        "varied_private_drop_pct": mean(private_drop(g) for g in varied),
        "events_only_private_drop_pct": mean(private_drop(g) for g in events_only),
        "varied_value_drop": mean(value_drop(g) for g in varied),
        "events_only_value_drop": mean(value_drop(g) for g in events_only),
    }


def test_single_service_models_break_in_shocks():
    m = measure_single_service()
    assert m["events_only_private_drop_pct"] > m["varied_private_drop_pct"] + 30
    assert m["events_only_value_drop"] > m["varied_value_drop"] + 0.04


# ---------------------------------------------------------------- 4. projects hollow out


def measure_project_hollowing() -> dict[str, float]:
    """A project chaser against a member-first board (grow)."""
    grow = scenario("grow")
    chaser = play_many(grow, bot("project_chaser"))
    members_first = play_many(grow, bot("member_first"))

    def project_share(game) -> float:
        return mean(_share(r, Family.PROJECT) for r in game.reports[1:])

    def contact(game) -> float:
        return mean(r.members.contact for r in game.reports[1:])

    return {
        "chaser_project_share_pct": mean(project_share(g) for g in chaser),
        "member_first_project_share_pct": mean(project_share(g) for g in members_first),
        "chaser_contact": mean(contact(g) for g in chaser),
        "member_first_contact": mean(contact(g) for g in members_first),
        "chaser_founding_kept": mean(g.founding_kept() for g in chaser),
        "member_first_founding_kept": mean(g.founding_kept() for g in members_first),
    }


def test_projects_can_hollow_out_the_cluster():
    m = measure_project_hollowing()
    assert m["chaser_project_share_pct"] > m["member_first_project_share_pct"] + 10
    assert m["chaser_contact"] + 0.1 < m["member_first_contact"]
    assert m["chaser_founding_kept"] + 0.1 < m["member_first_founding_kept"]


# ---------------------------------------------------------------- 5. price signals value


def _fees(model: FeeModel, extra_services: float = 0.0, **levels):
    def change(decisions, view):
        budget = {
            line: amount + extra_services / len(L) for line, amount in decisions.budget.items()
        }
        return {"fees": FeeSchedule(model=model, **levels), "budget": budget}

    return change


def measure_price_signal() -> dict[str, float]:
    """Low flat fees against progressive fees matched by more services, and excessive fees."""
    grow = without_events(scenario("grow"))
    low = play_many(grow, adjusted(bot("member_first"), _fees(FeeModel.FLAT, flat=300.0)))
    matched = play_many(
        grow,
        adjusted(
            bot("member_first"),
            _fees(FeeModel.TIERED, 60_000.0, small=900.0, medium=3000.0, large=9000.0),
        ),
    )
    excessive = play_many(grow, adjusted(bot("member_first"), _fees(FeeModel.FLAT, flat=6000.0)))

    years = slice(1, 5)  # rounds 2 to 5, before money decides who survives

    def engagement(game) -> float:
        return mean(r.members.engagement_mean for r in game.reports[years])

    def members(game) -> float:
        return mean(r.members.total for r in game.reports[years])

    def early_losses(game) -> float:
        return float(sum(sum(r.members.left.values()) for r in game.reports[:2]))

    return {
        "low_fee_engagement": mean(engagement(g) for g in low),
        "matched_fee_engagement": mean(engagement(g) for g in matched),
        "low_fee_members": mean(members(g) for g in low),
        "matched_fee_members": mean(members(g) for g in matched),
        "low_fee_members_lost_years_1_2": mean(early_losses(g) for g in low),
        "excessive_fee_members_lost_years_1_2": mean(early_losses(g) for g in excessive),
    }


def test_price_signals_value():
    m = measure_price_signal()
    assert m["matched_fee_engagement"] > m["low_fee_engagement"] + 0.05
    assert m["matched_fee_members"] > m["low_fee_members"]
    assert m["excessive_fee_members_lost_years_1_2"] > 3 * m["low_fee_members_lost_years_1_2"]


# ---------------------------------------------------------------- 6. contact keeps members


def _no_contact(decisions, view):
    others = set(L) - {L.MEMBER_RELATIONS}
    return {"budget": rebudget(decisions.budget, {L.MEMBER_RELATIONS}, others)}


def measure_contact() -> dict[str, float]:
    """The same board with and without its member-relations budget (grow)."""
    grow = scenario("grow")
    with_contact = play_many(grow, bot("member_first"))
    without = play_many(grow, adjusted(bot("member_first"), _no_contact))

    def lost(game) -> float:
        return float(sum(sum(r.members.left.values()) for r in game.reports))

    return {
        "contact_founding_kept": mean(g.founding_kept() for g in with_contact),
        "no_contact_founding_kept": mean(g.founding_kept() for g in without),
        "contact_members_lost": mean(lost(g) for g in with_contact),
        "no_contact_members_lost": mean(lost(g) for g in without),
        "contact_engagement": mean(g.final.members.engagement_mean for g in with_contact),
        "no_contact_engagement": mean(g.final.members.engagement_mean for g in without),
    }


def test_contact_and_communication_keep_members():
    m = measure_contact()
    assert m["no_contact_founding_kept"] + 0.08 < m["contact_founding_kept"]
    assert m["no_contact_engagement"] + 0.03 < m["contact_engagement"]


# ---------------------------------------------------------------- 7. startups and capital


def _startup_offer(offer: bool):
    startup_lines = {L.STARTUP_PROGRAMS, L.ACCESS_TO_CAPITAL}

    def change(decisions, view):
        recruit = {s: 0.3 for s in Segment} | {Segment.STARTUP: 1.0, Segment.CAPITAL: 1.0}
        budget = decisions.budget
        if not offer:
            budget = rebudget(budget, startup_lines, {L.MATCHMAKING_EVENTS, L.COLLABORATIVE_RD})
        return {"budget": budget, "recruitment": recruit}

    return change


def measure_startups_need_value() -> dict[str, float]:
    """Courting startups and investors with and without programs made for them (grow)."""
    grow = scenario("grow")
    offer = play_many(grow, adjusted(bot("startup_builder"), _startup_offer(True)))
    no_offer = play_many(grow, adjusted(bot("startup_builder"), _startup_offer(False)))

    def pentagon_new(game) -> float:
        segments = game.final.members.by_segment
        return float(segments[Segment.STARTUP] + segments[Segment.CAPITAL])

    return {
        "offer_startups_and_investors": mean(pentagon_new(g) for g in offer),
        "no_offer_startups_and_investors": mean(pentagon_new(g) for g in no_offer),
        "offer_capital_raised": mean(g.final.kpis["capital_raised"] for g in offer),
        "no_offer_capital_raised": mean(g.final.kpis["capital_raised"] for g in no_offer),
    }


def test_startups_and_capital_need_their_own_value():
    m = measure_startups_need_value()
    assert m["offer_startups_and_investors"] > 1.3 * m["no_offer_startups_and_investors"]
    assert m["offer_capital_raised"] > 2 * m["no_offer_capital_raised"] + 0.5


# ---------------------------------------------------------------- 8. build starts slow


def measure_build_slow_start() -> dict[str, float]:
    """A build cluster before and after its tipping point, against a grow cluster's start."""
    build = scenario("build")
    tipping = {seed: event_schedule(build, seed).get("tipping_point") for seed in SEEDS}
    seeds = [seed for seed in SEEDS if tipping[seed]]
    games = dict(zip(seeds, play_many(build, bot("member_first"), seeds), strict=True))
    grow_games = play_many(scenario("grow"), bot("member_first"), seeds)

    def joins(game, rounds) -> float:
        return mean(sum(game.reports[r - 1].members.joined.values()) for r in rounds)

    def revenue(game, rounds) -> float:
        return mean(game.reports[r - 1].revenue_total for r in rounds)

    before = {s: range(1, tipping[s]) for s in seeds}
    after = {s: range(tipping[s], min(tipping[s] + 3, build.rounds + 1)) for s in seeds}
    return {
        "seeds_with_tipping_point": float(len(seeds)),
        "joins_per_year_before": mean(joins(games[s], before[s]) for s in seeds),
        "joins_per_year_after": mean(joins(games[s], after[s]) for s in seeds),
        "revenue_before": mean(revenue(games[s], before[s]) for s in seeds),
        "revenue_after": mean(revenue(games[s], after[s]) for s in seeds),
        "build_members_round_3": mean(g.reports[2].members.total for g in games.values()),
        "grow_members_round_3": mean(g.reports[2].members.total for g in grow_games),
    }


def test_build_clusters_start_slow():
    m = measure_build_slow_start()
    assert m["seeds_with_tipping_point"] >= 25
    assert m["joins_per_year_after"] > 1.5 * m["joins_per_year_before"]
    assert m["revenue_after"] > 1.3 * m["revenue_before"]
    assert m["build_members_round_3"] < 0.5 * m["grow_members_round_3"]


# ---------------------------------------------------------------- 9. urgency


def _high_fees(decisions, view):
    return {"fees": FeeSchedule(model=FeeModel.TIERED, small=2500.0, medium=7000.0, large=24000.0)}


def measure_urgency() -> dict[str, float]:
    """The same high-fee board in a region with urgent pain and in a calm one."""
    base = without_events(scenario("grow"))
    urgent = base.model_copy(update={"region": base.region.model_copy(update={"urgency": 0.7})})
    calm = base.model_copy(update={"region": base.region.model_copy(update={"urgency": 0.0})})
    board = adjusted(bot("member_first"), _high_fees)
    urgent_games = play_many(urgent, board)
    calm_games = play_many(calm, board)

    def fees(game) -> float:
        return mean(r.revenue_by_source["membership_fees"] for r in game.reports)

    return {
        "urgent_members": mean(g.final.members.total for g in urgent_games),
        "calm_members": mean(g.final.members.total for g in calm_games),
        "urgent_fee_income": mean(fees(g) for g in urgent_games),
        "calm_fee_income": mean(fees(g) for g in calm_games),
        "transform_urgency": scenario("transform").region.urgency,
    }


def test_transform_clusters_can_charge_for_urgency():
    m = measure_urgency()
    assert m["transform_urgency"] >= 0.5
    assert m["urgent_members"] > 1.2 * m["calm_members"]
    assert m["urgent_fee_income"] > 1.2 * m["calm_fee_income"]


# ---------------------------------------------------------------- 10. staff capacity


def _understaffed(decisions, view):
    """Two FTE fewer, never hired back, carrying the plan the full team would carry.

    The member-first board trims its services to what its staff can deliver; this
    board keeps the untrimmed plan, so the same ambition meets a thinner team.
    """
    let_go = 2.0 if view.round == 1 else 0.0
    lines = decisions.funding.revenue_lines
    grow = scenario("grow")
    plan = affordable_services(view, grow, view.staff_fte, view.interns, lines, prudence=1.0)
    return {
        "staffing": Staffing(let_go_fte=let_go),
        "budget": split(plan, MEMBER_FIRST_WEIGHTS),
    }


def measure_staff_capacity() -> dict[str, float]:
    """The same ambitious plan carried by the starting staff and by two FTE fewer (grow)."""
    grow = scenario("grow")
    staffed = play_many(grow, bot("member_first"))
    thin = play_many(grow, adjusted(bot("member_first"), _understaffed))

    def delivery(game) -> float:
        return mean(r.staff.delivery for r in game.reports[1:])

    def utilisation(game) -> float:
        return mean(r.staff.utilisation for r in game.reports[1:])

    return {
        "staffed_delivery": mean(delivery(g) for g in staffed),
        "thin_delivery": mean(delivery(g) for g in thin),
        "thin_utilisation": mean(utilisation(g) for g in thin),
        "staffed_engagement": mean(g.final.members.engagement_mean for g in staffed),
        "thin_engagement": mean(g.final.members.engagement_mean for g in thin),
    }


def test_staff_capacity_limits_what_a_cluster_can_do():
    m = measure_staff_capacity()
    assert m["thin_utilisation"] > 1.1
    assert m["thin_delivery"] + 0.15 < m["staffed_delivery"]
    assert m["thin_engagement"] + 0.03 < m["staffed_engagement"]


# ---------------------------------------------------------------- 11. slow evolution


def _switch_to_member_first(view, scenario_, rng):
    return bot("passive" if view.round == 1 else "member_first")(view, scenario_, rng)


def measure_slow_evolution() -> dict[str, float]:
    """How fast the financing mix moves after a board switches to a member-first model.

    Measured on the public share, the documents' own yardstick of a model's
    evolution (Health Valley from 90/10 public/private toward 40/60; DOMAIN.md):
    the private and project shares trade places from year to year as projects
    start and end, while the fall of the public share is the model moving.
    """
    base = without_events(scenario("grow"))
    start = base.start.model_copy(
        update={
            "agreements": [a.model_copy(update={"years_left": 12}) for a in base.start.agreements]
        }
    )
    steady = base.model_copy(update={"start": start})
    games = play_many(steady, _switch_to_member_first)

    def years_to_three_quarters(game) -> float:
        public = [_share(r, Family.PUBLIC) for r in game.reports]
        goal = public[0] + 0.75 * (public[-1] - public[0])
        falling = public[-1] <= public[0]
        return float(
            next(i for i, p in enumerate(public) if (p <= goal) == falling or i == len(public) - 1)
        )

    def largest_step_share(game) -> float:
        public = [_share(r, Family.PUBLIC) for r in game.reports]
        total = abs(public[-1] - public[0])
        steps = [abs(b - a) for a, b in itertools.pairwise(public)]
        return max(steps) / max(total, 1e-9)

    def total_change(game) -> float:
        return _share(game.final, Family.PUBLIC) - _share(game.reports[0], Family.PUBLIC)

    return {
        "public_share_change_pp": mean(total_change(g) for g in games),
        "largest_year_share_of_change": mean(largest_step_share(g) for g in games),
        "years_to_three_quarters_of_change": mean(years_to_three_quarters(g) for g in games),
    }


def test_business_model_evolves_over_years():
    m = measure_slow_evolution()
    assert m["public_share_change_pp"] < -8
    assert m["largest_year_share_of_change"] < 0.55
    assert m["years_to_three_quarters_of_change"] >= 3


MEASURES = {
    1: measure_public_dependence,
    2: measure_diversification,
    3: measure_single_service,
    4: measure_project_hollowing,
    5: measure_price_signal,
    6: measure_contact,
    7: measure_startups_need_value,
    8: measure_build_slow_start,
    9: measure_urgency,
    10: measure_staff_capacity,
    11: measure_slow_evolution,
}
