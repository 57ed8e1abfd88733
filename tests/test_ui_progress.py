"""The progress page: numbers, chart, "Continue where I left off", and the PDF and CSV reports."""

from __future__ import annotations

import csv
import io
import re
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from healthalloc.core.content import load_course
from healthalloc.core.palette import LIGHT
from healthalloc.core.progress import ProgressStore
from healthalloc.core.report import build_report, draw_scores, format_duration, to_csv, to_html


# ------------------------------------------------------------------ a small PDF text reader (Qt writes CID fonts)
def pdf_text(data: bytes) -> str:
    """The text drawn on a Qt-written PDF's pages, decoded through each font's ToUnicode map."""
    objects: dict[int, bytes] = {}
    for match in re.finditer(rb"(\d+) 0 obj(.*?)endobj", data, re.DOTALL):
        objects[int(match.group(1))] = match.group(2)

    def stream(number: int) -> bytes:
        body = objects[number]
        raw = re.search(rb"stream\r?\n(.*?)\r?\nendstream", body, re.DOTALL)
        assert raw is not None
        return zlib.decompress(raw.group(1)) if b"/FlateDecode" in body else raw.group(1)

    def cmap(number: int) -> dict[str, str]:
        text = stream(number).decode("latin-1")
        table: dict[str, str] = {}
        for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.DOTALL):
            for glyph, code in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                table[glyph.upper()] = bytes.fromhex(code).decode("utf-16-be")
        for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.DOTALL):
            pattern = r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(?:<([0-9A-Fa-f]+)>|\[([^\]]*)\])"
            for low, high, code, array in re.findall(pattern, block):
                glyphs = range(int(low, 16), int(high, 16) + 1)
                if array:  # one code per glyph: [<0053> <0074> ...]
                    codes = [bytes.fromhex(c).decode("utf-16-be") for c in re.findall(r"<([0-9A-Fa-f]+)>", array)]
                else:
                    codes = [chr(int(code, 16) + offset) for offset in range(len(glyphs))]
                for glyph, char in zip(glyphs, codes, strict=False):
                    table[f"{glyph:0{len(low)}X}"] = char
        return table

    fonts: dict[bytes, dict[str, str]] = {}
    for body in objects.values():
        for name, ref in re.findall(rb"/(F\d+)\s+(\d+) 0 R", body):
            font = objects.get(int(ref), b"")
            unicode_ref = re.search(rb"/ToUnicode (\d+) 0 R", font)
            if unicode_ref:
                fonts[name] = cmap(int(unicode_ref.group(1)))
    pieces: list[str] = []
    for number, body in objects.items():
        if b"/Length" not in body or b"/Subtype" in body or b"/Type /XObject" in body:
            continue
        try:
            content = stream(number).decode("latin-1")
        except (AssertionError, zlib.error):
            continue
        if " Tj" not in content:
            continue
        current: dict[str, str] = {}
        for token in re.finditer(r"/(F\d+) [\d.]+ Tf|<([0-9A-Fa-f]+)> Tj|(ET)", content):
            if token.group(1):
                current = fonts.get(token.group(1).encode(), {})
            elif token.group(2):
                hexa = token.group(2).upper()
                pieces.append("".join(current.get(hexa[i : i + 4], "?") for i in range(0, len(hexa), 4)))
            else:
                pieces.append("\n")
    return "".join(pieces)


# ------------------------------------------------------------------ core report
@pytest.fixture
def store(data_dir: Path) -> Any:
    opened = ProgressStore(data_dir / "report")
    yield opened
    opened.close()


def test_report_numbers(store: ProgressStore) -> None:
    course = load_course()
    first, second = course.lessons[0], course.lessons[1]
    store.set_completed(first.id)
    store.add_time(first.id, 600)
    store.add_time(second.id, 5400)
    store.record_quiz_score(first.id, 0.5)
    store.record_quiz_score(first.id, 0.75)
    store.save_note(first.id, first.sections[0].slug, "a note", bookmarked=True)
    report = build_report(course, store, student="Ada", now=datetime(2026, 3, 1, 9, 30))
    row = report.lessons[0]
    assert (row.completed, row.seconds, row.best, row.latest, row.attempts) == (True, 600, 0.75, 0.75, 2)
    assert report.completed == 1 and report.quizzes_taken == 1 and report.average_best == 0.75
    assert report.modules[0].completed == 1 and report.modules[0].lessons == len(course.modules()[0][1])
    assert (report.notes, report.bookmarks) == (1, 1)
    assert format_duration(report.total_seconds) == "1 h 40 min"
    rows = list(csv.DictReader(io.StringIO(to_csv(report))))
    assert len(rows) == len(course.lessons)
    assert rows[0]["student"] == "Ada" and rows[0]["report_date"] == "2026-03-01"
    assert (rows[0]["completed"], rows[0]["best_score_percent"], rows[0]["minutes_spent"]) == ("yes", "75", "10.0")
    assert rows[1]["best_score_percent"] == ""
    html = to_html(report)
    assert "Ada" in html and "1 of 10" in html and "75%" in html


def test_the_chart_draws_on_a_bare_figure(store: ProgressStore) -> None:
    from matplotlib.figure import Figure

    course = load_course()
    store.record_quiz_score(course.lessons[2].id, 0.6)
    figure = Figure()
    text = draw_scores(figure, build_report(course, store), LIGHT)
    ax = figure.axes[0]
    widths = sorted(round(patch.get_width()) for patch in ax.patches)
    assert widths[-2:] == [60, 60]  # best and latest of the one quiz taken
    assert "best 60%, latest 60%" in text
    assert ax.get_yticklabels()[-1].get_text().startswith("1. ")


def test_student_names_are_escaped_in_the_report(store: ProgressStore) -> None:
    report = build_report(load_course(), store, student="<b>Bobby</b> & co")
    assert "&lt;b&gt;Bobby&lt;/b&gt; &amp; co" in to_html(report)


# ------------------------------------------------------------------ the page
def test_the_page_shows_progress_and_continues(window: Any, ctx: Any, qtbot: Any) -> None:
    ctx.store.set_completed("overview")
    ctx.store.record_quiz_score("overview", 0.8)
    ctx.store.add_time("overview", 1800)
    window.open_page("stakeholders")
    window.open_page("progress")
    page = window.pages["progress"]
    assert page.lessons_card.value.text() == f"1 of {len(ctx.course.lessons)}"
    assert page.score_card.value.text() == "80%"
    assert page.time_card.value.text() == "30 min"
    module = page.tree.topLevelItem(0)
    assert module.text(1) == "1 of 3"
    assert module.child(0).text(1) == "✓" and module.child(0).text(3) == "80%"
    qtbot.waitUntil(lambda: page.chart._canvas is not None and bool(page.chart.figure.axes), timeout=5000)
    assert "best 80%" in page.chart.text_alternative()
    assert page.continue_button.text() == "Continue: Stakeholders"
    qtbot.mouseClick(page.continue_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.pages["stakeholders"]


def test_the_pdf_report_is_a_valid_pdf_with_the_scores(window: Any, ctx: Any, tmp_path: Path, qtbot: Any) -> None:
    ctx.store.record_quiz_score("overview", 0.8)
    ctx.store.record_quiz_score("mechanisms", 0.6)
    window.open_page("progress")
    page = window.pages["progress"]
    qtbot.keyClicks(page.name_edit, "Ada Lovelace")
    target = tmp_path / "report.pdf"
    page.export_pdf(str(target))
    data = target.read_bytes()
    assert data.startswith(b"%PDF-1.") and data.rstrip().endswith(b"%%EOF")
    assert b"/Type /Page" in data or b"/Type/Page" in data
    text = pdf_text(data)
    squeezed = re.sub(r"\s+", "", text)
    assert "AdaLovelace" in squeezed
    assert "80%" in squeezed and "60%" in squeezed
    assert "Progressreport" in squeezed
    # The name typed is kept for next time.
    page._name_saver.flush()
    assert ctx.store.get_value("student_name") == "Ada Lovelace"


def test_the_csv_export(window: Any, ctx: Any, tmp_path: Path) -> None:
    ctx.store.record_quiz_score("policy", 1.0)
    window.open_page("progress")
    target = tmp_path / "progress.csv"
    window.pages["progress"].export_csv(str(target))
    rows = {row["lesson_id"]: row for row in csv.DictReader(target.open(encoding="utf-8"))}
    assert rows["policy"]["best_score_percent"] == "100"
    assert set(rows) == {lesson.id for lesson in ctx.course.lessons}
