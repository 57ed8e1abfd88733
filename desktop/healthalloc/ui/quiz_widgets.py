"""The answer editors of the quiz page, one per question kind: choices (single, multiple, true/false), a number,
and an ordering list. Each reads and sets a response in the form ``core.grading`` understands and shows the marks
after checking; none of them decides what is right.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from healthalloc.core.grading import Grade
from healthalloc.core.palette import ThemeColors
from healthalloc.core.quiz import Question

TICK = "✓"
CROSS = "✗"


class AnswerEditor(QWidget):
    """Base class. ``changed`` fires whenever the student alters the answer."""

    changed = Signal()

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question = question
        self.setAccessibleName("Your answer")

    def response(self) -> Any:
        raise NotImplementedError

    def set_response(self, response: Any) -> None:
        raise NotImplementedError

    def show_grade(self, grade: Grade, response: Any, theme: ThemeColors) -> None:
        """Mark the answer: right options, wrong choices and why, items out of place."""

    def clear_marks(self) -> None:
        """Back to an unmarked, editable answer."""

    def set_locked(self, locked: bool) -> None:
        self.setEnabled(not locked)


class _OptionRow(QWidget):
    """A radio button or check box with a word-wrapped label (Qt's own button text never wraps)."""

    def __init__(self, text: str, button: QAbstractButton, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.button = button
        self.button.setAccessibleName(text)
        self.mark = QLabel()
        self.mark.setFixedWidth(22)
        self.mark.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.installEventFilter(self)
        self.reason = QLabel()
        self.reason.setWordWrap(True)
        self.reason.setProperty("role", "muted")
        self.reason.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.addWidget(self.mark, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignTop)
        text_column = QVBoxLayout()
        text_column.setSpacing(2)
        text_column.addWidget(self.label)
        text_column.addWidget(self.reason)
        layout.addLayout(text_column, 1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.label and event.type() == QEvent.Type.MouseButtonRelease and self.button.isEnabled():
            self.button.click()
            return True
        return super().eventFilter(watched, event)

    def set_mark(self, symbol: str, colour: str, reason: str = "") -> None:
        self.mark.setText(symbol)
        self.mark.setStyleSheet(f"color: {colour}; font-weight: 700;" if symbol else "")
        self.reason.setText(reason)
        self.reason.setVisible(bool(reason))


class ChoiceEditor(AnswerEditor):
    """Single choice (radio buttons), multiple choice (check boxes) or true/false."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self.multiple = question.kind == "multiple"
        labels = ["True", "False"] if question.kind == "true_false" else list(question.options)
        self.group = QButtonGroup(self)
        self.group.setExclusive(not self.multiple)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        if self.multiple:
            hint = QLabel("Select all that apply.")
            hint.setProperty("role", "muted")
            layout.addWidget(hint)
        self.rows: list[_OptionRow] = []
        for index, text in enumerate(labels):
            button: QAbstractButton = QCheckBox() if self.multiple else QRadioButton()
            row = _OptionRow(text, button)
            self.group.addButton(button, index)
            self.rows.append(row)
            layout.addWidget(row)
        self.group.buttonToggled.connect(self._on_group_toggled)

    @Slot(QAbstractButton, bool)
    def _on_group_toggled(self, _button: QAbstractButton, _checked: bool) -> None:
        self.changed.emit()

    def response(self) -> Any:
        chosen = [i for i, row in enumerate(self.rows) if row.button.isChecked()]
        if self.question.kind == "true_false":
            return None if not chosen else chosen[0] == 0
        if self.multiple:
            return chosen
        return chosen[0] if chosen else None

    def set_response(self, response: Any) -> None:
        if self.question.kind == "true_false":
            chosen = {0 if response else 1}
        elif isinstance(response, int):
            chosen = {response}
        else:
            chosen = set(response)
        self.group.setExclusive(False)
        for index, row in enumerate(self.rows):
            row.button.setChecked(index in chosen)
        self.group.setExclusive(not self.multiple)

    def show_grade(self, grade: Grade, response: Any, theme: ThemeColors) -> None:
        if self.question.kind == "true_false":
            right = {0 if self.question.answer else 1}
        else:
            right = set(self.question.correct_indices())
        for index, row in enumerate(self.rows):
            chosen = row.button.isChecked()
            if index in right:
                row.set_mark(TICK, theme.positive)
            elif chosen:
                reason = self.question.why_wrong[index] if self.question.why_wrong else ""
                row.set_mark(CROSS, theme.negative, reason)
            else:
                row.set_mark("", "")

    def clear_marks(self) -> None:
        for row in self.rows:
            row.set_mark("", "")

    def set_locked(self, locked: bool) -> None:
        for row in self.rows:
            row.button.setEnabled(not locked)


class NumericEditor(AnswerEditor):
    """A number, with the unit shown beside it ("$" before, "%" or a word after)."""

    submitted = Signal()

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.field = QLineEdit()
        self.field.setPlaceholderText("Type a number")
        self.field.setAccessibleName("Your answer (a number)")
        self.field.setMaximumWidth(220)
        self.field.textChanged.connect(lambda _t: self.changed.emit())
        self.field.returnPressed.connect(self.submitted)
        before = QLabel("$") if question.unit == "$" else None
        after = QLabel(question.unit) if question.unit and question.unit != "$" else None
        if before is not None:
            layout.addWidget(before)
        layout.addWidget(self.field)
        if after is not None:
            layout.addWidget(after)
        self.mark = QLabel()
        layout.addWidget(self.mark)
        hint = QLabel(f"Accepted within ±{question.tolerance:g}." if question.tolerance else "")
        hint.setProperty("role", "muted")
        layout.addWidget(hint)
        layout.addStretch(1)

    def response(self) -> Any:
        return self.field.text()

    def set_response(self, response: Any) -> None:
        self.field.setText(str(response))

    def show_grade(self, grade: Grade, response: Any, theme: ThemeColors) -> None:
        symbol, colour = (TICK, theme.positive) if grade.correct else (CROSS, theme.negative)
        self.mark.setText(symbol)
        self.mark.setStyleSheet(f"color: {colour}; font-weight: 700;")

    def clear_marks(self) -> None:
        self.mark.setText("")

    def set_locked(self, locked: bool) -> None:
        self.field.setReadOnly(locked)


class OrderingEditor(AnswerEditor):
    """Put items in order: drag them, or select one and press Alt+Up / Alt+Down (or the buttons)."""

    def __init__(self, question: Question, start: tuple[int, ...], parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        hint = QLabel("Drag the steps into order, or select one and press Alt+Up / Alt+Down.")
        hint.setProperty("role", "muted")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        row = QHBoxLayout()
        self.list = QListWidget()
        self.list.setAccessibleName("Items to put in order")
        self.list.setWordWrap(True)
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.model().rowsMoved.connect(self._on_rows_moved)
        self._locked = False
        row.addWidget(self.list, 1)
        buttons = QVBoxLayout()
        self.up_button = QPushButton("Move up")
        self.down_button = QPushButton("Move down")
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button.clicked.connect(lambda: self.move_current(1))
        buttons.addWidget(self.up_button)
        buttons.addWidget(self.down_button)
        buttons.addStretch(1)
        row.addLayout(buttons)
        layout.addLayout(row)
        QShortcut(QKeySequence("Alt+Up"), self.list, lambda: self.move_current(-1))
        QShortcut(QKeySequence("Alt+Down"), self.list, lambda: self.move_current(1))
        self.set_response(start)

    @Slot()
    def _on_rows_moved(self) -> None:
        # A drag has finished: number the items again in their new order (after Qt has settled the move).
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, self._renumber)
        self.changed.emit()

    def _fit_height(self) -> None:
        self.list.doItemsLayout()
        height = sum(self.list.sizeHintForRow(i) for i in range(self.list.count())) + 8
        self.list.setMinimumHeight(min(max(height, 120), 420))

    def move_current(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.list.count() or self._locked:
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)
        self.changed.emit()

    def response(self) -> Any:
        return tuple(int(self.list.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.list.count()))

    def set_response(self, response: Any) -> None:
        order = [int(i) for i in (response.split(",") if isinstance(response, str) else response)]
        self.list.clear()
        for position, index in enumerate(order, 1):
            item = QListWidgetItem(f"{position}. {self.question.options[index]}")
            item.setData(Qt.ItemDataRole.UserRole, index)
            self.list.addItem(item)
        self._renumber()
        self._fit_height()

    def _renumber(self) -> None:
        if self._locked:
            return
        for position in range(self.list.count()):
            item = self.list.item(position)
            index = int(item.data(Qt.ItemDataRole.UserRole))
            item.setText(f"{position + 1}. {self.question.options[index]}")

    def show_grade(self, grade: Grade, response: Any, theme: ThemeColors) -> None:
        from PySide6.QtGui import QBrush, QColor

        for position in range(self.list.count()):
            item = self.list.item(position)
            index = int(item.data(Qt.ItemDataRole.UserRole))
            right = index == position
            symbol = TICK if right else CROSS
            place = "" if right else f"  (belongs at {index + 1})"
            item.setText(f"{symbol} {position + 1}. {self.question.options[index]}{place}")
            item.setForeground(QBrush(QColor(theme.positive if right else theme.negative)))

    def clear_marks(self) -> None:
        from PySide6.QtGui import QBrush

        for position in range(self.list.count()):
            self.list.item(position).setForeground(QBrush())
        locked, self._locked = self._locked, False
        self._renumber()
        self._locked = locked

    def set_locked(self, locked: bool) -> None:
        self.list.setDragEnabled(not locked)
        self.list.setDragDropMode(
            QAbstractItemView.DragDropMode.NoDragDrop if locked else QAbstractItemView.DragDropMode.InternalMove
        )
        self.up_button.setEnabled(not locked)
        self.down_button.setEnabled(not locked)
        self._locked = locked


def make_editor(question: Question, start: tuple[int, ...] = ()) -> AnswerEditor:
    if question.kind == "numeric":
        return NumericEditor(question)
    if question.kind == "ordering":
        return OrderingEditor(question, start or tuple(range(len(question.options))))
    return ChoiceEditor(question)
