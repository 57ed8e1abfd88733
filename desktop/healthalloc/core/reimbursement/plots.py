"""Charts for the reimbursement page, drawn on an ``Axes`` they are given (no pyplot, no Qt).

Colour is never the only cue: bars carry hatches, lines carry markers and dash patterns, and every chart has a
legend or direct labels. The two comparison charts can be updated in place (bar heights, line data) while a slider
is dragged; the ``update_*`` functions return ``False`` when the shape changed and the chart must be redrawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from healthalloc.core.palette import HATCHES, ThemeColors

if TYPE_CHECKING:
    import pandas as pd

    from healthalloc.core.reimbursement.drg import DrgPayment
    from healthalloc.core.reimbursement.fee_schedule import FeeComparison

BAR_SERIES: tuple[tuple[str, str], ...] = (
    ("provider_revenue", "Paid (= payer's cost)"),
    ("provider_cost", "Provider's cost"),
    ("provider_margin", "Provider's margin"),
)
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


@dataclass
class BarArtists:
    models: tuple[str, ...]
    containers: list[Any]
    ax: Any


def draw_comparison_bars(ax: Any, frame: pd.DataFrame, theme: ThemeColors) -> BarArtists:
    """Grouped bars: payment, cost and margin for each model (rows of :func:`compare_models`)."""
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
            hatch=HATCHES[i + 1] if i else "",
            edgecolor=theme.base,
            linewidth=0.8,
        )
        containers.append(bars)
    ax.axhline(0, color=theme.muted_text, linewidth=0.8)
    ax.set_xticks(range(len(models)), [SHORT_NAMES.get(m, m) for m in models])
    _money_axis(ax.yaxis)
    ax.set_ylabel("Dollars per year")
    ax.set_title("Same care, six ways to pay", loc="left")
    _legend_above(ax, 3)
    _rescale(ax, frame)
    return BarArtists(models, containers, ax)


def _rescale(ax: Any, frame: pd.DataFrame) -> None:
    values = [v for column, _ in BAR_SERIES for v in frame[column]]
    low, high = min(0.0, *values), max(0.0, *values)
    pad = (high - low) * 0.08 or 1.0
    ax.set_ylim(low - (pad if low < 0 else 0), high + pad)


def update_comparison_bars(artists: BarArtists, frame: pd.DataFrame) -> bool:
    """Move the bars to ``frame``'s values; ``False`` if the models differ (redraw instead)."""
    if tuple(frame["model"]) != artists.models:
        return False
    for (column, _), bars in zip(BAR_SERIES, artists.containers, strict=True):
        for bar, value in zip(bars, frame[column], strict=True):
            bar.set_height(float(value))
    _rescale(artists.ax, frame)
    return True


@dataclass
class LineArtists:
    models: tuple[str, ...]
    lines: list[Any]
    ax: Any


def draw_margin_curves(ax: Any, sweep: pd.DataFrame, theme: ThemeColors) -> LineArtists:
    """Provider margin against the change in services per patient, one line per model."""
    _style(ax, theme)
    ax.grid(True, axis="x", color=theme.border, linewidth=0.6)
    models = tuple(c for c in sweep.columns if c != "change")
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
    ax.axhline(0, color=theme.muted_text, linewidth=0.8)
    ax.axvline(0, color=theme.muted_text, linewidth=0.8, linestyle=":")
    _money_axis(ax.yaxis)
    ax.set_xlabel("Change in services per patient (%)")
    ax.set_ylabel("Provider's margin")
    ax.set_title("Margin as use rises: the slope is the incentive", loc="left")
    _legend_above(ax, 3)
    _rescale_lines(ax, sweep, models)
    return LineArtists(models, lines, ax)


def _rescale_lines(ax: Any, sweep: pd.DataFrame, models: Sequence[str]) -> None:
    values = [float(v) for m in models for v in sweep[m]]
    low, high = min(0.0, *values), max(0.0, *values)
    pad = (high - low) * 0.08 or 1.0
    ax.set_ylim(low - pad, high + pad)
    ax.set_xlim(100 * float(sweep["change"].min()), 100 * float(sweep["change"].max()))


def update_margin_curves(artists: LineArtists, sweep: pd.DataFrame) -> bool:
    models = tuple(c for c in sweep.columns if c != "change")
    if models != artists.models:
        return False
    xs = [100 * c for c in sweep["change"]]
    for line, model in zip(artists.lines, models, strict=True):
        line.set_data(xs, list(sweep[model]))
    _rescale_lines(artists.ax, sweep, models)
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


def draw_fee_parts(ax: Any, comparison: FeeComparison, theme: ThemeColors) -> None:
    """Horizontal stacked bars: what the work, practice expense and malpractice parts pay in each locality."""
    import textwrap

    _style(ax, theme)
    ax.grid(False, axis="y")
    ax.grid(True, axis="x", color=theme.border, linewidth=0.6)
    rows = fee_parts(comparison)
    names = ("Physician work", "Practice expense", "Malpractice")
    labels = [textwrap.fill(label.rsplit(", ", 1)[-1], 24) for label, _ in rows]
    left = [0.0] * len(rows)
    for i, name in enumerate(names):
        widths = [values[i] for _, values in rows]
        ax.barh(
            range(len(rows)),
            widths,
            left=left,
            height=0.5,
            label=name,
            color=theme.chart_series[i],
            hatch=HATCHES[i],
            edgecolor=theme.base,
        )
        left = [a + b for a, b in zip(left, widths, strict=True)]
    for y, total in enumerate(left):
        ax.text(
            total,
            y,
            f"  ${total:,.2f}",
            va="center",
            ha="left",
            color=theme.text,
            fontweight="bold",
            bbox={"facecolor": theme.base, "edgecolor": "none", "pad": 1},
        )
    ax.set_yticks(range(len(rows)), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, max(left) * 1.25)
    _money_axis(ax.xaxis)
    ax.set_title("What each part of the fee pays", loc="left")
    _legend_above(ax, 3)


def draw_drg_parts(ax: Any, result: DrgPayment, theme: ThemeColors) -> None:
    """The payment for the stay, part by part, against the hospital's cost."""
    _style(ax, theme)
    parts = [
        ("Operating", result.operating_payment),
        ("Capital", result.capital_payment),
        ("Outlier", result.outlier_payment),
    ]
    left = 0.0
    for i, (name, value) in enumerate(parts):
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
        left += value
    bars = [("Medicare pays", left)]
    if result.case_cost is not None:
        ax.barh(
            [1],
            [result.case_cost],
            height=0.45,
            label="Hospital's cost",
            color=theme.chart_series[5],
            hatch=HATCHES[4],
            edgecolor=theme.base,
        )
        bars.append(("Hospital's cost", result.case_cost))
    for y, (_, value) in enumerate(bars):
        ax.text(
            value,
            y,
            f"  ${value:,.0f}",
            va="center",
            ha="left",
            color=theme.text,
            fontweight="bold",
            bbox={"facecolor": theme.base, "edgecolor": "none", "pad": 1},
        )
    ax.set_yticks(range(len(bars)), [name for name, _ in bars])
    ax.invert_yaxis()
    ax.grid(False, axis="y")
    ax.grid(True, axis="x", color=theme.border, linewidth=0.6)
    ax.set_xlim(0, max(v for _, v in bars) * 1.25 or 1.0)
    _money_axis(ax.xaxis)
    ax.set_title("One stay: what Medicare pays and what it costs", loc="left")
    _legend_above(ax, 4)


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
) -> None:
    """A payment rule as a line (e.g. settlement against spending) with the current inputs marked."""
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    _style(ax, theme)
    ax.grid(True, axis="x", color=theme.border, linewidth=0.6)
    ax.plot(list(xs), list(ys), color=theme.accent, linewidth=theme.chart_line_width * 1.3)
    ax.axhline(0, color=theme.muted_text, linewidth=0.8)
    ax.plot(
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
    ax.legend(loc="best", frameon=True)
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
