"""A small table of named columns, for what the pages show: no pandas.

Importing pandas costs about 35 MB of resident memory (about 55 MB in the app, where Qt for Python reads the
source of every module imported after it), and a page shows a few rows. So the pages and the lesson charts work on
plain lists, and a :class:`Table` carries them to the table views and the text alternatives. The DataFrame API of
``core`` stays for notebooks and tests: :meth:`Table.to_frame` builds one (pandas is imported then, and only then).

An empty cell is ``None`` (a NaN given is stored as ``None``, so equal tables compare equal); a DataFrame made
from the table has NaN there. Both show as a dash.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Table:
    """Rows of values under ``columns`` (names in order)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    def __post_init__(self) -> None:
        width = len(self.columns)
        for number, row in enumerate(self.rows, 1):
            if len(row) != width:
                raise ValueError(f"row {number} has {len(row)} values for {width} columns")
        if any(isinstance(v, float) and math.isnan(v) for row in self.rows for v in row):
            rows = tuple(tuple(None if is_missing(v) else v for v in row) for row in self.rows)
            object.__setattr__(self, "rows", rows)

    @classmethod
    def from_columns(cls, columns: Mapping[str, Sequence[Any]]) -> Table:
        """``{"name": [values], ...}``: every column the same length."""
        names = tuple(columns)
        lengths = {len(values) for values in columns.values()}
        if len(lengths) > 1:
            raise ValueError(f"columns of different lengths: {sorted(lengths)}")
        return cls(names, tuple(zip(*(columns[name] for name in names), strict=True)))

    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> Table:
        return cls(tuple(columns), tuple(tuple(record[name] for name in columns) for record in records))

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self.rows)

    def __getitem__(self, column: str) -> list[Any]:
        """One column's values."""
        try:
            index = self.columns.index(column)
        except ValueError:
            raise KeyError(column) from None
        return [row[index] for row in self.rows]

    def select(self, columns: Sequence[str]) -> Table:
        """These columns, in this order."""
        indexes = [self.columns.index(name) for name in columns]
        return Table(tuple(columns), tuple(tuple(row[i] for i in indexes) for row in self.rows))

    def rename(self, names: Mapping[str, str]) -> Table:
        return Table(tuple(names.get(name, name) for name in self.columns), self.rows)

    def with_column(self, name: str, values: Sequence[Any]) -> Table:
        """A copy with column ``name`` replaced by ``values`` (added at the end if it is new)."""
        if len(values) != len(self.rows):
            raise ValueError(f"{len(values)} values for {len(self.rows)} rows")
        if name not in self.columns:
            return Table((*self.columns, name), tuple((*row, v) for row, v in zip(self.rows, values, strict=True)))
        index = self.columns.index(name)
        return Table(
            self.columns,
            tuple((*row[:index], v, *row[index + 1 :]) for row, v in zip(self.rows, values, strict=True)),
        )

    def to_frame(self) -> pd.DataFrame:
        """The same table as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame({name: _frame_column(self[name]) for name in self.columns}, columns=list(self.columns))

    def to_text(self, na_rep: str = "—") -> str:
        """Aligned plain text, a header line and one line per row (a chart's text alternative)."""
        cells = [[_cell_text(value, na_rep) for value in row] for row in self.rows]
        widths = [max([len(name), *(len(row[i]) for row in cells)]) for i, name in enumerate(self.columns)]
        lines = [" ".join(name.rjust(width) for name, width in zip(self.columns, widths, strict=True))]
        lines += [" ".join(text.rjust(width) for text, width in zip(row, widths, strict=True)) for row in cells]
        return "\n".join(lines)


def is_missing(value: object) -> bool:
    """``None`` or NaN: an empty cell."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _frame_column(values: list[Any]) -> list[Any]:
    """A column of numbers with empty cells, or of nothing but empty cells, holds NaN in a DataFrame."""
    present = [v for v in values if v is not None]
    if len(present) < len(values) and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in present
    ):
        return [math.nan if v is None else float(v) for v in values]
    return values


def _cell_text(value: object, na_rep: str) -> str:
    if is_missing(value):
        return na_rep
    if isinstance(value, float):
        text = f"{value:.6f}".rstrip("0").rstrip(".")
        return "0" if text == "-0" else text
    return str(value)


def read_csv(path: Path) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    """A CSV file's header and rows, each a dict, typed by column as ``pandas.read_csv`` would: a column of whole
    numbers holds ints, one with decimals or empty cells holds floats (an empty cell is NaN), anything else text
    (an empty cell is NaN there too)."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = tuple(next(reader, []))
        raw = [row + [""] * (len(header) - len(row)) for row in reader if row]
    columns = [_typed([row[i] for row in raw]) for i in range(len(header))]
    return header, [{name: columns[i][r] for i, name in enumerate(header)} for r in range(len(raw))]


def _typed(texts: list[str]) -> list[Any]:
    present = [t.strip() for t in texts if t.strip()]
    try:
        numbers = [float(t) for t in present]
    except ValueError:
        return [t if t.strip() else math.nan for t in texts]
    whole = len(present) == len(texts) and all(_is_int(t) for t in present)
    if whole:
        return [int(t) for t in texts]
    values = iter(numbers)
    return [next(values) if t.strip() else math.nan for t in texts]


def _is_int(text: str) -> bool:
    return text.lstrip("+-").isdigit()
