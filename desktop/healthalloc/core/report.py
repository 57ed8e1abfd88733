"""The student's progress report: per-lesson and per-module numbers, a CSV a grader can combine across
students, an HTML page the UI prints to PDF, and a chart of quiz scores drawn on a Figure it is given.

Scores are the share of a lesson's questions answered right on the first try in a full pass through its quiz;
"best" is the highest such pass, "latest" the most recent.
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from healthalloc.core.content import Course, Lesson
from healthalloc.core.palette import HATCHES, ThemeColors
from healthalloc.core.progress import ProgressStore
from healthalloc.core.quiz import QuizBank

CSV_COLUMNS = (
    "student",
    "report_date",
    "module",
    "lesson_id",
    "lesson",
    "completed",
    "minutes_spent",
    "quiz_questions",
    "best_score_percent",
    "latest_score_percent",
    "quiz_attempts",
)


@dataclass(frozen=True)
class LessonRow:
    module: str
    lesson_id: str
    title: str
    order: int
    completed: bool
    seconds: float
    questions: int
    best: float | None  # 0–1, None if no full pass yet
    latest: float | None
    attempts: int


@dataclass(frozen=True)
class ModuleRow:
    module: str
    lessons: int
    completed: int
    seconds: float

    @property
    def fraction(self) -> float:
        return self.completed / self.lessons if self.lessons else 0.0


@dataclass(frozen=True)
class ProgressReport:
    student: str
    generated: datetime
    lessons: tuple[LessonRow, ...]
    modules: tuple[ModuleRow, ...]
    due_reviews: int
    in_review: int
    notes: int
    bookmarks: int

    @property
    def completed(self) -> int:
        return sum(row.completed for row in self.lessons)

    @property
    def total_seconds(self) -> float:
        return sum(row.seconds for row in self.lessons)

    @property
    def quizzes_taken(self) -> int:
        return sum(row.best is not None for row in self.lessons)

    @property
    def average_best(self) -> float | None:
        scores = [row.best for row in self.lessons if row.best is not None]
        return sum(scores) / len(scores) if scores else None


def build_report(
    course: Course,
    store: ProgressStore,
    bank: QuizBank | None = None,
    *,
    student: str = "",
    now: datetime | None = None,
) -> ProgressReport:
    scores = store.quiz_scores()
    rows: list[LessonRow] = []
    for lesson in course.lessons:
        state = store.lesson_state(lesson.id)
        best, latest, attempts = scores.get(lesson.id, (None, None, 0))
        rows.append(
            LessonRow(
                module=lesson.module,
                lesson_id=lesson.id,
                title=lesson.title,
                order=lesson.order,
                completed=state.completed,
                seconds=state.seconds_spent,
                questions=len(bank.for_lesson(lesson.id)) if bank is not None else 0,
                best=best,
                latest=latest,
                attempts=attempts,
            )
        )
    modules = tuple(
        ModuleRow(
            module,
            len(lessons),
            sum(1 for row in rows if row.module == module and row.completed),
            sum(row.seconds for row in rows if row.module == module),
        )
        for module, lessons in course.modules()
    )
    notes = store.notes()
    return ProgressReport(
        student=student.strip(),
        generated=now or datetime.now(),
        lessons=tuple(rows),
        modules=modules,
        due_reviews=len(store.due_for_review()),
        in_review=store.review_count(),
        notes=sum(1 for note in notes if note.body.strip()),
        bookmarks=sum(1 for note in notes if note.bookmarked),
    )


def continue_lesson(course: Course, store: ProgressStore) -> Lesson | None:
    """Where "Continue where I left off" goes: the last lesson opened, else the first one not yet completed."""
    last = store.last_lesson()
    lesson = course.lesson(last) if last else None
    if lesson is not None:
        return lesson
    completed = store.completed_lessons()
    return next(
        (item for item in course.lessons if item.id not in completed),
        course.lessons[0] if course.lessons else None,
    )


def format_duration(seconds: float) -> str:
    """``75`` → ``"1 min"``, ``5400`` → ``"1 h 30 min"``; under half a minute is ``"0 min"``."""
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def format_score(score: float | None) -> str:
    return "—" if score is None else f"{score * 100:.0f}%"


def to_csv(report: ProgressReport) -> str:
    """One row per lesson, with the student and date on every row so files from a class can be stacked."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    date = report.generated.strftime("%Y-%m-%d")
    for row in report.lessons:
        writer.writerow(
            (
                report.student,
                date,
                row.module,
                row.lesson_id,
                row.title,
                "yes" if row.completed else "no",
                f"{row.seconds / 60:.1f}",
                row.questions,
                "" if row.best is None else f"{row.best * 100:.0f}",
                "" if row.latest is None else f"{row.latest * 100:.0f}",
                row.attempts,
            )
        )
    return buffer.getvalue()


def to_html(report: ProgressReport, *, chart_url: str = "") -> str:
    """A self-contained HTML page (Qt rich-text subset) for printing to PDF."""
    e = html.escape
    who = e(report.student) if report.student else "(name not given)"
    average = format_score(report.average_best)
    parts = [
        "<html><body style='font-family: sans-serif;'>",
        "<h1>Progress report: who allocates US health care</h1>",
        f"<p><b>Student:</b> {who}<br/><b>Date:</b> {report.generated.strftime('%d %B %Y, %H:%M')}</p>",
        "<h2>Summary</h2>",
        "<table cellpadding='4' cellspacing='0' border='1'>",
        f"<tr><td>Lessons completed</td><td>{report.completed} of {len(report.lessons)}</td></tr>",
        f"<tr><td>Time spent in lessons</td><td>{format_duration(report.total_seconds)}</td></tr>",
        f"<tr><td>Quizzes finished</td><td>{report.quizzes_taken} of {len(report.lessons)}</td></tr>",
        f"<tr><td>Average best quiz score</td><td>{average}</td></tr>",
        f"<tr><td>Questions in review</td><td>{report.in_review} ({report.due_reviews} due now)</td></tr>",
        f"<tr><td>Notes and bookmarks</td><td>{report.notes} notes, {report.bookmarks} bookmarks</td></tr>",
        "</table>",
        "<h2>Modules</h2>",
        "<table cellpadding='4' cellspacing='0' border='1'>",
        "<tr><th align='left'>Module</th><th>Lessons completed</th><th>Time spent</th></tr>",
    ]
    for module in report.modules:
        parts.append(
            f"<tr><td>{e(module.module)}</td><td align='center'>{module.completed} of {module.lessons}</td>"
            f"<td align='right'>{format_duration(module.seconds)}</td></tr>"
        )
    parts += [
        "</table>",
        "<h2>Lessons and quiz scores</h2>",
        "<table cellpadding='4' cellspacing='0' border='1'>",
        "<tr><th align='left'>Lesson</th><th>Completed</th><th>Time</th><th>Questions</th>"
        "<th>Best</th><th>Latest</th><th>Attempts</th></tr>",
    ]
    for row in report.lessons:
        parts.append(
            f"<tr><td>{row.order}. {e(row.title)}</td><td align='center'>{'yes' if row.completed else 'no'}</td>"
            f"<td align='right'>{format_duration(row.seconds)}</td><td align='center'>{row.questions}</td>"
            f"<td align='right'>{format_score(row.best)}</td><td align='right'>{format_score(row.latest)}</td>"
            f"<td align='center'>{row.attempts}</td></tr>"
        )
    parts.append("</table>")
    if chart_url:
        parts.append(f"<p><img src='{e(chart_url)}' width='640'/></p>")
    parts.append(
        "<p><small>Scores are the share of a lesson's questions answered right on the first try in a full pass "
        "through its quiz. Time is counted while a lesson is open on screen. Made with healthalloc, offline.</small></p>"
        "</body></html>"
    )
    return "\n".join(parts)


def short_title(title: str, limit: int = 24) -> str:
    """A lesson's title up to its colon, cut to ``limit`` characters: "Policy: the laws…" → "Policy"."""
    head = title.split(":", 1)[0].strip() or title
    return head if len(head) <= limit else head[: limit - 1].rstrip() + "…"


def draw_scores(figure: Any, report: ProgressReport, theme: ThemeColors) -> str:
    """Best and latest quiz score per lesson as paired horizontal bars. Returns the text alternative."""
    figure.clear()
    ax = figure.subplots()
    rows = list(report.lessons)[::-1]  # first lesson at the top
    labels = [f"{row.order}. {short_title(row.title, 20)}" for row in rows]
    positions = list(range(len(rows)))
    height = 0.38
    taken = any(row.best is not None for row in rows)
    best_bars = ax.barh(
        [p + height / 2 for p in positions],
        [(row.best or 0.0) * 100 for row in rows],
        height,
        label="Best",
        color=theme.chart_series[0],
        edgecolor=theme.text,
        linewidth=0.5,
    )
    latest_bars = ax.barh(
        [p - height / 2 for p in positions],
        [(row.latest or 0.0) * 100 for row in rows],
        height,
        label="Latest",
        color=theme.chart_series[1],
        edgecolor=theme.text,
        linewidth=0.5,
        hatch=HATCHES[1],
    )
    ax.bar_label(best_bars, labels=[format_score(r.best) if r.best is not None else "" for r in rows], padding=3)
    ax.bar_label(
        latest_bars, labels=[format_score(r.latest) if r.latest is not None else "" for r in rows], padding=3
    )
    if taken:
        for position, row in zip(positions, rows, strict=True):
            if row.best is None:
                ax.text(2, position, "not taken yet", va="center", color=theme.muted_text, fontsize="small")
        ax.legend(loc="lower right", frameon=True)
    else:
        message = "Finish a lesson's quiz\nto see your scores here."
        ax.text(50, (len(rows) - 1) / 2, message, ha="center", va="center", color=theme.muted_text)
    ax.set_yticks(positions, labels)
    ax.set_xlim(0, 112)
    ax.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
    ax.set_xlabel("Right on the first try")
    figure.suptitle("Quiz scores by lesson", x=0.02, ha="left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", alpha=0.4)
    ax.set_axisbelow(True)
    lines = ["Quiz scores by lesson (best, latest):"]
    for row in report.lessons:
        if row.best is None:
            lines.append(f"{row.order}. {row.title}: not taken yet")
        else:
            lines.append(
                f"{row.order}. {row.title}: best {format_score(row.best)}, latest {format_score(row.latest)}"
            )
    return "\n".join(lines)
