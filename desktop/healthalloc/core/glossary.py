"""The glossary: loading ``content/glossary.toml`` and linking its terms in lesson text.

Each ``[[terms]]`` table names a term, its aliases, a plain definition, an example, related terms and the lesson
that teaches it (format in ``content/README.md``). :meth:`Glossary.link_terms` turns the first use of each term in a
piece of Markdown into ``[text](glossary:slug)``; the lesson page calls it once per section.
"""

from __future__ import annotations

import difflib
import itertools
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
    _names: dict[str, list[_Name]] | None = field(default=None, repr=False)
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
    def _name_index(self) -> dict[str, list[_Name]]:
        """First word (case-folded) → the names starting with it, longest first. Built once (about 2 ms)."""
        if self._names is None:
            self._index()
            index: dict[str, list[_Name]] = {}
            for name, term in self._by_name_exact().items():
                found = list(_WORD.finditer(name))
                if not found:
                    continue
                words = tuple(m.group(0) for m in found)
                gaps = tuple(
                    " " if name[a.end() : b.start()].isspace() else name[a.end() : b.start()]
                    for a, b in itertools.pairwise(found)
                )
                index.setdefault(words[0].casefold(), []).append(
                    _Name(words, gaps, _is_acronym(name), term, len(name))
                )
            for entries in index.values():
                entries.sort(key=lambda entry: entry.length, reverse=True)
            self._names = index
        return self._names

    def _by_name_exact(self) -> dict[str, Term]:
        names: dict[str, Term] = {}
        for term in self.terms:
            for name in term.names():
                names.setdefault(name, term)
        return names

    def match_term(self, text: str) -> Term | None:
        """The term a matched piece of text stands for (``"deductibles"`` → Deductible)."""
        key = " ".join(text.split()).casefold()
        self._index()
        for candidate in (key, key[:-1], key[:-2]):
            term = self._by_name.get(candidate)
            if term is not None:
                return term
        return None

    def _match_at(self, chunk: str, tokens: list[re.Match[str]], i: int) -> tuple[int, Term] | None:
        """The longest name starting at token ``i``: (index of its last token, term), or None.

        Rules: words separated by white space only; the last word may add a plural "s"/"es"; a name in capitals
        (an acronym) matches only in capitals; a word run straight on from "/" or "-" is not a match.
        """
        first = tokens[i].group(0)
        keys = [first.casefold()]
        if first[-1:] in "sS":
            keys += (
                [first[:-1].casefold(), first[:-2].casefold()]
                if first[-2:].lower() == "es"
                else [first[:-1].casefold()]
            )
        index = self._name_index()
        best: tuple[int, int, Term] | None = None
        for key in keys:
            for name in index.get(key, ()):
                last = i + len(name.words) - 1
                if last >= len(tokens):
                    continue
                if not all(
                    _gap_matches(chunk[tokens[k].end() : tokens[k + 1].start()], name.gaps[k - i])
                    for k in range(i, last)
                ):
                    continue
                found = [tokens[k].group(0) for k in range(i, last + 1)]
                if not _words_match(name.words, found, name.acronym):
                    continue
                length = tokens[last].end() - tokens[i].start()
                if best is None or length > best[0]:
                    best = (length, last, name.term)
        return (best[1], best[2]) if best else None

    def link_terms(self, markdown: str, *, skip: frozenset[str] = frozenset()) -> str:
        """Link the first use of each term in ``markdown`` as ``[text](glossary:slug)``.

        Text inside code, links, images, HTML comments, autolinks and headings is left alone; a term whose slug is
        in ``skip`` is not linked (e.g. on the glossary entry for the term itself).
        """
        if not self.terms or not markdown:
            return markdown
        linked: set[str] = set(skip)
        out: list[str] = []
        position = 0
        for start, end in _free_spans(markdown):
            out.append(markdown[position:start])
            chunk = markdown[start:end]
            tokens = list(_WORD.finditer(chunk))
            cursor = 0
            i = 0
            while i < len(tokens):
                found = self._match_at(chunk, tokens, i)
                if found is None:
                    i += 1
                    continue
                last, term = found
                if term.slug not in linked:
                    linked.add(term.slug)
                    begin, finish = tokens[i].start(), tokens[last].end()
                    out.append(chunk[cursor:begin])
                    out.append(f"[{chunk[begin:finish]}](glossary:{term.slug})")
                    cursor = finish
                i = last + 1
            out.append(chunk[cursor:])
            position = end
        out.append(markdown[position:])
        return "".join(out)


# A word as the linker sees it: letters, digits, "_" and inner hyphens, dots and ampersands ("out-of-pocket",
# "AT&T"), a lone "&" ("Medicare & Medicaid") or a possessive "'s" ("CMS's" is CMS + 's, so CMS still links);
# never a word run straight on from "/" or "-" ("and/or").
_WORD = re.compile(r"(?<![\w/-])\w(?:[\w&.-]*\w)?|&|['’]s\b")


@dataclass(frozen=True)
class _Name:
    """A term name split as the linker splits text; ``gaps[k]`` is " " (any white space) or the exact text
    between word k and k + 1 (e.g. "" between "China" and "'s")."""

    words: tuple[str, ...]
    gaps: tuple[str, ...]
    acronym: bool
    term: Term
    length: int


def _gap_matches(text: str, gap: str) -> bool:
    return (text.isspace() and text != "") if gap == " " else text == gap


def _words_match(words: tuple[str, ...], found: list[str], acronym: bool) -> bool:
    if len(words) != len(found):
        return False
    for k, (want, got) in enumerate(zip(words, found, strict=True)):
        plural = k == len(words) - 1 and want[-1:].isalnum()
        options: tuple[str, ...] = (want, want + "s", want + "es") if plural else (want,)
        if acronym:
            # Capitals must match exactly; only a plural ending may be lower case ("HPSAs").
            if not any(got == o or (got.startswith(want) and got[len(want) :] in ("s", "es")) for o in options):
                return False
        elif got.casefold() not in {o.casefold() for o in options}:
            return False
    return True


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
