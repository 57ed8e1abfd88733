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


def _colour_pixels(image: Any, colour: str) -> int:
    from PySide6.QtGui import QColor

    wanted = QColor(colour).rgb()
    step = 2  # every other pixel is plenty to find a marked word
    return sum(
        image.pixel(x, y) == wanted for y in range(0, image.height(), step) for x in range(0, image.width(), step)
    )


def test_each_row_reads_as_title_and_snippet_for_screen_readers(window: Any, qtbot: Any) -> None:
    popup = _search(window, qtbot, "coinsurance")
    model = popup.results.model()
    index = model.index(0, 0)
    first = popup._last_results[0]
    expected = f"{first.document.title}: {first.snippet}"
    assert index.data(Qt.ItemDataRole.DisplayRole) == expected
    assert index.data(Qt.ItemDataRole.AccessibleTextRole) == expected
    assert index.data(Qt.ItemDataRole.AccessibleDescriptionRole).startswith("Glossary · ")


def test_matched_words_are_marked_in_every_row_and_in_the_selected_one(window: Any, qtbot: Any) -> None:
    previous = window.theme_choice()
    try:
        for choice in ("light", "dark"):
            window.set_theme_choice(choice)
            popup = _search(window, qtbot, "medicare")
            row = next(i for i, r in enumerate(popup._last_results) if r.highlights)
            popup.results.setCurrentRow(row)
            popup.results.scrollToTop()
            theme = window.ctx.theme
            image = popup.results.viewport().grab().toImage()
            assert _colour_pixels(image, theme.highlight) > 0  # the selected row, and marks in the others
            assert _colour_pixels(image, theme.accent) > 0  # marks in the selected row stand out from it
            qtbot.keyClick(popup.field, Qt.Key.Key_Escape)
    finally:
        window.set_theme_choice(previous)


def test_long_titles_and_snippets_are_cut_at_a_word_with_an_ellipsis(window: Any, qtbot: Any) -> None:
    window.resize(700, 700)
    popup = _search(window, qtbot, "deductible")
    view = popup.results
    row = next(i for i, r in enumerate(popup._last_results) if r.document.kind == "quiz")
    result = popup._last_results[row]
    rect = view.visualRect(view.model().index(row, 0))
    font = view.font()
    fonts = popup.delegate.fonts(font)
    width = rect.width() - 12
    shown = popup.delegate.row(result, row, width, fonts)
    assert shown.title.endswith("…") and result.document.title.startswith(shown.title[:-1])
    assert fonts.title_metrics.horizontalAdvance(shown.title) <= width
    layout = shown.snippet
    assert 1 <= layout.lineCount() <= 2
    assert all(layout.lineAt(i).naturalTextWidth() <= width for i in range(layout.lineCount()))
    text = layout.text()
    if text != result.snippet:
        assert text.endswith("…") and result.snippet.startswith(text[:-1])


def test_rows_grow_with_the_zoom_and_keys_still_choose(window: Any, qtbot: Any) -> None:
    popup = _search(window, qtbot, "capitation")
    view = popup.results
    before = view.visualRect(view.model().index(0, 0)).height()
    try:
        window.set_zoom(1.5)
        qtbot.waitUntil(lambda: view.visualRect(view.model().index(0, 0)).height() > before * 1.3, timeout=5000)
    finally:
        window.set_zoom(1.0)
    qtbot.keyClick(popup.field, Qt.Key.Key_Down)
    qtbot.keyClick(popup.field, Qt.Key.Key_Down)
    qtbot.keyClick(popup.field, Qt.Key.Key_Up)
    assert popup.current_result() is popup._last_results[1]


def test_clicking_a_result_opens_it(window: Any, qtbot: Any) -> None:
    popup = _search(window, qtbot, "coinsurance")
    view = popup.results
    centre = view.visualRect(view.model().index(0, 0)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert not popup.isVisible()
    assert window.pages["glossary"].current_term().term == "Coinsurance"
