"""Charts that follow a slider: moving the artists in place shows what a fresh draw shows, the repainted picture
is the one a full draw paints, and the plain-list fast paths give the DataFrame functions' results exactly."""

from __future__ import annotations

import math
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from healthalloc.core import claims, claims_presets
from healthalloc.core.capitation import RiskSharingTerms, allocate_regions, allocation_by_method, panel_finances
from healthalloc.core.capitation.calculator import (
    MEMBER_INPUTS,
    PANEL_INPUTS,
    REGION_INPUTS,
    compute_member,
    compute_panel,
    compute_regions,
)
from healthalloc.core.capitation.panel import panel_finances_from_columns
from healthalloc.core.capitation.plots import (
    draw_panel,
    draw_regions,
    draw_risk_score,
    update_panel,
    update_regions,
    update_risk_score,
)
from healthalloc.core.claims_plots import draw_claim_split, draw_year, update_claim_split, update_year
from healthalloc.core.inputs import defaults
from healthalloc.core.live_chart import LiveChart, nice_ceiling, sticky_limit, sticky_span
from healthalloc.core.palette import DARK, LIGHT, chart_rc

# --- axis limits -------------------------------------------------------------------------------------------------


@given(st.floats(1e-6, 1e12))
def test_nice_ceiling_is_a_round_number_just_above(value: float) -> None:
    nice = nice_ceiling(value)
    assert value * (1 - 1e-9) <= nice <= value * 1.34  # the widest gap between round numbers is 3 → 4
    mantissa = nice / 10 ** math.floor(math.log10(nice) + 1e-9)
    assert any(math.isclose(mantissa, step) for step in (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10))


@given(st.floats(0.01, 1e6), st.floats(0, 2e6))
def test_a_sticky_limit_always_holds_the_data_and_keeps_still_while_it_fits(current: float, needed: float) -> None:
    limit = sticky_limit(current, needed)
    assert limit >= needed
    if 0.4 * current <= needed <= current:
        assert limit == current
    low, high = sticky_span((-current, current), -needed, needed)
    assert low <= -needed and high >= needed


def test_limits_for_nothing() -> None:
    assert nice_ceiling(0) == 0 and nice_ceiling(-5) == 0 and nice_ceiling(math.nan) == 0
    assert sticky_span(None, 0, 0) == (0.0, 0.0)


# --- update in place == draw from scratch -------------------------------------------------------------------------


def _seen(figure: Any) -> list[Any]:
    """What a reader sees on the figure, apart from axis limits (which stay put while a slider is dragged)."""
    seen: list[Any] = []
    for ax in figure.axes:
        for patch in ax.patches:
            if patch.get_visible():
                seen.append(("bar", patch.get_gid(), *np.round(patch.get_bbox().bounds, 6)))
        for line in ax.lines:
            if line.get_visible():
                seen.append(("line", tuple(np.round(line.get_xdata(), 6)), tuple(np.round(line.get_ydata(), 6))))
        seen.extend(("text", text.get_text()) for text in ax.texts if text.get_visible() and text.get_text())
        legend = ax.get_legend()
        if legend is not None:
            seen.append(("legend", tuple(t.get_text() for t in legend.get_texts())))
        seen.extend(("title", t.get_text()) for t in (ax.title, ax._left_title) if t.get_text())
    return seen


def _figure() -> Any:
    figure = Figure(figsize=(6, 3.5), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _member(**values: object) -> Any:
    comparison = compute_member({**defaults(MEMBER_INPUTS), **values}).comparison
    return [comparison.v24, comparison.v28]


def _year(preset: str, deductible: float) -> Any:
    return claims.adjudicate_year(claims.employer_plan(deductible=deductible), claims_presets.year_preset(preset))


def _claim(deductible: float) -> Any:
    plan = claims.employer_plan(deductible=deductible)
    return claims.adjudicate_claim(plan, claims.Claim(2000, "imaging", 3000, "in"))


CHARTS = {
    "member": (
        lambda f, t, d: draw_risk_score(f.add_subplot(), d, t),
        update_risk_score,
        _member(age=70),
        _member(age=93, conditions=("HCC85", "HCC18")),
    ),
    "panel": (
        lambda f, t, d: draw_panel(f.subplots(1, 2), d, t),
        update_panel,
        compute_panel(defaults(PANEL_INPUTS)),
        compute_panel({**defaults(PANEL_INPUTS), "cost_ratio": 135.0, "a_chf_85": 400}),
    ),
    "regions": (
        lambda f, t, d: draw_regions(f.add_subplot(), d.by_method, t, selected=d.allocation.method),
        lambda a, d: update_regions(a, d.by_method, selected=d.allocation.method),
        compute_regions(defaults(REGION_INPUTS)),
        compute_regions({**defaults(REGION_INPUTS), "pace": 90.0, "weight_65_plus": 4.5}),
    ),
    "claim": (
        lambda f, t, d: draw_claim_split(f.add_subplot(), d, t),
        update_claim_split,
        _claim(1886),
        _claim(600),
    ),
    "year": (
        lambda f, t, d: draw_year(f.subplots(2, 1), d, t),
        update_year,
        _year("major-surgery", 1886),
        _year("baby", 3000),
    ),
}


@pytest.mark.parametrize("name", CHARTS)
def test_moving_the_artists_shows_what_a_fresh_draw_shows(name: str) -> None:
    build, update, before, after = CHARTS[name]
    with matplotlib.rc_context(chart_rc(LIGHT)):
        moved = _figure()
        artists = build(moved, LIGHT, before)
        assert update(artists, after) is True
        fresh = _figure()
        build(fresh, LIGHT, after)
    assert _seen(moved) == _seen(fresh)
    for ax in moved.axes:  # the kept limits still hold every bar
        low, high = ax.get_ylim() if name != "member" and name != "claim" else ax.get_xlim()
        for patch in ax.patches:
            box = patch.get_bbox()
            edges = (box.y0, box.y1) if name not in ("member", "claim") else (box.x0, box.x1)
            assert low - 1e-9 <= min(edges) and max(edges) <= high + 1e-9


def test_a_new_shape_asks_for_a_new_chart() -> None:
    with matplotlib.rc_context(chart_rc(LIGHT)):
        figure = _figure()
        artists = draw_risk_score(figure.add_subplot(), _member(), LIGHT)
        assert not update_risk_score(artists, _member(conditions=("HCC85", "HCC19", "HCC111")))
        claim = draw_claim_split(figure.add_subplot(), _claim(1886), LIGHT)
        assert not update_claim_split(claim, _claim(2500))  # no coinsurance and no plan payment any more
        year = draw_year(_figure().subplots(2, 1), _year("diabetes", 1886), LIGHT)
        no_cap = claims.adjudicate_year(claims.medicare_part_b(), claims_presets.year_preset("diabetes"))
        assert not update_year(year, no_cap)


# --- the repainted picture is the full draw's ---------------------------------------------------------------------


def _pixels(figure: Any) -> Any:
    return np.asarray(figure.canvas.buffer_rgba()).copy()


@pytest.mark.parametrize("theme", [LIGHT, DARK])
def test_a_repaint_of_the_moving_artists_matches_a_full_draw(theme: Any) -> None:
    with matplotlib.rc_context(chart_rc(theme)):
        figure = _figure()
        live: LiveChart[Any] = LiveChart(lambda f, t, d: draw_risk_score(f.add_subplot(), d, t), update_risk_score)
        assert live.draw(figure, theme, _member(age=72)) is False  # built: the caller draws the figure
        figure.canvas.draw()
        assert live.draw(figure, theme, _member(age=77)) is True  # moved and repainted over the saved picture
        repainted = _pixels(figure)
        figure.canvas.draw()
        assert np.array_equal(repainted, _pixels(figure))


def test_the_notice_replaces_the_data_in_place_and_goes_away_again() -> None:
    with matplotlib.rc_context(chart_rc(LIGHT)):
        figure = _figure()
        live: LiveChart[Any] = LiveChart(
            lambda f, t, d: draw_claim_split(f.add_subplot(), d, t), update_claim_split
        )
        live.draw(figure, LIGHT, _claim(1886))
        figure.canvas.draw()
        assert live.draw_notice(figure, LIGHT) is True
        ax = figure.axes[0]
        assert [t.get_text() for t in ax.texts if t.get_visible()] == [
            "No chart until the inputs above are fixed."
        ]
        assert not any(p.get_visible() for p in ax.patches)
        assert live.draw(figure, LIGHT, _claim(1000)) is True
        assert not any(t.get_visible() for t in ax.texts)
        assert ax.get_legend().get_texts()[0].get_text() == "Deductible: $1,000.00"
        live.draw_notice(figure, LIGHT)
        figure.canvas.draw()  # laid out while the data were hidden (e.g. the window was resized) …
        assert live.draw(figure, LIGHT, _claim(1200)) is False  # … so the chart is drawn whole again
        figure.canvas.draw()
        cleared = Figure()
        FigureCanvasAgg(cleared)
        assert live.draw_notice(cleared, LIGHT) is False  # no chart yet: the notice fills an empty figure
        assert [t.get_text() for t in cleared.texts] == ["No chart until the inputs above are fixed."]


# --- plain-list fast paths ----------------------------------------------------------------------------------------


@given(
    st.lists(
        st.tuples(
            st.floats(0, 4).map(lambda v: round(v, 3)),
            st.integers(0, 2000),
            st.one_of(st.just(math.nan), st.floats(0, 500_000).map(lambda v: round(v, 2))),
        ),
        min_size=1,
        max_size=12,
    ).filter(lambda rows: sum(n for _, n, _ in rows) > 0),
    st.floats(0.5, 2.0),
    st.floats(0, 3),
    st.booleans(),
    st.sampled_from(["full", "stop_loss", "corridor"]),
)
def test_the_column_fast_path_gives_the_dataframe_result(
    rows: list[tuple[float, int, float]], norm: float, ratio: float, adjusted: bool, arrangement: str
) -> None:
    scores, counts, costs = (list(column) for column in zip(*rows, strict=True))
    labels = [f"Type {i}" for i in range(len(rows))]
    terms = RiskSharingTerms(50_000, 0.7, 0.04, 0.5)
    kwargs: dict[str, Any] = dict(
        normalization_factor=norm, cost_ratio=ratio, risk_adjusted=adjusted, terms=terms, arrangement=arrangement
    )
    frame = pd.DataFrame({"label": labels, "risk_score": scores, "count": counts, "annual_cost": costs})
    slow = panel_finances(frame, **kwargs)
    fast = panel_finances_from_columns(labels, scores, counts, costs, **kwargs)
    pd.testing.assert_frame_equal(slow.frame, fast.frame)
    assert {k: v for k, v in vars(slow).items() if k != "frame"} == {
        k: v for k, v in vars(fast).items() if k != "frame"
    }


def test_the_column_fast_path_checks_its_input_like_the_dataframe_path() -> None:
    with pytest.raises(ValueError, match="no members"):
        panel_finances_from_columns(["A"], [1.0], [0])
    with pytest.raises(ValueError, match=r"Row 2 \(B\): the risk score must be a number ≥ 0"):
        panel_finances_from_columns(["A", "B"], [1.0, -1.0], [1, 1])
    with pytest.raises(ValueError, match="one value per row"):
        panel_finances_from_columns(["A", "B"], [1.0], [1, 1])


@pytest.mark.parametrize(("budget", "pace"), [(10.5e9, 0.25), (2e8, 1.0), (3.3e10, 0.0)])
def test_allocation_by_method_matches_each_methods_allocation(budget: float, pace: float) -> None:
    by_method = allocation_by_method(budget=budget, pace=pace)
    for method, column in (
        ("population", "population"),
        ("past_spending", "past_spending"),
        ("needs", "needs_target"),
    ):
        expected = allocate_regions(budget=budget, method=method, pace=1.0).frame["per_person"]
        assert list(by_method[column]) == list(expected)
    assert list(by_method["needs_paced"]) == list(allocate_regions(budget=budget, pace=pace).frame["per_person"])
