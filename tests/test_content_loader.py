"""The lesson loader: every shipped lesson loads, and every validation error names its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from healthalloc.core.content import ContentError, load_course, parse_lesson, slugify

GOOD = """+++
id = "sample"
title = "A sample lesson"
module = "Testing"
order = 1
minutes = 5
objectives = ["Read a lesson", "Answer a question"]
sources = [
  { title = "NHE 2024", publisher = "CMS", year = 2026, url = "https://www.cms.gov/" },
]
+++

An introduction.

## First section

Some text with a [link](lesson:other).

```notes
Say hello.
```

## Second section

```chart
intl-spending
```
"""


def write(tmp_path: Path, text: str, name: str = "01-sample.md") -> Path:
    folder = tmp_path / "lessons"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def error_for(tmp_path: Path, text: str) -> ContentError:
    path = write(tmp_path, text)
    with pytest.raises(ContentError) as info:
        parse_lesson(path.read_text("utf-8"), path)
    return info.value


def test_every_shipped_lesson_loads_without_errors() -> None:
    course = load_course()
    assert course.errors == []
    assert len(course.lessons) >= 10
    ids = [lesson.id for lesson in course.lessons]
    for required in (
        "overview",
        "stakeholders",
        "payers-providers",
        "mechanisms",
        "principles",
        "policy",
        "value-based",
        "challenges",
        "future",
        "international",
    ):
        assert required in ids
    for lesson in course.lessons:
        assert 2 <= len(lesson.objectives) <= 4, lesson.id
        assert lesson.sources, lesson.id
        assert len(lesson.sections) >= 3, lesson.id


def test_a_good_lesson_parses_into_sections_with_notes_and_charts(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    lesson = parse_lesson(GOOD, path)
    assert lesson.id == "sample"
    assert [s.title for s in lesson.sections] == ["First section", "Second section"]
    assert lesson.sections[0].notes == "Say hello."
    assert "Say hello" not in lesson.sections[0].markdown
    assert lesson.sections[1].charts == ("intl-spending",)
    assert lesson.sections[0].line == 15
    assert lesson.intro == "An introduction."


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (('title = "A sample lesson"\n', ""), 1, 'missing "title"'),
        (("minutes = 5", 'minutes = 5\ncolour = "red"'), 7, 'unknown key "colour"'),
        (("order = 1", "ordr = 1"), 5, 'did you mean "order"'),
        (("year = 2026", "year = 1066"), 9, "bad year 1066"),
        (("year = 2026", 'year = "soon"'), 9, "bad year"),
        (("minutes = 5", 'minutes = "five"'), 6, '"minutes" must be a whole number'),
        (('id = "sample"', 'id = "Sample Lesson"'), 2, '"id" must be lower-case'),
        (('objectives = ["Read a lesson", "Answer a question"]', 'objectives = "read"'), 7, "objectives"),
        (('url = "https://www.cms.gov/"', 'url = "cms.gov"'), 9, '"url" must start with https://'),
        (('module = "Testing"', 'module = "Testing'), 4, "not valid TOML"),
        (
            ("## Second section\n", "## Second section\n\n## Third\n\nText\n"),
            23,
            'section "Second section" is empty',
        ),
        (("## Second section", "## First section"), 23, "two sections are called"),
        (("## First section", "# First section"), 15, 'use "## "'),
    ],
)
def test_validation_errors_name_file_and_line(
    tmp_path: Path, change: tuple[str, str], line: int, message: str
) -> None:
    old, new = change
    assert old in GOOD
    error = error_for(tmp_path, GOOD.replace(old, new, 1))
    assert message in error.message
    assert error.line == line, str(error)
    assert str(error).startswith(f"{error.path}:{line}: ") or f"01-sample.md:{line}: " in str(error)


def test_missing_front_matter_and_unclosed_front_matter(tmp_path: Path) -> None:
    assert "must start with front matter" in error_for(tmp_path, "## Hello\n\nText\n").message
    assert "not closed" in error_for(tmp_path, "+++\nid = 'x'\n").message


def test_empty_section_after_removing_notes_is_an_error(tmp_path: Path) -> None:
    text = GOOD.replace("Some text with a [link](lesson:other).\n", "")
    assert 'section "First section" is empty' in error_for(tmp_path, text).message


def test_a_broken_lesson_is_reported_and_the_rest_still_load(tmp_path: Path) -> None:
    write(tmp_path, GOOD, "01-sample.md")
    write(
        tmp_path, GOOD.replace('title = "A sample lesson"\n', "").replace('"sample"', '"broken"'), "02-broken.md"
    )
    write(tmp_path, GOOD.replace('"sample"', '"third"'), "03-third.md")
    course = load_course(tmp_path)
    assert [lesson.id for lesson in course.lessons] == ["sample", "third"]
    assert len(course.errors) == 1
    assert str(course.errors[0]).endswith('02-broken.md:1: missing "title"')
    assert "broken" in course.broken


def test_duplicate_ids_are_reported(tmp_path: Path) -> None:
    write(tmp_path, GOOD, "01-sample.md")
    write(tmp_path, GOOD, "02-again.md")
    course = load_course(tmp_path)
    assert len(course.lessons) == 1
    assert 'duplicate id "sample"' in str(course.errors[0])
    assert ":2: " in str(course.errors[0])


def test_non_utf8_file_is_an_error_not_a_crash(tmp_path: Path) -> None:
    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / "01-bad.md").write_bytes(b'+++\nid = "bad"\n\xff\xfe\n+++\n')
    course = load_course(tmp_path)
    assert course.lessons == []
    assert "not valid UTF-8" in str(course.errors[0])
    assert ":3: " in str(course.errors[0])


def test_slugify_matches_link_anchors() -> None:
    assert slugify("Risk-adjusted capitation (CMS-HCC)") == "risk-adjusted-capitation-cms-hcc"
    assert slugify("Budget, eligibility, purpose") == "budget-eligibility-purpose"
