"""The life of a claim: one bill followed hop by hop (patient → provider → payer → back), then a year of bills.

All arithmetic is in :mod:`healthalloc.core.claims` and :mod:`healthalloc.core.claims_presets`; this module lays out
the declared inputs, steps through the journey and shows results. Links: ``calc:claim?preset=diabetes``,
``calc:claim?plan=medicare-b&allowed=1000&service=specialist``, ``calc:claim?tab=year``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from PySide6.QtCore import QPointF, QRectF, Qt, QVariantAnimation, Slot
from PySide6.QtGui import (
    QColor,
    QFont,
    QKeyEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from healthalloc.core.claims import (
    ClaimResult,
    JourneyStep,
    YearResult,
    adjudicate_claim,
    adjudicate_year,
    claim_journey,
)
from healthalloc.core.claims_plots import draw_claim_split, draw_year, update_claim_split, update_year
from healthalloc.core.claims_presets import (
    CLAIM_INPUTS,
    INPUTS,
    PLAN_INPUTS,
    PLAN_SOURCES,
    YEAR_INPUTS,
    claim_from_inputs,
    claim_notes,
    plan_from_inputs,
    plan_values,
    year_notes,
    year_preset,
)
from healthalloc.core.explain import money
from healthalloc.core.inputs import defaults, validate_inputs
from healthalloc.core.live_chart import LiveChart
from healthalloc.core.palette import ThemeColors
from healthalloc.ui.calc_base import (
    CalculatorPage,
    ChartView,
    FrameView,
    InputForm,
    MathPanel,
)
from healthalloc.ui.calc_base import (
    scroll_area as _scrolling,
)
from healthalloc.ui.calc_base import (
    text_label as _label,
)
from healthalloc.ui.context import AppContext
from healthalloc.ui.debounce import Debouncer

TABS = {"claim": "One claim", "year": "A year of claims"}
PARTY_LABELS = {
    "patient": ("Patient", "gets care, pays a share"),
    "provider": ("Provider", "doctor, hospital"),
    "payer": ("Payer", "insurer or program"),
}
ANIMATION_MS = 650
JOURNEY_STEPS = 7
MONEY_COLUMNS = (
    "billed",
    "allowed",
    "write_off",
    "deductible_applied",
    "coinsurance",
    "copay",
    "patient_pays",
    "plan_pays",
    "balance_bill",
    "deductible_ytd",
    "patient_ytd",
    "plan_ytd",
)


class JourneyView(QWidget):
    """Patient, provider and payer as three boxes; the current hop is an arrow with its dollars, and a coin
    slides along it. Left/Right (or the Back/Next buttons) move between hops."""

    def __init__(self, theme: ThemeColors, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.step: JourneyStep | None = None
        self.progress = 1.0
        self.setMinimumHeight(190)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("The claim's journey")
        self._animation = QVariantAnimation(self)
        self._animation.setStartValue(0.0)
        self._animation.setEndValue(1.0)
        self._animation.setDuration(ANIMATION_MS)
        self._animation.valueChanged.connect(self._on_animation_value_changed)
        self.on_key: Any = None

    def show_step(self, step: JourneyStep, *, animate: bool = True) -> None:
        self.step = step
        self.setAccessibleDescription(f"{step.title}: {step.detail}")
        self._animation.stop()
        if animate and self.isVisible():
            self.progress = 0.0
            self._animation.start()
        else:
            self.progress = 1.0
        self.update()

    def sizeHint(self) -> Any:
        hint = super().sizeHint()
        hint.setHeight(max(190, self.fontMetrics().height() * 11))
        return hint

    @Slot(object)
    def _on_animation_value_changed(self, value: object) -> None:
        self.progress = float(value)  # type: ignore[arg-type]
        self.update()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        keys = {
            Qt.Key.Key_Right: "next",
            Qt.Key.Key_Left: "back",
            Qt.Key.Key_Home: "first",
            Qt.Key.Key_End: "last",
        }
        action = keys.get(Qt.Key(event.key()))
        if action and self.on_key is not None:
            self.on_key(action)
            event.accept()
            return
        super().keyPressEvent(event)

    def boxes(self) -> dict[str, QRectF]:
        """Where each party is drawn (left to right: patient, provider, payer)."""
        width, height = self.width(), self.height()
        names = max(self.fontMetrics().horizontalAdvance(name) for name, _role in PARTY_LABELS.values())
        box_w = min(max(names + 24.0, width * 0.2), 190.0, (width - 24.0 - 2 * 48.0) / 3)  # room for arrows
        box_h = max(70.0, self.fontMetrics().height() * 4.6)
        top = (height - box_h) / 2
        xs = (12.0, (width - box_w) / 2, width - box_w - 12.0)
        return {party: QRectF(x, top, box_w, box_h) for party, x in zip(PARTY_LABELS, xs, strict=True)}

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        theme = self.theme
        painter.fillRect(self.rect(), QColor(theme.base))
        boxes = self.boxes()
        step = self.step
        active = {step.origin, step.destination} if step else set()
        base_font = QFont(self.font())
        bold = QFont(base_font)
        bold.setBold(True)
        for party, rect in boxes.items():
            highlighted = party in active
            pen = QPen(QColor(theme.accent if highlighted else theme.border), 3 if highlighted else 1.5)
            painter.setPen(pen)
            painter.setBrush(QColor(theme.highlight if highlighted else theme.window))
            painter.drawRoundedRect(rect, 8, 8)
            name, role = PARTY_LABELS[party]
            painter.setPen(QColor(theme.text))
            painter.setFont(bold)
            upper = QRectF(rect.left(), rect.top() + 4, rect.width(), rect.height() / 2)
            painter.drawText(upper, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, name)
            painter.setFont(base_font)
            painter.setPen(QColor(theme.muted_text))
            lower = QRectF(rect.left() + 4, rect.center().y() + 2, rect.width() - 8, rect.height() / 2 - 4)
            painter.drawText(
                lower, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap, role
            )
        if step is not None:
            self._paint_hop(painter, boxes, step, bold)
        painter.end()

    def _paint_hop(self, painter: QPainter, boxes: dict[str, QRectF], step: JourneyStep, font: QFont) -> None:
        theme = self.theme
        accent = QColor(theme.accent)
        metrics = self.fontMetrics()
        painter.setFont(font)
        if step.origin == step.destination:  # work done at one party: a loop above its box
            rect = boxes[step.origin]
            loop = QRectF(rect.center().x() - 34, rect.top() - 40, 68, 40)
            painter.setPen(QPen(accent, 3))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawArc(loop, 30 * 16, 300 * 16 * max(0.05, self.progress))
            caption_rect = QRectF(rect.left() - 60, rect.bottom() + 6, rect.width() + 60, metrics.height() * 2.4)
            painter.setPen(QColor(theme.text))
            painter.drawText(caption_rect, Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap, step.caption)
            return
        start_box, end_box = boxes[step.origin], boxes[step.destination]
        rightwards = start_box.center().x() < end_box.center().x()
        lane = start_box.top() + start_box.height() * (0.3 if rightwards else 0.7)
        x0 = start_box.right() if rightwards else start_box.left()
        x1 = end_box.left() if rightwards else end_box.right()
        painter.setPen(QPen(accent, 3))
        painter.drawLine(QPointF(x0, lane), QPointF(x1, lane))
        head = 10.0 if rightwards else -10.0
        painter.setBrush(accent)
        painter.drawPolygon(
            QPolygonF([QPointF(x1, lane), QPointF(x1 - head, lane - 6), QPointF(x1 - head, lane + 6)])
        )
        # captions sit outside the boxes: above for rightward hops, below for leftward ones
        middle = (x0 + x1) / 2
        lines = metrics.height() * 2.4
        caption_y = start_box.top() - lines - 4 if rightwards else start_box.bottom() + 4
        caption_rect = QRectF(middle - 130, caption_y, 260, lines)
        painter.setPen(QColor(theme.text))
        align = Qt.AlignmentFlag.AlignHCenter | (
            Qt.AlignmentFlag.AlignBottom if rightwards else Qt.AlignmentFlag.AlignTop
        )
        painter.drawText(caption_rect, align | Qt.TextFlag.TextWordWrap, step.caption)
        if step.amount is not None:
            x = x0 + (x1 - x0) * (0.1 + 0.6 * self.progress)  # stops short of the arrowhead
            radius = metrics.height() * 0.75
            path = QPainterPath()
            path.addEllipse(QPointF(x, lane), radius, radius)
            painter.fillPath(path, QColor(theme.positive))
            painter.setPen(QColor(theme.base))
            coin = QRectF(x - radius, lane - radius, 2 * radius, 2 * radius)
            painter.drawText(coin, Qt.AlignmentFlag.AlignCenter, "$")


class ClaimPage(CalculatorPage):
    page_id: ClassVar[str] = "claim"
    title: ClassVar[str] = "The life of a claim"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.claim_result: ClaimResult | None = None
        self.year_result: YearResult | None = None
        self.steps: tuple[JourneyStep, ...] = ()
        self.step_index = 0
        self._plan_preset = str(defaults(PLAN_INPUTS)["plan"])
        self._stale: set[ChartView] = set()  # charts on hidden tabs, redrawn when they are shown
        # Charts keep their artists between changes: a slider drag moves them in place and repaints only them.
        self._claim_live: LiveChart[ClaimResult] = LiveChart(
            lambda figure, theme, result: draw_claim_split(figure.add_subplot(), result, theme), update_claim_split
        )
        self._year_live: LiveChart[YearResult] = LiveChart(
            lambda figure, theme, year: draw_year(figure.subplots(2, 1), year, theme), update_year
        )
        self._claim_resize_watched: Any = None
        self._year_stale = False  # the plan changed while the year tab was hidden: work it out when it is opened
        self._claim_redraw = Debouncer(150, lambda: self.claim_chart.refresh(), self)
        layout = QVBoxLayout(self)
        layout.addWidget(_label(self.title, "title"))
        layout.addWidget(
            _label(
                "Follow one bill from the visit to the last dollar, then a whole year of bills. The plan decides "
                "who pays what: the deductible first, then coinsurance or a copay, until the out-of-pocket "
                "maximum is reached.",
                "muted",
            )
        )
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self._build_inputs())
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Claim views")
        self.tabs.addTab(self._build_claim_tab(), TABS["claim"])
        self.tabs.addTab(self._build_year_tab(), TABS["year"])
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 5)
        splitter.setSizes([380, 760])
        layout.addWidget(splitter, 1)
        ctx.theme_changed.connect(self._on_ctx_theme_changed)
        self._on_tabs_current_changed(0)
        self.recompute()

    # --- building ---------------------------------------------------------------------------------------------

    def _build_inputs(self) -> QWidget:
        inner = QWidget()
        column = QVBoxLayout(inner)
        plan_box = QGroupBox("The plan")
        plan_layout = QVBoxLayout(plan_box)
        self.plan_form = InputForm(PLAN_INPUTS)
        self.plan_form.values_changed.connect(self._on_plan_form_values_changed)
        self.plan_summary = _label("", "muted")
        plan_layout.addWidget(self.plan_form)
        plan_layout.addWidget(self.plan_summary)
        column.addWidget(plan_box)
        self.claim_box = QGroupBox("This claim")
        claim_layout = QVBoxLayout(self.claim_box)
        self.claim_form = InputForm(CLAIM_INPUTS)
        self.claim_form.values_changed.connect(lambda _v: self.recompute_claim())
        claim_layout.addWidget(self.claim_form)
        column.addWidget(self.claim_box)
        self.year_box = QGroupBox("The year")
        year_layout = QVBoxLayout(self.year_box)
        self.year_form = InputForm(YEAR_INPUTS)
        self.year_form.values_changed.connect(lambda _v: self.recompute_year())
        year_layout.addWidget(self.year_form)
        column.addWidget(self.year_box)
        row = QHBoxLayout()
        row.addStretch(1)
        reset = QPushButton("Reset")
        reset.setAccessibleName("Reset the plan and the claims to their defaults")
        reset.clicked.connect(self.reset)
        row.addWidget(reset)
        column.addLayout(row)
        column.addStretch(1)
        for form in (self.plan_form, self.claim_form, self.year_form):
            for name, spec in form.specs.items():
                if spec.kind == "choice":  # long choices must not widen the panel; the list shows them in full
                    combo = form.editor(name)
                    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                    combo.setMinimumContentsLength(14)
        self.year_form.layout().setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        scroll = _scrolling(inner)
        scroll.setMinimumWidth(370)
        return scroll

    def _build_claim_tab(self) -> QWidget:
        inner = QWidget()
        column = QVBoxLayout(inner)
        column.setContentsMargins(8, 6, 8, 0)
        self.error_label = _label("", "error")
        self.error_label.hide()
        self.claim_summary = _label("", "result")
        self.claim_summary.setAccessibleName("Who pays for this claim")
        self.ledger_label = _label("", "muted")
        self.claim_note = _label("", "muted")
        self.journey = JourneyView(self.ctx.theme)
        self.journey.on_key = self.go
        self.back_button = QPushButton("‹ &Back")
        self.back_button.setAccessibleName("Previous step")
        self.back_button.clicked.connect(lambda: self.go("back"))
        self.next_button = QPushButton("&Next ›")
        self.next_button.setAccessibleName("Next step")
        self.next_button.clicked.connect(lambda: self.go("next"))
        self.step_title = _label("", "subtitle")
        self.step_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        steps_row = QHBoxLayout()
        steps_row.addWidget(self.back_button)
        steps_row.addWidget(self.step_title, 1)
        steps_row.addWidget(self.next_button)
        self.step_detail = _label()
        self.step_detail.setAccessibleName("What happens at this step")
        self.step_detail.setMinimumHeight(self.fontMetrics().height() * 3)
        # A fixed height: when an error message appears above it, the chart must not shrink and grow back (two
        # full redraws in the middle of a slider drag).
        self.claim_chart = ChartView(self.ctx, min_height=300)
        self.claim_chart.setMaximumHeight(300)
        self.claim_chart.setAccessibleName("How the billed charge splits between patient, plan and write-off")
        self.claim_chart.set_drawer(self._draw_claim)
        self.claim_math = MathPanel()
        for widget in (self.error_label, self.claim_summary, self.ledger_label, self.journey):
            column.addWidget(widget)
        column.addLayout(steps_row)
        column.addWidget(self.step_detail)
        column.addWidget(self.claim_note)
        column.addWidget(self.claim_chart)
        column.addWidget(self.claim_math)
        column.addStretch(1)
        return _scrolling(inner)

    def _build_year_tab(self) -> QWidget:
        inner = QWidget()
        column = QVBoxLayout(inner)
        column.setContentsMargins(8, 6, 8, 0)
        self.year_error = _label("", "error")
        self.year_error.hide()
        self.year_summary = _label("", "result")
        self.year_summary.setAccessibleName("The year in one line")
        self.year_detail = _label()
        self.year_notes = _label("", "muted")
        self.year_chart = ChartView(self.ctx, min_height=520)
        self.year_chart.setAccessibleName("Month by month: who paid, and the patient's running total")
        self.year_chart.set_drawer(self._draw_year)
        self.year_tables = QTabWidget()
        self.monthly_table = FrameView(name="Month by month")
        self.claims_table = FrameView(name="Every claim")
        self.year_tables.addTab(self.monthly_table, "Month by month")
        self.year_tables.addTab(self.claims_table, "Every claim")
        self.year_tables.setMinimumHeight(330)
        self.year_math = MathPanel()
        for widget in (self.year_error, self.year_summary, self.year_detail, self.year_notes, self.year_chart):
            column.addWidget(widget)
        column.addWidget(self.year_tables)
        column.addWidget(self.year_math)
        return _scrolling(inner)

    # --- computing --------------------------------------------------------------------------------------------

    @Slot(dict)
    def _on_plan_form_values_changed(self, values: dict[str, Any]) -> None:
        if values["plan"] != self._plan_preset:
            self._plan_preset = str(values["plan"])
            self.plan_form.set_values(plan_values(self._plan_preset), emit=False)
        self.recompute()

    def recompute(self) -> None:
        self.plan_form.editor("oop_max").parentWidget().setEnabled(not self.plan_form.values()["no_cap"])
        self.recompute_claim()
        if self.tabs.currentIndex() == 1:
            self.recompute_year()
        else:
            self._year_stale = True  # a year of claims is worked out when its tab is opened, not at every step

    def _plan(self) -> Any:
        try:
            plan = plan_from_inputs(self.plan_form.values())
        except ValueError as error:
            message = f"This plan is not possible: {error}."
            for label in (self.error_label, self.year_error):
                label.setText(message)
                label.show()
            self.plan_summary.setText("")
            self.announce(message)
            self.claim_chart.mark_no_result()
            self.year_chart.mark_no_result()
            return None
        self.error_label.hide()
        self.year_error.hide()
        self.plan_summary.setText(f"{plan.name}: {plan.describe()}. {PLAN_SOURCES[self._plan_preset]}")
        return plan

    def recompute_claim(self) -> None:
        plan = self._plan()
        if plan is None:
            self._refresh(self.claim_chart)
            return
        values = self.claim_form.values()
        try:
            claim = claim_from_inputs(values)
            result = adjudicate_claim(
                plan, claim, deductible_paid=values["deductible_paid"], oop_paid=values["oop_paid"]
            )
        except ValueError as error:
            self.error_label.setText(f"This claim cannot be processed: {error}.")
            self.error_label.show()
            self.announce(self.error_label.text())
            self.claim_chart.mark_no_result()
            self._refresh(self.claim_chart)
            return
        self.claim_chart.no_result = False
        self.claim_result = result
        summary = f"The patient pays {money(result.patient_pays)}; the plan pays {money(result.plan_pays)}."
        if result.balance_bill:
            summary += f" Balance bill: {money(result.balance_bill)} more."
        self.claim_summary.setText(summary)
        cap = "no cap" if plan.oop_max is None else f"of {money(plan.oop_max)}"
        self.ledger_label.setText(
            f"After this claim: {money(result.deductible_ytd)} of the {money(plan.deductible)} deductible met; "
            f"{money(result.patient_ytd)} paid toward the out-of-pocket maximum ({cap})."
        )
        self.claim_note.setText(" ".join(claim_notes(claim)))
        self.claim_note.setVisible(bool(self.claim_note.text()))
        self.steps = claim_journey(plan, result)
        self.step_index = min(self.step_index, len(self.steps) - 1)
        self._show_step(animate=False)
        self.claim_math.set_explanations([result.explanation])
        self.claim_chart.set_text_alternative(result.explanation.as_text())
        self._refresh(self.claim_chart)
        self.announce(summary)

    def recompute_year(self) -> None:
        self._year_stale = False
        plan = self._plan()
        if plan is None:
            self._refresh(self.year_chart)
            return
        self.year_chart.no_result = False
        preset = str(self.year_form.values()["preset"])
        claims = year_preset(preset)
        year = adjudicate_year(plan, claims)
        self.year_result = year
        self.year_summary.setText(f"Patient {money(year.total_patient)} · plan {money(year.total_plan)}")
        self.year_detail.setText(year.explanation.summary)
        self.year_notes.setText(" ".join(year_notes(self._plan_preset, claims)))
        monthly = year.monthly_table()  # Tables, not DataFrames: no pandas (see core.table)
        formats = {column: "money" for column in MONEY_COLUMNS}
        headers = {column: column.replace("_", " ").capitalize() for column in monthly.columns}
        headers.update(patient_ytd="Patient so far", plan_ytd="Plan so far", marker="Milestone")
        self.monthly_table.update_frame(monthly, formats, headers=headers)
        frame = year.table()
        frame_headers = {column: column.replace("_", " ").capitalize() for column in frame.columns}
        frame_headers.update(patient_ytd="Patient so far", deductible_ytd="Deductible so far")
        self.claims_table.update_frame(frame, formats, headers=frame_headers)
        self.year_chart.set_text_alternative(monthly)
        self.year_math.set_explanations([year.explanation])
        self._refresh(self.year_chart)
        self.announce(self.year_summary.text())

    # --- the journey ------------------------------------------------------------------------------------------

    def go(self, where: str) -> None:
        """Move through the journey: ``next``, ``back``, ``first`` or ``last``."""
        if not self.steps:
            return
        last = len(self.steps) - 1
        target = {
            "next": min(last, self.step_index + 1),
            "back": max(0, self.step_index - 1),
            "first": 0,
            "last": last,
        }[where]
        if target != self.step_index:
            self.step_index = target
            self._show_step(animate=True)
            self.announce(self.step_detail.text())

    def _show_step(self, *, animate: bool) -> None:
        step = self.steps[self.step_index]
        self.journey.show_step(step, animate=animate)
        self.step_title.setText(
            f"Step {self.step_index + 1} of {len(self.steps)}: {step.title.split('. ', 1)[-1]}"
        )
        self.step_detail.setText(step.detail)
        self.back_button.setEnabled(self.step_index > 0)
        self.next_button.setEnabled(self.step_index < len(self.steps) - 1)

    # --- drawing ----------------------------------------------------------------------------------------------

    def _draw_claim(self, figure: Any, theme: ThemeColors) -> bool:
        if self._claim_resize_watched is not figure.canvas:
            # the title and legend are laid out for the figure's width: lay them out again after a resize
            figure.canvas.mpl_connect("resize_event", lambda _event: self._claim_redraw.trigger())
            self._claim_resize_watched = figure.canvas
        if self.claim_chart.no_result:
            return self._claim_live.draw_notice(figure, theme)
        return self.claim_result is not None and self._claim_live.draw(figure, theme, self.claim_result)

    def _draw_year(self, figure: Any, theme: ThemeColors) -> bool:
        if self.year_chart.no_result:
            return self._year_live.draw_notice(figure, theme)
        return self.year_result is not None and self._year_live.draw(figure, theme, self.year_result)

    def _refresh(self, *charts: ChartView) -> None:
        """Redraw the charts a student can see now; the others when their tab is opened."""
        self._stale.update(charts)
        self._refresh_shown()

    def _refresh_shown(self) -> None:
        for chart in [c for c in self._stale if c.isVisible()]:
            self._stale.discard(chart)
            chart.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._refresh_shown()

    @Slot(object)
    def _on_ctx_theme_changed(self, theme: ThemeColors) -> None:
        self.journey.theme = theme
        self.journey.update()

    @Slot(int)
    def _on_tabs_current_changed(self, index: int) -> None:
        self.claim_box.setVisible(index == 0)
        self.year_box.setVisible(index == 1)
        if index == 1 and self._year_stale:
            self.recompute_year()
        self._refresh_shown()

    # --- links and scenarios ----------------------------------------------------------------------------------

    def apply_params(self, params: Mapping[str, str]) -> None:
        """``tab`` (``claim`` or ``year``), ``step`` (1–7, the hop of the journey shown), ``plan`` (a preset whose
        values come first), ``preset`` (a year) and any other input by name, e.g. ``preset=diabetes`` or
        ``plan=medicare-b&allowed=1000``."""
        params = dict(params)
        tab = params.pop("tab", "year" if "preset" in params else "")
        if tab and tab not in TABS:
            raise ValueError(f"Unknown tab {tab!r}: choose one of {', '.join(TABS)}")
        step = params.pop("step", "")
        if step and not (step.isdigit() and 1 <= int(step) <= JOURNEY_STEPS):
            raise ValueError(f"step must be a number from 1 to {JOURNEY_STEPS}, not {step!r}")
        checked = validate_inputs(INPUTS, params, partial=True)
        if "plan" in checked:
            self._plan_preset = str(checked["plan"])
            self.plan_form.set_values(plan_values(self._plan_preset), emit=False)
        self._set_form_values(checked)
        if tab:
            self.tabs.setCurrentIndex(list(TABS).index(tab))
        if step:
            self.step_index = int(step) - 1
        self.recompute()

    def _set_form_values(self, values: Mapping[str, Any]) -> None:
        for form in (self.plan_form, self.claim_form, self.year_form):
            part = {k: v for k, v in values.items() if k in form.specs}
            if part:
                form.set_values(part, emit=False)

    def scenario(self) -> dict[str, Any]:
        return {
            **self.plan_form.values(),
            **self.claim_form.values(),
            **self.year_form.values(),
            "tab": list(TABS)[self.tabs.currentIndex()],
        }

    def reset(self) -> None:
        self._plan_preset = str(defaults(PLAN_INPUTS)["plan"])
        self._set_form_values(defaults(INPUTS))
        self.step_index = 0
        self.tabs.setCurrentIndex(0)
        self.recompute()

    def current_steps(self) -> Sequence[JourneyStep]:
        return self.steps
