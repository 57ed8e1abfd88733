"""Opening a page: it paints at once and its charts follow, each drawn once at the size it is shown at; the
reimbursement tabs are built when first needed; the calculator pages are prepared while the app is idle."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QScrollArea, QWidget

from healthalloc.ui.calc_base import ChartView


def _count_draws(view: ChartView) -> list[tuple[int, int]]:
    sizes: list[tuple[int, int]] = []
    view.canvas.mpl_connect("draw_event", lambda _e: sizes.append(view.canvas.get_width_height()))
    return sizes


class _Paints(QObject):
    def __init__(self, widget: QWidget, charts: list[ChartView]) -> None:
        super().__init__()
        self.charts = charts
        self.pending_at_first_paint: list[bool] | None = None
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.pending_at_first_paint is None:
            self.pending_at_first_paint = [not v.canvas.has_drawn for v in self.charts]
        return False


def test_money_flow_paints_first_then_draws_each_chart_once_at_its_final_size(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.resize(1280, 800)
    page = window.page("money-flow")
    charts = [page.flow_chart, page.dollar_chart]
    draws = [_count_draws(view) for view in charts]
    watch = _Paints(window.stack, charts)
    window.open_page("money-flow")
    qtbot.waitUntil(lambda: bool(draws[0]) and not any(v.draw_pending() for v in charts), timeout=5000)
    qtbot.wait(300)  # nothing else redraws them: not the resize on the way to the final size, nor a timer
    assert watch.pending_at_first_paint == [True, True]  # the page was painted before its charts were drawn
    for view, sizes in zip(charts, draws, strict=True):
        if view.canvas.visibleRegion().isEmpty():  # scrolled out of view: drawn when scrolled to
            assert sizes == []
        else:
            assert sizes == [view.canvas.get_width_height()], view.accessibleName()
    area = page.dollar_chart.parentWidget()
    while area is not None and not isinstance(area, QScrollArea):
        area = area.parentWidget()
    assert area is not None
    area.ensureWidgetVisible(page.dollar_chart, 0, 0)
    qtbot.waitUntil(lambda: len(draws[1]) == 1, timeout=5000)  # scrolled to: drawn then, once


def test_a_chart_built_hidden_is_drawn_only_when_shown(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    page = window.page("money-flow")  # built, never shown
    qtbot.wait(100)
    assert not page.flow_chart.canvas.has_drawn
    assert not page.flow_chart.draw_pending()  # not on screen: nothing is waiting to be seen
    window.open_page("money-flow")
    qtbot.waitUntil(lambda: page.flow_chart.canvas.has_drawn, timeout=5000)


def test_a_chart_makes_its_canvas_only_once_it_is_painted(ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    view = ChartView(ctx)
    qtbot.addWidget(view)
    view.set_drawer(lambda figure, _theme: figure.add_subplot().plot([0, 1], [1, 0]))
    view.refresh()
    assert view._canvas is None  # building a page never waits for matplotlib
    view.resize(400, 300)
    view.show()
    assert view.draw_pending()
    qtbot.waitUntil(lambda: view._canvas is not None and view.canvas.has_drawn, timeout=5000)
    assert not view.draw_pending()
    assert view.canvas.get_width_height() == (400, 300)


def test_looking_at_the_figure_builds_a_chart_still_waiting_for_its_first_drawing(ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    view = ChartView(ctx)
    qtbot.addWidget(view)
    calls: list[int] = []

    def drawer(figure: Any, _theme: Any) -> None:
        calls.append(1)
        figure.add_subplot().bar([0, 1], [2, 3])

    view.set_drawer(drawer)
    view.refresh()
    assert calls == []  # not shown: built just before it is first drawn
    assert len(view.figure.axes) == 1 and calls == [1]
    view.draw_now()
    assert calls == [1] and view.canvas.has_drawn
    view.refresh()  # once drawn, a refresh builds at once
    assert calls == [1, 1]


def test_a_chart_squeezed_below_its_text_draws_without_a_warning(ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    view = ChartView(ctx, min_height=20)
    qtbot.addWidget(view)
    view.set_drawer(lambda figure, _theme: figure.add_subplot().set_title("A long title\n" * 8))
    view.resize(60, 40)
    view.refresh()
    view.draw_now()  # filterwarnings=error would turn matplotlib's "constrained_layout not applied" into a failure
    assert view.canvas.has_drawn


# --- the idle prefetch -------------------------------------------------------------------------------------------


def test_prefetch_runs_each_step_once_and_skips_a_broken_one(qtbot, caplog) -> None:  # type: ignore[no-untyped-def]
    from healthalloc.ui.prefetch import Prefetcher

    ran: list[str] = []

    def broken() -> None:
        ran.append("broken")
        raise ImportError("no such page")

    prefetcher = Prefetcher([lambda: ran.append("a"), broken, lambda: ran.append("c")])
    with caplog.at_level(logging.ERROR), qtbot.waitSignal(prefetcher.finished, timeout=3000):
        prefetcher.start(delay_ms=0)
    assert ran == ["a", "broken", "c"] and prefetcher.done
    assert "prefetch step failed" in caplog.text
    prefetcher.start()
    qtbot.wait(50)
    assert ran == ["a", "broken", "c"]


def test_the_window_prefetches_every_page_after_it_is_shown(window, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from healthalloc.ui import registry

    assert not window.pages.keys() - {window.current_page_id}  # prefetching builds no page
    qtbot.waitUntil(lambda: window.prefetcher.done, timeout=10000)
    assert not window.pages.keys() - {window.current_page_id}
    seen: list[str] = []
    monkeypatch.setattr(registry.PageSpec, "prefetch", lambda spec: seen.append(spec.page_id))
    from healthalloc.ui.prefetch import Prefetcher, page_steps

    Prefetcher(page_steps(registry.PAGES)).run_all()
    assert seen == [spec.page_id for spec in registry.PAGES]


def test_charts_wait_for_matplotlib_imported_one_step_per_turn(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import sys

    from PySide6.QtCore import QObject

    from healthalloc.ui import prefetch

    steps = ("colorsys", "wave")  # two small modules standing in for matplotlib's parts
    for name in steps:
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.setattr(prefetch, "CHART_IMPORT_STEPS", steps)
    context = QObject()
    called: list[bool] = []
    prefetch.after_charts_import(context, lambda: called.append(True))
    assert called == [] and "colorsys" in sys.modules and "wave" not in sys.modules  # one step now
    qtbot.waitUntil(lambda: called == [True], timeout=2000)
    assert "wave" in sys.modules
    prefetch.after_charts_import(context, lambda: called.append(True))  # nothing left to import: at once
    assert called == [True, True]
