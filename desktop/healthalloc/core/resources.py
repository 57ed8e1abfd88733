"""Where the course content and the app resources live. The one module that knows.

In a source checkout (``pip install -e .`` or ``PYTHONPATH=desktop``) they are the ``content/`` and ``resources/``
folders at the repository root; in an installed wheel they are packaged inside ``healthalloc/`` (hatchling
``force-include``). ``HEALTHALLOC_CONTENT_DIR`` points the app at another content folder (an instructor's copy).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[0]


@cache
def content_dir() -> Path:
    """The content folder (lessons, quizzes, glossary, data)."""
    override = os.environ.get("HEALTHALLOC_CONTENT_DIR")
    if override:
        return Path(override).expanduser().resolve()
    return _first_existing(_PACKAGE_DIR / "content", _PACKAGE_DIR.parent.parent / "content")


@cache
def resources_dir() -> Path:
    """Icons, stylesheets, fonts."""
    return _first_existing(_PACKAGE_DIR / "resources", _PACKAGE_DIR.parent.parent / "resources")


def data_file(name: str) -> Path:
    """A data file in ``content/data``; raises ``FileNotFoundError`` naming the folder searched."""
    path = content_dir() / "data" / name
    if not path.is_file():
        raise FileNotFoundError(f"data file {name!r} not found in {path.parent}")
    return path


def repo_relative(path: Path) -> str:
    """``path`` relative to the content folder's parent, for messages like ``content/lessons/01-x.md:3``."""
    try:
        return path.resolve().relative_to(content_dir().parent).as_posix()
    except ValueError:
        return str(path)
