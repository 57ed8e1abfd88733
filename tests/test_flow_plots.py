"""The flow diagram and the health-dollar charts, drawn on a bare Figure (no Qt, no pyplot)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch

from healthalloc.core import flow, flow_plots
from healthalloc.core.flow import FlowModel
from healthalloc.core.palette import DARK, LIGHT
from test_flow import random_flows


@given(random_flows())
def test_band_widths_add_up_to_node_heights_on_both_sides(model: FlowModel) -> None:
    layout = flow_plots.sankey_layout(model)
    for node in layout.nodes:
        height = node.top - node.bottom
        assert height == pytest.approx(node.amount_millions * layout.scale, abs=1e-9)
        leaving = [b for b in layout.bands if (b.source, b.x0) == (node.name, node.x1)]
        entering = [b for b in layout.bands if (b.target, b.x1) == (node.name, node.x0)]
        for side, tops in (
            (leaving, [(b.top0, b.bottom0) for b in leaving]),
            (entering, [(b.top1, b.bottom1) for b in entering]),
        ):
            if side:
                assert sum(top - bottom for top, bottom in tops) == pytest.approx(height, abs=1e-9)
                assert max(top for top, _ in tops) == pytest.approx(node.top, abs=1e-9)
    for node in layout.nodes:
        assert -1e-9 <= node.bottom <= node.top <= 1 + 1e-9


def test_hit_testing_finds_the_band_and_the_node_under_the_mouse() -> None:
    layout = flow_plots.sankey_layout(flow.flow_model(2024))
    for band in layout.bands:
        if band.top0 - band.bottom0 < 1e-4:
            continue
        x = band.x0 + 1e-4
        found = flow_plots.band_at(layout, x, (band.top0 + band.bottom0) / 2)
        assert found is not None and (found.source, found.target) == (band.source, band.target)
        top, bottom = band.edges_at((band.x0 + band.x1) / 2)
        assert top == pytest.approx((band.top0 + band.top1) / 2) and bottom <= top
    assert flow_plots.band_at(layout, 0.01, 0.5) is None
    hospital = layout.node(1, "Hospital care")
    hit = flow_plots.node_at(layout, hospital.x0 + 0.001, (hospital.top + hospital.bottom) / 2)
    assert hit is not None and hit.name == "Hospital care"


@given(st.lists(st.floats(0, 1), min_size=1, max_size=12), st.floats(0.01, 0.08))
def test_spread_labels_keeps_order_and_spacing_when_there_is_room(centres: list[float], gap: float) -> None:
    spread = flow_plots.spread_labels(centres, gap)
    order = sorted(range(len(centres)), key=lambda i: -centres[i])
    placed = [spread[i] for i in order]
    if gap * (len(centres) - 1) <= 1:
        assert all(a - b >= gap - 1e-9 for a, b in itertools.pairwise(placed))
        assert all(-1e-9 <= y <= 1 + 1e-9 for y in placed)


@pytest.mark.parametrize("theme", [LIGHT, DARK])
def test_flow_diagram_draws_every_band_with_labelled_nodes(theme) -> None:  # type: ignore[no-untyped-def]
    figure = Figure(figsize=(9, 6), layout="constrained")
    ax = figure.add_subplot()
    artists = flow_plots.draw_health_flow(ax, 2024, theme, measure="share")
    model = flow.flow_model(2024)
    assert len(artists.band_patches) == len(model.bands)
    assert all(isinstance(p, PathPatch) for p in artists.band_patches.values())
    texts = [t.get_text() for t in ax.texts]
    assert "Private insurance\n31.2% · 31.2%" in texts
    assert any(t.startswith("Hospital care\n") for t in texts)
    assert "CMS NHE, 2026 release" in ax.get_title(loc="left")
    flow_plots.highlight_band(artists, 0)
    assert artists.band_patches[0].get_alpha() == flow_plots.SELECTED_ALPHA
    assert artists.band_patches[1].get_alpha() < flow_plots.BAND_ALPHA
    flow_plots.highlight_band(artists, None)
    assert {p.get_alpha() for p in artists.band_patches.values()} == {flow_plots.BAND_ALPHA}
    figure.canvas.draw()


def test_dollar_labels_in_the_flow_diagram() -> None:
    ax = Figure().add_subplot()
    flow_plots.draw_health_flow(ax, 2024, LIGHT, measure="dollars")
    assert "Medicare\n$1,118.0 B · 21.2%" in [t.get_text() for t in ax.texts]


def test_health_dollar_chart_on_one_axes() -> None:
    figure = Figure(figsize=(7, 6), layout="constrained")
    ax = figure.add_subplot()
    flow.draw_health_dollar(ax, 2024, LIGHT)
    widths = [round(p.get_width(), 4) for p in ax.patches]
    assert len(widths) == len(flow.SOURCES) + len(flow.SERVICES)
    assert widths[0] == pytest.approx(0.3116, abs=1e-4)  # private insurance, the largest payer, first
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "Private insurance" and "Hospital care" in labels
    texts = [t.get_text() for t in ax.texts]
    assert "Where it came from (who paid)" in texts and "  31.0%" in texts
    figure.canvas.draw()


def test_health_dollar_lesson_chart_returns_its_text_alternative() -> None:
    from healthalloc.core.figures import draw_chart

    figure = Figure(figsize=(7.6, 3.8), layout="constrained")
    text = draw_chart("health-dollar", figure, DARK)
    assert len(figure.axes) == 2
    assert "Hospital care: 31.0%" in text and "Medicare: 21.2%" in text
    figure.canvas.draw()


def test_who_pays_chart() -> None:
    ax = Figure().add_subplot()
    frame = flow.who_pays_for(2024, "Prescription drugs")
    flow_plots.draw_who_pays(ax, frame, LIGHT, service="Prescription drugs", year=2024)
    assert len(ax.patches) == len(frame)
    assert ax.get_title(loc="left") == "Who paid for prescription drugs, 2024"
    assert "  $172.1 B (36.9%)" in [t.get_text() for t in ax.texts]


def _flow_state(artists: flow_plots.SankeyArtists) -> tuple[object, ...]:
    """What a student sees of the diagram: band outlines and highlight, node boxes, labels and title."""
    bands = tuple(
        (i, patch.get_path().vertices.round(9).tolist(), patch.get_alpha())
        for i, patch in sorted(artists.band_patches.items())
    )
    nodes = tuple(
        (key, tuple(round(v, 9) for v in patch.get_bbox().bounds)) for key, patch in artists.node_patches.items()
    )
    labels = tuple(
        (key, t.get_text(), tuple(round(v, 9) for v in t.get_position())) for key, t in artists.labels.items()
    )
    return bands, nodes, labels, artists.ax.get_title(loc="left")


@pytest.mark.parametrize(("year", "measure", "selected"), [(2023, "dollars", None), (2024, "share_gdp", 3)])
def test_the_flow_diagram_moves_in_place_to_what_a_fresh_draw_shows(year: int, measure: str, selected) -> None:  # type: ignore[no-untyped-def]
    figure = Figure(figsize=(9, 5), layout="constrained")
    artists = flow_plots.draw_health_flow(figure.add_subplot(), 2024, LIGHT, measure="per_person")
    assert flow_plots.update_health_flow(artists, year, measure=measure, selected=selected)
    fresh_figure = Figure(figsize=(9, 5), layout="constrained")
    fresh = flow_plots.draw_health_flow(
        fresh_figure.add_subplot(), year, LIGHT, measure=measure, selected=selected
    )
    assert _flow_state(artists) == _flow_state(fresh)
    assert artists.layout == fresh.layout  # hit-testing follows the year shown


def test_a_flow_of_another_shape_is_drawn_afresh() -> None:
    artists = flow_plots.draw_health_flow(Figure().add_subplot(), 2024, LIGHT)
    model = flow.flow_model(2024)
    fewer = FlowModel(model.columns, model.bands[1:])
    assert not flow_plots.update_sankey(artists, fewer, title="One band fewer")
    assert flow_plots.update_sankey(artists, model, title="The same bands")
    assert artists.ax.get_title(loc="left") == "The same bands"


@pytest.mark.parametrize(("year", "measure"), [(2023, "share"), (2024, "per_person"), (2023, "share_gdp")])
def test_the_health_dollar_chart_moves_in_place_to_what_a_fresh_draw_shows(year: int, measure: str) -> None:
    drawn = flow_plots.draw_health_dollar(Figure(figsize=(7, 6)).add_subplot(), 2024, DARK, measure="dollars")
    assert flow_plots.update_health_dollar(drawn, year, measure=measure)
    fresh = flow_plots.draw_health_dollar(Figure(figsize=(7, 6)).add_subplot(), year, DARK, measure=measure)

    def seen(artists: flow_plots.DollarArtists) -> tuple[object, ...]:
        ax = artists.ax
        bars = [(round(b.get_width(), 9), b.get_facecolor(), b.get_hatch()) for b in artists.bars]
        texts = [(t.get_text(), tuple(round(v, 9) for v in t.get_position())) for t in ax.texts]
        ticks = [t.get_text() for t in ax.get_yticklabels()]
        return bars, texts, ticks, ax.get_xlim(), ax.get_title(loc="left")

    assert seen(drawn) == seen(fresh)
