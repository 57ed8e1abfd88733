"""Repaint only what moved: matplotlib blitting for charts that change while a slider is dragged.

A full ``canvas.draw()`` of a chart lays the figure out again and renders every glyph of every label, which takes
tens of milliseconds on a modest laptop; a dragged slider needs an answer within a frame or two (33 ms). So the
artists that move are marked *animated*: a full draw paints everything else (the *background*), the layer saves
those pixels, and each change restores them and paints only the moving artists on top. This is the technique of
matplotlib's tutorial "Faster rendering by using blitting".

Two tiers of moving artists:

- *scale* artists (an ``Axis``: its ticks, grid lines and tick labels) change only when the axis limits change, so
  the background with each axis painted is kept for its current limits (one tier per axis, in order) and reused
  until those limits move: a change that moves only the x range repaints only the x axis;
- *data* artists (bars, lines, markers, labels) are painted on every update, in z-order.

A chart whose background itself depends on a few discrete choices (a year, a unit) names the choice shown in
:attr:`BlitLayer.state`; the layer keeps the backgrounds of the last few states, so going back to one is a blit too.

A full draw (first show, resize, theme change, export) still paints everything: the layer listens for the figure's
``draw_event``, saves the new background and paints the animated artists on top, so a plain ``canvas.draw()`` and
``savefig`` (which always includes animated artists) show the whole chart. If tick labels grow wider than the room
the last layout left for them, :meth:`BlitLayer.update` returns ``False`` and the caller asks for a full draw.

No Qt here: the canvas only needs ``copy_from_bbox``, ``restore_region`` and ``blit`` (every Agg canvas has them).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Sequence
from typing import Any


class BlitLayer:
    """The moving artists of one figure, painted over a saved background.

    ``keep`` is how many backgrounds to remember, one per :attr:`state` (each is a full-size RGBA copy of the
    figure, about 2 MB for a 1000 × 500 chart). Keep a reference to the layer as long as its artists are shown (the
    figure holds only a weak one). Create a new layer when the chart is rebuilt; a layer whose artists have left the
    figure disconnects itself.
    """

    def __init__(self, figure: Any, data: Sequence[Any], scale: Sequence[Any] = (), *, keep: int = 1) -> None:
        self.figure = figure
        self.state: Hashable = None  # what the background shows; set it whenever a non-animated artist changes
        self._data = sorted(data, key=lambda artist: artist.get_zorder())
        self._scale = list(scale)
        for artist in (*self._scale, *self._data):
            artist.set_animated(True)
        self._keep = max(1, keep)
        self._backgrounds: OrderedDict[tuple[Hashable, tuple[float, ...]], Any] = OrderedDict()
        self._background: Any = None  # the background the scale tiers below were painted on
        # Tier i: the background with scale artists 0..i painted, and the view interval of axis i it shows.
        self._tiers: list[tuple[tuple[float, ...], Any]] = []
        self._connection: int | None = figure.canvas.mpl_connect("draw_event", self._on_draw)

    # --- entry points ------------------------------------------------------------------------------------------

    def update(self) -> bool:
        """Show the current state now. ``False`` if only a full draw can (no background for this state and size,
        the chart was cleared, or the tick labels no longer fit the layout): call ``draw_idle`` then."""
        canvas = self.figure.canvas
        background = self._backgrounds.get(self._key())
        if background is None or not self._attached():
            return False
        self._backgrounds.move_to_end(self._key())
        if background is not self._background:
            self._background, self._tiers = background, []
        if not self._paint(canvas.get_renderer()):
            return False
        canvas.blit(self.figure.bbox)
        return True

    def disconnect(self) -> None:
        """Stop following full draws (the chart was rebuilt with new artists)."""
        if self._connection is not None:
            self.figure.canvas.mpl_disconnect(self._connection)
            self._connection = None
        self._backgrounds.clear()
        self._background, self._tiers = None, []

    def forget(self) -> None:
        """Drop the saved backgrounds, so the next :meth:`update` asks for a full draw: call it when something the
        background shows changed without :attr:`state` saying so (labels placed for another figure height)."""
        self._backgrounds.clear()
        self._background, self._tiers = None, []

    @property
    def ready(self) -> bool:
        """Whether :meth:`update` can blit the current state at the current size."""
        return self._key() in self._backgrounds

    # --- internals ---------------------------------------------------------------------------------------------

    def _key(self) -> tuple[Hashable, tuple[float, ...]]:
        return self.state, tuple(self.figure.bbox.bounds)

    def _attached(self) -> bool:
        axes = self.figure.axes
        return all(artist.axes in axes for artist in (*self._scale, *self._data) if artist.axes is not None)

    def _on_draw(self, event: Any) -> None:
        canvas = self.figure.canvas
        if not self._attached():  # the chart was rebuilt: these artists are gone
            self.disconnect()
            return
        if canvas.is_saving() or not hasattr(canvas, "copy_from_bbox"):
            # savefig draws the animated artists itself, on its own renderer; it also lays the figure out again
            # at its own resolution, which can move the axes by a pixel, so no saved background fits any more.
            self._backgrounds.clear()
            self._background, self._tiers = None, []
            return
        key = self._key()
        for old in [k for k in self._backgrounds if k[1] != key[1]]:
            del self._backgrounds[old]  # drawn at another size: no use any more
        self._background = canvas.copy_from_bbox(self.figure.bbox)
        self._tiers = []
        self._backgrounds[key] = self._background
        self._backgrounds.move_to_end(key)
        while len(self._backgrounds) > self._keep:
            self._backgrounds.popitem(last=False)
        self._paint(event.renderer, check=False)  # the layout has just made room for the labels

    def _paint(self, renderer: Any, *, check: bool = True) -> bool:
        canvas = self.figure.canvas
        limits = [tuple(axis.get_view_interval()) for axis in self._scale]
        kept = 0  # tiers still showing the current limits
        while kept < len(self._tiers) and self._tiers[kept][0] == limits[kept]:
            kept += 1
        del self._tiers[kept:]
        canvas.restore_region(self._tiers[-1][1] if self._tiers else self._background)
        for axis, interval in zip(self._scale[kept:], limits[kept:], strict=True):
            axis.draw(renderer)
            if check and not self._scale_fits(axis, renderer):
                del self._tiers[:]
                return False
            self._tiers.append((interval, canvas.copy_from_bbox(self.figure.bbox)))
        for artist in self._data:
            artist.draw(renderer)
        return True

    def _scale_fits(self, axis: Any, renderer: Any) -> bool:
        """Whether the axis just painted stays inside the figure. Drawing an axis puts its label outside its tick
        labels, so the label is the one to check; without a label, the tick labels are."""
        x0, y0, x1, y1 = self.figure.bbox.extents
        label = axis.label
        if label.get_visible() and label.get_text():
            texts = [label]
        else:  # the ticks drawn: those inside the view (an axis keeps spare ticks beyond it)
            low, high = sorted(axis.get_view_interval())
            slack = (high - low) * 1e-9
            texts = [
                t.label1
                for t in axis.get_major_ticks()
                if t.label1.get_visible() and t.label1.get_text() and low - slack <= t.get_loc() <= high + slack
            ]
        for text in texts:
            box = text.get_window_extent(renderer)
            if box.x0 < x0 - 0.5 or box.y0 < y0 - 0.5 or box.x1 > x1 + 0.5 or box.y1 > y1 + 0.5:
                return False
        return True
