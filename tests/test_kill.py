"""Progress survives a crash: a child process saving progress is killed with SIGKILL at random moments.

After every kill the store must open without being moved aside, pass ``PRAGMA integrity_check``, hold every
action the child had confirmed, and at most one more (the action in flight). Each multi-statement action must be
all there or not there at all, and every backup on disk must itself be a sound database.

Half the kills come at a random moment after the child starts (so some land while it opens the store, creates
the schema or writes the first backup); the other half come a random few milliseconds after it reports that it
is saving. ``KILL_SEED`` in the environment replays a run.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from healthalloc.core.progress import DB_NAME, ProgressStore

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX-only"),
]

WORKER = Path(__file__).resolve().parent / "helpers" / "store_worker.py"
KILLS = 120
MIN_KILLS = 100
TIME_BUDGET_S = 45.0


def read_counter(path: Path) -> int | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    return int(data) if len(data) == 12 else None


def wait_until_ready(counter: Path, proc: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while read_counter(counter) is None:
        if proc.poll() is not None:
            raise AssertionError(f"worker exited early: {proc.stderr.read().decode() if proc.stderr else ''}")
        if time.monotonic() > deadline:
            raise AssertionError("worker did not start in time")
        time.sleep(0.001)


def check_store(folder: Path, confirmed: int, in_flight: int) -> int:
    """Open the store as the app does and check it; return the number of actions it holds."""
    store = ProgressStore(folder)
    try:
        assert store.recovered_from is None, f"the store was moved aside as damaged: {store.recovered_from}"
        assert store.problem == ""
    finally:
        store.close()
    conn = sqlite3.connect(folder / DB_NAME)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        lessons = [int(r[0].split("-")[1]) for r in conn.execute("SELECT lesson_id FROM lesson_progress")]
        attempts = [int(r[0].split("-")[1]) for r in conn.execute("SELECT question_id FROM quiz_attempts")]
        boxes = {int(r[0].split("-")[1]) for r in conn.execute("SELECT question_id FROM review_boxes")}
        notes = [int(r[0].split("-")[1]) for r in conn.execute("SELECT section_slug FROM notes")]
        last = conn.execute("SELECT value FROM kv WHERE key = 'last_lesson'").fetchone()
    finally:
        conn.close()
    saved = sorted(lessons + attempts + notes)
    total = len(saved)
    # No gaps and no duplicates: actions 1..total, each in the table its number says.
    assert saved == list(range(1, total + 1))
    assert all(i % 3 == 0 for i in lessons) and all(i % 3 == 1 for i in attempts)
    assert all(i % 3 == 2 for i in notes)
    # Each action is one transaction: its second statement is there exactly when its first is.
    assert boxes == set(attempts)
    if lessons:
        assert last is not None and last[0] == f"lesson-{max(lessons)}"
    # Nothing confirmed is lost; at most the one action in flight is (or is not) there as well.
    assert confirmed <= total <= confirmed + in_flight, (confirmed, total)
    return total


def check_backups(folder: Path) -> int:
    backups = sorted((folder / "backups").glob("progress-*.sqlite3"))
    for path in backups:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", path
        finally:
            conn.close()
    return len(backups)


def test_sigkill_at_random_moments_loses_at_most_the_action_in_flight(tmp_path: Path) -> None:
    seed = int(os.environ.get("KILL_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    folder = tmp_path / "store"
    counter = tmp_path / "counter"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    total = 0
    kills = mid_save_kills = 0
    started = time.monotonic()
    while kills < KILLS and time.monotonic() - started < TIME_BUDGET_S:
        counter.unlink(missing_ok=True)
        proc = subprocess.Popen(
            [sys.executable, str(WORKER), str(folder), str(counter)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
        )
        try:
            if kills % 2:
                wait_until_ready(counter, proc)
                time.sleep(rng.uniform(0.0, 0.03))
            else:
                time.sleep(rng.uniform(0.0, 0.25))
            assert proc.poll() is None, f"worker stopped by itself (seed {seed}): {proc.stderr.read().decode()}"
            proc.send_signal(signal.SIGKILL)
        finally:
            proc.kill()
            proc.wait()
            assert proc.stderr is not None
            proc.stderr.close()
        kills += 1
        confirmed = read_counter(counter)
        before = total
        # No counter yet means the child was killed before its first action: nothing may have changed.
        total = check_store(folder, before if confirmed is None else confirmed, 0 if confirmed is None else 1)
        mid_save_kills += total > before
    elapsed = time.monotonic() - started
    backups = check_backups(folder)
    print(
        f"\nkill test: {kills} SIGKILLs survived in {elapsed:.1f} s (seed {seed}); {mid_save_kills} came after "
        f"the child had saved something; {total} actions saved in all; {backups} backup(s) checked"
    )
    assert kills >= MIN_KILLS, f"only {kills} kills in {TIME_BUDGET_S} s"
    assert mid_save_kills >= KILLS // 3
