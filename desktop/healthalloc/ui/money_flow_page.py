"""Follow the health dollar: the nation's health spending from the payers to the kinds of care it bought.

Tabs: **Flow** (a Sankey diagram with the two classic breakdowns beside it), **Who pays for…** (one type of
service by payer) and **Tables** (every number behind the charts, with CSV export). All figures come from
:mod:`healthalloc.core.flow`; this module only lays out widgets. Links: ``page:money-flow`` or
``calc:money-flow?year=2023&measure=per_person&tab=who-pays&service=prescription-drugs``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from PySide6.QtCore import QSignalBlocker, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from healthalloc.core import flow
from healthalloc.core.blit import BlitLayer
from healthalloc.core.inputs import InputSpec, defaults, validate_inputs
from healthalloc.core.palette import ThemeColors
from healthalloc.ui.calc_base import (
    CalculatorPage,
    ChartView,
    FrameView,
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

TABS = {"flow": "Flow", "who-pays": "Who pays for…", "tables": "Tables"}
NO_BAND = "No flow highlighted."
# Pictures kept per chart, one per (year, measure) shown: going back to one is a blit, not a redraw (~2 MB each).
KEEP_PICTURES = 4


def _combo(spec: InputSpec) -> QComboBox:
    combo = QComboBox()
    for key, text in spec.choices:
        combo.addItem(text, key)
    combo.setCurrentIndex(max(0, combo.findData(spec.default)))
    combo.setAccessibleName(spec.label)
    combo.setToolTip(f"Source: {spec.source}" if spec.source else spec.label)
    return combo


class MoneyFlowPage(CalculatorPage):
    page_id: ClassVar[str] = "money-flow"
    title: ClassVar[str] = "Follow the health dollar"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._specs = {spec.name: spec for spec in flow.FLOW_INPUTS}
        self._artists: Any = None  # the flow diagram's SankeyArtists
        self._dollar: Any = None  # the health-dollar chart's DollarArtists
        self._layers: dict[str, BlitLayer] = {}  # per chart: saved pictures; the flow's bands move over them
        self._band_year: int | None = None  # the year whose bands fill the "Highlight a flow" box
        self._views: dict[tuple[int, str], dict[str, Any]] = {}  # see _view
        self._who_stale = False  # the "Who pays for…" tab waits to be opened before it is refilled
        self._mouse_connected = False
        self._selected: int | None = None
        self._stale: set[ChartView] = set()  # charts on hidden tabs, redrawn when they are shown
        layout = QVBoxLayout(self)
        layout.addWidget(_label(self.title, "title"))
        self.intro = _label("", "muted")
        layout.addWidget(self.intro)
        try:
            flow.matrix_records()  # the data, read and checked once (no pandas: see core.table)
        except (flow.NHEDataError, OSError) as error:  # a broken data file: say which, do not crash the app
            problems = getattr(error, "problems", [str(error)])
            self.intro.setText("The spending data could not be loaded:\n" + "\n".join(problems))
            self.intro.setProperty("role", "error")
            self.tabs = QTabWidget()
            self.data_error = problems
            layout.addStretch(1)
            return
        self.data_error: list[str] = []
        controls = QHBoxLayout()
        self.year_combo = _combo(self._specs["year"])
        self.measure_combo = _combo(self._specs["measure"])
        for spec, combo in ((self._specs["year"], self.year_combo), (self._specs["measure"], self.measure_combo)):
            caption = QLabel(f"{spec.label}:")
            caption.setBuddy(combo)
            controls.addWidget(caption)
            controls.addWidget(combo)
            combo.currentIndexChanged.connect(self._on_view_changed)
        controls.addStretch(1)
        layout.addLayout(controls)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Money-flow views")
        self.tabs.currentChanged.connect(lambda _index: self._refresh_shown())
        layout.addWidget(self.tabs, 1)
        self._build_flow_tab()
        self._build_who_pays_tab()
        self._build_tables_tab()
        self._resize_redraw = Debouncer(150, self._on_flow_resized, self)
        self._update()

    # --- building ---------------------------------------------------------------------------------------------

    def _build_flow_tab(self) -> None:
        inner = QWidget()
        column = QVBoxLayout(inner)
        column.setContentsMargins(0, 6, 4, 0)
        self.flow_chart = ChartView(self.ctx, min_height=500)
        self.flow_chart.setAccessibleName("Flow diagram: payers on the left, types of service on the right")
        self.flow_chart.set_drawer(self._draw_flow)
        column.addWidget(self.flow_chart)
        picker = QHBoxLayout()
        caption = QLabel("Highlight a flow:")
        self.band_combo = QComboBox()
        self.band_combo.setAccessibleName("Highlight a flow")
        self.band_combo.setMinimumContentsLength(30)
        caption.setBuddy(self.band_combo)
        self.band_combo.currentIndexChanged.connect(self._on_band_combo_changed)
        picker.addWidget(caption)
        picker.addWidget(self.band_combo, 1)
        column.addLayout(picker)
        self.band_label = _label(NO_BAND, "subtitle")
        self.band_label.setAccessibleName("Selected flow")
        column.addWidget(self.band_label)
        self.hint = _label(
            "Point at a band to see its amount; click a band to keep it highlighted, or click a type of care on "
            "the right to see who pays for it. The Tables tab lists every number.",
            "muted",
        )
        column.addWidget(self.hint)
        self.dollar_chart = ChartView(self.ctx, min_height=470)
        self.dollar_chart.setAccessibleName("Where the health dollar came from and where it went")
        self.dollar_chart.set_drawer(self._draw_dollar)
        column.addWidget(self.dollar_chart)
        self.sponsor_label = _label(flow.SPONSOR_NOTE, "muted")
        column.addWidget(self.sponsor_label)
        self.tabs.addTab(_scrolling(inner), TABS["flow"])

    def _build_who_pays_tab(self) -> None:
        tab = QWidget()
        column = QVBoxLayout(tab)
        column.setContentsMargins(0, 6, 0, 0)
        row = QHBoxLayout()
        spec = self._specs["service"]
        self.service_combo = _combo(spec)
        caption = QLabel(f"{spec.label}:")
        caption.setBuddy(self.service_combo)
        self.service_combo.currentIndexChanged.connect(self._on_view_changed)
        row.addWidget(caption)
        row.addWidget(self.service_combo)
        row.addStretch(1)
        column.addLayout(row)
        self.service_summary = _label("", "subtitle")
        self.service_note = _label("", "muted")
        column.addWidget(self.service_summary)
        column.addWidget(self.service_note)
        self.who_chart = ChartView(self.ctx, min_height=300)
        self.who_chart.setAccessibleName("Who pays for the chosen type of service")
        self.who_chart.set_drawer(self._draw_who_pays)
        column.addWidget(self.who_chart, 3)
        self.who_table = FrameView(name="Who pays")
        self.who_table.setMinimumHeight(150)
        column.addWidget(self.who_table, 2)
        self.tabs.addTab(tab, TABS["who-pays"])

    def _build_tables_tab(self) -> None:
        inner = QWidget()
        column = QVBoxLayout(inner)
        column.addWidget(_label("Where it came from and where it went, largest first", "subtitle"))
        self.breakdown_table = FrameView(name="Health dollar")
        self.breakdown_table.setMinimumHeight(300)
        column.addWidget(self.breakdown_table)
        column.addWidget(_label("Every flow from a payer to a type of service, largest first", "subtitle"))
        self.flow_table = FrameView(name="Health spending flows")
        self.flow_table.setMinimumHeight(320)
        column.addWidget(self.flow_table)
        self.math = MathPanel(expanded=True)
        column.addWidget(self.math)
        self.tabs.addTab(_scrolling(inner), TABS["tables"])

    # --- state ------------------------------------------------------------------------------------------------

    def year(self) -> int:
        return int(self.year_combo.currentData())

    def measure(self) -> str:
        return str(self.measure_combo.currentData())

    def service(self) -> str:
        return flow.SERVICE_SLUGS[str(self.service_combo.currentData())]

    @Slot()
    def _on_view_changed(self) -> None:
        self._update()

    def _update(self) -> None:
        year, measure = self.year(), self.measure()
        self.intro.setText(
            flow.headline(year) + " Follow it from the payers who paid the bills (left) to the kinds of care it "
            "bought (right)."
        )
        totals = flow.nhe_totals(year)
        self.intro.setToolTip(totals.gdp_note)
        if measure == "share_gdp" and totals.gdp_is_estimate:
            self.intro.setText(f"{self.intro.text()} {totals.gdp_note}")
        self._fill_band_combo()
        view = self._view(year, measure)
        self.flow_table.update_frame(*view["flows"])
        self.flow_chart.set_text_alternative(view["flows"][0])
        self.breakdown_table.update_frame(*view["breakdown"])
        self.dollar_chart.set_text_alternative(view["dollar_text"])
        self.math.set_explanations([view["explanation"]])
        self._who_stale = True  # filled now if its tab is open, otherwise when it is opened
        self._refresh(self.flow_chart, self.dollar_chart)
        self.announce(self.intro.text())

    def _view(self, year: int, measure: str) -> dict[str, Any]:
        """The tables and texts of one year and measure, built once: the combo boxes go back and forth between a
        few of them, and they never change while the app runs."""
        key = (year, measure)
        if key not in self._views:
            tables = flow.display_tables(year, measure)
            self._views[key] = {
                **tables,
                "dollar_text": flow.health_dollar_text(year, measure),
                "explanation": flow.explain_health_dollar(year, measure),
            }
        return self._views[key]

    def _update_who_pays(self) -> None:
        year, service = self.year(), self.service()
        self.service_summary.setText(flow.describe_service(year, service))
        self.service_note.setText(flow.SERVICE_NOTES.get(service, ""))
        table, formats = flow.who_pays_table(year, service, self.measure())
        self.who_table.update_frame(table, formats)
        self.who_chart.set_text_alternative(table)
        self._refresh(self.who_chart)

    def _refresh(self, *charts: ChartView) -> None:
        """Redraw the charts a student can see now; the others when their tab is opened."""
        self._stale.update(charts)
        self._refresh_shown()

    def _refresh_shown(self) -> None:
        if self._who_stale and self.tabs.currentIndex() == list(TABS).index("who-pays"):
            self._who_stale = False
            self._update_who_pays()
        for chart in [c for c in self._stale if c.isVisible()]:
            self._stale.discard(chart)
            chart.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._refresh_shown()

    def _fill_band_combo(self) -> None:
        """List the year's bands (once per year) and clear the highlight; the diagram is redrawn by the caller."""
        with QSignalBlocker(self.band_combo):
            if self._band_year != self.year():
                self._band_year = self.year()
                model = flow.flow_model(self.year())
                self.band_combo.clear()
                self.band_combo.addItem("(none)", -1)
                order = sorted(range(len(model.bands)), key=lambda i: -model.bands[i].amount_millions)
                for index in order:
                    band = model.bands[index]
                    self.band_combo.addItem(f"{band.source} → {band.target}", index)
            self.band_combo.setCurrentIndex(0)
        self._selected = None
        self.band_label.setText(NO_BAND)

    # --- drawing ----------------------------------------------------------------------------------------------

    def _draw_flow(self, figure: Any, theme: ThemeColors) -> bool:
        from healthalloc.core.flow_plots import draw_health_flow, update_health_flow

        year, measure = self.year(), self.measure()
        artists = self._artists
        if (
            artists is not None
            and artists.ax in figure.axes
            and update_health_flow(artists, year, measure=measure, selected=self._selected)
        ):
            return self._show("flow", (year, measure))
        if not figure.axes:
            figure.add_subplot()
        if not self._mouse_connected:  # once per canvas: figure.clear() (a theme change) keeps these
            canvas = figure.canvas
            canvas.mpl_connect("motion_notify_event", self._on_flow_mouse_moved)
            canvas.mpl_connect("button_press_event", self._on_flow_clicked)
            canvas.mpl_connect("resize_event", lambda _event: self._resize_redraw.trigger())
            self._mouse_connected = True
        self._artists = draw_health_flow(figure.axes[0], year, theme, measure=measure, selected=self._selected)
        # The bands are what a pointer highlights: they are repainted over the rest of the diagram.
        self._new_layer("flow", BlitLayer(figure, list(self._artists.band_patches.values()), keep=KEEP_PICTURES))
        self._layers["flow"].state = (year, measure)
        return False

    def _draw_dollar(self, figure: Any, theme: ThemeColors) -> bool:
        from healthalloc.core.flow_plots import draw_health_dollar, update_health_dollar

        year, measure = self.year(), self.measure()
        drawn = self._dollar
        if drawn is not None and drawn.ax in figure.axes and update_health_dollar(drawn, year, measure=measure):
            return self._show("dollar", (year, measure))
        ax = figure.axes[0] if figure.axes else figure.add_subplot()
        self._dollar = draw_health_dollar(ax, year, theme, measure=measure)
        self._new_layer("dollar", BlitLayer(figure, [], keep=KEEP_PICTURES))
        self._layers["dollar"].state = (year, measure)
        return False

    def _on_flow_resized(self) -> None:
        """Spread the labels again for the new height. The full draw the resize caused placed them for the old
        one, and saved that picture: drop it, or the next update would show it again."""
        layer = self._layers.get("flow")
        if layer is not None:
            layer.forget()
        self.flow_chart.refresh()

    def _new_layer(self, name: str, layer: BlitLayer) -> None:
        old = self._layers.pop(name, None)
        if old is not None:
            old.disconnect()
        self._layers[name] = layer

    def _show(self, name: str, state: tuple[int, str]) -> bool:
        """Put the updated chart on screen: from a saved picture of this year and measure if there is one (``True``),
        or by a full redraw that ``ChartView`` queues (``False``), which saves the picture for next time."""
        layer = self._layers[name]
        layer.state = state
        return layer.update()

    def _draw_who_pays(self, figure: Any, theme: ThemeColors) -> None:
        from healthalloc.core.flow_plots import draw_who_pays

        ax = figure.axes[0] if figure.axes else figure.add_subplot()
        year, service = self.year(), self.service()
        draw_who_pays(ax, flow.who_pays(year, service), theme, service=service, year=year, measure=self.measure())

    # --- interaction ------------------------------------------------------------------------------------------

    def band_text(self, index: int) -> str:
        return flow.describe_band(self.year(), index, self.measure())

    def _select_band(self, index: int | None, *, hover: bool = False) -> None:
        from healthalloc.core.flow_plots import highlight_band

        if not hover:
            self._selected = index
            with QSignalBlocker(self.band_combo):
                self.band_combo.setCurrentIndex(max(0, self.band_combo.findData(-1 if index is None else index)))
        shown = index if index is not None else self._selected
        self.band_label.setText(self.band_text(shown) if shown is not None else NO_BAND)
        if self._artists is not None and self._artists.selected != shown:
            highlight_band(self._artists, shown)
            layer = self._layers.get("flow")
            if layer is None or not layer.update():  # repaint just the bands over the saved diagram
                self.flow_chart.canvas.draw_idle()
        if not hover and shown is not None:
            self.announce(self.band_label.text())

    @Slot(int)
    def _on_band_combo_changed(self, _row: int) -> None:
        data = self.band_combo.currentData()
        self._select_band(None if data is None or data < 0 else int(data))

    def _hit(self, event: Any) -> tuple[Any, Any]:
        from healthalloc.core.flow_plots import band_at, node_at

        if self._artists is None or event.inaxes is None or event.xdata is None:
            return None, None
        layout = self._artists.layout
        return band_at(layout, event.xdata, event.ydata), node_at(layout, event.xdata, event.ydata)

    def _on_flow_mouse_moved(self, event: Any) -> None:
        band, _node = self._hit(event)
        index = band.index if band is not None else None
        if index != getattr(self, "_hovered", None):
            self._hovered = index
            self._select_band(index, hover=True)

    def _on_flow_clicked(self, event: Any) -> None:
        band, node = self._hit(event)
        if node is not None and node.column == 1:
            self.show_service(node.name)
            return
        self._select_band(band.index if band is not None else None)

    def show_service(self, service: str) -> None:
        """Open the "Who pays for…" tab on ``service`` (a name from :data:`flow.SERVICES`)."""
        with QSignalBlocker(self.service_combo):
            self.service_combo.setCurrentIndex(self.service_combo.findData(flow.service_slug(service)))
        self._update_who_pays()
        self.tabs.setCurrentIndex(list(TABS).index("who-pays"))

    # --- links and scenarios ----------------------------------------------------------------------------------

    def apply_params(self, params: Mapping[str, str]) -> None:
        """``year``, ``measure``, ``service`` (a slug such as ``prescription-drugs``) and ``tab``
        (``flow``, ``who-pays`` or ``tables``)."""
        if self.data_error:
            raise ValueError("the spending data could not be loaded: " + "; ".join(self.data_error))
        params = dict(params)
        tab = params.pop("tab", "who-pays" if "service" in params else "")
        if tab and tab not in TABS:
            raise ValueError(f"Unknown tab {tab!r}: choose one of {', '.join(TABS)}")
        checked = validate_inputs(flow.FLOW_INPUTS, params, partial=True)
        combos = {"year": self.year_combo, "measure": self.measure_combo, "service": self.service_combo}
        blockers = [QSignalBlocker(combo) for combo in combos.values()]
        for name, value in checked.items():
            combos[name].setCurrentIndex(combos[name].findData(value))
        del blockers
        self._update()
        if tab:
            self.tabs.setCurrentIndex(list(TABS).index(tab))

    def scenario(self) -> dict[str, Any]:
        if self.data_error:
            return {}
        return {
            "year": str(self.year()),
            "measure": self.measure(),
            "service": flow.service_slug(self.service()),
            "tab": list(TABS)[self.tabs.currentIndex()],
        }

    def reset(self) -> None:
        if self.data_error:
            return
        self.apply_params({**{k: str(v) for k, v in defaults(flow.FLOW_INPUTS).items()}, "tab": "flow"})
