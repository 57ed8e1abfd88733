"""Charts for the capitation calculator. Each takes the Axes it draws on (no pyplot, no Qt).

Colour is never the only carrier of meaning: every series also has a hatch, and bars carry direct labels where
they fit.

Each ``draw_*`` returns its artists and has an ``update_*`` that moves them to new results in place (``False`` when
the chart's shape changed and it must be drawn again), so a dragged slider repaints only what moved
(:class:`healthalloc.core.live_chart.LiveChart`). Value axes end on round numbers and keep their range while the
bars still fill it well (:func:`healthalloc.core.live_chart.sticky_limit`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from healthalloc.core.capitation.hcc import ItemKind, RiskScore
from healthalloc.core.capitation.panel import ARRANGEMENTS
from healthalloc.core.capitation.regions import METHODS
from healthalloc.core.live_chart import sticky_limit, sticky_span
from healthalloc.core.palette import HATCHES, ThemeColors, relative_luminance

if TYPE_CHECKING:
    import pandas as pd

    from healthalloc.core.capitation.calculator import PanelTabResult

KIND_LABELS: dict[ItemKind, str] = {
    "demographic": "Age and sex",
    "condition": "Conditions",
    "interaction": "Interactions",
    "count": "Number of conditions",
}
_KIND_STYLE: dict[ItemKind, int] = {"demographic": 0, "condition": 1, "interaction": 2, "count": 3}
BY_METHOD_SERIES: dict[str, str] = {
    "population": METHODS["population"],
    "past_spending": METHODS["past_spending"],
    "needs_target": "Need: target",
    "needs_paced": "Need: after this year's step",
}


def _ink(fill: str) -> str:
    """Black or white text, whichever reads better on ``fill``."""
    return "#000000" if relative_luminance(fill) > 0.35 else "#FFFFFF"


def _series(theme: ThemeColors, index: int) -> tuple[str, str]:
    return theme.chart_series[index % len(theme.chart_series)], HATCHES[index % len(HATCHES)]


@dataclass
class RiskScoreArtists:
    """The member chart's artists: one row of segments per score, their direct labels and the totals."""

    ax: Any
    shape: tuple[Any, ...]
    segments: list[list[Any]]
    labels: list[list[Any]]
    totals: list[Any]
    average: list[Any]  # the "average = 1.0" line and its label: they move when the axis range does
    xmax: float

    @property
    def axes(self) -> tuple[Any, ...]:
        return (self.ax,)

    def moving(self) -> list[Any]:
        segments = [a for row in self.segments for a in row]
        return [*segments, *(a for row in self.labels for a in row), *self.totals, *self.average]

    def scale(self) -> list[Any]:
        return [self.ax.xaxis]


def _risk_kinds(scores: Sequence[RiskScore]) -> list[ItemKind]:
    return [k for k in KIND_LABELS if any(i.kind == k and i.coefficient > 0 for s in scores for i in s.items)]


def _risk_legend_wide(ax: Any, kinds: Sequence[ItemKind]) -> bool:
    # Four legend columns fit a wide chart; a narrow one (or the projector's large type) gets two rows.
    needed = sum(len(KIND_LABELS[k]) + 5 for k in kinds) * 0.62 * _font_px(ax)
    return _axes_width_px(ax) >= needed


def _risk_shape(ax: Any, scores: Sequence[RiskScore]) -> tuple[Any, ...]:
    kinds = _risk_kinds(scores)
    rows = tuple((s.model, tuple(i.kind for i in s.items)) for s in scores)
    return rows, tuple(kinds), _risk_legend_wide(ax, kinds)


def _risk_axis_needed(scores: Sequence[RiskScore]) -> float:
    # Room to the right of the longest bar for its total.
    return max(max((s.total for s in scores), default=1.0), 1.0) * 1.18


def draw_risk_score(
    ax: Any, scores: Sequence[RiskScore], theme: ThemeColors, *, title: str = ""
) -> RiskScoreArtists:
    """One horizontal stacked bar per score (e.g. V24 and V28 for the same member), one segment per item.

    Each segment's gid is ``"<model>:<code>"`` so tests and the text alternative can find it. Returns the artists,
    which :func:`update_risk_score` moves to another member's scores.
    """
    ax.clear()
    labels = []
    xmax = sticky_limit(None, _risk_axis_needed(scores))
    segments: list[list[Any]] = []
    texts: list[list[Any]] = []
    totals = []
    for row, score in enumerate(scores):
        y = len(scores) - 1 - row
        labels.append((y, f"{score.model}"))
        row_segments, row_texts = [], []
        for item in score.items:
            colour, hatch = _series(theme, _KIND_STYLE[item.kind])
            (patch,) = ax.barh(
                y,
                item.coefficient,
                left=0.0,
                height=0.6,
                color=colour,
                hatch=hatch,
                edgecolor=theme.base,
                linewidth=1.2,
            )
            text = ax.text(
                0.0,
                y,
                "",
                ha="center",
                va="center",
                color=_ink(colour),
                fontsize="small",
                bbox={"boxstyle": "round,pad=0.1", "facecolor": colour, "edgecolor": "none"} if hatch else None,
            )
            row_segments.append(patch)
            row_texts.append(text)
        segments.append(row_segments)
        texts.append(row_texts)
        # On a background of its own: the dashed "average = 1.0" line often runs through the total.
        backing = {"boxstyle": "square,pad=0.15", "facecolor": theme.base, "edgecolor": "none"}
        totals.append(
            ax.text(0.0, y, "", ha="left", va="center", fontweight="bold", color=theme.text, bbox=backing)
        )
    ax.set_yticks([y for y, _ in labels], [text for _, text in labels])
    average = [
        ax.axvline(1.0, color=theme.muted_text, linestyle="--", linewidth=1),
        ax.text(1.0, len(scores) - 0.35, " average = 1.0", color=theme.muted_text, fontsize="small", va="bottom"),
    ]
    ax.set_xlim(0, xmax)
    ax.set_ylim(-0.5, len(scores) - 0.05)
    ax.set_xlabel("Risk score (1.0 = average beneficiary)")
    ax.spines[["top", "right"]].set_visible(False)
    kinds = _risk_kinds(scores)
    handles = []
    for kind in kinds:
        colour, hatch = _series(theme, _KIND_STYLE[kind])
        handles.append(_legend_patch(colour, hatch, theme, KIND_LABELS[kind]))
    wide = _risk_legend_wide(ax, kinds)
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=4 if wide else 2, frameon=False)
    if title:
        ax.set_title(title, loc="left")
    artists = RiskScoreArtists(ax, _risk_shape(ax, scores), segments, texts, totals, average, xmax)
    _place_risk_score(artists, scores)
    return artists


def update_risk_score(artists: RiskScoreArtists, scores: Sequence[RiskScore]) -> bool:
    """Move the chart to ``scores`` in place; ``False`` if they need other bars or legend (draw it again). The axis
    keeps its range while the bars fit (see :func:`~healthalloc.core.live_chart.sticky_limit`)."""
    if _risk_shape(artists.ax, scores) != artists.shape:
        return False
    xmax = sticky_limit(artists.xmax, _risk_axis_needed(scores))
    if xmax != artists.xmax:
        artists.xmax = xmax
        artists.ax.set_xlim(0, xmax)
    _place_risk_score(artists, scores)
    return True


def _place_risk_score(artists: RiskScoreArtists, scores: Sequence[RiskScore]) -> None:
    ax = artists.ax
    for row, score in enumerate(scores):
        y = len(scores) - 1 - row
        left = 0.0
        for patch, text, item in zip(artists.segments[row], artists.labels[row], score.items, strict=True):
            patch.set_x(left)
            patch.set_width(item.coefficient)
            patch.set_gid(f"{score.model}:{item.code}")
            # A label needs room for its longest line (about 0.012 of the axis per character).
            fits = _label_fits(ax, item.coefficient, artists.xmax, max(len(item.code), 5))
            text.set_visible(fits)
            if fits:
                text.set_position((left + item.coefficient / 2, y))
                text.set_text(f"{item.code}\n{item.coefficient:.3f}")
            left += item.coefficient
        artists.totals[row].set_position((left, y))
        artists.totals[row].set_text(f"  {score.total:.3f}")


def _font_px(ax: Any) -> float:
    from matplotlib.font_manager import FontProperties

    # "small" is relative to the font size of the rc_context the chart is drawn in (the theme and zoom).
    return float(FontProperties(size="small").get_size_in_points()) * float(ax.figure.dpi) / 72


def _axes_width_px(ax: Any) -> float:
    # Before layout the axes position is a guess; 80% of the figure is close enough to decide on labels.
    return float(ax.figure.get_figwidth() * ax.figure.dpi * 0.8)


def _label_fits(ax: Any, value: float, axis_max: float, characters: int) -> bool:
    """Whether a direct label of ``characters`` fits inside a bar ``value`` wide on an axis up to ``axis_max``."""
    bar_px = value / axis_max * _axes_width_px(ax)
    return bar_px >= characters * 0.62 * _font_px(ax) + 6


def _legend_patch(colour: str, hatch: str, theme: ThemeColors, label: str) -> Any:
    from matplotlib.patches import Patch

    return Patch(facecolor=colour, hatch=hatch, edgecolor=theme.base, label=label)


@dataclass
class PanelArtists:
    """The panel chart's artists: revenue and cost bars (left), each arrangement's result (right), their labels."""

    revenue_ax: Any
    margin_ax: Any
    shape: tuple[Any, ...]
    revenue_bars: list[Any]
    revenue_labels: list[Any]
    margin_bars: list[Any]
    margin_labels: list[Any]
    zero_line: Any
    revenue_top: float
    margin_span: tuple[float, float]

    @property
    def axes(self) -> tuple[Any, ...]:
        return (self.revenue_ax, self.margin_ax)

    def moving(self) -> list[Any]:
        return [*self.revenue_bars, *self.revenue_labels, *self.margin_bars, *self.margin_labels, self.zero_line]

    def scale(self) -> list[Any]:
        return [self.revenue_ax.yaxis, self.margin_ax.yaxis]


def _panel_series(result: PanelTabResult) -> tuple[tuple[str, list[float]], ...]:
    practices = list(result.practices)
    return (
        ("Flat capitation", [result.flat[p].annual_capitation for p in practices]),
        ("Risk-adjusted capitation", [result.adjusted[p].annual_capitation for p in practices]),
        ("Actual cost", [result.practices[p].actual_cost for p in practices]),
    )


def _panel_margins(result: PanelTabResult) -> list[list[float]]:
    return [[r.arrangements[key].provider_margin for r in result.practices.values()] for key in ARRANGEMENTS]


def _panel_shape(result: PanelTabResult) -> tuple[Any, ...]:
    practices = tuple(result.practices)
    return practices, result.risk_adjusted, result.practices[practices[0]].arrangement


def _panel_limits(result: PanelTabResult) -> tuple[float, float, float]:
    """Revenue axis top ($ million) and the margin axis's needed low and high ($ thousand)."""
    revenue_top = max(max(v for _, values in _panel_series(result) for v in values) / 1e6, 0.1) * 1.35
    margins = [v / 1e3 for row in _panel_margins(result) for v in row]
    low, high = min(0.0, *margins), max(0.0, *margins)
    span = max(high - low, 1.0)
    return revenue_top, low - 0.12 * span, high + 0.3 * span


def draw_panel(axes: Sequence[Any], result: PanelTabResult, theme: ThemeColors) -> PanelArtists:
    """Left: each practice's yearly revenue (flat and risk-adjusted) against its cost. Right: the group's result
    under each risk-sharing arrangement, the chosen one outlined. Returns the artists (see :func:`update_panel`)."""
    revenue_ax, margin_ax = axes
    revenue_ax.clear()
    margin_ax.clear()
    practices = list(result.practices)
    names = [f"Practice {p.upper()}" for p in practices]
    width = 0.26
    revenue_bars, revenue_labels = [], []
    for index, (label, _values) in enumerate(_panel_series(result)):
        colour, hatch = _series(theme, index)
        xs = [i + (index - 1) * width for i in range(len(practices))]
        bars = revenue_ax.bar(
            xs, [0.0] * len(xs), width, color=colour, hatch=hatch, edgecolor=theme.base, label=label
        )
        for bar in bars:
            bar.set_gid(f"revenue:{label}")
            revenue_bars.append(bar)
            revenue_labels.append(
                revenue_ax.text(
                    bar.get_x() + bar.get_width() / 2,
                    0.0,
                    "",
                    ha="center",
                    va="bottom",
                    fontsize="small",
                    color=theme.text,
                )
            )
    revenue_ax.set_xticks(range(len(practices)), names)
    revenue_ax.set_ylabel("$ million per year")
    revenue_ax.set_title("Revenue and cost\n(per year)", loc="left")
    revenue_ax.legend(loc="upper left", frameon=False, fontsize="small")
    revenue_ax.spines[["top", "right"]].set_visible(False)

    paid = "risk-adjusted" if result.risk_adjusted else "flat"
    margin_bars, margin_labels = [], []
    for index, key in enumerate(ARRANGEMENTS):
        colour, hatch = _series(theme, 4 + index)
        xs = [i + (index - 1) * width for i in range(len(practices))]
        chosen = key == result.practices[practices[0]].arrangement
        bars = margin_ax.bar(
            xs,
            [0.0] * len(xs),
            width,
            color=colour,
            hatch=hatch,
            edgecolor=theme.text if chosen else theme.base,
            linewidth=2.0 if chosen else 0.8,
            label=ARRANGEMENTS[key] + (" (chosen)" if chosen else ""),
        )
        for bar in bars:
            bar.set_gid(f"margin:{key}")
            margin_bars.append(bar)
            margin_labels.append(
                margin_ax.text(
                    bar.get_x() + bar.get_width() / 2, 0.0, "", ha="center", fontsize="small", color=theme.text
                )
            )
    zero_line = margin_ax.axhline(0, color=theme.muted_text, linewidth=1)
    margin_ax.set_xticks(range(len(practices)), names)
    margin_ax.set_ylabel("$ thousand per year")
    margin_ax.set_title(f"Group's result\n({paid} pay)", loc="left")
    margin_ax.legend(loc="upper left", frameon=False, fontsize="small", ncols=1)
    margin_ax.spines[["top", "right"]].set_visible(False)
    revenue_top, low, high = _panel_limits(result)
    artists = PanelArtists(
        revenue_ax,
        margin_ax,
        _panel_shape(result),
        revenue_bars,
        revenue_labels,
        margin_bars,
        margin_labels,
        zero_line,
        sticky_limit(None, revenue_top),
        sticky_span(None, low, high),
    )
    revenue_ax.set_ylim(0, artists.revenue_top)
    margin_ax.set_ylim(*artists.margin_span)
    _place_panel(artists, result)
    return artists


def update_panel(artists: PanelArtists, result: PanelTabResult) -> bool:
    """Move the panel chart to ``result`` in place; ``False`` if it needs drawing again (other practices, flat or
    risk-adjusted pay, another chosen arrangement)."""
    if _panel_shape(result) != artists.shape:
        return False
    revenue_top, low, high = _panel_limits(result)
    top = sticky_limit(artists.revenue_top, revenue_top)
    if top != artists.revenue_top:
        artists.revenue_top = top
        artists.revenue_ax.set_ylim(0, top)
    span = sticky_span(artists.margin_span, low, high)
    if span != artists.margin_span:
        artists.margin_span = span
        artists.margin_ax.set_ylim(*span)
    _place_panel(artists, result)
    return True


def _place_panel(artists: PanelArtists, result: PanelTabResult) -> None:
    revenue = [v for _, values in _panel_series(result) for v in values]
    for bar, text, value in zip(artists.revenue_bars, artists.revenue_labels, revenue, strict=True):
        bar.set_height(value / 1e6)
        text.set_y(value / 1e6)
        text.set_text(f"{value / 1e6:.1f}")
    margins = [v for row in _panel_margins(result) for v in row]
    for bar, text, value in zip(artists.margin_bars, artists.margin_labels, margins, strict=True):
        bar.set_height(value / 1e3)
        text.set_y(value / 1e3 if value >= 0 else 0.0)
        text.set_verticalalignment("bottom" if value >= 0 else "top")
        text.set_text(f"{value / 1e3:,.0f}")


@dataclass
class RegionArtists:
    """The regions chart's artists: one bar per region and method."""

    ax: Any
    shape: tuple[Any, ...]
    bars: list[list[Any]]  # per method column
    top: float

    @property
    def axes(self) -> tuple[Any, ...]:
        return (self.ax,)

    def moving(self) -> list[Any]:
        return [bar for column in self.bars for bar in column]

    def scale(self) -> list[Any]:
        return [self.ax.yaxis]


def _region_columns(by_method: pd.DataFrame) -> list[str]:
    return [c for c in BY_METHOD_SERIES if c in by_method.columns]


def _region_values(by_method: pd.DataFrame) -> list[list[float]]:
    return [[float(v) for v in by_method[c]] for c in _region_columns(by_method)]


def _region_top(values: list[list[float]]) -> float:
    finite = [v for column in values for v in column if v == v]
    return max(finite, default=1.0) * 1.3


def draw_regions(
    ax: Any, by_method: pd.DataFrame, theme: ThemeColors, *, selected: str = "needs"
) -> RegionArtists:
    """Grouped bars: each region's allocation per person under each method. Returns the artists (see
    :func:`update_regions`)."""
    ax.clear()
    regions = list(by_method["region"])
    columns = _region_columns(by_method)
    values = _region_values(by_method)
    width = 0.8 / len(columns)
    bars_by_column = []
    for index, column in enumerate(columns):
        colour, hatch = _series(theme, index)
        xs = [i + (index - (len(columns) - 1) / 2) * width for i in range(len(regions))]
        emphasis = column == selected or (selected == "needs" and column.startswith("needs"))
        bars = ax.bar(
            xs,
            values[index],
            width,
            color=colour,
            hatch=hatch,
            edgecolor=theme.text if emphasis else theme.base,
            linewidth=1.4 if emphasis else 0.8,
            label=BY_METHOD_SERIES[column],
        )
        for bar in bars:
            bar.set_gid(f"region:{column}")
        bars_by_column.append(list(bars))
    ax.set_xticks(range(len(regions)), [r.replace(" ", "\n", 1) for r in regions])
    ax.set_ylabel("$ per person per year")
    ax.set_title("Allocation per person under each method", loc="left")
    top = sticky_limit(None, _region_top(values))
    ax.set_ylim(0, top)
    ax.yaxis.set_major_formatter(_dollar_formatter())
    ax.legend(loc="upper left", ncols=2, frameon=False, fontsize="small")
    ax.spines[["top", "right"]].set_visible(False)
    return RegionArtists(ax, (tuple(regions), tuple(columns), selected), bars_by_column, top)


def update_regions(artists: RegionArtists, by_method: pd.DataFrame, *, selected: str = "needs") -> bool:
    """Move the bars to ``by_method`` in place; ``False`` if other regions, methods or emphasis need a redraw."""
    if (tuple(by_method["region"]), tuple(_region_columns(by_method)), selected) != artists.shape:
        return False
    values = _region_values(by_method)
    top = sticky_limit(artists.top, _region_top(values))
    if top != artists.top:
        artists.top = top
        artists.ax.set_ylim(0, top)
    for bars, column_values in zip(artists.bars, values, strict=True):
        for bar, value in zip(bars, column_values, strict=True):
            bar.set_height(value)
    return True


def _dollar_formatter() -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _pos: f"${value:,.0f}")
