"""Daily backups of the progress store (SQLite backup API, seven kept) and restoring one."""

from __future__ import annotations

import os
import sqlite3
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from healthalloc.core import progress
from healthalloc.core.progress import BACKUPS_KEPT, DB_NAME, SCHEMA_VERSION, ProgressStore, StoreUnavailable

DAY = date(2025, 3, 4)


def open_store(folder: Path) -> ProgressStore:
    return ProgressStore(folder)


def test_opening_the_store_makes_todays_backup_once(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.set_completed("overview")
    backups = store.list_backups()
    assert [b.day for b in backups] == [date.today()]
    first = backups[0].path.stat().st_mtime_ns
    store.close()
    again = open_store(tmp_path)
    assert [b.path.stat().st_mtime_ns for b in again.list_backups()] == [first]  # not remade the same day
    again.close()


def test_a_backup_is_a_sound_self_contained_copy(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.set_completed("overview")
    store.save_note("overview", "s", "remember this")
    path = store.make_backup(DAY)
    store.set_completed("policy")  # after the backup: not in it
    assert path.name == "progress-20250304.sqlite3"
    assert not Path(f"{path}-wal").exists()
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("SELECT lesson_id FROM lesson_progress WHERE completed_at IS NOT NULL").fetchall() == [
        ("overview",)
    ]
    conn.close()
    store.close()


def test_only_the_newest_seven_are_kept(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    for n in range(10):
        store.make_backup(DAY + timedelta(days=n))
    backups = store.list_backups()
    assert len(backups) == BACKUPS_KEPT
    # today's (made on opening) is the newest; then the six latest of the ten
    assert [b.day for b in backups] == [date.today()] + [DAY + timedelta(days=n) for n in range(9, 3, -1)]
    on_disk = sorted(p.name for p in store.backup_folder.iterdir())
    assert on_disk == sorted(b.path.name for b in backups)
    store.close()


def test_backup_if_due_makes_one_per_day(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    assert store.backup_if_due(DAY) is not None
    assert store.backup_if_due(DAY) is None
    assert store.backup_if_due(DAY + timedelta(days=1)) is not None
    store.close()


def test_the_daily_backup_can_wait_until_asked_for(tmp_path: Path) -> None:
    """The app opens its store without the copy and makes it once its window is on screen."""
    ProgressStore(tmp_path).close()  # yesterday's file, with yesterday's backup renamed below
    for backup in (tmp_path / "backups").iterdir():
        backup.rename(backup.with_name(f"progress-{(date.today() - timedelta(days=1)):%Y%m%d}.sqlite3"))
    store = ProgressStore(tmp_path, daily_backup=False)
    assert [b.day for b in store.list_backups()] == [date.today() - timedelta(days=1)]
    assert store.backup_if_due() is not None
    assert [b.day for b in store.list_backups()] == [date.today(), date.today() - timedelta(days=1)]
    store.close()


def test_a_store_started_afresh_after_damage_makes_no_backup_that_day(tmp_path: Path) -> None:
    ProgressStore(tmp_path, daily_backup=False).close()
    (tmp_path / DB_NAME).write_bytes(b"not a database" * 100)
    store = ProgressStore(tmp_path, daily_backup=False)
    assert store.recovered_from is not None
    assert store.backup_if_due() is None and store.list_backups() == []
    store.close()


def test_leftovers_of_a_crashed_backup_are_ignored_then_cleaned(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    folder = store.backup_folder
    stale = folder / ".progress-20250101.999.tmp"
    fresh = folder / ".progress-20250102.998.tmp"
    for path in (stale, fresh):
        path.write_bytes(b"half a backup")
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    (folder / "progress-notadate.sqlite3").write_bytes(b"x")
    (folder / "progress-20251399.sqlite3").write_bytes(b"x")  # month 13
    (folder / "progress-20250105.sqlite3").write_bytes(b"")  # empty: never offered
    assert [b.day for b in store.list_backups()] == [date.today()]
    store.make_backup(DAY)
    assert not stale.exists()
    assert fresh.exists()  # might belong to a backup still being written
    store.close()


def test_a_backup_that_cannot_be_written_does_not_stop_the_app(tmp_path: Path) -> None:
    (tmp_path / "backups").write_text("a file where the folder should be")
    store = open_store(tmp_path)  # backup_if_due fails quietly
    assert store.problem == ""
    store.set_completed("overview")
    with pytest.raises(StoreUnavailable, match="backup could not be made"):
        store.make_backup(DAY)
    assert store.list_backups() == []
    store.close()


def test_restoring_a_backup_keeps_the_current_file_aside(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.set_completed("overview")
    store.make_backup(DAY)
    store.set_completed("policy")
    store.save_note("policy", "s", "written after the backup")
    [backup] = [b for b in store.list_backups() if b.day == DAY]
    aside = store.restore_backup(backup)
    assert store.completed_lessons() == {"overview"}
    assert store.notes() == []
    store.set_completed("future")  # the restored store takes writes
    store.close()
    assert aside is not None and aside.name.startswith("progress.before-restore-")
    conn = sqlite3.connect(aside)
    assert {r[0] for r in conn.execute("SELECT lesson_id FROM lesson_progress")} == {"overview", "policy"}
    assert conn.execute("SELECT body FROM notes").fetchone() == ("written after the backup",)
    conn.close()
    reopened = open_store(tmp_path)
    assert reopened.recovered_from is None
    assert reopened.completed_lessons() == {"overview", "future"}
    reopened.close()


def test_restoring_from_a_path(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.set_completed("overview")
    path = store.make_backup(DAY)
    store.set_completed("overview", False)
    store.restore_backup(path)
    assert store.completed_lessons() == {"overview"}
    store.close()


def _garbage(path: Path) -> None:
    path.write_bytes(b"\x00\x01garbage" * 500)


def _newer(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()


def _not_ours(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()


def _truncated(path: Path) -> None:
    store = ProgressStore(path.parent / "source")
    for n in range(200):
        store.save_note("l", f"s{n}", "text " * 100)
    good = store.make_backup(DAY)
    store.close()
    data = good.read_bytes()
    path.write_bytes(data[: len(data) // 3])


@pytest.mark.parametrize(
    "spoil", [_garbage, _newer, _not_ours, _truncated], ids=["garbage", "newer", "not ours", "truncated"]
)
def test_a_bad_backup_is_refused_and_changes_nothing(tmp_path: Path, spoil) -> None:  # type: ignore[no-untyped-def]
    store = open_store(tmp_path / "data")
    store.set_completed("overview")
    bad = tmp_path / "progress-20250101.sqlite3"
    spoil(bad)
    before = sorted(p.name for p in (tmp_path / "data").iterdir())
    with pytest.raises(ValueError, match=bad.name):
        store.restore_backup(bad)
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == before  # nothing moved, no temp left
    store.set_completed("policy")
    assert store.completed_lessons() == {"overview", "policy"}
    store.close()


def test_a_missing_backup_is_refused(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    with pytest.raises(ValueError, match="cannot be read"):
        store.restore_backup(tmp_path / "backups" / "progress-19990101.sqlite3")
    store.close()


def test_an_older_backup_is_migrated_when_restored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = open_store(tmp_path)
    store.set_completed("overview")
    old = store.make_backup(DAY)
    store.close()
    monkeypatch.setattr(progress, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(progress._MIGRATIONS, SCHEMA_VERSION + 1, "ALTER TABLE kv ADD COLUMN note TEXT")
    newer = open_store(tmp_path)
    newer.restore_backup(old)
    assert newer.completed_lessons() == {"overview"}
    newer.close()
    conn = sqlite3.connect(tmp_path / DB_NAME)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    conn.close()


def test_backup_labels_read_as_dates(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    path = store.make_backup(DAY)
    stamp = time.mktime((2025, 3, 4, 14, 2, 0, 0, 0, -1))
    os.utime(path, (stamp, stamp))
    [backup] = [b for b in store.list_backups() if b.day == DAY]
    assert backup.label() == "Tuesday 4 March 2025, 14:02"
    store.close()
