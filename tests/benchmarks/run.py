"""healthalloc benchmark: prints one JSON object of measured figures, each beside its reference from the same run.

    python tests/benchmarks/run.py            # everything (about two minutes; install_mb builds a venv)
    python tests/benchmarks/run.py --quick    # skip install_mb

Not part of the test suite: speed is measured here and reported, never asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(ROOT / "desktop"))

BARE_QT = r"""
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(QLabel("healthalloc"))
window.resize(1280, 800)
class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and watched is window:
            print(f"first-paint {time.time():.6f}", flush=True)
            QTimer.singleShot(0, app.quit)
        return False
first_paint = FirstPaint()
window.installEventFilter(first_paint)
window.show()
if "--rss" in sys.argv:
    app.processEvents()
    import resource
    print(f"rss-kb {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", flush=True)
else:
    app.exec()
"""


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 3)


def time_to_first_paint(command: list[str], env: dict[str, str]) -> float:
    start = time.time()
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("first-paint ")), None)
    if line is None:
        raise RuntimeError(f"no first paint from {command}: {result.stderr[-800:]}")
    return float(line.split()[1]) - start


def measure_startup(runs: int = 5) -> dict[str, Any]:
    """Median process-start → first-paint, the app vs a bare QMainWindow with one label (fresh processes)."""
    with tempfile.TemporaryDirectory() as data:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT / "desktop"),
            "HEALTHALLOC_DATA_DIR": data,
            "HEALTHALLOC_EXIT_AFTER_FIRST_PAINT": "1",
        }
        # An installed app has its bytecode compiled (pip does it at install; Python caches it on first run).
        # With PYTHONDONTWRITEBYTECODE set, every run would compile our modules from source: not what users see.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        bare_script = Path(data) / "bare.py"
        bare_script.write_text(BARE_QT)
        app_cmd = [sys.executable, "-m", "healthalloc", "--page", "overview"]
        bare_cmd = [sys.executable, str(bare_script)]
        time_to_first_paint(app_cmd, env)  # warm the bytecode and file caches for both
        time_to_first_paint(bare_cmd, env)
        app_times, bare_times = [], []
        for _ in range(runs):
            app_times.append(time_to_first_paint(app_cmd, env))
            bare_times.append(time_to_first_paint(bare_cmd, env))
        bare_rss = subprocess.run(
            [sys.executable, str(bare_script), "--rss"], capture_output=True, text=True, env=env, timeout=60
        ).stdout
    app_ms, bare_ms = statistics.median(app_times) * 1000, statistics.median(bare_times) * 1000
    rss_line = next(ln for ln in bare_rss.splitlines() if ln.startswith("rss-kb"))
    return {
        "startup_ms": round(app_ms, 1),
        "startup_bare_qt_ms": round(bare_ms, 1),
        "startup_ratio": round(app_ms / bare_ms, 2),
        "rss_mb_bare_qt": round(int(rss_line.split()[1]) / 1024, 1),
    }


class Session:
    """One app window in this process, for the in-process measurements."""

    def __init__(self) -> None:
        from healthalloc.ui.application import build_context, ensure_app, make_settings
        from healthalloc.ui.main_window import MainWindow
        from healthalloc.ui.theme import apply_theme

        self._temp = tempfile.TemporaryDirectory()
        os.environ["HEALTHALLOC_DATA_DIR"] = self._temp.name
        self.app = ensure_app()
        self.ctx = build_context(make_settings(), Path(self._temp.name))
        self.ctx.settings.setValue("ui/welcome_dismissed", True)
        apply_theme(self.app, self.ctx.theme, self.ctx.zoom)
        self.window = MainWindow(self.ctx, restore=False)
        self.window.resize(1280, 800)
        self.window.show()
        self.settle()

    def settle(self, rounds: int = 3) -> None:
        for _ in range(rounds):
            self.app.processEvents()

    def paint_and_wait(self, widget: Any, action: Callable[[], None], timeout: float = 2.0) -> float:
        """Run ``action`` and return ms until ``widget`` has been painted (events processed until it is)."""
        from PySide6.QtCore import QEvent, QObject

        painted = []

        class Watch(QObject):
            def eventFilter(self, watched: QObject, event: QEvent) -> bool:
                if event.type() == QEvent.Type.Paint:
                    painted.append(True)
                return False

        watch = Watch()
        widget.installEventFilter(watch)
        try:
            start = time.perf_counter()
            action()
            deadline = start + timeout
            while not painted and time.perf_counter() < deadline:
                self.app.processEvents()
            return (time.perf_counter() - start) * 1000
        finally:
            widget.removeEventFilter(watch)

    def close(self) -> None:
        self.window.close()
        self.settle()
        self.ctx.store.close()
        self._temp.cleanup()


def measure_page_switches(session: Session) -> dict[str, Any]:
    """Sidebar click → new page painted, over every page (first visit and a second visit)."""
    window = session.window
    first, again = [], []
    page_ids = window.page_ids()
    for round_samples in (first, again):
        for page_id in page_ids:
            item = window._items.get(page_id)
            if item is None:
                continue
            target = {"id": page_id}

            def click(item: Any = item) -> None:
                window._on_sidebar_item_activated(item)

            elapsed = session.paint_and_wait(window.stack, click)
            round_samples.append(elapsed)
            session.settle(2)
            assert window.current_page_id == target["id"]
    return {
        "page_switch_ms_p95": p95(first + again),
        "page_switch_first_visit_ms_p95": p95(first),
        "page_switch_revisit_ms_p95": p95(again),
        "pages": len(page_ids),
    }


def rss_mb() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def measure_install_mb() -> dict[str, Any]:
    """Size of a fresh virtual environment with the app installed (as the README installs it)."""
    with tempfile.TemporaryDirectory() as temp:
        venv = Path(temp) / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = venv / "bin" / "pip"
        subprocess.run([str(pip), "install", "-q", str(ROOT)], check=True, timeout=1200)
        total = sum(f.stat().st_size for f in venv.rglob("*") if f.is_file() and not f.is_symlink())
        empty = Path(temp) / "empty"
        subprocess.run([sys.executable, "-m", "venv", str(empty)], check=True)
        base = sum(f.stat().st_size for f in empty.rglob("*") if f.is_file() and not f.is_symlink())
    return {"install_mb": round(total / 1e6, 1), "install_mb_empty_venv": round(base / 1e6, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="skip install_mb (creates a virtual environment)")
    args = parser.parse_args()
    figures: dict[str, Any] = {"machine": {"python": sys.version.split()[0], "cpus": os.cpu_count()}}
    figures.update(measure_startup())
    session = Session()
    try:
        from calculators import measure_calculators, measure_search

        figures.update(measure_calculators(session))
        figures.update(measure_search(session))
        figures.update(measure_page_switches(session))
        figures["rss_mb_after_tour"] = rss_mb()
    finally:
        session.close()
    if not args.quick:
        figures.update(measure_install_mb())
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
