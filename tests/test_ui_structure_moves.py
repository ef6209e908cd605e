"""Moving and retiring in the window, driven as an officer would on a copy of the demo: a KPI
dragged to another group with a real drop on the tree, groups and outcomes dragged, Alt+Up and
Alt+Down in the KPIs tree and the Goals tab's tables, "Move to…", and a KPI retired (greyed,
its later cells closed, left out of the update from its year on, still printed before) and
reinstated; each one undoable edit through the core, undo restoring the file exactly."""

from __future__ import annotations

import re

import pdfplumber
import pytest
from conftest import dump
from PySide6.QtCore import QModelIndex, QPointF, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QToolButton
from ui_support import tab_opener

from opcc_desktop.areas import goals, kpis
from opcc_desktop.documents.export import export_report
from opcc_desktop.documents.release import Release
from ui.kpi_structure import StructureActions
from ui.tabs.goals import GoalsTab
from ui.tabs.kpis import RETIRED_TEXT, KpisTab

REVIEW = "% of crimes with an updated VCOP review"  # demo figures to 2021/22 Q1
PILOTS = "Number of drone pilots in force"
ANSWERED = "% 999 calls answered within 10 seconds"


@pytest.fixture
def open_kpis(qtbot):
    yield from tab_opener(qtbot, KpisTab)


@pytest.fixture
def open_goals(qtbot):
    yield from tab_opener(qtbot, GoalsTab)


@pytest.fixture
def kpi_tab(open_kpis, demo) -> KpisTab:
    return open_kpis(demo)


@pytest.fixture
def goals_tab(open_goals, demo) -> GoalsTab:
    return open_goals(demo)


def key_of(context, kind: str, name: str) -> str:
    tables = {"outcome": "strategic_outcomes", "group": "kpi_groups", "kpi": "kpis"}
    return f"{kind}:{context.wb.scalar(f'SELECT id FROM {tables[kind]} WHERE name = ?', [name])}"


def find(tab: KpisTab, key: str) -> QModelIndex:
    return tab.tree_model.match(tab.tree_model.index(0, 0), Qt.ItemDataRole.UserRole, key, 1,
                                Qt.MatchFlag.MatchRecursive | Qt.MatchFlag.MatchExactly)[0]  # fmt: skip


def children(tab: KpisTab, key: str) -> list[str]:
    parent = find(tab, key)
    return [str(tab.tree_model.index(r, 0, parent).data(Qt.ItemDataRole.UserRole))
            for r in range(tab.tree_model.rowCount(parent))]  # fmt: skip


def in_file(context, group: str) -> list[str]:
    return [r["name"] for r in context.wb.rows("SELECT k.name FROM kpis k JOIN kpi_groups g ON g.id = k.group_id"
                                                " WHERE g.name = ? ORDER BY k.position", [group])]  # fmt: skip


def drop(tab: KpisTab, dragged: str, target: str, upper: bool) -> None:
    """Drag ``dragged`` (the current item, as a drag makes it) and drop it on ``target``'s
    row, in its upper or lower half: a real drop event, carrying the data the model gives a
    drag, handed to the tree as Qt hands it the drop of a drag it started."""
    tab.tree.setCurrentIndex(find(tab, dragged))
    tab.tree.scrollTo(find(tab, target))
    rect = tab.tree.visualRect(find(tab, target))
    point = QPointF(rect.center().x(), rect.top() + 2 if upper else rect.bottom() - 2)
    event = QDropEvent(point, Qt.DropAction.MoveAction, tab.tree_model.mimeData([find(tab, dragged)]),
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    tab.tree.dropEvent(event)
    assert event.dropAction() == Qt.DropAction.IgnoreAction  # the view never moves the row itself


def button(tab, name: str) -> QToolButton:
    return next(b for b in tab.findChildren(QToolButton) if b.accessibleName() == name)


def update_text(context, year: str, quarter: int, tmp_path, draft: bool = False) -> str:
    out = export_report(context.wb, "performance-update", year, quarter, tmp_path / f"update-{year[:4]}.pdf",
                        release=Release(draft=draft))  # fmt: skip
    with pdfplumber.open(out) as pdf:
        return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in pdf.pages))


# -- moving in the KPIs tab -----------------------------------------------------------------
def test_a_kpi_dragged_onto_another_groups_kpi_lands_before_it(kpi_tab, demo, tmp_path) -> None:
    before = dump(demo.wb)
    text = update_text(demo, "2021/22", 4, tmp_path)
    assert text.index("Number of drone deployments") < text.index(PILOTS)
    pilots, answered = key_of(demo, "kpi", PILOTS), key_of(demo, "kpi", ANSWERED)
    drop(kpi_tab, pilots, answered, upper=True)
    assert in_file(demo, "Public Access to Services")[:3] == ["Number of 999 calls received", PILOTS, ANSWERED]
    text = update_text(demo, "2021/22", 4, tmp_path)  # the update prints it in its new place
    assert text.index(PILOTS) < text.index("Number of drone deployments")
    assert PILOTS not in in_file(demo, "Use of Drones")
    group = key_of(demo, "group", "Public Access to Services")
    assert children(kpi_tab, group)[1] == pilots  # the tree is redrawn from the file
    assert kpi_tab.tree.key(kpi_tab.tree.currentIndex()) == pilots and kpi_tab.group_id == int(group[6:])
    assert demo.undo_stack.count() == 1 and demo.undo_stack.undoText() == "Move KPI"
    drop(kpi_tab, pilots, answered, upper=False)  # the lower half: after it
    assert in_file(demo, "Public Access to Services")[1:3] == [ANSWERED, PILOTS]
    demo.undo_stack.undo()
    demo.undo_stack.undo()
    assert dump(demo.wb) == before
    assert children(kpi_tab, key_of(demo, "group", "Use of Drones"))[1] == pilots


def test_a_kpi_dropped_on_a_group_goes_last_and_on_an_outcome_nowhere(kpi_tab, demo) -> None:
    pilots = key_of(demo, "kpi", PILOTS)
    drop(kpi_tab, pilots, key_of(demo, "group", "Complaints"), upper=True)
    assert in_file(demo, "Complaints")[-1] == PILOTS
    drop(kpi_tab, pilots, key_of(demo, "outcome", "Police Accountability"), upper=False)
    assert in_file(demo, "Complaints")[-1] == PILOTS and demo.undo_stack.count() == 1


def test_groups_and_outcomes_are_dragged_among_their_own_kind(kpi_tab, demo) -> None:
    before = dump(demo.wb)
    online, accountability = key_of(demo, "group", "Single Online Home"), key_of(demo, "outcome", "Police Accountability")
    drop(kpi_tab, online, accountability, upper=True)  # a group dropped on an outcome: last in it
    assert children(kpi_tab, accountability)[-1] == online
    drop(kpi_tab, online, key_of(demo, "kpi", "Number of stop and searches carried out"), upper=True)
    assert children(kpi_tab, accountability)[:2] == [key_of(demo, "group", "Stop and Search"), online]
    drop(kpi_tab, accountability, key_of(demo, "outcome", "Build confidence and put the pride back into Cleveland "
                                                          "Police"), upper=True)  # fmt: skip
    assert kpi_tab.tree_model.index(0, 0).data(Qt.ItemDataRole.UserRole) == accountability
    for _ in range(3):
        demo.undo_stack.undo()
    assert dump(demo.wb) == before


def test_alt_up_and_alt_down_move_the_selected_item_and_keep_it_selected(kpi_tab, demo, qtbot) -> None:
    before = dump(demo.wb)
    drones = key_of(demo, "group", "Use of Drones")
    kpi_tab.tree.setCurrentIndex(find(kpi_tab, drones))
    kpi_tab.tree.setFocus()
    qtbot.keyClick(kpi_tab.tree, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    technology = key_of(demo, "outcome", "Make greater use of technology that creates efficiencies and supports "
                                        "productivity")  # fmt: skip
    assert children(kpi_tab, technology) == [key_of(demo, "group", "Single Online Home"), drones]
    assert kpi_tab.tree.key(kpi_tab.tree.currentIndex()) == drones
    qtbot.keyClick(kpi_tab.tree, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)  # already last: nothing
    assert demo.undo_stack.count() == 1
    kpi_tab.tree.setCurrentIndex(find(kpi_tab, key_of(demo, "kpi", ANSWERED)))
    qtbot.keyClick(kpi_tab.tree, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert in_file(demo, "Public Access to Services")[:2] == [ANSWERED, "Number of 999 calls received"]
    button(kpi_tab, "Down").click()
    assert in_file(demo, "Public Access to Services")[:2] == ["Number of 999 calls received", ANSWERED]
    for _ in range(3):
        demo.undo_stack.undo()
    assert dump(demo.wb) == before


def test_move_to_sends_a_kpi_to_the_end_of_the_group_chosen(kpi_tab, demo, monkeypatch) -> None:
    offered: list[tuple[list[str], str]] = []

    def choose(self, caption, label, options, current):  # type: ignore[no-untyped-def]
        offered.append((list(options), current))
        return next(o for o in options if o.endswith("› Complaints"))

    monkeypatch.setattr(StructureActions, "ask_choice", choose)
    kpi_tab.tree.setCurrentIndex(find(kpi_tab, key_of(demo, "kpi", PILOTS)))
    button(kpi_tab, "Move to").click()
    assert in_file(demo, "Complaints")[-1] == PILOTS
    options, current = offered[0]
    assert current.endswith("› Use of Drones") and len(options) == 8


# -- retiring in the KPIs tab ---------------------------------------------------------------
def test_retire_a_kpi_then_the_update_leaves_it_out_from_that_year_and_undo(kpi_tab, demo, failures, monkeypatch,
                                                                             tmp_path) -> None:  # fmt: skip
    years: list[str] = ["2021/22", "2022/23"]
    asked: list[str] = []

    def ask_year(self, caption, label, options, current):  # type: ignore[no-untyped-def]
        asked.append(current)
        return years.pop(0)

    monkeypatch.setattr(StructureActions, "ask_year", ask_year)
    before = dump(demo.wb)
    review = key_of(demo, "kpi", REVIEW)
    kpi_tab.tree.setCurrentIndex(find(kpi_tab, review))
    button(kpi_tab, "Retire").click()  # 2021/22: it has a figure then
    assert asked == ["2022/23"]  # offered: the first year after its last figure
    assert "would hide the figures entered for 2021/22" in failures[-1] and dump(demo.wb) == before
    button(kpi_tab, "Retire").click()
    assert demo.wb.scalar("SELECT retired_from FROM kpis WHERE id = ?", [int(review[4:])]) == "2022/23"
    item = find(kpi_tab, review)
    assert item.data() == f"{REVIEW} (retired from 2022/23)"
    assert item.data(Qt.ItemDataRole.ForegroundRole).color() == RETIRED_TEXT
    kpi_tab.year_box.setCurrentText("2022/23")
    row = next(i for i, r in enumerate(kpi_tab.grid_model.rows) if r["name"] == REVIEW)
    closed, open_ = kpi_tab.grid_model.index(row, 5), kpi_tab.grid_model.index(row, 2)  # 2022/23 Q1, 2021/22 Q2
    assert closed.data() == "" and "Retired from 2022/23" in closed.data(Qt.ItemDataRole.ToolTipRole)
    assert not closed.flags() & Qt.ItemFlag.ItemIsEditable and open_.flags() & Qt.ItemFlag.ItemIsEditable
    assert not kpi_tab.grid_model.setData(closed, "50")
    assert "it is retired from 2022/23" in failures[-1]
    assert REVIEW in update_text(demo, "2021/22", 4, tmp_path)
    later = update_text(demo, "2022/23", 1, tmp_path, draft=True)
    assert REVIEW not in later and "% of crimes where VCOP meet the required standard (audited)" in later
    demo.undo_stack.undo()
    assert dump(demo.wb) == before
    assert find(kpi_tab, review).data() == REVIEW


def test_reinstate_brings_a_retired_kpi_back_and_is_undone(kpi_tab, demo, failures) -> None:
    review = key_of(demo, "kpi", REVIEW)
    demo.do(kpis.retire_kpi, int(review[4:]), "2022/23")
    retired = dump(demo.wb)
    kpi_tab.tree.setCurrentIndex(find(kpi_tab, key_of(demo, "kpi", PILOTS)))
    button(kpi_tab, "Reinstate").click()
    assert failures[-1] == "Select a retired KPI to reinstate first."
    kpi_tab.tree.setCurrentIndex(find(kpi_tab, review))
    button(kpi_tab, "Reinstate").click()
    assert find(kpi_tab, review).data() == REVIEW
    assert demo.wb.scalar("SELECT retired_from FROM kpis WHERE id = ?", [int(review[4:])]) is None
    demo.undo_stack.undo()
    assert dump(demo.wb) == retired


def test_a_derived_kpis_input_is_not_retired_while_it_is_printed(kpi_tab, demo, failures, monkeypatch) -> None:
    monkeypatch.setattr(StructureActions, "ask_year", lambda self, caption, label, options, current: "2022/23")
    before = dump(demo.wb)
    kpi_tab.tree.setCurrentIndex(find(kpi_tab, key_of(demo, "kpi", "Complaint allegations: individual behaviours")))
    button(kpi_tab, "Retire").click()
    assert "'Total complaint allegations' is computed from this KPI and still printed in 2022/23" in failures[-1]
    assert dump(demo.wb) == before


# -- moving in the Goals tab ----------------------------------------------------------------
def test_goals_and_areas_move_with_alt_up_and_alt_down(goals_tab, demo, qtbot) -> None:
    before = dump(demo.wb)
    row = next(i for i, r in enumerate(goals_tab.goal_model.rows) if r["title"] == "Victim Mapping")
    goals_tab.goal_table.selectRow(row)
    goals_tab.goal_table.setFocus()
    qtbot.keyClick(goals_tab.goal_table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    titles = [g["title"] for g in goals.goals(demo.wb) if g["set_for_year"] == "2021/22"]
    assert titles[:2] == ["OPCC Team Training Needs Assessment", "Victim Mapping"]
    assert goals_tab.goal_model.rows[goals_tab.goal_table.currentIndex().row()]["title"] == "Victim Mapping"
    qtbot.keyClick(goals_tab.goal_table, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(goals_tab.goal_table, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)  # first of its year
    assert demo.undo_stack.count() == 2
    goals_tab.edi_table.selectRow(3)
    goals_tab.edi_table.setFocus()
    qtbot.keyClick(goals_tab.edi_table, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert [a["area"] for a in goals.edi_rows(demo.wb, "2021/22")][2] == "Diverse and Engaged Workforce"
    for _ in range(3):
        demo.undo_stack.undo()
    assert dump(demo.wb) == before


def test_the_goal_buttons_move_a_goal_only_among_its_year(goals_tab, demo) -> None:
    rows = goals_tab.goal_model.rows
    first_later = next(i for i, r in enumerate(rows) if r["set_for_year"] == "2022/23")
    goals_tab.goal_table.selectRow(first_later)
    up, down = (next(b for b in goals_tab.findChildren(QToolButton) if "among the goals set" in b.toolTip()
                     and b.text() == text) for text in ("Up", "Down"))  # fmt: skip
    up.click()  # the first goal set for 2022/23 goes no higher
    assert demo.undo_stack.count() == 0
    down.click()
    assert [g["title"] for g in goals.goals(demo.wb) if g["set_for_year"] == "2022/23"][:2] == [
        "Data Collection", "Implement EDI Quality Framework"]  # fmt: skip
