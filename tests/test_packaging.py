"""The built wheel carries the course content and resources, and finds them once installed."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_contains_lessons_content_and_resources(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    wheel = next(tmp_path.glob("healthalloc-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    lessons = sorted(ROOT.glob("content/lessons/*.md"))
    assert lessons
    for lesson in lessons:
        assert f"healthalloc/content/lessons/{lesson.name}" in names
    assert "healthalloc/resources/icons/healthalloc.svg" in names
    assert "healthalloc/core/content.py" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "healthalloc = healthalloc.app:main" in zipfile.ZipFile(wheel).read(entry_points).decode()

    # Installed into a bare folder (no source checkout beside it), the package finds its own content.
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    code = (
        "from healthalloc.core.resources import content_dir; from healthalloc.core.content import load_course;"
        "c = load_course(); print(content_dir()); assert not c.errors, c.errors; print(len(c.lessons))"
    )
    check = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env={"PYTHONPATH": str(target)}
    )
    assert check.returncode == 0, check.stderr
    assert str(target / "healthalloc" / "content") in check.stdout
