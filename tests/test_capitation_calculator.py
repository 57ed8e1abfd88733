"""The calculator layer (declared inputs, presets, compute per tab) and the charts, on a bare Figure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from healthalloc.core.capitation.calculator import (
    INPUTS_BY_TAB,
    MEMBER_INPUTS,
    PANEL_INPUTS,
    PRESETS,
    REGION_INPUTS,
    compute_member,
    compute_panel,
    compute_regions,
    switch_model,
)
from healthalloc.core.capitation.plots import draw_panel, draw_regions, draw_risk_score
from healthalloc.core.inputs import defaults, validate_inputs
from healthalloc.core.palette import DARK, LIGHT, ThemeColors


def test_member_defaults_are_the_worked_example() -> None:
    result = compute_member(defaults(MEMBER_INPUTS))
    assert result.score.total == 0.943 and result.other.total == 1.033
    assert result.payment.payment_score == round(0.943 / 1.153 * 0.941, 3)


def test_switching_model_carries_conditions_and_normalization() -> None:
    values, notes = switch_model(defaults(MEMBER_INPUTS), "V28")
    assert values["conditions"] == ("HCC38", "HCC226")
    assert values["normalization_factor"] == 1.067
    assert notes
    assert compute_member(values).score.total == 1.033


def test_switching_model_keeps_a_normalization_the_student_changed() -> None:
    values, _ = switch_model({**defaults(MEMBER_INPUTS), "normalization_factor": 1.0}, "V28")
    assert values["normalization_factor"] == 1.0


def test_presets_fit_their_tabs_inputs() -> None:
    for tab, _title, values in PRESETS.values():
        validate_inputs(INPUTS_BY_TAB[tab], values, partial=True)


def test_chf_85_preset_scores() -> None:
    _tab, _title, values = PRESETS["chf-85"]
    result = compute_member({**defaults(MEMBER_INPUTS), **values})
    assert result.score.total == 1.688 and result.other.total == 1.659


def test_two_practices_flat_pay_hurts_the_sicker_practice() -> None:
    result = compute_panel(defaults(PANEL_INPUTS))
    assert result.flat["a"].annual_capitation == result.flat["b"].annual_capitation
    assert result.flat["b"].margin_before_sharing < 0 < result.flat["a"].margin_before_sharing
    total_flat = sum(r.annual_capitation for r in result.flat.values())
    total_adjusted = sum(r.annual_capitation for r in result.adjusted.values())
    assert total_flat == pytest.approx(total_adjusted, rel=0.005)
    assert all(r.margin_before_sharing > 0 for r in result.adjusted.values())


def test_regions_defaults() -> None:
    result = compute_regions(defaults(REGION_INPUTS))
    assert result.allocation.method == "needs" and len(result.by_method) == 5


@pytest.mark.parametrize("theme", [LIGHT, DARK])
def test_charts_draw_on_a_bare_figure(theme: ThemeColors) -> None:
    member = compute_member(defaults(MEMBER_INPUTS))
    figure = Figure()
    ax = figure.add_subplot()
    draw_risk_score(ax, [member.comparison.v24, member.comparison.v28], theme)
    widths = {p.get_gid(): p.get_width() for p in ax.patches if p.get_gid()}
    assert widths["V24:HCC85"] == pytest.approx(0.331) and widths["V28:HCC226"] == pytest.approx(0.36)

    figure = Figure()
    axes = figure.subplots(1, 2)
    draw_panel(axes, compute_panel(defaults(PANEL_INPUTS)), theme)
    assert len([p for p in axes[1].patches if (p.get_gid() or "").startswith("margin:")]) == 6

    figure = Figure()
    ax = figure.add_subplot()
    draw_regions(ax, compute_regions(defaults(REGION_INPUTS)).by_method, theme)
    assert len(ax.patches) == 20
    figure.canvas.draw()


def test_importing_the_package_does_not_import_pandas_or_matplotlib() -> None:
    code = (
        "import sys; import healthalloc.core.capitation as c; c.risk_score(72, 'F', ['HCC19']); "
        "print('pandas' in sys.modules, 'matplotlib' in sys.modules)"
    )
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": "desktop"},
        cwd=root,
    )
    assert out.stdout.strip() == "False False"
