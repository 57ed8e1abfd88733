"""Shown instead of a lesson that failed to load: what is wrong, where, and how to fix it."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from healthalloc.core.content import ContentError


class ContentErrorPage(QWidget):
    def __init__(self, page_id: str, errors: list[ContentError], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page_id = page_id
        self.title = f"Problem in {page_id}"
        self.errors = errors
        self.setAccessibleName(self.title)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        heading = QLabel("This lesson could not be opened")
        heading.setProperty("role", "title")
        layout.addWidget(heading)
        intro = QLabel(
            "The file has a mistake, so the app is showing this page instead. The rest of the course works as usual. "
            "Fix the line named below in a text editor and restart the app."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.details = QTextBrowser()
        self.details.setAccessibleName("Problems found")
        self.details.setMarkdown("\n".join(f"- `{error}`" for error in errors))
        layout.addWidget(self.details, 1)

    def text(self) -> str:
        return "\n".join(str(error) for error in self.errors)
