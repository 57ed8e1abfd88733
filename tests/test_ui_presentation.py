"""Presentation mode driven from the keyboard, as an instructor in a lecture hall would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QMouseEvent
from PySide6.QtWidgets import QApplication

from healthalloc.ui.main_window import MainWindow
from healthalloc.ui.presentation import KEYS, PresentationWindow, deck_for_page

ROOT = Path(__file__).resolve().parent.parent


def present(window: MainWindow, qtbot, page: str = "overview") -> PresentationWindow:  # type: ignore[no-untyped-def]
    window.open_page(page)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    presentation = window._presentation  # type: ignore[attr-defined]
    qtbot.waitUntil(presentation.isVisible)
    return presentation


def press(presentation: PresentationWindow, qtbot, key: Qt.Key) -> None:  # type: ignore[no-untyped-def]
    """A key press where the presenter's keyboard sends it: the focused widget of the presentation window."""
    qtbot.keyClick(presentation.focusWidget() or presentation, key)


def slide_text(presentation: PresentationWindow) -> str:
    return presentation.view.browser.toPlainText()


def test_f5_presents_arrows_move_and_esc_restores_the_window(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.open_page("overview")
    window.resize(1000, 700)
    before = (window.geometry(), window.windowState(), window.current_page_id)
    presentation = present(window, qtbot)
    assert presentation.isFullScreen()
    assert presentation.deck.index == 0
    assert presentation.view.title.text() == window.ctx.course.lesson("overview").title
    for _ in range(12):  # a long slide is paged through before the next one comes
        press(presentation, qtbot, Qt.Key.Key_Right)
        if presentation.deck.index == 1:
            break
    assert presentation.deck.index == 1
    assert presentation.view.title.text() == window.ctx.course.lesson("overview").sections[0].title
    press(presentation, qtbot, Qt.Key.Key_PageDown)  # a clicker's "next"
    while presentation.deck.index == 1:
        press(presentation, qtbot, Qt.Key.Key_PageDown)
    assert presentation.deck.index == 2
    press(presentation, qtbot, Qt.Key.Key_End)
    assert presentation.deck.number == len(presentation.deck)
    press(presentation, qtbot, Qt.Key.Key_Home)
    assert presentation.deck.index == 0
    press(presentation, qtbot, Qt.Key.Key_Escape)
    assert not presentation.isVisible()
    assert (window.geometry(), window.windowState(), window.current_page_id) == before
    assert not window.isFullScreen()


def test_typing_a_number_then_enter_jumps_to_that_slide(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    presentation = present(window, qtbot)
    press(presentation, qtbot, Qt.Key.Key_4)
    assert presentation.goto_label.isVisible() and "4" in presentation.goto_label.text()
    press(presentation, qtbot, Qt.Key.Key_Return)
    assert presentation.deck.number == 4
    press(presentation, qtbot, Qt.Key.Key_1)
    press(presentation, qtbot, Qt.Key.Key_Escape)  # Esc first cancels the number, not the presentation
    assert presentation.isVisible() and presentation.deck.number == 4


def test_r_reveals_the_answer_of_a_knowledge_check(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    presentation = present(window, qtbot)
    index = next(i for i, s in enumerate(presentation.deck.slides) if s.checks)
    presentation.go_to(index)
    question = window.ctx.quizzes.question(presentation.deck.current.checks[0])
    text = slide_text(presentation)
    assert question.prompt[:40] in text
    assert "the answer is hidden" in text and "Answer:" not in text
    assert "R: reveal the answer" in presentation.view.footer_more.text()
    press(presentation, qtbot, Qt.Key.Key_R)
    text = slide_text(presentation)
    assert "Answer:" in text and question.explanation[:40] in text
    qtbot.keyClick(presentation, Qt.Key.Key_R, Qt.KeyboardModifier.ShiftModifier)
    assert "Answer:" not in slide_text(presentation)


def test_b_and_w_blank_the_screen_and_any_key_returns(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    presentation = present(window, qtbot)
    press(presentation, qtbot, Qt.Key.Key_B)
    assert presentation.blank.isVisible() and presentation.blank.colour.name() == "#000000"
    image = presentation.grab().toImage()
    assert image.pixelColor(image.width() // 2, image.height() // 2).name() == "#000000"
    press(presentation, qtbot, Qt.Key.Key_Right)
    assert not presentation.blank.isVisible() and presentation.deck.index == 0  # the key only un-blanked
    press(presentation, qtbot, Qt.Key.Key_W)
    assert presentation.blank.colour.name() == "#ffffff"
    press(presentation, qtbot, Qt.Key.Key_Escape)
    assert not presentation.blank.isVisible() and presentation.isVisible()


def test_holding_s_shows_the_spotlight(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    presentation = present(window, qtbot)
    plain = presentation.grab().toImage()
    qtbot.keyPress(presentation, Qt.Key.Key_S)
    spotlight = presentation.spotlight
    assert spotlight.isVisible()
    middle = QPoint(spotlight.width() // 2, spotlight.height() // 2)
    move = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(middle),
        QPointF(spotlight.mapToGlobal(middle)),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(spotlight, move)
    assert spotlight.centre == middle
    image = presentation.grab().toImage()
    assert image.pixelColor(2, 2).lightness() < 120  # dimmed outside the circle (the slide itself is white)
    assert plain.pixelColor(2, 2).lightness() > 200
    for dx, dy in ((0, 0), (20, -15), (-30, 10)):  # the circle around the mouse is left as it was
        assert image.pixelColor(middle.x() + dx, middle.y() + dy) == plain.pixelColor(
            middle.x() + dx, middle.y() + dy
        )
    qtbot.keyRelease(presentation, Qt.Key.Key_S)
    assert not presentation.spotlight.isVisible()


def test_long_slides_are_paged_on_whole_lines(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    presentation = present(window, qtbot)
    presentation.showNormal()
    presentation.resize(800, 450)
    qtbot.waitUntil(lambda: presentation.view.browser.height() < 450)
    lesson = window.ctx.course.lesson("overview")
    index = next(i for i, s in enumerate(presentation.deck.slides) if s.title == lesson.sections[2].title)
    presentation.go_to(index)
    qtbot.wait(10)
    view = presentation.view
    assert view.has_more()
    press(presentation, qtbot, Qt.Key.Key_Right)
    assert presentation.deck.index == index
    top = view.scroll_position()
    assert top > 0
    assert not any(t < top - 1 and b > top + 1 for t, b in view.browser.line_spans())  # no line cut in half
    press(presentation, qtbot, Qt.Key.Key_Left)
    assert view.scroll_position() < top and presentation.deck.index == index


def test_type_scale_follows_the_screen_and_the_plus_key(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    presentation = present(window, qtbot)
    presentation.showNormal()
    presentation.resize(1280, 720)
    qtbot.waitUntil(lambda: presentation.view.height() == 720)
    small = presentation.view.body_px()
    presentation.resize(1920, 1080)
    qtbot.waitUntil(lambda: presentation.view.height() == 1080)
    assert presentation.view.body_px() > small * 1.4
    assert presentation.view.body_px() >= 1080 // 20  # about 24 pt on a 16:9 slide: reads from the back row
    before = presentation.view.body_px()
    press(presentation, qtbot, Qt.Key.Key_Plus)
    assert presentation.view.body_px() > before
    assert float(window.ctx.settings.value("present/scale")) > 1.0


def test_a_calc_link_is_a_live_calculator_slide(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    presentation = present(window, qtbot, "principles")
    index = next(i for i, s in enumerate(presentation.deck.slides) if s.kind == "calculator")
    presentation.go_to(index)
    page = presentation.view.current_page()
    assert page is not None and page.page_id == "capitation"
    assert page.isVisible()
    assert page.font().pixelSize() >= presentation.height() / 50  # large controls: type from the screen size
    press(presentation, qtbot, Qt.Key.Key_Tab)
    focus = presentation.focusWidget()
    assert focus is not None and presentation.view.page_host.isAncestorOf(focus)
    press(presentation, qtbot, Qt.Key.Key_Escape)  # leaves the controls, not the presentation
    assert presentation.isVisible() and presentation.focusWidget() is presentation
    press(presentation, qtbot, Qt.Key.Key_PageDown)
    assert presentation.deck.index == index + 1


def test_f5_on_a_calculator_presents_it_with_the_same_inputs(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.open_page("capitation")
    page = window.stack.currentWidget()
    page.apply_params({"tab": "member", "age": "85", "sex": "F"})
    presentation = present(window, qtbot, "capitation")
    assert len(presentation.deck) == 1
    live = presentation.view.current_page()
    assert live is not page and live.scenario() == page.scenario()


def test_presenter_view_shows_notes_next_slide_and_a_timer(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    presentation = present(window, qtbot)
    presentation.show_presenter_view(full_screen=False)
    presenter = presentation.presenter
    lesson = window.ctx.course.lesson("overview")
    presentation.go_to(1)
    assert presenter.counter.text().startswith("Slide 2 of")
    assert lesson.sections[0].notes.split("\n")[0][:30] in presenter.notes.toPlainText()
    assert presenter.following.title.text() == lesson.sections[1].title
    assert presenter.clock.text().count(":") == 1
    qtbot.mouseClick(presenter.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: presentation.deck.index == 2 or presentation.view.scroll_position() > 0)
    press(presentation, qtbot, Qt.Key.Key_Escape)
    assert not presenter.isVisible()


def test_the_keys_are_listed_in_the_shortcut_sheet(window: MainWindow) -> None:
    names = [name for name, _keys in window.shortcut_rows]
    assert "Present" in names
    for name, _keys in KEYS[1:]:
        assert any(name[1:] in row for row in names), name


def test_deck_for_an_unknown_page_is_none(ctx) -> None:  # type: ignore[no-untyped-def]
    assert deck_for_page(ctx, "no-such-page") is None


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    import os

    env = {**os.environ, "PYTHONPATH": str(ROOT / "desktop"), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "healthalloc", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


def test_cli_screenshot_of_a_slide(tmp_path: Path) -> None:
    target = tmp_path / "slide.png"
    result = run_cli(
        "--screenshot", str(target), "--page", "overview", "--present", "--slide", "2", "--size", "1280x720"
    )
    assert result.returncode == 0, result.stderr
    image = QImage(str(target))
    assert (image.width(), image.height()) == (1280, 720)
    refused = run_cli("--screenshot", str(tmp_path / "x.png"), "--page", "overview", "--present", "--slide", "99")
    assert refused.returncode == 2 and "slides" in refused.stderr
    assert run_cli("--slide", "2").returncode == 2
