"""The main window: a shell of tabs, menus, the undo stack and the status line. The tabs do
the work; everything they share comes through the AppContext."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QCursor, QKeySequence
from PySide6.QtWidgets import (
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from opcc_desktop.store.policy import machine_policy
from ui.clipboard import GuardedClipboard
from ui.context import AppContext
from ui.tab_pages import TABS, TabPage
from ui.tabs.base import Tab

STATUS_MS = 12_000
MOST_LOCK_MINUTES = 240


class MainWindow(QMainWindow):
    lock_requested = Signal()
    unlock_requested = Signal()
    lock_minutes_changed = Signal(float)

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.clipboard = GuardedClipboard(self)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Areas")
        self.tabs.setDocumentMode(True)
        for spec in TABS:
            self.tabs.addTab(TabPage(spec, self._make_tab), spec.title)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.tabs)
        self.pages.addWidget(self._locked_page())
        self.setCentralWidget(self.pages)
        self.saved_label = QLabel()
        self.statusBar().addPermanentWidget(self.saved_label)
        self._actions()
        context.changed.connect(self._show_saved)
        context.opened.connect(self._show_saved)
        context.failed.connect(self._show_failure)
        context.closing.connect(self.clipboard.forget)
        self._restore()
        self._show_saved()

    def _make_tab(self, cls: type[Tab]) -> Tab:
        return cls(self.context, self.clipboard)

    def _locked_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        message = QLabel("<h2>Locked</h2>The workbook was closed and everything shown was cleared.")
        message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        button = QPushButton("&Unlock…")
        button.setAccessibleName("Unlock")
        button.clicked.connect(self.unlock_requested)
        layout.addWidget(message)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        self.unlock_button = button
        return page

    def show_locked(self) -> None:
        self.pages.setCurrentIndex(1)
        for action in (*self._workbook_actions(), self.undo_action, self.redo_action):
            action.setEnabled(False)
        self._show_saved()
        self.unlock_button.setFocus()

    def show_unlocked(self) -> None:
        self.pages.setCurrentIndex(0)
        for action in self._workbook_actions():
            action.setEnabled(True)
        self._show_saved()

    def _workbook_actions(self) -> tuple[QAction, ...]:
        """What needs the workbook open (disabled while locked)."""
        return (self.export_action, self.import_action, self.export_data_action, self.return_action,
                self.settings_action, self.history_action, self.lock_action, self.find_action)  # fmt: skip

    def _pages(self) -> list[TabPage]:
        return [self.tabs.widget(i) for i in range(self.tabs.count())]  # type: ignore[misc]

    def tab(self, cls: type[Tab]) -> Tab:
        """The tab of class ``cls``, built if it was not yet shown."""
        return next(page for page in self._pages() if page.spec.name == cls.__name__).build()

    def current_tab(self) -> Tab:
        page: TabPage = self.tabs.currentWidget()  # type: ignore[assignment]
        return page.build()

    def show_tab(self, cls: type[Tab]) -> Tab:
        """Bring the tab of class ``cls`` to the front and return it."""
        tab = self.tab(cls)
        self.tabs.setCurrentWidget(tab.parentWidget())
        return tab

    # -- menus and toolbar --------------------------------------------------------------------
    def _actions(self) -> None:
        stack = self.context.undo_stack
        self.undo_action = stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts([QKeySequence.StandardKey.Undo])
        self.redo_action = stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.export_action = self._action("&Export document…", "Ctrl+E", self._export)
        self.lock_action = self._action("&Lock", "Ctrl+L", self.lock_requested.emit)
        minutes_action = self._action("Lock &after…", "", self._ask_lock_minutes)
        close_action = self._action("&Close workbook", QKeySequence.StandardKey.Close, self.close)
        self.import_action = self._action("&Import data…", "Ctrl+Shift+I", self._import_data)
        self.export_data_action = self._action("Export &data…", "", self._export_data)
        self.return_action = self._action("Service monitoring &return…", "", self._monitoring_return)
        self.settings_action = self._action("&Settings…", "Ctrl+,", self._settings)
        self.history_action = self._action("&History…", "Ctrl+H", self._history)
        self.find_action = self._action("&Find…", QKeySequence.StandardKey.Find, self._find)
        self.guide_action = self._action("&User guide", QKeySequence.StandardKey.HelpContents, self._guide)
        files = self.menuBar().addMenu("&File")
        files.addActions([self.export_action, self.import_action, self.export_data_action, self.return_action])
        files.addSeparator()
        files.addActions([self.lock_action, minutes_action])
        files.addSeparator()
        files.addAction(close_action)
        edit = self.menuBar().addMenu("&Edit")
        edit.addActions([self.undo_action, self.redo_action])
        edit.addSeparator()
        edit.addAction(self.find_action)
        edit.addSeparator()
        edit.addActions([self.history_action, self.settings_action])
        self.menuBar().addMenu("&Help").addAction(self.guide_action)
        bar = QToolBar("Main")
        bar.setObjectName("mainToolBar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addActions([self.undo_action, self.redo_action, self.export_action, self.lock_action])
        self.addToolBar(bar)

    def _action(self, text: str, shortcut: object, slot: object) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))  # type: ignore[arg-type]
        action.triggered.connect(slot)  # type: ignore[arg-type]
        return action

    def _export(self) -> None:
        from ui.tabs.reports import ReportsTab

        self.show_tab(ReportsTab).export()  # type: ignore[attr-defined]

    def _settings(self) -> None:
        from ui.settings_dialog import SettingsDialog

        if SettingsDialog(self.context, self).exec():
            self.statusBar().showMessage("Settings saved. Undo takes them back.", STATUS_MS)

    def _guide(self) -> None:
        from ui.guide_window import GuideWindow

        self.guide = GuideWindow(self)  # kept, so it stays open beside the window
        self.guide.show()

    def _find(self) -> None:
        from ui.search_box import SearchBox

        self.search_box = self.findChild(SearchBox) or SearchBox(self)  # one box, kept with its text
        self.search_box.open_box()

    def _history(self) -> None:
        from ui.history_dialog import HistoryDialog

        HistoryDialog(self.context, self).exec()

    def _import_data(self) -> None:
        from ui.import_dialog import choose_and_import

        made = choose_and_import(self.context, self)
        if made is not None and made.changed:
            self.statusBar().showMessage(f"Imported: {'; '.join(made.summary)}. Undo takes it back.", STATUS_MS)

    def _export_data(self) -> None:
        from ui.exchange_dialogs import export_exchange_workbook

        self._say(export_exchange_workbook(self.context, self))

    def _monitoring_return(self) -> None:
        from ui.exchange_dialogs import write_monitoring_return

        self._say(write_monitoring_return(self.context, self))

    def _say(self, message: str | None) -> None:
        if message:
            self.statusBar().showMessage(message, STATUS_MS)

    def _ask_lock_minutes(self) -> None:
        """Up to 240 minutes, or fewer where the machine policy sets a maximum."""
        policy = machine_policy()
        current = policy.lock_minutes(float(self.context.settings.value("security/lock_minutes", 5) or 5))
        most = policy.lock_minutes(MOST_LOCK_MINUTES)
        label = "Lock the workbook after this many idle minutes:"
        if most < MOST_LOCK_MINUTES:
            label += f"\n(your IT team allows at most {most:g} on this computer)"
        minutes, ok = QInputDialog.getInt(self, "Lock after", label, int(current), 1, int(most))
        if ok:
            self.lock_minutes_changed.emit(float(minutes))

    # -- status ---------------------------------------------------------------------------------
    def _show_saved(self, *_: object) -> None:
        """Each edit is committed at once: say so, and name the file."""
        path = self.context.path
        if path is None:
            self.setWindowTitle("OPCC Desktop — locked")
            self.saved_label.setText("Locked")
            return
        self.setWindowTitle(f"{path.name} — OPCC Desktop (all changes saved)")
        self.saved_label.setText("All changes saved")
        self.setWindowFilePath(str(path))

    def _show_failure(self, message: str) -> None:
        """A refused edit says why where it happened (beside the cell or control) and in the
        status line; anything else also gets a message box."""
        self.statusBar().showMessage(message, STATUS_MS)
        QToolTip.showText(QCursor.pos(), message, self)
        if "Cannot save" not in message:  # validation shows in the status line; the rest needs a box
            QTimer.singleShot(0, lambda: QMessageBox.warning(self, "OPCC Desktop", message))

    # -- saved window state --------------------------------------------------------------------
    def _restore(self) -> None:
        settings = self.context.settings
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1200, 780)
        state = settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        self.tabs.setCurrentIndex(int(settings.value("window/tab", 0) or 0))
        self.current_tab()
        self.tabs.currentChanged.connect(lambda _: self.current_tab())

    def save_state(self) -> None:
        settings = self.context.settings
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.setValue("window/tab", self.tabs.currentIndex())

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self.clipboard.forget()
        self.context.detach()
        super().closeEvent(event)
