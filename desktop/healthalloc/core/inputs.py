"""Declared calculator inputs: what a field is, its unit, range, default and where the default comes from.

A calculator module lists its inputs as :class:`InputSpec` objects; the UI builds its form from them, scenario
files and ``calc:`` links are validated against them, and the fuzz tests draw values from them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

InputKind = Literal["number", "integer", "choice", "flag", "list"]


@dataclass(frozen=True)
class InputSpec:
    """One calculator input.

    ``kind``:
    - ``"number"``/``"integer"``: a value in ``[minimum, maximum]`` shown with ``decimals`` places;
    - ``"choice"``: one of ``choices`` (value, label) pairs;
    - ``"flag"``: a boolean;
    - ``"list"``: a comma-separated list of ``choices`` values (e.g. HCC labels).
    """

    name: str
    label: str
    default: float | int | str | bool | tuple[str, ...]
    kind: InputKind = "number"
    unit: str = ""
    minimum: float = 0.0
    maximum: float = 1.0
    step: float = 1.0
    decimals: int = 0
    choices: tuple[tuple[str, str], ...] = ()
    source: str = ""
    illustrative: bool = False
    help: str = ""
    slider: bool = True
    extra: Mapping[str, object] = field(default_factory=dict)

    def validate(self, value: object) -> float | int | str | bool | tuple[str, ...]:
        """Return ``value`` converted to this input's type, or raise ``ValueError`` saying what is wrong."""
        if self.kind in ("number", "integer"):
            return self._validate_number(value)
        if self.kind == "flag":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError(f"{self.label}: expected yes or no, got {value!r}")
        allowed = [key for key, _ in self.choices]
        if self.kind == "choice":
            text = str(value).strip()
            for key in allowed:
                if key.lower() == text.lower():
                    return key
            raise ValueError(f"{self.label}: {value!r} is not one of {', '.join(allowed)}")
        items: Iterable[object]
        if isinstance(value, str):
            items = [part for part in value.split(",") if part.strip()]
        elif isinstance(value, (list, tuple)):
            items = value
        else:
            raise ValueError(f"{self.label}: expected a comma-separated list, got {value!r}")
        chosen: list[str] = []
        lookup = {key.lower(): key for key in allowed}
        for item in items:
            found = lookup.get(str(item).strip().lower())
            if found is None:
                raise ValueError(f"{self.label}: unknown item {str(item).strip()!r}")
            if found not in chosen:
                chosen.append(found)
        return tuple(chosen)

    def _validate_number(self, value: object) -> float | int:
        if isinstance(value, bool):
            raise ValueError(f"{self.label}: expected a number, got {value!r}")
        if isinstance(value, str):
            text = value.strip().replace(",", "").replace("$", "").replace("%", "")
            if not text:
                raise ValueError(f"{self.label}: enter a number")
            try:
                number = float(text)
            except ValueError:
                raise ValueError(f"{self.label}: {value!r} is not a number") from None
        elif isinstance(value, (int, float)):
            number = float(value)
        else:
            raise ValueError(f"{self.label}: expected a number, got {value!r}")
        if not math.isfinite(number):
            raise ValueError(f"{self.label}: must be a finite number")
        if number < self.minimum or number > self.maximum:
            unit = f" {self.unit}" if self.unit else ""
            raise ValueError(
                f"{self.label} must be between {_fmt(self.minimum)} and {_fmt(self.maximum)}{unit}; "
                f"got {_fmt(number)}"
            )
        if self.kind == "integer":
            if number != int(number):
                raise ValueError(f"{self.label}: must be a whole number")
            return int(number)
        return number


def _fmt(number: float) -> str:
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:,.4g}"


def defaults(specs: Iterable[InputSpec]) -> dict[str, object]:
    """The default value of every input, by name."""
    return {spec.name: spec.default for spec in specs}


def validate_inputs(
    specs: Iterable[InputSpec], values: Mapping[str, object], *, partial: bool = False
) -> dict[str, object]:
    """Validate ``values`` against ``specs``.

    Unknown names raise ``ValueError``. With ``partial=True`` missing inputs are left out; otherwise they take
    their defaults.
    """
    by_name = {spec.name: spec for spec in specs}
    unknown = sorted(set(values) - set(by_name))
    if unknown:
        raise ValueError(f"unknown input(s): {', '.join(unknown)}; expected some of {', '.join(by_name)}")
    result: dict[str, object] = {}
    for name, spec in by_name.items():
        if name in values:
            result[name] = spec.validate(values[name])
        elif not partial:
            result[name] = spec.default
    return result
