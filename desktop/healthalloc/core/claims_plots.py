"""Charts for the life of a claim: how one bill splits, and a year of payments month by month.

Colours follow Okabe–Ito and every patient-side part also has a hatch, so the charts read in grey scale and for
colour-blind students; each part is named in a legend with its amount.
"""

from __future__ import annotations

from typing import Any

from healthalloc.core.claims import MONTHS, ClaimResult, YearResult
from healthalloc.core.explain import money
from healthalloc.core.palette import HATCHES, ThemeColors


def part_styles(theme: ThemeColors) -> dict[str, tuple[str, str]]:
    """Colour and hatch of each part of a bill."""
    series = theme.chart_series
    return {
        "plan": (series[0], HATCHES[0]),
        "deductible": (series[5], HATCHES[1]),
        "coinsurance": (series[1], HATCHES[2]),
        "copay": (series[3], HATCHES[3]),
        "write_off": (theme.border, HATCHES[4]),
        "balance": (series[7], HATCHES[6]),
        "patient": (series[5], HATCHES[1]),
    }


def claim_parts(result: ClaimResult) -> list[tuple[str, str, float]]:
    """(key, label, dollars) for each non-zero part of the billed charge, in the order they are stacked."""
    parts = [
        ("deductible", "Deductible", result.deductible_applied),
        ("coinsurance", "Coinsurance", result.coinsurance),
        ("copay", "Copay", result.copay),
        ("plan", "Plan pays", result.plan_pays),
        ("write_off", "Written off", result.write_off),
        ("balance", "Balance bill", result.balance_bill),
    ]
    return [part for part in parts if part[2] > 0]


def draw_claim_split(ax: Any, result: ClaimResult, theme: ThemeColors) -> None:
    """One bar for the billed charge, split into what the patient pays (deductible, coinsurance, copay), what the
    plan pays, and the rest (written off, or balance-billed out of network)."""
    ax.clear()
    styles = part_styles(theme)
    left = 0.0
    for key, label, amount in claim_parts(result):
        colour, hatch = styles[key]
        ax.barh(
            0,
            amount,
            left=left,
            height=0.55,
            color=colour,
            hatch=hatch,
            edgecolor=theme.base,
            linewidth=0.8,
            label=f"{label}: {money(amount)}",
        )
        left += amount
    ax.set_xlim(0, max(left, 1.0) * 1.02)
    ax.set_ylim(-0.5, 0.5)
    ax.set_yticks([])
    ax.xaxis.set_major_formatter(_dollar_formatter())
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    title = _fit_lines(
        ax,
        [
            (f"Billed {money(result.billed)}", f"→ allowed {money(result.allowed)}"),
            (f"Patient {money(result.patient_owes)}", f"· plan {money(result.plan_pays)}"),
        ],
    )
    ax.set_title(title, loc="left", color=theme.text, parse_math=False)
    # as many legend columns as fit: a legend wider than the figure would collapse the constrained layout
    entry_inches = 2.6 * float(ax.xaxis.label.get_fontsize()) / 10
    columns = max(1, min(3, int(ax.figure.get_figwidth() / entry_inches)))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncols=columns, frameon=False)


def draw_monthly_payments(ax: Any, year: YearResult, theme: ThemeColors) -> None:
    """Stacked bars per month: the patient's cost sharing (hatched) under the plan's payments, with the months
    where the deductible was met and the out-of-pocket cap was reached marked."""
    ax.clear()
    monthly = year.monthly()
    styles = part_styles(theme)
    xs = list(range(12))
    patient = monthly["patient_pays"].tolist()
    plan = monthly["plan_pays"].tolist()
    colour, hatch = styles["patient"]
    ax.bar(xs, patient, color=colour, hatch=hatch, edgecolor=theme.base, lw=0.6, label="Patient pays")
    ax.bar(xs, plan, bottom=patient, color=styles["plan"][0], edgecolor=theme.base, lw=0.6, label="Plan pays")
    top = max([p + q for p, q in zip(patient, plan, strict=True)] + [1.0])
    ax.set_ylim(0, top * 1.22)
    _mark_months(ax, year, theme, top * 1.2)
    ax.set_xticks(xs, list(MONTHS))
    ax.yaxis.set_major_formatter(_dollar_formatter())
    ax.set_ylabel("Paid in the month")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, frameon=False, borderaxespad=0.2)
    ax.set_title("Who paid, month by month", loc="left", color=theme.text)


def draw_patient_progress(ax: Any, year: YearResult, theme: ThemeColors) -> None:
    """The patient's running total of cost sharing against the deductible and the out-of-pocket maximum."""
    ax.clear()
    monthly = year.monthly()
    xs = list(range(12))
    running = monthly["patient_ytd"].tolist()
    colour = theme.chart_series[5]
    ax.step(xs, running, where="post", color=colour, lw=theme.chart_line_width, label="Patient's total so far")
    ax.plot(xs, running, "o", color=colour, ms=4)
    plan = year.plan
    ceiling = max([*running, plan.deductible, 1.0])
    lines = [(plan.deductible, "Deductible", "--")]
    if plan.oop_max is not None:
        lines.append((plan.oop_max, "Out-of-pocket maximum", ":"))
        ceiling = max(ceiling, plan.oop_max)
    for value, label, style in lines:
        ax.axhline(value, color=theme.muted_text, ls=style, lw=1.2)
        # label the line at the end where the patient's running total is farther away, so they never overlap
        at_left = abs(running[0] - value) >= abs(running[-1] - value)
        x, align = (-0.4, "left") if at_left else (11.4, "right")
        text = f"{label} {money(value, 0)}"
        ax.text(x, value, text, ha=align, va="bottom", color=theme.text, fontsize="small", parse_math=False)
    if plan.oop_max is None:
        ax.text(
            0, ceiling * 1.12, "No out-of-pocket cap on this plan", color=theme.text, fontsize="small", va="top"
        )
    ax.set_ylim(0, ceiling * 1.15)
    ax.set_xlim(-0.5, 11.5)
    _mark_months(ax, year, theme, ceiling * 1.12, labels=False)
    ax.set_xticks(xs, list(MONTHS))
    ax.yaxis.set_major_formatter(_dollar_formatter())
    ax.set_ylabel("Patient's cost sharing, year to date")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    title = f"The patient's year: {money(year.total_patient)} in cost sharing"
    ax.set_title(title, loc="left", color=theme.text, parse_math=False)


def _mark_months(ax: Any, year: YearResult, theme: ThemeColors, y: float, *, labels: bool = True) -> None:
    marks: dict[int, list[str]] = {}
    if year.deductible_met_month:
        marks.setdefault(year.deductible_met_month - 1, []).append("deductible met")
    if year.cap_reached_month:
        marks.setdefault(year.cap_reached_month - 1, []).append("cap reached")
    for x, names in marks.items():
        ax.axvline(x, color=theme.text, ls="--", lw=1.0, alpha=0.7)
        if labels:
            ha = "left" if x < 8 else "right"
            ax.text(
                x + (0.12 if ha == "left" else -0.12),
                y,
                " & ".join(names).capitalize(),
                ha=ha,
                va="top",
                color=theme.text,
                fontsize="small",
            )


def _fit_lines(ax: Any, lines: list[tuple[str, ...]]) -> str:
    """Join each line's pieces with spaces, breaking a line between pieces where the figure is too narrow for
    it (a title wider than the figure would collapse the constrained layout)."""
    size = float(ax.title.get_fontsize())
    fits = max(12, int(ax.figure.get_figwidth() * 72 / (size * 0.62)))
    out: list[str] = []
    for pieces in lines:
        current = ""
        for piece in pieces:
            joined = f"{current} {piece}" if current else piece
            if current and len(joined) > fits:
                out.append(current)
                current = piece
            else:
                current = joined
        out.append(current)
    return "\n".join(out)


def _dollar_formatter() -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _pos: f"${value:,.0f}")
