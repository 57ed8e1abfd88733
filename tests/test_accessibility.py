"""Accessibility: every focusable widget on every page has a name a screen reader can read, keyboard focus is
visible and never trapped, charts have a text alternative, and every theme's text contrast is at least 4.5:1."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractButton, QTabBar, QTextBrowser, QWidget

from healthalloc.core.palette import THEMES, ThemeColors, contrast_ratio
from healthalloc.ui.main_window import MainWindow

# WCAG 2.1 success criterion 1.4.3: 4.5:1 for normal-size text.
MINIMUM_CONTRAST = 4.5


def text_pairs(theme: ThemeColors) -> dict[str, tuple[str, str]]:
    """Every (text colour, background) the themes put together for reading."""
    return {
        "text on base": (theme.text, theme.base),
        "text on window": (theme.text, theme.window),
        "muted text on base": (theme.muted_text, theme.base),
        "muted text on window": (theme.muted_text, theme.window),
        "link on base": (theme.link, theme.base),
        "link on window": (theme.link, theme.window),
        "button text on accent": (theme.accent_text, theme.accent),
        "selected text on highlight": (theme.highlight_text, theme.highlight),
        "text on highlight (knowledge checks on slides)": (theme.text, theme.highlight),
        "positive on base": (theme.positive, theme.base),
        "negative on base": (theme.negative, theme.base),
        "slide notes (base on text)": (theme.base, theme.text),
    }


@pytest.mark.parametrize("name", sorted(THEMES))
def test_text_contrast_is_at_least_4_5_to_1_in_every_theme(name: str) -> None:
    theme = THEMES[name]
    low = {
        label: round(contrast_ratio(fg, bg), 2)
        for label, (fg, bg) in text_pairs(theme).items()
        if contrast_ratio(fg, bg) < MINIMUM_CONTRAST
    }
    assert low == {}, f"{name} theme: contrast below {MINIMUM_CONTRAST}:1 for {low}"


def test_the_projector_theme_is_dark_on_white_with_thick_lines_and_large_chart_text() -> None:
    projector = THEMES["projector"]
    assert projector.base.upper() == "#FFFFFF" and contrast_ratio(projector.text, projector.base) >= 15
    assert projector.chart_line_width >= 2 * THEMES["light"].chart_line_width * 0.9
    assert projector.chart_font_scale > THEMES["light"].chart_font_scale


def accessible_name(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    name = interface.text(QAccessible.Text.Name) if interface is not None else ""
    return (name or widget.accessibleName() or "").strip()


def tab_focusable(root: QWidget) -> list[QWidget]:
    widgets = [root, *root.findChildren(QWidget)]
    return [
        w
        for w in widgets
        if w.isVisibleTo(root.window())
        and w.isEnabled()
        and (w.focusPolicy() & Qt.FocusPolicy.TabFocus) == Qt.FocusPolicy.TabFocus
        and not isinstance(w.parentWidget(), QAbstractButton)  # parts of a compound button
        and w.focusProxy() is None  # focus goes to the proxy (a spin box's line edit), which is checked itself
    ]


def unnamed(root: QWidget) -> list[str]:
    problems = []
    for widget in tab_focusable(root):
        if isinstance(widget, QTabBar):
            if any(not widget.tabText(i).strip() for i in range(widget.count())):
                problems.append(f"{type(widget).__name__} with an unlabelled tab")
            continue
        if not accessible_name(widget):
            label = getattr(widget, "text", lambda: "")()
            problems.append(
                f"{type(widget).__name__} {widget.objectName()!r} {label!r} in {type(widget.parentWidget()).__name__}"
            )
    return problems


def test_every_focusable_widget_on_every_page_has_an_accessible_name(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.resize(1280, 800)
    problems: dict[str, list[str]] = {}
    for page_id in window.page_ids():
        assert window.open_page(page_id), page_id
        qtbot.wait(5)
        page = window.stack.currentWidget()
        missing = unnamed(page)
        if missing:
            problems[page_id] = missing
    chrome = [w for w in unnamed(window) if not any(w in p for p in problems.values())]
    chrome = [w for w in chrome if all(w not in found for found in problems.values())]
    assert problems == {}, problems
    assert chrome == [], chrome


def test_presentation_mode_and_presenter_view_name_their_controls(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.open_page("principles")
    qtbot.keyClick(window, Qt.Key.Key_F5)
    presentation = window._presentation  # type: ignore[attr-defined]
    index = next(i for i, s in enumerate(presentation.deck.slides) if s.kind == "calculator")
    presentation.go_to(index)
    assert unnamed(presentation) == []
    assert presentation.accessibleName().startswith(f"Slide {index + 1} of")
    presentation.show_presenter_view(full_screen=False)
    assert unnamed(presentation.presenter) == []
    presentation.leave()


def test_tab_moves_focus_through_a_page_and_out_again(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    """No keyboard trap: Tab from the sidebar visits the page's controls and comes back round."""
    for page_id in ("overview", "capitation"):
        window.open_page(page_id)
        window.sidebar.setFocus()
        seen = []
        for _ in range(600):
            before = window.focusWidget()
            anchor = before.textCursor().position() if isinstance(before, QTextBrowser) else None
            qtbot.keyClick(before or window, Qt.Key.Key_Tab)
            focus = window.focusWidget()
            if focus is before and isinstance(focus, QTextBrowser) and focus.textCursor().position() != anchor:
                continue  # Tab steps through the links in the text, then moves on: that is not a trap
            assert focus is not before, (
                f"{page_id}: Tab is swallowed by {type(before).__name__} {before.accessibleName()!r} "
                "(a keyboard trap; for a text editor use setTabChangesFocus(True))"
            )
            seen.append(focus)
            if focus is window.sidebar:
                break
        assert window.sidebar in seen[1:], f"{page_id}: Tab never came back to the sidebar"
        page = window.stack.currentWidget()
        assert any(page.isAncestorOf(w) for w in seen if w is not None), f"{page_id}: Tab never reached the page"


@pytest.mark.parametrize("name", sorted(THEMES))
def test_focus_is_visible_in_every_theme(name: str) -> None:
    from healthalloc.ui.theme import stylesheet

    theme = THEMES[name]
    sheet = stylesheet(theme)
    assert ":focus" in sheet and f"border: 2px solid {theme.accent}" in sheet
    assert contrast_ratio(theme.accent, theme.base) >= 3.0  # WCAG 1.4.11: focus indicators need 3:1


def test_every_chart_has_a_text_alternative_reachable_from_the_keyboard(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    from healthalloc.ui.calc_base import ChartView

    for page_id in ("capitation", "reimbursement", "money-flow", "claim"):
        window.open_page(page_id)
        qtbot.wait(10)
        for view in window.stack.currentWidget().findChildren(ChartView):
            if view.isVisibleTo(window) and view._drawer is not None:
                assert view.focusPolicy() & Qt.FocusPolicy.TabFocus, page_id
                assert view.accessibleDescription().strip(), f"{page_id}: a chart without its numbers"


def test_the_shortcut_sheet_lists_every_shortcut(window: MainWindow) -> None:
    from PySide6.QtGui import QKeySequence

    listed = {keys for _name, keys in window.shortcut_rows}
    for action in window.actions():
        for sequence in action.shortcuts():
            text = sequence.toString(QKeySequence.SequenceFormat.NativeText)
            assert any(text in keys for keys in listed), f"{action.text()} ({text}) is not in the shortcut sheet"


def test_lesson_figures_link_to_the_numbers_behind_them(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    window.open_page("international")
    page = window.stack.currentWidget()
    assert "[Show the numbers](chartdata:intl-spending)" in page.markdown()
    text = page.show_chart_numbers("intl-spending")
    assert "United States" in text and "% of GDP" in text
    boxes = [w for w in page.findChildren(QMessageBox) if w.isVisible()]
    assert boxes and "United States" in boxes[-1].text()
    boxes[-1].close()
