"""One small timer helper, kept apart so the notes panel can use it without importing the calculator widgets."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

__all__ = ["Debouncer"]


class Debouncer(QObject):
    """Call ``callback`` once, ``msec`` after the last :meth:`trigger` (typing, dragging)."""

    def __init__(self, msec: int, callback: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(msec)
        self._timer.timeout.connect(callback)

    def trigger(self) -> None:
        self._timer.start()

    def flush(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self._timer.timeout.emit()
