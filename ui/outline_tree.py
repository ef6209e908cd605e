"""The Reports tab's outline: a document's sections in order, the officers' own and the parts
worked out from the figures, with the text slots nested in those parts beneath them.

Dragging a section asks for a move (``moved``) instead of moving the item: the core makes the
edit (one undoable step) and the tab redraws the outline from the workbook, so the list never
shows an order the file does not hold. Only whole sections are dragged; a nested slot stays
inside its part.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem

from opcc_desktop.areas.outline import Part, slot_title

KEY = Qt.ItemDataRole.UserRole


class OutlineTree(QTreeWidget):
    moved = Signal(str, int)  # a section's key and the position it was dropped at (0 is first)

    def __init__(self) -> None:
        super().__init__()
        self.setHeaderHidden(True)
        self.setAccessibleName("Sections")
        self.setToolTip("The document's sections in order: drag one to move it (or Alt+Up, Alt+Down)")
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setRootIsDecorated(False)
        self.setIndentation(18)

    def show_outline(self, parts: Sequence[Part], nested: Mapping[str, Sequence[str]],
                     written: Mapping[str, str], keep: str | None) -> None:  # fmt: skip
        """Redraw from ``parts``; ``nested`` names each part's text slots; ``written`` is the
        text by section; the section ``keep`` stays current."""
        self.blockSignals(True)
        self.clear()
        for part in parts:
            item = QTreeWidgetItem([_label(part.title, part.key, written, part.generated)])
            item.setData(0, KEY, part.key)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsDropEnabled)
            for slot in nested.get(part.key, ()):
                child = QTreeWidgetItem([_label(slot_title(slot), slot, written, False)])
                child.setData(0, KEY, slot)
                child.setFlags(child.flags() & ~(Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled))
                item.addChild(child)
            self.addTopLevelItem(item)
        self.expandAll()
        self.blockSignals(False)
        self.select(keep)

    def select(self, key: str | None) -> None:
        found = [item for item in self._items() if item.data(0, KEY) == key]
        self.setCurrentItem(found[0] if found else self.topLevelItem(0))

    def current_key(self) -> str | None:
        item = self.currentItem()
        return None if item is None else item.data(0, KEY)

    def current_section(self) -> str | None:
        """The key of the outline section holding the current item (a slot's part)."""
        item = self.currentItem()
        while item is not None and item.parent() is not None:
            item = item.parent()
        return None if item is None else item.data(0, KEY)

    def keys(self) -> list[str]:
        return [self.topLevelItem(i).data(0, KEY) for i in range(self.topLevelItemCount())]

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        """Ask for the move; the tree itself is redrawn from the workbook afterwards."""
        key = self.current_section()
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        if key is None:
            return
        to = self.drop_position(event.position().toPoint())
        now = self.keys().index(key)
        to = to - 1 if to > now else to  # the section leaves its place before it lands
        if to != now:
            self.moved.emit(key, to)

    def drop_position(self, point: QPoint) -> int:
        """Where a section dropped at ``point`` goes: before the section under the point when in
        its top half, else after it (and after its nested slots); at the end below the last."""
        item = self.itemAt(point)
        if item is None:
            return self.topLevelItemCount()
        top = item.parent() or item
        index = self.indexOfTopLevelItem(top)
        rect = self.visualItemRect(item)
        upper = item is top and point.y() < rect.center().y()
        return index if upper else index + 1

    def _items(self) -> list[QTreeWidgetItem]:
        found = []
        for i in range(self.topLevelItemCount()):
            top = self.topLevelItem(i)
            found.append(top)
            found.extend(top.child(c) for c in range(top.childCount()))
        return found


def _label(title: str, key: str, written: Mapping[str, str], generated: bool) -> str:
    if generated:
        return f"{title}  (figures{' + text' if written.get(key) else ''})"
    return title if written.get(key) else f"{title}  (empty)"
