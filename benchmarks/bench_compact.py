"""Compaction at the tester's scale: a 50,000-row HR extract imported 13 times and undone 12
times, each import and each undo a session of its own (so each makes its automatic backup).

Run: .venv/bin/python benchmarks/bench_compact.py [ROWS]

Prints the workbook's size and its backups' after the imports; opening it with nothing due
(median of 5: the look-up that finds nothing to trim); the automatic compaction at open once
that history is 100 days old and backed up; and `compact --keep-days 0` (back up, trim all
history, VACUUM) on the same scenario, as a user would run it at once.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench_hr_import import SNAPSHOT, mapping, write_extract

from opcc_desktop.exchange.hr_extract import import_hr_extract
from opcc_desktop.exchange.sources import read
from opcc_desktop.store.workbook import Workbook

SECRET = "bench"
IMPORTS = 13


def megabytes(*paths: Path) -> str:
    return f"{sum(p.stat().st_size for p in paths) / 1e6:,.1f} MB"


def backups(folder: Path) -> list[Path]:
    return sorted(folder.glob("data/backups/*/*.opcc"))


def tester_scenario(path: Path, extract: Path) -> None:
    Workbook.create(path, SECRET).close()
    for number in range(IMPORTS):
        with Workbook.open(path, SECRET) as wb:
            edit = import_hr_extract(wb, read(extract), SNAPSHOT, mapping()).changes.edit_id
        if number < IMPORTS - 1:
            with Workbook.open(path, SECRET) as wb:
                wb.revert(edit)


def timed_open(path: Path, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        Workbook.open(path, SECRET, auto_backup=False).close()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def age_history(path: Path, days: int) -> None:
    at = (dt.datetime.now(dt.UTC) - dt.timedelta(days=days)).isoformat(timespec="seconds")
    with Workbook.open(path, SECRET, auto_backup=False, compact=False) as wb:
        wb.conn.execute("UPDATE edits SET at = ?", [at])
        wb.backup_rotating("manual")


def main(rows: int) -> None:
    folder = Path(tempfile.mkdtemp())
    os.environ["OPCC_DATA_DIR"] = str(folder / "data")
    extract = folder / "hr_extract.xlsx"
    write_extract(extract, rows)
    path = folder / "office.opcc"
    start = time.perf_counter()
    tester_scenario(path, extract)
    print(f"{IMPORTS} imports and {IMPORTS - 1} undos of {rows:,} rows, each a session "
          f"({time.perf_counter() - start:.0f} s):")  # fmt: skip
    print(f"  workbook {megabytes(path)}; {len(backups(folder))} automatic backups kept, {megabytes(*backups(folder))}")
    print(f"  open, nothing due (median of 5): {timed_open(path):.3f} s")

    age_history(path, 100)
    start = time.perf_counter()
    Workbook.open(path, SECRET, auto_backup=False).close()
    print(f"  open with 100-day-old history, backed up: {time.perf_counter() - start:.1f} s "
          f"(trim and VACUUM) -> workbook {megabytes(path)}")  # fmt: skip
    print(f"  open, nothing due (median of 5): {timed_open(path):.3f} s")

    again = folder / "again.opcc"
    tester_scenario(again, extract)
    size = megabytes(again)
    start = time.perf_counter()
    with Workbook.open(again, SECRET, auto_backup=False, compact=False) as wb:
        said = wb.compact(0)
    print(f"compact --keep-days 0 of the same scenario: {time.perf_counter() - start:.1f} s, {size} -> {megabytes(again)}")
    print(f"  {said}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
