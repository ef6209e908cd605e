"""HR system extracts: real CSV and XLSX files with the HR system's own headers and codes,
imported into a workforce snapshot of a real encrypted workbook."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from conftest import dump

from opcc_desktop.areas import workforce
from opcc_desktop.errors import ImportProblem, ImportRefused
from opcc_desktop.exchange.hr_extract import (
    MAPPING_KEY,
    HrMapping,
    extract_columns,
    import_hr_extract,
    looks_like_hr_extract,
    proposed_category,
    read_mapping,
    save_mapping,
    saved_mapping,
)
from opcc_desktop.exchange.sources import read
from opcc_desktop.store.changes import decode, encode, recorded_changes

HEADERS = ["Employee No", "Age Band", "Gender", "Trans", "Ethnic Origin", "Disabled", "Religion",
           "Orientation", "Maternity", "Grade", "FTE", "Start Date"]  # fmt: skip
MAPPING = HrMapping(
    columns={"Employee No": "staff_ref", "Age Band": "age_band", "Gender": "sex",
             "Trans": "gender_identity_same", "Ethnic Origin": "ethnicity", "Disabled": "disability",
             "Religion": "religion", "Orientation": "sexual_orientation", "Maternity": "pregnancy_maternity",
             "Grade": "role_grade", "FTE": "fte", "Start Date": "start_date"},
    codes={"sex": {"F": "Female", "M": "Male", "U": "Not declared"},
           "ethnicity": {"A1": "White British", "A9": "White other", "C1": "Asian or Asian British",
                         "N": "Not declared"},
           "disability": {"Y": "Yes", "N": "No", "": "Not declared"},
           "religion": {"CHR": "Christian", "NONE": "No religion", "PNS": "Prefer not to say"}},
    date_format="%d/%m/%Y",
)  # fmt: skip
SNAPSHOT = "2022-03-31"


def person(ref: str = "E1001", **changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "Employee No": ref, "Age Band": "35-44", "Gender": "F", "Trans": "Yes", "Ethnic Origin": "A1",
        "Disabled": "N", "Religion": "CHR", "Orientation": "Heterosexual or straight", "Maternity": "No",
        "Grade": "Scale 6", "FTE": "0.8", "Start Date": "01/09/2015",
    }  # fmt: skip
    return {**row, **changes}


def write_csv(path: Path, rows: list[dict[str, object]], encoding: str = "utf-8",
              headers: list[str] = HEADERS) -> Path:  # fmt: skip
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows([[row.get(h, "") for h in headers] for row in rows])
    return path


def write_xlsx(path: Path, rows: list[list[object]], headers: list[str] = HEADERS) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Employees"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def snapshot_id(wb, date: str = SNAPSHOT) -> int:
    return wb.scalar("SELECT id FROM workforce_snapshots WHERE snapshot_date = ?", [date])


def stored(wb, date: str = SNAPSHOT) -> dict[str, dict[str, object]]:
    """The snapshot's staff rows by staff reference, without their ids."""
    rows = workforce.staff_rows(wb, snapshot_id(wb, date))
    return {row["staff_ref"]: {k: v for k, v in row.items() if k not in ("id", "staff_ref")} for row in rows}


def refusal(wb, path: Path, date: str = SNAPSHOT) -> ImportRefused:
    """Import a file that must be refused, dry run first; check neither changed anything."""
    before = dump(wb), wb.scalar("SELECT count(*) FROM audit")
    with pytest.raises(ImportRefused) as dry:
        import_hr_extract(wb, read(path), date, MAPPING, dry_run=True)
    with pytest.raises(ImportRefused) as real:
        import_hr_extract(wb, read(path), date, MAPPING)
    assert (dump(wb), wb.scalar("SELECT count(*) FROM audit")) == before
    assert dry.value.problems == real.value.problems
    return real.value


# -- files that import ---------------------------------------------------------------------------
def test_a_mapped_csv_lands_the_right_rows(wb, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "hr.csv", [
        person("E1001"),
        person("E1002", Gender="m", **{"Ethnic Origin": "c1", "Disabled": "", "Religion": "none", "FTE": "1",
                                       "Start Date": "31/03/2022", "Age Band": "25-34"}),
    ])  # fmt: skip
    result = import_hr_extract(wb, read(path), SNAPSHOT, MAPPING, label="Year end 2022")
    assert result.kind == "hr-extract" and not result.dry_run and result.changed
    assert result.summary == ["2 staff rows for snapshot 2022-03-31", "sex: 2 codes mapped",
                              "ethnicity: 2 codes mapped", "disability: 2 codes mapped",
                              "religion: 2 codes mapped"]  # fmt: skip
    rows = stored(wb)
    assert rows["E1001"] == {
        "age_band": "35-44", "sex": "Female", "gender_identity_same": "Yes", "ethnicity": "White British",
        "disability": "No", "religion": "Christian", "sexual_orientation": "Heterosexual or straight",
        "pregnancy_maternity": "No", "role_grade": "Scale 6", "fte": 0.8, "start_date": "2015-09-01",
    }  # fmt: skip
    assert rows["E1002"]["sex"] == "Male" and rows["E1002"]["ethnicity"] == "Asian or Asian British"
    assert rows["E1002"]["disability"] == "Not declared"  # a blank cell, mapped by the code ""
    assert rows["E1002"]["fte"] == 1.0 and rows["E1002"]["start_date"] == "2022-03-31"
    assert workforce.snapshots(wb) == [{"id": snapshot_id(wb), "snapshot_date": SNAPSHOT,
                                        "label": "Year end 2022", "headcount": 2}]  # fmt: skip


def test_an_xlsx_extract_with_number_and_date_cells(wb, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "hr.xlsx", [
        [100234, "35-44", "F", "Yes", "A9", "Y", "PNS", "Bisexual", "No", 7, 0.6, dt.datetime(2019, 4, 1)],
        [100235, "65+", "M", "No", "N", "N", "NONE", "Not declared", "No", "PO2", "0.5", "2020-01-06"],
        [100236, "16-24", "U", "Yes", "A1", "N", "CHR", "Gay or lesbian", "Yes", "SO1", 1, "06/01/2020"],
    ])  # fmt: skip
    import_hr_extract(wb, read(path), SNAPSHOT, MAPPING)
    rows = stored(wb)
    assert sorted(rows) == ["100234", "100235", "100236"]  # whole-number cells, not '100234.0'
    assert rows["100234"]["role_grade"] == "7" and rows["100234"]["start_date"] == "2019-04-01"
    assert rows["100235"]["fte"] == 0.5  # a number stored as text
    assert rows["100236"]["fte"] == 1.0 and isinstance(rows["100236"]["fte"], float)
    assert rows["100235"]["start_date"] == rows["100236"]["start_date"] == "2020-01-06"


@pytest.mark.parametrize("encoding, grade", [("cp1252", "Band £3 – café"), ("utf-8-sig", "Grade é/£")])
def test_windows_and_bom_encoded_csv_files_read_right(wb, tmp_path: Path, encoding: str, grade: str) -> None:
    path = write_csv(tmp_path / "hr.csv", [person(Grade=grade)], encoding=encoding)
    import_hr_extract(wb, read(path), SNAPSHOT, MAPPING)
    assert stored(wb)["E1001"]["role_grade"] == grade  # and the BOM is not in the first header


def test_identity_mapping_needs_our_names_and_categories(wb, tmp_path: Path) -> None:
    headers = ["Staff Ref", "age_band", "SEX", "gender identity same", "Ethnicity", "disability",
               "religion", "sexual_orientation", "pregnancy_maternity"]  # fmt: skip
    values = ["S-77", "45-54", "male", "Yes", "black, black british, caribbean or african", "no",
              "muslim", "bisexual", "no"]  # fmt: skip
    path = write_csv(tmp_path / "plain.csv", [dict(zip(headers, values))], headers=headers)
    result = import_hr_extract(wb, read(path), SNAPSHOT)
    assert result.summary == ["1 staff rows for snapshot 2022-03-31"]
    row = stored(wb)["S-77"]
    assert row["ethnicity"] == "Black, Black British, Caribbean or African" and row["sex"] == "Male"
    assert row["role_grade"] == "" and row["fte"] is None and row["start_date"] is None


def test_other_columns_are_warned_of_and_not_kept(wb, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "hr.csv", [person(Surname="Smith")], headers=[*HEADERS, "Surname"])
    result = import_hr_extract(wb, read(path), SNAPSHOT, MAPPING)
    assert result.warnings == ["Columns not imported: Surname"]
    assert "Smith" not in json.dumps(dump(wb), default=str)


def test_an_empty_snapshot_at_the_date_is_used(wb, tmp_path: Path) -> None:
    existing = workforce.add_snapshot(wb, SNAPSHOT, "Planned").rows[0].key["id"]
    result = import_hr_extract(wb, read(write_csv(tmp_path / "hr.csv", [person()])), SNAPSHOT, MAPPING)
    assert result.summary[0] == "1 staff rows for the existing snapshot 2022-03-31"
    assert snapshot_id(wb) == existing and list(stored(wb)) == ["E1001"]


# -- dry runs and refusals -----------------------------------------------------------------------
def test_a_dry_run_of_a_valid_file_reports_and_writes_nothing(wb, tmp_path: Path) -> None:
    before = dump(wb)
    source = read(write_csv(tmp_path / "hr.csv", [person()]))
    result = import_hr_extract(wb, source, SNAPSHOT, MAPPING, dry_run=True)
    assert result.dry_run and result.changes is None and not result.changed
    assert result.summary[0] == "1 staff rows for snapshot 2022-03-31"
    assert dump(wb) == before and wb.scalar("SELECT count(*) FROM edits") == 0


def test_a_dry_run_lists_unknown_codes_with_counts_and_missing_columns(wb, tmp_path: Path) -> None:
    rows = [person(f"E{n}", **{"Ethnic Origin": "Q7" if n % 2 else "A1"}) for n in range(1, 16)]
    rows[3]["Gender"] = "X"
    headers = [h for h in HEADERS if h != "Trans"]
    error = refusal(wb, write_csv(tmp_path / "hr.csv", rows, headers=headers))
    missing, *cells = error.problems
    allowed = "a header cell reading 'Trans' (mapped to gender_identity_same)"
    assert missing == ImportProblem("hr", 1, "Trans", None, "column is missing", allowed)
    assert [(p.row, p.column, p.value) for p in cells] == [(2, "Ethnic Origin", "Q7"), (5, "Gender", "X")]
    assert cells[0].message == "is not a code in the mapping (in 8 rows: 2, 4, 6, 8, 10, ...)"
    assert cells[0].allowed.startswith("its codes (A1, A9, C1, N) or a category ('White British'")
    assert cells[1].message == "is not a code in the mapping"
    assert "Cannot import hr.csv: 3 problems. Nothing was changed." in str(error)


def test_duplicate_staff_refs_are_reported(wb, tmp_path: Path) -> None:
    rows = [person("E1"), person("E2"), person("E1"), person("E1")]
    error = refusal(wb, write_csv(tmp_path / "hr.csv", rows))
    assert [(p.row, p.column, p.value, p.message) for p in error.problems] == [
        (4, "Employee No", "E1", "repeats row 2"), (5, "Employee No", "E1", "repeats row 2")]  # fmt: skip


def test_every_problem_at_once_with_sheet_row_and_column(wb, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "hr.xlsx", [
        ["E1", "35-44", "F", "Yes", "A1", "N", "CHR", "Bisexual", "No", "x" * 81, 0.8, "01/09/2015"],
        ["E2", "35-44", "F", "Yes", "A1", "N", "CHR", "Bisexual", "No", "SO1", 1.5, "31/02/2015"],
        ["E3", "35-44", "F", "Yes", "A1", "N", "CHR", "Bisexual", "No", "SO1", "full", "01/04/2022"],
        ["E4", None, "F", "Yes", "A1", "N", "CHR", "Straight", "No", "SO1", 1, "01/09/2015"],
    ])  # fmt: skip
    error = refusal(wb, path)
    assert [(p.sheet, p.row, p.column, p.message) for p in error.problems] == [
        ("Employees", 2, "Grade", "is too long (81 characters)"),
        ("Employees", 3, "FTE", "is out of range"),
        ("Employees", 3, "Start Date", "is not a date"),
        ("Employees", 4, "FTE", "is not a number"),
        ("Employees", 4, "Start Date", "is after the snapshot date"),
        ("Employees", 5, "Age Band", "is missing"),
        ("Employees", 5, "Orientation", "is not one of the allowed values"),
    ]
    assert error.problems[2].allowed == "a date written '03/02/2001' (%d/%m/%Y) or YYYY-MM-DD"
    assert error.problems[4].allowed == "on or before 2022-03-31"


def test_a_name_instead_of_a_staff_ref_is_refused(wb, tmp_path: Path) -> None:
    error = refusal(wb, write_csv(tmp_path / "hr.csv", [person("E1"), person("Jane Smith"), person("Smith")]))
    assert [(p.row, p.value, p.message) for p in error.problems] == [
        (3, "Jane Smith", "is not a staff reference (never use a name)"),
        (4, "Smith", "is not a staff reference (never use a name)")]  # fmt: skip


def test_a_snapshot_that_already_has_staff_is_refused(wb, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "hr.csv", [person()])
    import_hr_extract(wb, read(path), SNAPSHOT, MAPPING)
    error = refusal(wb, path)
    assert [(p.column, p.message) for p in error.problems] == [
        ("snapshot date", "already has a workforce snapshot with 1 staff row")]
    assert refusal(wb, path, date="31/03/2022").problems[0].message == "is not a date"


def test_a_file_without_the_staff_ref_column_is_refused(wb, tmp_path: Path) -> None:
    error = refusal(wb, write_csv(tmp_path / "hr.csv", [person()], headers=HEADERS[1:]))
    assert [(p.row, p.column, p.message) for p in error.problems] == [(1, "Employee No", "column is missing")]


def test_the_sheet_with_the_staff_ref_column_is_imported(wb, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "hr.xlsx", [
        ["E1", "35-44", "F", "Yes", "A1", "N", "CHR", "Bisexual", "No", "SO1", 1, "01/09/2015"]])
    book = openpyxl.load_workbook(path)
    book.create_sheet("Notes").append(["Exported from the HR system on 1 April 2022"])
    book.save(path)
    assert not looks_like_hr_extract(read(path), MAPPING)  # two sheets: not auto-detected
    import_hr_extract(wb, read(path), SNAPSHOT, MAPPING)
    assert list(stored(wb)) == ["E1"]


def test_a_file_formula_problem_is_reported_with_the_rest(wb, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "hr.xlsx", [
        ["E1", "35-44", "F", "Yes", "A1", "N", "CHR", "Bisexual", "No", "SO1", "=0.5+0.3", "01/09/2015"]])
    error = refusal(wb, path)
    assert [(p.row, p.column, p.message) for p in error.problems][0] == (2, "K", "cell K2 holds a formula")


# -- undo, the saved mapping, the mapping file -------------------------------------------------------
def test_undo_removes_the_snapshot_and_every_row(wb, tmp_path: Path) -> None:
    before = dump(wb)
    rows = [person(f"E{n}", FTE="1.0" if n % 2 else "0.33") for n in range(1, 31)]
    changes = import_hr_extract(wb, read(write_csv(tmp_path / "hr.csv", rows)), SNAPSHOT, MAPPING).changes
    assert changes.tables == {"workforce_snapshots", "staff", "settings"}
    after = dump(wb)
    # The audit SQLite wrote for the bulk insert rebuilds exactly the rows the edit returned.
    assert recorded_changes(wb.conn, changes.edit_id) == list(changes.rows)
    assert all(type(r.after["fte"]) is float for r in changes.rows if r.table == "staff")
    undo = wb.revert(changes.edit_id)
    assert dump(wb) == before
    wb.revert(undo.edit_id)
    assert dump(wb) == after


def test_the_saved_mapping_is_used_next_time(wb, tmp_path: Path) -> None:
    assert saved_mapping(wb) is None
    import_hr_extract(wb, read(write_csv(tmp_path / "2021.csv", [person()])), "2021-03-31", MAPPING)
    assert saved_mapping(wb) == MAPPING
    import_hr_extract(wb, read(write_csv(tmp_path / "2022.csv", [person("E2", Gender="M")])), SNAPSHOT)
    assert stored(wb)["E2"]["sex"] == "Male"
    assert not save_mapping(wb, MAPPING)  # already kept: no edit
    changes = save_mapping(wb, HrMapping())
    assert changes.tables == {"settings"} and saved_mapping(wb) == HrMapping()
    wb.revert(changes.edit_id)
    assert saved_mapping(wb) == MAPPING
    kept = json.loads(wb.scalar("SELECT value FROM settings WHERE key = ?", [MAPPING_KEY]))
    assert kept["codes"]["sex"]["F"] == "Female"


def test_a_mapping_round_trips_through_json() -> None:
    assert HrMapping.from_json(MAPPING.to_json()) == MAPPING
    assert HrMapping.from_json("{}") == HrMapping()


def test_a_mapping_with_a_bad_category_or_field_is_refused_clearly() -> None:
    text = json.dumps({"columns": {"Emp": "staff_ref", "Sex code": "gender", "Gen": "sex"},
                       "codes": {"ethnicity": {"A1": "White English", "a1": "White British"},
                                 "role_grade": {"G1": "Grade 1"}},
                       "date_format": "%d/%m"})  # fmt: skip
    with pytest.raises(ImportRefused) as info:
        HrMapping.from_json(text, "mapping.json")
    problems = info.value.problems
    assert [(p.column, p.value, p.message) for p in problems] == [
        ("columns: 'Sex code'", "gender", "is not a staff field"),
        ("codes: ethnicity: 'A1'", "White English", "is not a category of ethnicity"),
        ("codes: ethnicity: 'a1'", "White British", "contradicts code 'A1'"),
        ("codes", "role_grade", "is not a field with a closed list of categories"),
        ("date_format", "%d/%m", "is not a date format naming day, month and year"),
    ]
    assert "'White British', 'White other'" in problems[1].allowed
    assert str(info.value).startswith("Cannot import mapping.json: 5 problems.")


@pytest.mark.parametrize("text, message", [
    ("not json", "is not valid JSON"),
    ("[1, 2]", "is not a JSON object"),
    ('{"columns": {"A": 1}}', "is not an object of texts"),
    ('{"codes": {"sex": ["F"]}}', "is not an object of objects of texts"),
    ('{"colums": {}}', "is not part of a mapping"),
])  # fmt: skip
def test_a_malformed_mapping_file_is_refused(text: str, message: str) -> None:
    with pytest.raises(ImportRefused) as info:
        HrMapping.from_json(text)
    assert info.value.problems[0].message.startswith(message)


def test_a_mapping_file_is_read_and_a_bad_one_named(tmp_path: Path) -> None:
    good = tmp_path / "mapping.json"
    good.write_text(MAPPING.to_json(), encoding="utf-8-sig")  # as Notepad saves it
    assert read_mapping(good) == MAPPING
    bad = tmp_path / "bad.json"
    bad.write_text('{"codes": {"sex": {"F": "Woman"}}}', encoding="utf-8")
    with pytest.raises(ImportRefused) as info:
        read_mapping(bad)
    assert info.value.source == "bad.json" and "is not a category of sex" in str(info.value)
    with pytest.raises(ImportRefused) as info:
        read_mapping(tmp_path / "missing.json")
    assert info.value.problems[0].message.startswith("could not be read")


def test_an_extract_is_recognised_by_its_staff_ref_column(tmp_path: Path) -> None:
    source = read(write_csv(tmp_path / "hr.csv", [person()]))
    assert looks_like_hr_extract(source, MAPPING)
    assert not looks_like_hr_extract(source, None)  # no 'staff_ref' column
    plain = read(write_csv(tmp_path / "plain.csv", [{"staff_ref": "E1"}], headers=["staff_ref", "sex"]))
    assert looks_like_hr_extract(plain, None)


# -- the bulk insert's audit, written by SQLite ----------------------------------------------------
def test_bulk_inserted_rows_with_their_own_ids_are_audited_and_undone(wb) -> None:
    snap = workforce.add_snapshot(wb, SNAPSHOT).rows[0].key["id"]
    base = {"snapshot_id": snap, "age_band": "65+", "sex": "Male", "gender_identity_same": "Yes",
            "ethnicity": "White other", "disability": "No", "religion": "Jewish",
            "sexual_orientation": "Bisexual", "pregnancy_maternity": "No", "start_date": None}  # fmt: skip
    grade = 'Cadre « é » "quoted" \\ \n'
    rows = [{"id": 40, **base, "staff_ref": "E40", "role_grade": grade, "fte": 1 / 3},
            {"id": 7, **base, "staff_ref": "E7", "role_grade": "", "fte": 1.0}]  # fmt: skip
    before = dump(wb)
    with wb.edit("Add two") as tx:
        assert tx.insert_many("staff", rows) == [40, 7]
    changes = tx.changes("Add two")
    recorded = recorded_changes(wb.conn, changes.edit_id)
    assert recorded == list(changes.rows) and [r.key for r in recorded] == [{"id": 40}, {"id": 7}]
    assert recorded[0].after["fte"] == 1 / 3 and type(recorded[1].after["fte"]) is float
    texts = [t for (t,) in wb.conn.execute("SELECT new_value FROM audit WHERE edit_id = ? ORDER BY id",
                                            [changes.edit_id])]  # fmt: skip
    assert texts[1] == encode(rows[1]) and decode(texts[0]) == rows[0]  # the same compact JSON
    wb.revert(changes.edit_id)
    assert dump(wb) == before


def test_the_columns_a_mapping_is_made_from_list_codes_but_not_references(tmp_path: Path) -> None:
    rows = [person(f"E{n}", Gender="F" if n % 2 else "f") for n in range(1, 80)]
    columns = extract_columns(read(write_csv(tmp_path / "hr.csv", rows)))
    assert list(columns) == HEADERS
    assert columns["Employee No"] == [] and columns["Gender"] == ["F"]  # 79 references; F and f one code
    assert proposed_category("sex", "f", MAPPING) == "Female"  # the mapping's own code, any case
    assert proposed_category("sex", "female", None) == "Female" and proposed_category("sex", "X", None) == ""


def test_an_extract_with_a_header_and_no_rows_is_refused_clearly(wb, tmp_path: Path) -> None:
    error = refusal(wb, write_csv(tmp_path / "hr.csv", []))
    assert [p.message for p in error.problems] == ["has no staff rows"]
