"""The passphrase dialog: says clearly what went wrong and leaves the file untouched."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from opcc_desktop.errors import WorkbookError, WrongPassphrase
from opcc_desktop.store.workbook import Workbook


class UnlockDialog(QDialog):
    """Asks for the passphrase until it opens the workbook or the user cancels."""

    def __init__(self, path: Path, parent: QWidget | None = None, reason: str = "") -> None:
        super().__init__(parent)
        self.path = path
        self.workbook: Workbook | None = None
        self.passphrase = ""
        self.setWindowTitle("Unlock workbook")
        intro = QLabel(reason or f"Enter the passphrase for <b>{path.name}</b>.")
        intro.setWordWrap(True)
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setAccessibleName("Passphrase")
        caption = QLabel("&Passphrase:")
        caption.setBuddy(self.secret)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #801650;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.try_open)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (intro, caption, self.secret, self.error, buttons):
            layout.addWidget(widget)
        self.setMinimumWidth(420)

    def try_open(self) -> None:
        try:
            self.workbook = Workbook.open(self.path, self.secret.text())
        except WrongPassphrase:
            self.error.setText("That passphrase is not right for this workbook. Check Caps Lock and try "
                               "again; the file has not been changed.")  # fmt: skip
            self.secret.selectAll()
            self.secret.setFocus()
            return
        except WorkbookError as exc:
            self.error.setText(str(exc))
            return
        self.passphrase = self.secret.text()
        self.secret.clear()
        self.accept()
