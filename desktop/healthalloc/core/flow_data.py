"""CMS National Health Expenditure data for the money-flow model: loading and checking the files.

Three files in ``content/data`` (CMS NHE, January 2026 release, calendar years 2023 revised and 2024):

- ``nhe_sources_uses.csv``: type of service × source of funds, $ millions;
- ``nhe_health_dollar.csv``: the "health dollar" categories, derived from the same table;
- ``nhe_totals.csv``: NHE, GDP, population and spending per person (fact sheet §1.1).

:func:`check_nhe_files` reports every row or column that does not add up, as ``file:line: message``;
:func:`load_matrix` refuses to load data that does not.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from healthalloc.core.explain import percent
from healthalloc.core.resources import data_file, repo_relative
from healthalloc.core.table import is_missing, read_csv

if TYPE_CHECKING:
    import pandas as pd


SOURCES_USES_FILE = "nhe_sources_uses.csv"
HEALTH_DOLLAR_FILE = "nhe_health_dollar.csv"
TOTALS_FILE = "nhe_totals.csv"
ROUNDING_MILLIONS = 2  # CMS rounds each cell to $1 million, so a sum may miss its printed total by a few

# CMS's payer columns, with the names the app shows.
PAYER_COLUMNS: dict[str, str] = {
    "private_health_insurance_millions_usd": "Private health insurance",
    "medicare_millions_usd": "Medicare",
    "medicaid_millions_usd": "Medicaid",
    "out_of_pocket_millions_usd": "Out of pocket",
    "chip_millions_usd": "CHIP",
    "dept_of_defense_millions_usd": "Department of Defense",
    "veterans_affairs_millions_usd": "Veterans Affairs",
    "other_third_party_payers_millions_usd": "Other third-party payers",
}
PAYERS: tuple[str, ...] = tuple(PAYER_COLUMNS.values())

# The flow diagram's two columns.
SOURCES: tuple[str, ...] = (
    "Private insurance",
    "Medicare",
    "Medicaid",
    "Out of pocket",
    "Other public insurance",
    "Other third parties",
    "Public health",
    "Investment",
)
SERVICES: tuple[str, ...] = (
    "Hospital care",
    "Physician & clinical services",
    "Prescription drugs",
    "Nursing care facilities",
    "Home health care",
    "Dental services",
    "Other personal health care",
    "Administration & insurer net cost",
    "Public health activity",
    "Investment",
)
SOURCE_OF_PAYER: dict[str, str] = {
    "Private health insurance": "Private insurance",
    "Medicare": "Medicare",
    "Medicaid": "Medicaid",
    "Out of pocket": "Out of pocket",
    "CHIP": "Other public insurance",
    "Department of Defense": "Other public insurance",
    "Veterans Affairs": "Other public insurance",
    "Other third-party payers": "Other third parties",
    "Public health": "Public health",
    "Investment": "Investment",
}
# CMS's rows → the diagram's types of service. Public health and investment have no payer breakdown: each is its
# own source of funds and its own use.
SERVICE_GROUPS: dict[str, str] = {
    "Hospital care": "Hospital care",
    "Physician and clinical services": "Physician & clinical services",
    "Prescription drugs": "Prescription drugs",
    "Nursing care facilities & CCRCs": "Nursing care facilities",
    "Home health care": "Home health care",
    "Dental services": "Dental services",
    "Other professional services": "Other personal health care",
    "Durable medical equipment": "Other personal health care",
    "Other non-durable medical products": "Other personal health care",
    "Other health, residential & personal care": "Other personal health care",
    "Administration & non-medical insurance": "Administration & insurer net cost",
    "Government public health activity": "Public health activity",
    "Investment (research + structures & equipment)": "Investment",
}
UNSPLIT_ROWS: dict[str, str] = {
    "Government public health activity": "Public health",
    "Investment (research + structures & equipment)": "Investment",
}
TOTAL_ROW = "TOTAL NATIONAL HEALTH EXPENDITURES"

# nhe_health_dollar.csv categories → the CMS payer columns or rows they add up.
_HEALTH_DOLLAR_PARTS: dict[str, tuple[str, ...]] = {
    "Private health insurance": ("Private health insurance",),
    "Medicare": ("Medicare",),
    "Medicaid (Title XIX)": ("Medicaid",),
    "Out of pocket": ("Out of pocket",),
    "Other health insurance programs (CHIP, DoD, VA)": ("CHIP", "Department of Defense", "Veterans Affairs"),
    "Other third-party payers and programs": ("Other third-party payers",),
    "Government public health activity": ("Government public health activity",),
    "Investment": ("Investment (research + structures & equipment)",),
    "Durable & other non-durable medical products (retail)": (
        "Durable medical equipment",
        "Other non-durable medical products",
    ),
    "Government administration & net cost/non-medical spending of insurance": (
        "Administration & non-medical insurance",
    ),
}


class NHEDataError(ValueError):
    """A data file that does not add up; ``problems`` lists each one as ``file:line: what is wrong``."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("the NHE data files do not add up:\n" + "\n".join(self.problems))


@dataclass(frozen=True)
class NHETotals:
    """CMS headline figures for one year (fact sheet §1.1)."""

    year: int
    nhe_billion_usd: float
    gdp_billion_usd: float
    gdp_is_estimate: bool
    share_of_gdp: float
    population_million: float
    per_capita_usd: float

    @property
    def gdp_note(self) -> str:
        if self.gdp_is_estimate:
            return (
                f"GDP for {self.year} is not in the course sources; this uses the GDP implied by CMS's published "
                f"share ({percent(self.share_of_gdp)}), so treat it as an estimate."
            )
        return f"GDP {self.year}: ${self.gdp_billion_usd:,.1f} billion (as used by CMS)."


def _data_path(folder: Path | None, name: str) -> Path:
    return folder / name if folder is not None else data_file(name)


def _where(path: Path, row: int) -> str:
    """``content/data/x.csv:5`` for the 0-based data row ``row`` (line 1 is the header)."""
    return f"{repo_relative(path)}:{row + 2}"


def check_nhe_files(folder: Path | None = None) -> list[str]:
    """Check that the three NHE files add up; return the problems as ``file:line: message`` (empty if none).

    - ``nhe_sources_uses.csv``: each row's payers add up to its total, each column adds up to the TOTAL row
      and each printed share matches total ÷ NHE (all within CMS's rounding);
    - ``nhe_health_dollar.csv``: every amount equals the matching sum from the first file, every share matches;
    - ``nhe_totals.csv``: NHE matches the first file, per person × population ≈ NHE, NHE ÷ GDP ≈ the printed share.
    """
    problems: list[str] = []
    path = _data_path(folder, SOURCES_USES_FILE)
    header, table = read_csv(path)
    missing = [c for c in ("year", "type_of_service", "total_millions_usd", *PAYER_COLUMNS) if c not in header]
    if missing:
        return [f"{repo_relative(path)}: missing column(s) {', '.join(missing)}"]
    published: dict[int, dict[str, float]] = {}
    for year in sorted({row["year"] for row in table}):
        rows = [(index, row) for index, row in enumerate(table) if row["year"] == year]
        total_rows = [(index, row) for index, row in rows if row["type_of_service"] == TOTAL_ROW]
        if len(total_rows) != 1:
            problems.append(f"{repo_relative(path)}: {year} needs exactly one {TOTAL_ROW} row")
            continue
        total_index, total_row = total_rows[0]
        nhe = float(total_row["total_millions_usd"])
        sums = dict.fromkeys(("total_millions_usd", *PAYER_COLUMNS), 0.0)
        found: dict[str, float] = {}
        for index, row in rows:
            if index == total_index:
                continue
            where, name = _where(path, index), str(row["type_of_service"])
            if name not in SERVICE_GROUPS:
                problems.append(f"{where}: unknown type of service {name!r}")
                continue
            row_total = float(row["total_millions_usd"])
            payers = [row[c] for c in PAYER_COLUMNS]
            if any(is_missing(v) for v in payers) != (name in UNSPLIT_ROWS) or any(
                v < 0 for v in payers if not is_missing(v)
            ):
                problems.append(f"{where}: {name} ({year}) has missing or negative payer amounts")
                continue
            if name not in UNSPLIT_ROWS:
                split = sum(float(v) for v in payers)
                if abs(split - row_total) > ROUNDING_MILLIONS:
                    problems.append(
                        f"{where}: {name} ({year}): the payers add up to ${split:,.0f} million "
                        f"but the row total is ${row_total:,.0f} million"
                    )
                for column in PAYER_COLUMNS:
                    sums[column] += float(row[column])
            sums["total_millions_usd"] += row_total
            found[name] = row_total
            share = row.get("share_of_nhe_pct", math.nan)  # the column is optional
            if not is_missing(share) and abs(row_total / nhe * 100 - float(share)) > 0.006:
                problems.append(f"{where}: {name} ({year}): share {share}% should be {row_total / nhe * 100:.2f}%")
        for column, value in sums.items():
            column_total = float(total_row[column])
            allowed = ROUNDING_MILLIONS * (1 if column != "total_millions_usd" else 2)
            if abs(value - column_total) > allowed:
                problems.append(
                    f"{_where(path, total_index)}: column {column} ({year}) adds up to ${value:,.0f} million "
                    f"but the total row says ${column_total:,.0f} million"
                )
        for service in SERVICE_GROUPS:
            if service not in found:
                problems.append(f"{repo_relative(path)}: {year} has no row for {service!r}")
        found.update({label: float(total_row[c]) for c, label in PAYER_COLUMNS.items()})
        found[TOTAL_ROW] = nhe
        published[int(year)] = found
    problems += _check_health_dollar(folder, published)
    problems += _check_totals(folder, published)
    return problems


def _check_health_dollar(folder: Path | None, published: dict[int, dict[str, float]]) -> list[str]:
    path = _data_path(folder, HEALTH_DOLLAR_FILE)
    _header, table = read_csv(path)
    problems: list[str] = []
    sums: dict[tuple[int, str], float] = {}
    for index, row in enumerate(table):
        where, year = _where(path, index), int(row["year"])
        category, amount = str(row["category"]), float(row["amount_millions_usd"])
        if year not in published:
            problems.append(f"{where}: year {year} is not in {SOURCES_USES_FILE}")
            continue
        values = published[year]
        nhe = values[TOTAL_ROW]
        if str(row["view"]) == "totals":
            expected = nhe
            for half in ("came from", "went"):
                got = sums.get((year, half), 0.0)
                if abs(got - amount) > 2 * ROUNDING_MILLIONS:
                    problems.append(
                        f"{where}: '{half}' rows for {year} add up to ${got:,.0f} million, not {amount:,.0f}"
                    )
        else:
            parts = _HEALTH_DOLLAR_PARTS.get(category, (category,))
            unknown = [p for p in parts if p not in values]
            if unknown:
                problems.append(f"{where}: unknown category {category!r}")
                continue
            expected = sum(values[p] for p in parts)
            half = "came from" if "came from" in str(row["view"]) else "went"
            sums[(year, half)] = sums.get((year, half), 0.0) + amount
        if abs(expected - amount) > ROUNDING_MILLIONS:
            problems.append(
                f"{where}: {category} ({year}) is ${amount:,.0f} million but {SOURCES_USES_FILE} gives "
                f"${expected:,.0f} million"
            )
        if abs(amount / nhe * 100 - float(row["share_pct"])) > 0.051:
            problems.append(
                f"{where}: {category} ({year}): share {row['share_pct']}% should be {amount / nhe:.1%}"
            )
    return problems


def _check_totals(folder: Path | None, published: dict[int, dict[str, float]]) -> list[str]:
    path = _data_path(folder, TOTALS_FILE)
    _header, table = read_csv(path)
    problems: list[str] = []
    for index, row in enumerate(table):
        where, year = _where(path, index), int(row["year"])
        nhe = float(row["nhe_billion_usd"])
        if year not in published:
            problems.append(f"{where}: year {year} is not in {SOURCES_USES_FILE}")
            continue
        if abs(nhe - published[year][TOTAL_ROW] / 1000) > 0.051:
            problems.append(f"{where}: NHE {nhe:,.1f} B differs from {SOURCES_USES_FILE}")
        per_capita, population = float(row["per_capita_usd"]), float(row["population_million"])
        # population is printed to 0.1 million, so per person × population can miss by 0.05 M × per person
        if abs(per_capita * population / 1000 - nhe) > per_capita * 0.05 / 1000 + 0.05:
            problems.append(
                f"{where}: ${per_capita:,.0f} a person × {population} M people is not NHE ${nhe:,.1f} B"
            )
        gdp = row["gdp_billion_usd"]
        if not is_missing(gdp) and abs(nhe / float(gdp) * 100 - float(row["nhe_share_of_gdp_pct"])) > 0.051:
            problems.append(f"{where}: NHE ÷ GDP is {nhe / float(gdp):.2%}, not {row['nhe_share_of_gdp_pct']}%")
    missing = sorted(set(published) - {int(row["year"]) for row in table})
    if missing:
        problems.append(f"{repo_relative(path)}: no totals for {', '.join(map(str, missing))}")
    return problems


MATRIX_COLUMNS = ("year", "service", "payer", "amount_millions")


def load_matrix() -> pd.DataFrame:
    """The CMS table in long form: ``year``, ``service`` (CMS row), ``payer``, ``amount_millions`` (int).

    Raises :class:`NHEDataError` if any of the NHE files does not add up.
    """
    import pandas as pd

    return pd.DataFrame(list(matrix_records()), columns=list(MATRIX_COLUMNS))


@cache
def matrix_records() -> tuple[tuple[int, str, str, int], ...]:
    """:func:`load_matrix` as plain tuples ``(year, service, payer, amount_millions)``, read once (the app's charts
    and pages use these, without pandas)."""
    problems = check_nhe_files()
    if problems:
        raise NHEDataError(problems)
    _header, table = read_csv(_data_path(None, SOURCES_USES_FILE))
    records: list[tuple[int, str, str, int]] = []
    for row in table:
        year, service = int(row["year"]), str(row["type_of_service"])
        if service == TOTAL_ROW:
            continue
        if service in UNSPLIT_ROWS:
            records.append((year, service, UNSPLIT_ROWS[service], int(row["total_millions_usd"])))
            continue
        for column, payer in PAYER_COLUMNS.items():
            records.append((year, service, payer, int(row[column])))
    return tuple(records)


@cache
def nhe_totals(year: int) -> NHETotals:
    """CMS headline figures for ``year`` from ``nhe_totals.csv``."""
    _check_year(year)
    _header, table = read_csv(_data_path(None, TOTALS_FILE))
    row: dict[str, Any] = next(r for r in table if r["year"] == year)
    nhe, share = float(row["nhe_billion_usd"]), float(row["nhe_share_of_gdp_pct"]) / 100
    gdp = row["gdp_billion_usd"]
    estimate = is_missing(gdp)
    return NHETotals(
        year=year,
        nhe_billion_usd=nhe,
        gdp_billion_usd=nhe / share if estimate else float(gdp),
        gdp_is_estimate=estimate,
        share_of_gdp=share,
        population_million=float(row["population_million"]),
        per_capita_usd=float(row["per_capita_usd"]),
    )


def available_years() -> tuple[int, ...]:
    """The years in the loaded data, newest first."""
    return tuple(sorted({record[0] for record in matrix_records()}, reverse=True))


def _check_year(year: object) -> int:
    years = available_years()
    if isinstance(year, bool) or not isinstance(year, int) or year not in years:
        raise ValueError(f"no NHE data for {year!r}; choose one of {', '.join(map(str, years))}")
    return year
