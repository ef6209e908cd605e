"""Exporting a document without freezing the window.

The open workbook is copied (SQLite's backup API: a consistent snapshot in milliseconds,
still encrypted) and the document is built from the copy on a worker thread, so the window
keeps painting and the copy is deleted afterwards whatever happens.

The copy is a whole workbook, so it is kept where the workbook's backups are: in a private
folder (0700) under the user data folder, never in $TMPDIR. Each snapshot's folder is marked
in use by a lock file its window holds (a QLockFile: it records the owner's process, and Qt
checks that process is still running, on Windows as on POSIX), so a window that was killed
mid-export leaves a folder that the next window to start removes, while the snapshots of
other running windows are left alone.
"""

from __future__ import annotations

import shutil
import threading
import uuid
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal

from opcc_desktop.documents.release import FINAL, Release
from opcc_desktop.errors import OpccError
from opcc_desktop.store.backups import private_folder
from opcc_desktop.store.paths import user_data_dir
from opcc_desktop.store.workbook import Workbook

SNAPSHOTS = "export-snapshots"  # the folder, under the user data folder


class ExportJob(QObject):
    finished = Signal(str)  # the document written
    failed = Signal(str)

    def __init__(self, wb: Workbook, passphrase: str, report: str, year: str, quarter: int | None,
                 out: Path, fmt: str = "pdf", *, release: Release = FINAL, tables: bool = False) -> None:  # fmt: skip
        super().__init__()
        self.request = (report, year, quarter, out, fmt)
        self.release, self.tables = release, tables
        self.passphrase = passphrase
        self.folder, self.lock = claim_snapshot_folder()
        try:
            self.copy = wb.backup(self.folder / "snapshot.opcc")
        except BaseException:
            release_snapshot_folder(self.folder, self.lock)
            raise
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="export", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        from opcc_desktop.documents.export import export_report

        report, year, quarter, out, fmt = self.request
        try:
            with Workbook.open(self.copy, self.passphrase, readonly=True, auto_backup=False) as wb:
                made = export_report(wb, report, year, quarter, out, fmt, release=self.release, tables=self.tables)
        except (OpccError, OSError) as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # a bug: still tell the user, never leave them waiting
            self.failed.emit(f"The export failed unexpectedly ({type(exc).__name__}: {exc}).")
        else:
            self.finished.emit(str(made))
        finally:
            release_snapshot_folder(self.folder, self.lock)


def claim_snapshot_folder() -> tuple[Path, QLockFile]:
    """A new private folder for one snapshot, and the held lock that marks it in use. The lock
    is taken before the folder exists, so no other window ever sees the folder unclaimed."""
    root = private_folder(user_data_dir() / SNAPSHOTS)
    name = uuid.uuid4().hex
    lock = _lock(root, name)
    if not lock.tryLock(0):
        raise OSError(f"Could not mark a snapshot folder in use in {root} ({lock.error().name}).")
    return private_folder(root / name), lock


def release_snapshot_folder(folder: Path, lock: QLockFile) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    lock.unlock()  # removes the lock file


def remove_left_snapshots() -> int:
    """Remove the snapshot folders no running window holds (left by a window that was killed
    mid-export); returns how many. Run when a window starts."""
    root = user_data_dir() / SNAPSHOTS
    if not root.is_dir():
        return 0
    removed = 0
    for name in sorted({entry.name.removesuffix(".lock") for entry in root.iterdir()}):
        lock = _lock(root, name)
        if lock.tryLock(0):  # its owner is gone (Qt removes a lock whose process has ended)
            removed += (root / name).is_dir()
            shutil.rmtree(root / name, ignore_errors=True)
            lock.unlock()
    return removed


def _lock(root: Path, name: str) -> QLockFile:
    lock = QLockFile(str(root / f"{name}.lock"))
    lock.setStaleLockTime(0)  # stale only when its process has ended, however long an export takes
    return lock
