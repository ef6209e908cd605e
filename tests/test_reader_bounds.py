"""The readers' memory is bounded by the input: a sheet's cells are placed (as calamine will
place them) and refused past the limits before calamine allocates anything; CSV files are
read as a stream and refused at the limits; a CSV mixing UTF-8 with another encoding is
refused, naming the line and byte. The corpus files of tests/data/bad/ are each imported by
test_bad_imports.py; here, the readers themselves, the equivalence of the guard's bulk reading
with its exact one and with calamine, and processes that survive what used to kill them.

No timing is asserted; memory only in child processes, against bounds far above what the
reading takes (benchmarks/bench_reader_memory.py prints the figures)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any, ClassVar

import openpyxl
import pytest
import python_calamine
from hypothesis import given, settings
from hypothesis import strategies as st

from opcc_desktop.errors import ImportRefused
from opcc_desktop.exchange import guards, sources
from opcc_desktop.exchange.guards import Refused, UsedRange, used_range
from opcc_desktop.exchange.sources import read

BAD = Path(__file__).resolve().parent / "data" / "bad"
MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
SHEET1 = "xl/worksheets/sheet1.xml"


def shell(*names: str) -> dict[str, bytes]:
    """The parts of a workbook of empty sheets so named (openpyxl writes them)."""
    book = openpyxl.Workbook()
    book.active.title = names[0]
    for name in names[1:]:
        book.create_sheet(name)
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


GOOD_PARTS = shell("goals")


def sheet(cells: bytes, head: bytes = b"") -> bytes:
    return b"<worksheet %s>%s<sheetData>%s</sheetData></worksheet>" % (MAIN, head, cells)


def workbook(path: Path, xml: bytes) -> Path:
    """good.xlsx with its first sheet's XML replaced by ``xml``."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in GOOD_PARTS.items():
            archive.writestr(name, xml if name == SHEET1 else data)
    return path


def extent(found: UsedRange) -> tuple[int, int]:
    return found.rows, found.columns


# -- what used to kill the process -----------------------------------------------------------
CHILD = """
import json, sys
from pathlib import Path
from opcc_desktop.errors import ImportRefused
from opcc_desktop.exchange.sources import read
try:
    read(Path(sys.argv[1]))
    outcome = "accepted"
except ImportRefused as refused:
    outcome = str(refused.problems[0])
status = Path("/proc/self/status")
peak = next((int(l.split()[1]) // 1024 for l in status.read_text().splitlines() if l.startswith("VmHWM:")), 0) \\
    if status.exists() else 0
print(json.dumps({"outcome": outcome, "peak_mb": peak}))
"""


def read_in_child(path: Path) -> dict[str, Any]:
    run = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, timeout=300,
                         check=False)  # fmt: skip
    assert run.returncode == 0, f"the reader's process died (exit {run.returncode}): {run.stderr[-500:]}"
    return json.loads(run.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name, where", [
    ("far_cell_A1_XFD250000.xlsx", "row 250000, column 'XFD'"),
    ("far_cell_A1_XFD250000_no_dimension.xlsx", "row 250000, column 'XFD'"),
    ("far_cell_A1_XFD3000_no_dimension.xlsx", "row 3000, column 'XFD'"),
    ("used_range_too_many_cells.xlsx", "row 10000, column 'ZZ'"),
])  # fmt: skip
def test_a_far_cell_is_refused_and_the_process_survives(name: str, where: str) -> None:
    """A1 + XFD250000 asked calamine for 131 GB and aborted the process (exit 134)."""
    found = read_in_child(BAD / name)
    assert found["outcome"].startswith(f"sheet 'goals', {where}:")
    assert found["peak_mb"] < 400  # an interpreter and the reader's imports, nothing more to speak of


def test_a_flood_of_blank_lines_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    """99 MB of blank lines took 7.8 GB: the rows are now counted as they are read."""
    path = tmp_path / "goals.csv"
    path.write_bytes(b"title\n" + b"\n" * (99 * 1024 * 1024))
    found = read_in_child(path)
    assert "row 250002: has more than 250,001 rows (blank lines count)" in found["outcome"]
    assert found["peak_mb"] < 600  # the file's 99 MB, a few rows


def test_one_line_of_separators_is_refused_before_the_csv_module_splits_it(tmp_path: Path) -> None:
    """Four million separators on one line would be a list of four million cells."""
    path = tmp_path / "goals.csv"
    path.write_bytes(b"title\n" + b"," * (guards.MAX_CELLS + 10) + b"\n")
    found = read_in_child(path)
    assert "row of more than 3,500,000 cells (by line 2)" in found["outcome"]
    assert found["peak_mb"] < 600


# -- the guard's bulk reading agrees with its exact one, and with calamine --------------------
REFS = st.tuples(st.integers(1, 40), st.integers(1, 30))  # (row, column)


def cell_xml(row: int, column: int, style: str) -> bytes:
    ref = guards.cell_ref(row, column).encode()
    value = b"<v>1</v>"
    return {
        "plain": b'<c r="%s">%s</c>' % (ref, value),
        "typed": b'<c r="%s" t="n">%s</c>' % (ref, value),
        "styled": b'<c r="%s" s="1" t="n">%s</c>' % (ref, value),
        "quoted": b"<c r='%s'>%s</c>" % (ref, value),
        "spaced": b'<c r = "%s">%s</c>' % (ref, value),
        "lower": b'<c r="%s">%s</c>' % (ref.lower(), value),
        "second": b'<c r="A1" r="%s">%s</c>' % (ref, value),
        "after": b'<c t="n" r="%s">%s</c>' % (ref, value),
        "implicit": b"<c>%s</c>" % value,
        "prefixed": b'<x:c xmlns:x="main" r="%s">%s</x:c>' % (ref, value),
    }[style]


STYLES = st.sampled_from(["plain", "plain", "plain", "typed", "styled", "quoted", "spaced", "lower", "second",
                          "after", "implicit", "prefixed"])  # fmt: skip


@st.composite
def sheets(draw: st.DrawFn) -> bytes:
    """Rows (with or without r) of cells written in every way calamine reads."""
    rows = []
    for number in sorted(draw(st.lists(st.integers(1, 40), min_size=1, max_size=8, unique=True))):
        given_r = draw(st.booleans()) or number == 1
        columns = sorted(draw(st.lists(st.integers(1, 30), min_size=1, max_size=6, unique=True)))
        cells = b"".join(cell_xml(number, column, draw(STYLES)) for column in columns)
        rows.append((b'<row r="%d">' % number if given_r else b"<row>") + cells + b"</row>")
    return sheet(b"".join(rows))


@settings(max_examples=200, deadline=None)
@given(sheets())
def test_the_bulk_reading_agrees_with_the_exact_one_or_leaves_it_the_part(xml: bytes) -> None:
    exact = guards._exact_range("s", xml)
    fast = guards._fast_range(xml)
    if fast is not None:
        assert extent(fast) == extent(exact)


@settings(max_examples=80, deadline=None)
@given(sheets())
def test_the_exact_reading_places_cells_as_calamine_does(tmp_path_factory: pytest.TempPathFactory, xml: bytes) -> None:
    """Every cell here holds a value, so calamine's rectangle ends where the guard says."""
    path = workbook(tmp_path_factory.mktemp("cells") / "cells.xlsx", xml)
    with python_calamine.CalamineWorkbook.from_path(str(path)) as book:
        built = book.get_sheet_by_name(book.sheet_names[0])
        end = built.end
    assert end is not None
    assert (end[0] + 1, end[1] + 1) == extent(guards._exact_range("s", xml))


def hr_like(rows: int, columns: int) -> bytes:
    """Cells as openpyxl writes them, numbers and inline strings."""
    out = []
    for r in range(1, rows + 1):
        cells = b"".join(
            b'<c r="%s" t="n"><v>%d</v></c>' % (guards.cell_ref(r, c).encode(), r) if c % 3 else
            b'<c r="%s" t="inlineStr"><is><t>Text %d</t></is></c>' % (guards.cell_ref(r, c).encode(), r)
            for c in range(1, columns + 1))  # fmt: skip
        out.append(b'<row r="%d">%s</row>' % (r, cells))
    return sheet(b"".join(out))


@pytest.mark.parametrize("size", [64, 97, 1000, 4096])
def test_the_bulk_reading_is_the_same_in_slices_of_any_size(monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    """The bytes are read a slice at a time: tags and attributes astride two slices count once."""
    xml = hr_like(300, 40) + b"<!-- " + b"x" * 500 + b" -->"
    whole = guards._fast_range(xml)
    monkeypatch.setattr(guards, "SLICE", size)
    sliced = guards._fast_range(xml)
    assert whole is not None and sliced is not None
    assert (extent(sliced), sliced.row_ref, sliced.column_ref) == ((300, 40), "A300", "AN1")
    assert extent(whole) == extent(sliced)


@pytest.mark.parametrize("cells, expected", [
    (b'<row r="5"><c r="A5"><v>1</v></c></row><row r="2"><c r="C2"><v>1</v></c></row>', (5, 3)),  # out of order
    (b'<row r="9"><c r="AB9"><v>1</v></c><c r="B99999"><v>1</v></c></row>', (99999, 28)),
    (b'<row r="1"><c r="ZZ1"><v>1</v></c></row><row r="250001"><c r="A250001"><v>1</v></c></row>', (250001, 702)),
    (b'<row r="7"><c r="B7"/><c r="Q7" s="3"/></row>', (7, 17)),  # empty cells count too
])  # fmt: skip
def test_the_bulk_reading_finds_the_last_row_and_column(cells: bytes, expected: tuple[int, int]) -> None:
    found = guards._fast_range(sheet(cells))
    assert found is not None and extent(found) == expected


@pytest.mark.parametrize("cells", [
    b'<row r="1"><c r="A1" r="XFD1"><v>1</v></c></row>',
    b'<row r="1"><c r="A1"r="XFD1"><v>1</v></c></row>',
    b"<row r='1'><c r='XFD1'><v>1</v></c></row>",
    b'<row r="1"><c r ="XFD1"><v>1</v></c></row>',
    b'<row r="1"><c\tr="XFD1"><v>1</v></c></row>',
    b'<row r="1"><c r="xfd1"><v>1</v></c></row>',
    b'<row r="1"><c r="A1"><v>1</v></c><c><v>1</v></c></row>',
    b'<row r="1"><y:c r="XFD1"><v>1</v></y:c></row>',
    b'<row r="1"><c r="A0001"><v>1</v></c></row>',
    b'<row r="1"><c r="XFD1"><v>1</v></c></row>',
    b'<row r="1"><c r="A12345678"><v>1</v></c></row>',
])  # fmt: skip
def test_what_the_bulk_reading_cannot_vouch_for_goes_to_the_exact_one(cells: bytes) -> None:
    assert guards._fast_range(sheet(cells)) is None


@pytest.mark.parametrize("cells, ref", [
    (b'<row r="1"><c r="A1" r="XFD1"><v>1</v></c></row>', "XFD1"),
    (b"<row r='1'><c r='XFD1'><v>1</v></c></row>", "XFD1"),
    (b'<row r="1"><c r="xfd1"><v>1</v></c></row>', "XFD1"),
    (b'<row r="1"><c r="ZZ1"><v>1</v></c><c><v>1</v></c></row>', "AAA1"),  # after ZZ1 comes AAA1
    (b'<row r="300000"><c><v>1</v></c></row>', "A300000"),
    (b'<row r="2"><c r="A2"/></row><row/><row/><row>' + b"<c/>" * 703 + b"</row>", "AAA5"),
    (b'<!-- <row r="1"> --><row r="260000"><c><v>1</v></c></row>', "A260000"),  # a comment is not a row
    (b'<row r="Z300000"><c><v>1</v></c></row>', "A300000"),  # a row's letters are ignored
    (b'<row r="1"><c r="A12345678901"><v>1</v></c></row>', "A12345678901"),  # calamine would wrap it
])  # fmt: skip
def test_the_exact_reading_names_the_cell_calamine_would_place(cells: bytes, ref: str) -> None:
    with pytest.raises(Refused) as refused:
        used_range("goals", sheet(cells))
    row, column = guards.split_ref(ref)
    problem = refused.value.problem
    assert (problem.sheet, problem.row, problem.column) == ("goals", row, column)
    assert f"has a cell at {ref}" in problem.message


def test_a_declared_dimension_beyond_the_limits_is_refused_whatever_the_cells() -> None:
    with pytest.raises(Refused, match=r"declares its used range as A1:B300000 \(its <dimension> element\)"):
        used_range("goals", sheet(b'<row r="1"><c r="A1"><v>1</v></c></row>', b'<dimension ref="A1:B300000"/>'))
    found = used_range("goals", sheet(b'<row r="1"><c r="A1"><v>1</v></c></row>', b'<dimension ref="A1:Z9"/>'))
    assert extent(found) == (1, 1)  # a dimension within the limits says nothing about where cells are


def test_the_cells_of_all_the_sheets_count_together(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every sheet read is kept: two sheets each within the limit can be too many together."""
    monkeypatch.setattr(guards, "MAX_CELLS", 50)
    path = tmp_path / "two.xlsx"
    parts = shell("goals", "goal_updates")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, hr_like(6, 5) if name.startswith("xl/worksheets/") else data)  # 30 cells each
    with pytest.raises(ImportRefused) as refused:
        read(path)
    problem = refused.value.problems[0]
    assert problem.sheet == "goal_updates"
    assert "brings the cells of the workbook's sheets to 60 in all (its used range A1:E6" in problem.message


def test_text_past_u_ffff_gets_less_room(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Python keeps a string holding an emoji at 4 bytes a character: such files get less room."""
    cells = b'<row r="1"><c r="A1" t="inlineStr"><is><t>%s</t></is></c></row>'
    monkeypatch.setattr(guards, "MAX_UNCOMPRESSED_WIDE", 3_000)
    plain = workbook(tmp_path / "plain.xlsx", sheet(cells % ("\u20ac" * 1_000).encode()))
    assert read(plain).tables["goals"].columns == ["\u20ac" * 1_000]
    wide = workbook(tmp_path / "wide.xlsx", sheet(cells % ("\U0001f600" * 1_000).encode()))
    with pytest.raises(ImportRefused, match="with characters past U\\+FFFF"):
        read(wide)


# -- shared strings --------------------------------------------------------------------------
def with_shared(path: Path, xml: bytes, texts: list[bytes]) -> Path:
    items = b"".join(b"<si><t>%s</t></si>" % text for text in texts)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in GOOD_PARTS.items():
            archive.writestr(name, xml if name == SHEET1 else data)
        archive.writestr(guards.SHARED_STRINGS, b"<sst %s>%s</sst>" % (MAIN, items))
    return path


def shared_cells(indexes: list[int]) -> bytes:
    return sheet(b"".join(b'<row r="%d"><c r="A%d" t="s"><v>%d</v></c></row>' % (n, n, i)
                          for n, i in enumerate(indexes, start=1)))  # fmt: skip


def test_shared_texts_read_as_calamine_reads_them(tmp_path: Path) -> None:
    path = with_shared(tmp_path / "shared.xlsx", shared_cells([0, 1, 2, 1]), [b"title", b"Improve data", b"x &amp; y"])
    assert read(path).tables["goals"].column(0) == ["Improve data", "x & y", "Improve data"]


def test_a_long_shared_text_repeated_past_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Counted cell by cell; the long text referred to once, and a short one many times, pass."""
    monkeypatch.setattr(guards, "MAX_SHARED_TEXT", 10_000)
    long, short = b"x" * 3_000, b"ok"
    passing = with_shared(tmp_path / "once.xlsx", shared_cells([0, 2] + [1] * 400 + [0, 0]), [b"title", short, long])
    assert len(read(passing).tables["goals"].numbers) == 403
    repeated = with_shared(tmp_path / "many.xlsx", shared_cells([0] + [2] * 4), [b"title", short, long])
    with pytest.raises(ImportRefused, match="refer to the workbook's shared texts so often"):
        read(repeated)


def test_shared_texts_calamine_may_skip_count_as_the_longest_after_them() -> None:
    """An item without <t> or <r> is skipped by calamine: the indexes after it shift."""
    aligned = guards._shared_lengths(
        b"<sst><si><t>ab</t></si><si><t>%s</t></si><si><r><t>c</t></r></si></sst>" % (b"x" * 50)
    )
    assert aligned is not None and list(aligned) == [2, 50, 8]  # the rich text's markup counts as text
    shifted = guards._shared_lengths(b"<sst><si><t>ab</t></si><si></si><si><t>%s</t></si></sst>" % (b"x" * 50))
    assert shifted is not None and list(shifted) == [50, 50, 50]


def test_too_many_shared_texts_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(guards, "MAX_SHARED_STRINGS", 3)
    path = with_shared(tmp_path / "many.xlsx", shared_cells([0]), [b"a", b"b", b"c", b"d"])
    with pytest.raises(ImportRefused, match="holds 4 shared texts, too many to import"):
        read(path)


# -- the zip ---------------------------------------------------------------------------------
def test_two_parts_of_the_same_name_are_refused(tmp_path: Path) -> None:
    """Which one would calamine read? The guard must scan what calamine parses."""
    path = tmp_path / "twice.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in GOOD_PARTS.items():
            archive.writestr(name, data)
        with pytest.warns(UserWarning, match="Duplicate name"):
            archive.writestr(SHEET1, sheet(b'<row r="1"><c r="XFD1"><v>1</v></c></row>'))
    with pytest.raises(ImportRefused, match="holds two files of the same name"):
        read(path)


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_stored_parts_are_read_as_deflated_ones_are(tmp_path: Path, method: int) -> None:
    path = tmp_path / "parts.xlsx"
    with zipfile.ZipFile(BAD / "good.xlsx") as good, zipfile.ZipFile(path, "w", method) as archive:
        for info in good.infolist():
            archive.writestr(info.filename, good.read(info))
    assert read(path).tables["goals"].rows == read(BAD / "good.xlsx").tables["goals"].rows


# -- CSV: the limits -------------------------------------------------------------------------
def test_a_csv_row_past_the_last_column_is_refused_naming_the_row(tmp_path: Path) -> None:
    path = tmp_path / "goals.csv"
    path.write_text("title\nx\n" + ",".join(["x"] * 703) + "\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as refused:
        read(path)
    problem = refused.value.problems[0]
    assert (problem.sheet, problem.row) == ("goals", 3) and "has 703 columns" in problem.message


@pytest.mark.parametrize("careful", [False, True])
def test_csv_cells_past_the_limit_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, careful: bool) -> None:
    """Read at C speed when the separators cannot add up to too many cells, else row by row."""
    monkeypatch.setattr(sources, "MAX_CELLS", 100 if careful else 1_000)
    path = tmp_path / "goals.csv"  # at C speed: few separators, but 301 rows as wide as the header
    path.write_text("a,b,c,d\n" + ("1,2,3,4\n" * 60 if careful else "1\n" * 300), encoding="utf-8")
    with pytest.raises(ImportRefused, match="too many to import"):
        read(path)


def test_the_files_of_a_folder_share_the_cell_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "MAX_CELLS", 100)
    for name in ("goals", "goal_updates"):
        (tmp_path / f"{name}.csv").write_text("a,b\n" + "1,2\n" * 30, encoding="utf-8")  # 62 cells each
    with pytest.raises(ImportRefused, match="in all the files of a folder"):
        read(tmp_path)


def test_quoted_line_breaks_and_separators_still_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The careful reading (row by row) gives what the csv module gives."""
    text = 'title,description\n"A, B","one\nline, two"\nC,D\n'
    fast = tmp_path / "fast" / "goals.csv"
    fast.parent.mkdir()
    fast.write_text(text, encoding="utf-8")
    expected = read(fast).tables["goals"].rows
    monkeypatch.setattr(sources, "MAX_CELLS", 7)  # separators + lines reach it: read row by row
    assert read(fast).tables["goals"].rows == expected == [(2, ("A, B", "one\nline, two")), (3, ("C", "D"))]


# -- CSV: encodings --------------------------------------------------------------------------
TEXT = "set_for_year,title\n2022/23,Café £5 – the ‘plan’\n2022/23,Naïve résumé\n"


def csv_file(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "goals.csv"
    path.write_bytes(data)
    return path


def titles(path: Path) -> list[Any]:
    return read(path).tables["goals"].column(1)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_a_file_in_one_encoding_reads(tmp_path: Path, encoding: str) -> None:
    assert titles(csv_file(tmp_path, TEXT.encode(encoding))) == ["Café £5 – the ‘plan’", "Naïve résumé"]


def test_windows_1252_with_a_chance_utf8_pair_reads_as_windows_1252(tmp_path: Path) -> None:
    """× then £ in Windows-1252 (D7 A3) happen to be a valid UTF-8 character; the rest is not."""
    text = "set_for_year,title\n2022/23,5×£2 – café; naïve\n"
    assert titles(csv_file(tmp_path, text.encode("cp1252"))) == ["5×£2 – café; naïve"]


@pytest.mark.parametrize("prefix", [b"", b"\xef\xbb\xbf"])
def test_utf8_with_one_windows_byte_is_refused_naming_the_line_and_byte(tmp_path: Path, prefix: bytes) -> None:
    """Read as Windows-1252 it was "CafÃ© Â£5 â€“ the â€˜planâ€™": now refused, never guessed."""
    data = prefix + TEXT.encode("utf-8").replace("résumé".encode(), b"r\xe9sum\xc3\xa9")
    with pytest.raises(ImportRefused) as refused:
        read(csv_file(tmp_path, data))
    problem = refused.value.problems[0]
    offset = data.index(b"\xe9")
    in_line = offset - data.rindex(b"\n", 0, offset)  # 1-based
    assert (problem.sheet, problem.row, in_line) == ("goals", 3, 17)
    assert f"line 3, byte 17 of the line (byte {offset + 1} of the file, 0xE9) is not UTF-8" in problem.message
    assert "CSV UTF-8" in problem.allowed


def test_a_byte_in_neither_encoding_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportRefused, match=r"line 2, byte 10 of the line .* neither in UTF-8 nor in Windows-1252"):
        read(csv_file(tmp_path, TEXT.encode("cp1252").replace(b"Caf", b"C\x81f")))


def test_mojibake_never_comes_back(tmp_path: Path) -> None:
    """Whatever mix of the two encodings a file holds, it reads right or is refused."""
    for data in (TEXT.encode("utf-8"), TEXT.encode("cp1252"), TEXT.encode("utf-8") + "é".encode("cp1252")):
        try:
            found = titles(csv_file(tmp_path, data))
        except ImportRefused:
            continue
        assert not any("Ã" in text or "â€" in text for text in found)


# -- after calamine --------------------------------------------------------------------------
class HugeSheet:
    """What calamine would hand back had the guard let a huge sheet through."""

    height, width, end = 3_000_000, 20, (2_999_999, 19)
    merged_cell_ranges: ClassVar[list[Any]] = []

    def to_python(self) -> list[list[Any]]:
        raise AssertionError("the sheet was copied into Python")


def test_a_huge_sheet_is_refused_before_python_copies_it() -> None:
    with pytest.raises(Refused, match=r"spans 3,000,000 rows by 20 columns \(to T3000000\)"):
        sources._sheet_table("goals", HugeSheet())  # type: ignore[arg-type]


@pytest.mark.parametrize("size", [64, 100, 4096])
def test_formula_and_error_hints_are_seen_across_slices(monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    monkeypatch.setattr(guards, "SLICE", size)
    cells = b"".join(b'<row r="%d"><c r="A%d" t="n"><v>%d</v></c></row>' % (n, n, n) for n in range(1, 40))
    error = cells + b'<row r="40"><c r="B40" t="e"><v>#N/A</v></c></row>'
    formula = cells + b'<row r="40"><c r="B40"><f>1+1</f><v>2</v></c></row>'
    found = [guards._fast_range(sheet(xml)) for xml in (error, formula, cells)]
    assert [(f.error, f.formula) for f in found if f] == [(True, False), (False, True), (False, False)]


def test_memory_of_the_bulk_reading_is_sliced(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its temporary arrays are a slice's, not the part's: a part of a few hundred bytes in
    slices of 64 still reads."""
    monkeypatch.setattr(guards, "SLICE", 64)
    found = guards._fast_range(hr_like(3, 3))
    assert found is not None and extent(found) == (3, 3)


def test_a_small_good_workbook_still_reads_the_same(tmp_path: Path) -> None:
    data = io.BytesIO((BAD / "good.xlsx").read_bytes())
    path = tmp_path / "good.xlsx"
    path.write_bytes(data.getvalue())
    assert {name: len(table.numbers) for name, table in read(path).tables.items()}["goals"] == 2
