"""Knowledge checks: loading and validating ``content/quizzes/<lesson-id>.toml`` (marking is in ``core.grading``).

A quiz file holds one ``[[questions]]`` table per question (format in ``content/README.md``). Problems become
:class:`~healthalloc.core.content.ContentError` naming the file and line, like the lessons. A numeric question
about a calculator names the ``core`` function that computes its answer (``answer_from``), so the quiz and the
calculator can never disagree; the function is imported only when the answer is first needed.
"""

from __future__ import annotations

import difflib
import importlib
import math
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from healthalloc.core.content import ID_PATTERN, ContentError, Course, toml_problem
from healthalloc.core.resources import content_dir

KINDS = ("single", "multiple", "true_false", "numeric", "ordering")
CHOICE_KINDS = ("single", "multiple")
COMMON_KEYS = ("id", "kind", "section", "prompt", "explanation")
KIND_KEYS: dict[str, tuple[str, ...]] = {
    "single": ("options", "answer", "why_wrong"),
    "multiple": ("options", "answer", "why_wrong"),
    "true_false": ("answer",),
    "numeric": ("answer", "answer_from", "tolerance", "unit"),
    "ordering": ("options",),
}
ALL_KEYS = tuple(dict.fromkeys((*COMMON_KEYS, *(k for keys in KIND_KEYS.values() for k in keys))))
MAX_FILE_BYTES = 256 * 1024

# answer_from whitelist: function name → (module, attribute, result fields a question may name). No eval.
ANSWER_FUNCTIONS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "risk_score": ("healthalloc.core.capitation", "risk_score", ("total",)),
    "physician_fee": (
        "healthalloc.core.reimbursement",
        "physician_fee",
        ("allowed_amount", "patient_share", "medicare_share"),
    ),
    "drg_payment": ("healthalloc.core.reimbursement", "drg_payment", ("adjusted_base", "operating_payment")),
    "shared_savings": ("healthalloc.core.reimbursement", "shared_savings", ("shared_savings", "shared_losses")),
    "claim_patient_pays": ("healthalloc.core.claims", "claim_patient_pays", ("patient_pays", "plan_pays")),
}
# Where a function may also live while the calculators settle into their packages.
_FALLBACK_MODULES = {"risk_score": ("healthalloc.core.capitation.hcc",)}


@dataclass(frozen=True)
class AnswerFrom:
    function: str
    field: str
    args: Mapping[str, Any]

    def describe(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.args.items())
        return f"{self.function}({args}).{self.field}"


@dataclass(frozen=True)
class Question:
    id: str
    lesson_id: str
    kind: str
    section: str
    prompt: str
    explanation: str
    options: tuple[str, ...] = ()
    answer: Any = None  # int | tuple[int, ...] | bool | float | None (ordering, or numeric with answer_from)
    why_wrong: tuple[str, ...] = ()
    tolerance: float = 0.0
    unit: str = ""
    answer_from: AnswerFrom | None = None
    path: Path = field(default=Path(), compare=False)
    line: int = 1

    @property
    def is_choice(self) -> bool:
        return self.kind in CHOICE_KINDS

    def correct_indices(self) -> frozenset[int]:
        if self.kind == "single":
            return frozenset({int(self.answer)})
        if self.kind == "multiple":
            return frozenset(int(i) for i in self.answer)
        return frozenset()

    def numeric_answer(self) -> float:
        """The expected number: the ``answer`` in the file, or the calculator's result for ``answer_from``."""
        if self.kind != "numeric":
            raise ValueError(f"question {self.id} is not numeric")
        if self.answer_from is not None:
            return compute_answer(self.answer_from)
        return float(self.answer)

    def decimals(self) -> int:
        """Decimals worth showing: enough to resolve the tolerance (0.01 → 2, 0.001 → 3, 1 → 0)."""
        if self.tolerance <= 0:
            return 3
        return max(0, min(6, -math.floor(math.log10(self.tolerance) + 1e-9)))


@dataclass
class Quiz:
    lesson_id: str
    path: Path
    questions: list[Question] = field(default_factory=list)


@dataclass
class QuizBank:
    """Every quiz in the course. ``errors`` lists the problems found; a broken file contributes no questions."""

    quizzes: dict[str, Quiz] = field(default_factory=dict)
    errors: list[ContentError] = field(default_factory=list)

    def for_lesson(self, lesson_id: str) -> list[Question]:
        quiz = self.quizzes.get(lesson_id)
        return list(quiz.questions) if quiz else []

    def question(self, question_id: str) -> Question | None:
        for quiz in self.quizzes.values():
            for question in quiz.questions:
                if question.id == question_id:
                    return question
        return None

    def all_questions(self) -> list[Question]:
        return [q for quiz in self.quizzes.values() for q in quiz.questions]


# ---------------------------------------------------------------------------------------------------- loading
def load_quizzes(course: Course | None = None, root: Path | None = None) -> QuizBank:
    """Load ``root/quizzes/*.toml`` (default: the app's content folder), checking sections against ``course``."""
    root = root or (course.root if course is not None and course.root is not None else content_dir())
    bank = QuizBank()
    folder = root / "quizzes"
    seen: dict[str, Path] = {}
    for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
        try:
            quiz = parse_quiz_file(path, course)
            for question in quiz.questions:
                if question.id in seen:
                    raise ContentError(
                        path,
                        question.line,
                        f'duplicate question id "{question.id}" (also in {seen[question.id].name})',
                    )
            for question in quiz.questions:
                seen[question.id] = path
        except ContentError as error:
            bank.errors.append(error)
            continue
        bank.quizzes[quiz.lesson_id] = quiz
    return bank


def parse_quiz_file(path: Path, course: Course | None = None) -> Quiz:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ContentError(path, 1, f"file is larger than {MAX_FILE_BYTES // 1024} KiB")
        raw = path.read_bytes()
    except OSError as error:
        raise ContentError(path, 1, f"cannot read file: {error.strerror or error}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ContentError(path, raw[: error.start].count(b"\n") + 1, "not valid UTF-8 text") from None
    return parse_quiz(text, path, course)


def parse_quiz(text: str, path: Path, course: Course | None = None) -> Quiz:
    """Parse one quiz file's text; the lesson id is the file name. Raises :class:`ContentError` on the first problem."""
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    lesson_id = path.stem
    try:
        data = tomllib.loads(text)
    except ValueError as error:  # TOMLDecodeError, or a number too long for Python to convert
        line, message = toml_problem(error, text)
        raise ContentError(path, line, f"not valid TOML: {message}") from None
    lesson = course.lesson(lesson_id) if course is not None else None
    if course is not None and lesson is None:
        raise ContentError(path, 1, f'no lesson has the id "{lesson_id}" (a quiz file is named after its lesson)')
    extra = [key for key in data if key != "questions"]
    if extra:
        raise ContentError(
            path, _top_key_line(text, extra[0]), f'unknown top-level key "{extra[0]}": use [[questions]]'
        )
    tables = data.get("questions")
    if not isinstance(tables, list) or not tables:
        raise ContentError(path, 1, "no questions: add [[questions]] tables")
    starts = _table_lines(text)
    sections = {s.title for s in lesson.sections} if lesson is not None else None
    quiz = Quiz(lesson_id, path)
    ids: set[str] = set()
    for index, table in enumerate(tables):
        start = starts[index] if index < len(starts) else 1
        end = starts[index + 1] if index + 1 < len(starts) else text.count("\n") + 2
        locate = _Locator(text, path, start, end)
        question = _parse_question(table, lesson_id, locate, sections)
        if question.id in ids:
            raise locate.error("id", f'duplicate question id "{question.id}"')
        ids.add(question.id)
        quiz.questions.append(question)
    return quiz


def _table_lines(text: str) -> list[int]:
    return [i for i, line in enumerate(text.split("\n"), 1) if re.match(r"^\s*\[\[\s*questions\s*\]\]", line)]


def _top_key_line(text: str, key: str) -> int:
    for i, line in enumerate(text.split("\n"), 1):
        if re.match(rf"^\s*\[?\s*{re.escape(key)}\b", line):
            return i
    return 1


class _Locator:
    """Finds the line of a key inside one ``[[questions]]`` table (lines ``start`` to ``end - 1``)."""

    def __init__(self, text: str, path: Path, start: int, end: int) -> None:
        self.lines = text.split("\n")
        self.path = path
        self.start = start
        self.end = end

    def line(self, key: str) -> int:
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number in range(self.start, min(self.end, len(self.lines) + 1)):
            if pattern.match(self.lines[number - 1]):
                return number
        return self.start

    def error(self, key: str, message: str) -> ContentError:
        return ContentError(self.path, self.line(key) if key else self.start, message)


def _parse_question(table: Any, lesson_id: str, locate: _Locator, sections: set[str] | None) -> Question:
    if not isinstance(table, dict):
        raise locate.error("", "each [[questions]] entry must be a table")
    label = f'question "{table.get("id", "?")}"'
    for key in table:
        if key not in ALL_KEYS:
            guess = difflib.get_close_matches(key, ALL_KEYS, n=1)
            hint = f' (did you mean "{guess[0]}"?)' if guess else ""
            raise locate.error(key, f'{label}: unknown key "{key}"{hint}')
    for key in COMMON_KEYS:
        if key not in table:
            raise locate.error("", f'{label}: missing "{key}"')
        if not isinstance(table[key], str) or not table[key].strip():
            raise locate.error(key, f'{label}: "{key}" must be a non-empty string')
    question_id = table["id"].strip()
    if not ID_PATTERN.match(question_id):
        raise locate.error(
            "id", f'"id" must be lower-case words and numbers joined by hyphens; got "{question_id}"'
        )
    kind = table["kind"].strip()
    if kind not in KINDS:
        guess = difflib.get_close_matches(kind, KINDS, n=1)
        hint = f' (did you mean "{guess[0]}"?)' if guess else f" (one of: {', '.join(KINDS)})"
        raise locate.error("kind", f'{label}: unknown kind "{kind}"{hint}')
    if kind == "ordering" and "answer" in table:
        raise locate.error(
            "answer", f"{label}: an ordering question has no answer: list the options in the right order"
        )
    for key in table:
        if key not in COMMON_KEYS and key not in KIND_KEYS[kind]:
            raise locate.error(
                key, f'{label}: "{key}" does not belong in {"an" if kind[0] in "aeiou" else "a"} {kind} question'
            )
    section = table["section"].strip()
    if sections is not None and section not in sections:
        guess = difflib.get_close_matches(section, sorted(sections), n=1)
        hint = f' (did you mean "{guess[0]}"?)' if guess else f" (sections: {'; '.join(sorted(sections))})"
        raise locate.error("section", f'{label}: lesson "{lesson_id}" has no section "{section}"{hint}')
    values: dict[str, Any] = {
        "id": question_id,
        "lesson_id": lesson_id,
        "kind": kind,
        "section": section,
        "prompt": table["prompt"].strip(),
        "explanation": table["explanation"].strip(),
        "path": locate.path,
        "line": locate.start,
    }
    if kind in CHOICE_KINDS:
        values.update(_parse_choice(table, kind, label, locate))
    elif kind == "true_false":
        if not isinstance(table.get("answer"), bool):
            raise locate.error("answer", f"{label}: a true_false question needs answer = true or answer = false")
        values["answer"] = table["answer"]
    elif kind == "numeric":
        values.update(_parse_numeric(table, label, locate))
    else:
        values["options"] = _parse_options(table, label, locate, minimum=3)
    return Question(**values)


def _parse_options(table: dict[str, Any], label: str, locate: _Locator, *, minimum: int) -> tuple[str, ...]:
    options = table.get("options")
    if not isinstance(options, list) or not all(isinstance(o, str) and o.strip() for o in options):
        raise locate.error(
            "options" if "options" in table else "", f'{label}: "options" must be a list of non-empty strings'
        )
    if len(options) < minimum:
        raise locate.error("options", f"{label}: needs at least {minimum} options; found {len(options)}")
    if len({o.strip().casefold() for o in options}) != len(options):
        raise locate.error("options", f"{label}: two options have the same text")
    return tuple(o.strip() for o in options)


def _parse_choice(table: dict[str, Any], kind: str, label: str, locate: _Locator) -> dict[str, Any]:
    options = _parse_options(table, label, locate, minimum=2)
    answer = table.get("answer")
    if kind == "single":
        if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer < len(options):
            raise locate.error(
                "answer",
                f"{label}: answer must be the 0-based index of the right option (0 to {len(options) - 1})",
            )
        correct: set[int] = {answer}
        stored: Any = answer
    else:
        if (
            not isinstance(answer, list)
            or not answer
            or not all(isinstance(i, int) and not isinstance(i, bool) and 0 <= i < len(options) for i in answer)
        ):
            raise locate.error(
                "answer", f"{label}: answer must be a list of 0-based option indices (0 to {len(options) - 1})"
            )
        if len(set(answer)) != len(answer):
            raise locate.error("answer", f"{label}: an option index appears twice in answer")
        correct = set(answer)
        stored = tuple(sorted(answer))
    why_wrong = table.get("why_wrong")
    if not isinstance(why_wrong, list) or not all(isinstance(w, str) for w in why_wrong):
        raise locate.error(
            "why_wrong" if "why_wrong" in table else "", f'{label}: "why_wrong" must list one reason per option'
        )
    if len(why_wrong) != len(options):
        raise locate.error(
            "why_wrong", f"{label}: why_wrong has {len(why_wrong)} entries for {len(options)} options"
        )
    for index, reason in enumerate(why_wrong):
        if index in correct and reason.strip():
            raise locate.error(
                "why_wrong", f'{label}: option {index} is correct, so its why_wrong entry should be ""'
            )
        if index not in correct and not reason.strip():
            raise locate.error("why_wrong", f"{label}: option {index} is wrong but has no reason in why_wrong")
    return {"options": options, "answer": stored, "why_wrong": tuple(w.strip() for w in why_wrong)}


def _parse_numeric(table: dict[str, Any], label: str, locate: _Locator) -> dict[str, Any]:
    has_answer, has_from = "answer" in table, "answer_from" in table
    if has_answer == has_from:
        raise locate.error(
            "answer" if has_answer else "",
            f'{label}: a numeric question needs exactly one of "answer" or "answer_from"',
        )
    values: dict[str, Any] = {}
    if has_answer:
        answer = table["answer"]
        if isinstance(answer, bool) or not isinstance(answer, (int, float)) or not math.isfinite(answer):
            raise locate.error("answer", f"{label}: answer must be a number")
        values["answer"] = float(answer)
    else:
        values["answer_from"] = _parse_answer_from(table["answer_from"], label, locate)
    tolerance = table.get("tolerance")
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or not 0 <= tolerance < 1e9:
        raise locate.error(
            "tolerance" if "tolerance" in table else "",
            f"{label}: a numeric question needs tolerance = a number ≥ 0",
        )
    values["tolerance"] = float(tolerance)
    unit = table.get("unit", "")
    if not isinstance(unit, str) or len(unit) > 20:
        raise locate.error("unit", f'{label}: unit must be a short string such as "$", "%" or "days"')
    values["unit"] = unit.strip()
    return values


def _parse_answer_from(spec: Any, label: str, locate: _Locator) -> AnswerFrom:
    if not isinstance(spec, dict) or set(spec) - {"function", "field", "args"}:
        raise locate.error(
            "answer_from", f"{label}: answer_from must be {{ function = ..., field = ..., args = {{ ... }} }}"
        )
    function = spec.get("function")
    if function not in ANSWER_FUNCTIONS:
        raise locate.error(
            "answer_from",
            f"{label}: answer_from function {function!r} is not one of: {', '.join(ANSWER_FUNCTIONS)}",
        )
    fields = ANSWER_FUNCTIONS[function][2]
    result_field = spec.get("field")
    if result_field not in fields:
        raise locate.error(
            "answer_from",
            f"{label}: {function} has no result field {result_field!r} (fields: {', '.join(fields)})",
        )
    args = spec.get("args", {})
    if not isinstance(args, dict):
        raise locate.error("answer_from", f"{label}: answer_from args must be a table of argument = value")
    return AnswerFrom(str(function), str(result_field), dict(args))


def compute_answer(spec: AnswerFrom) -> float:
    """Call the whitelisted calculator function with the file's arguments and read one result field.

    Raises ``ValueError`` (with a readable reason) if the calculator is missing or rejects the arguments.
    """
    module_name, attribute, _fields = ANSWER_FUNCTIONS[spec.function]
    function = None
    for name in (module_name, *_FALLBACK_MODULES.get(spec.function, ())):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        function = getattr(module, attribute, None)
        if callable(function):
            break
    if not callable(function):
        raise ValueError(f"the calculator function {spec.function} is not available in {module_name}")
    try:
        result = function(**spec.args)
    except (TypeError, ValueError, KeyError) as error:
        raise ValueError(f"{spec.describe()} failed: {error}") from error
    value = result.get(spec.field) if isinstance(result, Mapping) else getattr(result, spec.field, None)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{spec.describe()} did not give a number (got {value!r})")
    return float(value)


def questions_by_id(bank: QuizBank, ids: Sequence[str]) -> list[Question]:
    """The questions for ``ids`` that still exist (a review list may name a question since removed)."""
    found = (bank.question(question_id) for question_id in ids)
    return [q for q in found if q is not None]
