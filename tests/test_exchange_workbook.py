"""The exchange workbook: export-data then import reproduces a workbook; imports are all or
nothing, one undoable edit, and a file that matches changes nothing."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from conftest import DEMO_PASSPHRASE, PASSPHRASE, dump
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opcc_desktop.areas import goals, kpis, narrative, services, workforce
from opcc_desktop.areas import settings as office_settings
from opcc_desktop.areas.vocab import REPORT_SECTIONS, WORKFORCE_CHARACTERISTICS
from opcc_desktop.errors import ImportRefused
from opcc_desktop.exchange import export
from opcc_desktop.exchange.export import exchange_tables, export_data
from opcc_desktop.exchange.layout import SHEETS
from opcc_desktop.exchange.load import import_exchange
from opcc_desktop.exchange.sources import read
from opcc_desktop.store.schema import DATA_TABLES
from opcc_desktop.store.workbook import Workbook

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "resources" / "reference"


@pytest.fixture(scope="module")
def demo_tables(demo_path: Path) -> dict:
    with Workbook.open(demo_path, DEMO_PASSPHRASE, readonly=True) as book:
        return exchange_tables(book)


@pytest.fixture(scope="module")
def demo_xlsx(demo_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("exchange") / "demo.xlsx"
    with Workbook.open(demo_path, DEMO_PASSPHRASE, readonly=True) as book:
        export_data(book, out)
    return out


def edits(book: Workbook) -> int:
    return book.scalar("SELECT count(*) FROM edits")


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_export_then_import_reproduces_the_demo(demo_path, demo_tables, wb, tmp_path, form):
    out = tmp_path / ("demo.xlsx" if form == "xlsx" else "demo-csv")
    with Workbook.open(demo_path, DEMO_PASSPHRASE, readonly=True) as book:
        export_data(book, out)
    result = import_exchange(wb, read(out))
    assert result.changed
    assert exchange_tables(wb) == demo_tables


def test_every_stored_column_is_carried():
    """Each column of each data table is on a sheet, apart from ids, links and positions,
    which the sheets express by names and row order."""
    from opcc_desktop.store.schema import INITIAL_SCHEMA

    carried = " ".join(sheet.sql for sheet in SHEETS)
    implicit = {"id", "position", "data"}
    for table in DATA_TABLES:
        body = re.search(rf"CREATE TABLE {table} \((.*?)\) STRICT;", INITIAL_SCHEMA, re.S)
        columns = re.findall(r"^\s+(\w+) ", body[1], re.M) if body else ["report", "financial_year",
                                                                           "quarter", "published_on"]
        for column in columns:
            if column in implicit or column.endswith("_id") or column.isupper():
                continue
            assert column in carried, f"{table}.{column} is on no sheet of the exchange workbook"


def test_reimporting_the_same_file_changes_nothing(wb, demo_xlsx):
    import_exchange(wb, read(demo_xlsx))
    count, before = edits(wb), dump(wb)
    again = import_exchange(wb, read(demo_xlsx))
    assert not again.changed
    assert "already holds exactly this data" in again.summary[-1]
    assert edits(wb) == count and dump(wb) == before


def test_one_undo_takes_an_import_back(demo_path, demo_xlsx, tmp_path):
    copy = tmp_path / "copy.opcc"
    shutil.copy(demo_path, copy)
    with Workbook.open(copy, DEMO_PASSPHRASE) as book:
        before = exchange_tables(book)
        edited = tmp_path / "edited.xlsx"
        sheets = openpyxl.load_workbook(demo_xlsx)
        sheets["services"]["B2"] = "Renamed type"
        sheets["kpi_values"].delete_rows(5, 3)
        sheets.save(edited)
        result = import_exchange(book, read(edited))
        assert exchange_tables(book)["services"][0]["service_type"] == "Renamed type"
        book.revert(result.changes.edit_id)
        assert exchange_tables(book) == before


def test_a_file_replaces_only_the_areas_it_has_sheets_for(demo_path, tmp_path):
    copy = tmp_path / "copy.opcc"
    shutil.copy(demo_path, copy)
    with Workbook.open(copy, DEMO_PASSPHRASE) as book:
        before = exchange_tables(book)
        result = import_exchange(book, read(REFERENCE / "kpi_values.csv"))
        after = exchange_tables(book)
    assert result.summary[-1] == "Replaces: kpis"
    untouched = [s.name for s in SHEETS if s.area != "kpis"]
    assert {n: after[n] for n in untouched} == {n: before[n] for n in untouched}
    assert len(after["kpi_values"]) == sum(1 for _ in csv.DictReader((REFERENCE / "kpi_values.csv").open()))
    assert after["kpi_derived"] == []


def test_a_bad_file_changes_nothing_and_lists_every_problem(demo_path, demo_xlsx, tmp_path):
    copy = tmp_path / "copy.opcc"
    shutil.copy(demo_path, copy)
    bad = tmp_path / "bad.xlsx"
    sheets = openpyxl.load_workbook(demo_xlsx)
    sheets["service_counts"]["F2"] = -3
    sheets["kpi_values"]["G3"] = 5
    sheets["goals"]["E2"] = "finished"
    sheets["services"]["A2"] = "A service renamed"  # its counts now name no listed service
    sheets.save(bad)
    with Workbook.open(copy, DEMO_PASSPHRASE) as book:
        before, count = dump(book), edits(book)
        with pytest.raises(ImportRefused) as refused:
            import_exchange(book, read(bad))
        assert dump(book) == before and edits(book) == count
    where = {(p.sheet, p.row, p.column) for p in refused.value.problems}
    assert {("service_counts", 2, "count"), ("kpi_values", 3, "quarter"), ("goals", 2, "status")} <= where
    assert any(p.sheet.startswith("service_") and "is not on the 'services' sheet" in p.message
               for p in refused.value.problems)  # fmt: skip
    assert "Nothing was changed" in str(refused.value)


def test_dry_run_writes_nothing(wb, demo_xlsx):
    before = dump(wb)
    result = import_exchange(wb, read(demo_xlsx), dry_run=True)
    assert result.dry_run and not result.changed
    assert "service_counts: 4,080 rows" in result.summary
    assert dump(wb) == before


RISKY = ["=1+1", "+44 1642 301653", "-5 below target", "@SUM(A1)", "'=already quoted", "\t=tab"]
# Safe in a cell, but not in a CSV opened where ';' (or a tab, '|', a line break) splits cells.
SPLIT_RISKY = ["x;=1+2", "a,-5 below", "a|@SUM(A1)", "a\t+1", 'first line\n=HYPERLINK("http://x","y")',
               'x; "=1+2"', "x;'=already quoted", "x;\t+1", "- one\n- two"]  # fmt: skip
TRIGGERS = ("=", "+", "-", "@")


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_exports_neutralise_formula_injection_and_round_trip(wb, tmp_path, form):
    for position, text in enumerate(RISKY):
        narrative.set_narrative(wb, "annual-equality", "2021/22", narrative_section(position), text)
    out = tmp_path / ("x.xlsx" if form == "xlsx" else "x")
    export_data(wb, out)
    written = _narrative_cells(out, form)
    assert written and all(not cell.startswith(("=", "+", "-", "@", "\t")) for cell in written)
    assert "'=1+1" in written
    with Workbook.create(tmp_path / "again.opcc", PASSPHRASE) as again:
        import_exchange(again, read(out))
        assert exchange_tables(again)["narrative"] == exchange_tables(wb)["narrative"]


def narrative_section(position: int) -> str:
    return REPORT_SECTIONS["annual-equality"][position]


def test_csv_fields_stay_text_however_a_spreadsheet_splits_them(wb, tmp_path):
    for position, text in enumerate(SPLIT_RISKY):
        narrative.set_narrative(wb, "annual-equality", "2021/22", narrative_section(position), text)
    export_data(wb, tmp_path / "x")
    raw = (tmp_path / "x" / "narrative.csv").read_text(encoding="utf-8-sig")
    assert "\"annual-equality\"" not in raw and '"x;\'=1+2"' in raw  # quoted: it holds a ';'
    for delimiter in (",", ";", "\t", "|"):
        for row in csv.reader(io.StringIO(raw, newline=""), delimiter=delimiter):
            for field in row:
                assert not field.lstrip(' "').startswith(TRIGGERS), (delimiter, field)
    with Workbook.create(tmp_path / "again.opcc", PASSPHRASE) as again:
        import_exchange(again, read(tmp_path / "x"))
        assert exchange_tables(again)["narrative"] == exchange_tables(wb)["narrative"]


def test_an_xlsx_keeps_such_text_as_it_is(wb, tmp_path):
    narrative.set_narrative(wb, "annual-equality", "2021/22", "introduction", "x;=1+2")
    export_data(wb, tmp_path / "x.xlsx")
    assert _narrative_cells(tmp_path / "x.xlsx", "xlsx") == ["x;=1+2"]  # one cell: nothing splits it


def _narrative_cells(out: Path, form: str) -> list[str]:
    if form == "xlsx":
        sheet = openpyxl.load_workbook(out)["narrative"]
        assert all(c.data_type == "s" for c in sheet["E"][1:])  # text, never a formula
        return [c.value for c in sheet["E"][1:]]
    with (out / "narrative.csv").open(encoding="utf-8-sig", newline="") as handle:
        return [row["text"] for row in csv.DictReader(handle)]


# -- the round trip, over generated workbooks --------------------------------------------
names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
                min_size=1, max_size=30).map(str.strip).filter(bool)  # fmt: skip
tricky = st.one_of(names, st.sampled_from(RISKY + SPLIT_RISKY + ["'", "''=x", "0123", "1e5", "TRUE", "2021/22"]))
counts = st.one_of(st.none(), st.integers(0, 10_000))


@st.composite
def contents(draw: st.DrawFn) -> dict:
    return {
        "office": draw(tricky),
        "services": draw(st.lists(st.tuples(tricky, st.lists(st.tuples(tricky, counts), max_size=4)),
                                  max_size=3, unique_by=lambda s: s[0].casefold())),  # fmt: skip
        "kpis": draw(st.lists(st.tuples(tricky, st.sampled_from(["count", "percent"]),
                                        st.lists(st.one_of(st.none(), st.integers(0, 100)), max_size=4)),
                              max_size=4, unique_by=lambda k: k[0].casefold())),  # fmt: skip
        "goal": draw(st.tuples(tricky, tricky, st.sampled_from(["achieved", "in progress"]))),
        "text": draw(tricky),
    }


def build(book: Workbook, data: dict) -> None:
    office_settings.set_setting(book, "office_name", data["office"])
    for name, cells in data["services"]:
        service_id = services.add_service(book, {"name": name}).rows[0].key["id"]
        for category, count in cells:
            services.set_service_count(book, service_id, "2021/22", 1, "ethnicity", category, count)
    if data["kpis"]:
        outcome = kpis.add_outcome(book, "Outcome").rows[0].key["id"]
        group = kpis.add_group(book, outcome, data["text"]).rows[0].key["id"]
        for name, unit, values in data["kpis"]:
            kpi_id = kpis.add_kpi(book, group, {"name": name, "unit": unit, "polarity": "higher"}).rows[0].key["id"]
            for quarter, value in enumerate(values, start=1):
                kpis.set_kpi_value(book, kpi_id, "2021/22", quarter, value)
    title, description, status = data["goal"]
    goal = goals.add_goal(book, {"set_for_year": "2021/22", "title": title, "description": description,
                                 "status": status}).rows[0].key["id"]  # fmt: skip
    goals.set_goal_update(book, goal, "2021/22", data["text"])
    narrative.set_narrative(book, "annual-equality", "2021/22", "introduction", data["text"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=contents(), form=st.sampled_from(["xlsx", "csv"]))
def test_round_trip_property(tmp_path_factory, data, form):
    folder = tmp_path_factory.mktemp("roundtrip")
    with Workbook.create(folder / "a.opcc", PASSPHRASE) as source:
        build(source, data)
        export_data(source, folder / ("out.xlsx" if form == "xlsx" else "out"))
        expected = exchange_tables(source)
    with Workbook.create(folder / "b.opcc", PASSPHRASE) as target:
        import_exchange(target, read(folder / ("out.xlsx" if form == "xlsx" else "out")))
        assert exchange_tables(target) == expected


def test_the_format_document_names_every_sheet_and_column():
    document = (ROOT / "docs" / "exchange-format.md").read_text()
    rows = {line.split("|")[2].strip(" `"): line.split("|")[3] for line in document.splitlines()
            if line.startswith("| ") and line.count("|") >= 5}  # fmt: skip
    for sheet in SHEETS:
        assert sheet.name in rows, f"sheet {sheet.name} is not in docs/exchange-format.md"
        listed = [c.strip().removesuffix(" (optional)") for c in rows[sheet.name].split(",")]
        assert listed == list(sheet.columns), sheet.name


def test_category_order_is_first_use_or_the_order_column(wb, tmp_path):
    rows = ["service,financial_year,quarter,dimension,category,count,order",
            "S,2021/22,1,age,Over 65,3,3", "S,2021/22,1,age,18-24,4,1", "S,2021/22,1,age,25-64,5,",
            "S,2021/22,1,gender,Male,1,", "S,2021/22,1,gender,Female,2,"]  # fmt: skip
    (tmp_path / "service_counts.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    import_exchange(wb, read(tmp_path / "service_counts.csv"))
    listed = [(r["dimension"], r["category"]) for r in exchange_tables(wb)["service_categories"]]
    assert listed == [("age", "18-24"), ("age", "Over 65"), ("age", "25-64"), ("gender", "Male"), ("gender", "Female")]


def test_a_file_without_the_list_sheets_keeps_never_publish_flags(demo_path, tmp_path):
    """An edited extract of only the counts or only the KPI values must never make a
    never-publish service, scheme or KPI publishable."""
    copy = tmp_path / "copy.opcc"
    shutil.copy(demo_path, copy)
    with Workbook.open(copy, DEMO_PASSPHRASE) as book:
        services.edit_service(book, services.services(book)[0]["id"], {"never_publish": True})
        flagged_kpi = kpis.kpi_tree(book)[0]
        kpis.edit_kpi(book, flagged_kpi["id"], {"never_publish": True})
        before = exchange_tables(book)
        export_data(book, tmp_path / "all")
        for name in ("services", "service_categories", "kpis"):
            (tmp_path / "all" / f"{name}.csv").unlink()
        import_exchange(book, read(tmp_path / "all"))
        after = exchange_tables(book)
    assert after["services"] == before["services"]  # type, years and flags kept for every service

    def flags(rows: list[dict]) -> dict[str, str]:
        return {row["kpi"]: row["never_publish"] for row in rows}

    assert flags(after["kpis"]) == flags(before["kpis"])
    assert "yes" in flags(after["kpis"]).values() and any(r["never_publish"] == "yes" for r in after["services"])


# -- nothing private outside the requested output ------------------------------------------
def add_staff(book: Workbook, count: int = 3) -> None:
    snapshot = workforce.add_snapshot(book, "2022-03-31").rows[0].key["id"]
    people = [{"staff_ref": f"E{i:06d}", **{k: v[0] for k, v in WORKFORCE_CHARACTERISTICS.items()}}
              for i in range(count)]  # fmt: skip
    workforce.add_staff_rows(book, snapshot, people)


def files_of(path: Path) -> dict[str, bytes]:
    files = sorted(path.rglob("*")) if path.is_dir() else [path]
    return {str(f.relative_to(path.parent)): f.read_bytes() for f in files if f.is_file()}


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_an_export_writes_nothing_in_tmpdir_and_a_failure_leaves_nothing(wb, tmp_path, empty_tmpdir, monkeypatch,
                                                                          form):  # fmt: skip
    add_staff(wb)
    narrative.set_narrative(wb, "annual-equality", "2021/22", "introduction", "Text")
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / ("all.xlsx" if form == "xlsx" else "all")
    seen: list[tuple[list[str], list[str]]] = []
    cells = export._cells
    fail = False

    def watched(sheet, row, *rest):  # type: ignore[no-untyped-def]
        seen.append((os.listdir(empty_tmpdir), os.listdir(folder)))
        if sheet.name == "narrative" and fail:
            raise OSError("No space left on device")
        return cells(sheet, row, *rest)

    monkeypatch.setattr(export, "_cells", watched)
    export_data(wb, out)
    assert os.listdir(folder) == [out.name] and os.listdir(empty_tmpdir) == []
    assert seen and all(tmp == [] for tmp, _ in seen)
    assert all(len(beside) == 1 and beside[0].startswith(f".{out.name}.") for _, beside in seen)  # a working folder
    written = files_of(out)
    fail = True
    with pytest.raises(OSError):
        export_data(wb, out)  # over the last export: left as it was
    assert os.listdir(folder) == [out.name] and files_of(out) == written and os.listdir(empty_tmpdir) == []
    shutil.rmtree(out) if out.is_dir() else out.unlink()
    with pytest.raises(OSError):
        export_data(wb, out)
    assert os.listdir(folder) == [] and os.listdir(empty_tmpdir) == []


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_without_workforce_leaves_out_the_workforce_pack_narrative_and_an_import_keeps_it(wb, tmp_path, form):
    add_staff(wb)
    narrative.set_narrative(wb, "workforce-pack", "2021/22", "summary", "Turnover in the control room")
    narrative.set_narrative(wb, "annual-equality", "2021/22", "introduction", "Public text")
    out = tmp_path / ("public.xlsx" if form == "xlsx" else "public")
    export_data(wb, out, without=("workforce",))
    written = [row["report"] for _, row in read(out).table("narrative").records()]
    assert written == ["annual-equality"]
    narrative.set_narrative(wb, "annual-equality", "2021/22", "introduction", "Edited since")
    narrative.set_narrative(wb, "workforce-pack", "2021/22", "summary", "Edited since too")
    result = import_exchange(wb, read(out))
    assert "Keeps: the workforce pack's narrative (the file has no workforce sheets)" in result.summary
    texts = {(r["report"], r["section"]): r["text"] for r in exchange_tables(wb)["narrative"]}
    assert texts == {("annual-equality", "introduction"): "Public text",
                     ("workforce-pack", "summary"): "Edited since too"}  # fmt: skip
    assert len(exchange_tables(wb)["workforce"]) == 3


def test_a_file_without_workforce_sheets_but_with_workforce_pack_rows_replaces_them(wb, tmp_path):
    narrative.set_narrative(wb, "workforce-pack", "2021/22", "summary", "Old summary")
    narrative.set_narrative(wb, "workforce-pack", "2021/22", "observations", "Old observations")
    rows = ["report,financial_year,quarter,section,text", "workforce-pack,2021/22,0,summary,New summary"]
    (tmp_path / "narrative.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = import_exchange(wb, read(tmp_path / "narrative.csv"))
    assert not any(line.startswith("Keeps:") for line in result.summary)
    assert [(r["section"], r["text"]) for r in exchange_tables(wb)["narrative"]] == [("summary", "New summary")]


def test_a_full_export_still_carries_the_workforce_pack_narrative(wb, tmp_path):
    narrative.set_narrative(wb, "workforce-pack", "2021/22", "summary", "Pack text")
    export_data(wb, tmp_path / "all.xlsx")
    assert [row["report"] for _, row in read(tmp_path / "all.xlsx").table("narrative").records()] == ["workforce-pack"]
