"""The CMS-HCC tables in ``content/data``, read once with the standard ``csv`` module (no pandas at start-up).

Coefficients are kept as integer thousandths: CMS publishes them with three decimals, so sums are exact and the
total rounds the way CMS rounds it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from healthalloc.core.resources import data_file

MODEL_NAMES: dict[str, str] = {
    "V24": "2020 CMS-HCC model (V24)",
    "V28": "2024 CMS-HCC model (V28)",
}
MODEL_NOTES: dict[str, str] = {
    "V24": "86 payment HCCs, calibrated on 2014 diagnoses and 2015 fee-for-service costs",
    "V28": "115 payment HCCs, calibrated on 2018 diagnoses and 2019 fee-for-service costs; "
    "100% of Medicare Advantage risk scores from 2026",
}
MODEL_SOURCES: dict[str, str] = {
    "V24": "CMS-HCC 2020 model (V24) relative factors, CMS risk adjustment software (2020)",
    "V28": "CMS-HCC 2024 model (V28) relative factors, CMS risk adjustment software (2024)",
}


@dataclass(frozen=True)
class Segment:
    code: str
    name: str
    aged: bool
    short: str = ""

    @property
    def ages(self) -> str:
        return "65 or older" if self.aged else "under 65 (entitled by disability)"


SEGMENTS: dict[str, Segment] = {
    s.code: s
    for s in (
        Segment("CNA", "Community, not dual-eligible, aged", True, "aged, Medicare only"),
        Segment("CND", "Community, not dual-eligible, disabled", False, "disabled, Medicare only"),
        Segment("CFA", "Community, full-benefit dual (Medicare + Medicaid), aged", True, "aged, full Medicaid"),
        Segment(
            "CFD", "Community, full-benefit dual (Medicare + Medicaid), disabled", False, "disabled, full Medicaid"
        ),
        Segment("CPA", "Community, partial-benefit dual, aged", True, "aged, partial Medicaid"),
        Segment("CPD", "Community, partial-benefit dual, disabled", False, "disabled, partial Medicaid"),
    )
}

AGED_BANDS: tuple[tuple[int, int, str], ...] = (
    (65, 69, "65-69"),
    (70, 74, "70-74"),
    (75, 79, "75-79"),
    (80, 84, "80-84"),
    (85, 89, "85-89"),
    (90, 94, "90-94"),
    (95, 120, "95+"),
)
DISABLED_BANDS: tuple[tuple[int, int, str], ...] = (
    (0, 34, "0-34"),
    (35, 44, "35-44"),
    (45, 54, "45-54"),
    (55, 59, "55-59"),
    (60, 64, "60-64"),
)


@dataclass(frozen=True)
class ModelTables:
    """One model's coefficients for the community segments."""

    demographic: dict[tuple[str, str, str], int]  # (segment, "Female"/"Male", band) → thousandths
    conditions: dict[tuple[str, str], int]  # (segment, "HCC85") → thousandths
    other: dict[tuple[str, str], int]  # (segment, variable) → thousandths
    cms_labels: dict[str, str]  # "HCC85" → CMS label
    excludes: dict[str, frozenset[str]]  # dominant "HCC17" → the HCCs it removes


@dataclass(frozen=True)
class CrosswalkRow:
    concept: str
    plain_name: str
    family: str
    v24: str
    v28: str
    note: str

    def code(self, model: str) -> str:
        return self.v24 if model == "V24" else self.v28


def thousandths(text: str) -> int:
    return round(float(text) * 1000)


def _rows(name: str) -> list[dict[str, str]]:
    with data_file(name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def model_tables(model: str) -> ModelTables:
    demographic = {
        (row["segment"], row["sex"], row["age_band"]): thousandths(row["relative_factor"])
        for row in _rows("cms_hcc_demographic_factors.csv")
        if row["model_version"] == model
    }
    conditions: dict[tuple[str, str], int] = {}
    labels: dict[str, str] = {}
    for row in _rows("cms_hcc_condition_factors.csv"):
        if row["model_version"] == model:
            conditions[(row["segment"], row["variable"])] = thousandths(row["relative_factor"])
            labels[row["variable"]] = row["hcc_label"]
    other = {
        (row["segment"], row["variable"]): thousandths(row["relative_factor"])
        for row in _rows("cms_hcc_other_factors.csv")
        if row["model_version"] == model
    }
    excludes: dict[str, set[str]] = {}
    for row in _rows("cms_hcc_hierarchies.csv"):
        if row["model_version"] == model:
            excludes.setdefault(f"HCC{row['dominant_hcc']}", set()).add(f"HCC{row['excluded_hcc']}")
    return ModelTables(
        demographic=demographic,
        conditions=conditions,
        other=other,
        cms_labels=dict(sorted(labels.items(), key=lambda item: int(item[0][3:]))),
        excludes={key: frozenset(value) for key, value in excludes.items()},
    )


@cache
def crosswalk() -> tuple[CrosswalkRow, ...]:
    return tuple(
        CrosswalkRow(
            concept=row["concept"],
            plain_name=row["plain_name"],
            family=row["family"],
            v24=row["v24_hcc"],
            v28=row["v28_hcc"],
            note=row["note"],
        )
        for row in _rows("cms_hcc_v24_v28_crosswalk.csv")
    )
