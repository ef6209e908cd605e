"""Edit › Find… on the real window over a copy of the demo: the box opens from the menu action,
searches as the officer types (the tests search at once rather than wait for the pause), and
Enter jumps to the tab and the row, the section and the words."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from opcc_desktop.areas.search import Hit
from ui.search_box import SearchBox, reveal
from ui.tabs.goals import GoalsTab
from ui.tabs.kpis import KpisTab
from ui.tabs.reports import ReportsTab
from ui.tabs.schemes import SchemesTab
from ui.tabs.services import ServicesTab
from ui.tabs.workforce import WorkforceTab


@pytest.fixture
def box(session) -> SearchBox:
    session.window.find_action.trigger()  # what Ctrl+F does (offscreen, window shortcuts need no key test)
    return session.window.search_box


def find(box: SearchBox, qtbot, text: str) -> None:
    """Type ``text`` and press Enter (which searches at once if typing has not paused yet)."""
    box.text.clear()
    qtbot.keyClicks(box.text, text)
    qtbot.keyClick(box.text, Qt.Key.Key_Return)


def current(table, model, key: str) -> object:
    """``key`` of the row under the table's current cell."""
    return model.rows[table.currentIndex().row()][key]


def test_find_is_in_the_edit_menu_on_ctrl_f(session):
    action = session.window.find_action
    assert action.shortcut() == QKeySequence(QKeySequence.StandardKey.Find) == QKeySequence("Ctrl+F")
    edit = next(a.menu() for a in session.window.menuBar().actions() if a.text() == "&Edit")
    assert action in edit.actions()


def test_the_box_opens_non_modal_with_the_text_focused_and_results_as_typed(box, qtbot):
    assert box.isVisible() and not box.isModal()
    assert box.text.accessibleName() == "Find" and box.results.accessibleName() == "Results"
    box.text.setText("opcc0001")  # any case
    with qtbot.waitSignal(box.shown) as shown:
        box.search_now()
    assert shown.args == [2]
    assert [box.results.item(i).text() for i in range(2)] == [
        "Staff OPCC0001 — snapshot 31 March 2022", "Staff OPCC0001 — snapshot 31 March 2021"]  # fmt: skip
    assert box.status.text().startswith("2 found")


def test_a_staff_ref_jumps_to_its_row_in_its_snapshot(session, box, qtbot):
    find(box, qtbot, "OPCC0024")  # in the 2021 snapshot only; the tab opens on 2022's
    tab = session.window.current_tab()
    assert isinstance(tab, WorkforceTab) and not box.isVisible()
    assert tab.snapshot.currentText().startswith("31 March 2021")
    assert current(tab.staff_table, tab.staff_model, "staff_ref") == "OPCC0024"


def test_up_and_down_in_the_text_choose_the_result(session, box, qtbot):
    box.text.setText("OPCC0001")
    box.search_now()
    qtbot.keyClick(box.text, Qt.Key.Key_Down)
    qtbot.keyClick(box.text, Qt.Key.Key_Down)  # stays on the last
    assert box.results.currentRow() == 1
    qtbot.keyClick(box.text, Qt.Key.Key_Up)
    qtbot.keyClick(box.text, Qt.Key.Key_Down)
    qtbot.keyClick(box.text, Qt.Key.Key_Return)
    tab = session.window.current_tab()
    assert isinstance(tab, WorkforceTab)
    assert tab.snapshot.currentText().startswith("31 March 2021")
    assert current(tab.staff_table, tab.staff_model, "staff_ref") == "OPCC0001"


def test_enter_or_a_double_click_on_a_result_jumps_to_it(session, box, qtbot):
    box.text.setText("youth")
    box.search_now()
    labels = [box.results.item(i).text() for i in range(box.results.count())]
    assert labels[:2] == ["Service: Belle Vue (Targeted Detached Youth Service, Hartlepool) (Youth diversion)",
                          "Service: The Junction (Targeted Detached Youth Service, Middlesbrough) (Youth diversion)"]
    at = box.results.visualItemRect(box.results.item(1)).center()
    qtbot.mouseClick(box.results.viewport(), Qt.MouseButton.LeftButton, pos=at)  # a double click's first press
    assert box.isVisible()  # a click only chooses
    qtbot.mouseDClick(box.results.viewport(), Qt.MouseButton.LeftButton, pos=at)
    services = session.window.current_tab()
    assert isinstance(services, ServicesTab) and not box.isVisible()
    assert current(services.service_table, services.service_model, "name").startswith("The Junction")
    session.window.find_action.trigger()
    box.results.setFocus()
    box.results.setCurrentRow(2)
    qtbot.keyClick(box.results, Qt.Key.Key_Return)
    assert current(services.service_table, services.service_model, "name").startswith("Streetz team")


def test_a_filtered_staff_table_is_unfiltered_to_show_the_row(session, box, qtbot):
    workforce = session.window.show_tab(WorkforceTab)
    workforce.filter.setText("OPCC0002")
    workforce.apply_filter()
    session.window.find_action.trigger()
    find(box, qtbot, "OPCC0010")
    assert workforce.filter.text() == ""
    assert current(workforce.staff_table, workforce.staff_model, "staff_ref") == "OPCC0010"


def test_a_kpi_jumps_to_its_group_grid_and_tree(session, box, qtbot):
    find(box, qtbot, "drone pilots")
    tab = session.window.current_tab()
    assert isinstance(tab, KpisTab)
    assert current(tab.grid, tab.grid_model, "name") == "Number of drone pilots in force"
    assert tab.tree.currentIndex().data() == "Number of drone pilots in force"


def test_a_goal_and_a_goal_update_jump_to_the_goal_in_the_year(session, box, qtbot):
    find(box, qtbot, "victim mapping")
    tab = session.window.current_tab()
    assert isinstance(tab, GoalsTab)
    assert current(tab.goal_table, tab.goal_model, "title") == "Victim Mapping"
    tab.year_box.setCurrentText("2022/23")
    session.window.find_action.trigger()
    find(box, qtbot, "induction of new team")  # the 2021/22 update of a goal
    assert tab.year_box.currentText() == "2021/22"
    assert current(tab.goal_table, tab.goal_model, "title") == "OPCC Team Training Needs Assessment"
    assert "induction of new team members" in tab.update_editor.toPlainText()


def test_an_edi_area_service_and_scheme_jump_to_their_rows(session, box, qtbot):
    find(box, qtbot, "Responsive Services")
    goals = session.window.current_tab()
    assert isinstance(goals, GoalsTab)
    assert current(goals.edi_table, goals.edi_model, "area") == "Responsive Services"
    session.window.find_action.trigger()
    find(box, qtbot, "Harbour")
    services = session.window.current_tab()
    assert isinstance(services, ServicesTab)
    assert current(services.service_table, services.service_model, "name") == "Harbour"
    assert services.heading.text().startswith("Harbour")
    session.window.find_action.trigger()
    find(box, qtbot, "youth triage")
    schemes = session.window.current_tab()
    assert isinstance(schemes, SchemesTab)
    assert current(schemes.scheme_table, schemes.scheme_model, "name") == "Youth Triage"


def test_a_phrase_opens_its_section_with_the_words_selected(session, box, qtbot):
    find(box, qtbot, "public sector equality duty")
    tab = session.window.current_tab()
    assert isinstance(tab, ReportsTab)
    assert tab.choice()[:2] == ("annual-equality", "2021/22")
    assert tab.sections.current_key() == "introduction"
    assert tab.editor.textCursor().selectedText() == "Public Sector Equality Duty"  # bold in the text
    session.window.find_action.trigger()
    find(box, qtbot, "three-year funding was confirmed")
    assert tab.choice() == ("performance-update", "2021/22", 2)
    assert tab.sections.current_key() == "delivery"
    assert tab.editor.textCursor().selectedText() == "three-year funding was confirmed"


def test_esc_closes_and_the_box_keeps_its_text_for_next_time(session, box, qtbot):
    box.text.setText("Harbour")
    qtbot.keyClick(box.text, Qt.Key.Key_Escape)
    assert not box.isVisible()
    session.window.find_action.trigger()
    assert box.isVisible() and box.text.selectedText() == "Harbour"
    assert box.results.count() == 1


def test_nothing_found_says_so_and_enter_does_nothing(session, box, qtbot):
    before = session.window.tabs.currentIndex()
    find(box, qtbot, "no such thing anywhere")
    assert box.isVisible() and box.results.count() == 0
    assert box.status.text() == "Nothing found."
    assert session.window.tabs.currentIndex() == before


def test_locking_forgets_the_text_and_the_results(session, box):
    box.text.setText("OPCC0001")
    box.search_now()
    session.lock()
    assert not box.isVisible() and box.text.text() == "" and box.results.count() == 0
    assert not session.window.find_action.isEnabled()


def test_what_is_gone_is_not_revealed(session):
    gone = [Hit("staff", "", snapshot_id=1, staff_ref="X999"), Hit("staff", "", snapshot_id=99, staff_ref="OPCC0001"),
            Hit("service", "", row_id=999), Hit("scheme", "", row_id=999), Hit("kpi", "", row_id=999),
            Hit("goal", "", row_id=999), Hit("edi_area", "", row_id=999),
            Hit("narrative", "", report="annual-equality", year="1999/00", section="introduction"),
            Hit("narrative", "", report="annual-equality", year="2021/22", section="no_such_section")]  # fmt: skip
    assert [reveal(session.window, hit, "") for hit in gone] == [False] * len(gone)
