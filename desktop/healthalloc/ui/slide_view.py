"""One slide on screen: title, body text sized from the screen height (or a live calculator), and a footer.

Sizes come from the widget's height, so the same slide reads the same on a 720p projector, a 4K screen and the
small preview in the presenter view. A text slide takes the largest type that fits, down to a floor that still
reads from the back row; below that it is paged through (see :meth:`SlideView.scroll_page`).
"""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QResizeEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
    QTextTable,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from healthalloc.core.links import parse_link
from healthalloc.core.slides import Slide
from healthalloc.ui.context import AppContext
from healthalloc.ui.lesson_browser import LessonBrowser, render_chart_image

# Body type as a fraction of the slide height: the largest, and the smallest before a slide is paged.
BODY_MAX = 1 / 19
BODY_MIN = 1 / 25
CALCULATOR_BODY = 1 / 46
POINTS_PER_PX = 72 / 96


class SlideBrowser(LessonBrowser):
    """The text of a slide. Charts are drawn at the slide's size with large labels; no text cursor."""

    resized = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.chart_size = (960, 480)
        self.chart_font_zoom = 2.0
        self._slide_charts: dict[tuple[str, int, int, str, float], QImage] = {}
        self._last_size = (0, 0)

    def _chart_image(self, chart_id: str) -> QImage:
        width, height = self.chart_size
        key = (chart_id, width, height, self.ctx.theme.name, round(self.chart_font_zoom, 2))
        if key in self._slide_charts:
            return self._slide_charts[key]
        image = QImage()
        try:
            image, text = render_chart_image(
                chart_id, self.ctx, size=self.chart_size, font_zoom=self.chart_font_zoom, pixel_ratio=2.0
            )
            self.chart_text[chart_id] = text
        except Exception as error:  # a broken chart must never end the presentation
            self.chart_text[chart_id] = f"This chart could not be drawn: {error}"
        self._slide_charts[key] = image
        return image

    def resizeEvent(self, event: Any) -> None:
        QTextBrowser.resizeEvent(self, event)  # slides wrap at the full width, unlike the reading pane
        # setViewportMargins (clip_to) re-sends resize events with the widget's size unchanged: ignore those
        size = (self.width(), self.height())
        if size != self._last_size:
            self._last_size = size
            self.resized.emit()

    # A long slide is shown a screenful at a time, each ending on a whole line (never a half-cut one).
    def line_spans(self) -> list[tuple[float, float]]:
        """(top, bottom) of every laid-out line in document coordinates, tables and images included."""
        document = self.document()
        layout = document.documentLayout()
        spans: list[tuple[float, float]] = []
        block = document.begin()
        while block.isValid():
            top = layout.blockBoundingRect(block).top()
            lines = block.layout()
            for i in range(lines.lineCount()):
                line = lines.lineAt(i)
                spans.append((top + line.y(), top + line.y() + line.height()))
            block = block.next()
        return spans

    def page_break(self, top: float, height: float) -> float:
        """The lowest y at most ``top + height`` that cuts through no line (a clean end for this screenful)."""
        limit = top + height
        spans = self.line_spans()
        for y in sorted({b for _t, b in spans if top < b <= limit + 0.5}, reverse=True):
            if not any(t < y - 0.5 and b > y + 0.5 for t, b in spans):
                return y
        return limit

    def previous_top(self, top: float, height: float) -> float:
        """Where the screenful that ends at ``top`` starts."""
        starts = [t for t, _b in self.line_spans() if top - height - 0.5 <= t < top]
        return min(starts) if starts else max(0.0, top - height)

    def clip_to(self, visible: float) -> None:
        """Hide the part of the view below ``visible`` pixels (the cut-off line of a long slide)."""
        self.setViewportMargins(0, 0, 0, max(0, round(self.height() - visible)))

    def document_height(self) -> float:
        """Where the text ends (the padding below it, which lets the last lines scroll to the top, excluded)."""
        spans = self.line_spans()
        return max((b for _t, b in spans), default=0.0)

    def pad_bottom(self, height: float) -> None:
        """Room below the text so every screenful can start at the top of the view."""
        root = self.document().rootFrame()
        fmt = root.frameFormat()
        fmt.setBottomMargin(height)
        root.setFrameFormat(fmt)


class SlideView(QWidget):
    """Shows one :class:`Slide`. ``preview`` views (presenter view) show calculators as a line of text."""

    link_clicked = Signal(str)
    page_problem = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, preview: bool = False) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.preview = preview
        self.scale = 1.0
        self.scenarios: dict[str, dict[str, Any]] = {}
        self.slide: Slide | None = None
        self._markdown = ""
        self._pages: dict[str, QWidget] = {}
        self._scrolls: dict[str, QScrollArea] = {}
        self._current_page: QWidget | None = None
        self.setAutoFillBackground(True)

        self.subtitle = QLabel()
        self.subtitle.setWordWrap(True)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.browser = SlideBrowser(ctx)
        self.browser.anchorClicked.connect(self._on_browser_anchor_clicked)
        self.browser.resized.connect(self._on_browser_resized)
        self.page_host = QStackedWidget()
        self.page_host.setAccessibleName("Live calculator")
        self.body = QStackedWidget()
        self.body.addWidget(self.browser)
        self.body.addWidget(self.page_host)
        self.footer_left = QLabel()
        self.footer_more = QLabel()
        self.footer_more.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.footer_right = QLabel()
        self.footer_right.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        footer = QHBoxLayout()
        footer.addWidget(self.footer_left, 2)
        footer.addWidget(self.footer_more, 2)
        footer.addWidget(self.footer_right, 1)
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self.subtitle)
        self._layout.addWidget(self.title)
        self._layout.addWidget(self.body, 1)
        self._layout.addLayout(footer)
        self.hint = ""
        self._visible_end = 0.0

    # ------------------------------------------------------------------ sizes
    def unit(self) -> float:
        """The slide's height in pixels, times the presenter's type scale."""
        return max(self.height(), 200) * self.scale

    def body_px(self) -> int:
        return max(9, round(self.unit() * BODY_MAX))

    def set_scale(self, scale: float) -> None:
        self.scale = scale

    def _apply_frame_style(self) -> None:
        theme = self.ctx.theme
        unit = self.unit()
        margin_x = max(12, round(self.width() * 0.045))
        margin_y = max(8, round(self.height() * 0.035))
        self._layout.setContentsMargins(margin_x, margin_y, margin_x, max(6, margin_y // 2))
        self._layout.setSpacing(max(4, round(unit * 0.012)))
        palette = self.palette()
        palette.setColor(self.backgroundRole(), QColor(theme.base))
        self.setPalette(palette)
        kind = self.slide.kind if self.slide is not None else "section"
        title_scale = {"title": 0.085, "calculator": 0.05}.get(kind, 0.068)
        self.title.setStyleSheet(
            f"font-size: {round(unit * title_scale)}px; font-weight: 700; color: {theme.text};"
        )
        small = max(10, round(unit * 0.03))
        muted = f"font-size: {small}px; color: {theme.muted_text};"
        self.subtitle.setStyleSheet(f"font-size: {round(unit * 0.036)}px; color: {theme.muted_text};")
        for label in (self.footer_left, self.footer_right):
            label.setStyleSheet(muted)
        self.footer_more.setStyleSheet(f"font-size: {small}px; color: {theme.text}; font-weight: 600;")

    # ------------------------------------------------------------------ showing a slide
    def show_slide(self, slide: Slide, markdown: str, *, number: int, total: int, deck_title: str) -> None:
        self.slide = slide
        self._markdown = markdown
        self.title.setText(slide.title)
        self.subtitle.setText(slide.subtitle)
        self.subtitle.setVisible(bool(slide.subtitle))
        self.footer_left.setText(deck_title)
        self.footer_right.setText(f"{number} / {total}")
        self._apply_frame_style()
        if slide.kind == "calculator" and not self.preview:
            self._show_page(slide)
        else:
            self._release_current()
            self.body.setCurrentWidget(self.browser)
            self._render_text()
        self.setAccessibleName(f"Slide {number} of {total}: {slide.title}")

    def _render_text(self) -> None:
        slide = self.slide
        if slide is None:
            return
        markdown = self._markdown
        if slide.kind == "calculator":
            markdown = f"A live calculator: **{slide.title}**. It opens on this slide in presentation mode."
        self.browser.document().setDocumentMargin(0)
        self.browser.clip_to(self.browser.height())
        width = max(200, self.browser.viewport().width() or self.width() - 80)
        height = max(120, self.browser.height() or self.height() - 200)
        high = self.body_px()
        low = max(9, round(self.unit() * BODY_MIN))
        chart_height = round(height * 0.7)
        self.browser.chart_size = (min(width, round(chart_height * 2.8)), chart_height)
        self.browser.setMarkdown(markdown)
        self.browser.setLineWrapMode(QTextBrowser.LineWrapMode.WidgetWidth)
        self.browser.setAccessibleName(f"{slide.title}: slide text")
        document = self.browser.document()
        chosen = low
        # A slide that almost fits at the floor size is set a little smaller rather than left with a few
        # orphaned lines on a second screenful.
        sizes = [*range(high, low - 1, -max(1, (high - low) // 8 or 1)), round(low * 0.88)]
        for px in sizes:
            self._set_body_px(px)
            document.setTextWidth(width)
            if document.size().height() <= height:
                chosen = px
                break
        self._set_body_px(chosen)
        if document.size().height() > height:
            self.browser.pad_bottom(height)
        self.browser.verticalScrollBar().setValue(0)
        self._clip()

    def _set_body_px(self, px: int) -> None:
        font = QFont(self.font())
        font.setPixelSize(px)
        self.browser.setFont(font)
        self.browser.document().setDefaultFont(font)
        self.browser.document().setIndentWidth(px * 1.6)  # room for "10." before a list item
        # chart_rc's sizes are points at 100 dpi: labels at about 60% of the body type (more clips long labels)
        self.browser.chart_font_zoom = (
            px * 0.6 / (10 * 100 / 72) / max(1.0, self.ctx.theme.chart_font_scale / 1.25)
        )
        _space_blocks(self.browser, px, self.ctx.theme.highlight)
        _shrink_tables(self.browser, round(px * 0.8), self.ctx.theme.muted_text)

    def _show_page(self, slide: Slide) -> None:
        link = parse_link(slide.link)
        page = self._page(link.target)
        if page is None:
            self.body.setCurrentWidget(self.browser)
            self.browser.setMarkdown(f"This calculator could not be opened here ({link.target}).")
            return
        self.body.setCurrentWidget(self.page_host)
        self.page_host.setCurrentWidget(self._scrolls[link.target])
        self._current_page = page
        self._style_page(page)
        problem = ""
        with contextlib.suppress(AttributeError):
            scenario = self.scenarios.get(link.target)
            if scenario is not None and hasattr(page, "load_scenario"):
                try:
                    page.load_scenario(scenario)
                except ValueError as error:
                    problem = f"The calculator kept its defaults: {error}"
            else:
                if hasattr(page, "reset"):
                    page.reset()
                if link.params and hasattr(page, "apply_params"):
                    try:
                        page.apply_params(dict(link.params))
                    except ValueError as error:
                        problem = f"This link's settings could not be used: {error}"
        self.footer_more.setText("Tab: use the controls · Esc: back to the slides")
        if problem:
            self.page_problem.emit(problem)

    def _page(self, page_id: str) -> QWidget | None:
        if page_id in self._pages:
            return self._pages[page_id]
        from healthalloc.ui import registry

        spec = registry.page_spec(page_id)
        if spec is None:
            return None
        try:
            page: QWidget = spec.load()(self.ctx)
        except Exception as error:  # an unfinished or broken page must not end the presentation
            self.page_problem.emit(f"{spec.title} could not be opened: {error}")
            return None
        wrapper = QWidget()
        wrapper.setObjectName("slide-page")
        layout = QVBoxLayout(wrapper)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(page)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(wrapper)
        scroll.setAccessibleName(f"{spec.title}, live")
        self.page_host.addWidget(scroll)
        self._pages[page_id] = page
        self._scrolls[page_id] = scroll
        return page

    def _style_page(self, page: QWidget) -> None:
        """Large controls: one font size for everything on the page, bigger sliders, bigger chart text."""
        theme = self.ctx.theme
        px = max(10, round(self.unit() * CALCULATOR_BODY))
        groove = max(6, px // 3)
        handle = max(18, round(px * 1.1))
        wrapper = page.parentWidget()
        assert wrapper is not None
        wrapper.setStyleSheet(
            f"""
            QWidget#slide-page, QWidget#slide-page QWidget {{ font-size: {px}px; }}
            QWidget#slide-page QLabel[role="title"] {{ font-size: {round(px * 1.6)}px; font-weight: 700; }}
            QWidget#slide-page QLabel[role="subtitle"] {{ font-size: {round(px * 1.2)}px; font-weight: 600; }}
            QWidget#slide-page QLabel[role="result"] {{ font-size: {round(px * 1.45)}px; font-weight: 700; }}
            QSlider {{ min-height: {handle + 6}px; }}
            QSlider::groove:horizontal {{ height: {groove}px; background: {theme.border}; border-radius: {groove // 2}px; }}
            QSlider::handle:horizontal {{
                width: {handle}px; margin: -{(handle - groove) // 2}px 0; border-radius: {handle // 2}px;
                background: {theme.accent}; border: 2px solid {theme.text};
            }}
            QSlider::sub-page:horizontal {{ background: {theme.accent}; border-radius: {groove // 2}px; }}
            """
        )
        from healthalloc.ui.calc_base import CalculatorPage, ChartView

        base_px = max(1.0, QFont(self.font()).pointSizeF() / POINTS_PER_PX)
        scale = max(1.0, px / base_px)
        if isinstance(page, CalculatorPage):
            page.set_chart_font_scale(scale)
        else:
            for chart in page.findChildren(ChartView):
                chart.set_font_scale(scale)
        QTimer.singleShot(0, lambda: _widen_input_columns(page))

    def _release_current(self) -> None:
        self._current_page = None

    def release_page(self) -> None:
        """Leave the calculator's controls (the presentation is ending or moving on)."""
        self._release_current()

    def focus_page(self) -> bool:
        """Move keyboard focus into the live calculator; False if there is none on this slide."""
        if self._current_page is None:
            return False
        self._current_page.setFocus(Qt.FocusReason.TabFocusReason)
        if not self.page_host.isAncestorOf(self.window().focusWidget() or self):
            self._current_page.focusNextChild()
        return True

    def current_page(self) -> QWidget | None:
        return self._current_page

    # ------------------------------------------------------------------ scrolling
    def scroll_page(self, direction: int) -> bool:
        """Show the next (1) or previous (-1) screenful of a long text slide. False at the end."""
        if self.body.currentWidget() is not self.browser:
            return False
        bar = self.browser.verticalScrollBar()
        top = float(bar.value())
        height = float(self.browser.height())
        if direction > 0:
            if not self.has_more():
                return False
            target = self.browser.page_break(top, height)
        else:
            if top <= 0:
                return False
            target = self.browser.previous_top(top, height)
        self.browser.clip_to(height)
        bar.setValue(round(target))
        self._clip()
        return True

    def scroll_lines(self, lines: int) -> None:
        self.browser.clip_to(self.browser.height())
        bar = self.browser.verticalScrollBar()
        bar.setValue(bar.value() + lines * self.browser.fontMetrics().lineSpacing())
        self._clip()

    def scroll_to_end(self) -> None:
        self.browser.clip_to(self.browser.height())
        bar = self.browser.verticalScrollBar()
        bar.setValue(bar.maximum())
        self._clip()

    def scroll_position(self) -> int:
        return self.browser.verticalScrollBar().value()

    def set_scroll_position(self, value: int) -> None:
        self.browser.clip_to(self.browser.height())
        self.browser.verticalScrollBar().setValue(value)
        self._clip()

    def _clip(self) -> None:
        top = float(self.browser.verticalScrollBar().value())
        height = float(self.browser.height())
        self._visible_end = self.browser.page_break(top, height)
        self.browser.clip_to(self._visible_end - top)
        self._update_more()

    def show_check(self, ordinal: int) -> None:
        """Bring the ``ordinal``-th knowledge check on this slide fully into view (after revealing its answer)."""
        document = self.browser.document()
        layout = document.documentLayout()
        found = -1
        block = document.begin()
        start = end = None
        while block.isValid():
            quoted = block.blockFormat().intProperty(QTextFormat.Property.BlockQuoteLevel) > 0
            if quoted and block.text().startswith("Predict, then reveal."):
                found += 1
            if found == ordinal and quoted:
                rect = layout.blockBoundingRect(block)
                start = rect.top() if start is None else start
                end = rect.bottom()
            elif found == ordinal and start is not None:
                break
            block = block.next()
        if start is None or end is None:
            return
        top = float(self.browser.verticalScrollBar().value())
        if start < top or end > self._visible_end + 0.5:
            self.set_scroll_position(round(start))

    def has_more(self) -> bool:
        if self.body.currentWidget() is not self.browser:
            return False
        return self._visible_end < self.browser.document_height() - 1

    def set_hint(self, text: str) -> None:
        """A short instruction for the presenter in the footer (e.g. that R reveals an answer)."""
        self.hint = text
        self._update_more()

    @Slot()
    def _update_more(self, *_args: object) -> None:
        if self.body.currentWidget() is not self.browser:
            return
        parts = ["▼ more: → or PageDown"] if self.has_more() else []
        if self.hint:
            parts.append(self.hint)
        self.footer_more.setText("   ·   ".join(parts))

    # ------------------------------------------------------------------ events
    @Slot(QUrl)
    def _on_browser_anchor_clicked(self, url: QUrl) -> None:
        self.link_clicked.emit(url.toString())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.slide is not None:
            self._apply_frame_style()  # the text is refitted once the layout has resized the browser
            if self._current_page is not None:
                self._style_page(self._current_page)

    @Slot()
    def _on_browser_resized(self) -> None:
        if self.slide is not None and self.body.currentWidget() is self.browser:
            end = self.browser.document_height()
            fraction = self.scroll_position() / end if end else 0.0
            self._render_text()
            if fraction:  # about the same place, starting on a whole line
                target = fraction * self.browser.document_height()
                tops = [t for t, _b in self.browser.line_spans() if t <= target + 0.5]
                self.set_scroll_position(round(max(tops, default=0.0)))


def _space_blocks(browser: QTextBrowser, px: int, quote_background: str) -> None:
    """Spacing in proportion to the type; knowledge-check boxes get a coloured background."""
    document = browser.document()
    cursor = QTextCursor(document)
    block = document.begin()
    while block.isValid():
        fmt = QTextBlockFormat(block.blockFormat())
        level = fmt.headingLevel()
        if level:
            fmt.setTopMargin(px * 0.6)
            fmt.setBottomMargin(px * 0.25)
        elif "\ufffc" not in block.text():
            fmt.setBottomMargin(px * 0.35)
            fmt.setLineHeight(118.0, 1)  # QTextBlockFormat.ProportionalHeight
        if fmt.hasProperty(QTextFormat.Property.BlockQuoteLevel) and fmt.intProperty(
            QTextFormat.Property.BlockQuoteLevel
        ):
            fmt.setBackground(QColor(quote_background))
            fmt.setLeftMargin(px * 0.6)
            fmt.setRightMargin(px * 0.3)
            fmt.setTopMargin(0)
            fmt.setBottomMargin(0)
            fmt.setLineHeight(100.0, 0)  # QTextBlockFormat.SingleHeight: no gaps in the coloured box
        cursor.setPosition(block.position())
        cursor.setBlockFormat(fmt)
        block = block.next()


def _shrink_tables(browser: QTextBrowser, px: int, border: str) -> None:
    """Tables get slightly smaller type than the text so six columns still fit across a slide."""
    document = browser.document()
    for frame in document.rootFrame().childFrames():
        if not isinstance(frame, QTextTable):
            continue
        cursor = QTextCursor(document)
        cursor.setPosition(frame.firstPosition())
        cursor.setPosition(frame.lastPosition(), QTextCursor.MoveMode.KeepAnchor)
        fmt = QTextCharFormat()
        fmt.setProperty(QTextFormat.Property.FontPixelSize, px)
        cursor.mergeCharFormat(fmt)
        table_format = frame.format()
        table_format.setCellPadding(px * 0.25)
        table_format.setBorderBrush(QColor(border))
        frame.setFormat(table_format)


def _widen_input_columns(page: QWidget) -> None:
    """Pages size their inputs column for normal type; with slide-sized type, give it the width it now needs
    (up to 40% of the page): a fixed-width scroll area or the first pane of a horizontal splitter."""

    def wanted(area: QWidget) -> int:
        content = area.widget() if isinstance(area, QScrollArea) and area.widget() is not None else area
        extra = area.verticalScrollBar().sizeHint().width() if isinstance(area, QScrollArea) else 0
        return min(content.sizeHint().width() + extra + 12, round(page.width() * 0.4))

    with contextlib.suppress(RuntimeError):  # the page may be gone if the presenter moved on at once
        for area in page.findChildren(QScrollArea):
            if area.minimumWidth() == area.maximumWidth() and area.isVisibleTo(page):
                want = wanted(area)
                if want > area.width():
                    area.setFixedWidth(want)
        for splitter in page.findChildren(QSplitter):
            if splitter.orientation() != Qt.Orientation.Horizontal or splitter.count() != 2:
                continue
            sizes = splitter.sizes()
            want = wanted(splitter.widget(0))
            if sizes[0] < want:
                splitter.setSizes([want, sum(sizes) - want])
