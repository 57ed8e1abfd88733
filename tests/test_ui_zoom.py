"""Ctrl+= / Ctrl+- / Ctrl+0 scale text, controls and charts together, and the level is kept."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QLabel

from conftest import close_windows_then_store
from healthalloc.ui.calc_base import ChartView
from healthalloc.ui.lesson_browser import render_chart_png
from healthalloc.ui.main_window import MainWindow
from healthalloc.ui.theme import BASE_POINT_SIZE


def chart_font_sizes(view: ChartView) -> list[float]:
    view.draw_now()
    return [text.get_fontsize() for ax in view.figure.axes for text in ax.get_yticklabels() if text.get_text()]


def first_chart(window: MainWindow, qtbot) -> ChartView:  # type: ignore[no-untyped-def]
    window.open_page("capitation")
    page = window.stack.currentWidget()
    qtbot.waitUntil(lambda: any(v.isVisible() and v._canvas is not None for v in page.findChildren(ChartView)))
    # The offscreen platform deactivates the window while a page with charts opens (an X server does not), and
    # shortcuts go only to the active window.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return next(v for v in page.findChildren(ChartView) if v.isVisible() and v._canvas is not None)


def test_zoom_keys_change_a_charts_font_size(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    view = first_chart(window, qtbot)
    before = chart_font_sizes(view)
    assert before
    qtbot.keyClick(window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert window.ctx.zoom > 1.0
    after = chart_font_sizes(view)
    assert min(after) > max(before) * 1.05
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert window.ctx.zoom == 1.0
    assert chart_font_sizes(view) == before
    qtbot.keyClick(window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert window.ctx.zoom < 1.0 and max(chart_font_sizes(view)) < min(before)


def test_zoom_scales_text_headings_and_lesson_charts_together(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.set_zoom(1.0)
    window.open_page("overview")
    page = window.stack.currentWidget()
    title: QLabel = page.title_label
    title_before = title.fontInfo().pixelSize()
    chart_before = QImage.fromData(render_chart_png("health-dollar", window.ctx)[0]).width()
    window.set_zoom(1.5)
    assert QApplication.font().pointSizeF() == BASE_POINT_SIZE * 1.5
    qtbot.waitUntil(lambda: title.fontInfo().pixelSize() > title_before * 1.3)
    chart_after = QImage.fromData(render_chart_png("health-dollar", window.ctx)[0]).width()
    assert chart_after > chart_before * 1.3  # the figure grows with its fonts, so nothing is squeezed


def test_the_zoom_level_is_kept_across_restarts(qtbot, ctx, data_dir) -> None:  # type: ignore[no-untyped-def]
    from healthalloc.ui.application import build_context, make_settings

    ctx.settings.setValue("ui/welcome_dismissed", True)
    first = MainWindow(ctx)
    qtbot.addWidget(first)
    first.zoom_in()
    first.zoom_in()
    level = first.ctx.zoom
    first.close()
    again = build_context(make_settings(), data_dir)
    assert again.zoom == level
    close_windows_then_store(again)


def test_zoom_stops_at_its_limits(window: MainWindow) -> None:
    from healthalloc.ui.theme import ZOOM_STEPS

    window.open_page("glossary")  # a page without charts keeps this quick
    window.set_zoom(ZOOM_STEPS[-2])
    window.zoom_in()
    window.zoom_in()
    assert window.ctx.zoom == ZOOM_STEPS[-1]
    window.set_zoom(ZOOM_STEPS[1])
    window.zoom_out()
    window.zoom_out()
    assert window.ctx.zoom == ZOOM_STEPS[0]


def test_every_theme_uses_the_fusion_style_set_once(qapp) -> None:  # type: ignore[no-untyped-def]
    from healthalloc.core.palette import DARK, LIGHT
    from healthalloc.ui.theme import STYLE_PROPERTY, apply_theme

    apply_theme(qapp, LIGHT)
    style = QApplication.style()
    assert qapp.property(STYLE_PROPERTY) == "Fusion"
    apply_theme(qapp, DARK)  # a theme change keeps the style (setting it again would rebuild every widget's look)
    assert QApplication.style() is style
    apply_theme(qapp, LIGHT)
