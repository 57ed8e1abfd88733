"""Garbage typed into every field of every calculator page: no exception escapes a slot (pytest-qt fails the test
if one does), no field keeps an impossible value, and nothing on screen says "nan", "inf" or "Traceback"."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QTableWidget,
    QTabWidget,
    QTextBrowser,
    QWidget,
)

from healthalloc.ui.calc_base import ChartView
from healthalloc.ui.debounce import Debouncer
from healthalloc.ui.main_window import MainWindow

CALCULATOR_PAGES = ("capitation", "reimbursement", "claim", "money-flow")
# Letters stand for "inf" and any other word: a spin box's validator treats them alike.
GARBAGE = ("", "abc", "-5", "1e308", "nan")
BAD_WORD = re.compile(r"(?<![A-Za-z])(nan|inf|-inf|infinity)(?![A-Za-z])|Traceback", re.IGNORECASE)


def shown_text(page: QWidget) -> list[tuple[str, str]]:
    """Everything a student can read on the page: labels, table cells, text panes, chart descriptions."""
    found: list[tuple[str, str]] = []
    for label in page.findChildren(QLabel):
        if label.isVisible():
            found.append((f"label {label.objectName()!r}", label.text()))
    for table in page.findChildren(QTableWidget):
        if table.isVisible():
            for row in range(table.rowCount()):
                for column in range(table.columnCount()):
                    item = table.item(row, column)
                    if item is not None:
                        found.append((f"{table.accessibleName()} [{row},{column}]", item.text()))
    for browser in page.findChildren(QTextBrowser):
        if browser.isVisible():
            found.append((f"text {browser.accessibleName()!r}", browser.toPlainText()))
    for chart in page.findChildren(ChartView):
        if chart.isVisible():
            found.append((f"chart {chart.accessibleName()!r}", chart.text_alternative()))
    for box in page.findChildren(QAbstractSpinBox):
        found.append((f"field {box.accessibleName()!r}", box.text()))
    return found


def assert_nothing_impossible(page: QWidget, context: str) -> None:
    bad = [
        (where, BAD_WORD.search(text).group(0), text[:120])
        for where, text in shown_text(page)
        if BAD_WORD.search(text)
    ]  # type: ignore[union-attr]
    assert bad == [], f"after {context}: {bad}"
    for box in page.findChildren(QAbstractSpinBox):
        if isinstance(box, (QSpinBox, QDoubleSpinBox)):
            value = box.value()
            assert math.isfinite(value) and box.minimum() <= value <= box.maximum(), (
                f"{box.accessibleName()} = {value}"
            )


def settle(page: QWidget, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Run what typing scheduled: debounced recalculations and chart redraws."""
    for debouncer in page.findChildren(Debouncer):
        debouncer.flush()
    qtbot.wait(1)


def editable_fields(page: QWidget) -> list[QWidget]:
    fields: list[QWidget] = []
    for widget in page.findChildren(QWidget):
        if not (widget.isVisible() and widget.isEnabled()):
            continue
        if isinstance(widget, QAbstractSpinBox) or (
            isinstance(widget, QLineEdit) and not isinstance(widget.parent(), (QAbstractSpinBox, QComboBox))
        ):
            fields.append(widget)
    return fields


def type_into(field: QWidget, text: str, qtbot) -> None:  # type: ignore[no-untyped-def]
    field.setFocus()
    if isinstance(field, QAbstractSpinBox):
        field.selectAll()
    else:
        assert isinstance(field, QLineEdit)
        field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    if text:
        qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    field.clearFocus()  # editingFinished: spin boxes correct to the nearest allowed value


def tab_views(page: QWidget) -> list[tuple[QTabWidget, int]]:
    return [(tabs, index) for tabs in page.findChildren(QTabWidget) for index in range(tabs.count())]


@pytest.fixture
def no_popups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A message box would block the test; record what would have been said instead."""
    said: list[str] = []

    def record(*args: Any, **_kwargs: Any) -> QMessageBox.StandardButton:
        said.append(" | ".join(str(a) for a in args[1:3]))
        return QMessageBox.StandardButton.Ok

    for kind in ("information", "warning", "critical", "question"):
        monkeypatch.setattr(QMessageBox, kind, record)
    return said


@pytest.mark.parametrize("page_id", CALCULATOR_PAGES)
def test_garbage_in_every_field_never_shows_nan_or_crashes(
    window: MainWindow, qtbot, no_popups: list[str], page_id: str
) -> None:  # type: ignore[no-untyped-def]
    assert window.open_page(page_id)
    page = window.stack.currentWidget()
    settle(page, qtbot)
    typed = chosen = 0
    views = tab_views(page) or [(None, 0)]
    for tabs, index in views:
        if tabs is not None:
            tabs.setCurrentIndex(index)
            settle(page, qtbot)
        fields = editable_fields(page)
        for field in fields:
            for text in GARBAGE:
                if not field.isVisible():
                    break  # the page rearranged itself (a preset or mode changed)
                type_into(field, text, qtbot)
                typed += 1
            for debouncer in page.findChildren(Debouncer):
                debouncer.flush()
        for combo in [c for c in page.findChildren(QComboBox) if c.isVisible() and c.isEnabled()]:
            for choice in range(min(combo.count(), 12)):  # money flow has no typed fields, only choices
                if combo.isVisible():
                    combo.setCurrentIndex(choice)
                    chosen += 1
        settle(page, qtbot)  # charts redraw once per tab: their drawing is not what is being tested
        names = ", ".join(f.accessibleName() or f.objectName() for f in fields)
        assert_nothing_impossible(page, f"typing into {names}")
    print(f"\n{page_id}: {typed} garbage entries typed, {chosen} choices made")
    assert typed + chosen > 0
    for problem in no_popups:
        assert not BAD_WORD.search(problem), problem


@pytest.mark.parametrize("page_id", CALCULATOR_PAGES)
def test_odd_link_parameters_are_explained_not_raised(
    window: MainWindow, qtbot, no_popups: list[str], page_id: str
) -> None:  # type: ignore[no-untyped-def]
    """``calc:`` links come from lesson files: every parameter value is refused with a message or applied."""
    assert window.open_page(page_id)
    page = window.stack.currentWidget()
    names = [*getattr(page, "scenario", dict)(), "tab", "preset", "age", "model", "year", "nonsense"]
    for name in names:
        for value in ("", "nan", "-inf", "1e308", "-5", "abc", "../../etc/passwd", "0x10", "1,2"):
            window.open_link(f"calc:{page_id}?{name}={value}")
            settle(page, qtbot)
    assert_nothing_impossible(page, "odd calc: links")
