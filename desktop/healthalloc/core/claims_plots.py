"""Charts for the life of a claim: how one bill splits, and a year of payments month by month.

Colours follow Okabe–Ito and every patient-side part also has a hatch, so the charts read in grey scale and for
colour-blind students; each part is named in a legend with its amount.

Each ``draw_*`` returns its artists and has an ``update_*`` that moves them to a new result in place (``False``
when the chart's shape changed and it must be drawn again), so a dragged slider repaints only what moved
(:class:`healthalloc.core.live_chart.LiveChart`). Value axes end on round numbers and keep their range while the
data still fill it well.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from healthalloc.core.claims import MONTHS, ClaimResult, YearResult
from healthalloc.core.explain import money
from healthalloc.core.live_chart import sticky_limit
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


@dataclass
class ClaimSplitArtists:
    """The one-claim chart: a segment per part of the bill, the title and the legend (both carry amounts)."""

    ax: Any
    shape: tuple[Any, ...]
    segments: list[Any]
    title: Any
    legend: Any
    xmax: float

    @property
    def axes(self) -> tuple[Any, ...]:
        return (self.ax,)

    def moving(self) -> list[Any]:
        return [*self.segments, self.title, self.legend]

    def scale(self) -> list[Any]:
        return [self.ax.xaxis]


def _claim_title(ax: Any, result: ClaimResult) -> str:
    return _fit_lines(
        ax,
        [
            (f"Billed {money(result.billed)}", f"→ allowed {money(result.allowed)}"),
            (f"Patient {money(result.patient_owes)}", f"· plan {money(result.plan_pays)}"),
        ],
    )


def _claim_shape(ax: Any, result: ClaimResult) -> tuple[Any, ...]:
    # as many legend columns as fit: a legend wider than the figure would collapse the constrained layout
    entry_inches = 2.6 * float(ax.xaxis.label.get_fontsize()) / 10
    columns = max(1, min(3, int(ax.figure.get_figwidth() / entry_inches)))
    keys = tuple(key for key, _label, _amount in claim_parts(result))
    return keys, columns, _claim_title(ax, result).count("\n")


def draw_claim_split(ax: Any, result: ClaimResult, theme: ThemeColors) -> ClaimSplitArtists:
    """One bar for the billed charge, split into what the patient pays (deductible, coinsurance, copay), what the
    plan pays, and the rest (written off, or balance-billed out of network). Returns the artists, which
    :func:`update_claim_split` moves to another claim."""
    ax.clear()
    styles = part_styles(theme)
    segments = []
    for key, label, amount in claim_parts(result):
        colour, hatch = styles[key]
        (segment,) = ax.barh(
            0, amount, height=0.55, color=colour, hatch=hatch, edgecolor=theme.base, linewidth=0.8, label=label
        )
        segments.append(segment)
    xmax = max(result.billed, 1.0) * 1.02  # the bar is the billed charge: it fills the axis
    ax.set_xlim(0, xmax)
    ax.set_ylim(-0.5, 0.5)
    ax.set_yticks([])
    ax.xaxis.set_major_formatter(_dollar_formatter())
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    shape = _claim_shape(ax, result)
    title = ax.set_title("", loc="left", color=theme.text, parse_math=False)
    legend = ax.legend(
        handles=segments, loc="upper center", bbox_to_anchor=(0.5, -0.25), ncols=shape[1], frameon=False
    )
    artists = ClaimSplitArtists(ax, shape, segments, title, legend, xmax)
    _place_claim_split(artists, result)
    return artists


def update_claim_split(artists: ClaimSplitArtists, result: ClaimResult) -> bool:
    """Move the chart to ``result`` in place; ``False`` if other parts, legend columns or title lines are needed."""
    if _claim_shape(artists.ax, result) != artists.shape:
        return False
    xmax = max(result.billed, 1.0) * 1.02
    if xmax != artists.xmax:
        artists.xmax = xmax
        artists.ax.set_xlim(0, xmax)
    _place_claim_split(artists, result)
    return True


def _place_claim_split(artists: ClaimSplitArtists, result: ClaimResult) -> None:
    left = 0.0
    parts = claim_parts(result)
    for segment, text, (_key, label, amount) in zip(
        artists.segments, artists.legend.get_texts(), parts, strict=True
    ):
        segment.set_x(left)
        segment.set_width(amount)
        segment.set_label(f"{label}: {money(amount)}")
        text.set_text(f"{label}: {money(amount)}")
        left += amount
    artists.title.set_text(_claim_title(artists.ax, result))


@dataclass
class MonthlyArtists:
    """The top year chart: patient and plan bars per month, and up to two milestone markers."""

    ax: Any
    patient_bars: list[Any]
    plan_bars: list[Any]
    mark_lines: list[Any]  # one per milestone month: the deductible met, the cap reached (or both at once)
    mark_texts: list[Any]
    top: float | None = None

    def moving(self) -> list[Any]:
        return [*self.patient_bars, *self.plan_bars, *self.mark_lines, *self.mark_texts]


@dataclass
class ProgressArtists:
    """The bottom year chart: the patient's running total, the deductible and cap lines, milestone markers."""

    ax: Any
    running: Any  # the step line
    dots: Any
    limits: list[tuple[Any, Any]]  # (line, label) for the deductible and, if there is one, the cap
    no_cap: Any  # the "no cap" note, or None
    mark_lines: list[Any]
    title: Any
    top: float | None = None

    def moving(self) -> list[Any]:
        limits = [artist for pair in self.limits for artist in pair]
        note = [self.no_cap] if self.no_cap is not None else []
        return [self.running, self.dots, *limits, *note, *self.mark_lines, self.title]


@dataclass
class YearArtists:
    """Both year charts, for :class:`healthalloc.core.live_chart.LiveChart`."""

    monthly: MonthlyArtists
    progress: ProgressArtists
    has_cap: bool

    @property
    def axes(self) -> tuple[Any, ...]:
        return (self.monthly.ax, self.progress.ax)

    def moving(self) -> list[Any]:
        return [*self.monthly.moving(), *self.progress.moving()]

    def scale(self) -> list[Any]:
        return [self.monthly.ax.yaxis, self.progress.ax.yaxis]


def draw_year(axes: Any, year: YearResult, theme: ThemeColors) -> YearArtists:
    """Both year charts on two axes (top, bottom); returns the artists, which :func:`update_year` moves."""
    top, bottom = axes
    return YearArtists(
        draw_monthly_payments(top, year, theme),
        draw_patient_progress(bottom, year, theme),
        year.plan.oop_max is not None,
    )


def update_year(artists: YearArtists, year: YearResult) -> bool:
    """Move both year charts to ``year`` in place; ``False`` if a cap appeared or went (draw them again)."""
    if (year.plan.oop_max is not None) != artists.has_cap:
        return False
    _place_monthly(artists.monthly, year)
    _place_progress(artists.progress, year)
    return True


def draw_monthly_payments(ax: Any, year: YearResult, theme: ThemeColors) -> MonthlyArtists:
    """Stacked bars per month: the patient's cost sharing (hatched) under the plan's payments, with the months
    where the deductible was met and the out-of-pocket cap was reached marked."""
    ax.clear()
    styles = part_styles(theme)
    xs = list(range(12))
    colour, hatch = styles["patient"]
    patient = ax.bar(xs, [0.0] * 12, color=colour, hatch=hatch, edgecolor=theme.base, lw=0.6, label="Patient pays")
    plan = ax.bar(xs, [0.0] * 12, color=styles["plan"][0], edgecolor=theme.base, lw=0.6, label="Plan pays")
    lines = [ax.axvline(0, color=theme.text, ls="--", lw=1.0, alpha=0.7, visible=False) for _ in range(2)]
    texts = [ax.text(0, 0, "", va="top", color=theme.text, fontsize="small", visible=False) for _ in range(2)]
    ax.set_xticks(xs, list(MONTHS))
    ax.yaxis.set_major_formatter(_dollar_formatter())
    ax.set_ylabel("Paid in the month")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, frameon=False, borderaxespad=0.2)
    ax.set_title("Who paid, month by month", loc="left", color=theme.text)
    artists = MonthlyArtists(ax, list(patient), list(plan), lines, texts)
    _place_monthly(artists, year)
    return artists


def draw_patient_progress(ax: Any, year: YearResult, theme: ThemeColors) -> ProgressArtists:
    """The patient's running total of cost sharing against the deductible and the out-of-pocket maximum."""
    ax.clear()
    xs = list(range(12))
    colour = theme.chart_series[5]
    (running,) = ax.step(
        xs, [0.0] * 12, where="post", color=colour, lw=theme.chart_line_width, label="Patient's total so far"
    )
    (dots,) = ax.plot(xs, [0.0] * 12, "o", color=colour, ms=4)
    styles = ["--", ":"] if year.plan.oop_max is not None else ["--"]
    limits = [
        (
            ax.axhline(0, color=theme.muted_text, ls=style, lw=1.2),
            ax.text(0, 0, "", va="bottom", color=theme.text, fontsize="small", parse_math=False),
        )
        for style in styles
    ]
    no_cap = None
    if year.plan.oop_max is None:
        no_cap = ax.text(0, 0, "No out-of-pocket cap on this plan", color=theme.text, fontsize="small", va="top")
    ax.set_xlim(-0.5, 11.5)
    marks = [ax.axvline(0, color=theme.text, ls="--", lw=1.0, alpha=0.7, visible=False) for _ in range(2)]
    ax.set_xticks(xs, list(MONTHS))
    ax.yaxis.set_major_formatter(_dollar_formatter())
    ax.set_ylabel("Patient's cost sharing, year to date")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    title = ax.set_title("", loc="left", color=theme.text, parse_math=False)
    artists = ProgressArtists(ax, running, dots, limits, no_cap, marks, title)
    _place_progress(artists, year)
    return artists


def _milestones(year: YearResult) -> list[tuple[int, str]]:
    """(month index, label) of the months where the deductible was met and the cap reached."""
    marks: dict[int, list[str]] = {}
    if year.deductible_met_month:
        marks.setdefault(year.deductible_met_month - 1, []).append("deductible met")
    if year.cap_reached_month:
        marks.setdefault(year.cap_reached_month - 1, []).append("cap reached")
    return [(x, " & ".join(names).capitalize()) for x, names in marks.items()]


def _place_monthly(artists: MonthlyArtists, year: YearResult) -> None:
    rows = year.monthly_rows()
    patient = [float(row["patient_pays"]) for row in rows]
    plan = [float(row["plan_pays"]) for row in rows]
    for bar, value in zip(artists.patient_bars, patient, strict=True):
        bar.set_height(value)
    for bar, bottom, value in zip(artists.plan_bars, patient, plan, strict=True):
        bar.set_y(bottom)
        bar.set_height(value)
    top = sticky_limit(artists.top, max([p + q for p, q in zip(patient, plan, strict=True)] + [1.0]) * 1.22)
    if top != artists.top:
        artists.top = top
        artists.ax.set_ylim(0, top)
    milestones = _milestones(year)
    for index, (line, text) in enumerate(zip(artists.mark_lines, artists.mark_texts, strict=True)):
        shown = index < len(milestones)
        line.set_visible(shown)
        text.set_visible(shown)
        if shown:
            x, label = milestones[index]
            ha = "left" if x < 8 else "right"
            line.set_xdata([x, x])
            text.set_position((x + (0.12 if ha == "left" else -0.12), top * 0.98))
            text.set_horizontalalignment(ha)
            text.set_text(label)


def _place_progress(artists: ProgressArtists, year: YearResult) -> None:
    running = [float(row["patient_ytd"]) for row in year.monthly_rows()]
    artists.running.set_data(range(12), running)
    artists.dots.set_data(range(12), running)
    plan = year.plan
    lines = [(plan.deductible, "Deductible")]
    if plan.oop_max is not None:
        lines.append((plan.oop_max, "Out-of-pocket maximum"))
    for (line, text), (value, label) in zip(artists.limits, lines, strict=True):
        line.set_ydata([value, value])
        # label the line at the end where the patient's running total is farther away, so they never overlap
        at_left = abs(running[0] - value) >= abs(running[-1] - value)
        x, align = (-0.4, "left") if at_left else (11.4, "right")
        text.set_position((x, value))
        text.set_horizontalalignment(align)
        text.set_text(f"{label} {money(value, 0)}")
    top = sticky_limit(artists.top, max([*running, *(value for value, _ in lines), 1.0]) * 1.15)
    if top != artists.top:
        artists.top = top
        artists.ax.set_ylim(0, top)
    if artists.no_cap is not None:
        artists.no_cap.set_position((0, top * 0.975))
    milestones = _milestones(year)
    for index, line in enumerate(artists.mark_lines):
        line.set_visible(index < len(milestones))
        if index < len(milestones):
            line.set_xdata([milestones[index][0]] * 2)
    artists.title.set_text(f"The patient's year: {money(year.total_patient)} in cost sharing")


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
