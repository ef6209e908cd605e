"""What every part of the window shares: the open workbook, the undo stack, and one place
where core actions run and their failures are reported (widgets never run SQL)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QUndoStack

from opcc_desktop.errors import OpccError
from opcc_desktop.store.changes import Changes
from opcc_desktop.store.workbook import Workbook
from ui.undo import EditCommand


class AppContext(QObject):
    """Passed to every tab explicitly; there is no global window to reach for."""

    changed = Signal(frozenset)  # the tables an edit, undo or redo touched
    edited = Signal(object)  # the same edit's Changes, row by row, sent just before ``changed``
    failed = Signal(str)  # a message for the user: an action was refused, nothing changed
    opened = Signal()
    closing = Signal()  # the workbook is about to close (lock, close, quit): drop its data

    def __init__(self, settings: QSettings | None = None) -> None:
        super().__init__()
        self.settings = settings or QSettings()
        self.undo_stack = QUndoStack(self)
        self._wb: Workbook | None = None
        self.passphrase: str | None = None  # held while open, for the export's private copy

    @property
    def wb(self) -> Workbook:
        if self._wb is None:
            raise OpccError("No workbook is open (it may be locked).")
        return self._wb

    @property
    def is_open(self) -> bool:
        return self._wb is not None

    @property
    def path(self) -> Path | None:
        return self._wb.path if self._wb is not None else None

    def attach(self, wb: Workbook, passphrase: str) -> None:
        self._wb, self.passphrase = wb, passphrase
        self.opened.emit()

    def detach(self) -> None:
        """Close the workbook; the undo history goes with it (it names edits of that file)."""
        if self._wb is None:
            return
        self.closing.emit()
        self.undo_stack.clear()
        self._wb.close()
        self._wb, self.passphrase = None, None

    def do(self, action: Callable[..., Changes], *args: Any, **kwargs: Any) -> Changes | None:
        """Run one core action on the workbook. A change goes on the undo stack and is
        announced; a refusal is reported once, here, and None returned."""
        try:
            return self.attempt(action, *args, **kwargs)
        except OpccError as exc:
            self.failed.emit(str(exc))
            return None

    def attempt(self, action: Callable[..., Changes], *args: Any, **kwargs: Any) -> Changes:
        """As :meth:`do`, except that a refusal is raised, for a dialog to show in place."""
        changes = action(self.wb, *args, **kwargs)
        if changes:
            self.undo_stack.push(EditCommand(changes, lambda: self.wb, self._announce, self._report))
            self._announce(changes)
        return changes

    def do_many(self, description: str, calls: list[tuple[Callable[..., Changes], tuple[Any, ...]]]) -> Changes | None:
        """Several core actions as one edit (a pasted block): all or nothing, one undo step."""

        def batch(wb: Workbook) -> Changes:
            with wb.batch(description) as tx:
                for action, args in calls:
                    action(wb, *args)
            return tx.changes(description)

        return self.do(batch)

    def read(self, query: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a core read function on the workbook (None when it is closed)."""
        return query(self._wb, *args, **kwargs) if self._wb is not None else None

    def _announce(self, changes: Changes) -> None:
        self.edited.emit(changes)
        self.changed.emit(changes.tables)

    def _report(self, exc: OpccError) -> None:
        self.failed.emit(str(exc))
