"""Fixtures shared by the window's tests: a context on a copy of the demo, the failures it
reports, the whole window on a copy of the demo, and a tab opener that keeps each tab alive
until pytest-qt has closed it."""

from __future__ import annotations

import gc
import shutil
from collections.abc import Callable, Iterator

import pytest
from conftest import DEMO_PASSPHRASE
from PySide6.QtCore import QEvent, QSettings
from PySide6.QtWidgets import QApplication

from opcc_desktop.store.workbook import Workbook
from ui.clipboard import GuardedClipboard
from ui.context import AppContext
from ui.tabs.base import Tab


@pytest.fixture
def context(tmp_path):
    made = AppContext(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    yield made
    made.detach()


@pytest.fixture
def demo(tmp_path, demo_path, context):
    path = tmp_path / "demo.opcc"
    shutil.copy(demo_path, path)
    context.attach(Workbook.open(path, DEMO_PASSPHRASE), DEMO_PASSPHRASE)
    return context


@pytest.fixture
def session(qtbot, demo_path, tmp_path):
    """The whole window (its Session) on a copy of the demo, shown."""
    from ui.app import Session

    copy = tmp_path / "demo.opcc"
    shutil.copy(demo_path, copy)
    made = Session(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(made.window)
    made.open(Workbook.open(copy, DEMO_PASSPHRASE), DEMO_PASSPHRASE)
    made.window.show()
    yield made
    made.context.detach()


@pytest.fixture
def failures(context) -> list[str]:
    said: list[str] = []
    context.failed.connect(said.append)
    return said


def tab_opener(qtbot, cls: type[Tab]) -> Iterator[Callable[[AppContext], Tab]]:
    """Opens ``cls`` tabs, shown, and holds them until pytest-qt has closed them, then deletes
    them. (qtbot holds widgets weakly: a shown tab the garbage collector frees mid-paint crashes.)"""
    opened: list[Tab] = []

    def open_(context: AppContext) -> Tab:
        tab = cls(context, GuardedClipboard())
        qtbot.addWidget(tab)
        tab.resize(1200, 760)
        tab.show()
        opened.append(tab)
        return tab

    yield open_
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    opened.clear()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Delete every widget left while the QApplication still exists. Left to the interpreter's
    own finalisation, Qt objects go in no particular order, after the application itself, and
    a full run once crashed there after every test had passed."""
    app = QApplication.instance()
    if app is None:
        return
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    app.processEvents()
    gc.collect()
