"""The six-model comparison: the incentive each way of paying creates, for any scenario."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from healthalloc.core.inputs import defaults
from healthalloc.core.reimbursement import MODELS, Scenario, compare_models, explain_comparison, utilisation_sweep
from healthalloc.core.reimbursement.compare import COLUMNS, COMPARE_INPUTS, model_outcomes, scenario_from_inputs
from healthalloc.core.reimbursement.parameters import TRACKS

scenarios = st.builds(
    Scenario,
    patients=st.integers(5_000, 200_000),
    services_per_patient=st.floats(0.5, 20),
    fee_per_service=st.floats(1, 2_000),
    cost_per_service=st.floats(0, 2_000),
    quality_score=st.floats(0, 100),
    benchmark_per_patient=st.floats(10, 20_000),
    track=st.sampled_from(list(TRACKS)),
    quality_met=st.booleans(),
)


def row(frame, model: str):  # type: ignore[no-untyped-def]
    return frame.set_index("model").loc[model]


def test_default_table() -> None:
    frame = compare_models(Scenario())
    assert list(frame.columns) == list(COLUMNS)
    assert list(frame["model"]) == list(MODELS)
    ffs = row(frame, "Fee-for-service")
    assert ffs.provider_revenue == pytest.approx(10_000 * 4 * 95.19)
    assert ffs.marginal_revenue == 95.19 and ffs.risk == "payer"
    assert row(frame, "Capitation").risk == "provider"
    assert row(frame, "Per case (DRG-style)").marginal_revenue == 0
    mssp = row(frame, "Shared savings (MSSP)")
    assert mssp.risk == "shared" and mssp.marginal_revenue == pytest.approx(95.19 / 2, abs=0.01)
    assert (frame["payer_cost"] == frame["provider_revenue"]).all()
    assert (frame["provider_margin"] == (frame["provider_revenue"] - frame["provider_cost"]).round(2)).all()


def test_scenario_from_inputs_and_mapping() -> None:
    values = defaults(COMPARE_INPUTS)
    assert scenario_from_inputs(values) == Scenario()
    assert compare_models(values).equals(compare_models(Scenario()))
    with pytest.raises(ValueError, match="Patients"):
        compare_models({**values, "patients": 10})
    with pytest.raises(ValueError, match="unknown input"):
        compare_models({"visits": 3})


def test_invalid_scenarios() -> None:
    with pytest.raises(ValueError, match="cannot be below 5000"):
        Scenario(patients=100)
    with pytest.raises(ValueError, match="fee per service"):
        Scenario(fee_per_service=0)
    with pytest.raises(ValueError, match="unknown MSSP track"):
        Scenario(track="gold")
    with pytest.raises(ValueError, match="no services"):
        utilisation_sweep(Scenario(), changes=[-1.0])


@given(scenarios)
def test_marginal_revenue_signs_hold_for_any_scenario(scenario: Scenario) -> None:
    frame = compare_models(scenario).set_index("model")
    fee = scenario.fee_per_service
    marginal = frame["marginal_revenue"]
    cent = 0.005 + 1e-9  # marginal revenue is rounded to the cent: up to half a cent more, and a float's error
    assert marginal["Fee-for-service"] > 0
    assert marginal["Pay for performance (MIPS)"] > 0
    assert marginal["Per case (DRG-style)"] == 0
    assert marginal["Capitation"] == 0
    assert 0 <= marginal["Bundled episode"] <= fee + cent
    assert marginal["Shared savings (MSSP)"] > 0  # the ACO never bears more than 75% of an extra service
    assert marginal["Shared savings (MSSP)"] <= fee + cent
    assert frame.loc["Fee-for-service", "risk"] == "payer"
    assert frame.loc["Capitation", "risk"] == "provider"
    assert set(frame["risk"]) <= {"payer", "provider", "shared"}


@given(scenarios)
def test_payments_never_negative(scenario: Scenario) -> None:
    frame = compare_models(scenario)
    assert (frame["provider_revenue"] >= 0).all()
    assert (frame["provider_cost"] >= 0).all()


@given(scenarios)
def test_marginal_revenue_matches_one_more_service(scenario: Scenario) -> None:
    """Adding one service to the panel changes revenue by the marginal revenue (unless a threshold is crossed)."""
    one_more = Scenario(
        **{**scenario.__dict__, "services_per_patient": scenario.services_per_patient + 1 / scenario.patients}
    )
    before = {o.model: o for o in model_outcomes(scenario)}
    after = {o.model: o for o in model_outcomes(one_more)}
    for model in MODELS:
        # A threshold (MSR, cap) between the two points changes the regime: the slope is not defined there.
        assume(before[model].provider_share_of_extra == after[model].provider_share_of_extra)
        change = after[model].provider_revenue - before[model].provider_revenue
        assert change == pytest.approx(before[model].marginal_revenue, abs=0.03 + 1e-9 * abs(change)), model


def test_explanations_cover_every_model() -> None:
    explanations = explain_comparison(Scenario())
    assert [e.title for e in explanations] == list(MODELS)
    assert all(e.steps and e.summary for e in explanations)


def test_utilisation_sweep_slopes() -> None:
    sweep = utilisation_sweep(Scenario())
    assert list(sweep.columns) == ["change", *MODELS]
    assert sweep["change"].iloc[0] == pytest.approx(-0.30) and sweep["change"].iloc[-1] == pytest.approx(0.30)
    assert sweep["Fee-for-service"].is_monotonic_increasing  # fee 95.19 > cost 85: more is better
    assert sweep["Capitation"].is_monotonic_decreasing  # every service is a cost
    assert sweep["Per case (DRG-style)"].is_monotonic_decreasing
    middle = sweep.set_index("change").loc[0.0]
    assert middle["Fee-for-service"] == row(compare_models(Scenario()), "Fee-for-service").provider_margin


def test_every_lesson_link_to_the_page_parses() -> None:
    """Lessons link to tabs and presets by name; each link must resolve (a typo would show a warning)."""
    import re
    from urllib.parse import parse_qsl

    from healthalloc.core.reimbursement.tabs import PRESETS, TABS, parse_link
    from healthalloc.core.resources import content_dir

    links = set()
    for path in content_dir().rglob("*.md"):
        links.update(re.findall(r"calc:reimbursement\?([^)\s\"]+)", path.read_text(encoding="utf-8")))
    for query in links:
        request = parse_link(dict(parse_qsl(query)))
        assert request.tab in TABS
    for key in ("office-visit-two-localities", "hip-replacement-high-wage", "aco-saved-5", "aco-lost-4"):
        assert key in PRESETS
    assert set(TABS) == {"compare", "ffs", "drg", "bundle", "capitation", "p4p", "shared-savings"}


@given(scenarios)
def test_the_plain_list_fast_path_is_the_table_and_sweep_exactly(scenario: Scenario) -> None:
    """The page computes on every slider step without pandas; the DataFrame API is built from the same lists."""
    from healthalloc.core.reimbursement.compare import comparison_columns, sweep_columns

    columns = comparison_columns(scenario)
    assert list(columns) == list(COLUMNS)
    assert compare_models(scenario).to_dict(orient="list") == columns
    assert utilisation_sweep(scenario).to_dict(orient="list") == sweep_columns(scenario)


@given(scenarios)
def test_the_numbers_agree_with_the_explained_models(scenario: Scenario) -> None:
    """The fast path skips the explanations, never the arithmetic: every number equals the explained model's."""
    from healthalloc.core.reimbursement.compare import comparison_columns, sweep_columns
    from healthalloc.core.reimbursement.fee_schedule import cents

    columns = comparison_columns(scenario)
    outcomes = model_outcomes(scenario)
    assert columns["provider_revenue"] == [o.provider_revenue for o in outcomes]
    assert columns["marginal_revenue"] == [o.marginal_revenue for o in outcomes]
    assert columns["provider_share_of_extra"] == [o.provider_share_of_extra for o in outcomes]
    varied = scenario.with_utilisation(0.1)  # a point of the sweep, through the explained models
    cost = varied.services * varied.cost_per_service
    sweep = sweep_columns(scenario, changes=(0.1,))
    assert [sweep[m][0] for m in MODELS] == [cents(o.provider_revenue - cost) for o in model_outcomes(varied)]
