"""SQLCipher connections: opening an encrypted file and telling apart why it cannot be opened."""

from __future__ import annotations

import math
import os
import threading
from collections import Counter
from pathlib import Path

import sqlcipher3.dbapi2 as dbapi

from ..errors import (
    DamagedWorkbook,
    NotAWorkbook,
    WorkbookError,
    WorkbookLocked,
    WorkbookMissing,
    WrongPassphrase,
)

PAGE_SIZE = 4096  # SQLCipher 4 default; an intact encrypted file is a whole number of pages
WAL_HEADER, WAL_FRAME_HEADER = 32, 24  # bytes, before the log's first frame and before each page
PLAIN_SQLITE_HEADER = b"SQLite format 3\x00"
OTHER_FORMATS = {  # compressed formats look random too, so name them by their magic bytes
    b"PK\x03\x04": "a zip archive or Office document (xlsx, docx)",
    b"%PDF": "a PDF document",
    b"\xd0\xcf\x11\xe0": "an old-style Office document",
    b"\x1f\x8b": "a gzip archive",
}
MIN_CIPHER_ENTROPY = 7.0  # bits per byte; encrypted pages look random, other files do not
BUSY_TIMEOUT_MS = 250

Error = dbapi.Error
DatabaseError = dbapi.DatabaseError
OperationalError = dbapi.OperationalError
IntegrityError = dbapi.IntegrityError

WORKBOOK_SUFFIX = ".opcc"  # a workbook file's name ends so
COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")  # SQLite's files beside it


class Connection(dbapi.Connection):
    """A workbook connection that remembers which file it holds open.

    POSIX drops *every* lock a process holds on a file as soon as the process closes *any*
    handle on that file. So while this process has a workbook open, it must not open and
    close the file itself (as :func:`diagnose_file` does): that would silently release the
    exclusive lock and let another process open the workbook for writing at the same time.
    """

    _held: tuple[int, int] | None = None

    def hold(self, path: Path) -> None:
        identity, resolved = file_identity(path), path.resolve()
        if identity is not None:
            with _held_lock:
                _held_here[identity] += 1
                _held_paths[identity] = resolved
            self._held = identity

    def release(self) -> None:
        identity, self._held = self._held, None
        if identity is not None:
            with _held_lock:
                _held_here[identity] -= 1
                if _held_here[identity] <= 0:
                    del _held_here[identity]
                    del _held_paths[identity]

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.release()

    def __del__(self) -> None:  # a connection dropped without close() still lets go
        try:
            self.release()
        except Exception:  # noqa: BLE001 - e.g. at interpreter exit; nothing to hold then
            pass


_held_here: Counter[tuple[int, int]] = Counter()  # (device, inode) -> connections open here
_held_paths: dict[tuple[int, int], Path] = {}  # (device, inode) -> the path it was opened by
_held_lock = threading.RLock()  # re-entrant: a dropped connection's __del__ may run inside


def file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of ``path``, found without opening it; None when it is not there."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_dev, status.st_ino)


def is_open_here(path: Path) -> bool:
    """Whether this process already holds ``path`` open through :func:`connect`."""
    identity = file_identity(path)
    with _held_lock:
        return identity is not None and identity in _held_here


def held_files() -> set[tuple[int, int]]:
    """(device, inode) of every workbook this process holds open, and of their ``-wal`` and
    ``-shm`` files: the files it must never open through another path (see Connection)."""
    with _held_lock:
        paths = list(_held_paths.values())
    return {identity for path in paths for identity in companion_identities(path)}


def companion_identities(path: Path) -> set[tuple[int, int]]:
    """(device, inode) of a workbook file and of its ``-wal`` and ``-shm`` files, where present."""
    found = (file_identity(Path(f"{path}{suffix}")) for suffix in ("", *COMPANION_SUFFIXES))
    return {identity for identity in found if identity is not None}


def quote(text: str) -> str:
    """SQL string literal, for PRAGMA key/rekey which cannot take bound parameters."""
    return "'" + text.replace("'", "''") + "'"


def connect(
    path: Path, passphrase: str, *, mode: str = "rw", readonly: bool = False
) -> Connection:
    """Open ``path`` with the passphrase, exclusively; raise a WorkbookError saying why not.

    ``mode`` is an SQLite URI mode: ``rw`` never creates a file, ``rwc`` may, ``ro`` reads.
    ``readonly`` opens for reading only, sharing the file with other readers: SQL cannot
    change it (``query_only``), yet the handle stays writable so that the last reader to
    close removes the ``-wal`` and ``-shm`` files (an ``ro`` handle would leave them behind).
    But when the ``-wal`` holds pages (left by a crash), the handle is ``ro``: the last
    connection to close would copy the log into the file, and a reader must change neither.
    Nothing is written to the file here, so a failed open leaves it byte-identical.
    """
    if mode != "rwc" and not is_open_here(path):  # never read a file we hold (see Connection)
        diagnose_file(path)
    if readonly and has_log(path):
        mode = "ro"
    uri = f"{path.resolve().as_uri()}?mode={mode}"
    conn = dbapi.connect(
        uri, uri=True, isolation_level=None, check_same_thread=False, factory=Connection
    )
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")  # we explain failures ourselves
        conn.execute(f"PRAGMA key = {quote(passphrase)}")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if readonly:
            conn.execute("PRAGMA query_only = ON")
        elif mode != "ro":
            # Held until close: a second process cannot open the file while we have it.
            conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("PRAGMA temp_store = MEMORY")  # no unencrypted temporary files
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except DatabaseError as exc:
        conn.close()
        raise explain_open_failure(path, exc) from None
    conn.hold(path)
    return conn


def has_log(path: Path) -> bool:
    """Whether the write-ahead log beside ``path`` holds at least one page: one a crash left,
    when no one holds the file (readers' logs are empty, and a writer's is gone once it
    closes). A stat, nothing read."""
    try:
        return os.stat(f"{path}-wal").st_size >= WAL_HEADER + WAL_FRAME_HEADER + PAGE_SIZE
    except OSError:
        return False


def explain_open_failure(path: Path, exc: Exception) -> WorkbookError:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return WorkbookLocked(
            f"{path.name} is open in another OPCC Desktop window or process. "
            "Close it there, then try again."
        )
    if "not a database" in text or "encrypted" in text:
        return WrongPassphrase(
            f"The passphrase is not correct for {path.name}. Check it (passphrases are "
            "case-sensitive) and try again. If you are sure it is right, the file's first page "
            "may be damaged (or it is not a workbook): restore it from a backup. The file was not changed."
        )
    return DamagedWorkbook(f"{path.name} cannot be read ({exc}). Restore it from a backup; "
                           "the file was not changed.")  # fmt: skip


def diagnose_file(path: Path) -> None:
    """Raise when the file is plainly not an encrypted workbook, before any passphrase is tried."""
    if not path.exists():
        raise WorkbookMissing(
            f"There is no workbook at {path}. Check the path, "
            "or create one with 'opcc-desktop new'."
        )
    if path.is_dir():
        raise NotAWorkbook(f"{path} is a folder, not an OPCC workbook file.")
    if not path.is_file():
        raise NotAWorkbook(f"{path} is not a file (it is a device, a pipe or a socket), so it is "
                           "not an OPCC workbook.")  # fmt: skip
    size = path.stat().st_size
    if size == 0:
        raise NotAWorkbook(
            f"{path.name} is empty (0 bytes), so it is not an OPCC workbook. If OPCC Desktop "
            "stopped while creating it, delete it and create the workbook again."
        )
    with path.open("rb") as handle:
        head = handle.read(PAGE_SIZE)
    if head.startswith(PLAIN_SQLITE_HEADER):
        raise NotAWorkbook(
            f"{path.name} is an unencrypted SQLite database, not an OPCC workbook. "
            "Import its data into a workbook instead."
        )
    for magic, kind in OTHER_FORMATS.items():
        if head.startswith(magic):
            raise NotAWorkbook(f"{path.name} is {kind}, not an OPCC workbook.")
    if byte_entropy(head) < MIN_CIPHER_ENTROPY:
        raise NotAWorkbook(f"{path.name} is not an OPCC workbook (it is some other kind of file).")
    if size % PAGE_SIZE:
        raise DamagedWorkbook(
            f"{path.name} is not a whole OPCC workbook: it ends part-way through a page "
            f"({size} bytes). If it is a workbook, it was cut short (an interrupted copy or "
            "download): restore it from a backup ('opcc-desktop restore'). If it is some other "
            "file, choose the workbook instead. The file was not changed."
        )


def looks_like_workbook(path: Path) -> bool:
    """Whether ``path`` looks like an encrypted database: whole pages of random-looking bytes.
    Never call it on a file this process holds (see Connection)."""
    size = path.stat().st_size
    if size == 0 or size % PAGE_SIZE:
        return False
    with path.open("rb") as handle:
        head = handle.read(PAGE_SIZE)
    if head.startswith(PLAIN_SQLITE_HEADER) or any(head.startswith(magic) for magic in OTHER_FORMATS):
        return False
    return byte_entropy(head) >= MIN_CIPHER_ENTROPY


def byte_entropy(data: bytes) -> float:
    if not data:
        return 0.0
    counts = Counter(data)
    total = len(data)
    return -sum(n / total * math.log2(n / total) for n in counts.values())
