"""Capitation as one of the payment models: a fixed amount per member per month, set against what care costs.

The revenue arithmetic is :func:`healthalloc.core.capitation.capitation_revenue` (shared with the capitation
calculator); this module adds the provider's cost so the page can show who carries the risk of higher use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from healthalloc.core.capitation import CapitationRevenue, capitation_revenue
from healthalloc.core.checks import check_number, check_points
from healthalloc.core.explain import Explanation, Step, money
from healthalloc.core.inputs import InputSpec, validate_inputs
from healthalloc.core.reimbursement.fee_schedule import cents


@dataclass(frozen=True)
class CapitationContract:
    revenue: CapitationRevenue
    cost_pmpm: float
    total_cost: float
    margin: float
    explanations: tuple[Explanation, ...]

    @property
    def total_revenue(self) -> float:
        return self.revenue.total_revenue


def capitation_contract(pmpm: float, members: int, *, cost_pmpm: float, months: int = 12) -> CapitationContract:
    """``revenue = PMPM × members × months``; ``cost = cost PMPM × members × months``; margin = the difference."""
    revenue = capitation_revenue(pmpm, members, months)
    cost_rate = check_number("The cost of care per member per month", cost_pmpm, minimum=0.0, maximum=100_000.0)
    total_cost = cents(cost_rate * revenue.members * revenue.months)
    margin = cents(revenue.total_revenue - total_cost)
    cost_explanation = Explanation(
        title="Capitation: what the care costs the provider",
        steps=(
            Step(
                title="Cost of care",
                formula="cost per member per month × members × months",
                substituted=f"{money(cost_rate)} × {revenue.members:,} × {revenue.months}",
                result=money(total_cost),
                sentence="If members use more care, this line grows and the revenue line does not.",
            ),
            Step(
                title="Margin",
                formula="revenue − cost of care",
                substituted=f"{money(revenue.total_revenue)} − {money(total_cost)}",
                result=money(margin),
            ),
        ),
        summary=(
            f"The provider keeps {money(margin)}."
            if margin >= 0
            else f"The provider loses {money(-margin)}: under capitation it, not the payer, carries the extra use."
        ),
    )
    return CapitationContract(revenue, cost_rate, total_cost, margin, (revenue.explanation, cost_explanation))


CAPITATION_INPUTS: tuple[InputSpec, ...] = (
    InputSpec(
        "pmpm",
        "Payment per member per month",
        40.0,
        unit="$",
        minimum=0.0,
        maximum=2_000.0,
        step=1.0,
        decimals=2,
        illustrative=True,
    ),
    InputSpec(
        "members", "Members", 2_000, kind="integer", minimum=1, maximum=500_000, step=100, illustrative=True
    ),
    InputSpec("months", "Months", 12, kind="integer", minimum=1, maximum=36, step=1),
    InputSpec(
        "cost_pmpm",
        "Cost of care per member per month",
        36.0,
        unit="$",
        minimum=0.0,
        maximum=2_000.0,
        step=1.0,
        decimals=2,
        illustrative=True,
        help="What the practice spends caring for the average member each month.",
    ),
)


def capitation_from_inputs(values: Mapping[str, object]) -> CapitationContract:
    return _contract(validate_inputs(CAPITATION_INPUTS, values))


def _contract(values: Mapping[str, object]) -> CapitationContract:
    """:func:`capitation_from_inputs` on validated values (the curve sweeps costs beyond the form's range)."""
    return capitation_contract(
        float(values["pmpm"]),  # type: ignore[arg-type]
        int(values["members"]),  # type: ignore[call-overload]
        cost_pmpm=float(values["cost_pmpm"]),  # type: ignore[arg-type]
        months=int(values["months"]),  # type: ignore[call-overload]
    )


def margin_curve(values: Mapping[str, object], points: int = 61) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The provider's margin as the cost of care per member runs from 70% to 130% of the entered cost."""
    checked = validate_inputs(CAPITATION_INPUTS, values)
    count = check_points(points)
    cost = float(checked["cost_pmpm"])  # type: ignore[arg-type]
    xs = tuple(cost * (0.7 + 0.6 * i / (count - 1)) for i in range(count))
    ys = tuple(_contract({**checked, "cost_pmpm": x}).margin for x in xs)
    return xs, ys
