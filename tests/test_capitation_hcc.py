"""CMS-HCC risk scores: the fact sheet's worked examples, hierarchies, interactions, count variables, errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from healthalloc.core.capitation import compare_models, conditions_for, risk_score, translate_conditions
from healthalloc.core.capitation.tables import SEGMENTS, model_tables


def test_worked_example_v24_woman_72_diabetes_heart_failure() -> None:
    result = risk_score(72, "F", ["HCC19", "HCC85"], model="V24")
    assert result.total == 0.943
    assert [code for code in (i.code for i in result.items)] == ["F70-74", "HCC19", "HCC85", "DIABETES_CHF", "D2"]
    assert [c for _, c in result.contributions] == [0.386, 0.105, 0.331, 0.121, 0.0]


def test_worked_example_v28_woman_72_diabetes_heart_failure() -> None:
    result = risk_score(72, "Female", ["HCC38", "HCC226"], model="V28")
    assert result.total == 1.033
    assert dict((i.code, i.coefficient) for i in result.items) == {
        "F70-74": 0.395,
        "HCC38": 0.166,
        "HCC226": 0.36,
        "DIABETES_HF": 0.112,
        "D2": 0.0,
    }


def test_default_model_is_v24_and_explanation_names_the_total() -> None:
    result = risk_score(72, "f", ["HCC19", "HCC85"])
    assert result.model == "V24" and result.segment == "CNA"
    assert "0.943" in result.explanation.as_text()
    assert result.explanation.sources


def test_no_conditions_is_the_demographic_factor_alone() -> None:
    result = risk_score(66, "M", [])
    assert result.total == 0.308
    assert [i.kind for i in result.items] == ["demographic"]


def test_hierarchy_two_diabetes_hccs_count_once() -> None:
    both = risk_score(72, "F", ["HCC18", "HCC19"])
    assert both.payment_hccs == ("HCC18",)
    assert both.dropped == (("HCC19", "HCC18"),)
    assert both.total == round(0.386 + 0.302, 3)
    assert both.items[-1].code == "D1"


def test_hierarchy_v28_heart_family_keeps_the_most_severe() -> None:
    result = risk_score(80, "M", ["HCC226", "HCC222", "HCC224"], model="V28")
    assert result.payment_hccs == ("HCC222",)
    assert {excluded for excluded, _ in result.dropped} == {"HCC224", "HCC226"}


def test_interaction_needs_both_groups() -> None:
    codes = {i.code for i in risk_score(75, "F", ["HCC85", "HCC111"]).items}
    assert "CHF_gCopdCF" in codes
    assert "CHF_gCopdCF" not in {i.code for i in risk_score(75, "F", ["HCC111"]).items}


def test_v28_heart_failure_and_arrhythmia_interaction() -> None:
    result = risk_score(75, "F", ["HCC226", "HCC238"], model="V28")
    assert ("HF_HCC238" in {i.code for i in result.items}) and result.total == round(
        0.465 + 0.36 + 0.299 + 0.077, 3
    )


def test_count_variables_start_at_four_in_v24_and_five_in_v28() -> None:
    v24_four = risk_score(70, "F", ["HCC1", "HCC21", "HCC22", "HCC40"], model="V24")
    assert v24_four.items[-1].code == "D4" and v24_four.items[-1].coefficient == 0.006
    v28_four = risk_score(70, "F", ["HCC1", "HCC48", "HCC93", "HCC155"], model="V28")
    assert v28_four.items[-1].code == "D4" and v28_four.items[-1].coefficient == 0.0
    v28_five = risk_score(70, "F", ["HCC1", "HCC48", "HCC93", "HCC155", "HCC249"], model="V28")
    assert v28_five.items[-1].code == "D5" and v28_five.items[-1].coefficient == 0.05


def test_ten_or_more_conditions_use_d10p() -> None:
    codes = ["HCC1", "HCC2", "HCC6", "HCC21", "HCC22", "HCC23", "HCC27", "HCC33", "HCC34", "HCC35", "HCC39"]
    result = risk_score(70, "F", codes)
    assert result.items[-1].code == "D10P" and result.items[-1].coefficient == 0.505


def test_disabled_segment_uses_under_65_bands() -> None:
    result = risk_score(50, "M", ["HCC85"], segment="CND")
    assert result.items[0].code == "M45-54" and result.items[0].coefficient == 0.241


@pytest.mark.parametrize("segment", list(SEGMENTS))
@pytest.mark.parametrize("model", ["V24", "V28"])
def test_every_segment_and_model_scores(model: str, segment: str) -> None:
    age = 70 if SEGMENTS[segment].aged else 40
    assert risk_score(age, "F", [], model=model, segment=segment).total > 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"age": 72, "sex": "F", "conditions": ["HCC226"]},
            "in V28 HCC226 is heart failure, which V24 calls HCC85",
        ),
        ({"age": 72, "sex": "F", "conditions": ["HCC999"]}, "not a payment condition"),
        ({"age": 121, "sex": "F", "conditions": []}, "cannot be above 120"),
        ({"age": -1, "sex": "F", "conditions": []}, "cannot be below 0"),
        ({"age": 72.5, "sex": "F", "conditions": []}, "whole number"),
        ({"age": 60, "sex": "F", "conditions": []}, "65 or older"),
        ({"age": 70, "sex": "F", "conditions": [], "segment": "CND"}, "under 65"),
        ({"age": 72, "sex": "X", "conditions": []}, r"F \(female\) or M \(male\)"),
        ({"age": 72, "sex": "F", "conditions": [], "segment": "INS"}, "Unknown segment"),
        ({"age": 72, "sex": "F", "conditions": [], "model": "V22"}, "Unknown risk model"),
    ],
)
def test_bad_input_raises_a_readable_value_error(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        risk_score(**kwargs)  # type: ignore[arg-type]


def test_condition_labels_are_forgiving_about_case_and_numbers() -> None:
    assert risk_score(72, "F", ["hcc19", " 85 "]).total == 0.943
    assert risk_score(72, "F", "HCC19,HCC85").total == 0.943


def test_catalogue_has_every_payment_hcc_with_a_plain_name() -> None:
    assert len(conditions_for("V24")) == 86
    assert len(conditions_for("V28")) == 115
    heart = next(c for c in conditions_for("V28") if c.code == "HCC226")
    assert heart.plain_name == "Heart failure" and heart.family == "heart"
    assert heart.matches("heart fail") and heart.matches("hcc226") and not heart.matches("kidney")
    # V24 HCC19 is diabetes; V28 HCC19 is a blood cancer: the catalogue keeps the models apart.
    assert "Diabetes" in next(c for c in conditions_for("V24") if c.code == "HCC19").plain_name
    assert "Myeloma" in next(c for c in conditions_for("V28") if c.code == "HCC19").cms_label


def test_translation_carries_conditions_and_names_what_no_longer_counts() -> None:
    carried = translate_conditions(["HCC85", "HCC19", "HCC88"], "V24", "V28")
    assert carried.conditions == ("HCC226", "HCC38")
    assert any("HCC88" in note and "does not count" in note for note in carried.notes)


def test_compare_models_reproduces_both_worked_examples() -> None:
    comparison = compare_models(72, "F", ["HCC19", "HCC85"], model="V24")
    assert (comparison.v24.total, comparison.v28.total) == (0.943, 1.033)
    assert comparison.change == 0.09
    assert "higher" in comparison.explanation.summary


def test_tables_are_exact_thousandths() -> None:
    tables = model_tables("V28")
    assert tables.conditions[("CNA", "HCC226")] == 360
    assert tables.excludes["HCC35"] >= {"HCC36", "HCC37", "HCC38"}


# --- invariants -------------------------------------------------------------------------------------------------

_MODEL = st.sampled_from(["V24", "V28"])


@st.composite
def members(draw: st.DrawFn) -> tuple[str, str, int, str, list[str], str]:
    model = draw(_MODEL)
    segment = draw(st.sampled_from(list(SEGMENTS)))
    age = draw(st.integers(65, 120) if SEGMENTS[segment].aged else st.integers(0, 64))
    codes = [c.code for c in conditions_for(model)]
    chosen = draw(st.lists(st.sampled_from(codes), max_size=12, unique=True))
    extra = draw(st.sampled_from(codes))
    return model, segment, age, draw(st.sampled_from(["F", "M"])), chosen, extra


def _linked_by_hierarchy(model: str, new: str, existing: list[str]) -> bool:
    excludes = model_tables(model).excludes
    return any(e in excludes.get(new, ()) or new in excludes.get(e, ()) for e in existing)


@given(members())
def test_adding_a_condition_outside_any_hierarchy_never_lowers_the_score(
    member: tuple[str, str, int, str, list[str], str],
) -> None:
    model, segment, age, sex, chosen, extra = member
    before = risk_score(age, sex, chosen, model=model, segment=segment)
    after = risk_score(age, sex, [*chosen, extra], model=model, segment=segment)
    if not _linked_by_hierarchy(model, extra, chosen):
        assert after.total >= before.total
    else:
        # The real CMS hierarchies can lower a score (a dominant HCC worth less removes costlier ones); when
        # that happens the result must say which HCCs were dropped.
        assert after.total >= before.total or after.dropped


def test_cms_hierarchy_can_lower_a_score_and_says_why() -> None:
    """A real V28 case: a head injury HCC (398) outranks coma (202) in the hierarchy but is worth less."""
    coma = risk_score(70, "F", ["HCC202"], model="V28")
    both = risk_score(70, "F", ["HCC202", "HCC398"], model="V28")
    assert both.total < coma.total
    assert both.dropped == (("HCC202", "HCC398"),)
    assert "removed HCC202" in both.explanation.as_text()


@given(members())
def test_score_is_the_sum_of_its_items_rounded_to_three_decimals(
    member: tuple[str, str, int, str, list[str], str],
) -> None:
    model, segment, age, sex, chosen, _ = member
    result = risk_score(age, sex, chosen, model=model, segment=segment)
    assert result.total == round(sum(c for _, c in result.contributions), 3)
    assert result.total == round(result.total, 3) and result.total > 0
    kept = [i.code for i in result.items if i.kind == "condition"]
    excludes = model_tables(model).excludes
    assert not any(k in excludes.get(other, ()) for k in kept for other in kept)
