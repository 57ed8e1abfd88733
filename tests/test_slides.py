"""Presentation mode as data: which slides a lesson makes, and moving through them (no Qt)."""

from __future__ import annotations

import pytest

from healthalloc.core.content import load_course
from healthalloc.core.quiz import load_quizzes
from healthalloc.core.slides import (
    Deck,
    Slide,
    calc_links,
    check_markdown,
    fill_checks,
    lesson_slides,
    scrambled,
    slide_index_for_section,
)


@pytest.fixture(scope="module")
def course():  # type: ignore[no-untyped-def]
    return load_course()


def test_a_lesson_is_a_title_slide_its_sections_and_its_sources(course) -> None:  # type: ignore[no-untyped-def]
    for lesson in course.lessons:
        slides = lesson_slides(lesson)
        assert slides[0].kind == "title" and slides[0].title == lesson.title
        assert slides[-1].kind == "sources"
        sections = [s for s in slides if s.kind == "section"]
        assert [s.title for s in sections] == [s.title for s in lesson.sections]
        assert all(s.notes == sec.notes for s, sec in zip(sections, lesson.sections, strict=True))
        for source in lesson.sources:
            assert source.url in slides[-1].markdown


def test_every_calc_link_becomes_a_calculator_slide_after_its_section(course) -> None:  # type: ignore[no-untyped-def]
    lesson = course.lesson("principles")
    slides = lesson_slides(lesson)
    calculators = [s for s in slides if s.kind == "calculator"]
    section = lesson.section("try-the-capitation-calculator")
    assert [s.link for s in calculators] == [url for _text, url in calc_links(section.markdown)]
    first = slides.index(calculators[0])
    assert slides[first - 1].section == section.slug
    assert all(s.subtitle.startswith("Live calculator") for s in calculators)


def test_calc_links_are_found_once_each_in_order() -> None:
    text = "[a](calc:x?p=1) and [b](calc:y) then [a again](calc:x?p=1), not [c](lesson:z)"
    assert calc_links(text) == [("a", "calc:x?p=1"), ("b", "calc:y")]


def test_the_deck_moves_clamps_and_jumps_to_sections(course) -> None:  # type: ignore[no-untyped-def]
    slides = lesson_slides(course.lesson("overview"))
    deck = Deck(slides)
    assert not deck.previous() and deck.number == 1
    assert deck.next() and deck.number == 2
    assert deck.go_to_number(999) is True and deck.index == len(slides) - 1
    assert not deck.next()
    assert deck.following() is None
    slug = course.lesson("overview").sections[2].slug
    assert slides[slide_index_for_section(slides, slug)].section == slug
    with pytest.raises(ValueError):
        Deck([])


def test_answers_are_revealed_one_at_a_time_and_can_be_hidden() -> None:
    deck = Deck([Slide("section", "S", "x", checks=("q1", "q2"))])
    assert deck.hidden_checks() == ["q1", "q2"]
    assert deck.reveal_next() == "q1"
    assert deck.reveal_next() == "q2"
    assert deck.reveal_next() is None
    assert deck.hide_answers() and deck.hidden_checks() == ["q1", "q2"]


def test_a_check_shows_the_question_and_hides_the_answer_until_revealed(course) -> None:  # type: ignore[no-untyped-def]
    bank = load_quizzes(course)
    question = next(q for q in bank.all_questions() if q.kind == "single")
    hidden = check_markdown(question, revealed=False)
    shown = check_markdown(question, revealed=True)
    assert question.prompt in hidden and "Answer:" not in hidden
    assert all(option in hidden for option in question.options)
    letter = "ABCDEFGHIJ"[question.answer]
    assert f"**Answer: {letter}.**" in shown and question.explanation in shown
    assert "✓ correct" in shown  # the right option is marked by a symbol and a word, not by colour
    assert check_markdown(None, revealed=False, question_id="nope-1").count("nope-1") == 1


def test_every_kind_of_question_can_be_revealed(course) -> None:  # type: ignore[no-untyped-def]
    bank = load_quizzes(course)
    kinds = {}
    for question in bank.all_questions():
        kinds.setdefault(question.kind, question)
    for question in kinds.values():
        text = check_markdown(question, revealed=True)
        assert "**Answer:" in text, question.id
        assert "could not compute" not in text, text


def test_fill_checks_replaces_only_check_markers() -> None:
    body = "Intro\n\n<!-- check:a-1 -->\n\n<!-- chart:intl-spending -->"
    out = fill_checks(body, lambda _q: None, lambda _q: False)
    assert "<!-- check:" not in out and "<!-- chart:intl-spending -->" in out


def test_ordering_options_are_never_shown_in_the_correct_order() -> None:
    for count in range(2, 9):
        order = scrambled(count)
        assert sorted(order) == list(range(count)) and order != sorted(order)
