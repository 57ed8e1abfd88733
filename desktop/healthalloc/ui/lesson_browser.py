"""The lesson reader: a text browser that draws charts into the text after its first paint, fitted to the column,
and never loads anything from the network or outside content/."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from PySide6.QtCore import QPoint, QRect, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QColor, QImage, QPainter, QTextDocument
from PySide6.QtWidgets import (
    QTextBrowser,
    QWidget,
)

from healthalloc.core.palette import ThemeColors
from healthalloc.core.resources import content_dir
from healthalloc.ui.context import AppContext
from healthalloc.ui.prefetch import after_charts_import

CHART_WIDTH = 760
CHART_HEIGHT = 380
CHART_DELAY_MS = 40
CHART_MIN_WIDTH = 560  # charts are never drawn narrower (see LessonBrowser.column_chart_size)
REFIT_DELAY_MS = 250  # after the reading column changes width, charts are drawn again for it (once, not per step)
READABLE_CHARS = 110


class LessonBrowser(QTextBrowser):
    """A QTextBrowser that draws ``chart:`` images and never loads anything from the network or outside content/."""

    chart_drawn = Signal(str)
    first_painted = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._charts: dict[str, QImage] = {}
        self._queued: set[str] = set()
        self._draw_scheduled = False
        self._painted = False
        self._ratio = 1.0  # the device pixel ratio the charts are drawn at (see pixel_ratio)
        self._drawn_size = (0, 0)  # the size the charts are drawn at (see column_chart_size)
        self._refit = QTimer(self)
        self._refit.setSingleShot(True)
        self._refit.setInterval(REFIT_DELAY_MS)
        self._refit.timeout.connect(self._on_refit_timeout)
        self.chart_text: dict[str, str] = {}

    def viewport_width(self) -> int:
        """``viewport().width()``, worked out without asking for the viewport. The first time a C++ call hands a
        ``QWidget`` to Python, PySide sets up the types and enums of every QWidget subclass it might be (about
        3 ms); this runs while the first lesson is built, before the window's first paint."""
        width = self.maximumViewportSize().width()
        bar = self.verticalScrollBar()
        if bar.isVisibleTo(self):
            width -= bar.sizeHint().width()
        return width

    def column_width(self) -> int:
        """The width, in screen pixels, an image can take in the reading column."""
        if self.lineWrapMode() == QTextBrowser.LineWrapMode.FixedPixelWidth:
            column = self.lineWrapColumnOrWidth()
        else:
            column = self.viewport_width()
        return column - 2 * round(self.document().documentMargin()) - 8

    def column_chart_size(self) -> tuple[int, int]:
        """The size, in screen pixels, charts are drawn at: the reading column's width, from 560 px (narrower, the
        labels of a two-panel chart collide: the picture is then shown scaled down to the column, see
        :meth:`_fitted`) to 760 px, and 380 px high; both grown with the zoom."""
        zoom = self.ctx.zoom
        width = max(round(CHART_MIN_WIDTH * zoom), min(round(CHART_WIDTH * zoom), self.column_width()))
        return width, round(CHART_HEIGHT * zoom)

    def _fitted(self, image: QImage) -> QImage:
        """``image`` as shown: scaled down (smoothly) to the column if it is wider, never cut off."""
        ratio = image.devicePixelRatio() or 1.0
        width = self.column_width()
        if image.isNull() or image.width() / ratio <= width or width < 50:
            return image
        scaled = image.scaledToWidth(round(width * ratio), Qt.TransformationMode.SmoothTransformation)
        scaled.setDevicePixelRatio(ratio)
        return scaled

    def pixel_ratio(self) -> float:
        """The screen's device pixel ratio (at least 1): charts are drawn at it, sharp and no larger than needed."""
        return max(1.0, self.devicePixelRatioF())

    def loadResource(self, kind: int, url: QUrl | str) -> Any:
        url = QUrl(url)
        scheme = url.scheme().lower()
        if (
            kind == QTextDocument.ResourceType.ImageResource.value
            or kind == QTextDocument.ResourceType.ImageResource
        ):
            if scheme == "chart":
                return self._chart_image(url.path())
            if scheme in ("", "file"):
                return self._local_image(url)
            return QImage()  # remote images are never fetched
        # The text is set with setMarkdown, so nothing but images is ever needed: no style sheets or pages are
        # read from disk or the web, whatever a lesson's raw HTML asks for.
        return None

    def _local_image(self, url: QUrl) -> QImage:
        root = (content_dir()).resolve()
        candidate = (root / "lessons" / url.path()).resolve()
        if not candidate.is_relative_to(root) or not candidate.is_file():
            return QImage()
        return QImage(str(candidate))

    def _chart_image(self, chart_id: str) -> QImage:
        """The chart if drawn; otherwise a same-size placeholder, with the drawing queued for after this paint.

        Drawing needs matplotlib (about 0.3 s to import, taken in steps so that the window keeps answering input);
        deferring it keeps the first paint instant. The timer starts from this browser's paint (see :meth:`paintEvent`), never from layout, which can happen
        before the window is first shown.
        """
        if chart_id in self._charts:
            return self._charts[chart_id]
        self._queued.add(chart_id)
        return self._placeholder()

    def paintEvent(self, event: Any) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self._ratio = self.pixel_ratio()
            self.first_painted.emit()
        elif self._charts and self.pixel_ratio() != self._ratio:  # the window moved to a screen of another density
            self._ratio = self.pixel_ratio()
            self._queued.update(self._charts)
        if self._queued and not self._draw_scheduled:
            self._draw_scheduled = True
            QTimer.singleShot(CHART_DELAY_MS, self, self._draw_queued_charts)

    def _placeholder(self) -> QImage:
        ratio = self.pixel_ratio()
        width, height = self.column_chart_size()
        image = QImage(round(width * ratio), round(height * ratio), QImage.Format.Format_ARGB32)
        image.setDevicePixelRatio(ratio)
        image.fill(QColor(self.ctx.theme.base))
        painter = QPainter(image)
        painter.setPen(QColor(self.ctx.theme.muted_text))
        painter.drawText(QRect(0, 0, width, height), Qt.AlignmentFlag.AlignCenter, "Drawing the chart…")
        painter.end()
        return self._fitted(image)

    def _draw_chart(self, chart_id: str) -> None:
        image = QImage()
        try:
            ratio, size = self.pixel_ratio(), self.column_chart_size()
            self._drawn_size = size
            image, text = render_chart_image(chart_id, self.ctx, size=size, pixel_ratio=ratio)
            image = self._fitted(image)
            self.chart_text[chart_id] = text
        except Exception as error:  # a broken chart must never take the lesson down with it
            self.chart_text[chart_id] = f"This chart could not be drawn: {error}"
        self._charts[chart_id] = image
        self._queued.discard(chart_id)
        self._show_image(chart_id, image)
        self.chart_drawn.emit(chart_id)

    def _show_image(self, chart_id: str, image: QImage) -> None:
        """Put ``image`` in the text; the line at the top of the view stays there if the picture's height changed."""
        document = self.document()
        with self.keeping_place():
            document.addResource(QTextDocument.ResourceType.ImageResource.value, QUrl(f"chart:{chart_id}"), image)
            document.markContentsDirty(0, document.characterCount())
        self.viewport().update()

    @contextlib.contextmanager
    def keeping_place(self) -> Iterator[None]:
        """Whatever the body does to the layout (a picture's new height, a narrower column), the line at the top of
        the view stays at the top: the reader does not lose their place."""
        bar = self.verticalScrollBar()
        if bar.value() <= 0:
            yield
            return
        top = self.cursorForPosition(QPoint(0, 0)).block()
        layout = self.document().documentLayout()
        offset = bar.value() - layout.blockBoundingRect(top).top()
        yield
        if top.isValid():
            bar.setValue(round(layout.blockBoundingRect(top).top() + offset))

    def charts_pending(self) -> bool:
        """Charts are queued or about to be drawn (the work a lesson does just after it is painted)."""
        return bool(self._queued) or self._draw_scheduled

    def _draw_queued_charts(self) -> None:
        after_charts_import(self, self.draw_pending_charts)  # matplotlib in steps, if not imported yet

    def draw_pending_charts(self) -> None:
        """Draw queued charts now (screenshots, exports, tests)."""
        self._draw_scheduled = False
        for chart_id in list(self._queued):
            self._draw_chart(chart_id)

    def redraw_charts(self) -> None:
        """Queue every drawn chart for redrawing (theme or zoom changed); the old image shows until then."""
        if not self._charts:  # nothing drawn yet (a lesson being built): its first paint queues the charts
            return
        if not self._charts:  # nothing drawn yet (a lesson being built): its first paint queues the charts
            return
        self._queued.update(self._charts)
        self.viewport().update()  # the next paint schedules the drawing

    def resizeEvent(self, event: Any) -> None:
        """Keep lines to a readable length: wide windows get side margins instead of 200-character lines. The
        reader keeps their place when the text flows again."""
        with self.keeping_place():
            super().resizeEvent(event)
            readable = round(self.fontMetrics().averageCharWidth() * READABLE_CHARS)
            width = self.viewport_width() - 4
            if width > readable:
                self.setLineWrapMode(QTextBrowser.LineWrapMode.FixedPixelWidth)
                self.setLineWrapColumnOrWidth(readable)
            else:
                self.setLineWrapMode(QTextBrowser.LineWrapMode.WidgetWidth)
        if self._charts:
            self._fit_charts_now()
            self._refit.start()  # drawn again for the new width, if it needs it, once the resizing stops

    def _shown_width(self) -> float:
        return max(
            (image.width() / (image.devicePixelRatio() or 1.0) for image in self._charts.values()), default=0
        )

    def _fit_charts_now(self) -> None:
        """Until they are drawn again, charts wider than the column are shown scaled down to it."""
        for chart_id, image in list(self._charts.items()):
            fitted = self._fitted(image)
            if fitted is not image:
                self._charts[chart_id] = fitted
                self._show_image(chart_id, fitted)

    @Slot()
    def _on_refit_timeout(self) -> None:
        """Resizing stopped: draw again if the charts are not at the size this column wants (sharper than scaled)."""
        wanted = min(self.column_chart_size()[0], self.column_width())
        if self.column_chart_size() != self._drawn_size or abs(self._shown_width() - wanted) > 1:
            self.redraw_charts()


@contextlib.contextmanager
def _lesson_figure(
    chart_id: str,
    ctx: AppContext,
    size: tuple[int, int] | None,
    font_zoom: float | None,
    theme: ThemeColors,
) -> Iterator[tuple[Any, str]]:
    """A lesson chart drawn on an off-screen figure of ``size`` screen pixels, with the theme's style in force
    while the caller renders it; yields (figure, text alternative)."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from healthalloc.core.figures import draw_chart
    from healthalloc.core.palette import chart_rc

    width, height = size or (round(CHART_WIDTH * ctx.zoom), round(CHART_HEIGHT * ctx.zoom))
    zoom = font_zoom if font_zoom is not None else ctx.zoom * 1.2
    with matplotlib.rc_context(chart_rc(theme, zoom=zoom)):
        figure = Figure(figsize=(width / 100, height / 100), dpi=100, layout="constrained")
        FigureCanvasAgg(figure)
        yield figure, draw_chart(chart_id, figure, theme)


def chart_text(chart_id: str, ctx: AppContext) -> str:
    """The numbers behind a lesson chart (its text alternative), without rendering the picture."""
    with _lesson_figure(chart_id, ctx, None, None, ctx.theme) as (_figure, text):
        return text


def render_chart_png(
    chart_id: str,
    ctx: AppContext,
    *,
    size: tuple[int, int] | None = None,
    font_zoom: float | None = None,
    theme: ThemeColors | None = None,
    pixel_ratio: float = 2.0,
) -> tuple[bytes, str]:
    """Draw a lesson chart off-screen. Returns (PNG bytes, text alternative).

    ``size`` is in screen pixels (default: the reading-pane size, grown with the zoom level so the larger
    fonts still fit); slides and handouts pass their own size, font scale and theme. The image has
    ``pixel_ratio`` device pixels per screen pixel: exports keep 2 for print.
    """
    import io

    theme = theme or ctx.theme
    with _lesson_figure(chart_id, ctx, size, font_zoom, theme) as (figure, text):
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=100 * pixel_ratio, facecolor=theme.base)
    return buffer.getvalue(), text


def render_chart_image(
    chart_id: str,
    ctx: AppContext,
    *,
    size: tuple[int, int] | None = None,
    font_zoom: float | None = None,
    pixel_ratio: float = 1.0,
) -> tuple[QImage, str]:
    """The same picture as :func:`render_chart_png`, for the screen (the reader, slides), without the PNG: drawn
    once and copied straight from matplotlib's pixels (``savefig`` lays the figure out twice and compresses it)."""
    theme = ctx.theme
    with _lesson_figure(chart_id, ctx, size, font_zoom, theme) as (figure, text):
        figure.set_dpi(100 * pixel_ratio)
        figure.set_facecolor(theme.base)
        figure.canvas.draw()
        width, height = figure.canvas.get_width_height(physical=True)
        image = QImage(figure.canvas.buffer_rgba(), width, height, QImage.Format.Format_RGBA8888).copy()
    image.setDevicePixelRatio(pixel_ratio)
    return image, text
