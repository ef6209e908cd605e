"""The KPIs tab on real workbooks: definitions tree, the eight-quarter grid (typed cells edited
through the core, computed ones read-only), the trend chart, commentary, undo and paste."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import PASSPHRASE, dump
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QLabel
from ui_support import tab_opener

from opcc_desktop.areas import kpis
from opcc_desktop.figures.formatting import CellState
from opcc_desktop.figures.kpi_analysis import commentary_text, workbook_grids
from ui.tabs.kpis import KpisTab, parse_cell

YEAR, BASE = "2021/22", "2020/21"
CARRIED = "Number of stop and searches carried out"
POSITIVE = "Number of stop and searches with a positive outcome"
RATE = "% of stop and searches with a positive outcome"
ANSWERED = "% 999 calls answered within 10 seconds"


@pytest.fixture
def open_tab(qtbot):
    yield from tab_opener(qtbot, KpisTab)


def choose_group(tab: KpisTab, name: str) -> None:
    found = tab.tree_model.match(tab.tree_model.index(0, 0), Qt.ItemDataRole.DisplayRole, name, 1,
                                 Qt.MatchFlag.MatchRecursive | Qt.MatchFlag.MatchExactly)  # fmt: skip
    tab.tree.setCurrentIndex(found[0])


def cell_index(tab: KpisTab, kpi: str, column: str):
    row = next(i for i, r in enumerate(tab.grid_model.rows) if r["name"] == kpi)
    return tab.grid_model.index(row, tab.grid_model.columns.index(
        next(c for c in tab.grid_model.columns if c.title == column)))  # fmt: skip


def kpi_id(context, name: str) -> int:
    return next(k["id"] for k in kpis.kpi_tree(context.wb) if k["name"] == name)


def stored(context, name: str, year: str, quarter: int) -> dict | None:
    rows = [v for v in kpis.kpi_values(context.wb, kpi_id(context, name))
            if v["financial_year"] == year and v["quarter"] == quarter]  # fmt: skip
    return rows[0] if rows else None


def shown(context, name: str, year: str = YEAR):
    return next(g for g in workbook_grids(context.wb, year) if g.name == name)


# -- reading --------------------------------------------------------------------------------------
def test_demo_shows_definitions_grid_chart_and_commentary(open_tab, qtmodeltester, demo) -> None:
    tab = open_tab(demo)
    assert tab.stack.currentIndex() == 1
    outcomes = [tab.tree_model.index(r, 0).data() for r in range(tab.tree_model.rowCount())]
    assert len(outcomes) == 4 and outcomes[-1] == "Police Accountability"
    assert tab.year_box.currentText() == YEAR
    assert tab.grid_model.columns[1].title == f"{BASE}\nQ1"
    assert tab.grid_model.columns[8].title == f"{YEAR}\nQ4"
    assert tab.grid_model.rows[0]["name"] == "Number of 999 calls received"
    assert cell_index(tab, "Number of 999 calls received", f"{BASE}\nQ1").data() == "22,446"
    assert tab.chart.spec is not None and tab.chart.spec.title == "Number of 999 calls received"
    assert [s.name for s in tab.chart.spec.series] == [BASE, YEAR]
    assert tab.chart.drawn_values()[0][0] == 22446.0
    assert tab.quarter_box.currentIndex() == 3  # the latest quarter with figures
    assert tab.editor.toPlainText().startswith("Demand in the control room remains high")
    choose_group(tab, "Stop and Search")
    derived = tab.tree_model.match(tab.tree_model.index(0, 0), Qt.ItemDataRole.DisplayRole, RATE, 1,
                                   Qt.MatchFlag.MatchRecursive)[0]  # fmt: skip
    assert derived.siblingAtColumn(1).data() == "percent\ncomputed"
    assert "Computed from" in derived.data(Qt.ItemDataRole.ToolTipRole)
    choose_group(tab, "Public Confidence")
    assert "Comparators: National 75" in tab.grid_model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    qtmodeltester.check(tab.grid_model)
    qtmodeltester.check(tab.tree_model)


def test_cell_states_are_shown_distinctly(open_tab, demo) -> None:
    tab = open_tab(demo)
    choose_group(tab, "Victims Code of Practice (VCOP)")
    index = cell_index(tab, "% of crimes where VCOP meet the required standard (audited)", f"{BASE}\nQ1")
    assert index.data() == "not available" and index.data(Qt.ItemDataRole.FontRole).italic()
    assert index.data(Qt.ItemDataRole.BackgroundRole) is not None
    missing = cell_index(tab, "% of crimes with an updated VCOP review", f"{YEAR}\nQ4")
    assert missing.data() == "-" and missing.data(Qt.ItemDataRole.EditRole) == ""  # over, no figure: as printed
    choose_group(tab, "Public Access to Services")
    answered = kpi_id(demo, ANSWERED)
    demo.do(kpis.set_kpi_value, answered, YEAR, 4, status="under development")
    demo.do(kpis.set_kpi_value, answered, YEAR, 3, 85.6, provisional=True)
    assert cell_index(tab, ANSWERED, f"{YEAR}\nQ4").data() == "under development"
    provisional = cell_index(tab, ANSWERED, f"{YEAR}\nQ3")
    assert provisional.data() == "85.6% (p)" and provisional.data(Qt.ItemDataRole.EditRole) == "85.6 (p)"
    assert "Provisional" in provisional.data(Qt.ItemDataRole.ToolTipRole)


def test_empty_workbook_says_where_kpis_come_from(open_tab, qtmodeltester, wb, context) -> None:
    context.attach(wb, PASSPHRASE)
    tab = open_tab(context)
    assert tab.stack.currentIndex() == 0
    assert "No KPIs are defined" in tab.stack.currentWidget().findChild(QLabel).text()
    assert tab.grid_model.rowCount() == 0 and tab.chart.spec is None
    assert tab.year_box.count() >= 1
    qtmodeltester.check(tab.grid_model)
    qtmodeltester.check(tab.tree_model)


# -- editing --------------------------------------------------------------------------------------
def test_editing_a_cell_changes_the_workbook_and_the_chart_and_undo_restores(open_tab, demo) -> None:
    tab = open_tab(demo)
    index = cell_index(tab, "Number of 999 calls received", f"{YEAR}\nQ2")
    assert tab.chart.drawn_values()[1][1] == 27860.0
    assert tab.grid_model.setData(index, "30,000")
    assert stored(demo, "Number of 999 calls received", YEAR, 2)["value"] == 30000
    assert index.data() == "30,000" and tab.chart.drawn_values()[1][1] == 30000.0
    demo.undo_stack.undo()
    assert stored(demo, "Number of 999 calls received", YEAR, 2)["value"] == 27860
    assert tab.chart.drawn_values()[1][1] == 27860.0 and index.data() == "27,860"
    demo.undo_stack.redo()
    assert tab.chart.drawn_values()[1][1] == 30000.0
    assert tab.grid.currentIndex().isValid()  # the officer's place in the grid is kept


def test_clearing_a_cell_blanks_it(open_tab, demo) -> None:
    tab = open_tab(demo)
    index = cell_index(tab, "Number of 999 calls received", f"{YEAR}\nQ4")
    assert tab.grid_model.setData(index, "")
    assert stored(demo, "Number of 999 calls received", YEAR, 4) is None
    assert tab.chart.drawn_values()[1][3] is None


def test_status_words_set_the_status(open_tab, demo) -> None:
    tab = open_tab(demo)
    index = cell_index(tab, ANSWERED, f"{YEAR}\nQ1")
    tab.grid.setCurrentIndex(index)
    assert tab.chart.spec.title == ANSWERED and tab.chart.drawn_values()[1][0] == 80.3
    assert tab.grid_model.setData(index, "n/a")
    assert stored(demo, ANSWERED, YEAR, 1)["status"] == "not available"
    assert stored(demo, ANSWERED, YEAR, 1)["value"] is None
    assert index.data() == "not available" and tab.chart.drawn_values()[1][0] is None
    assert tab.grid_model.setData(index, "Not available")
    assert tab.grid_model.setData(index, "under development")
    assert stored(demo, ANSWERED, YEAR, 1)["status"] == "under development"
    assert tab.grid_model.setData(index, "81.5 (p)")
    assert stored(demo, ANSWERED, YEAR, 1) == {"financial_year": YEAR, "quarter": 1, "value": 81.5,
                                               "status": "", "provisional": 1, "revised": 0, "period": ""}  # fmt: skip


@pytest.mark.parametrize(("kpi", "typed", "reason"), [
    ("Number of 999 calls received", "lots", "not a number"),
    ("Number of 999 calls received", "12.5", "whole number"),
    (ANSWERED, "150", "out of range"),
])  # fmt: skip
def test_invalid_values_are_refused_with_the_reason(open_tab, demo, failures, kpi, typed, reason) -> None:
    tab = open_tab(demo)
    index = cell_index(tab, kpi, f"{YEAR}\nQ1")
    before, shown_before, drawn = dump(demo.wb), index.data(), tab.chart.drawn_values()
    assert not tab.grid_model.setData(index, typed)
    assert len(failures) == 1 and reason in failures[0]
    assert dump(demo.wb) == before and index.data() == shown_before
    assert tab.chart.drawn_values() == drawn and demo.undo_stack.count() == 0


def test_computed_kpi_is_read_only_and_follows_its_inputs(open_tab, demo) -> None:
    tab = open_tab(demo)
    choose_group(tab, "Stop and Search")
    rate = cell_index(tab, RATE, f"{YEAR}\nQ1")
    assert not tab.grid_model.flags(rate) & Qt.ItemFlag.ItemIsEditable
    assert tab.grid_model.flags(cell_index(tab, CARRIED, f"{YEAR}\nQ1")) & Qt.ItemFlag.ItemIsEditable
    assert "Computed from" in rate.data(Qt.ItemDataRole.ToolTipRole)
    assert rate.data(Qt.ItemDataRole.ForegroundRole) is not None  # greyed
    assert not tab.grid_model.setData(rate, "50")
    assert rate.data() == "29.3%"  # 323 / 1,104
    assert tab.grid_model.setData(cell_index(tab, POSITIVE, f"{YEAR}\nQ1"), "552")
    assert rate.data() == "50.0%"
    assert shown(demo, RATE).current[0].value == Decimal("50.0")
    tab.grid.setCurrentIndex(rate)
    assert tab.chart.spec.title == RATE and tab.chart.drawn_values()[1][0] == 50.0


def test_pasting_a_block_is_one_undo_step(open_tab, demo) -> None:
    tab = open_tab(demo)
    choose_group(tab, "Stop and Search")
    before = dump(demo.wb)
    tab.grid.setCurrentIndex(cell_index(tab, CARRIED, f"{YEAR}\nQ3"))
    assert tab.grid.paste("1,000\t900\n250\tn/a\n")
    assert demo.undo_stack.count() == 1
    assert stored(demo, CARRIED, YEAR, 3)["value"] == 1000 and stored(demo, CARRIED, YEAR, 4)["value"] == 900
    assert stored(demo, POSITIVE, YEAR, 3)["value"] == 250
    assert stored(demo, POSITIVE, YEAR, 4)["status"] == "not available"
    assert cell_index(tab, RATE, f"{YEAR}\nQ3").data() == "25.0%"
    assert cell_index(tab, RATE, f"{YEAR}\nQ4").data() == "not available"
    demo.undo_stack.undo()
    assert dump(demo.wb) == before
    assert cell_index(tab, RATE, f"{YEAR}\nQ3").data() == "27.7%"


def test_a_paste_with_one_bad_cell_changes_nothing(open_tab, demo, failures) -> None:
    tab = open_tab(demo)
    before = dump(demo.wb)
    tab.grid.setCurrentIndex(cell_index(tab, ANSWERED, f"{YEAR}\nQ1"))
    assert not tab.grid.paste("80\t150\n")
    assert dump(demo.wb) == before and len(failures) == 1 and demo.undo_stack.count() == 0


def test_delete_blanks_the_selected_cells_as_one_edit(open_tab, demo) -> None:
    tab = open_tab(demo)
    choose_group(tab, "Stop and Search")
    tab.grid.setCurrentIndex(cell_index(tab, CARRIED, f"{YEAR}\nQ4"))
    tab.grid.selectAll()  # computed cells in the selection are left alone
    delete = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(tab.grid, delete)
    assert demo.undo_stack.count() == 1
    assert all(stored(demo, name, year, q) is None for name in (CARRIED, POSITIVE) for year in (BASE, YEAR)
               for q in (1, 2, 3, 4))  # fmt: skip
    assert all(c.state is CellState.MISSING for c in shown(demo, RATE).cells)  # past quarters: "-"
    demo.undo_stack.undo()
    assert stored(demo, CARRIED, YEAR, 4)["value"] == 875


# -- year, commentary, clear ----------------------------------------------------------------------
def test_choosing_a_year_moves_the_grid_and_chart(open_tab, demo) -> None:
    tab = open_tab(demo)
    tab.year_box.setCurrentText(BASE)
    assert tab.grid_model.columns[1].title == "2019/20\nQ1"
    assert cell_index(tab, "Number of 999 calls received", f"{BASE}\nQ1").data() == "22,446"
    assert [s.name for s in tab.chart.spec.series] == ["2019/20", BASE]
    assert tab.grid_model.setData(cell_index(tab, "Number of 999 calls received", "2019/20\nQ1"), "20000")
    assert stored(demo, "Number of 999 calls received", "2019/20", 1)["value"] == 20000


def test_commentary_is_saved_as_one_edit_and_undone(open_tab, demo) -> None:
    tab = open_tab(demo)
    choose_group(tab, "Stop and Search")
    group = shown(demo, CARRIED).group_id
    tab.quarter_box.setCurrentIndex(1)
    old = commentary_text(demo.wb, group, YEAR, 2)
    assert tab.editor.toPlainText() == old != ""
    tab.editor.setPlainText("Searches rose in the night-time economy.")
    tab.save_button.click()
    assert commentary_text(demo.wb, group, YEAR, 2) == "Searches rose in the night-time economy."
    assert demo.undo_stack.count() == 1
    tab.save_button.click()  # nothing changed since: no second edit
    assert demo.undo_stack.count() == 1
    demo.undo_stack.undo()
    assert commentary_text(demo.wb, group, YEAR, 2) == old and tab.editor.toPlainText() == old
    demo.undo_stack.redo()
    assert tab.editor.toPlainText() == "Searches rose in the night-time economy."


def test_commentary_is_saved_on_leaving_it_and_before_moving_on(open_tab, demo) -> None:
    tab = open_tab(demo)
    group = shown(demo, "Number of 999 calls received").group_id
    tab.quarter_box.setCurrentIndex(0)
    tab.editor.setPlainText("First quarter note.")
    QApplication.sendEvent(tab.editor, QFocusEvent(QEvent.Type.FocusOut))
    assert commentary_text(demo.wb, group, YEAR, 1) == "First quarter note."
    tab.editor.setPlainText("Second note, typed into Q1's box then moved on.")
    tab.editor.document().setModified(True)
    tab.quarter_box.setCurrentIndex(1)  # moving on saves the text where it was typed
    assert commentary_text(demo.wb, group, YEAR, 1) == "Second note, typed into Q1's box then moved on."
    assert tab.editor.toPlainText() == commentary_text(demo.wb, group, YEAR, 2)
    assert demo.undo_stack.count() == 2


def test_clear_empties_every_model_and_chart(open_tab, demo) -> None:
    tab = open_tab(demo)
    demo.detach()
    assert tab.grid_model.rowCount() == 0 and tab.tree_model.rowCount() == 0
    assert tab.chart.spec is None and tab.chart.drawn_values() == []
    assert tab.editor.toPlainText() == "" and tab.year_box.count() == 0


def test_parse_cell_reads_what_officers_type() -> None:
    assert parse_cell("") == {"value": None, "status": "", "provisional": False, "revised": False}
    assert parse_cell(" - ")["status"] == "not available"
    assert parse_cell("UD")["status"] == "under development"
    assert parse_cell("Measurement under development")["status"] == "under development"
    assert parse_cell("87.2% (p)") == {"value": "87.2", "status": "", "provisional": True, "revised": False}
    assert parse_cell("1,234 (r)")["revised"] is True
    assert parse_cell("lots")["value"] == "lots"  # the core says why it is refused


def test_the_explanations_use_the_workbooks_symbols(open_tab, demo) -> None:
    from opcc_desktop.areas import settings

    tab = open_tab(demo)
    tab.refresh()
    assert 'printed as "-"' in tab.grid_model.explained[CellState.MISSING]
    demo.do(settings.set_setting, "cells.symbols", "analysis-function")
    assert 'printed as "[x]"' in tab.grid_model.explained[CellState.MISSING]
    assert "[p]" in tab.grid_model.explained[CellState.PROVISIONAL]


def test_every_group_chosen_has_a_current_kpi_in_its_grid_and_its_chart(open_tab, demo) -> None:
    """Moving between groups whose current KPI sits on the same grid row kept no current
    cell (the grid was reset under it); the grid, the chart and the tree must agree."""
    tab = open_tab(demo)
    groups = sorted({g.group_name for g in tab.grids})
    for name in groups + groups[::-1]:
        choose_group(tab, name)
        current = tab.grid.currentIndex()
        assert current.isValid() and current.column() >= 1, name
        kpi = tab.grid_model.rows[current.row()]["grid"]
        assert kpi.group_name == name and kpi.id == tab.kpi_id, name
        charted = tab.chart.spec.title if tab.chart.spec is not None else tab.no_chart.text()
        assert charted.startswith(kpi.name), name


def test_an_edited_figure_moves_the_points_on_screen(open_tab, demo, qtbot) -> None:
    """An edit moves the drawn lines' points in place; what pyqtgraph holds is the figures."""
    tab = open_tab(demo)
    qtbot.waitUntil(lambda: tab.chart.plot is not None)  # the plot is made once the tab has painted

    def on_screen() -> list[list[float | None]]:
        drawn = []
        for (xs, ys), values in zip(tab.chart.plotted_lines(), tab.chart.drawn_values()):
            points = dict(zip(xs, ys))
            drawn.append([points.get(float(i)) for i in range(len(values))])
        return drawn

    assert on_screen() == tab.chart.drawn_values()
    index = cell_index(tab, "Number of 999 calls received", f"{YEAR}\nQ2")
    for typed in ("30,000", "", "12"):
        assert tab.grid_model.setData(index, typed)
        assert on_screen() == tab.chart.drawn_values()
    assert tab.chart.drawn_values()[1][:2] == [tab.chart.drawn_values()[1][0], 12.0]
    choose_group(tab, sorted({g.group_name for g in tab.grids})[-1])  # another chart altogether
    assert on_screen() == tab.chart.drawn_values()
