"""Encrypted backups made with the SQLite backup API (never a file copy of a live database).

Automatic backups are kept by a retention a burst cannot flush: the newest few, plus the
first of each of the last days, plus the first of each of the last weeks. Backups are
readable by their owner only, and follow a change of passphrase.

Each workbook's backups are in a folder named by the random id kept inside the file (see
``schema.workbook_id``), so they follow it when it is moved or renamed. Reading the id takes
the passphrase, so each folder also holds a record (``workbook.json``) of where the workbook
was last seen and of its salt, the 16 bytes that begin the file (random, unencrypted, and kept
through a move, a change of passphrase and a VACUUM): the folder of a file is found by them
without its passphrase. Files saved before ids kept their backups in a folder named by their
path; a workbook adopts that folder at its first read-write open.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as dbapi

from ..errors import WrongPassphrase
from . import cipher, schema
from .cipher import quote
from .paths import user_data_dir

BACKUP_SUFFIX = ".opcc"
STAMP = "%Y%m%dT%H%M%S%fZ"
RECORD = "workbook.json"  # in a workbook's backups folder: where it was last seen, and its salt
SALT_BYTES = 16


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


def backup_to(conn: Any, passphrase: str, target: Path, *, new_id: bool = False) -> Path:
    """Copy the open database into ``target`` (its folder must exist), encrypted with
    ``passphrase`` and readable by its owner only; with ``new_id``, as a workbook of its own.

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
            if new_id and schema.workbook_id(dest):
                schema.renew_id(dest)
        finally:
            dest.close()
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def copy_backup(
    source: Path, passphrase: str, target: Path, new_passphrase: str | None = None, *, new_id: bool = False
) -> Path:
    """Copy the backup ``source`` into ``target`` (encrypted with ``new_passphrase``, or the same
    one), checking first that ``passphrase`` opens it: to re-encrypt it, or (``new_id``: a
    workbook of its own, whose backups are not the original's) to restore it."""
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
        return backup_to(conn, new_passphrase or passphrase, target, new_id=new_id)
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


def backups_root() -> Path:
    return user_data_dir() / "backups"


def id_folder(workbook_id: str) -> Path:
    """The backups of the workbook whose id is ``workbook_id``, wherever it is."""
    return backups_root() / workbook_id


def path_folder(workbook_path: Path) -> Path:
    """The backups of a workbook without an id (saved before ids): named by its full path."""
    resolved = workbook_path.resolve()
    tag = hashlib.sha256(str(resolved).encode()).hexdigest()[:10]
    return backups_root() / f"{resolved.stem}-{tag}"


def backup_folder(workbook_path: Path) -> Path:
    """The backups folder of the workbook at ``workbook_path``, found without its passphrase
    (see :func:`find_folder`), else the folder of its path."""
    return find_folder(workbook_path) or path_folder(workbook_path)


def find_folder(workbook_path: Path) -> Path | None:
    """The id folder whose record has the salt that begins the file (the one also recorded at
    this path, when copies share it), or, when the file cannot be read (gone, or held by this
    process), the one recorded at this path. None when that does not settle it: then the
    id inside the file tells (it takes the passphrase)."""
    here = str(workbook_path.resolve())
    salt = None if cipher.is_open_here(workbook_path) else file_salt(workbook_path)
    records = _records()
    if salt is None:
        found = [folder for folder, record in records if record.get("path") == here]
    else:
        found = [folder for folder, record in records if record.get("salt") == salt]
        if len(found) > 1:
            found = [folder for folder, record in records if record.get("salt") == salt and record.get("path") == here]
    return found[0] if len(found) == 1 else None


def file_salt(workbook_path: Path) -> str | None:
    """The salt that begins an encrypted file, in hex (None when it cannot be read). Never
    call it on a file this process holds (see ``cipher.Connection``)."""
    try:
        with workbook_path.open("rb") as handle:
            salt = handle.read(SALT_BYTES)
    except OSError:
        return None
    return salt.hex() if len(salt) == SALT_BYTES else None


def read_record(folder: Path) -> dict[str, str]:
    """Where the workbook of ``folder`` was last seen (``path``) and its ``salt``; {} if unknown."""
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def write_record(folder: Path, workbook_path: Path, salt: str) -> None:
    """Note in ``folder`` that its workbook is at ``workbook_path`` with ``salt`` (written beside
    and renamed, so a crash never leaves half a record)."""
    record = {"path": str(workbook_path.resolve()), "salt": salt}
    if read_record(folder) == record:
        return
    private_backup_folder(folder)
    handle, name = tempfile.mkstemp(dir=folder, prefix=f".{RECORD}.", suffix=".partial")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(record, out)
    os.replace(name, folder / RECORD)


def _records() -> list[tuple[Path, dict[str, str]]]:
    root = backups_root()
    if not root.is_dir():
        return []
    return [(folder, record) for folder in sorted(root.iterdir()) if (record := read_record(folder))]


def elsewhere(workbook_id: str, workbook_path: Path) -> bool:
    """Whether another file holds ``workbook_id``: the one its folder's record names is still
    there, at another path, with the salt recorded (so ``workbook_path`` is a copy of it)."""
    record = read_record(id_folder(workbook_id))
    other = Path(record.get("path", ""))
    if not record or str(workbook_path.resolve()) == str(other) or not other.is_file():
        return False
    if cipher.file_identity(other) == cipher.file_identity(workbook_path):
        return False  # the same file under another name (a hard link)
    return cipher.is_open_here(other) or file_salt(other) == record.get("salt")


def adopt_path_folder(workbook_path: Path, folder: Path) -> None:
    """Move the backups kept by the workbook's path (before ids) into ``folder``, its id folder,
    so none is orphaned by the upgrade; a name already taken there is left where it was."""
    old = path_folder(workbook_path)
    if not old.is_dir():
        return
    private_backup_folder(folder)
    for item in old.iterdir():
        if not (folder / item.name).exists():
            os.replace(item, folder / item.name)
    if not any(old.iterdir()):
        old.rmdir()


def private_folder(folder: Path) -> Path:
    """Make ``folder`` (and missing parents) and keep it to its owner (0700 where modes exist)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name == "posix":
        os.chmod(folder, 0o700)
    return folder


def private_backup_folder(folder: Path) -> Path:
    """A workbook's backup folder and the backups folder holding it, both kept to their owner."""
    private_folder(folder.parent)
    return private_folder(folder)


def rotate_backup(conn: Any, passphrase: str, folder: Path, reason: str, retention: Retention) -> Path:
    """Make a timestamped backup in ``folder`` (a workbook's, in the user data folder), then
    prune that kind's older ones."""
    private_backup_folder(folder)
    made_at = dt.datetime.now(dt.UTC)
    made = backup_to(conn, passphrase, folder / f"{made_at.strftime(STAMP)}-{reason}{BACKUP_SUFFIX}")
    for old in to_prune(backups_in(folder, reason), made_at, retention):
        old.path.unlink(missing_ok=True)
    # Half-written backups (or records) left by a crash (only the process holding the workbook writes here).
    for partial in folder.glob(".*.partial"):
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
    """Backups of the workbook at ``workbook_path`` made for ``reason`` (any by default), oldest
    first, found without its passphrase (see :func:`backup_folder`)."""
    return backups_in(backup_folder(workbook_path), reason)


def backups_in(folder: Path, reason: str = "*") -> list[Backup]:
    """The backups in ``folder`` made for ``reason`` (any by default), oldest first."""
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
