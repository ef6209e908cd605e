"""Peak memory and time of reading files at and past the import limits, each in a child process.

Run: .venv/bin/python benchmarks/bench_reader_memory.py [CASE ...]   (all cases by default)

Each case's file is written to a temporary folder, then read by ``sources.read`` in a child
process of its own, which reports whether the file was refused or accepted, how long the read
took and its peak resident memory (VmHWM from /proc, ru_maxrss where there is none; the
child's interpreter and imports included, shown apart as "start"). Goal: every file the guards accept is read within 1 GB,
and every file past them is refused quickly and small.

The allowed cases are the worst the limits let through: the most cells (5,000,000, as an HR
extract or an Excel file with shared strings would hold them), the most bytes of text (the
uncompressed limit, in strings mixing ASCII with an emoji, which Python stores at 4 bytes a
character), shared texts repeated up to their limit, and a CSV of the most cells and one of
the most bytes. The refused ones are those of the reliability issue: A1 + XFD250000 (which
aborted the process), A1 + XFD3000 (2.3 GB), a 99 MB CSV of blank lines (7.8 GB), a sheet
of 390 MB and 200,000 rows (5.2 GB, 175 s).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl

from opcc_desktop.exchange import guards

MB = 1 << 20
MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def column(n: int) -> str:
    return guards.column_letters(n)


# -- writing the files ------------------------------------------------------------------------
def shell_parts(shared: bytes | None = None) -> dict[str, bytes]:
    """Every part of a one-sheet workbook but the sheet (openpyxl writes them)."""
    book = openpyxl.Workbook()
    book.active.title = "data"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "shell.xlsx"
        book.save(path)
        with zipfile.ZipFile(path) as archive:
            parts = {name: archive.read(name) for name in archive.namelist() if name != "xl/worksheets/sheet1.xml"}
    if shared is not None:
        parts["xl/sharedStrings.xml"] = shared
    return parts


def write_sheet(path: Path, rows: Iterator[bytes], shared: bytes | None = None, dimension: str = "") -> None:
    """An xlsx file whose one sheet holds ``rows`` (each the XML of one <row>), streamed into
    the zip so the file is never whole in memory."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in shell_parts(shared).items():
            archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            head = f'<dimension ref="{dimension}"/>'.encode() if dimension else b""
            sheet.write(b"<worksheet %s>%s<sheetData>" % (MAIN, head))
            batch: list[bytes] = []
            for row in rows:
                batch.append(row)
                if len(batch) == 2000:
                    sheet.write(b"".join(batch))
                    batch.clear()
            sheet.write(b"".join(batch) + b"</sheetData></worksheet>")


def hr_rows(count: int, width: int, shared: bool) -> Iterator[bytes]:
    """Rows like an HR extract's: a number, short codes (inline or shared), an FTE, a date."""
    letters = [column(n + 1).encode() for n in range(width)]
    for r in range(1, count + 1):
        cells = []
        for c, name in enumerate(letters):
            ref = b"%s%d" % (name, r)
            if c % 4 == 0:
                cells.append(b'<c r="%s"><v>%d</v></c>' % (ref, 100000 + r))
            elif c % 4 == 3:
                cells.append(b'<c r="%s"><v>0.%d</v></c>' % (ref, r % 10))
            elif shared:
                cells.append(b'<c r="%s" t="s"><v>%d</v></c>' % (ref, (r * 7 + c) % 500))
            else:
                cells.append(b'<c r="%s" t="inlineStr"><is><t>Code%04d</t></is></c>' % (ref, (r * 7 + c) % 500))
        yield b'<row r="%d">%s</row>' % (r, b"".join(cells))


def text_cells(count: int, width: int, text: str) -> Iterator[bytes]:
    data = text.encode()
    letters = [column(n + 1).encode() for n in range(width)]
    for r in range(1, count + 1):
        cells = b"".join(b'<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>' % (name, r, data) for name in letters)
        yield b'<row r="%d">%s</row>' % (r, cells)


def shared_strings(texts: list[str]) -> bytes:
    items = b"".join(b"<si><t>%s</t></si>" % text.encode() for text in texts)
    return b'<sst %s count="%d" uniqueCount="%d">%s</sst>' % (MAIN, len(texts), len(texts), items)


def text_rows(total: int, text: str) -> Iterator[bytes]:
    """Inline strings, all ``text``, ``total`` bytes of sheet in all, 10 cells a row."""
    data = text.encode()
    written, r = 0, 0
    while written < total:
        r += 1
        cells = b"".join(b'<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>' % (column(c + 1).encode(), r, data)
                         for c in range(10))  # fmt: skip
        row = b'<row r="%d">%s</row>' % (r, cells)
        written += len(row)
        yield row


def far_cell(path: Path, row: int, col: int, dimension: bool) -> None:
    cells = [b'<row r="1"><c r="A1" t="inlineStr"><is><t>head</t></is></c></row>',
             b'<row r="%d"><c r="%s%d" t="inlineStr"><is><t>far</t></is></c></row>' % (row, column(col).encode(), row)]  # fmt: skip
    write_sheet(path, iter(cells), dimension=f"A1:{column(col)}{row}" if dimension else "")


def csv_file(path: Path, rows: int, cells: Callable[[int], str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("staff_ref,grade,fte,start\n")
        for r in range(rows):
            out.write(cells(r))


def emoji_rows(count: int, width: int) -> Iterator[bytes]:
    """Cells all referring to short shared strings holding an emoji: the most cells, each
    costing what a string stored at 4 bytes a character costs."""
    letters = [column(n + 1).encode() for n in range(width)]
    for r in range(1, count + 1):
        cells = b"".join(b'<c r="%s%d" t="s"><v>%d</v></c>' % (name, r, (r + c) % 1000)
                         for c, name in enumerate(letters))  # fmt: skip
        yield b'<row r="%d">%s</row>' % (r, cells)


WIDTH = 20
TALLEST = guards.MAX_CELLS // WIDTH  # rows of 20 columns that make the most cells
INLINE_ROWS = min(185_000, TALLEST)  # rows of 20 inline strings within the uncompressed limit (and the cells)
TEXT = "x" * 296 + "\U0001f600"  # 300 bytes, 297 characters: 4 bytes each in Python
BMP_TEXT = "x" * 297 + "\u20ac"  # 300 bytes, 298 characters: 2 bytes each in Python
LONG_TEXT = TEXT * 6 + "x" * 190  # 1,990 bytes
SHARED_CELLS = guards.MAX_SHARED_TEXT // len(LONG_TEXT.encode()) - 200  # cells repeating it, just within the limit


def shared_text_rows(count: int) -> Iterator[bytes]:
    return (b'<row r="%d"><c r="A%d" t="s"><v>0</v></c></row>' % (r, r) for r in range(1, count + 1))


def csv_cells(row: int) -> str:
    return ",".join(f"v{row % 997}x{c}" for c in range(WIDTH)) + "\n"


WIDE = guards.MAX_UNCOMPRESSED_WIDE // MB
MOST = guards.MAX_UNCOMPRESSED_BYTES // MB
CODES = [f"Code{n:04d}" for n in range(500)]

# name -> (what it is, the outcome expected, how to write it)
CASES: dict[str, tuple[str, str, Callable[[Path], None]]] = {
    "most cells, inline": (
        (f"{INLINE_ROWS:,} rows x {WIDTH} columns ({INLINE_ROWS * WIDTH:,} cells), text inline (openpyxl):"
         " as many as the uncompressed limit lets through"),
        "accepted", lambda p: write_sheet(p, hr_rows(INLINE_ROWS, WIDTH, shared=False))),
    "most cells, shared": (
        f"{TALLEST:,} rows x {WIDTH} columns, text as shared strings (Excel, LibreOffice)",
        "accepted", lambda p: write_sheet(p, hr_rows(TALLEST, WIDTH, shared=True), shared_strings(CODES))),
    "most cells, emoji": (
        (f"{TALLEST:,} rows x {WIDTH} columns, every cell a 12-byte shared string with an emoji"
         " (the most cells and the most shared text at once)"),
        "accepted", lambda p: write_sheet(p, emoji_rows(TALLEST, WIDTH),
                                          shared_strings([f"\U0001f600{n:08d}" for n in range(1000)]))),
    "most cells, BMP text": (
        f"{TALLEST:,} rows x {WIDTH} columns of 24-byte strings with a euro sign, within {MOST} MB",
        "accepted", lambda p: write_sheet(p, text_cells(TALLEST, WIDTH, "x" * 21 + "\u20ac"))),
    "most text": (
        f"{MOST} MB sheet of 300-byte strings, one euro sign each (Python: 2 bytes a character)",
        "accepted", lambda p: write_sheet(p, text_rows(guards.MAX_UNCOMPRESSED_BYTES - MB, BMP_TEXT))),
    "most text, emoji": (
        f"{WIDE} MB sheet of 300-byte strings, one emoji each (Python: 4 bytes a character)",
        "accepted", lambda p: write_sheet(p, text_rows(guards.MAX_UNCOMPRESSED_WIDE - MB, TEXT))),
    "most shared text": (
        (f"{SHARED_CELLS:,} cells repeating a 1,990-byte shared string with emoji, just under"
         f" {guards.MAX_SHARED_TEXT // MB} MB once copied"),
        "accepted", lambda p: write_sheet(p, shared_text_rows(SHARED_CELLS), shared_strings([LONG_TEXT]))),
    "A1 + XFD250000": (
        "two cells, with the <dimension> openpyxl writes", "refused",
        lambda p: far_cell(p, 250_000, 16_384, dimension=True)),
    "A1 + XFD250000, no dimension": (
        "two cells, nothing else (the process aborted before)", "refused",
        lambda p: far_cell(p, 250_000, 16_384, dimension=False)),
    "A1 + XFD3000, no dimension": (
        "two cells (2.3 GB before)", "refused", lambda p: far_cell(p, 3_000, 16_384, dimension=False)),
    "390 MB sheet": (
        "200,000 rows x 50 columns of inline text (5.2 GB and 175 s before)", "refused",
        lambda p: write_sheet(p, hr_rows(200_000, 50, shared=False))),
    "too many cells": (
        "130,000 rows x 30 columns of shared strings: within the sizes, past the cells", "refused",
        lambda p: write_sheet(p, hr_rows(130_000, 30, shared=True), shared_strings(CODES))),
    "too much text, emoji": (
        f"{WIDE + 20} MB sheet of 300-byte strings, one emoji each", "refused",
        lambda p: write_sheet(p, text_rows(guards.MAX_UNCOMPRESSED_WIDE + 20 * MB, TEXT))),
    "CSV most cells": (
        f"{TALLEST:,} rows x {WIDTH} columns", "accepted", lambda p: csv_file(p, TALLEST - 1, csv_cells)),
    "CSV most text": (
        "99 MB of 300-byte fields, one emoji each", "accepted",
        lambda p: csv_file(p, 82_000, lambda r: ",".join([TEXT] * 4) + "\n")),
    "CSV blank lines": (
        "99 MB of blank lines (7.8 GB before)", "refused",
        lambda p: p.write_bytes(b"staff_ref\n" + b"\n" * (99 * MB))),
}  # fmt: skip


# -- reading one file in a child process ------------------------------------------------------
def peak_mb() -> float:
    """This process's peak resident memory: VmHWM (Linux), which starts afresh at exec, unlike
    ru_maxrss, which keeps the parent's peak at the fork; ru_maxrss elsewhere."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 if sys.platform != "darwin" else MB)
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")) / 1024


def child(path: str) -> None:
    from opcc_desktop.errors import ImportRefused
    from opcc_desktop.exchange.sources import read

    start_mb = peak_mb()
    began = time.perf_counter()
    try:
        source = read(Path(path))
        outcome = "accepted: " + ", ".join(f"{len(t.numbers):,} rows" for t in source.tables.values())
    except ImportRefused as refused:
        outcome = "refused: " + str(refused.problems[0])
    seconds = time.perf_counter() - began
    print(json.dumps({"outcome": outcome, "seconds": seconds, "start_mb": start_mb, "peak_mb": peak_mb()}))


def measure(path: Path) -> dict[str, object]:
    run = subprocess.run([sys.executable, __file__, "--child", str(path)], capture_output=True, text=True, check=False)
    if run.returncode != 0:
        return {"outcome": f"CRASHED (exit {run.returncode}): {run.stderr.strip()[-200:]}", "seconds": 0.0,
                "start_mb": 0.0, "peak_mb": 0.0}  # fmt: skip
    return json.loads(run.stdout.strip().splitlines()[-1])


def main(names: list[str]) -> int:
    chosen = names or list(CASES)
    print(f"Limits: {guards.MAX_FILE_BYTES // MB} MB a file, {guards.MAX_UNCOMPRESSED_BYTES // MB} MB uncompressed"
          f" ({guards.MAX_UNCOMPRESSED_WIDE // MB} MB with emoji),"
          f" {guards.MAX_ROWS:,} rows, {guards.MAX_COLUMNS} columns, {guards.MAX_CELLS:,} cells,"
          f" {guards.MAX_SHARED_TEXT // MB} MB of shared text (cells and shared text: in all a workbook's sheets)")  # fmt: skip
    print(f"{'case':30} {'file':>8} {'time':>7} {'start':>7} {'peak':>8}  outcome")
    worst = 0.0
    failed = False
    with tempfile.TemporaryDirectory() as folder:
        for name in chosen:
            what, expected, write = CASES[name]
            suffix = ".csv" if name.startswith("CSV") else ".xlsx"
            path = Path(folder) / (name.replace(" ", "_").replace(",", "").replace("+", "and") + suffix)
            write(path)
            found = measure(path)
            outcome = str(found["outcome"])
            size = path.stat().st_size / MB
            print(f"{name:30} {size:6.1f}MB {found['seconds']:6.1f}s {found['start_mb']:5.0f}MB"
                  f" {found['peak_mb']:6.0f}MB  {outcome[:150]}")  # fmt: skip
            print(f"{'':30} ({what})")
            if not outcome.startswith(expected):
                print(f"{'':30} !! expected {expected}")
                failed = True
            if outcome.startswith("accepted"):
                worst = max(worst, float(found["peak_mb"]))  # type: ignore[arg-type]
            path.unlink()
    print(f"Largest peak of an accepted file: {worst:.0f} MB (goal <= 1024 MB)")
    return 1 if failed or worst > 1024 else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2])
    else:
        sys.exit(main(sys.argv[1:]))
