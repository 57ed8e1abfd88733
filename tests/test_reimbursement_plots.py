"""The reimbursement charts draw on a bare matplotlib Figure (no pyplot, no Qt) and update in place."""

from __future__ import annotations

import pytest
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
    update_comparison_bars,
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
