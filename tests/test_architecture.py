"""The core library stays Qt-free so instructors can use it from a notebook and tests need no window."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "desktop" / "healthalloc" / "core"
FORBIDDEN = ("PySide6", "shiboken6", "healthalloc.ui", "matplotlib.pyplot")


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_core_imports_no_qt_and_no_ui() -> None:
    offenders = [
        f"{path.relative_to(CORE.parent)} imports {name}"
        for path in sorted(CORE.rglob("*.py"))
        for name in imported_modules(path)
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)
    ]
    assert offenders == []


def test_importing_the_whole_core_loads_no_qt() -> None:
    code = (
        "import importlib, pkgutil, sys; import healthalloc.core as c\n"
        "for m in pkgutil.walk_packages(c.__path__, 'healthalloc.core.'): importlib.import_module(m.name)\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'healthalloc.ui'))]\n"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=CORE.parent.parent)
    assert result.returncode == 0, result.stdout + result.stderr


def test_start_up_modules_do_not_import_pandas_or_matplotlib() -> None:
    code = (
        "import sys; import healthalloc.app, healthalloc.ui.main_window, healthalloc.ui.application\n"
        "heavy = [m for m in ('pandas', 'matplotlib') if m in sys.modules]\n"
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=CORE.parent.parent)
    assert result.returncode == 0, result.stdout + result.stderr
