"""Bundled episode payment with retrospective reconciliation.

    target price    = historical spend per episode × (1 − discount)
    reconciliation  = sharing rate × (target − actual spend), limited to ± cap × target

Claims are paid fee-for-service during the year; at settlement the provider holding the bundle receives its share
of spending below the target or repays its share of spending above it. Medicare's bundles (BPCI Advanced, CJR)
work this way, but their terms vary by program and were not researched for the course (fact sheet §9), so every
default here is illustrative.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from healthalloc.core.checks import check_count, check_fraction, check_number, check_points
from healthalloc.core.explain import Explanation, Step, money, percent
from healthalloc.core.inputs import InputSpec, validate_inputs
from healthalloc.core.reimbursement.fee_schedule import cents

DEFAULT_DISCOUNT = 0.03
DEFAULT_SHARING_RATE = 1.0
DEFAULT_CAP = 0.20
BUNDLE_SOURCE = "Illustrative terms: bundle programs set their own discount, sharing rate and caps"


@dataclass(frozen=True)
class BundleResult:
    episodes: int
    historical_spend: float
    actual_spend: float
    discount: float
    sharing_rate: float
    cap: float
    target_price: float
    target_total: float
    actual_total: float
    difference: float  # target − actual: positive = spending came in under the target
    reconciliation: float  # positive = paid to the provider, negative = repaid by it
    capped: bool
    payer_total: float  # fee-for-service claims + reconciliation
    marginal_share: float  # share of one more dollar of episode spending the provider bears
    explanation: Explanation

    @property
    def provider_repayment(self) -> float:
        return max(0.0, -self.reconciliation)


class Settlement(NamedTuple):
    """The numbers of a bundle settlement, without the explanation (what a sweep over many spends needs)."""

    target_price: float
    target_total: float
    actual_total: float
    difference: float
    reconciliation: float
    capped: bool
    payer_total: float
    marginal_share: float


def settle_bundle(
    historical_spend: float, actual_spend: float, episodes: int, discount: float, sharing_rate: float, cap: float
) -> Settlement:
    """The arithmetic of :func:`bundled_episode` on inputs it has already checked (same formulas, same rounding)."""
    target_price = cents(historical_spend * (1 - discount))
    target_total = cents(target_price * episodes)
    actual_total = cents(actual_spend * episodes)
    difference = cents(target_total - actual_total)
    raw = sharing_rate * difference
    bound = cap * target_total
    reconciliation = cents(min(bound, max(-bound, raw)))
    capped = abs(raw) > bound
    payer_total = cents(actual_total + reconciliation)
    return Settlement(
        target_price,
        target_total,
        actual_total,
        difference,
        reconciliation,
        capped,
        payer_total,
        0.0 if capped else sharing_rate,
    )


def bundled_episode(
    historical_spend: float,
    actual_spend: float,
    *,
    episodes: int = 1,
    discount: float = DEFAULT_DISCOUNT,
    sharing_rate: float = DEFAULT_SHARING_RATE,
    cap: float = DEFAULT_CAP,
) -> BundleResult:
    """Settle ``episodes`` episodes averaging ``actual_spend`` against a target built from ``historical_spend``.

    ``target = historical × (1 − discount)``; ``reconciliation = sharing_rate × (target − actual)`` per episode
    times ``episodes``, limited to ``cap × target`` either way. Spending above the target is a shared loss.
    """
    history = check_number("The historical spend per episode", historical_spend, minimum=1.0, maximum=1e7)
    actual = check_number("The actual spend per episode", actual_spend, minimum=0.0, maximum=1e7)
    count = check_count("The number of episodes", episodes, minimum=1, maximum=10_000_000)
    cut = check_number("The discount", discount, minimum=0.0, maximum=0.5)
    share = check_fraction("The sharing rate", sharing_rate)
    limit = check_fraction("The cap", cap)

    target_price, target_total, actual_total, difference, reconciliation, capped, payer_total, marginal_share = (
        settle_bundle(history, actual, count, cut, share, limit)
    )

    if difference >= 0:
        meaning = f"Spending came in {money(difference)} under the target, so the provider is paid its share."
    else:
        meaning = f"Spending ran {money(-difference)} over the target, so the provider repays its share."
    steps = (
        Step(
            title="Target price",
            formula="historical spend per episode × (1 − discount)",
            substituted=f"{money(history)} × (1 − {percent(cut)})",
            result=money(target_price),
            sentence="The discount is the payer's guaranteed saving, taken before any sharing.",
        ),
        Step(
            title="Target versus actual",
            formula="(target − actual spend per episode) × episodes",
            substituted=f"({money(target_price)} − {money(actual)}) × {count:,}",
            result=money(difference),
            sentence=meaning,
        ),
        Step(
            title="Reconciliation",
            formula="sharing rate × difference, within ± cap × target",
            substituted=f"{percent(share, 0)} × {money(difference)}, within ± {percent(limit, 0)} × {money(target_total)}",
            result=money(reconciliation),
            sentence=(
                "The cap binds: beyond it, the payer keeps the gain or carries the loss."
                if capped
                else "Inside the cap, every extra dollar spent in an episode comes off the provider's settlement."
            ),
        ),
    )
    if reconciliation >= 0:
        summary = (
            f"The payer settles {money(reconciliation)} in the provider's favour on top of the fee-for-service claims, "
            f"for a total of {money(payer_total)}."
        )
    else:
        summary = (
            f"The provider repays {money(-reconciliation)} of the {money(actual_total)} it was paid in claims; the "
            f"payer's net cost is {money(payer_total)}."
        )
    explanation = Explanation(
        title="Bundled episode: target price and reconciliation",
        steps=steps,
        summary=summary,
        sources=(BUNDLE_SOURCE,),
    )
    return BundleResult(
        count,
        history,
        actual,
        cut,
        share,
        limit,
        target_price,
        target_total,
        actual_total,
        difference,
        reconciliation,
        capped,
        payer_total,
        marginal_share,
        explanation,
    )


BUNDLE_INPUTS: tuple[InputSpec, ...] = (
    InputSpec(
        "episodes",
        "Episodes in the year",
        100,
        kind="integer",
        minimum=1,
        maximum=5_000,
        step=1,
        illustrative=True,
        help="For example, joint replacements and the 90 days after each.",
    ),
    InputSpec(
        "historical_spend",
        "Historical spend per episode",
        25_000.0,
        unit="$",
        minimum=1_000.0,
        maximum=200_000.0,
        step=250.0,
        illustrative=True,
        help="What the payer spent on a typical episode in the base years: surgery, stay, rehab, follow-up.",
    ),
    InputSpec(
        "actual_spend",
        "Actual spend per episode this year",
        23_500.0,
        unit="$",
        minimum=0.0,
        maximum=200_000.0,
        step=250.0,
        illustrative=True,
    ),
    InputSpec(
        "discount",
        "Discount taken by the payer",
        3.0,
        unit="%",
        minimum=0.0,
        maximum=20.0,
        step=0.5,
        decimals=1,
        illustrative=True,
    ),
    InputSpec(
        "sharing_rate",
        "Provider's share of the difference",
        100.0,
        unit="%",
        minimum=0.0,
        maximum=100.0,
        step=5.0,
        illustrative=True,
    ),
    InputSpec(
        "cap",
        "Cap on gains and losses",
        20.0,
        unit="%",
        minimum=0.0,
        maximum=50.0,
        step=1.0,
        illustrative=True,
        help="A share of the target: beyond it the payer keeps the gain or carries the loss.",
    ),
)


def bundle_from_inputs(values: Mapping[str, object]) -> BundleResult:
    """The bundle tab (percent inputs are whole percentages)."""
    return _bundle(validate_inputs(BUNDLE_INPUTS, values))


def _bundle(values: Mapping[str, object]) -> BundleResult:
    """:func:`bundle_from_inputs` on values already validated (the curve sweeps spends beyond the form's range)."""

    def number(name: str) -> float:
        return float(values[name])  # type: ignore[arg-type]

    return bundled_episode(
        number("historical_spend"),
        number("actual_spend"),
        episodes=int(number("episodes")),
        discount=number("discount") / 100,
        sharing_rate=number("sharing_rate") / 100,
        cap=number("cap") / 100,
    )


def reconciliation_curve(
    values: Mapping[str, object], points: int = 81
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Actual spend per episode from 60% to 140% of the historical spend, and the settlement at each."""
    checked = validate_inputs(BUNDLE_INPUTS, values)
    count = check_points(points)
    history = float(checked["historical_spend"])  # type: ignore[arg-type]
    xs = tuple(history * (0.6 + 0.8 * i / (count - 1)) for i in range(count))
    ys = tuple(_bundle({**checked, "actual_spend": x}).reconciliation for x in xs)
    return xs, ys
