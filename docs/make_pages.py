"""Every page of the demo's Annual Equality Monitoring Report, Quarter 4 update and Quarter 4
report to the Police and Crime Panel, exported
through the command line as final editions and rendered with pdftoppm (poppler-utils), for
docs/pages/.

Run: .venv/bin/python docs/make_pages.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "pages"
SECRET = "rendered pages"
EDITIONS = {
    "annual-equality": ["--report", "annual-equality"],
    "performance-update-q4": ["--report", "performance-update", "--quarter", "4"],
    "panel-report-q4": ["--report", "panel-report", "--quarter", "4", "--meeting", "2022-07-21"],
}


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    env = {**os.environ, "OPCC_PASSPHRASE": SECRET}
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        env["OPCC_DATA_DIR"] = str(folder / "data")
        book = folder / "demo.opcc"
        cli = [sys.executable, "-m", "ui.cli"]
        subprocess.run([*cli, "demo", str(book)], env=env, cwd=ROOT, check=True, capture_output=True)
        for edition, args in EDITIONS.items():
            pdf = folder / f"{edition}.pdf"
            subprocess.run([*cli, "report", str(book), "--year", "2021/22", *args, "--published", "2022-07-14",
                            "-o", str(pdf)], env=env, cwd=ROOT, check=True, capture_output=True)  # fmt: skip
            subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(OUT / edition)], check=True)
    print(f"Wrote {len(list(OUT.glob('*.png')))} pages to {OUT}")


if __name__ == "__main__":
    main()
