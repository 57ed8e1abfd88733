"""The shipped quizzes and glossary fit the shipped lessons and calculators."""

from __future__ import annotations

import re

import pytest

from healthalloc.core.content import Course, load_course
from healthalloc.core.glossary import load_glossary
from healthalloc.core.grading import expected_text, grade, ordering_start
from healthalloc.core.quiz import ANSWER_FUNCTIONS, QuizBank, load_quizzes

MIN_PER_LESSON = 6
MIN_TOTAL = 60


@pytest.fixture(scope="module")
def course() -> Course:
    loaded = load_course()
    assert not loaded.errors, "\n".join(str(e) for e in loaded.errors)
    return loaded


@pytest.fixture(scope="module")
def bank(course: Course) -> QuizBank:
    return load_quizzes(course)


def test_every_quiz_file_validates(bank: QuizBank) -> None:
    assert not bank.errors, "\n".join(str(e) for e in bank.errors)


def test_every_lesson_has_a_quiz_of_at_least_six_questions(course: Course, bank: QuizBank) -> None:
    short = {lesson.id: len(bank.for_lesson(lesson.id)) for lesson in course.lessons}
    assert all(count >= MIN_PER_LESSON for count in short.values()), short
    assert len(bank.all_questions()) >= MIN_TOTAL
    assert set(bank.quizzes) == set(short), "a quiz file is named after no lesson"


def test_every_question_kind_is_used(bank: QuizBank) -> None:
    assert {q.kind for q in bank.all_questions()} == {"single", "multiple", "true_false", "numeric", "ordering"}


def test_every_check_block_names_a_question_of_its_own_lesson(course: Course, bank: QuizBank) -> None:
    for lesson in course.lessons:
        ids = {q.id for q in bank.for_lesson(lesson.id)}
        for section in lesson.sections:
            for check in section.checks:
                assert check in ids, f"{lesson.path.name}: ```check {check} is not in quizzes/{lesson.id}.toml"


def test_every_stored_answer_is_marked_right(bank: QuizBank) -> None:
    """Grading the file's own answer gives "correct", and a scrambled order or a wrong option does not."""
    for question in bank.all_questions():
        if question.kind == "single":
            assert grade(question, question.answer).correct
            assert not grade(question, (question.answer + 1) % len(question.options)).correct
        elif question.kind == "multiple":
            assert grade(question, list(question.answer)).correct
        elif question.kind == "true_false":
            assert grade(question, question.answer).correct
            assert not grade(question, not question.answer).correct
        elif question.kind == "ordering":
            assert grade(question, tuple(range(len(question.options)))).correct
            assert not grade(question, ordering_start(question)).correct


def test_numeric_answers_come_from_the_calculators(bank: QuizBank) -> None:
    computed = [q for q in bank.all_questions() if q.answer_from is not None]
    assert computed, "no question takes its answer from a calculator"
    for question in computed:
        assert question.answer_from is not None
        assert question.answer_from.function in ANSWER_FUNCTIONS
        value = question.numeric_answer()  # raises if the calculator rejects the arguments
        assert grade(question, value).correct
        assert not grade(question, value + 10 * question.tolerance + 1).correct


def test_explanations_state_the_computed_answer(bank: QuizBank) -> None:
    """The worked explanation must agree with the answer (the calculator's, for answer_from) within tolerance."""
    for question in bank.all_questions():
        if question.kind != "numeric":
            continue
        answer = question.numeric_answer()
        numbers = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", question.explanation.replace(",", ""))]
        assert any(abs(n - abs(answer)) <= question.tolerance + 1e-9 for n in numbers), (
            f"{question.id}: the explanation never states the answer {expected_text(question)}"
        )


def test_glossary_terms_name_lessons_that_exist(course: Course) -> None:
    glossary = load_glossary(course)
    assert not glossary.errors, "\n".join(str(e) for e in glossary.errors)
    assert len(glossary.terms) >= 60
    lesson_ids = {lesson.id for lesson in course.lessons}
    assert {term.lesson for term in glossary.terms} <= lesson_ids


def test_questions_cite_sections_by_their_exact_heading(course: Course, bank: QuizBank) -> None:
    for question in bank.all_questions():
        lesson = course.lesson(question.lesson_id)
        assert lesson is not None
        assert question.section in {s.title for s in lesson.sections}
