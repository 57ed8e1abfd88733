"""The command line: --list-pages, --screenshot and the Linux display-library check."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from healthalloc import app

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    env = {**os.environ, "PYTHONPATH": str(ROOT / "desktop"), "QT_QPA_PLATFORM": "offscreen", **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "healthalloc", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


def test_list_pages_prints_ids_then_tab_and_title_only() -> None:
    result = run_cli("--list-pages")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    ids = [line.split("\t")[0] for line in lines]
    assert ids[0] == "overview"
    for page in ("stakeholder-map", "capitation", "reimbursement", "money-flow", "claim", "principles"):
        assert page in ids
    assert all(len(line.split("\t")) == 2 for line in lines)


def test_screenshot_writes_a_png_of_a_lesson(tmp_path: Path) -> None:
    target = tmp_path / "shot.png"
    result = run_cli("--screenshot", str(target), "--page", "overview", "--theme", "dark", "--size", "1024x700")
    assert result.returncode == 0, result.stderr
    data = target.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    from PySide6.QtGui import QImage

    image = QImage(str(target))
    assert (image.width(), image.height()) == (1024, 700)


def test_screenshot_of_an_unknown_page_fails_and_lists_the_valid_ones(tmp_path: Path) -> None:
    result = run_cli("--screenshot", str(tmp_path / "x.png"), "--page", "no-such-page")
    assert result.returncode != 0
    assert "unknown page 'no-such-page'" in result.stderr
    assert "overview" in result.stderr
    assert not (tmp_path / "x.png").exists()


def test_missing_xcb_libraries_print_the_apt_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(app, "_library_present", lambda name: name != "xcb-cursor")
    assert app.main([]) == 1
    err = capsys.readouterr().err
    assert app.APT_LINE in err
    assert "libxcb-cursor" in err


def test_a_library_is_found_in_the_usual_folders_or_by_ldconfig(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import ctypes.util

    (tmp_path / "libxcb-icccm.so.4").write_bytes(b"")
    monkeypatch.setattr(app, "LIBRARY_DIRS", (str(tmp_path),))
    monkeypatch.setattr(
        ctypes.util, "find_library", lambda name: "libxcb-keysyms.so.1" if name == "xcb-keysyms" else None
    )
    assert app._library_present("xcb-icccm")  # found by name in the folder, ldconfig not asked
    assert app._library_present("xcb-keysyms")  # not in the folder: ldconfig knows it
    assert not app._library_present("xcb-cursor")


def test_bad_size_is_refused() -> None:
    with pytest.raises(SystemExit):
        app.parse_size("huge")


def test_start_up_pauses_the_garbage_collector_until_the_first_frame(tmp_path: Path) -> None:
    probe = """
import gc, sys
from PySide6.QtCore import QTimer
from healthalloc import app
from healthalloc.ui.main_window import MainWindow

built, after = MainWindow.__init__, MainWindow._after_first_frame
def init(self, *args, **kwargs):
    print("while building:", gc.isenabled(), flush=True)
    built(self, *args, **kwargs)
def first_frame(self):
    after(self)
    print("after the first frame:", gc.isenabled(), flush=True)
    QTimer.singleShot(0, self.close)
MainWindow.__init__, MainWindow._after_first_frame = init, first_frame
code = app.main(["--page", "overview"])
print("after quitting:", gc.isenabled(), flush=True)
sys.exit(code)
"""
    import os

    env = {**os.environ, "PYTHONPATH": str(ROOT / "desktop"), "QT_QPA_PLATFORM": "offscreen"}
    env["HEALTHALLOC_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines == ["while building: False", "after the first frame: True", "after quitting: True"]
