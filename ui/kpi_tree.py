"""The KPIs tab's tree: strategic outcomes, their KPI groups and the groups' KPIs.

Dragging an item asks for a move (``moved``) instead of moving it: the core makes the edit
(one undoable step) and the tab redraws the tree from the workbook, so the tree never shows
an order the file does not hold. An item lands among the items of its own kind: dropped on
one, before it in the upper half of its row and after it in the lower; dropped on a parent
(a KPI on a group, a group on an outcome), last in it; dropped on a row nested deeper, after
the item of its kind holding that row.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QAbstractItemView, QTreeView

KEY = Qt.ItemDataRole.UserRole  # "outcome:1", "group:2" or "kpi:3" on each row's first column
LEVELS = ("outcome", "group", "kpi")
Index = QModelIndex | QPersistentModelIndex


def level(key: str) -> int:
    """0 for an outcome, 1 for a group, 2 for a KPI, -1 for anything else."""
    kind = key.partition(":")[0]
    return LEVELS.index(kind) if kind in LEVELS else -1


class StructureTree(QTreeView):
    moved = Signal(str, str, int)  # the item's key, its new parent's key ("" for an outcome), position (1 is first)

    def __init__(self) -> None:
        super().__init__()
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)

    def key(self, index: Index) -> str:
        """The key of the item on ``index``'s row ("" for none: the tree's root)."""
        return str(index.siblingAtColumn(0).data(KEY) or "") if index.isValid() else ""

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        """Ask for the move; the tree itself is redrawn from the workbook afterwards."""
        key = self.key(self.currentIndex())
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        target = self.drop_target(key, event.position().toPoint()) if key else None
        if target is not None:
            self.moved.emit(key, *target)

    def drop_target(self, key: str, point: QPoint) -> tuple[str, int] | None:
        """Where the item ``key`` dropped at ``point`` goes: its new parent's key and its
        position there (1 is first); None where it cannot go (a KPI dropped on an outcome)."""
        index = self.indexAt(point).siblingAtColumn(0)
        if not index.isValid():
            return None
        after = point.y() >= self.visualRect(index).center().y()
        while level(self.key(index)) > level(key):
            index, after = index.parent(), True
        if level(self.key(index)) == level(key) - 1:
            return self.key(index), self.position(key, index, self.model().rowCount(index))
        if level(self.key(index)) != level(key):
            return None
        return self.key(index.parent()), self.position(key, index.parent(), index.row() + after)

    def position(self, key: str, parent: Index, row: int) -> int:
        """The position (1 is first) the item ``key`` takes when put before the row ``row``
        of ``parent`` (the row count: after them all); it leaves its own place first."""
        keys = [self.key(self.model().index(r, 0, parent)) for r in range(self.model().rowCount(parent))]
        return row if key in keys and row > keys.index(key) else row + 1
