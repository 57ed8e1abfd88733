"""Charts for the capitation calculator. Each takes the Axes it draws on (no pyplot, no Qt).

Colour is never the only carrier of meaning: every series also has a hatch, and bars carry direct labels where
they fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from healthalloc.core.capitation.hcc import ItemKind, RiskScore
from healthalloc.core.capitation.panel import ARRANGEMENTS
from healthalloc.core.capitation.regions import METHODS
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


def draw_risk_score(ax: Any, scores: Sequence[RiskScore], theme: ThemeColors, *, title: str = "") -> None:
    """One horizontal stacked bar per score (e.g. V24 and V28 for the same member), one segment per item.

    Each segment's gid is ``"<model>:<code>"`` so tests and the text alternative can find it.
    """
    ax.clear()
    labels = []
    widest = max((s.total for s in scores), default=1.0)
    for row, score in enumerate(scores):
        y = len(scores) - 1 - row
        labels.append((y, f"{score.model}"))
        left = 0.0
        for item in score.items:
            colour, hatch = _series(theme, _KIND_STYLE[item.kind])
            (patch,) = ax.barh(
                y,
                item.coefficient,
                left=left,
                height=0.6,
                color=colour,
                hatch=hatch,
                edgecolor=theme.base,
                linewidth=1.2,
            )
            patch.set_gid(f"{score.model}:{item.code}")
            # A label needs room for its longest line (about 0.012 of the axis per character).
            if _label_fits(ax, item.coefficient, max(widest, 1.0) * 1.18, max(len(item.code), 5)):
                ax.text(
                    left + item.coefficient / 2,
                    y,
                    f"{item.code}\n{item.coefficient:.3f}",
                    ha="center",
                    va="center",
                    color=_ink(colour),
                    fontsize="small",
                    bbox={"boxstyle": "round,pad=0.1", "facecolor": colour, "edgecolor": "none"}
                    if hatch
                    else None,
                )
            left += item.coefficient
        ax.text(left, y, f"  {score.total:.3f}", ha="left", va="center", fontweight="bold", color=theme.text)
    ax.set_yticks([y for y, _ in labels], [text for _, text in labels])
    ax.axvline(1.0, color=theme.muted_text, linestyle="--", linewidth=1)
    ax.text(1.0, len(scores) - 0.35, " average = 1.0", color=theme.muted_text, fontsize="small", va="bottom")
    ax.set_xlim(0, max(widest, 1.0) * 1.18)
    ax.set_ylim(-0.5, len(scores) - 0.05)
    ax.set_xlabel("Risk score (1.0 = average beneficiary)")
    ax.spines[["top", "right"]].set_visible(False)
    kinds = [k for k in KIND_LABELS if any(i.kind == k and i.coefficient > 0 for s in scores for i in s.items)]
    handles = []
    for kind in kinds:
        colour, hatch = _series(theme, _KIND_STYLE[kind])
        handles.append(_legend_patch(colour, hatch, theme, KIND_LABELS[kind]))
    # Four legend columns fit a wide chart; a narrow one (or the projector's large type) gets two rows.
    needed = sum(len(h.get_label()) + 5 for h in handles) * 0.62 * _font_px(ax)
    wide = _axes_width_px(ax) >= needed
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=4 if wide else 2, frameon=False)
    if title:
        ax.set_title(title, loc="left")


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


def draw_panel(axes: Sequence[Any], result: PanelTabResult, theme: ThemeColors) -> None:
    """Left: each practice's yearly revenue (flat and risk-adjusted) against its cost. Right: the group's result
    under each risk-sharing arrangement, the chosen one outlined."""
    revenue_ax, margin_ax = axes
    revenue_ax.clear()
    margin_ax.clear()
    practices = list(result.practices)
    names = [f"Practice {p.upper()}" for p in practices]
    series = (
        ("Flat capitation", [result.flat[p].annual_capitation for p in practices]),
        ("Risk-adjusted capitation", [result.adjusted[p].annual_capitation for p in practices]),
        ("Actual cost", [result.practices[p].actual_cost for p in practices]),
    )
    width = 0.26
    for index, (label, values) in enumerate(series):
        colour, hatch = _series(theme, index)
        xs = [i + (index - 1) * width for i in range(len(practices))]
        bars = revenue_ax.bar(
            xs, [v / 1e6 for v in values], width, color=colour, hatch=hatch, edgecolor=theme.base, label=label
        )
        for bar, value in zip(bars, values, strict=True):
            bar.set_gid(f"revenue:{label}")
            revenue_ax.text(
                bar.get_x() + bar.get_width() / 2,
                bar.get_height(),
                f"{value / 1e6:.1f}",
                ha="center",
                va="bottom",
                fontsize="small",
                color=theme.text,
            )
    revenue_ax.set_xticks(range(len(practices)), names)
    revenue_ax.set_ylabel("$ million per year")
    revenue_ax.set_title("Revenue and cost\n(per year)", loc="left")
    revenue_ax.legend(loc="upper left", frameon=False, fontsize="small")
    top = max(max(v for _, values in series for v in values) / 1e6, 0.1)
    revenue_ax.set_ylim(0, top * 1.35)
    revenue_ax.spines[["top", "right"]].set_visible(False)

    paid = "risk-adjusted" if result.risk_adjusted else "flat"
    width = 0.26
    for index, key in enumerate(ARRANGEMENTS):
        colour, hatch = _series(theme, 4 + index)
        values = [result.practices[p].arrangements[key].provider_margin for p in practices]
        xs = [i + (index - 1) * width for i in range(len(practices))]
        chosen = key == result.practices[practices[0]].arrangement
        bars = margin_ax.bar(
            xs,
            [v / 1e3 for v in values],
            width,
            color=colour,
            hatch=hatch,
            edgecolor=theme.text if chosen else theme.base,
            linewidth=2.0 if chosen else 0.8,
            label=ARRANGEMENTS[key] + (" (chosen)" if chosen else ""),
        )
        for bar, value in zip(bars, values, strict=True):
            bar.set_gid(f"margin:{key}")
            margin_ax.text(
                bar.get_x() + bar.get_width() / 2,
                bar.get_height() if value >= 0 else bar.get_y(),
                f"{value / 1e3:,.0f}",
                ha="center",
                va="bottom" if value >= 0 else "top",
                fontsize="small",
                color=theme.text,
            )
    margin_ax.axhline(0, color=theme.muted_text, linewidth=1)
    margin_ax.set_xticks(range(len(practices)), names)
    margin_ax.set_ylabel("$ thousand per year")
    margin_ax.set_title(f"Group's result\n({paid} pay)", loc="left")
    low, high = margin_ax.get_ylim()
    span = max(high - low, 1.0)
    margin_ax.set_ylim(min(low, 0) - 0.12 * span, max(high, 0) + 0.3 * span)
    margin_ax.legend(loc="upper left", frameon=False, fontsize="small", ncols=1)
    margin_ax.spines[["top", "right"]].set_visible(False)


def draw_regions(ax: Any, by_method: pd.DataFrame, theme: ThemeColors, *, selected: str = "needs") -> None:
    """Grouped bars: each region's allocation per person under each method."""
    ax.clear()
    regions = list(by_method["region"])
    columns = [c for c in BY_METHOD_SERIES if c in by_method.columns]
    width = 0.8 / len(columns)
    for index, column in enumerate(columns):
        colour, hatch = _series(theme, index)
        xs = [i + (index - (len(columns) - 1) / 2) * width for i in range(len(regions))]
        emphasis = column == selected or (selected == "needs" and column.startswith("needs"))
        bars = ax.bar(
            xs,
            list(by_method[column]),
            width,
            color=colour,
            hatch=hatch,
            edgecolor=theme.text if emphasis else theme.base,
            linewidth=1.4 if emphasis else 0.8,
            label=BY_METHOD_SERIES[column],
        )
        for bar in bars:
            bar.set_gid(f"region:{column}")
    ax.set_xticks(range(len(regions)), [r.replace(" ", "\n", 1) for r in regions])
    ax.set_ylabel("$ per person per year")
    ax.set_title("Allocation per person under each method", loc="left")
    values = [float(v) for c in columns for v in by_method[c] if v == v]
    ax.set_ylim(0, max(values, default=1.0) * 1.3)
    ax.yaxis.set_major_formatter(_dollar_formatter())
    ax.legend(loc="upper left", ncols=2, frameon=False, fontsize="small")
    ax.spines[["top", "right"]].set_visible(False)


def _dollar_formatter() -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _pos: f"${value:,.0f}")
