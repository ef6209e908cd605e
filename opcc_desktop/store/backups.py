"""Encrypted backups made with the SQLite backup API (never a file copy of a live database).

Automatic backups are kept by a retention a burst cannot flush: the newest few, plus the
first of each of the last days, plus the first of each of the last weeks. Backups are
readable by their owner only, and follow a change of passphrase.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as dbapi

from ..errors import WrongPassphrase
from .cipher import quote
from .paths import user_data_dir

BACKUP_SUFFIX = ".opcc"
STAMP = "%Y%m%dT%H%M%S%fZ"


@dataclass(frozen=True)
class Retention:
    """Which automatic backups are kept (settings ``backups.keep``, ``.days``, ``.weeks``)."""

    keep: int = 10
    days: int = 14
    weeks: int = 8


@dataclass(frozen=True)
class Backup:
    path: Path
    made: dt.datetime  # UTC
    reason: str


def backup_to(conn: Any, passphrase: str, target: Path) -> Path:
    """Copy the open database into ``target`` (its folder must exist), encrypted with
    ``passphrase`` and readable by its owner only.

    Written to a new file of a random name beside it, then renamed, so a crash never leaves a
    half-written backup under the final name and nothing planted there can redirect it.
    """
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    os.close(handle)
    partial = Path(name)
    try:
        dest = dbapi.connect(str(partial), isolation_level=None)
        try:
            dest.execute("PRAGMA cipher_log_level = NONE")
            dest.execute(f"PRAGMA key = {quote(passphrase)}")
            conn.backup(dest)
        finally:
            dest.close()
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def copy_backup(source: Path, passphrase: str, target: Path, new_passphrase: str | None = None) -> Path:
    """Copy the backup ``source`` into ``target`` (encrypted with ``new_passphrase``, or the same
    one), checking first that ``passphrase`` opens it: for a restore, or to re-encrypt it."""
    # immutable: read as a plain file, never creating -wal/-shm files beside the backup
    conn = dbapi.connect(f"{source.resolve().as_uri()}?immutable=1", uri=True, isolation_level=None)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = {quote(passphrase)}")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except dbapi.DatabaseError:
            raise WrongPassphrase(f"The passphrase does not open the backup {source.name} (it may have "
                                  "been made under an earlier passphrase); nothing was written.") from None  # fmt: skip
        return backup_to(conn, new_passphrase or passphrase, target)
    finally:
        conn.close()


def reencrypt_backups(backups: Iterable[Backup], passphrase: str, new_passphrase: str) -> list[Backup]:
    """Put each backup under ``new_passphrase`` in place (a new file renamed over it); returns
    those that ``passphrase`` does not open, left as they are."""
    left = []
    for item in backups:
        try:
            copy_backup(item.path, passphrase, item.path, new_passphrase)
        except WrongPassphrase:
            left.append(item)
    return left


def backup_folder(workbook_path: Path) -> Path:
    """One folder per workbook, told apart by its full path."""
    resolved = workbook_path.resolve()
    tag = hashlib.sha256(str(resolved).encode()).hexdigest()[:10]
    return user_data_dir() / "backups" / f"{resolved.stem}-{tag}"


def private_folder(folder: Path) -> Path:
    """Make ``folder`` (and missing parents) and keep it to its owner (0700 where modes exist)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name == "posix":
        os.chmod(folder, 0o700)
    return folder


def rotate_backup(conn: Any, passphrase: str, workbook_path: Path, reason: str, retention: Retention) -> Path:
    """Make a timestamped backup in the user data folder, then prune that kind's older ones."""
    private_folder(backup_folder(workbook_path).parent)
    folder = private_folder(backup_folder(workbook_path))
    made_at = dt.datetime.now(dt.UTC)
    made = backup_to(conn, passphrase, folder / f"{made_at.strftime(STAMP)}-{reason}{BACKUP_SUFFIX}")
    for old in to_prune(list_backups(workbook_path, reason), made_at, retention):
        old.path.unlink(missing_ok=True)
    # Half-written backups left by a crash (only the process holding the workbook writes here).
    for partial in folder.glob(f".*{BACKUP_SUFFIX}.*.partial"):
        partial.unlink(missing_ok=True)
    return made


def to_prune(backups: Iterable[Backup], now: dt.datetime, retention: Retention) -> list[Backup]:
    """The backups ``retention`` lets go: all but the newest ``keep``, the first of each of the
    last ``days`` days and the first of each of the last ``weeks`` weeks (UTC)."""
    ordered = sorted(backups, key=lambda b: b.made)
    kept = {b.path for b in ordered[-retention.keep :]} if retention.keep > 0 else set()
    first_of_day: dict[dt.date, Backup] = {}
    first_of_week: dict[tuple[int, int], Backup] = {}
    for item in ordered:
        first_of_day.setdefault(item.made.date(), item)
        first_of_week.setdefault(item.made.isocalendar()[:2], item)
    today = now.date()
    kept |= {b.path for day, b in first_of_day.items() if (today - day).days < retention.days}
    kept |= {b.path for b in first_of_week.values() if (today - b.made.date()).days < 7 * retention.weeks}
    return [b for b in ordered if b.path not in kept]


def list_backups(workbook_path: Path, reason: str = "*") -> list[Backup]:
    """Backups of this workbook made for ``reason`` (any by default), oldest first."""
    folder = backup_folder(workbook_path)
    if not folder.is_dir():
        return []
    found = (_described(path) for path in folder.glob(f"*-{reason}{BACKUP_SUFFIX}"))
    return sorted((b for b in found if b is not None), key=lambda b: (b.made, b.path.name))


def _described(path: Path) -> Backup | None:
    stamp, _, reason = path.name.removesuffix(BACKUP_SUFFIX).partition("-")
    try:
        made = dt.datetime.strptime(stamp, STAMP).replace(tzinfo=dt.UTC)
    except ValueError:
        return None  # not one of ours
    return Backup(path, made, reason)
