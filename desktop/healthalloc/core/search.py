"""Full-text search over the course: lesson sections, glossary terms, quiz questions and page titles.

The index is a small inverted index built once, the first time a student searches (well under a second for the
whole course). Ranking is BM25 with the title weighted above the body, a bonus for the whole phrase, and the last
word of the query treated as a prefix so results update sensibly while the student is still typing.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from healthalloc.core.content import Course
from healthalloc.core.glossary import Glossary
from healthalloc.core.quiz import QuizBank

KIND_LABELS = {"lesson": "Lesson", "glossary": "Glossary", "quiz": "Quiz question", "page": "Page"}
# Quiz prompts are short and repeat the lesson's words, so they would crowd out the lessons without a lower weight.
KIND_WEIGHTS = {"lesson": 1.0, "glossary": 1.0, "page": 1.0, "quiz": 0.5}
TITLE_WEIGHT = 3.0
K1 = 1.2
B = 0.3
SNIPPET_BEFORE = 50
SNIPPET_AFTER = 120

_WORD = re.compile(r"[0-9a-z]+(?:['’][a-z]+)?")


def _stem(word: str) -> str:
    """A very light plural fold, applied to the index and the query alike ("ACOs" and "aco" meet)."""
    if word.endswith("'s"):
        return word[:-2]
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    return [_stem(w.replace("’", "'")) for w in _WORD.findall(text.casefold())]


def plain_text(markdown: str) -> str:
    """Markdown → the words a reader sees (links keep their text, markup and markers go)."""
    text = re.sub(r"<!--.*?-->", " ", markdown, flags=re.DOTALL)
    text = re.sub(r"```.*?```", " ", text, flags=re.DOTALL)
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<(https?://[^>]+)>", r"\1", text)
    text = re.sub(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+\.\s+)", "", text, flags=re.MULTILINE)
    text = re.sub(r"^\s*\|?\s*:?-{3,}.*$", " ", text, flags=re.MULTILINE)
    text = text.replace("|", " ").replace("**", "").replace("__", "")
    text = re.sub(r"(?<!\w)[*_](\S[^*_\n]*?)[*_](?!\w)", r"\1", text)
    text = text.replace("`", "")
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Document:
    """One searchable thing. ``target`` is the link that opens it (``lesson:ID#slug``, ``glossary:slug``…)."""

    kind: str
    title: str
    context: str
    text: str
    target: str

    @property
    def where(self) -> str:
        """What kind of thing it is and where it lives: "Glossary · taught in Payers and providers"."""
        kind = KIND_LABELS.get(self.kind, self.kind)
        return f"{kind} · {self.context}" if self.context else kind


@dataclass(frozen=True)
class SearchResult:
    document: Document
    score: float
    snippet: str
    highlights: tuple[tuple[int, int], ...]  # (start, end) of matched words within ``snippet``
    match: str  # the first matched text as it appears in the document (for finding it on the page)


@dataclass
class SearchIndex:
    documents: list[Document] = field(default_factory=list)
    _postings: dict[str, dict[int, tuple[int, int]]] = field(default_factory=dict, repr=False)
    _lengths: list[int] = field(default_factory=list, repr=False)
    _vocabulary: list[str] = field(default_factory=list, repr=False)
    _average: float = 1.0

    def add(self, document: Document) -> None:
        index = len(self.documents)
        self.documents.append(document)
        title = Counter(tokens(document.title))
        body = Counter(tokens(document.text))
        for token in title.keys() | body.keys():
            self._postings.setdefault(token, {})[index] = (title[token], body[token])
        self._lengths.append(sum(title.values()) + sum(body.values()))

    def finish(self) -> SearchIndex:
        self._vocabulary = sorted(self._postings)
        self._average = (sum(self._lengths) / len(self._lengths)) if self._lengths else 1.0
        return self

    def _expand(self, token: str, prefix: bool) -> list[str]:
        if not prefix:
            return [token] if token in self._postings else []
        start = bisect.bisect_left(self._vocabulary, token)
        found = []
        for word in self._vocabulary[start : start + 200]:
            if not word.startswith(token):
                break
            found.append(word)
        return found

    def search(self, query: str, *, limit: int = 30, kinds: Iterable[str] | None = None) -> list[SearchResult]:
        """Ranked results for ``query``: every word must match (the last one as a prefix while typing)."""
        words = tokens(query)
        if not words:
            return []
        allowed = set(kinds) if kinds is not None else None
        typing = not query[-1:].isspace()
        total = len(self.documents)
        scores: dict[int, float] | None = None
        raw_words = _WORD.findall(query.casefold().replace("’", "'"))
        for position, word in enumerate(words):
            if typing and position == len(words) - 1:
                expansions = sorted(set(self._expand(raw_words[position], True)) | set(self._expand(word, True)))
            else:
                expansions = self._expand(word, False)
            word_scores: dict[int, float] = {}
            for term in expansions:
                postings = self._postings[term]
                idf = math.log(1 + (total - len(postings) + 0.5) / (len(postings) + 0.5))
                exact = 1.0 if term == word else 0.7
                for doc, (in_title, in_body) in postings.items():
                    tf = TITLE_WEIGHT * in_title + in_body
                    norm = K1 * (1 - B + B * self._lengths[doc] / self._average)
                    value = exact * idf * tf * (K1 + 1) / (tf + norm)
                    word_scores[doc] = max(word_scores.get(doc, 0.0), value)
            if scores is None:
                scores = word_scores
            else:
                scores = {doc: scores[doc] + value for doc, value in word_scores.items() if doc in scores}
            if not scores:
                return []
        assert scores is not None
        phrase = " ".join(query.casefold().split())
        ranked: list[tuple[float, int]] = []
        for doc, value in scores.items():
            document = self.documents[doc]
            if allowed is not None and document.kind not in allowed:
                continue
            title = tokens(document.title.split("(")[0])
            if title == words:
                value += 12.0
            elif _contains(title, words):
                value += 4.0
            elif len(words) > 1 and phrase in document.text.casefold():
                value += 2.0
            ranked.append((value * KIND_WEIGHTS.get(document.kind, 1.0), doc))
        ranked.sort(key=lambda pair: (-pair[0], pair[1]))
        pattern = _highlight_pattern(query)  # once per query, not once per result
        return [self._result(self.documents[doc], value, query, pattern) for value, doc in ranked[:limit]]

    def _result(self, document: Document, score: float, query: str, pattern: re.Pattern[str]) -> SearchResult:
        source = document.text or document.title
        phrase = (
            re.search(re.escape(" ".join(query.split())), source, re.IGNORECASE)
            if len(query.split()) > 1
            else None
        )
        first = phrase or pattern.search(source)
        title_match = pattern.search(document.title)
        if first is None:
            snippet = _trim(source, 0)
            match = title_match.group(0) if title_match else ""
        else:
            # A result found by its title reads best from the start (a definition, a section's first lines).
            snippet = _trim(source, 0 if title_match and document.kind != "quiz" else first.start())
            match = first.group(0)
        highlights = tuple((m.start(), m.end()) for m in pattern.finditer(snippet))
        return SearchResult(document, round(score, 4), snippet, highlights, match)


def _contains(haystack: list[str], needle: list[str]) -> bool:
    size = len(needle)
    return any(haystack[i : i + size] == needle for i in range(len(haystack) - size + 1))


def _highlight_pattern(query: str) -> re.Pattern[str]:
    words = sorted({w for w in _WORD.findall(query.casefold()) if w}, key=len, reverse=True)
    alternatives = []
    for word in words:
        stem = _stem(word)
        alternatives.append(re.escape(stem) + r"\w*" if stem != word else re.escape(word) + r"\w*")
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + ")", re.IGNORECASE)


def _trim(text: str, at: int) -> str:
    start = max(0, at - SNIPPET_BEFORE)
    end = min(len(text), at + SNIPPET_AFTER)
    if start > 0:
        space = text.find(" ", start, at)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", at, end)
        end = space if space > at else end
    return ("…" if start > 0 else "") + text[start:end].strip() + ("…" if end < len(text) else "")


def short(title: str) -> str:
    """A lesson title up to its colon ("Mechanisms: how money is steered" → "Mechanisms")."""
    return title.split(":", 1)[0].strip() or title


def build_index(
    course: Course,
    glossary: Glossary | None = None,
    quizzes: QuizBank | None = None,
    pages: Sequence[tuple[str, str, str]] = (),
) -> SearchIndex:
    """Index every lesson section, glossary term, quiz question and page (``(page_id, title, group)``)."""
    index = SearchIndex()
    titles = {lesson.id: lesson.title for lesson in course.lessons}
    for lesson in course.lessons:
        overview = " ".join((lesson.intro, *lesson.objectives))
        index.add(Document("lesson", lesson.title, lesson.module, plain_text(overview), f"lesson:{lesson.id}"))
        for section in lesson.sections:
            index.add(
                Document(
                    "lesson",
                    section.title,
                    lesson.title,
                    plain_text(section.markdown),
                    f"lesson:{lesson.id}#{section.slug}",
                )
            )
    if glossary is not None:
        for term in glossary.terms:
            aliases = f"Also called: {', '.join(term.aliases)}. " if term.aliases else ""
            text = f"{term.definition} {aliases}Example: {term.example}"
            taught = f"taught in {short(titles[term.lesson])}" if term.lesson in titles else ""
            index.add(Document("glossary", term.term, taught, text, f"glossary:{term.slug}"))
    if quizzes is not None:
        for question in quizzes.all_questions():
            # Prompt and options only: the explanation would give the answer away in a snippet.
            text = " ".join((question.prompt, *question.options))
            context = short(titles.get(question.lesson_id, question.lesson_id))
            index.add(Document("quiz", question.prompt, context, text, f"check:{question.id}"))
    for page_id, title, group in pages:
        index.add(Document("page", title, group, title, f"page:{page_id}"))
    return index.finish()
