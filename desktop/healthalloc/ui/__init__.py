"""Qt widgets that bind to :mod:`healthalloc.core`. No arithmetic and no file formats live here."""
