"""The life of a claim: how a health plan splits the price of care between the patient and the payer.

For each claim, in the order the plan receives them (fact sheet §9, "Life of one claim"):

    write-off          = billed − allowed        (in network, or when the No Surprises Act protects the patient)
    balance bill       = billed − allowed        (out of network and unprotected: the provider may bill it)
    deductible applied = min(allowed, deductible not yet met)
    coinsurance        = rate × (allowed − deductible applied)
    copay              = min(copay, allowed)     (for a service with a copay, *instead of* the two lines above)
    patient pays       = min(out-of-pocket room left, deductible applied + coinsurance + copay)
    plan pays          = allowed − patient pays

What the patient pays counts toward the deductible (the deductible part only) and toward the out-of-pocket
maximum (all of it); a balance bill counts toward neither. Money is kept in whole cents, coinsurance rounded half
up, so ``patient pays + plan pays = allowed`` holds exactly.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from healthalloc.core.checks import check_number
from healthalloc.core.explain import Explanation, Step, money, percent
from healthalloc.core.table import Table

if TYPE_CHECKING:
    import pandas as pd

# Sourced parameters (fact sheet §3.4).
KFF_AVERAGE_DEDUCTIBLE_2025 = 1_886.0  # KFF Employer Health Benefits Survey 2025, single coverage
ACA_OOP_MAX_2026 = 10_600.0  # HHS, maximum out-of-pocket limit for self-only coverage, plan year 2026
PART_B_DEDUCTIBLE_2026 = 283.0  # CMS, Medicare Parts A & B premiums and deductibles for 2026
PART_B_COINSURANCE = 0.20
PART_A_DEDUCTIBLE_2026 = 1_736.0  # per benefit period, covers hospital days 1–60
# The largest amount of money a claim or plan may hold: far above any real bill, and small enough that every sum
# stays exact to the cent (decimal arithmetic keeps 28 digits).
MAX_DOLLARS = 1_000_000_000.0

SOURCES = (
    "KFF Employer Health Benefits Survey 2025 (average single deductible $1,886)",
    "HHS out-of-pocket limit for 2026 ($10,600 self-only)",
    "CMS 2026 Medicare Parts A & B fact sheet (Part B deductible $283, Part A deductible $1,736)",
)

SERVICE_TYPES: dict[str, str] = {
    "preventive": "Preventive visit or screening",
    "office_visit": "Primary-care office visit",
    "specialist": "Specialist visit",
    "lab": "Lab test",
    "imaging": "Imaging (X-ray, MRI, ultrasound)",
    "prescription": "Generic prescription",
    "brand_drug": "Brand-name prescription",
    "emergency": "Emergency room visit",
    "outpatient": "Outpatient procedure or therapy",
    "inpatient": "Hospital stay (facility bill)",
    "professional": "Surgeon, anesthesiologist or hospital doctor",
    "other": "Other covered service",
}


def _number(label: str, value: object, **limits: float | None) -> float:
    """:func:`check_number` that also accepts NumPy and pandas scalars (a notebook passes ``df["allowed"]``)."""
    if isinstance(value, numbers.Real) and not isinstance(value, (bool, int, float)):
        value = float(value)
    return check_number(label, value, **limits)


def _listed(label: str, items: object) -> list[Any]:
    """A list of ``items`` (a list, tuple or pandas column), or a ``ValueError`` for a lone value or text."""
    if isinstance(items, (str, bytes, Mapping)) or not isinstance(items, Iterable):
        raise ValueError(f"{label} must be a list, one per claim, not {items!r}")
    return list(items)


def _cents(amount: float) -> int:
    return int(Decimal(str(amount)).quantize(Decimal("0.01"), ROUND_HALF_UP) * 100)


def _dollars(cents: int) -> float:
    return cents / 100


@dataclass(frozen=True)
class Plan:
    """A plan's cost sharing.

    ``coinsurance`` is a fraction (0.2 = 20%); ``oop_max`` is the out-of-pocket maximum, ``None`` for no cap
    (traditional Medicare); ``copays`` maps service types (:data:`SERVICE_TYPES`) to a fixed amount the patient
    pays instead of the deductible and coinsurance (0 = covered in full).
    """

    deductible: float
    coinsurance: float
    oop_max: float | None
    copays: Mapping[str, float] | None = None
    name: str = "Custom plan"

    def __post_init__(self) -> None:
        deductible = _number("The deductible", self.deductible, minimum=0.0, maximum=MAX_DOLLARS)
        rate = _number("Coinsurance", self.coinsurance)
        if not 0.0 <= rate <= 1.0:
            raise ValueError(
                f"Coinsurance is a fraction of the allowed amount from 0 to 1 (0.2 means 20%); got {rate:g}"
            )
        cap = self.oop_max
        if cap is not None and not (isinstance(cap, (int, float)) and math.isinf(cap) and cap > 0):
            cap = _number("The out-of-pocket maximum", cap, minimum=0.0, maximum=MAX_DOLLARS)
            if deductible > cap:
                raise ValueError(
                    f"The deductible ({money(deductible)}) cannot be above the out-of-pocket maximum "
                    f"({money(cap)}): what the patient pays toward the deductible counts toward the cap too"
                )
        else:
            cap = None
        copays: dict[str, float] = {}
        if self.copays is not None and not isinstance(self.copays, Mapping):
            raise ValueError(
                f"The copays must map service types to amounts, like {{'office_visit': 30}}; not {self.copays!r}"
            )
        for service, amount in (self.copays or {}).items():
            if service not in SERVICE_TYPES:
                raise ValueError(f"unknown service type {service!r}; known: {', '.join(SERVICE_TYPES)}")
            label = f"The copay for {SERVICE_TYPES[service].lower()}"
            copays[service] = _number(label, amount, minimum=0.0, maximum=MAX_DOLLARS)
        object.__setattr__(self, "deductible", deductible)
        object.__setattr__(self, "coinsurance", rate)
        object.__setattr__(self, "oop_max", cap)
        object.__setattr__(self, "copays", MappingProxyType(copays))

    def copay_for(self, service_type: str) -> float | None:
        return None if self.copays is None else self.copays.get(service_type)

    def describe(self) -> str:
        cap = "no out-of-pocket cap" if self.oop_max is None else f"out-of-pocket maximum {money(self.oop_max, 0)}"
        return f"deductible {money(self.deductible, 0)}, coinsurance {percent(self.coinsurance, 0)}, {cap}"


def employer_plan(
    deductible: float = KFF_AVERAGE_DEDUCTIBLE_2025,
    coinsurance: float = 0.20,
    oop_max: float | None = ACA_OOP_MAX_2026,
    *,
    office_copay: float = 30.0,
    specialist_copay: float = 60.0,
    generic_copay: float = 10.0,
) -> Plan:
    """A typical employer plan: the KFF 2025 average deductible, the 2026 legal out-of-pocket limit, 20%
    coinsurance and copays for visits and generic drugs (the rate and copays are illustrative). Preventive care
    in network is free, as the Affordable Care Act requires. A copay of 0 for a visit means "no copay": the
    deductible and coinsurance apply instead."""
    copays = {"preventive": 0.0}
    for service, label, value in (
        ("office_visit", "The office-visit copay", office_copay),
        ("specialist", "The specialist copay", specialist_copay),
        ("prescription", "The generic-drug copay", generic_copay),
    ):
        amount = _number(label, value, minimum=0.0, maximum=MAX_DOLLARS)
        if amount > 0:
            copays[service] = amount
    return Plan(deductible, coinsurance, oop_max, copays, name="Employer plan, 2026")


def medicare_part_b() -> Plan:
    """Traditional Medicare, 2026: Part B's $283 deductible then 20%, with no out-of-pocket cap. A hospital stay
    is Part A: one $1,736 deductible per benefit period (days 1–60), modeled as a fixed amount per stay. The
    yearly wellness visit and most screenings are free."""
    copays = {"preventive": 0.0, "inpatient": PART_A_DEDUCTIBLE_2026}
    return Plan(PART_B_DEDUCTIBLE_2026, PART_B_COINSURANCE, None, copays, name="Traditional Medicare, 2026")


PLAN_PRESETS: dict[str, str] = {
    "employer": "Employer plan, 2026",
    "medicare-b": "Traditional Medicare (Part B), 2026",
}


@dataclass(frozen=True)
class Claim:
    """One bill. ``network``: ``"in"`` or ``"out"``; ``nsa_protected``: emergency care, or an out-of-network
    clinician at an in-network facility, where the No Surprises Act forbids balance billing."""

    allowed: float
    service_type: str = "other"
    billed: float | None = None
    network: str = "in"
    nsa_protected: bool = False
    month: int = 1
    description: str = ""

    def __post_init__(self) -> None:
        allowed = _number("The allowed amount", self.allowed, minimum=0.0, maximum=MAX_DOLLARS)
        billed = (
            allowed
            if self.billed is None
            else _number("The billed charge", self.billed, minimum=0.0, maximum=MAX_DOLLARS)
        )
        if billed < allowed:
            raise ValueError(
                f"The billed charge ({money(billed)}) cannot be below the allowed amount ({money(allowed)}): "
                "a plan never allows more than the provider charges"
            )
        if not isinstance(self.service_type, str) or self.service_type not in SERVICE_TYPES:
            raise ValueError(f"unknown service type {self.service_type!r}; known: {', '.join(SERVICE_TYPES)}")
        if self.network not in ("in", "out"):
            raise ValueError(f"network must be 'in' or 'out', not {self.network!r}")
        if isinstance(self.month, bool) or self.month not in range(1, 13):
            raise ValueError(f"month must be 1 to 12, not {self.month!r}")
        object.__setattr__(self, "allowed", allowed)
        object.__setattr__(self, "billed", billed)

    @property
    def label(self) -> str:
        return self.description or SERVICE_TYPES[self.service_type]


@dataclass(frozen=True)
class ClaimResult:
    """One adjudicated claim, in dollars. ``patient_pays`` is cost sharing (it counts toward the cap);
    ``balance_bill`` is what an out-of-network provider may add on top (it does not)."""

    claim: Claim
    billed: float
    allowed: float
    write_off: float
    balance_bill: float
    deductible_applied: float
    coinsurance: float
    copay: float
    patient_pays: float
    plan_pays: float
    deductible_ytd: float
    patient_ytd: float
    deductible_met: bool
    cap_reached: bool
    cap_saving: float
    explanation: Explanation

    @property
    def patient_owes(self) -> float:
        """Everything the provider can collect from the patient for this claim."""
        return round(self.patient_pays + self.balance_bill, 2)


class _Ledger:
    """What the patient has paid so far this year, in cents."""

    def __init__(self, plan: Plan, deductible_paid: float = 0.0, oop_paid: float = 0.0) -> None:
        if not isinstance(plan, Plan):
            raise ValueError(f"The plan must be a Plan (see employer_plan() and medicare_part_b()), not {plan!r}")
        self.plan = plan
        paid = _number("Paid toward the deductible", deductible_paid, minimum=0.0, maximum=plan.deductible)
        spent = _number("Paid toward the out-of-pocket maximum", oop_paid, minimum=0.0, maximum=MAX_DOLLARS)
        if plan.oop_max is not None and spent > plan.oop_max:
            raise ValueError(
                f"Paid toward the out-of-pocket maximum ({money(spent)}) cannot exceed the maximum "
                f"({money(plan.oop_max)})"
            )
        if spent < paid:
            raise ValueError(
                f"Paid toward the out-of-pocket maximum ({money(spent)}) cannot be less than what was paid toward "
                f"the deductible ({money(paid)}): deductible payments count toward the maximum"
            )
        self.deductible_used = _cents(paid)
        self.oop_used = _cents(spent)

    def room(self) -> int | None:
        return None if self.plan.oop_max is None else _cents(self.plan.oop_max) - self.oop_used

    def post(self, claim: Claim) -> ClaimResult:
        plan = self.plan
        allowed, billed = _cents(claim.allowed), _cents(claim.billed or claim.allowed)
        protected = claim.network == "in" or claim.nsa_protected
        write_off = billed - allowed if protected else 0
        balance = 0 if protected else billed - allowed
        copay_rate = plan.copay_for(claim.service_type)
        deductible_left = max(0, _cents(plan.deductible) - self.deductible_used)
        asked = {"deductible": 0, "coinsurance": 0, "copay": 0}
        if copay_rate is not None:
            asked["copay"] = min(_cents(copay_rate), allowed)
        else:
            asked["deductible"] = min(allowed, deductible_left)
            base = Decimal(allowed - asked["deductible"])
            asked["coinsurance"] = int((Decimal(str(plan.coinsurance)) * base).quantize(Decimal(1), ROUND_HALF_UP))
        room = self.room()
        share = sum(asked.values())
        limit = share if room is None else min(share, room)
        # At the cap the plan pays everything; trim the patient's parts in order (deductible, coinsurance, copay).
        parts: dict[str, int] = {}
        for key in ("deductible", "coinsurance", "copay"):
            parts[key] = min(asked[key], limit - sum(parts.values()))
        patient = sum(parts.values())
        self.deductible_used += parts["deductible"]
        self.oop_used += patient
        room_after = self.room()
        figures = _ClaimFigures(
            billed, allowed, write_off, balance, deductible_left, asked, parts, room, patient, copay_rate
        )
        return ClaimResult(
            claim=claim,
            billed=_dollars(billed),
            allowed=_dollars(allowed),
            write_off=_dollars(write_off),
            balance_bill=_dollars(balance),
            deductible_applied=_dollars(parts["deductible"]),
            coinsurance=_dollars(parts["coinsurance"]),
            copay=_dollars(parts["copay"]),
            patient_pays=_dollars(patient),
            plan_pays=_dollars(allowed - patient),
            deductible_ytd=_dollars(self.deductible_used),
            patient_ytd=_dollars(self.oop_used),
            deductible_met=self.deductible_used >= _cents(plan.deductible),
            cap_reached=room_after is not None and room_after <= 0,
            cap_saving=_dollars(share - patient),
            explanation=_explain_claim(plan, claim, figures),
        )


@dataclass(frozen=True)
class _ClaimFigures:
    """The cents behind one claim's explanation."""

    billed: int
    allowed: int
    write_off: int
    balance: int
    deductible_left: int
    asked: Mapping[str, int]  # the patient's parts before the cap
    parts: Mapping[str, int]  # after the cap
    room: int | None  # room left under the cap before this claim
    patient: int
    copay_rate: float | None


def _explain_claim(plan: Plan, claim: Claim, f: _ClaimFigures) -> Explanation:
    def m(cents: int) -> str:
        return money(cents / 100)

    steps: list[Step] = []
    if f.billed != f.allowed:
        if claim.network == "in":
            title, sentence = "Contractual write-off", "In network, the provider agreed to the plan's price."
        elif claim.nsa_protected:
            title = "Protected by the No Surprises Act"
            sentence = "The provider may not bill the patient for this; it settles with the plan."
        else:
            title = "Balance bill"
            sentence = (
                "Out of network, the provider may bill the patient for this; it does not count toward the cap."
            )
        steps.append(
            Step(title, "billed − allowed", f"{m(f.billed)} − {m(f.allowed)}", m(f.billed - f.allowed), sentence)
        )
    if f.copay_rate is not None:
        steps.append(
            Step(
                "Copay",
                "min(copay, allowed)",
                f"min({money(f.copay_rate)}, {m(f.allowed)})",
                m(f.asked["copay"]),
                "A fixed amount instead of the deductible and coinsurance.",
            )
        )
    else:
        steps.append(
            Step(
                "Deductible applied",
                "min(allowed, deductible not yet met)",
                f"min({m(f.allowed)}, {m(f.deductible_left)})",
                m(f.asked["deductible"]),
            )
        )
        steps.append(
            Step(
                "Coinsurance",
                "rate × (allowed − deductible applied)",
                f"{percent(plan.coinsurance, 0)} × {m(f.allowed - f.asked['deductible'])}",
                m(f.asked["coinsurance"]),
            )
        )
    share = sum(f.asked.values())
    if f.room is not None:
        steps.append(
            Step(
                "Out-of-pocket cap",
                "min(room left under the cap, patient's share)",
                f"min({m(f.room)}, {m(share)})",
                m(f.patient),
                "Once the cap is reached the plan pays 100% of covered care." if f.patient < share else "",
            )
        )
    steps.append(
        Step("Plan pays", "allowed − patient pays", f"{m(f.allowed)} − {m(f.patient)}", m(f.allowed - f.patient))
    )
    summary = f"Of the {m(f.allowed)} allowed, the patient pays {m(f.patient)} and the plan pays {m(f.allowed - f.patient)}."
    if f.balance:
        summary += (
            f" The provider may also bill {m(f.balance)}, so the patient owes {m(f.patient + f.balance)} in all."
        )
    return Explanation(f"{claim.label}: who pays what", tuple(steps), summary, SOURCES)


def adjudicate_claim(
    plan: Plan, claim: Claim, *, deductible_paid: float = 0.0, oop_paid: float = 0.0
) -> ClaimResult:
    """Adjudicate one claim after the patient has already paid ``deductible_paid`` and ``oop_paid`` this year."""
    if not isinstance(claim, Claim):
        raise ValueError(f"The claim must be a Claim, such as Claim(900.0, 'office_visit'), not {claim!r}")
    return _Ledger(plan, deductible_paid, oop_paid).post(claim)


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class YearResult:
    """A year of claims on one plan, adjudicated in month order (claims in the same month keep their order)."""

    plan: Plan
    claims: tuple[ClaimResult, ...]
    deductible_met_month: int | None
    cap_reached_month: int | None
    explanation: Explanation = field(repr=False)

    @property
    def total_allowed(self) -> float:
        return _dollars(sum(_cents(r.allowed) for r in self.claims))

    @property
    def total_patient(self) -> float:
        return _dollars(sum(_cents(r.patient_pays) for r in self.claims))

    @property
    def total_plan(self) -> float:
        return _dollars(sum(_cents(r.plan_pays) for r in self.claims))

    @property
    def total_balance_bills(self) -> float:
        return _dollars(sum(_cents(r.balance_bill) for r in self.claims))

    def frame(self) -> pd.DataFrame:
        """One row per claim: what was billed and allowed, each part of the patient's share, and running totals."""
        return _claims_frame(self.claims, with_month=True)

    def table(self) -> Table:
        """:meth:`frame` without pandas (what the calculator page shows)."""
        return Table.from_records(_claims_rows(self.claims, with_month=True), CLAIM_COLUMNS)

    def monthly(self) -> pd.DataFrame:
        """Month by month: ``month``, ``patient_pays``, ``plan_pays``, ``balance_bill``, ``patient_ytd``,
        ``plan_ytd`` and ``marker`` (where the deductible was met and the cap reached)."""
        import pandas as pd

        return pd.DataFrame(self.monthly_rows())

    def monthly_table(self) -> Table:
        """:meth:`monthly` without pandas (what the calculator page shows)."""
        return Table.from_records(self.monthly_rows(), MONTHLY_COLUMNS)

    def monthly_rows(self) -> list[dict[str, Any]]:
        """:meth:`monthly` as plain rows (one dict per month), for charts redrawn while a slider moves."""
        rows = []
        patient_ytd = plan_ytd = 0
        for number, name in enumerate(MONTHS, 1):
            here = [r for r in self.claims if r.claim.month == number]
            patient = sum(_cents(r.patient_pays) for r in here)
            plan = sum(_cents(r.plan_pays) for r in here)
            patient_ytd += patient
            plan_ytd += plan
            marks = []
            if number == self.deductible_met_month:
                marks.append("deductible met")
            if number == self.cap_reached_month:
                marks.append("out-of-pocket cap reached")
            rows.append(
                {
                    "month": name,
                    "claims": len(here),
                    "patient_pays": _dollars(patient),
                    "plan_pays": _dollars(plan),
                    "balance_bill": _dollars(sum(_cents(r.balance_bill) for r in here)),
                    "patient_ytd": _dollars(patient_ytd),
                    "plan_ytd": _dollars(plan_ytd),
                    "marker": ", ".join(marks),
                }
            )
        return rows


MONTHLY_COLUMNS = (
    "month",
    "claims",
    "patient_pays",
    "plan_pays",
    "balance_bill",
    "patient_ytd",
    "plan_ytd",
    "marker",
)
CLAIM_COLUMNS = (
    "claim",
    "month",
    "service",
    "service_type",
    "billed",
    "allowed",
    "write_off",
    "deductible_applied",
    "coinsurance",
    "copay",
    "patient_pays",
    "plan_pays",
    "balance_bill",
    "deductible_ytd",
    "patient_ytd",
    "deductible_met",
    "cap_reached",
)


def _claims_frame(results: Sequence[ClaimResult], *, with_month: bool) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(_claims_rows(results, with_month=with_month))


def _claims_rows(results: Sequence[ClaimResult], *, with_month: bool) -> list[dict[str, Any]]:
    """One dict per claim, keyed by :data:`CLAIM_COLUMNS` (without ``month`` and ``service`` unless asked)."""
    rows: list[dict[str, Any]] = []
    for number, r in enumerate(results, 1):
        row: dict[str, Any] = {"claim": number}
        if with_month:
            row.update(month=MONTHS[r.claim.month - 1], service=r.claim.label)
        row.update(
            service_type=r.claim.service_type,
            billed=r.billed,
            allowed=r.allowed,
            write_off=r.write_off,
            deductible_applied=r.deductible_applied,
            coinsurance=r.coinsurance,
            copay=r.copay,
            patient_pays=r.patient_pays,
            plan_pays=r.plan_pays,
            balance_bill=r.balance_bill,
            deductible_ytd=r.deductible_ytd,
            patient_ytd=r.patient_ytd,
            deductible_met=r.deductible_met,
            cap_reached=r.cap_reached,
        )
        rows.append(row)
    return rows


def adjudicate_year(
    plan: Plan, claims: Sequence[Claim], *, deductible_paid: float = 0.0, oop_paid: float = 0.0
) -> YearResult:
    """Adjudicate ``claims`` in month order on a fresh ledger (or one that starts from the amounts paid)."""
    ledger = _Ledger(plan, deductible_paid, oop_paid)
    ordered = sorted(claims, key=lambda c: c.month)  # stable: same-month claims keep their order
    results = tuple(ledger.post(claim) for claim in ordered)
    met = next((r.claim.month for r in results if r.deductible_met), None)
    capped = next((r.claim.month for r in results if r.cap_reached), None)
    return YearResult(plan, results, met, capped, _explain_year(plan, results, met, capped))


def _explain_year(plan: Plan, results: Sequence[ClaimResult], met: int | None, capped: int | None) -> Explanation:
    allowed = sum(_cents(r.allowed) for r in results)
    patient = sum(_cents(r.patient_pays) for r in results)
    balance = sum(_cents(r.balance_bill) for r in results)
    deductible = sum(_cents(r.deductible_applied) for r in results)
    coinsurance = sum(_cents(r.coinsurance) for r in results)
    copays = sum(_cents(r.copay) for r in results)
    share = patient / allowed if allowed else 0.0
    steps = [
        Step(
            "Patient's cost sharing",
            "Σ deductible + Σ coinsurance + Σ copays",
            f"{money(deductible / 100)} + {money(coinsurance / 100)} + {money(copays / 100)}",
            money(patient / 100),
        ),
        Step(
            "Plan's payments",
            "Σ allowed − patient's cost sharing",
            f"{money(allowed / 100)} − {money(patient / 100)}",
            money((allowed - patient) / 100),
            f"The patient carried {percent(share)} of the year's allowed amounts.",
        ),
    ]
    events = []
    events.append(f"the deductible was met in {MONTHS[met - 1]}" if met else "the deductible was not met")
    if plan.oop_max is None:
        events.append("this plan has no out-of-pocket cap")
    else:
        events.append(f"the cap was reached in {MONTHS[capped - 1]}" if capped else "the cap was not reached")
    summary = (
        f"{len(results)} claims, {money(allowed / 100)} allowed: the patient paid {money(patient / 100)}, the plan "
        f"{money((allowed - patient) / 100)}; {' and '.join(events)}."
    )
    if balance:
        summary += f" Out-of-network balance bills added {money(balance / 100)}, which no cap limits."
    return Explanation(f"A year of claims on the {plan.name.lower()}", tuple(steps), summary, SOURCES)


def adjudicate(
    plan: Plan, allowed_amounts: Sequence[float], service_types: Sequence[str] | None = None
) -> pd.DataFrame:
    """Adjudicate in-network claims (allowed amounts, in order) on a fresh year of ``plan``.

    One row per claim with ``allowed``, ``deductible_applied``, ``coinsurance``, ``copay``, ``patient_pays``,
    ``plan_pays``, ``deductible_ytd``, ``patient_ytd``, ``deductible_met`` and ``cap_reached``. ``service_types``
    (one per claim, :data:`SERVICE_TYPES`) select copays; without it every claim is ``"other"``.
    """
    amounts = _listed("The allowed amounts", allowed_amounts)
    types = ["other"] * len(amounts) if service_types is None else _listed("The service types", service_types)
    if len(types) != len(amounts):
        raise ValueError(f"{len(amounts)} allowed amounts but {len(types)} service types")
    claims = [Claim(amount, kind) for amount, kind in zip(amounts, types, strict=True)]
    ledger = _Ledger(plan)
    return _claims_frame([ledger.post(c) for c in claims], with_month=False)


@dataclass(frozen=True)
class ClaimOutcome:
    patient_pays: float
    plan_pays: float
    deductible_applied: float
    coinsurance: float
    copay: float
    explanation: Explanation


def claim_patient_pays(
    allowed: float, deductible: float, coinsurance: float, oop_max: float | None, copay: float = 0.0
) -> ClaimOutcome:
    """One in-network claim at the start of a plan year: what the patient pays and what the plan pays.

    A ``copay`` above zero replaces the deductible and coinsurance (as for an office visit). Example (fact sheet
    §9): allowed $2,000, deductible $1,886 not yet met, 20% → patient $1,886 + 20% × $114 = $1,908.80, plan $91.20.
    """
    copay_amount = _number("The copay", copay, minimum=0.0)
    kind = "office_visit" if copay_amount > 0 else "other"
    plan = Plan(deductible, coinsurance, oop_max, {kind: copay_amount} if copay_amount > 0 else None)
    result = adjudicate_claim(plan, Claim(allowed, kind))
    return ClaimOutcome(
        result.patient_pays,
        result.plan_pays,
        result.deductible_applied,
        result.coinsurance,
        result.copay,
        result.explanation,
    )


# --- The journey of one claim: patient → provider → payer → back ------------------------------------------------

PARTIES = ("patient", "provider", "payer")


@dataclass(frozen=True)
class JourneyStep:
    """One hop of a claim: who hands what to whom (``origin == destination`` for work done in one place)."""

    title: str
    origin: str
    destination: str
    amount: float | None
    caption: str
    detail: str


def claim_journey(plan: Plan, result: ClaimResult) -> tuple[JourneyStep, ...]:
    """The adjudicated claim ``result`` told as seven hops, with the dollars that move at each."""
    claim = result.claim
    service = claim.label[0].lower() + claim.label[1:]
    if claim.network == "in":
        pricing = (
            f"The provider is in the plan's network and agreed to accept {money(result.allowed)} for this. "
            f"The other {money(result.write_off)} is a contractual write-off: nobody pays it."
        )
    elif claim.nsa_protected:
        pricing = (
            f"The provider is out of network, but the No Surprises Act protects this care (an emergency, or an "
            f"out-of-network clinician at an in-network facility). The patient pays in-network cost sharing on "
            f"{money(result.allowed)}; the {money(result.write_off)} difference is settled between provider and plan "
            "and may not be billed to the patient."
        )
    else:
        pricing = (
            f"The provider is out of network. The plan only recognizes {money(result.allowed)}; the provider may "
            f"bill the patient the other {money(result.balance_bill)} (a balance bill), which counts toward no "
            "deductible or cap."
        )
    if result.copay or plan.copay_for(claim.service_type) is not None:
        sharing = f"A copay of {money(result.copay)} applies instead of the deductible and coinsurance."
    else:
        sharing = (
            f"{money(result.deductible_applied)} goes to the deductible and {percent(plan.coinsurance, 0)} "
            f"coinsurance on the rest is {money(result.coinsurance)}."
        )
    if result.cap_saving:
        sharing += f" The out-of-pocket cap saves the patient {money(result.cap_saving)} on this claim."
    cap = "no cap" if plan.oop_max is None else money(plan.oop_max)
    extra = f" plus the {money(result.balance_bill)} balance bill" if result.balance_bill else ""
    return (
        JourneyStep(
            "1. The visit",
            "patient",
            "provider",
            None,
            "care",
            f"The patient gets care: {service}. They show an insurance card; no money moves yet.",
        ),
        JourneyStep(
            "2. The claim",
            "provider",
            "payer",
            result.billed,
            f"claim {money(result.billed)}",
            f"The provider's billing office sends the plan a claim with the service codes and its full charge, "
            f"{money(result.billed)}.",
        ),
        JourneyStep(
            "3. Pricing",
            "payer",
            "payer",
            result.allowed,
            f"allowed {money(result.allowed)}",
            pricing,
        ),
        JourneyStep(
            "4. Cost sharing",
            "payer",
            "payer",
            result.patient_pays,
            f"patient's share {money(result.patient_pays)}",
            f"The plan applies the benefits: {sharing} The patient's share is {money(result.patient_pays)}.",
        ),
        JourneyStep(
            "5. Payment",
            "payer",
            "provider",
            result.plan_pays,
            f"pays {money(result.plan_pays)}",
            f"The plan pays the provider {money(result.plan_pays)} and sends the patient an Explanation of "
            "Benefits, a statement that is not a bill.",
        ),
        JourneyStep(
            "6. The bill",
            "provider",
            "patient",
            result.patient_owes,
            f"bill {money(result.patient_owes)}",
            f"The provider bills the patient {money(result.patient_pays)}{extra}.",
        ),
        JourneyStep(
            "7. The patient pays",
            "patient",
            "provider",
            result.patient_owes,
            f"pays {money(result.patient_owes)}",
            f"The patient pays {money(result.patient_owes)}. So far this year: {money(result.deductible_ytd)} of "
            f"the {money(plan.deductible)} deductible and {money(result.patient_ytd)} toward the out-of-pocket "
            f"maximum ({cap}).",
        ),
    )
