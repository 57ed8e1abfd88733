"""A provider group's capitated panel: revenue, expected and actual cost, margin, and who bears the risk.

    monthly capitation = Σ members × benchmark PMPM × payment score        (payment score: see ``payment.py``)
    expected cost      = Σ members × risk score × monthly cost of a 1.0 member × 12
    margin             = annual capitation − actual cost

Risk sharing moves part of a loss (or gain) from the provider group to the payer:

- **full risk**: the group keeps every gain and pays every loss;
- **stop-loss**: for each member whose annual cost passes a threshold, the payer pays a share of the excess;
- **symmetric risk corridor**: gains or losses within ± a band (a % of revenue) stay with the group; beyond it the
  payer shares the excess loss, and the group hands back the same share of an excess gain.

The panel is a DataFrame with one row per member or per member type: ``risk_score`` (required), ``count``
(default 1), ``label`` and ``annual_cost`` (actual cost per member for the year; where absent or empty, expected
cost × the cost ratio). pandas is imported inside the functions so importing this package stays cheap.
:func:`panel_finances_from_columns` takes the same panel as plain lists: the arithmetic is plain Python and the
result's rows are a :class:`~healthalloc.core.table.Table` (``PanelResult.frame`` makes the DataFrame when it is
asked for), so the calculator page, redrawn at every step of a slider, never needs pandas.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from healthalloc.core.capitation.payment import (
    CODING_ADJUSTMENT,
    ILLUSTRATIVE_BENCHMARK_PMPM,
    round3,
)
from healthalloc.core.checks import check_fraction, check_number
from healthalloc.core.explain import Explanation, Step, money, percent
from healthalloc.core.table import Table

if TYPE_CHECKING:
    import pandas as pd

ARRANGEMENTS: dict[str, str] = {
    "full": "Full risk",
    "stop_loss": "Stop-loss",
    "corridor": "Risk corridor",
}
# Illustrative defaults: contracts set their own. Labelled as illustrative wherever they are shown.
ILLUSTRATIVE_COST_PMPM_AT_1 = 1000.0
ILLUSTRATIVE_STOP_LOSS_THRESHOLD = 100_000.0
ILLUSTRATIVE_STOP_LOSS_SHARE = 0.8
ILLUSTRATIVE_CORRIDOR_WIDTH = 0.03
ILLUSTRATIVE_CORRIDOR_SHARE = 0.5


@dataclass(frozen=True)
class RiskSharingTerms:
    stop_loss_threshold: float = ILLUSTRATIVE_STOP_LOSS_THRESHOLD  # annual cost per member, $
    stop_loss_share: float = ILLUSTRATIVE_STOP_LOSS_SHARE  # payer's share of cost above the threshold
    corridor_width: float = ILLUSTRATIVE_CORRIDOR_WIDTH  # band as a fraction of annual capitation
    corridor_share: float = ILLUSTRATIVE_CORRIDOR_SHARE  # payer's share of a loss (or gain) beyond the band

    def __post_init__(self) -> None:
        check_number("The stop-loss threshold", self.stop_loss_threshold, minimum=0.0)
        check_fraction("The payer's share above the stop-loss threshold", self.stop_loss_share)
        check_number("The corridor width", self.corridor_width, minimum=0.0, maximum=1.0)
        check_fraction("The payer's share beyond the corridor", self.corridor_share)


@dataclass(frozen=True)
class ArrangementResult:
    arrangement: str
    name: str
    settlement: float  # paid by the payer to the group after the year (negative: the group pays back)
    provider_margin: float  # margin before sharing + settlement
    provider_bears: float  # the group's loss after sharing (negative: a surplus it keeps)
    payer_bears: float  # what the payer adds on top of capitation (negative: what it takes back)
    sentence: str


@dataclass(frozen=True)
class PanelResult:
    table: Table  # one row per member or member type
    members: int
    average_risk_score: float
    monthly_capitation: float
    annual_capitation: float
    expected_cost: float
    actual_cost: float
    margin_before_sharing: float
    arrangement: str
    arrangements: dict[str, ArrangementResult]
    risk_bearer: str
    explanation: Explanation

    @property
    def selected(self) -> ArrangementResult:
        return self.arrangements[self.arrangement]

    @cached_property
    def frame(self) -> pd.DataFrame:
        """:attr:`table` as a DataFrame (made on first use: imports pandas)."""
        return self.table.to_frame()


def _check_panel(panel: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    if "risk_score" not in panel.columns:
        raise ValueError("The panel needs a 'risk_score' column: one score per member or member type")
    frame = pd.DataFrame(index=range(len(panel)))
    raw = panel.reset_index(drop=True)
    frame["label"] = (
        raw["label"].astype(str) if "label" in raw.columns else [f"Member {i + 1}" for i in range(len(raw))]
    )
    for column, label in (("risk_score", "risk score"), ("count", "member count"), ("annual_cost", "annual cost")):
        if column not in raw.columns:
            continue
        values = pd.to_numeric(raw[column], errors="coerce")
        # An empty annual cost means "as expected"; anything else must be a finite number ≥ 0.
        missing_ok = raw[column].isna() if column == "annual_cost" else values.isna() & False
        finite = values.map(lambda v: v == v and abs(v) != float("inf"))
        bad = ~missing_ok & (values.isna() | (values < 0) | ~finite)
        if bad.any():
            row = int(bad.to_numpy().argmax())
            name = str(frame["label"].iloc[row])
            raise ValueError(f"Row {row + 1} ({name}): the {label} must be a number ≥ 0")
        frame[column] = values.astype(float)
    frame["count"] = frame["count"] if "count" in frame.columns else 1.0
    if (frame["count"] % 1 != 0).any():
        raise ValueError("Member counts must be whole numbers")
    frame["count"] = frame["count"].astype(int)
    if int(frame["count"].sum()) == 0:
        raise ValueError("The panel has no members: enter at least one member")
    return frame


def panel_finances(
    panel: pd.DataFrame,
    *,
    benchmark_pmpm: float = ILLUSTRATIVE_BENCHMARK_PMPM,
    normalization_factor: float = 1.067,
    coding_adjustment: float = CODING_ADJUSTMENT,
    cost_pmpm_at_1: float = ILLUSTRATIVE_COST_PMPM_AT_1,
    cost_ratio: float = 1.0,
    risk_adjusted: bool = True,
    flat_score: float = 1.0,
    terms: RiskSharingTerms | None = None,
    arrangement: str = "full",
) -> PanelResult:
    """A year of a capitated panel under full risk, stop-loss and a risk corridor (see the module docstring).

    ``risk_adjusted=False`` pays every member as if their raw score were ``flat_score`` (a flat rate; pass the
    average score of the payer's whole population to spend the same total), to show what risk adjustment changes.
    ``cost_ratio`` scales actual cost against expected (1.1 = a bad year, 10% over).
    """
    _check_terms(benchmark_pmpm, normalization_factor, coding_adjustment, cost_pmpm_at_1, cost_ratio, arrangement)
    frame = _check_panel(panel)
    return panel_finances_from_columns(
        frame["label"].tolist(),
        frame["risk_score"].tolist(),
        frame["count"].tolist(),
        frame["annual_cost"].tolist() if "annual_cost" in frame.columns else None,
        benchmark_pmpm=benchmark_pmpm,
        normalization_factor=normalization_factor,
        coding_adjustment=coding_adjustment,
        cost_pmpm_at_1=cost_pmpm_at_1,
        cost_ratio=cost_ratio,
        risk_adjusted=risk_adjusted,
        flat_score=flat_score,
        terms=terms,
        arrangement=arrangement,
    )


def _check_terms(
    benchmark_pmpm: float,
    normalization_factor: float,
    coding_adjustment: float,
    cost_pmpm_at_1: float,
    cost_ratio: float,
    arrangement: str,
) -> tuple[float, float, float, float, float]:
    benchmark = check_number("The benchmark per member per month", benchmark_pmpm, minimum=0.0)
    norm = check_number("The normalization factor", normalization_factor, minimum=0.5, maximum=2.0)
    coding = check_number("The coding adjustment", coding_adjustment, minimum=0.0, maximum=0.5)
    unit_cost = check_number("The monthly cost of a 1.0 member", cost_pmpm_at_1, minimum=0.0)
    ratio = check_number("The actual-to-expected cost ratio", cost_ratio, minimum=0.0, maximum=10.0)
    if arrangement not in ARRANGEMENTS:
        raise ValueError(f"Unknown risk arrangement {arrangement!r}: choose one of {', '.join(ARRANGEMENTS)}")
    return benchmark, norm, coding, unit_cost, ratio


def _check_columns(
    labels: Sequence[str],
    risk_scores: Sequence[float],
    counts: Sequence[int],
    annual_costs: Sequence[float] | None,
) -> None:
    """The checks :func:`_check_panel` makes on a DataFrame, for a panel given as lists."""
    if not len(labels) == len(risk_scores) == len(counts) or (
        annual_costs is not None and len(annual_costs) != len(labels)
    ):
        raise ValueError("The panel's columns must have one value per row")
    checks: list[tuple[str, Sequence[float], bool]] = [
        ("risk score", risk_scores, False),
        ("member count", counts, False),
    ]
    if annual_costs is not None:
        checks.append(("annual cost", annual_costs, True))
    for label, values, missing_ok in checks:
        for row, value in enumerate(values):
            if missing_ok and value != value:
                continue
            if (
                isinstance(value, bool)
                or not isinstance(value, (int, float))
                or not math.isfinite(value)
                or value < 0
            ):
                raise ValueError(f"Row {row + 1} ({labels[row]}): the {label} must be a number ≥ 0")
    if any(count % 1 != 0 for count in counts):
        raise ValueError("Member counts must be whole numbers")
    if sum(int(count) for count in counts) == 0:
        raise ValueError("The panel has no members: enter at least one member")


def _round(value: float, digits: int = 2) -> float:
    """Round as pandas' ``Series.round`` does (scale, round half to even, scale back), so both paths agree."""
    scale = 10.0**digits
    return round(value * scale) / scale


def _total(values: Sequence[float]) -> float:
    """Add as pandas adds a column, to the last bit: in order for fewer than eight values (a calculator's panel);
    numpy's pairwise sum for more (``sum`` itself compensates rounding on newer Pythons, so it is not used)."""
    if len(values) >= 8:
        import numpy as np

        return float(np.sum(np.asarray(values, dtype=float)))
    total = 0.0
    for value in values:
        total += value
    return total


def panel_finances_from_columns(
    labels: Sequence[str],
    risk_scores: Sequence[float],
    counts: Sequence[int],
    annual_costs: Sequence[float] | None = None,
    *,
    benchmark_pmpm: float = ILLUSTRATIVE_BENCHMARK_PMPM,
    normalization_factor: float = 1.067,
    coding_adjustment: float = CODING_ADJUSTMENT,
    cost_pmpm_at_1: float = ILLUSTRATIVE_COST_PMPM_AT_1,
    cost_ratio: float = 1.0,
    risk_adjusted: bool = True,
    flat_score: float = 1.0,
    terms: RiskSharingTerms | None = None,
    arrangement: str = "full",
) -> PanelResult:
    """:func:`panel_finances` for a panel given as columns: one label, risk score and member count per row and,
    optionally, each row's actual annual cost per member (NaN: as expected). Same result, same checks."""
    benchmark, norm, coding, unit_cost, ratio = _check_terms(
        benchmark_pmpm, normalization_factor, coding_adjustment, cost_pmpm_at_1, cost_ratio, arrangement
    )
    terms = terms or RiskSharingTerms()
    _check_columns(labels, risk_scores, counts, annual_costs)
    scores_in = [float(v) for v in risk_scores]
    count_in = [int(v) for v in counts]

    flat = check_number("The flat-rate score", flat_score, minimum=0.0, maximum=100.0)
    scores = scores_in if risk_adjusted else [flat] * len(scores_in)
    payment_score = [round3(s / norm * (1 - coding)) for s in scores]
    payment_pmpm = [_round(benchmark * p) for p in payment_score]
    monthly_rows = [_round(p * n) for p, n in zip(payment_pmpm, count_in, strict=True)]
    annual_rows = [_round(m * 12) for m in monthly_rows]
    expected_rows = [_round(s * unit_cost * 12 * n) for s, n in zip(scores_in, count_in, strict=True)]
    actual_rows = []
    for row, expected in enumerate(expected_rows):
        given = float(annual_costs[row]) * count_in[row] if annual_costs is not None else math.nan
        actual_rows.append(_round(given if given == given else expected * ratio))
    margin_rows = [_round(a - c) for a, c in zip(annual_rows, actual_rows, strict=True)]
    stop_loss_rows = [
        _round(max(cost / (n if n > 0 else 1) - terms.stop_loss_threshold, 0.0) * terms.stop_loss_share * n)
        for cost, n in zip(actual_rows, count_in, strict=True)
    ]

    members = sum(count_in)
    monthly = round(_total(monthly_rows), 2)
    annual = round(_total(annual_rows), 2)
    expected = round(_total(expected_rows), 2)
    actual = round(_total(actual_rows), 2)
    margin = round(annual - actual, 2)
    average = _total([s * n for s, n in zip(scores_in, count_in, strict=True)]) / members

    settlements = {
        "full": 0.0,
        "stop_loss": round(_total(stop_loss_rows), 2),
        "corridor": _corridor_settlement(margin, annual, terms),
    }
    outcomes = {key: _arrangement(key, settlements[key], margin) for key in ARRANGEMENTS}
    chosen = outcomes[arrangement]
    explanation = _explain(
        monthly_rows, expected_rows, benchmark, unit_cost, risk_adjusted, monthly, annual, expected, actual, margin,
        chosen, terms,
    )  # fmt: skip
    columns: dict[str, Sequence[object]] = {
        "label": [str(v) for v in labels],
        "risk_score": scores_in,
        "count": count_in,
    }
    if annual_costs is not None:
        columns["annual_cost"] = [float(v) for v in annual_costs]
    columns.update(
        payment_score=payment_score,
        payment_pmpm=payment_pmpm,
        monthly_capitation=monthly_rows,
        annual_capitation=annual_rows,
        expected_cost=expected_rows,
        actual_cost=actual_rows,
        margin=margin_rows,
        stop_loss_recovery=stop_loss_rows,
    )
    return PanelResult(
        table=Table.from_columns(columns),
        members=members,
        average_risk_score=round(average, 3),
        monthly_capitation=monthly,
        annual_capitation=annual,
        expected_cost=expected,
        actual_cost=actual,
        margin_before_sharing=margin,
        arrangement=arrangement,
        arrangements=outcomes,
        risk_bearer=chosen.sentence,
        explanation=explanation,
    )


def _corridor_settlement(margin: float, revenue: float, terms: RiskSharingTerms) -> float:
    band = terms.corridor_width * revenue
    if abs(margin) <= band:
        return 0.0
    excess = abs(margin) - band
    # A loss beyond the band: the payer pays the group; a gain beyond it: the group pays the payer back.
    return round(terms.corridor_share * excess * (1 if margin < 0 else -1), 2)


def _arrangement(key: str, settlement: float, margin: float) -> ArrangementResult:
    """Split the gap between capitation and cost between the group and the payer."""
    name = ARRANGEMENTS[key]
    provider_margin = round(margin + settlement, 2)
    if abs(margin) < 0.005 and abs(settlement) < 0.005:
        sentence = f"{name}: capitation exactly covers the cost, so there is nothing to share."
        return ArrangementResult(key, name, settlement, provider_margin, 0.0, 0.0, sentence)
    if margin < 0:
        gap = -margin
        provider_part, payer_part = gap - settlement, settlement
        opening = f"costs exceed capitation by {money(gap, 0)}"
        verbs = ("bears", "bears")
    else:
        gap = margin
        provider_part, payer_part = margin + settlement, -settlement
        opening = f"capitation exceeds costs by {money(gap, 0)}"
        verbs = ("keeps", "takes back")
    if abs(settlement) < 0.005:
        split = f"the provider group {verbs[0]} all of it"
    elif gap > 0 and 0 <= provider_part / gap <= 1:
        split = (
            f"the provider group {verbs[0]} {money(provider_part, 0)} ({percent(provider_part / gap, 0)}) "
            f"and the payer {verbs[1]} {money(payer_part, 0)} ({percent(payer_part / gap, 0)})"
        )
    else:
        split = (
            f"the payer's stop-loss payment of {money(settlement, 0)} leaves the provider group with "
            f"{money(provider_margin, 0)}"
        )
    sentence = f"{name}: {opening}; {split}."
    return ArrangementResult(
        key, name, settlement, provider_margin, round(-provider_margin, 2), round(settlement, 2), sentence
    )


def _rows_text(values: Sequence[float], limit: int = 4) -> str:
    parts = [f"{money(float(v), 0)}" for v in values[:limit]]
    if len(values) > limit:
        parts.append(f"… ({len(values) - limit} more rows)")
    return " + ".join(parts)


def _explain(
    monthly_rows: Sequence[float],
    expected_rows: Sequence[float],
    benchmark: float,
    unit_cost: float,
    risk_adjusted: bool,
    monthly: float,
    annual: float,
    expected: float,
    actual: float,
    margin: float,
    chosen: ArrangementResult,
    terms: RiskSharingTerms,
) -> Explanation:
    pay_formula = "members × benchmark × payment score" if risk_adjusted else "members × benchmark × flat score"
    steps = [
        Step(
            title="Monthly capitation",
            formula=f"Σ {pay_formula}",
            substituted=_rows_text(monthly_rows),
            result=money(monthly),
            sentence=f"Each member brings the benchmark ({money(benchmark)}) scaled by their payment score."
            if risk_adjusted
            else "Without risk adjustment every member brings the same amount, however sick.",
        ),
        Step(
            title="Annual capitation",
            formula="monthly capitation × 12",
            substituted=f"{money(monthly)} × 12",
            result=money(annual),
        ),
        Step(
            title="Expected cost",
            formula="Σ members × risk score × cost of a 1.0 member × 12",
            substituted=f"… × {money(unit_cost)} × 12 = " + _rows_text(expected_rows),
            result=money(expected),
            sentence="The risk score predicts each member's cost relative to an average member.",
        ),
        Step(
            title="Margin before risk sharing",
            formula="annual capitation − actual cost",
            substituted=f"{money(annual)} − {money(actual)}",
            result=money(margin),
            sentence="Under capitation the provider group keeps a surplus and pays for an overrun.",
        ),
    ]
    if chosen.arrangement == "stop_loss":
        steps.append(
            Step(
                title="Stop-loss",
                formula="Σ payer share × (annual cost per member − threshold), for members above the threshold",
                substituted=f"{percent(terms.stop_loss_share, 0)} × cost above {money(terms.stop_loss_threshold, 0)}",
                result=money(chosen.settlement),
                sentence="The payer insures the group against a few very expensive members.",
            )
        )
    elif chosen.arrangement == "corridor":
        band = terms.corridor_width * annual
        steps.append(
            Step(
                title="Risk corridor",
                formula="payer share × (|margin| − band), paid to the group for a loss, back to the payer for a gain",
                substituted=f"{percent(terms.corridor_share, 0)} × (|{money(margin, 0)}| − {money(band, 0)})"
                if abs(margin) > band
                else f"|{money(margin, 0)}| is inside the ±{money(band, 0)} band",
                result=money(chosen.settlement),
                sentence="Small surprises stay with the group; large ones, either way, are shared.",
            )
        )
    steps.append(
        Step(
            title="Provider group's result",
            formula="margin + settlement from the payer",
            substituted=f"{money(margin)} {'−' if chosen.settlement < 0 else '+'} {money(abs(chosen.settlement))}",
            result=money(chosen.provider_margin),
        )
    )
    return Explanation(
        title=f"Panel finances ({chosen.name.lower()})",
        steps=tuple(steps),
        summary=chosen.sentence,
        sources=(
            "Payment formula: CMS Rate Announcement (2026); benchmark, unit cost and risk-sharing terms are "
            "illustrative",
        ),
    )
