"""Light, dark and projector themes applied to the whole application; "system" follows the OS colour scheme."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from healthalloc.core.palette import DARK, LIGHT, THEMES, ThemeColors

THEME_CHOICES = ("system", "light", "dark", "projector")
THEME_LABELS = {
    "system": "Follow system",
    "light": "Light",
    "dark": "Dark",
    "projector": "Projector (high contrast)",
}
BASE_POINT_SIZE = 11.0
ZOOM_STEPS = (0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5)


def resolve_theme(choice: str) -> ThemeColors:
    """The colours for a theme choice; unknown choices fall back to light."""
    if choice == "system":
        hints = QGuiApplication.styleHints()
        return DARK if hints.colorScheme() == Qt.ColorScheme.Dark else LIGHT
    return THEMES.get(choice, LIGHT)


STYLE = "Fusion"  # the same widgets on every platform, so the themes' colours apply everywhere
STYLE_PROPERTY = "healthalloc-style"  # set when the application was created with STYLE already


def apply_theme(app: QApplication, theme: ThemeColors, zoom: float = 1.0) -> None:
    if app.property(STYLE_PROPERTY) != STYLE:
        app.setStyle(STYLE)
        app.setProperty(STYLE_PROPERTY, STYLE)
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: theme.window,
        QPalette.ColorRole.WindowText: theme.text,
        QPalette.ColorRole.Base: theme.base,
        QPalette.ColorRole.AlternateBase: theme.window,
        QPalette.ColorRole.Text: theme.text,
        QPalette.ColorRole.Button: theme.window,
        QPalette.ColorRole.ButtonText: theme.text,
        QPalette.ColorRole.ToolTipBase: theme.base,
        QPalette.ColorRole.ToolTipText: theme.text,
        QPalette.ColorRole.Highlight: theme.highlight,
        QPalette.ColorRole.HighlightedText: theme.highlight_text,
        QPalette.ColorRole.Link: theme.link,
        QPalette.ColorRole.LinkVisited: theme.link,
        QPalette.ColorRole.PlaceholderText: theme.muted_text,
        QPalette.ColorRole.BrightText: theme.negative,
        QPalette.ColorRole.Accent: theme.accent,
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(theme.muted_text))
    app.setPalette(palette)
    scale = zoom * (1.15 if theme.name == "projector" else 1.0)
    font = QFont(app.font())
    font.setPointSizeF(BASE_POINT_SIZE * scale)
    app.setFont(font)
    app.setStyleSheet(stylesheet(theme, scale))


def stylesheet(theme: ThemeColors, scale: float = 1.0) -> str:
    """The app's style sheet; ``scale`` (zoom, and the projector's larger type) sizes headings with the text."""

    def pt(size: float) -> str:
        return f"{size * scale:.1f}pt"

    from healthalloc.core.resources import resources_dir

    border_width = 2 if theme.name == "projector" else 1
    tick = (resources_dir() / "icons" / ("check-dark.svg" if theme.dark else "check.svg")).as_posix()
    return f"""
    QCheckBox::indicator, QTreeView::indicator, QListView::indicator {{
        width: {round(15 * scale)}px; height: {round(15 * scale)}px; border: {max(border_width, 1) + 0.5:.0f}px solid {theme.muted_text};
        border-radius: 3px; background: {theme.base};
    }}
    QCheckBox::indicator:checked, QTreeView::indicator:checked, QListView::indicator:checked {{
        background: {theme.accent}; border-color: {theme.accent}; image: url("{tick}");
    }}
    QCheckBox::indicator:disabled {{ border-color: {theme.border}; }}
    QWidget:focus {{ outline: none; }}
    QAbstractButton:focus, QLineEdit:focus, QAbstractSpinBox:focus, QComboBox:focus,
    QAbstractItemView:focus, QTextBrowser:focus, QSlider:focus, QGraphicsView:focus, QTabBar::tab:focus {{
        border: 2px solid {theme.accent};
    }}
    QPushButton {{
        padding: 5px 14px; border: {border_width}px solid {theme.border}; border-radius: 4px;
        background: {theme.base}; color: {theme.text};
    }}
    QPushButton:hover {{ border-color: {theme.accent}; }}
    QPushButton:disabled {{ color: {theme.muted_text}; }}
    QPushButton[primary="true"] {{ background: {theme.accent}; color: {theme.accent_text}; border-color: {theme.accent}; }}
    QTreeWidget#sidebar {{ border: none; background: {theme.window}; }}
    QTreeWidget#sidebar::item {{ padding: 4px 2px; }}
    QTreeWidget#sidebar::item:selected {{ background: {theme.highlight}; color: {theme.highlight_text}; }}
    QLabel[role="muted"] {{ color: {theme.muted_text}; }}
    QLabel[role="title"] {{ font-size: {pt(20)}; font-weight: 600; }}
    QLabel[role="subtitle"] {{ font-size: {pt(13)}; font-weight: 600; }}
    QLabel[role="result"] {{ font-size: {pt(16)}; font-weight: 600; color: {theme.text}; }}
    QLabel[role="error"] {{ color: {theme.negative}; }}
    QFrame[role="card"] {{ background: {theme.base}; border: {border_width}px solid {theme.border}; border-radius: 6px; }}
    QTextBrowser {{ border: none; background: {theme.base}; }}
    QToolTip {{ background: {theme.base}; color: {theme.text}; border: 1px solid {theme.border}; }}
    QProgressBar {{ border: 1px solid {theme.border}; border-radius: 3px; text-align: center; background: {theme.base}; }}
    QProgressBar::chunk {{ background: {theme.accent}; }}
    """
