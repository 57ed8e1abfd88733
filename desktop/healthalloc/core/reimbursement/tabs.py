"""The reimbursement page's tabs, presets and ``calc:reimbursement?...`` links, as data (no Qt).

A link names a ``tab`` (compare, ffs, drg, bundle, capitation, p4p, shared-savings), optionally a ``preset``, and
optionally any of that tab's inputs, e.g. ``calc:reimbursement?tab=drg&preset=hip-replacement-high-wage&wage_index=1.3``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from healthalloc.core.inputs import InputSpec, validate_inputs
from healthalloc.core.reimbursement.bundle import BUNDLE_INPUTS
from healthalloc.core.reimbursement.capitated import CAPITATION_INPUTS
from healthalloc.core.reimbursement.compare import COMPARE_INPUTS
from healthalloc.core.reimbursement.drg import CUSTOM as CUSTOM_DRG
from healthalloc.core.reimbursement.drg import DRG_INPUTS
from healthalloc.core.reimbursement.fee_schedule import CUSTOM, FFS_INPUTS, resolve_service
from healthalloc.core.reimbursement.p4p import P4P_INPUTS
from healthalloc.core.reimbursement.parameters import DRG_WEIGHTS
from healthalloc.core.reimbursement.shared_savings import MSSP_INPUTS


@dataclass(frozen=True)
class Tab:
    key: str
    title: str
    inputs: tuple[InputSpec, ...]
    blurb: str


TABS: dict[str, Tab] = {
    t.key: t
    for t in (
        Tab(
            "compare",
            "Compare all",
            COMPARE_INPUTS,
            "The same year of care paid six ways. Watch the last two columns: what one more service earns, "
            "and who pays for it.",
        ),
        Tab(
            "ffs",
            "Fee-for-service",
            FFS_INPUTS,
            "Medicare's Physician Fee Schedule: a price for each service, adjusted for local costs.",
        ),
        Tab(
            "drg",
            "Per case (DRG)",
            DRG_INPUTS,
            "Medicare's inpatient payment: one price per hospital stay, set by its diagnosis-related group.",
        ),
        Tab(
            "bundle",
            "Bundled episode",
            BUNDLE_INPUTS,
            "Claims are paid as usual, then the whole episode is settled against a target price.",
        ),
        Tab(
            "capitation",
            "Capitation",
            CAPITATION_INPUTS,
            "A fixed payment for each member each month, whatever care they use.",
        ),
        Tab(
            "p4p",
            "Pay for performance",
            P4P_INPUTS,
            "Quality scores move the price: Hospital VBP's 2% withhold and the MIPS adjustment for clinicians.",
        ),
        Tab(
            "shared-savings",
            "Shared savings",
            MSSP_INPUTS,
            "The Medicare Shared Savings Program: fee-for-service all year, then a settlement against a benchmark.",
        ),
    )
}


@dataclass(frozen=True)
class Preset:
    key: str
    tab: str
    label: str
    values: Mapping[str, Any] = field(default_factory=dict)


PRESETS: dict[str, Preset] = {
    p.key: p
    for p in (
        Preset(
            "office-visit-two-localities",
            "ffs",
            "Office visit: Rest of California against the national rate (2025)",
            {
                "service": "99213",
                "year": "CY2025",
                "setting": "non-facility",
                "locality": "rest-of-california",
                "compare_locality": "national",
            },
        ),
        Preset(
            "hip-replacement-high-wage",
            "drg",
            "Hip replacement in a high-wage area (FY2026, wage index 1.10)",
            {
                "drg": "470",
                "fiscal_year": "FY2026",
                "wage_index": 1.10,
                "include_capital": True,
                "case_cost": 15_000.0,
            },
        ),
        Preset(
            "aco-saved-5",
            "shared-savings",
            "An ACO that spent 5% under its benchmark",
            {
                "benchmark_pc": 12_000.0,
                "actual_pc": 11_400.0,
                "beneficiaries": 20_000,
                "track": "BASIC_E",
                "quality_met": True,
                "msr": "size",
            },
        ),
        Preset(
            "aco-lost-4",
            "shared-savings",
            "An ACO that spent 4% over its benchmark",
            {
                "benchmark_pc": 12_000.0,
                "actual_pc": 12_480.0,
                "beneficiaries": 20_000,
                "track": "BASIC_E",
                "quality_met": True,
                "msr": "size",
            },
        ),
    )
}


def presets_for(tab: str) -> list[Preset]:
    return [p for p in PRESETS.values() if p.tab == tab]


@dataclass(frozen=True)
class LinkRequest:
    tab: str
    values: dict[str, Any]  # validated inputs of ``tab`` to set (preset first, then explicit parameters)


def parse_link(params: Mapping[str, str]) -> LinkRequest:
    """Read a ``calc:reimbursement?...`` query; raise ``ValueError`` saying what is wrong."""
    rest = {k: v for k, v in params.items() if k not in ("tab", "preset")}
    preset: Preset | None = None
    if "preset" in params:
        preset = PRESETS.get(params["preset"].strip().lower())
        if preset is None:
            raise ValueError(f"unknown preset {params['preset']!r}; known: {', '.join(PRESETS)}")
    tab = params.get("tab", preset.tab if preset else "compare").strip().lower()
    if tab not in TABS:
        raise ValueError(f"unknown tab {tab!r}; known: {', '.join(TABS)}")
    if preset is not None and preset.tab != tab:
        raise ValueError(f"preset {preset.key!r} belongs to the {preset.tab!r} tab, not {tab!r}")
    values: dict[str, Any] = dict(preset.values) if preset else {}
    values.update(validate_inputs(TABS[tab].inputs, rest, partial=True))
    return LinkRequest(tab, values)


def displayed_numbers(tab: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The numeric fields a tab shows for its current choices (the catalogue's RVUs, GPCIs or DRG weight).

    Choosing a catalogue service, a locality or an MS-DRG fills in the numbers behind it so the student sees them;
    'custom' leaves the numbers as typed. Unknown combinations (a service not paid in that setting) give ``{}``.
    """
    shown: dict[str, Any] = {}
    if tab == "ffs":
        try:
            resolved = resolve_service(values)
        except ValueError:
            return {}
        if values.get("service") != CUSTOM:
            shown.update(zip(("work_rvu", "pe_rvu", "mp_rvu"), resolved.rvus, strict=True))
        if values.get("locality") != CUSTOM:
            shown.update(zip(("work_gpci", "pe_gpci", "mp_gpci"), resolved.gpci, strict=True))
    elif tab == "drg" and values.get("drg") != CUSTOM_DRG:
        shown["weight"] = DRG_WEIGHTS[str(values["drg"])].weight
    return shown


# Editing one of these numbers by hand turns its choice to "custom".
CUSTOM_TRIGGERS: dict[str, dict[str, str]] = {
    "ffs": {
        "work_rvu": "service",
        "pe_rvu": "service",
        "mp_rvu": "service",
        "work_gpci": "locality",
        "pe_gpci": "locality",
        "mp_gpci": "locality",
    },
    "drg": {"weight": "drg"},
}
