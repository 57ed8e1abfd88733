"""Creating the QApplication, the stores and the main window; the offscreen screenshot mode."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QWidget

from healthalloc import APP_NAME, ORG_NAME, __version__
from healthalloc.core.content import load_course
from healthalloc.core.links import page_and_params
from healthalloc.core.progress import ProgressStore
from healthalloc.ui.context import AppContext
from healthalloc.ui.theme import STYLE, STYLE_PROPERTY, THEME_CHOICES, ZOOM_STEPS, apply_theme, resolve_theme


def data_dir() -> Path:
    """Where learner data lives: ``HEALTHALLOC_DATA_DIR`` or the platform's app-data folder."""
    override = os.environ.get("HEALTHALLOC_DATA_DIR")
    if override:
        return Path(override).expanduser()
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(location) if location else Path.home() / f".{APP_NAME}"


def make_settings() -> QSettings:
    """UI preferences. With ``HEALTHALLOC_DATA_DIR`` set they live beside the data (tests, portable installs)."""
    override = os.environ.get("HEALTHALLOC_DATA_DIR")
    if override:
        return QSettings(str(Path(override).expanduser() / "settings.ini"), QSettings.Format.IniFormat)
    return QSettings(ORG_NAME, APP_NAME)


def ensure_app() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    QApplication.setOrganizationName(ORG_NAME)
    QApplication.setApplicationName(APP_NAME)
    QApplication.setApplicationVersion(__version__)
    QApplication.setApplicationDisplayName("healthalloc")
    # The style given at creation costs nothing in Python; ``setStyle`` afterwards wraps the style object and
    # creates its enum types (about 4 ms of start-up). ``apply_theme`` sees the property and leaves it be.
    app = QApplication([*sys.argv[:1], "-style", STYLE])
    app.setProperty(STYLE_PROPERTY, STYLE)
    return app


def settings_zoom(settings: QSettings) -> float:
    try:
        zoom = float(settings.value("ui/zoom", 1.0))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 1.0
    return zoom if ZOOM_STEPS[0] <= zoom <= ZOOM_STEPS[-1] else 1.0


def settings_theme(settings: QSettings) -> str:
    value = settings.value("ui/theme", "system")
    return value if isinstance(value, str) and value in THEME_CHOICES else "system"


def build_context(settings: QSettings | None = None, folder: Path | None = None) -> AppContext:
    settings = settings or make_settings()
    store = ProgressStore(folder or data_dir(), daily_backup=False)  # made after the first frame (MainWindow)
    course = load_course()
    theme = resolve_theme(settings_theme(settings))
    return AppContext(course, store, settings, theme=theme, zoom=settings_zoom(settings))


def run(args: argparse.Namespace, *, size: tuple[int, int], scenario: Path | None = None) -> int:
    """The app, or one screenshot or handout. If the caller paused the garbage collector for start-up, it is
    turned back on once the window's first frame is on screen (at once for a screenshot or a handout)."""
    app = ensure_app()
    from healthalloc.ui.main_window import MainWindow

    if getattr(args, "export_pdf", None) or args.screenshot:
        gc.enable()
    if getattr(args, "export_pdf", None):
        return export_pdf(app, args)
    if args.screenshot:
        return screenshot(app, args, size)
    ctx = build_context()
    if args.theme:
        ctx.settings.setValue("ui/theme", args.theme)
        ctx.theme = resolve_theme(args.theme)
    apply_theme(app, ctx.theme, ctx.zoom)
    window = MainWindow(ctx, reopen_last_page=not args.page)
    window.first_frame_shown.connect(gc.enable)
    if args.page and not _open_cli_page(window, args.page):
        return 2
    if os.environ.get("HEALTHALLOC_EXIT_AFTER_FIRST_PAINT"):
        _exit_after_first_paint(app, window)
    window.show()
    tell_about_store(window, ctx.store)
    if scenario is not None:
        QTimer.singleShot(0, lambda: _open_cli_scenario(window, scenario))
    elif getattr(args, "present", False):
        QTimer.singleShot(0, lambda: _present_cli_page(window, args.slide or 1))
    elif not args.page:
        window.maybe_show_welcome()
    code = app.exec()
    ctx.store.close()
    return int(code)


def tell_about_store(window: QMainWindow, store: ProgressStore) -> None:
    """At start-up, say if the progress file was damaged (and where the old one is) or if nothing can be saved."""
    if store.recovered_from is not None:
        from PySide6.QtWidgets import QMessageBox

        restore = (
            "\n\nTo go back to an earlier day's copy, use File ▸ Restore from backup…"
            if store.list_backups()
            else ""
        )
        QTimer.singleShot(
            0,
            lambda: QMessageBox.warning(
                window,
                "Your progress file was damaged",
                "The file that keeps your progress could not be read, so the app started a fresh one. "
                f"The damaged file was kept as:\n\n{store.recovered_from}{restore}",
            ),
        )
    if store.problem:
        # A permanent note: status tips and other messages come and go, this must stay in view.
        notice = QLabel("⚠ Progress is not being saved")
        notice.setObjectName("store-problem")
        notice.setToolTip(store.problem)
        notice.setAccessibleName(store.problem)
        window.statusBar().addPermanentWidget(notice)
        window.statusBar().showMessage(store.problem)


def _exit_after_first_paint(app: QApplication, window: QWidget) -> None:
    """Benchmark hook: print the wall-clock time of the window's first paint, then quit."""
    import time

    from PySide6.QtCore import QEvent, QObject

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and watched is window:
                print(f"first-paint {time.time():.6f}", flush=True)
                window.removeEventFilter(self)
                QTimer.singleShot(0, app.quit)
            return False

    window._first_paint_filter = FirstPaint(window)  # type: ignore[attr-defined]
    window.installEventFilter(window._first_paint_filter)  # type: ignore[attr-defined]


def _open_cli_page(window: object, spec: str) -> bool:
    page_id, params = page_and_params(spec)
    valid = window.page_ids()  # type: ignore[attr-defined]
    if page_id not in valid:
        print(f"healthalloc: unknown page {page_id!r}. Valid pages:\n  " + "\n  ".join(valid), file=sys.stderr)
        return False
    return bool(window.open_page(page_id, params))  # type: ignore[attr-defined]


def _open_cli_scenario(window: object, path: Path) -> None:
    """``healthalloc FILE``: open the scenario on its calculator; a bad file is explained, nothing changes."""
    from PySide6.QtWidgets import QMessageBox

    from healthalloc.ui.exports import open_scenario_file

    problem = open_scenario_file(window, path)
    if problem:
        print(f"healthalloc: {problem}", file=sys.stderr)
        QMessageBox.warning(window, "This scenario cannot be opened", problem)  # type: ignore[call-overload]


def _present_cli_page(window: object, slide: int) -> None:
    from healthalloc.ui.presentation import start_presentation

    presentation = start_presentation(window)
    if presentation is not None:
        presentation.go_to(slide - 1)


def _valid_pages(ctx: AppContext) -> list[str]:
    from healthalloc.ui.registry import PAGES

    return [lesson.id for lesson in ctx.course.lessons] + [spec.page_id for spec in PAGES]


def export_pdf(app: QApplication, args: argparse.Namespace) -> int:
    """``--export-pdf FILE.pdf --page LESSON``: write the lesson's handout without opening a window."""
    import tempfile

    from healthalloc.ui.exports import export_lesson_pdf_to

    with tempfile.TemporaryDirectory(prefix="healthalloc-pdf-") as temp:
        settings = QSettings(str(Path(temp) / "settings.ini"), QSettings.Format.IniFormat)
        ctx = build_context(settings, Path(os.environ.get("HEALTHALLOC_DATA_DIR") or temp))
        lesson_id, _params = page_and_params(args.page)
        lesson = ctx.course.lesson(lesson_id)
        if lesson is None:
            lessons = "\n  ".join(lesson.id for lesson in ctx.course.lessons)
            print(f"healthalloc: {lesson_id!r} is not a lesson. Lessons:\n  {lessons}", file=sys.stderr)
            ctx.store.close()
            return 2
        problem = export_lesson_pdf_to(ctx, lesson, args.export_pdf)
        ctx.store.close()
    if problem:
        print(f"healthalloc: {problem}", file=sys.stderr)
        return 1
    print(args.export_pdf)
    return 0


def _present_screenshot(
    app: QApplication, args: argparse.Namespace, size: tuple[int, int], ctx: AppContext
) -> int:
    """``--screenshot FILE --page PAGE --present [--slide N]``: one slide, as the projector would show it."""
    from healthalloc.ui.presentation import open_cli_presentation

    made = open_cli_presentation(ctx, args.page)
    if made is None:
        valid = "\n  ".join(_valid_pages(ctx))
        print(f"healthalloc: unknown page {args.page!r}. Valid pages:\n  {valid}", file=sys.stderr)
        return 2
    presentation, deck = made
    number = args.slide or 1
    if number > len(deck):
        print(f"healthalloc: --slide {number}, but {args.page} has {len(deck)} slides", file=sys.stderr)
        return 2
    deck.go_to_number(number)
    presentation.resize(*size)
    presentation.start(deck, presentation.deck_title, full_screen=False)
    for _ in range(5):
        app.processEvents()
    _finish_charts(presentation)
    app.processEvents()
    ok = presentation.grab().save(args.screenshot, "PNG")
    presentation.leave()
    presentation.deleteLater()
    if not ok:
        print(f"healthalloc: could not write {args.screenshot}", file=sys.stderr)
        return 1
    print(args.screenshot)
    return 0


def screenshot(app: QApplication, args: argparse.Namespace, size: tuple[int, int]) -> int:
    """Render one page offscreen to a PNG. Uses a throw-away data folder unless HEALTHALLOC_DATA_DIR is set."""
    import tempfile

    from healthalloc.ui.main_window import MainWindow

    with tempfile.TemporaryDirectory(prefix="healthalloc-shot-") as temp:
        folder = Path(os.environ.get("HEALTHALLOC_DATA_DIR") or temp)
        settings = QSettings(str(Path(temp) / "settings.ini"), QSettings.Format.IniFormat)
        ctx = build_context(settings, folder)
        ctx.theme = resolve_theme(args.theme or "light")
        apply_theme(app, ctx.theme, ctx.zoom)
        if getattr(args, "present", False):
            code = _present_screenshot(app, args, size, ctx)
            ctx.store.close()
            return code
        window = MainWindow(ctx, restore=False)
        window.resize(*size)
        if not _open_cli_page(window, args.page):
            ctx.store.close()
            return 2
        window.show()
        for _ in range(5):
            app.processEvents()
        _finish_charts(window)
        app.processEvents()
        image = window.grab()
        ok = image.save(args.screenshot, "PNG")
        window.close()
        ctx.store.close()
    if not ok:
        print(f"healthalloc: could not write {args.screenshot}", file=sys.stderr)
        return 1
    print(args.screenshot)
    return 0


def charts_pending(widget: QWidget) -> bool:
    """Whether a chart shown in ``widget`` is still to be drawn: lesson charts and calculator charts are drawn just
    after their page's first paint (the benchmark waits for them)."""
    from healthalloc.ui.calc_base import ChartView
    from healthalloc.ui.lesson_browser import LessonBrowser

    return any(b.charts_pending() for b in widget.findChildren(LessonBrowser)) or any(
        v.draw_pending() for v in widget.findChildren(ChartView)
    )


def _finish_charts(window: object) -> None:
    """Charts draw on idle; force every visible one to paint before the grab."""
    from healthalloc.ui.calc_base import ChartView
    from healthalloc.ui.lesson_browser import LessonBrowser

    for browser in window.findChildren(LessonBrowser):  # type: ignore[attr-defined]
        browser.draw_pending_charts()
    for view in window.findChildren(ChartView):  # type: ignore[attr-defined]
        if view.isVisible() and (view._canvas is not None or view._drawer_pending):
            view.draw_now()
