"""The faster PySide6 import check answers as PySide6's own does, and leaves no source behind in linecache."""

from __future__ import annotations

import linecache
import sys

import pytest

from healthalloc.ui import pyside_imports


def test_the_check_is_installed_and_answers_as_pyside_does() -> None:
    import matplotlib.figure  # noqa: F401  (a large library imported after PySide6, as the app does)

    assert pyside_imports.stop_source_cache()  # installed when healthalloc.ui was imported; again is harmless
    original = pyside_imports.pyside_check
    if original is None:
        pytest.skip("this PySide6 has no per-import source check")
    feature = sys.modules["shibokensupport.feature"]
    assert feature._mod_uses_pyside is pyside_imports.uses_pyside
    modules = [module for module in list(sys.modules.values()) if module is not None]
    assert len(modules) > 300
    differ = [m.__name__ for m in modules if pyside_imports.uses_pyside(m) != original(m)]
    assert differ == []
    assert pyside_imports.uses_pyside(sys.modules["healthalloc.ui.pyside_imports"])
    assert not pyside_imports.uses_pyside(sys)  # built in: no source


def test_new_imports_leave_no_source_in_linecache(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    feature = sys.modules["shibokensupport.feature"]
    if pyside_imports.pyside_check is None or not hasattr(feature, "pyside_feature_dict"):
        pytest.skip("this PySide6 has no per-import source check")
    (tmp_path / "healthalloc_probe_module.py").write_text("ANSWER = 42\n", "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    linecache.clearcache()
    import healthalloc_probe_module  # type: ignore[import-not-found]

    assert healthalloc_probe_module.ANSWER == 42
    assert feature.pyside_feature_dict.get("healthalloc_probe_module") == -1  # PySide6 looked, found no PySide6
    assert not [name for name in linecache.cache if name.endswith("healthalloc_probe_module.py")]
    sys.modules.pop("healthalloc_probe_module", None)


def test_no_standard_library_file_mentions_pyside6() -> None:
    """Why ``uses_pyside`` may answer the standard library's modules without reading them."""
    import sysconfig
    from pathlib import Path

    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = [path for path in stdlib.rglob("*.py") if "site-packages" not in path.parts]
    assert len(files) > 500
    assert [path for path in files if b"PySide6" in path.read_bytes()] == []
    assert pyside_imports.uses_pyside(sys.modules["json"]) is False
