"""Loading and validating the course: lessons are Markdown files with TOML front matter between ``+++`` lines.

Every problem becomes a :class:`ContentError` that names the file and line
(``content/lessons/04-mechanisms.md:3: missing "title"``); a broken lesson is reported and the rest of the course
still loads.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from healthalloc.core.resources import content_dir, repo_relative

FRONT_MATTER_FENCE = "+++"
REQUIRED_KEYS = ("id", "title", "module", "order", "minutes", "objectives", "sources")
OPTIONAL_KEYS: tuple[str, ...] = ("short_title",)
SOURCE_KEYS = ("title", "publisher", "year", "url")
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_FILE_BYTES = 512 * 1024
SPECIAL_BLOCKS = ("notes", "check", "chart")


class ContentError(Exception):
    """A problem in a content file, located by file and line."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        self.path = Path(path)
        self.line = max(1, int(line))
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{repo_relative(self.path)}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Source:
    title: str
    publisher: str
    year: int
    url: str

    def citation(self) -> str:
        return f"{self.publisher} ({self.year}). {self.title}."


@dataclass(frozen=True)
class Section:
    """One ``##`` section of a lesson: a slide in presentation mode."""

    title: str
    slug: str
    markdown: str
    line: int
    notes: str = ""
    checks: tuple[str, ...] = ()
    charts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    module: str
    order: int
    minutes: int
    objectives: tuple[str, ...]
    sources: tuple[Source, ...]
    intro: str
    sections: tuple[Section, ...]
    path: Path
    short_title: str = ""

    def section(self, slug: str) -> Section | None:
        return next((s for s in self.sections if s.slug == slug), None)


@dataclass
class Course:
    """All loaded content. ``errors`` lists every problem found; broken lessons appear in ``broken``."""

    lessons: list[Lesson] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)
    broken: dict[str, list[ContentError]] = field(default_factory=dict)
    root: Path | None = None

    def lesson(self, lesson_id: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)

    def modules(self) -> list[tuple[str, list[Lesson]]]:
        """Modules in the order of their first lesson, each with its lessons in order."""
        grouped: dict[str, list[Lesson]] = {}
        for lesson in self.lessons:
            grouped.setdefault(lesson.module, []).append(lesson)
        return list(grouped.items())

    def neighbours(self, lesson_id: str) -> tuple[Lesson | None, Lesson | None]:
        ids = [lesson.id for lesson in self.lessons]
        if lesson_id not in ids:
            return None, None
        i = ids.index(lesson_id)
        return (self.lessons[i - 1] if i > 0 else None, self.lessons[i + 1] if i + 1 < len(ids) else None)


def slugify(heading: str) -> str:
    """``"Risk-adjusted capitation (CMS-HCC)"`` → ``"risk-adjusted-capitation-cms-hcc"``."""
    text = re.sub(r"[^\w\s-]", "", heading.lower())
    return re.sub(r"[\s_-]+", "-", text).strip("-")


def load_course(root: Path | None = None) -> Course:
    """Load every lesson under ``root/lessons`` (default: the app's content folder)."""
    root = root or content_dir()
    course = Course(root=root)
    seen: dict[str, Path] = {}
    lesson_dir = root / "lessons"
    paths = sorted(lesson_dir.glob("*.md")) if lesson_dir.is_dir() else []
    if not paths:
        course.errors.append(ContentError(lesson_dir, 1, "no lesson files (*.md) found"))
    for path in paths:
        try:
            lesson = parse_lesson_file(path)
        except ContentError as error:
            course.errors.append(error)
            course.broken.setdefault(_broken_key(path), []).append(error)
            continue
        if lesson.id in seen:
            front = path.read_text("utf-8").split(FRONT_MATTER_FENCE)
            duplicate = ContentError(
                path,
                _key_line(front[1].lstrip("\n") if len(front) > 1 else "", "id"),
                f'duplicate id "{lesson.id}" (also in {seen[lesson.id].name})',
            )
            course.errors.append(duplicate)
            course.broken.setdefault(_broken_key(path), []).append(duplicate)
            continue
        seen[lesson.id] = path
        course.lessons.append(lesson)
    course.lessons.sort(key=lambda lesson: (lesson.order, lesson.id))
    return course


def _broken_key(path: Path) -> str:
    """A page id for a lesson that failed to load: its file stem without the number (``04-mechanisms`` → ``mechanisms``)."""
    return re.sub(r"^\d+-", "", path.stem)


def parse_lesson_file(path: Path) -> Lesson:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ContentError(path, 1, f"file is larger than {MAX_FILE_BYTES // 1024} KiB")
        raw = path.read_bytes()
    except OSError as error:
        raise ContentError(path, 1, f"cannot read file: {error.strerror or error}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ContentError(path, line, "not valid UTF-8 text") from None
    return parse_lesson(text, path)


def parse_lesson(text: str, path: Path) -> Lesson:
    """Parse one lesson's text. Raises :class:`ContentError` for the first problem found."""
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        raise ContentError(path, 1, f'the file must start with front matter between "{FRONT_MATTER_FENCE}" lines')
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == FRONT_MATTER_FENCE)
    except StopIteration:
        raise ContentError(path, 1, f'front matter is not closed: no second "{FRONT_MATTER_FENCE}" line') from None
    front_text = "\n".join(lines[1:end])
    try:
        meta = tomllib.loads(front_text)
    except ValueError as error:
        line, message = toml_problem(error, front_text)
        raise ContentError(path, line + 1, f"front matter is not valid TOML: {message}") from None
    _validate_meta(meta, front_text, path)
    body_lines = lines[end + 1 :]
    intro, sections = _split_sections(body_lines, end + 2, path)
    if not sections:
        raise ContentError(path, end + 2, 'the lesson has no sections: add "## " headings')
    return Lesson(
        id=meta["id"],
        title=meta["title"].strip(),
        module=meta["module"].strip(),
        order=meta["order"],
        minutes=meta["minutes"],
        objectives=tuple(o.strip() for o in meta["objectives"]),
        sources=tuple(Source(s["title"], s["publisher"], s["year"], s["url"]) for s in meta["sources"]),
        intro=intro,
        sections=tuple(sections),
        path=path,
        short_title=str(meta.get("short_title", "")).strip(),
    )


def toml_problem(error: ValueError, text: str) -> tuple[int, str]:
    """Where and what went wrong when ``tomllib.loads(text)`` failed: (1-based line in ``text``, message).

    Besides ``TOMLDecodeError`` ("... (at line L, column C)"), ``tomllib`` raises a bare ``ValueError`` for an
    integer longer than Python's 4,300-digit conversion limit; that one names no line, so it is looked for here.
    """
    match = re.search(r"at line (\d+)", str(error))
    if match:
        return int(match.group(1)), re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
    number = re.search(r"\d[\d_]{4000,}", text)
    if number:
        return text.count("\n", 0, number.start()) + 1, "a number is far too long"
    return 1, str(error)


def _key_line(front_text: str, key: str, *, start: int = 0) -> int:
    """The 1-based file line where ``key = ...`` appears in the front matter (front matter starts at file line 2)."""
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=|[{{,]\s*{re.escape(key)}\s*=")
    for i, line in enumerate(front_text.split("\n")[start:], start):
        if pattern.search(line):
            return i + 2
    return 1


def _validate_meta(meta: dict[str, Any], front_text: str, path: Path) -> None:
    allowed = set(REQUIRED_KEYS) | set(OPTIONAL_KEYS)
    for key in meta:
        if key not in allowed:
            import difflib  # only when a key is wrong: not worth its import at start-up

            guess = difflib.get_close_matches(key, sorted(allowed), n=1)
            hint = f' (did you mean "{guess[0]}"?)' if guess else f" (allowed: {', '.join(REQUIRED_KEYS)})"
            raise ContentError(path, _key_line(front_text, key), f'unknown key "{key}"{hint}')
    for key in REQUIRED_KEYS:
        if key not in meta:
            raise ContentError(path, 1, f'missing "{key}"')

    def fail(key: str, message: str) -> ContentError:
        return ContentError(path, _key_line(front_text, key), message)

    if "short_title" in meta and (not isinstance(meta["short_title"], str) or not meta["short_title"].strip()):
        raise fail("short_title", '"short_title" must be a non-empty string')
    for key in ("id", "title", "module"):
        if not isinstance(meta[key], str) or not meta[key].strip():
            raise fail(key, f'"{key}" must be a non-empty string')
    if not ID_PATTERN.match(meta["id"]):
        raise fail(
            "id", f'"id" must be lower-case words joined by hyphens, like "risk-adjustment"; got "{meta["id"]}"'
        )
    for key, low, high in (("order", 0, 999), ("minutes", 1, 240)):
        value = meta[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise fail(key, f'"{key}" must be a whole number from {low} to {high}')
    objectives = meta["objectives"]
    if not isinstance(objectives, list) or not all(isinstance(o, str) and o.strip() for o in objectives):
        raise fail("objectives", '"objectives" must be a list of non-empty strings')
    if not 1 <= len(objectives) <= 6:
        raise fail("objectives", f'"objectives" should list 2 to 4 learning objectives; found {len(objectives)}')
    sources = meta["sources"]
    if not isinstance(sources, list) or not sources:
        raise fail("sources", '"sources" must be a non-empty list of { title, publisher, year, url } tables')
    front_lines = front_text.split("\n")
    start = _key_line(front_text, "sources") - 2
    table_lines = [
        i for i in range(max(start, 0), len(front_lines)) if "{" in front_lines[i] or "[[" in front_lines[i]
    ]
    for number, source in enumerate(sources, 1):
        source_line = (table_lines[number - 1] if number <= len(table_lines) else start) + 2
        if not isinstance(source, dict):
            raise ContentError(
                path, source_line, f"source {number} must be a table {{ title, publisher, year, url }}"
            )
        for key in source:
            if key not in SOURCE_KEYS:
                raise ContentError(path, source_line, f'source {number}: unknown key "{key}"')
        for key in SOURCE_KEYS:
            if key not in source:
                raise ContentError(path, source_line, f'source {number}: missing "{key}"')
        for key in ("title", "publisher", "url"):
            if not isinstance(source[key], str) or not source[key].strip():
                raise ContentError(path, source_line, f'source {number}: "{key}" must be a non-empty string')
        year = source["year"]
        if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2100:
            raise ContentError(path, source_line, f"source {number}: bad year {year!r} (expected e.g. 2025)")
        if not source["url"].startswith(("https://", "http://")):
            raise ContentError(path, source_line, f'source {number}: "url" must start with https://')


_FENCE = re.compile(r"^(```+|~~~+)\s*([\w-]*)\s*$")
_TITLE_HEADING = re.compile(r"^#\s")


def _fence(line: str) -> re.Match[str] | None:
    """The fence a line opens or closes (```` ```lang ```` or ``~~~``), if any. Most lines start otherwise: a quick
    look at the first characters spares the regular expression (the course is parsed before the first paint)."""
    stripped = line.strip()
    return _FENCE.match(stripped) if stripped[:3] in ("```", "~~~") else None


def _split_sections(body: list[str], first_line: int, path: Path) -> tuple[str, list[Section]]:
    """Split the body at ``## `` headings (outside fenced code), pulling out notes/check/chart blocks."""
    chunks: list[tuple[str, int, list[str]]] = [("", first_line, [])]
    in_fence = ""
    for offset, text in enumerate(body):
        fence = _fence(text)
        if fence:
            if not in_fence:
                in_fence = fence.group(1)
            elif fence.group(1) == in_fence and not fence.group(2):
                in_fence = ""
        if not in_fence and text.startswith("## "):
            chunks.append((text[3:].strip(), first_line + offset, []))
            continue
        if not in_fence and _TITLE_HEADING.match(text):
            raise ContentError(
                path, first_line + offset, 'use "## " for section headings; the title comes from the front matter'
            )
        chunks[-1][2].append(text)
    if in_fence:
        raise ContentError(path, first_line + len(body) - 1, "a fenced block (```) is not closed")
    intro = _extract_blocks(chunks[0][2], chunks[0][1], path)[0].strip()
    sections: list[Section] = []
    slugs: dict[str, int] = {}
    for title, line, lines in chunks[1:]:
        if not title:
            raise ContentError(path, line, "a section heading is empty")
        markdown, notes, checks, charts = _extract_blocks(lines, line + 1, path)
        if not markdown.strip() and not checks and not charts:
            raise ContentError(path, line, f'section "{title}" is empty')
        slug = slugify(title)
        if slug in slugs:
            raise ContentError(path, line, f'two sections are called "{title}" (first on line {slugs[slug]})')
        slugs[slug] = line
        sections.append(Section(title, slug, markdown.strip(), line, notes, tuple(checks), tuple(charts)))
    return intro, sections


def _extract_blocks(lines: list[str], first_line: int, path: Path) -> tuple[str, str, list[str], list[str]]:
    """Remove ``notes`` blocks; keep ``check``/``chart`` blocks in place as markers the renderer replaces."""
    kept: list[str] = []
    notes: list[str] = []
    checks: list[str] = []
    charts: list[str] = []
    i = 0
    while i < len(lines):
        fence = _fence(lines[i])
        if fence and fence.group(2) in SPECIAL_BLOCKS:
            kind = fence.group(2)
            start = i
            i += 1
            inner: list[str] = []
            while i < len(lines) and lines[i].strip() != fence.group(1):
                inner.append(lines[i])
                i += 1
            content = "\n".join(inner).strip()
            if not content:
                raise ContentError(path, first_line + start, f'the "{kind}" block is empty')
            if kind == "notes":
                notes.append(content)
            else:
                if not ID_PATTERN.match(content):
                    raise ContentError(
                        path, first_line + start + 1, f'a "{kind}" block holds one id, got "{content}"'
                    )
                (checks if kind == "check" else charts).append(content)
                kept.append(f"<!-- {kind}:{content} -->")
            i += 1
            continue
        kept.append(lines[i])
        i += 1
    return "\n".join(kept), "\n\n".join(notes), checks, charts


def iter_sections(course: Course) -> Iterable[tuple[Lesson, Section]]:
    for lesson in course.lessons:
        for section in lesson.sections:
            yield lesson, section
