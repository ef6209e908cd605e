"""Screenshots of every tab on the demo workbook, made offscreen, for docs/screenshots/.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
SECRET = "screenshots"


def settle(app: object) -> None:
    """Let deferred work finish (charts are drawn after a paint; axes size after theirs)."""
    from PySide6.QtTest import QTest

    for _ in range(4):
        QTest.qWait(60)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv)
    from opcc_desktop.commands.demo import build_demo
    from opcc_desktop.store.workbook import Workbook
    from ui.app import Session

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        os.environ["OPCC_DATA_DIR"] = str(folder / "data")
        build_demo(folder / "demo.opcc", SECRET)
        session = Session(QSettings(str(folder / "ui.ini"), QSettings.Format.IniFormat))
        session.open(Workbook.open(folder / "demo.opcc", SECRET), SECRET)
        window = session.window
        window.resize(1280, 820)
        window.show()
        OUT.mkdir(parents=True, exist_ok=True)
        for index in range(window.tabs.count()):
            window.tabs.setCurrentIndex(index)
            show_case_study(window.current_tab())
            settle(app)
            slug = window.tabs.tabText(index).split(" (")[0].lower().replace(" / ", "-").replace(" ", "-")
            window.grab().save(str(OUT / f"{index + 1}-{slug}.png"))
        import_problems(session.context, folder).grab().save(str(OUT / "8-import-problems.png"))
        session.lock()
        settle(app)
        window.grab().save(str(OUT / "7-locked.png"))
        print(f"Wrote {window.tabs.count() + 2} screenshots to {OUT}")


def show_case_study(tab: object) -> None:
    """On the Reports tab, the annual report's achievements: the outline and a case study."""
    from ui.tabs.reports import ReportsTab

    if isinstance(tab, ReportsTab):
        tab.report.setCurrentIndex(0)
        tab.year.setCurrentText("2021/22")
        tab.sections.select("achievements")


def import_problems(context: object, folder: Path) -> object:
    """File › Import data on an HR extract with mistakes in it: every problem listed."""
    from PySide6.QtCore import QDate

    from ui.import_dialog import ImportDialog

    extract = folder / "hr_extract_march.csv"
    header = "staff_ref,age_band,sex,gender_identity_same,ethnicity,disability,religion,sexual_orientation," \
        "pregnancy_maternity,role_grade,fte,start_date\n"  # fmt: skip
    person = "35-44,Female,Yes,White British,No,Christian,Bisexual,No,Scale 6"
    extract.write_text(header + f"E1001,{person.replace('Female', 'F')},0.8,2015-09-01\n"
                       f"Jane Smith,{person},1.5,2015-09-01\nE1003,{person},0.8,31/02/2020\n"
                       f"E1001,{person},1,2019-04-01\n", encoding="utf-8")  # fmt: skip
    dialog = ImportDialog(context, extract)  # type: ignore[arg-type]
    dialog.snapshot.setDate(QDate(2023, 3, 31))
    dialog.check_button.click()
    dialog.show()
    settle(None)
    return dialog


if __name__ == "__main__":
    main()
