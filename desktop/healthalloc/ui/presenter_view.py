"""The presenter view on the laptop while the slides are on the projector: the current slide with its answers
shown, the next slide, the speaker notes from the lesson file, and a timer."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from healthalloc.ui.context import AppContext
from healthalloc.ui.slide_view import SlideView


class PresenterView(QWidget):
    """Keys pressed here drive the presentation exactly as on the projector."""

    def __init__(self, ctx: AppContext, presentation: Any) -> None:
        super().__init__(presentation, Qt.WindowType.Window)
        self.ctx = ctx
        self.presentation = presentation
        self.setWindowTitle("healthalloc · presenter view")
        self.setAccessibleName("Presenter view")
        self.counter = QLabel()
        self.counter.setProperty("role", "title")
        self.counter.setWordWrap(True)
        self.clock = QLabel("00:00")
        self.clock.setProperty("role", "title")
        self.clock.setAccessibleName("Time since the presentation started")
        self.pause_button = QPushButton("Pause timer")
        self.pause_button.setAccessibleName("Pause or resume the timer")
        self.pause_button.clicked.connect(self._on_pause_clicked)
        self.reset_button = QPushButton("Reset timer")
        self.reset_button.setAccessibleName("Reset the timer to zero")
        self.reset_button.clicked.connect(self.restart_timer)
        self.previous_button = QPushButton("← Previous")
        self.previous_button.setAccessibleName("Previous slide")
        self.previous_button.clicked.connect(presentation.retreat)
        self.next_button = QPushButton("Next →")
        self.next_button.setAccessibleName("Next slide")
        self.next_button.setProperty("primary", True)
        self.next_button.clicked.connect(presentation.advance)
        self.end_button = QPushButton("End presentation")
        self.end_button.setAccessibleName("Leave presentation mode")
        self.end_button.clicked.connect(presentation.leave)
        top = QHBoxLayout()
        top.addWidget(self.counter, 1)
        top.addWidget(self.clock)
        top.addWidget(self.pause_button)
        top.addWidget(self.reset_button)

        self.current = SlideView(ctx, preview=True)
        self.current.setAccessibleName("Current slide, with answers shown")
        self.following = SlideView(ctx, preview=True)
        self.following.setAccessibleName("Next slide")
        self.notes = QTextBrowser()
        self.notes.setAccessibleName("Speaker notes")
        self.notes.setOpenLinks(False)
        now_label = QLabel("Now on the projector (answers shown here only)")
        next_label = QLabel("Next")
        notes_label = QLabel("Speaker notes")
        for label in (now_label, next_label, notes_label):
            label.setProperty("role", "subtitle")
        grid = QGridLayout()
        grid.addWidget(now_label, 0, 0)
        grid.addWidget(next_label, 0, 1)
        grid.addWidget(self.current, 1, 0)
        grid.addWidget(self.following, 1, 1)
        grid.addWidget(notes_label, 2, 0, 1, 2)
        grid.addWidget(self.notes, 3, 0, 1, 2)
        grid.setRowStretch(1, 3)
        grid.setRowStretch(3, 2)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.previous_button)
        buttons.addWidget(self.next_button)
        buttons.addStretch(1)
        buttons.addWidget(self.end_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid, 1)
        layout.addLayout(buttons)
        self.setTabOrder(self.next_button, self.previous_button)

        self._elapsed = QElapsedTimer()
        self._banked_ms = 0
        self._running = False
        self._tick = QTimer(self)  # a visible clock needs a tick; nothing else runs on it
        self._tick.setInterval(500)
        self._tick.timeout.connect(self._update_clock)

    def restart_timer(self) -> None:
        self._banked_ms = 0
        self._elapsed.start()
        self._running = True
        self.pause_button.setText("Pause timer")
        self._tick.start()
        self._update_clock()

    @Slot()
    def _on_pause_clicked(self) -> None:
        if self._running:
            self._banked_ms += self._elapsed.elapsed()
            self._running = False
            self.pause_button.setText("Resume timer")
        else:
            self._elapsed.start()
            self._running = True
            self.pause_button.setText("Pause timer")
        self._update_clock()

    def elapsed_ms(self) -> int:
        return self._banked_ms + (self._elapsed.elapsed() if self._running else 0)

    @Slot()
    def _update_clock(self) -> None:
        seconds = self.elapsed_ms() // 1000
        hours, rest = divmod(seconds, 3600)
        text = f"{rest // 60:02d}:{rest % 60:02d}"
        self.clock.setText(f"{hours}:{text}" if hours else text)

    def update_from(self, presentation: Any) -> None:
        """Mirror the presentation's position: current slide (answers revealed), next slide, notes."""
        deck = presentation.deck
        slide = deck.current
        self.counter.setText(f"Slide {deck.number} of {len(deck)}: {slide.title}")
        self.current.show_slide(
            slide,
            presentation.slide_markdown(slide, reveal_all=True),
            number=deck.number,
            total=len(deck),
            deck_title=presentation.deck_title,
        )
        following = deck.following()
        if following is None:
            self.following.show_slide(
                type(slide)("sources", "End of the presentation", "Esc returns to the app."),
                "Esc returns to the app.",
                number=len(deck),
                total=len(deck),
                deck_title=presentation.deck_title,
            )
        else:
            self.following.show_slide(
                following,
                presentation.slide_markdown(following),
                number=deck.number + 1,
                total=len(deck),
                deck_title=presentation.deck_title,
            )
        self.notes.setMarkdown(slide.notes or "*No speaker notes for this slide.*")
        self.next_button.setEnabled(following is not None)
        self.previous_button.setEnabled(deck.index > 0)

    def closeEvent(self, event: Any) -> None:
        self._tick.stop()
        if self.presentation.isVisible():
            self.presentation.leave()
        super().closeEvent(event)
