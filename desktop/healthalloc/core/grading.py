"""Marking a student's answer to any of the five question kinds, and scoring a pass through a quiz.

Answers arrive from widgets (an index, a set of indices, a bool, a number, an arrangement of items) or as text from
a link (``answer=0,2``); :func:`normalise_response` turns both into one form before :func:`grade` compares them with
the file's answer (or, for ``answer_from`` questions, the calculator's result).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from healthalloc.core.quiz import CHOICE_KINDS, Question


@dataclass(frozen=True)
class Grade:
    """The outcome of one answer: what the student sees right after checking."""

    correct: bool
    expected: str  # the right answer, in words
    explanation: str
    reasons: tuple[tuple[str, str], ...] = ()  # (option the student got wrong, why it is wrong)
    detail: str = ""  # e.g. "3 of 5 items are in the right place"


def parse_number(text: str) -> float:
    """Read a student's number: ``"$1,908.80"``, ``"45 %"``, ``"−0.2"`` → float. Raises ``ValueError``."""
    cleaned = text.strip().replace("−", "-").replace(",", "").replace("$", "").replace("%", "").replace(" ", "")
    if not cleaned:
        raise ValueError("type a number first")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"“{text.strip()}” is not a number") from None
    if not math.isfinite(value):
        raise ValueError("type a finite number")
    return value


def format_number(question: Question, value: float) -> str:
    decimals = question.decimals()
    number = f"{abs(value):,.{decimals}f}"
    sign = "−" if value < 0 and float(f"{abs(value):.{decimals}f}") != 0 else ""
    if question.unit == "$":
        return f"{sign}${number}"
    if question.unit == "%":
        return f"{sign}{number}%"
    return f"{sign}{number}" + (f" {question.unit}" if question.unit else "")


def expected_text(question: Question) -> str:
    """The correct answer, written out."""
    if question.kind in CHOICE_KINDS:
        return "; ".join(question.options[i] for i in sorted(question.correct_indices()))
    if question.kind == "true_false":
        return "True" if question.answer else "False"
    if question.kind == "numeric":
        return format_number(question, question.numeric_answer())
    return " → ".join(question.options)


def normalise_response(question: Question, response: Any) -> Any:
    """Turn a response (from a widget, or text from a link such as ``answer=0,2``) into the form :func:`grade` uses.

    single → int; multiple → frozenset of ints; true_false → bool; numeric → float; ordering → tuple of the
    option indices (in the file's correct order) as the student arranged them. Raises ``ValueError``.
    """
    kind = question.kind
    if kind == "numeric":
        if isinstance(response, bool):
            raise ValueError("type a number")
        return float(response) if isinstance(response, (int, float)) else parse_number(str(response))
    if kind == "true_false":
        if isinstance(response, bool):
            return response
        text = str(response).strip().lower()
        if text in ("true", "t", "yes", "1"):
            return True
        if text in ("false", "f", "no", "0"):
            return False
        raise ValueError("choose True or False")
    indices = _indices(response)
    for index in indices:
        if not 0 <= index < len(question.options):
            raise ValueError(f"there is no option {index}")
    if kind == "single":
        if len(indices) != 1:
            raise ValueError("choose one option")
        return indices[0]
    if kind == "multiple":
        if not indices:
            raise ValueError("choose at least one option")
        return frozenset(indices)
    if sorted(indices) != list(range(len(question.options))):
        raise ValueError("place every item exactly once")
    return tuple(indices)


def _indices(response: Any) -> list[int]:
    if isinstance(response, bool):
        raise ValueError("not an option number")
    if isinstance(response, int):
        return [response]
    if isinstance(response, str):
        parts = [p for p in re.split(r"[,\s]+", response.strip()) if p]
        try:
            return [int(p) for p in parts]
        except ValueError:
            raise ValueError(f"“{response}” is not a list of option numbers") from None
    if isinstance(response, Iterable):
        items = list(response)
        if not all(isinstance(i, int) and not isinstance(i, bool) for i in items):
            raise ValueError("option numbers must be whole numbers")
        return items
    raise ValueError("not an answer this question understands")


def grade(question: Question, response: Any) -> Grade:
    """Mark one answer. ``response`` as for :func:`normalise_response` (raises ``ValueError`` if it is unusable)."""
    value = normalise_response(question, response)
    expected = expected_text(question)
    kind = question.kind
    if kind == "single":
        correct = value == question.answer
        wrong_choice: tuple[tuple[str, str], ...] = (
            () if correct else ((question.options[value], question.why_wrong[value]),)
        )
        return Grade(correct, expected, question.explanation, wrong_choice)
    if kind == "multiple":
        right = question.correct_indices()
        chosen_wrong = sorted(value - right)
        missed = sorted(right - value)
        reasons = tuple((question.options[i], question.why_wrong[i]) for i in chosen_wrong)
        detail = ""
        if chosen_wrong or missed:
            found = len(value & right)
            detail = f"You found {found} of the {len(right)} right options"
            detail += (
                f" and chose {len(chosen_wrong)} wrong one{'s' if len(chosen_wrong) != 1 else ''}."
                if chosen_wrong
                else "."
            )
        return Grade(not chosen_wrong and not missed, expected, question.explanation, reasons, detail)
    if kind == "true_false":
        return Grade(value == question.answer, expected, question.explanation)
    if kind == "numeric":
        target = question.numeric_answer()
        difference = value - target
        correct = abs(difference) <= question.tolerance + 1e-12 * max(1.0, abs(target))  # float slack only
        detail = (
            ""
            if correct
            else f"Your answer, {format_number(question, value)}, is off by {format_number(question, abs(difference))}."
        )
        return Grade(correct, expected, question.explanation, (), detail)
    placed = sum(1 for position, index in enumerate(value) if position == index)
    correct = placed == len(value)
    detail = "" if correct else f"{placed} of {len(value)} items are in the right place."
    return Grade(correct, expected, question.explanation, (), detail)


def ordering_start(question: Question, seed: int = 0) -> tuple[int, ...]:
    """A scrambled starting order for an ordering question that is never already correct (stable for a seed)."""
    import random

    count = len(question.options)
    rng = random.Random(f"{question.id}:{seed}")
    order = list(range(count))
    for _ in range(20):
        rng.shuffle(order)
        if order != list(range(count)):
            break
    return tuple(order)


# ---------------------------------------------------------------------------------------------------- scoring
@dataclass
class QuizPass:
    """One pass through a set of questions. Only the first answer to each question counts towards the score."""

    lesson_id: str  # "" for a review session across lessons
    question_ids: list[str]
    first_results: dict[str, bool] = field(default_factory=dict)
    last_results: dict[str, bool] = field(default_factory=dict)

    def record(self, question_id: str, correct: bool) -> bool:
        """Remember an answer; True if this was the question's first (scored) answer in this pass."""
        self.last_results[question_id] = correct
        if question_id in self.first_results:
            return False
        self.first_results[question_id] = correct
        return True

    @property
    def answered(self) -> int:
        return sum(1 for q in self.question_ids if q in self.first_results)

    @property
    def correct(self) -> int:
        return sum(1 for q in self.question_ids if self.first_results.get(q))

    @property
    def finished(self) -> bool:
        return bool(self.question_ids) and self.answered == len(self.question_ids)

    @property
    def score(self) -> float:
        """Fraction right on first try, out of all the pass's questions."""
        return self.correct / len(self.question_ids) if self.question_ids else 0.0

    def missed(self) -> list[str]:
        return [q for q in self.question_ids if self.first_results.get(q) is False]
