"""A board's forecast of next year: expected cash, runway and staff utilisation for a draft.

A pure function. It plays the year through the same engine as ``resolve_round``,
with the event cards already in force and the board's draft, but never with the
team's own random numbers: each of a few sample years draws from a generator of
its own, seeded by the year alone, so the forecast tells nothing about the draws
the real year will make (no information leaks), and teammates looking at the same
draft see the same forecast. The samples are averaged. When the cash falls fast
enough to run out the year after at the same pace, that year is projected too,
with the draft kept as the standing policy and no new cards (which are unknown),
so a likely emergency loan is flagged up to two years ahead; otherwise the
forecast costs one engine year per sample.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from game.decisions import Decisions
from game.errors import IllegalDecision
from game.outcome import YearBrief
from game.resolve import resolve_brief
from game.rules import check_decisions
from game.scenario import Scenario
from game.state import ClusterState

FORECAST_SEED = 0xC1057E2  # the forecast's own random numbers, never the team's
SAMPLES = 3
HORIZON = 2  # this year and, when the cash is falling towards zero, the next
LIKELY = 0.5  # the share of sample years that makes an outcome "likely"


class YearForecast(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    round: int = Field(description="The year forecast.")
    cash: float = Field(description="Expected cash at the end of the year (EUR).")
    cash_low: float = Field(description="Lowest end-of-year cash among the sample years.")
    cash_high: float = Field(description="Highest end-of-year cash among the sample years.")
    runway_months: float = Field(description="Expected months of costs the cash covers.")
    utilisation: float = Field(description="Expected staff demand over capacity (1 = full).")
    emergency_loan: float = Field(
        description="Share of the sample years that needed an emergency loan (0 to 1)."
    )
    wound_up: float = Field(description="Share of the sample years that ended wound up.")


class Forecast(BaseModel):
    """Next year under the draft, and the year after with the draft kept."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    years: list[YearForecast] = Field(description="Next year first, then the year after.")
    samples: int = Field(description="Sample years averaged, each with its own draws.")
    warning: str | None = Field(None, description="A likely insolvency ahead, in words.")

    @property
    def next_year(self) -> YearForecast:
        return self.years[0]


def _summary(round_no: int, reports: list[YearBrief]) -> YearForecast:
    cash = [r.cash for r in reports]
    return YearForecast(
        round=round_no,
        cash=round(float(np.mean(cash)), 2),
        cash_low=round(float(min(cash)), 2),
        cash_high=round(float(max(cash)), 2),
        runway_months=round(float(np.mean([r.runway_months for r in reports])), 2),
        utilisation=round(float(np.mean([r.utilisation for r in reports])), 4),
        emergency_loan=sum(r.emergency_loan > 0 for r in reports) / len(reports),
        wound_up=sum(r.wound_up for r in reports) / len(reports),
    )


def _sample_state(state: ClusterState, sample: int) -> ClusterState:
    """The state with a generator of the forecast's own in place of the team's."""
    seed = np.random.SeedSequence([FORECAST_SEED, state.round, sample])
    rng = np.random.Generator(np.random.PCG64(seed))
    return state.evolve(rng_state=rng.bit_generator.state)


def _warning(years: list[YearForecast]) -> str | None:
    for year in years:
        if year.wound_up >= LIKELY:
            return f"On this course the cluster is likely to be wound up in year {year.round}."
        if year.emergency_loan >= LIKELY:
            return (
                f"On this course the board is likely to need an emergency loan in year "
                f"{year.round}: its cash runs out."
            )
    return None


def _year(
    states: list[ClusterState],
    plan: Decisions,
    scenario: Scenario,
    weights: dict[str, float] | None,
    checked: bool = False,
) -> tuple[list[ClusterState], list[YearBrief]]:
    """Play one year in every sample world; a wound-up one stays as it is. ``checked``:
    the plan was checked against these worlds' rules (they differ only in their draws).
    Each year's report is read for a few figures only: it is not built in full."""
    after, reports = [], []
    for current in states:
        new_state, report = resolve_brief(current, plan, scenario, weights, checked)
        after.append(new_state)
        reports.append(report)
    return after, reports


def forecast(
    state: ClusterState,
    decisions: Decisions,
    scenario: Scenario,
    weights: dict[str, float] | None = None,
    samples: int = SAMPLES,
    horizon: int = HORIZON,
) -> Forecast | None:
    """Forecast the year ``state`` opens (its cards in force) under ``decisions``.

    Return None when there is nothing to forecast: a wound-up cluster, a game
    already over, or decisions the rules refuse (the board sees the problems).
    """
    if state.wound_up or state.round >= scenario.rounds:
        return None
    if check_decisions(decisions, state, scenario):
        return None
    worlds = [_sample_state(state, sample) for sample in range(samples)]
    worlds, reports = _year(worlds, decisions, scenario, weights, checked=True)
    years = [_summary(state.round + 1, reports)]
    first = years[0]
    if (
        horizon > 1
        and state.round + 1 < scenario.rounds
        and first.emergency_loan < LIKELY
        and first.wound_up < LIKELY
        and 2 * first.cash - state.cash < 0  # at this year's pace the cash runs out next year
    ):
        try:  # the year after: the draft stays the standing policy, no new cards
            _, later = _year(worlds, Decisions(), scenario, weights)
        except IllegalDecision:
            later = []
        if later:
            years.append(_summary(state.round + 2, later))
    return Forecast(years=years, samples=samples, warning=_warning(years))
