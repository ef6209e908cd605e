"""The exchange workbook's published_figures sheet: what each published edition printed goes
out with export-data and comes back with import, so a workbook rebuilt from an exchange file
plans its later editions with it (docs/exchange-format.md, docs/disclosure.md)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import DEMO_PASSPHRASE, PASSPHRASE, dump

from opcc_desktop.areas.publications import record_publication
from opcc_desktop.errors import ImportRefused
from opcc_desktop.exchange.export import exchange_tables, export_data
from opcc_desktop.exchange.layout import AREA_TABLES, BY_NAME, SHEETS
from opcc_desktop.exchange.load import import_exchange
from opcc_desktop.exchange.sources import read
from opcc_desktop.figures import public_plan, publishable
from opcc_desktop.store.schema import DATA_TABLES
from opcc_desktop.store.workbook import Workbook
from ui.cli import main

COLUMNS = ["report", "financial_year", "quarter", "published_on", "key", "value", "shown", "occurrence"]
DUPLICATE = "report + financial_year + quarter + published_on + occurrence + key"
Q3 = ("performance-update", "2021/22", 3)


@pytest.fixture(scope="module")
def published(demo_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with its 2021/22 Q4 performance update published (figures recorded; the
    demo's schemes are recorded for the whole year, so the Q4 update prints them)."""
    folder = tmp_path_factory.mktemp("published")
    copy, pp = folder / "demo.opcc", folder / "pp"
    shutil.copy(demo_path, copy)
    pp.write_text(DEMO_PASSPHRASE)
    with pytest.MonkeyPatch.context() as patch:  # module scope: keep backups out of the profile here too
        patch.setenv("OPCC_DATA_DIR", str(tmp_path_factory.mktemp("userdata")))
        done = CliRunner().invoke(main, [
            "report", str(copy), "--passphrase-file", str(pp), "--report", "performance-update",
            "--year", "2021/22", "--quarter", "4", "--format", "html", "-o", str(folder / "q4.html"),
            "--publish"])  # fmt: skip
    assert done.exit_code == 0, done.output
    return copy


@pytest.fixture(scope="module")
def exported(published: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("exported")
    with Workbook.open(published, DEMO_PASSPHRASE, readonly=True) as book:
        export_data(book, folder / "all.xlsx")
        export_data(book, folder / "all-csv")
    return {"xlsx": folder / "all.xlsx", "csv": folder / "all-csv"}


@pytest.fixture
def copy(published: Path, tmp_path: Path) -> Path:
    path = tmp_path / "copy.opcc"
    shutil.copy(published, path)
    return path


def printed(book: Workbook) -> list[tuple]:
    """Each publication with what it printed, by content (not ids), in publication order."""
    return [tuple(r) for r in book.conn.execute(
        "SELECT p.report, p.financial_year, p.quarter, p.published_on, f.key, f.value, f.shown"
        " FROM published_figures f JOIN publications p ON p.id = f.publication_id ORDER BY p.id, f.id")]  # fmt: skip


def edits(book: Workbook) -> int:
    return book.scalar("SELECT count(*) FROM edits")


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def write_csv(path: Path, rows: list[dict[str, object]], columns: list[str] | None = None) -> Path:
    columns = columns or list(rows[0])
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_the_sheet_is_in_the_publications_area_and_data_tables():
    sheet = BY_NAME["published_figures"]
    assert sheet.area == "publications" and list(sheet.columns) == COLUMNS
    assert AREA_TABLES["publications"] == ("published_figures", "publications")  # children first: audited
    assert "published_figures" in DATA_TABLES


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_export_then_import_keeps_what_was_printed_and_the_next_plan_uses_it(published, exported, wb, form):
    with Workbook.open(published, DEMO_PASSPHRASE, readonly=True) as book:
        expected, tables = printed(book), exchange_tables(book)
    assert len(expected) > 50 and {row[6] for row in expected} == {0, 1}
    assert len(tables["published_figures"]) == len(expected)  # export writes every row
    result = import_exchange(wb, read(exported[form]))
    assert result.changed and "published_figures: " in " ".join(result.summary)
    assert printed(wb) == expected
    assert exchange_tables(wb) == tables
    assert wb.scalar("SELECT count(*) FROM published_figures f LEFT JOIN publications p"
                     " ON p.id = f.publication_id WHERE p.id IS NULL") == 0  # fmt: skip
    decided = public_plan.decide(wb, "2021/22")
    assert any(key.startswith("earlier 1/") for key in decided.model.values)


def test_the_exported_rows_read_as_the_format_says(published, exported):
    rows = csv_rows(exported["csv"] / "published_figures.csv")
    assert list(rows[0]) == COLUMNS
    assert {r["shown"] for r in rows} == {"yes", "no"}
    assert {(r["report"], r["financial_year"], r["quarter"]) for r in rows} == {(Q3[0], Q3[1], "4")}
    assert all(int(r["value"]) >= 0 and r["key"] and not r["occurrence"] for r in rows)
    sheet = openpyxl.load_workbook(exported["xlsx"], read_only=True)["published_figures"]
    assert [c.value for c in next(sheet.iter_rows(max_row=1))] == COLUMNS


def test_reimporting_changes_nothing_and_one_undo_restores_the_figures_exactly(copy, exported, tmp_path):
    """The round trip over every data table (ids included) with published figures: the same
    file changes nothing; an import that drops figures is undone exactly, figures and all
    (they are deleted as rows of their own, not by the database's cascade, so the audit
    holds them)."""
    with Workbook.open(copy, DEMO_PASSPHRASE) as book:
        before, count = dump(book), edits(book)
        again = import_exchange(book, read(exported["xlsx"]))
        assert not again.changed and dump(book) == before and edits(book) == count
        rows = csv_rows(exported["csv"] / "published_figures.csv")
        edited = tmp_path / "edited"
        edited.mkdir()
        shutil.copy(exported["csv"] / "publications.csv", edited / "publications.csv")
        write_csv(edited / "published_figures.csv", rows[5:])
        result = import_exchange(book, read(edited))
        assert result.changed and len(printed(book)) == len(rows) - 5
        book.revert(result.changes.edit_id)
        assert dump(book) == before


def test_the_published_demo_round_trips_into_a_new_workbook(published, exported, tmp_path):
    """Export, import into a new file, export again: the two exports hold the same rows."""
    with Workbook.create(tmp_path / "new.opcc", PASSPHRASE) as target:
        import_exchange(target, read(exported["csv"]))
        export_data(target, tmp_path / "again")
    for sheet in SHEETS:
        first, second = exported["csv"] / f"{sheet.name}.csv", tmp_path / "again" / f"{sheet.name}.csv"
        assert first.read_bytes() == second.read_bytes(), sheet.name


def test_bad_rows_are_refused_with_where_and_what_and_nothing_changes(copy, exported, tmp_path):
    rows = csv_rows(exported["csv"] / "published_figures.csv")
    bad = [dict(r) for r in rows[:9]]
    bad[0]["value"] = "-1"
    bad[1]["value"] = "2.5"
    bad[2]["shown"] = "maybe"
    bad[3]["shown"] = ""
    bad[4]["key"] = ""
    bad[5]["key"] = "x" * 1001
    bad[6]["key"] = "Divert/\x01/Theft"
    bad[7]["value"] = "lots"
    bad[8] = dict(rows[0])  # the same key twice for one publication
    folder = tmp_path / "bad"
    folder.mkdir()
    shutil.copy(exported["csv"] / "publications.csv", folder / "publications.csv")
    write_csv(folder / "published_figures.csv", bad + rows[9:])
    with Workbook.open(copy, DEMO_PASSPHRASE) as book:
        before, count = dump(book), edits(book)
        with pytest.raises(ImportRefused) as refused:
            import_exchange(book, read(folder))
        assert dump(book) == before and edits(book) == count
    found = {(p.sheet, p.row, p.column): p for p in refused.value.problems}
    assert set(found) == {
        ("published_figures", 2, "value"), ("published_figures", 3, "value"), ("published_figures", 4, "shown"),
        ("published_figures", 5, "shown"), ("published_figures", 6, "key"), ("published_figures", 7, "key"),
        ("published_figures", 8, "key"), ("published_figures", 9, "value"),
        ("published_figures", 10, DUPLICATE)}  # fmt: skip
    assert "at least 0" in found[("published_figures", 2, "value")].allowed
    assert "whole number" in found[("published_figures", 3, "value")].message
    assert "yes" in found[("published_figures", 4, "shown")].allowed
    assert found[("published_figures", 5, "shown")].message == "is missing"
    assert found[("published_figures", 6, "key")].message == "is missing"
    assert found[("published_figures", 7, "key")].allowed == "at most 1000"
    assert "control character" in found[("published_figures", 8, "key")].message
    duplicate = found[("published_figures", 10, DUPLICATE)]
    assert duplicate.message == "repeats row 2" and rows[0]["key"] in duplicate.value
    assert "Nothing was changed" in str(refused.value)


def test_a_figure_of_a_publication_not_on_the_sheet_is_refused(copy, exported, tmp_path):
    rows = csv_rows(exported["csv"] / "published_figures.csv")
    folder = tmp_path / "orphan"
    folder.mkdir()
    shutil.copy(exported["csv"] / "publications.csv", folder / "publications.csv")
    write_csv(folder / "published_figures.csv", [*rows, {**rows[0], "quarter": "2"}])
    with Workbook.open(copy, DEMO_PASSPHRASE) as book:
        before = dump(book)
        with pytest.raises(ImportRefused) as refused:
            import_exchange(book, read(folder))
        assert dump(book) == before
    [problem] = refused.value.problems
    assert (problem.sheet, problem.row) == ("published_figures", len(rows) + 2)
    assert problem.column == "report + financial_year + quarter + published_on"
    assert problem.value == f"performance-update / 2021/22 / 2 / {rows[0]['published_on']}"
    assert problem.message == "is not a publication on the publications sheet"
    assert "publications sheet" in problem.allowed


def test_a_figure_of_a_publication_only_in_the_workbook_is_refused_when_the_sheet_replaces_them(
    copy, exported, tmp_path
):
    """The publications sheet replaces the workbook's publications: a figure naming one it does
    not list would be left without its publication."""
    rows = csv_rows(exported["csv"] / "published_figures.csv")
    folder = tmp_path / "dropped"
    folder.mkdir()
    write_csv(folder / "publications.csv", [], ["report", "financial_year", "quarter", "published_on"])
    write_csv(folder / "published_figures.csv", rows[:1])
    with Workbook.open(copy, DEMO_PASSPHRASE) as book, pytest.raises(ImportRefused) as refused:
        import_exchange(book, read(folder))
    assert [p.message for p in refused.value.problems] == ["is not a publication on the publications sheet"]


def test_without_the_publications_sheet_figures_must_name_a_recorded_publication(copy, exported, tmp_path):
    rows = csv_rows(exported["csv"] / "published_figures.csv")
    unknown = write_csv(tmp_path / "published_figures.csv", [{**rows[0], "published_on": "2019-01-01"}])
    with Workbook.open(copy, DEMO_PASSPHRASE) as book:
        before = dump(book)
        with pytest.raises(ImportRefused) as refused:
            import_exchange(book, read(unknown))
        assert dump(book) == before
        [problem] = refused.value.problems
        assert problem.message.startswith("is not a publication recorded in the workbook")
        # Naming a recorded one: the publications stay as they are, the figures are the file's.
        publications = book.rows("SELECT * FROM publications")
        known = write_csv(tmp_path / "published_figures.csv", rows[:3])
        result = import_exchange(book, read(known))
        assert "Keeps: the publications (the file has no publications sheet)" in result.summary
        assert book.rows("SELECT * FROM publications") == publications
        assert [r[4] for r in printed(book)] == [r["key"] for r in rows[:3]]


def test_a_file_without_the_sheet_keeps_what_the_publications_it_lists_printed(copy, exported, tmp_path):
    """An export made before the sheet existed must not make the workbook forget what was
    printed; a publication the file drops takes its figures with it (no orphans)."""
    with Workbook.open(copy, DEMO_PASSPHRASE) as book:
        expected = printed(book)
        old = tmp_path / "old"
        old.mkdir()
        shutil.copy(exported["csv"] / "publications.csv", old / "publications.csv")
        result = import_exchange(book, read(old))
        assert not result.changed  # the same publications, the same figures
        extra = csv_rows(old / "publications.csv")[0] | {"published_on": "2022-01-05"}
        write_csv(old / "publications.csv", [*csv_rows(old / "publications.csv"), extra])
        result = import_exchange(book, read(old))
        assert result.changed and any("the file has no published_figures sheet" in s for s in result.summary)
        assert printed(book) == expected and book.scalar("SELECT count(*) FROM publications") == 2
        write_csv(old / "publications.csv", [extra])
        import_exchange(book, read(old))
        assert printed(book) == [] and book.scalar("SELECT count(*) FROM publications") == 1


def test_publications_sharing_report_year_quarter_and_date_keep_their_own_figures(wb, tmp_path):
    """An edition exported twice with --publish the same day: each publication keeps its own
    figures through the round trip (the n-th row of a key goes to the n-th publication)."""
    record_publication(wb, *Q3, "2022-01-10", printed={"KPI/a/2021/22/Q3": (7, True), "KPI/b/2021/22/Q3": (2, False)})
    record_publication(wb, *Q3, "2022-01-10", printed={"KPI/a/2021/22/Q3": (8, True), "KPI/c/2021/22/Q3": (3, True)})
    record_publication(wb, "annual-equality", "2021/22", 0, "2022-06-01", printed={"Divert/x": (40, True)})
    expected = publishable.printed_before(wb, "2021/22")
    export_data(wb, tmp_path / "out.xlsx")
    with Workbook.create(tmp_path / "b.opcc", PASSPHRASE) as target:
        import_exchange(target, read(tmp_path / "out.xlsx"))
        assert publishable.printed_before(target, "2021/22") == expected
        assert exchange_tables(target) == exchange_tables(wb)
    rows = csv_rows(_csv(wb, tmp_path / "csv") / "published_figures.csv")
    assert [r["occurrence"] for r in rows] == ["", "", "2", "2", ""]
    write_csv(tmp_path / "csv" / "published_figures.csv", [*rows, {**rows[0], "occurrence": "3"}])
    with pytest.raises(ImportRefused) as refused:
        import_exchange(wb, read(tmp_path / "csv"))
    [problem] = refused.value.problems
    assert (problem.row, problem.column, problem.value) == (7, "occurrence", 3)
    assert problem.message.startswith("is more than the 2 publications on the publications sheet")


def _csv(book: Workbook, folder: Path) -> Path:
    export_data(book, folder)
    return folder


def test_a_blank_exchange_workbook_has_the_sheet(wb, tmp_path):
    """There is no template command for the exchange workbook (``template`` writes a service
    monitoring return); an export of an empty workbook is the blank one, and has the sheet."""
    export_data(wb, tmp_path / "blank.xlsx")
    book = openpyxl.load_workbook(tmp_path / "blank.xlsx", read_only=True)
    assert "published_figures" in book.sheetnames
    assert [c.value for c in next(book["published_figures"].iter_rows(max_row=1))] == COLUMNS
    assert not import_exchange(wb, read(tmp_path / "blank.xlsx")).changed
