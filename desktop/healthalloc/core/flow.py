"""The nation's health dollar: who finances US health spending and which kinds of care it buys.

Data: CMS National Health Expenditure Accounts (NHE), January 2026 release, calendar years 2023 (revised) and
2024, from ``content/data/nhe_sources_uses.csv`` (type of service × source of funds, $ millions).

The flow model has two columns: **sources of funds** (who pays the bill: private insurance, Medicare, ...) and
**types of service** (who is paid: hospitals, physicians, ...). Every band is one cell of the CMS table, so money
in equals money out at every node, to the dollar::

    node total = Σ bands leaving it = Σ bands entering it

CMS's *sponsor* view (households, businesses, federal, state and local governments) would be a first column, but
the course sources have it for 2024 only for the federal government (31%); the other 2024 sponsor shares are
unverified, so the model leaves that column out and the page quotes the federal figure in words.

Views of the same numbers (:data:`MEASURES`): dollars, share of the total, dollars per person and share of GDP.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any, Literal

from healthalloc.core.checks import check_count, check_number
from healthalloc.core.explain import Explanation, Step, money, percent
from healthalloc.core.flow_data import (
    HEALTH_DOLLAR_FILE,
    PAYERS,
    SERVICE_GROUPS,
    SERVICES,
    SOURCE_OF_PAYER,
    SOURCES,
    SOURCES_USES_FILE,
    TOTALS_FILE,
    NHEDataError,
    NHETotals,
    _check_year,
    available_years,
    check_nhe_files,
    load_matrix,
    matrix_records,
    nhe_totals,
)
from healthalloc.core.inputs import InputSpec
from healthalloc.core.palette import ThemeColors
from healthalloc.core.table import Table

if TYPE_CHECKING:
    import pandas as pd

RELEASE = "CMS National Health Expenditure Accounts, January 2026 release"
SOURCE_SHORT = "CMS NHE, 2026 release"

Measure = Literal["dollars", "share", "per_person", "share_gdp"]
MEASURES: dict[str, str] = {
    "dollars": "Dollars (billions)",
    "share": "Share of all health spending",
    "per_person": "Dollars per person",
    "share_gdp": "Share of GDP",
}

# The federal share is the only 2024 sponsor figure the course can source (Hartman et al., Health Affairs, 2026).
SPONSOR_NOTE = (
    "Behind these payers stand the sponsors who ultimately bear the cost. In 2024 the federal government financed "
    "31% of national health spending, about $1.7 trillion (Hartman et al., Health Affairs, January 2026). "
    "CMS also splits the rest among households, private businesses and state and local governments, but those "
    "2024 shares are not in the course sources yet, so the diagram starts at the payers."
)


def service_slug(name: str) -> str:
    """``"Physician & clinical services"`` → ``"physician-clinical-services"`` (for links)."""
    return "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())


SERVICE_SLUGS: dict[str, str] = {service_slug(name): name for name in SERVICES}

# What each type of service holds, for the drill-down (CMS NHE definitions; amounts from the 2026 release).
SERVICE_NOTES: dict[str, str] = {
    "Hospital care": "Everything hospitals bill: inpatient stays, outpatient and emergency care, and the drugs "
    "and tests given in hospital.",
    "Physician & clinical services": "Doctors' offices, clinics and outpatient care centers.",
    "Prescription drugs": "Retail prescriptions only (pharmacies and mail order); drugs given in a hospital or a "
    "doctor's office are counted where they were given.",
    "Nursing care facilities": "Nursing homes and continuing-care retirement communities.",
    "Home health care": "Care given at home by home health agencies.",
    "Dental services": "Dentists' offices.",
    "Other personal health care": "Other professionals (such as therapists and chiropractors), durable medical "
    "equipment, over-the-counter products, and other health, residential and personal care, much of it Medicaid "
    "home- and community-based care.",
    "Administration & insurer net cost": "Running public programs ($66.1 billion in 2024: federal $47.7 B, "
    "state and local $18.4 B) and private insurers' administration and profit ($306.0 billion) (CMS NHE, 2026 "
    "release).",
    "Public health activity": "Government public health: federal $35.5 B and state and local $122.1 B in 2024 "
    "(CMS NHE, 2026 release).",
    "Investment": "Medical research ($70.4 B in 2024) and new structures and equipment ($168.2 B) (CMS NHE, 2026 "
    "release).",
}

FLOW_INPUTS: tuple[InputSpec, ...] = (
    InputSpec(
        "year",
        "Year",
        "2024",
        kind="choice",
        choices=(("2024", "2024"), ("2023", "2023 (revised)")),
        source=RELEASE,
    ),
    InputSpec("measure", "Show", "dollars", kind="choice", choices=tuple(MEASURES.items())),
    InputSpec(
        "service",
        "Who pays for",
        "hospital-care",
        kind="choice",
        choices=tuple((service_slug(name), name) for name in SERVICES),
    ),
)


@dataclass(frozen=True)
class Band:
    """One flow of money from a node in one column to a node in the next (``stage`` = the left column's index)."""

    source: str
    target: str
    amount_millions: int
    stage: int = 0


@dataclass(frozen=True)
class FlowModel:
    """Columns of nodes joined by bands. Construction fails unless money in equals money out at every node."""

    columns: tuple[tuple[str, ...], ...]
    bands: tuple[Band, ...]
    year: int | None = None

    def __post_init__(self) -> None:
        problems = conservation_problems(self.columns, self.bands)
        if problems:
            raise ValueError("the flow does not balance: " + "; ".join(problems))

    @cached_property
    def _sums(self) -> tuple[dict[tuple[int, str], int], dict[tuple[int, str], int]]:
        """Money out of and into each (column, node), summed once: the model is immutable, and labels, tables and
        unit conversions ask for these totals hundreds of times per view."""
        out: dict[tuple[int, str], int] = {}
        into: dict[tuple[int, str], int] = {}
        for b in self.bands:
            out[(b.stage, b.source)] = out.get((b.stage, b.source), 0) + b.amount_millions
            into[(b.stage + 1, b.target)] = into.get((b.stage + 1, b.target), 0) + b.amount_millions
        return out, into

    def outflow(self, column: int, node: str) -> int:
        return self._sums[0].get((column, node), 0)

    def inflow(self, column: int, node: str) -> int:
        return self._sums[1].get((column, node), 0)

    def node_total(self, column: int, node: str) -> int:
        """The money through a node, in $ millions (inflow, or outflow for the first column)."""
        return self.outflow(column, node) if column == 0 else self.inflow(column, node)

    def column_total(self, column: int) -> int:
        return sum(self.node_total(column, node) for node in self.columns[column])

    @cached_property
    def total_millions(self) -> int:
        return self.column_total(0)


def conservation_problems(columns: Sequence[Sequence[str]], bands: Iterable[Band]) -> list[str]:
    """Every way the flow fails to balance: unknown nodes, negative bands, or in ≠ out at a node ($ millions)."""
    problems: list[str] = []
    inflow: dict[tuple[int, str], int] = {}
    outflow: dict[tuple[int, str], int] = {}
    for band in bands:
        stage = band.stage
        if not 0 <= stage < len(columns) - 1:
            problems.append(f"band {band.source} → {band.target} is in stage {stage}, which does not exist")
            continue
        if band.source not in columns[stage] or band.target not in columns[stage + 1]:
            problems.append(f"band {band.source} → {band.target} joins nodes that are not in stage {stage}")
            continue
        if band.amount_millions < 0:
            problems.append(f"band {band.source} → {band.target} is negative ({band.amount_millions:,})")
        outflow[(stage, band.source)] = outflow.get((stage, band.source), 0) + band.amount_millions
        inflow[(stage + 1, band.target)] = inflow.get((stage + 1, band.target), 0) + band.amount_millions
    for index in range(1, len(columns) - 1):
        for node in columns[index]:
            money_in, money_out = inflow.get((index, node), 0), outflow.get((index, node), 0)
            if money_in != money_out:
                problems.append(f"{node} (column {index + 1}) takes in {money_in:,} but pays out {money_out:,}")
    totals = [
        sum(outflow.get((0, n), 0) for n in columns[0]) if i == 0 else sum(inflow.get((i, n), 0) for n in col)
        for i, col in enumerate(columns)
    ]
    if len(set(totals)) > 1:
        problems.append("the columns hold different totals: " + ", ".join(f"{t:,}" for t in totals))
    return problems


def flow_model(year: int) -> FlowModel:
    """Sources of funds → types of service for ``year``, one band per non-zero grouped cell of the CMS table."""
    _check_key(year)
    return _flow_model(year)


def _check_key(year: object, measure: object = "dollars") -> None:
    """Refuse, with a readable ``ValueError``, a year or measure the caches could not even look up (a list)."""
    if isinstance(year, bool) or not isinstance(year, int):
        _check_year(year)  # raises, naming the years there are
    if not isinstance(measure, str) or measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; choose one of {', '.join(MEASURES)}")


@cache
def _flow_model(year: int) -> FlowModel:
    _check_year(year)
    cells: dict[tuple[str, str], int] = {}
    for row_year, service, payer, amount in matrix_records():
        if row_year == year:
            key = (SOURCE_OF_PAYER[payer], SERVICE_GROUPS[service])
            cells[key] = cells.get(key, 0) + amount
    bands = tuple(
        Band(source, target, cells[(source, target)])
        for source in SOURCES
        for target in SERVICES
        if cells.get((source, target), 0) > 0
    )
    return FlowModel((SOURCES, SERVICES), bands, year)


def to_measure(amount_millions: float, year: int, measure: str) -> float:
    """Convert $ millions of ``year`` to ``measure``.

    - dollars: $ billions;
    - share: amount ÷ national total (0–1);
    - per_person: amount × CMS per-capita NHE ÷ national total, so the total is CMS's published figure;
    - share_gdp: amount ÷ GDP (0–1).
    """
    amount_millions = check_number("The amount", amount_millions, minimum=-1e12, maximum=1e12)
    _check_key(year)
    totals = nhe_totals(year)
    total = flow_model(year).total_millions
    if measure == "dollars":
        return amount_millions / 1000.0
    if measure == "share":
        return amount_millions / total
    if measure == "per_person":
        return amount_millions * totals.per_capita_usd / total
    if measure == "share_gdp":
        return amount_millions / (totals.gdp_billion_usd * 1000.0)
    raise ValueError(f"unknown measure {measure!r}; choose one of {', '.join(MEASURES)}")


def measure_format(measure: str) -> str:
    """The cell format for a measure's values (for tables): billions, percent or whole dollars."""
    return {"dollars": "billions", "share": "percent", "per_person": "money0", "share_gdp": "percent"}[measure]


def format_billions(amount_billion: float, share: float | None = None) -> str:
    """``$1,644.6 B``; amounts under $0.1 billion in millions (``$15 M``); with ``share``: ``$15 M (<0.1%)``."""
    text = f"${amount_billion:,.1f} B" if amount_billion >= 0.05 else f"${amount_billion * 1000:,.0f} M"
    if share is None:
        return text
    return f"{text} ({percent(share) if share >= 0.0005 else '<0.1%'})"


def format_measure(value: float, measure: str) -> str:
    """``1644.6`` → ``$1,644.6 B``; ``0.312`` → ``31.2%``; per person → ``$4,821``; share of GDP → ``5.61%``."""
    if measure == "dollars":
        return f"${value:,.1f} B"
    if measure == "share":
        return percent(value)
    if measure == "per_person":
        return money(value, 0)
    return percent(value, 2)


def health_dollar(year: int) -> pd.DataFrame:
    """Where the nation's health dollar came from and where it went in ``year``.

    Columns: ``direction`` (``"came_from"`` / ``"went_to"``), ``category``, ``amount_billion`` and ``share``
    (0–1 of national health expenditures). Rows follow :data:`SOURCES` then :data:`SERVICES`. Both halves add
    up to the same national total (CMS NHE, January 2026 release).
    """
    import pandas as pd

    model = flow_model(year)
    total = model.total_millions
    rows: list[dict[str, Any]] = []
    for direction, column in (("came_from", 0), ("went_to", 1)):
        for category in model.columns[column]:
            amount = model.node_total(column, category)
            rows.append(
                {
                    "direction": direction,
                    "category": category,
                    "amount_billion": amount / 1000.0,
                    "share": amount / total,
                }
            )
    return pd.DataFrame(rows, columns=["direction", "category", "amount_billion", "share"])


@cache
def breakdown_rows(year: int, measure: str = "dollars") -> tuple[tuple[str, str, float, float], ...]:
    """:func:`breakdown_table` as plain tuples ``(direction, category, value, share)``, computed once per year and
    measure (the money-flow page shows them on every change of its combo boxes)."""
    model = flow_model(year)
    total = model.total_millions
    rows = []
    for direction, column in (("Came from", 0), ("Went to", 1)):
        for category in model.columns[column]:
            amount = model.node_total(column, category)
            rows.append((direction, category, to_measure(amount / 1000.0 * 1000.0, year, measure), amount / total))
    # Each half from largest to smallest share; equal shares keep the order of SOURCES and SERVICES (a stable sort).
    return tuple(sorted(rows, key=lambda row: (row[0], -row[3])))


def breakdown_table(year: int, measure: str = "dollars") -> pd.DataFrame:
    """:func:`health_dollar` in one measure, each half sorted from largest to smallest (the charts' text
    alternative). Columns: ``direction``, ``category``, ``value``, ``share``."""
    import pandas as pd

    _check_key(year, measure)
    return pd.DataFrame(list(breakdown_rows(year, measure)), columns=["direction", "category", "value", "share"])


def flow_table(year: int, measure: str = "dollars") -> pd.DataFrame:
    """Every band of the flow, largest first: ``payer``, ``type_of_service``, ``value`` (in ``measure``) and
    ``share`` of national health expenditures. This is the flow diagram's text alternative."""
    return flow_rows(year, measure).to_frame()


def flow_rows(year: int, measure: str = "dollars") -> Table:
    """:func:`flow_table` without pandas (what the page shows)."""
    model = flow_model(year)
    rows = [
        (
            band.source,
            band.target,
            to_measure(band.amount_millions, year, measure),
            band.amount_millions / model.total_millions,
        )
        for band in sorted(model.bands, key=lambda b: -b.amount_millions)
    ]
    return Table(("payer", "type_of_service", "value", "share"), tuple(rows))


def who_pays_for(year: int, service: str) -> pd.DataFrame:
    """Who pays for one type of service: ``payer`` (CMS's detailed payers), ``amount_billion`` and ``share`` of
    that service's spending, largest first.

    ``service`` is a grouped category of :data:`SERVICES` (e.g. ``"Hospital care"``) or one of CMS's own rows
    (e.g. ``"Durable medical equipment"``).
    """
    return who_pays(year, service).to_frame()


def who_pays(year: int, service: str) -> Table:
    """:func:`who_pays_for` without pandas (what the page shows)."""
    _check_year(year)
    if not isinstance(service, str):
        raise ValueError(f"unknown type of service {service!r}; choose one of {', '.join(SERVICES)}")
    if service in SERVICES:
        wanted = {row for row, group in SERVICE_GROUPS.items() if group == service}
    elif service in SERVICE_GROUPS:
        wanted = {service}
    else:
        raise ValueError(f"unknown type of service {service!r}; choose one of {', '.join(SERVICES)}")
    by_payer: dict[str, int] = {}
    for row_year, row_service, payer, amount in matrix_records():
        if row_year == year and row_service in wanted:
            by_payer[payer] = by_payer.get(payer, 0) + amount
    order = [p for p in dict.fromkeys((*PAYERS, *SOURCES)) if by_payer.get(p, 0) > 0]
    total = sum(by_payer.values())
    rows = sorted(((p, by_payer[p] / 1000.0, by_payer[p] / total) for p in order), key=lambda row: -row[2])
    return Table(("payer", "amount_billion", "share"), tuple(rows))


def explain_health_dollar(year: int, measure: str = "share") -> Explanation:
    """How the totals, shares, per-person and share-of-GDP figures are computed for ``year``."""
    model = flow_model(year)
    totals = nhe_totals(year)
    total = model.total_millions
    hospital = model.node_total(1, "Hospital care")
    private = model.node_total(0, "Private insurance")
    steps = [
        Step(
            title="National health expenditures",
            formula="Σ every payer's spending on every type of service",
            substituted=f"{len(model.bands)} cells of the CMS table",
            result=f"${total / 1000:,.1f} billion",
            sentence="Adding up the payers or the types of service gives the same total: money in = money out.",
        ),
        Step(
            title="Share",
            formula="amount ÷ national total",
            substituted=f"private insurance ${private / 1000:,.1f} B ÷ ${total / 1000:,.1f} B",
            result=percent(private / total),
            sentence=f"Hospital care took {percent(hospital / total)} of the total the same way.",
        ),
        Step(
            title="Per person",
            formula="share × CMS spending per person",
            substituted=f"{percent(private / total)} × {money(totals.per_capita_usd, 0)}",
            result=money(to_measure(private, year, "per_person"), 0),
            sentence=(
                f"CMS's {year} figure of {money(totals.per_capita_usd, 0)} per person uses a population of "
                f"{totals.population_million:,.1f} million."
            ),
        ),
        Step(
            title="Share of GDP",
            formula="amount ÷ GDP",
            substituted=f"${total / 1000:,.1f} B ÷ ${totals.gdp_billion_usd:,.1f} B",
            result=percent(total / (totals.gdp_billion_usd * 1000), 1),
            sentence=totals.gdp_note,
        ),
    ]
    return Explanation(
        title=f"The nation's health dollar, {year}",
        steps=tuple(steps),
        summary=(
            f"In {year} the United States spent ${total / 1000:,.1f} billion on health; private insurance paid "
            f"{percent(private / total)} of it and hospitals received {percent(hospital / total)}."
        ),
        sources=(RELEASE, "Hartman et al., Health Affairs, January 2026"),
    )


HEALTH_DOLLAR_CHART_YEAR = 2024


def health_dollar_text(year: int, measure: str = "share") -> str:
    """The health dollar as sorted lines of text: the text alternative of its charts."""
    _check_key(year, measure)
    lines = [f"The nation's health dollar, {year} ({SOURCE_SHORT}):"]
    shown_direction = None
    for direction, category, value, share in sorted(breakdown_rows(year, measure), key=lambda row: row[0]):
        if direction != shown_direction:
            shown_direction = direction
            lines.append(f"{direction}:")
        shown = format_measure(float(value), measure)
        lines.append(f"  {category}: {shown}" + ("" if measure == "share" else f" ({percent(float(share))})"))
    return "\n".join(lines)


def draw_health_dollar(ax: Any, year: int, theme: ThemeColors, *, measure: str = "share") -> None:
    """Chart ``health-dollar`` on one Axes: where the ``year`` health dollar came from and where it went."""
    from healthalloc.core import flow_plots

    flow_plots.draw_health_dollar(ax, year, theme, measure=measure)


def draw_health_dollar_figure(figure: Any, theme: ThemeColors) -> str:
    """The lesson chart ``health-dollar`` (2024, two panels side by side); returns its text alternative."""
    from healthalloc.core import flow_plots

    flow_plots.draw_health_dollar_figure(figure, theme, year=HEALTH_DOLLAR_CHART_YEAR)
    return health_dollar_text(HEALTH_DOLLAR_CHART_YEAR)


# --- Text and tables for the money-flow page ---------------------------------------------------------------------

_VALUE_COLUMNS = {  # measure → (table header, FrameView cell format, factor to the shown unit)
    "dollars": ("$ billions", "number", 1.0),
    "share": ("Share of all spending", "percent", 1.0),
    "per_person": ("$ per person", "money0", 1.0),
    "share_gdp": ("% of GDP", "number", 100.0),
}


def headline(year: int) -> str:
    """One sentence with the year's total, per person and share of GDP (CMS's published figures)."""
    total = flow_model(year).total_millions
    totals = nhe_totals(year)
    return (
        f"In {year} the United States spent ${total / 1000:,.1f} billion on health, "
        f"{money(totals.per_capita_usd, 0)} per person and {percent(totals.share_of_gdp)} of GDP ({SOURCE_SHORT})."
    )


def describe_band(year: int, index: int, measure: str = "dollars") -> str:
    """A sentence about one band of :func:`flow_model`: its amount and its share of the total, of its payer's
    spending and of its type of service."""
    model = flow_model(year)
    _check_key(year, measure)
    band = model.bands[check_count("The band number", index, maximum=len(model.bands) - 1)]
    share = band.amount_millions / model.total_millions
    of_payer = band.amount_millions / model.node_total(0, band.source)
    of_service = band.amount_millions / model.node_total(1, band.target)
    text = (
        f"{band.source} → {band.target}: {format_measure(band.amount_millions / 1000, 'dollars')} in {year}, "
        f"{percent(share)} of all health spending ({percent(of_payer, 0)} of what {band.source} paid; "
        f"{percent(of_service, 0)} of {band.target.lower()})."
    )
    if measure in ("per_person", "share_gdp"):
        text += (
            f" {MEASURES[measure]}: {format_measure(to_measure(band.amount_millions, year, measure), measure)}."
        )
    return text


def describe_service(year: int, service: str) -> str:
    """``"Hospital care, 2024: $1,634.7 billion; the largest payer was private health insurance (34.2%)."``"""
    table = who_pays(year, service)
    total = float(sum(table["amount_billion"]))
    if len(table) == 1:
        return f"{service}, {year}: ${total:,.1f} billion, all of it from one source of funds."
    payer, _amount, share = table.rows[0]
    return f"{service}, {year}: ${total:,.1f} billion. Largest payer: {payer} ({percent(share)})."


def display_tables(year: int, measure: str) -> dict[str, tuple[Table, dict[str, str]]]:
    """The page's tables with readable headers, values in the shown unit, and their cell formats:
    ``"breakdown"`` (came from / went to), ``"flows"`` (every band) and ``"who_pays"`` is built per service by
    :func:`who_pays_table`."""
    _check_key(year, measure)
    header, kind, factor = _VALUE_COLUMNS[measure]
    share_header = "Share of all spending"
    formats = {share_header: "percent"}
    if header != share_header:
        formats[header] = kind
    breakdown = Table(("direction", "category", "value", "share"), breakdown_rows(year, measure))
    flows = flow_rows(year, measure)
    breakdown, flows = (t.with_column("value", [v * factor for v in t["value"]]) for t in (breakdown, flows))
    names = {
        "direction": "Direction",
        "category": "Category",
        "payer": "Payer",
        "type_of_service": "Type of service",
    }
    names.update(value=header, share=share_header)
    tables = {}
    for key, table in (("breakdown", breakdown), ("flows", flows)):
        if header == share_header:
            table = table.select([c for c in table.columns if c != "value"])
        tables[key] = (table.rename(names), formats)
    return tables


def who_pays_table(year: int, service: str, measure: str = "dollars") -> tuple[Table, dict[str, str]]:
    """:func:`who_pays_for` with readable headers and values in ``measure``, and the cell formats."""
    _check_key(year, measure)
    header, kind, factor = _VALUE_COLUMNS[measure]
    payers = who_pays(year, service)
    share_header = f"Share of {service.lower()}"
    table: dict[str, Any] = {"Payer": payers["payer"]}
    if measure != "share":
        table[header] = [to_measure(b * 1000, year, measure) * factor for b in payers["amount_billion"]]
    table[share_header] = payers["share"]
    return Table.from_columns(table), {header: kind, share_header: "percent"}


__all__ = [  # the public API; the data names are re-exported from flow_data for convenience
    "FLOW_INPUTS",
    "HEALTH_DOLLAR_FILE",
    "MEASURES",
    "PAYERS",
    "RELEASE",
    "SERVICES",
    "SERVICE_NOTES",
    "SERVICE_SLUGS",
    "SOURCES",
    "SOURCES_USES_FILE",
    "SOURCE_OF_PAYER",
    "SOURCE_SHORT",
    "SPONSOR_NOTE",
    "TOTALS_FILE",
    "Band",
    "FlowModel",
    "NHEDataError",
    "NHETotals",
    "available_years",
    "breakdown_rows",
    "breakdown_table",
    "check_nhe_files",
    "conservation_problems",
    "describe_band",
    "describe_service",
    "display_tables",
    "draw_health_dollar",
    "draw_health_dollar_figure",
    "explain_health_dollar",
    "flow_model",
    "flow_rows",
    "flow_table",
    "format_billions",
    "format_measure",
    "headline",
    "health_dollar",
    "health_dollar_text",
    "load_matrix",
    "matrix_records",
    "measure_format",
    "nhe_totals",
    "service_slug",
    "to_measure",
    "who_pays",
    "who_pays_for",
    "who_pays_table",
]
