"""The drawn parts of the stakeholder map: boxes for actors, arrows for flows, their labels, and the view.

Each item asks its :class:`MapHost` (the page) for the theme and the selection and reports clicks and keys back
to it, so the items hold no state of their own beyond hover. Arrow geometry comes from
:func:`healthalloc.core.stakeholders.route_edges`; this module only turns it into Qt paths.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsSceneHoverEvent,
    QGraphicsSceneMouseEvent,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from healthalloc.core.palette import ThemeColors
from healthalloc.core.stakeholders import Edge, EdgeRoute, FlowKind, Node, flow_colour, node_centre


class MapHost(Protocol):
    """What the items need from the page that owns them."""

    theme: ThemeColors
    selected_id: str

    def select(self, node_or_edge_id: str) -> None: ...
    def clear_selection(self) -> None: ...
    def update_labels(self) -> None: ...
    def announce_focus(self, name: str, description: str) -> None: ...
    def edge_title(self, edge: Edge) -> str: ...
    def move_focus(self, *, forward: bool) -> bool: ...
    def focus_item(self, index: int) -> None: ...
    def set_scene_width(self, width: float) -> None: ...


# Scene units; the view scales the whole scene to fit, so these set proportions, not pixels. The scene's width
# follows the view's shape (between the two limits), so a tall, narrow window still gets large boxes.
SCENE_WIDTH = 1000.0
SCENE_HEIGHT = 860.0
MIN_SCENE_WIDTH = 820.0
MAX_SCENE_WIDTH = 1300.0
NODE_WIDTH = 230.0
NODE_HEIGHT = 86.0
HEAD_LENGTH = 15.0
LABEL_PX = 21
SHORT_PX = 15
EDGE_LABEL_PX = 14
KIND_WORDS: dict[FlowKind, str] = {"money": "Money", "services": "Services", "regulation": "Regulation"}
# Line style AND colour tell the kinds apart (solid, dashed, dotted), so the map also works in greyscale.
DASHES: dict[FlowKind, list[float]] = {"money": [], "services": [4.0, 2.5], "regulation": [0.1, 2.2]}


def flow_pen(kind: FlowKind, theme: ThemeColors, width: float) -> QPen:
    pen = QPen(QColor(flow_colour(kind, theme)), width)
    if DASHES[kind]:
        pen.setDashPattern(DASHES[kind])
    pen.setCapStyle(Qt.PenCapStyle.RoundCap if kind == "regulation" else Qt.PenCapStyle.FlatCap)
    return pen


def pixel_font(pixels: int, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(pixels)
    font.setBold(bold)
    return font


def _area(rect: QRectF) -> float:
    return rect.width() * rect.height() if rect.isValid() else 0.0


def fitted_font(text: str, width: float, pixels: int, *, bold: bool = False) -> QFont:
    """The largest font up to ``pixels`` (down to 2/3 of it) in which ``text`` fits on one line of ``width``."""
    font = pixel_font(pixels, bold=bold)
    while pixels > LABEL_PX * 2 // 3 and QFontMetricsF(font).horizontalAdvance(text) > width:
        pixels -= 1
        font = pixel_font(pixels, bold=bold)
    return font


class _SelectOnClickOrEnter(QGraphicsItem):
    """A map item that opens its card when clicked, or on Enter/Space when it has the keyboard focus."""

    page: MapHost
    item_id: str

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self.page.select(self.item_id)
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.page.select(self.item_id)
            event.accept()
        else:
            event.ignore()


class NodeItem(_SelectOnClickOrEnter):
    """One actor: a rounded box with its name and a one-line description."""

    def __init__(self, node: Node, page: MapHost) -> None:
        super().__init__()
        self.node = node
        self.page = page
        self.item_id = node.id
        self.hovered = False
        self.place(SCENE_WIDTH)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsFocusable)
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(f"{node.label}: {node.short}")
        self.setZValue(3)
        self.label_font = fitted_font(node.label, NODE_WIDTH - 20, LABEL_PX, bold=True)

    def place(self, scene_width: float) -> None:
        self.setPos(QPointF(*node_centre(self.node, scene_width, SCENE_HEIGHT, NODE_WIDTH, NODE_HEIGHT)))

    def boundingRect(self) -> QRectF:
        return QRectF(-NODE_WIDTH / 2 - 8, -NODE_HEIGHT / 2 - 8, NODE_WIDTH + 16, NODE_HEIGHT + 16)

    def paint(self, painter: QPainter, _option: QStyleOptionGraphicsItem, _widget: QWidget | None = None) -> None:
        theme = self.page.theme
        rect = QRectF(-NODE_WIDTH / 2, -NODE_HEIGHT / 2, NODE_WIDTH, NODE_HEIGHT)
        selected = self.page.selected_id == self.item_id
        strong = 3.0 if theme.name == "projector" else 2.0
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(
            QPen(QColor(theme.accent if selected else theme.muted_text), strong * (1.6 if selected else 1))
        )
        painter.setBrush(QColor(theme.highlight if selected or self.hovered else theme.base))
        painter.drawRoundedRect(rect, 14, 14)
        if self.hasFocus():
            ring = QPen(QColor(theme.accent), 3.0, Qt.PenStyle.DashLine)
            painter.setPen(ring)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(-6, -6, 6, 6), 18, 18)
        text_colour = QColor(theme.highlight_text if selected or self.hovered else theme.text)
        painter.setPen(text_colour)
        painter.setFont(self.label_font)
        inner = rect.adjusted(10, 8, -10, -8)
        label_height = QFontMetricsF(painter.font()).height() * 1.1
        painter.drawText(
            QRectF(inner.left(), inner.top(), inner.width(), label_height),
            Qt.AlignmentFlag.AlignCenter,
            self.node.label,
        )
        painter.setPen(QColor(theme.highlight_text if selected or self.hovered else theme.muted_text))
        painter.setFont(pixel_font(SHORT_PX))
        painter.drawText(
            QRectF(inner.left(), inner.top() + label_height, inner.width(), inner.height() - label_height),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
            self.node.short,
        )

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.hovered = True
        self.update()
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.hovered = False
        self.update()
        super().hoverLeaveEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.update()
        self.page.announce_focus(self.node.label, self.node.short)
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusOutEvent(event)


class EdgeItem(_SelectOnClickOrEnter):
    """One flow: a curved arrow whose colour and dash pattern show its kind."""

    def __init__(self, edge: Edge, route: EdgeRoute, page: MapHost) -> None:
        super().__init__()
        self.edge = edge
        self.page = page
        self.item_id = edge.id
        self.path = QPainterPath()
        self.head = QPolygonF()
        self.set_route(route)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsFocusable)
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(self.page.edge_title(edge))
        self.setZValue(1)
        self.hovered = False

    def set_route(self, route: EdgeRoute) -> None:
        self.prepareGeometryChange()
        self.path = QPainterPath(QPointF(*route.start))
        self.path.quadTo(QPointF(*route.control), QPointF(*route.line_end))
        self.head = QPolygonF([QPointF(*point) for point in route.head])

    def boundingRect(self) -> QRectF:
        return self.path.boundingRect().united(self.head.boundingRect()).adjusted(-10, -10, 10, 10)

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(16)  # a generous target, so a thin arrow is easy to click
        shape = stroker.createStroke(self.path)
        shape.addPolygon(self.head)
        return shape

    def paint(self, painter: QPainter, _option: QStyleOptionGraphicsItem, _widget: QWidget | None = None) -> None:
        theme = self.page.theme
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = theme.chart_line_width * (2.4 if self.edge.kind == "regulation" else 2.0)
        emphasised = self.page.selected_id == self.item_id or self.hovered
        if self.hasFocus() or emphasised:
            halo = QColor(theme.accent if self.hasFocus() else theme.highlight)
            halo.setAlphaF(0.45)
            painter.setPen(QPen(halo, width + 9, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            painter.drawPath(self.path)
        pen = flow_pen(self.edge.kind, theme, width * (1.5 if emphasised else 1.0))
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.path)
        colour = QColor(flow_colour(self.edge.kind, theme))
        painter.setPen(QPen(colour, 1.0))
        painter.setBrush(colour)
        painter.drawPolygon(self.head)

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.hovered = True
        self.update()
        self.page.update_labels()
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.hovered = False
        self.update()
        self.page.update_labels()
        super().hoverLeaveEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.update()
        self.page.update_labels()
        self.page.announce_focus(self.page.edge_title(self.edge), KIND_WORDS[self.edge.kind])
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.update()
        self.page.update_labels()
        super().focusOutEvent(event)


class EdgeLabelItem(QGraphicsItem):
    """The few words drawn on an arrow; above every arrow so no line crosses the text, below the boxes."""

    # where along the arrow (fraction of its length) the label may sit, best first
    PLACES = (0.5, 0.44, 0.56, 0.38, 0.62, 0.32, 0.68, 0.26, 0.74, 0.2, 0.8, 0.15, 0.85)

    def __init__(self, edge_item: EdgeItem) -> None:
        super().__init__()
        self.edge_item = edge_item
        metrics = QFontMetricsF(pixel_font(EDGE_LABEL_PX))
        text_rect = metrics.boundingRect(edge_item.edge.label)
        self.rect = QRectF(0, 0, text_rect.width() + 12, metrics.height() + 4)
        self.rect.moveCenter(edge_item.path.pointAtPercent(0.5))
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(edge_item.toolTip())
        self.setZValue(2)

    def place(self, taken: list[QRectF]) -> None:
        """Move along the arrow to the first spot that covers no box and no other label (else the least bad)."""
        best: tuple[float, QPointF] | None = None
        for fraction in self.PLACES:
            candidate = QRectF(self.rect)
            candidate.moveCenter(self.edge_item.path.pointAtPercent(fraction))
            overlap = sum(_area(candidate.intersected(other)) for other in taken)
            if best is None or overlap < best[0]:
                best = (overlap, candidate.center())
            if overlap == 0:
                break
        assert best is not None
        if best[1] != self.rect.center():
            self.prepareGeometryChange()
            self.rect.moveCenter(best[1])

    def boundingRect(self) -> QRectF:
        return self.rect.adjusted(-2, -2, 2, 2)

    def paint(self, painter: QPainter, _option: QStyleOptionGraphicsItem, _widget: QWidget | None = None) -> None:
        page = self.edge_item.page
        theme = page.theme
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(flow_colour(self.edge_item.edge.kind, theme)), 1.5))
        painter.setBrush(QColor(theme.base))
        painter.drawRoundedRect(self.rect, 6, 6)
        painter.setPen(QColor(theme.text))
        painter.setFont(pixel_font(EDGE_LABEL_PX))
        painter.drawText(self.rect, Qt.AlignmentFlag.AlignCenter, self.edge_item.edge.label)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        self.edge_item.mousePressEvent(event)

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.edge_item.hoverEnterEvent(event)

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.edge_item.hoverLeaveEvent(event)


class MapView(QGraphicsView):
    """Fits the whole map into the widget and moves keyboard focus through boxes and arrows with Tab."""

    def __init__(self, scene: QGraphicsScene, page: MapHost) -> None:
        super().__init__(scene)
        self.page = page
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(QSize(360, 260))
        self.setAccessibleName("Stakeholder map")
        self.setAccessibleDescription(
            "Boxes are actors, arrows are flows of money, services or regulation. "
            "Tab moves between them; Enter shows the details."
        )

    def fit(self) -> None:
        viewport = self.viewport().size()
        if viewport.height() > 0:
            wanted = SCENE_HEIGHT * viewport.width() / viewport.height()
            self.page.set_scene_width(min(max(wanted, MIN_SCENE_WIDTH), MAX_SCENE_WIDTH))
        self.fitInView(self.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.fit()

    def focusNextPrevChild(self, next: bool) -> bool:
        if self.hasFocus() and self.page.move_focus(forward=next):
            return True
        return super().focusNextPrevChild(next)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if event.reason() == Qt.FocusReason.TabFocusReason:
            self.page.focus_item(0)
        elif event.reason() == Qt.FocusReason.BacktabFocusReason:
            self.page.focus_item(-1)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.page.selected_id:
            self.page.clear_selection()
            event.accept()
            return
        super().keyPressEvent(event)
