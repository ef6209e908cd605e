"""Build the Windows (or any platform's) one-folder bundle of OPCC Desktop with PyInstaller.

    python build_installer.py            # build into dist/OPCC Desktop/
    python build_installer.py --dry-run  # print the PyInstaller command only

PyInstaller is a build-time tool, not a dependency of the app: install it first with
``pip install pyinstaller==6.22.3``. Optional imports that PyInstaller would otherwise
collect (matplotlib, tkinter, Qt modules we never use...) are excluded: ../shared
PERFORMANCE.md measured 237 MB with excludes against 304 MB without.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXCLUDES = (
    "matplotlib", "tkinter", "IPython", "lxml", "PIL.ImageQt", "pytest", "hypothesis",
    "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.QtQml", "PySide6.QtQuick",
    "PySide6.Qt3DCore", "PySide6.QtMultimedia", "PySide6.QtNetwork", "PySide6.QtBluetooth",
)  # fmt: skip


# folders shipped beside the code: fonts and reference data, and the user guide (Help › User
# guide) with the screenshots it shows
DATA = ("resources", "docs/guide", "docs/screenshots")


def command() -> list[str]:
    args = [
        sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--windowed",
        "--name", "OPCC Desktop",
        "--collect-submodules", "opcc_desktop", "--collect-submodules", "ui",
    ]  # fmt: skip
    for folder in DATA:
        args += ["--add-data", f"{HERE / folder}{os.pathsep}{folder}"]
    for name in EXCLUDES:
        args += ["--exclude-module", name]
    return [*args, str(HERE / "ui" / "cli.py")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="print the command, build nothing")
    options = parser.parse_args()
    cmd = command()
    if options.dry_run:
        print(" ".join(f'"{a}"' if " " in a else a for a in cmd))
        return 0
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        print("PyInstaller is not installed: run 'pip install pyinstaller==6.22.3' first.", file=sys.stderr)
        return 1
    return subprocess.call(cmd, cwd=HERE)


if __name__ == "__main__":
    sys.exit(main())
