"""The reimbursement page driven like a student would: change inputs, pick presets, follow lesson links."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox

from healthalloc.core.palette import DARK
from healthalloc.core.reimbursement import Scenario, compare_models, utilisation_sweep


@pytest.fixture
def page(qtbot, ctx):  # type: ignore[no-untyped-def]
    from healthalloc.ui.reimbursement_page import ReimbursementPage

    widget = ReimbursementPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    return widget


def _spin(page, tab: str, name: str) -> QDoubleSpinBox:  # type: ignore[no-untyped-def]
    editor = page.views[tab].form.editor(name)
    assert isinstance(editor, QDoubleSpinBox)
    return editor


def _combo(page, tab: str, name: str) -> QComboBox:  # type: ignore[no-untyped-def]
    editor = page.views[tab].form.editor(name)
    assert isinstance(editor, QComboBox)
    return editor


def _cell(page, tab: str, row: int, column: int) -> str:  # type: ignore[no-untyped-def]
    return page.views[tab].tables[0].cell_text(row, column)


def test_opens_on_the_comparison(page) -> None:  # type: ignore[no-untyped-def]
    assert page.current_tab() == "compare"
    view = page.views["compare"]
    assert "$95.19 under fee-for-service" in view.headline.text()
    assert [_cell(page, "compare", r, 0) for r in range(6)] == [
        "Fee-for-service",
        "Per case (DRG)",
        "Bundled episode",
        "Capitation",
        "Pay for performance",
        "Shared savings",
    ]
    assert _cell(page, "compare", 0, 3) == "$95.19" and _cell(page, "compare", 0, 4) == "payer"
    assert _cell(page, "compare", 3, 3) == "$0.00" and _cell(page, "compare", 3, 4) == "provider"
    assert not view.error.isVisible()


def test_inputs_move_the_table_and_both_charts(page) -> None:  # type: ignore[no-untyped-def]
    _spin(page, "compare", "services_per_patient").setValue(5.0)
    page.flush_charts()  # charts follow a dragged slider on a short throttle
    scenario = Scenario(services_per_patient=5.0)
    frame = compare_models(scenario)
    assert _cell(page, "compare", 0, 1) == f"${frame.provider_revenue[0]:,.0f}"
    view = page.views["compare"]
    bars = view.live["bars"].artists
    assert [b.get_height() for b in bars.containers[2]] == pytest.approx(list(frame["provider_margin"]))
    curves = view.live["curves"].artists
    sweep = utilisation_sweep(scenario)
    xs, ys = curves.lines[0].get_data()
    assert list(ys) == pytest.approx(list(sweep["Fee-for-service"]))
    assert xs[0] == pytest.approx(-30)


def test_fee_schedule_preset_from_a_lesson_link(page) -> None:  # type: ignore[no-untyped-def]
    page.apply_params({"tab": "ffs", "preset": "office-visit-two-localities"})
    view = page.views["ffs"]
    assert page.current_tab() == "ffs"
    assert view.headline.text() == "Medicare allows $90.16 for this service"
    assert "$88.95" in view.detail.text() and "$1.21 more" in view.detail.text()
    assert _spin(page, "ffs", "pe_gpci").value() == pytest.approx(1.035)
    assert _spin(page, "ffs", "pe_rvu").value() == pytest.approx(1.35)  # the CY2025 RVUs
    labels = [t.get_text() for t in page.views["ffs"].charts[0].figure.axes[0].get_yticklabels()]
    assert any("Rest of California" in label for label in labels)


def test_choosing_a_service_fills_its_rvus_and_typing_makes_it_custom(page) -> None:  # type: ignore[no-untyped-def]
    page.show_tab("ffs")
    service = _combo(page, "ffs", "service")
    service.setCurrentIndex(service.findData("99214"))
    assert _spin(page, "ffs", "work_rvu").value() == pytest.approx(1.92)
    assert page.views["ffs"].headline.text() == "Medicare allows $135.61 for this service"  # 4.06 × 33.4009
    _spin(page, "ffs", "work_rvu").setValue(3.0)
    assert service.currentData() == "custom"
    assert "$171.68" in page.views["ffs"].headline.text()  # (3.00 + 2.00 + 0.14) × 33.4009


def test_a_service_not_paid_in_that_setting_says_so(page) -> None:  # type: ignore[no-untyped-def]
    page.apply_params({"tab": "ffs", "service": "27447", "setting": "non-facility"})
    view = page.views["ffs"]
    assert view.error.isVisible() and "does not pay 27447 in an office" in view.error.text()
    assert view.headline.text() == "No result for these inputs"
    _combo(page, "ffs", "setting").setCurrentIndex(1)  # facility
    assert not view.error.isVisible() and "$1,159.35" in view.headline.text()  # 34.71 × 33.4009 = 1,159.345


def test_drg_preset_shows_the_worked_example(page) -> None:  # type: ignore[no-untyped-def]
    page.apply_params({"tab": "drg", "preset": "hip-replacement-high-wage"})
    view = page.views["drg"]
    math = view.math.text()
    assert "$7,198.28" in math and "$13,884.77" in math
    assert "operating payment $13,884.77" in view.detail.text()
    view.math.toggle.click()
    assert view.math.browser.isVisible()


def test_shared_savings_presets_and_tracks(page) -> None:  # type: ignore[no-untyped-def]
    page.apply_params({"preset": "aco-saved-5"})
    view = page.views["shared-savings"]
    assert page.current_tab() == "shared-savings"
    assert view.headline.text() == "Medicare pays the ACO $6,000,000.00"
    assert (
        _cell(page, "shared-savings", 5, 0) == "ENHANCED" and _cell(page, "shared-savings", 5, 3) == "$9,000,000"
    )
    page.apply_params({"tab": "shared-savings", "preset": "aco-lost-4"})
    assert view.headline.text() == "The ACO owes Medicare $2,880,000.00"
    track = _combo(page, "shared-savings", "track")
    track.setCurrentIndex(track.findData("ENHANCED"))
    assert view.headline.text() == "The ACO owes Medicare $3,840,000.00"
    assert view.preset_combo is not None


def test_preset_combo(page) -> None:  # type: ignore[no-untyped-def]
    page.show_tab("drg")
    combo = page.views["drg"].preset_combo
    assert combo is not None
    combo.setCurrentIndex(combo.findData("hip-replacement-high-wage"))
    combo.activated.emit(combo.currentIndex())
    assert _spin(page, "drg", "wage_index").value() == pytest.approx(1.10)


def test_every_tab_computes(page) -> None:  # type: ignore[no-untyped-def]
    for key, view in page.views.items():
        page.show_tab(key)
        assert view.headline.text(), key
        assert not view.error.isVisible(), key
        assert view.math.text(), key
        for chart in view.charts:
            assert chart.figure.axes, key
    assert "+$34.71" in page.views["p4p"].headline.text()
    assert "$75,000.00" in page.views["bundle"].headline.text()
    assert "$96,000.00" in page.views["capitation"].headline.text()


def test_bad_links_raise_clear_errors(page) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="unknown tab"):
        page.apply_params({"tab": "fees"})
    with pytest.raises(ValueError, match="unknown preset"):
        page.apply_params({"preset": "aco-saved-50"})
    with pytest.raises(ValueError, match="belongs to the 'ffs' tab"):
        page.apply_params({"tab": "drg", "preset": "office-visit-two-localities"})
    with pytest.raises(ValueError, match="unknown input"):
        page.apply_params({"tab": "drg", "age": "85"})
    with pytest.raises(ValueError, match="Hospital wage index must be between"):
        page.apply_params({"tab": "drg", "wage_index": "9"})


def test_reset_and_scenario_round_trip(page) -> None:  # type: ignore[no-untyped-def]
    page.apply_params({"tab": "drg", "wage_index": "1.3"})
    saved = page.scenario()
    assert saved["tab"] == "drg" and saved["drg"]["wage_index"] == pytest.approx(1.3)
    page.reset()
    assert page.current_tab() == "compare"
    assert _spin(page, "drg", "wage_index").value() == pytest.approx(1.0)
    page.load_scenario(saved)
    assert page.current_tab() == "drg" and _spin(page, "drg", "wage_index").value() == pytest.approx(1.3)
    with pytest.raises(ValueError):
        page.load_scenario({"drg": {"wage_index": 99}})
    assert _spin(page, "drg", "wage_index").value() == pytest.approx(1.3)  # a bad file changes nothing
    page.load_scenario({"tab": "shared-savings", "preset": "aco-lost-4"})  # the link-style form
    assert page.views["shared-savings"].headline.text() == "The ACO owes Medicare $2,880,000.00"
    with pytest.raises(ValueError, match="unknown tab"):
        page.load_scenario({"tab": "nowhere"})


def test_theme_change_redraws_charts(page, ctx) -> None:  # type: ignore[no-untyped-def]
    chart = page.views["compare"].charts[0]
    ctx.set_theme(DARK)
    assert chart.figure.get_facecolor()[:3] == pytest.approx((0x26 / 255, 0x2B / 255, 0x31 / 255), abs=0.01)
    assert chart.figure.axes and page.views["compare"].live["bars"].artists.ax in chart.figure.axes


def test_dragging_a_slider_stays_fast(page, qtbot) -> None:  # type: ignore[no-untyped-def]
    spin = _spin(page, "compare", "services_per_patient")
    start = time.perf_counter()
    for step in range(10):
        spin.setValue(3.0 + step * 0.2)
    per_update = (time.perf_counter() - start) / 10
    assert per_update < 0.25, f"{per_update:.3f}s per update"  # measured about 0.04 s: table and text only
    # the charts catch up on their own once the throttle fires (they are built after the page's first paint)
    qtbot.waitUntil(lambda: "bars" in page.views["compare"].live, timeout=3000)
    bars = page.views["compare"].live["bars"].artists
    expected = list(compare_models(Scenario(services_per_patient=4.8))["provider_margin"])
    qtbot.waitUntil(lambda: [b.get_height() for b in bars.containers[2]] == pytest.approx(expected), timeout=3000)


def test_scenario_survives_a_scenario_file(page) -> None:  # type: ignore[no-untyped-def]
    from healthalloc.core.scenario import Scenario as ScenarioFile
    from healthalloc.core.scenario import parse_scenario

    page.apply_params({"tab": "bundle", "sharing_rate": "50"})
    text = ScenarioFile("reimbursement", "Half-shared bundle", page.scenario()).to_json()
    page.reset()
    page.load_scenario(dict(parse_scenario(text, calculators=["reimbursement"]).inputs))
    assert page.current_tab() == "bundle"
    assert page.views["bundle"].headline.text() == "The provider is paid $37,500.00 at settlement"


def _shown(chart) -> np.ndarray:  # type: ignore[no-untyped-def]
    return np.asarray(chart.canvas.buffer_rgba()).astype(int)


def _drawn_plainly(chart, layer) -> np.ndarray:  # type: ignore[no-untyped-def]
    """The chart drawn the ordinary way, nothing blitted, with the layout it has now (a new layout pass would move
    things by a pixel). Only the drawing order differs from blitting: moving artists are painted last there."""
    layer.disconnect()
    for artist in (*layer._data, *layer._scale):
        artist.set_animated(False)
    chart.figure.set_layout_engine("none")
    chart.draw_now()
    return _shown(chart)


def _same_picture(a: np.ndarray, b: np.ndarray) -> bool:
    differ = np.abs(a - b).max(axis=-1) > 8
    return bool(differ.mean() < 0.005)  # a few hundred edge pixels where a bar meets an axis line


def test_a_dragged_slider_repaints_what_an_ordinary_redraw_would(page, qtbot) -> None:  # type: ignore[no-untyped-def]
    view = page.views["compare"]
    for chart in view.charts:
        chart.draw_now()
    patients = _spin(page, "compare", "patients")
    for value in (20_000, 60_000, 150_000, 30_000):  # the scale changes on the way
        patients.setValue(value)
        qtbot.wait(1)
    page.flush_charts()
    for chart, name in zip(view.charts, ("bars", "curves"), strict=True):
        shown = _shown(chart)
        assert _same_picture(shown, _drawn_plainly(chart, view.live[name].layer)), name
    page.show_tab("capitation")
    view = page.views["capitation"]
    view.charts[0].draw_now()
    for value in (30.0, 45.0, 52.0):
        _spin(page, "capitation", "cost_pmpm").setValue(value)
    page.flush_charts()
    shown = _shown(view.charts[0])
    assert _same_picture(shown, _drawn_plainly(view.charts[0], view.live["chart"].layer))


# Tabs are built when first needed: the page opens with one.


def test_opens_with_only_its_first_tab_built(page) -> None:  # type: ignore[no-untyped-def]
    assert list(page.views.built()) == ["compare"]
    assert len(page.views) == 7 and next(iter(page.views)) == "compare"
    page.show_tab("drg")
    assert set(page.views.built()) == {"compare", "drg"}
    assert page.views["drg"].headline.text()  # computed when shown
    assert page.views["drg"].widget.isVisible()


def test_a_scenario_covers_tabs_never_opened(page) -> None:  # type: ignore[no-untyped-def]
    from healthalloc.core.inputs import defaults
    from healthalloc.core.reimbursement.tabs import TABS

    scenario = page.scenario()
    assert set(scenario) == {"tab", *TABS}
    for key, tab in TABS.items():
        assert set(scenario[key]) >= set(defaults(tab.inputs)), key


def test_reset_leaves_unopened_tabs_unbuilt(page) -> None:  # type: ignore[no-untyped-def]
    page.apply_params({"tab": "bundle", "sharing_rate": "50"})
    page.reset()
    assert set(page.views.built()) == {"compare", "bundle"}
    assert page.current_tab() == "compare"
    assert page.views["bundle"].form.values()["sharing_rate"] != 50


def test_a_tab_opened_during_a_presentation_gets_the_large_chart_text(page) -> None:  # type: ignore[no-untyped-def]
    page.set_chart_font_scale(2.5)
    assert page.views["compare"].charts[0].font_scale == 2.5
    page.show_tab("p4p")
    assert page.views["p4p"].charts[0].font_scale == 2.5


# Inputs with no result: the charts say so rather than showing the last result beside them.


def _figure_texts(chart) -> list[str]:  # type: ignore[no-untyped-def]
    figure = chart.figure
    texts = [t for t in figure.texts if t.get_visible()] + [
        t for ax in figure.axes for t in ax.texts if t.get_visible()
    ]
    return [t.get_text() for t in texts]


def test_inputs_with_no_result_take_the_chart_away_too(page) -> None:  # type: ignore[no-untyped-def]
    from healthalloc.core.live_chart import NOTICE

    page.apply_params({"tab": "ffs", "service": "27447", "setting": "facility"})
    chart = page.views["ffs"].charts[0]
    chart.draw_now()
    assert NOTICE not in _figure_texts(chart)
    _combo(page, "ffs", "setting").setCurrentIndex(0)  # an office: Medicare does not pay a knee replacement there
    assert page.views["ffs"].headline.text() == "No result for these inputs"
    page.flush_charts()
    assert NOTICE in _figure_texts(chart)
    assert not any(bar.get_visible() for bar in page.views["ffs"].live["chart"].artists.bars)
    assert chart.text_alternative() == NOTICE  # screen readers and the "Data" view hear the same
    _combo(page, "ffs", "setting").setCurrentIndex(1)
    page.flush_charts()
    assert NOTICE not in _figure_texts(chart)
    assert all(bar.get_visible() for bar in page.views["ffs"].live["chart"].artists.bars)
    assert "$1,159.35" in chart.text_alternative()


def test_a_link_whose_inputs_do_not_go_together_shows_the_notice_not_an_empty_chart(page) -> None:  # type: ignore[no-untyped-def]
    from healthalloc.core.live_chart import NOTICE

    page.apply_params({"tab": "ffs", "service": "27447", "setting": "non-facility"})
    chart = page.views["ffs"].charts[0]
    page.flush_charts()
    chart.draw_now()
    assert NOTICE in _figure_texts(chart)


def test_a_choice_cut_off_in_its_box_shows_whole_on_hover(page) -> None:  # type: ignore[no-untyped-def]
    page.show_tab("drg")
    combo = _combo(page, "drg", "drg")
    assert combo.toolTip().startswith(combo.currentText())
    combo.setCurrentIndex((combo.currentIndex() + 1) % combo.count())
    assert combo.toolTip().startswith(combo.currentText())
    assert combo.accessibleName()  # the label's name stays for screen readers
