"""The Workforce tab on real workbooks: what it shows, edits through the core, undo, paste,
the filter, and a measurement at 50,000 staff."""

from __future__ import annotations

import random
import shutil
import time
from pathlib import Path

import pytest
from conftest import DEMO_PASSPHRASE, dump
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QComboBox, QLabel, QStyleOptionViewItem

from opcc_desktop.areas import workforce
from opcc_desktop.areas.vocab import WORKFORCE_CHARACTERISTICS
from opcc_desktop.store.workbook import Workbook
from ui.clipboard import GuardedClipboard
from ui.context import AppContext
from ui.tabs.workforce import MARKING, WorkforceTab

ETHNICITY = list(WORKFORCE_CHARACTERISTICS).index("ethnicity") + 1  # column: staff ref first


def open_tab(qtbot, book: Workbook, tmp_path: Path) -> WorkforceTab:
    context = AppContext(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    context.attach(book, "passphrase")
    tab = WorkforceTab(context, GuardedClipboard())
    qtbot.addWidget(tab, before_close_func=lambda _closing, kept=tab: None)  # Python keeps the tab until closed
    tab.resize(1200, 760)
    tab.show()
    return tab


@pytest.fixture
def demo_tab(qtbot, demo_path, tmp_path):
    copy = tmp_path / "demo.opcc"
    shutil.copy(demo_path, copy)
    book = Workbook.open(copy, DEMO_PASSPHRASE)
    yield open_tab(qtbot, book, tmp_path)
    book.close()


def row_of(tab: WorkforceTab, ref: str) -> int:
    return next(i for i, r in enumerate(tab.staff_model.rows) if r["staff_ref"] == ref)


def staff_value(tab: WorkforceTab, ref: str, key: str) -> str:
    snapshot = tab.snapshot.currentData()
    return next(r[key] for r in workforce.staff_rows(tab.context.wb, snapshot) if r["staff_ref"] == ref)


def test_demo_is_marked_and_shows_the_latest_snapshot_with_its_analysis(demo_tab, qtmodeltester) -> None:
    tab = demo_tab
    labels = [label.text() for label in tab.findChildren(QLabel)]
    assert labels[0] == MARKING and tab.banner.isVisible()
    assert [tab.snapshot.itemText(i) for i in range(tab.snapshot.count())] == [
        "31 March 2022 (Year end 2022): 25 staff", "31 March 2021 (Year end 2021): 24 staff"]
    assert len(tab.staff_model.rows) == 25 and tab.count.text() == "25 staff"
    assert "Since 31 March 2021" in tab.summary.text()
    assert tab.chart.spec.kind == "grouped_bar"  # previous beside current
    assert [s.name for s in tab.chart.spec.series] == ["31 March 2021", "31 March 2022"]
    assert len(tab.declaration_model.rows) == len(WORKFORCE_CHARACTERISTICS)
    assert "Declaration rate for age band" in tab.rate.text()
    assert "2 periods" in tab.leave.text()
    assert not tab.empty.isVisible()
    for model in (tab.staff_model, tab.comparison_model, tab.declaration_model):
        qtmodeltester.check(model)
    tab.snapshot.setCurrentIndex(1)  # the first snapshot: nothing to compare with
    assert len(tab.staff_model.rows) == 24 and tab.chart.spec.kind == "bar"
    assert all(r["previous"] is None for r in tab.comparison_model.rows)


def test_an_empty_workbook_says_what_to_do_and_a_snapshot_can_be_added(qtbot, wb, tmp_path) -> None:
    tab = open_tab(qtbot, wb, tmp_path)
    assert tab.empty.isVisible() and "Add snapshot" in tab.empty.text()
    assert not tab.body.isVisible() and tab.chart.spec is None and not tab.staff_model.rows
    tab.new_date.setDate(tab.new_date.date().fromString("2022-03-31", Qt.DateFormat.ISODate))
    tab.add_snapshot_button.click()
    assert workforce.snapshots(wb)[0]["snapshot_date"] == "2022-03-31"
    assert tab.body.isVisible() and "no staff rows yet" in tab.empty.text()
    tab.add_button.click()
    assert [r["staff_ref"] for r in tab.staff_model.rows] == ["NEW0001"]
    assert not tab.empty.isVisible() and tab.chart.spec.kind == "bar"


def test_editing_a_characteristic_changes_the_workbook_and_the_chart_and_undoes(demo_tab) -> None:
    tab = demo_tab
    tab.characteristic.setCurrentIndex(tab.characteristic.findData("ethnicity"))
    before = tab.chart.drawn_values()
    row = row_of(tab, "OPCC0001")
    tab.staff_table.setCurrentIndex(tab.staff_model.index(row, ETHNICITY))
    assert tab.staff_model.setData(tab.staff_model.index(row, ETHNICITY), "Asian or Asian British")
    assert staff_value(tab, "OPCC0001", "ethnicity") == "Asian or Asian British"
    after = tab.chart.drawn_values()
    assert after != before
    assert tab.staff_table.currentIndex().row() == row  # the edit reloaded in place
    tab.context.undo_stack.undo()
    assert staff_value(tab, "OPCC0001", "ethnicity") == "White British"
    assert tab.chart.drawn_values() == before
    tab.context.undo_stack.redo()
    assert staff_value(tab, "OPCC0001", "ethnicity") == "Asian or Asian British"
    assert tab.chart.drawn_values() == after


def test_the_characteristic_editor_offers_only_the_allowed_values(demo_tab) -> None:
    tab = demo_tab
    index = tab.staff_model.index(row_of(tab, "OPCC0001"), ETHNICITY)
    delegate = tab.staff_table.itemDelegate()
    editor = delegate.createEditor(tab.staff_table.viewport(), QStyleOptionViewItem(), index)
    assert isinstance(editor, QComboBox)
    assert [editor.itemText(i) for i in range(editor.count())] == list(WORKFORCE_CHARACTERISTICS["ethnicity"])
    delegate.setEditorData(editor, index)
    assert editor.currentText() == "White British"
    editor.setCurrentText("Prefer not to say")
    delegate.setModelData(editor, tab.staff_model, index)
    assert staff_value(tab, "OPCC0001", "ethnicity") == "Prefer not to say"
    fte = tab.staff_model.index(0, [c.key for c in tab.staff_model.columns].index("fte"))
    line = delegate.createEditor(tab.staff_table.viewport(), QStyleOptionViewItem(), fte)
    assert not isinstance(line, QComboBox)  # typed: no spin box that cannot be blank


def test_an_invalid_value_is_refused_with_the_reason(demo_tab, qtbot) -> None:
    tab = demo_tab
    before = dump(tab.context.wb)
    index = tab.staff_model.index(row_of(tab, "OPCC0001"), ETHNICITY)
    with qtbot.waitSignal(tab.context.failed) as failed:
        assert not tab.staff_model.setData(index, "Purple")
    assert "not one of the allowed values" in failed.args[0]
    ref = tab.staff_model.index(row_of(tab, "OPCC0001"), 0)
    with qtbot.waitSignal(tab.context.failed) as failed:
        assert not tab.staff_model.setData(ref, "Jane Smith")
    assert "never use a name" in failed.args[0]
    assert dump(tab.context.wb) == before and tab.context.undo_stack.count() == 0


def _shown(tab: WorkforceTab) -> tuple[object, ...]:
    return (tab.summary.text(), tab.rate.text(), tab.chart.drawn_values(), [dict(r) for r in tab.staff_model.rows],
            [dict(r) for r in tab.comparison_model.rows], [dict(r) for r in tab.declaration_model.rows])


def test_an_edit_shown_in_place_shows_exactly_what_a_reload_shows(demo_tab) -> None:
    """A few rows edited are reread and recounted in place; the figures must be a reload's."""
    tab = demo_tab
    tab.characteristic.setCurrentIndex(tab.characteristic.findData("disability"))
    first, second = tab.staff_model.rows[0]["staff_ref"], tab.staff_model.rows[3]["staff_ref"]
    tab.staff_table.setCurrentIndex(tab.staff_model.index(0, list(WORKFORCE_CHARACTERISTICS).index("disability") + 1))
    assert tab.staff_table.paste("Prefer not to say\nYes\n")
    fte = next(i for i, c in enumerate(tab.staff_model.columns) if c.key == "fte")
    assert tab.staff_model.setData(tab.staff_model.index(3, fte), "0.5")
    patched = _shown(tab)
    assert "Prefer not to say" in {r["disability"] for r in tab.staff_model.rows if r["staff_ref"] == first}
    assert any(r["staff_ref"] == second and r["fte"] == 0.5 for r in tab.staff_model.rows)
    tab.refresh()
    assert _shown(tab) == patched
    tab.context.undo_stack.undo()
    tab.context.undo_stack.undo()
    undone = _shown(tab)
    tab.refresh()
    assert _shown(tab) == undone


def test_pasting_a_block_is_one_edit(demo_tab) -> None:
    tab = demo_tab
    first, second = tab.staff_model.rows[0]["staff_ref"], tab.staff_model.rows[1]["staff_ref"]
    tab.staff_table.setCurrentIndex(tab.staff_model.index(0, 1))  # age band, then sex
    assert tab.staff_table.paste("16-24\tMale\n65+\tPrefer not to say\n")
    assert tab.context.undo_stack.count() == 1
    assert (staff_value(tab, first, "age_band"), staff_value(tab, first, "sex")) == ("16-24", "Male")
    assert staff_value(tab, second, "age_band") == "65+"
    assert staff_value(tab, second, "sex") == "Prefer not to say"
    tab.context.undo_stack.undo()
    assert staff_value(tab, first, "sex") == "Female"


def test_filter_and_sort(demo_tab, qtmodeltester) -> None:
    tab = demo_tab
    tab.filter.setText("prefer not to say")
    tab.apply_filter()
    shown = tab.staff_model.rows
    assert 0 < len(shown) < 25 and all("Prefer not to say" in r.values() for r in shown)
    assert tab.count.text() == f"Showing {len(shown)} of 25 staff"
    tab.filter.setText("OPCC0017")
    tab.apply_filter()
    assert [r["staff_ref"] for r in tab.staff_model.rows] == ["OPCC0017"]
    tab.filter.clear()
    tab.apply_filter()
    tab.staff_table.setCurrentIndex(tab.staff_model.index(row_of(tab, "OPCC0017"), 0))
    tab.staff_table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    refs = [r["staff_ref"] for r in tab.staff_model.rows]
    assert refs == sorted(refs, reverse=True)
    assert tab.staff_model.rows[tab.staff_table.currentIndex().row()]["staff_ref"] == "OPCC0017"  # followed
    tab.staff_table.sortByColumn(ETHNICITY, Qt.SortOrder.AscendingOrder)
    current = tab.staff_table.currentIndex()
    assert tab.staff_model.setData(tab.staff_model.index(current.row(), ETHNICITY), "Asian or Asian British")
    moved = tab.staff_table.currentIndex()
    assert moved.row() != current.row()  # re-sorted: now among the A's...
    assert tab.staff_model.rows[moved.row()]["staff_ref"] == "OPCC0017"  # ...and still the current row
    qtmodeltester.check(tab.staff_model)


def test_rows_are_added_and_deleted_as_edits(demo_tab) -> None:
    tab = demo_tab
    tab.add_button.click()
    assert len(tab.staff_model.rows) == 26
    assert tab.staff_model.rows[tab.staff_table.currentIndex().row()]["staff_ref"] == "NEW0001"
    tab.staff_table.selectRow(row_of(tab, "NEW0001"))
    tab.delete_button.click()
    assert len(tab.staff_model.rows) == 25
    tab.context.undo_stack.undo()
    assert any(r["staff_ref"] == "NEW0001" for r in tab.staff_model.rows)


def test_clear_forgets_every_row_and_chart(demo_tab) -> None:
    tab = demo_tab
    tab.filter.setText("Female")
    tab.clear()
    assert not tab.staff_model.rows and not tab.staff_model.all_rows
    assert not tab.comparison_model.rows and not tab.declaration_model.rows
    assert tab.chart.spec is None and tab.snapshot.count() == 0 and not tab.filter.text()
    assert not tab.summary.text() and not tab.rate.text()


@pytest.mark.slow
def test_measure_fifty_thousand_staff(qtbot, wb, tmp_path, capsys) -> None:
    """Prints how long loading, scrolling, filtering, sorting and editing take (no assertion
    on speed: machines differ)."""
    workforce.add_snapshot(wb, "2022-03-31")
    rng = random.Random(7)
    rows = [{"staff_ref": f"P{i:06d}", **{k: rng.choice(v) for k, v in WORKFORCE_CHARACTERISTICS.items()},
             "role_grade": "Police constable", "fte": 1.0} for i in range(50_000)]  # fmt: skip
    timings: dict[str, float] = {}

    def timed(name: str, action) -> None:  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        action()
        qtbot.wait(1)
        timings[name] = time.perf_counter() - start

    timed("add 50,000 rows (core)", lambda: workforce.add_staff_rows(wb, 1, rows))
    tab: WorkforceTab | None = None

    def show() -> None:
        nonlocal tab
        tab = open_tab(qtbot, wb, tmp_path)

    timed("open the tab and load", show)
    assert tab is not None and len(tab.staff_model.rows) == 50_000
    bar = tab.staff_table.verticalScrollBar()

    def scroll() -> None:
        for step in range(0, bar.maximum(), max(1, bar.maximum() // 200)):
            bar.setValue(step)
            tab.staff_table.viewport().repaint()

    timed("scroll top to bottom, 200 repaints", scroll)
    timed("edit one cell (and reload)", lambda: tab.staff_model.setData(tab.staff_model.index(10, 1), "65+"))
    timed("undo it", tab.context.undo_stack.undo)
    timed("filter", lambda: (tab.filter.setText("P0499"), tab.apply_filter()))
    timed("clear the filter", lambda: (tab.filter.setText(""), tab.apply_filter()))
    timed("sort by ethnicity", lambda: tab.staff_table.sortByColumn(ETHNICITY, Qt.SortOrder.AscendingOrder))
    with capsys.disabled():
        print("\n50,000 staff rows:")
        for name, seconds in timings.items():
            print(f"  {name:<36} {seconds:6.2f} s")
