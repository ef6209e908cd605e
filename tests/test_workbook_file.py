"""The workbook file itself: how it is made, what it refuses (and that refusing leaves it
byte-identical), who may hold it, changing its passphrase, its backups and upgrades, and that
nothing in it or near it can be read without the passphrase.

Every test uses real encrypted files; nothing of the storage is mocked.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
import uuid
import zipfile
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as sqlcipher
import sqlite_utils.db
from conftest import PASSPHRASE, dump

from opcc_desktop.areas import goals, kpis, narrative, schemes, services, settings, workforce
from opcc_desktop.areas.vocab import WORKFORCE_CHARACTERISTICS
from opcc_desktop.errors import (
    DamagedWorkbook,
    NewerWorkbook,
    NotAWorkbook,
    OpccError,
    UnsafePath,
    ValidationError,
    WorkbookError,
    WorkbookExists,
    WorkbookLocked,
    WorkbookMissing,
    WrongPassphrase,
)
from opcc_desktop.store import backups, cipher, schema
from opcc_desktop.store.workbook import Workbook

ROOT = Path(__file__).resolve().parent.parent
PAGE = cipher.PAGE_SIZE
NEW_PASSPHRASE = "a different, longer passphrase"


# -- helpers --------------------------------------------------------------------------------


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_state(folder: Path) -> dict[str, str]:
    """Every entry of ``folder`` with its SHA-256 (sub-folders marked): any change, or any new
    file such as a ``-wal`` or ``-shm``, shows up as a difference."""
    return {
        entry.name: ("folder" if entry.is_dir() else sha256(entry))
        for entry in sorted(folder.iterdir())
    }


def raw_connection(path: Path, passphrase: str = PASSPHRASE) -> sqlcipher.Connection:
    """A plain SQLCipher connection, bypassing the workbook code (to forge files)."""
    conn = sqlcipher.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA key = {cipher.quote(passphrase)}")
    return conn


def kept(path: Path, reason: str = "*") -> list[Path]:
    """The files of the backups of ``path`` made for ``reason``, oldest first."""
    return [item.path for item in backups.list_backups(path, reason)]


def expect_refusal(
    path: Path, error: type[Exception], match: str, passphrase: str = PASSPHRASE, **options
) -> Exception:
    """Opening ``path`` raises ``error`` and changes nothing: not the file, not its folder,
    no backup made."""
    before = folder_state(path.parent)
    backups_before = backups.list_backups(path)
    with pytest.raises(error, match=match) as caught:
        Workbook.open(path, passphrase, **options)
    assert type(caught.value) is error
    assert folder_state(path.parent) == before
    assert backups.list_backups(path) == backups_before
    return caught.value


def add_services(wb: Workbook, count: int) -> None:
    for number in range(count):
        services.add_service(wb, {"name": f"Service {number:03d}", "service_type": "Support " * 10})


@pytest.fixture
def saved(workbook_path: Path) -> Path:
    """A closed workbook holding some data, over many pages."""
    with Workbook.create(workbook_path, PASSPHRASE) as wb:
        settings.set_setting(wb, "office_name", "Office of the Police and Crime Commissioner")
        add_services(wb, 40)
    return workbook_path


def run_python(code: str, *args: str) -> str:
    """Run ``code`` in a fresh Python process (same environment); return what it printed."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True, text=True, timeout=120, cwd=ROOT, env=dict(os.environ),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


OPEN_ATTEMPT = """
    import sys
    from opcc_desktop.errors import OpccError
    from opcc_desktop.store.workbook import Workbook
    try:
        Workbook.open(sys.argv[1], sys.argv[2], readonly=sys.argv[3] == "ro", auto_backup=False).close()
    except OpccError as exc:
        print(type(exc).__name__, exc, sep=": ")
    else:
        print("opened")
"""


def open_elsewhere(path: Path, mode: str = "rw") -> str:
    """Try to open ``path`` from another process; what happened, as one line."""
    return run_python(OPEN_ATTEMPT, str(path), PASSPHRASE, mode)


# -- creating and opening -------------------------------------------------------------------


def test_create_makes_our_file_with_safe_settings(wb: Workbook) -> None:
    pragma = wb.scalar
    assert pragma("PRAGMA application_id") == schema.APPLICATION_ID
    assert pragma("PRAGMA user_version") == schema.SCHEMA_VERSION
    # SCHEMA_VERSION is the number of migrations: keeps the constant in step with them.
    assert len(schema.migration_set().applied(wb.db)) == schema.SCHEMA_VERSION
    assert schema.migration_set().pending(wb.db) == []
    assert pragma("PRAGMA journal_mode") == "wal"
    assert pragma("PRAGMA synchronous") == 2  # FULL: a commit is on disk when it returns
    assert pragma("PRAGMA foreign_keys") == 1
    assert pragma("PRAGMA locking_mode") == "exclusive"
    assert pragma("PRAGMA temp_store") == 2  # MEMORY: no unencrypted temporary files
    assert pragma("PRAGMA cipher_version")  # SQLCipher, not plain SQLite


def test_reopened_workbook_has_the_same_settings(saved: Path) -> None:
    with Workbook.open(saved, PASSPHRASE) as wb:
        assert wb.scalar("PRAGMA journal_mode") == "wal"
        assert wb.scalar("PRAGMA synchronous") == 2
        assert wb.scalar("PRAGMA foreign_keys") == 1
        assert wb.scalar("PRAGMA locking_mode") == "exclusive"
        assert wb.scalar("PRAGMA temp_store") == 2
        assert wb.integrity_problems() == []


def test_file_is_encrypted_from_its_first_byte(saved: Path) -> None:
    data = saved.read_bytes()
    assert not data.startswith(cipher.PLAIN_SQLITE_HEADER)
    assert len(data) % PAGE == 0 and len(data) // PAGE > 20
    assert cipher.byte_entropy(data[:PAGE]) > cipher.MIN_CIPHER_ENTROPY
    for plain in (b"CREATE TABLE", b"settings", b"Service 001", b"Police and Crime"):
        assert plain not in data
    assert sorted(p.name for p in saved.parent.iterdir()) == [saved.name]  # closed: no -wal


def test_create_refuses_an_existing_file(saved: Path, tmp_path: Path) -> None:
    before = sha256(saved)
    with pytest.raises(WorkbookExists, match="already exists"):
        Workbook.create(saved, PASSPHRASE)
    assert sha256(saved) == before
    notes = tmp_path / "notes.opcc"
    notes.write_text("not a workbook, but not to be overwritten either")
    with pytest.raises(WorkbookExists):
        Workbook.create(notes, PASSPHRASE)
    assert notes.read_text().startswith("not a workbook")


def test_create_refuses_an_empty_passphrase(workbook_path: Path) -> None:
    with pytest.raises(OpccError, match="passphrase is empty"):
        Workbook.create(workbook_path, "")
    assert not workbook_path.exists()


@pytest.mark.parametrize("readonly", [False, True])
def test_opening_a_missing_file_creates_nothing(tmp_path: Path, readonly: bool) -> None:
    for missing in (tmp_path / "nowhere.opcc", tmp_path / "no-folder" / "nowhere.opcc"):
        with pytest.raises(WorkbookMissing, match="There is no workbook at"):
            Workbook.open(missing, PASSPHRASE, readonly=readonly)
        assert not missing.exists()
    assert list(tmp_path.iterdir()) == []


# -- refusals: each its own error, each leaving everything as it was --------------------------


def write_plain_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE staff (name TEXT)")
    conn.execute("INSERT INTO staff VALUES ('Someone')")
    conn.commit()
    conn.close()


def write_text(path: Path) -> None:
    path.write_text("office,year,staff\n" + "Office of the PCC,2024/25,42\n" * 300)


def write_xlsx(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        book.writestr("xl/workbook.xml", "<workbook><sheets/></workbook>" * 50)


def write_foreign_encrypted(path: Path) -> None:
    """Another program's SQLCipher database, with the same passphrase."""
    conn = raw_connection(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('hello')")
    conn.close()


def write_unfinished(path: Path) -> None:
    """An encrypted database with nothing in it: a workbook whose creation was cut short."""
    conn = raw_connection(path)
    conn.execute("PRAGMA user_version = 0")  # writes the (encrypted) header only
    conn.close()


OTHER_FILES = {
    "plain-sqlite": (write_plain_sqlite, "unencrypted SQLite database"),
    "text": (write_text, "is not an OPCC workbook"),
    "xlsx": (write_xlsx, "zip archive or Office document"),
    "empty": (lambda path: path.write_bytes(b""), r"is empty \(0 bytes\)"),
    "other-encrypted": (write_foreign_encrypted, "another program's encrypted database"),
    "unfinished": (write_unfinished, "unfinished workbook"),
}


@pytest.mark.parametrize("readonly", [False, True])
@pytest.mark.parametrize("kind", OTHER_FILES)
def test_other_files_are_not_workbooks(tmp_path: Path, kind: str, readonly: bool) -> None:
    write, message = OTHER_FILES[kind]
    path = tmp_path / f"{kind}.opcc"
    write(path)
    error = expect_refusal(path, NotAWorkbook, message, readonly=readonly)
    assert path.name in str(error)


def test_a_folder_is_not_a_workbook(tmp_path: Path) -> None:
    folder = tmp_path / "folder.opcc"
    folder.mkdir()
    (folder / "inside.txt").write_text("x")
    expect_refusal(folder, NotAWorkbook, "is a folder, not an OPCC workbook")
    assert [p.name for p in folder.iterdir()] == ["inside.txt"]


@pytest.mark.parametrize("readonly", [False, True])
def test_wrong_passphrase(saved: Path, readonly: bool) -> None:
    error = expect_refusal(saved, WrongPassphrase, "passphrase is not correct",
                           passphrase=PASSPHRASE.upper(), readonly=readonly)  # fmt: skip
    assert "case-sensitive" in str(error) and saved.name in str(error)


@pytest.mark.parametrize("readonly", [False, True])
def test_truncated_part_way_through_a_page(saved: Path, readonly: bool) -> None:
    data = saved.read_bytes()
    saved.write_bytes(data[: len(data) // 2 + 1000])
    expect_refusal(saved, DamagedWorkbook, "part-way through a page", readonly=readonly)


@pytest.mark.parametrize("keep", ["half", "all but the last"])
@pytest.mark.parametrize("readonly", [False, True])
def test_truncated_at_a_page_boundary(saved: Path, keep: str, readonly: bool) -> None:
    data = saved.read_bytes()
    pages = len(data) // PAGE
    saved.write_bytes(data[: (pages // 2 if keep == "half" else pages - 1) * PAGE])
    # Every page that is left decrypts, but the file is shorter than its header says.
    expect_refusal(saved, DamagedWorkbook, "cannot be read .*malformed.*Restore it from a backup",
                   readonly=readonly)  # fmt: skip


@pytest.mark.parametrize("where", ["middle", "last"])
@pytest.mark.parametrize("readonly", [False, True])
def test_flipped_bytes_in_a_later_page(saved: Path, where: str, readonly: bool) -> None:
    data = bytearray(saved.read_bytes())
    pages = len(data) // PAGE
    page = pages // 2 if where == "middle" else pages - 1
    for offset in range(page * PAGE + 2000, page * PAGE + 2008):
        data[offset] ^= 0xFF
    saved.write_bytes(bytes(data))
    # The passphrase is right (page 1 decrypts), but the page fails its HMAC.
    error = expect_refusal(saved, DamagedWorkbook, "is damaged", readonly=readonly)
    assert "Restore it from a backup" in str(error) and "not changed" in str(error)


def test_damage_the_design_cannot_tell_from_a_wrong_passphrase(saved: Path, tmp_path: Path) -> None:
    """Page 1 holds the only check of the key, so damage there, or random bytes, look exactly
    like a wrong passphrase. Still refused, still unchanged."""
    data = bytearray(saved.read_bytes())
    data[100] ^= 0x01
    saved.write_bytes(bytes(data))
    expect_refusal(saved, WrongPassphrase, "passphrase is not correct")
    noise = tmp_path / "noise.opcc"
    noise.write_bytes(os.urandom(8 * PAGE))
    expect_refusal(noise, WrongPassphrase, "passphrase is not correct")


def test_newer_file_opens_only_read_only(saved: Path) -> None:
    conn = raw_connection(saved)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.close()
    error = expect_refusal(saved, NewerWorkbook, "newer version of OPCC Desktop")
    assert "read-only" in str(error)
    before = folder_state(saved.parent)
    with Workbook.open(saved, PASSPHRASE, readonly=True) as wb:
        assert wb.readonly
        assert wb.scalar("SELECT count(*) FROM services") == 40
        with pytest.raises(WorkbookError, match="read-only"):
            services.add_service(wb, {"name": "Not allowed"})
    assert folder_state(saved.parent) == before  # nothing written, no -wal/-shm left
    assert backups.list_backups(saved) == []


EDIT_THEN_DIE = """
    import os, sys
    from opcc_desktop.areas import services
    from opcc_desktop.store.workbook import Workbook
    wb = Workbook.open(sys.argv[1], sys.argv[2], auto_backup=False)
    for number in range(30):
        services.add_service(wb, {"name": f"Only in the log {number}"})
    os._exit(0)  # committed, but only to the write-ahead log: no close, no checkpoint
"""


@pytest.mark.parametrize("first_try", ["wrong passphrase", "read-only"])
def test_a_crashed_workbook_keeps_its_edits_whatever_is_tried_first(
    saved: Path, first_try: str
) -> None:
    run_python(EDIT_THEN_DIE, str(saved), PASSPHRASE)
    assert saved.with_name(saved.name + "-wal").stat().st_size > 0
    if first_try == "wrong passphrase":
        with pytest.raises(WrongPassphrase):
            Workbook.open(saved, NEW_PASSPHRASE)
    else:
        with Workbook.open(saved, PASSPHRASE, readonly=True) as wb:
            assert wb.scalar("SELECT count(*) FROM services") == 70
    with Workbook.open(saved, PASSPHRASE, auto_backup=False) as wb:
        assert wb.integrity_problems() == []
        assert wb.scalar("SELECT count(*) FROM services") == 70
    assert sorted(p.name for p in saved.parent.iterdir()) == [saved.name]


# -- read-only ------------------------------------------------------------------------------


def test_read_only_refuses_edits_and_leaves_no_trace(saved: Path) -> None:
    before = folder_state(saved.parent)
    with Workbook.open(saved, PASSPHRASE, readonly=True) as wb:
        rows = dump(wb)
        with pytest.raises(WorkbookError, match="read-only"):
            settings.set_setting(wb, "office_name", "Changed")
        with pytest.raises(WorkbookError, match="read-only"):
            with wb.batch("Several"):
                services.add_service(wb, {"name": "Not allowed"})
        with pytest.raises(WorkbookError, match="read-only"):
            wb.revert(1)
        with pytest.raises(cipher.OperationalError, match="readonly"):  # not even raw SQL
            wb.conn.execute("DELETE FROM services")
        assert dump(wb) == rows
        assert wb.integrity_problems() == []
    assert folder_state(saved.parent) == before
    assert backups.list_backups(saved) == []  # no backup of a file we did not change


def test_read_only_views_share_the_file_but_not_with_a_writer(saved: Path) -> None:
    first = Workbook.open(saved, PASSPHRASE, readonly=True)
    second = Workbook.open(saved, PASSPHRASE, readonly=True)
    assert first.scalar("SELECT count(*) FROM services") == 40
    assert second.scalar("SELECT count(*) FROM services") == 40
    with pytest.raises(WorkbookLocked):
        Workbook.open(saved, PASSPHRASE)
    assert open_elsewhere(saved).startswith("WorkbookLocked")
    first.close()
    second.close()
    assert sorted(p.name for p in saved.parent.iterdir()) == [saved.name]
    Workbook.open(saved, PASSPHRASE, auto_backup=False).close()


# -- one writer at a time -------------------------------------------------------------------


def test_another_process_cannot_open_what_we_hold(saved: Path) -> None:
    wb = Workbook.open(saved, PASSPHRASE, auto_backup=False)
    services.add_service(wb, {"name": "Before the other process tried"})
    for mode in ("rw", "ro"):
        said = open_elsewhere(saved, mode)
        assert said.startswith("WorkbookLocked: "), said
        assert f"{saved.name} is open in another OPCC Desktop window or process" in said
        assert "Close it there, then try again" in said
    services.add_service(wb, {"name": "After the other process tried"})
    wb.close()
    with Workbook.open(saved, PASSPHRASE, auto_backup=False) as again:
        assert again.integrity_problems() == []
        names = {r["name"] for r in services.services(again)}
        assert {"Before the other process tried", "After the other process tried"} <= names


HOLDER = """
    import sys
    from opcc_desktop.areas import services
    from opcc_desktop.store.workbook import Workbook
    wb = Workbook.open(sys.argv[1], sys.argv[2], auto_backup=False)
    print("open", flush=True)
    sys.stdin.readline()
    services.add_service(wb, {"name": "Added by the holder"})
    print("edited", flush=True)
    sys.stdin.readline()
    wb.close()
    print("closed", flush=True)
"""


def test_we_cannot_open_what_another_process_holds(saved: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(HOLDER), str(saved), PASSPHRASE],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    assert holder.stdin is not None and holder.stdout is not None
    try:
        assert holder.stdout.readline().strip() == "open"
        for readonly in (False, True):
            with pytest.raises(WorkbookLocked, match="open in another OPCC Desktop window"):
                Workbook.open(saved, PASSPHRASE, readonly=readonly)
        holder.stdin.write("edit\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "edited"  # it still holds the file
        holder.stdin.write("close\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "closed"
        assert holder.wait(timeout=60) == 0
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    with Workbook.open(saved, PASSPHRASE, auto_backup=False) as wb:
        assert wb.integrity_problems() == []
        assert "Added by the holder" in {r["name"] for r in services.services(wb)}


def test_opening_twice_in_one_process_keeps_the_lock(saved: Path) -> None:
    """POSIX drops all of a process's locks on a file when it closes any handle on it; a
    second open must not read the file itself, or another process could then write to it."""
    wb = Workbook.open(saved, PASSPHRASE, auto_backup=False)
    for readonly in (False, True):
        with pytest.raises(WorkbookLocked):
            Workbook.open(saved, PASSPHRASE, readonly=readonly)
    assert open_elsewhere(saved).startswith("WorkbookLocked")
    services.add_service(wb, {"name": "Still ours"})
    wb.close()
    assert cipher.is_open_here(saved) is False
    with Workbook.open(saved, PASSPHRASE, auto_backup=False) as again:
        assert again.integrity_problems() == []
        assert "Still ours" in {r["name"] for r in services.services(again)}


# -- passphrase and backups -----------------------------------------------------------------


def test_change_passphrase(saved: Path) -> None:
    with Workbook.open(saved, PASSPHRASE, auto_backup=False) as wb:
        before = dump(wb)
        wb.change_passphrase(NEW_PASSPHRASE)
        assert wb.integrity_problems() == []  # the file is wholly under the new key at once
        services.add_service(wb, {"name": "Added under the new passphrase"})
        after = dump(wb)
    expect_refusal(saved, WrongPassphrase, "passphrase is not correct", passphrase=PASSPHRASE)
    with Workbook.open(saved, NEW_PASSPHRASE, auto_backup=False) as wb:
        assert dump(wb) == after
        assert wb.integrity_problems() == []
    # A backup was made first, of the data as it was; it follows the new passphrase.
    (made,) = kept(saved, "before-passphrase-change")
    with Workbook.open(made, NEW_PASSPHRASE, readonly=True) as copy:
        assert dump(copy) == before
    with pytest.raises(WrongPassphrase):
        Workbook.open(made, PASSPHRASE, readonly=True)


def test_empty_new_passphrase_is_refused(saved: Path) -> None:
    with Workbook.open(saved, PASSPHRASE, auto_backup=False) as wb:
        with pytest.raises(OpccError, match="new passphrase is empty"):
            wb.change_passphrase("")
    Workbook.open(saved, PASSPHRASE, auto_backup=False).close()


REKEY_THEN_DIE = """
    import os, sys
    from opcc_desktop.store import cipher
    from opcc_desktop.store.workbook import Workbook
    wb = Workbook.open(sys.argv[1], sys.argv[2], auto_backup=False)
    wb.conn.execute(f"PRAGMA rekey = {cipher.quote(sys.argv[3])}")  # committed to the log...
    os._exit(0)  # ...and the process dies before the log is copied into the file
"""


def test_passphrase_change_cut_short_by_a_crash_still_opens(saved: Path) -> None:
    with Workbook.open(saved, PASSPHRASE, auto_backup=False) as wb:
        before = dump(wb)
    run_python(REKEY_THEN_DIE, str(saved), PASSPHRASE, NEW_PASSPHRASE)
    wal = saved.with_name(saved.name + "-wal")
    assert wal.stat().st_size > 0  # the new pages are only in the write-ahead log
    # The file's own pages are still under the old key, the log's under the new one: the
    # change committed, so the new passphrase opens it, and it is not reported as damaged.
    with Workbook.open(saved, NEW_PASSPHRASE, auto_backup=False) as wb:
        assert wb.integrity_problems() == []
        assert dump(wb) == before
    expect_refusal(saved, WrongPassphrase, "passphrase is not correct", passphrase=PASSPHRASE)


def test_backup_is_an_encrypted_copy(saved: Path, tmp_path: Path) -> None:
    marker = f"backup-marker-{uuid.uuid4().hex}"
    target = tmp_path / "office-copy.opcc"
    with Workbook.open(saved, PASSPHRASE, auto_backup=False) as wb:
        services.add_service(wb, {"name": marker})  # still in the write-ahead log
        assert wb.backup(target) == target
        expected = dump(wb)
    data = target.read_bytes()
    assert marker.encode() not in data and not data.startswith(cipher.PLAIN_SQLITE_HEADER)
    # Written page by page through the SQLite backup API, under a fresh salt: not a file copy.
    assert data[:16] != saved.read_bytes()[:16]
    assert sorted(p.name for p in target.parent.iterdir() if "copy" in p.name) == [target.name]  # no .partial
    with Workbook.open(target, PASSPHRASE, auto_backup=False) as copy:
        assert dump(copy) == expected
        assert copy.integrity_problems() == []
    expect_refusal(target, WrongPassphrase, "not correct", passphrase=NEW_PASSPHRASE)


def test_backup_refuses_the_workbook_itself(
    saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(saved.parent)
    link = saved.parent / "link.opcc"
    link.symlink_to(saved)
    with Workbook.open(saved, PASSPHRASE, auto_backup=False) as wb:
        before = dump(wb)
        for same in (saved, saved.parent / "." / saved.name, Path(saved.name), link):
            with pytest.raises(UnsafePath, match="is the workbook itself"):
                wb.backup(same)
        assert dump(wb) == before
    with Workbook.open(saved, PASSPHRASE, auto_backup=False) as wb:
        assert wb.integrity_problems() == []
        assert dump(wb) == before


def test_rotating_backups_keep_the_newest(saved: Path, private_data_dir: Path) -> None:
    with Workbook.open(saved, PASSPHRASE, auto_backup=False) as wb:
        settings.set_setting(wb, "backups.keep", 3)
        settings.set_setting(wb, "backups.days", 0)
        settings.set_setting(wb, "backups.weeks", 0)
        made = []
        for number in range(5):
            services.add_service(wb, {"name": f"Backed up {number}"})
            made.append(wb.backup_rotating("auto"))
    folder = backups.backup_folder(saved)
    assert folder.is_relative_to(private_data_dir)  # under OPCC_DATA_DIR, not beside the file
    assert kept(saved, "auto") == made[-3:]
    assert sorted(folder.glob("*.opcc")) == made[-3:]
    with Workbook.open(made[-1], PASSPHRASE, readonly=True) as newest:
        assert newest.integrity_problems() == []
        assert "Backed up 4" in {r["name"] for r in services.services(newest)}


def test_the_first_edit_makes_a_backup_and_a_look_makes_none(saved: Path) -> None:
    assert backups.list_backups(saved) == []
    with Workbook.open(saved, PASSPHRASE) as wb:
        at_open = dump(wb)
        assert backups.list_backups(saved) == []  # opening alone backs nothing up
        services.add_service(wb, {"name": "After the backup"})
        services.add_service(wb, {"name": "No second backup in one session"})
    (made,) = kept(saved, "auto")
    with Workbook.open(made, PASSPHRASE, readonly=True) as copy:
        assert dump(copy) == at_open
    Workbook.open(saved, PASSPHRASE).close()
    Workbook.open(saved, PASSPHRASE, auto_backup=False).close()
    Workbook.open(saved, PASSPHRASE, readonly=True).close()
    assert kept(saved) == [made]
    with Workbook.open(saved, PASSPHRASE) as wb:
        services.add_service(wb, {"name": "A second session"})
    assert len(kept(saved, "auto")) == 2


def test_a_refused_edit_before_any_other_makes_no_backup_when_checks_come_first(saved: Path) -> None:
    with Workbook.open(saved, PASSPHRASE) as wb:
        with pytest.raises(ValidationError):
            services.add_service(wb, {"name": ""})
    assert kept(saved) == []


def test_backups_and_workbooks_are_their_owners_only(tmp_path: Path, saved: Path) -> None:
    made = tmp_path / "private.opcc"
    Workbook.create(made, PASSPHRASE).close()
    with Workbook.open(saved, PASSPHRASE) as wb:
        services.add_service(wb, {"name": "Backed up"})
    (backup,) = kept(saved)
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert stat.S_IMODE(backup.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(backup.parent.parent.stat().st_mode) == 0o700


def test_half_written_backups_from_a_crash_are_cleared(saved: Path) -> None:
    folder = backups.backup_folder(saved)
    folder.mkdir(parents=True)
    stale = folder / ".20200101T000000000000Z-auto.opcc.k2j4h1.partial"
    stale.write_bytes(os.urandom(2 * PAGE))
    with Workbook.open(saved, PASSPHRASE) as wb:
        services.add_service(wb, {"name": "Backed up"})
    assert not stale.exists()
    assert len(kept(saved, "auto")) == 1


# -- upgrades -------------------------------------------------------------------------------


def with_extra_migration(monkeypatch: pytest.MonkeyPatch, step) -> int:
    """Make this run of the app one version newer, its extra migration being ``step``."""
    monkeypatch.setattr(schema, "STEPS", (*schema.STEPS, step))
    monkeypatch.setattr(schema, "SCHEMA_VERSION", schema.SCHEMA_VERSION + 1)
    return schema.SCHEMA_VERSION


def add_notes_column(db: sqlite_utils.db.Database) -> None:
    db.execute("ALTER TABLE services ADD COLUMN notes TEXT NOT NULL DEFAULT ''")
    db.execute("UPDATE services SET notes = 'upgraded'")


def test_older_file_is_upgraded_after_a_backup(saved: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = schema.SCHEMA_VERSION
    with Workbook.open(saved, PASSPHRASE, auto_backup=False) as wb:
        before = dump(wb)
    new = with_extra_migration(monkeypatch, add_notes_column)
    with Workbook.open(saved, PASSPHRASE) as wb:
        assert wb.scalar("PRAGMA user_version") == new
        assert len(schema.migration_set().applied(wb.db)) == new
        assert {r["notes"] for r in services.services(wb)} == {"upgraded"}
        assert wb.integrity_problems() == []
    (made,) = kept(saved, f"before-upgrade-from-v{old}")
    assert kept(saved, "auto") == []  # the upgrade's backup stands for it
    # Made with the SQLite backup API (a fresh salt, so not a file copy), of the file as it was.
    assert made.read_bytes()[:16] != saved.read_bytes()[:16]
    with monkeypatch.context() as as_before:  # this version, which reads the backup as it is
        as_before.setattr(schema, "STEPS", schema.STEPS[:-1])
        as_before.setattr(schema, "SCHEMA_VERSION", old)
        with Workbook.open(made, PASSPHRASE, readonly=True) as copy:
            assert copy.scalar("PRAGMA user_version") == old
            assert dump(copy) == before
            assert "notes" not in {c.name for c in copy.db["services"].columns}
    # Once upgraded, opening again upgrades nothing.
    with Workbook.open(saved, PASSPHRASE) as wb:
        services.add_service(wb, {"name": "After the upgrade"})
    assert len(backups.list_backups(saved, f"before-upgrade-from-v{old}")) == 1
    assert len(backups.list_backups(saved, "auto")) == 1


def failing_step(db: sqlite_utils.db.Database) -> None:
    add_notes_column(db)
    db.execute("INSERT INTO no_such_table VALUES (1)")


def test_failed_upgrade_leaves_the_file_as_it_was(saved: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    old = schema.SCHEMA_VERSION
    with Workbook.open(saved, PASSPHRASE, auto_backup=False) as wb:
        before = dump(wb)
    with_extra_migration(monkeypatch, failing_step)
    with pytest.raises(WorkbookError, match="could not be upgraded.*left as it was"):
        Workbook.open(saved, PASSPHRASE)
    assert not cipher.is_open_here(saved)  # closed, not left locked
    assert open_elsewhere(saved, "ro") == "opened"
    with pytest.raises(WorkbookError, match="bringing a copy of it up to this version to read it failed"):
        Workbook.open(saved, PASSPHRASE, readonly=True)
    assert not cipher.is_open_here(saved)
    monkeypatch.setattr(schema, "STEPS", schema.STEPS[:-1])  # this version again, which reads the file as it is
    monkeypatch.setattr(schema, "SCHEMA_VERSION", old)
    with Workbook.open(saved, PASSPHRASE, readonly=True) as wb:
        assert wb.scalar("PRAGMA user_version") == old
        assert len(schema.migration_set().applied(wb.db)) == old
        assert "notes" not in {c.name for c in wb.db["services"].columns}
        assert dump(wb) == before
        assert wb.integrity_problems() == []
    assert len(backups.list_backups(saved, f"before-upgrade-from-v{old}")) == 1


def test_an_older_file_opened_read_only_is_read_upgraded_and_left_as_it_was(
    saved: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exports and checks open read-only: an older file is read through an upgraded copy in
    memory, so the readers find today's tables, and the file is not touched."""
    before = saved.read_bytes()
    new = with_extra_migration(monkeypatch, add_notes_column)
    with Workbook.open(saved, PASSPHRASE, readonly=True) as wb:
        assert wb.scalar("PRAGMA user_version") == new
        assert "notes" in {c.name for c in wb.db["services"].columns}
        assert cipher.is_open_here(saved)  # held as any reader holds it
        with pytest.raises(WorkbookError, match="read-only"):
            services.add_service(wb, {"name": "Not saved"})
    assert not cipher.is_open_here(saved)
    assert saved.read_bytes() == before
    assert not list(saved.parent.glob(f"{saved.name}-*"))  # no log or shared-memory file left


def test_version_zero_file_is_stamped(saved: Path) -> None:
    conn = raw_connection(saved)
    conn.execute("PRAGMA user_version = 0")
    conn.close()
    with Workbook.open(saved, PASSPHRASE) as wb:
        assert wb.scalar("PRAGMA user_version") == schema.SCHEMA_VERSION
        assert len(schema.migration_set().applied(wb.db)) == schema.SCHEMA_VERSION  # none re-run
        assert wb.scalar("SELECT count(*) FROM services") == 40
    assert len(backups.list_backups(saved, "before-upgrade-from-v0")) == 1


# -- sqlite-utils on SQLCipher --------------------------------------------------------------


def test_sqlcipher_errors_are_not_the_standard_librarys() -> None:
    """Why store.database points sqlite-utils at sqlcipher3: it catches sqlite3's exceptions."""
    assert not issubclass(sqlcipher.OperationalError, sqlite3.OperationalError)
    assert not issubclass(sqlcipher.IntegrityError, sqlite3.IntegrityError)


def test_sqlite_utils_fallbacks_work_on_a_workbook(wb: Workbook, monkeypatch: pytest.MonkeyPatch) -> None:
    assert wb.db.cached_counts() == {}  # no _counts table: an OperationalError, caught
    assert wb.db.supports_strict is True
    assert sqlite_utils.db.OperationalError is sqlcipher.OperationalError
    # Unbound, the same call fails: the failure mode is real.
    monkeypatch.setattr(sqlite_utils.db, "OperationalError", sqlite3.OperationalError)
    with pytest.raises(sqlcipher.OperationalError, match="no such table"):
        wb.db.cached_counts()


def test_sqlite_utils_fallbacks_work_read_only(saved: Path) -> None:
    with Workbook.open(saved, PASSPHRASE, readonly=True) as wb:
        assert wb.db.cached_counts() == {}
        assert wb.db.supports_strict is False  # cannot even make a scratch table: caught


# -- encryption at rest ---------------------------------------------------------------------


def forms(marker: str) -> list[bytes]:
    return [marker.encode("utf-8"), marker.encode("utf-16-le"), marker.encode("utf-16-be")]


def files_showing(marker: str, *folders: Path) -> tuple[list[Path], list[Path]]:
    """(every file under ``folders``, those whose bytes contain ``marker`` in any form)."""
    scanned, showing = [], []
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            data = path.read_bytes()
            scanned.append(path)
            if any(form in data for form in forms(marker)):
                showing.append(path)
    return scanned, showing


MARKED = [
    ("settings", "value"), ("staff", "role_grade"), ("services", "name"), ("schemes", "name"),
    ("kpis", "name"), ("kpi_commentary", "text"), ("goals", "title"), ("goals", "description"),
    ("goal_updates", "text"), ("edi_assessments", "evidence"), ("narratives", "text"),
]  # fmt: skip


def write_marker_everywhere(wb: Workbook, marker: str) -> None:
    """The marker in every kind of record the office keeps (each field in MARKED)."""
    settings.set_setting(wb, "office_name", f"Office {marker}")
    workforce.add_snapshot(wb, "2024-03-31", "Year end")
    snapshot = wb.scalar("SELECT id FROM workforce_snapshots")
    staff = {name: options[0] for name, options in WORKFORCE_CHARACTERISTICS.items()}
    workforce.add_staff(wb, snapshot, {**staff, "staff_ref": "HR0001", "role_grade": f"Grade {marker}"})
    services.add_service(wb, {"name": f"Service {marker}"})
    schemes.add_scheme(wb, {"name": f"Scheme {marker}"})
    kpis.add_outcome(wb, "Safer streets")
    kpis.add_group(wb, wb.scalar("SELECT id FROM strategic_outcomes"), "Response")
    group = wb.scalar("SELECT id FROM kpi_groups")
    kpis.add_kpi(wb, group, {"name": f"KPI {marker}", "unit": "count", "polarity": "higher"})
    kpis.set_commentary(wb, group, "2024/25", 1, f"Commentary {marker}")
    goals.add_goal(wb, {"set_for_year": "2024/25", "title": f"Goal {marker}",
                        "description": f"Description {marker}", "status": "in progress"})  # fmt: skip
    goals.set_goal_update(wb, wb.scalar("SELECT id FROM goals"), "2024/25", f"Update {marker}")
    goals.add_edi_area(wb, "Leadership")
    level = settings.edi_levels(wb)[0]
    goals.set_edi_assessment(wb, wb.scalar("SELECT id FROM edi_areas"), "2024/25", level,
                             f"Evidence {marker}")  # fmt: skip
    narrative.set_narrative(wb, "annual-equality", "2024/25", "introduction", f"Text {marker}")


def test_scan_finds_plain_text(tmp_path: Path) -> None:
    """Control: the scan below does see a marker stored without encryption (and in a WAL)."""
    marker = f"control-{uuid.uuid4().hex}"
    conn = sqlite3.connect(tmp_path / "plain.db")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE t (a TEXT, b TEXT)")
    conn.execute("INSERT INTO t VALUES (?, ?)", [marker, marker])
    conn.commit()
    _, showing = files_showing(marker, tmp_path)
    assert tmp_path / "plain.db-wal" in showing
    conn.close()
    (tmp_path / "utf16.txt").write_bytes(marker.encode("utf-16-le"))
    _, showing = files_showing(marker, tmp_path)
    assert {tmp_path / "plain.db", tmp_path / "utf16.txt"} <= set(showing)


def test_nothing_is_readable_without_the_passphrase(
    tmp_path: Path, private_data_dir: Path, workbook_path: Path
) -> None:
    marker = f"ZQX{uuid.uuid4().hex}XQZ"
    folders = (tmp_path, private_data_dir)
    Workbook.create(workbook_path, PASSPHRASE).close()
    wb = Workbook.open(workbook_path, PASSPHRASE)  # with its automatic backup
    try:
        write_marker_everywhere(wb, marker)
        for table, column in MARKED:  # it really is in the workbook, in every one of these
            found = wb.scalar(f'SELECT count(*) FROM "{table}" WHERE "{column}" LIKE ?', [f"%{marker}"])
            assert found == 1, (table, column)
        wal = workbook_path.with_name(workbook_path.name + "-wal")
        assert wal.stat().st_size > 0
        scanned, showing = files_showing(marker, *folders)
        assert wal in scanned and workbook_path in scanned
        assert showing == []  # while open: the file and its write-ahead log
        (tmp_path / "exports").mkdir()
        wb.backup(tmp_path / "exports" / "copy.opcc")
        wb.backup_rotating("manual")
        wb.change_passphrase(NEW_PASSPHRASE)
        _, showing = files_showing(marker, *folders)
        assert showing == []
    finally:
        wb.close()
    with Workbook.open(workbook_path, NEW_PASSPHRASE) as wb:  # another automatic backup
        services.add_service(wb, {"name": "Another session"})
    scanned, showing = files_showing(marker, *folders)
    assert showing == []  # closed: the file, exports, every backup
    backup_files = [p for p in scanned if p.is_relative_to(private_data_dir) and p.suffix == ".opcc"]
    assert len(backup_files) == 4  # auto at the first edit, manual, before-passphrase-change, auto
    with Workbook.open(tmp_path / "exports" / "copy.opcc", PASSPHRASE, readonly=True) as copy:
        assert copy.scalar("SELECT count(*) FROM services WHERE name LIKE ?", [f"%{marker}"]) == 1
