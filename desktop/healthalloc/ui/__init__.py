"""Qt widgets that bind to :mod:`healthalloc.core`. No arithmetic and no file formats live here."""

from healthalloc.ui.pyside_imports import stop_source_cache

stop_source_cache()  # before anything else is imported: see pyside_imports
