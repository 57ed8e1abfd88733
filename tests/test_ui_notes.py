"""Notes and bookmarks in the side panel, and time spent per lesson, saved across restarts."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt


@pytest.fixture
def window(qtbot: Any, ctx: Any) -> Any:
    """The main window, starting on the glossary so no lesson chart is drawn before the test begins."""
    from healthalloc.ui.main_window import MainWindow

    ctx.settings.setValue("ui/welcome_dismissed", True)
    ctx.settings.setValue("ui/last_page", "glossary")
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    return win


def _restart(data_dir: Path, qtbot: Any) -> tuple[Any, Any]:
    from healthalloc.ui.application import build_context, make_settings
    from healthalloc.ui.main_window import MainWindow

    again = build_context(make_settings(), data_dir)
    again.settings.setValue("ui/welcome_dismissed", True)
    second = MainWindow(again, restore=False)
    qtbot.addWidget(second)
    second.show()
    return again, second


def test_a_note_typed_survives_a_restart(window: Any, ctx: Any, data_dir: Path, qtbot: Any) -> None:
    window.open_page("mechanisms", {"section": "fee-schedules"})
    panel = window.notes_panel
    assert panel.isVisible()
    qtbot.waitUntil(lambda: panel.section == "fee-schedules", timeout=5000)
    panel.editor.setFocus()
    qtbot.keyClicks(panel.editor, "RVUs x GPCIs x conversion factor")
    assert panel.status.text() == "Saving…"
    qtbot.waitUntil(lambda: ctx.store.note("mechanisms", "fee-schedules") is not None, timeout=5000)
    assert panel.status.text().startswith("Saved")
    qtbot.mouseClick(panel.bookmark_button, Qt.MouseButton.LeftButton)
    assert panel.bookmark_button.text() == "★ Bookmarked"
    window.close()
    ctx.store.close()

    again, second = _restart(data_dir, qtbot)
    try:
        second.open_page("mechanisms", {"section": "fee-schedules"})
        panel = second.notes_panel
        qtbot.waitUntil(lambda: panel.section == "fee-schedules", timeout=5000)
        assert panel.editor.toPlainText() == "RVUs x GPCIs x conversion factor"
        assert panel.bookmark_button.isChecked()
        listed = [panel.all_notes.item(i).text() for i in range(panel.all_notes.count())]
        assert any(text.startswith("★ Fee schedules") for text in listed)
        second.close()
    finally:
        again.store.close()


def test_closing_the_window_saves_a_note_still_pending(window: Any, ctx: Any, qtbot: Any) -> None:
    window.open_page("stakeholders")
    panel = window.notes_panel
    panel.set_section(ctx.course.lesson("stakeholders").sections[1].slug, force=True)
    panel.editor.setFocus()
    qtbot.keyClicks(panel.editor, "typed just before quitting")
    window.close()
    note = ctx.store.note("stakeholders", panel.section)
    assert note is not None and note.body == "typed just before quitting"


def test_the_panel_follows_the_section_being_read(window: Any, qtbot: Any) -> None:
    window.open_page("principles")
    page = window.pages["principles"]
    panel = window.notes_panel
    last = page.lesson.sections[-1]
    qtbot.waitUntil(lambda: bool(page.section_positions()), timeout=5000)
    page.scroll_to_section(last.slug)
    qtbot.waitUntil(lambda: panel.section == page.current_section(), timeout=5000)
    assert panel.section_combo.currentText() == page.lesson.section(panel.section).title


def test_the_panel_is_hidden_away_from_lessons_and_can_be_turned_off(window: Any, qtbot: Any) -> None:
    window.open_page("stakeholders")
    assert window.notes_panel.isVisible()
    window.open_page("glossary")
    assert not window.notes_panel.isVisible()
    window.open_page("stakeholders")
    window.notes_action.trigger()  # View ▸ Notes and bookmarks off
    assert not window.notes_panel.isVisible()
    window.open_page("policy")
    assert not window.notes_panel.isVisible()
    window.notes_action.trigger()
    assert window.notes_panel.isVisible()


def test_time_in_a_lesson_is_recorded_on_leaving_it(window: Any, ctx: Any) -> None:
    window.open_page("stakeholders")
    lesson_id, _started = window._lesson_clock
    assert lesson_id == "stakeholders"
    window._lesson_clock = ("stakeholders", time.monotonic() - 90)
    window.open_page("glossary")
    spent = ctx.store.lesson_state("stakeholders").seconds_spent
    assert 89 <= spent <= 95
    assert window._lesson_clock is None
    window.open_page("stakeholders")
    window._lesson_clock = ("stakeholders", time.monotonic() - 30)
    window.close()
    assert 119 <= ctx.store.lesson_state("stakeholders").seconds_spent <= 130
