"""The capitation page driven like a student would: change inputs, tick conditions, follow lesson links."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox

from healthalloc.core.capitation import risk_score
from healthalloc.core.palette import DARK


@pytest.fixture
def page(qtbot, ctx):  # type: ignore[no-untyped-def]
    from healthalloc.ui.capitation_page import CapitationPage

    widget = CapitationPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    return widget


def _bars(page) -> dict[str, float]:  # type: ignore[no-untyped-def]
    ax = page.member_chart.figure.axes[0]
    return {p.get_gid(): round(p.get_width(), 3) for p in ax.patches if p.get_gid()}


def _spin(form, name: str) -> QDoubleSpinBox:  # type: ignore[no-untyped-def]
    editor = form.editor(name)
    assert isinstance(editor, QDoubleSpinBox)
    return editor


def test_opens_on_the_worked_example(page) -> None:  # type: ignore[no-untyped-def]
    assert page.score_label.text() == "Risk score (V24): 0.943"
    assert "V28: 1.033" in page.compare_label.text()
    assert _bars(page)["V24:F70-74"] == 0.386
    assert "0.943" in page.member_math.text()


def test_changing_age_updates_the_score_and_the_bars(page) -> None:  # type: ignore[no-untyped-def]
    _spin(page.member_form, "age").setValue(85)
    expected = risk_score(85, "F", ["HCC19", "HCC85"]).total
    assert page.score_label.text() == f"Risk score (V24): {expected:.3f}"
    bars = _bars(page)
    assert bars["V24:F85-89"] == 0.641 and "V24:F70-74" not in bars


def test_ticking_a_condition_adds_a_bar(page) -> None:  # type: ignore[no-untyped-def]
    page.checklist.search.setText("copd")
    item = page.checklist.item_for("HCC111")
    assert item is not None and not item.isHidden()
    assert page.checklist.item_for("HCC85").isHidden()  # filtered out by the search
    item.setCheckState(Qt.CheckState.Checked)
    assert page.score_label.text() == "Risk score (V24): 1.433"  # 0.943 + 0.335 (COPD) + 0.155 (CHF × COPD)
    bars = _bars(page)
    assert bars["V24:HCC111"] == 0.335 and bars["V24:CHF_gCopdCF"] == 0.155
    assert bars["V28:HCC280"] == 0.319


def test_switching_to_v28_carries_the_member_across(page) -> None:  # type: ignore[no-untyped-def]
    combo = page.member_form.editor("model")
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData("V28"))
    assert page.score_label.text() == "Risk score (V28): 1.033"
    assert page.checklist.chosen() == ("HCC38", "HCC226")
    assert "HCC85 → V28 HCC226" in page.switch_label.text()
    assert _spin(page.payment_form, "normalization_factor").value() == pytest.approx(1.067)
    assert "$1,093.20" in page.payment_label.text()


def test_an_impossible_member_shows_a_readable_error(page) -> None:  # type: ignore[no-untyped-def]
    _spin(page.member_form, "age").setValue(50)
    assert page.member_error.isVisible()
    assert "65 or older" in page.member_error.text()
    combo = page.member_form.editor("segment")
    combo.setCurrentIndex(combo.findData("CND"))
    assert not page.member_error.isVisible()
    assert page.score_label.text().startswith("Risk score (V24): ")


def test_lesson_link_opens_the_page_with_its_inputs(window) -> None:  # type: ignore[no-untyped-def]
    window.open_link("calc:capitation?age=85&sex=F&conditions=HCC85,HCC19")
    page = window.page("capitation")
    assert window.stack.currentWidget() is page
    assert page.current_tab() == "member"
    assert _spin(page.member_form, "age").value() == 85
    assert set(page.checklist.chosen()) == {"HCC85", "HCC19"}
    assert page.score_label.text() == f"Risk score (V24): {risk_score(85, 'F', ['HCC85', 'HCC19']).total:.3f}"


def test_lesson_links_in_the_principles_lesson_all_work(window) -> None:  # type: ignore[no-untyped-def]
    lesson = window.ctx.course.lesson("principles")
    links = re.findall(r"\]\((calc:capitation[^)]*)\)", lesson.path.read_text(encoding="utf-8"))
    assert links, "the principles lesson should link to the capitation calculator"
    for link in links:
        window.open_link(link)
        page = window.page("capitation")
        assert not page.member_error.isVisible(), link
    window.open_link("calc:capitation?tab=member&age=85&sex=F&conditions=HCC85,HCC18,HCC111&model=V24")
    assert page.score_label.text() == "Risk score (V24): 1.885"


def test_preset_links_open_their_tab(page) -> None:  # type: ignore[no-untyped-def]
    page.apply_params({"tab": "panel", "preset": "two-practices"})
    assert page.current_tab() == "panel"
    assert page.count_boxes["b_chf_85"].value() == 150
    page.apply_params({"preset": "chf-85"})
    assert page.current_tab() == "member"
    assert page.score_label.text() == "Risk score (V24): 1.688"


def test_bad_link_values_raise_and_change_nothing(page) -> None:  # type: ignore[no-untyped-def]
    for params in ({"age": "300"}, {"conditions": "HCC999"}, {"tab": "nowhere"}, {"colour": "red"}):
        with pytest.raises(ValueError):
            page.apply_params(params)
    assert page.score_label.text() == "Risk score (V24): 0.943"


def test_panel_tab_reacts_to_risk_sharing_and_flat_pay(page) -> None:  # type: ignore[no-untyped-def]
    page.show_tab("panel")
    full_before = page.panel_table.cell_text(1, 7)
    combo = page.panel_form.editor("arrangement")
    combo.setCurrentIndex(combo.findData("full"))
    assert page.panel_table.cell_text(1, 7) != full_before
    assert "Full risk" in page.panel_bearer.text()
    page.panel_form.editor("risk_adjusted").setChecked(False)
    assert "flat pay" in page.panel_paid.text()
    assert page.panel_table.cell_text(1, 7).startswith("−$")  # the sicker practice loses under flat pay
    margin_bars = [p for p in page.panel_chart.figure.axes[1].patches if (p.get_gid() or "").startswith("margin:")]
    assert len(margin_bars) == 6 and any(p.get_height() < 0 for p in margin_bars)
    page.count_boxes["b_chf_85"].setValue(0)
    assert page.count_boxes["b_chf_85"].value() == 0 and "Practice B" in page.panel_summary.text()


def test_regions_tab_switches_method(page) -> None:  # type: ignore[no-untyped-def]
    page.show_tab("regions")
    combo = page.regions_form.editor("method")
    combo.setCurrentIndex(combo.findData("population"))
    assert "By population" in page.regions_detail.text()
    _spin(page.regions_form, "pace").setValue(100)
    # By headcount at full pace every region gets the same money per person (column 5).
    assert page.regions_table.cell_text(0, 5) == page.regions_table.cell_text(1, 5)
    assert page.regions_summary.text().startswith("Equity ratio: ")
    assert len(page.regions_chart.figure.axes[0].patches) == 20


def test_reset_scenario_and_theme(page, ctx) -> None:  # type: ignore[no-untyped-def]
    _spin(page.member_form, "age").setValue(90)
    saved = page.scenario()
    page.reset()
    assert page.score_label.text() == "Risk score (V24): 0.943"
    page.load_scenario(saved)
    assert _spin(page.member_form, "age").value() == 90
    ctx.set_theme(DARK)
    assert page.member_chart.figure.get_facecolor()[:3] != (1.0, 1.0, 1.0)


def test_scenario_file_round_trip(page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from healthalloc.core.scenario import Scenario, load_scenario, save_scenario

    page.apply_params({"tab": "panel", "preset": "two-practices"})
    page.count_boxes["a_healthy_66"].setValue(700)
    path = save_scenario(tmp_path / "two", Scenario("capitation", "Two practices", page.scenario()))
    page.reset()
    assert page.count_boxes["a_healthy_66"].value() == 600
    page.load_scenario(load_scenario(path).inputs)
    assert page.current_tab() == "panel" and page.count_boxes["a_healthy_66"].value() == 700
    page.load_scenario({"tab": "member", "age": 85, "conditions": ["HCC85", "HCC19"]})
    assert page.current_tab() == "member" and set(page.checklist.chosen()) == {"HCC85", "HCC19"}


# The Panel and Regions tabs are built when first needed: the page opens with the Member tab only.


def test_opens_with_only_the_member_tab_built(qtbot, ctx) -> None:  # type: ignore[no-untyped-def]
    from healthalloc.ui.capitation_page import CapitationPage

    fresh = CapitationPage(ctx)
    qtbot.addWidget(fresh)
    assert fresh.built_tabs() == ["member"]
    assert [fresh.tabs.tabText(i) for i in range(fresh.tabs.count())] == ["Member", "Panel", "Regions"]
    fresh.resize(1200, 800)
    fresh.show()
    fresh.show_tab("panel")  # built before it is painted, with its numbers
    assert fresh.built_tabs() == ["member", "panel"]
    assert fresh.panel_chart.isVisible() and fresh.panel_summary.text().startswith("Practice A:")
    assert fresh.panel_result is not None
    qtbot.waitUntil(lambda: not fresh.panel_chart.draw_pending(), timeout=5000)


def test_asking_for_a_widget_of_an_unbuilt_tab_builds_it(qtbot, ctx) -> None:  # type: ignore[no-untyped-def]
    from healthalloc.ui.capitation_page import CapitationPage

    fresh = CapitationPage(ctx)
    qtbot.addWidget(fresh)
    assert fresh.regions_result is not None  # the Regions tab, built on the way
    assert fresh.built_tabs() == ["member", "regions"]
    assert fresh.regions_form.values()["budget_millions"] > 0
    assert "panel" in fresh.scenario() and fresh.built_tabs() == ["member", "panel", "regions"]


def test_reset_leaves_unopened_capitation_tabs_unbuilt(page) -> None:  # type: ignore[no-untyped-def]
    page.apply_params({"tab": "regions", "pace": "50"})
    page.reset()
    assert page.built_tabs() == ["member", "regions"]
    assert page.current_tab() == "member"
    assert page.regions_form.values()["pace"] != 50


def test_a_capitation_tab_opened_during_a_presentation_gets_the_large_chart_text(page) -> None:  # type: ignore[no-untyped-def]
    page.set_chart_font_scale(2.5)
    assert page.member_chart.font_scale == 2.5
    page.show_tab("regions")
    assert page.regions_chart.font_scale == 2.5
