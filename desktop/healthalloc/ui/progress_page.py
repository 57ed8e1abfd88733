"""Your progress (page id ``progress``): completion per module, quiz scores, time spent, reviews due, a chart,
"Continue where I left off", and a report to hand in (PDF or CSV).

The numbers come from ``core.report``; this page only lays them out and writes the files.
"""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QSizeF, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from healthalloc.core.files import atomic_write_bytes, atomic_write_text
from healthalloc.core.report import (
    ProgressReport,
    build_report,
    continue_lesson,
    draw_scores,
    format_duration,
    format_score,
    short_title,
    to_csv,
    to_html,
)
from healthalloc.ui.calc_base import ChartView
from healthalloc.ui.context import AppContext
from healthalloc.ui.debounce import Debouncer

NAME_KEY = "student_name"
CHART_URL = "report-chart.png"


class _Card(QFrame):
    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        self.value = QLabel("—")
        self.value.setProperty("role", "result")
        self.caption = QLabel(caption)
        self.caption.setProperty("role", "muted")
        self.caption.setWordWrap(True)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)

    def set(self, value: str, caption: str = "") -> None:
        self.value.setText(value)
        if caption:
            self.caption.setText(caption)
        self.setAccessibleName(f"{self.caption.text()}: {value}")


class ProgressPage(QWidget):
    page_id: ClassVar[str] = "progress"
    title: ClassVar[str] = "Your progress"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("page-progress")
        self.setAccessibleName(self.title)
        self.report: ProgressReport | None = None
        self._charted: tuple[object, ...] | None = None  # what the chart shows (see refresh)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 12)
        title = QLabel("Your progress")
        title.setProperty("role", "title")
        layout.addWidget(title)

        actions = QHBoxLayout()
        self.continue_button = QPushButton("Continue where I left off")
        self.continue_button.setProperty("primary", True)
        self.continue_button.clicked.connect(self.continue_learning)
        self.review_button = QPushButton("Review what I missed")
        self.review_button.clicked.connect(lambda: self.ctx.open_link("page:quiz?mode=review"))
        actions.addWidget(self.continue_button)
        actions.addWidget(self.review_button)
        actions.addStretch(1)
        layout.addLayout(actions)

        cards = QHBoxLayout()
        self.lessons_card = _Card("lessons completed")
        self.time_card = _Card("spent reading lessons")
        self.quizzes_card = _Card("quizzes finished")
        self.score_card = _Card("average best quiz score")
        self.review_card = _Card("questions due for review")
        for card in (self.lessons_card, self.time_card, self.quizzes_card, self.score_card, self.review_card):
            cards.addWidget(card)
        layout.addLayout(cards)

        self.tree = QTreeWidget()
        self.tree.setColumnCount(6)
        self.tree.setHeaderLabels(["Module and lesson", "Done", "Time", "Best", "Latest", "Tries"])
        self.tree.setAccessibleName("Progress by module and lesson")
        self.tree.setRootIsDecorated(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.itemActivated.connect(self._on_tree_item_activated)
        self.tree.itemDoubleClicked.connect(self._on_tree_item_activated)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, 6):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.chart = ChartView(ctx, min_height=300)
        self.chart.setAccessibleName("Chart: quiz scores by lesson")
        self.chart.set_drawer(self._draw_chart)
        splitter = QSplitter()
        splitter.addWidget(self.tree)
        splitter.addWidget(self.chart)
        splitter.setSizes([580, 420])
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)

        export = QHBoxLayout()
        name_label = QLabel("Name on the report:")
        self.name_edit = QLineEdit(ctx.store.get_value(NAME_KEY, ""))
        self.name_edit.setPlaceholderText("Your name")
        self.name_edit.setAccessibleName("Your name, printed on the report")
        self.name_edit.setMaximumWidth(280)
        name_label.setBuddy(self.name_edit)
        self._name_saver = Debouncer(600, self._save_name, self)
        self.name_edit.textChanged.connect(lambda _t: self._name_saver.trigger())
        self.pdf_button = QPushButton("Export PDF report…")
        self.pdf_button.clicked.connect(self._on_pdf_clicked)
        self.csv_button = QPushButton("Export CSV…")
        self.csv_button.clicked.connect(self._on_csv_clicked)
        export.addWidget(name_label)
        export.addWidget(self.name_edit)
        export.addStretch(1)
        export.addWidget(self.pdf_button)
        export.addWidget(self.csv_button)
        layout.addLayout(export)

        ctx.progress_changed.connect(self._on_ctx_progress_changed)
        self.refresh()

    # ------------------------------------------------------------------ data
    def build(self) -> ProgressReport:
        return build_report(self.ctx.course, self.ctx.store, self.ctx.quizzes, student=self.name_edit.text())

    def refresh(self) -> None:
        report = self.report = self.build()
        total = len(report.lessons)
        self.lessons_card.set(f"{report.completed} of {total}")
        self.time_card.set(format_duration(report.total_seconds))
        self.quizzes_card.set(f"{report.quizzes_taken} of {total}")
        self.score_card.set(format_score(report.average_best))
        waiting = report.in_review - report.due_reviews
        later = (
            f"questions due for review ({waiting} more in later sessions)"
            if waiting
            else "questions due for review"
        )
        self.review_card.set(str(report.due_reviews), later)
        self.review_button.setText(f"Review what I missed ({report.due_reviews})")
        self.review_button.setEnabled(report.due_reviews > 0)
        target = continue_lesson(self.ctx.course, self.ctx.store)
        self.continue_button.setEnabled(target is not None)
        self.continue_button.setToolTip(f"Open “{target.title}”" if target else "")
        self.continue_button.setText(
            f"Continue: {target.title.split(':', 1)[0]}" if target else "Continue where I left off"
        )
        self._fill_tree(report)
        self.chart.set_text_alternative(self._draw_text(report))
        # The chart shows the scores only: coming back to the page redraws it (a full matplotlib draw, about 35 ms)
        # only when one changed. Theme and zoom changes redraw it through ChartView.
        charted = tuple((row.order, row.title, row.best, row.latest) for row in report.lessons)
        if self.isVisible() and charted != self._charted:
            self._charted = charted
            # After this paint: the first chart imports matplotlib (about a second), so show the numbers first.
            QTimer.singleShot(0, self.chart.refresh)

    def _fill_tree(self, report: ProgressReport) -> None:
        self.tree.clear()
        for module in report.modules:
            parent = QTreeWidgetItem(
                [
                    module.module,
                    f"{module.completed} of {module.lessons}",
                    format_duration(module.seconds),
                    "",
                    "",
                    "",
                ]
            )
            font = parent.font(0)
            font.setBold(True)
            for column in range(6):
                parent.setFont(column, font)
            self.tree.addTopLevelItem(parent)
            for row in report.lessons:
                if row.module != module.module:
                    continue
                child = QTreeWidgetItem(
                    [
                        f"{row.order}. {short_title(row.title, 40)}",
                        "✓" if row.completed else "",
                        format_duration(row.seconds) if row.seconds else "—",
                        format_score(row.best),
                        format_score(row.latest),
                        str(row.attempts) if row.attempts else "—",
                    ]
                )
                child.setData(0, Qt.ItemDataRole.UserRole, row.lesson_id)
                child.setToolTip(0, row.title)
                parent.addChild(child)
            for column in range(1, 6):
                parent.setTextAlignment(column, Qt.AlignmentFlag.AlignCenter)
                for index in range(parent.childCount()):
                    parent.child(index).setTextAlignment(column, Qt.AlignmentFlag.AlignCenter)
        self.tree.expandAll()

    def _draw_chart(self, figure: Any, theme: Any) -> None:
        if self.report is not None:
            draw_scores(figure, self.report, theme)

    def _draw_text(self, report: ProgressReport) -> str:
        lines = [
            f"{row.order}. {row.title}: best {format_score(row.best)}, latest {format_score(row.latest)}"
            for row in report.lessons
        ]
        return "Quiz scores by lesson:\n" + "\n".join(lines)

    @Slot(str)
    def _on_ctx_progress_changed(self, _lesson_id: str) -> None:
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.refresh()

    def hideEvent(self, event: Any) -> None:
        self._name_saver.flush()  # leaving the page or closing the app: keep the name typed
        super().hideEvent(event)

    @Slot()
    def continue_learning(self) -> None:
        target = continue_lesson(self.ctx.course, self.ctx.store)
        if target is not None:
            self.ctx.open_link(f"lesson:{target.id}")

    @Slot(QTreeWidgetItem, int)
    def _on_tree_item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        lesson_id = item.data(0, Qt.ItemDataRole.UserRole)
        if lesson_id:
            self.ctx.open_link(f"lesson:{lesson_id}")

    @Slot()
    def _save_name(self) -> None:
        name = self.name_edit.text().strip()
        self.ctx.save(lambda: self.ctx.store.set_value(NAME_KEY, name))

    # ------------------------------------------------------------------ exports
    def _default_path(self, suffix: str) -> str:
        folder = Path.home() / "Documents"
        folder = folder if folder.is_dir() else Path.home()
        return str(folder / f"healthalloc-progress-{date.today().isoformat()}.{suffix}")

    @Slot()
    def _on_pdf_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export progress report", self._default_path("pdf"), "PDF (*.pdf)"
        )
        if path:
            self._export(self.export_pdf, path)

    @Slot()
    def _on_csv_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export progress as CSV", self._default_path("csv"), "CSV (*.csv)"
        )
        if path:
            self._export(self.export_csv, path)

    def _export(self, writer: Any, path: str) -> None:
        self._name_saver.flush()
        try:
            writer(path)
        except OSError as error:
            QMessageBox.warning(self, "Export failed", f"Could not write {path}: {error.strerror or error}")
            return
        status_bar = getattr(self.window(), "statusBar", None)
        if callable(status_bar):
            status_bar().showMessage(f"Saved {path}", 8000)

    def export_csv(self, path: str) -> None:
        atomic_write_text(path, to_csv(self.build()))

    def export_pdf(self, path: str) -> None:
        """Print the report (with the chart, in light colours) to an A4 PDF, written atomically."""
        report = self.build()
        document = QTextDocument()
        chart = _chart_image(report)
        if chart is not None:
            document.addResource(QTextDocument.ResourceType.ImageResource.value, QUrl(CHART_URL), chart)
        document.setHtml(to_html(report, chart_url=CHART_URL if chart is not None else ""))
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        writer = QPdfWriter(buffer)
        writer.setTitle(f"healthalloc progress report{': ' + report.student if report.student else ''}")
        writer.setCreator("healthalloc")
        writer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait, QMarginsF(15, 15, 15, 15)
            )
        )
        writer.setResolution(144)
        layout = writer.pageLayout().paintRectPixels(writer.resolution())
        document.setPageSize(QSizeF(layout.width(), layout.height()))
        document.print_(writer)
        del writer  # finishes the PDF
        buffer.close()
        atomic_write_bytes(path, bytes(buffer.data().data()))


def _chart_image(report: ProgressReport) -> QImage | None:
    """The quiz-score chart as an image, drawn off-screen in the light theme (paper is white)."""
    with contextlib.suppress(ImportError):
        import io

        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        from healthalloc.core.palette import LIGHT, chart_rc

        with matplotlib.rc_context(chart_rc(LIGHT)):
            figure = Figure(figsize=(8, 4.2), dpi=100, layout="constrained")
            FigureCanvasAgg(figure)
            draw_scores(figure, report, LIGHT)
            data = io.BytesIO()
            figure.savefig(data, format="png", dpi=150, facecolor=LIGHT.base)
        image = QImage()
        image.loadFromData(QByteArray(data.getvalue()), "PNG")
        return image
    return None
