"""The money-flow page, driven like a student would: combos, the mouse on the diagram, links, export."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from healthalloc.core import flow
from healthalloc.core.palette import DARK
from healthalloc.ui.money_flow_page import MoneyFlowPage


@pytest.fixture
def page(qtbot, ctx):  # type: ignore[no-untyped-def]
    widget = MoneyFlowPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1100, 900)
    widget.show()
    qtbot.waitExposed(widget)
    widget.flow_chart.draw_now()
    return widget


def widget_point(chart, x: float, y: float) -> QPoint:  # type: ignore[no-untyped-def]
    """Data coordinates of the flow diagram → a point on its canvas widget."""
    canvas = chart.canvas
    ax = chart.figure.axes[0]
    px, py = ax.transData.transform((x, y))
    ratio = canvas.device_pixel_ratio
    return QPoint(round(px / ratio), round(canvas.height() - py / ratio))


def test_page_shows_the_2024_totals_and_the_tables(page: MoneyFlowPage) -> None:
    assert page.page_id == "money-flow"
    assert "$5,278.6 billion" in page.intro.text() and "$15,474 per person" in page.intro.text()
    assert "18.0% of GDP" in page.intro.text()
    assert page.flow_table.cell_text(0, 0) == "Private insurance"
    assert page.flow_table.cell_text(0, 1) == "Hospital care"
    assert page.flow_table.cell_text(0, 2) == "558.936"
    assert page.breakdown_table.cell_text(0, 1) == "Private insurance"
    assert page.breakdown_table.cell_text(0, 3) == "31.2%"
    assert "Private insurance" in page.flow_chart.text_alternative()
    assert "Hospital care: $1,634.7 B" in page.dollar_chart.text_alternative()
    assert "federal government financed 31%" in page.sponsor_label.text()
    ax = page.flow_chart.figure.axes[0]
    assert len(page._artists.band_patches) == len(flow.flow_model(2024).bands)
    assert "Private insurance\n$1,644.6 B · 31.2%" in [t.get_text() for t in ax.texts]


def test_year_and_measure_change_every_view(page: MoneyFlowPage) -> None:
    page.year_combo.setCurrentIndex(page.year_combo.findData("2023"))
    assert "In 2023 the United States spent $4,925.3 billion" in page.intro.text()
    page.measure_combo.setCurrentIndex(page.measure_combo.findData("per_person"))
    header = page.flow_table.table.horizontalHeaderItem(2).text()
    assert header == "$ per person"
    assert page.flow_table.cell_text(0, 2).startswith("$")
    page.measure_combo.setCurrentIndex(page.measure_combo.findData("share_gdp"))
    assert "treat it as an estimate" in page.intro.text()  # 2023 GDP is implied, and the page says so
    page.flow_chart.draw_now()
    texts = [t.get_text() for t in page.flow_chart.figure.axes[0].texts]
    assert any(t.startswith("Private insurance\n5.43%") for t in texts)


def test_keyboard_picks_a_flow_and_the_diagram_highlights_it(qtbot, page: MoneyFlowPage) -> None:  # type: ignore[no-untyped-def]
    page.band_combo.setFocus()
    qtbot.keyClick(page.band_combo, Qt.Key.Key_Down)
    assert page.band_label.text().startswith("Private insurance → Hospital care: $558.9 B in 2024, 10.6%")
    selected = page._selected
    assert selected is not None
    assert page._artists.band_patches[selected].get_alpha() == pytest.approx(0.9)


def test_pointing_at_a_band_shows_its_amount_and_clicking_a_service_drills_down(
    qtbot, page: MoneyFlowPage
) -> None:  # type: ignore[no-untyped-def]
    layout = page._artists.layout
    band = next(b for b in layout.bands if b.source == "Medicare" and b.target == "Hospital care")
    point = widget_point(page.flow_chart, band.x0 + 0.01, (band.top0 + band.bottom0) / 2)
    qtbot.mouseMove(page.flow_chart.canvas, point)
    qtbot.waitUntil(lambda: page.band_label.text().startswith("Medicare → Hospital care"))
    qtbot.mouseClick(page.flow_chart.canvas, Qt.MouseButton.LeftButton, pos=point)
    assert page.band_combo.currentText() == "Medicare → Hospital care"
    node = layout.node(1, "Prescription drugs")
    qtbot.mouseClick(
        page.flow_chart.canvas,
        Qt.MouseButton.LeftButton,
        pos=widget_point(page.flow_chart, (node.x0 + node.x1) / 2, (node.top + node.bottom) / 2),
    )
    assert page.tabs.tabText(page.tabs.currentIndex()) == "Who pays for…"
    assert page.service_summary.text().startswith("Prescription drugs, 2024: $467.0 billion")
    assert page.who_table.cell_text(0, 0) == "Private health insurance"


def test_links_and_scenarios(page: MoneyFlowPage) -> None:
    page.apply_params({"year": "2023", "service": "nursing-care-facilities"})
    assert page.tabs.currentIndex() == 1
    assert page.service_summary.text() == (
        "Nursing care facilities, 2023: $205.0 billion. Largest payer: Medicaid (35.2%)."
    )
    assert "continuing-care retirement communities" in page.service_note.text()
    assert page.scenario() == {
        "year": "2023",
        "measure": "dollars",
        "service": "nursing-care-facilities",
        "tab": "who-pays",
    }
    with pytest.raises(ValueError, match="Unknown tab 'map'"):
        page.apply_params({"tab": "map"})
    with pytest.raises(ValueError, match="'1999' is not one of 2024, 2023"):
        page.apply_params({"year": "1999"})
    with pytest.raises(ValueError, match="unknown input"):
        page.apply_params({"colour": "red"})
    page.reset()
    assert page.scenario() == {"year": "2024", "measure": "dollars", "service": "hospital-care", "tab": "flow"}


def test_export_csv_writes_the_numbers_behind_the_chart(page: MoneyFlowPage, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "flows.csv"
    monkeypatch.setattr(
        "healthalloc.ui.calc_base.QFileDialog.getSaveFileName",
        lambda *_a, **_k: (str(target), "CSV files (*.csv)"),
    )
    page.flow_table.export_button.click()
    lines = target.read_text("utf-8").splitlines()
    assert lines[0] == "Payer,Type of service,$ billions,Share of all spending"
    assert lines[1].startswith("Private insurance,Hospital care,558.936,")
    assert len(lines) == len(flow.flow_model(2024).bands) + 1


def test_dark_theme_redraws(page: MoneyFlowPage, ctx) -> None:  # type: ignore[no-untyped-def]
    ctx.set_theme(DARK)
    page.flow_chart.draw_now()
    figure = page.flow_chart.figure
    assert figure.get_facecolor()[:3] == pytest.approx((0x26 / 255, 0x2B / 255, 0x31 / 255))
    assert len(page._artists.band_patches) == len(flow.flow_model(2024).bands)
    labels = [t for t in figure.axes[0].texts if t.get_text().startswith("Medicare")]
    assert labels and labels[0].get_color() == DARK.text


def test_a_broken_data_file_is_named_on_the_page_instead_of_crashing(qtbot, ctx, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    problem = "content/data/nhe_sources_uses.csv:2: Hospital care (2024): the payers add up to $1 million"

    def broken() -> None:
        raise flow.NHEDataError([problem])

    monkeypatch.setattr(flow, "matrix_records", broken)
    widget = MoneyFlowPage(ctx)
    qtbot.addWidget(widget)
    assert widget.intro.text() == "The spending data could not be loaded:\n" + problem
    assert widget.scenario() == {}
    with pytest.raises(ValueError, match="could not be loaded"):
        widget.apply_params({"year": "2024"})


def _shown(chart) -> np.ndarray:  # type: ignore[no-untyped-def]
    return np.asarray(chart.canvas.buffer_rgba()).astype(int)


def _drawn_plainly(chart, layer) -> np.ndarray:  # type: ignore[no-untyped-def]
    """The chart drawn the ordinary way (nothing blitted or remembered), with the layout it has now."""
    layer.disconnect()
    for artist in layer._data:
        artist.set_animated(False)
    chart.figure.set_layout_engine("none")
    chart.draw_now()
    return _shown(chart)


def test_going_back_to_a_year_shows_its_picture_again(qtbot, page: MoneyFlowPage) -> None:  # type: ignore[no-untyped-def]
    page.dollar_chart.draw_now()
    for year in ("2023", "2024", "2023"):  # back to 2024 and to 2023: their saved pictures are reused
        page.year_combo.setCurrentIndex(page.year_combo.findData(year))
        qtbot.wait(1)
    page.band_combo.setCurrentIndex(3)  # a highlighted band is repainted over the picture
    assert page._artists.selected is not None
    for chart, name in ((page.flow_chart, "flow"), (page.dollar_chart, "dollar")):
        shown = _shown(chart)
        differ = np.abs(shown - _drawn_plainly(chart, page._layers[name])).max(axis=-1) > 8
        assert differ.mean() < 0.005, name
    assert "2023" in page.flow_chart.figure.axes[0].get_title(loc="left")


def test_after_a_resize_the_labels_are_spread_for_the_new_height(qtbot, page: MoneyFlowPage) -> None:  # type: ignore[no-untyped-def]
    page.resize(1100, 700)
    qtbot.waitUntil(lambda: page.flow_chart.canvas.height() > 0)
    page.flow_chart.draw_now()  # what the resize itself draws: labels still placed for the old height
    page._resize_redraw.flush()  # then the labels are spread again
    qtbot.wait(1)
    page.band_combo.setCurrentIndex(2)
    shown = _shown(page.flow_chart)
    differ = np.abs(shown - _drawn_plainly(page.flow_chart, page._layers["flow"])).max(axis=-1) > 8
    assert differ.mean() < 0.005
