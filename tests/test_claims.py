"""The life of a claim: cost-sharing rules, the fact sheet's example, and invariants over random years."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from healthalloc.core import claims
from healthalloc.core.claims import Claim, Plan, adjudicate, adjudicate_claim, adjudicate_year, claim_patient_pays


def cents(value: float) -> int:
    return round(value * 100)


def test_fact_sheet_example_deductible_unmet() -> None:
    outcome = claim_patient_pays(2000, 1886, 0.2, 10_600)
    assert (outcome.patient_pays, outcome.plan_pays) == (1908.80, 91.20)
    assert (outcome.deductible_applied, outcome.coinsurance, outcome.copay) == (1886.0, 22.8, 0.0)
    text = outcome.explanation.as_text()
    assert "min($2,000.00, $1,886.00) = $1,886.00" in text and "20% × $114.00 = $22.80" in text


def test_copay_replaces_deductible_and_coinsurance() -> None:
    outcome = claim_patient_pays(150, 1886, 0.2, 10_600, copay=30)
    assert (outcome.patient_pays, outcome.plan_pays, outcome.deductible_applied) == (30.0, 120.0, 0.0)
    assert claim_patient_pays(20, 1886, 0.2, 10_600, copay=30).patient_pays == 20.0  # never above the price


def test_adjudicate_public_api() -> None:
    plan = Plan(1000, 0.2, 3000)
    frame = adjudicate(plan, [400, 1000, 20_000, 250])
    for column in (
        "allowed",
        "patient_pays",
        "plan_pays",
        "deductible_applied",
        "coinsurance",
        "copay",
        "patient_ytd",
    ):
        assert column in frame.columns
    assert list(frame["allowed"]) == [400, 1000, 20_000, 250]
    assert list(frame["deductible_applied"]) == [400, 600, 0, 0]
    assert list(frame["coinsurance"]) == [0, 80, 1920, 0]  # 20% of 400, then trimmed at the cap
    assert list(frame["patient_pays"]) == [400, 680, 1920, 0]
    assert list(frame["patient_ytd"]) == [400, 1080, 3000, 3000]
    assert list(frame["cap_reached"]) == [False, False, True, True]
    assert frame.iloc[3]["plan_pays"] == 250  # a claim after the cap costs the patient nothing


def test_service_types_select_copays() -> None:
    plan = Plan(500, 0.3, 5000, {"specialist": 50, "preventive": 0})
    frame = adjudicate(plan, [300, 300, 300], ["specialist", "preventive", "other"])
    assert list(frame["patient_pays"]) == [50, 0, 300]
    assert list(frame["copay"]) == [50, 0, 0]
    with pytest.raises(ValueError, match="3 allowed amounts but 2 service types"):
        adjudicate(plan, [1, 2, 3], ["other", "other"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            (1000, 1.5, 5000),
            r"Coinsurance is a fraction of the allowed amount from 0 to 1 \(0.2 means 20%\); got 1.5",
        ),
        ((1000, -0.1, 5000), "Coinsurance is a fraction"),
        ((-5, 0.2, 5000), r"The deductible cannot be below 0 \(got -5\)"),
        ((1000, 0.2, -1), r"The out-of-pocket maximum cannot be below 0 \(got -1\)"),
        ((12_000, 0.2, 10_600), r"The deductible \(\$12,000.00\) cannot be above the out-of-pocket maximum"),
        ((float("nan"), 0.2, 100), "The deductible must be a finite number"),
    ],
)
def test_invalid_plans_are_refused_with_a_clear_message(args: tuple[float, float, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Plan(*args)


def test_invalid_copays_and_claims_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown service type 'massage'"):
        Plan(100, 0.2, 1000, {"massage": 10})
    with pytest.raises(ValueError, match="The copay for specialist visit cannot be below 0"):
        Plan(100, 0.2, 1000, {"specialist": -10})
    with pytest.raises(ValueError, match=r"The billed charge \(\$100.00\) cannot be below the allowed amount"):
        Claim(200, billed=100)
    with pytest.raises(ValueError, match="The allowed amount cannot be below 0"):
        Claim(-1)
    with pytest.raises(ValueError, match="month must be 1 to 12"):
        Claim(10, month=13)
    with pytest.raises(ValueError, match="network must be 'in' or 'out'"):
        Claim(10, network="maybe")
    with pytest.raises(ValueError, match="cannot be less than what was paid toward the deductible"):
        adjudicate_claim(Plan(1000, 0.2, 5000), Claim(10), deductible_paid=500, oop_paid=100)
    with pytest.raises(ValueError, match="Paid toward the deductible cannot be above 1000"):
        adjudicate_claim(Plan(1000, 0.2, 5000), Claim(10), deductible_paid=1500, oop_paid=1500)


def test_infinite_or_missing_cap_means_no_cap() -> None:
    assert Plan(100, 0.2, float("inf")).oop_max is None
    plan = Plan(100, 0.2, None)
    frame = adjudicate(plan, [100_000, 100_000])
    assert list(frame["patient_pays"]) == [100 + 0.2 * 99_900, 20_000]
    assert not frame["cap_reached"].any()


def test_medicare_part_b_preset() -> None:
    plan = claims.medicare_part_b()
    assert (plan.deductible, plan.coinsurance, plan.oop_max) == (283, 0.2, None)
    result = adjudicate_claim(plan, Claim(1000, "specialist"))
    assert (result.deductible_applied, result.coinsurance, result.patient_pays) == (283, 143.4, 426.4)
    stay = adjudicate_claim(plan, Claim(30_000, "inpatient"))
    assert stay.patient_pays == claims.PART_A_DEDUCTIBLE_2026 == 1736
    assert "no out-of-pocket cap" in plan.describe()


def test_employer_plan_preset() -> None:
    plan = claims.employer_plan()
    assert (plan.deductible, plan.coinsurance, plan.oop_max) == (1886, 0.2, 10_600)
    assert plan.copay_for("preventive") == 0 and plan.copay_for("office_visit") == 30
    assert claims.employer_plan(office_copay=0).copay_for("office_visit") is None


def test_write_offs_balance_bills_and_the_no_surprises_act() -> None:
    plan = Plan(0, 0.2, 5000)
    in_network = adjudicate_claim(plan, Claim(2000, "imaging", 3000))
    assert (in_network.write_off, in_network.balance_bill, in_network.patient_owes) == (1000, 0, 400)
    surprise = adjudicate_claim(plan, Claim(2000, "imaging", 3000, "out"))
    assert (surprise.write_off, surprise.balance_bill, surprise.patient_owes) == (0, 1000, 1400)
    assert surprise.patient_ytd == 400  # the balance bill does not count toward the cap
    assert "Balance bill" in surprise.explanation.as_text()
    protected = adjudicate_claim(plan, Claim(2000, "emergency", 3000, "out", nsa_protected=True))
    assert (protected.write_off, protected.balance_bill, protected.patient_owes) == (1000, 0, 400)
    assert "No Surprises Act" in protected.explanation.as_text()


def test_the_cap_trims_the_claim_that_crosses_it_and_zeroes_the_rest() -> None:
    plan = Plan(1886, 0.2, 10_600)
    first = adjudicate_claim(plan, Claim(60_000), deductible_paid=1886, oop_paid=10_000)
    assert (first.patient_pays, first.cap_saving, first.cap_reached) == (600, 11_400, True)
    assert "Once the cap is reached" in first.explanation.as_text()
    after = adjudicate_claim(plan, Claim(500, "specialist"), deductible_paid=1886, oop_paid=10_600)
    assert (after.patient_pays, after.plan_pays) == (0, 500)


def test_rounding_is_to_the_cent_half_up() -> None:
    assert adjudicate(Plan(0, 0.15, None), [0.1])["coinsurance"].iloc[0] == 0.02  # 1.5 cents → 2
    assert adjudicate(Plan(0, 0.2, None), [33.33])["plan_pays"].iloc[0] == 26.66


plans = st.builds(
    lambda deductible, extra, rate, capped, copay: Plan(
        deductible,
        rate,
        deductible + extra if capped else None,
        {"specialist": copay} if copay is not None else None,
    ),
    st.integers(0, 10_000),
    st.integers(0, 20_000),
    st.floats(0, 1),
    st.booleans(),
    st.none() | st.floats(0, 500).map(lambda x: round(x, 2)),
)
claim_lists = st.lists(
    st.builds(
        lambda allowed, extra, kind, network, protected, month: Claim(
            allowed, kind, allowed + extra, network, protected, month
        ),
        st.floats(0, 80_000).map(lambda x: round(x, 2)),
        st.floats(0, 5_000).map(lambda x: round(x, 2)),
        st.sampled_from(["other", "specialist", "inpatient"]),
        st.sampled_from(["in", "out"]),
        st.booleans(),
        st.integers(1, 12),
    ),
    max_size=25,
)


@given(plans, claim_lists)
def test_invariants_over_random_years(plan: Plan, year_claims: list[Claim]) -> None:
    year = adjudicate_year(plan, year_claims)
    total = 0
    capped = False
    for result in year.claims:
        assert cents(result.patient_pays) + cents(result.plan_pays) == cents(result.allowed)
        assert cents(result.deductible_applied + result.coinsurance + result.copay) == cents(result.patient_pays)
        assert min(result.patient_pays, result.plan_pays, result.write_off, result.balance_bill) >= 0
        assert cents(result.write_off + result.balance_bill) == cents(result.billed - result.allowed)
        if capped:
            assert result.patient_pays == 0
        total += cents(result.patient_pays)
        assert cents(result.patient_ytd) == total
        assert result.deductible_ytd <= plan.deductible
        if plan.oop_max is not None:
            assert result.patient_ytd <= plan.oop_max
        capped = result.cap_reached
    assert cents(year.total_patient) + cents(year.total_plan) == cents(year.total_allowed)
    months = [r.claim.month for r in year.claims]
    assert months == sorted(months)
    monthly = year.monthly()
    assert len(monthly) == 12
    assert cents(monthly["patient_pays"].sum()) == cents(year.total_patient)


def test_numpy_and_pandas_values_work_as_from_a_notebook() -> None:
    import numpy as np
    import pandas as pd

    plan = Plan(np.int64(1000), np.float64(0.2), np.int64(3000))
    frame = adjudicate(plan, pd.Series([500, 1500]), pd.Series(["other", "other"]))
    assert list(frame["patient_pays"]) == [500, 700]
