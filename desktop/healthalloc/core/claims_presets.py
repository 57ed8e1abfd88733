"""Presets and declared inputs of the claim calculator (page ``claim``; links ``calc:claim?preset=diabetes``).

Plans: an employer plan with the KFF 2025 average deductible and the 2026 legal out-of-pocket limit, and
traditional Medicare (Part B, with the Part A deductible for hospital stays). Years: five illustrative sequences
of services whose prices are made up but plausible; only the cost-sharing rules and plan parameters are real.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from healthalloc.core.claims import (
    ACA_OOP_MAX_2026,
    KFF_AVERAGE_DEDUCTIBLE_2025,
    PART_A_DEDUCTIBLE_2026,
    PLAN_PRESETS,
    SERVICE_TYPES,
    Claim,
    Plan,
    medicare_part_b,
)
from healthalloc.core.inputs import InputSpec, validate_inputs

# --- Years of claims (prices are illustrative) ------------------------------------------------------------------


def _c(
    month: int,
    service_type: str,
    description: str,
    billed: float,
    allowed: float,
    *,
    network: str = "in",
    protected: bool = False,
) -> Claim:
    return Claim(allowed, service_type, billed, network, protected, month, description)


def _monthly(months: Sequence[int], *args: Any) -> list[Claim]:
    return [_c(month, *args) for month in months]


YEAR_PRESETS: dict[str, str] = {
    "healthy-year": "A healthy year",
    "diabetes": "Managing type 2 diabetes",
    "baby": "Having a baby",
    "fracture": "A simple fracture",
    "major-surgery": "A major surgery that hits the cap",
}

_QUARTERS = (1, 4, 7, 10)
_ALL_MONTHS = tuple(range(1, 13))


def year_preset(name: str) -> tuple[Claim, ...]:
    """The claims of one illustrative year (:data:`YEAR_PRESETS`). Billed and allowed amounts are made up but
    plausible for a commercial plan; only the cost-sharing rules are real."""
    presets: dict[str, list[Claim]] = {
        "healthy-year": [
            _c(2, "preventive", "Annual check-up", 320, 190),
            _c(2, "preventive", "Screening blood tests", 150, 60),
            _c(5, "office_visit", "Sick visit for a sinus infection", 220, 135),
            _c(5, "prescription", "Generic antibiotic", 25, 12),
            _c(10, "preventive", "Flu shot", 60, 40),
            _c(11, "office_visit", "Visit for a sprained wrist", 250, 150),
            _c(11, "imaging", "Wrist X-ray", 300, 95),
        ],
        "diabetes": [
            *_monthly(_QUARTERS, "office_visit", "Diabetes check-up", 260, 150),
            *_monthly(_QUARTERS, "lab", "A1c and kidney tests", 140, 55),
            *_monthly(_ALL_MONTHS, "prescription", "Metformin (generic)", 30, 15),
            *_monthly(_ALL_MONTHS, "brand_drug", "Long-acting insulin (brand)", 520, 330),
            _c(3, "specialist", "Diabetic eye exam", 280, 160),
            _c(8, "specialist", "Endocrinologist visit", 380, 220),
            _c(9, "preventive", "Flu shot", 60, 40),
        ],
        "baby": [
            _c(3, "imaging", "First ultrasound", 600, 300),
            _c(3, "lab", "Prenatal blood tests", 450, 180),
            _c(6, "imaging", "Anatomy scan (ultrasound)", 700, 320),
            _c(7, "lab", "Glucose screening", 120, 45),
            _c(10, "inpatient", "Hospital stay for the birth", 26_000, 11_500),
            _c(10, "professional", "Obstetrician: prenatal care and delivery", 6_500, 3_200),
            _c(
                10,
                "professional",
                "Epidural by an out-of-network anesthesiologist",
                2_400,
                900,
                network="out",
                protected=True,
            ),
            _c(11, "preventive", "Newborn check-up", 250, 150),
            _c(12, "office_visit", "Postpartum visit", 240, 140),
        ],
        "fracture": [
            _c(4, "emergency", "Emergency room visit", 3_200, 1_400),
            _c(4, "professional", "Out-of-network ER physician", 900, 350, network="out", protected=True),
            _c(4, "imaging", "X-rays", 400, 120),
            _c(4, "specialist", "Orthopedic visit", 350, 210),
            _c(4, "outpatient", "Setting the bone and a cast", 900, 480),
            _c(5, "imaging", "Follow-up X-ray", 300, 100),
            _c(5, "specialist", "Orthopedic follow-up", 250, 150),
            *_monthly((6, 6, 6, 6, 7, 7), "outpatient", "Physical therapy session", 180, 95),
        ],
        "major-surgery": [
            _c(2, "specialist", "Surgeon consultation", 400, 230),
            _c(2, "imaging", "MRI", 2_800, 1_100),
            _c(3, "lab", "Pre-surgery tests", 300, 120),
            _c(3, "inpatient", "Hospital stay for the operation", 98_000, 52_000),
            _c(3, "professional", "Surgeon's fee", 14_000, 6_200),
            _c(3, "professional", "Out-of-network anesthesiologist", 4_500, 1_500, network="out", protected=True),
            _c(4, "specialist", "Surgeon follow-up", 250, 150),
            *_monthly((4, 5, 6), "outpatient", "Physical therapy, four sessions", 720, 380),
            _c(9, "office_visit", "Check-up visit", 220, 135),
        ],
    }
    if name not in presets:
        raise ValueError(f"unknown year preset {name!r}; choose one of {', '.join(YEAR_PRESETS)}")
    return tuple(presets[name])


# --- Declared inputs of the claim page (calc:claim?...) ----------------------------------------------------------

PLAN_INPUTS: tuple[InputSpec, ...] = (
    InputSpec(
        "plan",
        "Plan",
        "employer",
        kind="choice",
        choices=tuple(PLAN_PRESETS.items()),
        help="Choosing a plan fills in its deductible, coinsurance, cap and copays.",
    ),
    InputSpec(
        "deductible",
        "Deductible",
        KFF_AVERAGE_DEDUCTIBLE_2025,
        unit="$",
        maximum=20_000,
        step=50,
        source="KFF Employer Health Benefits Survey 2025, average single deductible",
        help="What the patient pays in full each year before coinsurance starts.",
    ),
    InputSpec(
        "coinsurance",
        "Coinsurance",
        20.0,
        unit="%",
        maximum=100,
        step=5,
        illustrative=True,
        source="a common rate; Medicare Part B also charges 20% (CMS 2026)",
        help="The patient's share of the allowed amount once the deductible is met.",
    ),
    InputSpec(
        "oop_max",
        "Out-of-pocket maximum",
        ACA_OOP_MAX_2026,
        unit="$",
        maximum=50_000,
        step=100,
        source="HHS, 2026 maximum out-of-pocket limit for self-only coverage",
        help="The most the patient pays in a year for covered in-network care; the plan pays the rest.",
    ),
    InputSpec(
        "no_cap",
        "No out-of-pocket cap",
        False,
        kind="flag",
        help="Traditional Medicare has no yearly cap on Part B cost sharing.",
    ),
    InputSpec(
        "copay_office",
        "Copay: primary-care visit",
        30.0,
        unit="$",
        maximum=200,
        step=5,
        illustrative=True,
        help="A fixed amount instead of the deductible and coinsurance; 0 means no copay.",
    ),
    InputSpec(
        "copay_specialist",
        "Copay: specialist visit",
        60.0,
        unit="$",
        maximum=300,
        step=5,
        illustrative=True,
        help="0 means no copay: the deductible and coinsurance apply.",
    ),
    InputSpec(
        "copay_generic",
        "Copay: generic prescription",
        10.0,
        unit="$",
        maximum=100,
        step=1,
        illustrative=True,
        help="0 means no copay: the deductible and coinsurance apply.",
    ),
)

CLAIM_INPUTS: tuple[InputSpec, ...] = (
    InputSpec(
        "service",
        "Service",
        "imaging",
        kind="choice",
        choices=tuple(SERVICE_TYPES.items()),
        help="The kind of care; some kinds have a copay.",
    ),
    InputSpec(
        "billed",
        "Billed charge",
        3_000.0,
        unit="$",
        maximum=200_000,
        step=50,
        decimals=2,
        illustrative=True,
        help="The provider's full list price on the claim.",
    ),
    InputSpec(
        "allowed",
        "Allowed amount",
        2_000.0,
        unit="$",
        maximum=200_000,
        step=50,
        decimals=2,
        illustrative=True,
        source="the course fact sheet's worked example",
        help="The price the plan recognizes (the contracted rate in network).",
    ),
    InputSpec(
        "network",
        "Provider",
        "in",
        kind="choice",
        choices=(("in", "In network"), ("out", "Out of network")),
    ),
    InputSpec(
        "protected",
        "Emergency or surprise bill (No Surprises Act)",
        False,
        kind="flag",
        help=(
            "Emergency care, or an out-of-network clinician at an in-network hospital or center: the No Surprises "
            "Act forbids balance billing and requires in-network cost sharing."
        ),
    ),
    InputSpec(
        "deductible_paid",
        "Already paid toward the deductible this year",
        0.0,
        unit="$",
        maximum=20_000,
        step=50,
        decimals=2,
    ),
    InputSpec(
        "oop_paid",
        "Already paid toward the out-of-pocket maximum",
        0.0,
        unit="$",
        maximum=50_000,
        step=50,
        decimals=2,
    ),
)

YEAR_INPUTS: tuple[InputSpec, ...] = (
    InputSpec(
        "preset",
        "The year",
        "healthy-year",
        kind="choice",
        choices=tuple(YEAR_PRESETS.items()),
        help="A sequence of services over one year; the prices are illustrative.",
    ),
)

INPUTS: tuple[InputSpec, ...] = (*PLAN_INPUTS, *CLAIM_INPUTS, *YEAR_INPUTS)


def plan_values(preset: str) -> dict[str, object]:
    """The plan inputs for a plan preset (``employer`` or ``medicare-b``)."""
    if preset == "medicare-b":
        plan = medicare_part_b()
        return {
            "plan": preset,
            "deductible": plan.deductible,
            "coinsurance": plan.coinsurance * 100,
            "oop_max": ACA_OOP_MAX_2026,
            "no_cap": True,
            "copay_office": 0.0,
            "copay_specialist": 0.0,
            "copay_generic": 0.0,
        }
    if preset == "employer":
        return {spec.name: spec.default for spec in PLAN_INPUTS}
    raise ValueError(f"unknown plan {preset!r}; choose one of {', '.join(PLAN_PRESETS)}")


def plan_from_inputs(values: Mapping[str, object]) -> Plan:
    """Build the :class:`Plan` the form describes (raises ``ValueError`` with a readable message if invalid)."""
    v = validate_inputs(PLAN_INPUTS, {k: values[k] for k in values if k in {s.name for s in PLAN_INPUTS}})
    cap = None if v["no_cap"] else float(v["oop_max"])  # type: ignore[arg-type]
    deductible = float(v["deductible"])  # type: ignore[arg-type]
    rate = float(v["coinsurance"]) / 100  # type: ignore[arg-type]
    if v["plan"] == "medicare-b":
        copays = {"preventive": 0.0, "inpatient": PART_A_DEDUCTIBLE_2026}
        name = "Traditional Medicare, 2026"
    else:
        copays = {"preventive": 0.0}
        name = "Employer plan, 2026"
    for key, service in (
        ("copay_office", "office_visit"),
        ("copay_specialist", "specialist"),
        ("copay_generic", "prescription"),
    ):
        amount = float(v[key])  # type: ignore[arg-type]
        if amount > 0:
            copays[service] = amount
    return Plan(deductible, rate, cap, copays, name=name)


def claim_from_inputs(values: Mapping[str, object]) -> Claim:
    v = validate_inputs(CLAIM_INPUTS, {k: values[k] for k in values if k in {s.name for s in CLAIM_INPUTS}})
    return Claim(
        allowed=float(v["allowed"]),  # type: ignore[arg-type]
        service_type=str(v["service"]),
        billed=float(v["billed"]),  # type: ignore[arg-type]
        network=str(v["network"]),
        nsa_protected=bool(v["protected"]),
    )


PLAN_SOURCES: dict[str, str] = {
    "employer": (
        "Sources: average single deductible from the KFF Employer Health Benefits Survey 2025; out-of-pocket "
        "maximum = the HHS limit for 2026. The 20% rate and the copays are illustrative."
    ),
    "medicare-b": (
        "Sources: CMS, 2026 Medicare Parts A & B premiums and deductibles ($283 Part B deductible, 20% "
        "coinsurance, $1,736 Part A deductible per hospital benefit period). Traditional Medicare has no "
        "out-of-pocket cap; many people buy supplemental coverage for that reason."
    ),
}

MEDICARE_DRUG_NOTE = (
    "In traditional Medicare, pharmacy prescriptions are covered by a separate Part D plan, with its own "
    "deductible (at most $615 in 2026) and a $2,100 yearly out-of-pocket cap (CMS, 2026). This page prices them "
    "with Part B's rules, so treat the prescription rows as a rough guide."
)
OUT_OF_NETWORK_NOTE = (
    "Out of network, many plans pay less than in network or nothing at all; this calculator applies the same "
    "cost sharing to the plan's allowed amount and adds the balance bill on top."
)
PRICES_NOTE = (
    "The prices of care are illustrative. The deductibles and out-of-pocket limits are real: the KFF 2025 average "
    "deductible, the HHS 2026 limit and Medicare's 2026 amounts (CMS)."
)


def year_notes(plan_preset: str, year_claims: Sequence[Claim]) -> list[str]:
    """Caveats to show with a year of claims on a plan preset."""
    notes = [PRICES_NOTE]
    drugs = any(c.service_type in ("prescription", "brand_drug") for c in year_claims)
    if plan_preset == "medicare-b" and drugs:
        notes.append(MEDICARE_DRUG_NOTE)
    return notes


def claim_notes(claim: Claim) -> list[str]:
    """Caveats to show with one claim."""
    return [OUT_OF_NETWORK_NOTE] if claim.network == "out" and not claim.nsa_protected else []
