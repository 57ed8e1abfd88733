"""Offline by construction: a walk through every page, in every theme, with the network taken away.

Creating a socket raises, and an audit hook records any attempt to resolve a name, connect, or open a URL, even
one that code might catch and hide. Qt's own networking module is never loaded and no address is handed to the
system browser.
"""

from __future__ import annotations

import contextlib
import socket
import sys
from collections.abc import Iterator

import pytest
from PySide6.QtGui import QDesktopServices

from healthalloc.ui.calc_base import ChartView
from healthalloc.ui.lesson_browser import LessonBrowser
from healthalloc.ui.main_window import MainWindow

NETWORK_EVENTS = ("socket.", "urllib.Request", "http.client.connect", "ftplib.connect", "smtplib.connect")
_attempts: list[str] = []
_watching = False


def _audit(event: str, args: tuple[object, ...]) -> None:
    if _watching and event.startswith(NETWORK_EVENTS):
        _attempts.append(f"{event} {args!r}"[:200])


sys.addaudithook(_audit)  # hooks cannot be removed; this one only records while a test is watching


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    global _watching

    def refuse(*args: object, **kwargs: object) -> None:
        _attempts.append(f"socket created {args!r}"[:200])
        raise NetworkUsed("the app tried to use the network")

    # Modules that subclass socket.socket at import time must be imported before it is replaced (in a fresh
    # virtual environment nothing has imported ssl yet, and 'class SSLSocket(socket)' would fail).
    import ssl  # noqa: F401
    import urllib.request  # noqa: F401

    for name in ("socket", "create_connection", "getaddrinfo", "gethostbyname", "socketpair"):
        monkeypatch.setattr(socket, name, refuse)
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True)
    _attempts.clear()
    _watching = True
    try:
        yield _attempts
    finally:
        _watching = False
    assert opened == [], f"addresses handed to the system browser: {opened}"


def _finish_drawing(window: MainWindow) -> None:
    """Draw what the current page has queued (lesson charts draw after the first paint, calculator charts on idle)."""
    page = window.stack.currentWidget()
    for browser in page.findChildren(LessonBrowser):
        browser.draw_pending_charts()
    for view in page.findChildren(ChartView):
        if view.isVisible():
            view.draw_now()


# Layout, not networking: at large zoom in the 800-pixel offscreen screen one chart's decorations outgrow it.
@pytest.mark.filterwarnings("ignore:constrained_layout not applied:UserWarning")
def test_every_page_and_theme_without_a_network(window: MainWindow, qtbot, no_network: list[str]) -> None:  # type: ignore[no-untyped-def]
    pages = window.page_ids()
    assert len(pages) >= 15
    for page_id in pages:
        assert window.open_page(page_id), page_id
        qtbot.wait(1)
        _finish_drawing(window)
    for choice in ("dark", "projector", "system"):  # every open page restyles and redraws itself
        window.set_theme_choice(choice)
        qtbot.wait(1)
        _finish_drawing(window)
    window.show_search("capitation")
    qtbot.wait(20)
    window.search_popup.hide()
    assert no_network == []
    assert "PySide6.QtNetwork" not in sys.modules
    assert not any(name.startswith(("requests", "urllib3", "httpx", "aiohttp")) for name in sys.modules)


def test_the_guard_notices_a_hidden_connection_attempt(no_network: list[str]) -> None:
    import urllib.request

    # code that swallows the failure is exactly what the audit hook is for
    with contextlib.suppress(Exception):
        urllib.request.urlopen("http://example.com/", timeout=1)
    assert any(entry.startswith("urllib.Request") for entry in no_network)
    assert any("socket" in entry for entry in no_network)
    no_network.clear()


NETWORK_MODULES = (
    "socket",
    "ssl",
    "http",
    "urllib",
    "ftplib",
    "smtplib",
    "requests",
    "httpx",
    "aiohttp",
    "websocket",
)
QT_NETWORK = ("PySide6.QtNetwork", "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.QtWebSockets")


def test_no_module_imports_a_network_library() -> None:
    """The README promises the app contains no code that connects anywhere; this keeps the promise checkable."""
    import ast
    from pathlib import Path

    package = Path(__file__).resolve().parent.parent / "desktop" / "healthalloc"
    found = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                if name == "urllib.parse":  # string handling only: splitting link queries
                    continue
                if name.split(".")[0] in NETWORK_MODULES or name.startswith(QT_NETWORK):
                    found.append(f"{path.relative_to(package.parent)}:{node.lineno} imports {name}")
    assert found == []
