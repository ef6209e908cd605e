"""Monitoring returns: the blank template, and importing it filled in, on real files."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import DEMO_PASSPHRASE, dump

from opcc_desktop.areas import services
from opcc_desktop.areas.vocab import SERVICE_DIMENSIONS
from opcc_desktop.errors import ImportProblem, ImportRefused, ValidationError
from opcc_desktop.exchange.cells import restore
from opcc_desktop.exchange.returns import import_return, is_monitoring_return, write_template
from opcc_desktop.exchange.sources import read
from opcc_desktop.store.workbook import Workbook

SERVICE, YEAR, QUARTER = "Arch Teesside", "2021/22", 3
LABEL = f"{SERVICE} {YEAR} Q{QUARTER}"
Key = tuple[str, str]


@pytest.fixture
def demo(demo_path: Path, tmp_path: Path):
    """A copy of the demo workbook, open for editing."""
    copy = tmp_path / "demo.opcc"
    shutil.copy(demo_path, copy)
    book = Workbook.open(copy, DEMO_PASSPHRASE, auto_backup=False)
    yield book
    book.close()


def service_id(wb: Workbook, name: str = SERVICE) -> int:
    return wb.scalar("SELECT id FROM services WHERE name = ?", [name])


def held(wb: Workbook, year: str = YEAR, quarter: int = QUARTER, name: str = SERVICE) -> dict[Key, int]:
    """The counts held for one service-quarter."""
    rows = services.service_counts(wb, service_id(wb, name))
    return {(r["dimension"], r["category"]): r["count"] for r in rows
            if (r["financial_year"], r["quarter"]) == (year, quarter)}  # fmt: skip


def activity(wb: Workbook, name: str = SERVICE) -> dict[str, float]:
    rows = wb.rows("SELECT measure, value FROM service_activity WHERE service_id = ? AND financial_year = ?"
                   " AND quarter = ?", [service_id(wb, name), YEAR, QUARTER])  # fmt: skip
    return {r["measure"]: r["value"] for r in rows}


def edits(wb: Workbook) -> int:
    return wb.scalar("SELECT count(*) FROM edits")


def template(wb: Workbook, folder: Path, name: str = SERVICE) -> Path:
    out = folder / "blank.xlsx"
    write_template(wb, name, YEAR, QUARTER, out)
    return out


def keys_in(sheet: Any) -> dict[Key, int]:
    """(dimension, category) -> row number on the return sheet (text as typed, not as guarded)."""
    return {(restore(row[3].value), restore(row[4].value)): row[0].row for row in sheet.iter_rows(min_row=2)}


def fill(
    blank: Path, counts: Mapping[Key, Any], values: Mapping[str, Any] | None = None,
    edit: Callable[[Any], None] | None = None, name: str = "filled.xlsx",
) -> Path:
    """Type ``counts`` and activity ``values`` into a copy of the template, as a service would
    (``edit`` changes the spreadsheet further), and return the copy's path."""
    book = openpyxl.load_workbook(blank)
    sheet = book["return"]
    for key, row in keys_in(sheet).items():
        sheet.cell(row, 6, counts.get(key))
    for measure, cell in ((row[3].value, row[4]) for row in book["activity"].iter_rows(min_row=2)):
        cell.value = (values or {}).get(measure)
    if edit:
        edit(book)
    out = blank.with_name(name)
    book.save(out)
    return out


def refusal(wb: Workbook, path: Path) -> ImportRefused:
    """Import a file that must be refused; check nothing was written."""
    before, past = dump(wb), edits(wb)
    with pytest.raises(ImportRefused) as info:
        import_return(wb, read(path))
    assert dump(wb) == before and edits(wb) == past
    assert info.value.source == path.name
    return info.value


def where(problem: ImportProblem) -> tuple[str, int | None, str]:
    return problem.sheet, problem.row, problem.column


# -- the template ------------------------------------------------------------------------------


def test_template_explains_itself_and_lists_the_categories_in_display_order(demo_path, tmp_path) -> None:
    with Workbook.open(demo_path, DEMO_PASSPHRASE, readonly=True) as wb:
        out = template(wb, tmp_path, "arch  TEESSIDE")  # found whatever its case or spacing
        categories = wb.rows("SELECT dimension, category FROM service_categories WHERE service_id = ?"
                             " ORDER BY position", [service_id(wb)])  # fmt: skip
        measures = [r["measure"] for r in wb.rows(
            "SELECT measure FROM service_activity WHERE service_id = ? GROUP BY measure ORDER BY min(id)",
            [service_id(wb)])]  # fmt: skip
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Instructions", "return", "activity"]
    instructions = "\n".join(str(c.value) for c in book["Instructions"]["A"] if c.value)
    for words in (SERVICE, "2021/22 quarter 3 (Oct-Dec 2021)", "Office of the Police and Crime Commissioner",
                  "Leave a cell blank if you do not collect", "Type 0 if there were none", "no formulas",
                  "Unprotect Sheet", "email it back"):  # fmt: skip
        assert words in instructions

    sheet = book["return"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("service", "financial_year", "quarter", "dimension", "category", "count")
    expected = sorted(((r["dimension"], r["category"]) for r in categories),
                      key=lambda key: SERVICE_DIMENSIONS.index(key[0]))  # stable: keeps the positions
    assert [(dimension, category) for *_, dimension, category, _ in rows[1:]] == expected
    assert {dimension for dimension, _ in expected} == set(SERVICE_DIMENSIONS)
    assert {row[:3] for row in rows[1:]} == {(SERVICE, YEAR, QUARTER)}
    assert all(row[5] is None for row in rows[1:])
    assert [(r[3], r[4]) for r in book["activity"].iter_rows(values_only=True)] == [
        ("measure", "value"), *((m, None) for m in measures)]  # fmt: skip
    assert measures == ["referrals_received", "clients_supported"]


def test_template_guards_the_cells_against_slips(demo_path, tmp_path) -> None:
    with Workbook.open(demo_path, DEMO_PASSPHRASE, readonly=True) as wb:
        book = openpyxl.load_workbook(template(wb, tmp_path))
    for name, last, kind in (("return", "F", "whole"), ("activity", "E", "decimal")):
        sheet = book[name]
        (rule,) = sheet.data_validations.dataValidation
        assert (rule.type, rule.operator, rule.formula1) == (kind, "greaterThanOrEqual", "0")
        assert rule.showErrorMessage and rule.allow_blank and "0 or more" in rule.error
        assert str(rule.sqref) == f"{last}2:{last}{sheet.max_row}"
        assert sheet.protection.sheet and not sheet.protection.password
        assert all(not sheet[f"{last}{row}"].protection.locked for row in range(2, sheet.max_row + 1))
        labels = sheet.iter_rows(max_col=sheet.max_column - 1)
        assert all(cell.protection.locked for row in labels for cell in row)
        assert sheet[f"{last}1"].protection.locked
        assert sheet.freeze_panes == "A2" and all(cell.font.b for cell in sheet[1])
    assert book.security.lockStructure and not book.security.workbookPassword  # sheets keep their names
    sheet = book["return"]
    longest = max(len(str(c.value)) for c in sheet["E"])
    assert sheet.column_dimensions["E"].width >= longest


def test_a_new_service_gets_the_categories_other_services_use_most(wb, tmp_path) -> None:
    ids = [services.add_service(wb, {"name": name}).rows[0].key["id"] for name in ("A", "B", "C", "New")]
    for sid, genders in zip(ids, (("Female", "Male", "Not disclosed"), ("Male", "Female"),
                                  ("Female", "Male", "Not disclosed")), strict=False):  # fmt: skip
        for category in genders:
            services.set_service_count(wb, sid, YEAR, 1, "gender", category, 1)
    services.set_service_activity(wb, ids[1], YEAR, 1, "referrals received", 4)
    book = openpyxl.load_workbook(template(wb, tmp_path, "New"))
    rows = [(r[3], r[4]) for r in book["return"].iter_rows(min_row=2, values_only=True)]
    assert [c for d, c in rows if d == "gender"] == ["Female", "Male", "Not disclosed"]
    assert [c for d, c in rows if d == "ethnicity"] == ["Not disclosed"]  # nobody records it yet
    assert [r[3] for r in book["activity"].iter_rows(min_row=2, values_only=True)] == ["referrals received"]


def test_template_refuses_an_unknown_service_and_a_bad_period_at_once(wb, tmp_path) -> None:
    services.add_service(wb, {"name": "Harbour"})
    with pytest.raises(ValidationError) as info:
        write_template(wb, "Harbor", "2021-22", 5, tmp_path / "t.xlsx")
    assert [p.field for p in info.value.problems] == ["service", "financial_year", "quarter"]
    assert "'Harbor' is not a service in this workbook (did you mean 'Harbour'?) (allowed: 'Harbour')" in str(
        info.value)
    assert not (tmp_path / "t.xlsx").exists()


def test_text_that_looks_like_a_formula_is_written_as_text_and_read_back(wb, tmp_path) -> None:
    sid = services.add_service(wb, {"name": "=Helpline"}).rows[0].key["id"]
    services.set_service_count(wb, sid, YEAR, 1, "gender", "+ other", 2)
    blank = template(wb, tmp_path, "=Helpline")
    sheet = openpyxl.load_workbook(blank)["return"]
    assert sheet["A2"].value == "'=Helpline" and sheet["A2"].data_type == "s"
    result = import_return(wb, read(fill(blank, {("gender", "+ other"): 7})))
    assert result.summary == ["=Helpline 2021/22 Q3: 1 count (0 changed, 1 new, 0 cleared)",
                              "=Helpline 2021/22 Q3: 0 activity figures (no changes)"]  # fmt: skip
    assert held(wb, name="=Helpline") == {("gender", "+ other"): 7}


# -- importing ---------------------------------------------------------------------------------


def test_counts_land_in_one_edit_and_undo_restores_the_old_ones(demo, tmp_path) -> None:
    before, old, old_activity, count = dump(demo), held(demo), activity(demo), edits(demo)
    blank = template(demo, tmp_path)
    keys = list(keys_in(openpyxl.load_workbook(blank)["return"]))
    new = {key: number * 3 for number, key in enumerate(keys)}
    figures = {"referrals_received": 150, "clients_supported": 99.5}
    result = import_return(demo, read(fill(blank, new, figures)))
    changed = sum(old[key] != count for key, count in new.items())
    assert result.kind == "monitoring-return" and not result.dry_run and result.changed
    assert result.summary == [f"{LABEL}: {len(keys)} counts ({changed} changed, 0 new, 0 cleared)",
                              f"{LABEL}: 2 activity figures (2 changed, 0 new, 0 cleared)"]  # fmt: skip
    assert held(demo) == new
    assert activity(demo) == figures
    assert edits(demo) == count + 1 and result.changes.edit_id == demo.scalar("SELECT max(id) FROM edits")
    assert demo.scalar("SELECT description FROM edits WHERE id = ?", [result.changes.edit_id]) == (
        f"Import monitoring return: {LABEL}")

    demo.revert(result.changes.edit_id)
    assert held(demo) == old and activity(demo) == old_activity
    assert dump(demo) == before


def test_importing_the_same_file_again_changes_nothing(demo, tmp_path) -> None:
    filled = fill(template(demo, tmp_path), {("age", "18-24"): 5, ("gender", "Female"): 12},
                  {"referrals_received": 40})  # fmt: skip
    assert import_return(demo, read(filled)).changed
    before, count = dump(demo), edits(demo)
    again = import_return(demo, read(filled))
    assert not again.changes and not again.changed
    assert again.summary == [f"{LABEL}: 2 counts (no changes)", f"{LABEL}: 1 activity figure (no changes)"]
    assert dump(demo) == before and edits(demo) == count


def test_a_blank_cell_clears_the_count_held_and_other_quarters_stay(demo, tmp_path) -> None:
    old, other_quarter = held(demo), held(demo, quarter=2)
    cleared = ("gender", "Male")
    counts = {key: count for key, count in old.items() if key != cleared}
    result = import_return(demo, read(fill(template(demo, tmp_path), counts, activity(demo))))
    assert result.summary[0] == f"{LABEL}: {len(counts)} counts (0 changed, 0 new, 1 cleared)"
    assert [(r.table, r.op, r.before["category"]) for r in result.changes.rows] == [
        ("service_counts", "delete", "Male")]  # fmt: skip
    assert held(demo) == counts and held(demo, quarter=2) == other_quarter


def test_a_dry_run_checks_and_summarises_but_writes_nothing(demo, tmp_path) -> None:
    filled = fill(template(demo, tmp_path), {("age", "18-24"): 1})
    before, count = dump(demo), edits(demo)
    trial = import_return(demo, read(filled), dry_run=True)
    assert trial.dry_run and trial.changes is None
    assert dump(demo) == before and edits(demo) == count
    real = import_return(demo, read(filled))
    assert real.summary == trial.summary and real.changed
    assert trial.summary[0].startswith(f"{LABEL}: 1 count (1 changed, 0 new, ")


def test_an_empty_return_is_refused_unless_allowed_and_then_warns_that_it_clears_the_quarter(demo, tmp_path) -> None:
    blank = read(template(demo, tmp_path))
    with pytest.raises(ImportRefused, match="holds no figures at all"):
        import_return(demo, blank, dry_run=True)
    trial = import_return(demo, blank, dry_run=True, allow_empty=True)
    assert trial.summary[0] == f"{LABEL}: 0 counts (0 changed, 0 new, {len(held(demo))} cleared)"
    assert trial.warnings == [f"The return holds no counts: importing it clears the {len(held(demo))} held"
                              f" for {LABEL}"]  # fmt: skip


def test_the_activity_sheet_replaces_only_the_measures_it_lists(demo, tmp_path) -> None:
    old = activity(demo)

    def drop_clients(book: Any) -> None:
        sheet = book["activity"]
        sheet.delete_rows(next(r[0].row for r in sheet.iter_rows() if r[3].value == "clients_supported"))

    blank, counts = template(demo, tmp_path), held(demo)
    import_return(demo, read(fill(blank, counts, {"referrals_received": 7}, drop_clients)))
    assert activity(demo) == {**old, "referrals_received": 7}
    cleared = import_return(demo, read(fill(blank, counts, {}, drop_clients, "2.xlsx")))
    assert cleared.summary[1] == f"{LABEL}: 0 activity figures (0 changed, 0 new, 1 cleared)"
    assert activity(demo) == {"clients_supported": old["clients_supported"]}


def test_new_categories_are_recorded_in_file_order_and_spelling_follows_the_workbook(demo, tmp_path) -> None:
    def add_rows(book: Any) -> None:
        sheet = book["return"]
        sheet.append([SERVICE, YEAR, QUARTER, "age", "Under 12", 3])
        sheet.append([SERVICE, YEAR, QUARTER, "AGE", "12-15", 4])
        sheet.cell(keys_in(sheet)[("gender", "Female")], 5, " female ")

    old = held(demo)
    result = import_return(demo, read(fill(template(demo, tmp_path), old, activity(demo), add_rows)))
    assert result.summary[0] == f"{LABEL}: {len(old) + 2} counts (0 changed, 2 new, 0 cleared)"
    assert result.warnings == [f"New age category for {SERVICE}: 'Under 12' (check its spelling)",
                               f"New age category for {SERVICE}: '12-15' (check its spelling)"]  # fmt: skip
    ages = [c for d, c in held(demo) if d == "age"]
    assert ages[-2:] == ["Under 12", "12-15"]
    assert held(demo)[("gender", "Female")] == old[("gender", "Female")]
    book = openpyxl.load_workbook(template(demo, tmp_path))  # the next template lists them too
    assert [r[4] for r in book["return"].iter_rows(min_row=2, values_only=True) if r[3] == "age"] == ages


# -- refused returns ---------------------------------------------------------------------------


def test_a_bad_return_lists_every_problem_and_leaves_the_file_as_it_was(demo_path, tmp_path) -> None:
    path = tmp_path / "demo.opcc"
    shutil.copy(demo_path, path)
    original = path.read_bytes()
    with Workbook.open(path, DEMO_PASSPHRASE, auto_backup=False) as wb:
        blank = template(wb, tmp_path)
        rows = keys_in(openpyxl.load_workbook(blank)["return"])
        bad = {("age", "18-24"): -1, ("age", "25-34"): 2.5, ("age", "35-44"): "ten"}

        def spoil(book: Any) -> None:
            sheet = book["return"]
            sheet.cell(rows[("gender", "Female")], 6, "=1+1")
            sheet.cell(rows[("gender", "Male")], 5, "Female")
            sheet.cell(rows[("disability", "Disabled")], 4, "shoe size")
            sheet.cell(rows[("ethnicity", "Mixed")], 1, "Harbour")
            sheet.cell(rows[("transgender", "Yes")], 3, 2)

        error = refusal(wb, fill(blank, bad, edit=spoil))
    assert path.read_bytes() == original
    assert {p.sheet for p in error.problems} == {"return"}
    found = {(p.row, p.column): p for p in error.problems}
    assert list(found) == sorted(found, key=lambda at: at[0])  # listed in row order
    assert len(found) == len(error.problems) == 8
    female, mixed = rows[("gender", "Female")], rows[("ethnicity", "Mixed")]
    assert {at: (p.value, p.message) for at, p in found.items()} == {
        (rows[("age", "18-24")], "count"): (-1, "is out of range"),
        (rows[("age", "25-34")], "count"): (2.5, "is not a whole number"),
        (rows[("age", "35-44")], "count"): ("ten", "is not a number"),
        (female, "F"): (None, f"cell F{female} holds a formula"),
        (rows[("gender", "Male")], "dimension + category"): ("gender / Female", f"repeats row {female}"),
        (rows[("disability", "Disabled")], "dimension"): ("shoe size", "is not one of the allowed values"),
        (mixed, "service"): ("Harbour", f"differs from row 2 ('{SERVICE}')"),
        (rows[("transgender", "Yes")], "quarter"): (2, "differs from row 2 (3)"),
    }  # fmt: skip
    assert "one service and one quarter a file" in found[(mixed, "service")].allowed
    assert str(error).startswith(f"Cannot import {error.source}: 8 problems. Nothing was changed.")


def test_a_missing_column_is_named(demo, tmp_path) -> None:
    def drop_counts(book: Any) -> None:
        book["return"].delete_cols(6)

    filled = fill(template(demo, tmp_path), {("age", "18-24"): 5}, edit=drop_counts)
    (problem,) = refusal(demo, filled).problems
    assert (where(problem), problem.message) == (("return", 1, "count"), "column is missing")


def test_an_unknown_service_is_named_with_the_services_held(demo, tmp_path) -> None:
    def misspell(book: Any) -> None:
        for sheet in book["return"], book["activity"]:
            for (cell,) in sheet.iter_rows(min_row=2, max_col=1):
                cell.value = "Arch Teeside"

    error = refusal(demo, fill(template(demo, tmp_path), {("age", "18-24"): 5}, edit=misspell))
    (problem,) = error.problems
    assert where(problem) == ("return", 2, "service")
    assert ("'Arch Teeside' is not a service in this workbook (did you mean 'Arch Teesside'?)"
            " (allowed: 'A Way Out', ") in str(error)  # fmt: skip
    assert repr(SERVICE) in problem.allowed and problem.allowed.endswith("... (5 more)")


def test_only_a_return_is_recognised_as_one(demo, tmp_path) -> None:
    blank = template(demo, tmp_path)
    assert is_monitoring_return(read(blank))
    other = tmp_path / "staff.csv"
    other.write_text("staff_ref,age_band\nA1,25-34\n", encoding="utf-8")
    assert not is_monitoring_return(read(other))
    (problem,) = refusal(demo, other).problems
    assert (problem.sheet, problem.message) == ("return", "sheet is missing")
    assert "'return'" in problem.allowed
