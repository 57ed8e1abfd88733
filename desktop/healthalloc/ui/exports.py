"""Getting things out of the app and back in: charts (PNG at 2× for slides, SVG), tables (CSV), a lesson as a
PDF handout, the chart on the clipboard, and calculator scenario files.

Each ``*_to`` function takes the path to write and returns an error message (``None`` when it worked), so the
menus wrap it in a file dialog and a message box, and tests and the command line call it directly. Files are
written atomically; scenario files from others are checked by :mod:`healthalloc.core.scenario` and the page.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QMimeData, QStandardPaths, QUrl
from PySide6.QtGui import (
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPdfWriter,
    QTextCursor,
    QTextDocument,
    QTextImageFormat,
    QTextTable,
)
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from healthalloc.core.content import Lesson, Section
from healthalloc.core.files import atomic_write_bytes, atomic_write_text
from healthalloc.core.palette import LIGHT
from healthalloc.core.render import section_markdown, sources_markdown
from healthalloc.core.slides import CHECK_MARKER, answer_markdown, check_markdown
from healthalloc.ui.context import AppContext
from healthalloc.ui.menus import COPY_CHART_SHORTCUT  # noqa: F401  (re-exported for callers)

CHART_FORMATS = {"png": "PNG image (*.png)", "svg": "SVG drawing (*.svg)"}
INTERNAL_LINK = re.compile(r"\[([^\]\n]+)\]\((?:lesson|page|calc|glossary|check|search|chartdata):[^)\s]*\)")
HANDOUT_DPI = 300
HANDOUT_POINT_SIZE = 10.5


@dataclass(frozen=True)
class ChartExport:
    """One chart ready to export: ``render(format, scale)`` returns the file's bytes."""

    name: str
    text: str
    render: Callable[[str, float], bytes]


@dataclass(frozen=True)
class TableExport:
    name: str
    csv_text: Callable[[], str]


# ---------------------------------------------------------------------------------------------- finding things
def _current_page(window: Any) -> QWidget | None:
    stack = getattr(window, "stack", None)
    return stack.currentWidget() if stack is not None else None


def _figure_bytes(figure: Any, fmt: str, scale: float, facecolor: Any) -> bytes:
    buffer = io.BytesIO()
    dpi = figure.get_dpi() * (scale if fmt == "png" else 1.0)
    figure.savefig(buffer, format=fmt, dpi=dpi, facecolor=facecolor)
    return buffer.getvalue()


def lesson_chart(ctx: AppContext, chart_id: str, *, theme: Any = None) -> ChartExport:
    """A lesson chart drawn afresh (``chart:`` blocks are images in the reading pane), with its numbers as text."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from healthalloc.core.figures import draw_chart
    from healthalloc.core.palette import chart_rc
    from healthalloc.core.render import CHART_TITLES

    theme = theme or ctx.theme
    rc = chart_rc(theme, zoom=1.2)
    with matplotlib.rc_context(rc):
        figure = Figure(figsize=(9.6, 4.8), dpi=100, layout="constrained")
        FigureCanvasAgg(figure)
        text = draw_chart(chart_id, figure, theme)

    def render(fmt: str, scale: float) -> bytes:
        with matplotlib.rc_context(rc):
            return _figure_bytes(figure, fmt, scale, theme.base)

    return ChartExport(chart_id, f"{CHART_TITLES.get(chart_id, chart_id)}\n\n{text}", render)


def find_chart(window: Any) -> ChartExport | None:
    """The chart the user means: the focused chart, else the first visible one; on a lesson, the chart of the
    section in view (or the lesson's first chart)."""
    page = _current_page(window)
    if page is None:
        return None
    lesson = getattr(page, "lesson", None)
    if isinstance(lesson, Lesson):
        charts = [(s.slug, c) for s in lesson.sections for c in s.charts]
        if not charts:
            return None
        here = page.current_section() if hasattr(page, "current_section") else ""
        chart_id = next((c for slug, c in charts if slug == here), charts[0][1])
        return lesson_chart(window.ctx, chart_id)
    from healthalloc.ui.calc_base import ChartView

    views = [v for v in page.findChildren(ChartView) if v.isVisibleTo(page) and v._drawer is not None]
    focus = QGuiApplication.focusObject()
    focused = [v for v in views if isinstance(focus, QWidget) and (v is focus or v.isAncestorOf(focus))]
    view = (focused or views or [None])[0]
    if view is None:
        return None
    if view._canvas is None:
        view.refresh()
    page_id = getattr(page, "page_id", "") or "chart"
    name = re.sub(r"[^a-z0-9]+", "-", f"{page_id} {view.accessibleName()}".lower()).strip("-")

    def render(fmt: str, scale: float) -> bytes:
        view.draw_now()
        return _figure_bytes(view.figure, fmt, scale, view.figure.get_facecolor())

    return ChartExport(name, view.text_alternative(), render)


def find_table(window: Any) -> TableExport | None:
    """The focused or first visible table on a tool page; on a lesson, the table nearest the top of the view."""
    page = _current_page(window)
    if page is None:
        return None
    browser = getattr(page, "browser", None)
    if isinstance(getattr(page, "lesson", None), Lesson) and browser is not None:
        tables = [f for f in browser.document().rootFrame().childFrames() if isinstance(f, QTextTable)]
        if not tables:
            return None
        top = browser.verticalScrollBar().value()
        layout = browser.document().documentLayout()
        table = next((t for t in tables if layout.frameBoundingRect(t).bottom() >= top), tables[-1])
        return TableExport(f"{page.lesson.id}-table", lambda: _text_table_csv(table))
    from healthalloc.ui.calc_base import FrameView

    views = [v for v in page.findChildren(FrameView) if v.isVisibleTo(page) and v.frame() is not None]
    focus = QGuiApplication.focusObject()
    focused = [v for v in views if isinstance(focus, QWidget) and v.isAncestorOf(focus)]
    view = (focused or views or [None])[0]
    if view is None:
        return None
    name = re.sub(r"[^a-z0-9]+", "-", f"{getattr(page, 'page_id', '')} {view.name}".lower()).strip("-")
    frame = view.frame()
    return TableExport(name, lambda: frame.to_csv(index=False))


def _text_table_csv(table: QTextTable) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in range(table.rows()):
        cells = []
        for column in range(table.columns()):
            cell = table.cellAt(row, column)
            cursor = QTextCursor(cell.firstCursorPosition())
            cursor.setPosition(cell.lastCursorPosition().position(), QTextCursor.MoveMode.KeepAnchor)
            cells.append(cursor.selectedText().replace("\u2029", " ").strip())
        writer.writerow(cells)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------- writing
def export_chart_to(chart: ChartExport, path: str | Path, *, scale: float = 2.0) -> str | None:
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in CHART_FORMATS:
        return f"Charts are exported as PNG or SVG, not “.{fmt}”."
    try:
        atomic_write_bytes(path, chart.render(fmt, scale))
    except OSError as error:
        return f"Could not write {path}: {error.strerror or error}"
    return None


def export_table_to(table: TableExport, path: str | Path) -> str | None:
    try:
        atomic_write_text(path, table.csv_text())
    except OSError as error:
        return f"Could not write {path}: {error.strerror or error}"
    return None


def copy_chart(chart: ChartExport) -> None:
    """Put the chart on the clipboard as an image (2×) with its numbers as text, for pasting into slides."""
    image = QImage.fromData(chart.render("png", 2.0), "PNG")
    mime = QMimeData()
    mime.setImageData(image)
    mime.setText(chart.text)
    QGuiApplication.clipboard().setMimeData(mime)


def handout_markdown(ctx: AppContext, lesson: Lesson) -> str:
    """The lesson for print: header, text, figures and knowledge checks, then the answers and the sources."""
    bank = getattr(ctx, "quizzes", None)
    lookup = bank.question if bank is not None else (lambda _q: None)
    order: list[str] = []

    def check(match: re.Match[str]) -> str:
        order.append(match.group(1))
        note = f"*Question {len(order)}: the answer is at the end of the handout.*"
        return "\n\n" + check_markdown(
            lookup(match.group(1)), revealed=False, question_id=match.group(1), hidden_note=note
        )

    parts = [
        f"# {lesson.title}",
        f"*{lesson.module} · lesson {lesson.order} · about {lesson.minutes} minutes · handout from healthalloc*",
    ]
    if lesson.intro:
        parts.append(lesson.intro)
    parts.append("**In this lesson you will:**\n\n" + "\n".join(f"- {o}" for o in lesson.objectives))
    for section in lesson.sections:
        body = CHECK_MARKER.sub(check, section.markdown)
        parts.append(f"## {section.title}\n\n" + section_markdown(Section(section.title, section.slug, body, 0)))
    if order:
        answers = ["## Answers to the knowledge checks", ""]
        for number, question_id in enumerate(order, 1):
            question = lookup(question_id)
            if question is not None:
                answers.append(f"{number}. {answer_markdown(question)}")
        parts.append("\n".join(answers))
    parts.append(sources_markdown(lesson))
    return INTERNAL_LINK.sub(r"\1", "\n\n".join(parts)) + "\n"


def export_lesson_pdf_to(ctx: AppContext, lesson: Lesson, path: str | Path) -> str | None:
    """Write the lesson handout as a US Letter PDF through Qt's PDF writer (light theme, figures included)."""
    from healthalloc.ui.lesson_browser import render_chart_png

    target = Path(path)
    fd, temp = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent if target.parent.exists() else None
    )
    os.close(fd)
    try:
        writer = QPdfWriter(temp)
        writer.setResolution(HANDOUT_DPI)
        writer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.Letter), QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)
            )
        )
        writer.setTitle(lesson.title)
        writer.setCreator("healthalloc")
        document = QTextDocument()
        font = document.defaultFont()
        font.setPointSizeF(HANDOUT_POINT_SIZE)
        document.setDefaultFont(font)
        document.setMarkdown(handout_markdown(ctx, lesson))
        margin = round(2 / 2.54 * HANDOUT_DPI)  # QTextDocument.print_ keeps 2 cm margins
        text_width = writer.width() - 2 * margin
        for section in lesson.sections:
            for chart_id in section.charts:
                png, _text = render_chart_png(chart_id, ctx, size=(1000, 480), font_zoom=1.1, theme=LIGHT)
                document.addResource(
                    QTextDocument.ResourceType.ImageResource.value,
                    QUrl(f"chart:{chart_id}"),
                    QImage.fromData(png, "PNG"),
                )
        _size_images(document, text_width, text_width * 0.48)
        document.print_(writer)
        del writer  # finishes the file
        os.replace(temp, target)
    except OSError as error:
        return f"Could not write {target}: {error.strerror or error}"
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)
    return None


def _size_images(document: QTextDocument, width: float, height: float) -> None:
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            fmt = fragment.charFormat()
            if fmt.isImageFormat():
                image = QTextImageFormat(fmt.toImageFormat())
                image.setWidth(width)
                image.setHeight(height)
                cursor = QTextCursor(document)
                cursor.setPosition(fragment.position())
                cursor.setPosition(fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor)
                cursor.setCharFormat(image)
            iterator += 1
        block = block.next()


def pdf_page_count(data: bytes) -> int:
    """Pages in a PDF written by Qt (its page objects are never compressed)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))


# ---------------------------------------------------------------------------------------------- menus
def _folder(window: Any) -> str:
    saved = window.ctx.settings.value("export/folder", "")
    if isinstance(saved, str) and saved and Path(saved).is_dir():
        return saved
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())


def _ask_path(window: Any, title: str, name: str, filters: str, *, save: bool = True) -> str:
    start = str(Path(_folder(window)) / name)
    if save:
        path, _ = QFileDialog.getSaveFileName(window, title, start, filters)
    else:
        path, _ = QFileDialog.getOpenFileName(window, title, _folder(window), filters)
    if path:
        window.ctx.settings.setValue("export/folder", str(Path(path).parent))
    return path


def _report(window: Any, problem: str | None, done: str) -> None:
    if problem:
        QMessageBox.warning(window, "That did not work", problem)
    else:
        window.statusBar().showMessage(done, 8000)


def export_chart_dialog(window: Any, fmt: str) -> None:
    chart = find_chart(window)
    if chart is None:
        QMessageBox.information(window, "No chart here", "This page has no chart to export.")
        return
    path = _ask_path(window, f"Export chart as {fmt.upper()}", f"{chart.name}.{fmt}", CHART_FORMATS[fmt])
    if path:
        if not path.lower().endswith("." + fmt):
            path += "." + fmt
        _report(window, export_chart_to(chart, path), f"Chart saved as {path}")


def export_table_dialog(window: Any) -> None:
    table = find_table(window)
    if table is None:
        QMessageBox.information(window, "No table here", "This page has no table to export.")
        return
    path = _ask_path(window, "Export table as CSV", f"{table.name}.csv", "CSV files (*.csv)")
    if path:
        _report(window, export_table_to(table, path), f"Table saved as {path}")


def export_lesson_dialog(window: Any) -> None:
    page = _current_page(window)
    lesson = getattr(page, "lesson", None)
    if not isinstance(lesson, Lesson):
        QMessageBox.information(window, "Open a lesson first", "Open a lesson, then export it as a PDF handout.")
        return
    path = _ask_path(window, "Export lesson as PDF handout", f"{lesson.id}-handout.pdf", "PDF files (*.pdf)")
    if path:
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        _report(window, export_lesson_pdf_to(window.ctx, lesson, path), f"Handout saved as {path}")


def copy_chart_action(window: Any) -> None:
    chart = find_chart(window)
    if chart is None:
        window.statusBar().showMessage("This page has no chart to copy.", 6000)
        return
    copy_chart(chart)
    window.statusBar().showMessage(
        "Chart copied: paste it into your slides (its numbers are copied as text too).", 8000
    )


# ---------------------------------------------------------------------------------------------- scenarios
def calculator_ids() -> list[str]:
    """Pages a scenario may name: the calculators and the explorable money flow."""
    from healthalloc.ui import registry

    return [spec.page_id for spec in registry.PAGES if spec.group in (registry.CALCULATORS, registry.EXPLORE)]


def save_scenario_to(window: Any, path: str | Path, title: str = "") -> str | None:
    """Save the current calculator's inputs. Returns an error message, or None."""
    from healthalloc import __version__
    from healthalloc.core.scenario import Scenario, ScenarioError, save_scenario

    page = _current_page(window)
    scenario = getattr(page, "scenario", None)
    page_id = getattr(page, "page_id", "")
    if not callable(scenario) or not page_id or window.ctx.course.lesson(page_id) is not None:
        return "Open a calculator first: a scenario keeps a calculator's inputs."
    try:
        inputs = dict(scenario())
        written = save_scenario(
            path,
            Scenario(page_id, title or getattr(page, "title", page_id), inputs, f"healthalloc {__version__}"),
            calculators=calculator_ids(),
        )
    except ScenarioError as error:
        return f"This calculator's inputs cannot be saved as a scenario: {error}"
    except OSError as error:
        return f"Could not write {path}: {error.strerror or error}"
    window.statusBar().showMessage(f"Scenario saved as {written}", 8000)
    return None


def open_scenario_file(window: Any, path: str | Path) -> str | None:
    """Open a scenario file on its calculator's page. A bad file changes nothing and returns the reason."""
    from healthalloc.core.scenario import ScenarioError, load_scenario

    try:
        scenario = load_scenario(path, calculators=calculator_ids())
    except ScenarioError as error:
        return str(error)
    previous_page = getattr(window, "current_page_id", "")
    try:
        page = window.page(scenario.calculator)
    except Exception as error:  # a page that fails to build is reported, not fatal
        return f"{Path(path).name}: the {scenario.calculator} page could not be opened ({error})"
    load = getattr(page, "load_scenario", None)
    snapshot = getattr(page, "scenario", None)
    if page is None or not callable(load) or not callable(snapshot):
        return f"{Path(path).name}: the {scenario.calculator} page does not take scenarios"
    before = dict(snapshot())
    try:
        load(dict(scenario.inputs))
    except (ValueError, TypeError, KeyError) as error:
        with contextlib.suppress(ValueError, TypeError, KeyError):
            load(before)  # put back exactly what the student had
        if previous_page:
            window.open_page(previous_page)
        return f"{Path(path).name}: {error}"
    window.open_page(scenario.calculator)
    window.statusBar().showMessage(f"Opened the scenario “{scenario.title or Path(path).name}”", 8000)
    return None


def open_scenario_dialog(window: Any) -> None:
    from healthalloc.core.scenario import SUFFIX

    path = _ask_path(window, "Open a scenario", "", f"Scenarios (*{SUFFIX} *.json)", save=False)
    if path:
        problem = open_scenario_file(window, path)
        if problem:
            QMessageBox.warning(window, "This scenario cannot be opened", problem)


def save_scenario_dialog(window: Any) -> None:
    from healthalloc.core.scenario import SUFFIX, suggested_file_name

    page = _current_page(window)
    if not callable(getattr(page, "scenario", None)) or isinstance(getattr(page, "lesson", None), Lesson):
        QMessageBox.information(window, "Open a calculator first", "A scenario keeps a calculator's inputs.")
        return
    name = suggested_file_name(getattr(page, "title", ""), getattr(page, "page_id", "scenario"))
    path = _ask_path(window, "Save scenario", name, f"Scenarios (*{SUFFIX})")
    if path:
        problem = save_scenario_to(window, path)
        if problem:
            QMessageBox.warning(window, "The scenario was not saved", problem)
