"""The category lists of one service or scheme ("Categories…" on the Services and Divert /
Triage tabs): per characteristic, its categories in the order the documents print them, each
with the years it has counts in, moved (drag, or Alt+Up and Alt+Down), renamed (F2) and
merged into another, each one undoable edit through the core (Undo is at hand here too).

The list never moves itself: a drop asks the core for the move, and the list is redrawn from
the workbook. A refusal (a merge touching a published year, a name already in the list) is
shown in place, in red, and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QWidget,
)

from opcc_desktop.areas import categories
from opcc_desktop.areas.vocab import DIMENSION_LABELS
from opcc_desktop.errors import OpccError
from opcc_desktop.store.changes import Changes
from ui import asking
from ui.context import AppContext
from ui.tabs.widgets import column_layout, labelled, message_label, row_layout

NAME = Qt.ItemDataRole.UserRole
TABLES = frozenset({"services", "service_categories", "service_counts",  # redrawn when these change
                    "schemes", "scheme_categories", "scheme_counts"})
NOTE = ("Each category shows the years it has counts in; “published” marks a year with a published edition. "
        "A rename takes the figures already published with it. A merge, and for a service a rename to or from "
        "a name other services use, is refused when it touches a published year: comparing the editions would "
        "give a hidden count away. “Not disclosed” always prints last.")  # fmt: skip


class CategoryList(QListWidget):
    """The categories of one characteristic; a drop asks for a move (``moved``)."""

    moved = Signal(str, int)  # a category and the position it was dropped at (0 is first)

    def __init__(self) -> None:
        super().__init__()
        self.setAccessibleName("Categories")
        self.setToolTip("The categories in the order the documents print them: drag one to move it "
                        "(or Alt+Up, Alt+Down); F2 renames the one selected")  # fmt: skip
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)

    def show_categories(self, rows: Sequence[Mapping[str, Any]], keep: str | None) -> None:
        """Redraw from ``rows`` (the core's list); the category ``keep`` stays current."""
        self.blockSignals(True)
        self.clear()
        for row in rows:
            item = QListWidgetItem(_label(row))
            item.setData(NAME, row["category"])
            self.addItem(item)
        self.blockSignals(False)
        self.select(keep)

    def select(self, name: str | None) -> None:
        names = self.names()
        self.setCurrentRow(names.index(name) if name in names else min(0, self.count() - 1))

    def current_name(self) -> str | None:
        item = self.currentItem()
        return None if item is None else item.data(NAME)

    def names(self) -> list[str]:
        return [self.item(row).data(NAME) for row in range(self.count())]

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        """Ask for the move; the list itself is redrawn from the workbook afterwards."""
        name = self.current_name()
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        if name is None:
            return
        to, now = self.drop_position(event.position().toPoint()), self.names().index(name)
        to = to - 1 if to > now else to  # the category leaves its place before it lands
        if to != now:
            self.moved.emit(name, to)

    def drop_position(self, point: QPoint) -> int:
        """Before the category under ``point`` when in its top half, else after it; at the
        end below the last."""
        item = self.itemAt(point)
        if item is None:
            return self.count()
        return self.row(item) + (0 if point.y() < self.visualItemRect(item).center().y() else 1)


class CategoryDialog(QDialog):
    """The category lists of service (``area`` "services") or scheme ("schemes") ``owner_id``."""

    def __init__(self, context: AppContext, area: str, owner_id: int, owner: str,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.context, self.area, self.owner_id = context, area, owner_id
        self.setWindowTitle(f"Categories of {owner}")
        self.dimension = QComboBox()
        for dimension in categories.dimensions(area):
            self.dimension.addItem(DIMENSION_LABELS[dimension].capitalize(), dimension)
        self.list = CategoryList()
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Why the last change was refused")
        self.undo = context.undo_stack.createUndoAction(self, "&Undo")
        self.undo.setShortcut(QKeySequence.StandardKey.Undo)
        self._layout()
        self._connect()
        self.redraw()

    def _layout(self) -> None:
        note = message_label("About categories")
        note.setText(NOTE)
        undo = QToolButton()
        undo.setDefaultAction(self.undo)
        buttons = asking.button_row((
            ("Up", "Move the selected category up (Alt+Up)", lambda: self.step(-1)),
            ("Down", "Move the selected category down (Alt+Down)", lambda: self.step(1)),
            ("Re&name…", "Rename the selected category (F2)", self.rename),
            ("&Merge into…", "Add the selected category's counts into another and remove it", self.merge),
        ))
        buttons.addWidget(undo)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = column_layout(self, 10)
        layout.addLayout(row_layout(labelled("&Characteristic:", self.dimension), self.dimension, None))
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        layout.addWidget(note)
        layout.addWidget(close)
        self.resize(560, 560)

    def _connect(self) -> None:
        for keys, slot in (("Alt+Up", lambda: self.step(-1)), ("Alt+Down", lambda: self.step(1)), ("F2", self.rename)):
            shortcut = QShortcut(QKeySequence(keys), self.list)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        self.list.moved.connect(self.move)
        self.dimension.currentIndexChanged.connect(self._show_dimension)
        self.context.changed.connect(self._changed)
        self.context.failed.connect(self.error.setText)  # an undo that cannot apply, while this is open
        self.context.closing.connect(self.reject)  # the workbook locks or closes

    # -- reading ------------------------------------------------------------------------------------
    def redraw(self, keep: str | None = None) -> None:
        try:
            rows = self.context.read(categories.category_list, self.area, self.owner_id, self.dimension.currentData())
        except OpccError:  # the service or scheme is gone: an undo here took back its making
            self.reject()
            return
        self.list.show_categories(rows or [], keep if keep is not None else self.list.current_name())

    def _show_dimension(self) -> None:
        self.error.clear()
        self.redraw()

    def _changed(self, tables: frozenset[str]) -> None:
        if tables & TABLES and self.context.is_open:
            self.redraw()

    # -- actions ------------------------------------------------------------------------------------
    def step(self, step: int) -> None:
        name = self.list.current_name()
        if name is not None:
            self.move(name, self.list.names().index(name) + step)

    def move(self, name: str, to: int) -> None:
        if 0 <= to < self.list.count():
            self._run(categories.move_category, name, to, keep=name)

    def rename(self) -> None:
        name = self.list.current_name()
        new = None if name is None else self.ask_name(name)
        if name is not None and new is not None and new != name:
            self._run(categories.rename_category, name, new, keep=new)

    def merge(self) -> None:
        name = self.list.current_name()
        targets = [n for n in self.list.names() if n != name]
        target = self.ask_target(name, targets) if name is not None and targets else None
        if name is not None and target is not None:
            self._run(categories.merge_categories, name, target, keep=target)

    def _run(self, action: Callable[..., Changes], *args: Any, keep: str) -> None:
        """One core action on this list; a refusal is said here, in red, and nothing changes."""
        try:
            self.context.attempt(action, self.area, self.owner_id, self.dimension.currentData(), *args)
        except OpccError as exc:
            self.error.setText(str(exc))
            return
        self.error.clear()
        self.list.select(keep)

    # -- asking (tests answer these) ----------------------------------------------------------------
    def ask_name(self, current: str) -> str | None:
        return asking.ask_name(self, f"Rename the category '{current}'", current)

    def ask_target(self, name: str, targets: list[str]) -> str | None:
        target, ok = QInputDialog.getItem(self, "Merge into…", f"Add the counts of '{name}' into:", targets, 0, False)
        return target if ok else None


def open_categories(parent: QWidget, context: AppContext, area: str, owner_id: int, owner: str) -> CategoryDialog:
    """Open the category lists of a service or scheme over ``parent``, without blocking."""
    dialog = CategoryDialog(context, area, owner_id, owner, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def _label(row: Mapping[str, Any]) -> str:
    """"18-24  —  counts 2020/21, 2021/22 (published)": the years, published ones marked."""
    if not row["years"]:
        return f"{row['category']}  —  no counts"
    years = ", ".join(f"{y} (published)" if y in row["published"] else y for y in row["years"])
    return f"{row['category']}  —  counts {years}"
