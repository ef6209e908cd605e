"""Copy and paste of cell ranges as tab-separated text (what Excel puts on the clipboard),
and a clipboard that forgets private data after 30 seconds and when the workbook locks.

Copied text is neutralised as the exports neutralise it (opcc_desktop.exchange.cells), so a
cell holding ``=HYPERLINK(...)`` pastes into a spreadsheet as text, never as a formula;
pasting takes exactly that neutralising away again, so a copy pasted back is unchanged.
"""

from __future__ import annotations

from numbers import Number

from PySide6.QtCore import QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView

from opcc_desktop.exchange.cells import neutralise_delimited, restore_delimited

CLEAR_AFTER_MS = 30_000


def selection_as_tsv(view: QAbstractItemView) -> str:
    """The selected cells as rows of tab-separated display text (gaps left blank)."""
    indexes = view.selectionModel().selectedIndexes() if view.selectionModel() else []
    if not indexes:
        return ""
    rows = sorted({i.row() for i in indexes})
    columns = sorted({i.column() for i in indexes})
    cells = {(i.row(), i.column()): _copied(i) for i in indexes}
    return "\n".join("\t".join(cells.get((r, c), "") for c in columns) for r in rows)


def _copied(index: QModelIndex) -> str:
    """A cell's display text, safe to paste into a spreadsheet. A number (the raw value the
    models give as UserRole) is left as shown: ``-5`` must paste as minus five."""
    text = str(index.data() or "").replace("\t", " ").replace("\n", " ")
    if isinstance(index.data(Qt.ItemDataRole.UserRole), Number):
        return text
    return neutralise_delimited(text)


def parse_tsv(text: str) -> list[list[str]]:
    """Rows of cells from tab-separated text; Excel's trailing line break is dropped, and
    the neutralising of :func:`selection_as_tsv` (or an export's) is taken away."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [[restore_delimited(cell) for cell in line.split("\t")] for line in lines]


class GuardedClipboard(QObject):
    """Puts text on the system clipboard; private text is cleared after 30 s, or by
    :meth:`forget` (on lock and exit), if the clipboard still holds it."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._private: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.forget)

    def copy(self, text: str, private: bool) -> None:
        QGuiApplication.clipboard().setText(text)
        if private:
            self._private = text
            self._timer.start(CLEAR_AFTER_MS)

    def forget(self) -> None:
        if self._private is not None and QGuiApplication.clipboard().text() == self._private:
            QGuiApplication.clipboard().clear()
        self._private = None
        self._timer.stop()
