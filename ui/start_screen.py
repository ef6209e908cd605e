"""The start screen: recent workbooks, a new one, or the demo (unless IT turned it off)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from opcc_desktop.store.policy import machine_policy

RECENT_KEY = "recent/files"
MAX_RECENT = 8
FILTER = "OPCC workbooks (*.opcc);;All files (*)"


def recent_files(settings: QSettings) -> list[Path]:
    stored = settings.value(RECENT_KEY, []) or []
    names = [stored] if isinstance(stored, str) else list(stored)
    return [Path(name) for name in names if name]


def remember(settings: QSettings, path: Path) -> None:
    names = [str(path.resolve())] + [str(p) for p in recent_files(settings) if p.resolve() != path.resolve()]
    settings.setValue(RECENT_KEY, names[:MAX_RECENT])


class StartScreen(QDialog):
    """``choice`` after exec(): ("open", path), ("new", path, passphrase) or ("demo",) where
    the machine policy offers the demo."""

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.choice: tuple = ()  # type: ignore[type-arg]
        self.setWindowTitle("OPCC Desktop")
        heading = QLabel("<h2>OPCC Desktop</h2>Equality and performance data in one encrypted workbook.")
        self.recent = QListWidget()
        self.recent.setAccessibleName("Recent workbooks")
        for path in recent_files(settings):
            item = QListWidgetItem(f"{path.name}    {path.parent}")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(str(path))
            self.recent.addItem(item)
        self.recent.itemActivated.connect(self._open_recent)
        recent_label = QLabel("&Recent workbooks:")
        recent_label.setBuddy(self.recent)
        buttons = QHBoxLayout()
        choices = [("&Open…", self._open_other), ("&New workbook…", self._new)]
        if machine_policy().offer_demo:  # IT may turn the demo off (offer_demo in the machine policy)
            choices.append(("Open &demo", self._demo))
        for text, slot in choices:
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(recent_label)
        layout.addWidget(self.recent, 1)
        layout.addLayout(buttons)
        if self.recent.count():
            self.recent.setCurrentRow(0)
        self.resize(560, 380)

    def _open_recent(self, item: QListWidgetItem) -> None:
        self.choice = ("open", Path(item.data(Qt.ItemDataRole.UserRole)))
        self.accept()

    def _open_other(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Open workbook", "", FILTER)
        if name:
            self.choice = ("open", Path(name))
            self.accept()

    def _new(self) -> None:
        dialog = NewWorkbookDialog(self)
        if dialog.exec():
            self.choice = ("new", dialog.path, dialog.passphrase)
            self.accept()

    def _demo(self) -> None:
        self.choice = ("demo",)
        self.accept()


class NewWorkbookDialog(QDialog):
    """Where to create the workbook and its passphrase, typed twice."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New workbook")
        self.path = Path()
        self.passphrase = ""
        self.file = QLineEdit()
        self.file.setAccessibleName("File")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.first = QLineEdit()
        self.second = QLineEdit()
        for box, name in ((self.first, "Passphrase"), (self.second, "Passphrase again")):
            box.setEchoMode(QLineEdit.EchoMode.Password)
            box.setAccessibleName(name)
        row = QHBoxLayout()
        row.addWidget(self.file, 1)
        row.addWidget(browse)
        form = QFormLayout(self)
        form.addRow("&File:", row)
        form.addRow("&Passphrase:", self.first)
        form.addRow("&Again:", self.second)
        create = QPushButton("Create")
        create.setDefault(True)
        create.clicked.connect(self._create)
        form.addRow(create)

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "New workbook", "office.opcc", FILTER)
        if name:
            self.file.setText(name if name.endswith(".opcc") else f"{name}.opcc")

    def _create(self) -> None:
        problem = ("Choose where to save the workbook." if not self.file.text().strip() else
                   "Type a passphrase (at least 8 characters)." if len(self.first.text()) < 8 else
                   "The two passphrases differ." if self.first.text() != self.second.text() else "")  # fmt: skip
        if problem:
            QMessageBox.warning(self, "New workbook", problem)
            return
        self.path, self.passphrase = Path(self.file.text().strip()), self.first.text()
        self.accept()
