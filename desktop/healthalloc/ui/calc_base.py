"""Building blocks shared by the calculator pages: a form built from declared inputs, an embedded chart,
a "Show the math" panel and a table view for DataFrames.

The form knows nothing about any calculator; each page declares its inputs in ``core`` (``InputSpec``) and
connects ``values_changed`` to a slot that calls the ``core`` function and hands the result to the widgets.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAccessible, QAccessibleEvent, QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from healthalloc.core.explain import Explanation
from healthalloc.core.inputs import InputSpec, validate_inputs
from healthalloc.core.live_chart import NOTICE
from healthalloc.core.palette import ThemeColors
from healthalloc.core.table import Table
from healthalloc.ui.context import AppContext

SLIDER_STEPS = 1000


class CalculatorPage(QWidget):
    """Base class for calculator pages.

    Subclasses set ``page_id`` and ``title`` and override :meth:`apply_params` (a ``calc:`` link's query),
    :meth:`scenario` / :meth:`load_scenario` (the inputs as a plain dict, for scenario files) and :meth:`reset`.
    """

    page_id: ClassVar[str] = ""
    title: ClassVar[str] = ""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.chart_font_scale = 1.0  # presentation mode enlarges chart text; charts built later take it too
        self.setObjectName(f"page-{self.page_id}")
        self.setAccessibleName(self.title)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        tidy_scroll_areas(self)

    def apply_params(self, params: Mapping[str, str]) -> None:
        """Set inputs from a ``calc:`` link, e.g. ``{"tab": "member", "age": "85"}``."""

    def scenario(self) -> dict[str, Any]:
        """The current inputs, JSON-serialisable."""
        return {}

    def load_scenario(self, inputs: Mapping[str, Any]) -> None:
        """Restore inputs saved by :meth:`scenario`; raise ``ValueError`` if they do not fit."""
        self.apply_params({k: str(v) for k, v in inputs.items()})

    def reset(self) -> None:
        """Back to the defaults."""

    def set_chart_font_scale(self, scale: float) -> None:
        """Multiply the text size of every chart on the page, and of charts built later (a tab opened later)."""
        self.chart_font_scale = scale
        for chart in self.findChildren(ChartView):
            chart.set_font_scale(scale)

    def announce(self, text: str) -> None:
        """Tell assistive technology that a result changed (screen readers read ``text``)."""
        self.setAccessibleDescription(text)
        event = QAccessibleEvent(self, QAccessible.Event.NameChanged)
        with contextlib.suppress(RuntimeError):
            QAccessible.updateAccessibility(event)


def tidy_scroll_areas(page: QWidget) -> None:
    """A scroll area is a Tab stop by default, with no name for a screen reader to read. One that holds
    controls needs neither: Tab goes to the controls and the area scrolls to the focused one. One that holds
    only text stays a stop (so the keyboard can scroll it) and is named after the page."""
    for area in page.findChildren(QScrollArea):
        if area.accessibleName():
            continue
        content = area.widget()
        stops = [
            w
            for w in (content.findChildren(QWidget) if content is not None else [])
            if w.focusPolicy() & Qt.FocusPolicy.TabFocus
        ]
        if stops:
            area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        else:
            area.setAccessibleName(f"{page.accessibleName() or 'Page'}: scrollable text")


def tab_holder() -> QWidget:
    """An empty tab page, for a tab whose widgets are built the first time they are needed (``fill_tab_holder``):
    a calculator page opens with only the tab it shows."""
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    return holder


def fill_tab_holder(page: CalculatorPage, holder: QWidget, content: QWidget) -> None:
    """Put a tab's widgets, just built, into its :func:`tab_holder`: shown at once (a tab being shown must not paint
    empty), with the page's chart text size (a tab built during a presentation) and its scroll areas tidied."""
    holder.layout().addWidget(content)
    content.show()
    for chart in content.findChildren(ChartView):
        chart.set_font_scale(page.chart_font_scale)
    tidy_scroll_areas(page)


def _to_slider(spec: InputSpec, value: float) -> int:
    span = spec.maximum - spec.minimum
    return 0 if span <= 0 else round((value - spec.minimum) / span * SLIDER_STEPS)


def _from_slider(spec: InputSpec, position: int) -> float:
    value = spec.minimum + (spec.maximum - spec.minimum) * position / SLIDER_STEPS
    if spec.step > 0:
        value = spec.minimum + round((value - spec.minimum) / spec.step) * spec.step
    return round(value, spec.decimals) if spec.kind != "integer" else float(round(value))


class InputForm(QWidget):
    """A form built from ``InputSpec``s. Emits ``values_changed`` with every valid change (no Compute button)."""

    values_changed = Signal(dict)

    def __init__(self, specs: Iterable[InputSpec], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.specs = {spec.name: spec for spec in specs}
        self._editors: dict[str, QWidget] = {}
        self._sliders: dict[str, QSlider] = {}
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for spec in self.specs.values():
            label = QLabel(spec.label + (" *" if spec.illustrative else ""))
            label.setWordWrap(True)
            editor = self._make_editor(spec)
            label.setBuddy(editor)
            tip = _tooltip(spec)
            label.setToolTip(tip)
            if isinstance(editor, QComboBox):
                _show_whole_choice(editor, tip)
            else:
                editor.setToolTip(tip)
            editor.setAccessibleName(spec.label)
            editor.setAccessibleDescription(tip)
            self._editors[spec.name] = editor
            if spec.kind in ("number", "integer") and spec.slider and spec.maximum > spec.minimum:
                slider = QSlider(Qt.Orientation.Horizontal)
                slider.setRange(0, SLIDER_STEPS)
                slider.setAccessibleName(f"{spec.label} slider")
                slider.setValue(_to_slider(spec, float(spec.default)))  # type: ignore[arg-type]
                slider.valueChanged.connect(lambda pos, s=spec: self._on_slider_moved(s, pos))
                self._sliders[spec.name] = slider
                box = QWidget()
                row = QVBoxLayout(box)
                row.setContentsMargins(0, 0, 0, 0)
                row.setSpacing(2)
                row.addWidget(editor)
                row.addWidget(slider)
                layout.addRow(label, box)
            else:
                layout.addRow(label, editor)
        if any(spec.illustrative for spec in self.specs.values()):
            note = QLabel("* illustrative value, not an official figure")
            note.setProperty("role", "muted")
            note.setWordWrap(True)
            layout.addRow(note)

    def _make_editor(self, spec: InputSpec) -> QWidget:
        if spec.kind in ("number", "integer"):
            box = QDoubleSpinBox()
            box.setDecimals(0 if spec.kind == "integer" else spec.decimals)
            box.setRange(spec.minimum, spec.maximum)
            box.setSingleStep(spec.step)
            box.setKeyboardTracking(False)
            box.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
            box.setAccelerated(True)
            unit = spec.unit
            if unit == "$":
                box.setPrefix("$")
            elif unit:
                box.setSuffix(unit if unit == "%" else f" {unit}")
            box.setGroupSeparatorShown(True)
            box.setValue(float(spec.default))  # type: ignore[arg-type]
            box.valueChanged.connect(lambda value, s=spec: self._on_spin_changed(s, value))
            box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            return box
        if spec.kind == "choice":
            combo = QComboBox()
            for key, label in spec.choices:
                combo.addItem(label, key)
            combo.setCurrentIndex(max(0, combo.findData(spec.default)))
            combo.currentIndexChanged.connect(lambda _i: self._emit())
            return combo
        if spec.kind == "flag":
            check = QCheckBox()
            check.setChecked(bool(spec.default))
            check.toggled.connect(lambda _c: self._emit())
            return check
        raise ValueError(
            f"InputForm cannot edit inputs of kind {spec.kind!r} ({spec.name}); build that editor in the page"
        )

    def _on_slider_moved(self, spec: InputSpec, position: int) -> None:
        box = self._editors[spec.name]
        assert isinstance(box, QDoubleSpinBox)
        box.setValue(_from_slider(spec, position))

    def _on_spin_changed(self, spec: InputSpec, value: float) -> None:
        slider = self._sliders.get(spec.name)
        if slider is not None:
            with QSignalBlocker(slider):
                slider.setValue(_to_slider(spec, value))
        self._emit()

    def _emit(self) -> None:
        self.values_changed.emit(self.values())

    def editor(self, name: str) -> QWidget:
        return self._editors[name]

    def values(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for name, editor in self._editors.items():
            spec = self.specs[name]
            if isinstance(editor, QDoubleSpinBox):
                result[name] = round(editor.value()) if spec.kind == "integer" else editor.value()
            elif isinstance(editor, QComboBox):
                result[name] = editor.currentData()
            elif isinstance(editor, QCheckBox):
                result[name] = editor.isChecked()
        return result

    def set_values(self, values: Mapping[str, Any], *, emit: bool = True) -> None:
        """Set some inputs at once (validated first; raises ``ValueError`` and changes nothing if one is bad)."""
        known = {k: v for k, v in values.items() if k in self.specs}
        checked = validate_inputs(self.specs.values(), known, partial=True)
        blockers = [QSignalBlocker(w) for w in (*self._editors.values(), *self._sliders.values())]
        try:
            for name, value in checked.items():
                editor = self._editors[name]
                if isinstance(editor, QDoubleSpinBox):
                    editor.setValue(float(value))  # type: ignore[arg-type]
                    if name in self._sliders:
                        self._sliders[name].setValue(_to_slider(self.specs[name], float(value)))  # type: ignore[arg-type]
                elif isinstance(editor, QComboBox):
                    editor.setCurrentIndex(max(0, editor.findData(value)))
                elif isinstance(editor, QCheckBox):
                    editor.setChecked(bool(value))
        finally:
            del blockers
        if emit:
            self._emit()

    def reset(self) -> None:
        self.set_values({spec.name: spec.default for spec in self.specs.values() if spec.name in self._editors})


def _show_whole_choice(combo: QComboBox, tip: str) -> None:
    """A long choice is cut off in a narrow column: the combo box's tooltip starts with it whole, then the help."""

    def update(text: str) -> None:
        combo.setToolTip("\n\n".join(part for part in (text, tip) if part))

    update(combo.currentText())
    combo.currentTextChanged.connect(update)


def _tooltip(spec: InputSpec) -> str:
    parts = [spec.help] if spec.help else []
    if spec.kind in ("number", "integer"):
        unit = f" {spec.unit}" if spec.unit and spec.unit != "$" else ""
        dollar = "$" if spec.unit == "$" else ""
        parts.append(f"Range {dollar}{spec.minimum:,g}–{dollar}{spec.maximum:,g}{unit}.")
    if spec.source:
        parts.append(f"Default from: {spec.source}.")
    if spec.illustrative:
        parts.append("The default is illustrative, not an official figure.")
    return " ".join(parts)


class ChartView(QWidget):
    """An embedded matplotlib figure that follows the theme and zoom.

    Matplotlib is imported when the chart is first shown or touched, not when the page is built. Give it a
    ``draw`` callback ``draw(figure, theme)`` with :meth:`set_drawer`; call :meth:`refresh` when data change.
    """

    drawn = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, min_height: int = 260) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._canvas: Any = None
        self._figure: Any = None
        self._drawer: Callable[[Any, ThemeColors], object] | None = None
        self._text_alternative: Any = ""
        self._drawer_pending = False  # refreshed before its first drawing: the drawer runs just before it
        self.font_scale = 1.0  # presentation mode enlarges chart text beyond the app zoom
        self.no_result = False  # its inputs have no result: the drawer shows a notice instead (mark_no_result)
        self.setMinimumHeight(min_height)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Chart")
        ctx.theme_changed.connect(self._on_ctx_theme_changed)
        ctx.zoom_changed.connect(self._on_ctx_theme_changed)

    @property
    def figure(self) -> Any:
        """The figure, with the chart on it (a drawing still waiting for the first paint is done now)."""
        self._ensure_canvas()
        self.build_pending()
        return self._figure

    @property
    def canvas(self) -> Any:
        self._ensure_canvas()
        return self._canvas

    def _ensure_canvas(self) -> None:
        if self._canvas is not None:
            return
        prepare_charts()
        from matplotlib.figure import Figure

        self._figure = Figure(layout="constrained")
        self._canvas = _canvas_class()(self._figure)
        self._canvas.before_draw = self.build_pending
        self._canvas.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._canvas.setAccessibleName(self.accessibleName())
        self._layout.addWidget(self._canvas)
        self._canvas.show()  # now, not on the next turn of the event loop
        self._apply_style()

    def _apply_style(self) -> None:
        from healthalloc.core.palette import chart_rc

        rc = chart_rc(self.ctx.theme, zoom=self.ctx.zoom * self.font_scale)
        self._figure.set_facecolor(rc["figure.facecolor"])
        self._rc = rc

    def rc(self) -> dict[str, object]:
        """The theme's rcParams; draw inside ``matplotlib.rc_context(view.rc())`` so new artists pick them up."""
        self._ensure_canvas()
        return self._rc

    def set_font_scale(self, scale: float) -> None:
        """Multiply the chart's text size (on top of the app zoom) and redraw."""
        if abs(scale - self.font_scale) < 1e-3:
            return
        self.font_scale = scale
        self._on_ctx_theme_changed(None)

    def set_drawer(self, drawer: Callable[[Any, ThemeColors], object]) -> None:
        """``drawer(figure, theme)`` draws or updates the chart; it returns ``True`` when it has already put the
        change on screen itself (by blitting, :class:`healthalloc.core.blit.BlitLayer`), so no full redraw is
        queued."""
        self._drawer = drawer

    def refresh(self) -> None:
        """Redraw with the current data, coalescing bursts (slider drags) into one paint."""
        if self._drawer is None:
            return
        if self._canvas is None or not self._canvas.has_drawn:
            # Not on screen yet: the chart is built just before its first drawing, at the size it is shown at
            # (labels placed for a provisional size would need a second full draw), and matplotlib is loaded
            # when the chart is first painted, so the page around it is never held up.
            self._drawer_pending = True
            if self._canvas is None:
                self.update()
            else:
                self._canvas.draw_idle()
            return
        if not self._run_drawer():
            self._canvas.draw_idle()

    def _run_drawer(self) -> bool:
        """Build or update the chart; ``True`` if the drawer has already put the change on screen."""
        import matplotlib

        self._drawer_pending = False
        if self._drawer is None:
            return False
        with matplotlib.rc_context(self._rc):
            shown = self._drawer(self._figure, self.ctx.theme)
        self.drawn.emit()
        return shown is True

    def build_pending(self) -> None:
        """Build a chart that is waiting for its first drawing now: its artists exist afterwards, though
        nothing is painted until the chart is."""
        if self._drawer_pending:
            self._ensure_canvas()
            self._run_drawer()

    def draw_now(self) -> None:
        """Synchronous draw (screenshots, exports, tests)."""
        self._ensure_canvas()
        self._canvas.draw()

    def draw_pending(self) -> bool:
        """Whether part of the chart is on screen but not drawn yet (its first drawing waits for the page's first
        paint). A chart scrolled out of view is drawn when it is scrolled to."""
        canvas = self._canvas
        if canvas is None:
            return self._drawer_pending and self.isVisible() and not self.visibleRegion().isEmpty()
        return canvas.stale_drawing and canvas.isVisible() and not canvas.visibleRegion().isEmpty()

    def paintEvent(self, event: Any) -> None:
        """Before the chart has a canvas: its background, and the canvas made on the next turn of the event loop."""
        if self._canvas is not None:
            return
        from healthalloc.core.palette import chart_rc

        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(str(chart_rc(self.ctx.theme)["figure.facecolor"])))
        painter.end()
        if self._drawer_pending:
            QTimer.singleShot(0, self, self._make_canvas)

    def _make_canvas(self) -> None:
        if self._canvas is None and self._drawer_pending:
            self._ensure_canvas()  # the canvas paints, then draws (see ``Canvas``)

    @Slot(object)
    def _on_ctx_theme_changed(self, _value: object) -> None:
        if self._canvas is None:
            return
        self._apply_style()
        self._figure.clear()
        self.refresh()

    def set_text_alternative(self, value: Any) -> None:
        """The numbers behind the chart (a Table, a DataFrame or text), for screen readers and the "Data" view."""
        self._text_alternative = value
        text = value if isinstance(value, str) else _frame_to_text(value)
        self.setAccessibleDescription(text[:2000])
        self.setToolTip("")

    def mark_no_result(self) -> None:
        """Its inputs have no result: the page's drawer shows :data:`~healthalloc.core.live_chart.NOTICE` in place of
        the last result (``LiveChart.draw_notice``), and the text alternative, for screen readers and the "Data"
        view, says the same. The page sets ``no_result`` back to ``False`` with the next result."""
        self.no_result = True
        self.set_text_alternative(NOTICE)

    def text_alternative(self) -> str:
        value = self._text_alternative
        return value if isinstance(value, str) else _frame_to_text(value)

    def save(self, path: str, *, scale: float = 2.0) -> None:
        """Export PNG (at ``scale``× screen resolution), SVG or PDF by the file's extension."""
        self._ensure_canvas()
        dpi = self._figure.get_dpi() * (scale if path.lower().endswith(".png") else 1.0)
        self._figure.savefig(path, dpi=dpi, facecolor=self._figure.get_facecolor())


_CANVAS_CLASS: type | None = None


def prepare_charts() -> None:
    """Import matplotlib's Qt canvas and the figure class ahead of the first chart (the idle prefetch calls this)."""
    import matplotlib

    matplotlib.use("QtAgg", force=False)
    import matplotlib.figure

    _canvas_class()


def _canvas_class() -> type:
    """The Qt canvas for charts, defined when matplotlib is first needed (never at start-up)."""
    global _CANVAS_CLASS
    if _CANVAS_CLASS is not None:
        return _CANVAS_CLASS
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

    class Canvas(FigureCanvasQTAgg):  # type: ignore[misc]
        """A canvas that draws when it is painted, not on a timer of its own.

        Matplotlib's canvas draws on a zero timer after each ``draw_idle``. A chart built with its page then draws
        once per resize on the way to its final size, before the page is even shown (up to five full draws of
        50–80 ms for one page). Here a change only marks the chart stale and asks Qt for a paint, so it is drawn
        once, at the size it is painted at. The very first drawing waits until the page around it has been painted,
        and charts are drawn one per turn of the event loop, so a page appears at once and its charts follow.
        """

        _first_draws: ClassVar[list[Any]] = []  # canvases painted once, waiting for their first drawing
        _first_draw_timer: ClassVar[bool] = False  # a turn of the event loop will draw the next one

        def __init__(self, figure: Any) -> None:
            super().__init__(figure)
            self.stale_drawing = True
            self.has_drawn = False
            self.before_draw: Callable[[], None] | None = None  # builds a chart that waited for its first drawing

        def draw_idle(self) -> None:
            self.stale_drawing = True
            self.update()

        def draw(self) -> None:
            if self.before_draw is not None:
                self.before_draw()
            self.stale_drawing = False
            with warnings.catch_warnings():
                # Squeezed smaller than its text (a narrow window at presentation size), a chart is drawn without
                # the layout; matplotlib's warning about that is nothing a student can act on.
                warnings.filterwarnings("ignore", "constrained_layout not applied", UserWarning)
                super().draw()  # matplotlib's Qt canvas asks for a paint of the new picture
            self.has_drawn = True

        def paintEvent(self, event: Any) -> None:
            if self.stale_drawing and self.width() > 0 and self.height() > 0:
                if not self.has_drawn:
                    self._paint_blank()
                    if self not in Canvas._first_draws:
                        Canvas._first_draws.append(self)
                    Canvas._schedule_first_draw()
                    return
                self.draw()
            super().paintEvent(event)

        def _paint_blank(self) -> None:
            painter = QPainter(self)
            painter.fillRect(self.rect(), QColor.fromRgbF(*self.figure.get_facecolor()))
            painter.end()

        @staticmethod
        def _schedule_first_draw() -> None:
            if Canvas._first_draws and not Canvas._first_draw_timer:
                Canvas._first_draw_timer = True
                QTimer.singleShot(0, Canvas._draw_next_first)

        @staticmethod
        def _draw_next_first() -> None:
            Canvas._first_draw_timer = False
            queue = Canvas._first_draws
            try:
                while queue:
                    canvas = queue.pop(0)
                    try:
                        ready = canvas.stale_drawing and canvas.isVisible()
                    except RuntimeError:  # deleted with its page meanwhile
                        continue
                    if ready:
                        canvas.draw()
                        break
            finally:  # a chart that fails to draw must not hold up the others
                Canvas._schedule_first_draw()

    _CANVAS_CLASS = Canvas
    return Canvas


def _frame_to_text(frame: Any) -> str:
    if frame is None:
        return ""
    if isinstance(frame, Table):
        return frame.to_text(na_rep="—")
    try:
        return str(frame.to_string(index=False, na_rep="—"))  # a missing cell reads as a dash, never "NaN"
    except AttributeError:
        return str(frame)


class MathPanel(QWidget):
    """A collapsible "Show the math" panel rendering one or more :class:`Explanation`s."""

    def __init__(self, parent: QWidget | None = None, *, expanded: bool = False) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.toggle = QToolButton()
        self.toggle.setText("Show the math")
        self.toggle.setCheckable(True)
        self.toggle.setChecked(expanded)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.toggle.setAccessibleName("Show the math")
        self.toggle.toggled.connect(self._on_toggle_toggled)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setAccessibleName("The math, step by step")
        self.browser.setVisible(expanded)
        self.browser.setMinimumHeight(160)
        layout.addWidget(self.toggle)
        layout.addWidget(self.browser)
        self._explanations: list[Explanation] = []

    @Slot(bool)
    def _on_toggle_toggled(self, checked: bool) -> None:
        self.browser.setVisible(checked)
        self.toggle.setText("Hide the math" if checked else "Show the math")
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if checked else Qt.ArrowType.RightArrow)

    def set_explanations(self, explanations: Iterable[Explanation]) -> None:
        self._explanations = list(explanations)
        markdown = "\n\n---\n\n".join(e.as_markdown() for e in self._explanations)
        bar = self.browser.verticalScrollBar()
        position = bar.value()
        self.browser.setMarkdown(markdown)
        bar.setValue(position)
        self.browser.setAccessibleDescription("\n\n".join(e.as_text() for e in self._explanations)[:4000])

    def text(self) -> str:
        return "\n\n".join(e.as_text() for e in self._explanations)


def format_cell(value: Any, kind: str) -> str:
    """Format one table cell: ``money``, ``money0``, ``percent`` (a 0–1 fraction), ``number``, ``int`` or text."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if kind == "money":
            return f"{'−' if value < 0 else ''}${abs(value):,.2f}"
        if kind == "money0":
            return f"{'−' if value < 0 else ''}${abs(value):,.0f}"
        if kind == "percent":
            return f"{value * 100:.1f}%"
        if kind == "int":
            return f"{value:,.0f}"
        if kind == "number":
            return f"{value:,.3f}"
    return str(value)


def as_table(frame: Any) -> Table:
    """A :class:`Table` as it is; a pandas DataFrame as a Table of its rows."""
    if isinstance(frame, Table):
        return frame
    return Table(tuple(frame.columns), tuple(frame.itertuples(index=False, name=None)))


class FrameView(QWidget):
    """A read-only table for a :class:`~healthalloc.core.table.Table` or a DataFrame, with "Export CSV…".

    Pages hand it Tables, so showing one never imports pandas; :meth:`frame` makes the DataFrame for an export.
    """

    def __init__(self, parent: QWidget | None = None, *, export: bool = True, name: str = "Table") -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName(name)
        self.table.setTabKeyNavigation(False)
        layout.addWidget(self.table)
        self._frame: Any = None  # what was given: a Table or a DataFrame
        self._shown: Table | None = None
        self.name = name
        if export:
            row = QHBoxLayout()
            row.addStretch(1)
            self.export_button = QPushButton("Export CSV…")
            self.export_button.setAccessibleName(f"Export {name} as CSV")
            self.export_button.clicked.connect(self._on_export_clicked)
            row.addWidget(self.export_button)
            layout.addLayout(row)

    def set_frame(
        self, frame: Any, formats: Mapping[str, str] | None = None, *, headers: Mapping[str, str] | None = None
    ) -> None:
        formats = formats or {}
        headers = headers or {}
        self._frame = frame
        self._shown = shown = as_table(frame)
        columns = list(shown.columns)
        self.table.setColumnCount(len(columns))
        self.table.setRowCount(len(shown))
        self.table.setHorizontalHeaderLabels([headers.get(c, str(c)) for c in columns])
        for r, row in enumerate(shown.rows):
            for c, value in enumerate(row):
                kind = formats.get(columns[c], "")
                item = QTableWidgetItem(format_cell(value, kind))
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)

    def update_frame(
        self, frame: Any, formats: Mapping[str, str] | None = None, *, headers: Mapping[str, str] | None = None
    ) -> None:
        """:meth:`set_frame` for a slider being dragged: if the rows and headers are the same as before, rewrite only
        the cells whose text changed, then repaint once (rebuilding every item costs milliseconds per change)."""
        formats = formats or {}
        headers = headers or {}
        table = as_table(frame)
        columns = list(table.columns)
        grid = self.table
        shown = [grid.horizontalHeaderItem(c) for c in range(grid.columnCount())]
        same_shape = (grid.rowCount(), grid.columnCount()) == (len(table), len(columns)) and [
            item.text() if item is not None else None for item in shown
        ] == [headers.get(c, str(c)) for c in columns]
        if not same_shape:
            self.set_frame(frame, formats, headers=headers)
            return
        self._frame, self._shown = frame, table
        model = grid.model()
        changed = False
        blocker = QSignalBlocker(model)  # one dataChanged for the lot, not one per cell
        try:
            for r, row in enumerate(table.rows):
                for c, value in enumerate(row):
                    text = format_cell(value, formats.get(columns[c], ""))
                    item = grid.item(r, c)
                    if item is None:
                        item = QTableWidgetItem()
                        grid.setItem(r, c, item)
                    if item.text() != text:
                        item.setText(text)
                        number = isinstance(value, (int, float)) and not isinstance(value, bool)
                        item.setTextAlignment(
                            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                            if number
                            else Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
                        )
                        changed = True
        finally:
            del blocker
        if changed:
            model.dataChanged.emit(model.index(0, 0), model.index(len(table) - 1, len(columns) - 1), [])

    def frame(self) -> Any:
        """The shown rows as a pandas DataFrame (for exports: a Table is converted now, importing pandas)."""
        if isinstance(self._frame, Table):
            self._frame = self._frame.to_frame()
        return self._frame

    def shown(self) -> Table | None:
        """The shown rows, without pandas."""
        return self._shown

    def cell_text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item else ""

    @Slot()
    def _on_export_clicked(self) -> None:
        if self._frame is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, f"Export {self.name}", f"{self.name}.csv", "CSV files (*.csv)")
        if path:
            try:
                export_csv(self.frame(), path)
            except OSError as error:
                QMessageBox.warning(self, "Export failed", f"Could not write {path}: {error.strerror or error}")


def export_csv(frame: Any, path: str) -> None:
    """Write a DataFrame to CSV atomically (temp file, then rename)."""
    from healthalloc.core.files import atomic_write_text

    atomic_write_text(path, frame.to_csv(index=False))


def text_label(text: str = "", role: str = "") -> QLabel:
    """A wrapping, selectable label; ``role`` picks a style from the theme (muted, title, result, error...)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if role:
        label.setProperty("role", role)
    return label


def scroll_area(widget: QWidget, *, frame: bool = True) -> QScrollArea:
    """``widget`` in a vertical scroll area (no horizontal scrolling), with or without a frame."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    if not frame:
        area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(widget)
    return area
