"""The capitation calculator as data plus functions: declared inputs, presets and one ``compute_*`` per tab.

The page builds its forms from ``MEMBER_INPUTS``, ``PANEL_INPUTS`` and ``REGION_INPUTS``, passes the form values
to ``compute_member``/``compute_panel``/``compute_regions`` and shows what comes back. Percent inputs are entered
as percentages (5.9) and converted here, so the page does no arithmetic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from healthalloc.core.capitation.hcc import (
    ModelComparison,
    RiskScore,
    compare_models,
    conditions_for,
    translate_conditions,
)
from healthalloc.core.capitation.panel import (
    ARRANGEMENTS,
    ILLUSTRATIVE_CORRIDOR_SHARE,
    ILLUSTRATIVE_CORRIDOR_WIDTH,
    ILLUSTRATIVE_COST_PMPM_AT_1,
    ILLUSTRATIVE_STOP_LOSS_SHARE,
    ILLUSTRATIVE_STOP_LOSS_THRESHOLD,
    PanelResult,
    RiskSharingTerms,
    panel_finances_from_columns,
)
from healthalloc.core.capitation.payment import (
    CODING_ADJUSTMENT,
    CODING_ADJUSTMENT_SOURCE,
    ILLUSTRATIVE_BENCHMARK_PMPM,
    NORMALIZATION_FACTORS,
    RiskAdjustedPayment,
    default_normalization,
    risk_adjusted_payment,
)
from healthalloc.core.capitation.regions import (
    AGE_BAND_LABELS,
    AGE_BANDS,
    ILLUSTRATIVE_AGE_WEIGHTS,
    ILLUSTRATIVE_BUDGET,
    ILLUSTRATIVE_PACE,
    METHODS,
    RegionAllocation,
    allocate_regions,
    load_regions,
    per_person_by_method,
)
from healthalloc.core.capitation.tables import MODEL_NAMES, SEGMENTS, crosswalk
from healthalloc.core.inputs import InputSpec, validate_inputs
from healthalloc.core.table import Table

if TYPE_CHECKING:
    import pandas as pd

TABS: tuple[str, ...] = ("member", "panel", "regions")
MODEL_CHOICES = tuple((code, f"{code} ({name.split(' ')[0]} model)") for code, name in MODEL_NAMES.items())
SEGMENT_CHOICES = tuple((s.code, f"{s.code}: {s.short}") for s in SEGMENTS.values())
ALL_CONDITION_CODES = tuple(dict.fromkeys(c.code for model in MODEL_NAMES for c in conditions_for(model)))
ILLUSTRATIVE_CATASTROPHIC_COST = 250_000.0


def _normalization_source(model: str) -> str:
    years = NORMALIZATION_FACTORS[model]
    year = max(years) if model == "V24" else 2026
    return f"CMS CY{year} Medicare Advantage Rate Announcement ({model} FFS normalization factor)"


def _money_spec(
    name: str, label: str, default: float, maximum: float, *, step: float = 10.0, **kw: object
) -> InputSpec:
    return InputSpec(name, label, default, "number", "$", 0.0, maximum, step, 0, **kw)  # type: ignore[arg-type]


def _percent_spec(
    name: str,
    label: str,
    default: float,
    maximum: float = 100.0,
    *,
    source: str = "",
    illustrative: bool = False,
    help: str = "",
) -> InputSpec:
    return InputSpec(
        name,
        label,
        default,
        "number",
        "%",
        0.0,
        maximum,
        0.1,
        1,
        source=source,
        illustrative=illustrative,
        help=help,
    )


MEMBER_INPUTS: tuple[InputSpec, ...] = (
    InputSpec("age", "Age", 72, "integer", "years", 0, 120, 1, source="", help="The member's age on 1 February."),
    InputSpec("sex", "Sex", "F", "choice", choices=(("F", "Female"), ("M", "Male"))),
    InputSpec(
        "model",
        "Risk model",
        "V24",
        "choice",
        choices=MODEL_CHOICES,
        help="V24 is the 2020 CMS-HCC model; V28, the 2024 model, sets all MA risk scores from 2026.",
    ),
    InputSpec(
        "segment",
        "Segment",
        "CNA",
        "choice",
        choices=SEGMENT_CHOICES,
        help="Community members are scored in one of six segments by age (aged 65+ or disabled) and Medicaid status.",
    ),
    InputSpec(
        "conditions",
        "Conditions",
        ("HCC19", "HCC85"),
        "list",
        choices=tuple((code, code) for code in ALL_CONDITION_CODES),
        help="Payment HCCs of the chosen model, e.g. HCC85.",
    ),
    _money_spec(
        "benchmark_pmpm",
        "Benchmark per member per month",
        ILLUSTRATIVE_BENCHMARK_PMPM,
        5000.0,
        illustrative=True,
        source="an illustrative county benchmark",
        help="What the plan is paid each month for a member with a payment score of 1.0.",
    ),
    InputSpec(
        "normalization_factor",
        "FFS normalization factor",
        default_normalization("V24"),
        "number",
        "",
        0.8,
        1.5,
        0.001,
        3,
        source=_normalization_source("V24"),
        help="CMS divides raw scores by this so that the average is 1.0 in the payment year.",
    ),
    _percent_spec(
        "coding_adjustment",
        "MA coding adjustment",
        CODING_ADJUSTMENT * 100,
        20.0,
        source=CODING_ADJUSTMENT_SOURCE,
        help="The statutory cut for Medicare Advantage's more complete diagnosis coding.",
    ),
)


@dataclass(frozen=True)
class MemberProfile:
    """A made-up member type for the panel, defined by course crosswalk concepts so it works in both models."""

    key: str
    label: str
    age: int
    sex: str
    concepts: tuple[str, ...]

    def conditions(self, model: str) -> tuple[str, ...]:
        by_concept = {row.concept: row for row in crosswalk()}
        return tuple(by_concept[c].code(model) for c in self.concepts if by_concept[c].code(model))


PROFILES: tuple[MemberProfile, ...] = (
    MemberProfile("healthy_66", "Healthy woman, 66", 66, "F", ()),
    MemberProfile("diabetes_70", "Man, 70, diabetes", 70, "M", ("diabetes",)),
    MemberProfile("diabetes_hf_72", "Woman, 72, diabetes + heart failure", 72, "F", ("diabetes", "heart_failure")),
    MemberProfile("copd_78", "Man, 78, COPD + irregular heartbeat", 78, "M", ("copd", "arrhythmia")),
    MemberProfile(
        "chf_85", "Woman, 85, heart failure + diabetes + COPD", 85, "F", ("heart_failure", "diabetes", "copd")
    ),
)
PRACTICES: dict[str, str] = {"a": "Practice A", "b": "Practice B"}
# "Two practices with the same size and different patients": 1,000 members each (illustrative mixes).
TWO_PRACTICES: dict[str, dict[str, int]] = {
    "a": {"healthy_66": 600, "diabetes_70": 250, "diabetes_hf_72": 80, "copd_78": 50, "chf_85": 20},
    "b": {"healthy_66": 250, "diabetes_70": 250, "diabetes_hf_72": 200, "copd_78": 150, "chf_85": 150},
}


def count_input_name(practice: str, profile: str) -> str:
    return f"{practice}_{profile}"


PANEL_COUNT_INPUTS: tuple[InputSpec, ...] = tuple(
    InputSpec(
        count_input_name(practice, profile.key),
        f"{PRACTICES[practice]}: {profile.label}",
        TWO_PRACTICES[practice][profile.key],
        "integer",
        "members",
        0,
        20_000,
        10,
        illustrative=True,
        slider=False,
    )
    for practice in PRACTICES
    for profile in PROFILES
)

PANEL_INPUTS: tuple[InputSpec, ...] = (
    InputSpec("model", "Risk model", "V28", "choice", choices=MODEL_CHOICES),
    _money_spec(
        "benchmark_pmpm",
        "Benchmark per member per month",
        ILLUSTRATIVE_BENCHMARK_PMPM,
        5000.0,
        illustrative=True,
        source="an illustrative county benchmark",
    ),
    InputSpec(
        "normalization_factor",
        "FFS normalization factor",
        default_normalization("V28"),
        "number",
        "",
        0.8,
        1.5,
        0.001,
        3,
        source=_normalization_source("V28"),
    ),
    _percent_spec(
        "coding_adjustment", "MA coding adjustment", CODING_ADJUSTMENT * 100, 20.0, source=CODING_ADJUSTMENT_SOURCE
    ),
    _money_spec(
        "cost_pmpm_at_1",
        "Monthly cost of a 1.0 member",
        ILLUSTRATIVE_COST_PMPM_AT_1,
        5000.0,
        illustrative=True,
        help="What the group spends on an average member (risk score 1.0) per month.",
    ),
    _percent_spec(
        "cost_ratio",
        "Actual cost as % of expected",
        100.0,
        200.0,
        illustrative=True,
        help="100% = costs exactly as the risk scores predict; 110% = a bad year.",
    ),
    InputSpec(
        "catastrophic_cases",
        "Unexpected catastrophic cases per practice",
        1,
        "integer",
        "members",
        0,
        50,
        1,
        illustrative=True,
        help="Extra members with no known conditions whose year turns out very expensive (e.g. a major accident).",
    ),
    _money_spec(
        "catastrophic_cost",
        "Annual cost of each catastrophic case",
        ILLUSTRATIVE_CATASTROPHIC_COST,
        2_000_000.0,
        step=10_000.0,
        illustrative=True,
    ),
    InputSpec(
        "risk_adjusted", "Risk-adjust the payments", True, "flag", help="Untick to pay every member the same."
    ),
    InputSpec(
        "arrangement",
        "Risk sharing",
        "stop_loss",
        "choice",
        choices=tuple(ARRANGEMENTS.items()),
    ),
    _money_spec(
        "stop_loss_threshold",
        "Stop-loss threshold per member per year",
        ILLUSTRATIVE_STOP_LOSS_THRESHOLD,
        1_000_000.0,
        step=5_000.0,
        illustrative=True,
    ),
    _percent_spec(
        "stop_loss_share",
        "Payer's share above the threshold",
        ILLUSTRATIVE_STOP_LOSS_SHARE * 100,
        illustrative=True,
    ),
    _percent_spec(
        "corridor_width",
        "Corridor: band kept by the group (± % of revenue)",
        ILLUSTRATIVE_CORRIDOR_WIDTH * 100,
        20.0,
        illustrative=True,
    ),
    _percent_spec(
        "corridor_share",
        "Corridor: payer's share beyond the band",
        ILLUSTRATIVE_CORRIDOR_SHARE * 100,
        illustrative=True,
    ),
    *PANEL_COUNT_INPUTS,
)

REGION_INPUTS: tuple[InputSpec, ...] = (
    InputSpec(
        "budget_millions",
        "Budget to share ($ million)",
        ILLUSTRATIVE_BUDGET / 1e6,
        "number",
        "",
        100.0,
        100_000.0,
        100.0,
        0,
        illustrative=True,
    ),
    InputSpec("method", "Allocate", "needs", "choice", choices=tuple(METHODS.items())),
    _percent_spec(
        "pace",
        "Pace of change toward target",
        ILLUSTRATIVE_PACE * 100,
        illustrative=True,
        help="0% keeps last year's shares; 100% moves straight to the target.",
    ),
    *(
        InputSpec(
            f"weight_{band}",
            f"Cost per head, ages {AGE_BAND_LABELS[band]} (adult = 1)",
            ILLUSTRATIVE_AGE_WEIGHTS[band],
            "number",
            "",
            0.0,
            10.0,
            0.1,
            1,
            illustrative=True,
        )
        for band in AGE_BANDS
    ),
)

INPUTS_BY_TAB: dict[str, tuple[InputSpec, ...]] = {
    "member": MEMBER_INPUTS,
    "panel": PANEL_INPUTS,
    "regions": REGION_INPUTS,
}

# Presets: which tab they open and the inputs they set (links: calc:capitation?preset=chf-85).
PRESETS: dict[str, tuple[str, str, dict[str, object]]] = {
    "healthy-66": ("member", "Healthy 66-year-old", {"age": 66, "sex": "F", "conditions": (), "model": "V24"}),
    "chf-85": (
        "member",
        "85, heart failure + diabetes + COPD",
        {"age": 85, "sex": "F", "conditions": ("HCC85", "HCC19", "HCC111"), "model": "V24", "segment": "CNA"},
    ),
    "two-practices": (
        "panel",
        "Two practices, same size, different patients",
        {count_input_name(p, k): n for p, mix in TWO_PRACTICES.items() for k, n in mix.items()},
    ),
}


def member_defaults(model: str) -> dict[str, object]:
    """Inputs that follow the model when it is switched (the normalization factor is model-specific)."""
    return {"normalization_factor": default_normalization(model)}


@dataclass(frozen=True)
class MemberResult:
    score: RiskScore
    comparison: ModelComparison
    other: RiskScore  # the same member in the other model
    payment: RiskAdjustedPayment


def _codes(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, (tuple, list)) else ()


def compute_member(values: Mapping[str, object]) -> MemberResult:
    """Risk score, the V24/V28 comparison and the monthly payment for the Member tab's inputs."""
    checked = validate_inputs(MEMBER_INPUTS, values)
    model = str(checked["model"])
    comparison = compare_models(
        int(_number(checked, "age")),
        str(checked["sex"]),
        _codes(checked["conditions"]),
        model=model,
        segment=str(checked["segment"]),
    )
    score, other = (comparison.v24, comparison.v28) if model == "V24" else (comparison.v28, comparison.v24)
    payment = risk_adjusted_payment(
        score.total,
        benchmark_pmpm=_number(checked, "benchmark_pmpm"),
        normalization_factor=_number(checked, "normalization_factor"),
        coding_adjustment=_number(checked, "coding_adjustment") / 100,
    )
    return MemberResult(score, comparison, other, payment)


def switch_model(values: Mapping[str, object], new_model: str) -> tuple[dict[str, object], tuple[str, ...]]:
    """The Member tab's inputs after switching model: conditions carried across, the matching normalization."""
    checked = validate_inputs(MEMBER_INPUTS, values)
    old_model = str(checked["model"])
    carried = translate_conditions(_codes(checked["conditions"]), old_model, new_model)
    updated = dict(checked)
    updated["model"] = new_model
    updated["conditions"] = carried.conditions
    if abs(_number(checked, "normalization_factor") - default_normalization(old_model)) < 1e-9:
        updated["normalization_factor"] = default_normalization(new_model)
    return updated, carried.notes


CATASTROPHIC_LABEL = "Catastrophic case (man, 70)"


@cache
def _profile_scores(model: str) -> tuple[tuple[float, ...], float]:
    """Each member type's raw score under ``model``, and a catastrophic case's (the tables are fixed per run)."""
    from healthalloc.core.capitation.hcc import risk_score

    scores = tuple(risk_score(p.age, p.sex, p.conditions(model), model=model).total for p in PROFILES)
    # No diagnoses known in advance, so only the age/sex factor: the surprise is what stop-loss insures.
    return scores, risk_score(70, "M", [], model=model).total


def _practice_columns(
    counts: Mapping[str, int], model: str, catastrophic_cases: int, catastrophic_cost: float
) -> tuple[list[str], list[float], list[int], list[float]]:
    """One practice's panel as columns: labels, risk scores, member counts and annual costs (NaN: as expected)."""
    scores, catastrophic_score = _profile_scores(model)
    labels = [p.label for p in PROFILES]
    risk = list(scores)
    members = [int(counts.get(p.key, 0)) for p in PROFILES]
    costs = [float("nan")] * len(PROFILES)
    if catastrophic_cases:
        labels.append(CATASTROPHIC_LABEL)
        risk.append(catastrophic_score)
        members.append(int(catastrophic_cases))
        costs.append(float(catastrophic_cost))
    return labels, risk, members, costs


def practice_panel(
    counts: Mapping[str, int], model: str, catastrophic_cases: int, catastrophic_cost: float
) -> pd.DataFrame:
    """One practice's panel as a DataFrame (one row per member type), scored with ``model``."""
    import pandas as pd

    labels, risk, members, costs = _practice_columns(counts, model, catastrophic_cases, catastrophic_cost)
    return pd.DataFrame({"label": labels, "count": members, "risk_score": risk, "annual_cost": costs})


@dataclass(frozen=True)
class PanelTabResult:
    practices: dict[str, PanelResult]  # as paid (risk-adjusted or flat, per the input)
    flat: dict[str, PanelResult]  # the same practices paid a flat rate
    adjusted: dict[str, PanelResult]  # … and paid risk-adjusted rates
    risk_adjusted: bool
    flat_score: float  # the raw score the flat rate pays for every member


def _in_order(values: list[float]) -> float:
    """Add in order (as pandas adds a column of fewer than eight values)."""
    total = 0.0
    for value in values:
        total += value
    return total


def _number(values: Mapping[str, object], name: str) -> float:
    value = values[name]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a number, not {value!r}")
    return float(value)


def compute_panel(values: Mapping[str, object]) -> PanelTabResult:
    """Both practices' finances, paid flat and risk-adjusted, under the chosen risk-sharing terms.

    The flat rate pays every member the average raw score of both practices together, so flat and risk-adjusted
    payment spend the same total: only the split between the practices changes.
    """
    checked = validate_inputs(PANEL_INPUTS, values)
    model = str(checked["model"])
    terms = RiskSharingTerms(
        stop_loss_threshold=_number(checked, "stop_loss_threshold"),
        stop_loss_share=_number(checked, "stop_loss_share") / 100,
        corridor_width=_number(checked, "corridor_width") / 100,
        corridor_share=_number(checked, "corridor_share") / 100,
    )
    # Plain columns, not DataFrames: this runs at every step of a dragged slider.
    panels = {
        practice: _practice_columns(
            {p.key: int(_number(checked, count_input_name(practice, p.key))) for p in PROFILES},
            model,
            int(_number(checked, "catastrophic_cases")),
            _number(checked, "catastrophic_cost"),
        )
        for practice in PRACTICES
    }
    members = sum(float(sum(counts)) for _labels, _risk, counts, _costs in panels.values())
    weighted = sum(
        _in_order([n * s for s, n in zip(risk, counts, strict=True)])
        for _labels, risk, counts, _costs in panels.values()
    )
    flat_score = weighted / members if members else 1.0
    results: dict[bool, dict[str, PanelResult]] = {True: {}, False: {}}
    for practice, columns in panels.items():
        for adjusted in (True, False):
            results[adjusted][practice] = panel_finances_from_columns(
                *columns,
                benchmark_pmpm=_number(checked, "benchmark_pmpm"),
                normalization_factor=_number(checked, "normalization_factor"),
                coding_adjustment=_number(checked, "coding_adjustment") / 100,
                cost_pmpm_at_1=_number(checked, "cost_pmpm_at_1"),
                cost_ratio=_number(checked, "cost_ratio") / 100,
                risk_adjusted=adjusted,
                flat_score=flat_score,
                terms=terms,
                arrangement=str(checked["arrangement"]),
            )
    chosen = bool(checked["risk_adjusted"])
    return PanelTabResult(results[chosen], results[False], results[True], chosen, round(flat_score, 3))


@dataclass(frozen=True)
class RegionsTabResult:
    allocation: RegionAllocation
    by_method: Table  # see regions.allocation_by_method


def compute_regions(values: Mapping[str, object]) -> RegionsTabResult:
    """The chosen allocation and, for the chart, every method's per-person allocation."""
    checked = validate_inputs(REGION_INPUTS, values)
    weights = {band: _number(checked, f"weight_{band}") for band in AGE_BANDS}
    budget = _number(checked, "budget_millions") * 1e6
    pace = _number(checked, "pace") / 100
    regions = load_regions()  # once, not once per method
    allocation = allocate_regions(
        regions, budget=budget, method=str(checked["method"]), pace=pace, age_weights=weights
    )
    by_method = per_person_by_method(regions, budget=budget, pace=pace, age_weights=weights)
    return RegionsTabResult(allocation, by_method)
