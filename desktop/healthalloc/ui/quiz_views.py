"""The two quiz screens around the questions: the chooser (every lesson's quiz, and "Review what I missed") and
the summary shown at the end of a pass. The quiz page owns the passes; these widgets only show them.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from healthalloc.core.content import slugify
from healthalloc.core.grading import Grade, QuizPass
from healthalloc.core.quiz import questions_by_id
from healthalloc.ui.context import AppContext

REVIEW = "review"
LESSON_ROLE = Qt.ItemDataRole.UserRole


def percent(score: float) -> str:
    return f"{score * 100:.0f}%"


def set_primary(button: QPushButton, primary: bool) -> None:
    """Switch the accent style on or off (a dynamic property needs the style re-applied)."""
    button.setProperty("primary", primary)
    button.style().unpolish(button)
    button.style().polish(button)


class QuizChooser(QWidget):
    """Every lesson's quiz with its best and latest score; Enter or double-click starts one."""

    lesson_chosen = Signal(str)
    review_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Knowledge checks")
        title.setProperty("role", "title")
        intro = QLabel(
            "Each lesson has a short quiz. Feedback appears as soon as you check an answer, and you can try a "
            "question again. Your score is the share you get right on the first try; the best and the latest "
            "are kept. Questions you miss come back in “Review what I missed” in later sessions."
        )
        intro.setWordWrap(True)
        review_row = QHBoxLayout()
        self.review_button = QPushButton("Review what I missed")
        self.review_button.setProperty("primary", True)
        self.review_button.clicked.connect(self.review_requested)
        self.review_label = QLabel()
        self.review_label.setProperty("role", "muted")
        self.review_label.setWordWrap(True)
        review_row.addWidget(self.review_button)
        review_row.addWidget(self.review_label, 1)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["Lesson", "Questions", "Best", "Latest", "This session"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)
        self.table.setAccessibleName("Quizzes by lesson")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, 5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.cellActivated.connect(self._on_table_cell_activated)
        self.table.cellDoubleClicked.connect(self._on_table_cell_activated)
        start_row = QHBoxLayout()
        self.start_button = QPushButton("Start the selected quiz")
        self.start_button.clicked.connect(self._on_start_clicked)
        start_row.addStretch(1)
        start_row.addWidget(self.start_button)
        self.problems_label = QLabel()
        self.problems_label.setProperty("role", "error")
        self.problems_label.setWordWrap(True)
        self.problems_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(review_row)
        layout.addSpacing(6)
        layout.addWidget(self.table, 1)
        layout.addLayout(start_row)
        layout.addWidget(self.problems_label)

    def refresh(self, passes: Mapping[str, QuizPass]) -> None:
        bank = self.ctx.quizzes
        scores = self.ctx.store.quiz_scores()
        lessons = [lesson for lesson in self.ctx.course.lessons if bank.for_lesson(lesson.id)]
        self.table.setRowCount(len(lessons))
        for row, lesson in enumerate(lessons):
            count = len(bank.for_lesson(lesson.id))
            best, latest, _attempts = scores.get(lesson.id, (None, None, 0))
            current = passes.get(lesson.id)
            if current is None:
                status = ""
            elif current.finished:
                status = f"Done: {current.correct} of {count}"
            else:
                status = f"{current.answered} of {count} answered"
            cells = [
                f"{lesson.order}. {lesson.title}",
                str(count),
                percent(best) if best is not None else "—",
                percent(latest) if latest is not None else "—",
                status,
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(LESSON_ROLE, lesson.id)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, column, item)
        if lessons and self.table.currentRow() < 0:
            self.table.setCurrentCell(0, 0)
        due = len(self.ctx.store.due_for_review())
        waiting = self.ctx.store.review_count()
        self.review_button.setEnabled(due > 0)
        set_primary(self.review_button, due > 0)  # a disabled button should not look like the next step
        self.review_button.setText(f"Review what I missed ({due})")
        if due:
            self.review_label.setText(f"{due} question{'s' if due != 1 else ''} due for review this session.")
        elif waiting:
            self.review_label.setText(
                f"{waiting} question{'s' if waiting != 1 else ''} in your review boxes; none is due this session. "
                "Missed questions come back in a later session, spaced further apart each time you get them right."
            )
        else:
            self.review_label.setText("Nothing to review yet: questions you miss will come back here.")
        problems = [str(error) for error in bank.errors]
        self.problems_label.setText("Some quiz files have problems:\n" + "\n".join(problems) if problems else "")
        self.problems_label.setVisible(bool(problems))

    @Slot(int, int)
    def _on_table_cell_activated(self, row: int, _column: int) -> None:
        item = self.table.item(row, 0)
        if item is not None:
            self.lesson_chosen.emit(str(item.data(LESSON_ROLE)))

    @Slot()
    def _on_start_clicked(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self._on_table_cell_activated(row, 0)


class QuizSummary(QWidget):
    """The end of a pass: the score, the best so far, and the questions worth another look."""

    retake_requested = Signal()
    chooser_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.key = ""
        self._next_lesson = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.context_label = QLabel()
        self.context_label.setProperty("role", "muted")
        self.title_label = QLabel()
        self.title_label.setProperty("role", "title")
        self.title_label.setWordWrap(True)
        self.score_label = QLabel()
        self.score_label.setProperty("role", "result")
        self.score_label.setWordWrap(True)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.text.linkActivated.connect(ctx.open_link)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        holder = QWidget()
        holder.setMaximumWidth(900)
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 12, 0)
        holder_layout.addWidget(self.score_label)
        holder_layout.addWidget(self.text)
        holder_layout.addStretch(1)
        scroll.setWidget(holder)
        buttons = QHBoxLayout()
        self.all_button = QPushButton("All quizzes")
        self.all_button.clicked.connect(self.chooser_requested)
        self.lesson_button = QPushButton("Back to the lesson")
        self.lesson_button.clicked.connect(self._on_lesson_clicked)
        self.retake_button = QPushButton("Retake this quiz")
        self.retake_button.clicked.connect(self.retake_requested)
        self.next_lesson_button = QPushButton("Next lesson →")
        self.next_lesson_button.setProperty("primary", True)
        self.next_lesson_button.clicked.connect(self._on_next_lesson_clicked)
        buttons.addWidget(self.all_button)
        buttons.addStretch(1)
        for button in (self.lesson_button, self.retake_button, self.next_lesson_button):
            buttons.addWidget(button)
        layout.addWidget(self.context_label)
        layout.addWidget(self.title_label)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)

    def show_result(self, key: str, current: QuizPass, grades: Mapping[str, Grade]) -> None:
        """Fill in the summary of ``current`` (``key`` is a lesson id or ``review``)."""
        self.key = key
        total = len(current.question_ids)
        e = html.escape
        parts: list[str] = []
        if key == REVIEW:
            self.context_label.setText("REVIEW WHAT I MISSED")
            self.title_label.setText("Review finished")
            self.score_label.setText(f"{current.correct} of {total} right this time")
            parts.append(
                "<p>Questions you got right move to a later review box and come back less often; after three "
                "correct reviews in a row they leave the boxes. Those you missed return next session.</p>"
            )
        else:
            lesson = self.ctx.course.lesson(key)
            self.context_label.setText(f"LESSON {lesson.order}  ·  QUIZ RESULT" if lesson else "QUIZ RESULT")
            self.title_label.setText(lesson.title if lesson else key)
            self.score_label.setText(
                f"{current.correct} of {total} right on the first try ({percent(current.score)})"
            )
            best, _latest, attempts = self.ctx.store.quiz_scores().get(key, (current.score, current.score, 1))
            parts.append(
                f"<p>Your best score for this quiz is {percent(best)} "
                f"({attempts} full attempt{'s' if attempts != 1 else ''}).</p>"
            )
        missed = questions_by_id(self.ctx.quizzes, current.missed())
        if missed:
            parts.append("<h3>Worth another look</h3><ul>")
            for question in missed:
                link = f"lesson:{question.lesson_id}#{slugify(question.section)}"
                result = grades.get(question.id)
                answer = e(result.expected) if result else ""
                parts.append(
                    f"<li><p>{e(question.prompt)}<br/><b>Answer:</b> {answer}<br/>"
                    f"<a href='{link}'>Read “{e(question.section)}” again</a></p></li>"
                )
            parts.append("</ul>")
            if key != REVIEW:
                parts.append(
                    "<p>These questions will come back in “Review what I missed” from your next session.</p>"
                )
        else:
            parts.append("<p>You got every question right on the first try.</p>")
        self.text.setText("".join(parts))
        is_lesson = key != REVIEW and self.ctx.course.lesson(key) is not None
        self.lesson_button.setVisible(is_lesson)
        _previous, following = self.ctx.course.neighbours(key) if is_lesson else (None, None)
        self.next_lesson_button.setVisible(following is not None)
        self._next_lesson = following.id if following else ""
        self.retake_button.setText("Retake this quiz" if key != REVIEW else "Review again")
        self.retake_button.setEnabled(key != REVIEW or bool(self.ctx.store.due_for_review()))

    @Slot()
    def _on_lesson_clicked(self) -> None:
        if self.key and self.key != REVIEW:
            self.ctx.open_link(f"lesson:{self.key}")

    @Slot()
    def _on_next_lesson_clicked(self) -> None:
        if self._next_lesson:
            self.ctx.open_link(f"lesson:{self._next_lesson}")
