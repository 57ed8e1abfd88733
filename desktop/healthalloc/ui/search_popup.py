"""Search the whole course (Ctrl+K or Ctrl+F): a box over the top of the window, results as you type.

Up/Down choose a result, Enter opens it, Escape closes. A lesson result opens the lesson at the matching section
and selects the matched words there. The index (``core.search``) is built the first time the box opens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QMargins, QModelIndex, QObject, QRectF, QSize, Qt, QTimer, Slot
from PySide6.QtGui import (
    QBrush,
    QColor,
    QHideEvent,
    QImage,
    QKeyEvent,
    QMoveEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPixmap,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGraphicsBlurEffect,
    QGraphicsScene,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from healthalloc.core.search import SearchResult
from healthalloc.ui.context import AppContext
from healthalloc.ui.search_delegate import ResultDelegate, ResultList

POPUP_WIDTH = 720
SHADOW_MARGIN = 24  # room round the card for the shadow to fade out
SHADOW_BLUR = 12  # a blur effect's radius 12 matches the fall-off of the drop-shadow effect's 24 the popup had
SHADOW_OFFSET = 4
SHADOW_COLOUR = QColor(63, 63, 63, 180)  # QGraphicsDropShadowEffect's default, as the popup had
HINT = "Search lessons, glossary terms, quiz questions and pages.  ↑ ↓ to choose · Enter to open · Esc to close"


def shadow_pixmap(card: QSize, device_pixel_ratio: float = 1.0) -> QPixmap:
    """A soft shadow for a rounded card of size ``card``, with room for the blur on every side."""
    size = card.grownBy(QMargins(SHADOW_MARGIN, SHADOW_MARGIN, SHADOW_MARGIN, SHADOW_MARGIN))
    scene = QGraphicsScene(0, 0, size.width(), size.height())
    path = QPainterPath()
    path.addRoundedRect(QRectF(SHADOW_MARGIN, SHADOW_MARGIN, card.width(), card.height()), 8, 8)
    item = scene.addPath(path, QPen(Qt.PenStyle.NoPen), QBrush(SHADOW_COLOUR))
    blur = QGraphicsBlurEffect()
    blur.setBlurRadius(SHADOW_BLUR)
    blur.setBlurHints(QGraphicsBlurEffect.BlurHint.QualityHint)
    item.setGraphicsEffect(blur)
    image = QImage(size * device_pixel_ratio, QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(device_pixel_ratio)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    scene.render(painter, QRectF(0, 0, size.width(), size.height()), scene.sceneRect())
    painter.end()
    return QPixmap.fromImage(image)


class PopupShadow(QWidget):
    """The popup's drop shadow: a sibling under it that paints a pixmap made once per size.

    A ``QGraphicsDropShadowEffect`` on the popup itself re-rendered and re-blurred the whole popup on every
    keystroke and every blink of the cursor (about 5 ms a keystroke, more than the results list took).
    """

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._pixmap: QPixmap | None = None
        self.hide()

    def follow(self, card: QWidget) -> None:
        """Sit under ``card``, a little lower, with the blur showing round it; hidden when the card is."""
        if not card.isVisible():
            self.hide()
            return
        margins = QMargins(
            SHADOW_MARGIN, SHADOW_MARGIN - SHADOW_OFFSET, SHADOW_MARGIN, SHADOW_MARGIN + SHADOW_OFFSET
        )
        self.setGeometry(card.geometry().marginsAdded(margins))
        self.stackUnder(card)
        self.show()

    def paintEvent(self, event: QPaintEvent) -> None:
        card = self.size().shrunkBy(QMargins(SHADOW_MARGIN, SHADOW_MARGIN, SHADOW_MARGIN, SHADOW_MARGIN))
        ratio = self.devicePixelRatioF()
        pixmap = self._pixmap
        if (
            pixmap is None
            or pixmap.deviceIndependentSize().toSize() != self.size()
            or pixmap.devicePixelRatio() != ratio
        ):
            self._pixmap = pixmap = shadow_pixmap(card, ratio)
        painter = QPainter(self)
        painter.setClipRegion(event.region())
        painter.drawPixmap(0, 0, pixmap)


class SearchPopup(QFrame):
    """The search box. ``find_in_page(text)`` selects the matched text on the page a result opened."""

    def __init__(
        self, ctx: AppContext, parent: QWidget, *, find_in_page: Callable[[str, str], bool] | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.find_in_page = find_in_page
        self.setObjectName("search-popup")
        self.setAccessibleName("Search the course")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.shadow = PopupShadow(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        self.field = QLineEdit()
        self.field.setPlaceholderText("Search the course…")
        self.field.setClearButtonEnabled(True)
        self.field.setAccessibleName("Search the course")
        self.field.installEventFilter(self)
        self.status = QLabel(HINT)
        self.status.setProperty("role", "muted")
        self.status.setWordWrap(True)
        self.results = ResultList()
        self.results.setAccessibleName("Search results")
        self.delegate = ResultDelegate(ctx.theme, self.results)
        self.results.setItemDelegate(self.delegate)
        self.results.result_model.modelAboutToBeReset.connect(self.delegate.clear)
        self.results.activated.connect(self._on_results_activated)
        self.results.clicked.connect(self._on_results_activated)
        self.results.installEventFilter(self)
        layout.addWidget(self.field)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)
        self.field.textChanged.connect(self._on_field_text_changed)
        self._last_results: list[SearchResult] = []
        self._style()
        ctx.theme_changed.connect(self._on_ctx_theme_changed)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_app_focus_changed)
        parent.installEventFilter(self)
        self.hide()

    def _style(self) -> None:
        theme = self.ctx.theme
        self.setStyleSheet(
            f"QFrame#search-popup {{ background: {theme.base}; border: 1px solid {theme.border}; border-radius: 8px; }}"
            "QFrame#search-popup QListView { border: none; }"
        )

    # ------------------------------------------------------------------ showing
    def show_search(self, text: str = "") -> None:
        self.ctx.search_index()  # built once, the first time
        self.place()
        self.show()
        self.raise_()
        self.shadow.follow(self)
        if text and text != self.field.text():
            self.field.setText(text)  # the results follow from textChanged
        else:
            self.update_results()
        self.field.setFocus()
        self.field.selectAll()

    def place(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        width = min(POPUP_WIDTH, max(360, parent.width() - 40))
        height = min(560, max(240, parent.height() - 120))
        self.setGeometry((parent.width() - width) // 2, 56, width, height)

    def close_popup(self) -> None:
        self.hide()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.shadow.follow(self)

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.shadow.hide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.shadow.follow(self)

    def moveEvent(self, event: QMoveEvent) -> None:
        super().moveEvent(event)
        self.shadow.follow(self)

    # ------------------------------------------------------------------ results
    @Slot(str)
    def _on_field_text_changed(self, _text: str) -> None:
        # A query takes well under a millisecond once the index exists, so results follow every keystroke.
        self.update_results()

    @Slot()
    def update_results(self) -> None:
        query = self.field.text()
        self._last_results = self.ctx.search_index().search(query) if query.strip() else []
        self.results.result_model.set_results(self._last_results)
        if not query.strip():
            self.status.setText(HINT)
        elif not self._last_results:
            self.status.setText(f"Nothing found for “{query.strip()}”. Try fewer or shorter words.")
        else:
            count = len(self._last_results)
            self.status.setText(
                f"{count} result{'s' if count != 1 else ''}{' (the best 30)' if count == 30 else ''}"
            )
        if self._last_results:
            self.results.setCurrentRow(0)

    def result_titles(self) -> list[str]:
        return [r.document.title for r in self._last_results]

    def current_result(self) -> SearchResult | None:
        return self.results.current_result()

    @Slot(QModelIndex)
    def _on_results_activated(self, index: QModelIndex) -> None:
        self.results.setCurrentIndex(index)
        self.open_current()

    def open_current(self) -> bool:
        result = self.current_result()
        if result is None:
            return False
        self.hide()
        self.ctx.open_link(result.document.target)
        if result.document.kind == "lesson" and result.match and self.find_in_page is not None:
            # The lesson scrolls to its section after layout (a zero-timer); select the words after that.
            finder = self.find_in_page
            section = result.document.title
            QTimer.singleShot(0, lambda: finder(result.match, section))
        return True

    # ------------------------------------------------------------------ keys and focus
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize and self.isVisible():
            self.place()
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key == Qt.Key.Key_Escape:
                self.close_popup()
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.open_current()
                return True
            if watched is self.field and key in (
                Qt.Key.Key_Down,
                Qt.Key.Key_Up,
                Qt.Key.Key_PageDown,
                Qt.Key.Key_PageUp,
            ):
                step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 5, Qt.Key.Key_PageUp: -5}[key]
                row = min(max(self.results.currentRow() + step, 0), self.results.count() - 1)
                self.results.setCurrentRow(row)
                return True
        return super().eventFilter(watched, event)

    @Slot(QWidget, QWidget)
    def _on_app_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if self.isVisible() and new is not None and not self.isAncestorOf(new) and new is not self:
            self.hide()

    @Slot(object)
    def _on_ctx_theme_changed(self, _theme: Any) -> None:
        self._style()
        self.delegate.set_theme(self.ctx.theme)
        self.results.viewport().update()
        if self.isVisible():
            self.update_results()
