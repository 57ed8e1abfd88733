"""Per-case payment: Medicare's inpatient prospective payment system (MS-DRG).

    operating payment = standardized amount × (labor share × wage index + 1 − labor share) × DRG weight
    capital payment   = capital federal rate × wage index ^ 0.6848 × DRG weight
    outlier payment   = 80% × (cost − (DRG payment + fixed-loss threshold)), when cost is above that sum

Sources: CMS FY2026 IPPS final rule (CMS-1833-F), 42 CFR 412.316(a); fact sheet §3.2 and §9. Teaching and
safety-net add-ons (IME, DSH) are left out, and the fixed-loss threshold is not wage-adjusted here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from healthalloc.core.checks import check_fraction, check_number
from healthalloc.core.explain import Explanation, Step, money, percent
from healthalloc.core.inputs import InputSpec, validate_inputs
from healthalloc.core.reimbursement.fee_schedule import cents
from healthalloc.core.reimbursement.parameters import (
    DEFAULT_IPPS_YEAR,
    DRG_WEIGHTS,
    GAF_EXPONENT,
    IPPS_YEARS,
    OUTLIER_MARGINAL_COST,
)


@dataclass(frozen=True)
class DrgPayment:
    drg_weight: float
    wage_index: float
    standardized_amount: float
    labor_share: float
    labor_portion: float
    nonlabor_portion: float
    adjusted_base: float
    operating_payment: float
    capital_payment: float
    outlier_threshold: float
    outlier_payment: float
    total: float
    case_cost: float | None
    explanation: Explanation

    @property
    def hospital_margin(self) -> float | None:
        """What the hospital keeps (or loses) on the case, if its cost was given."""
        return None if self.case_cost is None else cents(self.total - self.case_cost)


def drg_payment(
    drg_weight: float,
    *,
    wage_index: float,
    standardized_amount: float,
    labor_share: float | None = None,
    capital_rate: float = 0.0,
    case_cost: float | None = None,
    fixed_loss_threshold: float = IPPS_YEARS[DEFAULT_IPPS_YEAR].fixed_loss_threshold.value,
    marginal_cost_factor: float = OUTLIER_MARGINAL_COST.value,
    fiscal_year: str = DEFAULT_IPPS_YEAR,
) -> DrgPayment:
    """Medicare's payment for one inpatient stay.

    ``labor_share`` defaults to the ``fiscal_year``'s share for this wage index (FY2026: 66% above 1.0, 62% at or
    below). ``capital_rate`` 0 leaves capital out. With ``case_cost``, the outlier payment is
    ``marginal_cost_factor × (cost − (operating + capital + fixed-loss threshold))`` when positive.
    Example (fact sheet §3.2): FY2026, wage index 1.10, DRG 470 (1.9289): adjusted base $7,198.28, operating
    payment $13,884.77.
    """
    weight = check_number("The DRG weight", drg_weight, minimum=0.01, maximum=50.0)
    wage = check_number("The wage index", wage_index, minimum=0.3, maximum=3.0)
    base = check_number("The standardized amount", standardized_amount, minimum=1.0, maximum=100_000.0)
    if fiscal_year not in IPPS_YEARS:
        raise ValueError(f"fiscal year {fiscal_year!r} is not one of {', '.join(IPPS_YEARS)}")
    share = (
        IPPS_YEARS[fiscal_year].labor_share(wage)
        if labor_share is None
        else check_fraction("The labor share", labor_share)
    )
    capital = check_number("The capital federal rate", capital_rate, minimum=0.0, maximum=10_000.0)
    cost = None if case_cost is None else check_number("The cost of the stay", case_cost, minimum=0.0, maximum=1e8)
    threshold = check_number("The fixed-loss threshold", fixed_loss_threshold, minimum=0.0, maximum=1e7)
    factor = check_fraction("The marginal cost factor", marginal_cost_factor)

    labor = base * share
    nonlabor = base - labor
    adjusted_unrounded = labor * wage + nonlabor
    adjusted = cents(adjusted_unrounded)
    operating = cents(adjusted_unrounded * weight)
    gaf = wage**GAF_EXPONENT.value
    capital_payment = cents(capital * gaf * weight)
    outlier_threshold = cents(operating + capital_payment + threshold)
    outlier = cents(max(0.0, (cost or 0.0) - outlier_threshold) * factor) if cost is not None else 0.0
    total = cents(operating + capital_payment + outlier)

    steps = [
        Step(
            title="Labor and non-labor parts",
            formula="standardized amount × labor share; the rest",
            substituted=f"{money(base)} × {percent(share)}; {money(base)} − {money(labor)}",
            result=f"{money(labor)} + {money(nonlabor)}",
            sentence=(
                f"The labor share is {percent(share)} because the wage index is "
                f"{'above' if wage > 1 else 'at or below'} 1.0."
            ),
        ),
        Step(
            title="Adjusted base rate",
            formula="labor part × wage index + non-labor part",
            substituted=f"{money(labor)} × {wage:.4f} + {money(nonlabor)}",
            result=money(adjusted),
            sentence="What Medicare pays here for a case of average weight (1.0).",
        ),
        Step(
            title="Operating payment",
            formula="adjusted base × DRG weight",
            substituted=f"{money(adjusted)} × {weight:.4f}",
            result=money(operating),
            sentence="One price for the stay, whatever tests, days or supplies it takes.",
        ),
    ]
    if capital > 0:
        steps.append(
            Step(
                title="Capital payment",
                formula="capital rate × wage index ^ 0.6848 × DRG weight",
                substituted=f"{money(capital)} × {gaf:.4f} × {weight:.4f}",
                result=money(capital_payment),
                sentence="Buildings and equipment are paid separately, adjusted by a geographic factor.",
            )
        )
    if cost is not None:
        steps.append(
            Step(
                title="Outlier payment",
                formula="80% × (cost − (DRG payment + fixed-loss threshold)), if positive",
                substituted=f"{percent(factor, 0)} × ({money(cost)} − {money(outlier_threshold)})",
                result=money(outlier),
                sentence=(
                    "This stay is extraordinarily costly, so Medicare shares the cost above the threshold."
                    if outlier > 0
                    else "The stay costs less than the outlier threshold, so no extra payment."
                ),
            )
        )
    steps.append(
        Step(
            title="Total payment",
            formula="operating + capital + outlier",
            substituted=f"{money(operating)} + {money(capital_payment)} + {money(outlier)}",
            result=money(total),
        )
    )
    if cost is None:
        summary = f"The hospital is paid {money(total)} for this stay, however long it lasts."
    else:
        kept = cents(total - cost)
        summary = f"The stay costs the hospital {money(cost)} and Medicare pays {money(total)}: the hospital " + (
            f"keeps {money(kept)}." if kept >= 0 else f"absorbs a loss of {money(-kept)}."
        )
    year = IPPS_YEARS[fiscal_year]
    explanation = Explanation(
        title="Per case: Medicare inpatient payment (MS-DRG)",
        steps=tuple(steps),
        summary=summary,
        sources=(
            year.standardized_amount.source,
            GAF_EXPONENT.source,
            "Outlier share of 80%: " + OUTLIER_MARGINAL_COST.source,
        ),
    )
    return DrgPayment(
        weight,
        wage,
        base,
        share,
        cents(labor),
        cents(nonlabor),
        adjusted,
        operating,
        capital_payment,
        outlier_threshold,
        outlier,
        total,
        cost,
        explanation,
    )


# ---- The DRG tab ---------------------------------------------------------------------------------------------
CUSTOM = "custom"
_DRG_CHOICES = (
    *((code, f"{code}: {d.name}") for code, d in DRG_WEIGHTS.items()),
    (CUSTOM, "Custom weight"),
)

DRG_INPUTS: tuple[InputSpec, ...] = (
    InputSpec("drg", "MS-DRG", "470", kind="choice", choices=_DRG_CHOICES, source=DRG_WEIGHTS["470"].source),
    InputSpec(
        "weight",
        "Relative weight",
        1.9289,
        minimum=0.1,
        maximum=30.0,
        step=0.0001,
        decimals=4,
        source=DRG_WEIGHTS["470"].source,
        slider=False,
        help="Used when the MS-DRG is 'Custom weight'; otherwise filled in from Table 5.",
    ),
    InputSpec(
        "fiscal_year",
        "Fiscal year",
        DEFAULT_IPPS_YEAR,
        kind="choice",
        choices=tuple((key, key) for key in IPPS_YEARS),
        source="CMS IPPS final rules FY2025–FY2026",
    ),
    InputSpec(
        "wage_index",
        "Hospital wage index",
        1.0,
        minimum=0.5,
        maximum=2.0,
        step=0.01,
        decimals=4,
        source="1.0 is the national average",
        help="Above 1.0: local wages are above the national average.",
    ),
    InputSpec(
        "include_capital",
        "Add the capital payment",
        True,
        kind="flag",
        source=IPPS_YEARS["FY2026"].capital_rate.source,
    ),
    InputSpec(
        "case_cost",
        "Hospital's cost of this stay",
        15_000.0,
        unit="$",
        minimum=0.0,
        maximum=500_000.0,
        step=500.0,
        decimals=0,
        illustrative=True,
        help="Set it high (say $80,000) to see an outlier payment.",
    ),
)


def drg_from_inputs(values: Mapping[str, object]) -> DrgPayment:
    """The DRG tab: the chosen group (or custom weight) in the chosen year and area."""
    values = validate_inputs(DRG_INPUTS, values)
    year = IPPS_YEARS[str(values["fiscal_year"])]
    code = str(values["drg"])
    weight = float(values["weight"]) if code == CUSTOM else DRG_WEIGHTS[code].weight  # type: ignore[arg-type]
    return drg_payment(
        weight,
        wage_index=float(values["wage_index"]),  # type: ignore[arg-type]
        standardized_amount=year.standardized_amount.value,
        capital_rate=year.capital_rate.value if values.get("include_capital", True) else 0.0,
        case_cost=float(values["case_cost"]),  # type: ignore[arg-type]
        fixed_loss_threshold=year.fixed_loss_threshold.value,
        fiscal_year=year.key,
    )


def drg_notes(values: Mapping[str, object]) -> tuple[str, ...]:
    """Caveats a student should see next to the DRG result."""
    values = validate_inputs(DRG_INPUTS, values)
    notes: list[str] = []
    code = str(values["drg"])
    if code != CUSTOM:
        if DRG_WEIGHTS[code].illustrative:
            notes.append(f"The weight for {code} is an estimate: {DRG_WEIGHTS[code].source}.")
        if values["fiscal_year"] != "FY2026":
            notes.append("Weights are the FY2026 Table 5 values; FY2025 weights differ slightly.")
    return tuple(notes)
