"""Exporting the demo's Annual Equality Monitoring Report, whole process, against the floor.

(a) a bare reportlab script (from bench_pdf_floor.py) tuned to the same page count, with the
    same 8 vector charts, in the same run;
(b) ``opcc-desktop report DEMO --report annual-equality --year 2021/22 -o OUT.pdf`` as its own
    process: Python start, imports, key derivation, reading the workbook, pre-flight, build.

Prints medians of RUNS (default 5) and the ratio (goal <= 1.7 x). The runs of (a) and (b)
alternate, so a change in the machine's load during the benchmark weighs on both alike.
Our modules are compiled to bytecode first (``compileall``), as an installed app's are:
these machines set PYTHONDONTWRITEBYTECODE, so otherwise every run would compile them.
Run: .venv/bin/python benchmarks/bench_report_export.py [RUNS]
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pdf_floor import BARE  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench"


def run(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=env, cwd=ROOT)
    return time.perf_counter() - start, done.stdout.strip()


def timed(commands: list[list[str]], env: dict[str, str], repeat: int) -> list[tuple[float, str]]:
    """Median time and last output of each command, the commands run in turn ``repeat`` times."""
    results: list[list[tuple[float, str]]] = [[] for _ in commands]
    for _ in range(repeat):
        for command, result in zip(commands, results, strict=True):
            result.append(run(command, env))
    return [(statistics.median(t for t, _ in result), result[-1][1]) for result in results]


def pdf_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def bare_script(folder: Path, pages: int) -> Path:
    """The bare floor with its filler scaled until it prints ``pages`` pages."""
    for words in range(1, 12):
        script = folder / "bare.py"
        script.write_text(re.sub(r"FILLER \* 6", f"FILLER * {words}", BARE))
        done = subprocess.run([sys.executable, str(script), str(folder / "bare.pdf")],
                              capture_output=True, text=True, check=True)  # fmt: skip
        if int(done.stdout.strip()) >= pages:
            return script
    return script


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    subprocess.run([sys.executable, "-m", "compileall", "-q", "opcc_desktop", "ui"], check=True, cwd=ROOT,
                   capture_output=True)  # fmt: skip
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        env = {**os.environ, "OPCC_PASSPHRASE": SECRET, "OPCC_DATA_DIR": str(folder / "data")}
        demo = folder / "demo.opcc"
        subprocess.run([sys.executable, "-m", "ui.cli", "demo", str(demo)], check=True, env=env, cwd=ROOT,
                       capture_output=True)  # fmt: skip
        out = folder / "annual.pdf"
        export = [sys.executable, "-m", "ui.cli", "report", str(demo), "--report", "annual-equality",
                  "--year", "2021/22", "-o", str(out)]  # fmt: skip
        run(export, env)
        pages = pdf_pages(out)
        script = bare_script(folder, pages)
        bare_run = [sys.executable, str(script), str(folder / "bare.pdf")]
        (ours, _), (bare, bare_pages) = timed([export, bare_run], env, repeat)
    print(f"(a) bare reportlab, {bare_pages} pages, 8 charts:      {bare:5.2f} s (median of {repeat})")
    print(f"(b) opcc-desktop report annual-equality, {pages} pages: {ours:5.2f} s")
    print(f"ratio (b)/(a): {ours / bare:.2f} x   (goal <= 1.7 x)")


if __name__ == "__main__":
    main()
