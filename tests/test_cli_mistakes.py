"""Every command, given the mistakes a new user (or an attacker) makes, ends with one clear line
on stderr and a non-zero exit code, never a traceback, and leaves the workbook byte-identical.

Real processes on real file systems: a nearly full one and a read-only one are small tmpfs
mounts (skipped where this user may not mount), stdout closed or piped to a reader that stops.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import DEMO_PASSPHRASE

YEAR = "2021/22"
SERVICE = "Harbour"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def opcc(*args: object, stdout: int | None = subprocess.PIPE, close_stdout: bool = False,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """``opcc-desktop ARGS`` in a new process, with the demo's passphrase."""
    environment = {**os.environ, "OPCC_PASSPHRASE": DEMO_PASSPHRASE, "OPCC_NEW_PASSPHRASE": "a new one",
                   **(env or {})}  # fmt: skip
    command = [sys.executable, "-c", "from ui.cli import main; main()", *map(str, args)]
    return subprocess.run(command, stdout=stdout, stderr=subprocess.PIPE, text=True, env=environment,
                          stdin=subprocess.DEVNULL, pass_fds=(), close_fds=True,
                          preexec_fn=(lambda: os.close(1)) if close_stdout else None)  # fmt: skip


def one_clear_line(done: subprocess.CompletedProcess[str], *phrases: str) -> str:
    assert done.returncode != 0, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, done.stderr
    for phrase in phrases:
        assert phrase in errors[0], errors[0]
    return errors[0]


@pytest.fixture
def book(demo_path: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "office.opcc"
    shutil.copy(demo_path, copy)
    return copy


def mounted(folder: Path, *options: str) -> Iterator[Path]:
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join(options), "tmpfs", str(folder)],
                          capture_output=True)  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {done.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> Path:
    """A file taking every free byte of ``folder``'s file system."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as handle:
        try:
            while handle.write(b"\0" * 4096):
                pass
        except OSError:
            pass
    return filler


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB file system with 8 KB left."""
    for folder in mounted(tmp_path / "full", "size=1m"):
        filler = fill(folder)
        os.truncate(filler, filler.stat().st_size - 8192)
        yield folder


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    yield from mounted(tmp_path / "ro", "size=64k", "ro")


def outputs_into(folder: Path, book: Path) -> dict[str, list[object]]:
    return {
        "report pdf": ["report", book, "--report", "annual-equality", "--year", YEAR, "-o", folder / "r.pdf"],
        "report html": ["report", book, "--report", "annual-equality", "--year", YEAR, "--format", "html",
                        "-o", folder / "r.html"],
        "pack": ["report", book, "--report", "workforce-pack", "--year", YEAR, "-o", folder / "p.pdf"],
        "template": ["template", book, "--service", SERVICE, "--year", YEAR, "--quarter", "1",
                     "-o", folder / "t.xlsx"],
        "export xlsx": ["export-data", book, folder / "x.xlsx"],
        "export csv": ["export-data", book, folder / "csv"],
        "backup": ["backup", book, "-o", folder / "copy.opcc"],
        "new": ["new", folder / "new.opcc"],
        "demo": ["demo", folder / "demo.opcc"],
    }  # fmt: skip


@pytest.mark.parametrize("case", list(outputs_into(Path(), Path())))
def test_a_full_disk_is_one_line_and_leaves_no_half_file(book: Path, full_disk: Path, case: str) -> None:
    before, present = sha(book), sorted(full_disk.iterdir())
    one_clear_line(opcc(*outputs_into(full_disk, book)[case]))
    assert sha(book) == before
    assert sorted(full_disk.iterdir()) == present


@pytest.mark.parametrize("case", list(outputs_into(Path(), Path())))
def test_a_read_only_folder_is_one_line(book: Path, read_only: Path, case: str) -> None:
    before = sha(book)
    one_clear_line(opcc(*outputs_into(read_only, book)[case]))
    assert sha(book) == before


def test_editing_a_workbook_on_a_full_disk_is_one_line_and_changes_nothing(
    demo_path: Path, tmp_path: Path
) -> None:
    for folder in mounted(tmp_path / "full", "size=8m"):
        book = folder / "office.opcc"
        shutil.copy(demo_path, book)
        returned = tmp_path / "return.xlsx"
        assert opcc("template", book, "--service", SERVICE, "--year", YEAR, "--quarter", "2",
                    "-o", returned).returncode == 0  # fmt: skip
        filler = fill(folder)
        before = sha(book)
        for args in (["passwd", book], ["import", book, returned, "--allow-empty"]):
            one_clear_line(opcc(*args))
            assert sha(book) == before
        filler.unlink()
        assert opcc("check", book).returncode == 0


@pytest.mark.parametrize("args", [
    ["check"], ["preflight", "--report", "annual-equality", "--year", YEAR],
    ["report", "--report", "annual-equality", "--year", YEAR, "-o", "{tmp}/r.pdf"],
    ["export-data", "{tmp}/x.xlsx"], ["backup"], ["restore"],
])  # fmt: skip
def test_a_closed_stdout_is_not_a_crash(book: Path, tmp_path: Path, args: list[str]) -> None:
    done = opcc(args[0], book, *(a.replace("{tmp}", str(tmp_path)) for a in args[1:]), close_stdout=True)
    assert "Traceback" not in done.stderr, done.stderr
    if done.returncode:
        one_clear_line(done)


def test_output_piped_to_a_reader_that_stops_is_not_a_crash(book: Path) -> None:
    environment = {**os.environ, "OPCC_PASSPHRASE": DEMO_PASSPHRASE}
    writer = subprocess.Popen([sys.executable, "-c", "from ui.cli import main; main()", "restore", str(book)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment)  # fmt: skip
    assert writer.stdout is not None
    writer.stdout.close()  # the reader is gone before anything is written
    _, err = writer.communicate()
    assert b"Traceback" not in err, err


@pytest.mark.parametrize(("args", "phrase"), [
    (["--report", "annual-equality", "--year", "2021"], "not a financial year"),
    (["--report", "annual-equality", "--year", "2021-22"], "not a financial year"),
    (["--report", "annual-equality", "--year", "2021/23"], "not a financial year"),
    (["--report", "annual-equality", "--year", "2099/00"], "holds no figures or text for 2099/00"),
    (["--report", "annual-equality", "--year", YEAR, "--quarter", "2"], "takes no quarter"),
    (["--report", "performance-update", "--year", YEAR], "quarterly"),
])  # fmt: skip
def test_loose_years_and_quarters_are_refused_before_anything_is_written(
    book: Path, tmp_path: Path, args: list[str], phrase: str
) -> None:
    before = sha(book)
    out = tmp_path / "r.pdf"
    one_clear_line(opcc("report", book, *args, "-o", out, "--publish"), phrase)
    one_clear_line(opcc("preflight", book, *args), phrase)
    assert not out.exists()
    assert sha(book) == before


def test_an_empty_monitoring_return_is_refused_unless_allowed(book: Path, tmp_path: Path) -> None:
    blank = tmp_path / "blank.xlsx"
    assert opcc("template", book, "--service", SERVICE, "--year", YEAR, "--quarter", "2", "-o", blank).returncode == 0
    before = sha(book)
    done = opcc("import", book, blank)
    assert done.returncode != 0 and "holds no figures at all" in done.stderr + done.stdout
    assert sha(book) == before
    assert opcc("import", book, blank, "--allow-empty").returncode == 0


def test_a_control_character_in_text_is_refused_with_its_position(book: Path, tmp_path: Path) -> None:
    from opcc_desktop.areas import services
    from opcc_desktop.errors import ValidationError
    from opcc_desktop.store.workbook import Workbook

    with Workbook.open(book, DEMO_PASSPHRASE, auto_backup=False) as wb:
        with pytest.raises(ValidationError, match=r"control character \(U\+0000\) at character 5"):
            services.add_service(wb, {"name": "Cafe\x00 au lait"})
    assert opcc("export-data", book, tmp_path / "x.xlsx").returncode == 0


def test_a_passphrase_file_gives_its_first_line(book: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(f"{DEMO_PASSPHRASE}\nthe second line is a note\n", encoding="utf-8")
    done = opcc("check", book, "--passphrase-file", secret, env={"OPCC_PASSPHRASE": ""})
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("quarter", ["1", "4"])
def test_the_html_update_exports_in_a_fresh_process(book: Path, tmp_path: Path, quarter: str) -> None:
    """Its tables are measured in the house font before any PDF has registered it."""
    out = tmp_path / "update.html"
    done = opcc("report", book, "--report", "performance-update", "--year", YEAR, "--quarter", quarter,
                "--format", "html", "-o", out)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "<table" in out.read_text(encoding="utf-8")


def test_an_unexpected_failure_is_one_line_too(book: Path, tmp_path: Path) -> None:
    """A bug still ends in one line saying how to see the details, not a traceback."""
    crash = "import opcc_desktop.figures.formatting as f; f.percent = None; from ui.cli import main; main()"
    environment = {**os.environ, "OPCC_PASSPHRASE": DEMO_PASSPHRASE}
    done = subprocess.run([sys.executable, "-c", crash, "report", str(book), "--report", "annual-equality",
                           "--year", YEAR, "-o", str(tmp_path / "r.pdf")],
                          capture_output=True, text=True, env=environment)  # fmt: skip
    assert "OPCC_DEBUG=1" in one_clear_line(done)
    assert not (tmp_path / "r.pdf").exists()


@pytest.mark.parametrize(("make", "phrase"), [
    (lambda p: p.write_bytes(os.urandom(3 * 4096 + 100)), "not a whole OPCC workbook"),
    (lambda p: p.write_bytes(os.urandom(3 * 4096)), "first page may be damaged (or it is not a workbook)"),
])  # fmt: skip
def test_a_random_file_is_not_called_a_damaged_workbook_only(tmp_path: Path, make, phrase: str) -> None:
    noise = tmp_path / "noise.opcc"
    make(noise)
    before = sha(noise)
    line = one_clear_line(opcc("check", noise), phrase)
    assert "If it is some other file" in line or "not a workbook" in line
    assert sha(noise) == before


def test_a_device_is_not_called_a_folder() -> None:
    one_clear_line(opcc("check", os.devnull), "is not a file (it is a device")


def test_an_older_file_version_is_a_note_not_damage(book: Path) -> None:
    import sqlcipher3.dbapi2 as sqlcipher

    conn = sqlcipher.connect(str(book), isolation_level=None)
    conn.execute(f"PRAGMA key = '{DEMO_PASSPHRASE}'")
    older = conn.execute("PRAGMA user_version").fetchone()[0] - 1
    conn.execute(f"PRAGMA user_version = {older}")
    conn.close()
    done = opcc("check", book)
    assert done.returncode == 0, done.stdout
    assert "File integrity: ok" in done.stdout
    assert f"Note: file version {older}: it is upgraded" in done.stdout
    assert "Records: " in done.stdout


def test_counts_are_singular_for_one() -> None:
    from opcc_desktop.commands.check import CheckReport

    report = CheckReport("x.opcc", counts={"edit": 1, "goal": 2})
    assert "Records: 1 edit, 2 goals" in report.lines()


def test_a_control_character_stored_by_an_older_version_is_named_on_export(tmp_path: Path) -> None:
    import sqlcipher3.dbapi2 as sqlcipher

    from opcc_desktop.store.workbook import Workbook

    book = tmp_path / "legacy.opcc"
    Workbook.create(book, DEMO_PASSPHRASE).close()
    conn = sqlcipher.connect(str(book), isolation_level=None)
    conn.execute(f"PRAGMA key = '{DEMO_PASSPHRASE}'")
    conn.execute("INSERT INTO services (name, position) VALUES (?, 1)", ["Bad\x01name"])
    conn.close()
    one_clear_line(opcc("export-data", book, tmp_path / "out.xlsx"), "services sheet's row 2", "control character")
    assert not (tmp_path / "out.xlsx").exists()
    assert "holds a control character (U+0001) at character 4" in opcc("check", book).stdout
