"""Charts of the health-dollar flow: a Sankey diagram and the two "came from / went to" breakdowns.

The Sankey is drawn with matplotlib rather than QPainter so that it lives in ``core``: it is tested on a bare
``Figure`` without Qt, follows the same theme (``chart_rc``) as every other chart, and exports to PNG/SVG through
the same ``ChartView``. Its geometry (:func:`sankey_layout`) is plain arithmetic, so hit-testing a band under the
mouse (:func:`band_at`) and the conservation of band widths are checked without drawing anything.

Bands are cubic Bézier ribbons whose control points sit halfway between the columns, so a band's edge is
``y(t) = y0 + (y1 − y0)(3t² − 2t³)`` and its x grows monotonically with ``t``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from healthalloc.core.flow import (
    MEASURES,
    SOURCE_OF_PAYER,
    SOURCE_SHORT,
    FlowModel,
    breakdown_rows,
    flow_model,
    format_billions,
    format_measure,
    to_measure,
)
from healthalloc.core.palette import HATCHES, ThemeColors


@dataclass(frozen=True)
class NodeBox:
    """A node's rectangle (``top`` > ``bottom``; y runs upwards from 0 to 1)."""

    column: int
    name: str
    amount_millions: int
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass(frozen=True)
class BandShape:
    """A band's ribbon: its edges at the source side (``x0``) and at the target side (``x1``)."""

    index: int
    source: str
    target: str
    amount_millions: int
    x0: float
    x1: float
    top0: float
    bottom0: float
    top1: float
    bottom1: float

    def t_at(self, x: float) -> float:
        """The Bézier parameter where the ribbon's edge is at ``x`` (bisection; x(t) is increasing)."""
        low, high = 0.0, 1.0
        for _ in range(40):
            mid = (low + high) / 2
            if _bezier_x(self.x0, self.x1, mid) < x:
                low = mid
            else:
                high = mid
        return (low + high) / 2

    def edges_at(self, x: float) -> tuple[float, float]:
        """(top, bottom) of the ribbon at ``x``, for ``x0 ≤ x ≤ x1``."""
        smooth = _smoothstep(self.t_at(x))
        return (
            self.top0 + (self.top1 - self.top0) * smooth,
            self.bottom0 + (self.bottom1 - self.bottom0) * smooth,
        )

    def contains(self, x: float, y: float) -> bool:
        if not self.x0 <= x <= self.x1:
            return False
        top, bottom = self.edges_at(x)
        return bottom <= y <= top


@dataclass(frozen=True)
class SankeyLayout:
    nodes: tuple[NodeBox, ...]
    bands: tuple[BandShape, ...]
    scale: float  # height units per $ million

    def node(self, column: int, name: str) -> NodeBox:
        return next(n for n in self.nodes if n.column == column and n.name == name)


def _bezier_x(x0: float, x1: float, t: float) -> float:
    middle = (x0 + x1) / 2
    u = 1 - t
    return u**3 * x0 + 3 * u * u * t * middle + 3 * u * t * t * middle + t**3 * x1


def _smoothstep(t: float) -> float:
    return 3 * t * t - 2 * t**3


def sankey_layout(
    model: FlowModel,
    *,
    column_x: Sequence[float] | None = None,
    node_width: float = 0.022,
    gap: float = 0.018,
) -> SankeyLayout:
    """Place nodes and bands in the unit square.

    Node heights are proportional to money (``scale`` per $ million); every column holds the same total, so a
    node's height equals the sum of the band widths on each of its sides. Bands leave a node in the order of
    the nodes they go to, which keeps them from crossing at the node.
    """
    count = len(model.columns)
    if column_x is None:
        column_x = [0.25 + 0.41 * i / max(1, count - 1) for i in range(count)]
    total = model.total_millions
    shown = [[n for n in column if model.node_total(i, n) > 0] for i, column in enumerate(model.columns)]
    most = max(len(c) for c in shown)
    scale = (1.0 - gap * (most - 1)) / total if total > 0 else 0.0
    nodes: list[NodeBox] = []
    for index, column in enumerate(shown):
        height = total * scale + gap * (len(column) - 1)
        top = 0.5 + height / 2
        x = column_x[index]
        for name in column:
            amount = model.node_total(index, name)
            nodes.append(
                NodeBox(index, name, amount, x - node_width / 2, x + node_width / 2, top, top - amount * scale)
            )
            top -= amount * scale + gap
    order = {(n.column, n.name): i for i, n in enumerate(nodes)}
    box = {(n.column, n.name): n for n in nodes}
    out_cursor = {key: node.top for key, node in box.items()}
    in_cursor = dict(out_cursor)
    positioned = sorted(
        (i for i, b in enumerate(model.bands) if b.amount_millions > 0),
        key=lambda i: (
            order[(model.bands[i].stage, model.bands[i].source)],
            order[(model.bands[i].stage + 1, model.bands[i].target)],
        ),
    )
    side0: dict[int, tuple[float, float]] = {}
    for i in positioned:
        band = model.bands[i]
        key = (band.stage, band.source)
        width = band.amount_millions * scale
        side0[i] = (out_cursor[key], out_cursor[key] - width)
        out_cursor[key] -= width
    side1: dict[int, tuple[float, float]] = {}
    by_target = sorted(
        positioned,
        key=lambda i: (
            order[(model.bands[i].stage + 1, model.bands[i].target)],
            order[(model.bands[i].stage, model.bands[i].source)],
        ),
    )
    for i in by_target:
        band = model.bands[i]
        key = (band.stage + 1, band.target)
        width = band.amount_millions * scale
        side1[i] = (in_cursor[key], in_cursor[key] - width)
        in_cursor[key] -= width
    shapes = tuple(
        BandShape(
            index=i,
            source=model.bands[i].source,
            target=model.bands[i].target,
            amount_millions=model.bands[i].amount_millions,
            x0=box[(model.bands[i].stage, model.bands[i].source)].x1,
            x1=box[(model.bands[i].stage + 1, model.bands[i].target)].x0,
            top0=side0[i][0],
            bottom0=side0[i][1],
            top1=side1[i][0],
            bottom1=side1[i][1],
        )
        for i in positioned
    )
    return SankeyLayout(tuple(nodes), shapes, scale)


def band_at(layout: SankeyLayout, x: float, y: float) -> BandShape | None:
    """The band under the point (axes data coordinates), or ``None``."""
    return next((band for band in layout.bands if band.contains(x, y)), None)


def node_at(layout: SankeyLayout, x: float, y: float) -> NodeBox | None:
    return next((n for n in layout.nodes if n.x0 - 0.006 <= x <= n.x1 + 0.006 and n.bottom <= y <= n.top), None)


def spread_labels(centers: Sequence[float], min_gap: float, low: float = 0.0, high: float = 1.0) -> list[float]:
    """Move label positions apart so neighbours are at least ``min_gap`` apart, staying near their nodes and
    inside ``[low, high]`` where there is room. Returns the positions in the order given."""
    order = sorted(range(len(centers)), key=lambda i: -centers[i])
    placed = [centers[i] for i in order]
    for k in range(len(placed)):  # top down: push below the label above
        ceiling = high if k == 0 else placed[k - 1] - min_gap
        placed[k] = min(placed[k], ceiling)
    for k in range(len(placed) - 1, -1, -1):  # bottom up: push above the label below
        floor = low if k == len(placed) - 1 else placed[k + 1] + min_gap
        placed[k] = max(placed[k], floor)
    result = [0.0] * len(centers)
    for k, i in enumerate(order):
        result[i] = placed[k]
    return result


@dataclass
class SankeyArtists:
    """What :func:`draw_sankey` drew, so a view can highlight a band or move to another year without redrawing."""

    layout: SankeyLayout
    band_patches: dict[int, Any]
    theme: ThemeColors
    selected: int | None = None
    node_patches: dict[tuple[int, str], Any] = field(default_factory=dict)
    labels: dict[tuple[int, str], Any] = field(default_factory=dict)
    shape: tuple[Any, ...] = ()  # what must stay the same for :func:`update_sankey` (see ``_sankey_shape``)
    ax: Any = None


BAND_ALPHA = 0.42
SELECTED_ALPHA = 0.9


def source_colours(model: FlowModel, theme: ThemeColors) -> dict[str, str]:
    """One Okabe–Ito colour per first-column node, in order."""
    series = theme.chart_series
    return {name: series[i % len(series)] for i, name in enumerate(model.columns[0])}


def _sankey_shape(model: FlowModel) -> tuple[Any, ...]:
    """The columns, the bands and which nodes are shown: a year with the same shape can reuse the artists."""
    shown = tuple(tuple(n for n in column if model.node_total(i, n) > 0) for i, column in enumerate(model.columns))
    bands = tuple((b.stage, b.source, b.target, b.amount_millions > 0) for b in model.bands)
    return model.columns, shown, bands


def _band_path(shape: BandShape) -> Any:
    from matplotlib.path import Path

    middle = (shape.x0 + shape.x1) / 2
    vertices = [
        (shape.x0, shape.top0),
        (middle, shape.top0),
        (middle, shape.top1),
        (shape.x1, shape.top1),
        (shape.x1, shape.bottom1),
        (middle, shape.bottom1),
        (middle, shape.bottom0),
        (shape.x0, shape.bottom0),
        (shape.x0, shape.top0),
    ]
    codes = [Path.MOVETO, *[Path.CURVE4] * 3, Path.LINETO, *[Path.CURVE4] * 3, Path.CLOSEPOLY]
    return Path(vertices, codes)


def _node_labels(
    ax: Any, model: FlowModel, layout: SankeyLayout, label_of: Callable[[int], str], title: str
) -> dict[tuple[int, str], tuple[float, float, str, str]]:
    """Where each end column's node label goes and what it says: ``(x, y, text, alignment)`` by (column, name)."""
    size = float(ax.xaxis.label.get_fontsize()) * 0.92
    line_gap = size * 1.25 / max(_axes_height_points(ax, title_lines=1 if title else 0), 1.0)
    last = len(model.columns) - 1
    labels: dict[tuple[int, str], tuple[float, float, str, str]] = {}
    for column in (0, last):
        boxes = [n for n in layout.nodes if n.column == column]
        centres = [(n.top + n.bottom) / 2 for n in boxes]
        ys = spread_labels(centres, 2 * line_gap, low=line_gap, high=1 - line_gap)
        for node, y in zip(boxes, ys, strict=True):
            share = node.amount_millions / model.total_millions if model.total_millions else 0.0
            text = f"{node.name}\n{label_of(node.amount_millions)} · {share:.1%}"
            x, align = (node.x0 - 0.008, "right") if column == 0 else (node.x1 + 0.008, "left")
            labels[(column, node.name)] = (x, y, text, align)
    return labels


def draw_sankey(
    ax: Any,
    model: FlowModel,
    theme: ThemeColors,
    *,
    value_label: Callable[[int], str] | None = None,
    selected: int | None = None,
    title: str = "",
) -> SankeyArtists:
    """Draw ``model`` as a Sankey diagram on ``ax`` (cleared first); label each end node with its value."""
    from matplotlib.patches import PathPatch, Rectangle

    label_of = value_label or (lambda millions: f"${millions / 1000:,.1f} B")
    ax.clear()
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.01, 1.01)
    ax.set_axis_off()
    layout = sankey_layout(model)
    colours = source_colours(model, theme)
    root = {name: name for name in model.columns[0]}
    for band in sorted(model.bands, key=lambda b: b.stage):  # later stages take the colour of what feeds them most
        if band.stage > 0 and band.source in root and band.target not in root:
            root[band.target] = root[band.source]
    patches: dict[int, Any] = {}
    for shape in layout.bands:
        colour = colours.get(root.get(shape.source, shape.source), theme.muted_text)
        patch = PathPatch(_band_path(shape), facecolor=colour, edgecolor="none", alpha=BAND_ALPHA, lw=0)
        ax.add_patch(patch)
        patches[shape.index] = patch
    nodes: dict[tuple[int, str], Any] = {}
    for node in layout.nodes:
        colour = colours[node.name] if node.column == 0 else theme.muted_text
        rectangle = Rectangle(
            (node.x0, node.bottom), node.x1 - node.x0, node.top - node.bottom, color=colour, lw=0
        )
        ax.add_patch(rectangle)
        nodes[(node.column, node.name)] = rectangle
    size = float(ax.xaxis.label.get_fontsize()) * 0.92
    labels: dict[tuple[int, str], Any] = {}
    for key, (x, y, text, align) in _node_labels(ax, model, layout, label_of, title).items():
        labels[key] = ax.text(
            x, y, text, ha=align, va="center", fontsize=size, color=theme.text, linespacing=1.1, parse_math=False
        )
    if title:
        ax.set_title(title, loc="left", color=theme.text)
    artists = SankeyArtists(layout, patches, theme, None, nodes, labels, _sankey_shape(model), ax)
    highlight_band(artists, selected)
    return artists


def update_sankey(
    artists: SankeyArtists,
    model: FlowModel,
    *,
    value_label: Callable[[int], str] | None = None,
    selected: int | None = None,
    title: str = "",
) -> bool:
    """Move ``artists`` to ``model`` (another year or unit of the same flow) in place: band outlines, node boxes,
    labels and title. ``False`` if the flow has a different shape (other bands or nodes): draw it afresh then."""
    if (
        artists.ax is None
        or _sankey_shape(model) != artists.shape
        or bool(title) != bool(artists.ax.get_title(loc="left"))
    ):
        return False
    label_of = value_label or (lambda millions: f"${millions / 1000:,.1f} B")
    layout = sankey_layout(model)
    for shape in layout.bands:
        artists.band_patches[shape.index].set_path(_band_path(shape))
    for node in layout.nodes:
        artists.node_patches[(node.column, node.name)].set_bounds(
            node.x0, node.bottom, node.x1 - node.x0, node.top - node.bottom
        )
    for key, (x, y, text, _align) in _node_labels(artists.ax, model, layout, label_of, title).items():
        label = artists.labels[key]
        label.set_position((x, y))
        label.set_text(text)
    if title:
        artists.ax.set_title(title, loc="left")
    artists.layout = layout
    highlight_band(artists, selected)
    return True


def _axes_height_points(ax: Any, *, title_lines: int) -> float:
    """The height ``ax`` will have once the constrained layout has run (its grid share of the figure, less the
    title and margins), so label spacing can be planned before the first draw."""
    spec = ax.get_subplotspec()
    share = 1.0
    if spec is not None:
        rows = spec.get_gridspec().get_geometry()[0]
        share = (spec.rowspan.stop - spec.rowspan.start) / rows
    font = float(ax.title.get_fontsize())
    height: float = ax.figure.get_figheight() * 72 * share - font * (1.6 * title_lines + 1.0)
    return max(1.0, height)


def highlight_band(artists: SankeyArtists, index: int | None) -> None:
    """Emphasise one band (outline, full colour) and fade the others; ``None`` restores them all."""
    artists.selected = index
    for i, patch in artists.band_patches.items():
        if index is None:
            patch.set_alpha(BAND_ALPHA)
            patch.set_edgecolor("none")
        elif i == index:
            patch.set_alpha(SELECTED_ALPHA)
            patch.set_edgecolor(artists.theme.text)
            patch.set_linewidth(1.2)
        else:
            patch.set_alpha(BAND_ALPHA * 0.45)
            patch.set_edgecolor("none")


def _flow_title(year: int) -> str:
    return f"From payers to types of care, {year} · Source: {SOURCE_SHORT}"


def draw_health_flow(
    ax: Any, year: int, theme: ThemeColors, *, measure: str = "dollars", selected: int | None = None
) -> SankeyArtists:
    """The nation's health-spending flow for ``year``: payers on the left, types of service on the right."""
    return draw_sankey(
        ax,
        flow_model(year),
        theme,
        value_label=lambda millions: format_measure(to_measure(millions, year, measure), measure),
        selected=selected,
        title=_flow_title(year),
    )


def update_health_flow(
    artists: SankeyArtists, year: int, *, measure: str = "dollars", selected: int | None = None
) -> bool:
    """:func:`draw_health_flow` in place for another year or measure; ``False`` if it must be drawn afresh."""
    return update_sankey(
        artists,
        flow_model(year),
        value_label=lambda millions: format_measure(to_measure(millions, year, measure), measure),
        selected=selected,
        title=_flow_title(year),
    )


def _bar_label(value: float, share: float, measure: str) -> str:
    if measure == "share":
        return format_measure(value, measure)
    return f"{format_measure(value, measure)} ({share:.1%})"


HALVES = {"Came from": "Where it came from (who paid)", "Went to": "Where it went (what it bought)"}


@dataclass
class DollarArtists:
    """What :func:`draw_health_dollar` drew, so another year or measure can be shown in place."""

    ax: Any
    theme: ThemeColors
    bars: list[Any]  # one bar and its value label per row, top to bottom
    values: list[Any]
    positions: list[float]
    note: Any = None


def _bar_rows(year: int, measure: str, direction: str) -> list[tuple[str, float, float]]:
    return [
        (category, value, share) for d, category, value, share in breakdown_rows(year, measure) if d == direction
    ]


def _bar_colour(category: str, came: bool, colours: dict[str, str], theme: ThemeColors) -> str:
    return colours.get(category, theme.muted_text) if came else theme.muted_text


def _draw_bars(
    ax: Any,
    year: int,
    theme: ThemeColors,
    directions: Sequence[str],
    measure: str,
    drawn: DollarArtists | None = None,
) -> float:
    """Labelled horizontal bars for each half in ``directions``, a bold heading above each; returns the last y.
    With ``drawn``, the bars and labels are recorded in it."""
    from matplotlib.transforms import blended_transform_factory

    colours = source_colours(flow_model(year), theme)
    small = float(ax.yaxis.label.get_fontsize()) * 0.85
    positions: list[float] = []
    labels: list[str] = []
    transform = blended_transform_factory(ax.transAxes, ax.transData)
    y = 0.0
    for direction in directions:
        if len(directions) > 1:
            ax.text(
                0.0, y, HALVES[direction], transform=transform, fontweight="bold", va="center", color=theme.text
            )
            y += 1.0
        came = direction == "Came from"
        for category, value, share in _bar_rows(year, measure, direction):
            bars = ax.barh(
                y,
                value,
                height=0.72,
                color=_bar_colour(category, came, colours, theme),
                hatch="" if came else HATCHES[1],
                edgecolor=theme.base,
                linewidth=0.6,
            )
            label = "  " + _bar_label(value, share, measure)
            text = ax.text(
                value, y, label, va="center", ha="left", color=theme.text, fontsize=small, parse_math=False
            )
            if drawn is not None:
                drawn.bars.append(bars[0])
                drawn.values.append(text)
            positions.append(y)
            labels.append(category)
            y += 1.0
        y += 0.4
    ax.set_yticks(positions, labels)
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(y - 0.2, -0.8 if len(directions) > 1 else -0.6)
    ax.set_xlim(0, max(row[2] for row in breakdown_rows(year, measure)) * 1.5)
    ax.xaxis.set_visible(False)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    if drawn is not None:
        drawn.positions = positions
    return y


def _dollar_title(year: int) -> str:
    total = flow_model(year).total_millions / 1000
    return f"The nation's health dollar, {year}: ${total:,.1f} billion"


def _dollar_note(measure: str) -> str:
    return f"{MEASURES[measure]} · Source: {SOURCE_SHORT}"


def draw_health_dollar(ax: Any, year: int, theme: ThemeColors, *, measure: str = "share") -> DollarArtists:
    """Where the ``year`` health dollar came from (payers, coloured as in the flow diagram) and where it went
    (types of service, grey and hatched), as two groups of labelled horizontal bars on one ``ax``."""
    ax.clear()
    drawn = DollarArtists(ax, theme, [], [], [])
    _draw_bars(ax, year, theme, tuple(HALVES), measure, drawn)
    ax.set_title(_dollar_title(year), loc="left", color=theme.text, parse_math=False)
    drawn.note = ax.text(
        0.0,
        -0.01,
        _dollar_note(measure),
        transform=ax.transAxes,
        va="top",
        color=theme.muted_text,
        fontsize=float(ax.yaxis.label.get_fontsize()) * 0.85,
    )
    return drawn


def update_health_dollar(drawn: DollarArtists, year: int, *, measure: str = "share") -> bool:
    """:func:`draw_health_dollar` in place for another year or measure (bar lengths, colours where the order of
    the payers changed, labels, scale, title); ``False`` if the rows differ and it must be drawn afresh."""
    rows = [(direction, *row) for direction in HALVES for row in _bar_rows(year, measure, direction)]
    if len(rows) != len(drawn.bars) or drawn.note is None:
        return False
    colours = source_colours(flow_model(year), drawn.theme)
    for (direction, category, value, share), bar, text, y in zip(
        rows, drawn.bars, drawn.values, drawn.positions, strict=True
    ):
        bar.set_width(value)
        bar.set_facecolor(_bar_colour(category, direction == "Came from", colours, drawn.theme))
        text.set_position((value, y))
        text.set_text("  " + _bar_label(value, share, measure))
    ax = drawn.ax
    categories = [row[1] for row in rows]
    if [t.get_text() for t in ax.get_yticklabels()] != categories:
        ax.set_yticks(drawn.positions, categories)
    ax.set_xlim(0, max(row[2] for row in rows) * 1.5)
    ax.set_title(_dollar_title(year), loc="left")
    drawn.note.set_text(_dollar_note(measure))
    return True


def draw_health_dollar_figure(
    figure: Any, theme: ThemeColors, *, year: int = 2024, measure: str = "share"
) -> None:
    """The same two breakdowns side by side on ``figure`` (cleared first): the wide layout lessons embed."""
    figure.clear()
    left, right = figure.subplots(1, 2)
    for ax, direction, heading in ((left, "Came from", "Who paid"), (right, "Went to", "What it bought")):
        _draw_bars(ax, year, theme, (direction,), measure)
        ax.set_title(heading, loc="left", color=theme.text, fontweight="bold")
    total = flow_model(year).total_millions / 1000
    figure.suptitle(
        f"The nation's health dollar, {year}: ${total:,.1f} billion",
        color=theme.text,
    )
    small = float(left.yaxis.label.get_fontsize()) * 0.85
    figure.supxlabel(f"{MEASURES[measure]} · Source: {SOURCE_SHORT}", color=theme.muted_text, fontsize=small)


def draw_who_pays(
    ax: Any, frame: Any, theme: ThemeColors, *, service: str, year: int, measure: str = "dollars"
) -> None:
    """Who paid for one type of service (``frame``: :func:`~healthalloc.core.flow.who_pays`, or the DataFrame of
    ``who_pays_for``): one labelled bar per payer, largest at the top, in ``measure`` (share = share of national
    spending)."""
    colours = source_colours(flow_model(year), theme)
    ax.clear()
    ys = list(range(len(frame)))
    payers = [str(p) for p in frame["payer"]]
    values = [to_measure(float(b) * 1000, year, measure) for b in frame["amount_billion"]]
    fills = [colours.get(SOURCE_OF_PAYER.get(p, p), theme.muted_text) for p in payers]
    ax.barh(ys, values, color=fills, height=0.7)
    small = float(ax.yaxis.label.get_fontsize()) * 0.85
    for y, value, billions, share in zip(ys, values, frame["amount_billion"], frame["share"], strict=True):
        shown = format_billions(float(billions)) if measure == "dollars" else format_measure(value, measure)
        label = f"  {shown} ({percent_label(float(share))})"
        ax.text(value, y, label, va="center", color=theme.text, fontsize=small, parse_math=False)
    ax.set_yticks(ys, payers)
    ax.invert_yaxis()
    ax.set_xlim(0, max(values) * 1.5 if values else 1)
    ax.xaxis.set_major_formatter(_measure_formatter(measure))
    ax.set_xlabel(f"{MEASURES[measure]} · Source: {SOURCE_SHORT}")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title(f"Who paid for {service.lower()}, {year}", loc="left", color=theme.text)


def percent_label(share: float) -> str:
    return f"{share:.1%}" if share >= 0.0005 else "<0.1%"


def _measure_formatter(measure: str) -> Any:
    from matplotlib.ticker import FuncFormatter

    formats = {
        "dollars": lambda v: f"${v:,.0f} B",
        "share": lambda v: f"{v:.0%}",
        "per_person": lambda v: f"${v:,.0f}",
        "share_gdp": lambda v: f"{v:.1%}",
    }
    return FuncFormatter(lambda value, _pos: formats[measure](value))
