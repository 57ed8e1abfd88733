"""Quiz files: loading with file:line errors, and marking every question kind (no Qt)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from healthalloc.core.content import ContentError, load_course
from healthalloc.core.grading import (
    QuizPass,
    expected_text,
    format_number,
    grade,
    normalise_response,
    ordering_start,
    parse_number,
)
from healthalloc.core.quiz import AnswerFrom, Question, compute_answer, load_quizzes, parse_quiz

SINGLE = """
[[questions]]
id = "demo-1"
kind = "single"
section = "Intro"
prompt = "Which level decides how a hospital splits its budget?"
options = ["National", "Organization", "Bedside"]
answer = 1
why_wrong = ["Congress sets totals, not a ward budget.", "", "Bedside is one patient at a time."]
explanation = "The board allocates its own resources."
"""


def _parse(text: str, name: str = "demo.toml") -> list[Question]:
    return parse_quiz(text, Path("content/quizzes") / name).questions


def _error(text: str) -> ContentError:
    with pytest.raises(ContentError) as info:
        _parse(text)
    return info.value


def _question(kind: str, **extra: object) -> Question:
    values: dict[str, object] = {
        "id": f"q-{kind}",
        "lesson_id": "demo",
        "kind": kind,
        "section": "Intro",
        "prompt": "?",
        "explanation": "Because.",
    }
    values.update(extra)
    return Question(**values)  # type: ignore[arg-type]


# ------------------------------------------------------------------ loading
def test_a_valid_file_loads() -> None:
    [question] = _parse(SINGLE)
    assert question.id == "demo-1"
    assert question.lesson_id == "demo"
    assert question.options[question.answer] == "Organization"
    assert question.line == 2


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (('kind = "single"', 'kind = "singel"'), 4, 'unknown kind "singel" (did you mean "single"?)'),
        (("answer = 1", "answer = 3"), 8, "0-based index of the right option (0 to 2)"),
        (('prompt = "', 'promt = "'), 6, 'unknown key "promt" (did you mean "prompt"?)'),
        (('"Congress sets totals, not a ward budget.", ', ""), 9, "why_wrong has 2 entries for 3 options"),
        (('"Bedside is one patient at a time."', '""'), 9, "option 2 is wrong but has no reason"),
        (('id = "demo-1"', 'id = "Demo 1"'), 3, "lower-case words"),
        (("answer = 1", 'answer = 1\nunit = "$"'), 9, '"unit" does not belong in a single question'),
    ],
)
def test_mistakes_name_the_line(change: tuple[str, str], line: int, message: str) -> None:
    error = _error(SINGLE.replace(*change))
    assert error.line == line, str(error)
    assert message in error.message
    assert str(error).startswith("content/quizzes/demo.toml:")


def test_invalid_toml_names_its_line() -> None:
    error = _error(SINGLE + "\n[[questions]]\nid = \n")
    assert error.line == 13
    assert "not valid TOML" in error.message


def test_the_second_question_is_located_by_its_own_table() -> None:
    second = SINGLE.replace('"demo-1"', '"demo-2"').replace("answer = 1", "answer = 7")
    error = _error(SINGLE + second)
    assert error.line == 8 + SINGLE.count("\n")


def test_duplicate_ids_in_one_file() -> None:
    error = _error(SINGLE + SINGLE)
    assert 'duplicate question id "demo-1"' in error.message


def test_numeric_needs_one_answer_and_a_tolerance() -> None:
    numeric = """
[[questions]]
id = "n-1"
kind = "numeric"
section = "Intro"
prompt = "How much?"
answer = 95.19
explanation = "Sum the RVUs."
"""
    assert "tolerance" in _error(numeric).message
    both = numeric.replace(
        "answer = 95.19",
        'answer = 95.19\ntolerance = 0.01\nanswer_from = { function = "risk_score", field = "total", args = {} }',
    )
    assert 'exactly one of "answer" or "answer_from"' in _error(both).message


def test_answer_from_is_a_whitelist() -> None:
    text = """
[[questions]]
id = "n-1"
kind = "numeric"
section = "Intro"
prompt = "How much?"
answer_from = { function = "os.system", field = "total", args = {} }
tolerance = 0.01
explanation = "No."
"""
    error = _error(text)
    assert error.line == 7
    assert "is not one of" in error.message
    wrong_field = text.replace('"os.system"', '"risk_score"').replace('field = "total"', 'field = "price"')
    assert "has no result field 'price'" in _error(wrong_field).message


def test_ordering_has_no_answer_key() -> None:
    text = """
[[questions]]
id = "o-1"
kind = "ordering"
section = "Intro"
prompt = "Order these."
options = ["First", "Second", "Third"]
answer = [0, 1, 2]
explanation = "That is the order."
"""
    assert "an ordering question has no answer" in _error(text).message


def test_sections_are_checked_against_the_lesson(tmp_path: Path) -> None:
    course = load_course()
    lesson = course.lessons[0]
    text = SINGLE.replace('section = "Intro"', f'section = "{lesson.sections[0].title}x"')
    with pytest.raises(ContentError) as info:
        parse_quiz(text, tmp_path / f"{lesson.id}.toml", course)
    assert "has no section" in info.value.message
    assert f'did you mean "{lesson.sections[0].title}"' in info.value.message
    with pytest.raises(ContentError, match="no lesson has the id"):
        parse_quiz(SINGLE, tmp_path / "no-such-lesson.toml", course)


def test_a_broken_file_is_reported_and_the_rest_load(tmp_path: Path) -> None:
    folder = tmp_path / "quizzes"
    folder.mkdir()
    (folder / "good.toml").write_text(SINGLE, encoding="utf-8")
    (folder / "bad.toml").write_text(
        SINGLE.replace('"demo-1"', '"demo-9"').replace("answer = 1", "answer = 9"), "utf-8"
    )
    (folder / "dupe.toml").write_text(SINGLE, encoding="utf-8")
    bank = load_quizzes(root=tmp_path)
    assert list(bank.quizzes) == ["dupe"] or list(bank.quizzes) == ["good"]
    messages = " | ".join(str(e) for e in bank.errors)
    assert "bad.toml:8:" in messages
    assert "duplicate question id" in messages


# ------------------------------------------------------------------ marking
def test_single_choice_right_and_wrong() -> None:
    [question] = _parse(SINGLE)
    right = grade(question, 1)
    assert right.correct and right.reasons == ()
    wrong = grade(question, 2)
    assert not wrong.correct
    assert wrong.expected == "Organization"
    assert wrong.reasons == (("Bedside", "Bedside is one patient at a time."),)
    assert wrong.explanation == "The board allocates its own resources."


def test_multiple_choice_needs_exactly_the_right_set() -> None:
    question = _question(
        "multiple", options=("a", "b", "c", "d"), answer=(0, 2), why_wrong=("", "not b", "", "not d")
    )
    assert grade(question, [2, 0]).correct
    partial = grade(question, [0])
    assert not partial.correct and "found 1 of the 2 right options" in partial.detail
    extra = grade(question, "0, 2, 3")
    assert not extra.correct
    assert extra.reasons == (("d", "not d"),)
    assert "chose 1 wrong one" in extra.detail


def test_true_false_accepts_words() -> None:
    question = _question("true_false", answer=False)
    assert grade(question, False).correct
    assert grade(question, "false").correct
    assert not grade(question, "True").correct
    assert expected_text(question) == "False"
    with pytest.raises(ValueError):
        grade(question, "maybe")


def test_numeric_tolerance_and_formats() -> None:
    question = _question("numeric", answer=1908.8, tolerance=0.01, unit="$")
    assert grade(question, "$1,908.80").correct
    assert grade(question, 1908.805).correct
    off = grade(question, "1,900")
    assert not off.correct
    assert off.expected == "$1,908.80"
    assert "off by $8.80" in off.detail


def test_ordering_counts_items_in_place() -> None:
    question = _question("ordering", options=("bill", "reprice", "deductible", "coinsurance"))
    assert grade(question, (0, 1, 2, 3)).correct
    swapped = grade(question, "1,0,2,3")
    assert not swapped.correct
    assert swapped.detail == "2 of 4 items are in the right place."
    assert swapped.expected == "bill → reprice → deductible → coinsurance"
    with pytest.raises(ValueError, match="exactly once"):
        grade(question, (0, 0, 1, 2))


def test_unusable_responses_are_refused() -> None:
    [question] = _parse(SINGLE)
    for response in (None, [], [0, 1], 5, "x", True):
        with pytest.raises(ValueError):
            normalise_response(question, response)


@pytest.mark.parametrize(
    ("text", "value"), [("95.19", 95.19), ("$1,908.80", 1908.8), (" 45 % ", 45.0), ("−0.25", -0.25)]
)
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "nan", "inf"])
def test_parse_number_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_number(text)


def test_format_number_follows_the_tolerance() -> None:
    assert format_number(_question("numeric", answer=1.0, tolerance=0.001), 1.0333) == "1.033"
    assert format_number(_question("numeric", answer=1.0, tolerance=0.5, unit="%"), 44.87) == "44.9%"
    assert format_number(_question("numeric", answer=1.0, tolerance=1, unit="days"), 4.4) == "4 days"


@given(
    answer=st.floats(-1e6, 1e6, allow_nan=False),
    tolerance=st.sampled_from([0.001, 0.01, 0.5, 1.0]),
    offset=st.floats(-2.0, 2.0, allow_nan=False),
)
def test_numeric_grade_matches_the_tolerance(answer: float, tolerance: float, offset: float) -> None:
    question = _question("numeric", answer=answer, tolerance=tolerance)
    result = grade(question, answer + offset * tolerance)
    if abs(offset) < 0.999:
        assert result.correct
    elif abs(offset) > 1.001:
        assert not result.correct
        assert "off by" in result.detail


@given(count=st.integers(3, 8), seed=st.integers(0, 50))
def test_ordering_starts_scrambled(count: int, seed: int) -> None:
    question = _question("ordering", id=f"o-{count}", options=tuple(f"step {i}" for i in range(count)))
    start = ordering_start(question, seed)
    assert sorted(start) == list(range(count))
    assert start != tuple(range(count))
    assert ordering_start(question, seed) == start


def test_answer_from_uses_the_calculator() -> None:
    spec = AnswerFrom(
        "risk_score", "total", {"age": 72, "sex": "F", "conditions": ["HCC19", "HCC85"], "model": "V24"}
    )
    assert compute_answer(spec) == pytest.approx(0.943)
    with pytest.raises(ValueError, match="failed"):
        compute_answer(AnswerFrom("risk_score", "total", {"age": 72}))


# ------------------------------------------------------------------ a pass through a quiz
def test_only_the_first_answer_counts() -> None:
    quiz_pass = QuizPass("demo", ["a", "b", "c"])
    assert quiz_pass.record("a", False)
    assert not quiz_pass.record("a", True)  # a retry is practice
    quiz_pass.record("b", True)
    assert not quiz_pass.finished
    quiz_pass.record("c", True)
    assert quiz_pass.finished
    assert quiz_pass.correct == 2
    assert quiz_pass.score == pytest.approx(2 / 3)
    assert quiz_pass.missed() == ["a"]
    assert quiz_pass.last_results["a"] is True
