"""Nothing the user types as a file name can destroy or unlock a workbook.

Outputs never land on a workbook (by name, identity or contents), replace a file atomically
and never follow a link; inputs are never the open workbook under another name (reading it
would drop this process's lock on it); backups are made only when an edit is written, kept by
a retention a burst cannot flush, follow a passphrase change and restore as a new file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PASSPHRASE
from hypothesis import given, settings
from hypothesis import strategies as st

from opcc_desktop.areas import services
from opcc_desktop.commands.passphrase import from_file
from opcc_desktop.errors import UnsafePath, WorkbookLocked, WrongPassphrase
from opcc_desktop.exchange.importing import import_file
from opcc_desktop.exchange.sources import read
from opcc_desktop.store.backups import RECORD, Backup, Retention, list_backups, to_prune
from opcc_desktop.store.user_paths import write_bytes
from opcc_desktop.store.workbook import Workbook
from ui.cli import main

ENV = {"OPCC_PASSPHRASE": PASSPHRASE}
REPORT = ["--report", "workforce-pack", "--year", "2021/22"]


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env or ENV, catch_exceptions=False)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_state(folder: Path) -> dict[str, str]:
    return {p.name: sha(p) for p in sorted(folder.iterdir()) if p.is_file() and not p.is_symlink()}


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "office.opcc"
    with Workbook.create(path, PASSPHRASE) as wb:
        services.add_service(wb, {"name": "Victim Care"})
    return path


def refused(result, *phrases: str) -> None:
    """A refusal is one line on stderr with a non-zero exit code, naming what was wrong."""
    assert result.exit_code != 0, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    for phrase in phrases:
        assert phrase in lines[0], lines[0]


# -- outputs ---------------------------------------------------------------------------------


def output_commands(target: Path) -> list[list[str]]:
    return [
        ["report", "{book}", *REPORT, "-o", str(target)],
        ["report", "{book}", "--report", "annual-equality", "--year", "2021/22", "--format", "html", "-o", str(target)],
        ["template", "{book}", "--service", "Victim Care", "--year", "2021/22", "--quarter", "1", "-o", str(target)],
        ["export-data", "{book}", str(target)],
    ]


def aliases_of(book: Path) -> list[Path]:
    hard = book.with_name("hard-link.pdf")
    os.link(book, hard)
    soft = book.with_name("soft-link.xlsx")
    soft.symlink_to(book)
    return [book, book.parent / "." / book.name, hard, soft]


@pytest.mark.parametrize("command", range(4))
def test_no_command_writes_onto_the_workbook_under_any_name(book: Path, command: int) -> None:
    for target in aliases_of(book):
        before = folder_state(book.parent)
        args = [a.replace("{book}", str(book)) for a in output_commands(target)[command]]
        result = run(*args)
        refused(result)
        assert "workbook" in result.stderr
        assert folder_state(book.parent) == before
    with Workbook.open(book, PASSPHRASE, readonly=True) as wb:
        assert wb.integrity_problems() == []


def test_nothing_is_written_onto_another_workbook_or_its_journal(book: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.opcc"
    Workbook.create(other, "another passphrase").close()
    renamed = tmp_path / "renamed-workbook.pdf"  # a workbook renamed: known by its contents
    renamed.write_bytes(other.read_bytes())
    for target in (other, tmp_path / "new.opcc", tmp_path / "x.opcc-wal", renamed):
        before = folder_state(tmp_path)
        refused(run("report", book, *REPORT, "-o", target), str(target.name))
        refused(run("template", book, "--service", "Victim Care", "--year", "2021/22", "--quarter", "1",
                    "-o", target))  # fmt: skip
        assert folder_state(tmp_path) == before


def test_the_window_process_export_is_refused_onto_its_open_workbook(book: Path) -> None:
    """In the window, the workbook is held by this process: any export there is refused."""
    from opcc_desktop.documents.export import export_report

    alias = book.with_name("alias.pdf")
    os.link(book, alias)
    with Workbook.open(book, PASSPHRASE) as wb:
        before = sha(book)
        with pytest.raises(UnsafePath, match="workbook itself"):
            export_report(wb, "workforce-pack", "2021/22", None, alias)
        with pytest.raises(UnsafePath, match="workbook itself"):
            write_bytes(alias, b"{}")  # e.g. the window saving an HR mapping
        assert sha(book) == before


def test_a_missing_folder_is_made_for_every_output_and_a_file_in_the_way_is_one_line(
    book: Path, tmp_path: Path
) -> None:
    made = {
        "report": ["report", book, *REPORT, "-o", tmp_path / "a" / "b" / "pack.pdf"],
        "template": ["template", book, "--service", "Victim Care", "--year", "2021/22", "--quarter", "1",
                     "-o", tmp_path / "c" / "t.xlsx"],
        "export xlsx": ["export-data", book, tmp_path / "d" / "all.xlsx"],
        "export csv": ["export-data", book, tmp_path / "e" / "csv"],
        "backup": ["backup", book, "-o", tmp_path / "f" / "copy.opcc"],
        "new": ["new", tmp_path / "g" / "new.opcc"],
    }  # fmt: skip
    for args in made.values():
        assert run(*args).exit_code == 0, args
        assert Path(args[-1]).exists(), args
    (tmp_path / "plain.txt").write_text("a file, not a folder")
    refused(run("report", book, *REPORT, "-o", tmp_path / "plain.txt" / "pack.pdf"), "plain.txt is a file")
    refused(run("report", book, *REPORT, "-o", tmp_path), "is a directory")
    refused(run("export-data", book, tmp_path / "x.csv"), ".csv file")
    assert not (tmp_path / "x.csv").exists()


def test_an_existing_output_is_replaced_whole_and_a_link_there_is_not_followed(book: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("not to be touched")
    out = tmp_path / "pack.pdf"
    out.symlink_to(outside)
    planted = tmp_path / "pack.pdf.partial"  # the old fixed temporary name, planted as a link
    planted.symlink_to(outside)
    result = run("report", book, *REPORT, "-o", out)
    assert result.exit_code == 0, result.output
    assert outside.read_text() == "not to be touched"
    assert not out.is_symlink() and out.read_bytes().startswith(b"%PDF")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial") and p != planted]
    first = sha(out)
    assert run("report", book, *REPORT, "-o", out).exit_code == 0
    assert sha(out) == first  # replaced by the same document (byte-identical builds)


def test_a_failed_export_leaves_the_old_output_and_no_temporary_file(book: Path, tmp_path: Path) -> None:
    out = tmp_path / "pack.pdf"
    out.write_bytes(b"%PDF- the good old one")
    with Workbook.open(book, PASSPHRASE, readonly=True) as wb:
        from opcc_desktop.documents.export import export_report

        with pytest.raises(Exception):
            export_report(wb, "performance-update", "2021/22", None, out)  # no quarter
    assert out.read_bytes() == b"%PDF- the good old one"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["office.opcc", "pack.pdf"])


# -- inputs: never the workbook through a second descriptor ----------------------------------

HOLD_AND_WAIT = textwrap.dedent(
    """
    import sys
    from opcc_desktop.store.workbook import Workbook
    try:
        Workbook.open(sys.argv[1], sys.argv[2], auto_backup=False).close()
    except Exception as exc:
        print(type(exc).__name__)
    else:
        print("opened")
    """
)


def second_writer(path: Path) -> str:
    """What another process gets when it opens ``path`` for writing now."""
    done = subprocess.run([sys.executable, "-c", HOLD_AND_WAIT, str(path), PASSPHRASE],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return done.stdout.strip()


def test_reading_the_open_workbook_under_another_name_is_refused_and_the_lock_holds(book: Path) -> None:
    hard = book.with_name("data.csv")
    os.link(book, hard)
    soft = book.with_name("data.xlsx")
    soft.symlink_to(book)
    folder = book.parent / "csv-folder"
    folder.mkdir()
    os.link(book, folder / "staff.csv")
    mapping = book.with_name("mapping.json")
    mapping.symlink_to(book)
    with Workbook.open(book, PASSPHRASE, auto_backup=False) as wb:
        services.add_service(wb, {"name": "In the write-ahead log"})
        wal_alias = book.with_name("log.csv")
        os.link(f"{book}-wal", wal_alias)
        for alias in (hard, soft, folder, wal_alias):
            with pytest.raises(UnsafePath, match="workbook itself"):
                import_file(wb, alias)
            with pytest.raises(UnsafePath, match="workbook itself"):
                read(alias)  # as the window's import dialog reads
        with pytest.raises(UnsafePath, match="workbook itself"):
            import_file(wb, book.with_name("data.csv"), kind="hr-extract", snapshot="2022-03-31", mapping_file=mapping)
        with pytest.raises(UnsafePath, match="workbook itself"):
            from_file(soft)  # e.g. passwd --new-passphrase-file read while the workbook is open
        assert second_writer(book) == "WorkbookLocked"


def test_the_lock_drop_the_guard_prevents_is_real(book: Path) -> None:
    """Control: opening and closing the held file through an alias does release the lock, so
    the test above would see a second writer if the guard were gone."""
    hard = book.with_name("data.csv")
    os.link(book, hard)
    with Workbook.open(book, PASSPHRASE, auto_backup=False):
        assert second_writer(book) == "WorkbookLocked"
        hard.open("rb").close()
        assert second_writer(book) == "opened"


def test_import_through_the_cli_refuses_the_workbook_as_data(book: Path) -> None:
    alias = book.with_name("returns.xlsx")
    alias.symlink_to(book)
    before = sha(book)
    refused(run("import", book, alias), "workbook itself")
    assert sha(book) == before
    assert list_backups(book) == []


# -- backups ----------------------------------------------------------------------------------


def test_failed_imports_make_no_backups(book: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("not,an,exchange\n1,2,3\n")
    for data in (tmp_path / "missing.xlsx", bad):
        assert run("import", book, data).exit_code != 0
    assert list_backups(book) == []


def stamped(times: list[dt.datetime]) -> list[Backup]:
    return [Backup(Path(f"{t:%Y%m%dT%H%M%S%f}Z-auto.opcc"), t, "auto") for t in times]


NOW = dt.datetime(2026, 12, 6, 18, 0, tzinfo=dt.UTC)


def test_a_burst_cannot_flush_the_backup_of_each_day_and_week() -> None:
    older = [NOW - dt.timedelta(days=d, hours=1) for d in range(60, 0, -1)]
    burst = [NOW - dt.timedelta(seconds=s) for s in range(500, 0, -1)]
    backups = stamped(older + burst)
    left = {b.path for b in backups} - {b.path for b in to_prune(backups, NOW, Retention())}
    kept_times = sorted(b.made for b in backups if b.path in left)
    assert kept_times[-10:] == burst[-10:]
    assert burst[0] in kept_times  # the first of today: the state before the burst began
    for days_ago in range(1, 14):
        assert older[-days_ago] in kept_times
    assert len([t for t in kept_times if t < NOW - dt.timedelta(days=14)]) >= 6  # weekly ones


@settings(max_examples=200, deadline=None)
@given(
    offsets=st.lists(st.integers(min_value=0, max_value=120 * 24 * 3600), min_size=1, max_size=80, unique=True),
    keep=st.integers(1, 20), days=st.integers(0, 30), weeks=st.integers(0, 12),
)
def test_retention_keeps_what_it_promises(offsets: list[int], keep: int, days: int, weeks: int) -> None:
    backups = stamped([NOW - dt.timedelta(seconds=s) for s in offsets])
    policy = Retention(keep, days, weeks)
    gone = {b.path for b in to_prune(backups, NOW, policy)}
    ordered = sorted(backups, key=lambda b: b.made)
    assert not gone & {b.path for b in ordered[-keep:]}
    for day in {b.made.date() for b in ordered if (NOW.date() - b.made.date()).days < days}:
        first = min((b for b in ordered if b.made.date() == day), key=lambda b: b.made)
        assert first.path not in gone
    kept = [b for b in ordered if b.path not in gone]
    assert len(kept) <= keep + days + weeks + 1


def test_passwd_reencrypts_the_backups(book: Path) -> None:
    for name in ("One", "Two"):
        with Workbook.open(book, PASSPHRASE) as wb:
            services.add_service(wb, {"name": name})
    assert len(list_backups(book)) == 2
    result = run("passwd", book, env={**ENV, "OPCC_NEW_PASSPHRASE": "new passphrase"})
    assert result.exit_code == 0, result.output
    assert "Re-encrypted its 3 backups" in result.output
    for item in list_backups(book):
        with pytest.raises(WrongPassphrase):
            Workbook.open(item.path, PASSPHRASE, readonly=True)
        Workbook.open(item.path, "new passphrase", readonly=True).close()


def test_passwd_can_delete_the_backups_instead(book: Path) -> None:
    with Workbook.open(book, PASSPHRASE) as wb:
        services.add_service(wb, {"name": "One"})
    result = run("passwd", book, "--backups", "delete", env={**ENV, "OPCC_NEW_PASSPHRASE": "new passphrase"})
    assert result.exit_code == 0, result.output
    assert "Deleted its 2 backups" in result.output
    (left,) = list_backups(book)
    assert left.reason == "after-passphrase-change"
    Workbook.open(left.path, "new passphrase", readonly=True).close()


def test_passwd_without_a_new_passphrase_names_the_right_option(book: Path) -> None:
    refused(run("passwd", book), "--new-passphrase-file")


def test_restore_lists_backups_with_dates_and_restores_one_as_a_new_file(book: Path, tmp_path: Path) -> None:
    with Workbook.open(book, PASSPHRASE) as wb:
        services.add_service(wb, {"name": "After the backup"})
    listing = run("restore", book)
    assert listing.exit_code == 0
    assert "  1  " in listing.output and " UTC " in listing.output and "auto" in listing.output
    before = sha(book)
    restored = tmp_path / "restored.opcc"
    result = run("restore", book, "--backup", "1", "-o", restored)
    assert result.exit_code == 0, result.output
    assert sha(book) == before
    with Workbook.open(restored, PASSPHRASE, readonly=True) as wb:
        assert [s["name"] for s in services.services(wb)] == ["Victim Care"]
    refused(run("restore", book, "--backup", "1", "-o", restored), "already exists")
    refused(run("restore", book, "--backup", "1", "-o", book), "workbook itself")
    refused(run("restore", book, "--backup", "7", "-o", tmp_path / "r2.opcc"), "no backup number 7")
    refused(run("backup", book, "-o", restored), "already exists")
    assert sha(book) == before


def test_restore_with_a_passphrase_that_does_not_open_the_backup_says_so(book: Path, tmp_path: Path) -> None:
    with Workbook.open(book, PASSPHRASE) as wb:
        services.add_service(wb, {"name": "After the backup"})
    result = run("restore", book, "--backup", "1", "-o", tmp_path / "r.opcc", env={"OPCC_PASSPHRASE": "wrong"})
    refused(result, "does not open the backup")
    assert not (tmp_path / "r.opcc").exists()
    left = list_backups(book)[0].path.parent.iterdir()
    assert all(p.name.endswith("-auto.opcc") or p.name == RECORD for p in left)  # no partial restore
