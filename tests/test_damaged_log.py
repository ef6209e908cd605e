"""The write-ahead log after a crash: ``check`` reads it without writing a byte, checks the
pages that are only in it, and says so when damage in it would drop saved edits; opening such
a workbook for editing is refused rather than losing them silently.

Every log here is a real one, left by a writer process killed after its commits.
"""

from __future__ import annotations

import hashlib
import os
import struct
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PASSPHRASE
from test_workbook_file import run_python

from opcc_desktop.areas import services
from opcc_desktop.errors import DamagedWorkbook, WrongPassphrase
from opcc_desktop.store import wal
from opcc_desktop.store.workbook import Workbook
from ui.cli import main

FRAME = wal.FRAME_HEADER + 4096
ENV = {"OPCC_PASSPHRASE": PASSPHRASE}

COMMIT_THEN_DIE = """
    import os, sys
    from opcc_desktop.areas import services
    from opcc_desktop.store.workbook import Workbook
    wb = Workbook.open(sys.argv[1], sys.argv[2], auto_backup=False)
    for number in range(int(sys.argv[3])):
        services.add_service(wb, {"name": f"Only in the log {number}"})
    if sys.argv[4] == "checkpoint":
        wb.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()  # copied in, log not reset
    os._exit(0)  # committed (acknowledged), but no close: the log stays
"""


def state(folder: Path) -> dict[str, str]:
    """The SHA-256 of the workbook and of its log (the -shm, a reader's index, may come and go)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if not p.name.endswith("-shm")}


@pytest.fixture
def crashed(workbook_path: Path) -> Path:
    """A workbook of 10 services whose writer died after 30 more commits, all in its log."""
    with Workbook.create(workbook_path, PASSPHRASE) as wb:
        for number in range(10):
            services.add_service(wb, {"name": f"In the file {number}"})
    run_python(COMMIT_THEN_DIE, str(workbook_path), PASSPHRASE, "30", "no checkpoint")
    assert wal.log_path(workbook_path).stat().st_size > 30 * FRAME
    return workbook_path


def check(path: Path):
    return CliRunner().invoke(main, ["check", str(path)], env=ENV, catch_exceptions=False)


def frames(path: Path) -> list[tuple[int, int]]:
    """(page number, commit) of each frame of the log."""
    data = wal.log_path(path).read_bytes()
    count = (len(data) - wal.HEADER) // FRAME
    return [struct.unpack(">2I", data[wal.HEADER + i * FRAME : wal.HEADER + i * FRAME + 8]) for i in range(count)]


def flip(path: Path, offset: int) -> None:
    log = wal.log_path(path)
    data = bytearray(log.read_bytes())
    data[offset] ^= 0x01
    log.write_bytes(bytes(data))


def page_offset(frame: int) -> int:
    return wal.HEADER + frame * FRAME + wal.FRAME_HEADER


def reseal(path: Path) -> None:
    """Recompute every frame's checksum, as if SQLite had written the log as it now is."""
    log = wal.log_path(path)
    data = bytearray(log.read_bytes())
    order = ">" if struct.unpack(">I", data[:4])[0] == wal.MAGIC_BIG else "<"
    seed = struct.unpack(">2I", data[24:32])
    for i in range((len(data) - wal.HEADER) // FRAME):
        start = wal.HEADER + i * FRAME
        seed = wal._checksum(bytes(data[start : start + 8] + data[start + wal.FRAME_HEADER : start + FRAME]), order, seed)
        data[start + 16 : start + 24] = struct.pack(">2I", *seed)
    log.write_bytes(bytes(data))


# -- check reads, never writes ------------------------------------------------------------------


def test_check_of_a_crashed_workbook_reads_its_log_and_writes_nothing(crashed: Path) -> None:
    before = state(crashed.parent)
    result = check(crashed)
    assert result.exit_code == 0, result.output
    assert "File integrity: ok" in result.output and "40 services" in result.output  # the log's too
    assert state(crashed.parent) == before  # not checkpointed: the file and its log as they were
    with Workbook.open(crashed, PASSPHRASE, readonly=True) as wb:
        assert wb.integrity_problems() == []
    assert state(crashed.parent) == before
    with Workbook.open(crashed, PASSPHRASE, auto_backup=False) as wb:  # editing recovers it all
        assert wb.scalar("SELECT count(*) FROM services") == 40
    assert sorted(p.name for p in crashed.parent.iterdir()) == [crashed.name]  # no -wal, no -shm left


def test_check_of_a_closed_workbook_leaves_its_folder_as_it_was(crashed: Path) -> None:
    Workbook.open(crashed, PASSPHRASE, auto_backup=False).close()
    before = state(crashed.parent)
    assert check(crashed).exit_code == 0
    assert sorted(p.name for p in crashed.parent.iterdir()) == [crashed.name]
    assert state(crashed.parent) == before


def test_check_finds_a_damaged_page_that_is_only_in_the_log(crashed: Path) -> None:
    """A page damaged in the log, its checksums made whole again: SQLite reads the frame, the
    page fails its HMAC. Checking the file alone (the log not copied in) would miss it."""
    last_commit = max(i for i, (_, commit) in enumerate(frames(crashed)) if commit)
    flip(crashed, page_offset(last_commit) + 1000)
    reseal(crashed)
    assert wal.log_damage(crashed) is None  # a sound log, as far as SQLite can tell
    before = state(crashed.parent)
    result = check(crashed)
    assert result.exit_code != 0
    assert "is damaged" in result.output and "Restore it from a backup" in result.output
    assert state(crashed.parent) == before


# -- a damaged log -------------------------------------------------------------------------------


def test_a_damaged_log_is_reported_and_not_dropped_in_silence(crashed: Path, tmp_path: Path) -> None:
    flip(crashed, page_offset(3) + 500)  # a byte of an early frame: SQLite stops reading there
    before = state(crashed.parent)
    result = check(crashed)
    assert result.exit_code == 2, result.output
    assert "File integrity: DAMAGED" in result.output
    assert f"write-ahead log {crashed.name}-wal is damaged at frame 4 of" in result.output
    assert "saved transactions from there on cannot be read" in result.output
    assert state(crashed.parent) == before
    with pytest.raises(DamagedWorkbook, match="was not opened for editing.*Nothing was changed.*keep a copy"):
        Workbook.open(crashed, PASSPHRASE)
    with pytest.raises(WrongPassphrase):  # a wrong passphrase is still told apart
        Workbook.open(crashed, "not the passphrase")
    assert state(crashed.parent) == before
    # What can still be read is saved as a new workbook, and the damaged files are kept.
    rescue = tmp_path / "rescue.opcc"
    result = CliRunner().invoke(main, ["backup", str(crashed), "-o", str(rescue)], env=ENV, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert state(crashed.parent) == {**before, rescue.name: state(tmp_path)[rescue.name]}
    with Workbook.open(rescue, PASSPHRASE) as wb:
        assert 10 <= wb.scalar("SELECT count(*) FROM services") < 40
        assert wb.integrity_problems() == []


def test_the_count_of_transactions_lost_is_what_sqlite_drops(crashed: Path) -> None:
    damaged = 60
    lost = sum(1 for _, commit in frames(crashed)[damaged:] if commit)
    flip(crashed, page_offset(damaged) + 7)
    assert wal.log_damage(crashed) == wal.LogDamage(damaged + 1, len(frames(crashed)), lost)
    with Workbook.open(crashed, PASSPHRASE, readonly=True) as wb:
        assert wb.scalar("SELECT count(*) FROM services") == 40 - lost


@pytest.mark.parametrize("where", ["magic", "salt", "header checksum", "frame salt", "frame checksum"])
def test_damage_to_the_headers_is_found_too(crashed: Path, where: str) -> None:
    offset = {"magic": 3, "salt": 17, "header checksum": 27, "frame salt": wal.HEADER + 5 * FRAME + 9,
              "frame checksum": wal.HEADER + 5 * FRAME + 19}[where]  # fmt: skip
    flip(crashed, offset)
    found = wal.log_damage(crashed)
    assert found is not None and found.lost > 0
    assert found.frame == (1 if offset < wal.HEADER else 6)


def test_a_write_torn_by_the_crash_is_not_damage(crashed: Path) -> None:
    """The last frame half-written (or wrong) is what a crash mid-write leaves: SQLite rightly
    drops that unacknowledged transaction, and the workbook opens."""
    log = wal.log_path(crashed)
    flip(crashed, page_offset(len(frames(crashed)) - 1) + 100)
    assert wal.log_damage(crashed) is None
    with log.open("r+b") as handle:
        handle.truncate(log.stat().st_size - 1000)
    assert wal.log_damage(crashed) is None
    with Workbook.open(crashed, PASSPHRASE, auto_backup=False) as wb:
        assert wb.scalar("SELECT count(*) FROM services") == 39


def test_damage_to_a_log_already_copied_into_the_workbook_loses_nothing(workbook_path: Path) -> None:
    Workbook.create(workbook_path, PASSPHRASE).close()
    run_python(COMMIT_THEN_DIE, str(workbook_path), PASSPHRASE, "20", "checkpoint")
    flip(workbook_path, page_offset(2) + 500)
    assert wal.log_damage(workbook_path) is None
    with Workbook.open(workbook_path, PASSPHRASE, auto_backup=False) as wb:
        assert wb.scalar("SELECT count(*) FROM services") == 20


def test_the_checksums_computed_at_once_match_sqlites_loop() -> None:
    import numpy as np

    data = os.urandom(3 * (8 + 4096))
    covered = np.frombuffer(data, np.uint8).reshape(3, -1)
    seeds = [(0, 0), (0xFFFFFFFF, 12345), (7, 0xDEADBEEF)]
    for order in "<>":
        found = wal._checksums(covered[:, :8], covered[:, 8:], order=order, seeds=np.array(seeds, np.uint64))
        assert [tuple(map(int, row)) for row in found] == [
            wal._checksum(bytes(row), order, seed) for row, seed in zip(covered, seeds)]  # fmt: skip
