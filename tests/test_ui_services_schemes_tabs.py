"""The Services and Divert / Triage tabs on real workbooks: what they show, edits through the
core (workbook and chart change), refusals, undo, paste, and the never-published marker."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import DEMO_PASSPHRASE, dump
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QComboBox, QStyleOptionViewItem

from opcc_desktop.areas import schemes, services
from opcc_desktop.areas.vocab import NOT_DISCLOSED
from opcc_desktop.figures import equality_tables as et
from opcc_desktop.figures import public_plan
from opcc_desktop.figures import publishable
from opcc_desktop.store.workbook import Workbook
from ui.clipboard import GuardedClipboard
from ui.context import AppContext
from ui.tabs.base import Tab
from ui.tabs.schemes import NEVER_PUBLISHED, SchemesTab
from ui.tabs.services import ServicesTab


def open_tab(qtbot, cls: type[Tab], book: Workbook, tmp_path: Path):  # type: ignore[no-untyped-def]
    context = AppContext(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    context.attach(book, "passphrase")
    tab = cls(context, GuardedClipboard())
    qtbot.addWidget(tab, before_close_func=lambda _closing, kept=tab: None)  # Python keeps the tab until closed
    tab.resize(1200, 760)
    tab.show()
    return tab


@pytest.fixture
def demo(demo_path, tmp_path):
    copy = tmp_path / "demo.opcc"
    shutil.copy(demo_path, copy)
    book = Workbook.open(copy, DEMO_PASSPHRASE)
    yield book
    book.close()


def grid_row(model, **match: object) -> int:  # type: ignore[no-untyped-def]
    return next(i for i, r in enumerate(model.rows) if all(r[k] == v for k, v in match.items()))


def column(model, key: str) -> int:  # type: ignore[no-untyped-def]
    return [c.key for c in model.columns].index(key)


# -- Services -------------------------------------------------------------------------------------


def service_count(book: Workbook, service_id: int, year: str, quarter: int, dimension: str, category: str):
    return next((r["count"] for r in services.service_counts(book, service_id)
                 if (r["financial_year"], r["quarter"], r["dimension"], r["category"])
                 == (year, quarter, dimension, category)), None)  # fmt: skip


def test_services_demo_shows_the_latest_return_and_its_charts(qtbot, demo, tmp_path, qtmodeltester) -> None:
    tab = open_tab(qtbot, ServicesTab, demo, tmp_path)
    assert len(tab.service_model.rows) == 15 and tab.service_table.currentIndex().row() == 0
    assert tab.heading.text() == "A Way Out (Victim support)" and not tab.marker.isVisible()
    assert (tab.year.currentData(), tab.quarter.currentData()) == ("2022/23", 4)
    dimensions = {r["dimension"] for r in tab.count_model.rows}
    assert dimensions == {"age", "gender", "disability", "ethnicity", "sexual_orientation", "transgender"}
    assert tab.count_model.rows[0]["group"] == "Age" and tab.count_model.rows[1]["group"] == ""
    assert [r["label"] for r in tab.activity_model.rows] == ["Referrals received", "Clients supported"]
    assert tab.share_chart.spec.kind == "grouped_bar"
    assert tab.share_chart.spec.series[1].name == "All services"
    assert tab.disclosure_chart.spec.kind == "line" and len(tab.disclosure_chart.spec.categories) == 8
    for model in (tab.service_model, tab.count_model, tab.activity_model):
        qtmodeltester.check(model)
    tab.service_table.setCurrentIndex(tab.service_model.index(3, 0))
    assert tab.heading.text().startswith("Eva Women's Aid")
    tab.dimension.setCurrentIndex(tab.dimension.findData("ethnicity"))
    assert "ethnicity" in tab.share_chart.spec.title


def test_services_empty_workbook_explains_and_adds_a_service(qtbot, wb, tmp_path) -> None:
    tab = open_tab(qtbot, ServicesTab, wb, tmp_path)
    assert tab.empty.isVisible() and "Add service" in tab.empty.text()
    assert not tab.detail.isVisible() and tab.share_chart.spec is None
    tab.new_name.setText("Harbour")
    tab.add_button.click()
    assert [s["name"] for s in services.services(wb)] == ["Harbour"]
    assert not tab.empty.isVisible() and tab.heading.text() == "Harbour"
    assert [r["category"] for r in tab.count_model.rows] == [NOT_DISCLOSED] * 6  # ready to type
    assert tab.year.currentData() is not None  # the current financial year, for a first return


def test_editing_a_count_changes_the_workbook_and_the_chart_and_undoes(qtbot, demo, tmp_path) -> None:
    tab = open_tab(qtbot, ServicesTab, demo, tmp_path)
    row = grid_row(tab.count_model, dimension="age", category="Under 18")
    index = tab.count_model.index(row, column(tab.count_model, "count"))
    old = service_count(demo, 1, "2022/23", 4, "age", "Under 18")
    before = tab.share_chart.drawn_values()
    assert tab.count_model.setData(index, "40")
    assert service_count(demo, 1, "2022/23", 4, "age", "Under 18") == 40
    after = tab.share_chart.drawn_values()
    assert after != before and tab.count_model.rows[row]["count"] == 40
    tab.context.undo_stack.undo()
    assert service_count(demo, 1, "2022/23", 4, "age", "Under 18") == old
    assert tab.share_chart.drawn_values() == before
    tab.context.undo_stack.redo()
    assert tab.share_chart.drawn_values() == after
    assert tab.count_model.setData(index, "")  # blank: not collected
    assert service_count(demo, 1, "2022/23", 4, "age", "Under 18") is None


def test_a_count_that_is_not_a_whole_number_is_refused(qtbot, demo, tmp_path) -> None:
    tab = open_tab(qtbot, ServicesTab, demo, tmp_path)
    before = dump(demo)
    index = tab.count_model.index(0, column(tab.count_model, "count"))
    for typed, reason in (("lots", "not a number"), ("-3", "0"), ("2.5", "not a whole number")):
        with qtbot.waitSignal(tab.context.failed) as failed:
            assert not tab.count_model.setData(index, typed)
        assert reason in failed.args[0]
    assert dump(demo) == before and tab.context.undo_stack.count() == 0


def test_pasting_counts_is_one_edit(qtbot, demo, tmp_path) -> None:
    tab = open_tab(qtbot, ServicesTab, demo, tmp_path)
    row = grid_row(tab.count_model, dimension="gender", category="Female")
    tab.count_table.setCurrentIndex(tab.count_model.index(row, column(tab.count_model, "count")))
    assert tab.count_table.paste("200\n100\n")
    assert tab.context.undo_stack.count() == 1
    assert service_count(demo, 1, "2022/23", 4, "gender", "Male") == 100
    tab.context.undo_stack.undo()
    assert service_count(demo, 1, "2022/23", 4, "gender", "Female") == 197


def test_activity_and_service_details_edit_through_the_core(qtbot, demo, tmp_path) -> None:
    tab = open_tab(qtbot, ServicesTab, demo, tmp_path)
    assert tab.activity_model.setData(tab.activity_model.index(0, 1), "401")
    assert tab.activity_model.rows[0]["value"] == 401.0
    never = tab.service_model.index(0, column(tab.service_model, "never_publish"))
    delegate = tab.service_table.itemDelegate()
    editor = delegate.createEditor(tab.service_table.viewport(), QStyleOptionViewItem(), never)
    assert isinstance(editor, QComboBox) and editor.itemText(0) == "Yes"
    assert tab.service_model.setData(never, "Yes")
    assert services.services(demo)[0]["never_publish"] == 1
    assert tab.marker.isVisible() and "Never published" in tab.marker.text()


def test_services_clear_forgets_everything(qtbot, demo, tmp_path) -> None:
    tab = open_tab(qtbot, ServicesTab, demo, tmp_path)
    tab.clear()
    assert not tab.service_model.rows and not tab.count_model.rows and not tab.activity_model.rows
    assert tab.share_chart.spec is None and tab.disclosure_chart.spec is None and not tab.heading.text()


# -- Divert / Triage --------------------------------------------------------------------------------


def scheme_count(book: Workbook, scheme_id: int, dimension: str, category: str, gender: str,
                 quarter: int | None = None):  # fmt: skip
    rows = schemes.scheme_counts(book, scheme_id, "2021/22", quarter)
    key = (dimension, category, gender)
    return next((r["count"] for r in rows if (r["dimension"], r["category"], r["gender"]) == key), None)


def test_schemes_demo_shows_the_published_percentages(qtbot, demo, tmp_path, qtmodeltester) -> None:
    tab = open_tab(qtbot, SchemesTab, demo, tmp_path)
    names = [r["name"] for r in tab.scheme_model.rows]
    assert names == ["Divert", "Youth Triage", "Checkpoint Plus treatment programme"]
    assert tab.heading.text() == "Divert (18+)" and not tab.marker.isVisible()
    assert tab.year.currentData() == "2021/22"
    headers = [tab.grid_model.headerData(i, Qt.Orientation.Horizontal) for i in range(6)]
    assert headers[2:] == ["Male", "Female", "Male\n(published)", "Female\n(published)"]
    table = et.scheme_table(public_plan.decide(demo, "2021/22"), "Divert",
                            publishable.scheme_counts(demo, "Divert", "2021/22"))
    printed = dict((row[0], row[1:]) for row in table.rows)
    row = tab.grid_model.rows[grid_row(tab.grid_model, dimension="age", category="51-65")]
    assert (row["male_shown"], row["female_shown"]) == printed["Age: 51-65"]
    assert "*" in printed["Age: 51-65"]  # suppression shown as the report prints it
    assert tab.chart.spec.kind == "grouped_bar" and "age" in tab.chart.spec.title
    assert len(tab.measure_model.rows) == 8
    for model in (tab.scheme_model, tab.grid_model, tab.measure_model):
        qtmodeltester.check(model)
    base = tab.grid_model.index(grid_row(tab.grid_model, kind="base", dimension="age"), 2)
    assert not tab.grid_model.flags(base) & Qt.ItemFlag.ItemIsEditable


def test_the_never_published_scheme_is_marked(qtbot, demo, tmp_path) -> None:
    tab = open_tab(qtbot, SchemesTab, demo, tmp_path)
    never = column(tab.scheme_model, "never_publish")
    flags = [tab.scheme_model.index(i, never).data() for i in range(3)]
    assert flags == ["No", "No", "Yes"]
    assert tab.scheme_model.headerData(never, Qt.Orientation.Horizontal) == NEVER_PUBLISHED
    tab.scheme_table.setCurrentIndex(tab.scheme_model.index(2, 0))
    assert tab.marker.isVisible() and tab.marker.text() == NEVER_PUBLISHED
    assert "never published" in tab.note.text()
    assert tab.grid_model.headerData(4, Qt.Orientation.Horizontal) == "Male\n(internal)"
    assert all("*" not in (r["male_shown"], r["female_shown"]) for r in tab.grid_model.rows)
    tab.scheme_table.setCurrentIndex(tab.scheme_model.index(0, 0))
    assert not tab.marker.isVisible()


def pick_quarter(tab: SchemesTab, quarter: int) -> None:
    tab.quarter.setCurrentIndex(tab.quarter.findData(quarter))


def test_a_year_recorded_by_quarter_sums_its_quarters_and_edits_one(qtbot, demo, tmp_path) -> None:
    """The demo's 2021/22 is recorded by quarter: the whole year shows the quarters' sums,
    read-only, and each quarter its own figures, which are the ones typed."""
    tab = open_tab(qtbot, SchemesTab, demo, tmp_path)
    assert tab.quarter.currentData() == 0 and tab.grid_model.summed
    assert "sums of its quarters" in tab.grid_table.toolTip()
    row = grid_row(tab.grid_model, dimension="age", category="18-21")
    female = column(tab.grid_model, "female")
    year = tab.grid_model.rows[row]["female"]
    assert not tab.grid_model.flags(tab.grid_model.index(row, female)) & Qt.ItemFlag.ItemIsEditable
    quarters = []
    for quarter in (1, 2, 3, 4):
        pick_quarter(tab, quarter)
        assert not tab.grid_model.summed and tab.grid_table.toolTip() == ""
        assert tab.grid_model.flags(tab.grid_model.index(row, female)) & Qt.ItemFlag.ItemIsEditable
        quarters.append(tab.grid_model.rows[row]["female"])
        assert quarters[-1] == scheme_count(demo, 1, "age", "18-21", "Female", quarter)
    assert sum(quarters) == year == scheme_count(demo, 1, "age", "18-21", "Female")


def test_editing_a_scheme_count_changes_the_workbook_and_the_chart_and_undoes(qtbot, demo, tmp_path) -> None:
    tab = open_tab(qtbot, SchemesTab, demo, tmp_path)
    pick_quarter(tab, 2)
    row = grid_row(tab.grid_model, dimension="age", category="18-21")
    index = tab.grid_model.index(row, column(tab.grid_model, "female"))
    before = tab.chart.drawn_values()
    typed = scheme_count(demo, 1, "age", "18-21", "Female", 2)
    assert tab.grid_model.setData(index, "60")
    assert scheme_count(demo, 1, "age", "18-21", "Female", 2) == 60
    assert tab.chart.drawn_values() != before
    pick_quarter(tab, 0)  # the year the annual report prints: its published column follows the edit
    shown = tab.grid_model.rows[row]["female_shown"]
    tab.context.undo_stack.undo()
    assert scheme_count(demo, 1, "age", "18-21", "Female", 2) == typed
    assert tab.grid_model.rows[row]["female_shown"] != shown
    pick_quarter(tab, 2)
    assert tab.chart.drawn_values() == before
    tab.context.undo_stack.redo()
    assert scheme_count(demo, 1, "age", "18-21", "Female", 2) == 60
    participants = tab.grid_model.index(0, column(tab.grid_model, "male"))
    assert tab.grid_model.setData(participants, "400")
    assert scheme_count(demo, 1, "gender", "Male", "All", 2) == 400


def test_scheme_refusals_leave_everything_as_it_was(qtbot, demo, tmp_path) -> None:
    tab = open_tab(qtbot, SchemesTab, demo, tmp_path)
    pick_quarter(tab, 1)
    before = dump(demo)
    with qtbot.waitSignal(tab.context.failed) as failed:
        assert not tab.grid_model.setData(tab.grid_model.index(0, column(tab.grid_model, "male")), "many")
    assert "not a number" in failed.args[0]
    rate = grid_row(tab.measure_model, measure="reoffending_rate")
    with qtbot.waitSignal(tab.context.failed) as failed:
        assert not tab.measure_model.setData(tab.measure_model.index(rate, 1), "140")
    assert "reoffending_rate" in failed.args[0]
    assert dump(demo) == before and tab.context.undo_stack.count() == 0


def test_pasting_a_block_of_scheme_counts_is_one_edit(qtbot, demo, tmp_path) -> None:
    tab = open_tab(qtbot, SchemesTab, demo, tmp_path)
    pick_quarter(tab, 3)
    typed = [scheme_count(demo, 1, "age", "18-21", "Male", 3), scheme_count(demo, 1, "age", "22-25", "Female", 3)]
    row = grid_row(tab.grid_model, dimension="age", category="18-21")
    tab.grid_table.setCurrentIndex(tab.grid_model.index(row, column(tab.grid_model, "male")))
    assert tab.grid_table.paste("51\t28\n61\t18\n")
    assert tab.context.undo_stack.count() == 1
    assert scheme_count(demo, 1, "age", "22-25", "Female", 3) == 18
    tab.context.undo_stack.undo()
    assert [scheme_count(demo, 1, "age", "18-21", "Male", 3), scheme_count(demo, 1, "age", "22-25", "Female", 3)] == typed


def test_scheme_measures_edit(qtbot, demo, tmp_path) -> None:
    tab = open_tab(qtbot, SchemesTab, demo, tmp_path)
    pick_quarter(tab, 4)  # an amount for the year to date: Q4's is the year's
    funding = grid_row(tab.measure_model, measure="funding")
    assert tab.measure_model.index(funding, 1).data() == "1,009,000"
    assert tab.measure_model.setData(tab.measure_model.index(funding, 1), "1200000")
    assert publishable.scheme_measures(demo, "Divert", "2021/22")["funding"] == 1200000.0


def test_schemes_empty_workbook_explains_and_adds_a_scheme(qtbot, wb, tmp_path) -> None:
    tab = open_tab(qtbot, SchemesTab, wb, tmp_path)
    assert tab.empty.isVisible() and "Add scheme" in tab.empty.text() and not tab.detail.isVisible()
    assert tab.chart.spec is None
    tab.new_name.setText("Divert")
    tab.add_button.click()
    assert tab.heading.text() == "Divert" and tab.grid_model.rows[0]["kind"] == "participants"
    assert tab.grid_model.setData(tab.grid_model.index(0, column(tab.grid_model, "female")), "12")
    assert tab.chart.spec is None  # only the gender split so far: nothing by age to chart
    tab.dimension.setCurrentIndex(tab.dimension.findData("gender"))
    assert tab.chart.spec.kind == "bar"


def test_schemes_clear_forgets_everything(qtbot, demo, tmp_path) -> None:
    tab = open_tab(qtbot, SchemesTab, demo, tmp_path)
    tab.clear()
    assert not tab.scheme_model.rows and not tab.grid_model.rows and not tab.measure_model.rows
    assert tab.chart.spec is None and not tab.marker.isVisible() and not tab.note.text()
