"""Thousands of mutated lesson, quiz, glossary and stakeholder-map files: each one loads, or yields a ``ContentError`` that names the
file and a line inside it. Nothing else may escape the loaders, nor the code that uses what they loaded (rendering,
slides, linking glossary terms, marking quiz answers).

Mutations start from the shipped files: flipped bytes, deleted, duplicated and swapped lines, renamed keys, values
of the wrong type, truncation, huge values, stray text and broken fences. ``max_examples`` is set per target so the
counts do not depend on the hypothesis profile.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from healthalloc.core.content import ContentError, Course, load_course
from healthalloc.core.glossary import load_glossary
from healthalloc.core.grading import expected_text, grade, ordering_start
from healthalloc.core.quiz import load_quizzes
from healthalloc.core.render import lesson_markdown
from healthalloc.core.resources import content_dir
from healthalloc.core.slides import lesson_slides
from healthalloc.core.stakeholders import load_stakeholder_map

LESSON_EXAMPLES = 1500
QUIZ_EXAMPLES = 1200
GLOSSARY_EXAMPLES = 800
STAKEHOLDER_EXAMPLES = 400
FUZZ = settings(deadline=None, suppress_health_check=list(HealthCheck))

CONTENT = content_dir()
LESSONS = sorted((CONTENT / "lessons").glob("*.md"))
QUIZZES = sorted((CONTENT / "quizzes").glob("*.toml"))

TOML_VALUES = (
    "42",
    "-1",
    "0",
    "3.5",
    "1e308",
    "-1e308",
    "nan",
    "inf",
    "-inf",
    "true",
    "false",
    '""',
    '"   "',
    '"text"',
    "[]",
    "[1, 2]",
    '["a", 1, true]',
    "[[1], [2]]",
    "{ a = 1 }",
    "{}",
    "1979-05-27",
    "07:32:00",
    "99999999999999999999999999",
    "0x7fffffffffffffff",
    "'''\nmultiple\nlines\n'''",
    '"\\u0000"',
    '"../../etc/passwd"',
    '"<script>alert(1)</script>"',
)
HUGE_VALUES = (
    '"' + "x" * 200_000 + '"',
    "[" + ", ".join(['"item"'] * 20_000) + "]",
    "9" * 5_000,
    "[" * 300 + "]" * 300,
    '"' + "word " * 30_000 + '"',
)
STRUCTURE = re.compile(rb"^\s*(\+\+\+|```|~~~|##? |\[\[|\[)")
KEY_LINE = re.compile(rb"^(\s*)([A-Za-z_][A-Za-z0-9_-]*)(\s*=\s*)(.*)$")


# ---------------------------------------------------------------------------------------------- mutations
def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _pick(draw: st.DrawFn, count: int) -> int:
    return draw(st.integers(0, max(count - 1, 0)))


def _flip(draw: st.DrawFn, data: bytes) -> bytes:
    if not data:
        return data
    i = _pick(draw, len(data))
    return data[:i] + bytes([draw(st.integers(0, 255))]) + data[i + 1 :]


def _delete_line(draw: st.DrawFn, data: bytes) -> bytes:
    lines = _lines(data)
    del lines[_pick(draw, len(lines))]
    return b"\n".join(lines)


def _duplicate_line(draw: st.DrawFn, data: bytes) -> bytes:
    lines = _lines(data)
    i = _pick(draw, len(lines))
    lines.insert(i, lines[i])
    return b"\n".join(lines)


def _swap_lines(draw: st.DrawFn, data: bytes) -> bytes:
    lines = _lines(data)
    i, j = _pick(draw, len(lines)), _pick(draw, len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return b"\n".join(lines)


def _key_lines(lines: list[bytes]) -> list[int]:
    return [i for i, line in enumerate(lines) if KEY_LINE.match(line)]


def _rename_key(draw: st.DrawFn, data: bytes) -> bytes:
    lines = _lines(data)
    keys = _key_lines(lines)
    if not keys:
        return data
    i = keys[_pick(draw, len(keys))]
    match = KEY_LINE.match(lines[i])
    assert match is not None
    key = match.group(2).decode()
    new = draw(
        st.sampled_from([key[:-1] or "x", key + "s", key.upper(), key.replace("_", "-"), "colour", "id", "answer"])
        | st.from_regex(r"[a-z_]{1,12}", fullmatch=True)
    )
    lines[i] = match.group(1) + new.encode() + match.group(3) + match.group(4)
    return b"\n".join(lines)


def _swap_type(draw: st.DrawFn, data: bytes, values: tuple[str, ...] = TOML_VALUES) -> bytes:
    lines = _lines(data)
    keys = _key_lines(lines)
    if not keys:
        return data
    i = keys[_pick(draw, len(keys))]
    match = KEY_LINE.match(lines[i])
    assert match is not None
    lines[i] = match.group(1) + match.group(2) + match.group(3) + draw(st.sampled_from(values)).encode()
    return b"\n".join(lines)


def _huge_value(draw: st.DrawFn, data: bytes) -> bytes:
    return _swap_type(draw, data, HUGE_VALUES)


def _truncate(draw: st.DrawFn, data: bytes) -> bytes:
    return data[: _pick(draw, len(data) + 1)]


def _insert_text(draw: st.DrawFn, data: bytes) -> bytes:
    lines = _lines(data)
    text = draw(st.text(max_size=60) | st.sampled_from(["+++", "```", "```chart", "```check", "## ", "[[terms]]"]))
    lines.insert(_pick(draw, len(lines) + 1), text.encode("utf-8", "surrogatepass"))
    return b"\n".join(lines)


def _break_structure(draw: st.DrawFn, data: bytes) -> bytes:
    """Delete or duplicate a fence, a heading or a table header: the lines parsers lean on."""
    lines = _lines(data)
    marked = [i for i, line in enumerate(lines) if STRUCTURE.match(line)]
    if not marked:
        return data
    i = marked[_pick(draw, len(marked))]
    if draw(st.booleans()):
        del lines[i]
    else:
        lines.insert(i, lines[i])
    return b"\n".join(lines)


def _line_endings(draw: st.DrawFn, data: bytes) -> bytes:
    return draw(
        st.sampled_from([data.replace(b"\n", b"\r\n"), data.replace(b"\n", b"\r"), b"\xef\xbb\xbf" + data])
    )


MUTATIONS = (
    _flip,
    _delete_line,
    _duplicate_line,
    _swap_lines,
    _rename_key,
    _swap_type,
    _huge_value,
    _truncate,
    _insert_text,
    _break_structure,
    _line_endings,
)


@st.composite
def mutated(draw: st.DrawFn, bases: list[tuple[str, bytes]]) -> tuple[str, bytes]:
    name, data = draw(st.sampled_from(bases))
    for mutation in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=4)):
        data = mutation(draw, data)
    return name, data


# ---------------------------------------------------------------------------------------------- checks
def check_error(error: ContentError, path: Path, data: bytes) -> None:
    """A content error names the fuzzed file and a line that exists in it."""
    assert isinstance(error, ContentError), repr(error)
    assert error.path == path, f"{error} names {error.path}, not {path}"
    last_line = max(data.count(b"\n"), data.count(b"\r")) + 1
    assert 1 <= error.line <= last_line, f"{error}: line {error.line} of a {last_line}-line file"
    assert f":{error.line}: " in str(error) and error.message


@pytest.fixture(scope="module")
def course() -> Course:
    return load_course()


@pytest.fixture(scope="module")
def fuzz_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz-content")
    for folder in ("lessons", "quizzes"):
        (root / folder).mkdir()
    return root


def _write(folder: Path, name: str, data: bytes) -> Path:
    for old in folder.iterdir():
        old.unlink()
    path = folder / name
    path.write_bytes(data)
    return path


LESSON_BASES = [(path.name, path.read_bytes()) for path in LESSONS]


@settings(FUZZ, max_examples=LESSON_EXAMPLES)
@given(case=mutated(LESSON_BASES), with_original=st.booleans())
def test_fuzzed_lessons_load_or_name_file_and_line(
    fuzz_root: Path, case: tuple[str, bytes], with_original: bool
) -> None:
    name, data = case
    folder = fuzz_root / "lessons"
    path = _write(folder, "99-" + name.split("-", 1)[1], data)
    if with_original:  # exercises the duplicate-id check too
        (folder / name).write_bytes(dict(LESSON_BASES)[name])
    course = load_course(fuzz_root)
    for error in course.errors:
        if error.path == path:
            check_error(error, path, data)
    for lesson in course.lessons:
        lesson_markdown(lesson, question_prompt=lambda _q: None, link_terms=lambda text: text)
        lesson_slides(lesson)


QUIZ_BASES = [(path.name, path.read_bytes()) for path in QUIZZES]
RESPONSES = (0, 1, 3, -1, 99, "0,1", "2 1 0", "", "x", True, False, "12.5", 1e308, float("nan"), [0, 0], ())


@settings(FUZZ, max_examples=QUIZ_EXAMPLES)
@given(case=mutated(QUIZ_BASES))
def test_fuzzed_quizzes_load_or_name_file_and_line(
    fuzz_root: Path, course: Course, case: tuple[str, bytes]
) -> None:
    name, data = case
    path = _write(fuzz_root / "quizzes", name, data)
    bank = load_quizzes(course, root=fuzz_root)
    for error in bank.errors:
        check_error(error, path, data)
    for question in bank.all_questions():
        # What the quiz page does with a loaded question: show the answer, mark responses, scramble an order.
        with contextlib.suppress(ValueError):  # an answer_from the calculator rejects: the page explains it
            expected_text(question)
        for response in RESPONSES:
            with contextlib.suppress(ValueError):  # a response the page asks the student to fix
                grade(question, response)
        if question.kind == "ordering":
            assert sorted(ordering_start(question)) == list(range(len(question.options)))


def _glossary_bases() -> list[tuple[str, bytes]]:
    """Slices of a few consecutive terms: realistic files, small enough to fuzz thousands of times."""
    text = (CONTENT / "glossary.toml").read_bytes()
    starts = [m.start() for m in re.finditer(rb"(?m)^\[\[terms\]\]", text)] + [len(text)]
    bases = []
    for i in range(0, len(starts) - 1, 4):
        end = starts[min(i + 1 + (i % 5), len(starts) - 1)]
        bases.append((f"glossary-{i}", text[starts[i] : end]))
    return bases


GLOSSARY_BASES = _glossary_bases()
SAMPLE_TEXT = (
    "Under capitation a plan pays a fixed PMPM amount; risk adjustment (CMS-HCC) raises it for sicker members. "
    "See [the principles lesson](lesson:principles) and `code`. Medicare, Medicaid, ACOs and DRGs."
)


@settings(FUZZ, max_examples=GLOSSARY_EXAMPLES)
@given(case=mutated(GLOSSARY_BASES))
def test_fuzzed_glossaries_load_or_name_file_and_line(
    fuzz_root: Path, course: Course, case: tuple[str, bytes]
) -> None:
    _name, data = case
    path = fuzz_root / "glossary.toml"
    path.write_bytes(data)
    glossary = load_glossary(course, root=fuzz_root)
    for error in glossary.errors:
        check_error(error, path, data)
    # What the app does with the terms: link them in lesson text, filter the glossary page, show tooltips.
    glossary.link_terms(SAMPLE_TEXT)
    glossary.filter("care")
    for term in glossary.terms:
        term.tooltip()
        assert glossary.term(term.term) is not None


def test_the_bases_are_the_shipped_files() -> None:
    assert len(LESSON_BASES) >= 10 and len(QUIZ_BASES) >= 10 and len(GLOSSARY_BASES) >= 10


STAKEHOLDER_BASES = [("stakeholders.toml", (CONTENT / "stakeholders.toml").read_bytes())]


@settings(FUZZ, max_examples=STAKEHOLDER_EXAMPLES)
@given(case=mutated(STAKEHOLDER_BASES))
def test_fuzzed_stakeholder_maps_load_or_name_file_and_line(fuzz_root: Path, case: tuple[str, bytes]) -> None:
    _name, data = case
    path = fuzz_root / "stakeholders.toml"
    path.write_bytes(data)
    try:
        load_stakeholder_map(path)
    except ContentError as error:
        check_error(error, path, data)
