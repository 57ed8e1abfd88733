"""Safe file writing and reading: atomic replace, and size limits for files that come from other people."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` so that a crash leaves either the old file or the new one, never half of one."""
    target = Path(path)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def read_limited(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """Read a file, refusing one larger than ``max_bytes`` (raises ``ValueError`` with a readable message)."""
    target = Path(path)
    size = target.stat().st_size
    if size > max_bytes:
        raise ValueError(f"{target.name} is {size:,} bytes; files of this kind are at most {max_bytes:,} bytes")
    with target.open("rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"{target.name} is larger than {max_bytes:,} bytes")
    return data
