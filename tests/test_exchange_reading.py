"""Reading files for import: what calamine must keep doing for the guard to scan an xlsx file
alongside it, the order of the guard's checks and calamine's read, and tables built a column
at a time exactly as they were built a row at a time."""

from __future__ import annotations

import datetime as dt
import gc
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import python_calamine
from hypothesis import example, given
from hypothesis import strategies as st

from opcc_desktop.errors import ImportRefused
from opcc_desktop.exchange import guards, sources
from opcc_desktop.exchange.guards import Refused, inspect_xlsx
from opcc_desktop.exchange.sources import read

BAD = Path(__file__).resolve().parent / "data" / "bad"
MANIFEST: dict[str, dict[str, Any]] = json.loads((BAD / "manifest.json").read_text(encoding="utf-8"))
SHEET1 = "xl/worksheets/sheet1.xml"


def calamine_text(path: Path) -> str:
    """Every sheet name and cell calamine reads from ``path``, or its error if it refuses."""
    try:
        with python_calamine.CalamineWorkbook.from_path(str(path)) as book:
            grids = {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}
    except Exception as exc:  # noqa: BLE001  calamine's errors share no base class
        return f"error: {exc}"
    return repr(grids)


def rezipped(source: Path, target: Path, part: str, edit: Callable[[bytes], bytes]) -> Path:
    """``source`` with one part edited, zipped again (so its sizes and CRC are honest)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            new.writestr(info.filename, edit(data) if info.filename == part else data)
    return target


# -- what calamine guarantees ------------------------------------------------------------------
@pytest.mark.parametrize("name", ["zip_header_lies_small_crc_matches.xlsx", "zip_header_lies_small.xlsx"])
def test_calamine_inflates_no_part_beyond_its_declared_size(name: str) -> None:
    """So the declared sizes, which the guard checks before calamine starts, bound what it inflates."""
    said = calamine_text(BAD / name)
    assert said.startswith("error:") and "File is larger than its declared uncompressed size" in said


def test_calamine_reads_past_a_billion_laughs_without_expanding_it() -> None:
    with python_calamine.CalamineWorkbook.from_path(str(BAD / "xml_bomb_sheet.xlsx")) as book:
        grid = book.get_sheet_by_name("goals").to_python()
    assert len(grid) == 3
    assert "lol" not in calamine_text(BAD / "xml_bomb_sheet.xlsx")


@pytest.mark.parametrize("name, part, old, new, expanded", [
    ("xml_bomb_sheet.xlsx", SHEET1, b"<t>Improve data</t>", b"<t>&lol3;</t>", "lollol"),
    ("xml_external_entity_workbook.xlsx", "xl/workbook.xml", b'name="goals"', b'name="&xxe;"', "root:"),
])  # fmt: skip
def test_calamine_expands_no_entity_a_cell_or_sheet_name_refers_to(
    tmp_path: Path, name: str, part: str, old: bytes, new: bytes, expanded: str
) -> None:
    """&lol3; is a thousand "lol"s: harmless here, but proof that calamine ignores the DTD."""
    path = rezipped(BAD / name, tmp_path / name, part, lambda xml: xml.replace(old, new, 1))
    assert expanded not in calamine_text(path)


# -- the guard's steps and calamine's read -----------------------------------------------------
DIRECTORY_REFUSED = ["empty.xlsx", "random_bytes.xlsx", "zip_bomb_huge.xlsx", "zip_header_claims_huge.xlsx",
                     "zip_bomb_ratio.xlsx", "zip_too_many_entries.xlsx", "zip_encrypted_entries.xlsx"]  # fmt: skip


@pytest.mark.parametrize("name", DIRECTORY_REFUSED)
def test_no_parser_touches_a_file_whose_zip_directory_is_refused(name: str) -> None:
    parsed: list[str] = []
    with pytest.raises(Refused) as refused:
        inspect_xlsx(BAD / name, lambda: parsed.append(name))
    assert MANIFEST[name]["expect"] in str(refused.value)
    assert not parsed


def test_the_parse_runs_only_once_the_scan_has_passed() -> None:
    parsed: list[str] = []
    with pytest.raises(Refused, match="document type declaration"):
        inspect_xlsx(BAD / "xml_bomb_sheet.xlsx", lambda: parsed.append("read"))
    assert not parsed
    result, inspection = inspect_xlsx(BAD / "good.xlsx", lambda: "read")
    assert result == "read" and "goals" in inspection.sheets


def test_an_xml_bomb_calamine_also_refuses_is_reported_as_a_bomb(tmp_path: Path) -> None:
    """Both fail: calamine on the entity it does not know, the scan on the declaration."""
    path = rezipped(BAD / "xml_bomb_sheet.xlsx", tmp_path / "bomb.xlsx", SHEET1,
                    lambda xml: xml.replace(b"<t>Improve data</t>", b"<t>&lol9;</t>", 1))  # fmt: skip
    assert "unrecognized entity" in calamine_text(path)
    with pytest.raises(ImportRefused, match="XML document type declaration"):
        read(path)


@pytest.mark.parametrize("enabled", [True, False])
def test_reading_leaves_the_cycle_collector_as_it_found_it(enabled: bool) -> None:
    (gc.enable if enabled else gc.disable)()
    try:
        read(BAD / "good.xlsx")
        with pytest.raises(ImportRefused):
            read(BAD / "xml_bomb_sheet.xlsx")
        assert gc.isenabled() is enabled
    finally:
        gc.enable()


@pytest.mark.parametrize("offset", range(-12, 4))
def test_a_declaration_anywhere_in_a_part_is_seen(tmp_path: Path, offset: int) -> None:
    """Each part is read whole (no chunks to join), so nothing can hide across a boundary."""
    padding = b"".join(b"<!-- %d -->" % n for n in range(6000))
    part = padding[: 65536 + offset] + b"<!DOCTYPE x>" + b"<worksheet/>"
    path = rezipped(BAD / "good.xlsx", tmp_path / "split.xlsx", SHEET1, lambda _: part)
    with pytest.raises(Refused, match="document type declaration"):
        inspect_xlsx(path, lambda: None)


def test_formula_and_error_cells_are_found_with_a_namespace_prefix_and_shared_formulas(tmp_path: Path) -> None:
    cells = (b'<x:row r="2"><x:c r="B2"><x:f>1+1</x:f><x:v>2</x:v></x:c><x:c r="C2" t="e"><x:v>#N/A</x:v></x:c>'
             b'<x:c r="D2"><x:f t="shared" ref="D2:D3" si="0">A2</x:f></x:c></x:row><x:row r="3"><x:c r="D3">'
             b'<x:f t="shared" si="0"/></x:c><x:c r="E3" t="inlineStr"><x:is><x:t>Chief of staff</x:t></x:is>'
             b"</x:c></x:row>")  # fmt: skip
    sheet = b'<x:worksheet xmlns:x="%s"><x:sheetData>%s</x:sheetData></x:worksheet>' % (guards.MAIN_NS.encode(), cells)
    path = rezipped(BAD / "good.xlsx", tmp_path / "prefixed.xlsx", SHEET1, lambda _: sheet)
    _, inspection = inspect_xlsx(path, lambda: None)
    name = inspection.sheets[0]
    assert inspection.formulas == {name: ["B2", "D2", "D3"]}
    assert inspection.errors == {name: ["C2"]}


# -- tables, a column at a time ----------------------------------------------------------------
def row_by_row(grid: list[list[Any]]) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """The tables' definition, as the reader once built them: the header from the first
    non-blank row; blank rows dropped; rows cut or padded to the header; text stripped."""
    filled = []
    for number, values in enumerate(grid, start=1):
        cells = [sources._cell(v) for v in values]
        if cells.count(None) != len(cells):
            filled.append((number, cells))
    if not filled:
        return [], []
    (_, header), body = filled[0], filled[1:]
    width = len(header)
    return [str(v) if v is not None else "" for v in header], [(n, (v + [None] * width)[:width]) for n, v in body]


TEXT = st.text(alphabet=" \t\u00a0ab", max_size=3)
VALUES = st.one_of(
    TEXT, st.floats(allow_nan=False), st.integers(), st.booleans(), st.dates(), st.times(),
    st.datetimes(), st.datetimes().map(lambda d: d.replace(hour=0, minute=0, second=0, microsecond=0)),
)  # fmt: skip
CELLS = st.one_of(st.sampled_from(["", " ", "\t\u00a0"]), VALUES)  # blank half the time
RAGGED = st.lists(st.lists(CELLS, max_size=5), max_size=8)
SQUARE = st.integers(0, 4).flatmap(lambda width: st.lists(st.lists(CELLS, min_size=width, max_size=width), max_size=8))
ONE_KIND = st.sampled_from([TEXT, st.floats(allow_nan=False), st.datetimes()]).flatmap(
    lambda cells: st.lists(st.lists(cells, min_size=3, max_size=3), max_size=8))  # fmt: skip


@given(st.one_of(RAGGED, SQUARE, ONE_KIND))
@example([[], [" ", ""], ["h", ""], ["", "", "past the header"], [" x "]])
def test_a_table_built_by_columns_is_the_table_built_by_rows(grid: list[list[Any]]) -> None:
    table = sources._table("sheet", grid)
    columns, rows = row_by_row(grid)
    assert table.columns == columns
    assert [(number, list(values)) for number, values in table.rows] == rows
    assert table.numbers == [number for number, _ in rows]
    for position in range(len(columns) + 1):
        assert table.column(position) == [values[position] if position < len(values) else None for _, values in rows]


def test_a_table_hands_out_its_row_numbers_and_columns(tmp_path: Path) -> None:
    path = tmp_path / "staff.csv"
    path.write_text("\n , \nref, fte ,start\n A1 ,1,\n,,\n  ,\t\nA2,,2021-04-01,late\n,,,only here\n", encoding="utf-8")
    table = read(path).tables["staff"]
    assert table.columns == ["ref", "fte", "start"]
    assert table.numbers == [4, 7, 8]
    assert table.column(0) == ["A1", "A2", None]
    assert table.column(2) == [None, "2021-04-01", None]
    assert table.column(3) == [None, None, None]
    table.column(0).clear()
    assert table.column(0) == ["A1", "A2", None]  # each caller gets its own list


def test_a_table_made_by_columns_zips_its_rows_when_asked() -> None:
    table = sources.Table("made", ["a", "b"], [2, 5], [[1, 3], [2, None]])
    assert table.rows == [(2, (1, 2)), (5, (3, None))]
    assert table.column(1) == [2, None] and table.column(2) == [None, None]


def test_midnight_becomes_a_date_in_a_mixed_column_and_text_only_columns_are_stripped() -> None:
    midnight, later = dt.datetime(2022, 3, 31), dt.datetime(2022, 3, 31, 9, 30)
    table = sources._table("s", [["when", "what"], [midnight, " x "], ["", "\t"], [later, "y"]])
    assert table.rows == [(2, (dt.date(2022, 3, 31), "x")), (4, (later, "y"))]
