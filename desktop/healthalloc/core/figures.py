"""Charts that lessons embed with a ```` ```chart ```` block. Each draws on a Figure it is given (no pyplot)."""

from __future__ import annotations

import importlib
from typing import Any

from healthalloc.core.palette import HATCHES, ThemeColors
from healthalloc.core.table import Table, read_csv

# chart id → "module:function"; each function is ``draw(figure, theme) -> str`` returning a text alternative.
CHARTS: dict[str, str] = {
    "intl-spending": "healthalloc.core.figures:draw_intl_spending",
    "health-dollar": "healthalloc.core.flow:draw_health_dollar_figure",
}


def draw_chart(chart_id: str, figure: Any, theme: ThemeColors) -> str:
    """Draw ``chart_id`` on ``figure``; returns the text alternative (the numbers behind the chart)."""
    try:
        target = CHARTS[chart_id]
    except KeyError:
        raise ValueError(f"unknown chart {chart_id!r}; known charts: {', '.join(sorted(CHARTS))}") from None
    module, _, function = target.partition(":")
    result: str = getattr(importlib.import_module(module), function)(figure, theme)
    return result


def intl_spending_frame() -> Any:
    """WHO GHED 2022: current health expenditure as % of GDP and per person (US$), seven countries."""
    return intl_spending().to_frame()


def intl_spending() -> Table:
    """:func:`intl_spending_frame` without pandas, lowest share of GDP first."""
    from healthalloc.core.resources import data_file

    header, rows = read_csv(data_file("intl_health_spending_2022.csv"))
    rows.sort(key=lambda row: row["current_health_expenditure_pct_gdp"])
    return Table.from_records(rows, header)


def draw_intl_spending(figure: Any, theme: ThemeColors) -> str:
    frame = intl_spending()
    figure.clear()
    left, right = figure.subplots(1, 2, sharey=True)
    countries = list(frame["country"])
    us = [c == "United States" for c in countries]
    colours = [theme.chart_series[5] if is_us else theme.chart_series[0] for is_us in us]
    hatches = [HATCHES[1] if is_us else "" for is_us in us]
    share = frame["current_health_expenditure_pct_gdp"]
    per_person = frame["che_per_capita_current_usd"]
    for ax, values, title, fmt in (
        (left, share, "Share of GDP (%)", "{:.1f}%"),
        (right, per_person, "Per person (US$)", "${:,.0f}"),
    ):
        bars = ax.barh(countries, values, color=colours, edgecolor=theme.text, linewidth=0.6)
        for bar, hatch in zip(bars, hatches, strict=True):
            bar.set_hatch(hatch)
        ax.bar_label(bars, labels=[fmt.format(v) for v in values], padding=3, color=theme.text)
        ax.set_title(title)
        ax.set_xlim(0, max(values) * 1.3)
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(axis="x", labelbottom=False, length=0)
        ax.tick_params(axis="y", length=0)
    figure.suptitle("Current health expenditure, 2022 (WHO GHED; the US is hatched)", color=theme.text, wrap=True)
    lines = ["Current health expenditure, 2022, WHO Global Health Expenditure Database:"]
    rows = [dict(zip(frame.columns, row, strict=True)) for row in frame]
    for row in sorted(rows, key=lambda row: -row["current_health_expenditure_pct_gdp"]):
        lines.append(
            f"{row['country']}: {row['current_health_expenditure_pct_gdp']:.1f}% of GDP, "
            f"${row['che_per_capita_current_usd']:,.0f} per person"
        )
    return "\n".join(lines)
