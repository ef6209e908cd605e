"""Exporting through the command line: formats, refusals, and private data kept out of the
public editions."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DEMO_PASSPHRASE

from ui.cli import main

SECRET = DEMO_PASSPHRASE
PRIVATE = ("Checkpoint Plus", "OPCC0001", "OPCC0002")


@pytest.fixture(scope="module")
def demo(demo_path: Path) -> Path:
    return demo_path


def export(demo: Path, out: Path, *args: str):
    return CliRunner().invoke(main, ["report", str(demo), *args, "-o", str(out)],
                              env={"OPCC_PASSPHRASE": SECRET})  # fmt: skip


def test_annual_report_html_edition_is_accessible_and_public_only(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "annual.html"
    result = export(demo, out, "--report", "annual-equality", "--year", "2021/22", "--format", "html")
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert html.startswith('<!DOCTYPE html><html lang="en-GB">')
    assert "Figure 1: 2021-2022 Service User Age Breakdown" in html
    assert "Table 1: 2021-2022 Divert Participants Demographic Breakdown" in html
    assert html.count('<svg role="img"') >= 6
    for private in PRIVATE:
        assert private not in html


def test_preflight_findings_are_shown_before_export(demo: Path, tmp_path: Path) -> None:
    result = export(demo, tmp_path / "a.pdf", "--report", "annual-equality", "--year", "2021/22")
    assert result.exit_code == 0, result.output
    assert "need attention" in result.output
    assert (tmp_path / "a.pdf").read_bytes().startswith(b"%PDF")


def test_workforce_pack_has_no_html_edition(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "pack.html"
    result = export(demo, out, "--report", "workforce-pack", "--year", "2021/22", "--format", "html")
    assert result.exit_code == 1
    assert "PDF only" in result.output
    assert not out.exists()


def test_quarterly_report_needs_a_quarter(demo: Path, tmp_path: Path) -> None:
    result = export(demo, tmp_path / "p.pdf", "--report", "performance-update", "--year", "2021/22")
    assert result.exit_code == 1
    assert "--quarter" in result.output


def test_export_never_loads_qt(demo: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "annual.pdf"
    code = (
        "import sys\n"
        "from ui.cli import main\n"
        "try:\n"
        f"    main(['report', {str(demo)!r}, '--report', 'annual-equality', '--year', '2021/22', '-o', {str(out)!r}])\n"
        "except SystemExit as stop:\n"
        "    assert stop.code in (0, None), stop.code\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')]\n"
        "assert not loaded, loaded\n"
        "assert 'sqlite_utils' not in sys.modules and 'pandas' not in sys.modules  # writes only\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={"OPCC_PASSPHRASE": SECRET, "PATH": ""})  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF")


def test_the_installed_command_exits_with_the_commands_code_and_a_whole_file(demo: Path, tmp_path: Path) -> None:
    """``ui.cli:entry`` (the console script, and ``python -m ui.cli``) skips the last garbage
    collection at exit: the file is still whole and the exit code still the command's."""
    import subprocess
    import sys

    from pypdf import PdfReader

    out = tmp_path / "annual.pdf"
    env = {"OPCC_PASSPHRASE": SECRET, "PATH": ""}
    args = [sys.executable, "-m", "ui.cli", "report", str(demo), "--report", "annual-equality", "--year", "2021/22"]
    done = subprocess.run([*args, "-o", str(out)], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert len(PdfReader(out).pages) > 5
    refused = subprocess.run([*args, "-o", str(demo)], capture_output=True, text=True, timeout=120, env=env)
    assert refused.returncode == 1 and "Error:" in refused.stderr
