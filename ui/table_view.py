"""A table view with spreadsheet habits: Ctrl+C copies the selection as tab-separated text,
Ctrl+V pastes a block from Excel starting at the current cell, as one edit."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from ui.clipboard import GuardedClipboard, parse_tsv, selection_as_tsv
from ui.table_model import Call, RowsModel


class DataTable(QTableView):
    """``private`` tables (workforce) have what they copy cleared from the clipboard later."""

    def __init__(self, model: RowsModel, name: str, clipboard: GuardedClipboard | None = None,
                 private: bool = False, sortable: bool = False, parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.rows_model = model
        self.clipboard = clipboard
        self.private = private
        self.proxy: QSortFilterProxyModel | None = None
        if sortable:
            self.proxy = QSortFilterProxyModel(self)
            self.proxy.setSourceModel(model)
            self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
            self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            self.proxy.setFilterKeyColumn(-1)
            self.setModel(self.proxy)
            self.setSortingEnabled(True)
        else:
            self.setModel(model)
        self.setAccessibleName(name)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)  # fmt: skip
        self.setTabKeyNavigation(False)  # Tab moves between controls; arrows move between cells
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setStretchLastSection(True)
        self.verticalHeader().setDefaultSectionSize(24)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)

    def source_index(self, index):  # type: ignore[no-untyped-def]
        return self.proxy.mapToSource(index) if self.proxy is not None else index

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt's name
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy()
        elif event.matches(QKeySequence.StandardKey.Paste):
            self.paste(QGuiApplication.clipboard().text())
        else:
            super().keyPressEvent(event)

    def copy(self) -> None:
        text = selection_as_tsv(self)
        if not text:
            return
        if self.clipboard is not None:
            self.clipboard.copy(text, self.private)
        else:
            QGuiApplication.clipboard().setText(text)

    def paste(self, text: str) -> bool:
        """Paste a block at the current cell as one edit; False if nothing could be pasted."""
        grid = parse_tsv(text)
        start = self.currentIndex()
        if not grid or not start.isValid() or self.rows_model.context is None:
            return False
        calls = self._calls(grid, start.row(), start.column())
        if not calls:
            return False
        cells = sum(len(row) for row in grid)
        return self.rows_model.context.do_many(f"Paste {cells} cell{'s' if cells != 1 else ''}", calls) is not None

    def _calls(self, grid: list[list[str]], top: int, left: int) -> list[Call]:
        model = self.model()
        calls = []
        for r, values in enumerate(grid):
            for c, value in enumerate(values):
                index = model.index(top + r, left + c)
                if not index.isValid():
                    continue
                call = self.rows_model.call_for(self.source_index(index), value)
                if call is not None:
                    calls.append(call)
        return calls
