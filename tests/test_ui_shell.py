"""The main window driven as a student would: sidebar, Next/Previous, completion, resuming, broken lessons."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt

from conftest import close_windows_then_store
from healthalloc.ui.lesson_page import LessonPage
from healthalloc.ui.main_window import MainWindow


def sidebar_item(window: MainWindow, page_id: str):  # type: ignore[no-untyped-def]
    return window._items[page_id]


def test_sidebar_click_opens_the_lesson(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    item = sidebar_item(window, "mechanisms")
    rect = window.sidebar.visualItemRect(item)
    qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    page = window.stack.currentWidget()
    assert isinstance(page, LessonPage)
    assert page.lesson.id == "mechanisms"
    assert page.title_label.text() == page.lesson.title
    assert window.sidebar.currentItem() is item


def test_next_and_previous_follow_course_order(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    lessons = window.ctx.course.lessons
    window.open_page(lessons[0].id)
    page = window.stack.currentWidget()
    assert not page.prev_button.isEnabled()
    qtbot.mouseClick(page.next_button, Qt.MouseButton.LeftButton)
    assert window.current_page_id == lessons[1].id
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.current_page_id == lessons[2].id
    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.current_page_id == lessons[1].id


def test_marking_complete_ticks_the_sidebar_and_fills_the_progress_bar(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.open_page("overview")
    page = window.stack.currentWidget()
    page.complete_box.click()
    assert "overview" in window.ctx.store.completed_lessons()
    assert sidebar_item(window, "overview").text(0).startswith("✓")
    assert window.progress.value() == 1
    assert window.progress_label.text().startswith("Course progress: 1 of")


def reopen_after_reading(qtbot, ctx, data_dir: Path, lesson_id: str, read) -> tuple[object, LessonPage]:  # type: ignore[no-untyped-def]
    """Open ``lesson_id``, let ``read(page)`` move about in it, close the window, then start the app again on the
    same data folder. Returns the new context (close it with ``close_windows_then_store``) and the lesson page the
    new window opened."""
    from healthalloc.ui.application import build_context, make_settings

    ctx.settings.setValue("ui/welcome_dismissed", True)
    first = MainWindow(ctx)
    qtbot.addWidget(first)
    first.resize(1100, 700)
    first.show()
    first.open_page(lesson_id)
    page = first.stack.currentWidget()
    qtbot.waitUntil(lambda: page.section_positions() != [])
    read(page)
    page.save_position()
    first.close()
    qtbot.wait(20)

    again = build_context(make_settings(), data_dir)
    second = MainWindow(again)
    qtbot.addWidget(second)
    second.show()
    assert second.current_page_id == lesson_id
    return again, second.stack.currentWidget()


def test_restart_resumes_at_the_same_lesson_and_section(qtbot, ctx, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    target = ""

    def read(page: LessonPage) -> None:
        nonlocal target
        target = page.lesson.sections[2].slug
        assert page.scroll_to_section(target)

    again, resumed = reopen_after_reading(qtbot, ctx, data_dir, "principles", read)
    qtbot.waitUntil(lambda: resumed.current_section() == target, timeout=3000)
    close_windows_then_store(again)


def test_the_menus_are_filled_just_after_the_first_frame(qtbot, ctx) -> None:  # type: ignore[no-untyped-def]
    """The titles are on screen from the start; the entries, the shortcuts and the day's backup of the progress
    come just after the first frame."""
    ctx.settings.setValue("ui/welcome_dismissed", True)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    titles = [action.text() for action in win.menuBar().actions()]
    assert titles == ["&File", "&View", "&Go", "&Help"]
    assert not win.menus_built() and win.actions() == []
    assert ctx.store.list_backups() == []  # today's copy of the progress waits for the first frame too
    with qtbot.waitSignal(win.first_frame_shown, timeout=5000):
        win.show()
    assert win.menus_built()
    assert [backup.day for backup in ctx.store.list_backups()] == [date.today()]
    assert [action.text() for action in win.menuBar().actions()] == titles  # filled, not added again
    assert {"Zoom in", "Next lesson", "Keyboard shortcuts"} <= {a.text().replace("&", "") for a in win.actions()}
    first = win.current_page_id
    qtbot.keyClick(win, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)  # Go ▸ Next lesson
    assert win.current_page_id != first


def test_a_menu_asked_for_before_the_first_frame_is_filled_at_once(qtbot, ctx) -> None:  # type: ignore[no-untyped-def]
    win = MainWindow(ctx, restore=False)
    qtbot.addWidget(win)
    view = win.menuBar().actions()[1].menu()
    view.aboutToShow.emit()  # what opening it does
    assert win.menus_built() and "Zoom &in" in [a.text() for a in view.actions()]
    other = MainWindow(ctx, restore=False)
    qtbot.addWidget(other)
    assert [a.text() for a in other.go_menu.actions()][:2] == ["&Search the course…", "&Review what I missed"]
    assert other.theme_actions[other.theme_choice()].isChecked()


def test_a_lesson_left_at_its_top_reopens_at_its_top(qtbot, ctx, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """Its title and introduction stay in view: the first section's heading is below them."""

    def read(page: LessonPage) -> None:
        assert page.section_positions()[0][1] > 0  # the introduction comes before the first section

    again, resumed = reopen_after_reading(qtbot, ctx, data_dir, "overview", read)
    assert ctx.store.lesson_state("overview").scroll == 0
    qtbot.waitUntil(lambda: resumed.browser.verticalScrollBar().maximum() > 0)
    qtbot.wait(50)  # the restore runs on a zero timer
    assert resumed.browser.verticalScrollBar().value() == 0
    close_windows_then_store(again)


def test_a_malformed_lesson_shows_its_error_and_the_others_open(
    qtbot, tmp_path: Path, monkeypatch, data_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from healthalloc.core import resources
    from healthalloc.ui.application import build_context, make_settings
    from healthalloc.ui.error_page import ContentErrorPage

    content = tmp_path / "content"
    shutil.copytree(resources.content_dir(), content)
    broken = content / "lessons" / "04-mechanisms.md"
    broken.write_text(broken.read_text("utf-8").replace("title = ", "titel = ", 1), "utf-8")
    monkeypatch.setenv("HEALTHALLOC_CONTENT_DIR", str(content))
    resources.content_dir.cache_clear()
    try:
        ctx = build_context(make_settings(), data_dir)
        win = MainWindow(ctx, restore=False)
        qtbot.addWidget(win)
        assert win.open_page("mechanisms")
        page = win.stack.currentWidget()
        assert isinstance(page, ContentErrorPage)
        assert "lessons/04-mechanisms.md:" in page.text() and 'unknown key "titel"' in page.text()
        assert win.open_page("principles")
        assert isinstance(win.stack.currentWidget(), LessonPage)
        close_windows_then_store(ctx)
    finally:
        resources.content_dir.cache_clear()


def test_internal_links_open_pages_and_sections(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.open_link("lesson:principles")
    assert window.current_page_id == "principles"
    window.open_link("lesson:overview#" + window.ctx.course.lesson("overview").sections[1].slug)
    assert window.current_page_id == "overview"


def test_theme_and_zoom_are_remembered(window: MainWindow) -> None:
    window.set_theme_choice("dark")
    window.zoom_in()
    assert window.ctx.theme.name == "dark"
    assert window.ctx.zoom > 1.0
    assert window.settings.value("ui/theme") == "dark"
    assert float(window.settings.value("ui/zoom")) == window.ctx.zoom


def test_garbage_settings_fall_back_to_defaults(qtbot, ctx) -> None:  # type: ignore[no-untyped-def]
    ctx.settings.setValue("ui/theme", "purple")
    ctx.settings.setValue("ui/zoom", "enormous")
    ctx.settings.setValue("ui/geometry", "not geometry")
    ctx.settings.setValue("ui/last_page", 42)
    from healthalloc.ui.application import settings_theme, settings_zoom

    assert settings_theme(ctx.settings) == "system"
    assert settings_zoom(ctx.settings) == 1.0
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    assert win.current_page_id == ctx.course.lessons[0].id


def test_a_page_named_on_the_command_line_is_the_only_page_built(qtbot, ctx) -> None:  # type: ignore[no-untyped-def]
    ctx.settings.setValue("ui/last_page", "policy")
    restored = MainWindow(ctx)
    qtbot.addWidget(restored)
    assert restored.current_page_id == "policy"  # a normal start goes back to where the student was
    named = MainWindow(ctx, reopen_last_page=False)
    qtbot.addWidget(named)
    assert named.pages == {} and named.current_page_id == ""
    assert named.open_page("overview") and list(named.pages) == ["overview"]
