"""What every page is given: the course, the progress store, the theme and a way to follow links.

Passed into each page's constructor (no global main-window object that pages reach into).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSettings, Signal

from healthalloc.core.content import Course
from healthalloc.core.palette import LIGHT, ThemeColors
from healthalloc.core.progress import ProgressStore


class AppContext(QObject):
    """Shared services. Signals are emitted after the value changed."""

    theme_changed = Signal(object)  # ThemeColors
    zoom_changed = Signal(float)
    progress_changed = Signal(str)  # lesson id (or "" for many)
    store_error = Signal(str)  # a message for the student

    def __init__(
        self,
        course: Course,
        store: ProgressStore,
        settings: QSettings,
        *,
        theme: ThemeColors = LIGHT,
        zoom: float = 1.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.course = course
        self.store = store
        self.settings = settings
        self.theme = theme
        self.zoom = zoom
        self._link_handler: Callable[[str], None] | None = None

    def set_theme(self, theme: ThemeColors) -> None:
        self.theme = theme
        self.theme_changed.emit(theme)

    def set_zoom(self, zoom: float) -> None:
        self.zoom = zoom
        self.zoom_changed.emit(zoom)

    def set_link_handler(self, handler: Callable[[str], None]) -> None:
        self._link_handler = handler

    def open_link(self, url: str) -> None:
        """Follow ``lesson:``, ``page:``, ``calc:``, ``glossary:`` or web links (handled by the main window)."""
        if self._link_handler is not None:
            self._link_handler(url)

    def save(self, action: Callable[[], object]) -> bool:
        """Run a store write; on failure tell the student (``store_error``) instead of crashing. True if saved."""
        from healthalloc.core.progress import StoreUnavailable

        try:
            action()
        except StoreUnavailable as error:
            self.store_error.emit(str(error))
            return False
        return True
