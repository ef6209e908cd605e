"""The only place a QApplication is created. The window itself is deliberately thin for now:
it opens a workbook and summarises each area; the editing tabs are built on top of it."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QMessageBox

from opcc_desktop.errors import WorkbookError, WrongPassphrase
from opcc_desktop.workbook import Workbook
from ui.main_window import MainWindow


def ask_passphrase(path: Path) -> str | None:
    text, ok = QInputDialog.getText(
        None, "Unlock workbook", f"Passphrase for {path.name}:", QLineEdit.EchoMode.Password
    )
    return text if ok else None


def open_workbook(path: Path, passphrase: str | None) -> Workbook | None:
    """Ask until the passphrase is right or the user cancels; other errors are shown once."""
    while True:
        secret = passphrase if passphrase is not None else ask_passphrase(path)
        if secret is None:
            return None
        try:
            return Workbook.open(path, secret)
        except WrongPassphrase as exc:
            QMessageBox.warning(None, "Wrong passphrase", str(exc))
            passphrase = None
        except WorkbookError as exc:
            QMessageBox.critical(None, "Cannot open workbook", str(exc))
            return None


def run(path: Path, passphrase: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("OPCC Desktop")
    app.setOrganizationName("OPCC")
    wb = open_workbook(path, passphrase)
    if wb is None:
        return 1
    window = MainWindow(wb)
    window.show()
    try:
        return app.exec()
    finally:
        wb.close()
