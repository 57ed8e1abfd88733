"""Keep Qt for Python from holding the source of every module imported after it.

For its opt-in ``from __feature__ import ...`` switches, PySide6 (6.4 and later) looks at each newly imported module
for the word "PySide6", with ``inspect.getsource``. That reads the file through ``linecache``, which keeps every
line of it for the life of the process: our modules, the standard library's, then matplotlib's and numpy's, about
23 MB resident after a tour of the pages, and time on every import (~40 ms of matplotlib's). The same question
asked of the file's bytes, without caching them, gives the same answer for every module the app imports (a test
compares the two). A PySide6 without this internal hook is left alone.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

import PySide6.QtCore  # noqa: F401  (loads the feature module, so it can be found below)

pyside_check: Callable[[ModuleType], bool] | None = None  # PySide6's own check, kept for the test that compares


def uses_pyside(module: ModuleType) -> bool:
    """Whether ``module``'s source file mentions PySide6 (False for built-in and source-less modules).

    The standard library's modules are answered without reading them: none of its files mentions PySide6, and
    reading them cost about 2.5 ms of start-up (each is checked the first time an import statement names it)."""
    if str(getattr(module, "__name__", "")).partition(".")[0] in sys.stdlib_module_names:
        return False
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False  # built-in, compiled or source-less: what inspect.getsource cannot read either
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


def stop_source_cache() -> bool:
    """Replace PySide6's per-import source check with :func:`uses_pyside`. True if it was there to replace."""
    global pyside_check
    feature = sys.modules.get("shibokensupport.feature")
    current = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(current):
        return False
    if current is not uses_pyside:
        pyside_check = current
        feature._mod_uses_pyside = uses_pyside
    return True
