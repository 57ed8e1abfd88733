"""Searching from the main window: Ctrl+K / Ctrl+F, results as you type, Enter opens the match."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence


def _search(window: Any, qtbot: Any, text: str, keys: str = "Ctrl+K") -> Any:
    sequence = QKeySequence(keys)
    combo = sequence[0]
    qtbot.keyClick(window, combo.key(), combo.keyboardModifiers())
    popup = window.search_popup
    qtbot.waitUntil(popup.isVisible, timeout=5000)
    qtbot.keyClicks(popup.field, text)
    qtbot.waitUntil(lambda: bool(popup.result_titles()), timeout=5000)
    return popup


def test_coinsurance_opens_the_glossary_entry(window: Any, qtbot: Any) -> None:
    popup = _search(window, qtbot, "coinsurance")
    assert popup.result_titles()[0] == "Coinsurance"
    assert popup.results.count() == len(popup.result_titles())
    qtbot.keyClick(popup.field, Qt.Key.Key_Return)
    assert not popup.isVisible()
    page = window.pages["glossary"]
    assert window.stack.currentWidget() is page
    assert page.current_term().term == "Coinsurance"
    assert "allowed amount" in page.entry.toPlainText()


def test_coinsurance_opens_a_lesson_at_the_match(window: Any, qtbot: Any) -> None:
    popup = _search(window, qtbot, "coinsurance", "Ctrl+F")
    kinds = [r.document.kind for r in popup._last_results]
    assert "lesson" in kinds
    row = kinds.index("lesson")
    result = popup._last_results[row]
    for _ in range(row):
        qtbot.keyClick(popup.field, Qt.Key.Key_Down)
    assert popup.current_result() is result
    qtbot.keyClick(popup.field, Qt.Key.Key_Return)
    lesson_id, _, slug = result.document.target.removeprefix("lesson:").partition("#")
    page = window.pages[lesson_id]
    assert window.stack.currentWidget() is page
    qtbot.waitUntil(lambda: page.browser.textCursor().selectedText().lower() == "coinsurance", timeout=5000)
    # The selection is inside the section the result named.
    position = page.browser.textCursor().selectionStart()
    block = page.browser.document().findBlock(position)
    while block.isValid() and block.blockFormat().headingLevel() != 2:
        block = block.previous()
    assert block.text().strip() == result.document.title
    assert page.lesson.section(slug).title == result.document.title


def test_results_update_as_you_type_and_escape_closes(window: Any, qtbot: Any) -> None:
    popup = _search(window, qtbot, "capit")
    assert "Capitation" in popup.result_titles()
    qtbot.keyClicks(popup.field, "xyzzy")
    qtbot.waitUntil(lambda: not popup.result_titles(), timeout=5000)
    assert "Nothing found" in popup.status.text()
    qtbot.keyClick(popup.field, Qt.Key.Key_Escape)
    assert not popup.isVisible()


def test_a_quiz_result_opens_the_question(window: Any, qtbot: Any) -> None:
    popup = _search(window, qtbot, "wage index")
    row = next(i for i, r in enumerate(popup._last_results) if r.document.kind == "quiz")
    popup.results.setCurrentRow(row)
    target = popup._last_results[row].document.target
    popup.open_current()
    assert window.pages["quiz"].current_question().id == target.removeprefix("check:")


def test_a_search_link_opens_the_box_with_the_words(window: Any, qtbot: Any) -> None:
    window.open_link("search:wage index")
    popup = window.search_popup
    assert popup.isVisible()
    assert popup.field.text() == "wage index"
    qtbot.waitUntil(lambda: bool(popup.result_titles()), timeout=5000)
    assert popup.result_titles()[0] == "Wage index"


def test_hovering_a_glossary_link_describes_the_term(ctx: Any) -> None:
    tip = ctx.describe_link("glossary:coinsurance")
    assert tip is not None and tip.startswith("Coinsurance: ")
    linked = ctx.link_terms("The plan charges coinsurance after the deductible.")
    assert "[coinsurance](glossary:coinsurance)" in linked
    assert ctx.question_prompt("overview-1")
    assert ctx.question_prompt("no-such-question") is None
