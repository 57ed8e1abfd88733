"""The first-run welcome: what the course covers and how it is organised."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from healthalloc.core.content import Course

START = 1
MAP = 2


class WelcomeDialog(QDialog):
    """Returns ``START`` ("Start the course"), ``MAP`` ("Explore the stakeholder map") or rejected (Close)."""

    def __init__(self, course: Course, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to healthalloc")
        self.setAccessibleName("Welcome")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(12)
        title = QLabel("Who allocates health care in the United States?")
        title.setProperty("role", "title")
        title.setWordWrap(True)
        layout.addWidget(title)
        minutes = sum(lesson.minutes for lesson in course.lessons)
        modules = course.modules()
        outline = "".join(
            f"<li><b>{name}</b>: {', '.join(lesson.title for lesson in lessons)}</li>" for name, lessons in modules
        )
        body = QLabel(
            "<p>No single body decides how America spends on health. Governments, insurers, employers, hospitals, "
            "doctors and patients each steer part of the money. This course shows who decides what, how the money "
            "moves, and what that means for cost, quality and fairness.</p>"
            f"<p>It has {len(course.lessons)} lessons in {len(modules)} modules (about {minutes} minutes of reading):</p>"
            f"<ul>{outline}</ul>"
            "<p>Calculators let you change the numbers and watch the result: risk-adjusted capitation, five ways "
            "to pay a provider, the nation's health dollar and the life of one insurance claim. "
            "Your place is saved as you go.</p>"
        )
        body.setWordWrap(True)
        body.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(body)
        buttons = QHBoxLayout()
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        explore = QPushButton("Explore the stakeholder map")
        explore.clicked.connect(lambda: self.done(MAP))
        start = QPushButton("Start the course")
        start.setProperty("primary", True)
        start.setDefault(True)
        start.clicked.connect(lambda: self.done(START))
        buttons.addWidget(close)
        buttons.addStretch(1)
        buttons.addWidget(explore)
        buttons.addWidget(start)
        layout.addLayout(buttons)
        start.setFocus()
