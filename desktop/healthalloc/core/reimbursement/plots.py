"""Charts for the reimbursement page, drawn on an ``Axes`` they are given (no pyplot, no Qt).

Colour is never the only cue: bars carry hatches, lines carry markers and dash patterns, and every chart has a
legend or direct labels. Every chart can be updated in place (bar heights, line data, label text) while a slider
is dragged; the ``update_*`` functions return ``False`` when the shape changed and the chart must be redrawn.
Each ``*Artists`` names what moves (``moving()``) and the axes whose ticks follow the data (``scale()``), so a view
can repaint just those over a saved background (:class:`healthalloc.core.blit.BlitLayer`). Value axes end on round
numbers (:func:`nice_limits`), so a small change moves the bars, not the scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from healthalloc.core.live_chart import KEEP_WHILE_FILLED, nice_ceiling
from healthalloc.core.palette import HATCHES, ThemeColors

if TYPE_CHECKING:
    from healthalloc.core.reimbursement.drg import DrgPayment
    from healthalloc.core.reimbursement.fee_schedule import FeeComparison

# A DataFrame, or the same columns as plain lists (``comparison_columns``, ``sweep_columns``): both index by name.
Columns = Any

BAR_SERIES: tuple[tuple[str, str], ...] = (
    ("provider_revenue", "Paid (= payer's cost)"),
    ("provider_cost", "Provider's cost"),
    ("provider_margin", "Provider's margin"),
)
# Hatches of the three bar series. Dotted and cross hatches read as well but cost Agg three to four times as much
# to paint, and these bars are repainted on every step of a dragged slider.
BAR_HATCHES: tuple[str, ...] = ("", "//", "\\\\")
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P")
DASHES: tuple[Any, ...] = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (3, 1, 1, 1, 1, 1)))
SHORT_NAMES: dict[str, str] = {
    "Fee-for-service": "Fee-for-\nservice",
    "Per case (DRG-style)": "Per case",
    "Bundled episode": "Bundle",
    "Capitation": "Capitation",
    "Pay for performance (MIPS)": "Pay for\nperformance",
    "Shared savings (MSSP)": "Shared\nsavings",
}


def money_label(value: float, _position: object = None) -> str:
    """Axis tick text: ``$1.2M``, ``$350k``, ``−$40k``, ``$95``."""
    sign = "−" if value < 0 else ""
    size = abs(value)
    if size >= 1e9:
        return f"{sign}${size / 1e9:.3g}B"
    if size >= 1e6:
        return f"{sign}${size / 1e6:.3g}M"
    if size >= 1e3:
        return f"{sign}${size / 1e3:.3g}k"
    return f"{sign}${size:.0f}"


def _money_axis(axis: Any) -> None:
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(money_label))


def _style(ax: Any, theme: ThemeColors) -> None:
    ax.set_facecolor(theme.base)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(True, axis="y", color=theme.border, linewidth=0.6)
    ax.set_axisbelow(True)


def _legend_above(ax: Any, columns: int) -> None:
    """A legend above the plot, outside the axes: it never covers data and is seen before the bars are read
    (a legend below fell under the fold of a 1280×800 window). Needs a constrained-layout figure."""
    figure = ax.get_figure()
    if figure.get_layout_engine() is not None:
        figure.legend(*ax.get_legend_handles_labels(), loc="outside upper center", ncols=columns, frameon=False)
    else:
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.02), ncols=columns, frameon=False)


def steady_limits(
    current: tuple[float, float], low: float, high: float, *, pad_zero: bool = False
) -> tuple[float, float]:
    """:func:`nice_limits` for the data, unless the ``current`` limits already hold them and the data fill at least
    40% of them: while a slider is dragged the bars then move against a steady scale, which changes in a few clear
    steps rather than on every move."""
    new = nice_limits(low, high, pad_zero=pad_zero)
    bottom, top = current
    if bottom <= new[0] and new[1] <= top and new[1] - new[0] >= KEEP_WHILE_FILLED * (top - bottom):
        return bottom, top
    return new


def nice_limits(low: float, high: float, *, pad_zero: bool = False) -> tuple[float, float]:
    """Axis limits holding ``low``..``high`` and zero, padded by 8% of the range and rounded outwards to
    :func:`nice_ceiling` numbers; with ``pad_zero`` a limit at zero is padded too (lines drawn on the axis)."""
    low, high = min(0.0, low), max(0.0, high)
    pad = (high - low) * 0.08 or 1.0
    top = nice_ceiling(high + pad) if high > 0 or pad_zero else 0.0
    bottom = -nice_ceiling(pad - low) if low < 0 or pad_zero else 0.0
    if top == bottom == 0.0:
        top = nice_ceiling(pad)
    return bottom, top


class OneAxes:
    """Artists drawn on one ``ax``: what :class:`healthalloc.core.live_chart.LiveChart` needs to find them."""

    ax: Any

    @property
    def axes(self) -> tuple[Any, ...]:
        return (self.ax,)


@dataclass
class BarArtists(OneAxes):
    models: tuple[str, ...]
    containers: list[Any]
    ax: Any
    zero_line: Any = None

    def moving(self) -> list[Any]:
        return [bar for bars in self.containers for bar in bars] + ([self.zero_line] if self.zero_line else [])

    def scale(self) -> list[Any]:
        return [self.ax.yaxis]


def draw_comparison_bars(ax: Any, frame: Columns, theme: ThemeColors) -> BarArtists:
    """Grouped bars: payment, cost and margin for each model (:func:`compare_models` or its columns)."""
    _style(ax, theme)
    models = tuple(frame["model"])
    count = len(BAR_SERIES)
    width = 0.8 / count
    containers = []
    for i, (column, label) in enumerate(BAR_SERIES):
        xs = [m + (i - (count - 1) / 2) * width for m in range(len(models))]
        bars = ax.bar(
            xs,
            list(frame[column]),
            width,
            label=label,
            color=theme.chart_series[i],
            hatch=BAR_HATCHES[i],
            edgecolor=theme.base,
            linewidth=0.8,
        )
        containers.append(bars)
    zero_line = ax.axhline(0, color=theme.muted_text, linewidth=0.8)
    ax.set_xticks(range(len(models)), [SHORT_NAMES.get(m, m) for m in models])
    _money_axis(ax.yaxis)
    ax.set_ylabel("Dollars per year")
    ax.set_title("Same care, six ways to pay", loc="left")
    _legend_above(ax, 3)
    _rescale(ax, frame)
    return BarArtists(models, containers, ax, zero_line)


def _rescale(ax: Any, frame: Columns, *, steady: bool = False) -> None:
    values = [float(v) for column, _ in BAR_SERIES for v in frame[column]]
    low, high = min(values), max(values)
    ax.set_ylim(*(steady_limits(ax.get_ylim(), low, high) if steady else nice_limits(low, high)))


def update_comparison_bars(artists: BarArtists, frame: Columns) -> bool:
    """Move the bars to ``frame``'s values; ``False`` if the models differ (redraw instead)."""
    if tuple(frame["model"]) != artists.models:
        return False
    for (column, _), bars in zip(BAR_SERIES, artists.containers, strict=True):
        for bar, value in zip(bars, frame[column], strict=True):
            bar.set_height(float(value))
    _rescale(artists.ax, frame, steady=True)
    return True


@dataclass
class LineArtists(OneAxes):
    models: tuple[str, ...]
    lines: list[Any]
    ax: Any
    zero_line: Any = None

    def moving(self) -> list[Any]:
        return [*self.lines, *([self.zero_line] if self.zero_line else [])]

    def scale(self) -> list[Any]:
        return [self.ax.yaxis]


def draw_margin_curves(ax: Any, sweep: Columns, theme: ThemeColors) -> LineArtists:
    """Provider margin against the change in services per patient, one line per model (:func:`utilisation_sweep`
    or its columns)."""
    _style(ax, theme)
    ax.grid(True, axis="x", color=theme.border, linewidth=0.6)
    models = tuple(c for c in sweep if c != "change")
    xs = [100 * c for c in sweep["change"]]
    lines = []
    for i, model in enumerate(models):
        (line,) = ax.plot(
            xs,
            list(sweep[model]),
            label=model,
            color=theme.chart_series[i % len(theme.chart_series)],
            linestyle=DASHES[i % len(DASHES)],
            marker=MARKERS[i % len(MARKERS)],
            markersize=5,
            markevery=(i % 4, 4),
        )
        lines.append(line)
    zero_line = ax.axhline(0, color=theme.muted_text, linewidth=0.8)
    ax.axvline(0, color=theme.muted_text, linewidth=0.8, linestyle=":")
    _money_axis(ax.yaxis)
    ax.set_xlabel("Change in services per patient (%)")
    ax.set_ylabel("Provider's margin")
    ax.set_title("Margin as use rises: the slope is the incentive", loc="left")
    _legend_above(ax, 3)
    _rescale_lines(ax, sweep, models)
    return LineArtists(models, lines, ax, zero_line)


def _rescale_lines(ax: Any, sweep: Columns, models: Sequence[str], *, steady: bool = False) -> None:
    values = [float(v) for m in models for v in sweep[m]]
    low, high = min(values), max(values)
    if steady:
        ax.set_ylim(*steady_limits(ax.get_ylim(), low, high, pad_zero=True))
    else:
        ax.set_ylim(*nice_limits(low, high, pad_zero=True))
    ax.set_xlim(100 * float(min(sweep["change"])), 100 * float(max(sweep["change"])))


def update_margin_curves(artists: LineArtists, sweep: Columns) -> bool:
    """Move the lines to ``sweep``'s margins; ``False`` if the models differ (redraw instead)."""
    models = tuple(c for c in sweep if c != "change")
    if models != artists.models:
        return False
    xs = [100 * c for c in sweep["change"]]
    for line, model in zip(artists.lines, models, strict=True):
        line.set_data(xs, list(sweep[model]))
    _rescale_lines(artists.ax, sweep, models, steady=True)
    return True


def fee_parts(comparison: FeeComparison) -> list[tuple[str, tuple[float, float, float]]]:
    """Dollar value of the work, practice-expense and malpractice parts of each priced fee."""
    from healthalloc.core.reimbursement.fee_schedule import PhysicianFee

    def parts(fee: PhysicianFee) -> tuple[float, float, float]:
        cf = fee.conversion_factor
        return (fee.work_rvu * fee.gpci[0] * cf, fee.pe_rvu * fee.gpci[1] * cf, fee.mp_rvu * fee.gpci[2] * cf)

    rows = [(comparison.primary_label, parts(comparison.primary))]
    if comparison.other is not None:
        rows.append((comparison.other_label, parts(comparison.other)))
    return rows


@dataclass
class PartsArtists(OneAxes):
    """Stacked horizontal bars with a total at the end of each row (the fee and DRG charts)."""

    ax: Any
    bars: list[Any]  # part by part, row by row, in drawing order
    totals: list[Any]
    rows: tuple[str, ...]  # the row labels: a chart with other rows is drawn afresh

    def moving(self) -> list[Any]:
        return [*self.bars, *self.totals]

    def scale(self) -> list[Any]:
        return [self.ax.xaxis]


def _total_label(ax: Any, value: float, y: float, text: str, theme: ThemeColors) -> Any:
    return ax.text(
        value,
        y,
        text,
        va="center",
        ha="left",
        color=theme.text,
        fontweight="bold",
        bbox={"facecolor": theme.base, "edgecolor": "none", "pad": 1},
    )


def _fee_rows(comparison: FeeComparison) -> tuple[tuple[str, ...], list[tuple[float, float, float]]]:
    import textwrap

    rows = fee_parts(comparison)
    return tuple(textwrap.fill(label.rsplit(", ", 1)[-1], 24) for label, _ in rows), [values for _, values in rows]


def draw_fee_parts(ax: Any, comparison: FeeComparison, theme: ThemeColors) -> PartsArtists:
    """Horizontal stacked bars: what the work, practice expense and malpractice parts pay in each locality."""
    _style(ax, theme)
    ax.grid(False, axis="y")
    ax.grid(True, axis="x", color=theme.border, linewidth=0.6)
    labels, parts = _fee_rows(comparison)
    names = ("Physician work", "Practice expense", "Malpractice")
    left = [0.0] * len(parts)
    bars: list[Any] = []
    for i, name in enumerate(names):
        widths = [values[i] for values in parts]
        container = ax.barh(
            range(len(parts)),
            widths,
            left=left,
            height=0.5,
            label=name,
            color=theme.chart_series[i],
            hatch=HATCHES[i],
            edgecolor=theme.base,
        )
        bars.extend(container)
        left = [a + b for a, b in zip(left, widths, strict=True)]
    totals = [_total_label(ax, total, y, f"  ${total:,.2f}", theme) for y, total in enumerate(left)]
    ax.set_yticks(range(len(parts)), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, max(left) * 1.25)
    _money_axis(ax.xaxis)
    ax.set_title("What each part of the fee pays", loc="left")
    _legend_above(ax, 3)
    return PartsArtists(ax, bars, totals, labels)


def update_fee_parts(artists: PartsArtists, comparison: FeeComparison) -> bool:
    """Move the fee chart to ``comparison``; ``False`` if the localities differ (redraw instead)."""
    labels, parts = _fee_rows(comparison)
    if labels != artists.rows:
        return False
    left = [0.0] * len(parts)
    bars = iter(artists.bars)
    for i in range(3):
        for row, values in enumerate(parts):
            bar = next(bars)
            bar.set_x(left[row])
            bar.set_width(values[i])
            left[row] += values[i]
    for y, (label, total) in enumerate(zip(artists.totals, left, strict=True)):
        label.set_position((total, y))
        label.set_text(f"  ${total:,.2f}")
    artists.ax.set_xlim(0, max(left) * 1.25)
    return True


def _drg_rows(result: DrgPayment) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    parts = [
        ("Operating", result.operating_payment),
        ("Capital", result.capital_payment),
        ("Outlier", result.outlier_payment),
    ]
    totals = [("Medicare pays", sum(value for _, value in parts))]
    if result.case_cost is not None:
        totals.append(("Hospital's cost", result.case_cost))
    return parts, totals


def draw_drg_parts(ax: Any, result: DrgPayment, theme: ThemeColors) -> PartsArtists:
    """The payment for the stay, part by part, against the hospital's cost."""
    _style(ax, theme)
    parts, rows = _drg_rows(result)
    bars: list[Any] = []
    left = 0.0
    for i, (name, value) in enumerate(parts):
        bars.extend(
            ax.barh(
                [0],
                [value],
                left=left,
                height=0.45,
                label=name,
                color=theme.chart_series[i],
                hatch=HATCHES[i],
                edgecolor=theme.base,
            )
        )
        left += value
    if result.case_cost is not None:
        bars.extend(
            ax.barh(
                [1],
                [result.case_cost],
                height=0.45,
                label="Hospital's cost",
                color=theme.chart_series[5],
                hatch=HATCHES[4],
                edgecolor=theme.base,
            )
        )
    totals = [_total_label(ax, value, y, f"  ${value:,.0f}", theme) for y, (_, value) in enumerate(rows)]
    ax.set_yticks(range(len(rows)), [name for name, _ in rows])
    ax.invert_yaxis()
    ax.grid(False, axis="y")
    ax.grid(True, axis="x", color=theme.border, linewidth=0.6)
    ax.set_xlim(0, max(v for _, v in rows) * 1.25 or 1.0)
    _money_axis(ax.xaxis)
    ax.set_title("One stay: what Medicare pays and what it costs", loc="left")
    _legend_above(ax, 4)
    return PartsArtists(ax, bars, totals, tuple(name for name, _ in rows))


def update_drg_parts(artists: PartsArtists, result: DrgPayment) -> bool:
    """Move the DRG chart to ``result``; ``False`` if the hospital's cost appeared or went (redraw instead)."""
    parts, rows = _drg_rows(result)
    if tuple(name for name, _ in rows) != artists.rows:
        return False
    left = 0.0
    for bar, (_, value) in zip(artists.bars, parts, strict=False):
        bar.set_x(left)
        bar.set_width(value)
        left += value
    if result.case_cost is not None:
        artists.bars[3].set_width(result.case_cost)
    for y, (label, (_, value)) in enumerate(zip(artists.totals, rows, strict=True)):
        label.set_position((value, y))
        label.set_text(f"  ${value:,.0f}")
    artists.ax.set_xlim(0, max(v for _, v in rows) * 1.25 or 1.0)
    return True


@dataclass
class CurveArtists(OneAxes):
    """A payment rule's line and the "You are here" marker (:func:`draw_curve`)."""

    ax: Any
    line: Any
    marker: Any
    zero_line: Any
    legend: Any

    def moving(self) -> list[Any]:
        return [self.zero_line, self.line, self.marker, self.legend]

    def scale(self) -> list[Any]:
        return [self.ax.xaxis, self.ax.yaxis]


def draw_curve(
    ax: Any,
    xs: Sequence[float],
    ys: Sequence[float],
    *,
    current: tuple[float, float],
    theme: ThemeColors,
    title: str,
    xlabel: str,
    ylabel: str,
    x_money: bool = True,
    y_format: str = "money",
    current_label: str = "You are here",
) -> CurveArtists:
    """A payment rule as a line (e.g. settlement against spending) with the current inputs marked."""
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    _style(ax, theme)
    ax.grid(True, axis="x", color=theme.border, linewidth=0.6)
    (line,) = ax.plot(list(xs), list(ys), color=theme.accent, linewidth=theme.chart_line_width * 1.3)
    zero_line = ax.axhline(0, color=theme.muted_text, linewidth=0.8)
    (marker,) = ax.plot(
        [current[0]],
        [current[1]],
        marker="o",
        markersize=9,
        color=theme.chart_series[5],
        markeredgecolor=theme.text,
        linestyle="none",
        label=current_label,
    )
    # A legend entry rather than an annotation: loc="best" keeps it clear of the line.
    legend = ax.legend(loc="best", frameon=True)
    if x_money:
        _money_axis(ax.xaxis)
    if y_format == "money":
        _money_axis(ax.yaxis)
    elif y_format == "percent":
        ax.yaxis.set_major_locator(MultipleLocator(0.03))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v * 100:+.0f}%".replace("-", "−")))
    ax.set_title(title, loc="left")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    artists = CurveArtists(ax, line, marker, zero_line, legend)
    _rescale_curve(artists, ys, current)
    return artists


def _rescale_curve(
    artists: CurveArtists, ys: Sequence[float], current: tuple[float, float], *, steady: bool = False
) -> None:
    """x: the curve's span (matplotlib's margins); y: round limits holding the curve, the marker and zero."""
    ax = artists.ax
    ax.relim()
    ax.autoscale_view(scaley=False)
    low, high = min(*ys, current[1]), max(*ys, current[1])
    ax.set_ylim(
        *(
            steady_limits(ax.get_ylim(), low, high, pad_zero=True)
            if steady
            else nice_limits(low, high, pad_zero=True)
        )
    )


def update_curve(
    artists: CurveArtists, xs: Sequence[float], ys: Sequence[float], *, current: tuple[float, float]
) -> bool:
    """Move the line and the marker; the x axis follows the curve and the y axis keeps its scale while it fits."""
    artists.line.set_data(list(xs), list(ys))
    artists.marker.set_data([current[0]], [current[1]])
    _rescale_curve(artists, ys, current, steady=True)
    return True
