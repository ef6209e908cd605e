"""The pictures kept in the workbook for report text: add, rename, remove, and insert one into
the text being written as ``![what it shows](image:name)``.

Each change is one undoable edit made through the context; the dialog follows edits made
elsewhere (an undo) and drops every image when the workbook closes or locks.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, Signal
from PySide6.QtGui import (
    QIcon,
    QImageReader,
    QKeySequence,
    QPainter,
    QPixmap,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from opcc_desktop.areas.pictures import (
    ALT_HINT,
    NAME_RULE,
    PictureInfo,
    add_picture,
    file_size_text,
    picture_data,
    picture_markdown,
    picture_names,
    picture_slug,
    pictures,
    read_picture_file,
    remove_picture,
    rename_picture,
)
from opcc_desktop.errors import OpccError
from ui.context import AppContext
from ui.tabs.widgets import GAP, SPACING, heading_label, labelled, message_label

IMAGE_FILTER = "Pictures (*.png *.jpg *.jpeg)"
THUMBNAIL = 56  # pixels, the longer side of a picture in the list
PREVIEW = 240  # pixels, the longer side of the selected picture
COLUMNS = ("Picture", "Size in pixels", "File size")
ROLES = (("Figure", "figure"), ("Photo (beside the text)", "photo"), ("Signature", "signature"))
NAME_HINT = f"The name report text uses for it: {NAME_RULE}."
EMPTY = "No pictures yet. Add a PNG or JPEG file (up to 2 MB) to show it in report text."
LISTED = "Report text shows a picture with ![what it shows](image:name): select one and insert it into the text."


class PicturesDialog(QDialog):
    """The workbook's pictures. ``insert_requested`` carries the Markdown of the picture chosen
    for the text being written; the dialog closes once it has been sent."""

    insert_requested = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Pictures")
        self.setAccessibleName("Pictures")
        self._build()
        self.resize(760, 480)
        context.changed.connect(self._on_changed)
        context.failed.connect(self._say_failure)
        context.closing.connect(self._on_closing)
        self.refresh()

    # -- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        self.intro = message_label("About the pictures")
        self.table = self._make_table()
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setFixedSize(PREVIEW + 2 * SPACING, PREVIEW + 2 * SPACING)
        self.preview.setStyleSheet("QLabel { border: 1px solid palette(mid); background: palette(base); }")
        self.preview.setAccessibleName("Preview of the selected picture")
        self.caption = message_label("Selected picture")
        self.message = message_label("Message")
        self.add_button = self._button("&Add…", "Add a picture", self.add)
        self.rename_button = self._button("Re&name…", "Rename the selected picture", self.rename)
        self.remove_button = self._button("&Remove", "Remove the selected picture", self.remove)
        self.insert_button = self._button("&Insert into text…", "Insert the selected picture into the text",
                                          self.insert)  # fmt: skip
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():
            button.setAutoDefault(False)
        side = QVBoxLayout()
        side.setSpacing(SPACING)
        side.addWidget(self.preview)
        side.addWidget(self.caption)
        side.addSpacing(GAP)
        for button in (self.add_button, self.rename_button, self.remove_button, self.insert_button):
            side.addWidget(button)
        side.addStretch(1)
        body = QHBoxLayout()
        body.setSpacing(GAP)
        body.addWidget(self.table, 1)
        body.addLayout(side)
        layout = QVBoxLayout(self)
        layout.setSpacing(SPACING)
        layout.addWidget(self.intro)
        layout.addLayout(body, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        for key, action in ((QKeySequence.StandardKey.Delete, self.remove), (Qt.Key.Key_Return, self.insert),
                            (Qt.Key.Key_Enter, self.insert)):  # fmt: skip
            QShortcut(key, self.table, action, context=Qt.ShortcutContext.WidgetShortcut)
        undo = self.context.undo_stack.createUndoAction(self)  # the window's own is out of reach here
        undo.setShortcuts([QKeySequence.StandardKey.Undo])
        self.addAction(undo)

    def _make_table(self) -> QTableWidget:
        table = QTableWidget(0, len(COLUMNS))
        table.setHorizontalHeaderLabels(COLUMNS)
        table.setAccessibleName("Pictures in the workbook")
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setTabKeyNavigation(False)
        table.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(THUMBNAIL + 2 * SPACING)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        metrics = table.fontMetrics()
        for column, widest in ((1, "4000 x 4000"), (2, "1000 KB")):
            text = max(widest, COLUMNS[column], key=metrics.horizontalAdvance)
            table.setColumnWidth(column, metrics.horizontalAdvance(text) + 4 * SPACING)
        table.itemSelectionChanged.connect(self._selection_changed)
        table.doubleClicked.connect(self.insert)
        return table

    def _button(self, text: str, name: str, action: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(name)
        button.setAutoDefault(False)  # Enter in the list inserts the picture, never clicks a button
        button.clicked.connect(action)
        return button

    # -- showing --------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Reload the list from the workbook, keeping the picture selected (if still there)."""
        keep = self.selected()
        found: list[PictureInfo] = self.context.read(pictures) or []
        images = self.context.read(picture_data, [info.name for info in found]) or {}
        self.table.setRowCount(len(found))
        for row, info in enumerate(found):
            self._fill_row(row, info, images.get(info.name, b""))
        self.intro.setText(LISTED if found else EMPTY)
        names = [info.name for info in found]
        self.table.selectRow(names.index(keep) if keep in names else 0)
        self._selection_changed()

    def _fill_row(self, row: int, info: PictureInfo, data: bytes) -> None:
        picture = QTableWidgetItem(QIcon(_squared(_pixmap(data, THUMBNAIL), THUMBNAIL)), info.name)
        picture.setData(Qt.ItemDataRole.UserRole, info.name)
        picture.setData(Qt.ItemDataRole.AccessibleTextRole, f"{info.name}, a {info.kind} picture")
        pixels = QTableWidgetItem(f"{info.width} x {info.height}")
        size = QTableWidgetItem(file_size_text(info.byte_size))
        for column, item in enumerate((picture, pixels, size)):
            if column:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, column, item)

    def selected(self) -> str | None:
        """The name of the selected picture."""
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(Qt.ItemDataRole.UserRole) if rows else None

    def select(self, name: str) -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == name:
                self.table.selectRow(row)

    def _selection_changed(self) -> None:
        name = self.selected()
        for button in (self.rename_button, self.remove_button, self.insert_button):
            button.setEnabled(name is not None)
        self._show_preview(name)

    def _show_preview(self, name: str | None) -> None:
        data = (self.context.read(picture_data, [name]) or {}).get(name, b"") if name else b""
        self.preview.setPixmap(_pixmap(data, PREVIEW) if data else QPixmap())
        self.preview.setText("" if data else "No picture selected" if self.table.rowCount() else "No pictures yet")
        self.caption.setText(f"<b>{name}</b><br>shown in text as image:{name}" if name else "")

    def _on_changed(self, tables: frozenset[str]) -> None:
        if "assets" in tables:
            self.refresh()

    def _on_closing(self) -> None:
        """The workbook is closing or locking: nothing of it may stay on screen."""
        self.table.setRowCount(0)
        self._show_preview(None)
        self.reject()

    def _say(self, text: str) -> None:
        self.message.setText(text)

    def _say_failure(self, text: str) -> None:
        if self.isVisible():
            self._say(text)

    # -- actions --------------------------------------------------------------------------------
    def add(self) -> None:
        """Choose a file, name it (a name made from the file's suggested) and add it."""
        path = self.choose_file()
        if path is None:
            return
        try:
            data = read_picture_file(path)
        except (OSError, OpccError) as exc:
            self._say(f"Cannot read {path.name}: {getattr(exc, 'strerror', None) or exc}. Nothing was changed.")
            return
        name = self.ask_name("Add picture", picture_slug(path.stem), NAME_HINT)
        if name is None:
            return
        if name in (self.context.read(picture_names) or set()) and not self.confirm(
            "Replace the picture?", f"There is already a picture named {name}. Replace it with {path.name}?"
        ):
            return
        self._say("")
        if self.context.do(add_picture, name, data) is not None:
            self.select(name)
            self._say(f"Added {path.name} as the picture {name}. Undo (Ctrl+Z) takes it back.")

    def rename(self) -> None:
        old = self.selected()
        if old is None:
            return
        new = self.ask_name("Rename picture", old, f"{NAME_HINT} Text that shows it as image:{old} "
                            "must then be changed to the new name.")  # fmt: skip
        if new is None or new == old:
            return
        self._say("")
        if self.context.do(rename_picture, old, new) is not None:
            self.select(new)
            self._say(f"Renamed {old} to {new}: report text that shows image:{old} must now say image:{new}.")

    def remove(self) -> None:
        name = self.selected()
        if name is None or not self.confirm("Remove the picture?", f"Remove the picture {name}? Report text "
                                            "that shows it will show nothing there.\n\nUndo (Ctrl+Z) brings "
                                            "it back."):  # fmt: skip
            return
        self._say("")
        if self.context.do(remove_picture, name) is not None:
            self._say(f"Removed the picture {name}. Undo (Ctrl+Z) brings it back.")

    def insert(self) -> None:
        """Ask how the selected picture is shown, then send its Markdown and close."""
        name = self.selected()
        if name is None:
            return
        answer = self.ask_insert(name)
        if answer is None:
            return
        alt, role = answer
        try:
            markdown = picture_markdown(name, alt, role)
        except OpccError as exc:
            self._say(str(exc))
            return
        self.insert_requested.emit(markdown)
        self.accept()

    # -- questions (replaced in tests) ----------------------------------------------------------
    def choose_file(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self, "Add picture", "", IMAGE_FILTER)
        return Path(name) if name else None

    def ask_name(self, title: str, suggested: str, hint: str) -> str | None:
        name, ok = QInputDialog.getText(self, title, f"{hint}\n\nName:", QLineEdit.EchoMode.Normal, suggested)
        return name.strip() if ok else None

    def confirm(self, title: str, question: str) -> bool:
        return QMessageBox.question(self, title, question) == QMessageBox.StandardButton.Yes

    def ask_insert(self, name: str) -> tuple[str, str] | None:
        """The alt text and role for the picture ``name``, or None when cancelled."""
        dialog = InsertPictureDialog(name, self)
        return dialog.answer() if dialog.exec() == QDialog.DialogCode.Accepted else None


class InsertPictureDialog(QDialog):
    """The alt text (required: it is what a screen reader says instead of the picture) and how
    the picture sits in the text."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Insert {name}")
        self.alt = QLineEdit()
        self.alt.setPlaceholderText("e.g. Officers talking with residents at a community event")
        hint = QLabel(f"{ALT_HINT}.")
        hint.setWordWrap(True)
        self.alt.setAccessibleDescription(ALT_HINT)
        self.role = QComboBox()
        for text, role in ROLES:
            self.role.addItem(text, role)
        form = QFormLayout()
        form.addRow(labelled("&Alt text:", self.alt, "Alt text"), self.alt)
        form.addRow("", hint)
        form.addRow(labelled("&Shown as:", self.role, "Shown as"), self.role)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Insert")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        title = heading_label()
        title.setText(f"Insert the picture {name}")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.alt.textChanged.connect(self._alt_changed)
        self._alt_changed()
        self.resize(520, self.sizeHint().height())

    def _alt_changed(self) -> None:
        self.ok_button.setEnabled(bool(self.alt.text().strip()))

    def answer(self) -> tuple[str, str]:
        return self.alt.text().strip(), self.role.currentData()


def _squared(pixmap: QPixmap, side: int) -> QPixmap:
    """``pixmap`` centred on a clear square, so that the names beside thumbnails line up."""
    square = QPixmap(side, side)
    square.fill(Qt.GlobalColor.transparent)
    painter = QPainter(square)
    painter.drawPixmap((side - pixmap.width()) // 2, (side - pixmap.height()) // 2, pixmap)
    painter.end()
    return square


def _pixmap(data: bytes, side: int) -> QPixmap:
    """The image scaled to fit a square of ``side`` pixels, turned upright as its camera
    recorded; blank when Qt cannot read it."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    image = reader.read()
    if image.isNull():
        return QPixmap()
    fitted = image.scaled(side, side, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
    return QPixmap.fromImage(fitted if side < max(image.width(), image.height()) else image)
