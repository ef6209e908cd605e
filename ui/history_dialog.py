"""Edit › History: every edit the workbook records (when, who, what), newest first; for the one
selected, each field it changed, old value to new. An edit made in this session can be gone
back to: every later edit of the session is undone, one undo step each, so Redo brings them
back."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from opcc_desktop.store.history import edit_details, recent_edits
from ui.context import AppContext

EDIT = Qt.ItemDataRole.UserRole


class HistoryDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("History")
        self.context = context
        self.edits = _table(["When", "Who", "What"], "Edits, newest first")
        self.details = _table(["Table", "Row", "Field", "Before", "After"], "What the edit changed")
        self.more = QLabel()
        self.back = QPushButton("&Go back to just after this edit")
        self.back.setToolTip("Undo every later edit made in this session (Redo brings them back)")
        self.back.clicked.connect(self.go_back)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.back, QDialogButtonBox.ButtonRole.ActionRole)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.edits)
        lower = QWidget()
        below = QVBoxLayout(lower)
        below.setContentsMargins(0, 0, 0, 0)
        below.addWidget(self.details, 1)
        below.addWidget(self.more)
        splitter.addWidget(lower)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        layout.addWidget(buttons)
        self.edits.currentCellChanged.connect(lambda *_: self._show_details())
        self.resize(900, 640)
        self.refresh()

    def refresh(self) -> None:
        entries = recent_edits(self.context.wb)
        self.edits.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            for column, text in enumerate((_local(entry.at), entry.user, entry.description)):
                item = QTableWidgetItem(text)
                item.setData(EDIT, entry.id)
                self.edits.setItem(row, column, item)
        self.edits.resizeColumnsToContents()
        self.edits.horizontalHeader().setStretchLastSection(True)
        if entries:
            self.edits.setCurrentCell(0, 0)
        self._show_details()

    def selected(self) -> int | None:
        item = self.edits.item(self.edits.currentRow(), 0)
        return None if item is None else int(item.data(EDIT))

    def _show_details(self) -> None:
        edit_id = self.selected()
        changes, total = edit_details(self.context.wb, edit_id) if edit_id is not None else ([], 0)
        self.details.setRowCount(len(changes))
        for row, change in enumerate(changes):
            for column, text in enumerate((change.table, change.row, change.field, change.old, change.new)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.details.setItem(row, column, item)
        header = self.details.horizontalHeader()
        for column in range(3):
            self.details.resizeColumnToContents(column)
        for column in (3, 4):  # before and after share the rest, side by side
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.more.setText(f"… and {total - len(changes):,} more changes" if total > len(changes) else "")
        self.back.setEnabled(self._session_index(edit_id) is not None)

    def _session_index(self, edit_id: int | None) -> int | None:
        """Where the edit sits on this session's undo stack, when it is done and not the last."""
        stack = self.context.undo_stack
        for index in range(stack.index() - 1):
            if getattr(stack.command(index), "edit_id", None) == edit_id:
                return index
        return None

    def go_back(self) -> None:
        index = self._session_index(self.selected())
        if index is not None:
            self.context.undo_stack.setIndex(index + 1)
            self.refresh()


def _table(headers: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setAccessibleName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _local(at: str) -> str:
    """An edit's time in the machine's time zone, as people read it."""
    try:
        return dt.datetime.fromisoformat(at).astimezone().strftime("%d %b %Y %H:%M:%S")
    except ValueError:
        return at
