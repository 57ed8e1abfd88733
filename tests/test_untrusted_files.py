"""Files from other people cannot reach outside the content folder, fetch anything from the web, run code, or
crash the app by being huge or odd."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QImage, QTextDocument
from PySide6.QtWidgets import QMessageBox

from healthalloc.core import resources
from healthalloc.core.content import MAX_FILE_BYTES, ContentError, parse_lesson, parse_lesson_file
from healthalloc.core.files import read_limited
from healthalloc.core.glossary import load_glossary
from healthalloc.core.quiz import load_quizzes, parse_quiz
from healthalloc.core.stakeholders import load_stakeholder_map
from healthalloc.ui.lesson_browser import LessonBrowser
from healthalloc.ui.lesson_page import LessonPage

PACKAGE = Path(__file__).resolve().parent.parent / "desktop" / "healthalloc"
IMAGE = QTextDocument.ResourceType.ImageResource.value

LESSON = """+++
id = "untrusted"
title = "A lesson someone sent"
module = "Testing"
order = 50
minutes = 5
objectives = ["Look at pictures", "Follow links"]
sources = [{{ title = "T", publisher = "P", year = 2025, url = "https://example.org/" }}]
+++

## Pictures

{body}
"""


@pytest.fixture
def secret_png(tmp_path: Path) -> Path:
    """A real image outside the content folder: if the browser ever loaded it, the image would not be null."""
    image = QImage(4, 4, QImage.Format.Format_ARGB32)
    image.fill(0xFF336699)
    path = tmp_path / "outside" / "secret.png"
    path.parent.mkdir()
    assert image.save(str(path))
    return path


def relative_to_lessons(target: Path) -> str:
    lessons = resources.content_dir() / "lessons"
    return "../" * len(lessons.resolve().parts[1:]) + target.resolve().as_posix().lstrip("/")


def test_images_outside_the_content_folder_are_never_loaded(ctx, qtbot, secret_png: Path) -> None:  # type: ignore[no-untyped-def]
    browser = LessonBrowser(ctx)
    qtbot.addWidget(browser)
    assert not QImage(str(secret_png)).isNull()
    for url in (
        relative_to_lessons(secret_png),
        str(secret_png),
        QUrl.fromLocalFile(str(secret_png)).toString(),
        "../../etc/passwd",
        "/etc/passwd",
        "file:///etc/passwd",
        "..%2F..%2F" + relative_to_lessons(secret_png),
    ):
        image = browser.loadResource(IMAGE, QUrl(url))
        assert isinstance(image, QImage) and image.isNull(), url


def test_nothing_but_images_is_loaded_from_disk(ctx, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sheet = tmp_path / "style.css"
    sheet.write_text("body { color: red }")
    browser = LessonBrowser(ctx)
    qtbot.addWidget(browser)
    for kind in (QTextDocument.ResourceType.StyleSheetResource, QTextDocument.ResourceType.HtmlResource):
        for url in (str(sheet), QUrl.fromLocalFile(str(sheet)).toString(), "../../etc/passwd", "style.css"):
            assert browser.loadResource(kind.value, QUrl(url)) is None


def test_a_symlink_inside_content_that_points_outside_is_refused(
    ctx, qtbot, tmp_path: Path, secret_png: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "content"
    (root / "lessons").mkdir(parents=True)
    inside = QImage(2, 2, QImage.Format.Format_ARGB32)
    inside.fill(0xFF00FF00)
    assert inside.save(str(root / "lessons" / "inside.png"))
    (root / "lessons" / "link.png").symlink_to(secret_png)
    monkeypatch.setenv("HEALTHALLOC_CONTENT_DIR", str(root))
    resources.content_dir.cache_clear()
    try:
        browser = LessonBrowser(ctx)
        qtbot.addWidget(browser)
        assert not browser.loadResource(IMAGE, QUrl("inside.png")).isNull()  # the content folder's own images load
        assert browser.loadResource(IMAGE, QUrl("link.png")).isNull()
    finally:
        monkeypatch.delenv("HEALTHALLOC_CONTENT_DIR")
        resources.content_dir.cache_clear()


def test_remote_images_are_not_fetched(ctx, qtbot, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import socket

    def no_network(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the lesson tried to use the network")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    browser = LessonBrowser(ctx)
    qtbot.addWidget(browser)
    for url in ("https://example.com/chart.png", "http://169.254.169.254/latest", "ftp://example.com/a.png"):
        assert browser.loadResource(IMAGE, QUrl(url)).isNull()
        assert browser.loadResource(QTextDocument.ResourceType.StyleSheetResource.value, QUrl(url)) is None


def test_a_lesson_full_of_hostile_references_renders(ctx, qtbot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    body = "\n\n".join(
        [
            "![remote](https://example.com/tracker.png)",
            "![escape](../../etc/passwd)",
            "![absolute](/etc/passwd)",
            '<img src="file:///etc/passwd"> <link rel="stylesheet" href="https://example.com/x.css">',
            "[a web link](https://www.cms.gov/) and [mail](mailto:someone@example.org)",
        ]
    )
    path = tmp_path / "lessons" / "50-untrusted.md"
    path.parent.mkdir()
    path.write_text(LESSON.format(body=body), encoding="utf-8")
    asked: dict[str, object] = {}
    original = LessonBrowser.loadResource

    def spy(self: LessonBrowser, kind: int, url: QUrl) -> object:
        result = original(self, kind, url)
        asked[QUrl(url).toString()] = result
        return result

    monkeypatch.setattr(LessonBrowser, "loadResource", spy)
    page = LessonPage(ctx, parse_lesson_file(path))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: "../../etc/passwd" in asked)
    assert "A lesson someone sent" in page.title_label.text()
    for url in ("https://example.com/tracker.png", "../../etc/passwd", "/etc/passwd"):
        assert url in asked, sorted(asked)
    for url, result in asked.items():  # raw HTML <img>/<link> Qt's Markdown reader may or may not ask for
        assert result is None or (isinstance(result, QImage) and result.isNull()), url


@pytest.mark.parametrize("answer", [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])
def test_web_links_open_only_after_showing_the_address(ctx, qtbot, monkeypatch, answer) -> None:  # type: ignore[no-untyped-def]
    asked: list[str] = []
    opened: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *a: asked.append(text) or answer)
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True)
    lesson = parse_lesson(LESSON.format(body="[CMS](https://www.cms.gov/)"), Path("50-untrusted.md"))
    page = LessonPage(ctx, lesson)
    qtbot.addWidget(page)
    page._on_browser_anchor_clicked(QUrl("https://www.cms.gov/data"))
    assert len(asked) == 1 and "https://www.cms.gov/data" in asked[0]
    assert opened == (["https://www.cms.gov/data"] if answer == QMessageBox.StandardButton.Yes else [])


def test_other_link_schemes_never_reach_the_system(window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    opened: list[str] = []
    told: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True)
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: told.append(text))
    for url in ("javascript:alert(1)", "file:///etc/passwd", "smb://server/share", "data:text/html,hi"):
        window.open_link(url)
    assert opened == []
    assert len(told) == 4


# ---------------------------------------------------------------------------------------------- size limits
def test_oversized_content_files_are_refused_before_reading(tmp_path: Path) -> None:
    big = b"x" * (MAX_FILE_BYTES + 1)
    lesson = tmp_path / "lessons" / "01-big.md"
    lesson.parent.mkdir()
    lesson.write_bytes(big)
    with pytest.raises(ContentError, match="larger than"):
        parse_lesson_file(lesson)
    (tmp_path / "quizzes").mkdir()
    (tmp_path / "quizzes" / "big.toml").write_bytes(big)
    assert any("larger than" in e.message for e in load_quizzes(root=tmp_path).errors)
    (tmp_path / "glossary.toml").write_bytes(big)
    assert any("larger than" in e.message for e in load_glossary(root=tmp_path).errors)
    (tmp_path / "stakeholders.toml").write_bytes(big)
    with pytest.raises(ContentError):
        load_stakeholder_map(tmp_path / "stakeholders.toml")
    with pytest.raises(ValueError, match="at most"):
        read_limited(lesson, 1024)


def test_a_5000_digit_number_is_a_content_error_on_its_line(tmp_path: Path) -> None:
    # Python refuses to convert integers this long; tomllib lets that ValueError out with no line number.
    huge = "9" * 5000
    with pytest.raises(ContentError) as lesson_error:
        parse_lesson(LESSON.format(body="x").replace("order = 50", f"order = {huge}"), tmp_path / "50-x.md")
    assert lesson_error.value.line == 5 and "too long" in lesson_error.value.message
    with pytest.raises(ContentError) as quiz_error:
        parse_quiz(f'[[questions]]\nid = "q"\nanswer = {huge}\n', tmp_path / "x.toml")
    assert quiz_error.value.line == 3
    (tmp_path / "glossary.toml").write_text(f'[[terms]]\nterm = "T"\n\nexample = {huge}\n', encoding="utf-8")
    assert [e.line for e in load_glossary(root=tmp_path).errors] == [4]
    (tmp_path / "stakeholders.toml").write_text(f"intro = {huge}\n", encoding="utf-8")
    with pytest.raises(ContentError) as map_error:
        load_stakeholder_map(tmp_path / "stakeholders.toml")
    assert map_error.value.line == 1


def test_a_stakeholder_map_that_is_not_utf8_is_a_content_error(tmp_path: Path) -> None:
    path = tmp_path / "stakeholders.toml"
    path.write_bytes(b'intro = "fine"\n\xff\xfe bad bytes\n')
    with pytest.raises(ContentError) as error:
        load_stakeholder_map(path)
    assert error.value.line == 2


# ---------------------------------------------------------------------------------------------- no code from files
def test_answer_from_only_calls_whitelisted_calculators(tmp_path: Path) -> None:
    for function in ("__import__", "os.system", "eval", "risk_score.__globals__", "open"):
        text = (
            '[[questions]]\nid = "q"\nkind = "numeric"\nsection = "S"\nprompt = "p"\nexplanation = "e"\n'
            f'tolerance = 0.1\nanswer_from = {{ function = "{function}", field = "total", args = {{}} }}\n'
        )
        with pytest.raises(ContentError, match="answer_from function"):
            parse_quiz(text, tmp_path / "x.toml")


BANNED_CALLS = {"eval", "exec", "compile", "__import__", "input"}
BANNED_MODULES = {"pickle", "cPickle", "dill", "cloudpickle", "marshal", "shelve", "yaml", "joblib"}
BANNED_ATTRIBUTES = {"read_pickle", "to_pickle", "system", "popen"}


@functools.cache
def package_sources() -> tuple[tuple[Path, ast.Module], ...]:
    return tuple((path, ast.parse(path.read_text("utf-8"))) for path in sorted(PACKAGE.rglob("*.py")))


def test_no_module_evaluates_code_or_unpickles_data() -> None:
    found = []
    for path, tree in package_sources():
        where = path.relative_to(PACKAGE.parent)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in BANNED_CALLS:
                found.append(f"{where}:{node.lineno} calls {node.func.id}()")
            elif isinstance(node, ast.Attribute) and node.attr in BANNED_ATTRIBUTES:
                found.append(f"{where}:{node.lineno} uses .{node.attr}")
            elif isinstance(node, ast.Import | ast.ImportFrom):
                names = (
                    [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                )
                found += [f"{where}:{node.lineno} imports {n}" for n in names if n.split(".")[0] in BANNED_MODULES]
            elif isinstance(node, ast.keyword) and node.arg == "allow_pickle":
                found.append(f"{where}:{node.lineno} passes allow_pickle")
    assert found == []


def test_dynamic_imports_only_use_names_from_the_code_itself() -> None:
    """``importlib.import_module`` appears only where the module name comes from a table in the code
    (the page registry, the answer_from whitelist, the lesson chart table, the prefetch's import steps), never
    straight from a file."""
    allowed = {"registry.py", "quiz.py", "figures.py", "prefetch.py"}
    users = {
        path.name
        for path, tree in package_sources()
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "import_module"
    }
    assert users <= allowed, users - allowed
