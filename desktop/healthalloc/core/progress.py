"""The learner's progress, quiz attempts and notes, in SQLite.

One transaction per user action (``with self._tx():``), WAL journal, a schema version with migrations. A file that
is not a database or fails ``PRAGMA integrity_check`` is moved aside with a timestamp and a fresh store is created;
``ProgressStore.recovered_from`` then names the old file so the app can tell the student.

Backups: once a day the store copies itself with SQLite's backup API to ``folder/backups/progress-YYYYmmdd.sqlite3``
(the last seven days are kept); :meth:`ProgressStore.restore_backup` puts one back, moving the current file aside.
If the folder cannot be written (read-only, disk full) the store keeps working in memory or read-only and
``ProgressStore.problem`` says why nothing will be saved.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

DB_NAME = "progress.sqlite3"
SCHEMA_VERSION = 1
BACKUP_FOLDER = "backups"
BACKUPS_KEPT = 7
_BACKUP_NAME = re.compile(r"^progress-(\d{8})\.sqlite3$")
_STALE_TEMP_SECONDS = 3600.0
MAX_STORE_BYTES = 256 * 1024 * 1024  # a progress file is kilobytes; anything this big is not one

_MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE lesson_progress (
        lesson_id TEXT PRIMARY KEY,
        completed_at REAL,
        last_section TEXT NOT NULL DEFAULT '',
        scroll REAL NOT NULL DEFAULT 0,
        seconds_spent REAL NOT NULL DEFAULT 0,
        updated_at REAL NOT NULL
    );
    CREATE TABLE quiz_attempts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        lesson_id TEXT NOT NULL,
        question_id TEXT NOT NULL,
        correct INTEGER NOT NULL,
        answer TEXT NOT NULL DEFAULT '',
        answered_at REAL NOT NULL,
        session_id INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX quiz_attempts_question ON quiz_attempts(question_id);
    CREATE TABLE quiz_scores (
        lesson_id TEXT PRIMARY KEY,
        best REAL NOT NULL,
        latest REAL NOT NULL,
        attempts INTEGER NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE TABLE review_boxes (
        question_id TEXT PRIMARY KEY,
        lesson_id TEXT NOT NULL,
        box INTEGER NOT NULL,
        due_session INTEGER NOT NULL
    );
    CREATE TABLE notes (
        lesson_id TEXT NOT NULL,
        section_slug TEXT NOT NULL,
        body TEXT NOT NULL DEFAULT '',
        bookmarked INTEGER NOT NULL DEFAULT 0,
        updated_at REAL NOT NULL,
        PRIMARY KEY (lesson_id, section_slug)
    );
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at REAL NOT NULL
    );
    CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
}


class StoreUnavailable(Exception):
    """Progress cannot be saved (read-only folder, full disk...). The message is meant for the student."""


def _reason(error: BaseException) -> str:
    """Why a write failed, in plain words where the cause is known."""
    text = str(error).lower()
    if "full" in text or "no space" in text:
        return "the disk is full"
    if any(word in text for word in ("readonly", "read-only", "unable to open", "permission")):
        return "the data folder cannot be written to (it may be read-only)"
    if "locked" in text or "busy" in text:
        return "another copy of the app is using the progress file"
    return str(error)


def _cannot_save(error: BaseException) -> str:
    return f"Your progress could not be saved: {_reason(error)}."


def _backup_name(day: date) -> str:
    return f"progress-{day:%Y%m%d}.sqlite3"


def _read_database(path: Path, into: sqlite3.Connection) -> None:
    """Copy the progress file at ``path`` into ``into`` without writing beside it (the folder may be read-only).

    Raises ``ValueError`` saying why the file cannot be used: too big, damaged, not a progress file, or newer.
    """
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ValueError(f"{path.name} cannot be read ({error.strerror or error})") from None
    if not path.is_file() or size > MAX_STORE_BYTES:
        raise ValueError(f"{path.name} is not a progress file")
    uri = path.resolve().as_uri()
    problem = "it could not be opened"
    # mode=ro also reads a -wal file beside it but needs to open its -shm; immutable=1 opens anything readable.
    for options in ("?mode=ro", "?immutable=1"):
        source: sqlite3.Connection | None = None
        try:
            source = sqlite3.connect(uri + options, uri=True)
            row = source.execute("PRAGMA integrity_check").fetchone()
            if not row or row[0] != "ok":
                raise ValueError(f"{path.name} is damaged ({row[0] if row else 'no answer'})")
            version = int(source.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise ValueError(f"{path.name} was made by a newer version of the app")
            if version < 1:
                raise ValueError(f"{path.name} is not a healthalloc progress file")
            source.backup(into)
            return
        except sqlite3.Error as error:
            problem = str(error)
        finally:
            if source is not None:
                source.close()
    raise ValueError(f"{path.name} cannot be used: {problem}")


@dataclass(frozen=True)
class LessonState:
    lesson_id: str
    completed: bool
    last_section: str
    scroll: float
    seconds_spent: float


@dataclass(frozen=True)
class Note:
    lesson_id: str
    section_slug: str
    body: str
    bookmarked: bool
    updated_at: float


@dataclass(frozen=True)
class Backup:
    """One daily copy of the store in ``folder/backups``."""

    path: Path
    day: date
    made_at: float  # when the copy was written (seconds since the epoch)
    size: int

    def label(self) -> str:
        """``"Tuesday 4 March 2025, 14:02"`` for a list the student picks from (one backup per day, so unique)."""
        made = datetime.fromtimestamp(self.made_at)
        time_of_day = f", {made:%H:%M}" if made.date() == self.day else ""
        return f"{self.day:%A} {self.day.day} {self.day:%B %Y}{time_of_day}"


class ProgressStore:
    """The student's saved state. Create with a folder; the database file is ``folder/progress.sqlite3``."""

    def __init__(self, folder: Path, *, daily_backup: bool = True) -> None:
        """``daily_backup``: make today's backup now if it is due. The app passes False and calls
        :meth:`backup_if_due` once its window is on screen: the copy is not in the way of the first frame."""
        self.folder = Path(folder)
        self.path = self.folder / DB_NAME
        self.recovered_from: Path | None = None
        self.read_only = False
        self.problem = ""
        self._conn = self._open()
        self.session_id = self._start_session()
        if daily_backup:
            self.backup_if_due()

    # ------------------------------------------------------------------ opening and recovery
    def _open(self) -> sqlite3.Connection:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            return self._fallback(f"the data folder {self.folder} cannot be created ({error.strerror or error})")
        try:
            conn = self._connect(self.path)
            self._check(conn)
        except sqlite3.DatabaseError as error:
            with contextlib.suppress(NameError, sqlite3.Error):
                conn.close()
            if self._is_unwritable(error):
                return self._fallback(f"the data folder {self.folder} is not writable ({error})")
            self.recovered_from = self._move_aside()
            try:
                conn = self._connect(self.path)
                self._check(conn)
            except sqlite3.DatabaseError as second:
                return self._fallback(f"a fresh progress file could not be created ({second})")
        return conn

    @staticmethod
    def _is_unwritable(error: sqlite3.DatabaseError) -> bool:
        text = str(error).lower()
        return any(
            word in text for word in ("readonly", "read-only", "unable to open", "disk is full", "disk i/o")
        )

    def _connect(self, path: Path) -> sqlite3.Connection:
        conn = sqlite3.connect(path, isolation_level=None, timeout=5.0)
        # FULL: each commit reaches the disk before the call returns, so even a power cut loses at most the action
        # in flight (NORMAL in WAL mode may roll back the last few). Saves follow clicks, so the fsync is not felt.
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    def _check(self, conn: sqlite3.Connection) -> None:
        row = conn.execute("PRAGMA integrity_check").fetchone()
        if not row or row[0] != "ok":
            raise sqlite3.DatabaseError(f"integrity check failed: {row[0] if row else 'no answer'}")
        self._migrate(conn)
        # WAL only once the file is known good: a file that fails the checks is moved aside byte for byte.
        conn.execute("PRAGMA journal_mode=WAL")

    def _migrate(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise sqlite3.DatabaseError(f"made by a newer version of the app (schema {version})")
        for target in range(version + 1, SCHEMA_VERSION + 1):
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in _MIGRATIONS[target].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {target}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def _move_aside(self, label: str = "corrupt") -> Path:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.stem}.{label}-{stamp}{self.path.suffix}")
        n = 1
        while target.exists():
            target = self.path.with_name(f"{self.path.stem}.{label}-{stamp}-{n}{self.path.suffix}")
            n += 1
        self.path.replace(target)
        for suffix in ("-wal", "-shm"):
            side = self.path.with_name(self.path.name + suffix)
            if side.exists():
                with contextlib.suppress(OSError):
                    side.replace(target.with_name(target.name + suffix))
        return target

    def _fallback(self, problem: str) -> sqlite3.Connection:
        """Keep the app usable in memory (with what was saved before, if it can be read) and say why."""
        self.read_only = True
        self.problem = (
            f"Your progress cannot be saved: {problem}. You can keep learning, but nothing will be kept."
        )
        conn = sqlite3.connect(":memory:", isolation_level=None)
        if self.path.exists():
            try:
                _read_database(self.path, conn)  # what was saved before stays visible
                self._migrate(conn)
                return conn
            except (ValueError, sqlite3.Error):
                conn.close()
                conn = sqlite3.connect(":memory:", isolation_level=None)
        self._migrate(conn)
        return conn

    def _start_session(self) -> int:
        try:
            with self._tx() as conn:
                cursor = conn.execute("INSERT INTO sessions(started_at) VALUES (?)", (time.time(),))
                return int(cursor.lastrowid or 0)
        except StoreUnavailable as error:
            # The file reads but takes no writes (disk full, read-only folder): show the progress, say why.
            self.problem = self.problem or f"{error} You can keep learning, but nothing new will be kept."
            row = self._conn.execute("SELECT coalesce(max(id), 0) + 1 FROM sessions").fetchone()
            return int(row[0])

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One transaction: all of it is saved, or none of it."""
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except (sqlite3.OperationalError, sqlite3.ProgrammingError) as error:
            raise StoreUnavailable(_cannot_save(error)) from error
        try:
            yield self._conn
        except sqlite3.Error as error:
            self._rollback()
            if isinstance(error, (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError)):
                raise  # a mistake in the app's SQL, not in the disk: let it show
            raise StoreUnavailable(_cannot_save(error)) from error
        except BaseException:
            self._rollback()
            raise
        try:
            self._conn.execute("COMMIT")
        except sqlite3.Error as error:
            self._rollback()
            raise StoreUnavailable(_cannot_save(error)) from error

    def _rollback(self) -> None:
        # SQLite may already have rolled back by itself (a full disk does that): nothing left to undo is fine.
        with contextlib.suppress(sqlite3.Error):
            self._conn.execute("ROLLBACK")

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()

    # ------------------------------------------------------------------ backups
    @property
    def backup_folder(self) -> Path:
        return self.folder / BACKUP_FOLDER

    def backup_if_due(self, today: date | None = None) -> Path | None:
        """Make today's backup unless it exists. Never raises: a failed backup must not stop the app.

        Nothing either when the store could not be saved to, or when it was started afresh on opening because the
        file was damaged: an empty store is not worth pushing an older backup out for."""
        if self.read_only or self.recovered_from is not None:
            return None
        today = today or date.today()
        if (self.backup_folder / _backup_name(today)).exists():
            return None
        try:
            return self.make_backup(today)
        except StoreUnavailable:
            return None

    def make_backup(self, today: date | None = None) -> Path:
        """Copy the store to ``backups/progress-YYYYmmdd.sqlite3`` and keep the newest :data:`BACKUPS_KEPT`.

        SQLite's backup API gives a consistent copy of a database in use; the copy is written to a temporary file
        and renamed, so a crash never leaves half a backup under a backup's name. Raises :class:`StoreUnavailable`.
        """
        target = self.backup_folder / _backup_name(today or date.today())
        temp = target.with_name(f".{target.stem}.{os.getpid()}.tmp")
        try:
            self.backup_folder.mkdir(parents=True, exist_ok=True)
            copy = sqlite3.connect(temp, isolation_level=None)
            try:
                self._conn.backup(copy)
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            finally:
                copy.close()
            os.replace(temp, target)
        except (OSError, sqlite3.Error) as error:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise StoreUnavailable(f"The backup could not be made: {_reason(error)}.") from error
        self._prune_backups()
        return target

    def _prune_backups(self) -> None:
        for old in self.list_backups()[BACKUPS_KEPT:]:
            with contextlib.suppress(OSError):
                old.path.unlink()
        now = time.time()
        for temp in self.backup_folder.glob(".progress-*.tmp"):  # left by a crash in the middle of a backup
            with contextlib.suppress(OSError):
                if now - temp.stat().st_mtime > _STALE_TEMP_SECONDS:
                    temp.unlink()

    def list_backups(self) -> list[Backup]:
        """The daily backups on disk, newest first."""
        try:
            entries = list(self.backup_folder.iterdir())
        except OSError:
            return []
        found: list[Backup] = []
        for path in entries:
            match = _BACKUP_NAME.match(path.name)
            if not match:
                continue
            try:
                digits = match.group(1)  # YYYYmmdd; not strptime, whose import and patterns cost about 1 ms
                day = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
                stat = path.stat()
            except (ValueError, OSError):
                continue
            if path.is_file() and stat.st_size:
                found.append(Backup(path, day, stat.st_mtime, stat.st_size))
        return sorted(found, key=lambda backup: backup.day, reverse=True)

    def restore_backup(self, backup: Backup | Path) -> Path | None:
        """Replace the progress with a backup; the current file is first moved aside. Returns where it went.

        The backup is checked (integrity, schema) and copied before anything is moved, so a bad backup changes
        nothing. Raises ``ValueError`` for a file that is not a sound progress file and :class:`StoreUnavailable`
        if the data folder cannot be written.
        """
        source = backup.path if isinstance(backup, Backup) else Path(backup)
        if self.read_only:
            raise StoreUnavailable(
                self.problem or "Your progress cannot be saved, so a backup cannot be restored."
            )
        temp = self.path.with_name(f".{self.path.stem}.restore-{os.getpid()}.tmp")
        try:
            copy = sqlite3.connect(temp, isolation_level=None)
            try:
                _read_database(source, copy)
                copy.execute("PRAGMA journal_mode=DELETE")
            finally:
                copy.close()
        except (ValueError, OSError, sqlite3.Error) as error:
            with contextlib.suppress(OSError):
                temp.unlink()
            if isinstance(error, ValueError):
                raise
            raise StoreUnavailable(f"The backup could not be restored: {_reason(error)}.") from error
        self.close()  # the last connection closing folds the WAL back into the file before it moves
        try:
            aside = self._move_aside("before-restore") if self.path.exists() else None
            os.replace(temp, self.path)
        except OSError as error:
            with contextlib.suppress(OSError):
                temp.unlink()
            self._conn = self._open()
            raise StoreUnavailable(f"The backup could not be restored: {_reason(error)}.") from error
        self._conn = self._open()
        self.session_id = self._start_session()
        return aside

    # ------------------------------------------------------------------ lessons
    def lesson_state(self, lesson_id: str) -> LessonState:
        row = self._conn.execute(
            "SELECT completed_at, last_section, scroll, seconds_spent FROM lesson_progress WHERE lesson_id = ?",
            (lesson_id,),
        ).fetchone()
        if row is None:
            return LessonState(lesson_id, False, "", 0.0, 0.0)
        return LessonState(lesson_id, row[0] is not None, row[1], float(row[2]), float(row[3]))

    def completed_lessons(self) -> set[str]:
        rows = self._conn.execute("SELECT lesson_id FROM lesson_progress WHERE completed_at IS NOT NULL")
        return {row[0] for row in rows}

    def set_completed(self, lesson_id: str, completed: bool = True) -> None:
        now = time.time()
        with self._tx() as conn:
            self._ensure_lesson(conn, lesson_id, now)
            conn.execute(
                "UPDATE lesson_progress SET completed_at = ?, updated_at = ? WHERE lesson_id = ?",
                (now if completed else None, now, lesson_id),
            )

    def save_position(self, lesson_id: str, section_slug: str, scroll: float) -> None:
        now = time.time()
        scroll = min(max(float(scroll), 0.0), 1.0) if scroll == scroll else 0.0
        with self._tx() as conn:
            self._ensure_lesson(conn, lesson_id, now)
            conn.execute(
                "UPDATE lesson_progress SET last_section = ?, scroll = ?, updated_at = ? WHERE lesson_id = ?",
                (section_slug, scroll, now, lesson_id),
            )
            conn.execute("INSERT OR REPLACE INTO kv(key, value) VALUES ('last_lesson', ?)", (lesson_id,))

    def add_time(self, lesson_id: str, seconds: float) -> None:
        if not seconds > 0:
            return
        now = time.time()
        with self._tx() as conn:
            self._ensure_lesson(conn, lesson_id, now)
            conn.execute(
                "UPDATE lesson_progress SET seconds_spent = seconds_spent + ?, updated_at = ? WHERE lesson_id = ?",
                (min(seconds, 4 * 3600.0), now, lesson_id),
            )

    def last_lesson(self) -> str | None:
        row = self._conn.execute("SELECT value FROM kv WHERE key = 'last_lesson'").fetchone()
        return row[0] if row else None

    @staticmethod
    def _ensure_lesson(conn: sqlite3.Connection, lesson_id: str, now: float) -> None:
        conn.execute(
            "INSERT OR IGNORE INTO lesson_progress(lesson_id, updated_at) VALUES (?, ?)", (lesson_id, now)
        )

    # ------------------------------------------------------------------ key/value (small learner flags)
    def get_value(self, key: str, default: str = "") -> str:
        row = self._conn.execute("SELECT value FROM kv WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_value(self, key: str, value: str) -> None:
        with self._tx() as conn:
            conn.execute("INSERT OR REPLACE INTO kv(key, value) VALUES (?, ?)", (key, value))

    # ------------------------------------------------------------------ notes
    def note(self, lesson_id: str, section_slug: str) -> Note | None:
        row = self._conn.execute(
            "SELECT body, bookmarked, updated_at FROM notes WHERE lesson_id = ? AND section_slug = ?",
            (lesson_id, section_slug),
        ).fetchone()
        return Note(lesson_id, section_slug, row[0], bool(row[1]), row[2]) if row else None

    def save_note(self, lesson_id: str, section_slug: str, body: str, *, bookmarked: bool | None = None) -> None:
        now = time.time()
        with self._tx() as conn:
            current = conn.execute(
                "SELECT bookmarked FROM notes WHERE lesson_id = ? AND section_slug = ?", (lesson_id, section_slug)
            ).fetchone()
            mark = bool(current[0]) if (bookmarked is None and current) else bool(bookmarked)
            conn.execute(
                "INSERT OR REPLACE INTO notes(lesson_id, section_slug, body, bookmarked, updated_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (lesson_id, section_slug, body, int(mark), now),
            )

    def notes(self) -> list[Note]:
        rows = self._conn.execute(
            "SELECT lesson_id, section_slug, body, bookmarked, updated_at FROM notes "
            "WHERE body != '' OR bookmarked != 0 ORDER BY lesson_id, section_slug"
        )
        return [Note(r[0], r[1], r[2], bool(r[3]), r[4]) for r in rows]

    # ------------------------------------------------------------------ quizzes
    def record_answer(self, lesson_id: str, question_id: str, correct: bool, answer: object) -> None:
        """Store one answer and move the question between Leitner boxes, in one transaction."""
        import json  # imported here, not at start-up

        now = time.time()
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO quiz_attempts(lesson_id, question_id, correct, answer, answered_at, session_id) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (lesson_id, question_id, int(correct), json.dumps(answer, default=str), now, self.session_id),
            )
            row = conn.execute("SELECT box FROM review_boxes WHERE question_id = ?", (question_id,)).fetchone()
            if correct:
                if row is not None:
                    box = int(row[0]) + 1
                    if box > 3:
                        conn.execute("DELETE FROM review_boxes WHERE question_id = ?", (question_id,))
                    else:
                        conn.execute(
                            "UPDATE review_boxes SET box = ?, due_session = ? WHERE question_id = ?",
                            (box, self.session_id + 2 ** (box - 1), question_id),
                        )
            else:
                conn.execute(
                    "INSERT OR REPLACE INTO review_boxes(question_id, lesson_id, box, due_session) VALUES (?, ?, 1, ?)",
                    (question_id, lesson_id, self.session_id + 1),
                )

    def record_quiz_score(self, lesson_id: str, score: float) -> None:
        """A finished pass through a lesson's quiz: ``score`` is the fraction correct (0–1)."""
        now = time.time()
        score = min(max(float(score), 0.0), 1.0)
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO quiz_scores(lesson_id, best, latest, attempts, updated_at) VALUES (?, ?, ?, 1, ?) "
                "ON CONFLICT(lesson_id) DO UPDATE SET best = max(best, excluded.best), latest = excluded.latest, "
                "attempts = attempts + 1, updated_at = excluded.updated_at",
                (lesson_id, score, score, now),
            )

    def quiz_scores(self) -> dict[str, tuple[float, float, int]]:
        """``{lesson_id: (best, latest, attempts)}``."""
        rows = self._conn.execute("SELECT lesson_id, best, latest, attempts FROM quiz_scores")
        return {r[0]: (float(r[1]), float(r[2]), int(r[3])) for r in rows}

    def due_for_review(self, *, session_id: int | None = None) -> list[tuple[str, str]]:
        """Questions due in this session: ``[(lesson_id, question_id), ...]``, lowest box first."""
        current = self.session_id if session_id is None else session_id
        rows = self._conn.execute(
            "SELECT lesson_id, question_id FROM review_boxes WHERE due_session <= ? ORDER BY box, question_id",
            (current,),
        )
        return [(r[0], r[1]) for r in rows]

    def review_count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM review_boxes").fetchone()[0])
