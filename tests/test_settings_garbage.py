"""Settings are UI state only, and a damaged settings file never stops the app: every value with the wrong type,
an absurd size or an unknown name falls back to its default."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PySide6.QtCore import QByteArray, QDataStream, QIODevice, QRect, QSettings
from PySide6.QtWidgets import QApplication

from conftest import close_windows_then_store
from healthalloc.ui.application import build_context, make_settings, settings_theme, settings_zoom
from healthalloc.ui.main_window import MainWindow
from healthalloc.ui.theme import THEME_CHOICES, ZOOM_STEPS


def crafted_geometry(frame: QRect, normal: QRect, screen: int = 99) -> QByteArray:
    """A ``saveGeometry`` blob (format 3) with whatever rectangles we like."""
    data = QByteArray()
    stream = QDataStream(data, QIODevice.OpenModeFlag.WriteOnly)
    stream.setVersion(QDataStream.Version.Qt_4_0)
    stream.writeUInt32(0x1D9D0CB)
    stream.writeUInt16(3)
    stream.writeUInt16(0)
    stream << frame
    stream << normal
    stream.writeInt32(screen)
    stream.writeUInt8(0)
    stream.writeUInt8(0)
    stream.writeInt32(1 << 20)
    stream << normal
    return data


HUGE = QRect(1 << 30, 1 << 30, (1 << 24) - 1, (1 << 24) - 1)
OFF_SCREEN = QRect(-200_000, 90_000, 1200, 800)

# Every key the app reads, spoiled in one file (values), or with the wrong type (variants, bytes, lists), or a
# file that is not INI at all. Zoom and theme on their own are fuzzed much harder below, without a window.
INI_GARBAGE = {
    "every key nonsense": (
        "[ui]\nzoom=nan\ntheme=neon-pink\ngeometry=hello\nlast_page=../../etc/passwd\n"
        "welcome_dismissed=perhaps\nnotes_visible=sideways\n[export]\nfolder=/no/such/folder\n"
    ),
    "every key the wrong type": (
        "[ui]\nzoom=1, 2, 3\ntheme=@ByteArray(\\xff\\xfe)\ngeometry=12\nlast_page=overview, policy\n"
        "welcome_dismissed=@Variant(\\0\\0\\0\\x7f\\0\\0\\0\\x10garbage)\n[export]\nfolder=@ByteArray(\\0\\0)\n"
    ),
    "absurd numbers and a link as last page": (
        "[ui]\nzoom=1e308\ntheme=42\ngeometry=@ByteArray(\\x1\\xd9\\xd0\\xcb\\0\\x3garbage)\n"
        "last_page=calc:capitation?age=-5\n"
    ),
    "not an ini file at all": "\x00\x01\x02 this is { not [ an ini ] file\n=\n[[[\n",
    "binary junk": "\ufffd\ufffd[ui\nzoom\n=\n=\n",
}


def open_window(qtbot, data_dir: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    ctx = build_context(make_settings(), data_dir)
    ctx.settings.setValue("ui/welcome_dismissed", True)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    return window


def assert_window_is_usable(window: MainWindow) -> None:
    assert window.isVisible()
    assert window.current_page_id in window.page_ids()
    screen = QApplication.primaryScreen().availableGeometry()
    frame = window.frameGeometry()
    assert frame.intersects(screen), f"window at {frame} is off the screen {screen}"
    # no bigger than the screen, or than the default first-run size (1280×800) on a small screen
    assert window.width() <= max(screen.width(), 1280)
    assert window.height() <= max(screen.height(), 800)
    assert window.ctx.zoom in ZOOM_STEPS
    assert window.theme_choice() in THEME_CHOICES


@pytest.mark.parametrize("text", list(INI_GARBAGE.values()), ids=list(INI_GARBAGE))
def test_a_damaged_settings_file_falls_back_to_defaults(qtbot, data_dir: Path, text: str) -> None:  # type: ignore[no-untyped-def]
    (data_dir / "settings.ini").write_text(text, encoding="utf-8", errors="surrogateescape")
    window = open_window(qtbot, data_dir)
    try:
        assert_window_is_usable(window)
        window.cycle_theme()  # the theme menu still works from whatever was read
        window.zoom_in()
        assert window.theme_choice() in THEME_CHOICES
    finally:
        close_windows_then_store(window.ctx)


@pytest.mark.parametrize(
    "geometry",
    [crafted_geometry(HUGE, HUGE), crafted_geometry(OFF_SCREEN, OFF_SCREEN, screen=-1), QByteArray(b"\x00" * 66)],
    ids=["huge", "far off screen", "zeros"],
)
def test_absurd_window_geometry_is_not_restored(qtbot, data_dir: Path, geometry: QByteArray) -> None:  # type: ignore[no-untyped-def]
    settings = make_settings()
    settings.setValue("ui/geometry", geometry)
    settings.sync()
    window = open_window(qtbot, data_dir)
    try:
        assert_window_is_usable(window)
    finally:
        close_windows_then_store(window.ctx)


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),  # what QSettings can hold
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.binary(max_size=80),
    st.lists(st.text(max_size=8), max_size=4),
    st.sampled_from(["system", "light", "dark", "projector", "Dark", " light", "1.25", "2.5", "999", "-0"]),
)


@pytest.fixture(scope="module")
def ini_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("settings") / "settings.ini"


@hypothesis_settings(max_examples=250)
@given(zoom=VALUES, theme=VALUES)
def test_any_stored_zoom_or_theme_reads_as_a_valid_one(qapp, ini_path: Path, zoom: Any, theme: Any) -> None:  # type: ignore[no-untyped-def]
    path = ini_path
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    settings.clear()
    settings.setValue("ui/zoom", zoom)
    settings.setValue("ui/theme", theme)
    settings.sync()
    reread = QSettings(str(path), QSettings.Format.IniFormat)
    for source in (settings, reread):
        assert ZOOM_STEPS[0] <= settings_zoom(source) <= ZOOM_STEPS[-1]
        assert settings_theme(source) in THEME_CHOICES


@hypothesis_settings(max_examples=60)
@given(geometry=VALUES, last_page=VALUES, welcome=VALUES)
def test_any_stored_window_state_restores_or_is_ignored(
    window: MainWindow, geometry: Any, last_page: Any, welcome: Any
) -> None:  # type: ignore[no-untyped-def]
    window.settings.setValue("ui/geometry", geometry)
    window.settings.setValue("ui/last_page", last_page)
    window.settings.setValue("ui/welcome_dismissed", welcome)
    window._restore_window()
    assert_window_is_usable(window)
