"""Encrypted backups made with the SQLite backup API (never a file copy of a live database)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as dbapi

from .cipher import quote
from .paths import user_data_dir

BACKUP_SUFFIX = ".opcc"
DEFAULT_KEEP = 10


def backup_to(conn: Any, passphrase: str, target: Path) -> Path:
    """Copy the open database into ``target``, encrypted with ``passphrase``.

    Written to a side file then renamed, so a crash never leaves a half-written backup
    under the final name.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    dest = dbapi.connect(str(partial), isolation_level=None)
    try:
        dest.execute("PRAGMA cipher_log_level = NONE")
        dest.execute(f"PRAGMA key = {quote(passphrase)}")
        conn.backup(dest)
    finally:
        dest.close()
    os.replace(partial, target)
    return target


def backup_folder(workbook_path: Path) -> Path:
    """One folder per workbook, told apart by its full path."""
    resolved = workbook_path.resolve()
    tag = hashlib.sha256(str(resolved).encode()).hexdigest()[:10]
    return user_data_dir() / "backups" / f"{resolved.stem}-{tag}"


def rotate_backup(conn: Any, passphrase: str, workbook_path: Path, reason: str, keep: int) -> Path:
    """Make a timestamped backup in the user data folder; keep the newest ``keep`` of this kind."""
    folder = backup_folder(workbook_path)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    made = backup_to(conn, passphrase, folder / f"{stamp}-{reason}{BACKUP_SUFFIX}")
    for old in list_backups(workbook_path, reason)[:-keep] if keep > 0 else []:
        old.unlink(missing_ok=True)
    # Half-written backups left by a crash (only the process holding the workbook writes here).
    for partial in folder.glob(f"*{BACKUP_SUFFIX}.partial"):
        partial.unlink(missing_ok=True)
    return made


def list_backups(workbook_path: Path, reason: str = "*") -> list[Path]:
    """Backups of this workbook made for ``reason`` (any by default), oldest first."""
    folder = backup_folder(workbook_path)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"*-{reason}{BACKUP_SUFFIX}"))
