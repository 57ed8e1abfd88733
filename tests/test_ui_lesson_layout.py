"""A lesson in a narrow column: the buttons under the text and the charts in it are never cut off."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtWidgets import QApplication

from healthalloc.ui.lesson_page import FINISHED_TEXT, LessonPage
from healthalloc.ui.main_window import MainWindow


def settle(rounds: int = 5) -> None:
    for _ in range(rounds):
        QApplication.processEvents()


def lesson(window: MainWindow, lesson_id: str, size: tuple[int, int], notes: bool) -> LessonPage:
    window.resize(*size)
    window.open_page(lesson_id)
    window.notes_panel.set_wanted(notes)
    settle()
    page = window.stack.currentWidget()
    assert isinstance(page, LessonPage)
    return page


def nav_widgets(page: LessonPage) -> list:  # type: ignore[type-arg]
    return [page.prev_button, page.complete_box, page.quiz_button, page.next_button]


@pytest.mark.parametrize(("size", "notes"), [((1600, 900), False), ((1280, 800), True), ((900, 600), True)])
def test_every_button_shows_its_whole_label(window: MainWindow, size: tuple[int, int], notes: bool) -> None:
    page = lesson(window, "policy", size, notes)
    for widget in nav_widgets(page):
        assert widget.isVisible()
        assert widget.width() >= widget.sizeHint().width(), widget.text()
        right = widget.mapTo(page, widget.rect().topRight()).x()
        assert widget.mapTo(page, widget.rect().topLeft()).x() >= 0 and right <= page.width()
    middles = sorted(widget.mapTo(page, widget.rect().center()).y() for widget in nav_widgets(page))
    rows = 1 + sum(1 for above, below in itertools.pairwise(middles) if below - above > 10)
    assert rows in (1, 2) and (rows == 1 or size[0] < 1600)


@pytest.mark.parametrize(("width", "rows", "label"), [(1000, 1, 0), (560, 2, 0), (380, 2, 1)])
def test_the_buttons_wrap_then_shorten_in_a_narrow_column(qtbot, ctx, width: int, rows: int, label: int) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QWidget

    holder = QWidget()  # no layout: the page gets exactly this width, as a squeezed central widget does
    qtbot.addWidget(holder)
    holder.resize(width, 500)
    page = LessonPage(ctx, ctx.course.lesson("policy"), holder)
    page.setGeometry(0, 0, width, 500)
    holder.show()
    settle()
    middles = sorted(widget.mapTo(page, widget.rect().center()).y() for widget in nav_widgets(page))
    assert 1 + sum(1 for above, below in itertools.pairwise(middles) if below - above > 10) == rows
    assert page.complete_box.text() == FINISHED_TEXT[label]
    assert page.complete_box.accessibleName() == "Mark this lesson complete"  # the whole name, whatever the label
    for widget in nav_widgets(page):
        assert widget.width() >= widget.sizeHint().width(), widget.text()


def test_a_chart_fits_the_column_and_follows_it(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    page = lesson(window, "international", (1600, 900), False)
    browser = page.browser
    browser.draw_pending_charts()
    settle()

    def shown_width() -> float:
        image = browser._charts["intl-spending"]
        return image.width() / image.devicePixelRatio()

    wide = shown_width()
    assert wide <= browser.column_width()
    window.notes_panel.set_wanted(True)
    window.resize(900, 600)
    settle()
    assert shown_width() <= browser.column_width()  # at once: scaled down, not cut off
    qtbot.waitUntil(lambda: not browser._queued and not browser._refit.isActive(), timeout=5000)
    browser.draw_pending_charts()
    assert shown_width() <= browser.column_width() < wide
    assert (
        browser.column_chart_size()[0] >= 560
    )  # drawn no narrower than its labels need, then shown scaled to fit


@pytest.mark.parametrize("ratio", [1.0, 2.0])
def test_the_reader_draws_a_chart_exactly_as_its_exported_png(ctx, ratio: float) -> None:  # type: ignore[no-untyped-def]
    import numpy as np
    from PySide6.QtGui import QImage

    from healthalloc.ui.lesson_browser import render_chart_image, render_chart_png

    def pixels(image: QImage) -> np.ndarray:
        image = image.convertToFormat(QImage.Format.Format_RGBA8888)
        rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
        return rows[:, : image.width() * 4].copy()  # the converted image is freed on return

    png, png_text = render_chart_png("health-dollar", ctx, size=(600, 360), pixel_ratio=ratio)
    image, text = render_chart_image("health-dollar", ctx, size=(600, 360), pixel_ratio=ratio)
    assert text == png_text and image.devicePixelRatio() == ratio
    assert np.array_equal(pixels(image), pixels(QImage.fromData(png)))


def test_the_viewport_width_is_worked_out_exactly(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.open_page("overview")  # long: a vertical scroll bar
    browser = window.stack.currentWidget().browser
    for width in (900, 1100, 1280, 1600):
        window.resize(width, 700)
        qtbot.wait(20)
        assert browser.verticalScrollBar().isVisible()
        assert browser.viewport_width() == browser.viewport().width(), width
    short = LessonPage(window.ctx, window.ctx.course.lessons[0])
    qtbot.addWidget(short)
    short.browser.setPlainText("One line.")  # no scroll bar
    short.resize(800, 600)
    short.show()
    qtbot.wait(20)
    assert not short.browser.verticalScrollBar().isVisible()
    assert short.browser.viewport_width() == short.browser.viewport().width()
