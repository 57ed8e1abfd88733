"""Blitting on a bare Agg canvas (no Qt): what an update paints is exactly what a full redraw paints."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from healthalloc.core.blit import BlitLayer

BLUE = "#0072B2"


def _chart(layout: str | None = None) -> tuple[Figure, Any, list[Any], BlitLayer]:
    figure = Figure(figsize=(5, 3), dpi=80, layout=layout)
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    bars = list(ax.bar(range(4), [1.0, 2.0, 3.0, 4.0], color=BLUE, hatch="//"))
    ax.set_ylim(0, 5)
    ax.set_ylabel("Dollars")
    ax.set_title("Four bars", loc="left")
    layer = BlitLayer(figure, bars, [ax.yaxis])
    return figure, ax, bars, layer


def _pixels(figure: Figure) -> np.ndarray:
    return np.asarray(figure.canvas.buffer_rgba()).copy()


def _full_redraw(figure: Figure) -> np.ndarray:
    figure.canvas.draw()
    return _pixels(figure)


def _blue(pixels: np.ndarray) -> int:
    return int(np.all(pixels[..., :3] == np.array([0x00, 0x72, 0xB2]), axis=-1).sum())


def test_a_full_draw_paints_the_animated_artists_too() -> None:
    figure, _ax, bars, layer = _chart()
    assert not layer.ready and not layer.update()  # nothing saved before the first draw
    drawn = _full_redraw(figure)
    assert layer.ready
    layer.disconnect()
    for bar in bars:
        bar.set_animated(False)
    assert _blue(drawn) == _blue(_full_redraw(figure)) > 1000  # the same bars as a plain draw


@pytest.mark.parametrize("limits", [(0, 5), (0, 50), (-2, 8)])
def test_an_update_paints_what_a_full_redraw_paints(limits: tuple[float, float]) -> None:
    figure, ax, bars, layer = _chart()
    _full_redraw(figure)
    for bar, height in zip(bars, [4.0, 1.5, 0.5, 3.0], strict=True):
        bar.set_height(height)
    ax.set_ylim(*limits)  # the scale tier is repainted only when the limits move
    assert layer.update()
    assert np.array_equal(_pixels(figure), _full_redraw(figure))
    bars[0].set_height(2.5)  # same limits: the saved scale tier is reused
    assert layer.update()
    assert np.array_equal(_pixels(figure), _full_redraw(figure))


def test_an_update_keeps_the_layout_of_the_last_full_draw() -> None:
    figure, ax, bars, layer = _chart("constrained")
    _full_redraw(figure)
    position = ax.get_position().bounds
    bars[1].set_height(4.5)
    ax.set_ylim(0, 9)
    assert layer.update()
    assert ax.get_position().bounds == position  # no layout pass: the axes stays where the background has it


def test_labels_that_no_longer_fit_ask_for_a_full_draw() -> None:
    figure, ax, _bars, layer = _chart("constrained")
    _full_redraw(figure)
    ax.yaxis.set_major_formatter(lambda value, _pos: f"{value:.1f} thousand million dollars a year")
    ax.set_ylim(0, 6)
    assert not layer.update()  # the layout made room for short labels only
    _full_redraw(figure)  # a new layout makes room
    assert layer.update()


def test_a_rebuilt_or_resized_chart_is_not_blitted() -> None:
    figure, _ax, _bars, layer = _chart()
    _full_redraw(figure)
    figure.set_size_inches(6, 3)
    assert not layer.update()
    _full_redraw(figure)
    assert layer.update()
    figure.clear()
    assert not layer.update()
    figure.add_subplot().plot([0, 1], [1, 0])
    figure.canvas.draw()  # the layer sees its artists are gone and lets go of the figure
    assert not layer.ready


def test_backgrounds_are_kept_per_state() -> None:
    figure = Figure(figsize=(4, 3), dpi=80)
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    title = ax.set_title("2024")
    layer = BlitLayer(figure, [], keep=2)
    layer.state = 2024
    first = _full_redraw(figure)
    title.set_text("2023")
    layer.state = 2023
    assert not layer.update()  # never drawn: needs a full draw
    second = _full_redraw(figure)
    title.set_text("2024")
    layer.state = 2024
    assert layer.update() and np.array_equal(_pixels(figure), first)
    title.set_text("2022")
    layer.state = 2022
    _full_redraw(figure)  # a third state pushes out the least recently shown (2023)
    layer.state = 2023
    assert not layer.update()
    layer.state = 2024
    assert layer.update()
    assert not np.array_equal(first, second)
    layer.forget()  # the background changed in a way the state does not name
    assert not layer.update() and not layer.ready


@pytest.mark.parametrize("suffix", ["svg", "png"])
def test_saving_a_figure_includes_the_animated_artists(tmp_path, suffix: str) -> None:  # type: ignore[no-untyped-def]
    figure, _ax, _bars, layer = _chart("constrained")
    shown = _full_redraw(figure)
    target = tmp_path / f"chart.{suffix}"
    figure.savefig(target, dpi=160)
    if suffix == "svg":
        assert target.read_text("utf-8").count("fill: url(#h") >= 4  # the four hatched bars
    else:
        from matplotlib.image import imread

        image = (imread(target) * 255).round().astype(np.uint8)
        assert image.shape[:2] == (480, 800)
        assert _blue(image) > 4 * _blue(shown) * 0.9  # the bars, at twice the resolution
    assert not layer.update()  # saving laid the figure out again: the next change is a full draw
    _full_redraw(figure)
    assert layer.update()
