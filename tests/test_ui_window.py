"""The whole window on the demo: title, undo across tabs, lock and unlock, export by the
button, narrative editing, remembered layout. Real widgets, offscreen."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import DEMO_PASSPHRASE
from pdfplumber import open as open_pdf
from pypdf import PdfReader
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit

from opcc_desktop.figures import publishable
from ui.app import Session, start
from ui.autolock import (
    PBT_APMSUSPEND,
    WM_POWERBROADCAST,
    WM_WTSSESSION_CHANGE,
    WTS_SESSION_LOCK,
    locks_session,
)
from ui.opening import begin_opening
from ui.start_screen import recent_files
from ui.tabs.reports import ReportsTab
from ui.unlock import UnlockDialog


def reports(session: Session) -> ReportsTab:
    return session.window.show_tab(ReportsTab)  # type: ignore[return-value]


def test_title_names_the_file_and_says_everything_is_saved(session):
    assert session.window.windowTitle() == "demo.opcc — OPCC Desktop (all changes saved)"
    titles = [session.window.tabs.tabText(i) for i in range(session.window.tabs.count())]
    assert titles == ["Workforce (private)", "Services", "Divert / Triage", "KPIs", "Goals", "Reports"]
    assert recent_files(session.context.settings)[0].name == "demo.opcc"


def test_only_the_shown_tab_is_built_at_start_and_each_other_when_first_chosen(session):
    tabs = session.window.tabs
    built = lambda: [tabs.widget(i).tab is not None for i in range(tabs.count())]  # noqa: E731
    assert built() == [True, False, False, False, False, False]
    tabs.setCurrentIndex(3)
    assert built() == [True, False, False, True, False, False]
    kpis = session.window.current_tab()
    assert kpis.isVisible() and kpis.grid_model.rowCount() > 0  # filled from the workbook at once
    assert session.window.tab(ReportsTab) is session.window.tab(ReportsTab)  # built once


def test_narrative_edit_is_one_undoable_edit_driven_by_the_menu_actions(session, qtbot):
    tab = reports(session)
    tab.year.setCurrentText("2021/22")
    tab.sections.select("introduction")
    tab.editor.setFocus()
    tab.editor.selectAll()
    qtbot.keyClicks(tab.editor, "New introduction")
    tab.save_text()
    text = lambda: publishable.narrative(session.context.wb, "annual-equality", "2021/22")["introduction"]  # noqa: E731
    assert text() == "New introduction"
    session.window.undo_action.trigger()
    assert text() != "New introduction"
    assert tab.editor.markdown().split() == text().split()  # the editor shows the undone text
    session.window.redo_action.trigger()
    assert text() == "New introduction"


def test_idle_lock_clears_everything_and_unlock_asks_again(session, qtbot):
    session.set_lock_minutes(0.001)  # 60 ms
    qtbot.waitUntil(lambda: not session.context.is_open, timeout=3000)
    assert session.window.pages.currentIndex() == 1
    assert "locked" in session.window.windowTitle().lower()
    assert session.context.undo_stack.count() == 0
    tab = session.window.tab(ReportsTab)
    assert tab.sections.topLevelItemCount() == 0 and tab.editor.markdown() == ""

    def answer(passphrase: str) -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, UnlockDialog)
        dialog.findChild(QLineEdit).setText(passphrase)
        dialog.try_open()
        if dialog.isVisible():  # the wrong passphrase: the dialog says so and stays open
            assert "not right" in dialog.error.text()
            dialog.findChild(QLineEdit).setText(DEMO_PASSPHRASE)
            dialog.try_open()

    session.set_lock_minutes(60)
    QTimer.singleShot(50, lambda: answer("wrong passphrase"))
    assert session.unlock()
    assert session.context.is_open and session.window.pages.currentIndex() == 0


def test_session_lock_and_suspend_messages_lock():
    assert locks_session(WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK)
    assert locks_session(WM_POWERBROADCAST, PBT_APMSUSPEND)
    assert not locks_session(WM_WTSSESSION_CHANGE, 8)  # WTS_SESSION_UNLOCK


def test_private_clipboard_is_cleared_on_lock(session):
    session.window.clipboard.copy("E000123\tFemale", private=True)
    session.lock()
    assert QApplication.clipboard().text() == ""


def test_export_button_writes_the_pdf_without_blocking(session, qtbot, tmp_path):
    tab = reports(session)
    tab.year.setCurrentText("2021/22")
    out = tmp_path / "annual.pdf"
    shown: list[Path] = []
    tab.confirm = lambda findings: True  # the pre-flight dialog: "Export anyway?"
    tab.choose_output = lambda suggested, fmt: out  # the save dialog
    tab.open_document = shown.append  # "Open it now?"
    session.window.export_action.trigger()
    assert tab.job is not None and not tab.export_button.isEnabled()  # running on its own thread
    qtbot.waitUntil(lambda: bool(shown), timeout=60_000)
    assert shown == [out] and tab.export_button.isEnabled()
    with open_pdf(out) as pdf:
        assert "Annual Equality Monitoring Report" in pdf.pages[0].extract_text()
    assert session.context.settings.value("export/year") == "2021/22"


def test_a_draft_export_from_the_window_is_marked_and_carries_its_tables(session, qtbot, tmp_path):
    tab = reports(session)
    tab.year.setCurrentText("2021/22")
    assert tab.with_tables.isChecked() and not tab.draft.isChecked()  # final, with its tables, unless asked
    tab.draft.setChecked(True)
    out = tmp_path / "draft.pdf"
    shown: list[Path] = []
    tab.confirm = lambda findings: True
    tab.choose_output = lambda suggested, fmt: out
    tab.open_document = shown.append
    session.window.export_action.trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=60_000)
    with open_pdf(out) as pdf:
        assert all("DRAFT" in (page.extract_text() or "") for page in pdf.pages)
    assert PdfReader(out).attachments["draft.xlsx"] == [(tmp_path / "draft.xlsx").read_bytes()]


def test_tables_beside_the_document_are_replaced_only_when_the_user_agrees(session, qtbot, tmp_path):
    tab = reports(session)
    tab.year.setCurrentText("2021/22")
    out, sheet = tmp_path / "annual.pdf", tmp_path / "annual.xlsx"
    sheet.write_bytes(b"the officer's own workbook")
    asked: list[Path] = []
    tab.confirm = lambda findings: True
    tab.choose_output = lambda suggested, fmt: out
    tab.replace_tables = lambda path: asked.append(path) or False  # "Replace the tables?" - No
    session.window.export_action.trigger()
    assert asked == [sheet] and tab.job is None and not out.exists()
    assert sheet.read_bytes() == b"the officer's own workbook"


def test_window_layout_is_remembered(session, tmp_path):
    session.window.tabs.setCurrentIndex(3)
    session.window.save_state()
    assert not session.context.settings.value("window/geometry").isEmpty()
    again = Session(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    assert again.window.tabs.currentIndex() == 3


def _row(model, **match) -> int:  # type: ignore[no-untyped-def]
    return next(i for i, r in enumerate(model.rows) if all(r.get(k) == v for k, v in match.items()))


def _col(model, key: str) -> int:  # type: ignore[no-untyped-def]
    return [c.key for c in model.columns].index(key)


def _edits(window):  # type: ignore[no-untyped-def]
    """(tab class, model, index, typed value, chart) for one cell edit in each editing tab."""
    from ui.tabs.goals import GoalsTab
    from ui.tabs.kpis import KpisTab
    from ui.tabs.schemes import SchemesTab
    from ui.tabs.services import ServicesTab
    from ui.tabs.workforce import WorkforceTab

    def workforce(tab):  # type: ignore[no-untyped-def]
        tab.characteristic.setCurrentIndex(tab.characteristic.findData("ethnicity"))
        m = tab.staff_model
        return m, m.index(_row(m, staff_ref="OPCC0001"), _col(m, "ethnicity")), "Asian or Asian British", tab.chart

    def services(tab):  # type: ignore[no-untyped-def]
        m = tab.count_model
        return m, m.index(_row(m, dimension="age", category="Under 18"), _col(m, "count")), "40", tab.share_chart

    def schemes(tab):  # type: ignore[no-untyped-def]
        tab.quarter.setCurrentIndex(tab.quarter.findData(2))  # 2021/22 is recorded by quarter
        m = tab.grid_model
        return m, m.index(_row(m, dimension="age", category="18-21"), _col(m, "female")), "60", tab.chart

    def kpis(tab):  # type: ignore[no-untyped-def]
        m = tab.grid_model
        return m, m.index(next(i for i, r in enumerate(m.rows) if not r["grid"].derived_kind), 5), "123", tab.chart

    def goals(tab):  # type: ignore[no-untyped-def]
        m = tab.goal_model
        return m, m.index(_row(m, title="Strengthened Performance Monitoring"), _col(m, "status")), "achieved", tab.chart

    for cls, pick in ((WorkforceTab, workforce), (ServicesTab, services), (SchemesTab, schemes),
                      (KpisTab, kpis), (GoalsTab, goals)):  # fmt: skip
        tab = window.show_tab(cls)
        yield (cls.__name__, *pick(tab))


def test_an_edit_in_each_tab_changes_its_chart_and_the_window_undoes_and_redoes_it(session):
    window = session.window
    for title, model, index, value, chart in _edits(window):
        before = chart.drawn_values()
        assert model.setData(index, value), title
        after = chart.drawn_values()
        assert after != before, title
        assert "all changes saved" in window.windowTitle()
        window.undo_action.trigger()
        assert chart.drawn_values() == before, title
        window.redo_action.trigger()
        assert chart.drawn_values() == after, title
    assert session.context.undo_stack.count() == 5


def test_start_screen_lists_recent_workbooks_and_offers_new_and_demo(qtbot, tmp_path):
    from PySide6.QtWidgets import QPushButton

    from ui.start_screen import StartScreen, remember

    settings = QSettings(str(tmp_path / "start.ini"), QSettings.Format.IniFormat)
    for name in ("a.opcc", "b.opcc", "a.opcc"):
        remember(settings, tmp_path / name)
    screen = StartScreen(settings)
    qtbot.addWidget(screen)
    assert [screen.recent.item(i).text().split()[0] for i in range(screen.recent.count())] == ["a.opcc", "b.opcc"]
    screen.recent.itemActivated.emit(screen.recent.item(1))
    assert screen.choice == ("open", (tmp_path / "b.opcc").resolve())
    demo = next(b for b in screen.findChildren(QPushButton) if "demo" in b.text())
    demo.click()
    assert screen.choice == ("demo",)


def test_ctrl_i_italicises_the_narrative_and_import_has_its_own_keys(session, qtbot):
    tab = reports(session)
    tab.year.setCurrentText("2021/22")
    tab.sections.select("introduction")
    tab.editor.setFocus()
    tab.editor.selectAll()
    qtbot.keyClicks(tab.editor, "Plain ")
    qtbot.keyClick(tab.editor, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(tab.editor, "slanted")
    tab.save_text()
    assert publishable.narrative(session.context.wb, "annual-equality", "2021/22")["introduction"] == "Plain *slanted*"
    assert session.window.import_action.shortcut().toString() == "Ctrl+Shift+I"


def test_help_opens_the_user_guide_from_the_app_itself(session):
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QTextDocument

    from ui.guide_window import guide_path

    session.window.guide_action.trigger()
    browser = session.window.guide.browser
    text = browser.document().toPlainText()
    for heading in ("First run and the demo", "Unlocking and locking", "Importing an HR extract",
                    "What suppression means", "Backups and restoring one"):
        assert heading in text
    assert browser.source().isLocalFile() and browser.source().toLocalFile() == str(guide_path())
    picture = browser.document().resource(QTextDocument.ResourceType.ImageResource, QUrl("../screenshots/7-locked.png"))
    assert picture is not None and not picture.isNull()  # the screenshots ship beside it
    browser.resize(700, 500)
    browser.scrollToAnchor("backups-and-restoring-one")  # the contents' links jump within the guide
    assert browser.verticalScrollBar().value() > 0


def test_the_window_opened_while_the_workbook_opens_shows_it(qtbot, demo_path: Path, tmp_path: Path):
    copy = tmp_path / "demo.opcc"
    shutil.copy(demo_path, copy)
    made = start(begin_opening(copy, DEMO_PASSPHRASE), DEMO_PASSPHRASE,
                 QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))  # fmt: skip
    assert made is not None
    qtbot.addWidget(made.window)
    assert made.context.path == copy and made.window.windowTitle().startswith("demo.opcc")
    made.context.detach()


def test_a_workbook_that_will_not_open_is_explained_and_no_window_is_left(qtbot, demo_path: Path, tmp_path: Path):
    copy = tmp_path / "demo.opcc"
    shutil.copy(demo_path, copy)
    said: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        said.append(box.text())
        box.close()

    QTimer.singleShot(0, read_and_close)
    made = start(begin_opening(copy, "not the passphrase"), "not the passphrase",
                 QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))  # fmt: skip
    assert made is None
    assert "passphrase" in said[0].lower()
