"""What every tab shares: refresh when an edit touches its tables, forget everything on lock."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from opcc_desktop.store.changes import Changes
from ui.clipboard import GuardedClipboard
from ui.context import AppContext


class Tab(QWidget):
    """Subclasses set ``tables`` and implement ``refresh`` and ``clear``.

    A hidden tab does not refresh at each edit; it catches up when shown. A tab may show a
    small edit in place (``patch``) rather than reload everything."""

    tables: frozenset[str] = frozenset()

    def __init__(self, context: AppContext, clipboard: GuardedClipboard) -> None:
        super().__init__()
        self.context = context
        self.clipboard = clipboard
        self._stale = True
        context.edited.connect(self._on_edited)
        context.opened.connect(self._on_opened)
        context.closing.connect(self.clear)

    def refresh(self) -> None:
        """Reload everything shown from the workbook."""
        raise NotImplementedError

    def clear(self) -> None:
        """Drop every row and chart (the workbook is closing or locking)."""
        raise NotImplementedError

    def _on_opened(self) -> None:
        self._stale = True
        if self.isVisible():
            self._catch_up()

    def patch(self, changes: Changes) -> bool:
        """Show ``changes`` in place, faster than reloading; False when only a reload will do."""
        return False

    def _on_edited(self, changes: Changes) -> None:
        if not changes.tables & self.tables:
            return
        if self.isVisible() and not self._stale and self.patch(changes):
            return
        self._stale = True
        if self.isVisible():
            self._catch_up()

    def _catch_up(self) -> None:
        if self._stale and self.context.is_open:
            self._stale = False
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self._catch_up()
