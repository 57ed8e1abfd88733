"""Charts that follow a dragged slider: artists built once, then moved in place and repainted alone.

A full matplotlib draw of a small chart costs tens of milliseconds (every tick label, legend entry and hatch is
rasterised again, and the constrained layout is worked out again). While a student drags a slider, what changes
is a handful of bars and labels. So a live chart:

- is built by a ``build(figure, theme, data)`` function that returns its artists: any object with ``axes``,
  ``moving()`` (the artists an update changes) and ``scale()`` (the ``Axis`` objects whose ticks follow the data);
- is updated by an ``update(artists, data)`` function that moves those artists and returns ``False`` when the
  chart's shape changed (another number of bars, a different legend), so it must be built again;
- keeps its axis limits while the data still fit them well (:func:`sticky_limit`), so the bars move against a
  steady scale that changes in a few clear steps rather than at every move;
- is repainted by a :class:`~healthalloc.core.blit.BlitLayer`: the moving artists (and, when the limits moved,
  the axes' ticks) over the rest of the picture, saved at the last full draw.

Matplotlib only, no Qt.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, Generic, Protocol, TypeVar

from healthalloc.core.blit import BlitLayer
from healthalloc.core.palette import ThemeColors

NICE_STEPS: tuple[float, ...] = (1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)
KEEP_WHILE_FILLED = 0.4  # an axis keeps its limit while the data fill at least this share of it
NOTICE = "No chart until the inputs above are fixed."
D = TypeVar("D")


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k that is ≥ ``value`` (0 for values ≤ 0)."""
    if not math.isfinite(value) or value <= 0:
        return 0.0
    scale = 10.0 ** math.floor(math.log10(value))
    # A subnormal value (5e-324) makes the power of ten underflow to 0: then the value itself is the limit.
    return next((step * scale for step in NICE_STEPS if step * scale >= value * (1 - 1e-12)), value)


def sticky_limit(current: float | None, needed: float) -> float:
    """An axis limit (≥ 0) that covers ``needed``: ``current`` while ``needed`` fits in it and fills at least
    :data:`KEEP_WHILE_FILLED` of it, otherwise the next nice number above ``needed``."""
    if current is not None and current * KEEP_WHILE_FILLED <= needed <= current:
        return current
    return nice_ceiling(needed)


def sticky_span(current: tuple[float, float] | None, low: float, high: float) -> tuple[float, float]:
    """Sticky limits for an axis that may go below zero: each side of zero follows :func:`sticky_limit`."""
    below = sticky_limit(-current[0] if current else None, -min(low, 0.0))
    above = sticky_limit(current[1] if current else None, max(high, 0.0))
    return -below, above


def show_notice(figure: Any, theme: ThemeColors, text: str = NOTICE) -> None:
    """Clear ``figure`` and say ``text`` in its middle: a chart with nothing to show (see :meth:`LiveChart.draw_notice`,
    which does it in place when the chart is on screen)."""
    figure.clear()
    figure.text(0.5, 0.5, text, ha="center", va="center", color=theme.muted_text, wrap=True)


class LiveArtists(Protocol):
    """What :class:`LiveChart` needs from a chart's artists."""

    @property
    def axes(self) -> Sequence[Any]: ...

    def moving(self) -> list[Any]:
        """The artists an update changes (painted over the saved background)."""
        ...

    def scale(self) -> list[Any]:
        """The ``Axis`` objects whose limits an update may change."""
        ...


class LiveChart(Generic[D]):
    """One chart's artists between updates: built by ``build``, moved by ``update``, repainted alone if it can.

    ``build(figure, theme, data)`` returns the artists (:class:`LiveArtists`); ``update(artists, data)`` moves them
    and returns ``False`` if the chart must be built again.
    """

    def __init__(
        self, build: Callable[[Any, ThemeColors, D], LiveArtists], update: Callable[[Any, D], bool]
    ) -> None:
        self._build = build
        self._update = update
        self.artists: Any = None
        self._layer: BlitLayer | None = None
        self._notice: Any = None  # a text over the first axes, shown instead of the data while inputs are invalid
        self._hidden: list[tuple[Any, bool]] = []  # the moving artists the notice hid, and whether they were shown
        self._laid_out_hidden = False  # a full draw laid the figure out while the notice hid the moving artists
        self._watched: Any = None  # the canvas whose full draws are followed

    @property
    def layer(self) -> BlitLayer | None:
        """What repaints the moving artists over the rest: set at each full build, ``None`` before the first."""
        return self._layer

    def _in(self, figure: Any) -> bool:
        return self.artists is not None and all(ax in figure.axes for ax in self.artists.axes)

    def _drop_layer(self) -> None:
        if self._layer is not None:
            self._layer.disconnect()
            self._layer = None

    def draw(self, figure: Any, theme: ThemeColors, data: D) -> bool:
        """Show ``data``: move the artists and repaint only them if the figure allows (``True``: it is on screen);
        otherwise build or move them and return ``False``, and the caller draws the whole figure."""
        if self._in(figure):
            relayout = self._hide_notice()
            limits = self._limits()
            if self._update(self.artists, data):
                if relayout or (self._limits() != limits and not self._scale_fits(figure)):
                    return False  # the last layout did not leave room for what is shown now: lay out again
                return self._layer.update() if self._layer is not None else False
        self._drop_layer()
        figure.clear()
        self.artists = self._build(figure, theme, data)
        first = self.artists.axes[0]
        self._notice = first.text(
            0.5,
            0.5,
            "",
            transform=first.transAxes,
            ha="center",
            va="center",
            color=theme.muted_text,
            visible=False,
        )
        self._hidden = []
        self._layer = BlitLayer(figure, [*self.artists.moving(), self._notice], self.artists.scale())
        if self._watched is not figure.canvas:
            figure.canvas.mpl_connect("draw_event", self._on_full_draw)
            self._watched = figure.canvas
        return False

    def _on_full_draw(self, _event: Any) -> None:
        if self._hidden:
            self._laid_out_hidden = True

    def _limits(self) -> tuple[tuple[float, ...], ...]:
        return tuple(tuple(axis.axes.viewLim.bounds) for axis in self.artists.scale())

    def _scale_fits(self, figure: Any) -> bool:
        """Whether the scale axes' tick labels and labels, at their new limits, stay inside the figure."""
        renderer = figure.canvas.get_renderer()
        x0, y0, x1, y1 = figure.bbox.extents
        for axis in self.artists.scale():
            box = axis.get_tightbbox(renderer)
            if box is not None and (
                box.x0 < x0 - 0.5 or box.y0 < y0 - 0.5 or box.x1 > x1 + 0.5 or box.y1 > y1 + 0.5
            ):
                return False
        return True

    def draw_notice(self, figure: Any, theme: ThemeColors, text: str = NOTICE) -> bool:
        """No data (the inputs are invalid): the chart says so rather than showing a stale result. The data
        disappear and the notice appears in place (a repaint of the moving artists, no full draw), so a slider
        dragged in and out of the invalid range stays fast."""
        if self._in(figure) and self._notice is not None:
            if not self._hidden:
                self._hidden = [(artist, artist.get_visible()) for artist in self.artists.moving()]
                for artist, _shown in self._hidden:
                    artist.set_visible(False)
            self._notice.set_text(text)
            self._notice.set_visible(True)
            return self._layer.update() if self._layer is not None else False
        self._drop_layer()
        self.artists = self._notice = None
        self._hidden = []
        show_notice(figure, theme, text)
        return False

    def _hide_notice(self) -> bool:
        """Show the data again; ``True`` if the figure was laid out without them meanwhile (draw it whole)."""
        if self._notice is not None:
            self._notice.set_visible(False)
        for artist, shown in self._hidden:
            artist.set_visible(shown)
        relayout, self._laid_out_hidden = self._laid_out_hidden, False
        self._hidden = []
        return relayout
