"""The glossary page (page id ``glossary``): every term, filtered as you type, with its entry beside the list.

Parameter ``term=<slug or name>`` selects a term (links ``glossary:capitation`` land here).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import ClassVar

from PySide6.QtCore import Qt, QUrl, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from healthalloc.core.glossary import Term
from healthalloc.ui.context import AppContext

SLUG_ROLE = Qt.ItemDataRole.UserRole


class GlossaryPage(QWidget):
    page_id: ClassVar[str] = "glossary"
    title: ClassVar[str] = "Glossary"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("page-glossary")
        self.setAccessibleName(self.title)
        self.glossary = ctx.glossary
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 12)
        title = QLabel("Glossary")
        title.setProperty("role", "title")
        subtitle = QLabel(
            "Plain definitions of the terms the course uses, each with an example and the lesson that teaches it. "
            "Terms are linked in the lessons too: hover for the definition, click to come here."
        )
        subtitle.setWordWrap(True)
        subtitle.setProperty("role", "muted")
        layout.addWidget(title)
        layout.addWidget(subtitle)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 8, 0)
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter terms…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName("Filter glossary terms")
        self.filter_edit.textChanged.connect(self._on_filter_changed)
        self.filter_edit.returnPressed.connect(self._on_filter_return)
        self.lesson_combo = QComboBox()
        self.lesson_combo.setAccessibleName("Show terms from one lesson")
        self.lesson_combo.addItem("All lessons", "")
        for lesson in ctx.course.lessons:
            self.lesson_combo.addItem(f"{lesson.order}. {lesson.title}", lesson.id)
        self.lesson_combo.currentIndexChanged.connect(self._on_filter_changed)
        self.count_label = QLabel()
        self.count_label.setProperty("role", "muted")
        self.list = QListWidget()
        self.list.setAccessibleName("Glossary terms")
        self.list.currentItemChanged.connect(self._on_list_current_changed)
        left_layout.addWidget(self.filter_edit)
        left_layout.addWidget(self.lesson_combo)
        left_layout.addWidget(self.count_label)
        left_layout.addWidget(self.list, 1)

        self.entry = QTextBrowser()
        self.entry.setOpenLinks(False)
        self.entry.setAccessibleName("Glossary entry")
        self.entry.anchorClicked.connect(self._on_entry_anchor_clicked)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.entry)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 700])
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)
        self.problems = QLabel("\n".join(str(e) for e in self.glossary.errors))
        self.problems.setProperty("role", "error")
        self.problems.setWordWrap(True)
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems.setVisible(bool(self.glossary.errors))
        layout.addWidget(self.problems)
        self._current: Term | None = None
        self._fill()
        ctx.theme_changed.connect(self._on_ctx_theme_changed)

    # ------------------------------------------------------------------ list and filter
    def _fill(self, keep: str = "") -> None:
        terms = self.glossary.filter(self.filter_edit.text(), lesson=self.lesson_combo.currentData() or "")
        self.list.blockSignals(True)
        self.list.clear()
        for term in terms:
            item = QListWidgetItem(term.term)
            item.setData(SLUG_ROLE, term.slug)
            item.setToolTip(term.definition)
            self.list.addItem(item)
        self.list.blockSignals(False)
        total = len(self.glossary.terms)
        self.count_label.setText(f"{len(terms)} of {total} terms" if len(terms) != total else f"{total} terms")
        slugs = [t.slug for t in terms]
        target = keep or (self._current.slug if self._current else "")
        if target in slugs:
            self.list.setCurrentRow(slugs.index(target))
        elif terms:
            self.list.setCurrentRow(0)
        else:
            self._show(None)

    @Slot()
    def _on_filter_changed(self) -> None:
        self._fill()

    @Slot()
    def _on_filter_return(self) -> None:
        self.list.setFocus()

    @Slot(QListWidgetItem, QListWidgetItem)
    def _on_list_current_changed(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        self._show(self.glossary.term(str(current.data(SLUG_ROLE))) if current is not None else None)

    def visible_terms(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    # ------------------------------------------------------------------ the entry
    def select_term(self, key: str) -> bool:
        term = self.glossary.term(key)
        if term is None:
            return False
        slugs = [str(self.list.item(i).data(SLUG_ROLE)) for i in range(self.list.count())]
        if term.slug not in slugs:
            self.filter_edit.blockSignals(True)
            self.filter_edit.clear()
            self.filter_edit.blockSignals(False)
            self.lesson_combo.blockSignals(True)
            self.lesson_combo.setCurrentIndex(0)
            self.lesson_combo.blockSignals(False)
            self._fill(term.slug)
        else:
            self.list.setCurrentRow(slugs.index(term.slug))
        return True

    def apply_params(self, params: Mapping[str, str]) -> None:
        key = params.get("term", "")
        if key and not self.select_term(key):
            raise ValueError(f"the glossary has no term “{key}”")
        if "filter" in params:
            self.filter_edit.setText(params["filter"])

    def current_term(self) -> Term | None:
        return self._current

    def _show(self, term: Term | None) -> None:
        self._current = term
        theme = self.ctx.theme
        self.entry.document().setDefaultStyleSheet(
            f"a {{ color: {theme.link}; }} h2 {{ margin-bottom: 4px; }} .muted {{ color: {theme.muted_text}; }}"
        )
        if term is None:
            self.entry.setHtml("<p>No term matches the filter.</p>" if self.glossary.terms else self._missing())
            return
        e = html.escape
        parts = [f"<h2>{e(term.term)}</h2>"]
        if term.aliases:
            parts.append(f"<p class='muted'>Also: {e(', '.join(term.aliases))}</p>")
        parts.append(f"<p>{e(term.definition)}</p>")
        parts.append(f"<p><b>Example.</b> {e(term.example)}</p>")
        related = [self.glossary.term(name) for name in term.related]
        links = [f"<a href='glossary:{r.slug}'>{e(r.term)}</a>" for r in related if r is not None]
        if links:
            parts.append(f"<p><b>Related:</b> {', '.join(links)}</p>")
        lesson = self.ctx.course.lesson(term.lesson)
        if lesson is not None:
            parts.append(f"<p><b>Taught in:</b> <a href='lesson:{lesson.id}'>{e(lesson.title)}</a></p>")
        parts.append(f"<p><a href='search:{e(term.term)}'>Find “{e(term.term)}” across the course</a></p>")
        self.entry.setHtml("".join(parts))

    def _missing(self) -> str:
        return "<p>The glossary could not be loaded; the problem is shown below.</p>"

    @Slot(QUrl)
    def _on_entry_anchor_clicked(self, url: QUrl) -> None:
        text = url.toString()
        if url.scheme() == "glossary":
            self.select_term(url.path())
        else:
            self.ctx.open_link(text)

    @Slot(object)
    def _on_ctx_theme_changed(self, _theme: object) -> None:
        self._show(self._current)
