"""Search the whole course (Ctrl+K or Ctrl+F): a box over the top of the window, results as you type.

Up/Down choose a result, Enter opens it, Escape closes. A lesson result opens the lesson at the matching section
and selects the matched words there. The index (``core.search``) is built the first time the box opens.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QRectF, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QAbstractTextDocumentLayout, QKeyEvent, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGraphicsDropShadowEffect,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from healthalloc.core.search import KIND_LABELS, SearchResult
from healthalloc.ui.context import AppContext

RESULT_ROLE = Qt.ItemDataRole.UserRole
HTML_ROLE = Qt.ItemDataRole.UserRole + 1
POPUP_WIDTH = 720
HINT = "Search lessons, glossary terms, quiz questions and pages.  ↑ ↓ to choose · Enter to open · Esc to close"


def result_html(result: SearchResult, *, muted: str, mark_background: str, mark_text: str) -> str:
    """One result as rich text: title, where it is, and the snippet with the matched words marked."""
    e = html.escape
    document = result.document
    pieces: list[str] = []
    position = 0
    for start, end in result.highlights:
        pieces.append(e(result.snippet[position:start]))
        pieces.append(
            f"<span style='background-color:{mark_background}; color:{mark_text}; font-weight:600'>"
            f"{e(result.snippet[start:end])}</span>"
        )
        position = end
    pieces.append(e(result.snippet[position:]))
    kind = KIND_LABELS.get(document.kind, document.kind)
    where = f"{kind} · {document.context}" if document.context else kind
    title = document.title if len(document.title) <= 110 else document.title[:107].rstrip() + "…"
    return f"<div><b>{e(title)}</b><br/><span style='color:{muted}'>{e(where)}</span><br/>{''.join(pieces)}</div>"


class ResultDelegate(QStyledItemDelegate):
    """Draws a result's rich text (Qt's list items are plain text only)."""

    def _document(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QTextDocument:
        document = QTextDocument()
        document.setDefaultFont(option.font)  # type: ignore[attr-defined]
        document.setDocumentMargin(6)
        document.setHtml(str(index.data(HTML_ROLE)))
        document.setTextWidth(max(200, option.rect.width()))  # type: ignore[attr-defined]
        return document

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else QApplication.style()  # type: ignore[attr-defined]
        text_option = QStyleOptionViewItem(option)
        text_option.text = ""  # type: ignore[attr-defined]
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, text_option, painter, option.widget)  # type: ignore[attr-defined]
        document = self._document(option, index)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, option.palette.color(role))  # type: ignore[attr-defined]
        painter.save()
        painter.translate(option.rect.topLeft())  # type: ignore[attr-defined]
        painter.setClipRect(QRectF(0, 0, option.rect.width(), option.rect.height()))  # type: ignore[attr-defined]
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        document = self._document(option, index)
        return QSize(int(document.idealWidth()), int(document.size().height()) + 2)


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
        shadow = QGraphicsDropShadowEffect(self)
        shadow.setBlurRadius(24)
        shadow.setOffset(0, 4)
        self.setGraphicsEffect(shadow)
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
        self.results = QListWidget()
        self.results.setAccessibleName("Search results")
        self.results.setItemDelegate(ResultDelegate(self.results))
        self.results.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.results.setUniformItemSizes(False)
        self.results.setWordWrap(True)
        self.results.itemActivated.connect(self._on_results_item_activated)
        self.results.itemClicked.connect(self._on_results_item_activated)
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
            "QFrame#search-popup QListWidget { border: none; }"
        )

    # ------------------------------------------------------------------ showing
    def show_search(self, text: str = "") -> None:
        self.ctx.search_index()  # built once, the first time
        self.place()
        self.show()
        self.raise_()
        if text:
            self.field.setText(text)
        self.field.setFocus()
        self.field.selectAll()
        self.update_results()

    def place(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        width = min(POPUP_WIDTH, max(360, parent.width() - 40))
        height = min(560, max(240, parent.height() - 120))
        self.setGeometry((parent.width() - width) // 2, 56, width, height)

    def close_popup(self) -> None:
        self.hide()

    # ------------------------------------------------------------------ results
    @Slot(str)
    def _on_field_text_changed(self, _text: str) -> None:
        # A query takes well under a millisecond once the index exists, so results follow every keystroke.
        self.update_results()

    @Slot()
    def update_results(self) -> None:
        query = self.field.text()
        self.results.clear()
        self._last_results = self.ctx.search_index().search(query) if query.strip() else []
        theme = self.ctx.theme
        for result in self._last_results:
            item = QListWidgetItem()
            item.setData(RESULT_ROLE, result)
            item.setData(
                HTML_ROLE,
                result_html(
                    result, muted=theme.muted_text, mark_background=theme.highlight, mark_text=theme.highlight_text
                ),
            )
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{result.document.title}. {result.snippet}")
            self.results.addItem(item)
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
        item = self.results.currentItem()
        result = item.data(RESULT_ROLE) if item is not None else None
        return result if isinstance(result, SearchResult) else None

    @Slot(QListWidgetItem)
    def _on_results_item_activated(self, item: QListWidgetItem) -> None:
        self.results.setCurrentItem(item)
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
        if self.isVisible():
            self.update_results()
