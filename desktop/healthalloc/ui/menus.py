"""Menu entries for exports, scenarios and presentation mode, without importing those modules at start-up.

The main window makes its menus' actions just after the first frame (``MainWindow.build_menus``);
``ui/exports.py`` and ``ui/presentation.py`` are imported when one is first used (together about 60 ms that used to
sit in front of the first paint).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu

COPY_CHART_SHORTCUT = "Ctrl+Shift+G"

# The keys of presentation mode, for the Help ▸ Keyboard shortcuts sheet and the on-slide key list.
PRESENTATION_KEYS: tuple[tuple[str, str], ...] = (
    ("Start presenting (from the beginning / from this section)", "F5 / Shift+F5"),
    ("Next slide, or the rest of a long one", "→, PageDown, Space, Enter, N"),
    ("Previous slide", "←, PageUp, Backspace, P"),
    ("First or last slide", "Home / End"),
    ("Go to slide N", "type the number, then Enter"),
    ("Scroll a long slide", "↓ / ↑"),
    ("Reveal the next answer / hide the answers", "R / Shift+R"),
    ("Black screen / white screen (any key returns)", "B or . / W or ,"),
    ("Spotlight around the mouse", "hold S"),
    ("Larger / smaller / normal type", "+ / − / 0 with Ctrl"),
    ("Leave a calculator's controls", "Esc"),
    ("Show these keys", "? or F1"),
    ("Leave presentation mode", "Esc"),
)


def _later(module: str, function: str, *args: Any, **kwargs: Any) -> Callable[[], Any]:
    """A slot that imports ``ui/exports.py`` or ``ui/presentation.py`` on first use, then calls ``function``."""

    def run() -> Any:
        if module == "exports":
            from healthalloc.ui import exports as loaded
        else:
            from healthalloc.ui import presentation as loaded
        return getattr(loaded, function)(*args, **kwargs)

    return run


def add_file_actions(window: Any, menu: QMenu) -> None:
    """File ▸ Open scenario…, Save scenario…, Export ▸ …, Copy chart (called while the menus are built)."""
    action = window._action
    menu.addAction(
        action("&Open scenario…", _later("exports", "open_scenario_dialog", window), QKeySequence.StandardKey.Open)
    )
    menu.addAction(
        action("&Save scenario…", _later("exports", "save_scenario_dialog", window), QKeySequence.StandardKey.Save)
    )
    menu.addSeparator()
    export = menu.addMenu("&Export")
    export.addAction(
        action("Chart as &PNG (2× for slides)…", _later("exports", "export_chart_dialog", window, "png"))
    )
    export.addAction(action("Chart as &SVG…", _later("exports", "export_chart_dialog", window, "svg")))
    export.addAction(action("&Table as CSV…", _later("exports", "export_table_dialog", window)))
    export.addAction(action("&Lesson as PDF handout…", _later("exports", "export_lesson_dialog", window)))
    menu.addAction(action("&Copy chart", _later("exports", "copy_chart_action", window), COPY_CHART_SHORTCUT))
    menu.addSeparator()


def add_present_actions(window: Any, menu: QMenu) -> None:
    """View ▸ Present (F5) and Present from this section (Shift+F5)."""
    menu.addSeparator()
    menu.addAction(window._action("&Present", _later("presentation", "start_presentation", window), "F5"))
    menu.addAction(
        window._action(
            "Present from this &section",
            _later("presentation", "start_presentation", window, from_current=True),
            "Shift+F5",
        )
    )
    window.shortcut_rows.extend(
        [(f"In presentation mode: {name[:1].lower()}{name[1:]}", keys) for name, keys in PRESENTATION_KEYS[1:]]
    )
