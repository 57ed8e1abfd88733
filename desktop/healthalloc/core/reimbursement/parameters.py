"""Sourced payment parameters used by the reimbursement calculators.

Each value is copied from ``content/data/payment_parameters.csv`` (the course fact sheet §3, §5, §9), with its
source and year; ``tests/test_reimbursement_parameters.py`` checks that the two still agree. Values the fact sheet
does not cover (bundled-payment terms, peer averages) live next to the model that uses them and are marked
illustrative.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Parameter:
    """One sourced figure: ``value`` in ``unit`` for ``period``, with where it comes from."""

    value: float
    unit: str
    period: str
    source: str
    confidence: str = "high"  # high | medium-high | medium

    @property
    def citation(self) -> str:
        """``"CMS CY2026 PFS final rule (2025)"``: what a student sees next to the number."""
        return self.source


# ---- Medicare Physician Fee Schedule (fact sheet §3.1) -------------------------------------------------------
PFS_RULE_2024 = "CMS CY2024 PFS final rule, as revised by the Consolidated Appropriations Act, 2024"
PFS_RULE_2025 = "CMS CY2025 PFS final rule (Nov 2024)"
PFS_RULE_2026 = "CMS CY2026 PFS final rule (Oct 2025)"


@dataclass(frozen=True)
class ConversionFactor:
    key: str
    label: str
    year: int
    parameter: Parameter


CONVERSION_FACTORS: dict[str, ConversionFactor] = {
    cf.key: cf
    for cf in (
        ConversionFactor("CY2024", "2024", 2024, Parameter(33.2875, "$/RVU", "CY2024", PFS_RULE_2024)),
        ConversionFactor("CY2025", "2025", 2025, Parameter(32.3465, "$/RVU", "CY2025", PFS_RULE_2025)),
        ConversionFactor(
            "CY2026", "2026 (most clinicians)", 2026, Parameter(33.4009, "$/RVU", "CY2026", PFS_RULE_2026)
        ),
        ConversionFactor(
            "CY2026-QP",
            "2026 (qualifying APM participants)",
            2026,
            Parameter(33.5675, "$/RVU", "CY2026", PFS_RULE_2026 + ", qualifying APM participant factor"),
        ),
    )
}
DEFAULT_CONVERSION_FACTOR = "CY2026"

PART_B_COINSURANCE = Parameter(0.20, "share of allowed amount", "ongoing", "Medicare Part B coinsurance (statute)")
SEQUESTRATION = Parameter(
    0.02,
    "cut to Medicare's share",
    "2025–2026",
    "Medicare 2% sequestration (Becker's analysis of the 2025 PFS)",
    "medium-high",
)


@dataclass(frozen=True)
class Locality:
    key: str
    label: str
    gpci: tuple[float, float, float]  # work, practice expense, malpractice
    year: int | None  # None: the same in every year (the national average is 1.000 by definition)
    source: str


LOCALITIES: dict[str, Locality] = {
    loc.key: loc
    for loc in (
        Locality(
            "national", "National average (every GPCI 1.000)", (1.0, 1.0, 1.0), None, "CMS PFS national rates"
        ),
        Locality(
            "rest-of-california",
            "Rest of California (locality 01182-99)",
            (1.014, 1.035, 0.718),
            2025,
            "CMS CY2025 GPCI file, as quoted in public code (not checked against the CMS file itself)",
        ),
    )
}


# ---- Inpatient PPS (fact sheet §3.2) -------------------------------------------------------------------------
IPPS_RULE_2025 = "CMS FY2025 IPPS final rule (Aug 2024; as summarised by the Michigan Health & Hospital Assn)"
IPPS_RULE_2026 = "CMS FY2026 IPPS final rule, CMS-1833-F (Aug 2025)"


@dataclass(frozen=True)
class IppsYear:
    """The national IPPS rates for one federal fiscal year (October to September)."""

    key: str
    standardized_amount: Parameter
    labor_share_high: Parameter  # used when the wage index is above 1.0
    labor_share_low: Parameter  # used when the wage index is 1.0 or below
    fixed_loss_threshold: Parameter
    capital_rate: Parameter

    def labor_share(self, wage_index: float) -> float:
        """Labor-related share: the higher one applies only where the wage index is above 1.0 (by law)."""
        return self.labor_share_high.value if wage_index > 1.0 else self.labor_share_low.value


IPPS_YEARS: dict[str, IppsYear] = {
    "FY2025": IppsYear(
        "FY2025",
        Parameter(6624.39, "$ per discharge", "FY2025", IPPS_RULE_2025, "medium-high"),
        Parameter(0.676, "share", "FY2025", "CMS PC Pricer FY2025 factors"),
        Parameter(0.62, "share", "FY2025", "CMS PC Pricer FY2025 factors"),
        Parameter(46217.0, "$", "FY2025", "CMS PC Pricer FY2025 factors"),
        Parameter(512.14, "$ per discharge", "FY2025", IPPS_RULE_2025, "medium-high"),
    ),
    "FY2026": IppsYear(
        "FY2026",
        Parameter(6752.61, "$ per discharge", "FY2026", IPPS_RULE_2026 + ", Tables 1A/1B"),
        Parameter(0.66, "share", "FY2026", IPPS_RULE_2026),
        Parameter(0.62, "share", "FY2026", IPPS_RULE_2026),
        Parameter(40397.0, "$", "FY2026", IPPS_RULE_2026),
        Parameter(524.15, "$ per discharge", "FY2026", IPPS_RULE_2026 + ", Table 1D"),
    ),
}
DEFAULT_IPPS_YEAR = "FY2026"
GAF_EXPONENT = Parameter(0.6848, "exponent", "ongoing", "42 CFR 412.316(a): GAF = wage index ^ 0.6848")
# The fact sheet (§9) rates the 80% marginal-cost factor M: one secondary source.
OUTLIER_MARGINAL_COST = Parameter(
    0.80,
    "share of cost above the threshold",
    "ongoing",
    "CMS IPPS outlier policy (one secondary source)",
    "medium",
)


@dataclass(frozen=True)
class DrgWeight:
    code: str
    name: str
    weight: float
    source: str
    illustrative: bool = False


DRG_TABLE_5 = "CMS FY2026 IPPS final rule (CMS-1833-F), Table 5"
DRG_WEIGHTS: dict[str, DrgWeight] = {
    d.code: d
    for d in (
        DrgWeight("470", "Hip or knee replacement, no major complication", 1.9289, DRG_TABLE_5),
        DrgWeight(
            "469",
            "Hip or knee replacement with a major complication (estimate)",
            3.033,
            "Estimate derived from an FY2026 price published in public code; not read from CMS Table 5",
            illustrative=True,
        ),
        DrgWeight("291", "Heart failure and shock with a major complication", 1.2838, DRG_TABLE_5),
        DrgWeight("871", "Sepsis (no ventilation over 96 hours) with a major complication", 1.9425, DRG_TABLE_5),
        DrgWeight(
            "001", "Heart transplant or heart-assist implant with a major complication", 28.0239, DRG_TABLE_5
        ),
    )
}


# ---- Quality programs (fact sheet §3.3) ----------------------------------------------------------------------
VBP_WITHHOLD = Parameter(
    0.02, "share of base operating DRG payments", "FY2017 onward", "Hospital VBP, Social Security Act §1886(o)"
)
HRRP_MAX_PENALTY = Parameter(
    0.03, "share of base operating DRG payments", "FY2015 onward", "Readmissions program, SSA §1886(q)"
)
HACRP_PENALTY = Parameter(0.01, "share of IPPS payments", "FY2015 onward", "HAC Reduction Program, SSA §1886(p)")
MIPS_MAX_ADJUSTMENT = Parameter(0.09, "share of PFS payments", "payment year 2022 onward", "MACRA, SSA §1848(q)")
MIPS_THRESHOLD = Parameter(
    75.0,
    "points",
    "performance years 2024–2028",
    "CMS Quality Payment Program rules (CY2024–CY2026 PFS)",
    "medium",
)


# ---- Medicare Shared Savings Program (fact sheet §5.1) -------------------------------------------------------
MSSP_RULE = "42 CFR 425.605 and 425.610 (MSSP, agreement periods from July 2019)"
MSR_SOURCE = "42 CFR 425.604/425.605 minimum savings rate scale (as summarised by Milliman)"


@dataclass(frozen=True)
class Track:
    """One MSSP participation option."""

    key: str
    label: str
    sharing_rate: float  # maximum final sharing rate for savings
    savings_cap: float  # share of the updated benchmark
    loss_rate: float | None  # None: one-sided (no losses); ENHANCED computes its own
    loss_cap: float  # share of the updated benchmark (0 for one-sided tracks)
    two_sided: bool

    @property
    def confidence(self) -> str:
        # Level C–E loss limits and both savings caps are not re-checked against the CFR (fact sheet §10).
        return "medium"


TRACKS: dict[str, Track] = {
    t.key: t
    for t in (
        Track("BASIC_A", "BASIC Level A (one-sided)", 0.40, 0.10, None, 0.0, False),
        Track("BASIC_B", "BASIC Level B (one-sided)", 0.40, 0.10, None, 0.0, False),
        Track("BASIC_C", "BASIC Level C (two-sided)", 0.50, 0.10, 0.30, 0.01, True),
        Track("BASIC_D", "BASIC Level D (two-sided)", 0.50, 0.10, 0.30, 0.02, True),
        Track("BASIC_E", "BASIC Level E (two-sided)", 0.50, 0.10, 0.30, 0.04, True),
        Track("ENHANCED", "ENHANCED (two-sided, most risk)", 0.75, 0.20, None, 0.15, True),
    )
}
ENHANCED_LOSS_RATE_MIN = 0.40
ENHANCED_LOSS_RATE_MAX = 0.75

# Sliding scale for the minimum savings rate by number of assigned beneficiaries: (lower bound, rate).
# The end points (3.9% at 5,000, 2.0% at 60,000 or more) are confirmed; the steps between are M (fact sheet §5.1).
MSR_SCALE: tuple[tuple[int, float], ...] = (
    (5_000, 0.039),
    (6_000, 0.036),
    (7_000, 0.034),
    (8_000, 0.032),
    (9_000, 0.031),
    (10_000, 0.030),
    (15_000, 0.027),
    (20_000, 0.025),
    (50_000, 0.022),
    (60_000, 0.020),
)
MSR_FIXED_CHOICES: tuple[float, ...] = (0.0, 0.005, 0.01, 0.015, 0.02)  # two-sided tracks may choose one of these
