"""The capitation and claim charts while a student drags a slider: what is on screen after each step is what a
full redraw paints, impossible inputs empty the chart instead of leaving a stale one, and hidden work waits."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from PySide6.QtWidgets import QDoubleSpinBox

from healthalloc.core import claims, claims_presets
from healthalloc.core.claims_plots import part_styles
from healthalloc.core.explain import money
from healthalloc.core.live_chart import NOTICE
from healthalloc.ui.calc_base import ChartView


@pytest.fixture
def capitation(qtbot, ctx):  # type: ignore[no-untyped-def]
    from healthalloc.ui.capitation_page import CapitationPage

    page = CapitationPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    qtbot.waitExposed(page)
    return page


@pytest.fixture
def claim(qtbot, ctx):  # type: ignore[no-untyped-def]
    from healthalloc.ui.claim_page import ClaimPage

    page = ClaimPage(ctx)
    qtbot.addWidget(page)
    page.resize(1150, 900)
    page.show()
    qtbot.waitExposed(page)
    return page


def _spin(form: Any, name: str) -> QDoubleSpinBox:
    box = form.editor(name)
    assert isinstance(box, QDoubleSpinBox)
    return box


def _on_screen(view: ChartView) -> Any:
    return np.asarray(view.canvas.buffer_rgba()).copy()


def _shown_texts(view: ChartView) -> list[str]:
    texts = [t for ax in view.figure.axes for t in ax.texts] + list(view.figure.texts)
    return [t.get_text() for t in texts if t.get_visible() and t.get_text()]


def test_dragging_age_repaints_exactly_what_a_full_redraw_paints(qtbot, capitation) -> None:  # type: ignore[no-untyped-def]
    chart = capitation.member_chart
    chart.draw_now()
    for age in (74, 81, 88):
        _spin(capitation.member_form, "age").setValue(age)
        qtbot.wait(5)
        shown = _on_screen(chart)
        chart.draw_now()
        assert np.array_equal(shown, _on_screen(chart)), age
    widths = {p.get_gid(): round(p.get_width(), 3) for p in chart.figure.axes[0].patches if p.get_visible()}
    assert widths["V24:F85-89"] == 0.641


def test_an_impossible_member_empties_the_chart_until_fixed(qtbot, capitation) -> None:  # type: ignore[no-untyped-def]
    chart = capitation.member_chart
    chart.draw_now()
    _spin(capitation.member_form, "age").setValue(50)  # the aged segment starts at 65
    assert NOTICE in _shown_texts(chart)
    assert not any(p.get_visible() for p in chart.figure.axes[0].patches)
    _spin(capitation.member_form, "age").setValue(80)
    assert NOTICE not in _shown_texts(chart)
    assert any(p.get_gid() == "V24:F80-84" and p.get_visible() for p in chart.figure.axes[0].patches)


def test_a_plan_made_impossible_mid_drag_empties_the_chart_then_comes_back(qtbot, claim) -> None:  # type: ignore[no-untyped-def]
    chart = claim.claim_chart
    chart.draw_now()
    slider = claim.plan_form._sliders["deductible"]
    slider.setValue(600)  # $12,000: above the $10,600 out-of-pocket maximum
    assert claim.error_label.isVisibleTo(claim)
    assert _shown_texts(chart) == [NOTICE]
    slider.setValue(60)  # $1,200
    assert _shown_texts(chart) == []
    legend = [t.get_text() for t in chart.figure.axes[0].get_legend().get_texts()]
    assert legend[:2] == ["Deductible: $1,200.00", "Coinsurance: $160.00"]
    # The bars are back on screen: the deductible's colour fills its segment (a fifth of the width).
    colour = tuple(int(part_styles(claim.ctx.theme)["deductible"][0][i : i + 2], 16) for i in (1, 3, 5))
    shown = _on_screen(chart)[:, :, :3]
    assert (shown == colour).all(axis=2).sum() > 0.05 * shown.shape[0] * shown.shape[1]


def test_the_year_is_worked_out_when_its_tab_opens(claim) -> None:  # type: ignore[no-untyped-def]
    _spin(claim.plan_form, "deductible").setValue(3000)
    _spin(claim.plan_form, "coinsurance").setValue(30)
    claim.tabs.setCurrentIndex(1)
    plan = claims.employer_plan(deductible=3000, coinsurance=0.3)
    year = claims.adjudicate_year(plan, claims_presets.year_preset("healthy-year"))
    assert claim.year_summary.text() == f"Patient {money(year.total_patient)} · plan {money(year.total_plan)}"
    claim.year_chart.draw_now()
    top, _bottom = claim.year_chart.figure.axes
    assert [round(p.get_height(), 2) for p in top.patches[:12]] == [r["patient_pays"] for r in year.monthly_rows()]
