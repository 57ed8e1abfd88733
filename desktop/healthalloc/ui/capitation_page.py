"""The risk-adjusted capitation calculator: Member, Panel and Regions tabs.

All arithmetic lives in :mod:`healthalloc.core.capitation`; this module builds widgets from the declared inputs,
passes their values to ``compute_*`` and shows the results. Links: ``calc:capitation?tab=member&age=85&sex=F&
conditions=HCC85,HCC19`` (conditions without ``model`` are V24 labels, as in ``risk_score``), ``preset=chf-85``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from PySide6.QtCore import QSignalBlocker, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from healthalloc.core.capitation.calculator import (
    INPUTS_BY_TAB,
    MEMBER_INPUTS,
    PANEL_COUNT_INPUTS,
    PANEL_INPUTS,
    PRACTICES,
    PRESETS,
    PROFILES,
    REGION_INPUTS,
    TABS,
    MemberResult,
    PanelTabResult,
    RegionsTabResult,
    compute_member,
    compute_panel,
    compute_regions,
    count_input_name,
    member_defaults,
    switch_model,
)
from healthalloc.core.capitation.hcc import RiskScore, conditions_for, normalise_conditions, normalise_model
from healthalloc.core.capitation.plots import (
    draw_panel,
    draw_regions,
    draw_risk_score,
    update_panel,
    update_regions,
    update_risk_score,
)
from healthalloc.core.explain import money
from healthalloc.core.inputs import InputSpec, defaults, validate_inputs
from healthalloc.core.live_chart import LiveChart
from healthalloc.core.palette import ThemeColors
from healthalloc.core.table import Table
from healthalloc.ui.calc_base import (
    CalculatorPage,
    ChartView,
    FrameView,
    InputForm,
    MathPanel,
    fill_tab_holder,
    tab_holder,
)
from healthalloc.ui.calc_base import (
    text_label as _label,
)
from healthalloc.ui.context import AppContext

PANEL_FORM_INPUTS = tuple(spec for spec in PANEL_INPUTS if spec not in PANEL_COUNT_INPUTS)
MEMBER_FORM_INPUTS = tuple(spec for spec in MEMBER_INPUTS if spec.kind != "list")
MEMBER_WHO_INPUTS = tuple(spec for spec in MEMBER_FORM_INPUTS if spec.name in ("age", "sex", "model", "segment"))
MEMBER_PAY_INPUTS = tuple(spec for spec in MEMBER_FORM_INPUTS if spec not in MEMBER_WHO_INPUTS)
TAB_TITLES = {"member": "Member", "panel": "Panel", "regions": "Regions"}


def prefetch() -> None:
    """Read the CMS-HCC tables of the models the tabs open with, as building the page would (they stay cached);
    the app calls this while idle after start-up (``ui/prefetch.py``)."""
    from healthalloc.core.capitation.tables import model_tables

    for spec in (*MEMBER_INPUTS, *PANEL_INPUTS):
        if spec.name == "model":
            conditions_for(str(spec.default))
            model_tables(str(spec.default))


class ConditionChecklist(QWidget):
    """A searchable list of a model's payment HCCs with plain-language names; ticking emits ``conditions_changed``."""

    conditions_changed = Signal(tuple)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search conditions, e.g. heart, kidney, HCC85")
        self.search.setAccessibleName("Search conditions")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search_text_changed)
        self.list = QListWidget()
        self.list.setAccessibleName("Conditions (payment HCCs)")
        self.list.setMinimumHeight(180)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.list.itemChanged.connect(self._on_list_item_changed)
        self.summary = _label("", "muted")
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        layout.addWidget(self.summary)
        self.model = ""
        self._chosen: list[str] = []

    def set_model(self, model: str, chosen: Sequence[str]) -> None:
        """Fill the list with ``model``'s conditions; ``chosen`` are ticked and listed first."""
        self.model = model
        self._chosen = list(chosen)
        with QSignalBlocker(self.list):
            self.list.clear()
            catalogue = sorted(conditions_for(model), key=lambda c: (c.code not in self._chosen, c.number))
            for condition in catalogue:
                item = QListWidgetItem(f"{condition.plain_name}  ({condition.code})")
                item.setData(Qt.ItemDataRole.UserRole, condition.code)
                item.setToolTip(f"CMS label: {condition.cms_label}. Body system: {condition.family}.")
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                checked = condition.code in self._chosen
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
                self.list.addItem(item)
        self._on_search_text_changed(self.search.text())
        self._update_summary()

    def chosen(self) -> tuple[str, ...]:
        return tuple(self._chosen)

    def item_for(self, code: str) -> QListWidgetItem | None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == code:
                return item
        return None

    @Slot(str)
    def _on_search_text_changed(self, text: str) -> None:
        lookup = {c.code: c for c in conditions_for(self.model)} if self.model else {}
        for row in range(self.list.count()):
            item = self.list.item(row)
            condition = lookup.get(item.data(Qt.ItemDataRole.UserRole))
            item.setHidden(bool(text.strip()) and condition is not None and not condition.matches(text))

    @Slot(QListWidgetItem)
    def _on_list_item_changed(self, item: QListWidgetItem) -> None:
        code = item.data(Qt.ItemDataRole.UserRole)
        if item.checkState() == Qt.CheckState.Checked and code not in self._chosen:
            self._chosen.append(code)
        elif item.checkState() != Qt.CheckState.Checked and code in self._chosen:
            self._chosen.remove(code)
        self._update_summary()
        self.conditions_changed.emit(self.chosen())

    def _update_summary(self) -> None:
        count = len(self._chosen)
        self.summary.setText(f"{count} ticked: {', '.join(self._chosen)}" if count else "No conditions ticked")


class _Tab(QWidget):
    """Inputs on the left (scrolling), results on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 6, 0, 0)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        inputs = QWidget()
        self.inputs = QVBoxLayout(inputs)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(inputs)
        scroll.setMinimumWidth(390)
        self._scroll = scroll
        results = QWidget()
        self.results = QVBoxLayout(results)
        self.results.setContentsMargins(8, 0, 0, 0)
        results_scroll = QScrollArea()
        results_scroll.setWidgetResizable(True)
        results_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        results_scroll.setWidget(results)
        splitter.addWidget(scroll)
        splitter.addWidget(results_scroll)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        outer.addWidget(splitter)

    def showEvent(self, event: Any) -> None:
        # Fonts and the theme's padding are known only once shown: widen the inputs column so nothing is clipped.
        super().showEvent(event)
        content = self._scroll.widget().minimumSizeHint().width()
        bar = self._scroll.verticalScrollBar().sizeHint().width()
        self._scroll.setMinimumWidth(max(390, content + bar + 2 * self._scroll.frameWidth()))

    def add_presets(self, presets: Sequence[tuple[str, Callable[[], None]]]) -> None:
        box = QGroupBox("Presets")
        layout = QVBoxLayout(box)
        for text, slot in presets:
            button = QPushButton(text)
            button.setToolTip(text)
            button.clicked.connect(slot)
            layout.addWidget(button)
        self.inputs.addWidget(box)

    def add_reset(self, reset: Callable[[], None]) -> None:
        row = QHBoxLayout()
        row.addStretch(1)
        button = QPushButton("Reset")
        button.setAccessibleName("Reset this tab to its defaults")
        button.clicked.connect(reset)
        row.addWidget(button)
        self.inputs.addLayout(row)


class _OnItsTab:
    """An attribute that a tab's builder sets. Asked for before the tab is built, it builds the tab first
    (``CapitationPage.ensure_tab``); once set, the instance's own value is found without this."""

    def __init__(self, tab: str) -> None:
        self.tab = tab
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, page: Any, owner: type | None = None) -> Any:
        if page is None:
            return self
        page.ensure_tab(self.tab)
        return page.__dict__[self.name]


class CapitationPage(CalculatorPage):
    page_id: ClassVar[str] = "capitation"
    title: ClassVar[str] = "Risk-adjusted capitation"

    # The Panel and Regions tabs are built when first shown or asked for: the page opens with the Member tab only.
    count_boxes = _OnItsTab("panel")
    panel_form = _OnItsTab("panel")
    panel_summary = _OnItsTab("panel")
    panel_paid = _OnItsTab("panel")
    panel_bearer = _OnItsTab("panel")
    panel_error = _OnItsTab("panel")
    panel_chart = _OnItsTab("panel")
    panel_table = _OnItsTab("panel")
    panel_math = _OnItsTab("panel")
    panel_result = _OnItsTab("panel")
    regions_form = _OnItsTab("regions")
    regions_summary = _OnItsTab("regions")
    regions_detail = _OnItsTab("regions")
    regions_error = _OnItsTab("regions")
    regions_chart = _OnItsTab("regions")
    regions_table = _OnItsTab("regions")
    regions_math = _OnItsTab("regions")
    regions_result = _OnItsTab("regions")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        heading = _label(self.title, "title")
        intro = _label(
            "A capitated plan is paid a fixed amount per member per month. Risk adjustment scales it by each "
            "member's predicted cost, using Medicare's CMS-HCC model. Change any input: the results update at once.",
            "muted",
        )
        layout.addWidget(heading)
        layout.addWidget(intro)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Capitation calculator tabs")
        self._stale_charts: set[ChartView] = set()
        # Charts keep their artists between changes: a slider drag moves bars in place and redraws only them.
        self._member_live: LiveChart[tuple[RiskScore, RiskScore]] = LiveChart(
            lambda figure, theme, scores: draw_risk_score(figure.add_subplot(), scores, theme), update_risk_score
        )
        self._panel_live: LiveChart[PanelTabResult] = LiveChart(
            lambda figure, theme, result: draw_panel(figure.subplots(1, 2), result, theme), update_panel
        )
        self._regions_live: LiveChart[RegionsTabResult] = LiveChart(
            lambda figure, theme, result: draw_regions(
                figure.add_subplot(), result.by_method, theme, selected=result.allocation.method
            ),
            lambda artists, result: update_regions(artists, result.by_method, selected=result.allocation.method),
        )
        layout.addWidget(self.tabs, 1)
        self._member_model = "V24"
        self._member_notes: tuple[str, ...] = ()
        self.member_result: MemberResult | None = None
        self._build_member_tab()
        self._recompute_member()
        self._holders = {key: tab_holder() for key in ("panel", "regions")}  # the tabs not built yet
        for key, holder in self._holders.items():
            self.tabs.addTab(holder, TAB_TITLES[key])
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)

    def ensure_tab(self, key: str) -> None:
        """Build the Panel or Regions tab now if it is not built yet (it is when first shown or asked for)."""
        holder = self._holders.pop(key, None)
        if holder is None:
            return
        if key == "panel":
            self.panel_result: PanelTabResult | None = None
            fill_tab_holder(self, holder, self._build_panel_tab())
            self._recompute_panel()
        else:
            self.regions_result: RegionsTabResult | None = None
            fill_tab_holder(self, holder, self._build_regions_tab())
            self._recompute_regions()

    def built_tabs(self) -> list[str]:
        return [key for key in TABS if key not in self._holders]

    def _refresh_chart(self, view: ChartView) -> None:
        """Draw now if the chart is on the visible tab; otherwise when its tab is shown (hidden charts have no size).
        The drawers move the chart's artists and repaint only them when they can (see ``LiveChart``)."""
        if view.isVisible():
            self._stale_charts.discard(view)
            view.refresh()
        else:
            self._stale_charts.add(view)

    def _chart_failed(self, view: ChartView) -> None:
        """The inputs cannot be computed: the chart stops showing the last good result."""
        view.mark_no_result()
        self._refresh_chart(view)

    @Slot(int)
    def _on_tabs_current_changed(self, index: int) -> None:
        if 0 <= index < len(TABS):
            self.ensure_tab(TABS[index])  # before the tab is painted: it never shows empty
        for view in list(self._stale_charts):
            self._refresh_chart(view)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self._on_tabs_current_changed(self.tabs.currentIndex())

    # --- Member -----------------------------------------------------------------------------------------------

    def _build_member_tab(self) -> None:
        tab = _Tab()
        tab.add_presets(
            [(PRESETS[key][1], lambda _=False, k=key: self.apply_preset(k)) for key in ("healthy-66", "chf-85")]
        )
        self.member_form = InputForm(MEMBER_WHO_INPUTS)
        self.member_form.values_changed.connect(self._on_member_form_values_changed)
        self.payment_form = InputForm(MEMBER_PAY_INPUTS)
        self.payment_form.values_changed.connect(lambda _v: self._recompute_member())
        self.checklist = ConditionChecklist()
        self.checklist.set_model("V24", tuple(defaults(MEMBER_INPUTS)["conditions"]))  # type: ignore[arg-type]
        self.checklist.conditions_changed.connect(self._on_checklist_conditions_changed)
        tab.inputs.addWidget(self.member_form)
        tab.inputs.addWidget(_label("Conditions", "subtitle"))
        tab.inputs.addWidget(self.checklist, 1)
        tab.inputs.addWidget(_label("Payment", "subtitle"))
        tab.inputs.addWidget(self.payment_form)
        tab.add_reset(self.reset_member)
        self.score_label = _label("", "result")
        self.score_label.setAccessibleName("Risk score")
        self.compare_label = _label()
        self.switch_label = _label("", "muted")
        self.payment_label = _label()
        self.member_error = _label("", "error")
        self.member_error.hide()
        self.member_chart = ChartView(self.ctx, min_height=240)
        self.member_chart.setAccessibleName("Risk score as stacked contributions, V24 and V28")
        self.member_chart.set_drawer(self._draw_member)
        self.member_math = MathPanel(expanded=True)
        for widget in (
            self.score_label,
            self.compare_label,
            self.switch_label,
            self.payment_label,
            self.member_error,
        ):
            tab.results.addWidget(widget)
        tab.results.addWidget(self.member_chart, 2)
        tab.results.addWidget(self.member_math, 1)
        self.tabs.addTab(tab, TAB_TITLES["member"])

    def member_values(self) -> dict[str, Any]:
        return {**self.member_form.values(), **self.payment_form.values(), "conditions": self.checklist.chosen()}

    @Slot(dict)
    def _on_member_form_values_changed(self, values: dict[str, Any]) -> None:
        if values["model"] != self._member_model:
            self._switch_member_model(str(values["model"]))
            return
        self._recompute_member()

    @Slot(tuple)
    def _on_checklist_conditions_changed(self, _codes: tuple[str, ...]) -> None:
        self._member_notes = ()
        self._recompute_member()

    def _switch_member_model(self, new_model: str) -> None:
        old = {**self.member_values(), "model": self._member_model}
        updated, notes = switch_model(old, new_model)
        self._member_model = new_model
        self.payment_form.set_values({"normalization_factor": updated["normalization_factor"]}, emit=False)
        self.checklist.set_model(new_model, updated["conditions"])  # type: ignore[arg-type]
        self._member_notes = tuple(notes)
        self._recompute_member()

    def _recompute_member(self) -> None:
        try:
            result = compute_member(self.member_values())
        except ValueError as error:
            self.member_error.setText(f"Cannot score this member: {error}")
            self.member_error.show()
            self.announce(self.member_error.text())
            self._chart_failed(self.member_chart)
            return
        self.member_error.hide()
        self.member_result = result
        score, other = result.score, result.other
        self.score_label.setText(f"Risk score ({score.model}): {score.total:.3f}")
        change = other.total - score.total
        self.compare_label.setText(
            f"The same member under {other.model}: {other.total:.3f} ({change:+.3f}). ".replace("(-", "(−")
            + result.comparison.explanation.steps[0].sentence
        )
        if self._member_notes:
            self.switch_label.setText("What changed when switching model: " + " ".join(self._member_notes))
        else:
            notes = result.comparison.notes
            self.switch_label.setText(("Carried to the other model: " + " ".join(notes)) if notes else "")
        self.switch_label.setVisible(bool(self.switch_label.text()))
        payment = result.payment
        self.payment_label.setText(
            f"Monthly payment: {money(payment.monthly_payment)} ({money(payment.annual_payment)} a year) = "
            f"benchmark {money(payment.benchmark_pmpm)} × payment score {payment.payment_score:.3f}"
        )
        self.member_math.set_explanations([score.explanation, result.comparison.explanation, payment.explanation])
        rows = [
            f"{s.model}: " + "; ".join(f"{label} {value:.3f}" for label, value in s.contributions)
            for s in (
                result.comparison.v24,
                result.comparison.v28,
            )
        ]
        self.member_chart.set_text_alternative("\n".join(rows))
        self.member_chart.no_result = False
        self._refresh_chart(self.member_chart)
        self.announce(f"{self.score_label.text()}. {self.payment_label.text()}")

    def _member_scores(self) -> tuple[RiskScore, RiskScore]:
        assert self.member_result is not None
        comparison = self.member_result.comparison
        return comparison.v24, comparison.v28

    def _draw_member(self, figure: Any, theme: ThemeColors) -> bool:
        if self.member_chart.no_result:
            return self._member_live.draw_notice(figure, theme)
        return self.member_result is not None and self._member_live.draw(figure, theme, self._member_scores())

    def reset_member(self) -> None:
        self._member_model = "V24"
        self._member_notes = ()
        self.member_form.set_values(defaults(MEMBER_WHO_INPUTS), emit=False)
        self.payment_form.set_values(defaults(MEMBER_PAY_INPUTS), emit=False)
        self.checklist.set_model("V24", tuple(defaults(MEMBER_INPUTS)["conditions"]))  # type: ignore[arg-type]
        self._recompute_member()

    def set_member_inputs(self, values: Mapping[str, Any]) -> None:
        """Set the Member tab's inputs (validated first; a bad value raises ``ValueError`` and changes nothing)."""
        model = normalise_model(values.get("model", self._member_model if "conditions" not in values else "V24"))
        conditions = normalise_conditions(values.get("conditions", self.checklist.chosen()), model)
        form_values = {k: v for k, v in values.items() if k not in ("conditions", "model")}
        checked = validate_inputs(MEMBER_FORM_INPUTS, {**form_values, "model": model}, partial=True)
        if model != self._member_model and "normalization_factor" not in values:
            checked.update(member_defaults(model))
        self._member_model = model
        self._member_notes = ()
        self.member_form.set_values({k: v for k, v in checked.items() if k in self.member_form.specs}, emit=False)
        self.payment_form.set_values(
            {k: v for k, v in checked.items() if k in self.payment_form.specs}, emit=False
        )
        self.checklist.set_model(model, conditions)
        self._recompute_member()

    # --- Panel ------------------------------------------------------------------------------------------------

    def _build_panel_tab(self) -> _Tab:
        tab = _Tab()
        tab.add_presets([(PRESETS["two-practices"][1], lambda: self.apply_preset("two-practices"))])
        counts = QGroupBox("Members of each type")
        grid = QGridLayout(counts)
        self.count_boxes: dict[str, QSpinBox] = {}
        for column, practice in enumerate(PRACTICES, start=1):
            grid.addWidget(_label(PRACTICES[practice]), 0, column)
        for row, profile in enumerate(PROFILES, start=1):
            grid.addWidget(_label(profile.label), row, 0)
            for column, practice in enumerate(PRACTICES, start=1):
                spec = _spec(PANEL_COUNT_INPUTS, count_input_name(practice, profile.key))
                box = QSpinBox()
                box.setRange(int(spec.minimum), int(spec.maximum))
                box.setSingleStep(int(spec.step))
                box.setValue(int(spec.default))  # type: ignore[call-overload]
                box.setKeyboardTracking(False)
                box.setAccessibleName(spec.label)
                box.setMaximumWidth(90)
                box.setGroupSeparatorShown(True)
                box.valueChanged.connect(lambda _v: self._recompute_panel())
                self.count_boxes[spec.name] = box
                grid.addWidget(box, row, column)
        grid.setColumnStretch(0, 1)
        tab.inputs.addWidget(counts)
        self.panel_form = InputForm(PANEL_FORM_INPUTS)
        self.panel_form.values_changed.connect(lambda _v: self._recompute_panel())
        tab.inputs.addWidget(self.panel_form)
        tab.add_reset(self.reset_panel)
        tab.inputs.addStretch(1)
        self.panel_summary = _label("", "result")
        self.panel_paid = _label("", "muted")
        self.panel_bearer = _label()
        self.panel_error = _label("", "error")
        self.panel_error.hide()
        self.panel_chart = ChartView(self.ctx, min_height=300)
        self.panel_chart.setAccessibleName("Panel revenue against cost, and the group's result under risk sharing")
        self.panel_chart.set_drawer(self._draw_panel)
        self.panel_table = FrameView(name="Practice finances")
        self.panel_table.setMinimumHeight(110)
        self.panel_math = MathPanel()
        for widget in (self.panel_summary, self.panel_paid, self.panel_bearer, self.panel_error):
            tab.results.addWidget(widget)
        tab.results.addWidget(self.panel_chart, 3)
        tab.results.addWidget(self.panel_table, 1)
        tab.results.addWidget(self.panel_math)
        return tab

    def panel_values(self) -> dict[str, Any]:
        return {**self.panel_form.values(), **{name: box.value() for name, box in self.count_boxes.items()}}

    def _recompute_panel(self) -> None:
        try:
            result = compute_panel(self.panel_values())
        except ValueError as error:
            self.panel_error.setText(f"Cannot work out the panel: {error}")
            self.panel_error.show()
            self.announce(self.panel_error.text())
            self._chart_failed(self.panel_chart)
            return
        self.panel_error.hide()
        self.panel_chart.no_result = False
        self.panel_result = result
        paid = (
            "risk-adjusted pay"
            if result.risk_adjusted
            else f"flat pay (every member paid as a {result.flat_score:.3f})"
        )
        margins = " · ".join(
            f"{PRACTICES[p]}: {money(r.selected.provider_margin, 0)}" for p, r in result.practices.items()
        )
        arrangement = next(iter(result.practices.values())).selected.name.lower()
        self.panel_summary.setText(margins)
        self.panel_paid.setText(f"Each group's result for the year, with {paid} and {arrangement}.")
        self.panel_bearer.setText(
            " ".join(f"{PRACTICES[p]}: {r.risk_bearer}" for p, r in result.practices.items())
        )
        frame, formats, headers = self._panel_table(result)
        self.panel_table.update_frame(frame, formats, headers=headers)
        self.panel_math.set_explanations([r.explanation for r in result.practices.values()])
        self.panel_chart.set_text_alternative(frame)
        self._refresh_chart(self.panel_chart)
        self.announce(self.panel_summary.text())

    @staticmethod
    def _panel_table(result: PanelTabResult) -> tuple[Table, dict[str, str], dict[str, str]]:
        rows = []
        for practice, panel in result.practices.items():
            rows.append(
                {
                    "practice": PRACTICES[practice],
                    "members": panel.members,
                    "average_risk": panel.average_risk_score,
                    "capitation": panel.annual_capitation,
                    "cost": panel.actual_cost,
                    "margin": panel.margin_before_sharing,
                    "settlement": panel.selected.settlement,
                    "result": panel.selected.provider_margin,
                }
            )
        formats = {
            "members": "int",
            "average_risk": "number",
            "capitation": "money0",
            "cost": "money0",
            "margin": "money0",
            "settlement": "money0",
            "result": "money0",
        }
        headers = {
            "practice": "Practice",
            "members": "Members",
            "average_risk": "Average risk score",
            "capitation": "Capitation / year",
            "cost": "Actual cost",
            "margin": "Margin",
            "settlement": "Paid by payer (+) / back (−)",
            "result": "Group's result",
        }
        return Table.from_records(rows, list(headers)), formats, headers

    def _draw_panel(self, figure: Any, theme: ThemeColors) -> bool:
        if self.panel_chart.no_result:
            return self._panel_live.draw_notice(figure, theme)
        return self.panel_result is not None and self._panel_live.draw(figure, theme, self.panel_result)

    def reset_panel(self) -> None:
        self.set_panel_inputs(defaults(PANEL_INPUTS))

    def set_panel_inputs(self, values: Mapping[str, Any]) -> None:
        checked = validate_inputs(PANEL_INPUTS, values, partial=True)
        for name, value in checked.items():
            if name in self.count_boxes:
                with QSignalBlocker(self.count_boxes[name]):
                    self.count_boxes[name].setValue(int(value))  # type: ignore[call-overload]
        self.panel_form.set_values({k: v for k, v in checked.items() if k not in self.count_boxes}, emit=False)
        self._recompute_panel()

    # --- Regions ----------------------------------------------------------------------------------------------

    def _build_regions_tab(self) -> _Tab:
        tab = _Tab()
        self.regions_form = InputForm(REGION_INPUTS)
        self.regions_form.values_changed.connect(lambda _v: self._recompute_regions())
        tab.inputs.addWidget(self.regions_form)
        tab.inputs.addWidget(
            _label(
                "The five regions are made up for this course (content/data/regions_illustrative.csv); the method "
                "follows NHS England's weighted capitation.",
                "muted",
            )
        )
        tab.add_reset(self.reset_regions)
        tab.inputs.addStretch(1)
        self.regions_summary = _label("", "result")
        self.regions_detail = _label()
        self.regions_error = _label("", "error")
        self.regions_error.hide()
        self.regions_chart = ChartView(self.ctx, min_height=280)
        self.regions_chart.setAccessibleName("Allocation per person in each region under each method")
        self.regions_chart.set_drawer(self._draw_regions)
        self.regions_table = FrameView(name="Regional allocation")
        self.regions_table.setMinimumHeight(170)
        self.regions_math = MathPanel()
        for widget in (self.regions_summary, self.regions_detail, self.regions_error):
            tab.results.addWidget(widget)
        tab.results.addWidget(self.regions_chart, 3)
        tab.results.addWidget(self.regions_table, 2)
        tab.results.addWidget(self.regions_math)
        return tab

    def _recompute_regions(self) -> None:
        try:
            result = compute_regions(self.regions_form.values())
        except ValueError as error:
            self.regions_error.setText(f"Cannot split the budget: {error}")
            self.regions_error.show()
            self.announce(self.regions_error.text())
            self._chart_failed(self.regions_chart)
            return
        self.regions_error.hide()
        self.regions_chart.no_result = False
        self.regions_result = result
        allocation = result.allocation
        self.regions_summary.setText(f"Equity ratio: {allocation.equity_ratio:.2f}")
        self.regions_detail.setText(
            "The equity ratio is the highest region's money per unit of need divided by the lowest's "
            f"(1.00 = equal). {allocation.explanation.summary}"
        )
        columns = [
            "region",
            "population",
            "need_index",
            "share",
            "allocation",
            "per_person",
            "distance_from_target_pct",
        ]
        self.regions_table.update_frame(
            allocation.table.select(columns),
            {
                "population": "int",
                "need_index": "number",
                "share": "percent",
                "allocation": "money0",
                "per_person": "money0",
                "target": "money0",
                "distance_from_target_pct": "percent",
            },
            headers={
                "region": "Region",
                "population": "Population",
                "need_index": "Need per head (1 = average)",
                "share": "Share",
                "allocation": "Allocation",
                "per_person": "Per person",
                "target": "Target",
                "distance_from_target_pct": "From target",
            },
        )
        self.regions_math.set_explanations([allocation.explanation])
        by_method = result.by_method
        self.regions_chart.set_text_alternative(
            Table(by_method.columns, tuple(tuple(_round0(v) for v in row) for row in by_method.rows))
        )
        self._refresh_chart(self.regions_chart)
        self.announce(self.regions_summary.text())

    def _draw_regions(self, figure: Any, theme: ThemeColors) -> bool:
        if self.regions_chart.no_result:
            return self._regions_live.draw_notice(figure, theme)
        return self.regions_result is not None and self._regions_live.draw(figure, theme, self.regions_result)

    def reset_regions(self) -> None:
        self.regions_form.reset()

    # --- Links, presets, scenarios ----------------------------------------------------------------------------

    def show_tab(self, tab: str) -> None:
        if tab not in TABS:
            raise ValueError(f"Unknown tab {tab!r}: choose one of {', '.join(TABS)}")
        self.tabs.setCurrentIndex(TABS.index(tab))

    def current_tab(self) -> str:
        return TABS[self.tabs.currentIndex()]

    def apply_preset(self, key: str) -> None:
        if key not in PRESETS:
            raise ValueError(f"Unknown preset {key!r}: choose one of {', '.join(PRESETS)}")
        tab, _title, values = PRESETS[key]
        if tab == "member":
            self.reset_member()
            self.set_member_inputs(values)
        elif tab == "panel":
            self.set_panel_inputs(values)
        self.show_tab(tab)

    def apply_params(self, params: Mapping[str, str]) -> None:
        """``tab``, ``preset`` and any input of that tab (Member by default), e.g. ``age=85&conditions=HCC85``."""
        params = dict(params)
        preset = params.pop("preset", "")
        tab = params.pop("tab", "") or (PRESETS[preset][0] if preset in PRESETS else "member")
        if tab not in TABS:
            raise ValueError(f"Unknown tab {tab!r}: choose one of {', '.join(TABS)}")
        if preset:
            self.apply_preset(preset)
        if params:
            known = {spec.name for spec in INPUTS_BY_TAB[tab]}
            unknown = sorted(set(params) - known)
            if unknown:
                raise ValueError(f"the {tab} tab has no input called {', '.join(unknown)}")
            if tab == "member":
                self.set_member_inputs(params)
            elif tab == "panel":
                self.set_panel_inputs(params)
            else:
                self.regions_form.set_values(params)
        self.show_tab(tab)

    def scenario(self) -> dict[str, Any]:
        member = self.member_values()
        member["conditions"] = list(member["conditions"])
        return {
            "tab": self.current_tab(),
            "member": member,
            "panel": self.panel_values(),
            "regions": self.regions_form.values(),
        }

    def load_scenario(self, inputs: Mapping[str, Any]) -> None:
        """Restore :meth:`scenario`'s nested form, or a flat one like a link (``{"tab": "panel", "preset": ...}``)."""
        if not any(isinstance(inputs.get(name), Mapping) for name in TABS):
            flat = {
                k: ",".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v) for k, v in inputs.items()
            }
            self.apply_params(flat)
            return
        for name, specs in INPUTS_BY_TAB.items():
            section = inputs.get(name)
            if section is not None:
                validate_inputs(specs, section, partial=True)
        if "member" in inputs:
            self.set_member_inputs(inputs["member"])
        if "panel" in inputs:
            self.set_panel_inputs(inputs["panel"])
        if "regions" in inputs:
            self.regions_form.set_values(inputs["regions"])
        self.show_tab(str(inputs.get("tab", "member")))

    def reset(self) -> None:
        """Every input back to its default: a tab not built yet has its defaults already."""
        self.reset_member()
        if "panel" in self.built_tabs():
            self.reset_panel()
        if "regions" in self.built_tabs():
            self.reset_regions()
        self.show_tab("member")


def _round0(value: Any) -> Any:
    """Whole numbers for a text alternative (as ``DataFrame.round(0)``: text and empty cells stay as they are)."""
    return round(value, 0) if isinstance(value, float) else value


def _spec(specs: Sequence[InputSpec], name: str) -> InputSpec:
    return next(spec for spec in specs if spec.name == name)
