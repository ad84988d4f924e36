"""The books: costs, cash, the emergency board loan, financing mix and financial stress.

Insolvency is a rule, not a negative number, and the end of a visible slope.
A year that ends with little runway brings a warning and a forecast. When a year
ends with cash below zero, the board takes an emergency loan that covers the gap
and leaves a small buffer; it carries a fee and interest, is repaid over a few
years, and members hear of it (engagement falls). While a loan is outstanding,
emergency measures hold services to what keeps a small reserve. A loan beyond a
share of a year's costs is the final warning; still beyond it a year later, the
cluster organization is wound up: its members leave and it scores nothing from
then on.
"""

from __future__ import annotations

from dataclasses import dataclass

from game.economy import FinanceEconomy
from game.vocabulary import Family, Stress


@dataclass(frozen=True)
class LoanYear:
    cash: float
    loan: float
    years_left: int
    repaid: float
    interest: float
    borrowed: float
    wound_up: bool
    over_line: bool = False  # the loan is above the wind-up share of the year's costs


def service_loan(loan: float, years_left: int, rules: FinanceEconomy) -> tuple[float, float]:
    """Return this year's repayment and interest: equal parts over the years left."""
    if loan <= 0:
        return 0.0, 0.0
    interest = loan * rules.loan_interest
    return loan / max(years_left, 1), interest


def settle(
    cash: float,
    loan: float,
    years_left: int,
    year_costs: float,
    rules: FinanceEconomy,
    was_over_line: bool = False,
) -> LoanYear:
    """Close the year's cash: borrow if it is negative; wind up after two years over the line.

    The line is ``wind_up_loan_share`` of the year's costs. A loan above it at a
    year's end is the final warning; above it again at the next year's end
    (``was_over_line``), the organization is wound up. A new loan (or a top-up)
    restarts the repayment term.
    """
    line = rules.wind_up_loan_share * max(year_costs, 1.0)
    if cash >= 0:
        over = loan > line
        years = years_left if loan > 0.01 else 0
        return LoanYear(cash, loan, years, 0.0, 0.0, 0.0, over and was_over_line, over)
    need = rules.loan_buffer - cash
    loan += need * (1.0 + rules.loan_fee)
    over = loan > line
    return LoanYear(
        rules.loan_buffer, loan, rules.loan_term, 0.0, 0.0, need, over and was_over_line, over
    )


def services_allowed(
    cash: float,
    secured_income: float,
    other_costs: float,
    months: float,
    rules: FinanceEconomy,
) -> float:
    """Return what services may spend so the year's forecast ends above the cash reserve.

    The board forecasts the year from what it knows when it plans: its cash, the
    share ``reserve_income_share`` of its secured income (last year's fees and the
    agreements in force), and its other costs. The reserve is ``months`` of the
    year's costs, services included, so with ``m = months / 12`` the services ``S``
    may spend at most ``(cash + income - other * (1 + m)) / (1 + m)``, never less
    than nothing. A reserve of no months allows any spending.
    """
    if months <= 0:
        return float("inf")
    share = months / 12.0
    income = rules.reserve_income_share * secured_income
    return max((cash + income - other_costs * (1.0 + share)) / (1.0 + share), 0.0)


def family_totals(revenue: dict[str, float], families: dict[str, Family]) -> dict[Family, float]:
    totals = {family: 0.0 for family in Family}
    for source, amount in revenue.items():
        if source in families:
            totals[families[source]] += amount
    return totals


def mix(totals: dict[Family, float]) -> dict[Family, float]:
    """Return the financing mix in percent."""
    whole = sum(totals.values())
    if whole <= 0:
        return {family: 0.0 for family in totals}
    return {family: round(100.0 * amount / whole, 1) for family, amount in totals.items()}


def runway_months(cash: float, year_costs: float) -> float:
    if year_costs <= 0:
        return 99.0
    return round(min(max(cash, 0.0) / (year_costs / 12.0), 99.0), 1)


def stress(
    revenue: dict[str, float],
    families: dict[str, Family],
    runway: float,
    loan: float,
    rules: FinanceEconomy,
) -> Stress:
    """Rate financial stress as the evolution map does."""
    total = sum(v for k, v in revenue.items() if k in families)
    if total <= 0:
        return Stress.HIGH
    public = [v for k, v in revenue.items() if families.get(k) == Family.PUBLIC]
    shares = mix(family_totals(revenue, families))
    if (
        loan > 0
        or runway < rules.stress_high_runway_months
        or (public and max(public) / total > rules.stress_high_single_public)
    ):
        return Stress.HIGH
    if (
        shares[Family.PRIVATE] >= 100 * rules.stress_low_private_share
        and max(shares.values()) <= 100 * rules.stress_low_max_family
        and runway >= rules.stress_low_runway_months
    ):
        return Stress.LOW
    return Stress.MEDIUM


def concentration(totals: dict[Family, float]) -> float:
    """Return the Herfindahl index of revenue across the three families (1/3 to 1)."""
    whole = sum(totals.values())
    if whole <= 0:
        return 1.0
    return sum((amount / whole) ** 2 for amount in totals.values())
