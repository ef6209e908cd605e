"""The only place a QApplication is created, and the session around the window: which
workbook is open, locking it and unlocking it again."""

from __future__ import annotations

import sys
from concurrent.futures import Future
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from opcc_desktop.errors import OpccError, WorkbookError
from opcc_desktop.store.policy import machine_policy
from opcc_desktop.store.workbook import Workbook
from ui.autolock import (
    DEFAULT_MINUTES,
    IdleLock,
    WindowsSessionFilter,
    register_session_notifications,
)
from ui.context import AppContext
from ui.export_job import remove_left_snapshots
from ui.machine_policy import tell_policy_problems
from ui.main_window import MainWindow
from ui.qt_start import quiet_qt_messages
from ui.start_screen import remember
from ui.unlock import UnlockDialog


class Session:
    """Owns the context and the window; locks (closes the database, clears every model and
    chart, forgets the clipboard) and asks for the passphrase again to unlock."""

    def __init__(self, settings: QSettings | None = None) -> None:
        remove_left_snapshots()  # a window killed mid-export leaves its workbook snapshot
        self.context = AppContext(settings or QSettings())
        self.window = MainWindow(self.context)
        self.window.lock_requested.connect(self.lock)
        self.window.unlock_requested.connect(self.unlock)
        self.window.lock_minutes_changed.connect(self.set_lock_minutes)
        minutes = float(self.context.settings.value("security/lock_minutes", DEFAULT_MINUTES) or DEFAULT_MINUTES)
        self.idle = IdleLock(self.lock, int(machine_policy().lock_minutes(minutes) * 60_000))
        self.locked_path: Path | None = None
        self.native = WindowsSessionFilter(self.lock)
        QApplication.instance().installNativeEventFilter(self.native)

    def open(self, wb: Workbook, passphrase: str) -> None:
        """Show an open workbook (the core backs it up just before its first edit is saved)."""
        self.context.attach(wb, passphrase)
        remember(self.context.settings, wb.path)
        self.window.show_unlocked()
        self.idle.start()

    def lock(self) -> None:
        if not self.context.is_open:
            return
        self.window.current_tab().setFocus()  # let an open editor save first
        QApplication.processEvents()
        self.locked_path = self.context.path
        self.idle.stop()
        self.window.clipboard.forget()
        self.context.detach()
        self.window.show_locked()

    def set_lock_minutes(self, minutes: float) -> None:
        """Lock after ``minutes`` idle, never more than the machine policy allows."""
        minutes = machine_policy().lock_minutes(minutes)
        self.context.settings.setValue("security/lock_minutes", minutes)
        self.idle.set_interval(int(minutes * 60_000))
        if self.context.is_open:
            self.idle.start()

    def unlock(self, parent: QWidget | None = None) -> bool:
        if self.locked_path is None:
            return False
        dialog = UnlockDialog(self.locked_path, parent or self.window, "The workbook was locked. "
                              "Enter its passphrase to carry on.")  # fmt: skip
        if not dialog.exec() or dialog.workbook is None:
            return False
        self.open(dialog.workbook, dialog.passphrase)
        return True


def start(opening: Future[Workbook], passphrase: str, settings: QSettings) -> Session | None:
    """The window on the workbook ``opening`` (see ``ui.opening``), built while it opens. A
    file that cannot be opened is explained; None then."""
    session = Session(settings)
    try:
        wb = opening.result()
    except WorkbookError as exc:
        QMessageBox.critical(None, "Cannot open workbook", str(exc))
        return None
    session.open(wb, passphrase)
    return session


def unlock_workbook(path: Path) -> tuple[Workbook, str] | None:
    """Ask for the passphrase (the dialog explains a wrong one)."""
    dialog = UnlockDialog(path)
    if dialog.exec() and dialog.workbook is not None:
        return dialog.workbook, dialog.passphrase
    return None


def choose_workbook(settings: QSettings) -> tuple[Workbook, str] | None:
    """The start screen: a recent file, a new workbook or the demo."""
    from opcc_desktop.commands.cli import DEMO_PASSPHRASE
    from opcc_desktop.commands.demo import demo_path, ensure_demo
    from ui.start_screen import StartScreen

    screen = StartScreen(settings)
    if not screen.exec() or not screen.choice:
        return None
    kind = screen.choice[0]
    try:
        if kind == "demo":
            demo = ensure_demo(demo_path(), DEMO_PASSPHRASE)
            return Workbook.open(demo, DEMO_PASSPHRASE), DEMO_PASSPHRASE
        if kind == "new":
            _, path, passphrase = screen.choice
            return Workbook.create(path, passphrase), passphrase
    except OpccError as exc:
        QMessageBox.critical(None, "OPCC Desktop", str(exc))
        return None
    return unlock_workbook(screen.choice[1])


def _chosen(path: Path | None, settings: QSettings) -> Session | None:
    """The session on a workbook the officer unlocks or picks on the start screen."""
    opened = unlock_workbook(path) if path is not None else choose_workbook(settings)
    if opened is None:
        return None
    session = Session(settings)
    session.open(*opened)
    return session


def run(path: Path | None, opening: tuple[Future[Workbook], str] | None = None) -> int:
    """The window on ``path``: already opening (``opening``: the workbook on its way and its
    passphrase), else unlocked by the officer; the start screen when no path is given."""
    quiet_qt_messages()
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("OPCC Desktop")
    app.setOrganizationName("OPCC")
    if not tell_policy_problems(machine_policy()):
        return 1
    settings = QSettings()
    if opening is not None:
        session = start(*opening, settings)
    else:
        session = _chosen(path, settings)
    if session is None:
        return 1
    session.window.show()
    register_session_notifications(int(session.window.winId()))
    return app.exec()
