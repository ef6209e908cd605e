"""Trimming old history and giving the space back: only history older than ``audit.keep_days``
that a backup holds, never at a read-only or refused open, the data and every later edit's
undo left exact, the file still encrypted under its passphrase and sound after a kill."""

from __future__ import annotations

import datetime as dt
import hashlib
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PASSPHRASE, dump
from test_bulk_audit import staff
from test_workbook_file import ROOT, raw_connection

from opcc_desktop.areas import services, settings, workforce
from opcc_desktop.errors import ConflictError, NotFound, WrongPassphrase
from opcc_desktop.store import backups, compaction
from opcc_desktop.store.workbook import Workbook
from ui.cli import main

ENV = {"OPCC_PASSPHRASE": PASSPHRASE}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def backdate(wb: Workbook, days: float, last_edit: int) -> None:
    """Make edits up to ``last_edit`` look ``days`` old (raw SQL: the past cannot be edited)."""
    at = (dt.datetime.now(dt.UTC) - dt.timedelta(days=days)).isoformat(timespec="seconds")
    wb.conn.execute("UPDATE edits SET at = ? WHERE id <= ?", [at, last_edit])
    wb.conn.execute("UPDATE audit SET at = ? WHERE edit_id <= ?", [at, last_edit])


def edit_ids(wb: Workbook) -> list[int]:
    return [r[0] for r in wb.conn.execute("SELECT id FROM edits ORDER BY id")]


def import_and_undo(wb: Workbook, times: int, rows: int = 2000) -> int:
    """An import of ``rows`` staff undone ``times`` times (each undo keeps every row as JSON),
    then imported once more; the last edit's id."""
    snapshot = workforce.add_snapshot(wb, "2022-03-31").rows[0].key["id"]
    for _ in range(times):
        added = workforce.add_staff_rows(wb, snapshot, [staff(f"E{n}") for n in range(rows)])
        wb.revert(added.edit_id)
    return workforce.add_staff_rows(wb, snapshot, [staff(f"E{n}") for n in range(rows)]).edit_id


@pytest.fixture
def aged(workbook_path: Path) -> tuple[Path, int, dict]:
    """A workbook whose first edits (a big history) are 100 days old and backed up, with newer
    edits after them; (its path, the last old edit, its data)."""
    with Workbook.create(workbook_path, PASSPHRASE) as wb:
        old = import_and_undo(wb, 3)
        backdate(wb, 100, old)
        wb.backup_rotating("manual")
        services.add_service(wb, {"name": "Recent"})
        data = dump(wb)
    return workbook_path, old, data


# -- at open --------------------------------------------------------------------------------------


def test_opening_trims_backed_up_history_older_than_the_setting(aged) -> None:
    path, old, data = aged
    size = path.stat().st_size
    with Workbook.open(path, PASSPHRASE, auto_backup=False) as wb:
        assert edit_ids(wb)[0] == old + 1  # every edit up to the old ones' last is gone
        assert wb.scalar("SELECT count(*) FROM audit WHERE edit_id <= ?", [old]) == 0
        assert dump(wb) == data  # the data itself untouched
        assert wb.rows("PRAGMA foreign_key_check") == [] and wb.integrity_problems() == []
        with pytest.raises(NotFound, match=f"Edit number {old} can no longer be undone: its history was trimmed"):
            wb.revert(old)
        with pytest.raises(NotFound, match="There is no edit number 999"):
            wb.revert(999)
        wb.revert(edit_ids(wb)[-1])  # later edits still undo
        assert wb.scalar("SELECT count(*) FROM services") == 0
    assert path.stat().st_size < size / 2  # a quarter or more free: rewritten smaller at once
    with Workbook.open(path, PASSPHRASE, readonly=True) as wb:
        assert wb.integrity_problems() == []


def test_history_no_backup_holds_is_kept(workbook_path: Path) -> None:
    with Workbook.create(workbook_path, PASSPHRASE) as wb:
        services.add_service(wb, {"name": "Old"})
        backdate(wb, 100, edit_ids(wb)[-1])
    with Workbook.open(workbook_path, PASSPHRASE, auto_backup=False) as wb:
        assert len(edit_ids(wb)) == 1  # 100 days old, but in no backup
        settings.set_setting(wb, "audit.keep_days", 0)
    with Workbook.open(workbook_path, PASSPHRASE, auto_backup=False) as wb:
        assert len(edit_ids(wb)) == 2
        backdate(wb, 0.001, edit_ids(wb)[-1])  # a minute and a half before the backup
        wb.backup_rotating("manual")
        after = services.add_service(wb, {"name": "After the backup"}).edit_id
    with Workbook.open(workbook_path, PASSPHRASE, auto_backup=False) as wb:
        assert edit_ids(wb) == [after]  # only what the backup does not hold


def test_history_younger_than_the_setting_is_kept(aged) -> None:
    path, old, _ = aged
    with Workbook.open(path, PASSPHRASE, compact=False) as wb:
        settings.set_setting(wb, "audit.keep_days", 200)
    with Workbook.open(path, PASSPHRASE, auto_backup=False) as wb:
        assert edit_ids(wb)[0] == 1


def test_a_read_only_or_refused_open_trims_nothing(aged) -> None:
    path, old, _ = aged
    before = sha(path)
    with Workbook.open(path, PASSPHRASE, readonly=True) as wb:
        assert edit_ids(wb)[0] == 1
    with pytest.raises(WrongPassphrase):
        Workbook.open(path, "not the passphrase")
    assert sha(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_nothing_due_costs_one_look_up_and_writes_nothing(workbook_path: Path) -> None:
    with Workbook.create(workbook_path, PASSPHRASE) as wb:
        services.add_service(wb, {"name": "Recent"})
        wb.backup_rotating("manual")
    before = sha(workbook_path)
    with Workbook.open(workbook_path, PASSPHRASE, auto_backup=False) as wb:
        assert not compaction.due(wb.conn, compaction.KEEP_DAYS, dt.datetime.now(dt.UTC))
        assert not compaction.worth_vacuuming(wb.conn)
    assert sha(workbook_path) == before


def test_an_edit_that_undid_a_trimmed_one_can_still_be_redone(workbook_path: Path) -> None:
    with Workbook.create(workbook_path, PASSPHRASE) as wb:
        made = services.add_service(wb, {"name": "Made long ago"})
        backdate(wb, 100, made.edit_id)
        wb.backup_rotating("manual")
        undo = wb.revert(made.edit_id)  # recent: kept, though what it reverted goes
    with Workbook.open(workbook_path, PASSPHRASE, auto_backup=False) as wb:
        assert edit_ids(wb) == [undo.edit_id]
        assert wb.scalar("SELECT reverts FROM edits") is None  # its link to the trimmed edit
        assert wb.rows("PRAGMA foreign_key_check") == []
        wb.revert(undo.edit_id)
        assert [s["name"] for s in services.services(wb)] == ["Made long ago"]


def test_a_runs_undo_still_judges_later_edits_after_a_trim(workbook_path: Path) -> None:
    with Workbook.create(workbook_path, PASSPHRASE) as wb:
        services.add_service(wb, {"name": "Old"})
        backdate(wb, 100, edit_ids(wb)[-1])
        wb.backup_rotating("manual")
        snapshot = workforce.add_snapshot(wb, "2022-03-31").rows[0].key["id"]
        run = workforce.add_staff_rows(wb, snapshot, [staff(f"E{n}") for n in range(600)])
        person = wb.scalar("SELECT min(id) FROM staff")
        changed = workforce.edit_staff(wb, person, {"role_grade": "SO2"})
    with Workbook.open(workbook_path, PASSPHRASE, auto_backup=False) as wb:
        assert edit_ids(wb)[0] > 1
        with pytest.raises(ConflictError, match="changed since"):
            wb.revert(run.edit_id)
        wb.revert(changed.edit_id)
        wb.revert(run.edit_id)
        assert wb.scalar("SELECT count(*) FROM staff") == 0


# -- the compact command --------------------------------------------------------------------------


def test_compact_backs_up_trims_and_shrinks_the_file(workbook_path: Path) -> None:
    with Workbook.create(workbook_path, PASSPHRASE) as wb:
        import_and_undo(wb, 4)
        data = dump(wb)
        salt = wb.scalar("PRAGMA cipher_salt")
    size = workbook_path.stat().st_size
    result = CliRunner().invoke(main, ["compact", str(workbook_path), "--keep-days", "0"], env=ENV,
                                catch_exceptions=False)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Trimmed the history of 10 edits (" in result.output and " MB to " in result.output
    assert workbook_path.stat().st_size < size / 3
    (made,) = backups.list_backups(workbook_path, "before-compact")  # the history is there
    with Workbook.open(made.path, PASSPHRASE, readonly=True) as copy:
        assert copy.scalar("SELECT count(*) FROM edits") == 10
    # Still our encrypted file, under the same passphrase and salt, sound page by page.
    assert workbook_path.read_bytes()[:16].hex() == salt
    conn = raw_connection(workbook_path)
    assert conn.execute("PRAGMA cipher_integrity_check").fetchall() == []
    conn.close()
    with pytest.raises(WrongPassphrase):
        Workbook.open(workbook_path, "not the passphrase")
    with Workbook.open(workbook_path, PASSPHRASE, readonly=True) as wb:
        assert dump(wb) == data
        assert wb.scalar("SELECT count(*) FROM edits") == 0 and wb.integrity_problems() == []
    again = CliRunner().invoke(main, ["compact", str(workbook_path)], env=ENV, catch_exceptions=False)
    assert "No history of office.opcc was old enough and backed up to trim" in again.output


def test_the_keep_days_setting_is_a_setting(wb: Workbook) -> None:
    assert settings.settings(wb)["audit.keep_days"] == "90"
    settings.set_setting(wb, "audit.keep_days", 30)
    assert compaction.keep_days(wb.conn) == 30


COMPACT = """
    import sys
    from opcc_desktop.store.workbook import Workbook
    with Workbook.open(sys.argv[1], sys.argv[2], auto_backup=False, compact=False) as wb:
        print("open", flush=True)
        wb.compact(0)
    print("done", flush=True)
"""


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.15, 0.3])
def test_a_compaction_killed_part_way_leaves_a_sound_workbook(workbook_path: Path, delay: float) -> None:
    with Workbook.create(workbook_path, PASSPHRASE) as wb:
        import_and_undo(wb, 3)
        data = dump(wb)
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(COMPACT), str(workbook_path), PASSPHRASE],
                             stdout=subprocess.PIPE, text=True, cwd=ROOT)  # fmt: skip
    assert child.stdout is not None and child.stdout.readline().strip() == "open"
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    child.wait()
    with Workbook.open(workbook_path, PASSPHRASE, auto_backup=False, compact=False) as wb:
        assert wb.integrity_problems() == []
        assert dump(wb) == data
        assert wb.scalar("SELECT count(*) FROM edits") in (0, 8)  # all trimmed, or none
