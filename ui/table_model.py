"""A thin table model over rows the core returned; edits go back through a core action.

The model holds plain dicts. For an edited cell it asks the tab's ``edit`` function which
core action to run (a :data:`Call`), and runs it through the context; it never writes to the
rows itself: the tab reloads what changed when the context announces it. Pasting a block
asks for one call per cell and runs them all as one edit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ui.context import AppContext

Index = QModelIndex | QPersistentModelIndex
Row = dict[str, Any]
Call = tuple[Callable[..., Any], tuple[Any, ...]]  # a core action and its arguments after the workbook
EditFn = Callable[[Row, str, Any], Call | None]  # (row, column key, new value) -> the action, if any


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    editable: bool = False
    numeric: bool = False
    format: Callable[[Any], str] | None = None  # display text; default str(), blank for None
    tooltip: str = ""


def display(column: Column, value: Any) -> str:
    if column.format is not None:
        return column.format(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.1f}" if not value.is_integer() else f"{int(value):,}"
    if isinstance(value, int) and column.numeric:
        return f"{value:,}"
    return str(value)


class RowsModel(QAbstractTableModel):
    """Rows (dicts) shown as a table; ``edit`` says which core action an edited cell runs."""

    def __init__(self, columns: Sequence[Column], context: AppContext | None = None,
                 edit: EditFn | None = None) -> None:  # fmt: skip
        super().__init__()
        self.columns = list(columns)
        self.rows: list[Row] = []
        self.context = context
        self.edit = edit

    def load(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def clear(self) -> None:
        self.load([])

    # -- Qt's model interface ---------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's names
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        column = self.columns[index.column()]
        value = self.rows[index.row()].get(column.key)
        if role == Qt.ItemDataRole.DisplayRole:
            return display(column, value)
        if role == Qt.ItemDataRole.EditRole:
            return "" if value is None else value
        if role == Qt.ItemDataRole.UserRole:  # the raw value, for sorting
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip:
            return column.tooltip
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            return self.columns[section].title
        if orientation == Qt.Orientation.Vertical:
            return section + 1
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.edit is not None and self.columns[index.column()].editable:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        call = self.call_for(index, value) if role == Qt.ItemDataRole.EditRole else None
        if call is None or self.context is None:
            return False
        return self.context.do(call[0], *call[1]) is not None

    def call_for(self, index: Index, value: Any) -> Call | None:
        """The core action that would put ``value`` in the cell, or None if it is read-only."""
        if not index.isValid() or self.edit is None or not self.columns[index.column()].editable:
            return None
        return self.edit(self.rows[index.row()], self.columns[index.column()].key, value)

    def key_of(self, index: Index) -> str:
        return self.columns[index.column()].key
