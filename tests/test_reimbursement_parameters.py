"""The calculator's constants match the sourced copy in content/data, and the data files carry their sources."""

from __future__ import annotations

import csv
import tomllib

import pytest

from healthalloc.core.reimbursement.fee_schedule import services
from healthalloc.core.reimbursement.parameters import (
    CONVERSION_FACTORS,
    DRG_WEIGHTS,
    GAF_EXPONENT,
    HACRP_PENALTY,
    HRRP_MAX_PENALTY,
    IPPS_YEARS,
    LOCALITIES,
    MIPS_MAX_ADJUSTMENT,
    MIPS_THRESHOLD,
    PART_B_COINSURANCE,
    SEQUESTRATION,
    TRACKS,
    VBP_WITHHOLD,
)
from healthalloc.core.resources import data_file


def csv_value(parameter: str, period: str) -> str:
    with data_file("payment_parameters.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["parameter"] == parameter and row["period"] == period:
                return row["value"]
    raise AssertionError(f"no row {parameter!r} for {period!r}")


def numbers(text: str) -> list[float]:
    return [float(part.split()[0]) for part in text.split("/")]


@pytest.mark.parametrize(
    ("value", "parameter", "period", "scale"),
    [
        (
            CONVERSION_FACTORS["CY2024"].parameter.value,
            "conversion factor (final after CAA 2024 relief)",
            "CY2024",
            1,
        ),
        (CONVERSION_FACTORS["CY2025"].parameter.value, "conversion factor", "CY2025", 1),
        (
            CONVERSION_FACTORS["CY2026"].parameter.value,
            "conversion factor non-qualifying APM participant (non-QP)",
            "CY2026",
            1,
        ),
        (
            CONVERSION_FACTORS["CY2026-QP"].parameter.value,
            "conversion factor qualifying APM participant (QP)",
            "CY2026",
            1,
        ),
        (
            PART_B_COINSURANCE.value,
            "coinsurance after deductible (most physician/outpatient services)",
            "ongoing",
            100,
        ),
        (SEQUESTRATION.value, "sequestration reduction applied to Medicare payment", "2025-2026", 100),
        (
            IPPS_YEARS["FY2025"].standardized_amount.value,
            "operating standardized amount (hospitals meeting IQR + EHR)",
            "FY2025",
            1,
        ),
        (
            IPPS_YEARS["FY2026"].standardized_amount.value,
            "operating standardized amount (hospitals meeting IQR + EHR)",
            "FY2026",
            1,
        ),
        (IPPS_YEARS["FY2025"].capital_rate.value, "capital federal rate", "FY2025", 1),
        (IPPS_YEARS["FY2026"].capital_rate.value, "capital federal rate", "FY2026", 1),
        (IPPS_YEARS["FY2025"].labor_share_high.value, "labor-related share (wage index > 1.0)", "FY2025", 100),
        (IPPS_YEARS["FY2026"].labor_share_high.value, "labor-related share (wage index > 1.0)", "FY2026", 100),
        (
            IPPS_YEARS["FY2026"].labor_share_low.value,
            "labor-related share (wage index <= 1.0)",
            "FY2025-FY2026",
            100,
        ),
        (IPPS_YEARS["FY2025"].fixed_loss_threshold.value, "fixed-loss cost outlier threshold", "FY2025", 1),
        (IPPS_YEARS["FY2026"].fixed_loss_threshold.value, "fixed-loss cost outlier threshold", "FY2026", 1),
        (
            DRG_WEIGHTS["470"].weight,
            "MS-DRG 470 relative weight (major hip/knee replacement w/o MCC)",
            "FY2026",
            1,
        ),
        (DRG_WEIGHTS["291"].weight, "MS-DRG 291 relative weight (heart failure & shock with MCC)", "FY2026", 1),
        (
            DRG_WEIGHTS["871"].weight,
            "MS-DRG 871 relative weight (septicemia or severe sepsis w/o MV >96h with MCC)",
            "FY2026",
            1,
        ),
        (GAF_EXPONENT.value, "capital geographic adjustment factor exponent (GAF = wage index ^ x)", "ongoing", 1),
        (VBP_WITHHOLD.value, "withhold from base operating DRG payments", "FY2017 onward", 100),
        (HRRP_MAX_PENALTY.value, "maximum readmission penalty", "FY2015 onward", 100),
        (HACRP_PENALTY.value, "penalty for worst-performing quartile", "FY2015 onward", 100),
        (
            MIPS_MAX_ADJUSTMENT.value,
            "maximum negative payment adjustment (positive scaled for budget neutrality)",
            "payment year 2022 onward",
            100,
        ),
        (MIPS_THRESHOLD.value, "performance threshold", "performance years 2024-2028 (payment 2026-2030)", 1),
    ],
)
def test_constants_match_the_sourced_csv(value: float, parameter: str, period: str, scale: float) -> None:
    assert value * scale == pytest.approx(numbers(csv_value(parameter, period))[0])


def test_mssp_rates_and_caps_match_the_csv() -> None:
    sharing = numbers(
        csv_value("final sharing rate BASIC Levels A-B / C-E / ENHANCED", "agreement periods from July 2019")
    )
    assert [TRACKS["BASIC_A"].sharing_rate, TRACKS["BASIC_E"].sharing_rate, TRACKS["ENHANCED"].sharing_rate] == [
        s / 100 for s in sharing
    ]
    caps = numbers(csv_value("savings cap BASIC / ENHANCED", "agreement periods from July 2019"))
    assert [TRACKS["BASIC_A"].savings_cap, TRACKS["ENHANCED"].savings_cap] == [c / 100 for c in caps]
    losses = csv_value("shared loss rate BASIC C-E / ENHANCED", "agreement periods from July 2019")
    assert losses.startswith("30 / 40-75")
    assert TRACKS["BASIC_C"].loss_rate == 0.30


def test_99213_and_rest_of_california_match_the_csv() -> None:
    row = next(s for s in services() if s.code == "99213" and s.year == 2026)
    assert (row.work_rvu, row.pe_nonfacility_rvu, row.pe_facility_rvu, row.mp_rvu) == (1.30, 1.46, 0.33, 0.09)
    old = next(s for s in services() if s.code == "99213" and s.year == 2025)
    assert [old.work_rvu, old.pe_nonfacility_rvu, old.mp_rvu] == numbers(
        csv_value("CPT 99213 work / NF PE / MP RVU", "CY2025")
    )
    assert list(LOCALITIES["rest-of-california"].gpci) == numbers(
        csv_value("Rest of California GPCIs work / PE / MP (locality 01182-99)", "CY2025")
    )


def test_catalogue_is_well_formed() -> None:
    rows = services()
    assert len({(s.code, s.year) for s in rows}) == len(rows)
    for s in rows:
        assert s.name and s.source and s.confidence in ("high", "medium-high", "medium")
        assert s.pe_nonfacility_rvu is not None or s.pe_facility_rvu is not None
        # the names are ours: no CPT descriptor wording in capitals
        assert not s.name.isupper()


@pytest.mark.parametrize("name", ["payment_parameters.csv", "pfs_services.csv"])
def test_sidecars(name: str) -> None:
    sidecar = data_file(name).with_name(name.removesuffix(".csv") + ".source.toml")
    meta = tomllib.loads(sidecar.read_text(encoding="utf-8"))
    assert {"title", "publisher", "year", "url", "illustrative", "notes"} <= set(meta)
    assert meta["illustrative"] is False and meta["url"].startswith("https://")


def test_payment_parameters_is_the_research_copy() -> None:
    with data_file("payment_parameters.csv").open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == ["program", "parameter", "period", "value", "unit", "source", "confidence"]
