"""Full-text search over lessons, glossary, quizzes and pages (no Qt)."""

from __future__ import annotations

import time

import pytest

from healthalloc.core.content import load_course
from healthalloc.core.glossary import load_glossary
from healthalloc.core.quiz import load_quizzes
from healthalloc.core.search import Document, SearchIndex, build_index, plain_text, tokens

PAGES = [
    ("capitation", "Risk-adjusted capitation", "Calculators"),
    ("claim", "The life of a claim", "Calculators"),
]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    course = load_course()
    return build_index(course, load_glossary(course), load_quizzes(course), PAGES)


def test_the_whole_course_indexes_quickly() -> None:
    course = load_course()
    start = time.perf_counter()
    built = build_index(course, load_glossary(course), load_quizzes(course), PAGES)
    assert time.perf_counter() - start < 1.0
    kinds = {d.kind for d in built.documents}
    assert kinds == {"lesson", "glossary", "quiz", "page"}
    sections = sum(len(lesson.sections) for lesson in course.lessons)
    assert sum(d.kind == "lesson" for d in built.documents) == sections + len(course.lessons)


def test_coinsurance_is_found_in_the_glossary_first_and_in_lessons(index: SearchIndex) -> None:
    results = index.search("coinsurance")
    assert results[0].document.target == "glossary:coinsurance"
    lessons = [r for r in results if r.document.kind == "lesson"]
    assert lessons, "no lesson section mentions coinsurance"
    first = lessons[0]
    assert first.document.target.startswith("lesson:") and "#" in first.document.target
    assert first.match.lower() == "coinsurance"
    start, end = first.highlights[0]
    assert first.snippet[start:end].lower().startswith("coinsurance")


def test_results_update_while_typing(index: SearchIndex) -> None:
    assert index.search("coins")[0].document.target == "glossary:coinsurance"
    assert index.search("coinsurance ")[0].document.target == "glossary:coinsurance"


def test_every_word_must_match(index: SearchIndex) -> None:
    both = index.search("wage index")
    assert both[0].document.target == "glossary:wage-index"
    for result in both:
        text = (result.document.title + " " + result.document.text).lower()
        assert "wage" in text and "index" in text
    assert index.search("wage xyzzy") == []


def test_plurals_and_acronyms(index: SearchIndex) -> None:
    assert index.search("ACOs")[0].document.target == "glossary:aco"
    assert index.search("drg")[0].document.target == "glossary:drg"


def test_calculators_are_found_by_name(index: SearchIndex) -> None:
    targets = [r.document.target for r in index.search("life of a claim")]
    assert targets[0] == "page:claim"


def test_quiz_snippets_never_show_the_explanation(index: SearchIndex) -> None:
    bank = load_quizzes(load_course())
    for result in index.search("deductible", limit=200):
        if result.document.kind == "quiz":
            question = bank.question(result.document.target.removeprefix("check:"))
            assert question is not None
            assert question.explanation[:60] not in result.document.text


def test_empty_and_symbol_queries(index: SearchIndex) -> None:
    assert index.search("") == []
    assert index.search("   ") == []
    assert index.search("%%%") == []


def test_ranking_prefers_title_matches() -> None:
    built = SearchIndex()
    built.add(Document("lesson", "Fee schedules", "L", "Medicare pays from a list.", "lesson:a#fee-schedules"))
    built.add(Document("lesson", "Other", "L", "A fee schedule is mentioned once here.", "lesson:a#other"))
    built.finish()
    assert [r.document.target for r in built.search("fee schedule")] == [
        "lesson:a#fee-schedules",
        "lesson:a#other",
    ]


def test_plain_text_strips_markdown() -> None:
    markdown = "**Bold** and *it* [a link](lesson:x) <!-- check:q-1 --> | a | b |\n|---|---|\n> quote\n- item"
    assert plain_text(markdown) == "Bold and it a link a b quote item"


def test_tokens_fold_case_and_plurals() -> None:
    assert tokens("ACOs, Policies and the HCC's") == ["aco", "policy", "and", "the", "hcc"]


def test_a_result_says_what_it_is_and_where(index: SearchIndex) -> None:
    term = index.search("coinsurance")[0].document
    assert term.where.startswith("Glossary · taught in ")
    assert Document("page", "Glossary", "", "Glossary", "page:glossary").where == "Page"
