"""Argument checks shared by the calculators: every bad value becomes a ``ValueError`` a student can read."""

from __future__ import annotations

import math

# Points on a chart's curve: a few hundred are plenty, and millions would hang the page while they are computed.
MAX_CURVE_POINTS = 10_001


def check_number(
    label: str,
    value: object,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
) -> float:
    """Return ``value`` as a finite float within ``[minimum, maximum]`` or raise ``ValueError`` naming ``label``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{label} must be a number, not {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{label} must be a finite number, not {value!r}")
    if minimum is not None and number < minimum:
        raise ValueError(f"{label} cannot be below {minimum:g} (got {number:g})")
    if maximum is not None and number > maximum:
        raise ValueError(f"{label} cannot be above {maximum:g} (got {number:g})")
    return number


def check_fraction(label: str, value: object) -> float:
    """A rate between 0 and 1 (e.g. coinsurance 0.2 for 20%)."""
    return check_number(label, value, minimum=0.0, maximum=1.0)


def check_count(label: str, value: object, *, minimum: int = 0, maximum: int | None = None) -> int:
    """A whole number of people, services or claims."""
    number = check_number(label, value, minimum=minimum, maximum=maximum)
    if not number.is_integer():
        raise ValueError(f"{label} must be a whole number (got {number:g})")
    return int(number)


def check_points(value: object) -> int:
    """The number of points on a curve: at least 2 (a line needs two ends), at most :data:`MAX_CURVE_POINTS`."""
    return check_count("The number of points on the curve", value, minimum=2, maximum=MAX_CURVE_POINTS)
