"""Capitation payment: plain per-member-per-month revenue, and the risk-adjusted Medicare Advantage payment.

Risk-adjusted monthly payment (CMS Rate Announcements; fact sheet §4.1):

    payment = benchmark PMPM × risk score ÷ FFS normalization factor × (1 − MA coding pattern adjustment)
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from healthalloc.core.checks import check_count, check_number
from healthalloc.core.explain import Explanation, Step, money, percent

# Upper bounds far beyond any real contract, so totals stay finite and exact to the cent.
MAX_PMPM = 100_000.0
MAX_MEMBERS = 1_000_000_000


@dataclass(frozen=True)
class CapitationRevenue:
    """Plain (not risk-adjusted) capitation revenue."""

    pmpm: float
    members: int
    months: int
    monthly_revenue: float
    total_revenue: float
    explanation: Explanation


def capitation_revenue(pmpm: float, members: int, months: int = 12) -> CapitationRevenue:
    """Revenue of a flat capitation contract.

    ``monthly revenue = PMPM × members`` and ``total = monthly revenue × months``. The payer pays the same amount
    whatever care the members use, so the provider keeps what it does not spend and pays for what it overspends.
    """
    rate = check_number("The payment per member per month", pmpm, minimum=0.0, maximum=MAX_PMPM)
    count = check_count("The number of members", members, maximum=MAX_MEMBERS)
    period = check_count("The number of months", months, minimum=1, maximum=120)
    monthly = round(rate * count, 2)
    total = round(monthly * period, 2)
    steps = (
        Step(
            title="Monthly revenue",
            formula="PMPM × members",
            substituted=f"{money(rate)} × {count:,}",
            result=money(monthly),
            sentence="The payer sends this every month, however many visits the members make.",
        ),
        Step(
            title="Revenue for the period",
            formula="monthly revenue × months",
            substituted=f"{money(monthly)} × {period}",
            result=money(total),
            sentence="This is fixed in advance: spending less keeps the difference, spending more is a loss.",
        ),
    )
    explanation = Explanation(
        title="Capitation revenue",
        steps=steps,
        summary=(
            f"{count:,} members at {money(rate)} per member per month bring in {money(monthly)} a month, "
            f"{money(total)} over {period} month{'s' if period != 1 else ''}."
        ),
    )
    return CapitationRevenue(rate, count, period, monthly, total, explanation)


# CMS Rate Announcements (as transcribed in public risk-adjustment code; fact sheet §4.1, confidence M–H; CY2027 M).
NORMALIZATION_FACTORS: dict[str, dict[int, float]] = {
    "V24": {2024: 1.146, 2025: 1.153},
    "V28": {2024: 1.015, 2025: 1.045, 2026: 1.067, 2027: 1.079},
}
# The default year for each model: V28 is 100% of MA risk scores from CY2026; V24 was last used in CY2025.
DEFAULT_NORMALIZATION_YEAR: dict[str, int] = {"V24": 2025, "V28": 2026}
NORMALIZATION_SOURCE = "CMS Medicare Advantage Rate Announcement"
# Social Security Act §1853(a)(1)(C)(ii): the statutory minimum since 2019, unchanged for CY2025–CY2027.
CODING_ADJUSTMENT = 0.059
CODING_ADJUSTMENT_SOURCE = "MA coding pattern adjustment, SSA §1853(a)(1)(C)(ii); CMS Rate Announcement (2026)"
# Illustrative, not a real county rate (fact sheet §4.3 uses the same figure).
ILLUSTRATIVE_BENCHMARK_PMPM = 1200.0


def default_normalization(model: str) -> float:
    """The FFS normalization factor for ``model`` in its default payment year."""
    return NORMALIZATION_FACTORS[model][DEFAULT_NORMALIZATION_YEAR[model]]


def round3(value: float) -> float:
    """Round half up to three decimals, as CMS rounds risk scores (binary floats would round 0.0005 down)."""
    return float(Decimal(repr(value)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class RiskAdjustedPayment:
    raw_score: float
    normalized_score: float
    payment_score: float
    benchmark_pmpm: float
    normalization_factor: float
    coding_adjustment: float
    monthly_payment: float
    annual_payment: float
    explanation: Explanation


def risk_adjusted_payment(
    raw_score: float,
    *,
    benchmark_pmpm: float = ILLUSTRATIVE_BENCHMARK_PMPM,
    normalization_factor: float = 1.067,
    coding_adjustment: float = CODING_ADJUSTMENT,
) -> RiskAdjustedPayment:
    """Monthly Medicare Advantage payment for one member.

    ``payment score = raw ÷ normalization × (1 − coding adjustment)``, rounded to three decimals at the end;
    ``monthly payment = benchmark PMPM × payment score``. Source: CMS Rate Announcements; fact sheet §4.1
    (1.033 ÷ 1.067 × 0.941 = 0.911). Rebates and quality bonuses are left out.
    """
    raw = check_number("The risk score", raw_score, minimum=0.0, maximum=100.0)
    benchmark = check_number("The benchmark per member per month", benchmark_pmpm, minimum=0.0, maximum=MAX_PMPM)
    norm = check_number("The normalization factor", normalization_factor, minimum=0.5, maximum=2.0)
    coding = check_number("The coding adjustment", coding_adjustment, minimum=0.0, maximum=0.5)
    normalized = raw / norm
    payment_score = round3(normalized * (1 - coding))
    monthly = round(benchmark * payment_score, 2)
    annual = round(monthly * 12, 2)
    steps = (
        Step(
            title="Normalize",
            formula="raw score ÷ FFS normalization factor",
            substituted=f"{raw:.3f} ÷ {norm:.3f}",
            result=f"{normalized:.4f}",
            sentence="Scores drift up as coding and costs change after calibration; dividing brings the average "
            "back to 1.0 in the payment year.",
        ),
        Step(
            title="Coding adjustment",
            formula="normalized score × (1 − coding adjustment)",
            substituted=f"{normalized:.4f} × (1 − {percent(coding)})",
            result=f"{payment_score:.3f}",
            sentence="Rounded to three decimals. Medicare Advantage plans record more diagnoses than traditional Medicare, so the law cuts "
            "their scores by at least 5.9%.",
        ),
        Step(
            title="Monthly payment",
            formula="benchmark PMPM × payment score",
            substituted=f"{money(benchmark)} × {payment_score:.3f}",
            result=money(monthly),
            sentence="The plan receives this each month for the member, whatever care they use.",
        ),
    )
    explanation = Explanation(
        title="Risk-adjusted capitation payment",
        steps=steps,
        summary=f"A member with a raw score of {raw:.3f} brings {money(monthly)} a month ({money(annual)} a year).",
        sources=(NORMALIZATION_SOURCE, CODING_ADJUSTMENT_SOURCE),
    )
    return RiskAdjustedPayment(
        raw, normalized, payment_score, benchmark, norm, coding, monthly, annual, explanation
    )
