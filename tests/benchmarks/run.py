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
    app_ms, bare_ms = statistics.median(app_times) * 1000, statistics.median(bare_times) * 1000
    return {
        "startup_ms": round(app_ms, 1),
        "startup_bare_qt_ms": round(bare_ms, 1),
        "startup_ratio": round(app_ms / bare_ms, 2),
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
        self.finish_prefetch()

    def finish_prefetch(self, timeout: float = 10.0) -> None:
        """Let the idle prefetch after start-up finish in the event loop (a second or so, while the student reads
        the first page): the calculator pages' modules and data are then imported, as they are in use."""
        deadline = time.perf_counter() + timeout
        while not self.window.prefetcher.done and time.perf_counter() < deadline:
            self.app.processEvents()
            time.sleep(0.002)

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

    def finish_idle_work(self, page: Any, timeout: float = 5.0) -> None:
        """Let the work a page does after its first paint (drawing its charts) finish, so that it is not counted in
        the next measurement."""
        from healthalloc.ui.application import charts_pending

        deadline = time.perf_counter() + timeout
        while charts_pending(page) and time.perf_counter() < deadline:
            self.app.processEvents()
            time.sleep(0.002)

    def close(self) -> None:
        self.window.close()
        self.settle()
        self.ctx.store.close()
        self._temp.cleanup()


def measure_page_switches(session: Session) -> dict[str, Any]:
    """Sidebar click → new page painted, over every page (first visit and a second visit), in a window where no
    page but the first lesson has been opened yet (after start-up's idle prefetch, see ``Session``).

    Charts are drawn after their page's first paint, one per turn of the event loop; ``page_switch_complete``
    times the click until every chart shown on the page is drawn as well."""
    window = session.window
    first, again, complete = [], [], []
    first_by_page: dict[str, float] = {}
    page_ids = window.page_ids()
    for round_samples in (first, again):
        for page_id in page_ids:
            item = window._items.get(page_id)
            if item is None:
                continue

            def click(item: Any = item) -> None:
                window._on_sidebar_item_activated(item)

            start = time.perf_counter()
            elapsed = session.paint_and_wait(window.stack, click)
            session.finish_idle_work(window.stack.currentWidget())  # charts drawn after the paint
            complete.append((time.perf_counter() - start) * 1000)
            round_samples.append(elapsed)
            if round_samples is first:
                first_by_page[page_id] = round(elapsed, 1)
            session.settle(2)
            assert window.current_page_id == page_id
    slowest = sorted(first_by_page.items(), key=lambda kv: -kv[1])[:4]
    return {
        "page_switch_ms_p95": p95(first + again),
        "page_switch_first_visit_ms_p95": p95(first),
        "page_switch_revisit_ms_p95": p95(again),
        "page_switch_complete_ms_p95": p95(complete),
        "page_switch_slowest_first_visits_ms": dict(slowest),
        "pages": len(page_ids),
    }


# Memory is measured in fresh processes running these scripts (RSS_PROBE first, then the bare window or the tour).
RSS_PROBE = r"""
import sys
import time


def _status_mb(key):
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def peak_rss_mb():
    # VmHWM where there is /proc: Linux's ru_maxrss of a process started by exec also counts the parent's peak
    # (it is kept across exec), so it would report the benchmark's own memory, not this process's.
    peak = _status_mb("VmHWM")
    if peak is not None:
        return peak
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux, bytes on macOS
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def rss_mb():  # resident now (VmRSS); without /proc (macOS) the peak is the nearest there is
    now = _status_mb("VmRSS")
    return now if now is not None else peak_rss_mb()


def settle(ms):  # the event loop for ``ms`` milliseconds, as an idle app runs it (timers fire)
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for_paint(widget, timeout=5.0):
    from PySide6.QtCore import QEvent, QObject

    class Painted(QObject):
        seen = False

        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint:
                Painted.seen = True
            return False

    watch = Painted()
    widget.installEventFilter(watch)
    deadline = time.monotonic() + timeout
    while not Painted.seen and time.monotonic() < deadline:
        settle(5)
    widget.removeEventFilter(watch)
    if not Painted.seen:
        raise SystemExit(f"no paint of {widget!r} within {timeout} s")
"""

# The reference: a bare QMainWindow with one label, read after its first paint and the same idle wait.
BARE_QT_RSS = (
    RSS_PROBE
    + r"""
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(QLabel("healthalloc"))
window.resize(1280, 800)
window.show()
wait_for_paint(window)
settle(IDLE_MS)
print(f"rss-mb {rss_mb():.1f} {peak_rss_mb():.1f}", flush=True)
"""
)

# The app started as a student starts it (see measure_memory), then every page opened once from the sidebar.
TOUR_RSS = (
    RSS_PROBE
    + r"""
from healthalloc.ui.application import build_context, charts_pending, ensure_app
from healthalloc.ui.main_window import MainWindow
from healthalloc.ui.theme import apply_theme

app = ensure_app()
ctx = build_context()
ctx.settings.setValue("ui/welcome_dismissed", True)
apply_theme(app, ctx.theme, ctx.zoom)
window = MainWindow(ctx)  # opens where a new student starts: the first lesson
window.show()
wait_for_paint(window)
for _ in range(200):
    settle(IDLE_MS)
    if not charts_pending(window.stack.currentWidget()):
        break
print(f"page (start) {rss_mb():.1f}", flush=True)
for page_id in window.page_ids():
    item = window._items.get(page_id)
    if item is None:
        continue
    shown = window.current_page_id == page_id  # the first lesson is on screen already
    window.sidebar.scrollToItem(item)
    window.sidebar.setCurrentItem(item)
    window.sidebar.itemActivated.emit(item, 0)
    page = window.stack.currentWidget()
    assert window.current_page_id == page_id, (window.current_page_id, page_id)
    if not shown:
        wait_for_paint(page)
    for _ in range(200):
        settle(IDLE_MS)
        if not charts_pending(page):
            break
    print(f"page {page_id} {rss_mb():.1f}", flush=True)
print(f"rss-mb {rss_mb():.1f} {peak_rss_mb():.1f}", flush=True)
window.close()
ctx.store.close()
"""
)
IDLE_MS = 300  # idle time after each paint: the 40 ms chart timer, the chart, queued follow-ups


def _rss_run(script: str, env: dict[str, str]) -> tuple[float, float, dict[str, float]]:
    """(MB now, peak MB, MB after each page of a tour) printed by one fresh process running ``script``."""
    with tempfile.TemporaryDirectory() as temp:
        path = Path(temp) / "rss.py"
        path.write_text(f"IDLE_MS = {IDLE_MS}\n" + script)
        data = Path(temp) / "data"
        data.mkdir()
        result = subprocess.run(
            [sys.executable, str(path)],
            capture_output=True,
            text=True,
            env={**env, "HEALTHALLOC_DATA_DIR": str(data)},
            cwd=ROOT,
            timeout=300,
        )
    lines = result.stdout.splitlines()
    final = next((ln.split() for ln in lines if ln.startswith("rss-mb ")), None)
    if result.returncode != 0 or final is None:
        raise RuntimeError(f"memory probe failed ({result.returncode}): {result.stderr[-1500:]}")
    pages = {ln.split()[1]: float(ln.split()[2]) for ln in lines if ln.startswith("page ")}
    return float(final[1]), float(final[2]), pages


def measure_memory(runs: int = 3) -> dict[str, Any]:
    """Resident memory as the issue defines it: "``rss_mb_after_tour``: resident memory after visiting every page
    once, and ``rss_mb_bare_qt`` for the bare window." Each figure is the median of ``runs`` fresh processes, with
    the environment of measure_startup (PYTHONPATH=desktop, an empty HEALTHALLOC_DATA_DIR, offscreen Qt).

    - ``rss_mb_after_tour``: VmRSS, the memory resident *now* (not the peak), of the app started as a student
      starts it (``MainWindow`` with its restored state: 1280 × 800 and the first lesson; welcome dismissed) after
      opening every page once from the sidebar in sidebar order (lessons, then the tools), each time waiting for
      the page's paint and its idle work (lesson charts drawn after the paint, then 300 ms of idle event loop);
    - ``rss_mb_after_start``: the same process before the tour (first lesson painted, its chart drawn);
    - ``rss_mb_after_tour_peak``: the highest resident memory of that process (VmHWM; ``ru_maxrss`` without
      ``/proc``, as Linux's ``ru_maxrss`` after exec includes the parent's peak);
    - ``rss_mb_bare_qt`` (``_peak``): a bare ``QMainWindow`` with one label, after its first paint and 300 ms idle.

    Without ``/proc`` (macOS) the current figures fall back to the peak.
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT / "desktop"), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode as an installed app has it (see measure_startup)
    env.pop("MPLBACKEND", None)  # the app chooses its own matplotlib backend
    tours = [_rss_run(TOUR_RSS, env) for _ in range(runs)]
    bare = [_rss_run(BARE_QT_RSS, env) for _ in range(runs)]
    return {
        "rss_mb_after_tour": round(statistics.median(t[0] for t in tours), 1),
        "rss_mb_after_tour_peak": round(statistics.median(t[1] for t in tours), 1),
        "rss_mb_after_start": round(statistics.median(t[2]["(start)"] for t in tours), 1),
        "rss_mb_bare_qt": round(statistics.median(b[0] for b in bare), 1),
        "rss_mb_bare_qt_peak": round(statistics.median(b[1] for b in bare), 1),
        "rss_mb_runs": {"after_tour": [t[0] for t in tours], "bare_qt": [b[0] for b in bare]},
    }


# The app started as a student starts it, its event loop watched by a 5 ms timer for its first seconds.
FREEZE_PROBE = r"""
import sys, time
from PySide6.QtCore import QTimer
from healthalloc.ui.application import build_context, ensure_app
from healthalloc.ui.main_window import MainWindow
from healthalloc.ui.theme import apply_theme

app = ensure_app()
ctx = build_context()
ctx.settings.setValue("ui/welcome_dismissed", True)
apply_theme(app, ctx.theme, ctx.zoom)
window = MainWindow(ctx)  # the first lesson, which has a chart
window.show()
ticks = []
timer = QTimer()
timer.setInterval(5)
timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
timer.start()
QTimer.singleShot(SECONDS * 1000, app.quit)
app.exec()
gaps = [(b - a) * 1000 for a, b in zip(ticks, ticks[1:])]
print(f"longest-gap {max(gaps):.1f} prefetched {window.prefetcher.done}", flush=True)
ctx.store.close()
"""
FREEZE_SECONDS = 3


def measure_startup_freeze(runs: int = 3) -> dict[str, Any]:
    """``startup_longest_freeze_ms``: the longest time the event loop did not turn (a scroll or a keystroke would
    have waited that long) in the first :data:`FREEZE_SECONDS` after the window is shown, while the first lesson
    draws its chart and the idle prefetch imports the calculator pages. Median of ``runs`` fresh processes."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "desktop"), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    gaps = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as data:
            script = Path(data) / "freeze.py"
            script.write_text(f"SECONDS = {FREEZE_SECONDS}\n" + FREEZE_PROBE)
            result = subprocess.run(
                [sys.executable, str(script)],
                capture_output=True,
                text=True,
                env={**env, "HEALTHALLOC_DATA_DIR": data},
                cwd=ROOT,
                timeout=120,
            )
        line = next((ln.split() for ln in result.stdout.splitlines() if ln.startswith("longest-gap ")), None)
        if result.returncode != 0 or line is None or line[3] != "True":
            raise RuntimeError(
                f"freeze probe failed ({result.returncode}): {result.stdout} {result.stderr[-1500:]}"
            )
        gaps.append(float(line[1]))
    return {"startup_longest_freeze_ms": round(statistics.median(gaps), 1)}


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
    figures.update(measure_startup_freeze())
    session = Session()
    try:
        from calculators import measure_calculators, measure_search

        # Page switches first, in the fresh window: a first visit then builds the page, as it does for a student
        # (measured after the calculators, the calculator pages would already exist and look instant).
        figures.update(measure_page_switches(session))
        figures.update(measure_calculators(session))
        figures.update(measure_search(session))
    finally:
        session.close()
    figures.update(measure_memory())  # in fresh processes
    if not args.quick:
        figures.update(measure_install_mb())
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
