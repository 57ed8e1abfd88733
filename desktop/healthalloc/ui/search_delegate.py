"""The search results list: a model over ``SearchResult``s and a delegate that paints each row with QPainter.

Rows are fixed height (title, what and where, two lines of snippet), so the view asks for one size hint per
layout and paints only the rows on screen. Matched words come as character ranges from ``core.search`` and are
drawn bold on a highlight, with no HTML to parse and no text document to lay out per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QPainter,
    QTextCharFormat,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QWidget,
)

from healthalloc.core.palette import ThemeColors
from healthalloc.core.search import SearchResult

RESULT_ROLE = Qt.ItemDataRole.UserRole
PADDING = 6  # around a row's text, as the old rich-text rows had
SNIPPET_LINES = 2
ELLIPSIS = "…"

ModelIndex = QModelIndex | QPersistentModelIndex


class ResultModel(QAbstractListModel):
    """The current results. Screen readers get "title: snippet" and, as the description, the kind and place."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._results: list[SearchResult] = []

    def set_results(self, results: Sequence[SearchResult]) -> None:
        self.beginResetModel()
        self._results = list(results)
        self.endResetModel()

    def results(self) -> list[SearchResult]:
        return self._results

    def result(self, row: int) -> SearchResult | None:
        return self._results[row] if 0 <= row < len(self._results) else None

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's default argument)
        return 0 if parent.isValid() else len(self._results)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        result = self.result(index.row()) if index.isValid() else None
        if result is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{result.document.title}: {result.snippet}"
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return result.document.where
        if role == RESULT_ROLE:
            return result
        return None


class ResultList(QListView):
    """A list view with the few ``QListWidget`` conveniences the popup and its tests use."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result_model = ResultModel(self)
        self.setModel(self.result_model)
        self.setUniformItemSizes(True)  # one size hint per layout, not one per row
        self.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QListView.SelectionMode.SingleSelection)
        self.setEditTriggers(QListView.EditTrigger.NoEditTriggers)

    def count(self) -> int:
        return self.result_model.rowCount()

    def currentRow(self) -> int:
        index = self.currentIndex()
        return index.row() if index.isValid() else -1

    def setCurrentRow(self, row: int) -> None:
        index = self.result_model.index(row, 0)
        if index.isValid():
            self.setCurrentIndex(index)

    def current_result(self) -> SearchResult | None:
        return self.result_model.result(self.currentRow())


@dataclass(frozen=True)
class _Fonts:
    body: QFont
    title: QFont
    body_metrics: QFontMetrics
    title_metrics: QFontMetrics

    @property
    def row_height(self) -> int:
        return (
            2 * PADDING + self.title_metrics.lineSpacing() + (1 + SNIPPET_LINES) * self.body_metrics.lineSpacing()
        )


@dataclass(frozen=True)
class _Row:
    """What a row shows at one width: elided title and place, and the snippet laid out in at most two lines."""

    title: str
    where: str
    snippet: QTextLayout
    marks: tuple[tuple[int, int], ...]


class ResultDelegate(QStyledItemDelegate):
    """Paints a result as title, kind and place, and a two-line snippet with the matched words marked."""

    def __init__(self, theme: ThemeColors, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fonts: dict[str, _Fonts] = {}
        self._rows: dict[tuple[int, int, str], _Row] = {}
        self.set_theme(theme)

    def set_theme(self, theme: ThemeColors) -> None:
        self.theme = theme
        self._colours = {
            name: QColor(getattr(theme, name))
            for name in ("text", "muted_text", "highlight", "highlight_text", "accent", "accent_text")
        }

    def clear(self) -> None:
        """Forget laid-out rows (call when the results change)."""
        self._rows.clear()

    # ------------------------------------------------------------------ layout
    def fonts(self, font: QFont) -> _Fonts:
        key = font.key()
        fonts = self._fonts.get(key)
        if fonts is None:
            title = QFont(font)
            title.setBold(True)
            fonts = _Fonts(QFont(font), title, QFontMetrics(font), QFontMetrics(title))
            self._fonts[key] = fonts
        return fonts

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        # Width 0: the list gives every row the viewport's width, and never a horizontal scroll bar.
        return QSize(0, self.fonts(option.font).row_height)  # type: ignore[attr-defined]

    def row(self, result: SearchResult, row: int, width: int, fonts: _Fonts) -> _Row:
        key = (row, width, fonts.body.key())
        laid_out = self._rows.get(key)
        if laid_out is None:
            title = fonts.title_metrics.elidedText(result.document.title, Qt.TextElideMode.ElideRight, width)
            where = fonts.body_metrics.elidedText(result.document.where, Qt.TextElideMode.ElideRight, width)
            snippet, marks = self._snippet(result, width, fonts)
            laid_out = _Row(title, where, snippet, marks)
            self._rows[key] = laid_out
        return laid_out

    def _snippet(
        self, result: SearchResult, width: int, fonts: _Fonts
    ) -> tuple[QTextLayout, tuple[tuple[int, int], ...]]:
        """The snippet wrapped to two lines; if it runs longer, the second line ends with "…" at a word."""
        text = shown = result.snippet
        layout = self._layout(text, result.highlights, width, fonts, last_line_width=width)
        if layout.lineCount() == SNIPPET_LINES and self._laid_out_length(layout) < len(text):
            # Lay the last line out again with room for the ellipsis; it then breaks at the word that fits.
            room = width - fonts.body_metrics.horizontalAdvance(ELLIPSIS)
            layout = self._layout(text, result.highlights, width, fonts, last_line_width=room)
            shown = text[: self._laid_out_length(layout)].rstrip()
            layout = self._layout(shown + ELLIPSIS, result.highlights, width, fonts, last_line_width=width)
        marks = tuple((start, min(end, len(shown))) for start, end in result.highlights if start < len(shown))
        return layout, marks

    @staticmethod
    def _laid_out_length(layout: QTextLayout) -> int:
        last = layout.lineAt(layout.lineCount() - 1)
        return last.textStart() + last.textLength()

    @staticmethod
    def _layout(
        text: str, highlights: Sequence[tuple[int, int]], width: int, fonts: _Fonts, *, last_line_width: int
    ) -> QTextLayout:
        layout = QTextLayout(text, fonts.body)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        bold = QTextCharFormat()
        bold.setFontWeight(QFont.Weight.DemiBold)
        layout.setFormats(_format_ranges(highlights, len(text), bold))
        layout.beginLayout()
        y = 0.0
        for number in range(SNIPPET_LINES):
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(last_line_width if number == SNIPPET_LINES - 1 else width)
            line.setPosition(QPointF(0, y))
            y += fonts.body_metrics.lineSpacing()
        layout.endLayout()
        return layout

    def helpEvent(
        self, event: QHelpEvent, view: QAbstractItemView, option: QStyleOptionViewItem, index: ModelIndex
    ) -> bool:
        """A title cut short with "…" shows in full as the row's tooltip (long quiz questions)."""
        model = index.model()
        result = model.result(index.row()) if isinstance(model, ResultModel) else None
        if event.type() == QEvent.Type.ToolTip and result is not None:
            width = max(1, option.rect.width() - 2 * PADDING)  # type: ignore[attr-defined]
            fonts = self.fonts(option.font)  # type: ignore[attr-defined]
            title = self.row(result, index.row(), width, fonts).title
            if title != result.document.title:
                QToolTip.showText(event.globalPos(), result.document.title, view)
                return True
        return super().helpEvent(event, view, option, index)

    # ------------------------------------------------------------------ painting
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        model = index.model()
        result = model.result(index.row()) if isinstance(model, ResultModel) else None
        if result is None:
            return
        rect: QRect = option.rect  # type: ignore[attr-defined]
        fonts = self.fonts(option.font)  # type: ignore[attr-defined]
        selected = bool(option.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        colours = self._colours
        width = max(1, rect.width() - 2 * PADDING)
        laid_out = self.row(result, index.row(), width, fonts)
        painter.save()
        if selected:
            painter.fillRect(rect, colours["highlight"])
        x = rect.left() + PADDING
        y = rect.top() + PADDING
        painter.setFont(fonts.title)
        painter.setPen(colours["highlight_text"] if selected else colours["text"])
        line = fonts.title_metrics.lineSpacing()
        painter.drawText(
            QRect(x, y, width, line), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, laid_out.title
        )
        y += line
        line = fonts.body_metrics.lineSpacing()
        painter.setFont(fonts.body)
        # Muted grey on the dark selection is under 4.5:1, so the selected row's place takes its text colour.
        painter.setPen(colours["highlight_text"] if selected else colours["muted_text"])
        painter.drawText(
            QRect(x, y, width, line), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, laid_out.where
        )
        y += line
        painter.setPen(colours["highlight_text"] if selected else colours["text"])
        # In the selected row the usual mark colour is the row's own background, so marks take the accent there.
        mark = QTextCharFormat()
        mark.setBackground(colours["accent"] if selected else colours["highlight"])
        mark.setForeground(colours["accent_text"] if selected else colours["highlight_text"])
        laid_out.snippet.draw(
            painter, QPointF(x, y), _format_ranges(laid_out.marks, len(laid_out.snippet.text()), mark)
        )
        painter.restore()


def _format_ranges(
    spans: Sequence[tuple[int, int]], length: int, text_format: QTextCharFormat
) -> list[QTextLayout.FormatRange]:
    """``text_format`` over each ``(start, end)`` span, cut to a text of ``length`` characters."""
    ranges = []
    for start, end in spans:
        if start < length:
            span = QTextLayout.FormatRange()
            span.start, span.length, span.format = start, min(end, length) - start, text_format
            ranges.append(span)
    return ranges
