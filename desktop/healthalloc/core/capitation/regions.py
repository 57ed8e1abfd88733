"""Splitting a fixed budget between regions: by headcount, by past spending, or by need (weighted capitation).

Need-weighted population, as in NHS England's weighted capitation formula (fact sheet §4.4; the exact NHS weights
are not used here):

    weighted population = (Σ age band population × age-cost weight) × additional-need index × unavoidable-cost factor
    target share        = weighted population ÷ Σ weighted population
    target              = budget × target share

"Pace of change" moves each region part of the way from where it is now (last year's spending, scaled to the new
budget) toward its target: ``allocation = baseline + pace × (target − baseline)``. Amounts are split in whole
cents (largest remainder), so they add up to the budget exactly.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from healthalloc.core.checks import check_count, check_fraction, check_number
from healthalloc.core.explain import Explanation, Step, money, percent
from healthalloc.core.resources import data_file
from healthalloc.core.table import Table

if TYPE_CHECKING:
    import pandas as pd

METHODS: dict[str, str] = {
    "population": "By population",
    "past_spending": "By past spending",
    "needs": "By need (weighted capitation)",
}
AGE_BANDS: tuple[str, ...] = ("0_17", "18_64", "65_plus")
AGE_BAND_LABELS: dict[str, str] = {"0_17": "0–17", "18_64": "18–64", "65_plus": "65 and over"}
# Illustrative relative cost per head by age (18–64 = 1.0): the shape, older people costing several times more,
# is real; the numbers are made up for the course.
ILLUSTRATIVE_AGE_WEIGHTS: dict[str, float] = {"0_17": 0.5, "18_64": 1.0, "65_plus": 2.8}
ILLUSTRATIVE_BUDGET = 10_500_000_000.0
ILLUSTRATIVE_PACE = 0.25
REGIONS_FILE = "regions_illustrative.csv"
# Bounds that keep every sum finite and exact to the cent: an age-cost weight of 0 leaves the age group out.
MIN_AGE_WEIGHT = 0.001
MAX_AGE_WEIGHT = 1_000.0
MAX_CENTS = 10**15  # $10 trillion, the largest budget


@dataclass(frozen=True)
class Region:
    name: str
    description: str
    population: Mapping[str, int]  # by age band
    additional_need_index: float
    unavoidable_cost_factor: float
    past_spending: float

    @property
    def total_population(self) -> int:
        return sum(self.population.values())


@dataclass(frozen=True)
class RegionAllocation:
    method: str
    budget: float
    pace: float
    table: Table  # one row per region (the columns are listed in ``allocate_regions``)
    equity_ratio: float  # highest ÷ lowest allocation per need-weighted person
    explanation: Explanation

    @cached_property
    def frame(self) -> pd.DataFrame:
        """:attr:`table` as a DataFrame (made on first use: imports pandas)."""
        return self.table.to_frame()


def load_regions(name: str = REGIONS_FILE) -> tuple[Region, ...]:
    """The illustrative regions shipped in ``content/data`` (made-up places; see the sidecar)."""
    with data_file(name).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return tuple(
        Region(
            name=row["region"],
            description=row["description"],
            population={band: int(row[f"population_{band}"]) for band in AGE_BANDS},
            additional_need_index=float(row["additional_need_index"]),
            unavoidable_cost_factor=float(row["unavoidable_cost_factor"]),
            past_spending=float(row["past_spending"]),
        )
        for row in rows
    )


def split_cents(total_cents: int, weights: Sequence[float]) -> list[int]:
    """Split ``total_cents`` in proportion to ``weights`` with the largest-remainder method; sums exactly."""
    total = check_count("The amount to split (in cents)", total_cents, maximum=MAX_CENTS)
    if isinstance(weights, (str, bytes, Mapping)) or not isinstance(weights, Iterable):
        raise ValueError(f"The weights must be a list of numbers, one per region, not {weights!r}")
    shares = [check_number("Each region's weight", w, minimum=0.0, maximum=1e100) for w in weights]
    weight_sum = math.fsum(shares)
    if weight_sum <= 0:
        raise ValueError("At least one region needs a positive weight to share the budget")
    if weight_sum < 1e-280:  # weights this small lose their digits in total × weight: scale them up (exactly)
        shares = [math.ldexp(w, 600) for w in shares]
        weight_sum = math.fsum(shares)
    exact = [total * w / weight_sum for w in shares]
    floors = [math.floor(x) for x in exact]
    short = total - sum(floors)
    order = sorted(range(len(shares)), key=lambda i: (floors[i] - exact[i], i))
    for i in order[:short] if short >= 0 else order[short:]:  # a rounding error can leave a cent too many
        floors[i] += 1 if short >= 0 else -1
    return floors


def weighted_population(region: Region, age_weights: Mapping[str, float]) -> float:
    age_weighted = math.fsum(region.population[band] * age_weights[band] for band in AGE_BANDS)
    return age_weighted * region.additional_need_index * region.unavoidable_cost_factor


def _check_regions(regions: Sequence[Region], age_weights: Mapping[str, float]) -> None:
    if not regions:
        raise ValueError("Enter at least one region")
    for band in AGE_BANDS:
        label = f"The cost weight for ages {AGE_BAND_LABELS[band]}"
        weight = check_number(label, age_weights.get(band), minimum=0.0, maximum=MAX_AGE_WEIGHT)
        if 0 < weight < MIN_AGE_WEIGHT:  # so small the need-weighted populations round to nobody
            raise ValueError(f"{label} must be 0 or at least {MIN_AGE_WEIGHT:g} (got {weight:g})")
    for region in regions:
        check_number(
            f"{region.name}: additional-need index", region.additional_need_index, minimum=0.0, maximum=100.0
        )
        check_number(
            f"{region.name}: unavoidable-cost factor", region.unavoidable_cost_factor, minimum=0.0, maximum=100.0
        )
        check_number(f"{region.name}: past spending", region.past_spending, minimum=0.0, maximum=1e13)
        for band, count in region.population.items():
            check_number(f"{region.name}: population {AGE_BAND_LABELS[band]}", count, minimum=0, maximum=1e10)


def allocate_regions(
    regions: Sequence[Region] | None = None,
    *,
    budget: float = ILLUSTRATIVE_BUDGET,
    method: str = "needs",
    pace: float = ILLUSTRATIVE_PACE,
    age_weights: Mapping[str, float] | None = None,
) -> RegionAllocation:
    """Split ``budget`` between ``regions`` by ``method`` with a pace-of-change step (see the module docstring).

    The table's columns: ``region``, ``population``, ``weighted_population``, ``need_index``, ``past_spending``,
    ``baseline``, ``target``, ``allocation`` (dollars), ``allocation_cents``, ``share`` (of the budget),
    ``per_person``, ``per_weighted_person``, ``distance_from_target`` and ``distance_from_target_pct`` (empty
    where the divisor is 0).
    """
    regions = tuple(regions) if regions is not None else load_regions()
    split = _split_budget(regions, budget, method, pace, age_weights)
    budget, pace, weights = split.budget, split.pace, split.weights
    population, need, past = split.population, split.need, split.past
    baseline, target, allocation = split.baseline, split.target, split.allocation

    mean_need_per_head = math.fsum(need) / math.fsum(population)
    dollars = [a / 100 for a in allocation]
    targets = [t / 100 for t in target]
    weighted = [round(n, 1) for n in need]
    heads = [r.total_population for r in regions]
    distance = [a - t for a, t in zip(dollars, targets, strict=True)]
    columns: dict[str, list[Any]] = {
        "region": [r.name for r in regions],
        "population": heads,
        "weighted_population": weighted,
        "need_index": [(n / p / mean_need_per_head) if p else 0.0 for n, p in zip(need, population, strict=True)],
        "past_spending": past,
        "baseline": [b / 100 for b in baseline],
        "target": targets,
        "allocation": dollars,
        "allocation_cents": allocation,
        "share": [a / budget if budget else 0.0 for a in dollars],
        "per_person": _divide(dollars, heads),
        "per_weighted_person": _divide(dollars, weighted),
        "distance_from_target": distance,
        "distance_from_target_pct": _divide(distance, targets),
    }
    equity = _equity_ratio(columns)
    explanation = _explain(method, budget, pace, weights, columns, equity, regions[0])
    return RegionAllocation(method, budget, pace, Table.from_columns(columns), equity, explanation)


def _divide(values: Sequence[float], divisors: Sequence[float]) -> list[float]:
    """Each value ÷ its divisor; NaN where the divisor is not above 0 (an empty cell, as the DataFrame had)."""
    return [v / d if d > 0 else math.nan for v, d in zip(values, divisors, strict=True)]


def _equity_ratio(columns: Mapping[str, Sequence[Any]]) -> float:
    """Highest ÷ lowest allocation per need-weighted person. A region given nothing counts as given one cent, the
    least a split in whole cents can give, so the ratio stays a (huge) number instead of infinity."""
    rows = [(a, w) for a, w in zip(columns["allocation"], columns["weighted_population"], strict=True) if w > 0]
    if not rows or not any(a > 0 for a, _w in rows):  # no need to compare, or no money: every region is equal
        return 1.0
    per_need = [max(a, 0.01) / w for a, w in rows]
    return float(max(per_need) / min(per_need))


def _present(values: Iterable[float]) -> list[float]:
    return [v for v in values if not math.isnan(v)]


@dataclass(frozen=True)
class _Split:
    """The budget split in whole cents, with the checked inputs (plain lists: no DataFrame)."""

    budget: float
    pace: float
    weights: dict[str, float]
    population: list[float]
    need: list[float]
    past: list[float]
    baseline: list[int]
    target: list[int]
    allocation: list[int]

    def per_person(self, regions: Sequence[Region]) -> list[float]:
        """Allocation per person in each region (NaN where nobody lives), as ``allocate_regions``' frame has it."""
        return [
            a / 100 / r.total_population if r.total_population > 0 else math.nan
            for a, r in zip(self.allocation, regions, strict=True)
        ]


def _split_budget(
    regions: Sequence[Region], budget: float, method: str, pace: float, age_weights: Mapping[str, float] | None
) -> _Split:
    weights = dict(age_weights or ILLUSTRATIVE_AGE_WEIGHTS)
    _check_regions(regions, weights)
    budget = check_number("The budget", budget, minimum=0.0, maximum=1e13)
    pace = check_fraction("The pace of change", pace)
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(f"Unknown allocation method {method!r}: choose one of {', '.join(METHODS)}")
    budget_cents = round(budget * 100)

    population = [float(r.total_population) for r in regions]
    need = [weighted_population(r, weights) for r in regions]
    past = [r.past_spending for r in regions]
    if math.fsum(population) <= 0:
        raise ValueError("The regions have no population to share the budget between")
    if math.fsum(need) <= 0:  # every cost weight at zero: nothing to divide by
        raise ValueError("Give at least one age group a cost per head above zero")
    basis = {"population": population, "past_spending": past, "needs": need}[method]
    target = split_cents(budget_cents, basis)
    baseline = split_cents(budget_cents, past) if math.fsum(past) > 0 else target
    # Stepping every region the same fraction of its gap keeps the total at the budget; split_cents repairs the
    # rounding so the regions still add up to the cent.
    stepped = [b + pace * (t - b) for b, t in zip(baseline, target, strict=True)]
    allocation = split_cents(budget_cents, stepped) if math.fsum(stepped) > 0 else target
    return _Split(budget, pace, weights, population, need, past, baseline, target, allocation)


def allocation_by_method(
    regions: Sequence[Region] | None = None,
    *,
    budget: float = ILLUSTRATIVE_BUDGET,
    pace: float = ILLUSTRATIVE_PACE,
    age_weights: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Per-person allocation of every region under each method (rows: regions; columns: methods), for the chart.

    The population and past-spending columns are the full targets; "needs_target" is the needs-based target and
    "needs_paced" the allocation after this year's pace-of-change step.
    """
    return per_person_by_method(regions, budget=budget, pace=pace, age_weights=age_weights).to_frame()


def per_person_by_method(
    regions: Sequence[Region] | None = None,
    *,
    budget: float = ILLUSTRATIVE_BUDGET,
    pace: float = ILLUSTRATIVE_PACE,
    age_weights: Mapping[str, float] | None = None,
) -> Table:
    """:func:`allocation_by_method` without pandas (what the calculator page draws)."""
    regions = tuple(regions) if regions is not None else load_regions()
    # Only the per-person column of each split is needed: no table (or explanation) per method.
    columns: dict[str, list[Any]] = {}
    for method in METHODS:
        split = _split_budget(regions, budget, method, 1.0, age_weights)
        columns["region"] = [r.name for r in regions]
        columns[method if method != "needs" else "needs_target"] = split.per_person(regions)
    columns["needs_paced"] = _split_budget(regions, budget, "needs", pace, age_weights).per_person(regions)
    return Table.from_columns(columns)


def _explain(
    method: str,
    budget: float,
    pace: float,
    weights: Mapping[str, float],
    columns: Mapping[str, Sequence[Any]],
    equity: float,
    example: Region,
) -> Explanation:
    first = {name: values[0] for name, values in columns.items()}
    basis_formula = {
        "population": "region population ÷ total population",
        "past_spending": "region's past spending ÷ total past spending",
        "needs": "need-weighted population ÷ total need-weighted population",
    }[method]
    weights_text = " + ".join(f"{example.population[b]:,} × {weights[b]:g}" for b in AGE_BANDS)
    steps = []
    if method == "needs":
        steps.append(
            Step(
                title="Need-weighted population",
                formula="(Σ people × age-cost weight) × additional-need index × unavoidable-cost factor",
                substituted=f"({weights_text}) × {example.additional_need_index:g} × {example.unavoidable_cost_factor:g}",
                result=f"{first['weighted_population']:,.0f}",
                sentence="Older, sicker or costlier-to-serve populations count for more than their headcount.",
            )
        )
    target_share = first["target"] / budget if budget else 0.0
    per_need = _present(columns["per_weighted_person"])
    column = {"population": "population", "past_spending": "past_spending", "needs": "weighted_population"}[method]

    def show(value: object) -> str:
        number = float(value)  # type: ignore[arg-type]
        return money(number, 0) if method == "past_spending" else f"{number:,.0f}"

    steps += [
        Step(
            title="Target share",
            formula=basis_formula,
            substituted=f"{show(first[column])} ÷ {show(sum(columns[column]))}",
            result=percent(target_share, 2),
            sentence=f"{METHODS[method]}: {first['region']}'s fair share under this rule.",
        ),
        Step(
            title="Target",
            formula="budget × target share",
            substituted=f"{money(budget, 0)} × {percent(target_share, 2)}",
            result=money(float(first["target"]), 0),
        ),
        Step(
            title="Pace of change",
            formula="last year's spending scaled to the budget + pace × (target − that baseline)",
            substituted=f"{money(float(first['baseline']), 0)} + {percent(pace, 0)} × "
            f"({money(float(first['target']), 0)} − {money(float(first['baseline']), 0)})",
            result=money(float(first["allocation"]), 0),
            sentence="Moving straight to target could close services in regions above it, so the gap is closed "
            "a step at a time.",
        ),
        Step(
            title="Equity check",
            formula="highest ÷ lowest allocation per need-weighted person",
            substituted=" ÷ ".join(
                f"{money(v, 0)}" for v in (max(per_need, default=math.nan), min(per_need, default=math.nan))
            ),
            result=f"{equity:.2f}",
            sentence="1.00 means every region gets the same money for the same need.",
        ),
    ]
    gaps = [0.0 if math.isnan(v) else abs(v) for v in columns["distance_from_target_pct"]]
    farthest = {name: values[gaps.index(max(gaps))] for name, values in columns.items()}
    gap = float(farthest["distance_from_target_pct"])
    where = (
        "Every region is at its target."
        if not abs(gap) >= 0.0005  # NaN when every target is $0 (a $0 budget): all are at target
        else f"{farthest['region']} is farthest from its target ({percent(abs(gap), 1)} "
        f"{'above' if gap > 0 else 'below'})."
    )
    summary = (
        f"{METHODS[method]} with a {percent(pace, 0)} pace of change: {first['region']} receives "
        f"{money(float(first['allocation']), 0)} ({money(float(first['per_person']), 0)} per person). {where}"
    )
    return Explanation(
        title=f"Regional allocation (worked for {first['region']})",
        steps=tuple(steps),
        summary=summary,
        sources=(
            "Method: NHS England weighted capitation (Fair Shares guide); regions, weights and budget are "
            "illustrative",
        ),
    )
