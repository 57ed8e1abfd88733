"""Years of claims, the journey of one claim, the declared inputs and the claim charts."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

from healthalloc.core import claims, claims_plots, claims_presets
from healthalloc.core.claims import Claim, adjudicate_claim, adjudicate_year, claim_journey
from healthalloc.core.inputs import defaults, validate_inputs
from healthalloc.core.palette import DARK, LIGHT


@pytest.mark.parametrize("name", list(claims_presets.YEAR_PRESETS))
def test_every_year_preset_runs_on_both_plans(name: str) -> None:
    for plan in (claims.employer_plan(), claims.medicare_part_b()):
        year = adjudicate_year(plan, claims_presets.year_preset(name))
        assert year.claims and year.total_allowed > 0
        monthly = year.monthly()
        assert list(monthly["month"]) == list(claims.MONTHS)
        assert monthly["plan_ytd"].iloc[-1] == pytest.approx(year.total_plan)


def test_what_each_year_teaches() -> None:
    plan = claims.employer_plan()
    healthy = adjudicate_year(plan, claims_presets.year_preset("healthy-year"))
    assert healthy.deductible_met_month is None and healthy.cap_reached_month is None
    assert all(r.patient_pays == 0 for r in healthy.claims if r.claim.service_type == "preventive")
    diabetes = adjudicate_year(plan, claims_presets.year_preset("diabetes"))
    assert diabetes.deductible_met_month == 6 and diabetes.cap_reached_month is None
    surgery = adjudicate_year(plan, claims_presets.year_preset("major-surgery"))
    assert surgery.cap_reached_month == 3 and surgery.total_patient == claims.ACA_OOP_MAX_2026
    after = [r for r in surgery.claims if r.claim.month > 3]
    assert after and all(r.patient_pays == 0 for r in after)
    marker = surgery.monthly().set_index("month").loc["Mar", "marker"]
    assert marker == "deductible met, out-of-pocket cap reached"
    medicare = adjudicate_year(claims.medicare_part_b(), claims_presets.year_preset("major-surgery"))
    assert medicare.cap_reached_month is None and "no out-of-pocket cap" in medicare.explanation.summary
    baby = adjudicate_year(plan, claims_presets.year_preset("baby"))
    epidural = next(r for r in baby.claims if "anesthesiologist" in r.claim.description)
    assert epidural.balance_bill == 0 and epidural.write_off == 1500  # protected by the No Surprises Act
    with pytest.raises(ValueError, match="unknown year preset 'vacation'"):
        claims_presets.year_preset("vacation")


def test_year_frame_has_one_row_per_claim_in_month_order() -> None:
    year = adjudicate_year(claims.employer_plan(), claims_presets.year_preset("fracture"))
    frame = year.frame()
    assert len(frame) == len(year.claims)
    assert frame["month"].iloc[0] == "Apr" and frame["service"].iloc[0] == "Emergency room visit"
    assert frame["patient_ytd"].is_monotonic_increasing


def test_the_journey_of_one_claim_shows_the_dollars_at_each_hop() -> None:
    plan = claims.employer_plan()
    result = adjudicate_claim(plan, Claim(2000, "imaging", 3000))
    steps = claim_journey(plan, result)
    assert len(steps) == 7
    assert [(s.origin, s.destination) for s in steps] == [
        ("patient", "provider"),
        ("provider", "payer"),
        ("payer", "payer"),
        ("payer", "payer"),
        ("payer", "provider"),
        ("provider", "patient"),
        ("patient", "provider"),
    ]
    assert [s.amount for s in steps] == [None, 3000, 2000, 1908.8, 91.2, 1908.8, 1908.8]
    assert "contractual write-off" in steps[2].detail and "$1,000.00" in steps[2].detail
    assert steps[4].caption == "pays $91.20"
    assert "$1,886.00 of the $1,886.00 deductible" in steps[6].detail
    surprise = adjudicate_claim(plan, Claim(2000, "imaging", 3000, "out"))
    assert "balance bill" in claim_journey(plan, surprise)[2].detail
    assert claim_journey(plan, surprise)[5].amount == 2908.8


def test_inputs_build_plans_and_claims() -> None:
    values = defaults(claims_presets.INPUTS)
    plan = claims_presets.plan_from_inputs(values)
    assert plan == claims.employer_plan()
    claim = claims_presets.claim_from_inputs(values)
    assert (claim.allowed, claim.billed, claim.service_type) == (2000, 3000, "imaging")
    assert adjudicate_claim(plan, claim).patient_pays == 1908.8  # the fact sheet example is the default claim
    medicare = claims_presets.plan_from_inputs({**values, **claims_presets.plan_values("medicare-b")})
    assert medicare.oop_max is None and medicare.deductible == 283 and medicare.copay_for("inpatient") == 1736
    with pytest.raises(ValueError, match="cannot be above the out-of-pocket maximum"):
        claims_presets.plan_from_inputs({**values, "deductible": 15_000, "oop_max": 10_000})
    with pytest.raises(ValueError, match="unknown plan"):
        claims_presets.plan_values("gold")


def test_calc_link_parameters_validate() -> None:
    checked = validate_inputs(claims_presets.INPUTS, {"preset": "diabetes", "plan": "medicare-b"}, partial=True)
    assert checked == {"plan": "medicare-b", "preset": "diabetes"}
    with pytest.raises(ValueError, match="not one of healthy-year, diabetes, baby, fracture, major-surgery"):
        validate_inputs(claims_presets.INPUTS, {"preset": "skiing"}, partial=True)
    defaults_with_sources = [s for s in claims_presets.INPUTS if s.kind == "number" and not s.illustrative]
    assert all(s.source for s in defaults_with_sources if s.default)


@pytest.mark.parametrize("theme", [LIGHT, DARK])
def test_claim_charts(theme) -> None:  # type: ignore[no-untyped-def]
    plan = claims.employer_plan()
    figure = Figure(figsize=(8, 6), layout="constrained")
    top, bottom = figure.subplots(2, 1)
    year = adjudicate_year(plan, claims_presets.year_preset("major-surgery"))
    claims_plots.draw_monthly_payments(top, year, theme)
    heights = [p.get_height() for p in top.patches]
    assert heights[:12] == list(year.monthly()["patient_pays"])
    assert "Deductible met & cap reached" in [t.get_text() for t in top.texts]
    claims_plots.draw_patient_progress(bottom, year, theme)
    line = bottom.lines[0]
    assert list(line.get_ydata()) == list(year.monthly()["patient_ytd"])
    assert "Out-of-pocket maximum $10,600" in [t.get_text() for t in bottom.texts]
    figure.canvas.draw()
    split = Figure(figsize=(8, 2.4), layout="constrained").add_subplot()
    result = adjudicate_claim(plan, Claim(2000, "imaging", 3000, "out"))
    claims_plots.draw_claim_split(split, result, theme)
    labels = [t.get_text() for t in split.get_legend().get_texts()]
    assert labels == [
        "Deductible: $1,886.00",
        "Coinsurance: $22.80",
        "Plan pays: $91.20",
        "Balance bill: $1,000.00",
    ]
    assert sum(p.get_width() for p in split.patches) == pytest.approx(3000)
    split.figure.canvas.draw()
