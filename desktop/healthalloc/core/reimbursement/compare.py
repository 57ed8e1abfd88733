"""One provider's year paid six ways: who gains, who bears the risk of higher use, and what each way rewards.

A scenario is a panel of patients, the services each uses, the fee-schedule price and the provider's cost of a
service, a quality score and a benchmark (expected spending per patient). Every model pays for the same care:

- fee-for-service: services × fee;
- per case: one payment per patient, priced at the benchmark (as a DRG prices a stay);
- bundled episode: fee-for-service, settled against a target of benchmark × (1 − 3%), 100% shared within ±20%;
- capitation: benchmark ÷ 12 per member per month;
- pay for performance: fee-for-service × (1 + the MIPS adjustment for the quality score);
- shared savings: fee-for-service plus the MSSP settlement against the benchmark.

"Marginal revenue" is what one more service adds to the provider's revenue at the current point (ignoring jumps
at thresholds); whoever pays for that extra service bears the risk of higher use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, NamedTuple

from healthalloc.core.checks import check_count, check_number
from healthalloc.core.explain import Explanation, Step, money, percent
from healthalloc.core.inputs import InputSpec, validate_inputs
from healthalloc.core.reimbursement.bundle import (
    DEFAULT_CAP,
    DEFAULT_DISCOUNT,
    DEFAULT_SHARING_RATE,
    bundled_episode,
    settle_bundle,
)
from healthalloc.core.reimbursement.capitated import capitation_contract
from healthalloc.core.reimbursement.fee_schedule import cents
from healthalloc.core.reimbursement.p4p import mips_rate
from healthalloc.core.reimbursement.parameters import MIPS_THRESHOLD, PFS_RULE_2026, TRACKS, Track
from healthalloc.core.reimbursement.shared_savings import (
    MIN_BENEFICIARIES,
    minimum_savings_rate,
    settle_mssp,
    shared_savings,
    track_for,
)

if TYPE_CHECKING:
    import pandas as pd

MODELS: tuple[str, ...] = (
    "Fee-for-service",
    "Per case (DRG-style)",
    "Bundled episode",
    "Capitation",
    "Pay for performance (MIPS)",
    "Shared savings (MSSP)",
)
PAYS_FOR: dict[str, str] = {
    MODELS[0]: "each service",
    MODELS[1]: "each patient's case",
    MODELS[2]: "each service, settled against a target",
    MODELS[3]: "each member, each month",
    MODELS[4]: "each service, adjusted for quality",
    MODELS[5]: "each service, plus a share of savings",
}
COLUMNS: tuple[str, ...] = (
    "model",
    "pays_for",
    "provider_revenue",
    "payer_cost",
    "provider_cost",
    "provider_margin",
    "marginal_revenue",
    "marginal_margin",
    "provider_share_of_extra",
    "risk",
)


@dataclass(frozen=True)
class Scenario:
    patients: int = 10_000
    services_per_patient: float = 4.0
    fee_per_service: float = 95.19
    cost_per_service: float = 85.0
    quality_score: float = 80.0
    benchmark_per_patient: float = 400.0
    track: str = "BASIC_E"
    quality_met: bool = True

    def __post_init__(self) -> None:
        check_count("The number of patients", self.patients, minimum=MIN_BENEFICIARIES, maximum=1_000_000)
        check_number("The services per patient", self.services_per_patient, minimum=0.0, maximum=1_000.0)
        check_number("The fee per service", self.fee_per_service, minimum=0.01, maximum=100_000.0)
        check_number("The cost per service", self.cost_per_service, minimum=0.0, maximum=100_000.0)
        check_number("The quality score", self.quality_score, minimum=0.0, maximum=100.0)
        check_number("The benchmark per patient", self.benchmark_per_patient, minimum=1.0, maximum=1_000_000.0)
        track_for(self.track)
        if not isinstance(self.quality_met, bool):
            raise ValueError(f"quality_met must be True or False, not {self.quality_met!r}")

    @property
    def services(self) -> float:
        return self.patients * self.services_per_patient

    def with_utilisation(self, change: float) -> Scenario:
        """The same panel using ``change`` (e.g. −0.1 for 10% fewer) more services per patient."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["services_per_patient"] = self.services_per_patient * (1 + change)
        return Scenario(**values)


COMPARE_INPUTS: tuple[InputSpec, ...] = (
    InputSpec(
        "patients",
        "Patients (and assigned beneficiaries)",
        10_000,
        kind="integer",
        minimum=MIN_BENEFICIARIES,
        maximum=200_000,
        step=500,
        illustrative=True,
        help="At least 5,000, the smallest panel the Shared Savings Program accepts.",
    ),
    InputSpec(
        "services_per_patient",
        "Services per patient per year",
        4.0,
        minimum=0.5,
        maximum=20.0,
        step=0.1,
        decimals=1,
        illustrative=True,
    ),
    InputSpec(
        "fee_per_service",
        "Fee-schedule price of a service",
        95.19,
        unit="$",
        minimum=1.0,
        maximum=2_000.0,
        step=1.0,
        decimals=2,
        source=f"Level-3 office visit, national, {PFS_RULE_2026}",
    ),
    InputSpec(
        "cost_per_service",
        "Provider's cost of a service",
        85.0,
        unit="$",
        minimum=0.0,
        maximum=2_000.0,
        step=1.0,
        decimals=2,
        illustrative=True,
    ),
    InputSpec(
        "benchmark_per_patient",
        "Benchmark spending per patient",
        400.0,
        unit="$",
        minimum=10.0,
        maximum=20_000.0,
        step=5.0,
        decimals=2,
        illustrative=True,
        help="Sets the per-case price, the bundle target, the capitation rate and the ACO benchmark.",
    ),
    InputSpec(
        "quality_score",
        "Quality score (MIPS points)",
        80.0,
        minimum=0.0,
        maximum=100.0,
        step=1.0,
        decimals=0,
        illustrative=True,
    ),
    InputSpec(
        "track",
        "Shared-savings track",
        "BASIC_E",
        kind="choice",
        choices=tuple((t.key, t.label) for t in TRACKS.values()),
    ),
    InputSpec("quality_met", "Meets the ACO quality standard", True, kind="flag"),
)


def scenario_from_inputs(values: Mapping[str, object]) -> Scenario:
    """Validate form or link values against ``COMPARE_INPUTS`` and build the scenario."""
    checked: dict[str, Any] = validate_inputs(COMPARE_INPUTS, values)
    return Scenario(**checked)


@dataclass(frozen=True)
class ModelOutcome:
    model: str
    provider_revenue: float
    marginal_revenue: float
    provider_share_of_extra: float  # 0 = the payer pays for an extra service, 1 = the provider absorbs it
    explanation: Explanation


def _outcome(
    model: str,
    revenue: float,
    fee: float,
    share: float,
    steps: Sequence[Step],
    summary: str,
    sources: tuple[str, ...] = (),
) -> ModelOutcome:
    marginal = cents(fee * (1 - share)) if share < 1 else 0.0
    return ModelOutcome(model, cents(revenue), marginal, share, Explanation(model, tuple(steps), summary, sources))


def _fee_for_service(s: Scenario) -> ModelOutcome:
    revenue = s.services * s.fee_per_service
    step = Step(
        "Revenue",
        "services × fee",
        f"{s.services:,.0f} × {money(s.fee_per_service)}",
        money(cents(revenue)),
        "Every extra service is paid in full.",
    )
    return _outcome(
        MODELS[0],
        revenue,
        s.fee_per_service,
        0.0,
        [step],
        "More services, more revenue: the payer carries the cost of higher use.",
        (PFS_RULE_2026,),
    )


def _per_case(s: Scenario) -> ModelOutcome:
    revenue = s.patients * s.benchmark_per_patient
    step = Step(
        "Revenue",
        "patients × price per case",
        f"{s.patients:,} × {money(s.benchmark_per_patient)}",
        money(cents(revenue)),
        "The price is fixed per case, so extra services in a case earn nothing.",
    )
    return _outcome(
        MODELS[1],
        revenue,
        s.fee_per_service,
        1.0,
        [step],
        "More cases earn more; more services per "
        "case only cost. (Medicare's outlier payments take back part of the risk on extreme cases.)",
    )


def _bundle(s: Scenario) -> ModelOutcome:
    result = bundled_episode(
        s.benchmark_per_patient,
        s.services_per_patient * s.fee_per_service,
        episodes=s.patients,
        discount=DEFAULT_DISCOUNT,
        sharing_rate=DEFAULT_SHARING_RATE,
        cap=DEFAULT_CAP,
    )
    steps = [
        *result.explanation.steps,
        Step(
            "Revenue",
            "fee-for-service claims + reconciliation",
            f"{money(result.actual_total)} + {money(result.reconciliation)}",
            money(result.payer_total),
        ),
    ]
    summary = (
        "Inside the cap the settlement takes back every extra dollar billed, so an extra service adds nothing; "
        "once the cap binds, the payer pays for it again. A service billed by another provider in the episode "
        "(a readmission, a rehabilitation stay) would cut this provider's settlement with no claim to offset it."
    )
    return _outcome(
        MODELS[2],
        result.payer_total,
        s.fee_per_service,
        result.marginal_share,
        steps,
        summary,
        result.explanation.sources,
    )


def _capitation(s: Scenario) -> ModelOutcome:
    pmpm = cents(s.benchmark_per_patient / 12)
    contract = capitation_contract(pmpm, s.patients, cost_pmpm=0.0)
    return _outcome(
        MODELS[3],
        contract.total_revenue,
        s.fee_per_service,
        1.0,
        contract.revenue.explanation.steps,
        f"{money(pmpm)} per member per month (the benchmark ÷ 12) whatever care is used: the provider "
        "carries the cost of higher use.",
    )


def _pay_for_performance(s: Scenario) -> ModelOutcome:
    rate = mips_rate(s.quality_score)
    base = s.services * s.fee_per_service
    revenue = base * (1 + rate)
    steps = [
        Step(
            "Adjustment",
            "MIPS rate for the quality score",
            f"{s.quality_score:g} points, threshold {MIPS_THRESHOLD.value:g}",
            percent(rate, 2),
        ),
        Step(
            "Revenue",
            "services × fee × (1 + adjustment)",
            f"{s.services:,.0f} × {money(s.fee_per_service)} × {1 + rate:.4f}",
            money(cents(revenue)),
            "Quality changes the price of each service; volume still pays.",
        ),
    ]
    return _outcome(
        MODELS[4],
        revenue,
        s.fee_per_service * (1 + rate),
        0.0,
        steps,
        "An extra service is paid at the quality-adjusted fee: the payer still carries higher use.",
        (MIPS_THRESHOLD.source,),
    )


def _shared_savings(s: Scenario) -> ModelOutcome:
    claims = s.services * s.fee_per_service
    result = shared_savings(
        s.benchmark_per_patient, claims / s.patients, s.patients, track=s.track, quality_met=s.quality_met
    )
    steps = [
        *result.explanation.steps,
        Step(
            "Revenue",
            "fee-for-service claims + settlement",
            f"{money(cents(claims))} + {money(result.net)}",
            money(cents(claims + result.net)),
        ),
    ]
    share = result.marginal_share
    summary = (
        f"An extra service is paid, but {percent(share, 0)} of it comes back off the settlement: the ACO and "
        "Medicare share the cost of higher use."
        if share > 0
        else "Outside the sharing range an extra service is paid in full, as under fee-for-service."
    )
    return _outcome(
        MODELS[5], claims + result.net, s.fee_per_service, share, steps, summary, result.explanation.sources
    )


_BUILDERS: tuple[Callable[[Scenario], ModelOutcome], ...] = (
    _fee_for_service,
    _per_case,
    _bundle,
    _capitation,
    _pay_for_performance,
    _shared_savings,
)


def model_outcomes(scenario: Scenario) -> list[ModelOutcome]:
    """Each model's revenue, marginal revenue and explanation for ``scenario``."""
    return [build(scenario) for build in _BUILDERS]


def _risk(share: float) -> str:
    if share <= 1e-9:
        return "payer"
    if share >= 1 - 1e-9:
        return "provider"
    return "shared"


def _as_scenario(scenario: Scenario | Mapping[str, object]) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else scenario_from_inputs(scenario)


# --- Numbers only ------------------------------------------------------------------------------------------------
# A dragged slider needs the comparison and the utilisation sweep (25 scenarios × 6 models) in well under a
# millisecond, and the sweep needs no explanations. These functions do the arithmetic of the builders above with the
# same formulas and rounding (the bundle and MSSP settlements are literally shared); tests check they agree.


class _Fixed(NamedTuple):
    """What a scenario pays that does not depend on how many services are used."""

    per_case_revenue: float
    capitation_revenue: float
    mips: float
    msr: float
    plan: Track


def _fixed(s: Scenario) -> _Fixed:
    pmpm = cents(s.benchmark_per_patient / 12)
    capitation = capitation_contract(pmpm, s.patients, cost_pmpm=0.0).total_revenue
    return _Fixed(
        s.patients * s.benchmark_per_patient,
        capitation,
        mips_rate(s.quality_score),
        minimum_savings_rate(s.patients),
        track_for(s.track),
    )


def _model_numbers(s: Scenario, services_per_patient: float, fixed: _Fixed) -> list[tuple[float, float, float]]:
    """(revenue, marginal revenue, provider share of an extra service) for each of :data:`MODELS`, in order."""
    fee = s.fee_per_service
    claims = s.patients * services_per_patient * fee
    episode_spend = check_number("The actual spend per episode", services_per_patient * fee, maximum=1e7)
    bundle = settle_bundle(
        s.benchmark_per_patient, episode_spend, s.patients, DEFAULT_DISCOUNT, DEFAULT_SHARING_RATE, DEFAULT_CAP
    )
    actual_pc = check_number("The actual spending per beneficiary", claims / s.patients, maximum=1e6)
    mssp = settle_mssp(fixed.plan, s.benchmark_per_patient, actual_pc, s.patients, fixed.msr, s.quality_met)

    def numbers(revenue: float, marginal_fee: float, share: float) -> tuple[float, float, float]:
        return cents(revenue), (cents(marginal_fee * (1 - share)) if share < 1 else 0.0), share

    return [
        numbers(claims, fee, 0.0),
        numbers(fixed.per_case_revenue, fee, 1.0),
        numbers(bundle.payer_total, fee, bundle.marginal_share),
        numbers(fixed.capitation_revenue, fee, 1.0),
        numbers(claims * (1 + fixed.mips), fee * (1 + fixed.mips), 0.0),
        numbers(claims + mssp.net, fee, mssp.marginal_share),
    ]


def comparison_columns(scenario: Scenario | Mapping[str, object]) -> dict[str, list[Any]]:
    """:func:`compare_models` as plain lists, one per column of ``COLUMNS`` (no pandas: fast enough to run on
    every step of a dragged slider)."""
    s = _as_scenario(scenario)
    cost = cents(s.services * s.cost_per_service)
    numbers = _model_numbers(s, s.services_per_patient, _fixed(s))
    revenues = [revenue for revenue, _, _ in numbers]
    shares = [share for _, _, share in numbers]
    marginals = [marginal for _, marginal, _ in numbers]
    return {
        "model": list(MODELS),
        "pays_for": [PAYS_FOR[m] for m in MODELS],
        "provider_revenue": revenues,
        "payer_cost": list(revenues),
        "provider_cost": [cost] * len(MODELS),
        "provider_margin": [cents(r - cost) for r in revenues],
        "marginal_revenue": marginals,
        "marginal_margin": [cents(m - s.cost_per_service) for m in marginals],
        "provider_share_of_extra": shares,
        "risk": [_risk(share) for share in shares],
    }


def compare_models(scenario: Scenario | Mapping[str, object]) -> pd.DataFrame:
    """One row per payment model (columns in ``COLUMNS``); money in dollars, the share as a 0–1 fraction.

    ``payer_cost`` equals ``provider_revenue``: the one payer pays the one provider (patient cost sharing is left
    out). ``marginal_revenue`` is positive under fee-for-service and zero under per-case and capitation.
    """
    import pandas as pd

    return pd.DataFrame(comparison_columns(scenario), columns=list(COLUMNS))


def explain_comparison(scenario: Scenario | Mapping[str, object]) -> list[Explanation]:
    """The derivation behind every row of :func:`compare_models`."""
    return [o.explanation for o in model_outcomes(_as_scenario(scenario))]


UTILISATION_CHANGES: tuple[float, ...] = tuple(round(-0.30 + 0.025 * i, 3) for i in range(25))


def sweep_columns(
    scenario: Scenario | Mapping[str, object], changes: Sequence[float] = UTILISATION_CHANGES
) -> dict[str, list[float]]:
    """:func:`utilisation_sweep` as plain lists: ``"change"`` and one list of margins per model (no pandas)."""
    s = _as_scenario(scenario)
    fixed = _fixed(s)
    columns: dict[str, list[float]] = {"change": [], **{model: [] for model in MODELS}}
    for change in changes:
        if change <= -1:
            raise ValueError(f"a utilisation change of {percent(change)} would leave no services")
        services_per_patient = check_number(
            "The services per patient", s.services_per_patient * (1 + change), minimum=0.0, maximum=1_000.0
        )
        cost = s.patients * services_per_patient * s.cost_per_service
        columns["change"].append(float(change))
        for model, (revenue, _, _) in zip(MODELS, _model_numbers(s, services_per_patient, fixed), strict=True):
            columns[model].append(cents(revenue - cost))
    return columns


def utilisation_sweep(
    scenario: Scenario | Mapping[str, object], changes: Sequence[float] = UTILISATION_CHANGES
) -> pd.DataFrame:
    """Provider margin under every model as services per patient change from −30% to +30% (one column each)."""
    import pandas as pd

    return pd.DataFrame(sweep_columns(scenario, changes), columns=["change", *MODELS])
