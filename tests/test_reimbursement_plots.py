"""The reimbursement charts draw on a bare matplotlib Figure (no pyplot, no Qt) and update in place."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.figure import Figure

from healthalloc.core.inputs import defaults
from healthalloc.core.palette import DARK, LIGHT
from healthalloc.core.reimbursement import MODELS, Scenario, compare_models, utilisation_sweep
from healthalloc.core.reimbursement.bundle import BUNDLE_INPUTS, bundle_from_inputs, reconciliation_curve
from healthalloc.core.reimbursement.drg import DRG_INPUTS, drg_from_inputs
from healthalloc.core.reimbursement.fee_schedule import FFS_INPUTS, fee_comparison
from healthalloc.core.reimbursement.p4p import mips_curve
from healthalloc.core.reimbursement.plots import (
    draw_comparison_bars,
    draw_curve,
    draw_drg_parts,
    draw_fee_parts,
    draw_margin_curves,
    fee_parts,
    money_label,
    nice_limits,
    steady_limits,
    update_comparison_bars,
    update_curve,
    update_drg_parts,
    update_fee_parts,
    update_margin_curves,
)


@pytest.mark.parametrize("theme", [LIGHT, DARK])
def test_comparison_bars_draw_and_update(theme) -> None:  # type: ignore[no-untyped-def]
    figure = Figure(layout="constrained")
    frame = compare_models(Scenario())
    artists = draw_comparison_bars(figure.add_subplot(), frame, theme)
    assert [b.get_height() for b in artists.containers[0]] == pytest.approx(list(frame["provider_revenue"]))
    hatches = {bars[0].get_hatch() for bars in artists.containers}
    assert len(hatches) == 3  # colour is not the only cue
    busier = compare_models(Scenario(services_per_patient=6))
    assert update_comparison_bars(artists, busier)
    assert [b.get_height() for b in artists.containers[2]] == pytest.approx(list(busier["provider_margin"]))
    assert artists.ax.get_ylim()[0] < min(busier["provider_margin"])  # losses stay on the chart
    assert not update_comparison_bars(artists, busier.iloc[:3])
    figure.canvas.draw()


def test_margin_curves_draw_and_update() -> None:
    figure = Figure(layout="constrained")
    sweep = utilisation_sweep(Scenario())
    artists = draw_margin_curves(figure.add_subplot(), sweep, LIGHT)
    assert [line.get_label() for line in artists.lines] == list(MODELS)
    assert len({line.get_marker() for line in artists.lines}) == len(MODELS)
    other = utilisation_sweep(Scenario(cost_per_service=50))
    assert update_margin_curves(artists, other)
    assert list(artists.lines[3].get_ydata()) == pytest.approx(list(other["Capitation"]))
    figure.canvas.draw()


def test_fee_drg_and_curves_draw() -> None:
    values = {
        **defaults(FFS_INPUTS),
        "year": "CY2025",
        "locality": "rest-of-california",
        "compare_locality": "national",
    }
    comparison = fee_comparison(values)
    parts = fee_parts(comparison)
    assert sum(parts[0][1]) == pytest.approx(90.16, abs=0.01) and sum(parts[1][1]) == pytest.approx(
        88.95, abs=0.01
    )
    figure = Figure(layout="constrained")
    draw_fee_parts(figure.add_subplot(), comparison, LIGHT)
    figure.canvas.draw()

    figure = Figure(layout="constrained")
    result = drg_from_inputs({**defaults(DRG_INPUTS), "case_cost": 80_000.0})
    ax = figure.add_subplot()
    draw_drg_parts(ax, result, DARK)
    widths = [p.get_width() for p in ax.patches]
    assert widths[:3] == pytest.approx([result.operating_payment, result.capital_payment, result.outlier_payment])
    figure.canvas.draw()

    figure = Figure(layout="constrained")
    bundle = bundle_from_inputs(defaults(BUNDLE_INPUTS))
    ax = figure.add_subplot()
    draw_curve(
        ax,
        *reconciliation_curve(defaults(BUNDLE_INPUTS)),
        current=(bundle.actual_spend, bundle.reconciliation),
        theme=LIGHT,
        title="t",
        xlabel="x",
        ylabel="y",
    )
    marker = next(line for line in ax.lines if line.get_label() == "You are here")
    assert marker.get_xydata()[0] == pytest.approx([23_500, 75_000])
    figure.canvas.draw()

    figure = Figure(layout="constrained")
    ax = figure.add_subplot()
    draw_curve(
        ax,
        *mips_curve(),
        current=(80, 0.018),
        theme=LIGHT,
        title="t",
        xlabel="x",
        ylabel="y",
        x_money=False,
        y_format="percent",
    )
    figure.canvas.draw()
    assert "+9%" in [t.get_text() for t in ax.get_yticklabels()]


@pytest.mark.parametrize(
    ("value", "text"), [(1_250_000, "$1.25M"), (350_000, "$350k"), (-40_000, "−$40k"), (95, "$95"), (2e9, "$2B")]
)
def test_money_labels(value: float, text: str) -> None:
    assert money_label(value) == text


@given(st.floats(-1e9, 1e9), st.floats(-1e9, 1e9), st.floats(-1e9, 1e9), st.floats(-1e9, 1e9))
def test_axis_limits_hold_the_data_and_zero_and_stay_put_while_they_fit(
    a: float, b: float, c: float, d: float
) -> None:
    low, high = min(a, b), max(a, b)
    bottom, top = nice_limits(low, high)
    assert bottom <= min(0.0, low) and max(0.0, high) <= top and bottom < top
    steady = steady_limits((bottom, top), min(c, d), max(c, d))
    assert steady[0] <= min(0.0, c, d) and max(0.0, c, d) <= steady[1]
    if steady != (bottom, top):  # a new scale only when the data left the old one or shrank well inside it
        fresh = nice_limits(min(c, d), max(c, d))
        assert steady == fresh
        assert fresh[0] < bottom or fresh[1] > top or fresh[1] - fresh[0] < 0.4 * (top - bottom)


def test_fee_drg_and_curve_charts_update_in_place_to_what_a_fresh_draw_shows() -> None:
    base = {
        **defaults(FFS_INPUTS),
        "year": "CY2025",
        "locality": "rest-of-california",
        "compare_locality": "national",
    }
    figure = Figure(layout="constrained")
    fee = draw_fee_parts(figure.add_subplot(), fee_comparison(base), LIGHT)
    busier = fee_comparison({**base, "work_rvu": 2.5})
    assert update_fee_parts(fee, busier)
    fresh = draw_fee_parts(Figure().add_subplot(), busier, LIGHT)
    assert [(b.get_x(), b.get_width()) for b in fee.bars] == [
        pytest.approx((b.get_x(), b.get_width())) for b in fresh.bars
    ]
    assert [t.get_text() for t in fee.totals] == [t.get_text() for t in fresh.totals]
    assert fee.ax.get_xlim() == fresh.ax.get_xlim()
    assert not update_fee_parts(fee, fee_comparison({**base, "compare_locality": ""}))  # one row fewer: redraw

    result = drg_from_inputs({**defaults(DRG_INPUTS), "case_cost": 80_000.0})
    drg = draw_drg_parts(Figure().add_subplot(), result, DARK)
    other = drg_from_inputs({**defaults(DRG_INPUTS), "case_cost": 20_000.0, "wage_index": 1.2})
    assert update_drg_parts(drg, other)
    fresh = draw_drg_parts(Figure().add_subplot(), other, DARK)
    assert [(b.get_x(), b.get_width()) for b in drg.bars] == [
        pytest.approx((b.get_x(), b.get_width())) for b in fresh.bars
    ]
    assert [t.get_text() for t in drg.totals] == [t.get_text() for t in fresh.totals]

    values = defaults(BUNDLE_INPUTS)
    bundle = bundle_from_inputs(values)
    labels = {"title": "t", "xlabel": "x", "ylabel": "y"}
    curve = draw_curve(
        Figure().add_subplot(),
        *reconciliation_curve(values),
        current=(bundle.actual_spend, bundle.reconciliation),
        theme=LIGHT,
        **labels,
    )
    moved = {**values, "historical_spend": 30_000.0}
    moved_result = bundle_from_inputs(moved)
    point = (moved_result.actual_spend, moved_result.reconciliation)
    assert update_curve(curve, *reconciliation_curve(moved), current=point)
    fresh_curve = draw_curve(
        Figure().add_subplot(), *reconciliation_curve(moved), current=point, theme=LIGHT, **labels
    )
    assert list(curve.line.get_xdata()) == list(fresh_curve.line.get_xdata())
    assert list(curve.marker.get_xydata()[0]) == pytest.approx(list(point))
    assert curve.ax.get_xlim() == pytest.approx(fresh_curve.ax.get_xlim())
    low, high = curve.ax.get_ylim()
    assert low <= min(0.0, *fresh_curve.line.get_ydata()) and max(fresh_curve.line.get_ydata()) <= high
