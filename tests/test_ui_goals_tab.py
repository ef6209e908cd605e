"""The Goals tab on real workbooks: goals with their status and yearly update, the EDI
self-assessment, the goals-by-status chart, undo, and the empty state."""

from __future__ import annotations

import pytest
from conftest import PASSPHRASE, dump
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QApplication, QComboBox
from ui_support import tab_opener

from opcc_desktop.areas import goals
from ui.tabs.goals import GoalsTab

YEAR = "2021/22"


@pytest.fixture
def open_tab(qtbot):
    yield from tab_opener(qtbot, GoalsTab)


def goal_row(tab: GoalsTab, title: str) -> int:
    return next(i for i, r in enumerate(tab.goal_model.rows) if r["title"] == title)


def goal(context, title: str) -> dict:
    return next(g for g in goals.goals_with_update(context.wb, YEAR) if g["title"] == title)


def area(context, name: str, year: str = YEAR) -> dict:
    return next(a for a in goals.edi_rows(context.wb, year) if a["area"] == name)


def column(model, key: str) -> int:
    return next(i for i, c in enumerate(model.columns) if c.key == key)


def test_demo_shows_goals_updates_assessment_and_chart(open_tab, qtmodeltester, demo) -> None:
    tab = open_tab(demo)
    assert tab.year_box.currentText() == YEAR
    assert tab.goal_model.rowCount() == 8 and tab.edi_model.rowCount() == 4
    status = tab.goal_model.index(goal_row(tab, "Victim Mapping"), column(tab.goal_model, "status"))
    assert status.data() == "Achieved" and status.data(Qt.ItemDataRole.EditRole) == "achieved"
    assert tab.goal_model.headerData(4, Qt.Orientation.Horizontal) == f"Update for {YEAR}"
    assert tab.goal_heading.text() == "Victim Mapping"
    assert tab.update_editor.toPlainText().startswith("The VNA was published")
    assert tab.edi_model.index(0, 1).data() == "Achieving"
    assert tab.evidence_editor.toPlainText().startswith("The Consultation & Engagement Strategy")
    assert tab.chart.spec.title == f"{YEAR} goals by status"
    assert tab.chart.drawn_values() == [[0.0, 1.0, 2.0, 1.0, 0.0]]
    qtmodeltester.check(tab.goal_model)
    qtmodeltester.check(tab.edi_model)


def test_empty_workbook_explains_and_does_not_crash(open_tab, qtmodeltester, wb, context) -> None:
    context.attach(wb, PASSPHRASE)
    tab = open_tab(context)
    assert tab.goal_stack.currentIndex() == 0 and tab.edi_stack.currentIndex() == 0
    assert "No equality goals" in tab.goal_stack.currentWidget().text()
    assert "No EDI Quality Framework areas" in tab.edi_stack.currentWidget().text()
    assert tab.chart.spec is None and tab.chart_stack.currentIndex() == 1
    assert not tab.update_editor.isEnabled() and not tab.evidence_editor.isEnabled()
    tab.save_update()
    tab.save_evidence()
    assert context.undo_stack.count() == 0
    qtmodeltester.check(tab.goal_model)
    qtmodeltester.check(tab.edi_model)


def test_goal_status_edit_changes_workbook_and_chart_and_undoes(open_tab, demo) -> None:
    tab = open_tab(demo)
    row = goal_row(tab, "Strengthened Performance Monitoring")
    index = tab.goal_model.index(row, column(tab.goal_model, "status"))
    assert tab.goal_model.setData(index, "achieved")
    assert goal(demo, "Strengthened Performance Monitoring")["status"] == "achieved"
    assert tab.chart.drawn_values() == [[0.0, 0.0, 3.0, 1.0, 0.0]]
    assert tab.goal_model.index(index.row(), index.column()).data() == "Achieved"
    demo.undo_stack.undo()
    assert goal(demo, "Strengthened Performance Monitoring")["status"] == "in progress"
    assert tab.chart.drawn_values() == [[0.0, 1.0, 2.0, 1.0, 0.0]]
    demo.undo_stack.redo()
    assert goal(demo, "Strengthened Performance Monitoring")["status"] == "achieved"


def test_status_combo_offers_the_statuses_and_commits(open_tab, demo) -> None:
    tab = open_tab(demo)
    index = tab.goal_model.index(goal_row(tab, "Consultation"), column(tab.goal_model, "status"))
    tab.goal_table.setCurrentIndex(index)
    tab.goal_table.edit(index)
    combo = tab.goal_table.findChild(QComboBox)
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Not started", "In progress", "Achieved", "Rolled over", "Dropped"]
    assert combo.currentText() == "Achieved"
    combo.setCurrentIndex(4)
    combo.activated.emit(4)
    assert goal(demo, "Consultation")["status"] == "dropped"
    assert demo.undo_stack.count() == 1


def test_an_unknown_status_is_refused(open_tab, demo, failures) -> None:
    tab = open_tab(demo)
    before = dump(demo.wb)
    index = tab.goal_model.index(0, column(tab.goal_model, "status"))
    assert not tab.goal_model.setData(index, "finished")
    assert dump(demo.wb) == before and len(failures) == 1 and "status" in failures[0]


def test_goal_update_is_saved_for_the_report_year_and_undone(open_tab, demo) -> None:
    tab = open_tab(demo)
    tab.goal_table.selectRow(goal_row(tab, "Consultation"))
    old = goal(demo, "Consultation")["update"]
    assert tab.update_editor.toPlainText() == old
    tab.update_editor.setPlainText("The strategy was refreshed in March 2022.")
    tab.save_update_button.click()
    saved = goal(demo, "Consultation")
    assert saved["update"] == "The strategy was refreshed in March 2022."
    assert saved["update_date"] == "2022-06-30"  # the update keeps its date
    assert demo.undo_stack.count() == 1
    demo.undo_stack.undo()
    assert goal(demo, "Consultation")["update"] == old and tab.update_editor.toPlainText() == old


def test_a_new_update_is_dated_and_saved_on_leaving_the_text(open_tab, demo) -> None:
    tab = open_tab(demo)
    tab.year_box.setCurrentText("2022/23")
    tab.goal_table.selectRow(goal_row(tab, "Data Collection"))
    assert tab.update_editor.toPlainText() == "" and "Not written yet" in tab.update_date.text()
    tab.update_editor.setPlainText("Providers now send quarterly data.")
    QApplication.sendEvent(tab.update_editor, QFocusEvent(QEvent.Type.FocusOut))
    rows = {g["title"]: g for g in goals.goals_with_update(demo.wb, "2022/23")}
    assert rows["Data Collection"]["update"] == "Providers now send quarterly data."
    assert rows["Data Collection"]["update_date"] is not None
    assert goal(demo, "Data Collection")["update"] is None  # 2021/22's report is untouched


def test_edi_level_edit_keeps_the_evidence_and_undoes(open_tab, demo) -> None:
    tab = open_tab(demo)
    name = "Diverse and Engaged Workforce"
    row = next(i for i, r in enumerate(tab.edi_model.rows) if r["area"] == name)
    evidence = area(demo, name)["evidence"]
    assert tab.edi_model.setData(tab.edi_model.index(row, 1), "Advancing")
    assert area(demo, name) == {**area(demo, name), "level": "Advancing", "evidence": evidence}
    assert tab.edi_model.index(row, 1).data() == "Advancing"
    demo.undo_stack.undo()
    assert area(demo, name)["level"] == "Developing"


def test_edi_level_combo_lists_the_settings_levels(open_tab, demo) -> None:
    tab = open_tab(demo)
    index = tab.edi_model.index(0, 1)
    tab.edi_table.edit(index)
    combo = tab.edi_table.findChild(QComboBox)
    assert [combo.itemText(i) for i in range(combo.count())] == ["Not assessed", "Developing", "Achieving",
                                                                 "Advancing"]  # fmt: skip
    combo.setCurrentIndex(0)
    combo.activated.emit(0)
    assert area(demo, tab.edi_model.rows[0]["area"])["level"] is None


def test_an_unknown_level_is_refused(open_tab, demo, failures) -> None:
    tab = open_tab(demo)
    before = dump(demo.wb)
    assert not tab.edi_model.setData(tab.edi_model.index(0, 1), "Excellent")
    assert dump(demo.wb) == before and len(failures) == 1


def test_evidence_is_saved_with_the_level_and_needs_one(open_tab, demo) -> None:
    tab = open_tab(demo)
    tab.edi_table.selectRow(2)
    name = tab.edi_model.rows[2]["area"]
    tab.evidence_editor.setPlainText("Every service now reports quarterly.")
    tab.save_evidence_button.click()
    assert area(demo, name)["evidence"] == "Every service now reports quarterly."
    assert area(demo, name)["level"] == "Achieving"
    tab.year_box.setCurrentText("2022/23")  # not assessed yet: the evidence waits for a level
    assert area(demo, name, "2022/23")["level"] is None
    assert not tab.evidence_editor.isEnabled() and "Choose a level" in tab.evidence_editor.placeholderText()


def test_clear_empties_models_and_chart(open_tab, demo) -> None:
    tab = open_tab(demo)
    demo.detach()
    assert tab.goal_model.rowCount() == 0 and tab.edi_model.rowCount() == 0
    assert tab.chart.spec is None and tab.chart.drawn_values() == []
    assert tab.update_editor.toPlainText() == "" and tab.evidence_editor.toPlainText() == ""
    assert tab.year_box.count() == 0


def test_goals_and_edi_areas_are_added_renamed_and_deleted_in_the_window(open_tab, demo, monkeypatch) -> None:
    from opcc_desktop.areas import goals

    tab = open_tab(demo)
    tab.refresh()
    before = dump(demo.wb)
    names = ["Improve the monitoring data of every service", "Partnerships", "Partnership working"]
    monkeypatch.setattr(tab.actions, "ask_name", lambda caption, current: names.pop(0))
    monkeypatch.setattr(tab.actions, "confirm_delete", lambda question: True)
    tab.actions.add_goal()
    added = [g for g in demo.read(goals.goals) if g["title"].startswith("Improve the monitoring")]
    assert len(added) == 1 and added[0]["set_for_year"] == tab.year and added[0]["status"] == "not started"
    tab.actions.add_area()
    area = next(r for r in demo.read(goals.edi_rows, tab.year) if r["area"] == "Partnerships")
    tab.area_id = area["area_id"]
    tab.actions.rename_area()
    assert any(r["area"] == "Partnership working" for r in demo.read(goals.edi_rows, tab.year))
    tab.goal_id = added[0]["id"]
    tab.actions.delete_goal()
    tab.area_id = area["area_id"]
    tab.actions.delete_area()
    assert demo.undo_stack.count() == 5
    for _ in range(5):
        demo.undo_stack.undo()
    assert dump(demo.wb) == before
