"""The provider reimbursement calculator: one year of care paid six ways, and each way on its own tab.

All arithmetic lives in :mod:`healthalloc.core.reimbursement`; this module builds forms from the declared inputs,
hands their values to the core functions and shows the results. Links:
``calc:reimbursement?tab=ffs&preset=office-visit-two-localities``, ``calc:reimbursement?tab=compare&patients=20000``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from healthalloc.core.explain import Explanation, money, percent
from healthalloc.core.inputs import defaults, validate_inputs
from healthalloc.core.live_chart import LiveChart, show_notice
from healthalloc.core.palette import ThemeColors
from healthalloc.core.reimbursement.bundle import bundle_from_inputs, reconciliation_curve
from healthalloc.core.reimbursement.capitated import capitation_from_inputs, margin_curve
from healthalloc.core.reimbursement.compare import (
    COLUMNS,
    comparison_columns,
    explain_comparison,
    scenario_from_inputs,
    sweep_columns,
)
from healthalloc.core.reimbursement.drg import drg_from_inputs, drg_notes
from healthalloc.core.reimbursement.fee_schedule import fee_comparison
from healthalloc.core.reimbursement.p4p import mips_curve, p4p_from_inputs
from healthalloc.core.reimbursement.plots import (
    draw_comparison_bars,
    draw_curve,
    draw_drg_parts,
    draw_fee_parts,
    draw_margin_curves,
    update_comparison_bars,
    update_curve,
    update_drg_parts,
    update_fee_parts,
    update_margin_curves,
)
from healthalloc.core.reimbursement.shared_savings import mssp_from_inputs, net_payment_curve, tracks_table
from healthalloc.core.reimbursement.tabs import (
    CUSTOM_TRIGGERS,
    PRESETS,
    TABS,
    Preset,
    Tab,
    displayed_numbers,
    parse_link,
    presets_for,
)
from healthalloc.core.table import Table
from healthalloc.ui.calc_base import (
    CalculatorPage,
    ChartView,
    FrameView,
    InputForm,
    MathPanel,
    fill_tab_holder,
    scroll_area,
    tab_holder,
)
from healthalloc.ui.calc_base import (
    text_label as _label,
)
from healthalloc.ui.context import AppContext
from healthalloc.ui.debounce import Debouncer

LEFT_WIDTH = 320
DESCRIBE_AFTER_MS = 200  # the math and the text for screen readers follow a dragged slider once it rests this long
COMPARE_FORMATS = {
    "provider_revenue": "money0",
    "payer_cost": "money0",
    "provider_cost": "money0",
    "provider_margin": "money0",
    "marginal_revenue": "money",
    "marginal_margin": "money",
    "provider_share_of_extra": "percent",
}
# The table shows the columns a student reads across; payer cost equals provider revenue (one payer, one provider),
# and the provider's cost is the same in every row, so both live in the headline text and the CSV of compare_models.
COMPARE_SHOWN = ("model", "provider_revenue", "provider_margin", "marginal_revenue", "risk")
TABLE_NAMES = {
    "Per case (DRG-style)": "Per case (DRG)",
    "Pay for performance (MIPS)": "Pay for performance",
    "Shared savings (MSSP)": "Shared savings",
}
COMPARE_HEADERS = {
    "model": "Payment model",
    "pays_for": "Pays for",
    "provider_revenue": "Revenue\n(= payer cost)",
    "payer_cost": "Payer cost",
    "provider_cost": "Provider cost",
    "provider_margin": "Margin",
    "marginal_revenue": "One more\nservice earns",
    "marginal_margin": "…and adds to margin",
    "provider_share_of_extra": "Provider pays for extra use",
    "risk": "Who pays for\nhigher use",
}
TRACK_SHOWN = ("track", "sharing_rate", "loss_rate", "net", "medicare_keeps")
TRACK_FORMATS = {
    "sharing_rate": "percent",
    "loss_rate": "percent",
    "shared_savings": "money0",
    "shared_losses": "money0",
    "net": "money0",
    "medicare_keeps": "money0",
}
TRACK_HEADERS = {
    "track": "Track",
    "sharing_rate": "Share of savings",
    "loss_rate": "Share of losses",
    "shared_savings": "Paid to the ACO",
    "shared_losses": "Owed by the ACO",
    "net": "Net to the ACO\n(− = owed)",
    "medicare_keeps": "Medicare's\nnet result",
}


@dataclass
class TabView:
    """One tab's widgets: the form and presets on the left, results on the right."""

    tab: Tab
    widget: QWidget
    form: InputForm
    results: QVBoxLayout
    headline: QLabel
    detail: QLabel
    notes: QLabel
    error: QLabel
    math: MathPanel
    preset_combo: QComboBox | None = None
    charts: list[ChartView] = field(default_factory=list)
    tables: list[FrameView] = field(default_factory=list)
    last_values: dict[str, Any] = field(default_factory=dict)
    live: dict[str, LiveChart[Any]] = field(default_factory=dict)  # per chart: its artists, moved in place
    data: dict[str, Any] = field(default_factory=dict)


class TabViews(Mapping[str, TabView]):
    """The page's tabs by key, each built by ``build(key)`` the first time it is asked for (shown, linked to, or
    read by a scenario). Seven tabs of forms and charts take about 60 ms to build; most visits use one or two."""

    def __init__(self, build: Callable[[str], TabView]) -> None:
        self._build = build
        self._built: dict[str, TabView] = {}

    def __getitem__(self, key: str) -> TabView:
        view = self._built.get(key)
        if view is None:
            if key not in TABS:
                raise KeyError(key)
            view = self._built[key] = self._build(key)
        return view

    def __iter__(self) -> Iterator[str]:
        return iter(TABS)

    def __len__(self) -> int:
        return len(TABS)

    def built(self) -> dict[str, TabView]:
        """The tabs built so far, without building the others."""
        return dict(self._built)


class ReimbursementPage(CalculatorPage):
    """Fee-for-service, per case, bundles, capitation, pay for performance and shared savings, side by side."""

    page_id: ClassVar[str] = "reimbursement"
    title: ClassVar[str] = "Provider reimbursement"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        header = QHBoxLayout()
        heading = _label(self.title, "title")
        header.addWidget(heading, 1)
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("Put every tab back to its default inputs")
        self.reset_button.setAccessibleName("Reset all inputs")
        self.reset_button.clicked.connect(self._on_reset_clicked)
        header.addWidget(self.reset_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(header)
        layout.addWidget(
            _label(
                "How the way a payer pays shapes what gets done: who gains, who bears the risk when patients "
                "use more care, and what each way of paying rewards.",
                "muted",
            )
        )
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setAccessibleName("Payment models")
        layout.addWidget(self.tabs, 1)
        self.views = TabViews(self._build_tab)
        self._holders: dict[str, QWidget] = {}
        self._dirty: set[str] = set(TABS)
        self._pending_charts: set[str] = set()
        # Charts are repainted once per turn of the event loop, however many values arrived in it (a fast drag).
        self._chart_timer = QTimer(self)
        self._chart_timer.setSingleShot(True)
        self._chart_timer.setInterval(0)
        self._chart_timer.timeout.connect(self._on_chart_timer_timeout)
        self._describing: dict[str, Callable[[], None]] = {}
        self._describer = Debouncer(DESCRIBE_AFTER_MS, self._on_describer_timeout, self)
        for key, tab in TABS.items():
            # Each tab's widgets are built when it is first shown or asked for (``views``): the page opens with one.
            self._holders[key] = tab_holder()
            self.tabs.addTab(self._holders[key], tab.title)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.refresh(self.current_tab())

    # --- Building ---------------------------------------------------------------------------------------------

    def _build_tab(self, key: str) -> TabView:
        builders: dict[str, Callable[[TabView], None]] = {
            "compare": self._build_compare,
            "ffs": self._build_ffs,
            "drg": self._build_drg,
            "bundle": self._build_bundle,
            "capitation": self._build_capitation,
            "p4p": self._build_p4p,
            "shared-savings": self._build_shared_savings,
        }
        view = self._make_view(TABS[key])
        builders[key](view)
        view.results.addWidget(view.math)
        view.results.addStretch(1)
        fill_tab_holder(self, self._holders[key], view.widget)
        self._show_numbers(view, view.form.values())
        view.last_values = view.form.values()
        view.form.values_changed.connect(lambda values, k=key: self._on_form_values_changed(k, values))
        return view

    def _make_view(self, tab: Tab) -> TabView:
        widget = QWidget()
        widget.setObjectName(f"tab-{tab.key}")
        row = QHBoxLayout(widget)
        row.setContentsMargins(0, 8, 0, 0)
        row.setSpacing(16)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 8, 0)
        left_layout.addWidget(_label(tab.blurb, "muted"))
        combo: QComboBox | None = None
        presets = presets_for(tab.key)
        if presets:
            combo = QComboBox()
            combo.setAccessibleName(f"{tab.title} presets")
            combo.addItem("Choose a preset…", "")
            for preset in presets:
                combo.addItem(preset.label, preset.key)
            combo.activated.connect(lambda _i, c=combo: self._on_preset_activated(c))
            left_layout.addWidget(_label("Presets", "subtitle"))
            left_layout.addWidget(combo)
        left_layout.addWidget(_label("Inputs", "subtitle"))
        form = InputForm(tab.inputs)
        form.setAccessibleName(f"{tab.title} inputs")
        for box in [*form.findChildren(QComboBox), *([combo] if combo else [])]:
            # Long catalogue names must not widen the panel: the box shrinks and the popup shows the full text.
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(12)
            box.view().setMinimumWidth(box.view().sizeHintForColumn(0) + 24)
        left_layout.addWidget(form)
        left_layout.addStretch(1)
        left_scroll = scroll_area(left, frame=False)
        left_scroll.setFixedWidth(LEFT_WIDTH)
        row.addWidget(left_scroll)

        right = QWidget()
        results = QVBoxLayout(right)
        results.setContentsMargins(0, 0, 8, 0)
        headline = _label("", "result")
        headline.setAccessibleName(f"{tab.title} result")
        detail = _label()
        notes = _label("", "muted")
        notes.setVisible(False)
        error = _label("", "error")
        error.setVisible(False)
        for item in (headline, detail, notes, error):
            results.addWidget(item)
        row.addWidget(scroll_area(right, frame=False), 1)
        return TabView(tab, widget, form, results, headline, detail, notes, error, MathPanel(), combo)

    def _add_chart(
        self,
        view: TabView,
        name: str,
        drawer: Callable[[Any, ThemeColors], object],
        height: int = 300,
        *,
        live: str = "chart",
    ) -> ChartView:
        """A chart under the tab's results, drawn by ``drawer`` into ``view.live[live]`` (see ``_draw_live``)."""
        chart = ChartView(self.ctx, min_height=height)
        chart.setObjectName(f"chart-{view.tab.key}-{name}")
        chart.setAccessibleName(name)
        chart.set_drawer(lambda figure, theme: self._draw_or_notice(chart, view.live, live, drawer, figure, theme))
        chart.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        chart.setFixedHeight(height)
        view.results.addWidget(chart)
        view.charts.append(chart)
        return chart

    def _add_table(self, view: TabView, name: str) -> FrameView:
        table = FrameView(name=name)
        table.table.setSizeAdjustPolicy(table.table.SizeAdjustPolicy.AdjustToContents)
        table.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.results.addWidget(table)
        view.tables.append(table)
        return table

    def _build_compare(self, view: TabView) -> None:
        view.detail.setText("")
        self._add_table(view, "Payment models compared")
        self._add_chart(
            view, "Revenue, cost and margin by payment model", self._draw_compare_bars, 340, live="bars"
        )
        self._add_chart(
            view, "Margin as services per patient change", self._draw_compare_curves, 360, live="curves"
        )

    def _build_ffs(self, view: TabView) -> None:
        self._add_chart(view, "Parts of the fee", self._draw_ffs, 220)

    def _build_drg(self, view: TabView) -> None:
        self._add_chart(view, "Payment for the stay and its cost", self._draw_drg, 230)

    def _build_bundle(self, view: TabView) -> None:
        self._add_chart(view, "Settlement against spending per episode", self._draw_bundle, 300)

    def _build_capitation(self, view: TabView) -> None:
        self._add_chart(view, "Margin against the cost of care", self._draw_capitation, 300)

    def _build_p4p(self, view: TabView) -> None:
        self._add_chart(view, "MIPS adjustment by final score", self._draw_p4p, 300)

    def _build_shared_savings(self, view: TabView) -> None:
        self._add_table(view, "The same year under every track")
        self._add_chart(view, "Settlement against actual spending", self._draw_shared_savings, 320)

    # --- Computing --------------------------------------------------------------------------------------------

    def refresh(self, key: str, *, charts_now: bool = True) -> None:
        """Recompute one tab from its form and show the result.

        With ``charts_now=False`` (while a slider is dragged) the text and tables update at once and the charts
        when the event loop next turns, so a burst of changes costs one repaint. A repaint moves the charts'
        artists in place and blits them (:class:`~healthalloc.core.live_chart.LiveChart`); only a new shape, size or
        theme redraws a chart whole.
        """
        view = self.views[key]
        values = view.form.values()
        try:
            getattr(self, "_compute_" + key.replace("-", "_"))(view, values)
        except ValueError as error:
            # Never leave an old answer next to inputs it does not belong to: the charts say there is none too.
            view.headline.setText("No result for these inputs")
            view.detail.setText("")
            view.error.setText(str(error))
            view.error.setVisible(True)
            for chart in view.charts:
                chart.mark_no_result()
            self._draw_charts(key)
            self._describing.pop(key, None)
            self.announce(str(error))
            return
        view.error.setVisible(False)
        for chart in view.charts:
            chart.no_result = False
        self._dirty.discard(key)
        describe = view.data.pop("describe", None) or (lambda: None)
        if charts_now or not view.data.get("drawn"):
            self._draw_charts(key)
            self._describing.pop(key, None)
            describe()
            self.announce(view.headline.text())
        else:
            self._pending_charts.add(key)
            if not self._chart_timer.isActive():
                self._chart_timer.start()
            # What is read rather than watched (the math, the charts' text for screen readers, the announcement)
            # follows once the slider rests: reading it sixty times a second helps nobody.
            self._describing[key] = describe
            self._describer.trigger()

    @Slot()
    def _on_describer_timeout(self) -> None:
        for key, describe in list(self._describing.items()):
            del self._describing[key]
            describe()
            self.announce(self.views[key].headline.text())

    def _draw_charts(self, key: str) -> None:
        view = self.views[key]
        for chart in view.charts:
            chart.refresh()
        view.data["drawn"] = True
        self._pending_charts.discard(key)

    @Slot()
    def _on_chart_timer_timeout(self) -> None:
        for key in list(self._pending_charts):
            self._draw_charts(key)

    def flush_charts(self) -> None:
        """Draw any chart waiting for the event loop, and describe what waits for the slider to rest, now (tests,
        screenshots, exports)."""
        self._chart_timer.stop()
        self._on_chart_timer_timeout()
        for chart in self.views[self.current_tab()].charts:
            chart.build_pending()
        self._describer.flush()

    def _set_notes(self, view: TabView, notes: tuple[str, ...] | list[str]) -> None:
        view.notes.setText("\n".join(notes))
        view.notes.setVisible(bool(notes))

    def _set_math(self, view: TabView, explanations: list[Explanation] | tuple[Explanation, ...]) -> None:
        view.math.set_explanations(explanations)

    def _compute_compare(self, view: TabView, values: Mapping[str, Any]) -> None:
        scenario = scenario_from_inputs(values)
        columns = comparison_columns(scenario)  # plain lists: this runs on every step of a dragged slider
        sweep = sweep_columns(scenario)
        view.data.update(frame=columns, sweep=sweep)
        models = columns["model"]
        marginal = dict(zip(models, columns["marginal_revenue"], strict=True))
        view.headline.setText(
            f"One more service earns {money(marginal['Fee-for-service'])} under fee-for-service and "
            f"{money(marginal['Capitation'])} under capitation."
        )
        margins = columns["provider_margin"]
        best = margins.index(max(margins))  # the first of equals, as DataFrame.idxmax
        view.detail.setText(
            f"The care costs the provider {money(columns['provider_cost'][0], 0)} under every model; its margin is "
            f"highest under {models[best]}: {money(margins[best], 0)}. Where the provider pays for extra use, doing "
            "less pays; where the payer does, doing more pays."
        )
        frame = Table.from_columns({name: columns[name] for name in COLUMNS})
        table = view.tables[0]
        shown = frame.select(COMPARE_SHOWN).with_column("model", [TABLE_NAMES.get(m, m) for m in models])
        table.update_frame(shown, COMPARE_FORMATS, headers=COMPARE_HEADERS)
        for row, pays_for in enumerate(columns["pays_for"]):
            item = table.table.item(row, 0)
            if item is not None and item.toolTip() != f"Pays for {pays_for}":
                item.setToolTip(f"Pays for {pays_for}")
        self._fit_table(table)
        self._set_notes(view, [])

        def describe() -> None:
            view.charts[0].set_text_alternative(
                frame.select(["model", "provider_revenue", "provider_cost", "provider_margin"])
            )
            view.charts[1].set_text_alternative(Table.from_columns(sweep))
            self._set_math(view, explain_comparison(scenario))

        view.data["describe"] = describe

    def _compute_ffs(self, view: TabView, values: Mapping[str, Any]) -> None:

        result = fee_comparison(values)
        view.data["result"] = result
        fee = result.primary
        view.headline.setText(f"Medicare allows {money(fee.allowed_amount)} for this service")
        lines = [
            f"The patient pays {money(fee.patient_share)} (20% coinsurance); Medicare pays {money(fee.medicare_share)}, "
            f"or {money(fee.medicare_after_sequestration)} after the 2% sequestration cut.",
        ]
        if result.other is not None:
            place = result.other_label.rsplit(", ", 1)[-1]
            direction = "more" if result.difference >= 0 else "less"
            lines.append(
                f"{place}: {money(result.other.allowed_amount)}, so this locality is paid "
                f"{money(abs(result.difference))} {direction}."
            )
        view.detail.setText("\n".join(lines))
        self._set_notes(view, result.notes)
        self._set_math(view, result.explanations)
        view.charts[0].set_text_alternative("\n".join(f"{e.title}: {e.summary}" for e in result.explanations))

    def _compute_drg(self, view: TabView, values: Mapping[str, Any]) -> None:

        result = drg_from_inputs(values)
        view.data["result"] = result
        view.headline.setText(f"Medicare pays {money(result.total)} for this stay")
        margin = result.hospital_margin or 0.0
        view.detail.setText(
            f"Adjusted base rate {money(result.adjusted_base)}; operating payment {money(result.operating_payment)}; "
            f"capital {money(result.capital_payment)}; outlier {money(result.outlier_payment)}. "
            + (
                f"The hospital keeps {money(margin)} on this case."
                if margin >= 0
                else f"The hospital loses {money(-margin)} on this case."
            )
        )
        self._set_notes(view, drg_notes(values))
        self._set_math(view, [result.explanation])
        view.charts[0].set_text_alternative(result.explanation.as_text())

    def _compute_bundle(self, view: TabView, values: Mapping[str, Any]) -> None:

        result = bundle_from_inputs(values)
        view.data.update(result=result, curve=reconciliation_curve(values))
        if result.reconciliation >= 0:
            view.headline.setText(f"The provider is paid {money(result.reconciliation)} at settlement")
        else:
            view.headline.setText(f"The provider repays {money(-result.reconciliation)} at settlement")
        view.detail.setText(
            f"Target price {money(result.target_price)} per episode; actual spend {money(result.actual_spend)}. "
            f"The payer's total cost is {money(result.payer_total)} for {result.episodes:,} episodes."
            + (" The cap limits the settlement." if result.capped else "")
        )
        self._set_notes(
            view, ["Bundle terms are illustrative: each program sets its own discount, share and caps."]
        )
        self._set_math(view, [result.explanation])
        view.charts[0].set_text_alternative(result.explanation.as_text())

    def _compute_capitation(self, view: TabView, values: Mapping[str, Any]) -> None:

        result = capitation_from_inputs(values)
        view.data.update(result=result, curve=margin_curve(values))
        view.headline.setText(
            f"The provider keeps {money(result.margin)}"
            if result.margin >= 0
            else f"The provider loses {money(-result.margin)}"
        )
        view.detail.setText(
            f"Revenue {money(result.total_revenue)} ({money(result.revenue.monthly_revenue)} a month) against "
            f"{money(result.total_cost)} of care. If members use more care, only the cost line moves."
        )
        self._set_notes(view, [])
        self._set_math(view, result.explanations)
        view.charts[0].set_text_alternative("\n".join(e.as_text() for e in result.explanations))

    def _compute_p4p(self, view: TabView, values: Mapping[str, Any]) -> None:

        vbp, mips = p4p_from_inputs(values)
        view.data.update(vbp=vbp, mips=mips, curve=mips_curve(mips.threshold, float(values["positive_scaling"])))
        view.headline.setText(
            f"Hospital VBP: {'+' if vbp.net_adjustment >= 0 else '−'}{money(abs(vbp.net_adjustment))}; "
            f"MIPS: {mips.adjustment_rate * 100:+.2f}%".replace("-", "−")
        )
        view.detail.setText(
            f"The hospital puts {money(vbp.withheld)} into the pool and earns back {money(vbp.earned_back)}. "
            f"The clinician's {money(mips.allowed_charges)} of allowed charges become {money(mips.adjusted_payments)}."
        )
        self._set_notes(
            view,
            [
                "Both programs change the price of each service; neither stops more services earning more.",
            ],
        )
        self._set_math(view, [vbp.explanation, mips.explanation])
        view.charts[0].set_text_alternative(mips.explanation.as_text())

    def _compute_shared_savings(self, view: TabView, values: Mapping[str, Any]) -> None:

        result = mssp_from_inputs(values)
        frame = tracks_table(values)
        view.data.update(result=result, curve=net_payment_curve(values))
        if result.net > 0:
            view.headline.setText(f"Medicare pays the ACO {money(result.net)}")
        elif result.net < 0:
            view.headline.setText(f"The ACO owes Medicare {money(-result.net)}")
        else:
            view.headline.setText("Nothing changes hands at settlement")
        view.detail.setText(
            f"Gross {'savings' if result.savings >= 0 else 'losses'} {money(abs(result.savings))} "
            f"({percent(abs(result.savings_rate), 1)} of the benchmark) against a minimum rate of "
            f"{percent(result.minimum_rate, 1)}. "
            + (
                f"Medicare keeps {money(result.medicare_net_savings)}."
                if result.medicare_net_savings >= 0
                else f"After the ACO's repayment Medicare is still {money(-result.medicare_net_savings)} over."
            )
        )
        view.tables[0].update_frame(frame.select(TRACK_SHOWN), TRACK_FORMATS, headers=TRACK_HEADERS)
        self._fit_table(view.tables[0])
        self._set_notes(
            view,
            [
                "Caps, loss limits and the minimum savings rates between 5,000 and 60,000 beneficiaries come from "
                "secondary summaries of 42 CFR 425; benchmark and spending figures are illustrative.",
            ],
        )
        self._set_math(view, [result.explanation])
        view.charts[0].set_text_alternative(frame)

    @staticmethod
    def _fit_table(table: FrameView) -> None:
        """Show every row without a vertical scroll bar. Columns fit their contents; if they do not fit the width
        (large fonts, projector theme) the table scrolls sideways rather than cutting a column off."""
        grid = table.table
        header = grid.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        grid.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        grid.setWordWrap(False)
        grid.resizeRowsToContents()
        height = header.sizeHint().height() + grid.verticalHeader().length() + 2 * grid.frameWidth() + 4
        natural = sum(max(grid.sizeHintForColumn(c), header.sectionSizeHint(c)) for c in range(grid.columnCount()))
        too_wide = natural > grid.viewport().width()
        header.setStretchLastSection(not too_wide)
        if too_wide:
            height += grid.horizontalScrollBar().sizeHint().height()
        grid.setFixedHeight(height)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        for table in self.views[self.current_tab()].tables:
            self._fit_table(table)

    # --- Drawing (core draws; the page only picks the data) ---------------------------------------------------

    @staticmethod
    def _draw_or_notice(
        chart: ChartView,
        charts: Mapping[str, LiveChart[Any]],
        live: str,
        drawer: Callable[[Any, ThemeColors], object],
        figure: Any,
        theme: ThemeColors,
    ) -> bool:
        """Inputs with no result get a chart that says so, never the last result beside inputs it does not belong
        to (in place, without a full redraw, when the chart is on screen); otherwise ``drawer`` draws."""
        if not chart.no_result:
            return drawer(figure, theme) is True
        if live in charts:
            return charts[live].draw_notice(figure, theme)
        show_notice(figure, theme)  # the tab has had no result yet (a link with inputs that do not go together)
        return False

    def _draw_live(
        self,
        key: str,
        name: str,
        data: Any,
        draw: Callable[..., Any],
        update: Callable[[Any, Any], bool],
        figure: Any,
        theme: ThemeColors,
    ) -> bool:
        """Show ``data`` on tab ``key``'s chart ``name``: ``draw(ax, data, theme)`` builds it on fresh axes,
        ``update(artists, data)`` moves its artists, which are then repainted alone while they can be
        (:class:`~healthalloc.core.live_chart.LiveChart`)."""
        view = self.views[key]
        if name not in view.live:
            view.live[name] = LiveChart(lambda fig, th, shown: draw(fig.add_subplot(), shown, th), update)
        return view.live[name].draw(figure, theme, data)

    def _draw_compare_bars(self, figure: Any, theme: ThemeColors) -> bool:
        frame = self.views["compare"].data["frame"]
        return self._draw_live(
            "compare", "bars", frame, draw_comparison_bars, update_comparison_bars, figure, theme
        )

    def _draw_compare_curves(self, figure: Any, theme: ThemeColors) -> bool:
        sweep = self.views["compare"].data["sweep"]
        return self._draw_live("compare", "curves", sweep, draw_margin_curves, update_margin_curves, figure, theme)

    def _draw_ffs(self, figure: Any, theme: ThemeColors) -> bool:
        result = self.views["ffs"].data["result"]
        return self._draw_live("ffs", "chart", result, draw_fee_parts, update_fee_parts, figure, theme)

    def _draw_drg(self, figure: Any, theme: ThemeColors) -> bool:
        result = self.views["drg"].data["result"]
        return self._draw_live("drg", "chart", result, draw_drg_parts, update_drg_parts, figure, theme)

    def _draw_rule(
        self, key: str, figure: Any, theme: ThemeColors, current: tuple[float, float], **labels: Any
    ) -> bool:
        """A tab's payment rule as a curve with the current inputs marked (bundle, capitation, P4P, MSSP)."""
        return self._draw_live(
            key,
            "chart",
            (self.views[key].data["curve"], current),
            lambda ax, data, theme: draw_curve(ax, *data[0], current=data[1], theme=theme, **labels),
            lambda artists, data: update_curve(artists, *data[0], current=data[1]),
            figure,
            theme,
        )

    def _draw_bundle(self, figure: Any, theme: ThemeColors) -> bool:
        result = self.views["bundle"].data["result"]
        return self._draw_rule(
            "bundle",
            figure,
            theme,
            (result.actual_spend, result.reconciliation),
            title="Settlement: spend less than the target, keep the difference",
            xlabel="Actual spend per episode",
            ylabel="Settlement (+ paid to provider)",
        )

    def _draw_capitation(self, figure: Any, theme: ThemeColors) -> bool:
        result = self.views["capitation"].data["result"]
        return self._draw_rule(
            "capitation",
            figure,
            theme,
            (result.cost_pmpm, result.margin),
            title="Every extra dollar of care comes out of the margin",
            xlabel="Cost of care per member per month",
            ylabel="Provider's margin",
        )

    def _draw_p4p(self, figure: Any, theme: ThemeColors) -> bool:
        mips = self.views["p4p"].data["mips"]
        return self._draw_rule(
            "p4p",
            figure,
            theme,
            (mips.final_score, mips.adjustment_rate),
            title="MIPS: penalty below the threshold, bonus above",
            xlabel="Final score (points)",
            ylabel="Payment adjustment",
            x_money=False,
            y_format="percent",
        )

    def _draw_shared_savings(self, figure: Any, theme: ThemeColors) -> bool:
        result = self.views["shared-savings"].data["result"]
        return self._draw_rule(
            "shared-savings",
            figure,
            theme,
            (result.actual_pc, result.net),
            title="Flat near the benchmark, capped at the ends",
            xlabel="Actual spending per beneficiary",
            ylabel="Settlement (+ paid to the ACO)",
        )

    # --- Events -----------------------------------------------------------------------------------------------

    @staticmethod
    def _show_numbers(view: TabView, values: Mapping[str, Any]) -> None:
        """Fill the catalogue numbers behind the current choices (RVUs, GPCIs, DRG weight) into the form."""
        shown = displayed_numbers(view.tab.key, values)
        if shown:
            view.form.set_values(shown, emit=False)

    def _on_form_values_changed(self, key: str, values: dict[str, Any]) -> None:
        view = self.views[key]
        changed = {name for name, value in values.items() if view.last_values.get(name) != value}
        triggers = CUSTOM_TRIGGERS.get(key, {})
        # A number typed by hand makes its choice "custom", unless the choice itself changed (a preset, a reset).
        customised = {triggers[name] for name in changed if name in triggers and triggers[name] not in changed}
        if customised:
            view.form.set_values({choice: "custom" for choice in customised}, emit=False)
        else:
            self._show_numbers(view, values)
        view.last_values = view.form.values()
        if key == self.current_tab():
            self.refresh(key, charts_now=False)
        else:
            self._dirty.add(key)

    @Slot(int)
    def _on_tabs_current_changed(self, _index: int) -> None:
        key = self.current_tab()
        if key in self._dirty:
            self.refresh(key)

    def _on_preset_activated(self, combo: QComboBox) -> None:
        key = combo.currentData()
        if key:
            self.apply_preset(PRESETS[key])

    @Slot()
    def _on_reset_clicked(self) -> None:
        self.reset()

    # --- Links, presets, scenarios ----------------------------------------------------------------------------

    def current_tab(self) -> str:
        return list(TABS)[self.tabs.currentIndex()]

    def show_tab(self, key: str) -> None:
        if key not in TABS:
            raise ValueError(f"unknown tab {key!r}; known: {', '.join(TABS)}")
        self.tabs.setCurrentIndex(list(TABS).index(key))
        if key in self._dirty:
            self.refresh(key)

    def _set_tab_values(self, key: str, values: Mapping[str, Any]) -> None:
        view = self.views[key]
        view.form.set_values(values, emit=False)
        self._show_numbers(view, view.form.values())
        view.last_values = view.form.values()
        self._dirty.add(key)

    def apply_preset(self, preset: Preset) -> None:
        self._set_tab_values(preset.tab, {**defaults(TABS[preset.tab].inputs), **preset.values})
        combo = self.views[preset.tab].preset_combo
        if combo is not None:
            combo.setCurrentIndex(max(0, combo.findData(preset.key)))
        self.show_tab(preset.tab)

    def apply_params(self, params: Mapping[str, str]) -> None:
        """``tab``, ``preset`` and any input of that tab, e.g. ``tab=drg&preset=hip-replacement-high-wage``."""
        request = parse_link(params)
        view = self.views[request.tab]
        values = dict(request.values)
        if "preset" in params:
            # A preset starts from the tab's defaults, so a link always shows the same numbers.
            values = {**defaults(view.tab.inputs), **values}
            if view.preset_combo is not None:
                view.preset_combo.setCurrentIndex(
                    max(0, view.preset_combo.findData(params["preset"].strip().lower()))
                )
        if values:
            self._set_tab_values(request.tab, values)
        self.show_tab(request.tab)

    def scenario(self) -> dict[str, Any]:
        return {"tab": self.current_tab(), **{key: view.form.values() for key, view in self.views.items()}}

    def load_scenario(self, inputs: Mapping[str, Any]) -> None:
        """Restore :meth:`scenario`'s ``{"tab": ..., "<tab>": {inputs}}``, or link-style ``{"tab", "preset", ...}``.

        Everything is validated before anything changes, so a bad file leaves the page as it was.
        """
        sections = {k: v for k, v in inputs.items() if k in TABS and isinstance(v, Mapping)}
        link = {k: str(v) for k, v in inputs.items() if k not in sections}
        for key, section in sections.items():
            validate_inputs(TABS[key].inputs, section, partial=True)
        if set(link) - {"tab"}:
            parse_link(link)
        elif "tab" in link and link["tab"] not in TABS:
            raise ValueError(f"unknown tab {link['tab']!r}; known: {', '.join(TABS)}")
        for key, section in sections.items():
            self._set_tab_values(key, section)
        if set(link) - {"tab"}:
            self.apply_params(link)
        else:
            self.show_tab(link.get("tab", "compare"))

    def reset(self) -> None:
        for key, view in self.views.built().items():  # a tab not built yet has its defaults
            if view.preset_combo is not None:
                view.preset_combo.setCurrentIndex(0)
            self._set_tab_values(key, defaults(view.tab.inputs))
        self.show_tab("compare")
