"""Presentation mode: a full-screen window that shows a lesson one ``##`` section per slide.

Type is sized from the screen height so it reads from the back of a lecture hall; a section too long for one
screen is paged through with the same "next" key before the next slide comes. Knowledge checks are "predict,
then reveal" (R), B and W blank the screen, holding S dims everything but a circle around the mouse, and a
``calc:`` link becomes a live calculator slide with large controls. With a second screen the laptop shows a
presenter view (next slide, speaker notes, timer).
"""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, Signal, Slot
from PySide6.QtGui import (
    QAccessible,
    QAccessibleEvent,
    QColor,
    QContextMenuEvent,
    QCursor,
    QGuiApplication,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QResizeEvent,
    QScreen,
)
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QWidget

from healthalloc.core.content import Section
from healthalloc.core.links import page_and_params
from healthalloc.core.render import section_markdown
from healthalloc.core.slides import Deck, Slide, fill_checks, lesson_slides, page_slide, slide_index_for_section
from healthalloc.ui.context import AppContext
from healthalloc.ui.menus import PRESENTATION_KEYS
from healthalloc.ui.slide_view import SlideView

# Shown in Help ▸ Keyboard shortcuts and on the "?" overlay.
KEYS = PRESENTATION_KEYS
SCALE_STEPS = (0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.35, 1.5)
NEXT_KEYS = {Qt.Key.Key_Right, Qt.Key.Key_PageDown, Qt.Key.Key_Space, Qt.Key.Key_N, Qt.Key.Key_Return}
PREVIOUS_KEYS = {Qt.Key.Key_Left, Qt.Key.Key_PageUp, Qt.Key.Key_Backspace, Qt.Key.Key_P}
CLICKER_KEYS = {Qt.Key.Key_PageUp, Qt.Key.Key_PageDown}


def deck_for_page(ctx: AppContext, page_id: str, params: dict[str, str] | None = None) -> tuple[Deck, str] | None:
    """The slides for a lesson id or a tool page id (one live slide), starting at ``params["section"]``."""
    from healthalloc.ui import registry

    params = dict(params or {})
    lesson = ctx.course.lesson(page_id)
    if lesson is not None:
        slides = lesson_slides(lesson)
        start = slide_index_for_section(slides, params["section"]) if params.get("section") else 0
        return Deck(slides, start), lesson.short_title or lesson.title.split(":", 1)[0]
    spec = registry.page_spec(page_id)
    if spec is None:
        return None
    query = "&".join(f"{k}={v}" for k, v in params.items() if k != "section")
    slide = page_slide(page_id, spec.title, calculator=spec.group == registry.CALCULATORS)
    if query:
        slide = Slide(slide.kind, slide.title, link=f"{slide.link}?{query}")
    return Deck([slide]), spec.title


class _Overlay(QWidget):
    """A child widget covering the whole presentation window (blank screen, spotlight, key help)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.hide()

    def cover(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.raise_()
        self.show()


class BlankOverlay(_Overlay):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.colour = QColor("black")
        self.setAccessibleName("Blank screen")
        self.setCursor(Qt.CursorShape.BlankCursor)

    def paintEvent(self, _event: QPaintEvent) -> None:
        QPainter(self).fillRect(self.rect(), self.colour)


class SpotlightOverlay(_Overlay):
    """Dims everything but a circle around the mouse; follows the mouse while it is shown."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.centre = QPoint()

    def cover(self) -> None:
        self.centre = self.parentWidget().mapFromGlobal(QCursor.pos()) if self.parentWidget() else QPoint()
        super().cover()

    def radius(self) -> int:
        return max(60, self.height() // 7)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self.centre = event.position().toPoint()
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        path = QPainterPath()
        path.addRect(self.rect().toRectF())
        hole = QPainterPath()
        r = self.radius()
        hole.addEllipse(QRect(self.centre.x() - r, self.centre.y() - r, 2 * r, 2 * r).toRectF())
        painter.fillPath(path.subtracted(hole), QColor(0, 0, 0, 185))


class KeysOverlay(_Overlay):
    """The presentation keys, drawn over the slide (``?``/F1; any key closes it)."""

    def __init__(self, parent: QWidget, ctx: AppContext) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setAccessibleName("Presentation keys")

    def cover(self) -> None:
        theme = self.ctx.theme
        size = max(14, self.parentWidget().height() // 34) if self.parentWidget() else 16
        rows = "".join(f"<tr><td>{name}</td><td>&nbsp;&nbsp;<b>{keys}</b></td></tr>" for name, keys in KEYS)
        self.label.setStyleSheet(
            f"background: {theme.base}; color: {theme.text}; border: 3px solid {theme.text}; "
            f"padding: {size}px; font-size: {size}px;"
        )
        self.label.setText(f"<p><b>Presentation keys</b> (any key closes this)</p><table>{rows}</table>")
        super().cover()
        self.label.adjustSize()
        self.label.move((self.width() - self.label.width()) // 2, (self.height() - self.label.height()) // 2)

    def paintEvent(self, _event: QPaintEvent) -> None:
        QPainter(self).fillRect(self.rect(), QColor(0, 0, 0, 120))


class PresentationWindow(QWidget):
    """The full-screen slide window. One per main window; hidden (not destroyed) when the presenter leaves."""

    closed = Signal()
    slide_changed = Signal(int)  # 0-based index

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        # A window of its own, owned by the main window so it goes when the main window goes.
        super().__init__(parent, Qt.WindowType.Window)
        self.ctx = ctx
        self.setWindowTitle("healthalloc · presentation")
        self.setAccessibleName("Presentation")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(480, 320)
        self.deck = Deck([Slide("title", "healthalloc")])
        self.deck_title = ""
        self.scale = _settings_scale(ctx)
        self.view = SlideView(ctx, self)
        self.view.link_clicked.connect(self._on_view_link_clicked)
        self.view.page_problem.connect(self._flash)
        self.blank = BlankOverlay(self)
        self.spotlight = SpotlightOverlay(self)
        self.keys = KeysOverlay(self, ctx)
        self.goto_label = QLabel(self)
        self.goto_label.setAccessibleName("Go to slide")
        self.goto_label.hide()
        self.typed = ""
        self.presenter: Any = None
        self._filtering = False
        ctx.theme_changed.connect(self._on_ctx_theme_changed)

    # ------------------------------------------------------------------ starting and leaving
    def start(
        self,
        deck: Deck,
        title: str,
        *,
        scenarios: dict[str, dict[str, Any]] | None = None,
        screen: QScreen | None = None,
        full_screen: bool = True,
        presenter_screen: QScreen | None = None,
    ) -> None:
        self.deck = deck
        self.deck_title = title
        self.view.scenarios = dict(scenarios or {})
        self.typed = ""
        for overlay in (self.blank, self.spotlight, self.keys, self.goto_label):
            overlay.hide()
        if screen is not None:
            self.setGeometry(screen.geometry())
            handle = self.windowHandle()
            if handle is not None:
                handle.setScreen(screen)
        if full_screen:
            self.showFullScreen()
        else:
            self.show()
        self.activateWindow()
        self.setFocus()
        if presenter_screen is not None:
            self.show_presenter_view(presenter_screen)
        if not self._filtering:
            QApplication.instance().installEventFilter(self)  # type: ignore[union-attr]
            self._filtering = True
        self.show_current()

    def show_presenter_view(self, screen: QScreen | None = None, *, full_screen: bool = True) -> None:
        from healthalloc.ui.presenter_view import PresenterView

        if self.presenter is None:
            self.presenter = PresenterView(self.ctx, self)
        if screen is not None:
            self.presenter.setGeometry(screen.availableGeometry())
        self.presenter.restart_timer()
        if full_screen:
            self.presenter.showMaximized()
        else:
            self.presenter.show()
        self.presenter.update_from(self)

    @Slot()
    def leave(self) -> None:
        if self._filtering:
            QApplication.instance().removeEventFilter(self)  # type: ignore[union-attr]
            self._filtering = False
        self.view.release_page()
        if self.presenter is not None:
            self.presenter.hide()
        if self.isVisible():
            self.hide()
        self.closed.emit()

    def closeEvent(self, event: Any) -> None:
        self.leave()
        super().closeEvent(event)

    # ------------------------------------------------------------------ slides
    def slide_markdown(self, slide: Slide, *, reveal_all: bool = False) -> str:
        """The slide's text with its checks filled in (answers shown if revealed) and charts as images."""
        if slide.kind != "section":
            return slide.markdown
        body = fill_checks(slide.markdown, self._question, lambda q: reveal_all or q in self.deck.revealed)
        return section_markdown(Section(slide.title, slide.section, body, 0))

    def _question(self, question_id: str) -> Any:
        bank = getattr(self.ctx, "quizzes", None)
        if bank is None:
            from healthalloc.core.quiz import load_quizzes

            bank = load_quizzes(self.ctx.course)
        return bank.question(question_id)

    def show_current(self, *, at_end: bool = False) -> None:
        slide = self.deck.current
        self.view.set_scale(self.scale)
        self.view.show_slide(
            slide,
            self.slide_markdown(slide),
            number=self.deck.number,
            total=len(self.deck),
            deck_title=self.deck_title,
        )
        hidden = self.deck.hidden_checks()
        self.view.set_hint("R: reveal the answer" if hidden else "")
        if at_end:
            self.view.scroll_to_end()
        name = f"Slide {self.deck.number} of {len(self.deck)}: {slide.title}"
        self.setAccessibleName(name)
        self.setWindowTitle(f"{name} · healthalloc")
        with contextlib.suppress(RuntimeError):
            QAccessible.updateAccessibility(QAccessibleEvent(self, QAccessible.Event.NameChanged))
        if self.presenter is not None and self.presenter.isVisible():
            self.presenter.update_from(self)
        self.slide_changed.emit(self.deck.index)

    def go_to(self, index: int) -> None:
        if self.deck.go_to(index):
            self.show_current()

    @Slot()
    def advance(self) -> None:
        """Next: the rest of a long slide first, then the next slide."""
        if self.view.scroll_page(1):
            return
        if self.deck.next():
            self.show_current()
        else:
            self._flash("This is the last slide. Esc leaves presentation mode.")

    @Slot()
    def retreat(self) -> None:
        if self.view.scroll_page(-1):
            return
        if self.deck.previous():
            self.show_current()

    @Slot()
    def reveal(self) -> None:
        revealed = self.deck.reveal_next()
        if revealed is not None:
            self._rerender()
            self.view.show_check(self.deck.current.checks.index(revealed))
        elif not self.deck.current.checks:
            self._flash("There is no question on this slide.")

    def hide_answers(self) -> None:
        if self.deck.hide_answers():
            self._rerender()

    def _rerender(self) -> None:
        position = self.view.scroll_position()
        self.show_current()
        self.view.set_scroll_position(position)

    def set_blank(self, colour: str | None) -> None:
        if colour is None:
            self.blank.hide()
            return
        self.blank.colour = QColor(colour)
        self.blank.cover()
        self.blank.update()

    def set_scale(self, scale: float) -> None:
        self.scale = min(max(scale, SCALE_STEPS[0]), SCALE_STEPS[-1])
        with contextlib.suppress(RuntimeError):
            self.ctx.settings.setValue("present/scale", self.scale)
        self._rerender()

    def _step_scale(self, direction: int) -> None:
        steps = SCALE_STEPS if direction > 0 else tuple(reversed(SCALE_STEPS))
        target = next((s for s in steps if (s - self.scale) * direction > 1e-6), steps[-1])
        self.set_scale(target)

    def _flash(self, text: str) -> None:
        """A one-line note at the bottom of the slide (replaced by the next note or key)."""
        self._show_goto_label(text)

    def _show_goto_label(self, text: str) -> None:
        theme = self.ctx.theme
        size = max(14, self.height() // 30)
        self.goto_label.setStyleSheet(
            f"background: {theme.text}; color: {theme.base}; padding: {size // 2}px {size}px; "
            f"font-size: {size}px; border-radius: 6px;"
        )
        self.goto_label.setText(text)
        self.goto_label.adjustSize()
        self.goto_label.move(
            (self.width() - self.goto_label.width()) // 2, self.height() - self.goto_label.height() * 2
        )
        self.goto_label.raise_()
        self.goto_label.show()

    # ------------------------------------------------------------------ keyboard
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease) or not isinstance(watched, QWidget):
            return False
        windows = [self] + ([self.presenter] if self.presenter is not None else [])
        # Act once per key: where it is first delivered (the focus widget), or at a window with no focus inside.
        window = watched.window()
        if window not in windows or not (watched is window.focusWidget() or watched.isWindow()):
            return False
        assert isinstance(event, QKeyEvent)
        if kind == QEvent.Type.KeyRelease:
            if event.key() == Qt.Key.Key_S and not event.isAutoRepeat() and self.spotlight.isVisible():
                self.spotlight.hide()
                return True
            return False
        return self.handle_key(event)

    def handle_key(self, event: QKeyEvent) -> bool:
        """Act on one key press; False lets a focused calculator control have it."""
        key = Qt.Key(event.key())
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ctrl = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
        focus = self.focusWidget()
        in_page = focus is not None and self.view.page_host.isAncestorOf(focus)
        if in_page and key not in CLICKER_KEYS:
            if key == Qt.Key.Key_Escape:
                self.setFocus()
                self._flash("Arrow keys move between slides again.")
                return True
            return False
        if self.keys.isVisible():
            self.keys.hide()
            return True
        if self.blank.isVisible():
            if key == Qt.Key.Key_B or key == Qt.Key.Key_Period:
                self.set_blank(None if self.blank.colour == QColor("black") else "black")
            elif key == Qt.Key.Key_W or key == Qt.Key.Key_Comma:
                self.set_blank(None if self.blank.colour == QColor("white") else "white")
            else:
                self.set_blank(None)
            return True
        if Qt.Key.Key_0 <= key <= Qt.Key.Key_9 and not ctrl:
            self.typed += chr(int(key))
            self._show_goto_label(f"Go to slide {self.typed} (Enter)")
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.typed:
            number = int(self.typed)
            self.typed = ""
            self.goto_label.hide()
            self.go_to(number - 1)
            return True
        self.goto_label.hide()
        if self.typed:
            self.typed = ""
            if key == Qt.Key.Key_Escape:
                return True
        return self._navigation_key(key, modifiers, ctrl, event)

    def _navigation_key(self, key: Qt.Key, modifiers: Any, ctrl: bool, event: QKeyEvent) -> bool:
        shift = bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
        if key == Qt.Key.Key_Escape:
            if self.spotlight.isVisible():
                self.spotlight.hide()
            else:
                self.leave()
        elif key in NEXT_KEYS or key == Qt.Key.Key_Enter:
            self.advance()
        elif key in PREVIOUS_KEYS:
            self.retreat()
        elif key == Qt.Key.Key_Home:
            self.go_to(0)
        elif key == Qt.Key.Key_End:
            self.go_to(len(self.deck) - 1)
        elif key == Qt.Key.Key_Down:
            self.view.scroll_lines(3)
        elif key == Qt.Key.Key_Up:
            self.view.scroll_lines(-3)
        elif key == Qt.Key.Key_R:
            if shift:
                self.hide_answers()
            else:
                self.reveal()
        elif key in (Qt.Key.Key_B, Qt.Key.Key_Period):
            self.set_blank("black")
        elif key in (Qt.Key.Key_W, Qt.Key.Key_Comma):
            self.set_blank("white")
        elif key == Qt.Key.Key_S:
            if not event.isAutoRepeat():
                self.spotlight.cover()
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self._step_scale(1)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self._step_scale(-1)
        elif key == Qt.Key.Key_0 and ctrl:
            self.set_scale(1.0)
        elif key in (Qt.Key.Key_Question, Qt.Key.Key_F1):
            self.keys.cover()
        elif key == Qt.Key.Key_Tab and self.deck.current.kind == "calculator":
            return not self.view.focus_page()
        elif key in (Qt.Key.Key_F5, Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            pass  # already presenting; Tab has nowhere to go on a text slide
        else:
            return False
        return True

    # ------------------------------------------------------------------ mouse, links, geometry
    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = QMenu(self)
        menu.setAccessibleName("Presentation menu")
        menu.addAction("Next slide", self.advance)
        menu.addAction("Previous slide", self.retreat)
        menu.addAction("Reveal the answer", self.reveal)
        menu.addAction("Black screen", lambda: self.set_blank("black"))
        menu.addAction("Keys", self.keys.cover)
        menu.addSeparator()
        menu.addAction("Leave presentation mode", self.leave)
        menu.exec(event.globalPos())

    @Slot(str)
    def _on_view_link_clicked(self, url: str) -> None:
        if url.startswith("calc:"):
            index = self.deck.index_of_link(url)
            if index is not None:
                self.go_to(index)
                return
        self._flash("Links to other pages open after you leave presentation mode (Esc).")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.view.setGeometry(self.rect())
        for overlay in (self.blank, self.spotlight, self.keys):
            if overlay.isVisible():
                overlay.cover()

    @Slot(object)
    def _on_ctx_theme_changed(self, _theme: object) -> None:
        if self.isVisible():
            self._rerender()


def _settings_scale(ctx: AppContext) -> float:
    try:
        value = float(ctx.settings.value("present/scale", 1.0))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 1.0
    return value if SCALE_STEPS[0] <= value <= SCALE_STEPS[-1] else 1.0


# ---------------------------------------------------------------------------------------- main-window glue
def start_presentation(window: Any, *, from_current: bool = False) -> PresentationWindow | None:
    """Present the page the main window shows: a lesson as slides, a calculator or tool page as one live slide."""
    page_id = window.current_page_id
    params: dict[str, str] = {}
    page = window.stack.currentWidget()
    if from_current and hasattr(page, "current_section"):
        params["section"] = page.current_section()
    made = deck_for_page(window.ctx, page_id, params) if page_id else None
    if made is None:
        window.statusBar().showMessage("Open a lesson or a calculator first, then press F5 to present it.", 8000)
        return None
    deck, title = made
    scenarios: dict[str, dict[str, Any]] = {}
    scenario = getattr(page, "scenario", None)
    if callable(scenario) and window.ctx.course.lesson(page_id) is None:
        with contextlib.suppress(Exception):  # a page that cannot describe itself still presents its defaults
            scenarios[page_id] = dict(scenario())
    presentation: PresentationWindow | None = getattr(window, "_presentation", None)
    if presentation is None:
        presentation = PresentationWindow(window.ctx, window)
        presentation.closed.connect(lambda: _return_to(window))
        window._presentation = presentation
    screens = QGuiApplication.screens()
    home = window.screen()
    projector = next((s for s in screens if s is not home), None) if len(screens) > 1 else None
    presentation.start(
        deck,
        title,
        scenarios=scenarios,
        screen=projector or home,
        presenter_screen=home if projector is not None else None,
    )
    return presentation


def _return_to(window: Any) -> None:
    with contextlib.suppress(RuntimeError):
        window.raise_()
        window.activateWindow()


def open_cli_presentation(ctx: AppContext, spec: str) -> tuple[PresentationWindow, Deck] | None:
    """For ``--present``: a presentation window (not yet shown) for ``spec`` (``LESSON`` or ``PAGE?params``)."""
    page_id, params = page_and_params(spec)
    made = deck_for_page(ctx, page_id, params)
    if made is None:
        return None
    deck, title = made
    window = PresentationWindow(ctx)
    window.deck, window.deck_title = deck, title
    return window, deck
