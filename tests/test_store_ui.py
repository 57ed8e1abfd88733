"""What the student sees when saving goes wrong, and File ▸ Restore from backup…"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QInputDialog, QLabel, QMessageBox

from healthalloc.core.progress import DB_NAME, ProgressStore
from healthalloc.ui.application import tell_about_store
from healthalloc.ui.lesson_page import LessonPage
from healthalloc.ui.main_window import MainWindow


class Dialogs:
    """Stands in for the modal boxes (they would block the test) and records what they said."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, choose: int | None = 0) -> None:
        self.shown: list[tuple[str, str, str]] = []
        self.choose = choose
        for kind in ("information", "warning", "critical"):
            monkeypatch.setattr(QMessageBox, kind, self._box(kind))
        monkeypatch.setattr(QInputDialog, "getItem", self._get_item)

    def _box(self, kind: str) -> Any:
        def show(_parent: object, title: str, text: str, *_args: object) -> QMessageBox.StandardButton:
            self.shown.append((kind, title, text))
            return QMessageBox.StandardButton.Ok

        return show

    def _get_item(
        self, _parent: object, title: str, label: str, items: list[str], *_args: object
    ) -> tuple[str, bool]:
        self.shown.append(("choose", title, "\n".join(items)))
        if self.choose is None:
            return "", False
        return items[self.choose], True


def menu_action(window: MainWindow, text: str) -> Any:
    return next(a for a in window.file_menu.actions() if a.text().replace("&", "") == text)


def test_a_full_disk_is_reported_in_the_status_bar_not_raised(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    store = window.ctx.store
    store._conn.execute("PRAGMA max_page_count = 1")  # SQLite caps the file at its current size: a full disk
    errors: list[str] = []
    window.ctx.store_error.connect(errors.append)
    for size in (2000, 200, 20, 1):  # fill every free corner of the file through the app's own save path
        for n in range(2000):
            if not window.ctx.save(lambda n=n, size=size: store.save_note("fill", f"{size}-{n}", "x" * size)):
                break
    assert errors and all("disk is full" in message for message in errors)
    window.open_page("policy")
    page = window.stack.currentWidget()
    assert isinstance(page, LessonPage)
    window.statusBar().clearMessage()
    page.complete_box.click()  # the student's click: never an exception
    # A small change may still fit in a page with room to spare; if it did not fit, the student is told.
    saved = "policy" in store.completed_lessons()
    assert saved or "could not be saved" in window.statusBar().currentMessage()
    assert page.complete_box.isChecked() == saved  # the tick never claims what was not saved


def test_the_finished_tick_goes_back_when_it_cannot_be_saved(window: MainWindow, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from healthalloc.core.progress import StoreUnavailable

    window.open_page("policy")
    page = window.stack.currentWidget()
    assert isinstance(page, LessonPage) and not page.complete_box.isChecked()

    def refuse(*_args: object) -> None:
        raise StoreUnavailable("Your progress could not be saved: the disk is full.")

    monkeypatch.setattr(window.ctx.store, "set_completed", refuse)
    page.complete_box.click()
    assert not page.complete_box.isChecked()
    assert "could not be saved" in window.statusBar().currentMessage()
    assert "policy" not in window.ctx.store.completed_lessons()


def test_an_unusable_data_folder_is_shown_for_the_whole_session(window: MainWindow, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "blocked").write_text("a file, not a folder")
    store = ProgressStore(tmp_path / "blocked" / "data")
    tell_about_store(window, store)
    store.close()
    notice = window.statusBar().findChild(QLabel, "store-problem")
    assert notice is not None
    qtbot.waitUntil(notice.isVisible)
    assert "cannot be saved" in notice.toolTip()
    assert "cannot be saved" in window.statusBar().currentMessage()
    window.statusBar().showMessage("something else", 10)
    qtbot.wait(30)
    assert notice.isVisible()  # still there when other messages have come and gone


def test_a_recovered_store_says_where_the_old_file_is(
    window: MainWindow, qtbot, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    dialogs = Dialogs(monkeypatch)
    folder = tmp_path / "damaged"
    ProgressStore(folder).close()  # yesterday's session: leaves a backup
    (folder / DB_NAME).write_bytes(b"this is not a database" * 50)
    store = ProgressStore(folder)
    assert store.recovered_from is not None
    tell_about_store(window, store)
    store.close()
    qtbot.waitUntil(lambda: bool(dialogs.shown))
    kind, title, text = dialogs.shown[0]
    assert kind == "warning" and "damaged" in title
    assert str(store.recovered_from) in text
    assert "Restore from backup" in text


def test_restore_from_backup_goes_back_and_keeps_today(window: MainWindow, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    store = window.ctx.store
    store.set_completed("overview")
    yesterday = date.today() - timedelta(days=1)
    store.make_backup(yesterday)
    store.set_completed("policy")
    window._on_progress_changed("")
    dialogs = Dialogs(monkeypatch, choose=1)  # newest first: today's (empty) copy, then yesterday's
    menu_action(window, "Restore from backup…").trigger()
    kinds = [entry[0] for entry in dialogs.shown]
    assert kinds == ["choose", "information"]
    assert store.completed_lessons() == {"overview"}
    assert window._items["overview"].text(0).startswith("✓")
    assert not window._items["policy"].text(0).startswith("✓")
    assert window.progress.value() == 1
    aside = next(window.ctx.store.folder.glob("progress.before-restore-*.sqlite3"))
    assert str(aside) in dialogs.shown[-1][2]


def test_restore_from_backup_can_be_cancelled(window: MainWindow, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    store = window.ctx.store
    store.set_completed("policy")
    dialogs = Dialogs(monkeypatch, choose=None)
    window.restore_from_backup()
    assert [entry[0] for entry in dialogs.shown] == ["choose"]
    assert store.completed_lessons() == {"policy"}


def test_restore_with_no_backups_explains_where_they_will_be(window: MainWindow, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for backup in window.ctx.store.list_backups():
        backup.path.unlink()
    dialogs = Dialogs(monkeypatch)
    window.restore_from_backup()
    [(kind, title, text)] = dialogs.shown
    assert kind == "information" and "No backups" in title
    assert str(window.ctx.store.backup_folder) in text


def test_a_damaged_backup_is_refused_with_a_message(window: MainWindow, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    store = window.ctx.store
    store.set_completed("policy")
    [today] = store.list_backups()
    today.path.write_bytes(b"\x00garbage" * 100)
    dialogs = Dialogs(monkeypatch, choose=0)
    window.restore_from_backup()
    assert [entry[0] for entry in dialogs.shown] == ["choose", "warning"]
    assert "has not changed" in dialogs.shown[-1][2]
    assert store.completed_lessons() == {"policy"}
