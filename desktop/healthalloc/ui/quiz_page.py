"""Knowledge checks: choose a lesson's quiz, answer its questions with instant feedback, see the score.

Page id ``quiz``. Parameters: ``lesson=<id>`` (that lesson's quiz), ``mode=review`` (the questions due for review),
``question=<id>`` (jump to a question) and ``answer=<response>`` (fill in and check an answer, e.g. ``answer=1`` or
``answer=0,2``: used by links from lessons and for screenshots). Only the first answer to each question in a pass
counts towards the score; "Try again" is practice. Every scored answer goes into the Leitner review boxes.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any, ClassVar

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from healthalloc.core.content import slugify
from healthalloc.core.grading import Grade, QuizPass, grade, normalise_response, ordering_start
from healthalloc.core.quiz import Question, questions_by_id
from healthalloc.ui.context import AppContext
from healthalloc.ui.quiz_views import REVIEW, QuizChooser, QuizSummary, set_primary
from healthalloc.ui.quiz_widgets import AnswerEditor, NumericEditor, make_editor

# The calculator page behind each answer_from function: the feedback offers it for working the numbers through.
CALCULATOR_PAGES = {
    "risk_score": "capitation",
    "physician_fee": "reimbursement",
    "drg_payment": "reimbursement",
    "shared_savings": "reimbursement",
    "claim_patient_pays": "claim",
}


class QuizPage(QWidget):
    page_id: ClassVar[str] = "quiz"
    title: ClassVar[str] = "Knowledge checks"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("page-quiz")
        self.setAccessibleName(self.title)
        self._passes: dict[str, QuizPass] = {}
        self._grades: dict[str, dict[str, Grade]] = {}  # pass key → question id → the grade shown
        self._responses: dict[str, dict[str, Any]] = {}
        self._key = ""  # the current pass: a lesson id or REVIEW
        self._questions: list[Question] = []
        self._index = 0
        self._editor: AnswerEditor | None = None
        self._round = 0  # bumps on each retake so ordering questions start scrambled differently

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 12)
        self.views = QStackedWidget()
        layout.addWidget(self.views)
        self.chooser = QuizChooser(ctx)
        self.chooser.lesson_chosen.connect(self.open_lesson_quiz)
        self.chooser.review_requested.connect(self.start_review)
        self.views.addWidget(self.chooser)
        self._build_question_view()
        self.summary = QuizSummary(ctx)
        self.summary.retake_requested.connect(self.retake)
        self.summary.chooser_requested.connect(self.show_chooser)
        self.views.addWidget(self.summary)
        # Shortcuts used by tests and screenshots.
        self.table = self.chooser.table
        self.review_button = self.chooser.review_button
        self.summary_score = self.summary.score_label
        self.retake_button = self.summary.retake_button
        self.views.setCurrentWidget(self.chooser)
        self.refresh_chooser()
        ctx.theme_changed.connect(self._on_ctx_theme_changed)
        ctx.progress_changed.connect(self._on_ctx_progress_changed)

    # ------------------------------------------------------------------ building
    def _build_question_view(self) -> None:
        self.question_view = QWidget()
        outer = QVBoxLayout(self.question_view)
        outer.setContentsMargins(0, 0, 0, 0)
        self.context_label = QLabel()
        self.context_label.setProperty("role", "muted")
        self.quiz_title = QLabel()
        self.quiz_title.setProperty("role", "title")
        self.quiz_title.setWordWrap(True)
        self.position_label = QLabel()
        self.position_label.setTextFormat(Qt.TextFormat.RichText)
        self.position_label.linkActivated.connect(self.ctx.open_link)
        outer.addWidget(self.context_label)
        outer.addWidget(self.quiz_title)
        outer.addWidget(self.position_label)

        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        body.setMaximumWidth(900)
        self.body_layout = QVBoxLayout(body)
        self.body_layout.setContentsMargins(0, 8, 12, 8)
        self.body_layout.setSpacing(10)
        self.prompt_label = QLabel()
        self.prompt_label.setWordWrap(True)
        self.prompt_label.setProperty("role", "subtitle")
        self.prompt_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.prompt_label.setAccessibleName("Question")
        self.editor_slot = QVBoxLayout()
        self.message_label = QLabel()
        self.message_label.setProperty("role", "error")
        self.message_label.hide()
        self.feedback = QLabel()
        self.feedback.setObjectName("quiz-feedback")
        self.feedback.setWordWrap(True)
        self.feedback.setTextFormat(Qt.TextFormat.RichText)
        self.feedback.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.feedback.setOpenExternalLinks(False)
        self.feedback.linkActivated.connect(self.ctx.open_link)
        self.feedback.setAccessibleName("Feedback")
        self.feedback.hide()
        self.body_layout.addWidget(self.prompt_label)
        self.body_layout.addLayout(self.editor_slot)
        self.body_layout.addWidget(self.message_label)
        self.body_layout.addWidget(self.feedback)
        self.body_layout.addStretch(1)
        self.scroll.setWidget(body)
        outer.addWidget(self.scroll, 1)

        buttons = QHBoxLayout()
        self.back_button = QPushButton("All quizzes")
        self.back_button.clicked.connect(self.show_chooser)
        self.previous_button = QPushButton("← Previous")
        self.previous_button.clicked.connect(self.go_previous)
        self.retry_button = QPushButton("Try again")
        self.retry_button.setToolTip("Practise this question again (your score keeps your first answer)")
        self.retry_button.clicked.connect(self.try_again)
        self.check_button = QPushButton("Check answer")
        self.check_button.setProperty("primary", True)
        self.check_button.setToolTip("Check your answer (Enter)")
        self.check_button.clicked.connect(self.check_answer)
        self.next_button = QPushButton("Next question →")
        self.next_button.clicked.connect(self.go_next)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        for button in (self.previous_button, self.retry_button, self.check_button, self.next_button):
            buttons.addWidget(button)
        outer.addLayout(buttons)
        self.views.addWidget(self.question_view)

    # ------------------------------------------------------------------ the chooser
    def refresh_chooser(self) -> None:
        self.chooser.refresh(self._passes)

    @Slot()
    def show_chooser(self) -> None:
        self.refresh_chooser()
        self.views.setCurrentWidget(self.chooser)
        self.table.setFocus()

    # ------------------------------------------------------------------ parameters
    def apply_params(self, params: Mapping[str, str]) -> None:
        """``lesson=ID`` / ``mode=review``, optionally ``question=ID`` and ``answer=...`` (see the module doc)."""
        mode = params.get("mode", "")
        lesson_id = params.get("lesson", "")
        question_id = params.get("question", "")
        if mode == REVIEW:
            self.start_review()
        elif lesson_id:
            if not self.ctx.quizzes.for_lesson(lesson_id):
                raise ValueError(f"there is no quiz for a lesson called “{lesson_id}”")
            self.open_lesson_quiz(lesson_id, question_id)
        elif question_id:
            question = self.ctx.quizzes.question(question_id)
            if question is None:
                raise ValueError(f"there is no question called “{question_id}”")
            self.open_lesson_quiz(question.lesson_id, question_id)
        elif mode:
            raise ValueError(f"unknown quiz mode “{mode}” (use mode=review)")
        else:
            self.show_chooser()
        if "answer" in params and self._questions:
            self.answer(params["answer"])

    # ------------------------------------------------------------------ passes
    def open_lesson_quiz(self, lesson_id: str, question_id: str = "") -> None:
        """Continue this lesson's quiz where the student was (or start a new pass if the last one finished)."""
        questions = self.ctx.quizzes.for_lesson(lesson_id)
        current = self._passes.get(lesson_id)
        if current is None or current.finished:
            self._start_pass(lesson_id, questions)
        else:
            self._questions = questions_by_id(self.ctx.quizzes, current.question_ids)
            self._key = lesson_id
        ids = [q.id for q in self._questions]
        if question_id in ids:
            index = ids.index(question_id)
        else:
            answered = self._passes[lesson_id].first_results
            index = next((i for i, q in enumerate(ids) if q not in answered), 0)
        self.show_question(index)

    def _start_pass(self, key: str, questions: list[Question]) -> None:
        self._key = key
        self._questions = questions
        self._passes[key] = QuizPass(key if key != REVIEW else "", [q.id for q in questions])
        self._grades[key] = {}
        self._responses[key] = {}
        self._round += 1

    @Slot()
    def start_review(self) -> None:
        due = [question_id for _lesson, question_id in self.ctx.store.due_for_review()]
        questions = questions_by_id(self.ctx.quizzes, due)
        if not questions:
            self.show_chooser()
            return
        self._start_pass(REVIEW, questions)
        self.show_question(0)

    @Slot()
    def retake(self) -> None:
        if self._key == REVIEW:
            self.start_review()
        elif self._key:
            self._start_pass(self._key, self.ctx.quizzes.for_lesson(self._key))
            self.show_question(0)

    @property
    def current_pass(self) -> QuizPass | None:
        return self._passes.get(self._key)

    def current_question(self) -> Question | None:
        return self._questions[self._index] if 0 <= self._index < len(self._questions) else None

    # ------------------------------------------------------------------ one question
    def show_question(self, index: int) -> None:
        self._index = max(0, min(index, len(self._questions) - 1))
        question = self._questions[self._index]
        lesson = self.ctx.course.lesson(question.lesson_id)
        lesson_title = lesson.title if lesson else question.lesson_id
        if self._key == REVIEW:
            self.context_label.setText("REVIEW WHAT I MISSED")
            self.quiz_title.setText("Review what I missed")
        else:
            order = f"LESSON {lesson.order}  ·  " if lesson else ""
            self.context_label.setText(f"{order}KNOWLEDGE CHECK")
            self.quiz_title.setText(lesson_title)
        section_link = f"lesson:{question.lesson_id}#{slugify(question.section)}"
        where = f"from {html.escape(lesson_title)}, " if self._key == REVIEW else ""
        self.position_label.setText(
            f"Question {self._index + 1} of {len(self._questions)}  ·  {where}tests "
            f"<a href='{section_link}'>{html.escape(question.section)}</a>"
        )
        self.prompt_label.setText(question.prompt)
        if self._editor is not None:
            old = self._editor
            self.editor_slot.removeWidget(old)
            old.hide()  # deleteLater waits for the event loop; never let the old answer show through
            old.setParent(None)  # type: ignore[call-overload]
            old.deleteLater()
        start = ordering_start(question, self._round) if question.kind == "ordering" else ()
        self._editor = make_editor(question, start)
        self._editor.changed.connect(self._on_editor_changed)
        if isinstance(self._editor, NumericEditor):
            self._editor.submitted.connect(self._on_enter)
        self.editor_slot.addWidget(self._editor)
        self._editor.show()  # a layout would show it only on the next event-loop turn
        self.message_label.hide()
        shown = self._grades.get(self._key, {}).get(question.id)
        response = self._responses.get(self._key, {}).get(question.id)
        if shown is not None and response is not None:
            self._editor.set_response(response)
            self._show_feedback(question, shown, response)
        else:
            self._show_unanswered()
        self.previous_button.setEnabled(self._index > 0)
        self.views.setCurrentWidget(self.question_view)
        self.scroll.verticalScrollBar().setValue(0)
        self._editor.setFocus()

    def _show_unanswered(self) -> None:
        assert self._editor is not None
        self._editor.clear_marks()
        self._editor.set_locked(False)
        self.feedback.hide()
        self.check_button.show()
        self.retry_button.hide()
        set_primary(self.check_button, True)
        set_primary(self.next_button, False)
        self._update_next_button()

    def _update_next_button(self) -> None:
        current = self.current_pass
        last = self._index == len(self._questions) - 1
        if current is not None and current.finished:
            self.next_button.setText("See my score" if last else "Next question →")
        else:
            self.next_button.setText("Next question →" if not last else "Skip to the end")
        self.next_button.setEnabled(not last or (current is not None and current.finished))

    @Slot()
    def _on_editor_changed(self) -> None:
        self.message_label.hide()

    def answer(self, response: Any) -> Grade | None:
        """Fill in ``response`` (as a widget or link would give it) and check it."""
        question = self.current_question()
        if question is None or self._editor is None:
            return None
        try:
            value = normalise_response(question, response)
        except ValueError as error:
            raise ValueError(f"answer “{response}” does not fit question {question.id}: {error}") from None
        if question.kind == "multiple":
            value = sorted(value)
        self._editor.set_response(value if question.kind != "numeric" else response)
        return self.check_answer()

    @Slot()
    def check_answer(self) -> Grade | None:
        question = self.current_question()
        if question is None or self._editor is None:
            return None
        response = self._editor.response()
        if response is None or response == [] or response == "":
            self._show_message("Choose an answer first." if question.kind != "numeric" else "Type a number first.")
            return None
        try:
            result = grade(question, response)
        except ValueError as error:
            self._show_message(f"That answer cannot be checked: {error}.")
            return None
        current = self.current_pass
        if current is not None and current.record(question.id, result.correct):
            lesson_id = question.lesson_id
            self.ctx.save(lambda: self.ctx.store.record_answer(lesson_id, question.id, result.correct, response))
            if current.finished and self._key != REVIEW:
                self.ctx.save(lambda: self.ctx.store.record_quiz_score(self._key, current.score))
                self.ctx.progress_changed.emit(self._key)
        self._grades.setdefault(self._key, {})[question.id] = result
        self._responses.setdefault(self._key, {})[question.id] = response
        self._show_feedback(question, result, response)
        return result

    def _show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.show()

    def _show_feedback(self, question: Question, result: Grade, response: Any) -> None:
        assert self._editor is not None
        theme = self.ctx.theme
        self._editor.show_grade(result, response, theme)
        self._editor.set_locked(True)
        colour = theme.positive if result.correct else theme.negative
        headline = "✓ Correct." if result.correct else "✗ Not quite."
        e = html.escape
        parts = [f"<p style='margin:0'><b style='color:{colour}'>{headline}</b> {e(result.detail)}</p>"]
        first = (self.current_pass.first_results.get(question.id) if self.current_pass else None) is not None
        if not result.correct and question.kind == "ordering":
            steps = "".join(f"<li>{e(option)}</li>" for option in question.options)
            parts.append(
                f"<p style='margin-bottom:0'><b>The right order:</b></p><ol style='margin-top:0'>{steps}</ol>"
            )
        elif not result.correct:
            parts.append(f"<p><b>The answer:</b> {e(result.expected)}</p>")
        for option, reason in result.reasons:
            parts.append(f"<p><b>Why not “{e(option)}”?</b> {e(reason)}</p>")
        parts.append(f"<p><b>Why:</b> {e(result.explanation)}</p>")
        section_link = f"lesson:{question.lesson_id}#{slugify(question.section)}"
        links = [f"<a href='{section_link}'>Read “{e(question.section)}” again</a>"]
        page = CALCULATOR_PAGES.get(question.answer_from.function, "") if question.answer_from else ""
        if page:
            links.append(f"<a href='page:{page}'>Work it through in the calculator</a>")
        parts.append(f"<p>{' · '.join(links)}</p>")
        if first and self.current_pass is not None:
            scored = self.current_pass.first_results[question.id]
            if scored != result.correct:
                note = "Your score keeps your first answer to this question."
                parts.append(f"<p style='color:{theme.muted_text}'>{note}</p>")
        self.feedback.setText("".join(parts))
        self.feedback.setStyleSheet(
            f"QLabel#quiz-feedback {{ background: {theme.base}; border: 1px solid {theme.border}; "
            f"border-left: 5px solid {colour}; border-radius: 4px; padding: 10px; }}"
        )
        self.feedback.setAccessibleDescription(f"{headline} {result.detail} {result.explanation}")
        self.feedback.show()
        self.check_button.hide()
        self.retry_button.show()
        set_primary(self.next_button, True)
        self._update_next_button()
        self.next_button.setFocus()

    @Slot()
    def try_again(self) -> None:
        question = self.current_question()
        if question is None:
            return
        self._grades.get(self._key, {}).pop(question.id, None)
        self._responses.get(self._key, {}).pop(question.id, None)
        self.show_question(self._index)

    @Slot()
    def go_previous(self) -> None:
        if self._index > 0:
            self.show_question(self._index - 1)

    @Slot()
    def go_next(self) -> None:
        current = self.current_pass
        if self._index < len(self._questions) - 1:
            self.show_question(self._index + 1)
        elif current is not None and current.finished:
            self.show_summary()

    @Slot()
    def _on_enter(self) -> None:
        if self.check_button.isVisible():
            self.check_answer()
        elif self.next_button.isEnabled():
            self.go_next()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.views.currentWidget() is self.question_view and event.key() in (
            Qt.Key.Key_Return,
            Qt.Key.Key_Enter,
        ):
            self._on_enter()
            return
        super().keyPressEvent(event)

    # ------------------------------------------------------------------ the end of a pass
    def show_summary(self) -> None:
        current = self.current_pass
        if current is not None:
            self.summary.show_result(self._key, current, self._grades.get(self._key, {}))
            self.views.setCurrentWidget(self.summary)

    # ------------------------------------------------------------------ keeping up to date
    @Slot(object)
    def _on_ctx_theme_changed(self, _theme: object) -> None:
        question = self.current_question()
        shown = self._grades.get(self._key, {}).get(question.id) if question is not None else None
        response = self._responses.get(self._key, {}).get(question.id) if question is not None else None
        if question is not None and shown is not None and response is not None:
            self._show_feedback(question, shown, response)  # recolour the marks; keep what the student chose

    @Slot(str)
    def _on_ctx_progress_changed(self, _lesson_id: str) -> None:
        if self.views.currentWidget() is self.chooser:
            self.refresh_chooser()

    def showEvent(self, event: Any) -> None:
        if self.views.currentWidget() is self.chooser:
            self.refresh_chooser()
        super().showEvent(event)
