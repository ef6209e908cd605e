"""The command line, tested in-process with click's CliRunner (and once in a subprocess to
prove headless commands never load Qt)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from opcc_desktop.store.backups import list_backups
from opcc_desktop.store.workbook import Workbook
from ui.cli import main

SECRET = "s3cret passphrase"


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def made(tmp_path: Path) -> Path:
    path = tmp_path / "office.opcc"
    result = run("new", str(path), "--office", "Test OPCC", env={"OPCC_PASSPHRASE": SECRET})
    assert result.exit_code == 0, result.output
    return path


def test_every_command_is_documented() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for name, command in main.commands.items():
        assert name in result.output
        assert command.help and len(command.help) > 20, f"{name} has no help text"
        assert run(name, "--help").exit_code == 0


def test_new_then_check_reports_a_sound_file(made: Path) -> None:
    result = run("check", str(made), env={"OPCC_PASSPHRASE": SECRET})
    assert result.exit_code == 0, result.output
    assert "File integrity: ok" in result.output
    assert "Data rules: ok" in result.output
    with Workbook.open(made, SECRET, readonly=True) as wb:
        assert wb.scalar("SELECT value FROM settings WHERE key = 'office_name'") == "Test OPCC"


def test_passphrase_file_is_accepted(made: Path, tmp_path: Path) -> None:
    secret_file = tmp_path / "pass.txt"
    secret_file.write_text(SECRET + "\n", encoding="utf-8")
    result = run("check", str(made), "--passphrase-file", str(secret_file))
    assert result.exit_code == 0, result.output


def test_passphrase_is_never_a_command_line_argument(made: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(made), "--passphrase", SECRET])
    assert result.exit_code == 2
    assert "No such option" in result.output


def test_missing_passphrase_is_one_clear_line(made: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(made)])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0
    assert "OPCC_PASSPHRASE" in result.output and "--passphrase-file" in result.output
    assert "Traceback" not in result.output


def test_wrong_passphrase_exits_non_zero_and_leaves_file(made: Path) -> None:
    before = sha(made)
    result = CliRunner().invoke(main, ["check", str(made)], env={"OPCC_PASSPHRASE": "wrong"})
    assert result.exit_code == 1
    assert result.output.startswith("Error: The passphrase is not correct")
    assert "Traceback" not in result.output
    assert sha(made) == before


def test_missing_file_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.opcc"
    result = CliRunner().invoke(main, ["check", str(missing)], env={"OPCC_PASSPHRASE": SECRET})
    assert result.exit_code == 1
    assert "There is no workbook" in result.output
    assert not missing.exists()


def test_new_refuses_to_overwrite(made: Path) -> None:
    before = sha(made)
    result = CliRunner().invoke(main, ["new", str(made)], env={"OPCC_PASSPHRASE": SECRET})
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert sha(made) == before


def test_passwd_changes_the_passphrase(made: Path) -> None:
    result = run("passwd", str(made), env={"OPCC_PASSPHRASE": SECRET, "OPCC_NEW_PASSPHRASE": "new one"})
    assert result.exit_code == 0, result.output
    assert run("check", str(made), env={"OPCC_PASSPHRASE": "new one"}).exit_code == 0
    old = CliRunner().invoke(main, ["check", str(made)], env={"OPCC_PASSPHRASE": SECRET})
    assert old.exit_code == 1


def test_backup_to_a_file_and_to_the_rotating_folder(made: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.opcc"
    result = run("backup", str(made), "-o", str(target), env={"OPCC_PASSPHRASE": SECRET})
    assert result.exit_code == 0, result.output
    with Workbook.open(target, SECRET, readonly=True) as copy:
        assert copy.scalar("SELECT value FROM settings WHERE key = 'office_name'") == "Test OPCC"
    assert run("backup", str(made), env={"OPCC_PASSPHRASE": SECRET}).exit_code == 0
    assert len(list_backups(made, "manual")) == 1
    listing = run("backup", str(made), "--list")
    assert "manual" in listing.output


def test_headless_commands_never_load_qt(made: Path) -> None:
    code = (
        "import sys\n"
        "from ui.cli import main\n"
        "try:\n"
        f"    main(['check', {str(made)!r}])\n"
        "except SystemExit as stop:\n"
        "    assert stop.code in (0, None), stop.code\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'shiboken6')]\n"
        "assert not loaded, loaded\n"
        "print('no qt')\n"
    )
    env = {"OPCC_PASSPHRASE": SECRET, "PATH": ""}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "no qt" in done.stdout



def test_demo_without_a_passphrase_uses_and_prints_the_documented_one(tmp_path: Path) -> None:
    path = tmp_path / "demo.opcc"
    result = run("demo", str(path))
    assert result.exit_code == 0, result.output
    assert "Its passphrase is: opcc-demo" in result.output
    assert run("check", str(path), env={"OPCC_PASSPHRASE": "opcc-demo"}).exit_code == 0


def test_demo_takes_the_passphrase_given_the_usual_way(tmp_path: Path) -> None:
    path = tmp_path / "demo.opcc"
    result = run("demo", str(path), env={"OPCC_PASSPHRASE": SECRET})
    assert result.exit_code == 0, result.output
    assert "opcc-demo" not in result.output
    assert run("check", str(path), env={"OPCC_PASSPHRASE": SECRET}).exit_code == 0


def test_gui_without_a_display_explains_and_runs_the_headless_check() -> None:
    result = run("gui", "--demo", env={"DISPLAY": None, "WAYLAND_DISPLAY": None, "QT_QPA_PLATFORM": None})
    assert result.exit_code == 0, result.output
    assert "No display is available" in result.output
    assert "opcc-desktop check" in result.output
    assert "File integrity: ok" in result.output
