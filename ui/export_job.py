"""Exporting a document without freezing the window.

The open workbook is copied (SQLite's backup API: a consistent snapshot in milliseconds,
still encrypted) and the document is built from the copy on a worker thread, so the window
keeps painting and the copy is deleted afterwards whatever happens.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from opcc_desktop.errors import OpccError
from opcc_desktop.store.workbook import Workbook


class ExportJob(QObject):
    finished = Signal(str)  # the document written
    failed = Signal(str)

    def __init__(self, wb: Workbook, passphrase: str, report: str, year: str, quarter: int | None,
                 out: Path, fmt: str = "pdf") -> None:  # fmt: skip
        super().__init__()
        self.request = (report, year, quarter, out, fmt)
        self.passphrase = passphrase
        self.folder = Path(tempfile.mkdtemp(prefix="opcc-export-"))
        self.copy = wb.backup(self.folder / "snapshot.opcc")
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="export", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        from opcc_desktop.documents.export import export_report

        report, year, quarter, out, fmt = self.request
        try:
            with Workbook.open(self.copy, self.passphrase, readonly=True, auto_backup=False) as wb:
                made = export_report(wb, report, year, quarter, out, fmt)
        except (OpccError, OSError) as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # a bug: still tell the user, never leave them waiting
            self.failed.emit(f"The export failed unexpectedly ({type(exc).__name__}: {exc}).")
        else:
            self.finished.emit(str(made))
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
