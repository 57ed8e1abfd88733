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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from healthalloc.core.checks import check_fraction, check_number
from healthalloc.core.explain import Explanation, Step, money, percent
from healthalloc.core.resources import data_file

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
    frame: pd.DataFrame  # one row per region
    equity_ratio: float  # highest ÷ lowest allocation per need-weighted person
    explanation: Explanation


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
    weight_sum = math.fsum(weights)
    if weight_sum <= 0:
        raise ValueError("At least one region needs a positive weight to share the budget")
    exact = [total_cents * w / weight_sum for w in weights]
    floors = [math.floor(x) for x in exact]
    short = total_cents - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (floors[i] - exact[i], i))
    for i in order[:short]:
        floors[i] += 1
    return floors


def weighted_population(region: Region, age_weights: Mapping[str, float]) -> float:
    age_weighted = math.fsum(region.population[band] * age_weights[band] for band in AGE_BANDS)
    return age_weighted * region.additional_need_index * region.unavoidable_cost_factor


def _check_regions(regions: Sequence[Region], age_weights: Mapping[str, float]) -> None:
    if not regions:
        raise ValueError("Enter at least one region")
    for band in AGE_BANDS:
        check_number(f"The cost weight for ages {AGE_BAND_LABELS[band]}", age_weights.get(band), minimum=0.0)
    for region in regions:
        check_number(f"{region.name}: additional-need index", region.additional_need_index, minimum=0.0)
        check_number(f"{region.name}: unavoidable-cost factor", region.unavoidable_cost_factor, minimum=0.0)
        check_number(f"{region.name}: past spending", region.past_spending, minimum=0.0)
        for band, count in region.population.items():
            check_number(f"{region.name}: population {AGE_BAND_LABELS[band]}", count, minimum=0)


def allocate_regions(
    regions: Sequence[Region] | None = None,
    *,
    budget: float = ILLUSTRATIVE_BUDGET,
    method: str = "needs",
    pace: float = ILLUSTRATIVE_PACE,
    age_weights: Mapping[str, float] | None = None,
) -> RegionAllocation:
    """Split ``budget`` between ``regions`` by ``method`` with a pace-of-change step (see the module docstring)."""
    import pandas as pd

    regions = tuple(regions) if regions is not None else load_regions()
    weights = dict(age_weights or ILLUSTRATIVE_AGE_WEIGHTS)
    _check_regions(regions, weights)
    budget = check_number("The budget", budget, minimum=0.0, maximum=1e13)
    pace = check_fraction("The pace of change", pace)
    if method not in METHODS:
        raise ValueError(f"Unknown allocation method {method!r}: choose one of {', '.join(METHODS)}")
    budget_cents = round(budget * 100)

    population = [float(r.total_population) for r in regions]
    need = [weighted_population(r, weights) for r in regions]
    past = [r.past_spending for r in regions]
    if math.fsum(population) <= 0:
        raise ValueError("The regions have no population to share the budget between")
    basis = {"population": population, "past_spending": past, "needs": need}[method]
    target = split_cents(budget_cents, basis)
    baseline = split_cents(budget_cents, past) if math.fsum(past) > 0 else target
    # Stepping every region the same fraction of its gap keeps the total at the budget; split_cents repairs the
    # rounding so the regions still add up to the cent.
    stepped = [b + pace * (t - b) for b, t in zip(baseline, target, strict=True)]
    allocation = split_cents(budget_cents, stepped) if math.fsum(stepped) > 0 else target

    mean_need_per_head = math.fsum(need) / math.fsum(population)
    frame = pd.DataFrame(
        {
            "region": [r.name for r in regions],
            "population": [r.total_population for r in regions],
            "weighted_population": [round(n, 1) for n in need],
            "need_index": [
                (n / p / mean_need_per_head) if p else 0.0 for n, p in zip(need, population, strict=True)
            ],
            "past_spending": past,
            "baseline": [b / 100 for b in baseline],
            "target": [t / 100 for t in target],
            "allocation": [a / 100 for a in allocation],
            "allocation_cents": allocation,
        }
    )
    frame["share"] = frame["allocation"] / budget if budget else 0.0
    frame["per_person"] = frame["allocation"] / frame["population"].where(frame["population"] > 0)
    frame["per_weighted_person"] = frame["allocation"] / frame["weighted_population"].where(
        frame["weighted_population"] > 0
    )
    frame["distance_from_target"] = frame["allocation"] - frame["target"]
    frame["distance_from_target_pct"] = frame["distance_from_target"] / frame["target"].where(frame["target"] > 0)
    per_need = frame["per_weighted_person"].dropna()
    equity = float(per_need.max() / per_need.min()) if len(per_need) and per_need.min() > 0 else math.inf
    explanation = _explain(method, budget, pace, weights, frame, equity, regions[0])
    return RegionAllocation(method, budget, pace, frame, equity, explanation)


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
    import pandas as pd

    regions = tuple(regions) if regions is not None else load_regions()
    columns: dict[str, object] = {}
    for method in METHODS:
        result = allocate_regions(regions, budget=budget, method=method, pace=1.0, age_weights=age_weights)
        columns["region"] = result.frame["region"]
        columns[method if method != "needs" else "needs_target"] = result.frame["per_person"]
    paced = allocate_regions(regions, budget=budget, method="needs", pace=pace, age_weights=age_weights)
    columns["needs_paced"] = paced.frame["per_person"]
    return pd.DataFrame(columns)


def _explain(
    method: str,
    budget: float,
    pace: float,
    weights: Mapping[str, float],
    frame: pd.DataFrame,
    equity: float,
    example: Region,
) -> Explanation:
    first = frame.iloc[0]
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
    column = {"population": "population", "past_spending": "past_spending", "needs": "weighted_population"}[method]

    def show(value: object) -> str:
        number = float(value)  # type: ignore[arg-type]
        return money(number, 0) if method == "past_spending" else f"{number:,.0f}"

    steps += [
        Step(
            title="Target share",
            formula=basis_formula,
            substituted=f"{show(first[column])} ÷ {show(frame[column].sum())}",
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
                f"{money(v, 0)}" for v in (frame["per_weighted_person"].max(), frame["per_weighted_person"].min())
            ),
            result=f"{equity:.2f}",
            sentence="1.00 means every region gets the same money for the same need.",
        ),
    ]
    farthest = frame.iloc[int(frame["distance_from_target_pct"].abs().fillna(0).to_numpy().argmax())]
    gap = float(farthest["distance_from_target_pct"])
    where = (
        "Every region is at its target."
        if abs(gap) < 0.0005
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
