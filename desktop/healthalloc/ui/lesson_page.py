"""The reading pane for one lesson: title, objectives, sections, sources; Previous/Next and "Mark complete"."""

from __future__ import annotations

import contextlib
import re
from typing import Any

from PySide6.QtCore import QPoint, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QTextBlockFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from healthalloc.core.content import Lesson
from healthalloc.core.render import lesson_markdown
from healthalloc.ui.context import AppContext
from healthalloc.ui.lesson_browser import LessonBrowser, chart_text

READING_MIN_WIDTH = 360  # the narrowest the lesson text gets while the window can make room for it
FINISHED_TEXT = ("I have finished this lesson", "Finished")  # the long label, and the one for a narrow column
QUIZ_TEXT = ("Check your understanding", "Quiz")


def width_with(button: QAbstractButton, text: str) -> int:
    """The button's preferred width if it showed ``text``."""
    metrics = button.fontMetrics()
    return button.sizeHint().width() + metrics.horizontalAdvance(text) - metrics.horizontalAdvance(button.text())


class LessonPage(QWidget):
    """One lesson. ``navigate_requested`` asks the window to open another lesson id."""

    navigate_requested = Signal(str)

    def __init__(self, ctx: AppContext, lesson: Lesson, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.lesson = lesson
        self.page_id = lesson.id
        self.title = lesson.title
        self.setObjectName(f"lesson-{lesson.id}")
        self.setAccessibleName(f"Lesson: {lesson.title}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 12)
        layout.setSpacing(6)

        self.module_label = QLabel(
            f"{lesson.module.upper()}  ·  LESSON {lesson.order}  ·  ABOUT {lesson.minutes} MIN"
        )
        self.module_label.setProperty("role", "muted")
        self.title_label = QLabel(lesson.title)
        self.title_label.setProperty("role", "title")
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.module_label)
        layout.addWidget(self.title_label)

        self.browser = LessonBrowser(ctx)
        self.browser.setMinimumWidth(READING_MIN_WIDTH)  # side panels give way before the text does
        self.browser.setAccessibleName(f"{lesson.title}: lesson text")
        self.browser.anchorClicked.connect(self._on_browser_anchor_clicked)
        self.browser.highlighted.connect(self._on_browser_highlighted)
        self.browser.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        layout.addWidget(self.browser, 1)

        self.prev_button = QPushButton("← Previous")
        self.next_button = QPushButton("Next →")
        self.next_button.setProperty("primary", True)
        self.complete_box = QCheckBox(FINISHED_TEXT[0])
        self.complete_box.setAccessibleName("Mark this lesson complete")
        previous, following = ctx.course.neighbours(lesson.id)
        self._previous_id = previous.id if previous else ""
        self._next_id = following.id if following else ""
        self.prev_button.setEnabled(previous is not None)
        self.prev_button.setToolTip(f"{previous.title} (Alt+Left)" if previous else "This is the first lesson")
        self.next_button.setEnabled(following is not None)
        self.next_button.setToolTip(f"{following.title} (Alt+Right)" if following else "This is the last lesson")
        self.prev_button.setAccessibleName("Previous lesson")
        self.next_button.setAccessibleName("Next lesson")
        self.prev_button.clicked.connect(self.go_previous)
        self.next_button.clicked.connect(self.go_next)
        self.complete_box.setChecked(ctx.store.lesson_state(lesson.id).completed)
        self.complete_box.toggled.connect(self._on_complete_toggled)
        self.quiz_button = QPushButton(QUIZ_TEXT[0])
        self.quiz_button.setAccessibleName("Check your understanding: this lesson's quiz")
        self.quiz_button.setToolTip("Questions on this lesson, with feedback as you go")
        self.quiz_button.clicked.connect(lambda: self.ctx.open_link(f"page:quiz?lesson={self.lesson.id}"))
        # One row when there is room; in a narrow column two rows, with shorter labels if even those do not fit.
        self._nav_rows = (QHBoxLayout(), QHBoxLayout())
        layout.addLayout(self._nav_rows[0])
        layout.addLayout(self._nav_rows[1])
        self._nav_shape: tuple[bool, bool] | None = None
        self._arrange_nav()

        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(600)
        self._save_timer.timeout.connect(self.save_position)
        self._restoring = False
        loaded = getattr(ctx, "learning_loaded", None)
        self._plain_first_frame = callable(loaded) and not loaded()
        self.render()
        if self._plain_first_frame:
            self.browser.first_painted.connect(
                self._add_links_after_first_paint, Qt.ConnectionType.QueuedConnection
            )
        else:
            self._update_quiz_button()
        ctx.theme_changed.connect(self._on_theme_changed)
        ctx.zoom_changed.connect(self._on_theme_changed)

    # ------------------------------------------------------------------ the row of buttons under the text
    def _arrange_nav(self, *, again: bool = False) -> None:
        """Lay out Previous, "I have finished", the quiz button and Next for the page's width, never cutting a
        label off: one row if it fits, else two rows (finishing and the quiz above, Previous and Next below), with
        the short labels if the long ones do not fit even then. The accessible names stay whole. ``again``: the
        labels' widths may have changed (zoom, the quiz button shown or hidden), so lay out even at the same width."""
        if again:
            self._nav_shape = None
        margins = self.layout().contentsMargins()
        inner = self.width() - margins.left() - margins.right()
        spacing = max(self._nav_rows[0].spacing(), 6)
        # Preferred widths with the long labels: the middle pair (finishing, quiz) and the end pair (Previous, Next).
        middle = width_with(self.complete_box, FINISHED_TEXT[0])
        if not self.quiz_button.isHidden():
            middle += width_with(self.quiz_button, QUIZ_TEXT[0]) + spacing
        ends = self.prev_button.sizeHint().width() + self.next_button.sizeHint().width() + spacing
        one_row = inner >= middle + ends + 2 * spacing
        short = not one_row and inner < max(middle, ends) + spacing
        if (one_row, short) == self._nav_shape:
            return
        self._nav_shape = (one_row, short)
        self.complete_box.setText(FINISHED_TEXT[1 if short else 0])
        self.quiz_button.setText(QUIZ_TEXT[1 if short else 0])
        for row in self._nav_rows:
            while row.count():
                row.takeAt(0)
        top, bottom = self._nav_rows
        if one_row:
            bottom.addWidget(self.prev_button)
            bottom.addStretch(1)
            bottom.addWidget(self.complete_box)
            bottom.addStretch(1)
            bottom.addWidget(self.quiz_button)
            bottom.addWidget(self.next_button)
        else:
            top.addWidget(self.complete_box)
            top.addStretch(1)
            top.addWidget(self.quiz_button)
            bottom.addWidget(self.prev_button)
            bottom.addStretch(1)
            bottom.addWidget(self.next_button)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._arrange_nav()

    # ------------------------------------------------------------------ rendering
    def markdown(self) -> str:
        if self._plain_first_frame:
            # The first lesson after start-up paints as plain text; loading the glossary and quizzes for its links
            # and "Check yourself" prompts would hold up the first paint (see _add_links_after_first_paint).
            text = lesson_markdown(self.lesson)
        else:
            text = lesson_markdown(
                self.lesson, question_prompt=self._question_prompt, link_terms=self._link_terms()
            )
        # Under each figure, a link to the numbers behind it: the chart's text alternative, reachable by Tab.
        return re.sub(
            r"(\(chart:([a-z0-9-]+)\)\n\n\*Figure: [^\n]*\*)", r"\1 [Show the numbers](chartdata:\2)", text
        )

    @Slot()
    def _add_links_after_first_paint(self) -> None:
        """Load the glossary and quizzes (once per session), then render again with links and prompts."""
        self._plain_first_frame = False
        self.render()
        self._update_quiz_button()

    def _update_quiz_button(self) -> None:
        """Count this lesson's questions (the quizzes are parsed after the first paint; until then it shows)."""
        quizzes = getattr(self.ctx, "quizzes", None)
        count = len(quizzes.for_lesson(self.lesson.id)) if quizzes is not None else 0
        self.quiz_button.setToolTip(f"{count} questions on this lesson, with feedback as you go")
        self.quiz_button.setVisible(count > 0)
        self._arrange_nav(again=True)

    def show_chart_numbers(self, chart_id: str) -> str:
        """The numbers behind a figure, in a message box (what a screen reader reads instead of the image)."""
        from PySide6.QtWidgets import QMessageBox

        text = self.browser.chart_text.get(chart_id) or chart_text(chart_id, self.ctx)
        box = QMessageBox(QMessageBox.Icon.Information, "The numbers behind this figure", text, parent=self)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.open()
        return text

    def _question_prompt(self, question_id: str) -> str | None:
        lookup = getattr(self.ctx, "question_prompt", None)
        return lookup(question_id) if callable(lookup) else None

    def _link_terms(self) -> Any:
        linker = getattr(self.ctx, "link_terms", None)
        return linker if callable(linker) else None

    def render(self) -> None:
        """(Re)build the document, keeping the reader at the same place in the same section."""
        bar = self.browser.verticalScrollBar()
        anchor: tuple[str, int] | None = None
        if bar.value() > 0 and bar.maximum() > 0:
            slug = self.current_section()
            top = dict(self.section_positions()).get(slug, 0)
            anchor = (slug, bar.value() - top)
        self.browser.redraw_charts()
        self.browser.document().setDefaultStyleSheet(_document_css(self.ctx))
        self.browser.setMarkdown(self.markdown())
        _style_headings(self.browser.document())
        if anchor is not None:
            slug, offset = anchor
            top = dict(self.section_positions()).get(slug)
            if top is not None:
                self._restoring = True
                try:
                    bar.setValue(top + offset)
                finally:
                    self._restoring = False

    @Slot(object)
    def _on_theme_changed(self, _value: object) -> None:
        self.render()
        self._arrange_nav(again=True)  # the labels' widths follow the zoom

    # ------------------------------------------------------------------ navigation and links
    @Slot()
    def go_previous(self) -> None:
        if self._previous_id:
            self.navigate_requested.emit(self._previous_id)

    @Slot()
    def go_next(self) -> None:
        if self._next_id:
            self.navigate_requested.emit(self._next_id)

    @Slot(QUrl)
    def _on_browser_anchor_clicked(self, url: QUrl) -> None:
        from PySide6.QtWidgets import QMessageBox

        text = url.toString()
        if url.scheme().lower() in ("http", "https", "mailto"):
            answer = QMessageBox.question(
                self,
                "Open a web page?",
                f"This link leads outside the app, to:\n\n{text}\n\nOpen it in your web browser?",
            )
            if answer == QMessageBox.StandardButton.Yes:
                QDesktopServices.openUrl(url)
            return
        if url.scheme().lower() == "chartdata":
            self.show_chart_numbers(url.path())
            return
        self.ctx.open_link(text)

    @Slot(QUrl)
    def _on_browser_highlighted(self, url: QUrl) -> None:
        text = url.toString()
        if not text:
            QToolTip.hideText()
            return
        describe = getattr(self.ctx, "describe_link", None)
        tip = describe(text) if callable(describe) else None
        if tip is None and url.scheme().lower() in ("http", "https"):
            tip = f"Opens in your web browser: {text}"
        if tip:
            QToolTip.showText(
                self.browser.mapToGlobal(self.browser.cursorRect().center()) + QPoint(0, 20), tip, self.browser
            )

    # ------------------------------------------------------------------ sections and position
    def section_positions(self) -> list[tuple[str, int]]:
        """(section slug, y position in the document) for every ``##`` heading, in order."""
        positions: list[tuple[str, int]] = []
        slugs = {s.title: s.slug for s in self.lesson.sections}
        document = self.browser.document()
        layout = document.documentLayout()
        block = document.begin()
        while block.isValid():
            if block.blockFormat().headingLevel() == 2 and block.text().strip() in slugs:
                positions.append((slugs[block.text().strip()], int(layout.blockBoundingRect(block).top())))
            block = block.next()
        return positions

    def current_section(self) -> str:
        y = self.browser.verticalScrollBar().value() + 40
        current = self.lesson.sections[0].slug
        for slug, top in self.section_positions():
            if top <= y:
                current = slug
        return current

    def scroll_to_section(self, slug: str) -> bool:
        for name, top in self.section_positions():
            if name == slug:
                self.browser.verticalScrollBar().setValue(top)
                return True
        return False

    def find_text(self, text: str, section: str = "") -> bool:
        """Move to and select the first occurrence of ``text`` (in ``section``, a slug, if given and found there)."""
        document = self.browser.document()
        heading = self.lesson.section(section).title if section and self.lesson.section(section) else ""
        block = document.begin()
        while heading and block.isValid():
            if block.blockFormat().headingLevel() == 2 and block.text().strip() == heading:
                break
            block = block.next()
        from_heading = heading and block.isValid()
        cursor = document.find(text, block.position()) if from_heading else document.find(text)
        if cursor.isNull() and from_heading:
            cursor = document.find(text)
        if cursor.isNull():
            return False
        self.browser.setTextCursor(cursor)
        self.browser.ensureCursorVisible()
        return True

    def restore_position(self, section: str = "") -> None:
        """Scroll to ``section`` if given, else to where the student left this lesson; then remember it."""
        state = self.ctx.store.lesson_state(self.lesson.id)
        bar = self.browser.verticalScrollBar()
        self._restoring = True
        try:
            if section and self.scroll_to_section(section):
                pass
            elif state.scroll and bar.maximum():
                bar.setValue(round(state.scroll * bar.maximum()))
                # The document's height can differ a little from last time (links, prompts, zoom): the saved
                # section wins over the fraction, so the student never lands in the section before.
                if state.last_section and self.current_section() != state.last_section:
                    self.scroll_to_section(state.last_section)
            elif state.last_section and state.last_section != self.lesson.sections[0].slug:
                self.scroll_to_section(state.last_section)
            # Else the student left the lesson at its top (a fraction of 0 comes with the first section's slug):
            # it opens at the top, title and introduction included, as it is already; nothing is laid out early.
        finally:
            self._restoring = False
        # Remembered shortly after, not now: a database write would hold up the window's first paint. Leaving the
        # lesson or closing the window saves at once (save_position), so nothing is lost.
        self._save_timer.start()

    def scroll_fraction(self) -> float:
        bar = self.browser.verticalScrollBar()
        return bar.value() / bar.maximum() if bar.maximum() else 0.0

    @Slot(int)
    def _on_scrolled(self, _value: int) -> None:
        if not self._restoring:
            self._save_timer.start()

    @Slot()
    def save_position(self) -> None:
        self._save_timer.stop()
        self.ctx.save(
            lambda: self.ctx.store.save_position(self.lesson.id, self.current_section(), self.scroll_fraction())
        )

    @Slot(bool)
    def _on_complete_toggled(self, checked: bool) -> None:
        if self.ctx.save(lambda: self.ctx.store.set_completed(self.lesson.id, checked)):
            self.ctx.progress_changed.emit(self.lesson.id)
        else:  # not saved (the status bar says why): the tick must not claim otherwise
            self._show_completed(not checked)

    def refresh_completed(self) -> None:
        with contextlib.suppress(RuntimeError):
            self._show_completed(self.ctx.store.lesson_state(self.lesson.id).completed)

    def _show_completed(self, completed: bool) -> None:
        """Set the tick without it counting as the student's click (nothing is saved)."""
        self.complete_box.blockSignals(True)
        self.complete_box.setChecked(completed)
        self.complete_box.blockSignals(False)


def _document_css(ctx: AppContext) -> str:
    theme = ctx.theme
    return (
        f"a {{ color: {theme.link}; text-decoration: underline; }}"
        f"table {{ border-collapse: collapse; }}"
        f"th, td {{ padding: 4px 10px; border: 1px solid {theme.border}; }}"
        f"th {{ background-color: {theme.window}; }}"
        f"blockquote {{ color: {theme.text}; }}"
    )


def _style_headings(document: QTextDocument) -> None:
    """Give headings and paragraphs comfortable spacing (setMarkdown leaves them tight).

    One merged format for every block, then a fix-up of the few headings and image blocks: setting each block's
    format from Python cost about 40 ms a render, on the path to the first paint.
    """
    cursor = QTextCursor(document)
    cursor.beginEditBlock()
    cursor.select(QTextCursor.SelectionType.Document)
    body = QTextBlockFormat()
    body.setBottomMargin(8)
    body.setLineHeight(135.0, 1)  # QTextBlockFormat.ProportionalHeight
    cursor.mergeBlockFormat(body)
    block = document.begin()
    while block.isValid():
        level = block.blockFormat().headingLevel()
        if level or "\ufffc" in block.text():  # images sit in their own block: scaling them adds a blank band
            fmt = block.blockFormat()
            fmt.setLineHeight(100.0, 0)  # QTextBlockFormat.SingleHeight
            if level:
                fmt.setTopMargin(22 if level == 2 else 14)
            cursor.setPosition(block.position())
            cursor.setBlockFormat(fmt)
        block = block.next()
    cursor.endEditBlock()
