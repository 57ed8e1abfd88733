"""Fee-for-service under the Medicare Physician Fee Schedule (RBRVS).

    allowed amount = (work RVU × work GPCI + PE RVU × PE GPCI + MP RVU × MP GPCI) × conversion factor

Medicare pays 80% of the allowed amount once the Part B deductible is met, the patient owes 20% coinsurance, and
the 2% sequestration cut comes off Medicare's share (CMS CY2026 PFS final rule; fact sheet §3.1).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from healthalloc.core.checks import check_fraction, check_number
from healthalloc.core.explain import Explanation, Step, money, percent
from healthalloc.core.inputs import InputSpec, validate_inputs
from healthalloc.core.reimbursement.parameters import (
    CONVERSION_FACTORS,
    DEFAULT_CONVERSION_FACTOR,
    LOCALITIES,
    PART_B_COINSURANCE,
    SEQUESTRATION,
)
from healthalloc.core.resources import data_file

CENT = Decimal("0.01")


def cents(amount: float) -> float:
    """Round to whole cents, halves away from zero (``round`` alone would send 0.125 to 0.12)."""
    return float(Decimal(repr(amount)).quantize(CENT, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class PhysicianFee:
    work_rvu: float
    pe_rvu: float
    mp_rvu: float
    gpci: tuple[float, float, float]
    conversion_factor: float
    adjusted_rvus: float
    allowed_amount: float
    patient_share: float
    medicare_share: float
    medicare_after_sequestration: float
    explanation: Explanation


def _gpci(gpci: object) -> tuple[float, float, float]:
    if not isinstance(gpci, (tuple, list)) or len(gpci) != 3:
        raise ValueError(f"The GPCIs must be three numbers (work, practice expense, malpractice), not {gpci!r}")
    names = ("The work GPCI", "The practice-expense GPCI", "The malpractice GPCI")
    work, pe, mp = (
        check_number(name, value, minimum=0.1, maximum=3.0) for name, value in zip(names, gpci, strict=True)
    )
    return (work, pe, mp)


def physician_fee(
    work_rvu: float,
    pe_rvu: float,
    mp_rvu: float,
    *,
    gpci: tuple[float, float, float] = (1.0, 1.0, 1.0),
    conversion_factor: float,
    coinsurance_rate: float = PART_B_COINSURANCE.value,
    sequestration_rate: float = SEQUESTRATION.value,
) -> PhysicianFee:
    """Medicare's allowed amount for one service and who pays it.

    ``allowed = (work × GPCIw + PE × GPCIpe + MP × GPCImp) × CF``, rounded to the cent; the patient owes
    ``coinsurance × allowed`` (deductible already met), Medicare the rest, less ``sequestration``.
    Example (fact sheet §3.1): 99213 in 2026 nationally, 2.85 RVUs × $33.4009 = $95.19; patient $19.04;
    Medicare $76.15, $74.63 after the 2% cut.
    """
    work = check_number("The work RVU", work_rvu, minimum=0.0, maximum=200.0)
    pe = check_number("The practice-expense RVU", pe_rvu, minimum=0.0, maximum=200.0)
    mp = check_number("The malpractice RVU", mp_rvu, minimum=0.0, maximum=200.0)
    gw, gpe, gmp = _gpci(gpci)
    cf = check_number("The conversion factor", conversion_factor, minimum=1.0, maximum=200.0)
    coinsurance = check_fraction("The coinsurance rate", coinsurance_rate)
    sequestration = check_number("The sequestration cut", sequestration_rate, minimum=0.0, maximum=0.5)

    adjusted = work * gw + pe * gpe + mp * gmp
    allowed = cents(adjusted * cf)
    patient = cents(allowed * coinsurance)
    medicare = cents(allowed - patient)
    after_cut = cents(medicare * (1 - sequestration))
    national = (gw, gpe, gmp) == (1.0, 1.0, 1.0)
    steps = (
        Step(
            title="Geographically adjusted RVUs",
            formula="work RVU × work GPCI + PE RVU × PE GPCI + MP RVU × MP GPCI",
            substituted=f"{work:.2f} × {gw:.3f} + {pe:.2f} × {gpe:.3f} + {mp:.2f} × {gmp:.3f}",
            result=f"{adjusted:.4f} RVUs",
            sentence=(
                "Every index is 1.000, so this is the national amount."
                if national
                else "Each part of the service's cost is scaled by what that part costs in this area."
            ),
        ),
        Step(
            title="Allowed amount",
            formula="adjusted RVUs × conversion factor",
            substituted=f"{adjusted:.4f} × ${cf:.4f}",
            result=money(allowed),
            sentence="The full price Medicare recognises for the service, whoever pays it.",
        ),
        Step(
            title="Patient's coinsurance",
            formula="allowed amount × coinsurance rate",
            substituted=f"{money(allowed)} × {percent(coinsurance, 0)}",
            result=money(patient),
            sentence="Once the yearly Part B deductible has been met.",
        ),
        Step(
            title="Medicare's share",
            formula="allowed amount − patient's coinsurance",
            substituted=f"{money(allowed)} − {money(patient)}",
            result=money(medicare),
        ),
        Step(
            title="After sequestration",
            formula="Medicare's share × (1 − sequestration cut)",
            substituted=f"{money(medicare)} × (1 − {percent(sequestration, 0)})",
            result=money(after_cut),
            sentence="The across-the-board cut applies to Medicare's part only, not to what the patient owes.",
        ),
    )
    explanation = Explanation(
        title="Fee-for-service: Medicare Physician Fee Schedule",
        steps=steps,
        summary=(
            f"The practice is paid {money(allowed)} for this service: {money(patient)} from the patient and "
            f"{money(after_cut)} from Medicare. Every extra service billed brings another payment like it."
        ),
        sources=(PART_B_COINSURANCE.source, SEQUESTRATION.source),
    )
    return PhysicianFee(
        work, pe, mp, (gw, gpe, gmp), cf, adjusted, allowed, patient, medicare, after_cut, explanation
    )


# ---- The catalogue of services -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Service:
    """One service in ``content/data/pfs_services.csv``. ``None`` means not priced in that setting."""

    code: str
    name: str
    year: int
    work_rvu: float
    pe_nonfacility_rvu: float | None
    pe_facility_rvu: float | None
    mp_rvu: float
    global_days: str
    source: str
    confidence: str

    def pe_rvu(self, setting: str) -> float | None:
        return self.pe_facility_rvu if setting == "facility" else self.pe_nonfacility_rvu


def _optional(text: str) -> float | None:
    return float(text) if text.strip() else None


@cache
def services() -> tuple[Service, ...]:
    """Every row of the catalogue (read once)."""
    with data_file("pfs_services.csv").open(encoding="utf-8", newline="") as handle:
        return tuple(
            Service(
                code=row["code"],
                name=row["name"],
                year=int(row["year"]),
                work_rvu=float(row["work_rvu"]),
                pe_nonfacility_rvu=_optional(row["pe_nonfacility_rvu"]),
                pe_facility_rvu=_optional(row["pe_facility_rvu"]),
                mp_rvu=float(row["mp_rvu"]),
                global_days=row["global_days"],
                source=row["source"],
                confidence=row["confidence"],
            )
            for row in csv.DictReader(handle)
        )


def service_codes() -> tuple[str, ...]:
    """Codes in catalogue order, each once."""
    return tuple(dict.fromkeys(s.code for s in services()))


def service_name(code: str) -> str:
    return next(s.name for s in services() if s.code == code)


def find_service(code: str, year: int) -> Service:
    """The catalogue row for ``code`` in ``year``, or the nearest year we have (the newest on a tie)."""
    rows = [s for s in services() if s.code == code]
    if not rows:
        raise ValueError(f"unknown service {code!r}; known: {', '.join(service_codes())}")
    return min(rows, key=lambda s: (abs(s.year - year), -s.year))


# ---- The fee-for-service tab: inputs and the side-by-side comparison ------------------------------------------
CUSTOM = "custom"
SETTINGS: tuple[tuple[str, str], ...] = (
    ("non-facility", "In an office (non-facility)"),
    ("facility", "In a hospital or other facility"),
)


def _service_choices() -> tuple[tuple[str, str], ...]:
    return (*((code, f"{code}: {service_name(code)}") for code in service_codes()), (CUSTOM, "Custom RVUs"))


_CF_CHOICES = tuple((key, cf.label) for key, cf in CONVERSION_FACTORS.items())
_LOCALITY_CHOICES = tuple((key, loc.label) for key, loc in LOCALITIES.items())

FFS_INPUTS: tuple[InputSpec, ...] = (
    InputSpec(
        "service",
        "Service",
        "99213",
        kind="choice",
        choices=_service_choices(),
        source="CMS PFS Relative Value File CY2026",
        help="Our own plain-language names; CPT wording is copyrighted.",
    ),
    InputSpec(
        "year",
        "Fee schedule year",
        DEFAULT_CONVERSION_FACTOR,
        kind="choice",
        choices=_CF_CHOICES,
        source="CMS PFS final rules for CY2024–CY2026",
        help="Picks the conversion factor.",
    ),
    InputSpec("setting", "Where it is done", "non-facility", kind="choice", choices=SETTINGS),
    InputSpec(
        "locality",
        "Locality",
        "national",
        kind="choice",
        choices=(*_LOCALITY_CHOICES, (CUSTOM, "Custom GPCIs")),
        source="CMS GPCI file CY2025",
    ),
    InputSpec(
        "compare_locality",
        "Compare with",
        "none",
        kind="choice",
        choices=(("none", "Nothing"), *_LOCALITY_CHOICES),
    ),
    InputSpec(
        "work_rvu",
        "Work RVU",
        1.30,
        minimum=0.0,
        maximum=60.0,
        step=0.01,
        decimals=2,
        source="CMS PFS Relative Value File CY2026",
        slider=False,
    ),
    InputSpec(
        "pe_rvu",
        "Practice-expense RVU",
        1.46,
        minimum=0.0,
        maximum=60.0,
        step=0.01,
        decimals=2,
        source="CMS PFS Relative Value File CY2026",
        slider=False,
    ),
    InputSpec(
        "mp_rvu",
        "Malpractice RVU",
        0.09,
        minimum=0.0,
        maximum=20.0,
        step=0.01,
        decimals=2,
        source="CMS PFS Relative Value File CY2026",
        slider=False,
    ),
    InputSpec(
        "work_gpci",
        "Work GPCI",
        1.0,
        minimum=0.5,
        maximum=2.0,
        step=0.001,
        decimals=3,
        source="CMS PFS national rates",
        slider=False,
    ),
    InputSpec(
        "pe_gpci",
        "Practice-expense GPCI",
        1.0,
        minimum=0.5,
        maximum=2.0,
        step=0.001,
        decimals=3,
        source="CMS PFS national rates",
        slider=False,
    ),
    InputSpec(
        "mp_gpci",
        "Malpractice GPCI",
        1.0,
        minimum=0.2,
        maximum=3.0,
        step=0.001,
        decimals=3,
        source="CMS PFS national rates",
        slider=False,
    ),
)


@dataclass(frozen=True)
class ResolvedService:
    """The RVUs and GPCIs a tab's inputs stand for, with notes on any year mismatch."""

    label: str
    rvus: tuple[float, float, float]
    gpci: tuple[float, float, float]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class FeeComparison:
    primary: PhysicianFee
    primary_label: str
    other: PhysicianFee | None
    other_label: str
    difference: float
    notes: tuple[str, ...]
    explanations: tuple[Explanation, ...]


def resolve_service(values: Mapping[str, object], locality: str | None = None) -> ResolvedService:
    """RVUs for the chosen service, year and setting, and GPCIs for ``locality`` (default: the chosen one)."""
    cf = CONVERSION_FACTORS[str(values["year"])]
    setting = str(values["setting"])
    notes: list[str] = []
    code = str(values["service"])
    if code == CUSTOM:
        rvus = (float(values["work_rvu"]), float(values["pe_rvu"]), float(values["mp_rvu"]))  # type: ignore[arg-type]
        label = "Custom service"
    else:
        row = find_service(code, cf.year)
        pe = row.pe_rvu(setting)
        if pe is None:
            other_row = next((s for s in services() if s.code == code and s.pe_rvu(setting) is not None), None)
            if other_row is None:
                where = "an office" if setting == "non-facility" else "a facility"
                raise ValueError(f"Medicare does not pay {code} in {where}; choose the other setting")
            notes.append(
                f"{code}: the CY{row.year} {setting} practice expense is not in our data; "
                f"CY{other_row.year} RVUs are used."
            )
            row, pe = other_row, other_row.pe_rvu(setting)
            assert pe is not None
        elif row.year != cf.year:
            notes.append(f"{code}: our catalogue has no CY{cf.year} RVUs; CY{row.year} RVUs are used.")
        rvus = (row.work_rvu, pe, row.mp_rvu)
        label = f"{code}, {row.name}"
    key = locality or str(values["locality"])
    if key == CUSTOM:
        gpci = (float(values["work_gpci"]), float(values["pe_gpci"]), float(values["mp_gpci"]))  # type: ignore[arg-type]
        place = "custom GPCIs"
    else:
        loc = LOCALITIES[key]
        gpci = loc.gpci
        place = loc.label
        if loc.year is not None and loc.year != cf.year:
            notes.append(f"{loc.label}: GPCIs are the CY{loc.year} values (the only year in our data).")
    return ResolvedService(f"{label}, {place}", rvus, gpci, tuple(notes))


def fee_comparison(values: Mapping[str, object]) -> FeeComparison:
    """The fee-for-service tab: one service priced in one locality, optionally beside a second locality."""
    compare_with = values.get("compare_locality", "none")
    if isinstance(compare_with, str) and not compare_with.strip():  # a blank "compare with": nothing to compare
        values = {**values, "compare_locality": "none"}
    values = validate_inputs(FFS_INPUTS, values)
    cf = CONVERSION_FACTORS[str(values["year"])]
    first = resolve_service(values)
    primary = physician_fee(*first.rvus, gpci=first.gpci, conversion_factor=cf.parameter.value)
    compare = str(values.get("compare_locality", "none"))
    other: PhysicianFee | None = None
    other_label = ""
    notes = list(first.notes)
    explanations = [_titled(primary.explanation, first.label, cf.parameter.source)]
    if compare != "none":
        second = resolve_service(values, compare)
        other = physician_fee(*second.rvus, gpci=second.gpci, conversion_factor=cf.parameter.value)
        other_label = second.label
        notes += [n for n in second.notes if n not in notes]
        explanations.append(_titled(other.explanation, second.label, cf.parameter.source))
    difference = cents(primary.allowed_amount - other.allowed_amount) if other else 0.0
    return FeeComparison(primary, first.label, other, other_label, difference, tuple(notes), tuple(explanations))


def _titled(explanation: Explanation, label: str, cf_source: str) -> Explanation:
    return Explanation(
        title=f"{explanation.title}: {label}",
        steps=explanation.steps,
        summary=explanation.summary,
        sources=(cf_source, *explanation.sources),
    )
