"""The progress store opens whatever it finds: damaged files are kept aside, schemas migrate, full or read-only
disks are reported instead of crashing the app."""

from __future__ import annotations

import contextlib
import os
import random
import sqlite3
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from healthalloc.core import progress
from healthalloc.core.progress import DB_NAME, SCHEMA_VERSION, ProgressStore, StoreUnavailable


def make_store(folder: Path, lessons: int = 3) -> Path:
    """A healthy store with some progress in it; returns the database path."""
    store = ProgressStore(folder)
    for n in range(lessons):
        store.set_completed(f"lesson-{n}")
    store.save_note("lesson-0", "intro", "my note " * 50)
    store.record_answer("lesson-0", "q-1", False, 2)
    store.close()
    return folder / DB_NAME


def integrity(path: Path) -> str:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------- damaged files
def _random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(1).randbytes(20_000))


def _text_file(path: Path) -> None:
    path.write_text("lesson,completed\noverview,yes\n", encoding="utf-8")


def _html_page(path: Path) -> None:
    path.write_text("<!doctype html><html><body>Not found</body></html>", encoding="utf-8")


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2 + 100])


def _pages_scribbled_over(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(page, len(data), page):  # keep page 1 (the header), scribble over every b-tree page
        data[start + 8 : start + 200] = b"\xff" * 192
    path.write_bytes(bytes(data))


def _header_mangled(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[:16] = b"NOT A DATABASE!\x00"
    path.write_bytes(bytes(data))


def _newer_schema(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()


def _foreign_database(path: Path) -> None:
    path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")  # clashes with our own "notes"
    conn.execute("INSERT INTO notes(text) VALUES ('someone else''s data')")
    conn.commit()
    conn.close()


DAMAGE = {
    "random bytes": _random_bytes,
    "a CSV text file": _text_file,
    "an HTML page": _html_page,
    "truncated half way": _truncated,
    "b-tree pages scribbled over": _pages_scribbled_over,
    "header magic mangled": _header_mangled,
    "made by a newer version": _newer_schema,
    "another program's database": _foreign_database,
}


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_a_damaged_file_is_moved_aside_intact_and_a_fresh_store_works(tmp_path: Path, damage: str) -> None:
    path = make_store(tmp_path)
    DAMAGE[damage](path)
    damaged_bytes = path.read_bytes()

    store = ProgressStore(tmp_path)
    assert store.recovered_from is not None
    assert store.recovered_from.parent == tmp_path
    assert store.recovered_from.name.startswith("progress.corrupt-")
    assert store.recovered_from.read_bytes() == damaged_bytes  # the old file is kept exactly as it was
    assert not store.read_only and store.problem == ""
    assert store.completed_lessons() == set()
    store.set_completed("overview")
    store.close()
    assert integrity(path) == "ok"
    again = ProgressStore(tmp_path)
    assert again.recovered_from is None
    assert again.completed_lessons() == {"overview"}
    again.close()


def test_two_recoveries_in_the_same_second_keep_both_old_files(tmp_path: Path) -> None:
    kept = []
    for _ in range(2):
        (tmp_path / DB_NAME).write_bytes(b"garbage" * 100)
        store = ProgressStore(tmp_path)
        assert store.recovered_from is not None
        kept.append(store.recovered_from)
        store.close()
    assert kept[0] != kept[1]
    assert all(path.read_bytes() == b"garbage" * 100 for path in kept)


def test_an_empty_file_is_simply_a_new_store(tmp_path: Path) -> None:
    (tmp_path / DB_NAME).write_bytes(b"")
    store = ProgressStore(tmp_path)
    assert store.recovered_from is None
    store.set_completed("overview")
    assert store.completed_lessons() == {"overview"}
    store.close()


def test_a_garbage_wal_file_beside_a_good_store_loses_nothing(tmp_path: Path) -> None:
    path = make_store(tmp_path)
    Path(f"{path}-wal").write_bytes(random.Random(2).randbytes(8192))
    Path(f"{path}-shm").write_bytes(random.Random(3).randbytes(32768))
    store = ProgressStore(tmp_path)
    assert store.recovered_from is None
    assert store.completed_lessons() == {"lesson-0", "lesson-1", "lesson-2"}
    store.close()


def test_a_folder_where_the_file_should_be_is_reported_not_fatal(tmp_path: Path) -> None:
    (tmp_path / DB_NAME).mkdir()
    store = ProgressStore(tmp_path)
    assert store.read_only
    assert "cannot be saved" in store.problem
    store.set_completed("overview")  # kept in memory for this session
    assert store.completed_lessons() == {"overview"}
    store.close()


# ---------------------------------------------------------------------------------------------- migrations
V2_MIGRATION = "ALTER TABLE notes ADD COLUMN colour TEXT NOT NULL DEFAULT 'yellow'"


@pytest.fixture
def schema_v2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend the app has moved on to schema 2 (one new column), as a future release would."""
    monkeypatch.setattr(progress, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(progress._MIGRATIONS, SCHEMA_VERSION + 1, V2_MIGRATION)


def user_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def test_a_version_0_file_gets_every_table(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / DB_NAME)
    conn.execute("CREATE TABLE scratch (x)")  # a database at version 0 with nothing of ours in it
    conn.commit()
    conn.close()
    store = ProgressStore(tmp_path)
    assert store.recovered_from is None
    store.set_completed("overview")
    store.record_answer("overview", "q", True, 0)
    store.save_note("overview", "s", "n")
    store.close()
    assert user_version(tmp_path / DB_NAME) == SCHEMA_VERSION


def test_a_version_1_file_is_upgraded_keeping_its_data(tmp_path: Path, schema_v2: None) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(progress, "SCHEMA_VERSION", 1)  # written by the release before
        path = make_store(tmp_path)
    assert user_version(path) == 1
    store = ProgressStore(tmp_path)
    assert store.recovered_from is None
    assert store.completed_lessons() == {"lesson-0", "lesson-1", "lesson-2"}
    assert store.note("lesson-0", "intro") is not None
    store.close()
    assert user_version(path) == 2
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT colour FROM notes").fetchall() == [("yellow",)]
    conn.close()


def test_a_version_0_file_runs_every_migration_in_order(tmp_path: Path, schema_v2: None) -> None:
    store = ProgressStore(tmp_path)
    store.save_note("a", "b", "c")
    store.close()
    assert user_version(tmp_path / DB_NAME) == 2


def test_a_failing_migration_changes_nothing_in_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_store(tmp_path)
    monkeypatch.setattr(progress, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    # A data migration with a bug that only real data reveals: NULL into a NOT NULL column, after a first step.
    monkeypatch.setitem(
        progress._MIGRATIONS,
        SCHEMA_VERSION + 1,
        "ALTER TABLE notes ADD COLUMN x; INSERT INTO kv SELECT lesson_id, NULL FROM lesson_progress",
    )
    store = ProgressStore(tmp_path)
    store.close()
    kept = store.recovered_from
    assert kept is not None
    assert user_version(kept) == SCHEMA_VERSION  # the half-done migration was rolled back
    assert integrity(kept) == "ok"
    conn = sqlite3.connect(kept)
    assert conn.execute("SELECT count(*) FROM lesson_progress").fetchone()[0] == 3
    assert "x" not in [row[1] for row in conn.execute("PRAGMA table_info(notes)")]
    conn.close()


# ---------------------------------------------------------------------------------------------- full disk
def fill_disk(store: ProgressStore) -> None:
    """Cap the file at its current size, as a full disk would (SQLite's max_page_count)."""
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count = {pages}")


def test_a_full_disk_raises_store_unavailable_and_keeps_what_was_saved(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path)
    store.set_completed("overview")
    fill_disk(store)
    with pytest.raises(StoreUnavailable, match="disk is full"):
        for n in range(10_000):
            store.save_note("overview", f"section-{n}", "a long note " * 200)
    saved_notes = len(store.notes())
    # a two-statement action fails whole: no attempt without its review box
    with pytest.raises(StoreUnavailable):
        for n in range(10_000):
            store.record_answer("overview", f"q-{n}", False, "x" * 3000)
    conn = store._conn
    attempts = conn.execute("SELECT count(*) FROM quiz_attempts").fetchone()[0]
    boxes = conn.execute("SELECT count(*) FROM review_boxes").fetchone()[0]
    assert attempts == boxes
    assert store.completed_lessons() == {"overview"}
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # space comes back: saving works again, with nothing half-written in between
    conn.execute("PRAGMA max_page_count = 1073741823")
    store.save_note("overview", "after", "saved again")
    assert len(store.notes()) == saved_notes + 1
    store.close()


def test_a_store_that_takes_no_writes_at_start_up_still_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_store(tmp_path)
    connect = ProgressStore._connect

    def refusing(self: ProgressStore, path: Path) -> sqlite3.Connection:
        conn = connect(self, path)
        conn.execute("PRAGMA query_only = ON")  # every write fails, as on a full or locked-down disk
        return conn

    monkeypatch.setattr(ProgressStore, "_connect", refusing)
    store = ProgressStore(tmp_path)
    assert store.recovered_from is None
    assert "could not be saved" in store.problem
    assert store.completed_lessons() == {"lesson-0", "lesson-1", "lesson-2"}
    with pytest.raises(StoreUnavailable):
        store.set_completed("overview")
    store.close()


# ---------------------------------------------------------------------------------------------- read-only folder
@contextlib.contextmanager
def read_only_folder() -> Iterator[Path]:
    """A world-readable folder that the test cannot write to: chmod, and (as root, who ignores modes) a nobody
    effective user for the duration."""
    with tempfile.TemporaryDirectory(prefix="healthalloc-ro-") as temp:
        root = Path(temp)
        root.chmod(0o755)
        folder = root / "data"
        make_store(folder)
        for path in folder.rglob("*"):
            path.chmod(0o555 if path.is_dir() else 0o444)
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
        as_root = hasattr(os, "geteuid") and os.geteuid() == 0
        try:
            if as_root:
                os.setegid(65534)
                os.seteuid(65534)
            yield folder
        finally:
            if as_root:
                os.seteuid(0)
                os.setegid(0)
            folder.chmod(0o755)
            for path in folder.rglob("*"):
                path.chmod(0o755 if path.is_dir() else 0o644)


def test_a_read_only_folder_shows_saved_progress_and_says_nothing_will_be_kept() -> None:
    with read_only_folder() as folder:
        saved = (folder / DB_NAME).read_bytes()
        store = ProgressStore(folder)
        try:
            assert store.read_only
            assert "cannot be saved" in store.problem and str(folder) in store.problem
            assert store.completed_lessons() == {"lesson-0", "lesson-1", "lesson-2"}
            store.set_completed("overview")  # no exception: kept for this session only
            assert "overview" in store.completed_lessons()
            assert store.backup_if_due() is None
            with pytest.raises(StoreUnavailable):
                store.restore_backup(folder / "backups" / "anything.sqlite3")
        finally:
            store.close()
        assert (folder / DB_NAME).read_bytes() == saved
        assert sorted(p.name for p in folder.iterdir()) == ["backups", DB_NAME]


def test_a_data_folder_that_cannot_be_created_is_reported() -> None:
    with read_only_folder() as folder:
        store = ProgressStore(folder / "inner" / "deeper")
        try:
            assert store.read_only
            assert "cannot be created" in store.problem
            store.record_answer("overview", "q", True, 1)
            assert store.completed_lessons() == set()
        finally:
            store.close()
