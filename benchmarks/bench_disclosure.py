"""Planning and auditing the demo's public documents (goal: the full audit of the annual
report and of a quarterly update each within 10 s on this machine).

For each document: the year's plan (planned and audited until it passes, as export does,
with a cold cache), then building the document and the audit of what it printed (the export
gate). Medians of RUNS (default 5), each on a fresh read of the workbook.
Run: .venv/bin/python benchmarks/bench_disclosure.py [RUNS]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from opcc_desktop.commands.demo import build_demo
from opcc_desktop.documents import annual_equality, performance_update
from opcc_desktop.figures import public_plan
from opcc_desktop.figures.plan_audit import audit_printed
from opcc_desktop.store.workbook import Workbook

SECRET = "bench"
DOCUMENTS = (("annual report 2021/22", annual_equality, 0), ("update 2021/22 Q2", performance_update, 2),
             ("update 2021/22 Q4", performance_update, 4))  # fmt: skip


def once(path: Path, module: object, quarter: int) -> tuple[float, float, int]:
    with Workbook.open(path, SECRET, readonly=True) as wb:
        start = time.perf_counter()
        plan = public_plan.decide(wb, "2021/22")
        planned = time.perf_counter() - start
        document = module.build(wb, "2021/22", quarter)  # type: ignore[attr-defined]
        start = time.perf_counter()
        report = audit_printed(document.disclosure_plan)
        audited = time.perf_counter() - start
        assert report.ok, report.findings
        return planned, audited, len(plan.hidden)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.opcc"
        build_demo(path, SECRET)
        for label, module, quarter in DOCUMENTS:
            timings = [once(path, module, quarter) for _ in range(runs)]
            plan = statistics.median(t[0] for t in timings)
            audit = statistics.median(t[1] for t in timings)
            print(f"{label:24} plan + audit of all shown {plan:5.2f} s, audit of the document {audit:5.2f} s, "
                  f"{timings[0][2]} figures hidden (median of {runs}; goal <= 10 s)")


if __name__ == "__main__":
    main()
