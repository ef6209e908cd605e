"""Search speed (Edit › Find…) on the demo workbook with a force's 50,000 staff added.

Run: .venv/bin/python benchmarks/bench_search.py [ROWS]   (prints medians)
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from opcc_desktop.areas import workforce
from opcc_desktop.areas.search import search
from opcc_desktop.areas.vocab import WORKFORCE_CHARACTERISTICS
from opcc_desktop.commands.demo import build_demo
from opcc_desktop.store.workbook import Workbook

SECRET = "bench"
SEARCHES = (
    ("a staff ref (exact)", "E012345"),
    ("part of a staff ref (broad: the limit)", "E01"),
    ("a word (narrative, services, goals...)", "victim"),
    ("nothing found", "no such thing"),
)


def median_ms(func, repeat: int = 21) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main(rows: int) -> None:
    folder = Path(tempfile.mkdtemp())
    os.environ["OPCC_DATA_DIR"] = str(folder / "data")
    path = folder / "bench.opcc"
    build_demo(path, SECRET)
    with Workbook.open(path, SECRET, auto_backup=False) as wb:
        answers = {name: options[0] for name, options in WORKFORCE_CHARACTERISTICS.items()}
        snapshot = workforce.add_snapshot(wb, "2024-03-31").rows[0].key["id"]
        workforce.add_staff_rows(wb, snapshot, [{"staff_ref": f"E{n:06d}", **answers} for n in range(rows)])
        print(f"search, demo workbook + {rows:,} staff (median of 21):")
        for name, text in SEARCHES:
            found = len(search(wb, text))
            print(f"  {name:<40} {median_ms(lambda text=text: search(wb, text)):6.1f} ms  ({found} found)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
