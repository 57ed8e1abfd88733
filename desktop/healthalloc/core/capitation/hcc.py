"""CMS-HCC member risk scores for the six community segments of the 2020 (V24) and 2024 (V28) models.

    raw risk score = age/sex factor
                   + Σ payment-HCC coefficients, after hierarchies (a dominant HCC removes the ones it excludes)
                   + Σ interaction terms (e.g. diabetes × heart failure)
                   + payment-HCC count factor (D1 … D10P)

rounded to three decimals, as CMS rounds. Coefficients: CMS risk adjustment software tables (V24 2020, V28 2024),
copied into ``content/data/cms_hcc_*.csv``. A score of 1.000 is the predicted cost of the average beneficiary in
the model's fee-for-service calibration data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Literal

from healthalloc.core.capitation.tables import (
    AGED_BANDS,
    DISABLED_BANDS,
    MODEL_NAMES,
    MODEL_SOURCES,
    SEGMENTS,
    crosswalk,
    model_tables,
)
from healthalloc.core.checks import check_count
from healthalloc.core.explain import Explanation, Step

ItemKind = Literal["demographic", "condition", "interaction", "count"]


def _hccs(*numbers: int | range) -> frozenset[str]:
    codes: set[str] = set()
    for number in numbers:
        codes.update(f"HCC{n}" for n in (number if isinstance(number, range) else (number,)))
    return frozenset(codes)


@dataclass(frozen=True)
class Interaction:
    variable: str
    label: str
    first: frozenset[str]
    second: frozenset[str]


# Condition groups from the CMS SAS software (V24: V24H86M; V28: V28115M); an interaction applies when the member
# has a payment HCC in each group.
_V24_DIABETES, _V24_CHF = _hccs(17, 18, 19), _hccs(85)
_V24_COPD, _V24_RESP_FAIL = _hccs(110, 111, 112), _hccs(82, 83, 84)
_V28_DIABETES, _V28_HF = _hccs(range(35, 39)), _hccs(range(221, 227))
_V28_LUNG, _V28_RESP_FAIL = _hccs(range(276, 281)), _hccs(211, 212, 213)
INTERACTIONS: dict[str, tuple[Interaction, ...]] = {
    "V24": (
        Interaction("HCC47_gCancer", "Immune disorder × cancer", _hccs(47), _hccs(range(8, 13))),
        Interaction("DIABETES_CHF", "Diabetes × heart failure", _V24_DIABETES, _V24_CHF),
        Interaction("CHF_gCopdCF", "Heart failure × chronic lung disease", _V24_CHF, _V24_COPD),
        Interaction("HCC85_gRenal_V24", "Heart failure × kidney disease", _V24_CHF, _hccs(range(134, 139))),
        Interaction(
            "gCopdCF_CARD_RESP_FAIL", "Chronic lung disease × respiratory failure", _V24_COPD, _V24_RESP_FAIL
        ),
        Interaction("HCC85_HCC96", "Heart failure × irregular heartbeat", _V24_CHF, _hccs(96)),
        Interaction(
            "gSubstanceUseDisorder_gPsych",
            "Substance use × psychiatric disorder",
            _hccs(54, 55, 56),
            _hccs(57, 58, 59, 60),
        ),
    ),
    "V28": (
        Interaction("DIABETES_HF", "Diabetes × heart failure", _V28_DIABETES, _V28_HF),
        Interaction("HF_CHR_LUNG", "Heart failure × chronic lung disease", _V28_HF, _V28_LUNG),
        Interaction("HF_KIDNEY", "Heart failure × kidney disease", _V28_HF, _hccs(range(326, 330))),
        Interaction(
            "CHR_LUNG_CARD_RESP_FAIL", "Chronic lung disease × respiratory failure", _V28_LUNG, _V28_RESP_FAIL
        ),
        Interaction("HF_HCC238", "Heart failure × irregular heartbeat", _V28_HF, _hccs(238)),
        Interaction(
            "gSubUseDisorder_gPsych",
            "Substance use × psychiatric disorder",
            _hccs(range(135, 140)),
            _hccs(range(151, 156)),
        ),
    ),
}


@dataclass(frozen=True)
class Condition:
    """A payment HCC as the checklist shows it."""

    model: str
    code: str
    cms_label: str
    plain_name: str
    family: str

    @property
    def number(self) -> int:
        return int(self.code[3:])

    def matches(self, text: str) -> bool:
        """Case-insensitive search over the code, the plain name, the CMS label and the body-system family."""
        needle = text.strip().lower()
        haystack = f"{self.code} {self.plain_name} {self.cms_label} {self.family}".lower()
        return all(word in haystack for word in needle.split())


@dataclass(frozen=True)
class ScoreItem:
    kind: ItemKind
    code: str
    label: str
    coefficient: float


@dataclass(frozen=True)
class RiskScore:
    """A member's raw CMS-HCC risk score, itemised in the order the parts are added."""

    model: str
    segment: str
    age: int
    sex: str  # "F" or "M"
    conditions: tuple[str, ...]  # as entered, normalised and de-duplicated
    payment_hccs: tuple[str, ...]  # what is left after hierarchies
    dropped: tuple[tuple[str, str], ...]  # (excluded HCC, the dominant HCC that removed it)
    items: tuple[ScoreItem, ...]
    contributions: tuple[tuple[str, float], ...]
    total: float
    explanation: Explanation

    def subtotal(self, kind: ItemKind) -> float:
        return round(sum(item.coefficient for item in self.items if item.kind == kind), 3)


MODELS: tuple[str, ...] = tuple(MODEL_NAMES)


def normalise_model(model: object) -> str:
    text = str(model).strip().upper()
    if text in MODEL_NAMES:
        return text
    raise ValueError(f"Unknown risk model {model!r}: choose V24 (the 2020 CMS-HCC model) or V28 (the 2024 model)")


def normalise_segment(segment: object) -> str:
    text = str(segment).strip().upper()
    if text in SEGMENTS:
        return text
    choices = "; ".join(f"{s.code} = {s.name}" for s in SEGMENTS.values())
    raise ValueError(f"Unknown segment {segment!r}. The community segments are: {choices}")


def normalise_sex(sex: object) -> str:
    text = str(sex).strip().lower()
    if text in ("f", "female"):
        return "F"
    if text in ("m", "male"):
        return "M"
    raise ValueError(f"Sex must be F (female) or M (male), not {sex!r}: the CMS-HCC tables have these two columns")


def age_band(age: int, segment: str) -> str:
    info = SEGMENTS[segment]
    bands = AGED_BANDS if info.aged else DISABLED_BANDS
    for low, high, label in bands:
        if low <= age <= high:
            return label
    other = "the matching disabled segment (e.g. CND)" if info.aged else "the matching aged segment (e.g. CNA)"
    raise ValueError(
        f"A {age}-year-old cannot be in segment {segment} ({info.name}), which is for people aged {info.ages}; "
        f"use {other}"
    )


@cache
def conditions_for(model: str) -> tuple[Condition, ...]:
    """Every payment HCC of ``model`` with a plain-language name, in HCC-number order."""
    model = normalise_model(model)
    rows_by_code: dict[str, list[str]] = {}
    family_by_code: dict[str, str] = {}
    for row in crosswalk():
        code = row.code(model)
        if code:
            rows_by_code.setdefault(code, []).append(row.plain_name)
            family_by_code.setdefault(code, row.family)
    catalogue = []
    for code, label in model_tables(model).cms_labels.items():
        names = rows_by_code.get(code, [])
        # A code shared by two crosswalk rows (V24's broad HCC59, HCC108) keeps its CMS label: one plain name
        # would claim it means less than it does.
        plain = names[0] if len(names) == 1 else label
        catalogue.append(Condition(model, code, label, plain, family_by_code.get(code, "other")))
    return tuple(catalogue)


def condition_lookup(model: str) -> dict[str, Condition]:
    return {condition.code: condition for condition in conditions_for(model)}


def normalise_conditions(conditions: Iterable[str] | str, model: str) -> tuple[str, ...]:
    """``["hcc85", " HCC19", "85"]`` → ``("HCC85", "HCC19")``; unknown labels raise a readable ``ValueError``."""
    model = normalise_model(model)
    if isinstance(conditions, str):
        conditions = [part for part in conditions.split(",") if part.strip()]
    elif isinstance(conditions, (bytes, Mapping)) or not isinstance(conditions, Iterable):
        raise ValueError(f"The conditions must be a list of HCC labels such as ['HCC85'], not {conditions!r}")
    known = condition_lookup(model)
    chosen: list[str] = []
    for raw in conditions:
        text = str(raw).strip().upper().replace(" ", "")
        code = f"HCC{text}" if text.isdigit() else text
        if code not in known:
            raise ValueError(_unknown_condition_message(str(raw).strip(), code, model))
        if code not in chosen:
            chosen.append(code)
    return tuple(chosen)


def _unknown_condition_message(raw: str, code: str, model: str) -> str:
    message = f"{raw!r} is not a payment condition (HCC) in the {MODEL_NAMES[model]}"
    other = "V28" if model == "V24" else "V24"
    other_conditions = condition_lookup(other)
    if code in other_conditions:
        message += f"; in {other} {code} is {other_conditions[code].plain_name.lower()}"
        mapped = translate_conditions([code], other, model)
        if mapped.conditions:
            equivalent = condition_lookup(model)[mapped.conditions[0]]
            message += f", which {model} calls {equivalent.code} ({equivalent.plain_name.lower()})"
    return message + ". Use labels like HCC85, as listed in the condition checklist."


def risk_score(
    age: int,
    sex: str,
    conditions: Iterable[str],
    *,
    model: str = "V24",
    segment: str = "CNA",
) -> RiskScore:
    """The member's raw CMS-HCC risk score (see the module docstring for the formula and the source).

    >>> risk_score(72, "F", ["HCC19", "HCC85"]).total
    0.943
    """
    model = normalise_model(model)
    segment = normalise_segment(segment)
    years = check_count("Age", age, maximum=120)
    sex_code = normalise_sex(sex)
    entered = normalise_conditions(conditions, model)
    tables = model_tables(model)
    band = age_band(years, segment)
    sex_word = "Female" if sex_code == "F" else "Male"

    items: list[ScoreItem] = [
        ScoreItem(
            "demographic",
            f"{sex_code}{band}",
            f"{sex_word}, age {band.replace('-', '–')}",
            tables.demographic[(segment, sex_word, band)] / 1000,
        )
    ]
    dropped = sorted(
        (excluded, dominant)
        for dominant in entered
        for excluded in tables.excludes.get(dominant, ())
        if excluded in entered
    )
    removed = {excluded for excluded, _ in dropped}
    kept = tuple(code for code in sorted(entered, key=lambda c: int(c[3:])) if code not in removed)
    names = condition_lookup(model)
    for code in kept:
        items.append(
            ScoreItem(
                "condition", code, f"{code} {names[code].plain_name}", tables.conditions[(segment, code)] / 1000
            )
        )
    kept_set = set(kept)
    for term in INTERACTIONS[model]:
        key = (segment, term.variable)
        if key in tables.other and kept_set & term.first and kept_set & term.second:
            items.append(ScoreItem("interaction", term.variable, term.label, tables.other[key] / 1000))
    if kept:
        variable = "D10P" if len(kept) >= 10 else f"D{len(kept)}"
        count_label = f"{len(kept)} payment HCC{'s' if len(kept) != 1 else ''} ({variable})"
        items.append(ScoreItem("count", variable, count_label, tables.other[(segment, variable)] / 1000))

    total = sum(round(item.coefficient * 1000) for item in items) / 1000
    explanation = _explain(model, segment, years, sex_word, entered, kept, tuple(dropped), tuple(items), total)
    return RiskScore(
        model=model,
        segment=segment,
        age=years,
        sex=sex_code,
        conditions=entered,
        payment_hccs=kept,
        dropped=tuple(dropped),
        items=tuple(items),
        contributions=tuple((item.label, item.coefficient) for item in items),
        total=total,
        explanation=explanation,
    )


def _sum_text(items: Iterable[ScoreItem]) -> str:
    parts = [f"{item.coefficient:.3f} ({item.code})" for item in items]
    return " + ".join(parts) if parts else "nothing"


def _explain(
    model: str,
    segment: str,
    age: int,
    sex_word: str,
    entered: tuple[str, ...],
    kept: tuple[str, ...],
    dropped: tuple[tuple[str, str], ...],
    items: tuple[ScoreItem, ...],
    total: float,
) -> Explanation:
    by_kind = {
        kind: [i for i in items if i.kind == kind] for kind in ("demographic", "condition", "interaction", "count")
    }
    demographic = by_kind["demographic"][0]
    steps = [
        Step(
            title="Age and sex",
            formula=f"factor for {sex_word.lower()}s aged {demographic.label.split('age ')[1]} in segment {segment}",
            substituted=f"look-up in the {model} table",
            result=f"{demographic.coefficient:.3f}",
            sentence="Everyone starts with a factor for their age and sex, even with no diagnoses at all.",
        )
    ]
    if dropped:
        removed = ", ".join(f"{excluded} (kept {dominant})" for excluded, dominant in dropped)
        steps.append(
            Step(
                title="Hierarchies",
                formula="keep only the most severe HCC in each family",
                substituted=f"{len(entered)} entered; removed {removed}",
                result=f"{len(kept)} payment HCC{'s' if len(kept) != 1 else ''}",
                sentence="A more severe form of a disease already pays for the milder one, so the milder is dropped.",
            )
        )
    conditions_total = sum(i.coefficient for i in by_kind["condition"])
    steps.append(
        Step(
            title="Conditions",
            formula="Σ coefficients of the payment HCCs",
            substituted=_sum_text(by_kind["condition"]),
            result=f"{conditions_total:.3f}",
            sentence="Each condition adds the extra cost CMS's regression found for people who have it."
            if kept
            else "No conditions entered, so nothing is added for illness.",
        )
    )
    if by_kind["interaction"]:
        steps.append(
            Step(
                title="Interactions",
                formula="Σ coefficients of the condition pairs present",
                substituted=_sum_text(by_kind["interaction"]),
                result=f"{sum(i.coefficient for i in by_kind['interaction']):.3f}",
                sentence="Some pairs cost more together than the two conditions separately, so the pair adds extra.",
            )
        )
    if by_kind["count"]:
        count = by_kind["count"][0]
        steps.append(
            Step(
                title="Number of conditions",
                formula="factor for the count of payment HCCs",
                substituted=f"{count.label}",
                result=f"{count.coefficient:.3f}",
                sentence=f"{model} adds a factor once a member has many conditions; "
                f"{'here it is zero' if count.coefficient == 0 else 'it applies here'}.",
            )
        )
    steps.append(
        Step(
            title="Risk score",
            formula="age/sex + conditions + interactions + count",
            substituted=" + ".join(f"{i.coefficient:.3f}" for i in items),
            result=f"{total:.3f}",
            sentence="Rounded to three decimals, as CMS rounds.",
        )
    )
    summary = (
        f"Under the {MODEL_NAMES[model]}, this member is predicted to cost {total:.3f} times as much as the "
        f"average beneficiary in the fee-for-service data the model was calibrated on ({total * 100:.0f}% of average)."
    )
    return Explanation(
        title=f"CMS-HCC risk score ({model}, {segment})",
        steps=tuple(steps),
        summary=summary,
        sources=(MODEL_SOURCES[model],),
    )


@dataclass(frozen=True)
class Translation:
    """Conditions carried from one model to the other, with what changed on the way."""

    conditions: tuple[str, ...]
    notes: tuple[str, ...]


def translate_conditions(conditions: Iterable[str], from_model: str, to_model: str) -> Translation:
    """The closest HCCs in ``to_model`` for ``conditions`` of ``from_model`` (course crosswalk, a simplification).

    Real mapping runs through each diagnosis code, so a condition with no single match is left out and named in
    ``notes``.
    """
    source = normalise_model(from_model)
    target = normalise_model(to_model)
    codes = normalise_conditions(conditions, source)
    if source == target:
        return Translation(codes, ())
    source_names = condition_lookup(source)
    target_names = condition_lookup(target)
    mapped: list[str] = []
    notes: list[str] = []
    for code in codes:
        row = next((r for r in crosswalk() if r.code(source) == code), None)
        name = source_names[code].plain_name
        if row is None:
            notes.append(f"{source} {code} ({name}) has no single match in {target}; it is left out.")
            continue
        new = row.code(target)
        if not new:
            notes.append(f"{source} {code} ({name}) does not count in {target}: {row.note}.")
            continue
        if new not in mapped:
            mapped.append(new)
        change = f"{source} {code} → {target} {new} ({target_names[new].plain_name})"
        notes.append(f"{change}: {row.note}." if row.note else f"{change}.")
    return Translation(tuple(mapped), tuple(notes))


@dataclass(frozen=True)
class ModelComparison:
    """The same member scored under V24 and V28."""

    v24: RiskScore
    v28: RiskScore
    notes: tuple[str, ...]
    change: float  # V28 − V24
    explanation: Explanation


def compare_models(
    age: int, sex: str, conditions: Iterable[str], *, model: str = "V24", segment: str = "CNA"
) -> ModelComparison:
    """Score the member in ``model`` and, with the conditions carried across, in the other model."""
    model = normalise_model(model)
    other = "V28" if model == "V24" else "V24"
    own = risk_score(age, sex, conditions, model=model, segment=segment)
    carried = translate_conditions(own.conditions, model, other)
    theirs = risk_score(age, sex, carried.conditions, model=other, segment=segment)
    v24, v28 = (own, theirs) if model == "V24" else (theirs, own)
    change = round(v28.total - v24.total, 3)
    direction = "higher" if change > 0 else "lower" if change < 0 else "the same"
    step = Step(
        title="V24 → V28",
        formula="V28 score − V24 score",
        substituted=f"{v28.total:.3f} − {v24.total:.3f}",
        result=f"{change:+.3f}",
        sentence="The 2024 model was recalibrated on newer data and stopped paying for some diagnoses that were "
        "coded more often in Medicare Advantage than in traditional Medicare.",
    )
    summary = f"For the same member the V28 score is {direction}" + (
        f" by {abs(change):.3f} ({abs(change) / v24.total:.1%})." if change and v24.total else "."
    )
    explanation = Explanation(
        title="What the 2024 model change does to this member",
        steps=(step,),
        summary=summary + (" " + " ".join(carried.notes) if carried.notes else ""),
        sources=(MODEL_SOURCES["V24"], MODEL_SOURCES["V28"]),
    )
    return ModelComparison(v24, v28, carried.notes, change, explanation)
