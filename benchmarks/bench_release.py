"""The frozen bundle against the source install, in the same run. Goals, from the issue that
asked for installing on office laptops:

1. Bundle size (dist/OPCC Desktop): at most 250 MB.
2. Start of the frozen app at most 1.1x the source install's: the window's first frame
   offscreen (``gui --demo``, the demo workbook already built) and ``--help``, each the median
   of several runs, each run a new process.

The source install is this environment's ``opcc-desktop`` with its bytecode compiled first, as
an installed app has it (these machines set PYTHONDONTWRITEBYTECODE=1, so nothing else would
write it). Build the bundle first. Run:
    .venv/bin/python build_installer.py wheelhouse bundle
    .venv/bin/python benchmarks/bench_release.py [RUNS]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from release import Layout, folder_size
from release.bundle import SIZE_LIMIT_MB, executables
from release.smoke import open_window

LAYOUT = Layout(Path(os.environ.get("OPCC_RELEASE_DIST", ROOT / "dist")), ROOT / "build" / "release")
GOAL = 1.1


def median_window(command: list[str], env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        opened = open_window(command, env)
        if opened.window is None:
            raise SystemExit(f"{command[0]}: no window within the time limit:\n" + "\n".join(opened.output))
        times.append(opened.window)
    return statistics.median(times)


def median_help(command: list[str], env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run([*command, "--help"], env={**os.environ, **env}, check=True, capture_output=True)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    window, command = executables(LAYOUT.bundle)
    if not window.exists():
        raise SystemExit(f"No bundle in {LAYOUT.bundle}: run python build_installer.py wheelhouse bundle first.")
    size = folder_size(LAYOUT.bundle)
    print(f"bundle size: {size / 1e6:.1f} MB (goal <= {SIZE_LIMIT_MB} MB)")
    subprocess.run([sys.executable, "-m", "compileall", "-q", "opcc_desktop", "ui"], cwd=ROOT, check=True)
    source = [str(Path(sys.executable).with_name("opcc-desktop"))]
    with tempfile.TemporaryDirectory() as folder:
        env = {"OPCC_DATA_DIR": f"{folder}/data", "XDG_CONFIG_HOME": f"{folder}/config"}
        open_window(source, env)  # builds the demo workbook once, for both
        open_window([str(window)], env)  # and warms the disk cache for both
        frozen_window, source_window = median_window([str(window)], env, runs), median_window(source, env, runs)
        frozen_help, source_help = median_help([str(command)], env, runs), median_help(source, env, runs)
    for what, frozen, ours in (("first window, offscreen", frozen_window, source_window),
                               ("--help", frozen_help, source_help)):  # fmt: skip
        print(f"{what}: frozen {frozen:.3f} s, source install {ours:.3f} s "
              f"(ratio {frozen / ours:.2f}; goal <= {GOAL}), median of {runs}")  # fmt: skip


if __name__ == "__main__":
    main()
