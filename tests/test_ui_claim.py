"""The claim page, driven with the keyboard and the forms: the journey, a year of claims, links, errors."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDoubleSpinBox

from healthalloc.core.palette import DARK
from healthalloc.ui.claim_page import ClaimPage


@pytest.fixture
def page(qtbot, ctx):  # type: ignore[no-untyped-def]
    widget = ClaimPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1150, 900)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def set_number(form, name: str, value: float) -> None:  # type: ignore[no-untyped-def]
    box = form.editor(name)
    assert isinstance(box, QDoubleSpinBox)
    box.setValue(value)


def test_default_claim_is_the_fact_sheet_example(page: ClaimPage) -> None:
    assert page.page_id == "claim"
    assert page.claim_summary.text() == "The patient pays $1,908.80; the plan pays $91.20."
    assert "$1,886.00 of the $1,886.00 deductible met" in page.ledger_label.text()
    assert page.step_title.text() == "Step 1 of 7: The visit"
    assert not page.back_button.isEnabled()
    assert "20% × $114.00 = $22.80" in page.claim_math.text()
    page.claim_chart.draw_now()
    legend = page.claim_chart.figure.axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()][:2] == ["Deductible: $1,886.00", "Coinsurance: $22.80"]


def test_keyboard_walks_the_journey_with_the_dollars_at_each_hop(qtbot, page: ClaimPage) -> None:  # type: ignore[no-untyped-def]
    page.journey.setFocus()
    qtbot.keyClick(page.journey, Qt.Key.Key_Right)
    assert page.step_title.text() == "Step 2 of 7: The claim"
    assert "its full charge, $3,000.00" in page.step_detail.text()
    assert page.journey.step is not None and page.journey.step.caption == "claim $3,000.00"
    qtbot.keyClick(page.journey, Qt.Key.Key_Right)
    assert "contractual write-off" in page.step_detail.text()
    qtbot.keyClick(page.journey, Qt.Key.Key_End)
    assert page.step_title.text() == "Step 7 of 7: The patient pays"
    assert not page.next_button.isEnabled()
    assert "The patient pays $1,908.80." in page.step_detail.text()
    qtbot.keyClick(page.journey, Qt.Key.Key_Left)
    assert page.step_title.text() == "Step 6 of 7: The bill"
    page.back_button.click()
    assert page.journey.step.caption == "pays $91.20"
    qtbot.keyClick(page.journey, Qt.Key.Key_Home)
    assert page.step_index == 0
    page.next_button.setFocus()
    qtbot.keyClick(page.next_button, Qt.Key.Key_Space)
    assert page.step_index == 1
    qtbot.waitUntil(lambda: page.journey.progress == 1.0, timeout=3000)  # the coin's animation finishes


def test_out_of_network_and_the_no_surprises_act(page: ClaimPage) -> None:
    page.apply_params({"network": "out", "step": "3"})
    assert page.claim_summary.text().endswith("Balance bill: $1,000.00 more.")
    assert "balance bill" in page.step_detail.text()
    assert page.claim_note.isVisibleTo(page) and "many plans pay less" in page.claim_note.text()
    page.claim_form.editor("protected").setChecked(True)
    assert page.claim_summary.text() == "The patient pays $1,908.80; the plan pays $91.20."
    assert "No Surprises Act" in page.step_detail.text()
    assert not page.claim_note.isVisibleTo(page)


def test_the_cap_and_the_running_totals(page: ClaimPage) -> None:
    set_number(page.claim_form, "deductible_paid", 1886)
    set_number(page.claim_form, "oop_paid", 10_600)
    assert page.claim_summary.text() == "The patient pays $0.00; the plan pays $2,000.00."
    set_number(page.claim_form, "oop_paid", 10_500)
    assert page.claim_summary.text() == "The patient pays $100.00; the plan pays $1,900.00."


def test_invalid_plan_is_refused_with_a_clear_message(page: ClaimPage) -> None:
    set_number(page.plan_form, "oop_max", 1000)
    assert page.error_label.isVisibleTo(page)
    assert (
        "The deductible ($1,886.00) cannot be above the out-of-pocket maximum ($1,000.00)"
        in page.error_label.text()
    )
    assert not page.year_error.isHidden()  # on the other tab too
    set_number(page.plan_form, "oop_max", 10_600)
    assert not page.error_label.isVisibleTo(page)


def test_a_year_of_claims_from_a_link(page: ClaimPage) -> None:
    page.apply_params({"preset": "major-surgery"})
    assert page.tabs.currentIndex() == 1
    assert page.year_box.isVisibleTo(page) and not page.claim_box.isVisibleTo(page)
    assert page.year_summary.text() == "Patient $10,600.00 · plan $51,975.00"
    assert "the cap was reached in Mar" in page.year_detail.text()
    assert page.monthly_table.cell_text(2, 0) == "Mar"
    assert page.monthly_table.cell_text(2, 2) == "$9,440.00"
    assert page.monthly_table.cell_text(2, 7) == "deductible met, out-of-pocket cap reached"
    assert page.monthly_table.cell_text(3, 2) == "$0.00"  # after the cap the patient pays nothing
    assert page.claims_table.cell_text(0, 2) == "Surgeon consultation"
    page.year_chart.draw_now()
    top, bottom = page.year_chart.figure.axes
    assert [round(p.get_height(), 2) for p in top.patches[:3]] == [0, 1160, 9440]
    assert bottom.lines[0].get_ydata()[-1] == 10_600


def test_medicare_preset_has_no_cap_and_says_so(page: ClaimPage) -> None:
    page.apply_params({"plan": "medicare-b", "preset": "diabetes"})
    values = page.plan_form.values()
    assert (values["deductible"], values["coinsurance"], values["no_cap"]) == (283, 20, True)
    assert not page.plan_form.editor("oop_max").isEnabled()
    assert "no out-of-pocket cap" in page.plan_summary.text()
    assert "Part D" in page.year_notes.text()
    page.tabs.setCurrentIndex(0)
    page.apply_params({"allowed": "1000", "billed": "1000", "service": "specialist"})
    assert page.claim_summary.text() == "The patient pays $426.40; the plan pays $573.60."


def test_plan_combo_fills_the_plan_and_reset_restores_it(page: ClaimPage) -> None:
    combo = page.plan_form.editor("plan")
    combo.setCurrentIndex(combo.findData("medicare-b"))
    assert page.plan_form.values()["deductible"] == 283
    page.reset()
    assert page.plan_form.values()["deductible"] == 1886
    assert page.scenario()["tab"] == "claim"


def test_links_are_validated_and_scenarios_round_trip(page: ClaimPage) -> None:
    with pytest.raises(ValueError, match="not one of healthy-year, diabetes"):
        page.apply_params({"preset": "skiing"})
    with pytest.raises(ValueError, match="Unknown tab 'x'"):
        page.apply_params({"tab": "x"})
    with pytest.raises(ValueError, match="step must be a number from 1 to 7"):
        page.apply_params({"step": "9"})
    with pytest.raises(ValueError, match="Coinsurance must be between 0 and 100"):
        page.apply_params({"coinsurance": "150"})
    page.apply_params({"preset": "baby", "deductible": "3000", "oop_max": "8000"})
    saved = page.scenario()
    page.reset()
    page.load_scenario(saved)
    assert page.scenario() == saved
    assert page.year_summary.text().startswith("Patient $")


def test_dark_theme_repaints_the_journey(page: ClaimPage, ctx) -> None:  # type: ignore[no-untyped-def]
    ctx.set_theme(DARK)
    assert page.journey.theme is DARK
    image = page.journey.grab().toImage()
    assert image.pixelColor(2, 2).name() == DARK.base.lower()


def test_a_plan_that_cannot_be_shows_no_chart_and_says_so_to_screen_readers(page) -> None:  # type: ignore[no-untyped-def]
    from healthalloc.core.live_chart import NOTICE

    page.plan_form.set_values({"deductible": 9000.0, "oop_max": 5000.0, "no_cap": False})
    assert page.error_label.text().startswith("This plan is not possible")
    assert page.claim_chart.text_alternative() == NOTICE
    assert page.year_chart.text_alternative() == NOTICE
    page.plan_form.set_values({"deductible": 1000.0})
    assert page.claim_chart.text_alternative() != NOTICE
    page.tabs.setCurrentIndex(1)  # the year is worked out when its tab is opened
    assert page.year_chart.text_alternative() != NOTICE
