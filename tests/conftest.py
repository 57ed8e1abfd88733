"""Test isolation: Qt runs offscreen, and no test touches the real user's data or settings."""

from __future__ import annotations

import os
import sys
from pathlib import Path

if not os.environ.get("QT_QPA_PLATFORM"):  # unset or empty: no display in CI
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.pop("HEALTHALLOC_CONTENT_DIR", None)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "desktop"))

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.register_profile(
    "dev", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(autouse=True)
def _isolated_user_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point learner data and QSettings at a temporary folder for every test."""
    folder = tmp_path / "userdata"
    folder.mkdir()
    monkeypatch.setenv("HEALTHALLOC_DATA_DIR", str(folder))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return folder


@pytest.fixture
def data_dir(_isolated_user_data: Path) -> Path:
    return _isolated_user_data


@pytest.fixture
def ctx(qapp, data_dir: Path):  # type: ignore[no-untyped-def]
    """An AppContext on a temporary data folder, light theme, zoom 1."""
    from healthalloc.core.palette import LIGHT
    from healthalloc.ui.application import build_context, make_settings

    context = build_context(make_settings(), data_dir)
    context.theme = LIGHT
    context.zoom = 1.0
    yield context
    close_windows_then_store(context)


def close_windows_then_store(context) -> None:  # type: ignore[no-untyped-def]
    """Close windows (they save on close) and let pending timers run before the store goes away."""
    from PySide6.QtWidgets import QApplication

    for widget in QApplication.topLevelWidgets():
        widget.close()
    QApplication.processEvents()
    context.store.close()


@pytest.fixture
def window(qtbot, ctx):  # type: ignore[no-untyped-def]
    """The main window on a fresh data folder (no welcome dialog)."""
    from healthalloc.ui.main_window import MainWindow

    ctx.settings.setValue("ui/welcome_dismissed", True)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    # As a student finds it a moment after it appears: the menus and their shortcuts come just after the first frame.
    qtbot.waitUntil(win.menus_built, timeout=5000)
    return win


@pytest.fixture(autouse=True, scope="session")
def _clear_clipboard_at_exit():  # type: ignore[no-untyped-def]
    """Qt's offscreen clipboard crashes at interpreter exit if it still holds an image (exit code 139)."""
    yield
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is not None:
        QApplication.clipboard().clear()
        QApplication.processEvents()
