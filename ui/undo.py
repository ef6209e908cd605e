"""Undo and redo: the Qt stack only drives the core, which reverts an edit as a new edit."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from opcc_desktop.errors import OpccError
from opcc_desktop.store.changes import Changes
from opcc_desktop.store.workbook import Workbook


class EditCommand(QUndoCommand):
    """One edit already made. Undo reverts it; redo reverts the revert. It holds edit ids,
    never rows, so it stays valid whatever the tabs show."""

    def __init__(self, changes: Changes, workbook: Callable[[], Workbook],
                 done: Callable[[Changes], None], failed: Callable[[OpccError], None]) -> None:  # fmt: skip
        super().__init__(changes.description)
        self.edit_id = changes.edit_id
        self._workbook = workbook
        self._done = done
        self._failed = failed
        self._first = True  # pushing a command calls redo(): the edit is already made

    def undo(self) -> None:
        self._revert()

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self._revert()

    def _revert(self) -> None:
        try:
            changes = self._workbook().revert(self.edit_id)
        except OpccError as exc:
            self.setObsolete(True)  # the stack drops a command that can no longer apply
            self._failed(exc)
            return
        self.edit_id = changes.edit_id
        self._done(changes)
