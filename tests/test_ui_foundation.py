"""The parts every tab stands on: the context running core actions, undo and redo through
the core's revert, the thin table model, copy and paste, the guarded clipboard, idle lock."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from opcc_desktop.areas import services
from opcc_desktop.areas.periods import financial_years, latest_quarter
from ui.autolock import IdleLock
from ui.clipboard import GuardedClipboard, parse_tsv
from ui.context import AppContext
from ui.table_model import Column, RowsModel
from ui.table_view import DataTable


def make_context(wb, tmp_path) -> AppContext:
    context = AppContext(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    context.attach(wb, "secret")
    return context


def service_model(context: AppContext) -> RowsModel:
    def edit(row, key, value):
        return services.edit_service, (row["id"], {"name" if key == "name" else key: value})

    model = RowsModel([Column("name", "Service", editable=True), Column("service_type", "Type", editable=True)],
                      context, edit)  # fmt: skip
    model.load(services.services(context.wb))
    context.changed.connect(lambda tables: model.load(services.services(context.wb)))
    return model


def test_an_edit_is_one_undo_step_and_undo_redo_go_through_the_core(qtbot, wb, tmp_path):
    context = make_context(wb, tmp_path)
    services.add_service(wb, {"name": "Harbour"})
    model = service_model(context)
    with qtbot.waitSignal(context.changed):
        assert model.setData(model.index(0, 0), "Harbour Support")
    assert services.services(wb)[0]["name"] == "Harbour Support"
    assert context.undo_stack.count() == 1 and context.undo_stack.undoText() == "Edit service"
    context.undo_stack.undo()
    assert services.services(wb)[0]["name"] == "Harbour" and model.rows[0]["name"] == "Harbour"
    context.undo_stack.redo()
    assert services.services(wb)[0]["name"] == "Harbour Support"


def test_a_refused_edit_reports_why_and_changes_nothing(qtbot, wb, tmp_path):
    context = make_context(wb, tmp_path)
    services.add_service(wb, {"name": "Harbour"})
    model = service_model(context)
    with qtbot.waitSignal(context.failed) as failed:
        assert not model.setData(model.index(0, 0), "")
    assert "name: '' is missing" in failed.args[0]
    assert context.undo_stack.count() == 0 and services.services(wb)[0]["name"] == "Harbour"


def test_the_model_passes_qt_model_checks(qtmodeltester, wb, tmp_path):
    context = make_context(wb, tmp_path)
    for name in ("Harbour", "Arch", "Eva"):
        services.add_service(wb, {"name": name, "service_type": "Support"})
    qtmodeltester.check(service_model(context))


def test_pasting_a_block_is_one_edit(qtbot, wb, tmp_path):
    context = make_context(wb, tmp_path)
    for name in ("Harbour", "Arch"):
        services.add_service(wb, {"name": name})
    model = service_model(context)
    view = DataTable(model, "Services")
    qtbot.addWidget(view)
    view.setCurrentIndex(model.index(0, 0))
    assert view.paste("Harbour 2\tRefuge\r\nArch 2\tAdvocacy\r\n")
    assert [(s["name"], s["service_type"]) for s in services.services(wb)] == [
        ("Harbour 2", "Refuge"), ("Arch 2", "Advocacy")]  # fmt: skip
    assert context.undo_stack.count() == 1
    context.undo_stack.undo()
    assert [s["name"] for s in services.services(wb)] == ["Harbour", "Arch"]


def test_a_block_with_one_bad_cell_pastes_nothing(qtbot, wb, tmp_path):
    context = make_context(wb, tmp_path)
    services.add_service(wb, {"name": "Harbour"})
    services.add_service(wb, {"name": "Arch"})
    view = DataTable(service_model(context), "Services")
    qtbot.addWidget(view)
    view.setCurrentIndex(view.model().index(0, 0))
    with qtbot.waitSignal(context.failed):
        assert not view.paste("New name\n\n")  # the second row would blank a name
    assert [s["name"] for s in services.services(wb)] == ["Harbour", "Arch"]


def test_copy_gives_tab_separated_text(qtbot, wb, tmp_path):
    context = make_context(wb, tmp_path)
    services.add_service(wb, {"name": "Harbour", "service_type": "Refuge"})
    view = DataTable(service_model(context), "Services")
    qtbot.addWidget(view)
    view.selectAll()
    view.copy()
    assert QApplication.clipboard().text() == "Harbour\tRefuge"
    assert parse_tsv("a\tb\r\nc\td\r\n") == [["a", "b"], ["c", "d"]]


def test_private_copies_are_forgotten(qtbot):
    clipboard = GuardedClipboard()
    clipboard.copy("E000123\tFemale", private=True)
    clipboard.forget()
    assert QApplication.clipboard().text() == ""
    clipboard.copy("public figure", private=False)
    clipboard.forget()
    assert QApplication.clipboard().text() == "public figure"


def test_idle_lock_fires_after_the_interval_and_input_postpones_it(qtbot):
    locked = []
    idle = IdleLock(lambda: locked.append(True), 300)
    idle.start()
    qtbot.wait(200)
    qtbot.mouseMove(QApplication.activeWindow() or _window(qtbot))  # activity restarts the clock
    qtbot.wait(200)
    assert not locked
    qtbot.waitUntil(lambda: bool(locked), timeout=2000)
    assert not idle.timer.isActive()


def _window(qtbot):
    from PySide6.QtWidgets import QWidget

    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_financial_years_and_latest_quarter(demo_path):
    from conftest import DEMO_PASSPHRASE

    from opcc_desktop.store.workbook import Workbook

    with Workbook.open(demo_path, DEMO_PASSPHRASE, readonly=True) as book:
        years = financial_years(book)
        assert years == sorted(years, reverse=True) and "2021/22" in years
        assert latest_quarter(book, "2021/22") == 4


def test_detaching_closes_the_workbook_and_clears_undo(qtbot, wb, tmp_path):
    context = make_context(wb, tmp_path)
    context.do(services.add_service, {"name": "Harbour"})
    assert context.undo_stack.count() == 1
    with qtbot.waitSignal(context.closing):
        context.detach()
    assert not context.is_open and context.undo_stack.count() == 0
    assert context.read(services.services) is None
    assert Qt.ItemDataRole.UserRole  # the model's raw-value role is Qt's own


def test_python_overrides_of_qt_virtuals_keep_none_alive(qtbot):
    """PySide6 6.12.0 on Python 3.11 dropped a reference to None at each call of a Python
    override (paintEvent...), which crashes a long session; the pinned version must not."""
    import sys

    from PySide6.QtWidgets import QWidget

    class Painted(QWidget):
        def paintEvent(self, event):  # noqa: N802
            return None

    widget = Painted()
    qtbot.addWidget(widget)
    widget.show()
    before = sys.getrefcount(None)
    for _ in range(100):
        widget.repaint()
    assert sys.getrefcount(None) >= before - 5
