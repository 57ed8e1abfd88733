"""The stakeholder map as data: who the actors are, and the money, services and regulation that flow between them.

``content/stakeholders.toml`` holds the map; :func:`load_stakeholder_map` reads and checks it, naming the file and
line of any mistake. :func:`route_edges` turns the 0–100 grid positions into arrow geometry (pure arithmetic, so
the Qt view only draws), and :func:`flow_colour` picks a colour-blind-safe colour for each kind of flow.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Literal, cast

from healthalloc.core.content import ContentError, toml_problem
from healthalloc.core.files import read_limited
from healthalloc.core.palette import OKABE_ITO, ThemeColors, contrast_ratio
from healthalloc.core.resources import content_dir

FlowKind = Literal["money", "services", "regulation"]
FLOW_KINDS: tuple[FlowKind, ...] = ("money", "services", "regulation")
FLOW_EXAMPLES: dict[FlowKind, str] = {
    "money": "premiums, taxes, payments, rebates",
    "services": "care, drugs, coverage",
    "regulation": "licensing, rules, rate-setting",
}
FLOW_LABELS: dict[FlowKind, str] = {kind: f"{kind.capitalize()} ({FLOW_EXAMPLES[kind]})" for kind in FLOW_KINDS}

MAP_FILE = "stakeholders.toml"
MAX_FILE_BYTES = 512 * 1024

_ID = re.compile(r"^[a-z][a-z0-9-]*$")
_LESSON = re.compile(r"^[a-z0-9][a-z0-9-]*(#[a-z0-9][a-z0-9-]*)?$")
_HEADER = re.compile(r"^\s*\[\[\s*(nodes|edges)(\s*\.\s*figures)?\s*\]\]")

_TOP_KEYS = {"intro": True, "nodes": True, "edges": True}
# key -> required?
_NODE_KEYS = {
    "id": True,
    "label": True,
    "short": True,
    "decides": True,
    "funds": True,
    "lesson": True,
    "x": True,
    "y": True,
    "figures": False,
}
_EDGE_KEYS = {
    "id": True,
    "from": True,
    "to": True,
    "kind": True,
    "label": True,
    "detail": True,
    "figures": False,
    "bend": False,
}
_FIGURE_KEYS = {"text": True, "source": True, "year": True}


@dataclass(frozen=True)
class Figure:
    """A number a student sees, with where it comes from: ``text`` must name the figure's year."""

    text: str
    source: str
    year: int


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    short: str
    decides: str
    funds: str
    lesson: str
    x: float
    y: float
    figures: tuple[Figure, ...] = ()


@dataclass(frozen=True)
class Edge:
    id: str
    source: str
    target: str
    kind: FlowKind
    label: str
    detail: str
    figures: tuple[Figure, ...] = ()
    bend: float | None = None


@dataclass(frozen=True)
class StakeholderMap:
    intro: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def node(self, node_id: str) -> Node:
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)

    def edge(self, edge_id: str) -> Edge:
        for edge in self.edges:
            if edge.id == edge_id:
                return edge
        raise KeyError(edge_id)

    def edges_of(self, node_id: str) -> tuple[Edge, ...]:
        """Every flow into or out of ``node_id``, in file order."""
        return tuple(e for e in self.edges if node_id in (e.source, e.target))


# --- loading ---------------------------------------------------------------------------------------------------


class _Lines:
    """Finds the line of a table or key in the raw text, since ``tomllib`` keeps no positions."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        # (start line, end line) of each [[nodes]] / [[edges]] block, and of each figure inside it
        self.blocks: dict[str, list[tuple[int, int]]] = {"nodes": [], "edges": []}
        self.figures: dict[tuple[str, int], list[tuple[int, int]]] = {}
        current: str | None = None
        for number, line in enumerate(self.lines, 1):
            match = _HEADER.match(line)
            if not match:
                continue
            table, is_figure = match.group(1), bool(match.group(2))
            if is_figure:
                index = len(self.blocks[table]) - 1
                self._close(self.figures.setdefault((table, index), []), number)
                self.figures[(table, index)].append((number, len(self.lines)))
                continue
            if current is not None:
                self._close(self.blocks[current], number)
                self._close(self.figures.get((current, len(self.blocks[current]) - 1), []), number)
            self.blocks[table].append((number, len(self.lines)))
            current = table

    @staticmethod
    def _close(spans: list[tuple[int, int]], next_header: int) -> None:
        if spans and spans[-1][1] >= next_header:
            spans[-1] = (spans[-1][0], next_header - 1)

    def block(self, table: str, index: int) -> tuple[int, int]:
        spans = self.blocks[table]
        return spans[index] if index < len(spans) else (1, len(self.lines))

    def figure(self, table: str, index: int, figure_index: int) -> tuple[int, int]:
        spans = self.figures.get((table, index), [])
        return spans[figure_index] if figure_index < len(spans) else self.block(table, index)

    def key(self, span: tuple[int, int], key: str) -> int:
        """The line of ``key = ...`` inside ``span`` (before any sub-table), else the span's first line."""
        pattern = re.compile(rf"^\s*(\"{re.escape(key)}\"|{re.escape(key)})\s*=")
        for number in range(span[0], span[1] + 1):
            line = self.lines[number - 1] if number <= len(self.lines) else ""
            if number > span[0] and _HEADER.match(line):
                break
            if pattern.match(line):
                return number
        return span[0]

    def top_key(self, key: str) -> int:
        first_table = min((spans[0][0] for spans in self.blocks.values() if spans), default=len(self.lines) + 1)
        return self.key((1, max(first_table - 1, 1)), key)


def load_stakeholder_map(path: Path | None = None) -> StakeholderMap:
    """Read and check the stakeholder map (default ``content/stakeholders.toml``).

    Raises :class:`ContentError` naming file and line for TOML syntax errors, missing or unknown keys,
    wrong types, positions outside the 0–100 grid, duplicate ids, a flow whose ``from``/``to`` is not a node,
    and a ``kind`` other than money, services or regulation.
    """
    path = Path(path) if path is not None else content_dir() / MAP_FILE
    raw = b""
    try:
        raw = read_limited(path, MAX_FILE_BYTES)
        text = raw.decode("utf-8")
    except OSError as exc:
        raise ContentError(path, 1, f"cannot read the file ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise ContentError(path, raw[: exc.start].count(b"\n") + 1, "not valid UTF-8 text") from None
    except ValueError as exc:  # larger than MAX_FILE_BYTES
        raise ContentError(path, 1, str(exc)) from None
    try:
        data = tomllib.loads(text)
    except ValueError as exc:  # TOMLDecodeError, or a number too long for Python to convert
        line, message = toml_problem(exc, text)
        raise ContentError(path, line, f"not valid TOML: {message}") from exc
    return _Parser(path, _Lines(text)).parse(data)


class _Parser:
    def __init__(self, path: Path, lines: _Lines) -> None:
        self.path = path
        self.lines = lines

    def fail(self, line: int, message: str) -> ContentError:
        return ContentError(self.path, line, message)

    def parse(self, data: Mapping[str, object]) -> StakeholderMap:
        self._check_keys(data, _TOP_KEYS, "the file", self.lines.top_key, 1)
        intro = self._text(data, "intro", self.lines.top_key("intro"))
        raw_nodes = self._tables(data, "nodes")
        raw_edges = self._tables(data, "edges")
        nodes = tuple(self._node(raw, i) for i, raw in enumerate(raw_nodes))
        seen: dict[str, str] = {}
        for i, node in enumerate(nodes):
            self._unique(seen, node.id, "node", self.lines.key(self.lines.block("nodes", i), "id"))
        node_ids = {node.id for node in nodes}
        edges = tuple(self._edge(raw, i, node_ids) for i, raw in enumerate(raw_edges))
        for i, edge in enumerate(edges):
            self._unique(seen, edge.id, "flow", self.lines.key(self.lines.block("edges", i), "id"))
        return StakeholderMap(intro=intro, nodes=nodes, edges=edges)

    def _tables(self, data: Mapping[str, object], name: str) -> list[Mapping[str, object]]:
        value = data.get(name)
        if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
            raise self.fail(self.lines.top_key(name), f'missing "{name}": add at least one [[{name}]] table')
        return cast(list[Mapping[str, object]], value)

    def _check_keys(
        self,
        table: Mapping[str, object],
        allowed: Mapping[str, bool],
        where: str,
        locate: Callable[[str], int],
        header_line: int,
    ) -> None:
        for key in table:
            if key not in allowed:
                hint = difflib.get_close_matches(key, list(allowed), n=1)
                suggestion = f' (did you mean "{hint[0]}"?)' if hint else f" (allowed: {', '.join(allowed)})"
                raise self.fail(locate(key), f'unknown key "{key}" in {where}{suggestion}')
        for key, required in allowed.items():
            if required and key not in table:
                raise self.fail(header_line, f'missing "{key}" in {where}')

    def _text(self, table: Mapping[str, object], key: str, line: int) -> str:
        value = table.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(line, f'"{key}" must be non-empty text')
        # TOML multi-line strings wrap at will: keep paragraph breaks, fold the rest into single spaces
        paragraphs = (" ".join(part.split()) for part in re.split(r"\n\s*\n", value))
        return "\n\n".join(p for p in paragraphs if p)

    def _number(self, table: Mapping[str, object], key: str, line: int, low: float, high: float) -> float:
        value = table.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise self.fail(line, f'"{key}" must be a number, not {value!r}')
        if not low <= value <= high:
            raise self.fail(line, f'"{key}" must be between {low:g} and {high:g} (got {value:g})')
        return float(value)

    def _id(self, table: Mapping[str, object], span: tuple[int, int]) -> str:
        line = self.lines.key(span, "id")
        value = self._text(table, "id", line)
        if not _ID.match(value):
            raise self.fail(
                line, f'id "{value}" must be lower-case letters, digits and "-", starting with a letter'
            )
        return value

    def _unique(self, seen: dict[str, str], item_id: str, what: str, line: int) -> None:
        if item_id in seen:
            raise self.fail(line, f'duplicate id "{item_id}" (already used by a {seen[item_id]})')
        seen[item_id] = what

    def _figures(self, table: Mapping[str, object], kind: str, index: int) -> tuple[Figure, ...]:
        span = self.lines.block(kind, index)
        raw = table.get("figures", [])
        if not isinstance(raw, list) or not all(isinstance(f, dict) for f in raw):
            raise self.fail(self.lines.key(span, "figures"), '"figures" must be a list of tables')
        figures = []
        for j, figure in enumerate(cast(list[Mapping[str, object]], raw)):
            fspan = self.lines.figure(kind, index, j)
            where = f"figure {j + 1} of {kind[:-1]} {index + 1}"
            self._check_keys(figure, _FIGURE_KEYS, where, partial(self.lines.key, fspan), fspan[0])
            text = self._text(figure, "text", self.lines.key(fspan, "text"))
            source = self._text(figure, "source", self.lines.key(fspan, "source"))
            year_line = self.lines.key(fspan, "year")
            year = figure["year"]
            if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2100:
                raise self.fail(year_line, f'"year" must be a whole year between 1900 and 2100, not {year!r}')
            if str(year) not in text and str(year) not in source:
                raise self.fail(year_line, f"the figure's text or source must name its year ({year})")
            figures.append(Figure(text=text, source=source, year=year))
        return tuple(figures)

    def _node(self, raw: Mapping[str, object], index: int) -> Node:
        span = self.lines.block("nodes", index)
        where = f"node {index + 1}"
        self._check_keys(raw, _NODE_KEYS, where, partial(self.lines.key, span), span[0])
        node_id = self._id(raw, span)
        lesson_line = self.lines.key(span, "lesson")
        lesson = self._text(raw, "lesson", lesson_line)
        if lesson.startswith("lesson:"):
            lesson = lesson.removeprefix("lesson:")
        if not _LESSON.match(lesson):
            raise self.fail(lesson_line, f'lesson "{lesson}" must be a lesson id such as "stakeholders"')
        return Node(
            id=node_id,
            label=self._text(raw, "label", self.lines.key(span, "label")),
            short=self._text(raw, "short", self.lines.key(span, "short")),
            decides=self._text(raw, "decides", self.lines.key(span, "decides")),
            funds=self._text(raw, "funds", self.lines.key(span, "funds")),
            lesson=lesson,
            x=self._number(raw, "x", self.lines.key(span, "x"), 0, 100),
            y=self._number(raw, "y", self.lines.key(span, "y"), 0, 100),
            figures=self._figures(raw, "nodes", index),
        )

    def _edge(self, raw: Mapping[str, object], index: int, node_ids: set[str]) -> Edge:
        span = self.lines.block("edges", index)
        where = f"flow {index + 1}"
        self._check_keys(raw, _EDGE_KEYS, where, partial(self.lines.key, span), span[0])
        edge_id = self._id(raw, span)
        ends = []
        for key in ("from", "to"):
            line = self.lines.key(span, key)
            value = self._text(raw, key, line)
            if value not in node_ids:
                hint = difflib.get_close_matches(value, sorted(node_ids), n=1)
                suggestion = f' (did you mean "{hint[0]}"?)' if hint else ""
                raise self.fail(line, f'flow "{edge_id}": unknown node "{value}" in "{key}"{suggestion}')
            ends.append(value)
        if ends[0] == ends[1]:
            raise self.fail(self.lines.key(span, "to"), f'flow "{edge_id}" goes from "{ends[0]}" to itself')
        kind_line = self.lines.key(span, "kind")
        kind = self._text(raw, "kind", kind_line)
        if kind not in FLOW_KINDS:
            raise self.fail(kind_line, f'unknown kind "{kind}" (expected money, services or regulation)')
        bend = None
        if "bend" in raw:
            bend = self._number(raw, "bend", self.lines.key(span, "bend"), -1, 1)
        return Edge(
            id=edge_id,
            source=ends[0],
            target=ends[1],
            kind=kind,
            label=self._text(raw, "label", self.lines.key(span, "label")),
            detail=self._text(raw, "detail", self.lines.key(span, "detail")),
            figures=self._figures(raw, "edges", index),
            bend=bend,
        )


# --- drawing helpers (pure arithmetic; the view only turns these into Qt paths) ---------------------------------

XY = tuple[float, float]


@dataclass(frozen=True)
class EdgeRoute:
    """A quadratic Bézier from ``start`` through ``control`` to ``line_end``, then an arrowhead ``head``
    given as (tip, left wing, right wing)."""

    start: XY
    control: XY
    line_end: XY
    head: tuple[XY, XY, XY]


def node_centre(node: Node, width: float, height: float, node_width: float, node_height: float) -> XY:
    """Grid position to scene coordinates: 0 and 100 put the node's edge on the scene's edge, so every node on
    the 0–100 grid lies wholly inside the ``width`` × ``height`` scene."""
    return (
        node_width / 2 + node.x / 100 * (width - node_width),
        node_height / 2 + node.y / 100 * (height - node_height),
    )


Side = Literal["top", "bottom", "left", "right"]


def _exit_side(centre: XY, half_w: float, half_h: float, towards: XY) -> tuple[Side, float]:
    """Which side of the box the ray from ``centre`` towards ``towards`` leaves by, and where along that side
    (x for top/bottom, y for left/right), so arrows meeting one side can be spread out in order."""
    dx, dy = towards[0] - centre[0], towards[1] - centre[1]
    if dx == 0 and dy == 0:
        return "top", centre[0]
    scale_x = half_w / abs(dx) if dx else math.inf
    scale_y = half_h / abs(dy) if dy else math.inf
    if scale_x < scale_y:
        return ("right" if dx > 0 else "left"), centre[1] + dy * scale_x
    return ("bottom" if dy > 0 else "top"), centre[0] + dx * scale_y


def _port(centre: XY, half_w: float, half_h: float, side: Side, slot: int, slots: int) -> XY:
    """The ``slot``-th of ``slots`` evenly spaced attachment points along 80% of one side of a box."""
    fraction = (slot + 0.5) / slots - 0.5
    if side in ("top", "bottom"):
        return centre[0] + fraction * 1.6 * half_w, centre[1] + (half_h if side == "bottom" else -half_h)
    return centre[0] + (half_w if side == "right" else -half_w), centre[1] + fraction * 1.6 * half_h


def _auto_bends(smap: StakeholderMap) -> dict[str, float]:
    """Spread flows between the same two actors so they do not draw on top of each other.

    Bends are measured to the left of the edge's own direction, so A→B and B→A with opposite signs relative to a
    common direction end up on opposite sides.
    """
    groups: dict[tuple[str, str], list[Edge]] = {}
    for edge in smap.edges:
        pair = (min(edge.source, edge.target), max(edge.source, edge.target))
        groups.setdefault(pair, []).append(edge)
    bends: dict[str, float] = {}
    for (first, _), edges in groups.items():
        count = len(edges)
        for i, edge in enumerate(edges):
            offset = 0.0 if count == 1 else (i - (count - 1) / 2) * 0.22
            bends[edge.id] = offset if edge.source == first else -offset
    return bends


def route_edges(
    smap: StakeholderMap,
    *,
    width: float,
    height: float,
    node_width: float,
    node_height: float,
    head_length: float,
    gap: float = 4.0,
) -> dict[str, EdgeRoute]:
    """Arrow geometry for every flow, in scene coordinates.

    Control point = midpoint + bend × length × left normal. Each end attaches to the side of its box that faces
    the control point (``gap`` outside it); arrows sharing a side are spread evenly along it in the order they
    arrive, so arrowheads do not pile up. The arrowhead follows the curve's end tangent.
    """
    bends = _auto_bends(smap)
    centres = {node.id: node_centre(node, width, height, node_width, node_height) for node in smap.nodes}
    half_w, half_h = node_width / 2 + gap, node_height / 2 + gap
    controls: dict[str, XY] = {}
    # (node, side) -> [(position along the side, edge id, end)], to give each arrow its own attachment point
    sides: dict[tuple[str, Side], list[tuple[float, str, str]]] = {}
    for edge in smap.edges:
        a, b = centres[edge.source], centres[edge.target]
        dx, dy = b[0] - a[0], b[1] - a[1]
        length = math.hypot(dx, dy) or 1.0
        bend = edge.bend if edge.bend is not None else bends[edge.id]
        # left normal of the direction of travel (screen y grows downwards)
        nx, ny = dy / length, -dx / length
        control = ((a[0] + b[0]) / 2 + nx * bend * length, (a[1] + b[1]) / 2 + ny * bend * length)
        controls[edge.id] = control
        for end, node_id in (("start", edge.source), ("tip", edge.target)):
            side, along = _exit_side(centres[node_id], half_w, half_h, control)
            sides.setdefault((node_id, side), []).append((along, edge.id, end))
    ports: dict[tuple[str, str], XY] = {}
    for (node_id, side), attachments in sides.items():
        attachments.sort()
        for slot, (_, edge_id, end) in enumerate(attachments):
            ports[(edge_id, end)] = _port(centres[node_id], half_w, half_h, side, slot, len(attachments))
    routes: dict[str, EdgeRoute] = {}
    for edge in smap.edges:
        control = controls[edge.id]
        start, tip = ports[(edge.id, "start")], ports[(edge.id, "tip")]
        tx, ty = tip[0] - control[0], tip[1] - control[1]
        tangent = math.hypot(tx, ty) or 1.0
        ux, uy = tx / tangent, ty / tangent
        base = (tip[0] - ux * head_length, tip[1] - uy * head_length)
        wing = head_length * 0.5
        head = (tip, (base[0] - uy * wing, base[1] + ux * wing), (base[0] + uy * wing, base[1] - ux * wing))
        line_end = (tip[0] - ux * head_length * 0.7, tip[1] - uy * head_length * 0.7)
        routes[edge.id] = EdgeRoute(start=start, control=control, line_end=line_end, head=head)
    return routes


def flow_colour(kind: FlowKind, theme: ThemeColors) -> str:
    """The Okabe–Ito colour for a flow kind, switched to a lighter sibling where it would fall below the 3:1
    contrast that WCAG 2.1 (SC 1.4.11) asks of graphics against the map's background."""
    preferences: dict[FlowKind, tuple[str, ...]] = {
        "money": (OKABE_ITO[0], OKABE_ITO[4]),  # blue, else sky blue
        "services": (OKABE_ITO[2], OKABE_ITO[6]),  # bluish green, else yellow
        "regulation": (OKABE_ITO[5], OKABE_ITO[1]),  # vermillion, else orange
    }
    candidates = preferences[kind]
    for colour in candidates:
        if contrast_ratio(colour, theme.base) >= 3.0:
            return colour
    return max(candidates, key=lambda colour: contrast_ratio(colour, theme.base))
