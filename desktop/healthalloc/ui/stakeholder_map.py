"""The stakeholder map page: actors as boxes, arrows for money, services and regulation, a card on the right.

The map is data (``content/stakeholders.toml``, read by :mod:`healthalloc.core.stakeholders`); the boxes and
arrows are drawn by :mod:`healthalloc.ui.stakeholder_items`. Boxes and arrows take keyboard focus: Tab and
Shift+Tab move through them, Enter or Space opens the card, Escape goes back to the introduction.
"""

from __future__ import annotations

import contextlib
import html
from itertools import pairwise
from typing import ClassVar

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QUrl, Slot
from PySide6.QtGui import QAccessible, QAccessibleEvent, QBrush, QColor, QIcon, QPainter, QPixmap, QPolygonF
from PySide6.QtWidgets import (
    QCheckBox,
    QGraphicsItem,
    QGraphicsScene,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from healthalloc.core.content import ContentError
from healthalloc.core.palette import ThemeColors
from healthalloc.core.stakeholders import (
    FLOW_EXAMPLES,
    FLOW_KINDS,
    FLOW_LABELS,
    Edge,
    EdgeRoute,
    Figure,
    FlowKind,
    Node,
    StakeholderMap,
    flow_colour,
    load_stakeholder_map,
    route_edges,
)
from healthalloc.ui.context import AppContext
from healthalloc.ui.stakeholder_items import (
    HEAD_LENGTH,
    KIND_WORDS,
    NODE_HEIGHT,
    NODE_WIDTH,
    SCENE_HEIGHT,
    SCENE_WIDTH,
    EdgeItem,
    EdgeLabelItem,
    MapView,
    NodeItem,
    flow_pen,
)

SELECT_PREFIX = "page:stakeholder-map?select="


class StakeholderMapPage(QWidget):
    """Who allocates US health-care resources, as an interactive diagram with a details card."""

    page_id: ClassVar[str] = "stakeholder-map"
    title: ClassVar[str] = "Stakeholder map"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.theme: ThemeColors = ctx.theme
        self.selected_id = ""
        self.show_labels = False
        self.related_edges: set[str] = set()
        self.node_items: dict[str, NodeItem] = {}
        self.edge_items: dict[str, EdgeItem] = {}
        self.label_items: dict[str, EdgeLabelItem] = {}
        self.kind_toggles: dict[FlowKind, QCheckBox] = {}
        self.error: ContentError | None = None
        self.setObjectName(f"page-{self.page_id}")
        self.setAccessibleName(self.title)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        heading = QLabel(self.title)
        heading.setProperty("role", "title")
        layout.addWidget(heading)
        hint = QLabel(
            "Who decides, who pays and who sets the rules. Click a box or an arrow (or Tab to it and press Enter) "
            "to see what that actor decides and funds; Escape goes back to the introduction."
        )
        hint.setWordWrap(True)
        hint.setProperty("role", "muted")
        layout.addWidget(hint)

        self.card = QTextBrowser()
        self.card.setOpenLinks(False)
        self.card.setOpenExternalLinks(False)
        self.card.setAccessibleName("Details")
        self.card.setMinimumWidth(260)
        self.card.anchorClicked.connect(self._on_card_anchor_clicked)

        try:
            self.smap: StakeholderMap | None = load_stakeholder_map()
        except ContentError as error:
            self.smap = None
            self.error = error
        if self.smap is None:
            self._build_error(layout)
        else:
            self._build_map(layout, self.smap)
        ctx.theme_changed.connect(self._on_ctx_theme_changed)
        self._apply_theme()
        self._update_emphasis()
        self._render_card()

    # ------------------------------------------------------------------ building
    def _build_error(self, layout: QVBoxLayout) -> None:
        problem = QLabel(
            "The stakeholder map could not be drawn because its file has a mistake. Fix the line named below in a "
            "text editor and restart the app; the rest of the course works as usual."
        )
        problem.setWordWrap(True)
        problem.setProperty("role", "error")
        layout.addWidget(problem)
        layout.addWidget(self.card, 1)

    def _build_map(self, layout: QVBoxLayout, smap: StakeholderMap) -> None:
        legend = QHBoxLayout()
        legend.setSpacing(18)
        shown = QLabel("Arrows shown:")
        legend.addWidget(shown)
        for kind in FLOW_KINDS:
            toggle = QCheckBox(KIND_WORDS[kind])
            toggle.setChecked(True)
            toggle.setIconSize(QSize(44, 14))
            toggle.setAccessibleName(f"Show {KIND_WORDS[kind].lower()} arrows")
            toggle.setToolTip(f"{FLOW_LABELS[kind]}: show or hide these arrows")
            toggle.toggled.connect(lambda checked, k=kind: self.set_kind_visible(k, checked))
            legend.addWidget(toggle)
            self.kind_toggles[kind] = toggle
        legend.addStretch(1)
        self.labels_toggle = QCheckBox("Label every arrow")
        self.labels_toggle.setChecked(False)
        self.labels_toggle.setAccessibleName("Label every arrow")
        self.labels_toggle.setToolTip("Otherwise only the arrows of the selected box or arrow are labelled")
        self.labels_toggle.toggled.connect(self._on_labels_toggle_toggled)
        legend.addWidget(self.labels_toggle)
        layout.addLayout(legend)

        self.scene = QGraphicsScene(self)
        self.scene.setSceneRect(QRectF(0, 0, SCENE_WIDTH, SCENE_HEIGHT))
        routes = self._routes(SCENE_WIDTH)
        for edge in smap.edges:
            item = EdgeItem(edge, routes[edge.id], self)
            label = EdgeLabelItem(item)
            self.scene.addItem(item)
            self.scene.addItem(label)
            self.edge_items[edge.id] = item
            self.label_items[edge.id] = label
        for node in smap.nodes:
            node_item = NodeItem(node, self)
            self.scene.addItem(node_item)
            self.node_items[node.id] = node_item
        self.view = MapView(self.scene, self)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.view)
        splitter.addWidget(self.card)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([640, 380])
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)
        # reading order: the legend's check boxes, then the map, then the card (whose links Tab also reaches)
        chain: list[QWidget] = [*self.kind_toggles.values(), self.labels_toggle, self.view, self.card]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _routes(self, scene_width: float) -> dict[str, EdgeRoute]:
        assert self.smap is not None
        return route_edges(
            self.smap,
            width=scene_width,
            height=SCENE_HEIGHT,
            node_width=NODE_WIDTH,
            node_height=NODE_HEIGHT,
            head_length=HEAD_LENGTH,
        )

    def set_scene_width(self, width: float) -> None:
        """Re-lay the map out on a scene ``width`` wide (the view calls this when its shape changes)."""
        if abs(width - self.scene.sceneRect().width()) < 4:
            return
        self.scene.setSceneRect(QRectF(0, 0, width, SCENE_HEIGHT))
        for node_item in self.node_items.values():
            node_item.place(width)
        for edge_id, route in self._routes(width).items():
            self.edge_items[edge_id].set_route(route)
        self.update_labels()

    # ------------------------------------------------------------------ public API
    def select(self, node_or_edge_id: str) -> None:
        """Show the card of a box or an arrow (``KeyError`` if the map has no such id)."""
        if self.smap is None:
            raise KeyError(node_or_edge_id)
        if node_or_edge_id in self.edge_items:
            kind = self.edge_items[node_or_edge_id].edge.kind
            if not self.kind_toggles[kind].isChecked():
                self.kind_toggles[kind].setChecked(True)
        elif node_or_edge_id not in self.node_items:
            raise KeyError(node_or_edge_id)
        self.selected_id = node_or_edge_id
        self._update_emphasis()
        self._render_card()

    def clear_selection(self) -> None:
        self.selected_id = ""
        self._update_emphasis()
        self._render_card()

    def card_text(self) -> str:
        """The card as plain text (what a screen reader reads)."""
        return self.card.toPlainText()

    def apply_params(self, params: dict[str, str]) -> None:
        """``page:stakeholder-map?select=cms`` opens the map with that card showing."""
        unknown = sorted(set(params) - {"select"})
        if unknown:
            raise ValueError(f"unknown setting(s) {', '.join(unknown)}; the map understands only select=ID")
        if "select" in params:
            try:
                self.select(params["select"])
            except KeyError:
                raise ValueError(f"the map has no actor or flow called {params['select']!r}") from None

    def set_kind_visible(self, kind: FlowKind, visible: bool) -> None:
        """Show or hide every arrow of one kind (the legend's check boxes call this)."""
        toggle = self.kind_toggles[kind]
        if toggle.isChecked() != visible:
            toggle.setChecked(visible)  # comes back here through ``toggled``
            return
        for item in self.edge_items.values():
            if item.edge.kind == kind:
                if not visible and item.hasFocus():
                    self.view.setFocus(Qt.FocusReason.OtherFocusReason)
                item.setVisible(visible)
        self.update_labels()

    def focus_order(self) -> list[QGraphicsItem]:
        """Boxes in file order, then the visible arrows in file order: the Tab order."""
        items: list[QGraphicsItem] = list(self.node_items.values())
        items += [item for item in self.edge_items.values() if item.isVisible()]
        return items

    def focus_item(self, index: int) -> None:
        order = self.focus_order()
        if order:
            order[index].setFocus(Qt.FocusReason.TabFocusReason)

    def move_focus(self, *, forward: bool) -> bool:
        """Focus the next (previous) box or arrow; False at either end, so Tab can leave the map."""
        order = self.focus_order()
        current = self.scene.focusItem()
        if current not in order:
            if not order:
                return False
            order[0 if forward else -1].setFocus(Qt.FocusReason.TabFocusReason)
            return True
        index = order.index(current) + (1 if forward else -1)
        if not 0 <= index < len(order):
            return False
        order[index].setFocus(Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason)
        return True

    def announce_focus(self, name: str, description: str) -> None:
        """Tell assistive technology which box or arrow has the keyboard focus."""
        self.view.setAccessibleDescription(f"{name}: {description}. Press Enter for details.")
        with contextlib.suppress(RuntimeError):
            QAccessible.updateAccessibility(QAccessibleEvent(self.view, QAccessible.Event.DescriptionChanged))

    def edge_title(self, edge: Edge) -> str:
        """``Capitation: CMS → Private insurers``."""
        assert self.smap is not None
        source, target = self.smap.node(edge.source).label, self.smap.node(edge.target).label
        return f"{edge.label}: {source} → {target}"

    # ------------------------------------------------------------------ the card
    def _render_card(self) -> None:
        theme = self.theme
        self.card.document().setDefaultStyleSheet(
            f"a {{ color: {theme.link}; }} .muted {{ color: {theme.muted_text}; }} "
            f".source {{ color: {theme.muted_text}; }} h2 {{ margin-bottom: 2px; }} h3 {{ margin-top: 14px; }}"
        )
        if self.smap is None:
            self.card.setHtml(f"<p><code>{html.escape(str(self.error))}</code></p>")
            return
        if self.selected_id in self.node_items:
            body = self._node_html(self.smap.node(self.selected_id))
        elif self.selected_id in self.edge_items:
            body = self._edge_html(self.smap.edge(self.selected_id))
        else:
            body = self._intro_html(self.smap)
        self.card.setHtml(body)

    def _intro_html(self, smap: StakeholderMap) -> str:
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in smap.intro.split("\n\n"))
        kinds = "".join(
            f"<li><b>{KIND_WORDS[kind]}</b>, drawn {style}: {html.escape(FLOW_EXAMPLES[kind])}"
            for kind, style in zip(FLOW_KINDS, ("as solid lines", "dashed", "dotted"), strict=True)
        )
        actors = ", ".join(
            f'<a href="{SELECT_PREFIX}{node.id}">{html.escape(node.label)}</a>' for node in smap.nodes
        )
        return (
            "<h2>Who allocates US health care?</h2>"
            f"{paragraphs}<h3>Reading the arrows</h3><ul>{kinds}</ul>"
            f"<h3>The actors</h3><p>{actors}.</p>"
        )

    def _figures_html(self, figures: tuple[Figure, ...]) -> str:
        if not figures:
            return ""
        items = "".join(
            f"<li>{html.escape(f.text)}<br><span class='source'>Source: {html.escape(f.source)}</span></li>"
            for f in figures
        )
        return f"<h3>How much</h3><ul>{items}</ul>"

    def _flow_link(self, edge: Edge, other: Node, arrow: str) -> str:
        return (
            f'<li><a href="{SELECT_PREFIX}{edge.id}">{html.escape(edge.label)}</a> {arrow} '
            f"{html.escape(other.label)} <span class='muted'>({KIND_WORDS[edge.kind].lower()})</span></li>"
        )

    def _node_html(self, node: Node) -> str:
        assert self.smap is not None
        outgoing = [
            self._flow_link(e, self.smap.node(e.target), "to") for e in self.smap.edges if e.source == node.id
        ]
        incoming = [
            self._flow_link(e, self.smap.node(e.source), "from") for e in self.smap.edges if e.target == node.id
        ]
        lesson = self.ctx.course.lesson(node.lesson.split("#", 1)[0]) if self.ctx.course is not None else None
        lesson_name = html.escape(lesson.title) if lesson is not None else "the lesson that covers it"
        parts = [
            f"<h2>{html.escape(node.label)}</h2><p class='muted'>{html.escape(node.short)}</p>",
            f"<h3>What it decides</h3><p>{html.escape(node.decides)}</p>",
            f"<h3>What it funds</h3><p>{html.escape(node.funds)}</p>",
            self._figures_html(node.figures),
        ]
        if outgoing:
            parts.append(f"<h3>Flows out</h3><ul>{''.join(outgoing)}</ul>")
        if incoming:
            parts.append(f"<h3>Flows in</h3><ul>{''.join(incoming)}</ul>")
        parts.append(f'<p>Read more: <a href="lesson:{node.lesson}">{lesson_name}</a></p>')
        return "".join(parts)

    def _edge_html(self, edge: Edge) -> str:
        assert self.smap is not None
        source, target = self.smap.node(edge.source), self.smap.node(edge.target)
        ends = (
            f'<a href="{SELECT_PREFIX}{source.id}">{html.escape(source.label)}</a> → '
            f'<a href="{SELECT_PREFIX}{target.id}">{html.escape(target.label)}</a>'
        )
        return (
            f"<h2>{html.escape(edge.label)}</h2>"
            f"<p class='muted'>{KIND_WORDS[edge.kind]}: {ends}</p>"
            f"<h3>What flows, and why</h3><p>{html.escape(edge.detail)}</p>"
            f"{self._figures_html(edge.figures)}"
        )

    @Slot(QUrl)
    def _on_card_anchor_clicked(self, url: QUrl) -> None:
        target = url.toString()
        if target.startswith(SELECT_PREFIX):
            with contextlib.suppress(KeyError):
                self.select(target.removeprefix(SELECT_PREFIX))
            return
        self.ctx.open_link(target)

    # ------------------------------------------------------------------ looks
    def _update_emphasis(self) -> None:
        """Fade what is not connected to the selection, so its flows stand out."""
        if self.smap is None:
            return
        selected = self.selected_id
        related_nodes: set[str] = set()
        related_edges: set[str] = set()
        if selected in self.node_items:
            related_nodes.add(selected)
            for edge in self.smap.edges_of(selected):
                related_edges.add(edge.id)
                related_nodes.update((edge.source, edge.target))
        elif selected in self.edge_items:
            edge = self.smap.edge(selected)
            related_edges.add(edge.id)
            related_nodes.update((edge.source, edge.target))
        self.related_edges = related_edges
        self.update_labels()
        for node_id, node_item in self.node_items.items():
            node_item.setOpacity(1.0 if not selected or node_id in related_nodes else 0.45)
            node_item.update()
        for edge_id, edge_item in self.edge_items.items():
            opacity = 1.0 if not selected or edge_id in related_edges else 0.18
            edge_item.setOpacity(opacity)
            edge_item.setZValue(1.5 if edge_id in related_edges else 1)
            self.label_items[edge_id].setOpacity(opacity)
            self.label_items[edge_id].setZValue(2.5 if edge_id in related_edges else 2)
            edge_item.update()

    def _apply_theme(self) -> None:
        theme = self.theme
        if self.smap is None:
            return
        self.view.setBackgroundBrush(QBrush(QColor(theme.base)))
        for kind, toggle in self.kind_toggles.items():
            toggle.setIcon(QIcon(self._legend_sample(kind)))
        self.scene.update()

    def _legend_sample(self, kind: FlowKind) -> QPixmap:
        ratio = self.devicePixelRatioF() or 1.0
        pixmap = QPixmap(QSize(round(44 * ratio), round(14 * ratio)))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(QColor(self.theme.base))
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(flow_pen(kind, self.theme, 3.0))
        painter.drawLine(QPointF(3, 7), QPointF(32, 7))
        colour = QColor(flow_colour(kind, self.theme))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawPolygon(QPolygonF([QPointF(41, 7), QPointF(31, 2), QPointF(31, 12)]))
        painter.end()
        return pixmap

    @Slot(object)
    def _on_ctx_theme_changed(self, theme: ThemeColors) -> None:
        self.theme = theme
        self._apply_theme()
        self._render_card()

    def update_labels(self) -> None:
        """Label every arrow if asked to; otherwise only the selection's arrows and the one under the pointer or
        the keyboard focus (thirty labels at once would hide the map)."""
        taken = [node.sceneBoundingRect() for node in self.node_items.values()]
        # the selection's labels choose their spots first
        order = sorted(self.label_items, key=lambda edge_id: edge_id not in self.related_edges)
        for edge_id in order:
            label, item = self.label_items[edge_id], self.edge_items[edge_id]
            wanted = self.show_labels or edge_id in self.related_edges or item.hovered or item.hasFocus()
            label.setVisible(item.isVisible() and wanted)
            if label.isVisible():
                label.place(taken)
                taken.append(label.rect.adjusted(-3, -3, 3, 3))

    @Slot(bool)
    def _on_labels_toggle_toggled(self, checked: bool) -> None:
        self.show_labels = checked
        self.update_labels()
