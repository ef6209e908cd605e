"""Backups follow the workbook: kept by an id inside the file, so moving or renaming it keeps
them listed; two workbooks (a copy, a restored backup, a new file where an old one was) never
share a folder; the path-keyed folders of files saved before ids are adopted, not orphaned."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PASSPHRASE
from test_workbook_file import raw_connection

from opcc_desktop.areas import services
from opcc_desktop.errors import WorkbookError
from opcc_desktop.store import backups, schema
from opcc_desktop.store.workbook import Workbook
from ui.cli import main

ENV = {"OPCC_PASSPHRASE": PASSPHRASE}


def run(*args: object, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)


def edited(path: Path, name: str = "Edited") -> Path:
    """One editing session of ``path`` (so one automatic backup)."""
    with Workbook.open(path, PASSPHRASE) as wb:
        services.add_service(wb, {"name": name})
    return path


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "office" / "office.opcc"
    path.parent.mkdir()
    Workbook.create(path, PASSPHRASE).close()
    return edited(path)


def id_of(path: Path) -> str:
    with Workbook.open(path, PASSPHRASE, readonly=True) as wb:
        assert wb.id is not None
        return wb.id


def test_the_id_is_in_a_table_of_its_own(book: Path) -> None:
    assert "workbook_id" not in schema.DATA_TABLES
    assert len(id_of(book)) == 32
    assert backups.list_backups(book)[0].path.parent == backups.id_folder(id_of(book))


def test_moving_a_workbook_keeps_its_backups_listed(book: Path, tmp_path: Path) -> None:
    made = backups.list_backups(book)
    assert len(made) == 1
    moved = tmp_path / "elsewhere" / "renamed.opcc"
    moved.parent.mkdir()
    book.rename(moved)
    assert backups.list_backups(moved) == made  # found without the passphrase
    listing = run("backup", moved, "--list")  # no passphrase given
    assert listing.exit_code == 0, listing.output
    assert "auto" in listing.output and backups.id_folder(id_of(moved)).name in listing.output
    edited(moved, "Edited after the move")
    assert len(backups.list_backups(moved)) == 2
    assert backups.read_record(backups.id_folder(id_of(moved)))["path"] == str(moved.resolve())
    restored = tmp_path / "restored.opcc"
    assert run("restore", moved, "--backup", "2", "-o", restored, env=ENV).exit_code == 0
    with Workbook.open(restored, PASSPHRASE, readonly=True) as wb:
        assert [s["name"] for s in services.services(wb)] == ["Edited"]


def test_a_deleted_workbook_still_lists_its_backups_where_it_was(book: Path, tmp_path: Path) -> None:
    made = backups.list_backups(book)
    book.unlink()
    assert backups.list_backups(book) == made
    assert run("restore", book, "--backup", "1", "-o", tmp_path / "back.opcc", env=ENV).exit_code == 0


def test_two_workbooks_never_share_a_folder(book: Path, tmp_path: Path) -> None:
    other = tmp_path / "other" / "office.opcc"  # the same name in another folder
    other.parent.mkdir()
    Workbook.create(other, PASSPHRASE).close()
    edited(other)
    # A new workbook where the first one was, after it moved away.
    book.rename(tmp_path / "moved.opcc")
    Workbook.create(book, PASSPHRASE).close()
    edited(book)
    folders = {backups.list_backups(p)[0].path.parent for p in (tmp_path / "moved.opcc", other, book)}
    assert len(folders) == 3
    assert all(len(backups.list_backups(p)) == 1 for p in (tmp_path / "moved.opcc", other, book))


def test_a_copy_of_a_workbook_gets_an_id_and_backups_of_its_own(book: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.opcc"
    shutil.copyfile(book, copy)  # same id, same salt
    assert id_of(copy) == id_of(book)
    edited(copy, "Only in the copy")
    assert id_of(copy) != id_of(book)
    assert len(backups.list_backups(book)) == 1 and len(backups.list_backups(copy)) == 1
    assert backups.list_backups(book)[0].path.parent != backups.list_backups(copy)[0].path.parent
    edited(book, "Only in the original")  # the original keeps its id and folder
    assert len(backups.list_backups(book)) == 2


def test_a_backup_copy_is_listed_with_the_passphrase_until_opened(book: Path, tmp_path: Path) -> None:
    """A copy made by ``backup -o`` carries the id (it is a backup) under a fresh salt, so no
    record names it: listing reads the id, with the passphrase. Opened for editing while the
    original is where it was, it becomes a workbook of its own."""
    copy = tmp_path / "copy.opcc"
    assert run("backup", book, "-o", copy, env=ENV).exit_code == 0
    refused = run("backup", copy, "--list")
    assert refused.exit_code == 1 and "No passphrase given" in refused.output
    listing = run("backup", copy, "--list", env=ENV)
    assert listing.exit_code == 0 and backups.id_folder(id_of(book)).name in listing.output
    edited(copy, "Only in the copy")
    assert id_of(copy) != id_of(book)


def test_a_restored_backup_is_a_workbook_of_its_own(book: Path, tmp_path: Path) -> None:
    restored = tmp_path / "restored.opcc"
    assert run("restore", book, "--backup", "1", "-o", restored, env=ENV).exit_code == 0
    assert id_of(restored) != id_of(book)
    with Workbook.open(backups.list_backups(book)[0].path, PASSPHRASE, readonly=True) as backup:
        assert backup.id == id_of(book)  # the backup itself is left as it was
    edited(restored)
    assert len(backups.list_backups(restored)) == 1 and len(backups.list_backups(book)) == 1


def make_pre_id_file(path: Path) -> None:
    """Turn ``path`` into a file as version 2 saved it: no id, no index, version 2."""
    conn = raw_connection(path)
    conn.execute("DROP TABLE workbook_id")
    conn.execute("DROP INDEX edits_reverts")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'add_workbook_id'")
    conn.execute("PRAGMA user_version = 2")
    conn.close()


def test_the_backups_of_a_file_saved_before_ids_are_adopted(tmp_path: Path) -> None:
    path = tmp_path / "old.opcc"
    Workbook.create(path, PASSPHRASE).close()
    make_pre_id_file(path)
    with Workbook.open(path, PASSPHRASE, readonly=True) as wb:  # as version 2 made them
        assert wb.id is None and wb.backup_folder == backups.path_folder(path)
        old = [wb.backup_rotating("auto"), wb.backup_rotating("manual")]
    assert backups.list_backups(path) == backups.backups_in(backups.path_folder(path))
    before = sorted(p.name for p in old)
    with Workbook.open(path, PASSPHRASE) as wb:  # upgraded, after a backup (by its path)...
        assert wb.scalar("PRAGMA user_version") == schema.SCHEMA_VERSION and wb.id is not None
        folder = wb.backup_folder
    assert not backups.path_folder(path).exists()  # ...then every one adopted
    names = sorted(p.name for p in folder.glob("*.opcc"))
    assert [n for n in names if "before-upgrade-from-v2" not in n] == before and len(names) == 3
    moved = tmp_path / "moved.opcc"
    path.rename(moved)
    assert len(backups.list_backups(moved)) == 3


def test_a_failed_upgrade_leaves_its_backup_where_the_path_finds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.opcc"
    Workbook.create(path, PASSPHRASE).close()
    make_pre_id_file(path)
    monkeypatch.setattr("opcc_desktop.store.workbook.migrate", lambda db: db.execute("INSERT INTO nowhere VALUES (1)"))
    with pytest.raises(WorkbookError, match="could not be upgraded"):
        Workbook.open(path, PASSPHRASE)
    (made,) = backups.list_backups(path, "before-upgrade-from-v2")
    assert made.path.parent == backups.path_folder(path)
