"""Edit › Find… (Ctrl+F): a small box that searches the whole workbook as the officer types
(staff refs, services, schemes, KPIs, goals, EDI areas, report text; see
:mod:`opcc_desktop.areas.search`) and jumps to what is chosen: its tab comes to the front and
the tab's ``reveal`` selects it there.

Typing waits for a short pause before searching; :meth:`SearchBox.search_now` searches at
once, and ``shown`` says when results are on screen (tests use both, never the timer). The
box forgets its text and results when the workbook closes or locks: staff refs are private.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListWidget, QVBoxLayout

from opcc_desktop.areas.search import Hit, search
from ui.tabs.base import Tab

if TYPE_CHECKING:
    from ui.main_window import MainWindow

PAUSE_MS = 150  # typing pauses this long before the search runs
LIMIT = 50
STEPS = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1}
T = TypeVar("T", bound=Tab)


class SearchBox(QDialog):
    """Non-modal: the window stays usable beside it. Enter (or a double-click) on a result
    jumps to it and closes the box; Up and Down in the text move through the results; Esc
    closes it."""

    shown = Signal(int)  # the number of results, each time a search's results are shown

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.main_window = window
        self.context = window.context
        self.hits: list[Hit] = []
        self.setWindowTitle("Find")
        self.text = QLineEdit()
        self.text.setAccessibleName("Find")
        self.text.setPlaceholderText("A staff ref, a service, a scheme, a KPI, a goal, words in a report…")
        self.text.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setAccessibleName("Results")
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # long hits end in "…"
        self.status = QLabel(found_text(0, asked=False))
        self.status.setAccessibleName("What was found")
        label = QLabel("&Find:")
        label.setBuddy(self.text)
        layout = QVBoxLayout(self)
        for widget in (label, self.text, self.results, self.status):
            layout.addWidget(widget, 1 if widget is self.results else 0)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(PAUSE_MS)
        self.timer.timeout.connect(self.search_now)
        self.text.textChanged.connect(lambda _: self.timer.start())
        self.text.returnPressed.connect(self.go)
        self.text.installEventFilter(self)
        self.results.itemActivated.connect(lambda _: self.go())
        self.context.changed.connect(self._data_changed)
        self.context.closing.connect(self.forget)
        self.resize(720, 380)

    def open_box(self) -> None:
        """Show the box with its last text selected (typing replaces it) and fresh results."""
        self.show()
        self.raise_()
        self.activateWindow()
        self.text.setFocus()
        self.text.selectAll()
        if self.text.text().strip():
            self.search_now()

    def search_now(self) -> None:
        """Search for the text now and show what is found, the first result current."""
        self.timer.stop()
        text = self.text.text()
        self.hits = self.context.read(search, text, LIMIT) or []
        self.results.clear()
        self.results.addItems([hit.label for hit in self.hits])
        for row, hit in enumerate(self.hits):
            self.results.item(row).setToolTip(hit.label)
        self.results.setCurrentRow(0 if self.hits else -1)
        self.status.setText(found_text(len(self.hits), bool(text.strip())))
        self.shown.emit(len(self.hits))

    def go(self) -> None:
        """Jump to the current result (searching first if typing has not paused yet)."""
        if self.timer.isActive():
            self.search_now()
        if not self.hits:
            return
        hit = self.hits[max(self.results.currentRow(), 0)]
        self.hide()
        if not reveal(self.main_window, hit, self.text.text().strip()):
            self.open_box()
            self.status.setText("That is no longer in the workbook; the results are up to date now.")

    def forget(self) -> None:
        """Drop the text and every result (the workbook is closing or locking)."""
        self.text.clear()
        self.timer.stop()
        self.hits = []
        self.results.clear()
        self.status.clear()
        self.hide()

    def _data_changed(self) -> None:
        if self.isVisible() and self.text.text().strip():
            self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Up and Down in the text move through the results."""
        if watched is self.text and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            step = STEPS.get(Qt.Key(event.key()))
            if step is not None and self.results.count():
                row = self.results.currentRow() + step
                self.results.setCurrentRow(max(0, min(row, self.results.count() - 1)))
                return True
        return super().eventFilter(watched, event)


def found_text(found: int, asked: bool) -> str:
    if not asked:
        return "Type a staff ref, a name or some words."
    if not found:
        return "Nothing found."
    if found >= LIMIT:
        return f"The first {LIMIT} found: type more to narrow them down."
    return f"{found} found: Enter goes to the one selected."


def reveal(window: MainWindow, hit: Hit, text: str) -> bool:
    """Bring the hit's tab to the front and select it there; False when it is no longer there.
    Each tab's module is imported only when needed, as the window builds its tabs."""
    match hit.area:
        case "staff":
            from ui.tabs.workforce import WorkforceTab

            return _front(window, WorkforceTab).reveal(hit.snapshot_id, hit.staff_ref)
        case "service":
            from ui.tabs.services import ServicesTab

            return _front(window, ServicesTab).reveal(hit.row_id)
        case "scheme":
            from ui.tabs.schemes import SchemesTab

            return _front(window, SchemesTab).reveal(hit.row_id)
        case "kpi":
            from ui.tabs.kpis import KpisTab

            return _front(window, KpisTab).reveal(hit.row_id)
        case "goal" | "edi_area":
            from ui.tabs.goals import GoalsTab

            wanted = {"goal_id" if hit.area == "goal" else "area_id": hit.row_id}
            return _front(window, GoalsTab).reveal(**wanted, year=hit.year)
        case _:
            from ui.tabs.reports import ReportsTab

            return _front(window, ReportsTab).reveal(hit.report, hit.year, hit.quarter, hit.section, text)


def _front(window: MainWindow, cls: type[T]) -> T:
    tab = window.show_tab(cls)
    assert isinstance(tab, cls)
    return tab
