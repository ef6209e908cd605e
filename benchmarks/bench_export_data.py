"""``export-data`` to .xlsx at force scale: time and peak memory, and what it leaves in $TMPDIR.

Run: .venv/bin/python benchmarks/bench_export_data.py [ROWS]   (prints medians)

The workbook (ROWS staff rows) is built once; each export then runs in a fresh process, so
its peak memory (ru_maxrss) is the export's own, not the build's.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SECRET = "bench"
REPEAT = 5


def build(path: Path, rows: int) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_workbook import staff

    from opcc_desktop.areas import workforce
    from opcc_desktop.store.workbook import Workbook

    wb = Workbook.create(path, SECRET)
    snapshot = workforce.add_snapshot(wb, "2022-03-31").rows[0].key["id"]
    workforce.add_staff_rows(wb, snapshot, staff(rows))
    wb.close()


def export_once(path: Path, out: Path) -> None:
    """In this (fresh) process: open, export, and print the figures as JSON."""
    from opcc_desktop.exchange.export import export_data
    from opcc_desktop.store.workbook import Workbook

    wb = Workbook.open(path, SECRET, auto_backup=False)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    export_data(wb, out)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    wb.close()
    print(json.dumps({"seconds": seconds, "peak_mb": peak / 1024, "added_mb": (peak - before) / 1024}))


def main(rows: int) -> None:
    folder = Path(tempfile.mkdtemp())
    try:
        measure(folder, rows)
    finally:
        shutil.rmtree(folder)


def measure(folder: Path, rows: int) -> None:
    spare_tmp = folder / "tmp"
    spare_tmp.mkdir()
    env = {**os.environ, "OPCC_DATA_DIR": str(folder / "data"), "TMPDIR": str(spare_tmp)}
    path = folder / "bench.opcc"
    os.environ["OPCC_DATA_DIR"] = env["OPCC_DATA_DIR"]
    build(path, rows)
    runs = []
    for _ in range(REPEAT):
        out = folder / "out.xlsx"
        done = subprocess.run([sys.executable, __file__, "--export", str(path), str(out)], env=env,
                              check=True, capture_output=True, text=True)  # fmt: skip
        runs.append(json.loads(done.stdout))
    size = (folder / "out.xlsx").stat().st_size / 1e6
    print(f"export-data of {rows} staff rows to .xlsx ({size:.1f} MB), median of {REPEAT} fresh processes:")
    print(f"  time:                        {statistics.median(r['seconds'] for r in runs):.2f} s")
    print(f"  peak memory (process):       {statistics.median(r['peak_mb'] for r in runs):.0f} MB")
    print(f"  peak memory added by export: {statistics.median(r['added_mb'] for r in runs):.0f} MB")
    print(f"  files left in $TMPDIR:       {len(list(spare_tmp.iterdir()))}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--export"]:
        export_once(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
