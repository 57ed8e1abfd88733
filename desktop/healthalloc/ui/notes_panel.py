"""Notes and bookmarks, per lesson section, in a side panel of the main window.

The panel follows the section being read (unless the student is typing), saves half a second after the last
keystroke and whenever the section or page changes, and lists every note and bookmark so the student can jump back.
It is shown beside lessons only; its on/off choice is remembered in the settings.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from healthalloc.core.content import Lesson
from healthalloc.ui.context import AppContext
from healthalloc.ui.debounce import Debouncer

SAVE_DELAY_MS = 500
LINK_ROLE = Qt.ItemDataRole.UserRole
SETTINGS_KEY = "ui/notes_visible"


class NotesPanel(QDockWidget):
    """The dock. ``set_lesson`` / ``set_section`` move it; ``flush`` saves a pending edit now."""

    saved = Signal(str, str)  # lesson id, section slug
    wanted_changed = Signal(bool)  # the student turned the panel on or off

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__("Notes and bookmarks", parent)
        self.ctx = ctx
        self.setObjectName("notes-dock")
        self.setAccessibleName("Notes and bookmarks")
        self.setAllowedAreas(Qt.DockWidgetArea.LeftDockWidgetArea | Qt.DockWidgetArea.RightDockWidgetArea)
        self.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        self.lesson: Lesson | None = None
        self.section = ""
        self._loading = False
        self._page: Any = None  # the lesson page being followed

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 4, 8, 8)
        self.lesson_label = QLabel()
        self.lesson_label.setProperty("role", "muted")
        self.lesson_label.setWordWrap(True)
        self.section_combo = QComboBox()
        self.section_combo.setAccessibleName("Section the note belongs to")
        self.section_combo.activated.connect(self._on_section_combo_activated)
        row = QHBoxLayout()
        self.bookmark_button = QToolButton()
        self.bookmark_button.setCheckable(True)
        self.bookmark_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.bookmark_button.setAccessibleName("Bookmark this section")
        self.bookmark_button.toggled.connect(self._on_bookmark_toggled)
        self.status = QLabel()
        self.status.setProperty("role", "muted")
        row.addWidget(self.bookmark_button)
        row.addStretch(1)
        row.addWidget(self.status)
        self.editor = QPlainTextEdit()
        self.editor.setPlaceholderText("Your notes on this section. They are saved as you type.")
        self.editor.setAccessibleName("Note for this section")
        self.editor.setTabChangesFocus(True)  # Tab moves on (no keyboard trap); notes rarely need a tab character
        self.editor.textChanged.connect(self._on_editor_text_changed)
        self.all_label = QLabel("All your notes and bookmarks")
        self.all_label.setProperty("role", "muted")
        self.all_notes = QListWidget()
        self.all_notes.setAccessibleName("All your notes and bookmarks")
        self.all_notes.setWordWrap(True)
        self.all_notes.itemActivated.connect(self._on_all_notes_item_activated)
        self.all_notes.itemClicked.connect(self._on_all_notes_item_activated)
        layout.addWidget(self.lesson_label)
        layout.addWidget(self.section_combo)
        layout.addLayout(row)
        layout.addWidget(self.editor, 3)
        layout.addWidget(self.all_label)
        layout.addWidget(self.all_notes, 2)
        self.setWidget(body)
        self._debounce = Debouncer(SAVE_DELAY_MS, self.save_now, self)
        self._follow = QTimer(self)  # after the reader stops scrolling, move to the section in view
        self._follow.setSingleShot(True)
        self._follow.setInterval(200)
        self._follow.timeout.connect(self._on_follow_timeout)
        self._set_bookmark_text(False)
        self.set_lesson(None)

    # ------------------------------------------------------------------ shown beside lessons, if wanted
    def wanted(self) -> bool:
        return str(self.ctx.settings.value(SETTINGS_KEY, True)).lower() in ("true", "1")

    @Slot(bool)
    def set_wanted(self, wanted: bool) -> None:
        self.ctx.settings.setValue(SETTINGS_KEY, bool(wanted))
        self.setVisible(bool(wanted) and self._page is not None)
        if wanted and self._page is not None:
            self.editor.setFocus()
        self.wanted_changed.emit(bool(wanted))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.flush()
        self.ctx.settings.setValue(SETTINGS_KEY, False)
        self.wanted_changed.emit(False)
        super().closeEvent(event)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self._follow.start()  # catch up with the section scrolled to while hidden

    def hideEvent(self, event: Any) -> None:
        # Hidden: leaving lessons, turned off, or the window closing. Save now and stop following the scroll.
        self.flush()
        self._follow.stop()
        super().hideEvent(event)

    def follow(self, page: Any) -> None:
        """Track a lesson page (``page.lesson``, ``page.current_section()``, ``page.browser``), or none."""
        if page is self._page:
            self.setVisible(page is not None and self.wanted())
            return
        if self._page is not None:
            with contextlib.suppress(RuntimeError, TypeError):
                self._page.browser.verticalScrollBar().valueChanged.disconnect(self._follow.start)
        self._page = page
        if page is None:
            self.flush()
            self.hide()
            return
        page.browser.verticalScrollBar().valueChanged.connect(self._follow.start)
        self.set_lesson(page.lesson)
        self.setVisible(self.wanted())
        self._follow.start()  # the page lays out and scrolls to its saved place first

    @Slot()
    def _on_follow_timeout(self) -> None:
        if self._page is not None and self.isVisible():  # hidden panels (and a closed window) do not follow
            with contextlib.suppress(RuntimeError):
                self.set_section(self._page.current_section())

    # ------------------------------------------------------------------ where we are
    def set_lesson(self, lesson: Lesson | None, section: str = "") -> None:
        if lesson is not None and self.lesson is not None and lesson.id == self.lesson.id:
            if section:
                self.set_section(section)
            return
        self.flush()
        self.lesson = lesson
        self.section_combo.clear()
        if lesson is None:
            self.lesson_label.setText("Open a lesson to take notes on it.")
            self.section = ""
            self.section_combo.setEnabled(False)
            self.editor.setEnabled(False)
            self.bookmark_button.setEnabled(False)
            self._load()
            return
        self.lesson_label.setText(lesson.title)
        for item in lesson.sections:
            self.section_combo.addItem(item.title, item.slug)
        self.section_combo.setEnabled(True)
        self.editor.setEnabled(True)
        self.bookmark_button.setEnabled(True)
        self.section = ""
        self.set_section(section or lesson.sections[0].slug)

    def set_section(self, slug: str, *, force: bool = False) -> None:
        """Show the note for ``slug``; while the student is typing the panel stays put unless ``force``."""
        if self.lesson is None or slug == self.section:
            return
        if not force and self.editor.hasFocus():
            return
        if self.lesson.section(slug) is None:
            return
        self.flush()
        self.section = slug
        index = self.section_combo.findData(slug)
        self.section_combo.blockSignals(True)
        self.section_combo.setCurrentIndex(index)
        self.section_combo.blockSignals(False)
        self._load()

    def _load(self) -> None:
        note = self.ctx.store.note(self.lesson.id, self.section) if self.lesson and self.section else None
        self._loading = True
        try:
            self.editor.setPlainText(note.body if note else "")
            self.bookmark_button.setChecked(bool(note and note.bookmarked))
            self._set_bookmark_text(bool(note and note.bookmarked))
        finally:
            self._loading = False
        self.status.setText(f"Saved {time.strftime('%H:%M', time.localtime(note.updated_at))}" if note else "")
        self.refresh_list()

    @Slot(int)
    def _on_section_combo_activated(self, index: int) -> None:
        slug = self.section_combo.itemData(index)
        if slug:
            self.set_section(str(slug), force=True)
            if self.lesson is not None:
                self.ctx.open_link(f"lesson:{self.lesson.id}#{slug}")

    # ------------------------------------------------------------------ saving
    @Slot()
    def _on_editor_text_changed(self) -> None:
        if not self._loading and self.lesson is not None:
            self.status.setText("Saving…")
            self._debounce.trigger()

    def flush(self) -> None:
        """Save a pending edit now (page change, section change, closing the app)."""
        self._debounce.flush()

    @Slot()
    def save_now(self) -> None:
        if self.lesson is None or not self.section:
            return
        lesson_id, section, body = self.lesson.id, self.section, self.editor.toPlainText()
        if self.ctx.save(lambda: self.ctx.store.save_note(lesson_id, section, body)):
            self.status.setText(f"Saved {time.strftime('%H:%M')}")
            self.saved.emit(lesson_id, section)
            self.refresh_list()
        else:
            self.status.setText("Not saved")

    @Slot(bool)
    def _on_bookmark_toggled(self, checked: bool) -> None:
        self._set_bookmark_text(checked)
        if self._loading or self.lesson is None or not self.section:
            return
        self._debounce.flush()
        lesson_id, section, body = self.lesson.id, self.section, self.editor.toPlainText()
        if self.ctx.save(lambda: self.ctx.store.save_note(lesson_id, section, body, bookmarked=checked)):
            self.refresh_list()

    def _set_bookmark_text(self, checked: bool) -> None:
        self.bookmark_button.setText("★ Bookmarked" if checked else "☆ Bookmark this section")
        self.bookmark_button.setToolTip("Remove the bookmark" if checked else "Bookmark this section")

    # ------------------------------------------------------------------ every note
    def refresh_list(self) -> None:
        self.all_notes.clear()
        titles = {lesson.id: lesson for lesson in self.ctx.course.lessons}
        for note in self.ctx.store.notes():
            lesson = titles.get(note.lesson_id)
            section = lesson.section(note.section_slug) if lesson else None
            if lesson is None or section is None:
                continue
            mark = "★ " if note.bookmarked else ""
            first_line = note.body.strip().split("\n", 1)[0][:80]
            text = f"{mark}{section.title} ({lesson.title.split(':', 1)[0]})"
            if first_line:
                text += f"\n{first_line}"
            item = QListWidgetItem(text)
            item.setData(LINK_ROLE, f"lesson:{lesson.id}#{section.slug}")
            item.setToolTip(note.body[:500] if note.body else "Bookmarked")
            self.all_notes.addItem(item)
        self.all_label.setVisible(self.all_notes.count() > 0)
        self.all_notes.setVisible(self.all_notes.count() > 0)

    @Slot(QListWidgetItem)
    def _on_all_notes_item_activated(self, item: QListWidgetItem) -> None:
        link = str(item.data(LINK_ROLE))
        self.flush()
        self.ctx.open_link(link)
        lesson_id, _, slug = link.removeprefix("lesson:").partition("#")
        lesson = self.ctx.course.lesson(lesson_id)
        if lesson is not None:
            self.set_lesson(lesson)
            self.set_section(slug, force=True)
