"""The payment models reproduce the fact sheet's worked examples and reject bad input clearly."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from healthalloc.core.checks import MAX_CURVE_POINTS
from healthalloc.core.inputs import defaults, validate_inputs
from healthalloc.core.reimbursement import (
    bundled_episode,
    capitation_contract,
    drg_payment,
    hospital_vbp,
    minimum_savings_rate,
    mips_adjustment,
    mips_rate,
    physician_fee,
    shared_savings,
)
from healthalloc.core.reimbursement.bundle import BUNDLE_INPUTS, bundle_from_inputs
from healthalloc.core.reimbursement.capitated import CAPITATION_INPUTS, capitation_from_inputs
from healthalloc.core.reimbursement.drg import DRG_INPUTS, drg_from_inputs, drg_notes
from healthalloc.core.reimbursement.fee_schedule import (
    FFS_INPUTS,
    SETTINGS,
    fee_comparison,
    find_service,
    service_codes,
)
from healthalloc.core.reimbursement.p4p import P4P_INPUTS, mips_curve, p4p_from_inputs
from healthalloc.core.reimbursement.parameters import CONVERSION_FACTORS, IPPS_YEARS, TRACKS
from healthalloc.core.reimbursement.shared_savings import MSSP_INPUTS, all_tracks, mssp_from_inputs

# ---- Fee schedule (fact sheet §3.1) ---------------------------------------------------------------------------


def test_office_visit_2026_national() -> None:
    fee = physician_fee(1.30, 1.46, 0.09, conversion_factor=33.4009)
    assert fee.allowed_amount == 95.19
    assert fee.patient_share == 19.04
    assert fee.medicare_share == 76.15
    assert fee.medicare_after_sequestration == 74.63
    assert "$95.19" in fee.explanation.as_text()


def test_office_visit_2026_qp_and_facility() -> None:
    assert physician_fee(1.30, 1.46, 0.09, conversion_factor=33.5675).allowed_amount == 95.67
    assert physician_fee(1.30, 0.33, 0.09, conversion_factor=33.4009).allowed_amount == 57.45


def test_rest_of_california_2025() -> None:
    local = physician_fee(1.30, 1.35, 0.10, gpci=(1.014, 1.035, 0.718), conversion_factor=32.3465)
    national = physician_fee(1.30, 1.35, 0.10, conversion_factor=32.3465)
    assert local.allowed_amount == 90.16
    assert national.allowed_amount == 88.95


def test_fee_tab_two_localities_preset() -> None:
    values = {
        **defaults(FFS_INPUTS),
        "service": "99213",
        "year": "CY2025",
        "locality": "rest-of-california",
        "compare_locality": "national",
    }
    result = fee_comparison(values)
    assert result.primary.allowed_amount == 90.16
    assert result.other is not None and result.other.allowed_amount == 88.95
    assert result.difference == 1.21
    assert result.notes == ()  # both the RVUs and the GPCIs are CY2025 values
    assert len(result.explanations) == 2


def test_fee_tab_defaults_are_the_2026_visit() -> None:
    result = fee_comparison(defaults(FFS_INPUTS))
    assert result.primary.allowed_amount == 95.19
    assert result.other is None


def test_fee_tab_notes_year_mismatch() -> None:
    values = {**defaults(FFS_INPUTS), "service": "99214", "year": "CY2024"}
    result = fee_comparison(values)
    assert any("CY2026 RVUs are used" in note for note in result.notes)


@pytest.mark.parametrize("year", list(CONVERSION_FACTORS))
@pytest.mark.parametrize("setting", [key for key, _ in SETTINGS])
def test_every_catalogue_service_prices_or_explains(year: str, setting: str) -> None:
    for code in service_codes():
        values = {**defaults(FFS_INPUTS), "service": code, "year": year, "setting": setting}
        try:
            result = fee_comparison(values)
        except ValueError as error:
            assert code == "27447" and setting == "non-facility"
            assert "does not pay 27447 in an office" in str(error)
        else:
            assert result.primary.allowed_amount > 0


def test_catalogue_rows() -> None:
    assert find_service("99213", 2026).pe_nonfacility_rvu == 1.46
    assert find_service("99213", 2025).pe_nonfacility_rvu == 1.35
    assert find_service("99213", 2024).year == 2025  # nearest year
    knee = find_service("27447", 2026)
    assert knee.pe_nonfacility_rvu is None and knee.pe_facility_rvu == 11.58
    with pytest.raises(ValueError, match="unknown service"):
        find_service("12345", 2026)


def test_custom_inputs_use_the_numbers() -> None:
    values = {
        **defaults(FFS_INPUTS),
        "service": "custom",
        "locality": "custom",
        "work_rvu": 2.0,
        "pe_rvu": 1.0,
        "mp_rvu": 0.0,
        "work_gpci": 1.5,
    }
    assert fee_comparison(values).primary.allowed_amount == round(4.0 * 33.4009, 2)


# ---- MS-DRG (fact sheet §3.2) ---------------------------------------------------------------------------------


def test_drg_fy2026_worked_example() -> None:
    result = drg_payment(1.9289, wage_index=1.10, standardized_amount=6752.61)
    assert result.labor_share == 0.66
    assert result.adjusted_base == 7198.28
    assert result.operating_payment == 13884.77
    assert result.outlier_payment == 0.0
    assert result.total == 13884.77


def test_drg_low_wage_index_and_capital() -> None:
    assert drg_payment(1.0, wage_index=0.90, standardized_amount=6752.61).adjusted_base == 6333.95
    with_capital = drg_payment(1.9289, wage_index=1.10, standardized_amount=6752.61, capital_rate=524.15)
    assert with_capital.capital_payment == pytest.approx(1079, abs=1)


def test_drg_outlier() -> None:
    result = drg_payment(1.9289, wage_index=1.10, standardized_amount=6752.61, case_cost=80_000)
    threshold = 13884.77 + 40397
    assert result.outlier_threshold == round(threshold, 2)
    assert result.outlier_payment == round(0.8 * (80_000 - threshold), 2)
    assert result.total == round(13884.77 + result.outlier_payment, 2)
    assert result.hospital_margin == round(result.total - 80_000, 2)


def test_drg_tab_preset_and_notes() -> None:
    values = {**defaults(DRG_INPUTS), "drg": "470", "wage_index": 1.10, "include_capital": False}
    result = drg_from_inputs(values)
    assert result.adjusted_base == 7198.28 and result.operating_payment == 13884.77
    assert drg_notes({**values, "drg": "469"})[0].startswith("The weight for 469 is an estimate")
    assert any("FY2026 Table 5" in n for n in drg_notes({**values, "fiscal_year": "FY2025"}))
    assert drg_from_inputs({**values, "fiscal_year": "FY2025"}).labor_share == 0.676


# ---- Bundles, capitation, pay for performance -----------------------------------------------------------------


def test_bundle_reconciliation_and_cap() -> None:
    under = bundled_episode(25_000, 23_500, episodes=100)
    assert under.target_price == 24_250 and under.reconciliation == 75_000
    over = bundled_episode(25_000, 27_000, episodes=100)
    assert over.reconciliation == -275_000 and over.provider_repayment == 275_000
    capped = bundled_episode(25_000, 10_000, episodes=10)
    assert capped.capped and capped.reconciliation == round(0.2 * 242_500, 2)
    half = bundled_episode(25_000, 23_500, episodes=100, sharing_rate=0.5)
    assert half.reconciliation == 37_500 and half.marginal_share == 0.5


def test_bundle_tab_defaults() -> None:
    result = bundle_from_inputs(defaults(BUNDLE_INPUTS))
    assert result.reconciliation == 75_000


def test_capitation_contract_reuses_capitation_revenue() -> None:
    contract = capitation_contract(40.0, 2_000, cost_pmpm=36.0)
    assert contract.total_revenue == 960_000 and contract.total_cost == 864_000 and contract.margin == 96_000
    assert contract.explanations[0].title == "Capitation revenue"
    assert capitation_from_inputs(defaults(CAPITATION_INPUTS)).margin == 96_000


def test_vbp_withhold_on_one_hip_replacement() -> None:
    average = hospital_vbp(13884.77, performance_score=40, average_score=40)
    assert average.withheld == 277.70 and average.net_adjustment == 0.0
    better = hospital_vbp(1_000_000, performance_score=60, average_score=40)
    assert better.withheld == 20_000 and better.earned_back == 30_000 and better.net_adjustment == 10_000


@pytest.mark.parametrize(
    ("score", "rate"),
    [(0, -0.09), (18.75, -0.09), (46.875, -0.045), (75, 0.0), (87.5, 0.045), (100, 0.09)],
)
def test_mips_rate_shape(score: float, rate: float) -> None:
    assert mips_rate(score) == pytest.approx(rate)


def test_mips_adjustment_and_tab() -> None:
    assert mips_adjustment(100_000, final_score=0).adjustment == -9_000
    vbp, mips = p4p_from_inputs(defaults(P4P_INPUTS))
    assert vbp.withheld == 277.70
    assert mips.adjustment_rate == pytest.approx(0.09 * 5 / 25)


@pytest.mark.parametrize(
    ("points", "message"),
    [(10**20, "cannot be above 10001"), (MAX_CURVE_POINTS + 1, "cannot be above"), (1, "below 2"), (2.5, "whole")],
)
def test_mips_curve_refuses_absurd_point_counts(points: float, message: str) -> None:
    """A huge count is refused at once instead of building 10**20 points (and hanging the page)."""
    with pytest.raises(ValueError, match=message):
        mips_curve(points=points)  # type: ignore[arg-type]
    scores, rates = mips_curve(points=MAX_CURVE_POINTS)
    assert len(scores) == len(rates) == MAX_CURVE_POINTS and (scores[0], scores[-1]) == (0.0, 100.0)


# ---- Shared savings (fact sheet §5.1) -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "track", "savings", "losses"),
    [
        (11_400, "BASIC_E", 6_000_000, 0),
        (11_400, "enhanced", 9_000_000, 0),
        (12_480, "basic_e", 0, 2_880_000),
        (12_480, "ENHANCED", 0, 3_840_000),
        (11_400, "BASIC_A", 4_800_000, 0),
        (12_480, "BASIC_A", 0, 0),
        (12_480, "BASIC_C", 0, 2_400_000),  # 30% of $9.6 M, limited to 1% of the benchmark
    ],
)
def test_mssp_worked_example(actual: float, track: str, savings: float, losses: float) -> None:
    result = shared_savings(12_000, actual, 20_000, track=track)
    assert result.minimum_rate == 0.025
    assert result.shared_savings == savings
    assert result.shared_losses == losses
    assert result.net == savings - losses


def test_mssp_quality_gate_and_msr() -> None:
    missed = shared_savings(12_000, 11_400, 20_000, track="BASIC_E", quality_met=False)
    assert missed.shared_savings == 0 and missed.net == 0
    enhanced_missed = shared_savings(12_000, 12_480, 20_000, track="ENHANCED", quality_met=False)
    assert enhanced_missed.loss_rate == 0.75 and enhanced_missed.shared_losses == 7_200_000
    small = shared_savings(12_000, 11_700, 20_000, track="BASIC_E")  # 2.5% savings: exactly the MSR
    assert small.threshold_met and small.shared_savings == 3_000_000
    tiny = shared_savings(12_000, 11_760, 20_000, track="BASIC_E")  # 2.0% < 2.5%
    assert not tiny.threshold_met and tiny.net == 0
    chosen = shared_savings(12_000, 11_760, 20_000, track="BASIC_E", minimum_savings_rate_override=0.0)
    assert chosen.shared_savings == 2_400_000


@pytest.mark.parametrize(("count", "rate"), [(5_000, 0.039), (9_999, 0.031), (20_000, 0.025), (60_000, 0.02)])
def test_minimum_savings_rate_scale(count: int, rate: float) -> None:
    assert minimum_savings_rate(count) == rate


def test_mssp_tab_every_track() -> None:
    results = all_tracks(defaults(MSSP_INPUTS))
    assert [r.track.key for r in results] == list(TRACKS)
    assert mssp_from_inputs({**defaults(MSSP_INPUTS), "msr": "1"}).minimum_rate == 0.01
    # a one-sided track ignores a fixed rate picked for the two-sided ones
    assert mssp_from_inputs({**defaults(MSSP_INPUTS), "msr": "1", "track": "BASIC_A"}).minimum_rate == 0.025


# ---- Clear errors ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: physician_fee(-1, 1, 1, conversion_factor=33.4), "work RVU cannot be below"),
        (lambda: physician_fee(1, 1, 1, conversion_factor=float("nan")), "conversion factor must be a finite"),
        (lambda: physician_fee(1, 1, 1, gpci=(1.0, 1.0), conversion_factor=33.4), "three numbers"),
        (lambda: physician_fee(1, 1, 1, conversion_factor="33"), "must be a number"),
        (lambda: drg_payment(1.0, wage_index=0, standardized_amount=6752.61), "wage index cannot be below"),
        (lambda: drg_payment(1.0, wage_index=1, standardized_amount=6752.61, fiscal_year="FY1999"), "FY1999"),
        (lambda: shared_savings(12_000, 11_000, 20_000, track="BASIC_F"), "unknown MSSP track"),
        (lambda: shared_savings(12_000, 11_000, 4_000, track="BASIC_E"), "at least 5,000"),
        (
            lambda: shared_savings(12_000, 11_000, 20_000, track="BASIC_A", minimum_savings_rate_override=0.01),
            "size-based",
        ),
        (
            lambda: shared_savings(12_000, 11_000, 20_000, track="ENHANCED", minimum_savings_rate_override=0.007),
            "0%, 0.5%",
        ),
        (lambda: shared_savings(12_000, 11_000, 20_000, track="ENHANCED", quality_met="yes"), "True or False"),
        (lambda: bundled_episode(0, 1), "historical spend"),
        (lambda: bundled_episode(100, 90, sharing_rate=1.5), "sharing rate cannot be above"),
        (lambda: capitation_contract(40, 100, cost_pmpm=-1), "cost of care"),
        (lambda: hospital_vbp(100, performance_score=50, average_score=0), "average Total Performance Score"),
        (lambda: mips_rate(101), "MIPS final score cannot be above"),
    ],
)
def test_invalid_inputs_raise_clear_errors(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        call()


@given(
    st.one_of(
        st.floats(max_value=-1e-6, allow_nan=False, allow_infinity=False),
        st.just(math.inf),
        st.just(math.nan),
        st.text(max_size=3),
        st.booleans(),
        st.none(),
    )
)
def test_bad_numbers_are_value_errors(bad: object) -> None:
    for call in (
        lambda: physician_fee(bad, 1, 1, conversion_factor=33.4),  # type: ignore[arg-type]
        lambda: drg_payment(1.0, wage_index=bad, standardized_amount=6752.61),  # type: ignore[arg-type]
        lambda: shared_savings(12_000, bad, 20_000, track="BASIC_E"),  # type: ignore[arg-type]
        lambda: bundled_episode(1000, bad),  # type: ignore[arg-type]
    ):
        with pytest.raises(ValueError) as error:
            call()
        assert str(error.value)[0].isupper()  # a sentence for a student, not a traceback token


# ---- Never negative, except shared losses ---------------------------------------------------------------------

money = st.floats(min_value=0, max_value=50_000, allow_nan=False)


@given(
    st.floats(0, 60),
    st.floats(0, 60),
    st.floats(0, 20),
    st.tuples(st.floats(0.5, 2.0), st.floats(0.5, 2.0), st.floats(0.2, 3.0)),
    st.sampled_from([cf.parameter.value for cf in CONVERSION_FACTORS.values()]),
)
def test_fee_parts_never_negative(work: float, pe: float, mp: float, gpci, cf: float) -> None:  # type: ignore[no-untyped-def]
    fee = physician_fee(work, pe, mp, gpci=gpci, conversion_factor=cf)
    assert min(fee.allowed_amount, fee.patient_share, fee.medicare_share, fee.medicare_after_sequestration) >= 0
    assert fee.patient_share + fee.medicare_share == pytest.approx(fee.allowed_amount, abs=0.005)


@given(st.floats(0.1, 30), st.floats(0.5, 2.0), st.sampled_from(list(IPPS_YEARS)), money, st.booleans())
def test_drg_never_negative(weight: float, wage: float, year: str, cost: float, capital: bool) -> None:
    rates = IPPS_YEARS[year]
    result = drg_payment(
        weight,
        wage_index=wage,
        standardized_amount=rates.standardized_amount.value,
        capital_rate=rates.capital_rate.value if capital else 0.0,
        case_cost=cost,
        fiscal_year=year,
    )
    assert min(result.operating_payment, result.capital_payment, result.outlier_payment) >= 0
    assert result.total >= result.operating_payment


@given(
    st.floats(1_000, 40_000),
    st.floats(1_000, 40_000),
    st.integers(5_000, 200_000),
    st.sampled_from(list(TRACKS)),
    st.booleans(),
)
def test_mssp_only_losses_are_negative(
    benchmark: float, actual: float, count: int, track: str, quality: bool
) -> None:
    result = shared_savings(benchmark, actual, count, track=track, quality_met=quality)
    assert result.shared_savings >= 0 and result.shared_losses >= 0
    assert not (result.shared_savings and result.shared_losses)
    if result.net < 0:
        assert result.shared_losses > 0 and TRACKS[track].two_sided
    assert result.shared_savings <= TRACKS[track].savings_cap * result.benchmark_total + 0.01
    assert result.shared_losses <= TRACKS[track].loss_cap * result.benchmark_total + 0.01


@given(st.floats(1_000, 100_000), money, st.integers(1, 1000), st.floats(0, 0.5), st.floats(0, 1), st.floats(0, 1))
def test_bundle_only_repayments_are_negative(
    history: float, actual: float, episodes: int, discount: float, share: float, cap: float
) -> None:
    result = bundled_episode(history, actual, episodes=episodes, discount=discount, sharing_rate=share, cap=cap)
    assert result.payer_total >= -0.01
    if result.reconciliation < 0:
        assert result.actual_total > result.target_total  # a repayment is a shared loss


@given(st.floats(0, 100), st.floats(0, 1e7), st.floats(0, 3))
def test_p4p_payments_never_negative(score: float, amount: float, scaling: float) -> None:
    assert mips_adjustment(amount, final_score=score, positive_scaling=scaling).adjusted_payments >= 0
    assert -0.09 <= mips_rate(score) <= 0.09
    assert hospital_vbp(amount, performance_score=score, average_score=50).adjusted_payments >= 0


def test_tab_defaults_validate() -> None:
    for specs in (FFS_INPUTS, DRG_INPUTS, BUNDLE_INPUTS, CAPITATION_INPUTS, P4P_INPUTS, MSSP_INPUTS):
        assert validate_inputs(specs, defaults(specs)) == defaults(specs)
        for spec in specs:
            assert spec.illustrative or spec.source or spec.kind in ("choice", "flag") or spec.name == "months", (
                spec
            )
