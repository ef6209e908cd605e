"""Build a release of OPCC Desktop: the offline wheelhouse, the one-folder bundle, the MSI.

    python build_installer.py                  # every step, in order
    python build_installer.py bundle msi       # only those steps (each runs alone too)
    python build_installer.py --dry-run        # print each step's commands; build nothing

Steps (release/ holds one module each; docs/install.md tells IT what they get):
  wheelhouse  dist/wheelhouse: every pinned dependency as wheels for Windows x64 (CPython 3.11,
              3.12, 3.13) and this machine, the app's own wheel, and a hash lock per platform
  bundle      dist/OPCC Desktop: PyInstaller's one folder (never one file: it would unpack its
              DLLs into %TEMP%, which AppLocker blocks), frozen in a clean environment
              installed from the lock, trimmed and measured
  msi         dist/OPCC-Desktop-<version>-<platform>.msi: per machine, from the bundle; WiX 5
              on Windows when `wix` is installed, else wixl (msitools)

The build-time tools are the `release` extra: pip install -e ".[release]". Signing is optional:
set OPCC_SIGN_COMMAND (see release/signing.py); without it the build says it signed nothing.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from release import ROOT, Layout, Project, ReleaseError, Runner, bundle, msi, wheelhouse

STEPS: dict[str, Callable[[Project, Layout, Runner], None]] = {
    "wheelhouse": wheelhouse.build,
    "bundle": bundle.build,
    "msi": msi.build,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[5:]))  # fmt: skip
    parser.add_argument("steps", nargs="*", metavar="STEP",
                        help=f"steps to run, in the order given: {', '.join(STEPS)} (default: all)")  # fmt: skip
    parser.add_argument("--dry-run", action="store_true", help="print each step's commands, build nothing")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the deliverables go (default: dist)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "release",
                        help="where the build's own files go (default: build/release)")  # fmt: skip
    options = parser.parse_args(argv)
    if unknown := [step for step in options.steps if step not in STEPS]:
        parser.error(f"no step {', '.join(unknown)}: the steps are {', '.join(STEPS)}")
    project, runner = Project.read(), Runner(options.dry_run)
    layout = Layout(options.dist.resolve(), options.work.resolve())
    timings = []
    for name in options.steps or list(STEPS):
        print(f"\n== {name}: {project.name} {project.version}", flush=True)
        began = time.monotonic()
        try:
            STEPS[name](project, layout, runner)
        except ReleaseError as exc:
            print(f"{name} failed: {exc}", file=sys.stderr)
            return 1
        except subprocess.CalledProcessError as exc:
            print(f"{name} failed: {exc.cmd if isinstance(exc.cmd, str) else ' '.join(map(str, exc.cmd))} "
                  f"exited with {exc.returncode}", file=sys.stderr)  # fmt: skip
            return 1
        timings.append(f"{name} {time.monotonic() - began:.0f} s")
    if not options.dry_run:
        print(f"\nrelease steps took: {', '.join(timings)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
