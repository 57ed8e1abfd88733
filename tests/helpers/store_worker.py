"""Child process for ``tests/test_kill.py``: saves progress in a loop until it is killed.

Usage: ``python store_worker.py DATA_FOLDER COUNTER_FILE``

Action number ``i`` (counting on from what the store already holds) is one of three store calls, each one
transaction that adds exactly one row the parent can find again:

- ``i % 3 == 0``: ``save_position("lesson-i", ...)`` (a ``lesson_progress`` row, and ``last_lesson`` in ``kv``);
- ``i % 3 == 1``: ``record_answer("kill", "q-i", wrong)`` (a ``quiz_attempts`` row and a ``review_boxes`` row);
- ``i % 3 == 2``: ``save_note("kill", "s-i", ...)`` (a ``notes`` row).

Every 40 actions it also writes a backup, so some kills land in the middle of one. After each action returns, the
number of actions now in the store is written over the first 12 bytes of ``COUNTER_FILE`` (one ``pwrite``, which a
kill cannot split), so the parent knows which actions were confirmed saved before the kill.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "desktop"))

from healthalloc.core.progress import DB_NAME, ProgressStore

COUNT_SQL = (
    "SELECT (SELECT count(*) FROM lesson_progress) + (SELECT count(*) FROM quiz_attempts)"
    " + (SELECT count(*) FROM notes)"
)


def actions_saved(folder: Path) -> int:
    conn = sqlite3.connect(folder / DB_NAME)
    try:
        return int(conn.execute(COUNT_SQL).fetchone()[0])
    finally:
        conn.close()


def do_action(store: ProgressStore, i: int) -> None:
    if i % 3 == 0:
        store.save_position(f"lesson-{i}", f"section-{i}", 0.5)
    elif i % 3 == 1:
        store.record_answer("kill", f"q-{i}", False, {"choice": i})
    else:
        store.save_note("kill", f"s-{i}", f"note {i}", bookmarked=True)


def main() -> int:
    folder, counter = Path(sys.argv[1]), Path(sys.argv[2])
    store = ProgressStore(folder)
    if store.recovered_from is not None or store.problem:
        print(f"store not clean at start: {store.recovered_from} {store.problem}", file=sys.stderr)
        return 3
    done = actions_saved(folder)
    fd = os.open(counter, os.O_WRONLY | os.O_CREAT, 0o644)
    os.pwrite(fd, f"{done:012d}".encode(), 0)  # "ready": the parent polls for these 12 bytes
    while True:
        i = done + 1
        do_action(store, i)
        done = i
        os.pwrite(fd, f"{done:012d}".encode(), 0)
        if done % 40 == 0:
            store.make_backup()


if __name__ == "__main__":
    sys.exit(main())
