"""Workbook speed: open, a single edit, undo, and bulk staff rows at force scale.

Run: .venv/bin/python benchmarks/bench_workbook.py [ROWS]   (prints medians)
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from opcc_desktop.areas import services, workforce
from opcc_desktop.areas.vocab import WORKFORCE_CHARACTERISTICS
from opcc_desktop.store.workbook import Workbook

SECRET = "bench"


def timed(func, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def staff(n: int) -> list[dict]:
    rng = random.Random(1)
    return [
        {"staff_ref": f"E{i:06d}", **{k: rng.choice(v) for k, v in WORKFORCE_CHARACTERISTICS.items()},
         "role_grade": "Officer", "fte": 1.0, "start_date": "2010-01-01"}
        for i in range(n)
    ]


def main(rows: int) -> None:
    folder = Path(tempfile.mkdtemp())
    os.environ["OPCC_DATA_DIR"] = str(folder / "data")
    path = folder / "bench.opcc"
    Workbook.create(path, SECRET).close()
    print(f"open (key derivation + checks), no backup: {timed(lambda: Workbook.open(path, SECRET, auto_backup=False).close()):.3f} s")
    print(f"open with automatic backup:               {timed(lambda: Workbook.open(path, SECRET).close()):.3f} s")
    wb = Workbook.open(path, SECRET, auto_backup=False)
    service_id = services.add_service(wb, {"name": "Bench"}).rows[0].key["id"]
    counter = iter(range(10**9))
    print(f"one edit (validate, audit, fsync commit):  {timed(lambda: services.set_service_count(wb, service_id, '2021/22', 1, 'age', '18-24', next(counter)), 21) * 1000:.1f} ms")
    edit = services.set_service_count(wb, service_id, "2021/22", 1, "age", "18-24", 999)
    last = [edit.edit_id]
    print(f"undo of one edit:                          {timed(lambda: last.append(wb.revert(last[-1]).edit_id), 21) * 1000:.1f} ms")
    snapshot = workforce.add_snapshot(wb, "2022-03-31").rows[0].key["id"]
    people = staff(rows)
    start = time.perf_counter()
    added = workforce.add_staff_rows(wb, snapshot, people)
    print(f"add {rows} staff rows as one edit:         {time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    wb.revert(added.edit_id)
    print(f"undo those {rows} rows:                    {time.perf_counter() - start:.2f} s")
    wb.close()
    print(f"file size: {path.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
