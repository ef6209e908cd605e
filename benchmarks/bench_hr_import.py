"""HR extract import at force scale: 50,000 staff rows x 12 columns in an .xlsx file.

Run: .venv/bin/python benchmarks/bench_hr_import.py [RUNS]   (prints medians of RUNS, default 5)

Three timings of the same file, each on a freshly created encrypted workbook (creation not
timed, the file read timed):
  FLOOR     bare python-calamine read + one executemany of the raw rows into ``staff``
  OURS      import_hr_extract: guards, read, mapping, validation, snapshot, rows and audit
  OPENPYXL  openpyxl.load_workbook(read_only=True) iterating the rows (no import at all)
Goals: OURS/FLOOR <= 1.25 and OPENPYXL/OURS >= 5.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl
import python_calamine

from opcc_desktop.exchange.hr_extract import HrMapping, import_hr_extract
from opcc_desktop.exchange.sources import read
from opcc_desktop.store.workbook import Workbook

ROWS = 50_000
SECRET = "bench"
SNAPSHOT = "2022-03-31"

# The HR system's own headers and codes, as a force's HR extract might carry them.
CODES: dict[str, dict[str, str]] = {
    "age_band": {"U25": "16-24", "25-34": "25-34", "35-44": "35-44", "45-54": "45-54",
                 "55-64": "55-64", "65+": "65+", "PNS": "Prefer not to say", "ND": "Not declared"},
    "sex": {"F": "Female", "M": "Male", "P": "Prefer not to say", "U": "Not declared"},
    "gender_identity_same": {"Y": "Yes", "N": "No", "P": "Prefer not to say", "U": "Not declared"},
    "ethnicity": {
        "A1": "White British", "A2": "White other", "A3": "White other", "A9": "White other",
        "B1": "Mixed or multiple ethnic groups", "B2": "Mixed or multiple ethnic groups",
        "B3": "Mixed or multiple ethnic groups", "B9": "Mixed or multiple ethnic groups",
        "C1": "Asian or Asian British", "C2": "Asian or Asian British", "C3": "Asian or Asian British",
        "C9": "Asian or Asian British", "D1": "Black, Black British, Caribbean or African",
        "D2": "Black, Black British, Caribbean or African",
        "D9": "Black, Black British, Caribbean or African",
        "E1": "Asian or Asian British", "E9": "Other ethnic group", "Z1": "Prefer not to say",
        "NS": "Not declared",
    },
    "disability": {"Y": "Yes", "N": "No", "P": "Prefer not to say", "U": "Not declared"},
    "religion": {"NONE": "No religion", "CHR": "Christian", "BUD": "Buddhist", "HIN": "Hindu",
                 "JEW": "Jewish", "MUS": "Muslim", "SIK": "Sikh", "OTH": "Any other religion",
                 "PNS": "Prefer not to say", "ND": "Not declared"},
    "sexual_orientation": {"HET": "Heterosexual or straight", "GAY": "Gay or lesbian",
                           "LES": "Gay or lesbian", "BI": "Bisexual", "OTH": "Other sexual orientation",
                           "PNS": "Prefer not to say", "ND": "Not declared"},
    "pregnancy_maternity": {"Y": "Yes", "N": "No", "P": "Prefer not to say", "U": "Not declared"},
}  # fmt: skip
HEADERS = {
    "Employee No": "staff_ref", "Age Band": "age_band", "Sex": "sex",
    "Gender Same As Birth": "gender_identity_same", "Ethnic Origin": "ethnicity",
    "Disabled": "disability", "Religion/Belief": "religion", "Sexual Orientation": "sexual_orientation",
    "Maternity Status": "pregnancy_maternity", "Grade": "role_grade", "FTE": "fte",
    "Start Date": "start_date",
}  # fmt: skip
GRADES = ["Scale 4", "Scale 5", "Scale 6", "SO1", "SO2", "PO1", "PO2", "PO3", "Constable", "Sergeant"]
FTES = [1.0, 1.0, 1.0, 0.8, 0.6, 0.5]


def mapping() -> HrMapping:
    return HrMapping(columns=dict(HEADERS), codes={k: dict(v) for k, v in CODES.items()})


def write_extract(path: Path, rows: int) -> None:
    """A realistic extract: numeric employee numbers, date cells, the HR system's codes."""
    rng = random.Random(7)
    fields = list(HEADERS.values())
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Employees")
    sheet.append(list(HEADERS))
    base = dt.date(1985, 1, 1)
    for n in range(rows):
        codes = [rng.choice(list(CODES[f])) for f in fields[1:9]]
        start = base + dt.timedelta(days=rng.randrange(13_000))
        sheet.append([100_000 + n, *codes, rng.choice(GRADES), rng.choice(FTES), start])
    book.save(path)


def median_times(runs: int, **timings: Callable[[Workbook], object]) -> dict[str, float]:
    """Median seconds of each timing, run in turn within each round (so a busy moment of the
    machine falls on all of them alike), each on a new workbook made before the clock starts.
    The cycle collector's garbage is cleared first, so no run pays for what the one before
    left behind (the collector stays on while timing)."""
    folder = Path(tempfile.mkdtemp())
    times: dict[str, list[float]] = {name: [] for name in timings}
    for round_ in range(runs):
        for name, func in timings.items():
            with Workbook.create(folder / f"{name}-{round_}.opcc", SECRET) as wb:
                gc.collect()
                start = time.perf_counter()
                func(wb)
                times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def floor(path: Path, wb: Workbook) -> None:
    """Bare read and insert: no guards, no validation, no audit."""
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    grid = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    wb.conn.execute("BEGIN")
    snapshot = wb.conn.execute(
        "INSERT INTO workforce_snapshots (snapshot_date) VALUES (?)", [SNAPSHOT]
    ).lastrowid
    wb.conn.executemany(
        "INSERT INTO staff (snapshot_id, staff_ref, age_band, sex, gender_identity_same, ethnicity,"
        " disability, religion, sexual_orientation, pregnancy_maternity, role_grade, fte, start_date)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(snapshot, str(int(r[0])), *r[1:11], r[11].isoformat()) for r in grid[1:]],
    )
    wb.conn.execute("COMMIT")


def ours(path: Path, wb: Workbook) -> None:
    result = import_hr_extract(wb, read(path), SNAPSHOT, mapping())
    assert result.changes.count >= ROWS


def with_openpyxl(path: Path) -> None:
    """The rows only: no guards, no checks, nothing written."""
    book = openpyxl.load_workbook(path, read_only=True)
    count = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    book.close()
    assert count == ROWS + 1


def main(runs: int) -> None:
    folder = Path(tempfile.mkdtemp())
    os.environ["OPCC_DATA_DIR"] = str(folder / "data")
    path = folder / "hr_extract.xlsx"
    write_extract(path, ROWS)
    print(f"{ROWS:,}-row x {len(HEADERS)}-column extract: {path.stat().st_size / 1048576:.1f} MB; "
          f"medians of {runs} runs")  # fmt: skip
    medians = median_times(runs, floor=lambda wb: floor(path, wb), ours=lambda wb: ours(path, wb),
                           openpyxl=lambda wb: with_openpyxl(path))  # fmt: skip
    print(f"FLOOR    (calamine read + executemany): {medians['floor']:.2f} s")
    print(f"OURS     (import_hr_extract):           {medians['ours']:.2f} s")
    print(f"OPENPYXL (read-only read of the rows):  {medians['openpyxl']:.2f} s")
    print(f"OURS/FLOOR    = {medians['ours'] / medians['floor']:.2f}  (goal <= 1.25)")
    print(f"OPENPYXL/OURS = {medians['openpyxl'] / medians['ours']:.1f}  (goal >= 5)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
