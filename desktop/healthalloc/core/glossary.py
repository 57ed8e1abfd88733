"""The glossary: loading ``content/glossary.toml`` and linking its terms in lesson text.

Each ``[[terms]]`` table names a term, its aliases, a plain definition, an example, related terms and the lesson
that teaches it (format in ``content/README.md``). :meth:`Glossary.link_terms` turns the first use of each term in a
piece of Markdown into ``[text](glossary:slug)``; the lesson page calls it once per section.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from healthalloc.core.content import ContentError, Course, slugify, toml_problem
from healthalloc.core.resources import content_dir

TERM_KEYS = ("term", "aliases", "definition", "example", "related", "lesson")
REQUIRED_KEYS = ("term", "definition", "example", "lesson")
MAX_FILE_BYTES = 512 * 1024


@dataclass(frozen=True)
class Term:
    term: str
    slug: str
    definition: str
    example: str
    lesson: str
    aliases: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    line: int = 1

    def names(self) -> tuple[str, ...]:
        return (self.term, *self.aliases)

    def tooltip(self) -> str:
        return f"{self.term}: {self.definition}"


@dataclass
class Glossary:
    terms: list[Term] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)
    path: Path | None = None
    _pattern: re.Pattern[str] | None = field(default=None, repr=False)
    _by_name: dict[str, Term] = field(default_factory=dict, repr=False)

    def term(self, key: str) -> Term | None:
        """A term by slug, name or alias (any case): ``"pmpm"``, ``"PMPM"``, ``"per member per month"``."""
        key = key.strip()
        if not key:
            return None
        slug = slugify(key)
        for term in self.terms:
            if term.slug == slug:
                return term
        self._index()
        return self._by_name.get(key.casefold())

    def _index(self) -> None:
        if self._by_name or not self.terms:
            return
        for term in self.terms:
            for name in term.names():
                self._by_name.setdefault(name.casefold(), term)

    def sorted_terms(self) -> list[Term]:
        return sorted(self.terms, key=lambda t: t.term.casefold())

    def filter(self, text: str, *, lesson: str = "") -> list[Term]:
        """Terms whose name, alias or definition contains every word of ``text`` (name matches first)."""
        words = text.casefold().split()
        pool = [t for t in self.sorted_terms() if not lesson or t.lesson == lesson]
        if not words:
            return pool
        by_name: list[Term] = []
        by_text: list[Term] = []
        for term in pool:
            names = " ".join(term.names()).casefold()
            if all(word in names for word in words):
                by_name.append(term)
            elif all(word in f"{names} {term.definition} {term.example}".casefold() for word in words):
                by_text.append(term)
        return by_name + by_text

    # ------------------------------------------------------------------ linking terms in lesson text
    def pattern(self) -> re.Pattern[str] | None:
        """One regex matching every name, longest first; acronyms (all capitals) match only in capitals."""
        if self._pattern is None and self.terms:
            self._index()
            names = sorted({n for t in self.terms for n in t.names()}, key=len, reverse=True)
            parts = []
            for name in names:
                body = r"\s+".join(re.escape(word) for word in name.split())
                plural = r"(?:s|es)?" if name[-1:].isalnum() else ""
                if _is_acronym(name):
                    parts.append(rf"(?-i:{body}){plural}")
                else:
                    parts.append(body + plural)
            self._pattern = re.compile(r"(?<![\w/-])(?:" + "|".join(parts) + r")(?![\w-])", re.IGNORECASE)
        return self._pattern

    def match_term(self, text: str) -> Term | None:
        """The term a matched piece of text stands for (``"deductibles"`` → Deductible)."""
        key = " ".join(text.split()).casefold()
        self._index()
        for candidate in (key, key[:-1], key[:-2]):
            term = self._by_name.get(candidate)
            if term is not None:
                return term
        return None

    def link_terms(self, markdown: str, *, skip: frozenset[str] = frozenset()) -> str:
        """Link the first use of each term in ``markdown`` as ``[text](glossary:slug)``.

        Text inside code, links, images, HTML comments, autolinks and headings is left alone; a term whose slug is
        in ``skip`` is not linked (e.g. on the glossary entry for the term itself).
        """
        pattern = self.pattern()
        if pattern is None or not markdown:
            return markdown
        linked: set[str] = set(skip)
        out: list[str] = []
        position = 0
        for start, end in _free_spans(markdown):
            out.append(markdown[position:start])
            chunk = markdown[start:end]

            def replace(match: re.Match[str]) -> str:
                term = self.match_term(match.group(0))
                if term is None or term.slug in linked:
                    return match.group(0)
                linked.add(term.slug)
                return f"[{match.group(0)}](glossary:{term.slug})"

            out.append(pattern.sub(replace, chunk))
            position = end
        out.append(markdown[position:])
        return "".join(out)


def _is_acronym(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= max(2, len(letters) - 1)


# Pieces of Markdown where a link must not be inserted.
_PROTECTED = re.compile(
    r"```.*?```"  # fenced code
    r"|~~~.*?~~~"
    r"|<!--.*?-->"  # comments (check/chart markers)
    r"|`[^`\n]*`"  # inline code
    r"|!?\[[^\]\n]*\]\([^)\n]*\)"  # links and images
    r"|!?\[[^\]\n]*\]\[[^\]\n]*\]"  # reference links
    r"|<[a-z]+:[^>\n]*>"  # autolinks
    r"|<[^>\n]+>"  # inline HTML tags
    r"|^\#{1,6}\s[^\n]*$"  # headings
    r"|^\s*\[[^\]\n]+\]:[^\n]*$",  # link definitions
    re.DOTALL | re.MULTILINE | re.IGNORECASE,
)


def _free_spans(markdown: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    position = 0
    for match in _PROTECTED.finditer(markdown):
        if match.start() > position:
            spans.append((position, match.start()))
        position = max(position, match.end())
    if position < len(markdown):
        spans.append((position, len(markdown)))
    return spans


# ---------------------------------------------------------------------------------------------------- loading
def load_glossary(course: Course | None = None, root: Path | None = None) -> Glossary:
    """Load ``root/glossary.toml``. Problems are collected in ``errors``; the good terms still load."""
    root = root or (course.root if course is not None and course.root is not None else content_dir())
    path = root / "glossary.toml"
    glossary = Glossary(path=path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ContentError(path, 1, f"file is larger than {MAX_FILE_BYTES // 1024} KiB")
        raw = path.read_bytes()
    except FileNotFoundError:
        glossary.errors.append(ContentError(path, 1, "the glossary file is missing"))
        return glossary
    except OSError as error:
        glossary.errors.append(ContentError(path, 1, f"cannot read file: {error.strerror or error}"))
        return glossary
    except ContentError as error:
        glossary.errors.append(error)
        return glossary
    try:
        text = raw.decode("utf-8").replace("\r\n", "\n").lstrip("\ufeff")
        data = tomllib.loads(text)
    except UnicodeDecodeError as error:
        glossary.errors.append(ContentError(path, raw[: error.start].count(b"\n") + 1, "not valid UTF-8 text"))
        return glossary
    except ValueError as error:  # TOMLDecodeError, or a number too long for Python to convert
        line, message = toml_problem(error, text)
        glossary.errors.append(ContentError(path, line, f"not valid TOML: {message}"))
        return glossary
    tables = data.get("terms")
    if not isinstance(tables, list) or not tables:
        glossary.errors.append(ContentError(path, 1, "no terms: add [[terms]] tables"))
        return glossary
    starts = [i for i, line in enumerate(text.split("\n"), 1) if re.match(r"^\s*\[\[\s*terms\s*\]\]", line)]
    lesson_ids = {lesson.id for lesson in course.lessons} if course is not None else None
    names: dict[str, int] = {}
    for index, table in enumerate(tables):
        line = starts[index] if index < len(starts) else 1
        try:
            term = _parse_term(table, path, line, lesson_ids)
            for name in term.names():
                key = name.casefold()
                if key in names:
                    raise ContentError(path, line, f'"{name}" is already a term or alias (line {names[key]})')
            for name in term.names():
                names[name.casefold()] = line
        except ContentError as error:
            glossary.errors.append(error)
            continue
        glossary.terms.append(term)
    known = {t.term.casefold() for t in glossary.terms}
    for term in glossary.terms:
        for related in term.related:
            if related.casefold() not in known:
                guess = difflib.get_close_matches(related, [t.term for t in glossary.terms], n=1)
                hint = f' (did you mean "{guess[0]}"?)' if guess else ""
                glossary.errors.append(
                    ContentError(
                        path, term.line, f'"{term.term}": related term "{related}" is not in the glossary{hint}'
                    )
                )
    return glossary


def _parse_term(table: Any, path: Path, line: int, lesson_ids: set[str] | None) -> Term:
    if not isinstance(table, dict):
        raise ContentError(path, line, "each [[terms]] entry must be a table")
    label = f'term "{table.get("term", "?")}"'
    for key in table:
        if key not in TERM_KEYS:
            guess = difflib.get_close_matches(key, TERM_KEYS, n=1)
            hint = f' (did you mean "{guess[0]}"?)' if guess else f" (allowed: {', '.join(TERM_KEYS)})"
            raise ContentError(path, line, f'{label}: unknown key "{key}"{hint}')
    for key in REQUIRED_KEYS:
        if not isinstance(table.get(key), str) or not table[key].strip():
            raise ContentError(path, line, f'{label}: "{key}" must be a non-empty string')
    lists: dict[str, tuple[str, ...]] = {}
    for key in ("aliases", "related"):
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise ContentError(path, line, f'{label}: "{key}" must be a list of non-empty strings')
        lists[key] = tuple(v.strip() for v in value)
    lesson = table["lesson"].strip()
    if lesson_ids is not None and lesson not in lesson_ids:
        guess = difflib.get_close_matches(lesson, sorted(lesson_ids), n=1)
        hint = f' (did you mean "{guess[0]}"?)' if guess else ""
        raise ContentError(path, line, f'{label}: no lesson has the id "{lesson}"{hint}')
    name = table["term"].strip()
    return Term(
        term=name,
        slug=slugify(name),
        definition=table["definition"].strip(),
        example=table["example"].strip(),
        lesson=lesson,
        aliases=lists["aliases"],
        related=lists["related"],
        line=line,
    )
