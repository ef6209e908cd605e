"""The data exchange commands: export-data, import and template, in-process and (once) as a
process that must not load Qt."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import DEMO_PASSPHRASE

from opcc_desktop.exchange.export import exchange_tables
from opcc_desktop.store.workbook import Workbook
from ui.cli import main

SECRET = "exchange secret"


def run(*args: str, secret: str = SECRET):
    return CliRunner().invoke(main, [str(a) for a in args], env={"OPCC_PASSPHRASE": secret},
                              catch_exceptions=False)  # fmt: skip


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def demo(demo_path: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "demo.opcc"
    shutil.copy(demo_path, copy)
    return copy


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    path = tmp_path / "empty.opcc"
    assert run("new", path).exit_code == 0
    return path


def test_export_data_then_import_reproduces_the_workbook(demo, empty, tmp_path):
    out = tmp_path / "all.xlsx"
    exported = run("export-data", demo, out, secret=DEMO_PASSPHRASE)
    assert exported.exit_code == 0, exported.output
    assert "service_counts: 4,080 rows" in exported.output
    assert "OFFICIAL-SENSITIVE" in exported.output  # the warning about private data
    imported = run("import", empty, out)
    assert imported.exit_code == 0, imported.output
    assert "as one edit" in imported.output
    with Workbook.open(demo, DEMO_PASSPHRASE, readonly=True) as a, Workbook.open(empty, SECRET, readonly=True) as b:
        assert exchange_tables(a) == exchange_tables(b)
    assert "Nothing changed." in run("import", empty, out).output


def test_export_without_workforce_leaves_its_sheets_out_and_an_import_keeps_it(demo, tmp_path):
    out = tmp_path / "public.xlsx"
    assert run("export-data", demo, out, "--without-workforce", secret=DEMO_PASSPHRASE).exit_code == 0
    names = openpyxl.load_workbook(out).sheetnames
    assert "services" in names and not {"workforce", "workforce_snapshots", "leave_events"} & set(names)
    with Workbook.open(demo, DEMO_PASSPHRASE, readonly=True) as book:
        staff = exchange_tables(book)["workforce"]
    result = run("import", demo, out, secret=DEMO_PASSPHRASE)
    assert result.exit_code == 0 and "workforce" not in result.output.split("Replaces:")[1]
    with Workbook.open(demo, DEMO_PASSPHRASE, readonly=True) as book:
        assert exchange_tables(book)["workforce"] == staff


def test_dry_run_writes_nothing(demo, empty, tmp_path):
    out = tmp_path / "csv"
    run("export-data", demo, out, secret=DEMO_PASSPHRASE)
    before = sha(empty)
    result = run("import", empty, out, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run: nothing was written." in result.output
    assert sha(empty) == before


def test_a_bad_file_is_refused_with_every_problem_and_exit_code_1(empty, tmp_path):
    bad = tmp_path / "kpi_values.csv"
    bad.write_text("strategic_outcome,group,kpi,unit,polarity,financial_year,quarter,value,status\n"
                   "O,G,K,count,higher,2021-22,5,ten,\n", encoding="utf-8")  # fmt: skip
    before = sha(empty)
    result = run("import", empty, bad)
    assert result.exit_code == 1
    assert "Cannot import kpi_values.csv: 3 problems. Nothing was changed." in result.output
    assert "sheet 'kpi_values', row 2, column 'financial_year': '2021-22' is not a financial year" in result.output
    assert "column 'quarter'" in result.output and "column 'value'" in result.output
    assert sha(empty) == before


def test_an_unrecognised_file_says_what_could_be_imported(empty, tmp_path):
    other = tmp_path / "notes.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    result = run("import", empty, other)
    assert result.exit_code == 1
    assert "is not a kind of file OPCC Desktop recognises" in result.output
    assert "monitoring return" in result.output


def test_template_then_import_of_the_completed_return(demo, tmp_path):
    out = tmp_path / "return.xlsx"
    made = run("template", demo, "--service", "Arch Teesside", "--year", "2022/23", "--quarter", "1",
               "-o", out, secret=DEMO_PASSPHRASE)  # fmt: skip
    assert made.exit_code == 0, made.output
    sheets = openpyxl.load_workbook(out)
    page = sheets["return"]
    for row in range(2, page.max_row + 1):
        page.cell(row, 6).value = 1
    sheets.save(out)
    result = run("import", demo, out, secret=DEMO_PASSPHRASE)
    assert result.exit_code == 0, result.output
    assert "Arch Teesside 2022/23 Q1" in result.output


def test_import_never_loads_qt(empty, tmp_path):
    data = tmp_path / "kpi_values.csv"
    shutil.copy(Path(__file__).resolve().parent.parent / "resources" / "reference" / "kpi_values.csv", data)
    code = (
        "import sys\n"
        "from ui.cli import main\n"
        "try:\n"
        f"    main(['import', {str(empty)!r}, {str(data)!r}])\n"
        "except SystemExit as stop:\n"
        "    assert stop.code in (0, None), stop.code\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')]\n"
        "assert not loaded, loaded\n"
    )
    env = {"OPCC_PASSPHRASE": SECRET, "PATH": "", "OPCC_DATA_DIR": os.environ["OPCC_DATA_DIR"]}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
