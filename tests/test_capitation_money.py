"""Capitation payments, provider panels with risk sharing, and regional allocation."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from healthalloc.core.capitation import (
    RiskSharingTerms,
    allocate_regions,
    allocation_by_method,
    capitation_revenue,
    load_regions,
    panel_finances,
    risk_adjusted_payment,
)
from healthalloc.core.capitation.regions import Region, split_cents

# --- payment -----------------------------------------------------------------------------------------------------


def test_plain_capitation_revenue() -> None:
    result = capitation_revenue(60, 2000)
    assert (result.monthly_revenue, result.total_revenue) == (120_000.0, 1_440_000.0)
    assert "$1,440,000.00" in result.explanation.summary
    assert capitation_revenue(60.5, 3, months=1).total_revenue == 181.5


@pytest.mark.parametrize(
    ("args", "message"), [((-1, 10), "below 0"), ((60, 2.5), "whole number"), ((60, 10, 0), "below 1")]
)
def test_plain_capitation_rejects_bad_input(args: tuple[float, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        capitation_revenue(*args)  # type: ignore[arg-type]


def test_fact_sheet_payment_example() -> None:
    """1.033 ÷ 1.067 × (1 − 5.9%) = 0.911; × an illustrative $1,200 benchmark ≈ $1,093 a month."""
    result = risk_adjusted_payment(1.033, benchmark_pmpm=1200, normalization_factor=1.067)
    assert result.payment_score == 0.911
    assert result.monthly_payment == 1093.20
    assert risk_adjusted_payment(1.033, normalization_factor=1.045).payment_score == 0.930
    assert "0.911" in result.explanation.as_text()


@given(
    st.floats(0, 20),
    st.floats(0, 5000),
    st.floats(0.5, 2.0),
    st.floats(0, 0.5),
)
def test_payments_are_never_negative(score: float, benchmark: float, norm: float, coding: float) -> None:
    result = risk_adjusted_payment(
        score, benchmark_pmpm=benchmark, normalization_factor=norm, coding_adjustment=coding
    )
    assert result.monthly_payment >= 0 and result.annual_payment >= 0 and result.payment_score >= 0


# --- panel -------------------------------------------------------------------------------------------------------


def _panel() -> pd.DataFrame:
    return pd.DataFrame({"label": ["healthy", "sick"], "count": [800, 200], "risk_score": [0.4, 1.8]})


def test_panel_revenue_cost_and_margin() -> None:
    result = panel_finances(_panel(), benchmark_pmpm=1000, normalization_factor=1.0, coding_adjustment=0.0)
    # Revenue: (800 × 0.4 + 200 × 1.8) × $1,000 = $680,000 a month; cost of a 1.0 member $1,000: the same.
    assert result.monthly_capitation == 680_000.0
    assert result.annual_capitation == 8_160_000.0
    assert result.expected_cost == result.actual_cost == 8_160_000.0
    assert result.margin_before_sharing == 0.0
    assert result.members == 1000 and result.average_risk_score == 0.68


def test_flat_rate_moves_money_from_sick_to_healthy_panels() -> None:
    sick = pd.DataFrame({"count": [100], "risk_score": [2.0]})
    flat = panel_finances(
        sick, normalization_factor=1.0, coding_adjustment=0.0, benchmark_pmpm=1000, risk_adjusted=False
    )
    assert flat.margin_before_sharing == (1.0 - 2.0) * 1000 * 12 * 100
    assert "bears all of it" in flat.risk_bearer


def test_stop_loss_pays_a_share_above_the_threshold() -> None:
    panel = pd.DataFrame(
        {
            "label": ["ordinary", "catastrophic"],
            "count": [99, 1],
            "risk_score": [1.0, 1.0],
            "annual_cost": [None, 300_000.0],
        }
    )
    terms = RiskSharingTerms(stop_loss_threshold=100_000, stop_loss_share=0.8)
    result = panel_finances(panel, terms=terms, arrangement="stop_loss")
    assert result.selected.settlement == 0.8 * 200_000
    assert result.arrangements["full"].settlement == 0.0
    assert result.selected.provider_margin == round(result.margin_before_sharing + 160_000, 2)


def test_symmetric_corridor_shares_losses_and_gains_beyond_the_band() -> None:
    terms = RiskSharingTerms(corridor_width=0.03, corridor_share=0.5)
    base = {"benchmark_pmpm": 1000, "normalization_factor": 1.0, "coding_adjustment": 0.0, "terms": terms}
    panel = pd.DataFrame({"count": [1000], "risk_score": [1.0]})
    loss = panel_finances(panel, cost_ratio=1.10, arrangement="corridor", **base)  # type: ignore[arg-type]
    revenue = 12_000_000.0
    assert loss.margin_before_sharing == -1_200_000.0
    assert loss.selected.settlement == pytest.approx(0.5 * (1_200_000 - 0.03 * revenue))
    assert "payer bears" in loss.risk_bearer
    gain = panel_finances(panel, cost_ratio=0.90, arrangement="corridor", **base)  # type: ignore[arg-type]
    assert gain.selected.settlement == pytest.approx(-0.5 * (1_200_000 - 0.03 * revenue))
    assert "takes back" in gain.risk_bearer
    inside = panel_finances(panel, cost_ratio=1.02, arrangement="corridor", **base)  # type: ignore[arg-type]
    assert inside.selected.settlement == 0.0


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pd.DataFrame({"count": [1]}), "risk_score"),
        (pd.DataFrame({"risk_score": [-1.0]}), "number ≥ 0"),
        (pd.DataFrame({"risk_score": [1.0], "count": [1.5]}), "whole numbers"),
        (pd.DataFrame({"risk_score": [1.0], "count": [0]}), "no members"),
    ],
)
def test_panel_rejects_bad_frames(frame: pd.DataFrame, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        panel_finances(frame)


@given(
    st.lists(st.tuples(st.integers(0, 500), st.floats(0, 6)), min_size=1, max_size=5).filter(
        lambda rows: sum(n for n, _ in rows) > 0
    ),
    st.floats(0.5, 1.5),
    st.sampled_from(["full", "stop_loss", "corridor"]),
)
def test_panel_payments_never_negative_and_sharing_only_moves_money(
    rows: list[tuple[int, float]], cost_ratio: float, arrangement: str
) -> None:
    frame = pd.DataFrame({"count": [n for n, _ in rows], "risk_score": [s for _, s in rows]})
    result = panel_finances(frame, cost_ratio=cost_ratio, arrangement=arrangement)
    assert result.annual_capitation >= 0 and (result.frame["payment_pmpm"] >= 0).all()
    chosen = result.selected
    assert chosen.provider_margin == pytest.approx(result.margin_before_sharing + chosen.settlement, abs=0.01)


# --- regions -----------------------------------------------------------------------------------------------------


def test_shipped_regions_load() -> None:
    regions = load_regions()
    assert len(regions) == 5 and all(r.total_population > 0 for r in regions)


def test_needs_method_at_full_pace_gives_equal_money_per_unit_of_need() -> None:
    result = allocate_regions(method="needs", pace=1.0)
    assert result.equity_ratio == pytest.approx(1.0, abs=1e-6)
    assert (result.frame["distance_from_target"].abs() < 0.01).all()


def test_population_method_gives_equal_money_per_person() -> None:
    frame = allocate_regions(method="population", pace=1.0).frame
    assert frame["per_person"].max() - frame["per_person"].min() < 0.01


def test_zero_pace_keeps_last_years_shares() -> None:
    frame = allocate_regions(method="needs", pace=0.0, budget=20_000_000_000).frame
    past_share = frame["past_spending"] / frame["past_spending"].sum()
    assert (abs(frame["share"] - past_share) < 1e-9).all()


def test_pace_of_change_closes_part_of_the_gap() -> None:
    frame = allocate_regions(method="needs", pace=0.25).frame
    gap_before = frame["target"] - frame["baseline"]
    assert ((frame["allocation"] - frame["baseline"]) - 0.25 * gap_before).abs().max() < 0.02


def test_allocation_by_method_has_a_column_per_method() -> None:
    frame = allocation_by_method()
    assert list(frame.columns) == ["region", "population", "past_spending", "needs_target", "needs_paced"]


def test_regions_explanation_shows_the_numbers() -> None:
    text = allocate_regions().explanation.as_text()
    assert "260,000 × 0.5" in text and "pace" in text.lower()


@given(st.integers(0, 10**14), st.lists(st.floats(0, 1e9), min_size=1, max_size=8).filter(lambda w: sum(w) > 0))
def test_split_cents_adds_up_exactly(total: int, weights: list[float]) -> None:
    parts = split_cents(total, weights)
    assert sum(parts) == total and all(p >= 0 for p in parts)


@given(
    st.floats(0, 1e12).map(lambda x: round(x, 2)),
    st.sampled_from(["population", "past_spending", "needs"]),
    st.floats(0, 1),
    st.lists(
        st.tuples(
            st.integers(0, 10**6),
            st.integers(0, 10**6),
            st.integers(0, 10**6),
            st.floats(0.5, 2),
            st.floats(0.5, 2),
            st.floats(0, 1e10),
        ),
        min_size=1,
        max_size=6,
    ).filter(lambda rows: sum(a + b + c for a, b, c, *_ in rows) > 0 and sum(r[5] for r in rows) > 0),
)
def test_region_shares_sum_to_the_budget_to_the_cent(
    budget: float, method: str, pace: float, rows: list[tuple[int, int, int, float, float, float]]
) -> None:
    regions = [
        Region(f"R{i}", "", {"0_17": a, "18_64": b, "65_plus": c}, need, cost, past)
        for i, (a, b, c, need, cost, past) in enumerate(rows)
    ]
    result = allocate_regions(regions, budget=budget, method=method, pace=pace)
    assert int(result.frame["allocation_cents"].sum()) == round(budget * 100)
    assert math.isclose(float(result.frame["allocation"].sum()), budget, abs_tol=0.01 + budget * 1e-12)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "lottery"}, "Unknown allocation method"),
        ({"pace": 1.5}, "above 1"),
        ({"budget": -5}, "below 0"),
    ],
)
def test_regions_reject_bad_input(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        allocate_regions(**kwargs)  # type: ignore[arg-type]
