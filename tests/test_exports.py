"""Exports are real files: PNG, SVG, CSV and PDF written by the app are read back and checked."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtSvg import QSvgRenderer

from healthalloc.ui.exports import (
    copy_chart,
    export_chart_to,
    export_lesson_pdf_to,
    export_table_to,
    find_chart,
    find_table,
    handout_markdown,
    pdf_page_count,
)

ROOT = Path(__file__).resolve().parent.parent


def check_svg(path: Path) -> None:
    root = ET.fromstring(path.read_bytes())
    assert root.tag.endswith("svg")
    assert QSvgRenderer(str(path)).isValid()


def test_a_calculator_chart_exports_as_png_at_2x_and_as_svg(window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window.open_page("capitation")
    qtbot.wait(20)
    chart = find_chart(window)
    assert chart is not None and chart.text
    assert export_chart_to(chart, tmp_path / "chart.png", scale=2.0) is None
    image = QImage(str(tmp_path / "chart.png"))
    assert not image.isNull()
    assert export_chart_to(chart, tmp_path / "chart1.png", scale=1.0) is None
    assert image.width() == 2 * QImage(str(tmp_path / "chart1.png")).width()
    assert export_chart_to(chart, tmp_path / "chart.svg") is None
    check_svg(tmp_path / "chart.svg")
    assert "PNG or SVG" in (export_chart_to(chart, tmp_path / "chart.bmp") or "")


def test_a_lesson_chart_exports_and_copies_to_the_clipboard(window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window.open_page("international")
    chart = find_chart(window)
    assert chart is not None and chart.name == "intl-spending"
    assert export_chart_to(chart, tmp_path / "intl.png") is None
    image = QImage(str(tmp_path / "intl.png"))
    assert image.width() >= 1800  # 2× a 9.6-inch figure at 100 dpi: sharp on a slide
    assert export_chart_to(chart, tmp_path / "intl.svg") is None
    check_svg(tmp_path / "intl.svg")
    assert "United States" in (tmp_path / "intl.svg").read_text("utf-8")
    copy_chart(chart)
    mime = QGuiApplication.clipboard().mimeData()
    assert mime.hasImage() and "United States" in mime.text()


def test_the_shortcut_copies_the_current_chart(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    window.open_page("international")
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(window, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert QGuiApplication.clipboard().mimeData().hasImage()


def test_a_lesson_table_exports_as_csv(window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window.open_page("overview")
    qtbot.wait(20)
    page = window.stack.currentWidget()
    page.browser.verticalScrollBar().setValue(0)
    table = find_table(window)
    assert table is not None
    assert export_table_to(table, tmp_path / "coverage.csv") is None
    rows = list(csv.reader(io.StringIO((tmp_path / "coverage.csv").read_text("utf-8"))))
    assert rows[0] == ["Type of coverage (any time in 2024)", "Share of population"]
    assert ["Medicare", "19.1%"] in rows


def test_a_calculator_table_exports_as_csv(window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from healthalloc.ui.calc_base import FrameView

    for page_id in ("capitation", "reimbursement", "money-flow", "claim"):
        window.open_page(page_id)
        qtbot.wait(10)
        table = find_table(window)
        if table is None:
            continue
        view = next(v for v in window.stack.currentWidget().findChildren(FrameView) if v.frame() is not None)
        assert export_table_to(table, tmp_path / f"{page_id}.csv") is None
        rows = list(csv.reader(io.StringIO((tmp_path / f"{page_id}.csv").read_text("utf-8"))))
        assert len(rows) >= 2 and len(rows[0]) >= 1
        if view.isVisibleTo(window.stack.currentWidget()):
            assert rows[0] == [str(c) for c in view.frame().columns] or len(rows[0]) == len(view.frame().columns)
        return
    raise AssertionError("no tool page shows a table")


def test_the_handout_has_text_figures_checks_answers_and_sources(ctx) -> None:  # type: ignore[no-untyped-def]
    lesson = ctx.course.lesson("overview")
    text = handout_markdown(ctx, lesson)
    assert text.startswith(f"# {lesson.title}")
    assert "](chart:health-dollar)" in text
    assert "## Answers to the knowledge checks" in text and "**Answer:" in text
    assert "## Sources" in text and lesson.sources[0].url in text
    assert "lesson:" not in text and "page:" not in text  # internal links make no sense on paper
    notes = lesson.sections[0].notes.split("\n")[0]
    assert notes not in text  # speaker notes are never handed out


def test_a_lesson_pdf_handout_is_a_valid_pdf(ctx, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "overview.pdf"
    assert export_lesson_pdf_to(ctx, ctx.course.lesson("overview"), target) is None
    data = target.read_bytes()
    assert data.startswith(b"%PDF-1.") and data.rstrip().endswith(b"%%EOF")
    assert re.search(rb"/MediaBox \[0 0 612(\.0+)? 792(\.0+)?\]", data)  # US Letter
    assert pdf_page_count(data) >= 3
    assert b"/Subtype /Image" in data  # the figure is in it
    assert b"xref" in data and b"trailer" in data
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file left behind


def test_cli_export_pdf(tmp_path: Path) -> None:
    import os

    env = {**os.environ, "PYTHONPATH": str(ROOT / "desktop"), "QT_QPA_PLATFORM": "offscreen"}
    target = tmp_path / "handout.pdf"
    result = subprocess.run(
        [sys.executable, "-m", "healthalloc", "--export-pdf", str(target), "--page", "principles"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert pdf_page_count(target.read_bytes()) >= 2
    wrong = subprocess.run(
        [sys.executable, "-m", "healthalloc", "--export-pdf", str(tmp_path / "x.pdf"), "--page", "capitation"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert wrong.returncode == 2 and "not a lesson" in wrong.stderr
    assert not (tmp_path / "x.pdf").exists()
