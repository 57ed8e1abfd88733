"""Prepare the pages a student has not opened yet, a little at a time, while the app is idle after start-up.

Start-up imports only what the first page needs (see ``registry``). The calculator pages bring matplotlib (about
0.3 s), the Qt canvas and their ``core`` models and tables (15–40 ms each), which a student would otherwise wait
for on the first click. Shortly after the window is shown, a :class:`Prefetcher` imports them one step per timer
tick, so a keystroke or a scroll is never held up by more than one step (at most about 50 ms). A page module
may define ``prefetch()`` to load what its page reads when built (cached data tables); it must not create widgets.

Nothing here builds a page: a page that is never opened costs only its imports.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, QTimer, Signal

from healthalloc.ui.registry import PageSpec

__all__ = ["CHART_IMPORT_STEPS", "Prefetcher", "after_charts_import", "page_steps"]

log = logging.getLogger(__name__)

START_AFTER_MS = 400  # after the first paint and the first lesson's charts
STEP_GAP_MS = 30  # between steps: input that arrived meanwhile is handled first


# matplotlib and its dependencies (about 0.3 s on a modest laptop), in steps of at most about 50 ms each.
CHART_IMPORT_STEPS = (
    "numpy",
    "PIL.Image",
    "pyparsing",
    "matplotlib",
    "matplotlib.text",
    "matplotlib.collections",
    "matplotlib.axes",
    "matplotlib.figure",
    "matplotlib.backends.backend_qtagg",
)


def after_charts_import(context: QObject, callback: Callable[[], None]) -> None:
    """Call ``callback`` once matplotlib is imported: at once if it is, else after importing it one step per turn
    of the event loop (:data:`CHART_IMPORT_STEPS`), so that the window answers input in between. Nothing happens if
    ``context`` is deleted meanwhile."""
    missing = [name for name in CHART_IMPORT_STEPS if name not in sys.modules]
    if not missing:
        callback()
        return
    importlib.import_module(missing[0])
    QTimer.singleShot(0, context, lambda: after_charts_import(context, callback))


def page_steps(pages: Iterable[PageSpec]) -> list[Callable[[], None]]:
    """matplotlib and the chart canvas, then one step per page (:meth:`PageSpec.prefetch`: its module and data)."""

    def load(name: str) -> Callable[[], None]:
        def step() -> None:
            importlib.import_module(name)

        return step

    def canvas() -> None:
        from healthalloc.ui.calc_base import prepare_charts

        prepare_charts()

    return [*(load(name) for name in CHART_IMPORT_STEPS), canvas, *(spec.prefetch for spec in pages)]


class Prefetcher(QObject):
    """Runs ``steps`` one per timer tick, :data:`START_AFTER_MS` after :meth:`start`; ``finished`` at the end.

    A step that fails is logged and skipped: the page it prepares will report its own error when opened.
    """

    finished = Signal()

    def __init__(self, steps: Iterable[Callable[[], None]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._steps = list(steps)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._run_next)
        self.done = not self._steps

    def start(self, delay_ms: int = START_AFTER_MS) -> None:
        if not self.done and not self._timer.isActive():
            self._timer.start(delay_ms)

    def run_all(self) -> None:
        """Finish every remaining step now (tests, benchmarks)."""
        self._timer.stop()
        while not self.done:
            self._run_next()

    def _run_next(self) -> None:
        if self._steps:
            step = self._steps.pop(0)
            try:
                step()
            except Exception:  # a broken page module must not break the idle loop
                log.exception("prefetch step failed")
        if self._steps:
            self._timer.start(STEP_GAP_MS)
        elif not self.done:
            self.done = True
            self.finished.emit()
