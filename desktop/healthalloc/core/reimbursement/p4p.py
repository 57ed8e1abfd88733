"""Pay-for-performance: Hospital Value-Based Purchasing (a 2% withhold earned back by score) and the MIPS
payment adjustment for clinicians (up to −9% or +9%).

Hospital VBP withholds 2% of base operating DRG payments and pays the pool back in proportion to each hospital's
Total Performance Score, budget-neutrally (SSA §1886(o)). Here the pool is returned on a straight line through the
average score, so a hospital scoring the average gets exactly its 2% back; CMS's real exchange function has the
same shape but its slope is set each year. MIPS (MACRA, SSA §1848(q)): scores at or below a quarter of the
performance threshold get the full −9%, the penalty shrinks linearly to 0 at the threshold (75 points for 2024–2028,
confidence M), and scores above it earn a bonus that reaches +9% × a scaling factor at 100 points; the factor keeps
bonuses and penalties in balance.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from healthalloc.core.checks import check_fraction, check_number, check_points
from healthalloc.core.explain import Explanation, Step, money, percent
from healthalloc.core.inputs import InputSpec, validate_inputs
from healthalloc.core.reimbursement.fee_schedule import cents
from healthalloc.core.reimbursement.parameters import MIPS_MAX_ADJUSTMENT, MIPS_THRESHOLD, VBP_WITHHOLD


@dataclass(frozen=True)
class VbpResult:
    base_payments: float
    withhold_rate: float
    performance_score: float
    average_score: float
    withheld: float
    earned_back: float
    net_adjustment: float
    adjusted_payments: float
    adjustment_rate: float
    explanation: Explanation


def hospital_vbp(
    base_payments: float,
    *,
    performance_score: float,
    average_score: float,
    withhold_rate: float = VBP_WITHHOLD.value,
) -> VbpResult:
    """``withheld = base × 2%``; ``earned back = withheld × score ÷ average score``; net = earned − withheld."""
    base = check_number("The base operating DRG payments", base_payments, minimum=0.0, maximum=1e11)
    score = check_number("The Total Performance Score", performance_score, minimum=0.0, maximum=100.0)
    average = check_number("The average Total Performance Score", average_score, minimum=1.0, maximum=100.0)
    rate = check_number("The withhold", withhold_rate, minimum=0.0, maximum=0.1)
    withheld = cents(base * rate)
    earned = cents(withheld * score / average)
    net = cents(earned - withheld)
    adjusted = cents(base + net)
    adjustment_rate = net / base if base else 0.0
    steps = (
        Step(
            title="Withhold",
            formula="base operating DRG payments × withhold",
            substituted=f"{money(base)} × {percent(rate, 0)}",
            result=money(withheld),
            sentence="Every hospital paid under the inpatient system puts this into the pool.",
        ),
        Step(
            title="Earned back",
            formula="withhold × score ÷ average score",
            substituted=f"{money(withheld)} × {score:.1f} ÷ {average:.1f}",
            result=money(earned),
            sentence="The pool is paid back by score; the average hospital gets back what it put in.",
        ),
        Step(
            title="Net adjustment",
            formula="earned back − withhold",
            substituted=f"{money(earned)} − {money(withheld)}",
            result=money(net),
            sentence=f"That is {percent(adjustment_rate, 2)} of base payments.",
        ),
    )
    explanation = Explanation(
        title="Pay for performance: Hospital Value-Based Purchasing",
        steps=steps,
        summary=(
            f"With a score of {score:.1f} against an average of {average:.1f}, the hospital "
            + (f"gains {money(net)}." if net >= 0 else f"loses {money(-net)}.")
            + " Payments still rise with every case: the withhold changes the price, not what is paid for."
        ),
        sources=(VBP_WITHHOLD.source, "Straight-line exchange through the average score: simplified"),
    )
    return VbpResult(base, rate, score, average, withheld, earned, net, adjusted, adjustment_rate, explanation)


def mips_rate(
    final_score: float,
    *,
    threshold: float = MIPS_THRESHOLD.value,
    maximum: float = MIPS_MAX_ADJUSTMENT.value,
    positive_scaling: float = 1.0,
) -> float:
    """The MIPS payment adjustment for a final score, as a fraction (−0.09 … +0.09 × scaling)."""
    score = check_number("The MIPS final score", final_score, minimum=0.0, maximum=100.0)
    line = check_number("The performance threshold", threshold, minimum=1.0, maximum=100.0)
    top = check_fraction("The maximum adjustment", maximum)
    scaling = check_number("The scaling factor", positive_scaling, minimum=0.0, maximum=3.0)
    if score >= line:
        return 0.0 if line >= 100 else top * (score - line) / (100 - line) * scaling
    floor = line / 4
    if score <= floor:
        return -top
    return -top * (line - score) / (line - floor)


@dataclass(frozen=True)
class MipsResult:
    allowed_charges: float
    final_score: float
    threshold: float
    adjustment_rate: float
    adjustment: float
    adjusted_payments: float
    explanation: Explanation


def mips_adjustment(
    allowed_charges: float,
    *,
    final_score: float,
    threshold: float = MIPS_THRESHOLD.value,
    maximum: float = MIPS_MAX_ADJUSTMENT.value,
    positive_scaling: float = 1.0,
) -> MipsResult:
    """Apply the MIPS adjustment for ``final_score`` to a clinician's Medicare allowed charges."""
    allowed = check_number("The allowed charges", allowed_charges, minimum=0.0, maximum=1e10)
    rate = mips_rate(final_score, threshold=threshold, maximum=maximum, positive_scaling=positive_scaling)
    adjustment = cents(allowed * rate)
    adjusted = cents(allowed + adjustment)
    floor = threshold / 4
    if final_score >= threshold:
        rule = (
            f"At or above the threshold of {threshold:g} points the bonus rises to {percent(maximum, 0)} × "
            f"{positive_scaling:g} at 100 points."
        )
        formula = "max × (score − threshold) ÷ (100 − threshold) × scaling"
        substituted = f"{percent(maximum, 0)} × ({final_score:g} − {threshold:g}) ÷ {100 - threshold:g} × {positive_scaling:g}"
    elif final_score <= floor:
        rule = f"At or below a quarter of the threshold ({floor:g} points) the full penalty applies."
        formula = "− max"
        substituted = f"− {percent(maximum, 0)}"
    else:
        rule = f"Between {floor:g} and {threshold:g} points the penalty shrinks in a straight line to zero."
        formula = "− max × (threshold − score) ÷ (threshold − threshold ÷ 4)"
        substituted = f"− {percent(maximum, 0)} × ({threshold:g} − {final_score:g}) ÷ {threshold - floor:g}"
    steps = (
        Step(
            title="Adjustment rate",
            formula=formula,
            substituted=substituted,
            result=percent(rate, 2),
            sentence=rule,
        ),
        Step(
            title="Adjustment",
            formula="allowed charges × adjustment rate",
            substituted=f"{money(allowed)} × {percent(rate, 2)}",
            result=money(adjustment),
            sentence="Applied to every fee-schedule payment two years after the performance year.",
        ),
    )
    explanation = Explanation(
        title="Pay for performance: MIPS adjustment",
        steps=steps,
        summary=f"A final score of {final_score:g} changes {money(allowed)} of payments to {money(adjusted)}.",
        sources=(MIPS_MAX_ADJUSTMENT.source, MIPS_THRESHOLD.source + " (confidence M)"),
    )
    return MipsResult(allowed, float(final_score), float(threshold), rate, adjustment, adjusted, explanation)


P4P_INPUTS: tuple[InputSpec, ...] = (
    InputSpec(
        "base_payments",
        "Hospital's base operating DRG payments",
        13_884.77,
        unit="$",
        minimum=0.0,
        maximum=500_000_000.0,
        step=1_000.0,
        decimals=2,
        slider=False,
        source="One FY2026 hip replacement (DRG 470) at wage index 1.10, CMS-1833-F",
        help="Try a whole year's payments, e.g. $80,000,000.",
    ),
    InputSpec(
        "performance_score",
        "Hospital's Total Performance Score",
        45.0,
        minimum=0.0,
        maximum=100.0,
        step=1.0,
        decimals=1,
        illustrative=True,
    ),
    InputSpec(
        "average_score",
        "Average score of all hospitals",
        40.0,
        minimum=1.0,
        maximum=100.0,
        step=1.0,
        decimals=1,
        illustrative=True,
    ),
    InputSpec(
        "allowed_charges",
        "Clinician's Medicare allowed charges",
        250_000.0,
        unit="$",
        minimum=0.0,
        maximum=10_000_000.0,
        step=5_000.0,
        illustrative=True,
        slider=False,
    ),
    InputSpec(
        "final_score",
        "Clinician's MIPS final score",
        80.0,
        minimum=0.0,
        maximum=100.0,
        step=1.0,
        decimals=1,
        illustrative=True,
    ),
    InputSpec(
        "threshold",
        "MIPS performance threshold",
        MIPS_THRESHOLD.value,
        minimum=1.0,
        maximum=100.0,
        step=1.0,
        source=MIPS_THRESHOLD.source,
    ),
    InputSpec(
        "positive_scaling",
        "Scaling of bonuses",
        1.0,
        minimum=0.0,
        maximum=3.0,
        step=0.05,
        decimals=2,
        illustrative=True,
        help="CMS scales bonuses so they are paid for by the penalties; 1.0 shows the full ±9% range.",
    ),
)


def p4p_from_inputs(values: Mapping[str, object]) -> tuple[VbpResult, MipsResult]:
    checked = validate_inputs(P4P_INPUTS, values)

    def number(name: str) -> float:
        return float(checked[name])  # type: ignore[arg-type]

    vbp = hospital_vbp(
        number("base_payments"),
        performance_score=number("performance_score"),
        average_score=number("average_score"),
    )
    mips = mips_adjustment(
        number("allowed_charges"),
        final_score=number("final_score"),
        threshold=number("threshold"),
        positive_scaling=number("positive_scaling"),
    )
    return vbp, mips


def mips_curve(
    threshold: float = MIPS_THRESHOLD.value, positive_scaling: float = 1.0, points: int = 101
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Scores 0–100 and their adjustment rates, for the chart (at most :data:`healthalloc.core.checks.MAX_CURVE_POINTS` points)."""
    count = check_points(points)
    mips_rate(0.0, threshold=threshold, positive_scaling=positive_scaling)  # refuse bad terms once, not per point
    scores = tuple(100 * i / (count - 1) for i in range(count))
    return scores, tuple(mips_rate(s, threshold=threshold, positive_scaling=positive_scaling) for s in scores)
