"""The main window: sidebar of modules, lessons and tools; the page area; menus; remembered state."""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from healthalloc import __version__
from healthalloc.core.links import parse_link
from healthalloc.core.progress import StoreUnavailable
from healthalloc.ui import registry
from healthalloc.ui.context import AppContext
from healthalloc.ui.lesson_page import LessonPage
from healthalloc.ui.prefetch import Prefetcher, page_steps
from healthalloc.ui.theme import THEME_CHOICES, THEME_LABELS, ZOOM_STEPS, apply_theme, resolve_theme

if TYPE_CHECKING:
    from PySide6.QtGui import QAction, QCloseEvent, QPaintEvent, QShowEvent

PAGE_ROLE = Qt.ItemDataRole.UserRole
TICK = "✓ "
MENU_TITLES = ("&File", "&View", "&Go", "&Help")


def _menus_first(attribute: str, doc: str = "") -> Any:
    """A read-only property giving ``attribute`` once the menus are filled (see ``MainWindow.build_menus``)."""

    def get(window: MainWindow) -> Any:
        window.build_menus()
        return getattr(window, attribute)

    return property(get, doc=doc or None)


def short_title(title: str) -> str:
    """The sidebar shows a lesson's title up to its colon: "Policy: the laws that move the money" → "Policy"."""
    head = title.split(":", 1)[0].strip()
    return head or title


class MainWindow(QMainWindow):
    first_frame_shown = Signal()  # once, just after the window's first frame is on screen

    def __init__(self, ctx: AppContext, *, restore: bool = True, reopen_last_page: bool = True) -> None:
        """``restore``: size and place the window as last time and, with ``reopen_last_page``, open the page the
        student left (off when the command line names the page: building two pages would delay the first paint)."""
        super().__init__()
        self.ctx = ctx
        self.settings: QSettings = ctx.settings
        self.setWindowTitle("healthalloc: who allocates US health care")
        self.setMinimumSize(900, 600)
        self.pages: dict[str, QWidget] = {}
        self.current_page_id = ""
        self._shortcut_rows: list[tuple[str, str]] = []
        ctx.set_link_handler(self.open_link)
        ctx.progress_changed.connect(self._on_progress_changed)
        ctx.store_error.connect(self._on_store_error)

        self.sidebar = QTreeWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setHeaderHidden(True)
        self.sidebar.setAccessibleName("Course contents")
        self.sidebar.setRootIsDecorated(False)
        self.sidebar.setIndentation(14)
        self.sidebar.itemActivated.connect(self._on_sidebar_item_activated)
        self.sidebar.itemClicked.connect(self._on_sidebar_item_activated)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.progress_label = QLabel()
        self.progress_label.setProperty("role", "muted")
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(8, 8, 4, 8)
        side_layout.addWidget(self.progress_label)
        side_layout.addWidget(self.progress)
        side_layout.addWidget(self.sidebar, 1)
        self.stack = QStackedWidget()
        self.splitter = QSplitter()
        self.splitter.addWidget(side)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([270, 1000])
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)
        self._build_sidebar()
        # The menu bar shows its titles from the first frame; the menus' entries and their shortcuts are made
        # just after it (see build_menus), which keeps about 4 ms of Qt types and actions out of start-up.
        bar = self.menuBar()
        self._file_menu, self._view_menu, self._go_menu, self._help_menu = (bar.addMenu(t) for t in MENU_TITLES)
        self._menus_built = False
        self._first_frame_queued = self._first_frame_done = False  # see paintEvent
        for menu in (self._file_menu, self._view_menu, self._go_menu, self._help_menu):
            menu.aboutToShow.connect(self.build_menus)
        self._install_learning_tools()
        self._update_progress()
        # The pages not opened yet are imported in the idle loop after the first paint (see ui/prefetch.py).
        self.prefetcher = Prefetcher(page_steps(registry.PAGES), self)
        if restore:
            self._restore_window(reopen_last_page)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.prefetcher.start()
        QTimer.singleShot(1000, self, self._after_first_frame)  # in case no frame is painted (a hidden desktop)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._first_frame_queued:
            self._first_frame_queued = True
            QTimer.singleShot(0, self, self._after_first_frame)  # the next turn: this frame is on screen by then

    @Slot()
    def _after_first_frame(self) -> None:
        if self._first_frame_done:
            return
        self._first_frame_done = True
        self.build_menus()
        self.ctx.store.backup_if_due()  # today's copy of the progress, if not made yet (never raises)
        self.first_frame_shown.emit()

    # ------------------------------------------------------------------ building
    def _build_sidebar(self) -> None:
        self.sidebar.clear()
        self._items: dict[str, QTreeWidgetItem] = {}
        course = self.ctx.course
        modules: dict[str, list[tuple[str, str, bool]]] = {}
        for module, lessons in course.modules():
            modules[module] = [(lesson.id, lesson.short_title or lesson.title, False) for lesson in lessons]
        for broken_id in course.broken:
            modules.setdefault("Content problems", []).append((broken_id, f"⚠ {broken_id} (could not load)", True))
        for module, entries in modules.items():
            group = QTreeWidgetItem([module.upper()])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = group.font(0)
            font.setBold(True)
            font.setPointSizeF(font.pointSizeF() * 0.85)
            group.setFont(0, font)
            self.sidebar.addTopLevelItem(group)
            for page_id, title, _broken in entries:
                item = QTreeWidgetItem([short_title(title)])
                item.setData(0, PAGE_ROLE, page_id)
                item.setToolTip(0, title)
                group.addChild(item)
                self._items[page_id] = item
        groups: dict[str, QTreeWidgetItem] = {}
        for spec in registry.PAGES:
            if spec.group not in groups:
                group = QTreeWidgetItem([spec.group.upper()])
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                font = group.font(0)
                font.setBold(True)
                font.setPointSizeF(font.pointSizeF() * 0.85)
                group.setFont(0, font)
                self.sidebar.addTopLevelItem(group)
                groups[spec.group] = group
            item = QTreeWidgetItem([spec.title])
            item.setData(0, PAGE_ROLE, spec.page_id)
            groups[spec.group].addChild(item)
            self._items[spec.page_id] = item
        self.sidebar.expandAll()
        self._refresh_ticks()

    def _refresh_ticks(self) -> None:
        completed = self.ctx.store.completed_lessons()
        for lesson in self.ctx.course.lessons:
            item = self._items.get(lesson.id)
            if item is not None:
                item.setText(
                    0, (TICK if lesson.id in completed else "") + short_title(lesson.short_title or lesson.title)
                )
                item.setToolTip(0, lesson.title + (" (completed)" if lesson.id in completed else ""))

    def _action(self, text: str, slot: Any, shortcut: Any = None, *, checkable: bool = False) -> QAction:
        from PySide6.QtGui import QAction, QKeySequence

        action = QAction(text, self)
        if shortcut is not None:
            sequences = shortcut if isinstance(shortcut, list) else [shortcut]
            action.setShortcuts([QKeySequence(s) for s in sequences])
            names = ", ".join(QKeySequence(s).toString(QKeySequence.SequenceFormat.NativeText) for s in sequences)
            if names:
                self._shortcut_rows.append((text.replace("&", "").rstrip("…"), names))
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    # The menus and what they hold: the titles are on screen from the first frame, the rest comes with build_menus.
    file_menu = _menus_first("_file_menu")
    view_menu = _menus_first("_view_menu")
    go_menu = _menus_first("_go_menu")
    help_menu = _menus_first("_help_menu")
    theme_actions = _menus_first("_theme_actions")
    notes_action = _menus_first("_notes_action")
    shortcut_rows = _menus_first(
        "_shortcut_rows", "(what, keys) for every shortcut, for Help ▸ Keyboard shortcuts."
    )

    def menus_built(self) -> bool:
        return self._menus_built

    @Slot()
    def build_menus(self) -> None:
        """Fill the menus and set up every shortcut. Done once: after the first frame (see ``paintEvent``), or at
        once when a menu is opened or a menu, action or the shortcut list is asked for before that."""
        if self._menus_built:
            return
        self._menus_built = True
        from PySide6.QtGui import QActionGroup, QKeySequence

        from healthalloc.ui.menus import add_file_actions, add_present_actions

        file_menu, view_menu, go_menu, help_menu = self._file_menu, self._view_menu, self._go_menu, self._help_menu
        add_file_actions(self, file_menu)  # scenarios and exports (ui/exports.py)
        file_menu.addAction(self._action("Restore from &backup…", self.restore_from_backup))
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", self.close, QKeySequence.StandardKey.Quit))

        view_menu.addAction(self._action("Zoom &in", self.zoom_in, [QKeySequence.StandardKey.ZoomIn, "Ctrl+="]))
        view_menu.addAction(self._action("Zoom &out", self.zoom_out, QKeySequence.StandardKey.ZoomOut))
        view_menu.addAction(self._action("&Reset zoom", self.zoom_reset, "Ctrl+0"))
        view_menu.addSeparator()
        theme_menu = view_menu.addMenu("&Theme")
        self._theme_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        for choice in THEME_CHOICES:
            action = self._action(
                THEME_LABELS[choice], lambda _c=False, c=choice: self.set_theme_choice(c), checkable=True
            )
            group.addAction(action)
            theme_menu.addAction(action)
            self._theme_actions[choice] = action
        self._theme_actions[self.theme_choice()].setChecked(True)
        theme_menu.addSeparator()
        theme_menu.addAction(self._action("Next theme", self.cycle_theme, "Ctrl+Shift+T"))
        add_present_actions(self, view_menu)  # presentation mode (ui/presentation.py)
        self._notes_action = self._action(
            "&Notes and bookmarks", self.notes_panel.set_wanted, "Ctrl+Shift+N", checkable=True
        )
        self._notes_action.setChecked(self.notes_panel.wanted())
        self.notes_panel.wanted_changed.connect(self._notes_action.setChecked)
        view_menu.addSeparator()
        view_menu.addAction(self._notes_action)

        go_menu.addAction(
            self._action("&Search the course…", self.show_search, ["Ctrl+K", QKeySequence.StandardKey.Find])
        )
        go_menu.addAction(
            self._action("&Review what I missed", lambda: self.open_page("quiz", {"mode": "review"}))
        )
        go_menu.addSeparator()
        go_menu.addAction(self._action("&Previous lesson", self.previous_lesson, "Alt+Left"))
        go_menu.addAction(self._action("&Next lesson", self.next_lesson, "Alt+Right"))
        go_menu.addAction(self._action("&Continue where I left off", self.continue_course, "Ctrl+Shift+C"))
        go_menu.addSeparator()
        for number, spec in enumerate(registry.PAGES, 1):
            go_menu.addAction(
                self._action(spec.title, lambda _c=False, p=spec.page_id: self.open_page(p), f"Ctrl+{number}")
            )

        help_menu.addAction(self._action("&Welcome", self.show_welcome))
        help_menu.addAction(self._action("&Keyboard shortcuts", self.show_shortcuts, "F1"))
        help_menu.addAction(self._action("&About healthalloc", self.show_about))

    # ------------------------------------------------------------------ search, notes, time spent (learning loop)
    def _install_learning_tools(self) -> None:
        from healthalloc.ui.notes_panel import NotesPanel

        self._search_popup: Any = None  # made on first use (see search_popup): nothing to build before first paint
        self.ctx.search_requested.connect(self.show_search)
        self.notes_panel = NotesPanel(self.ctx, self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.notes_panel)
        self.notes_panel.hide()  # shown beside lessons only (see NotesPanel.follow)
        self._lesson_clock: tuple[str, float] | None = None
        self.stack.currentChanged.connect(self._on_stack_current_changed)

    @property
    def search_popup(self) -> Any:
        """The Ctrl+K search box, created the first time it is wanted."""
        if self._search_popup is None:
            from healthalloc.ui.search_popup import SearchPopup

            self._search_popup = SearchPopup(self.ctx, self, find_in_page=self._find_in_lesson)
        return self._search_popup

    @Slot()
    def show_search(self, text: str = "") -> None:
        self.search_popup.show_search(text if isinstance(text, str) else "")

    def _find_in_lesson(self, text: str, section: str) -> bool:
        page = self.current_lesson_page()
        return page.find_text(text, section) if page is not None else False

    @Slot(int)
    def _on_stack_current_changed(self, _index: int) -> None:
        self._flush_lesson_time()
        page = self.current_lesson_page()
        self._lesson_clock = (page.lesson.id, time.monotonic()) if page is not None else None
        self.notes_panel.follow(page)

    def _flush_lesson_time(self) -> None:
        """Add the time the current lesson has been on screen to the store, and restart the clock."""
        if self._lesson_clock is None:
            return
        lesson_id, started = self._lesson_clock
        now = time.monotonic()
        self._lesson_clock = (lesson_id, now)
        seconds = now - started
        if seconds >= 1:
            self.ctx.save(lambda: self.ctx.store.add_time(lesson_id, seconds))

    # ------------------------------------------------------------------ pages
    def page_ids(self) -> list[str]:
        return (
            [lesson.id for lesson in self.ctx.course.lessons]
            + list(self.ctx.course.broken)
            + [spec.page_id for spec in registry.PAGES]
        )

    def page(self, page_id: str) -> QWidget | None:
        """The page widget, created on first use."""
        if page_id in self.pages:
            return self.pages[page_id]
        widget: QWidget | None = None
        lesson = self.ctx.course.lesson(page_id)
        if lesson is not None:
            lesson_page = LessonPage(self.ctx, lesson)
            lesson_page.navigate_requested.connect(self.open_page)
            widget = lesson_page
        elif page_id in self.ctx.course.broken:
            from healthalloc.ui.error_page import ContentErrorPage

            widget = ContentErrorPage(page_id, self.ctx.course.broken[page_id])
        else:
            spec = registry.page_spec(page_id)
            if spec is not None:
                widget = spec.load()(self.ctx)
        if widget is not None:
            self.pages[page_id] = widget
            self.stack.addWidget(widget)
        return widget

    def open_page(self, page_id: str, params: dict[str, str] | None = None) -> bool:
        """Show a page (a lesson id or a registry id); ``params`` go to a calculator's ``apply_params``."""
        params = dict(params or {})
        current = self.stack.currentWidget()
        if isinstance(current, LessonPage) and current.page_id != page_id:
            current.save_position()
        widget = self.page(page_id)
        if widget is None:
            return False
        self.stack.setCurrentWidget(widget)
        self.current_page_id = page_id
        item = self._items.get(page_id)
        if item is not None:
            self.sidebar.blockSignals(True)
            self.sidebar.setCurrentItem(item)
            self.sidebar.blockSignals(False)
        section = params.pop("section", "")
        if isinstance(widget, LessonPage):
            # After the document is laid out: jump to the section asked for, or back to where the student was.
            QTimer.singleShot(0, widget, lambda: widget.restore_position(section))
        elif params and hasattr(widget, "apply_params"):
            try:
                widget.apply_params(params)
            except ValueError as error:
                from PySide6.QtWidgets import QMessageBox

                QMessageBox.warning(
                    self, "Link not understood", f"This link's settings could not be used: {error}"
                )
        with contextlib.suppress(RuntimeError):
            self.settings.setValue("ui/last_page", page_id)
        title = getattr(widget, "title", "")
        self.setWindowTitle(f"{title} · healthalloc" if title else "healthalloc")
        return True

    @Slot(QTreeWidgetItem)
    def _on_sidebar_item_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        page_id = item.data(0, PAGE_ROLE)
        if page_id:
            self.open_page(page_id)

    def open_link(self, url: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        try:
            link = parse_link(url)
        except ValueError as error:
            QMessageBox.information(self, "Link not understood", str(error))
            return
        if link.kind in ("lesson", "page"):
            params = dict(link.params)
            if link.anchor:
                params["section"] = link.anchor
            if not self.open_page(link.target, params):
                QMessageBox.information(self, "Page not found", f"There is no page called “{link.target}”.")
        elif link.kind == "calc":
            if not self.open_page(link.target, link.params):
                QMessageBox.information(
                    self, "Calculator not found", f"There is no calculator called “{link.target}”."
                )
        else:
            handler = getattr(self.ctx, "handle_link", None)
            if callable(handler) and handler(link):
                return
            if link.kind == "glossary":
                self.open_page("glossary", {"term": link.target})

    def current_lesson_page(self) -> LessonPage | None:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, LessonPage) else None

    @Slot()
    def previous_lesson(self) -> None:
        page = self.current_lesson_page()
        if page is not None:
            page.go_previous()

    @Slot()
    def next_lesson(self) -> None:
        page = self.current_lesson_page()
        if page is not None:
            page.go_next()
        elif self.ctx.course.lessons and self.current_page_id not in [
            lesson.id for lesson in self.ctx.course.lessons
        ]:
            self.continue_course()

    @Slot()
    def continue_course(self) -> None:
        last = self.ctx.store.last_lesson()
        if last and self.ctx.course.lesson(last):
            self.open_page(last)
            return
        completed = self.ctx.store.completed_lessons()
        for lesson in self.ctx.course.lessons:
            if lesson.id not in completed:
                self.open_page(lesson.id)
                return
        if self.ctx.course.lessons:
            self.open_page(self.ctx.course.lessons[0].id)

    # ------------------------------------------------------------------ progress
    @Slot(str)
    def _on_progress_changed(self, _lesson_id: str) -> None:
        self._refresh_ticks()
        self._update_progress()
        for page in self.pages.values():
            if isinstance(page, LessonPage):
                page.refresh_completed()

    def _update_progress(self) -> None:
        total = len(self.ctx.course.lessons)
        done = len(self.ctx.store.completed_lessons() & {lesson.id for lesson in self.ctx.course.lessons})
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress_label.setText(f"Course progress: {done} of {total} lessons")
        self.progress.setAccessibleName(f"Course progress: {done} of {total} lessons complete")

    @Slot()
    def restore_from_backup(self) -> None:
        """File ▸ Restore from backup…: go back to one of the daily copies; the current file is kept aside."""
        from PySide6.QtWidgets import QInputDialog, QMessageBox

        store = self.ctx.store
        backups = store.list_backups()
        if not backups:
            QMessageBox.information(
                self,
                "No backups yet",
                "A copy of your progress is made each day you use the app, and the last seven are kept in "
                f"{store.backup_folder}. There are none yet.",
            )
            return
        labels = [backup.label() for backup in backups]
        label, ok = QInputDialog.getItem(
            self,
            "Restore from backup",
            "Go back to your progress as it was on:\n(what you have now is kept in a separate file)",
            labels,
            0,
            False,
        )
        if not ok or label not in labels:
            return
        try:
            aside = store.restore_backup(backups[labels.index(label)])
        except (ValueError, StoreUnavailable) as error:
            QMessageBox.warning(self, "Backup not restored", f"{error}\n\nYour progress has not changed.")
            return
        self.ctx.progress_changed.emit("")
        kept = f" What you had before was kept as:\n\n{aside}" if aside else ""
        QMessageBox.information(self, "Backup restored", f"Your progress is back to {label}.{kept}")

    @Slot(str)
    def _on_store_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 15000)

    # ------------------------------------------------------------------ theme and zoom
    def theme_choice(self) -> str:
        value = self.settings.value("ui/theme", "system")
        return value if isinstance(value, str) and value in THEME_CHOICES else "system"

    def set_theme_choice(self, choice: str) -> None:
        if choice not in THEME_CHOICES:
            choice = "system"
        self.settings.setValue("ui/theme", choice)
        self.theme_actions[choice].setChecked(True)
        theme = resolve_theme(choice)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme, self.ctx.zoom)
        self.ctx.set_theme(theme)

    @Slot()
    def cycle_theme(self) -> None:
        order = list(THEME_CHOICES)
        self.set_theme_choice(order[(order.index(self.theme_choice()) + 1) % len(order)])

    def set_zoom(self, zoom: float) -> None:
        zoom = min(max(zoom, ZOOM_STEPS[0]), ZOOM_STEPS[-1])
        self.settings.setValue("ui/zoom", zoom)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, self.ctx.theme, zoom)
        self.ctx.set_zoom(zoom)

    @Slot()
    def zoom_in(self) -> None:
        self.set_zoom(next((z for z in ZOOM_STEPS if z > self.ctx.zoom + 1e-6), ZOOM_STEPS[-1]))

    @Slot()
    def zoom_out(self) -> None:
        self.set_zoom(next((z for z in reversed(ZOOM_STEPS) if z < self.ctx.zoom - 1e-6), ZOOM_STEPS[0]))

    @Slot()
    def zoom_reset(self) -> None:
        self.set_zoom(1.0)

    # ------------------------------------------------------------------ help
    @Slot()
    def show_welcome(self) -> int:
        from healthalloc.ui.welcome import MAP, START, WelcomeDialog

        dialog = WelcomeDialog(self.ctx.course, self)
        result = dialog.exec()
        self.settings.setValue("ui/welcome_dismissed", True)
        if result == START and self.ctx.course.lessons:
            self.open_page(self.ctx.course.lessons[0].id)
        elif result == MAP:
            self.open_page("stakeholder-map")
        return int(result)

    def maybe_show_welcome(self) -> None:
        dismissed = self.settings.value("ui/welcome_dismissed", False)
        if str(dismissed).lower() not in ("true", "1"):
            QTimer.singleShot(0, self.show_welcome)

    @Slot()
    def show_shortcuts(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        rows = "".join(f"<tr><td>{name}</td><td><b>{keys}</b></td></tr>" for name, keys in self.shortcut_rows)
        box = QMessageBox(self)
        box.setWindowTitle("Keyboard shortcuts")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(f"<table cellpadding='4'>{rows}</table>")
        box.exec()

    @Slot()
    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(
            self,
            "About healthalloc",
            f"<h3>healthalloc {__version__}</h3><p>An interactive course on who allocates health-care resources "
            "in the United States, with calculators for risk-adjusted capitation, provider reimbursement and the "
            "flow of money from payers to providers.</p><p>Figures name their source and year. The app works "
            "entirely offline.</p>",
        )

    # ------------------------------------------------------------------ state
    def _restore_window(self, reopen_last_page: bool = True) -> None:
        geometry = self.settings.value("ui/geometry")
        restored = False
        if isinstance(geometry, (QByteArray, bytes)):
            restored = self.restoreGeometry(QByteArray(geometry))
        if not restored:
            self.resize(1280, 800)
        if not reopen_last_page:
            return
        last = self.settings.value("ui/last_page", "")
        if not (isinstance(last, str) and last and self._safe_open(last)):
            self.continue_course()

    def _safe_open(self, page_id: str) -> bool:
        try:
            return self.open_page(page_id)
        except (ImportError, ValueError):
            return False

    def closeEvent(self, event: QCloseEvent) -> None:
        page = self.current_lesson_page()
        if page is not None:
            page.save_position()
        self._flush_lesson_time()
        self.notes_panel.flush()
        self.settings.setValue("ui/geometry", self.saveGeometry())
        self.settings.sync()
        super().closeEvent(event)
