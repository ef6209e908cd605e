"""The window's speed, measured offscreen (QT_QPA_PLATFORM=offscreen). Goals, from the issue
that asked for a window at the speed of a spreadsheet:

1. Cold start: from starting a process that opens the demo workbook, as `gui --demo` does,
   to the main window's first paint (tables filled; charts follow), against a bare PySide6
   window in the same run: at most 2.5x the bare window.
2. Edit -> chart: typing a KPI value until the trend chart holds it: at most 25 ms.
3. Scrolling the workforce table with 50,000 staff rows: time to repaint a page.
4. At 50,000 staff (two snapshots, the Workforce tab shown, in a process of its own): one
   cell edit to the refreshed chart and tables at most 50 ms; undo and redo of a 50,000-row
   import at most 1 s each, the tab refreshed; peak memory at most 350 MB.
5. Peak memory of a process with the demo open and every tab shown.

Start times need compiled bytecode, as an installed app has (these machines set
PYTHONDONTWRITEBYTECODE=1): compile first. Prints medians. Run:
    .venv/bin/python -m compileall -q opcc_desktop ui
    PYTHONDONTWRITEBYTECODE= .venv/bin/python benchmarks/bench_ui.py [RUNS]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench"

BARE = """
import sys, time
from PySide6.QtWidgets import QApplication, QMainWindow
from PySide6.QtCore import QEvent, QObject
app = QApplication(sys.argv)
class Painted(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print(time.time(), flush=True)
            app.exit(0)
        return False
window = QMainWindow(); window.resize(1200, 780)
watch = Painted(); window.installEventFilter(watch)
window.show(); app.exec()
"""

OURS = """
import sys, time
from pathlib import Path
from ui.opening import begin_opening
opening = begin_opening(Path(sys.argv[1]), "%s")  # as `gui --demo` does, before Qt starts
from PySide6.QtWidgets import QApplication
from PySide6.QtCore import QEvent, QObject, QSettings
app = QApplication(sys.argv)
from ui.app import start
session = start(opening, "%s", QSettings(sys.argv[2], QSettings.Format.IniFormat))
class Painted(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            print(time.time(), flush=True)
            app.exit(0)
        return False
watch = Painted(); session.window.installEventFilter(watch)
session.window.show(); app.exec()
if len(sys.argv) > 3:
    for i in range(session.window.tabs.count()):
        session.window.tabs.setCurrentIndex(i); app.processEvents()
    import resource
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
""" % (SECRET, SECRET)


def to_first_paint(code: str, args: list[str], runs: int) -> tuple[float, str]:
    """Median seconds from starting the process to its window's first paint (the child prints
    the wall-clock time of that paint), and the child's last output line."""
    times, output = [], ""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(runs):
        start = time.time()
        done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                              check=True, env=env)  # fmt: skip
        lines = done.stdout.split()
        times.append(float(lines[0]) - start)
        output = lines[-1]
    return statistics.median(times), output


def cold_start(demo: Path, folder: Path, runs: int) -> None:
    bare, _ = to_first_paint(BARE, [], runs)
    ours, _ = to_first_paint(OURS, [str(demo), str(folder / "ui.ini")], runs)
    print(f"cold start to first paint: ours {ours:.3f} s, bare PySide6 window {bare:.3f} s "
          f"(ratio {ours / bare:.2f}; goal <= 2.5)")  # fmt: skip
    _, peak = to_first_paint(OURS, [str(demo), str(folder / "ui2.ini"), "memory"], 1)
    print(f"peak memory, demo open and every tab shown: {float(peak):.0f} MB")


def scrolling(folder: Path, runs: int) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from opcc_desktop.areas import workforce
    from opcc_desktop.store.workbook import Workbook
    from ui.clipboard import GuardedClipboard
    from ui.context import AppContext
    from ui.tabs.workforce import WorkforceTab

    app = QApplication.instance() or QApplication([])
    book = Workbook.create(folder / "big.opcc", SECRET)
    snapshot = workforce.add_snapshot(book, "2024-03-31").rows[0].key["id"]
    row = {"age_band": "25-34", "sex": "Female", "gender_identity_same": "Yes", "ethnicity": "White British",
           "disability": "No", "religion": "No religion", "sexual_orientation": "Bisexual",
           "pregnancy_maternity": "No", "role_grade": "Officer", "fte": 1.0}  # fmt: skip
    workforce.add_staff_rows(book, snapshot, [{**row, "staff_ref": f"E{i:06d}"} for i in range(50_000)])
    context = AppContext(QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat))
    context.attach(book, SECRET)
    start = time.perf_counter()
    tab = WorkforceTab(context, GuardedClipboard())
    tab.resize(1200, 780)
    tab.show()
    app.processEvents()
    print(f"workforce tab with 50,000 staff shown in {time.perf_counter() - start:.3f} s")
    from ui.table_view import DataTable

    view = tab.findChild(DataTable)
    bar = view.verticalScrollBar()
    frames = []
    for step in range(runs * 20):
        began = time.perf_counter()
        bar.setValue((step * bar.pageStep()) % max(1, bar.maximum()))
        view.viewport().repaint()
        frames.append(time.perf_counter() - began)
    print(f"scrolling 50,000 rows: median frame {statistics.median(frames) * 1000:.1f} ms, "
          f"worst {max(frames) * 1000:.1f} ms")  # fmt: skip
    context.detach()


def edit_to_chart(demo: Path, folder: Path, runs: int) -> None:
    import shutil

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from opcc_desktop.store.workbook import Workbook
    from ui.clipboard import GuardedClipboard
    from ui.context import AppContext
    from ui.tabs.kpis import KpisTab

    app = QApplication.instance() or QApplication([])
    copy = folder / "edit.opcc"
    shutil.copy(demo, copy)
    context = AppContext(QSettings(str(folder / "e.ini"), QSettings.Format.IniFormat))
    context.attach(Workbook.open(copy, SECRET), SECRET)
    tab = KpisTab(context, GuardedClipboard())
    tab.resize(1200, 780)
    tab.show()
    app.processEvents()
    model, chart = tab.grid_model, tab.chart
    row = next(i for i, r in enumerate(model.rows) if not r["grid"].derived_kind)
    index = model.index(row, 5)  # the current year's first quarter
    times = []
    for value in range(runs * 4):
        began = time.perf_counter()
        assert model.setData(index, str(100 + value))
        app.processEvents()
        times.append(time.perf_counter() - began)
        assert chart.spec is not None
    print(f"edit -> chart refresh: median {statistics.median(times) * 1000:.1f} ms (goal <= 25 ms)")
    context.detach()


BIG = """
import resource, statistics, sys, time
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from benchmarks.bench_hr_import import mapping
from opcc_desktop.exchange.hr_extract import import_hr_extract
from opcc_desktop.exchange.sources import read
from opcc_desktop.store.workbook import Workbook
from ui.clipboard import GuardedClipboard
from ui.context import AppContext
from ui.tabs.workforce import WorkforceTab

folder, runs = Path(sys.argv[1]), int(sys.argv[2])
app = QApplication([])
extract = folder / "extract.xlsx"  # written by the parent: making it is not the app's work
book = Workbook.create(folder / "big50k.opcc", "bench")
import_hr_extract(book, read(extract), "2023-03-31", mapping())  # the snapshot before
context = AppContext(QSettings(str(folder / "big.ini"), QSettings.Format.IniFormat))
context.attach(book, "bench")
tab = WorkforceTab(context, GuardedClipboard())
tab.resize(1200, 780)
tab.show()
app.processEvents()
imported = context.do(lambda wb: import_hr_extract(wb, read(extract), "2024-03-31", mapping()).changes)
assert imported is not None  # and let go, as the window does once it has said what was imported
del imported
app.processEvents()
assert tab.staff_model.rowCount() == 50_000
undo, redo = [], []
for _ in range(runs):
    began = time.perf_counter(); context.undo_stack.undo(); app.processEvents()
    undo.append(time.perf_counter() - began)
    began = time.perf_counter(); context.undo_stack.redo(); app.processEvents()
    redo.append(time.perf_counter() - began)
tab.snapshot.setCurrentIndex(0)  # the newest snapshot, compared with the one before
tab.characteristic.setCurrentIndex(tab.characteristic.findData("ethnicity"))  # charted: each edit moves it
app.processEvents()
model = tab.staff_model
column = next(i for i, c in enumerate(model.columns) if c.key == "ethnicity")
edits = []
for n in range(runs * 4):
    index = model.index(n % 50, column)
    value = "Asian or Asian British" if model.rows[n % 50]["ethnicity"] != "Asian or Asian British" else "White British"
    before = tab.chart.drawn_values()
    began = time.perf_counter()
    assert model.setData(index, value)
    app.processEvents()
    edits.append(time.perf_counter() - began)
    assert model.rows[n % 50]["ethnicity"] == value and tab.chart.drawn_values() != before
print(f"undo of a 50,000-row import: median {statistics.median(undo):.3f} s; redo {statistics.median(redo):.3f} s "
      "(goal <= 1 s each)")
print(f"one workforce cell edit with 50,000 staff (two snapshots) to the refreshed chart and tables: "
      f"median {statistics.median(edits) * 1000:.0f} ms (goal <= 50 ms)")
print(f"peak memory at 50,000 staff (two snapshots, the tab shown): "
      f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB (goal <= 350 MB)")
context.detach()
"""


def big_workforce(folder: Path, runs: int) -> None:
    """Undo/redo of a 50,000-row import, a cell edit at that scale and the peak memory, in a
    process of its own (so the peak is of that work alone)."""
    from benchmarks.bench_hr_import import write_extract

    write_extract(folder / "extract.xlsx", 50_000)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", BIG, str(folder), str(runs)], capture_output=True,
                          text=True, check=True, env=env)  # fmt: skip
    print(done.stdout, end="")


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    sys.path.insert(0, str(ROOT))
    from opcc_desktop.commands.demo import build_demo

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        os.environ["OPCC_DATA_DIR"] = str(folder / "data")
        demo = folder / "demo.opcc"
        build_demo(demo, SECRET)
        cold_start(demo, folder, runs)
        edit_to_chart(demo, folder, runs)
        scrolling(folder, runs)
        big_workforce(folder, runs)


if __name__ == "__main__":
    main()
