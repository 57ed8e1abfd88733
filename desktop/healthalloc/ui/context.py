"""What every page is given: the course, the progress store, the theme and a way to follow links.

Passed into each page's constructor (no global main-window object that pages reach into).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings, Signal

from healthalloc.core.content import Course
from healthalloc.core.palette import LIGHT, ThemeColors
from healthalloc.core.progress import ProgressStore

if TYPE_CHECKING:
    from healthalloc.core.glossary import Glossary
    from healthalloc.core.links import Link
    from healthalloc.core.quiz import QuizBank
    from healthalloc.core.search import SearchIndex


class AppContext(QObject):
    """Shared services. Signals are emitted after the value changed."""

    theme_changed = Signal(object)  # ThemeColors
    zoom_changed = Signal(float)
    progress_changed = Signal(str)  # lesson id (or "" for many)
    store_error = Signal(str)  # a message for the student
    search_requested = Signal(str)  # open the search box with this text (``search:`` links)

    def __init__(
        self,
        course: Course,
        store: ProgressStore,
        settings: QSettings,
        *,
        theme: ThemeColors = LIGHT,
        zoom: float = 1.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.course = course
        self.store = store
        self.settings = settings
        self.theme = theme
        self.zoom = zoom
        self._link_handler: Callable[[str], None] | None = None
        self._glossary: Any = None
        self._quizzes: Any = None
        self._search_index: Any = None

    def set_theme(self, theme: ThemeColors) -> None:
        self.theme = theme
        self.theme_changed.emit(theme)

    def set_zoom(self, zoom: float) -> None:
        self.zoom = zoom
        self.zoom_changed.emit(zoom)

    def set_link_handler(self, handler: Callable[[str], None]) -> None:
        self._link_handler = handler

    def open_link(self, url: str) -> None:
        """Follow ``lesson:``, ``page:``, ``calc:``, ``glossary:`` or web links (handled by the main window)."""
        if self._link_handler is not None:
            self._link_handler(url)

    def save(self, action: Callable[[], object]) -> bool:
        """Run a store write; on failure tell the student (``store_error``) instead of crashing. True if saved."""
        from healthalloc.core.progress import StoreUnavailable

        try:
            action()
        except StoreUnavailable as error:
            self.store_error.emit(str(error))
            return False
        return True

    # ------------------------------------------------------------------ the learning loop (loaded once, on first use)
    def learning_loaded(self) -> bool:
        """True once the glossary and the quizzes are loaded (lesson text can then carry links and prompts)."""
        return self._glossary is not None and self._quizzes is not None

    @property
    def glossary(self) -> Glossary:
        if self._glossary is None:
            from healthalloc.core.glossary import load_glossary

            self._glossary = load_glossary(self.course)
        return self._glossary  # type: ignore[no-any-return]

    @property
    def quizzes(self) -> QuizBank:
        if self._quizzes is None:
            from healthalloc.core.quiz import load_quizzes

            self._quizzes = load_quizzes(self.course)
        return self._quizzes  # type: ignore[no-any-return]

    def search_index(self) -> SearchIndex:
        if self._search_index is None:
            from healthalloc.core.search import build_index
            from healthalloc.ui.registry import PAGES

            pages = [(spec.page_id, spec.title, spec.group) for spec in PAGES]
            self._search_index = build_index(self.course, self.glossary, self.quizzes, pages)
        return self._search_index  # type: ignore[no-any-return]

    def question_prompt(self, question_id: str) -> str | None:
        """The prompt of a quiz question, for the "Check yourself" boxes in lessons."""
        question = self.quizzes.question(question_id)
        return question.prompt if question else None

    def link_terms(self, markdown: str) -> str:
        """Link the first use of each glossary term in one section of lesson text."""
        return self.glossary.link_terms(markdown)

    def describe_link(self, url: str) -> str | None:
        """Hover text for a link: a glossary term's definition, or where a quiz or search link leads."""
        scheme, _, rest = url.partition(":")
        if scheme == "glossary":
            term = self.glossary.term(rest)
            return f"{term.tooltip()}\n\nClick for the full glossary entry." if term else None
        if scheme == "check":
            return "Opens this question in the lesson's quiz"
        if scheme == "search":
            return f"Search the course for “{rest}”"
        return None

    def handle_link(self, link: Link) -> bool:
        """``check:`` opens the question in its quiz, ``search:`` the search box. True if the link was handled."""
        if link.kind == "check":
            question = self.quizzes.question(link.target)
            if question is None:
                return False
            self.open_link(f"page:quiz?lesson={question.lesson_id}&question={question.id}")
            return True
        if link.kind == "search":
            self.search_requested.emit(link.target)
            return True
        if link.kind == "glossary":
            term = self.glossary.term(link.target)
            self.open_link(f"page:glossary?term={term.slug if term else link.target}")
            return True
        return False
