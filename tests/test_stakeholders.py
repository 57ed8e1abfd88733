"""The stakeholder map file: the shipped map loads, every mistake names its line, and the arrow geometry is sane."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from healthalloc.core.content import ContentError, load_course
from healthalloc.core.palette import THEMES, contrast_ratio
from healthalloc.core.stakeholders import FLOW_KINDS, flow_colour, load_stakeholder_map, node_centre, route_edges

MINIMAL = """\
intro = "Two actors and one flow."

[[nodes]]
id = "payer"
label = "Payer"
short = "pays"
decides = "What to cover."
funds = "Claims."
lesson = "stakeholders"
x = 10
y = 20

[[nodes.figures]]
text = "It paid $1 in 2024."
source = "Example source"
year = 2024

[[nodes]]
id = "provider"
label = "Provider"
short = "treats"
decides = "What care to give."
funds = "Staff."
lesson = "payers-providers"
x = 90
y = 80

[[edges]]
id = "payment"
from = "payer"
to = "provider"
kind = "money"
label = "Payment"
detail = "Pays for care."
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "stakeholders.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_for(tmp_path: Path, text: str) -> ContentError:
    with pytest.raises(ContentError) as caught:
        load_stakeholder_map(write(tmp_path, text))
    return caught.value


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """1-based line number of the ``occurrence``-th line containing ``fragment``."""
    hits = [number for number, line in enumerate(text.splitlines(), 1) if fragment in line]
    return hits[occurrence - 1]


# --- the shipped map ------------------------------------------------------------------------------------------


def test_shipped_map_loads_with_every_required_actor() -> None:
    smap = load_stakeholder_map()
    ids = {node.id for node in smap.nodes}
    assert {"federal", "states", "cms", "insurers", "employers", "providers", "patients", "pharma"} <= ids
    assert {edge.kind for edge in smap.edges} == set(FLOW_KINDS)
    assert smap.intro


def test_shipped_map_links_to_lessons_that_exist() -> None:
    lesson_ids = {lesson.id for lesson in load_course().lessons}
    for node in load_stakeholder_map().nodes:
        assert node.lesson.split("#")[0] in lesson_ids, node.id


def test_shipped_map_every_actor_and_flow_is_connected() -> None:
    smap = load_stakeholder_map()
    for node in smap.nodes:
        assert smap.edges_of(node.id), f"{node.id} has no flows"


def test_shipped_figures_name_a_recent_year() -> None:
    smap = load_stakeholder_map()
    figures = [f for node in smap.nodes for f in node.figures] + [f for edge in smap.edges for f in edge.figures]
    assert len(figures) >= 15
    for figure in figures:
        assert 2015 <= figure.year <= 2027, figure
        assert str(figure.year) in figure.text + figure.source


def test_node_and_edge_lookup() -> None:
    smap = load_stakeholder_map()
    assert smap.node("cms").label == "CMS"
    assert smap.edge("taxes").source == "patients"
    with pytest.raises(KeyError):
        smap.node("nobody")
    with pytest.raises(KeyError):
        smap.edge("nothing")


# --- validation: each mistake names file and line ---------------------------------------------------------------


def test_minimal_file_loads(tmp_path: Path) -> None:
    smap = load_stakeholder_map(write(tmp_path, MINIMAL))
    assert [node.id for node in smap.nodes] == ["payer", "provider"]
    assert smap.nodes[0].figures[0].year == 2024
    assert smap.edges[0].kind == "money"


def test_unknown_node_in_edge(tmp_path: Path) -> None:
    text = MINIMAL.replace('to = "provider"', 'to = "providr"')
    error = error_for(tmp_path, text)
    assert error.line == line_of(text, 'to = "providr"')
    assert 'unknown node "providr"' in error.message
    assert 'did you mean "provider"' in error.message
    assert str(error).endswith(f"stakeholders.toml:{error.line}: {error.message}")


def test_missing_key_points_at_the_table(tmp_path: Path) -> None:
    text = MINIMAL.replace('decides = "What care to give."\n', "")
    error = error_for(tmp_path, text)
    assert error.line == line_of(text, "[[nodes]]", 2)
    assert 'missing "decides"' in error.message


def test_bad_kind(tmp_path: Path) -> None:
    text = MINIMAL.replace('kind = "money"', 'kind = "gifts"')
    error = error_for(tmp_path, text)
    assert error.line == line_of(text, 'kind = "gifts"')
    assert 'unknown kind "gifts"' in error.message
    assert "money, services or regulation" in error.message


def test_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    text = MINIMAL.replace('label = "Provider"', 'lable = "Provider"')
    error = error_for(tmp_path, text)
    assert error.line == line_of(text, "lable")
    assert 'unknown key "lable"' in error.message and 'did you mean "label"' in error.message


def test_duplicate_id(tmp_path: Path) -> None:
    text = MINIMAL.replace('id = "payment"', 'id = "payer"')
    error = error_for(tmp_path, text)
    assert error.line == line_of(text, 'id = "payer"', 2)
    assert 'duplicate id "payer"' in error.message


def test_position_outside_the_grid(tmp_path: Path) -> None:
    text = MINIMAL.replace("x = 90", "x = 120")
    error = error_for(tmp_path, text)
    assert error.line == line_of(text, "x = 120")
    assert "between 0 and 100" in error.message


def test_flow_to_itself(tmp_path: Path) -> None:
    text = MINIMAL.replace('to = "provider"', 'to = "payer"')
    error = error_for(tmp_path, text)
    assert "to itself" in error.message


def test_figure_must_name_its_year(tmp_path: Path) -> None:
    text = MINIMAL.replace("year = 2024", "year = 2023")
    error = error_for(tmp_path, text)
    assert error.line == line_of(text, "year = 2023")
    assert "must name its year" in error.message


def test_figure_missing_source(tmp_path: Path) -> None:
    text = MINIMAL.replace('source = "Example source"\n', "")
    error = error_for(tmp_path, text)
    assert error.line == line_of(text, "[[nodes.figures]]")
    assert 'missing "source"' in error.message


def test_empty_text_is_refused(tmp_path: Path) -> None:
    text = MINIMAL.replace('funds = "Staff."', 'funds = "  "')
    error = error_for(tmp_path, text)
    assert error.line == line_of(text, 'funds = "  "')


def test_no_edges(tmp_path: Path) -> None:
    text = MINIMAL[: MINIMAL.index("[[edges]]")]
    error = error_for(tmp_path, text)
    assert 'missing "edges"' in error.message


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    text = MINIMAL.replace('label = "Payment"', 'label = "Payment')
    error = error_for(tmp_path, text)
    assert error.line == line_of(text, 'label = "Payment')
    assert "not valid TOML" in error.message


def test_bad_lesson_id(tmp_path: Path) -> None:
    text = MINIMAL.replace('lesson = "stakeholders"', 'lesson = "Stake Holders"')
    error = error_for(tmp_path, text)
    assert error.line == line_of(text, "Stake Holders")


def test_lesson_prefix_is_accepted(tmp_path: Path) -> None:
    text = MINIMAL.replace('lesson = "stakeholders"', 'lesson = "lesson:stakeholders#who-pays"')
    assert load_stakeholder_map(write(tmp_path, text)).nodes[0].lesson == "stakeholders#who-pays"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as caught:
        load_stakeholder_map(tmp_path / "absent.toml")
    assert caught.value.line == 1


def test_paragraphs_survive_and_lines_are_joined(tmp_path: Path) -> None:
    text = MINIMAL.replace('intro = "Two actors and one flow."', 'intro = """\nOne\nline.\n\nTwo.\n"""')
    assert load_stakeholder_map(write(tmp_path, text)).intro == "One line.\n\nTwo."


# --- geometry and colour ----------------------------------------------------------------------------------------


def test_routes_attach_outside_the_boxes_and_never_share_a_tip() -> None:
    smap = load_stakeholder_map()
    width, height, node_w, node_h = 1000.0, 860.0, 230.0, 86.0
    routes = route_edges(smap, width=width, height=height, node_width=node_w, node_height=node_h, head_length=15)
    assert set(routes) == {edge.id for edge in smap.edges}
    tips = [route.head[0] for route in routes.values()]
    assert len({(round(x), round(y)) for x, y in tips}) == len(tips)
    for edge in smap.edges:
        route = routes[edge.id]
        for node_id, point in ((edge.source, route.start), (edge.target, route.head[0])):
            cx, cy = node_centre(smap.node(node_id), width, height, node_w, node_h)
            # on the box's border, a small gap outside it
            outside_x = abs(point[0] - cx) - node_w / 2
            outside_y = abs(point[1] - cy) - node_h / 2
            assert max(outside_x, outside_y) == pytest.approx(4.0)
        tip, left, right = route.head
        assert math.dist(tip, left) == pytest.approx(math.dist(tip, right))


def test_nodes_stay_inside_the_scene() -> None:
    for node in load_stakeholder_map().nodes:
        x, y = node_centre(node, 1000, 860, 230, 86)
        assert 115 <= x <= 885 and 43 <= y <= 817


@pytest.mark.parametrize("theme_name", sorted(THEMES))
def test_flow_colours_are_distinct_and_visible(theme_name: str) -> None:
    theme = THEMES[theme_name]
    colours = [flow_colour(kind, theme) for kind in FLOW_KINDS]
    assert len(set(colours)) == 3
    for colour in colours:
        assert contrast_ratio(colour, theme.base) >= 3.0
