"""The window's document export builds from a snapshot of the workbook kept in a private
folder under the user data folder (never $TMPDIR), removed when the export ends, and removed
at the next start of a window if the window that made it was killed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QSettings

from ui.app import Session
from ui.export_job import SNAPSHOTS, ExportJob, remove_left_snapshots

ROOT = Path(__file__).resolve().parent.parent
HOLDER = """
import sys, time
from ui.export_job import claim_snapshot_folder
folder, lock = claim_snapshot_folder()
(folder / "snapshot.opcc").write_bytes(b"a workbook")
print(folder, flush=True)
time.sleep(120)
"""


def job(demo, out: Path) -> ExportJob:
    return ExportJob(demo.wb, demo.passphrase or "", "annual-equality", "2021/22", None, out, "html")


def test_the_snapshot_is_private_under_the_user_data_folder_and_removed_after(
    demo, qtbot, tmp_path, private_data_dir, empty_tmpdir
):
    made = job(demo, tmp_path / "annual.html")
    assert made.copy.parent.parent == private_data_dir / SNAPSHOTS and made.copy.is_file()
    if os.name == "posix":
        assert made.folder.stat().st_mode & 0o777 == 0o700
        assert made.folder.parent.stat().st_mode & 0o777 == 0o700
    with qtbot.waitSignal(made.finished, timeout=60_000):
        made.start()
    made.thread.join()
    assert (tmp_path / "annual.html").is_file()
    assert list((private_data_dir / SNAPSHOTS).iterdir()) == []  # the folder and its lock
    assert list(empty_tmpdir.iterdir()) == []


def test_a_failed_export_removes_its_snapshot(demo, qtbot, tmp_path, private_data_dir):
    (tmp_path / "a file").write_text("not a folder")
    made = job(demo, tmp_path / "a file" / "annual.html")
    with qtbot.waitSignal(made.failed, timeout=60_000):
        made.start()
    made.thread.join()
    assert list((private_data_dir / SNAPSHOTS).iterdir()) == []


def hold_a_snapshot() -> tuple[subprocess.Popen[str], Path]:
    """Another window's export in progress: a process holding a snapshot folder."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    return holder, Path(holder.stdout.readline().strip())  # type: ignore[union-attr]


def test_leftovers_of_a_killed_window_go_and_running_windows_keep_theirs(private_data_dir):
    killed, left = hold_a_snapshot()
    running, in_use = hold_a_snapshot()
    try:
        killed.kill()
        killed.wait()
        assert left.is_dir() and in_use.is_dir()
        assert remove_left_snapshots() == 1
        assert not left.exists() and (in_use / "snapshot.opcc").is_file()
    finally:
        running.kill()
        running.wait()
    assert remove_left_snapshots() == 1
    assert list((private_data_dir / SNAPSHOTS).iterdir()) == []


def test_a_window_starting_removes_leftovers(qtbot, tmp_path):
    killed, left = hold_a_snapshot()
    killed.kill()
    killed.wait()
    session = Session(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(session.window)
    assert not left.exists()
