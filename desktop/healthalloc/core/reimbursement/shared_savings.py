"""Shared savings: the Medicare Shared Savings Program (MSSP) settlement for an ACO.

    savings        = (benchmark per capita − actual per capita) × assigned beneficiaries
    shared savings = savings × sharing rate, if savings ≥ MSR × benchmark and quality is met; capped
    shared losses  = losses × loss rate, if losses ≥ MLR × benchmark (two-sided tracks only); capped

Sources: 42 CFR 425.604–425.610 and 425.512 as summarised in the fact sheet §5.1 (Milliman; National Law Review).
Simplifications: the loss limit is the benchmark-based ceiling for each level (the real limit can be lower when
based on the ACO's revenue); missing the quality standard is treated as all-or-nothing (the sliding scale for ACOs
that meet the alternative standard is left out).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from healthalloc.core.checks import check_count, check_number, check_points
from healthalloc.core.explain import Explanation, Step, money, percent
from healthalloc.core.inputs import InputSpec, validate_inputs
from healthalloc.core.reimbursement.fee_schedule import cents
from healthalloc.core.reimbursement.parameters import (
    ENHANCED_LOSS_RATE_MAX,
    ENHANCED_LOSS_RATE_MIN,
    MSR_FIXED_CHOICES,
    MSR_SCALE,
    MSR_SOURCE,
    MSSP_RULE,
    TRACKS,
    Track,
)
from healthalloc.core.table import Table

if TYPE_CHECKING:
    import pandas as pd

MIN_BENEFICIARIES = 5_000


def track_for(name: object) -> Track:
    """``"basic_e"``, ``"BASIC E"`` or ``"Enhanced"`` → the track; anything else raises ``ValueError``."""
    key = str(name).strip().upper().replace(" ", "_").replace("-", "_")
    if key in TRACKS:
        return TRACKS[key]
    raise ValueError(f"unknown MSSP track {name!r}; choose one of {', '.join(TRACKS)}")


def minimum_savings_rate(beneficiaries: int) -> float:
    """The size-based MSR/MLR: 3.9% at 5,000 assigned beneficiaries down to 2.0% at 60,000 or more."""
    count = check_count("The number of assigned beneficiaries", beneficiaries)
    if count < MIN_BENEFICIARIES:
        raise ValueError(
            f"An ACO needs at least {MIN_BENEFICIARIES:,} assigned beneficiaries for the size-based minimum savings "
            f"rate (got {count:,}); below that CMS sets a rate of up to 12.2% case by case, so pass it explicitly"
        )
    return next(rate for floor, rate in reversed(MSR_SCALE) if count >= floor)


@dataclass(frozen=True)
class SharedSavingsResult:
    track: Track
    beneficiaries: int
    benchmark_pc: float
    actual_pc: float
    benchmark_total: float
    actual_total: float
    savings: float  # gross: positive = spent less than the benchmark, negative = spent more
    savings_rate: float
    minimum_rate: float
    threshold_met: bool  # savings (or losses) reached the MSR (or MLR)
    quality_met: bool
    sharing_rate: float
    loss_rate: float
    cap: float
    capped: bool
    shared_savings: float
    shared_losses: float
    net: float  # positive = paid to the ACO; negative = owed by it
    medicare_net_savings: float
    marginal_share: float  # share of one more dollar of spending the ACO bears (before caps/thresholds move)
    explanation: Explanation


class Settlement(NamedTuple):
    """The numbers of an MSSP settlement, without the explanation (what a sweep over many spends needs)."""

    benchmark_total: float
    actual_total: float
    savings: float
    savings_rate: float
    threshold_met: bool
    sharing_rate: float
    loss_rate: float
    cap: float
    capped: bool
    shared_savings: float
    shared_losses: float
    net: float
    medicare_net_savings: float
    marginal_share: float


def settle_mssp(
    plan: Track, benchmark_pc: float, actual_pc: float, beneficiaries: int, msr: float, quality_met: bool
) -> Settlement:
    """The arithmetic of :func:`shared_savings` on inputs it has already checked (same formulas, same rounding)."""
    benchmark_total = cents(benchmark_pc * beneficiaries)
    actual_total = cents(actual_pc * beneficiaries)
    savings = cents(benchmark_total - actual_total)
    savings_rate = savings / benchmark_total
    sharing_rate = plan.sharing_rate * (1.0 if quality_met else 0.0)
    if plan.key == "ENHANCED":
        loss_rate = min(ENHANCED_LOSS_RATE_MAX, max(ENHANCED_LOSS_RATE_MIN, 1 - sharing_rate))
    else:
        loss_rate = plan.loss_rate or 0.0
    shared_gain = shared_loss = 0.0
    capped = False
    if savings >= 0:
        met = savings_rate >= msr - 1e-12
        cap = cents(plan.savings_cap * benchmark_total)
        if met and sharing_rate > 0:
            raw = savings * sharing_rate
            capped = raw > cap
            shared_gain = cents(min(raw, cap))
        marginal = sharing_rate if met and not capped else 0.0
    else:
        met = plan.two_sided and -savings_rate >= msr - 1e-12
        cap = cents(plan.loss_cap * benchmark_total)
        if met:
            raw = -savings * loss_rate
            capped = raw > cap
            shared_loss = cents(min(raw, cap))
        marginal = loss_rate if met and not capped else 0.0
    net = cents(shared_gain - shared_loss)
    return Settlement(
        benchmark_total,
        actual_total,
        savings,
        savings_rate,
        met,
        sharing_rate,
        loss_rate,
        cap,
        capped,
        shared_gain,
        shared_loss,
        net,
        cents(savings - net),
        marginal,
    )


def shared_savings(
    benchmark_pc: float,
    actual_pc: float,
    beneficiaries: int,
    *,
    track: str,
    quality_met: bool = True,
    minimum_savings_rate_override: float | None = None,
) -> SharedSavingsResult:
    """One performance year's MSSP settlement for an ACO.

    ``track`` is ``"BASIC_A"`` … ``"BASIC_E"`` or ``"ENHANCED"`` (case-insensitive). ``minimum_savings_rate_override``
    replaces the size-based MSR/MLR; two-sided tracks may choose 0%, 0.5%, 1%, 1.5% or 2%.
    Example (fact sheet §5.1): benchmark $12,000, actual $11,400, 20,000 beneficiaries: BASIC E $6.0 M,
    ENHANCED $9.0 M; at $12,480, Level E owes $2.88 M and ENHANCED $3.84 M.
    """
    plan = track_for(track)
    benchmark = check_number("The benchmark per beneficiary", benchmark_pc, minimum=1.0, maximum=1e6)
    actual = check_number("The actual spending per beneficiary", actual_pc, minimum=0.0, maximum=1e6)
    count = check_count("The number of assigned beneficiaries", beneficiaries, minimum=1, maximum=10_000_000)
    if not isinstance(quality_met, bool):
        raise ValueError(f"quality_met must be True or False, not {quality_met!r}")
    if minimum_savings_rate_override is None:
        msr = minimum_savings_rate(count)
        msr_note = f"size-based rate for {count:,} beneficiaries"
    else:
        msr = check_number("The minimum savings rate", minimum_savings_rate_override, minimum=0.0, maximum=0.122)
        if count >= MIN_BENEFICIARIES:
            if not plan.two_sided:
                raise ValueError(
                    f"{plan.label} uses the size-based minimum savings rate; only two-sided tracks choose"
                )
            if not any(abs(msr - choice) < 1e-9 for choice in MSR_FIXED_CHOICES):
                raise ValueError(
                    "A two-sided ACO may choose a minimum savings/loss rate of 0%, 0.5%, 1%, 1.5% or 2%, "
                    f"not {percent(msr)}"
                )
            msr_note = "rate chosen by the ACO"
        else:
            msr_note = f"rate set by CMS for an ACO of {count:,}"

    (
        benchmark_total,
        actual_total,
        savings,
        savings_rate,
        met,
        sharing_rate,
        loss_rate,
        cap,
        capped,
        shared_gain,
        shared_loss,
        net,
        medicare_net,
        marginal,
    ) = settle_mssp(plan, benchmark, actual, count, msr, quality_met)

    steps = [
        Step(
            title="Gross savings",
            formula="(benchmark − actual) per beneficiary × beneficiaries",
            substituted=f"({money(benchmark)} − {money(actual)}) × {count:,}",
            result=money(savings),
            sentence=f"That is {percent(savings_rate, 2)} of the {money(benchmark_total, 0)} benchmark.",
        ),
        Step(
            title="Minimum savings/loss rate",
            formula="|savings| ÷ benchmark ≥ MSR?",
            substituted=f"{percent(abs(savings_rate), 2)} against {percent(msr)} ({msr_note})",
            result="met" if met else "not met",
            sentence=(
                "Past the threshold, sharing starts from the first dollar."
                if met
                else (
                    "A one-sided track never shares losses."
                    if savings < 0 and not plan.two_sided
                    else "Too small to tell from chance, so nothing is shared."
                )
            ),
        ),
    ]
    if savings >= 0:
        steps.append(
            Step(
                title="Shared savings",
                formula="savings × sharing rate, up to the cap",
                substituted=f"{money(savings)} × {percent(sharing_rate, 0)}, cap {money(cap)}",
                result=money(shared_gain),
                sentence=(
                    "The ACO missed the quality standard, so it shares nothing."
                    if not quality_met
                    else f"{plan.label} shares up to {percent(plan.sharing_rate, 0)} of savings, capped at "
                    f"{percent(plan.savings_cap, 0)} of the benchmark."
                ),
            )
        )
    else:
        steps.append(
            Step(
                title="Shared losses",
                formula="losses × loss rate, up to the loss limit",
                substituted=f"{money(-savings)} × {percent(loss_rate, 0)}, limit {money(cap)}",
                result=money(shared_loss),
                sentence=(
                    f"{plan.label} repays {percent(loss_rate, 0)} of losses, at most "
                    f"{percent(plan.loss_cap, 0)} of the benchmark."
                    if plan.two_sided
                    else "One-sided: the ACO keeps its fee-for-service income and owes nothing."
                ),
            )
        )
    if net > 0:
        summary = f"Medicare pays the ACO {money(net)} and keeps {money(medicare_net)} of the savings."
    elif net < 0:
        summary = f"The ACO owes Medicare {money(-net)}; Medicare's overspend falls to {money(-medicare_net)}."
    else:
        summary = "Nothing changes hands at settlement: the ACO keeps its fee-for-service payments and no more."
    explanation = Explanation(
        title=f"Shared savings: MSSP {plan.label}",
        steps=tuple(steps),
        summary=summary,
        sources=(MSSP_RULE + " (caps and loss limits: confidence M)", MSR_SOURCE),
    )
    return SharedSavingsResult(
        plan,
        count,
        benchmark,
        actual,
        benchmark_total,
        actual_total,
        savings,
        savings_rate,
        msr,
        met,
        quality_met,
        sharing_rate,
        loss_rate,
        cap,
        capped,
        shared_gain,
        shared_loss,
        net,
        medicare_net,
        marginal,
        explanation,
    )


# ---- The shared-savings tab ----------------------------------------------------------------------------------
_TRACK_CHOICES = tuple((t.key, t.label) for t in TRACKS.values())
MSR_CHOICES: tuple[tuple[str, str], ...] = (
    ("size", "Size-based scale (2.0%–3.9%)"),
    *((f"{c * 100:g}", f"Fixed {c * 100:g}% (two-sided tracks)") for c in MSR_FIXED_CHOICES),
)

MSSP_INPUTS: tuple[InputSpec, ...] = (
    InputSpec(
        "benchmark_pc",
        "Benchmark per beneficiary",
        12_000.0,
        unit="$",
        minimum=1_000.0,
        maximum=40_000.0,
        step=50.0,
        illustrative=True,
        help="Expected spending per beneficiary, set before the year.",
    ),
    InputSpec(
        "actual_pc",
        "Actual spending per beneficiary",
        11_400.0,
        unit="$",
        minimum=1_000.0,
        maximum=40_000.0,
        step=50.0,
        illustrative=True,
    ),
    InputSpec(
        "beneficiaries",
        "Assigned beneficiaries",
        20_000,
        kind="integer",
        minimum=MIN_BENEFICIARIES,
        maximum=200_000,
        step=500,
        illustrative=True,
        help="The program requires at least 5,000 (42 CFR 425.110).",
    ),
    InputSpec("track", "Track", "BASIC_E", kind="choice", choices=_TRACK_CHOICES, source=MSSP_RULE),
    InputSpec(
        "quality_met",
        "Meets the quality standard",
        True,
        kind="flag",
        source="42 CFR 425.512: at least the 40th percentile of MIPS quality scores from 2024",
    ),
    InputSpec("msr", "Minimum savings/loss rate", "size", kind="choice", choices=MSR_CHOICES, source=MSR_SOURCE),
)


def msr_override(values: Mapping[str, object]) -> float | None:
    choice = str(values.get("msr", "size"))
    return None if choice == "size" else float(choice) / 100


def mssp_from_inputs(values: Mapping[str, object], track: str | None = None) -> SharedSavingsResult:
    """The shared-savings tab, optionally for another ``track`` with the same numbers."""
    return _settle(validate_inputs(MSSP_INPUTS, values), track)


def _settle(values: Mapping[str, object], track: str | None = None) -> SharedSavingsResult:
    """:func:`mssp_from_inputs` on validated values (the curve sweeps spending beyond the form's range)."""
    plan = track_for(track or values["track"])
    override = msr_override(values)
    if override is not None and not plan.two_sided:
        override = None  # one-sided tracks always use the size-based scale
    return shared_savings(
        float(values["benchmark_pc"]),  # type: ignore[arg-type]
        float(values["actual_pc"]),  # type: ignore[arg-type]
        int(values["beneficiaries"]),  # type: ignore[call-overload]
        track=plan.key,
        quality_met=bool(values["quality_met"]),
        minimum_savings_rate_override=override,
    )


def all_tracks(values: Mapping[str, object]) -> list[SharedSavingsResult]:
    """The same year settled under every track, for the side-by-side table."""
    checked = validate_inputs(MSSP_INPUTS, values)
    return [_settle(checked, key) for key in TRACKS]


def net_payment_curve(
    values: Mapping[str, object], points: int = 81
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Actual spending per beneficiary from 85% to 115% of the benchmark, and the net settlement at each."""
    checked = validate_inputs(MSSP_INPUTS, values)
    count = check_points(points)
    benchmark = float(checked["benchmark_pc"])  # type: ignore[arg-type]
    xs = tuple(benchmark * (0.85 + 0.30 * i / (count - 1)) for i in range(count))
    ys = tuple(_settle({**checked, "actual_pc": x}).net for x in xs)
    return xs, ys


def tracks_frame(values: Mapping[str, object]) -> pd.DataFrame:
    """The same year under every track: sharing rate, caps and the settlement (money in dollars)."""
    return tracks_table(values).to_frame()


TRACK_COLUMNS = ("track", "sharing_rate", "loss_rate", "shared_savings", "shared_losses", "net", "medicare_keeps")


def tracks_table(values: Mapping[str, object]) -> Table:
    """:func:`tracks_frame` without pandas, for the calculator page (a one-sided track's loss rate is empty)."""
    rows = [
        {
            "track": r.track.key.replace("_", " "),
            "sharing_rate": r.sharing_rate,
            "loss_rate": r.loss_rate if r.track.two_sided else None,
            "shared_savings": r.shared_savings,
            "shared_losses": r.shared_losses,
            "net": r.net,
            "medicare_keeps": r.medicare_net_savings,
        }
        for r in all_tracks(values)
    ]
    return Table.from_records(rows, TRACK_COLUMNS)
