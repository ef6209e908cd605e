"""A KPI marked as counting people (its figures go through the small-number policy): the
upgrade that adds the flag, editing it and undoing, the exchange workbook carrying it (and a
file that leaves the column out keeping it), the demo's choice and the KPIs tab showing it."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as dbapi
from action_helpers import problem, refused
from conftest import DEMO_PASSPHRASE, PASSPHRASE
from PySide6.QtCore import Qt
from ui_support import tab_opener

from opcc_desktop.areas import kpis
from opcc_desktop.commands import demo as demo_build
from opcc_desktop.exchange.export import exchange_tables, export_data
from opcc_desktop.exchange.load import import_exchange
from opcc_desktop.exchange.sources import read
from opcc_desktop.store import schema
from opcc_desktop.store.backups import list_backups
from opcc_desktop.store.cipher import quote
from opcc_desktop.store.workbook import Workbook
from ui.tabs.kpis import COUNTS_PEOPLE, KpisTab

# What the demo marks: complaints, stop and search and audited crimes each involve a person
# (complainant, person searched, victim); calls, headcounts, deployments, percentages and
# survey scores do not.
DEMO_FLAGGED = {
    "Number of stop and searches carried out",
    "Number of stop and searches with a positive outcome",
    "Complaint allegations: delivery of duties and service",
    "Complaint allegations: police powers, policies and procedures",
    "Complaint allegations: individual behaviours",
    "Complaint allegations: discriminatory behaviour",
    "Total complaint allegations",
    "Number of crimes audited by Cleveland Police where VCOP meets required standard",
}


def add_group(wb) -> int:
    outcome = kpis.add_outcome(wb, "Police Accountability").rows[0].key["id"]
    return kpis.add_group(wb, outcome, "Complaints").rows[0].key["id"]


def add_kpi(wb, group: int, name: str, **values) -> int:
    changes = kpis.add_kpi(wb, group, {"name": name, "unit": "count", "polarity": "neutral", **values})
    return changes.rows[0].key["id"]


def flag(wb, kpi_id: int) -> int:
    return wb.scalar("SELECT counts_people FROM kpis WHERE id = ?", [kpi_id])


def flags(wb) -> dict[str, int]:
    return {r["name"]: r["counts_people"] for r in wb.rows("SELECT name, counts_people FROM kpis")}


# -- the upgrade ----------------------------------------------------------------------------
def test_a_version_4_workbook_gains_the_flag_unset_after_a_backup(workbook_path) -> None:
    with Workbook.create(workbook_path, PASSPHRASE) as wb:
        kpi_id = add_kpi(wb, add_group(wb), "Hate crimes recorded")
    conn = dbapi.connect(str(workbook_path), isolation_level=None)
    conn.execute(f"PRAGMA key = {quote(PASSPHRASE)}")
    conn.execute("ALTER TABLE kpis DROP COLUMN counts_people")  # as version 4 saved it
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'add_kpi_counts_people'")
    conn.execute("PRAGMA user_version = 4")
    conn.close()
    with Workbook.open(workbook_path, PASSPHRASE) as wb:
        assert wb.scalar("PRAGMA user_version") == schema.SCHEMA_VERSION
        assert len(schema.migration_set().applied(wb.db)) == schema.SCHEMA_VERSION
        assert flag(wb, kpi_id) == 0  # existing KPIs start unmarked
        kpis.edit_kpi(wb, kpi_id, {"counts_people": True})
        assert flag(wb, kpi_id) == 1
        with pytest.raises(dbapi.IntegrityError):  # the column holds a flag, nothing else
            wb.conn.execute("UPDATE kpis SET counts_people = 2 WHERE id = ?", [kpi_id])
    (backup,) = list_backups(workbook_path, "before-upgrade-from-v4")
    old = dbapi.connect(str(backup.path), isolation_level=None)  # the file itself (the app reads it upgraded)
    old.execute(f"PRAGMA key = {quote(PASSPHRASE)}")
    assert old.execute("PRAGMA user_version").fetchone()[0] == 4
    old.close()


# -- the area -------------------------------------------------------------------------------
def test_the_flag_is_set_on_adding_and_edited_as_one_undoable_edit(wb) -> None:
    group = add_group(wb)
    plain = add_kpi(wb, group, "999 calls answered")
    counted = add_kpi(wb, group, "Complaints of discriminatory behaviour", counts_people="yes")
    assert (flag(wb, plain), flag(wb, counted)) == (0, 1)
    changes = kpis.edit_kpi(wb, plain, {"counts_people": True})
    assert [(r.table, r.op) for r in changes.rows] == [("kpis", "update")]
    assert flag(wb, plain) == 1
    wb.revert(changes.edit_id)
    assert flag(wb, plain) == 0
    kpis.edit_kpi(wb, counted, {"counts_people": False, "never_publish": True})
    assert flag(wb, counted) == 0
    assert wb.scalar("SELECT never_publish FROM kpis WHERE id = ?", [counted]) == 1


def test_a_derived_kpi_may_count_people(wb) -> None:
    group = add_group(wb)
    parts = [add_kpi(wb, group, name, counts_people=True) for name in ("Verbal", "Physical")]
    total = kpis.add_kpi(wb, group, {"name": "All", "unit": "count", "polarity": "neutral",
                                     "counts_people": True}, "sum", parts).rows[0].key["id"]  # fmt: skip
    assert flag(wb, total) == 1
    kpis.edit_kpi(wb, total, {"counts_people": False})
    assert flag(wb, total) == 0


def test_a_flag_that_is_not_yes_or_no_is_refused(wb) -> None:
    group = add_group(wb)
    error = refused(wb, kpis.add_kpi, group, {"name": "Hate crimes", "unit": "count",
                                              "polarity": "neutral", "counts_people": "maybe"})  # fmt: skip
    assert problem(error, "counts_people").message == "is not yes or no"
    kpi_id = add_kpi(wb, group, "Hate crimes")
    refused(wb, kpis.edit_kpi, kpi_id, {"counts_people": 2})


# -- the exchange workbook ------------------------------------------------------------------
@pytest.fixture
def demo_copy(demo_path: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy.opcc"
    shutil.copy(demo_path, copy)
    return copy


def test_export_then_import_carries_the_flag(demo_path, wb, tmp_path) -> None:
    with Workbook.open(demo_path, DEMO_PASSPHRASE, readonly=True) as book:
        export_data(book, tmp_path / "demo.xlsx")
        expected = flags(book)
        sheet = {r["kpi"]: r["counts_people"] for r in exchange_tables(book)["kpis"]}
    assert {k for k, v in sheet.items() if v == "yes"} == DEMO_FLAGGED
    assert set(sheet.values()) == {"yes", "no"}
    import_exchange(wb, read(tmp_path / "demo.xlsx"))
    assert flags(wb) == expected


def drop_column(path: Path, column: str) -> None:
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and column in rows[0]
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, [c for c in rows[0] if c != column])
        writer.writeheader()
        writer.writerows({k: v for k, v in row.items() if k != column} for row in rows)


def test_a_kpis_sheet_without_the_column_keeps_the_stored_flags(demo_copy, tmp_path) -> None:
    """An edited extract must never take a count of people out of the small-number policy,
    nor mark one: the stored flags stay as they are, derived KPIs' too."""
    with Workbook.open(demo_copy, DEMO_PASSPHRASE) as book:
        export_data(book, tmp_path / "all")
        drop_column(tmp_path / "all" / "kpis.csv", "counts_people")
        calls = next(k["id"] for k in kpis.kpi_tree(book) if k["name"] == "Number of 999 calls received")
        kpis.edit_kpi(book, calls, {"counts_people": True})  # marked after the export
        group = book.scalar("SELECT group_id FROM kpis WHERE id = ?", [calls])
        kpis.set_commentary(book, group, "2021/22", 1, "Written after the export.")
        before = flags(book)
        assert before["Number of 999 calls received"] and sum(before.values()) == len(DEMO_FLAGGED) + 1
        result = import_exchange(book, read(tmp_path / "all"))
        assert result.changed  # the import replaced the KPIs (the commentary is the file's again)...
        assert flags(book) == before  # ...and every flag is the stored one
        (tmp_path / "all" / "kpis.csv").unlink()  # no kpis sheet at all: kept as well
        import_exchange(book, read(tmp_path / "all"))
        assert flags(book) == before


def test_a_blank_cell_or_a_missing_never_publish_column_keeps_those_too(demo_copy, tmp_path) -> None:
    """The same rule for never_publish: a kpis sheet without that column once cleared it."""
    with Workbook.open(demo_copy, DEMO_PASSPHRASE) as book:
        hidden = kpis.kpi_tree(book)[0]
        kpis.edit_kpi(book, hidden["id"], {"never_publish": True})
        export_data(book, tmp_path / "all")
        path = tmp_path / "all" / "kpis.csv"
        drop_column(path, "never_publish")
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
        for row in rows:
            row["counts_people"] = ""  # blank: as stored
        with open(path, "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        before = flags(book)
        import_exchange(book, read(tmp_path / "all"))
        assert book.scalar("SELECT never_publish FROM kpis WHERE id = ?", [hidden["id"]]) == 1
        assert flags(book) == before


def test_a_kpis_sheet_with_the_column_sets_the_flags(demo_copy, tmp_path) -> None:
    with Workbook.open(demo_copy, DEMO_PASSPHRASE) as book:
        export_data(book, tmp_path / "all")
        path = tmp_path / "all" / "kpis.csv"
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
        for row in rows:
            row["counts_people"] = "yes" if row["kpi"] == "Number of 999 calls received" else "no"
        with open(path, "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        import_exchange(book, read(tmp_path / "all"))
        assert {k for k, v in flags(book).items() if v} == {"Number of 999 calls received"}


# -- the demo -------------------------------------------------------------------------------
def test_the_demo_marks_the_kpis_counting_people(demo_path) -> None:
    assert set(demo_build.COUNTS_PEOPLE) == DEMO_FLAGGED
    with Workbook.open(demo_path, DEMO_PASSPHRASE, readonly=True) as book:
        stored = flags(book)
        derived = {r["name"] for r in book.rows("SELECT name FROM kpis WHERE derived_kind IS NOT NULL")}
    assert DEMO_FLAGGED <= set(stored)  # every name chosen is a demo KPI
    assert {k for k, v in stored.items() if v} == DEMO_FLAGGED
    assert "Total complaint allegations" in derived  # a derived KPI is marked too
    assert not stored["% of stop and searches with a positive outcome"]


# -- the KPIs tab ---------------------------------------------------------------------------
@pytest.fixture
def open_tab(qtbot):
    yield from tab_opener(qtbot, KpisTab)


def tree_tip(tab: KpisTab, name: str) -> str:
    found = tab.tree_model.match(tab.tree_model.index(0, 0), Qt.ItemDataRole.DisplayRole, name, 1,
                                 Qt.MatchFlag.MatchRecursive | Qt.MatchFlag.MatchExactly)  # fmt: skip
    return str(found[0].data(Qt.ItemDataRole.ToolTipRole))


def test_the_tab_shows_the_flag_and_follows_an_edit_and_its_undo(open_tab, demo) -> None:
    tab = open_tab(demo)
    name = "Number of 999 calls received"
    kpi_id = next(k["id"] for k in kpis.kpi_tree(demo.wb) if k["name"] == name)
    assert COUNTS_PEOPLE in tree_tip(tab, "Complaint allegations: discriminatory behaviour")
    assert COUNTS_PEOPLE not in tree_tip(tab, name)
    assert demo.do(kpis.edit_kpi, kpi_id, {"counts_people": True}) is not None
    assert flag(demo.wb, kpi_id) == 1 and demo.undo_stack.count() == 1
    assert COUNTS_PEOPLE in tree_tip(tab, name)
    demo.undo_stack.undo()
    assert flag(demo.wb, kpi_id) == 0
    assert COUNTS_PEOPLE not in tree_tip(tab, name)
    demo.undo_stack.redo()
    assert flag(demo.wb, kpi_id) == 1 and COUNTS_PEOPLE in tree_tip(tab, name)
