"""The stakeholder map page, driven the way a student would: mouse, keyboard, legend toggles and card links."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QFontMetricsF

from healthalloc.core.content import ContentError
from healthalloc.core.palette import DARK, PROJECTOR
from healthalloc.core.stakeholders import flow_colour, load_stakeholder_map
from healthalloc.ui import stakeholder_map
from healthalloc.ui.stakeholder_items import LABEL_PX, NODE_WIDTH
from healthalloc.ui.stakeholder_map import StakeholderMapPage


@pytest.fixture
def page(qtbot: Any, ctx: Any) -> StakeholderMapPage:
    widget = StakeholderMapPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def click_item(qtbot: Any, page: StakeholderMapPage, item: Any) -> None:
    point = page.view.mapFromScene(item.sceneBoundingRect().center())
    qtbot.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_page_identity(page: StakeholderMapPage) -> None:
    assert page.page_id == "stakeholder-map"
    assert page.title == "Stakeholder map"
    assert page.view.accessibleName() == "Stakeholder map"
    assert all(toggle.accessibleName() for toggle in page.kind_toggles.values())


def test_opens_on_the_introduction(page: StakeholderMapPage) -> None:
    text = page.card_text()
    assert "Who allocates US health care?" in text
    assert "Federal government" in text


def test_clicking_a_node_shows_what_it_decides(qtbot: Any, page: StakeholderMapPage) -> None:
    node = load_stakeholder_map().node("employers")
    click_item(qtbot, page, page.node_items["employers"])
    assert page.selected_id == "employers"
    text = page.card_text()
    assert node.decides[:60] in text
    assert node.funds[:40] in text
    assert "KFF Employer Health Benefits Survey 2025" in text  # each figure names its source and year


def test_clicking_an_arrow_shows_the_flow(qtbot: Any, page: StakeholderMapPage) -> None:
    item = page.edge_items["employer-premiums"]
    # a point on the curve itself, not the middle of its bounding box
    point = page.view.mapFromScene(item.path.pointAtPercent(0.5))
    qtbot.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert page.selected_id == "employer-premiums"
    assert "Employers → Private insurers" in page.card_text()
    assert page.label_items["employer-premiums"].isVisible()


def test_tab_and_enter_open_a_card(qtbot: Any, page: StakeholderMapPage) -> None:
    smap = load_stakeholder_map()
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_Tab)
    assert page.scene.focusItem() is page.node_items[smap.nodes[0].id]
    qtbot.keyClick(page.view, Qt.Key.Key_Tab)
    second = smap.nodes[1]
    assert page.scene.focusItem() is page.node_items[second.id]
    assert page.selected_id == ""  # focus alone does not change the card
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    assert page.selected_id == second.id
    assert second.decides[:60] in page.card_text()
    qtbot.keyClick(page.view, Qt.Key.Key_Backtab)
    qtbot.keyClick(page.view, Qt.Key.Key_Space)
    assert page.selected_id == smap.nodes[0].id
    qtbot.keyClick(page.view, Qt.Key.Key_Escape)
    assert page.selected_id == ""
    assert "Who allocates US health care?" in page.card_text()


def test_tab_reaches_arrows_and_then_leaves_the_map(qtbot: Any, page: StakeholderMapPage) -> None:
    order = page.focus_order()
    assert len(order) == len(page.node_items) + len(page.edge_items)
    page.view.setFocus()
    order[-2].setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_Tab)
    assert page.scene.focusItem() is order[-1]
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    assert page.selected_id == page.edge_items[order[-1].item_id].edge.id  # type: ignore[attr-defined]
    qtbot.keyClick(page.view, Qt.Key.Key_Tab)
    assert not page.view.hasFocus()  # no keyboard trap


def test_toggling_regulation_hides_those_arrows(qtbot: Any, page: StakeholderMapPage) -> None:
    regulation = [item for item in page.edge_items.values() if item.edge.kind == "regulation"]
    others = [item for item in page.edge_items.values() if item.edge.kind != "regulation"]
    assert regulation and all(item.isVisible() for item in regulation)
    qtbot.mouseClick(page.kind_toggles["regulation"], Qt.MouseButton.LeftButton)
    assert not page.kind_toggles["regulation"].isChecked()
    assert not any(item.isVisible() for item in regulation)
    assert all(item.isVisible() for item in others)
    assert not any(item in page.focus_order() for item in regulation)
    qtbot.mouseClick(page.kind_toggles["regulation"], Qt.MouseButton.LeftButton)
    assert all(item.isVisible() for item in regulation)


def test_selecting_a_hidden_arrow_shows_its_kind_again(page: StakeholderMapPage) -> None:
    page.set_kind_visible("services", False)
    page.select("care")
    assert page.kind_toggles["services"].isChecked()
    assert page.edge_items["care"].isVisible()


def test_selection_labels_its_arrows_only(page: StakeholderMapPage) -> None:
    assert not any(label.isVisible() for label in page.label_items.values())
    page.select("pbms")
    smap = load_stakeholder_map()
    shown = {edge_id for edge_id, label in page.label_items.items() if label.isVisible()}
    assert shown == {edge.id for edge in smap.edges_of("pbms")}
    page.labels_toggle.setChecked(True)
    assert all(label.isVisible() for label in page.label_items.values())


def test_labels_do_not_cover_each_other_for_a_selection(page: StakeholderMapPage) -> None:
    for node_id in page.node_items:
        page.select(node_id)
        rects = [label.rect for label in page.label_items.values() if label.isVisible()]
        for i, first in enumerate(rects):
            for second in rects[i + 1 :]:
                assert not first.intersects(second), node_id


def test_card_links_move_between_cards_and_reach_lessons(qtbot: Any, page: StakeholderMapPage, ctx: Any) -> None:
    followed: list[str] = []
    ctx.set_link_handler(followed.append)
    page.select("cms")
    assert "page:stakeholder-map?select=medicare-claims" in page.card.toHtml()
    page.card.anchorClicked.emit(QUrl("page:stakeholder-map?select=medicare-claims"))
    assert page.selected_id == "medicare-claims"
    assert followed == []
    page.select("cms")
    assert 'href="lesson:mechanisms"' in page.card.toHtml()
    page.card.anchorClicked.emit(QUrl("lesson:mechanisms"))
    assert followed == ["lesson:mechanisms"]


def test_apply_params(page: StakeholderMapPage) -> None:
    page.apply_params({"select": "states"})
    assert page.selected_id == "states"
    with pytest.raises(ValueError, match="no actor or flow"):
        page.apply_params({"select": "nobody"})
    with pytest.raises(ValueError, match="unknown setting"):
        page.apply_params({"zoom": "2"})
    with pytest.raises(KeyError):
        page.select("nobody")


def test_follows_the_theme(page: StakeholderMapPage, ctx: Any) -> None:
    ctx.set_theme(DARK)
    assert page.view.backgroundBrush().color().name().upper() == DARK.base.upper()
    assert page.theme is DARK
    icon = page.kind_toggles["money"].icon().pixmap(44, 14).toImage()
    colours = {icon.pixelColor(x, 7).name().upper() for x in range(4, 30)}
    assert flow_colour("money", DARK).upper() in colours
    ctx.set_theme(PROJECTOR)
    page.select("cms")
    assert PROJECTOR.link.lower() in page.card.document().defaultStyleSheet().lower()


def test_view_scales_the_map_to_fit(qtbot: Any, page: StakeholderMapPage) -> None:
    page.resize(1600, 1000)
    qtbot.waitUntil(lambda: page.view.width() > 900)
    large = page.view.transform().m11()
    page.resize(900, 650)
    qtbot.waitUntil(lambda: page.view.transform().m11() < large)
    rect = page.view.mapFromScene(page.scene.sceneRect()).boundingRect()
    assert page.view.viewport().rect().adjusted(-2, -2, 2, 2).contains(rect)


def test_a_tall_narrow_view_gets_a_narrower_scene(qtbot: Any, page: StakeholderMapPage) -> None:
    page.resize(1600, 700)
    qtbot.waitUntil(lambda: page.scene.sceneRect().width() > 1000)
    page.resize(800, 1000)
    qtbot.waitUntil(lambda: page.scene.sceneRect().width() < 1000)
    scene_rect = page.scene.sceneRect()
    for item in page.node_items.values():
        assert scene_rect.contains(item.sceneBoundingRect().adjusted(8, 8, -8, -8)), item.item_id
    for item in page.edge_items.values():  # arrows follow their boxes
        assert scene_rect.adjusted(-12, -12, 12, 12).contains(item.sceneBoundingRect()), item.item_id


def test_tab_from_the_legend_enters_the_map_at_the_first_box(qtbot: Any, page: StakeholderMapPage) -> None:
    page.labels_toggle.setFocus()
    qtbot.keyClick(page.labels_toggle, Qt.Key.Key_Tab)
    assert page.view.hasFocus()
    assert page.scene.focusItem() is next(iter(page.node_items.values()))
    assert "Press Enter" in page.view.accessibleDescription()


def test_repainting_does_not_leak_references_to_none(page: StakeholderMapPage) -> None:
    # PySide6 6.12.0 drops a reference to None on every void call; on CPython 3.11 that aborts the app after a
    # few thousand calls. pyproject.toml caps PySide6 below 6.12 there; this catches a version that regresses.
    if sys.version_info >= (3, 12):
        return
    page.view.viewport().grab()
    before = sys.getrefcount(None)
    for _ in range(20):
        page.view.viewport().grab()
    assert before - sys.getrefcount(None) < 50


def test_node_names_fit_their_boxes(page: StakeholderMapPage) -> None:
    for item in page.node_items.values():
        width = QFontMetricsF(item.label_font).horizontalAdvance(item.node.label)
        assert width <= NODE_WIDTH - 20, item.node.label
        assert item.label_font.pixelSize() >= LABEL_PX * 2 // 3


def test_a_broken_map_file_shows_where_the_mistake_is(
    qtbot: Any, ctx: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> None:
        raise ContentError(tmp_path / "stakeholders.toml", 12, 'unknown kind "gifts"')

    monkeypatch.setattr(stakeholder_map, "load_stakeholder_map", broken)
    widget = StakeholderMapPage(ctx)
    qtbot.addWidget(widget)
    assert 'stakeholders.toml:12: unknown kind "gifts"' in widget.card_text()
    with pytest.raises(KeyError):
        widget.select("cms")
