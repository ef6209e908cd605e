"""The workbook file: one encrypted SQLite database per office.

Opening checks, in order: the file is there and looks encrypted, the passphrase, that it is
ours (``application_id``), its version, and its integrity. Nothing is written before all of
them pass, so a refused file is left byte-identical. Each edit is one transaction.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from ..errors import (
    DamagedWorkbook,
    NewerWorkbook,
    NotAWorkbook,
    NotFound,
    OpccError,
    StorageError,
    WorkbookError,
    WorkbookExists,
    counted,
)
from . import cipher, schema
from .backups import Retention, backup_to, list_backups, reencrypt_backups, rotate_backup
from .changes import Changes, Tx, recorded_changes, revert_into
from .schema import APPLICATION_ID, migrate
from .user_paths import check_new_file

SUFFIX = ".opcc"


def os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in some service contexts
        return "unknown"


class Workbook:
    """An open workbook. Use :meth:`create` or :meth:`open`; close it (or use ``with``)."""

    def __init__(self, path: Path, conn: Any, passphrase: str, readonly: bool) -> None:
        self.path = path
        self.conn = conn
        self.db = Database(conn, execute_plugins=False)  # no entry-point scan of every package
        self.readonly = readonly
        self._passphrase = passphrase
        self._batch: Tx | None = None
        self._backup_due = False  # an automatic backup is made before the first edit is written

    # -- opening and closing --------------------------------------------------
    @classmethod
    def create(cls, path: Path | str, passphrase: str) -> Workbook:
        path = Path(path)
        if path.exists():
            raise WorkbookExists(f"{path} already exists. Choose another name, or open it instead.")
        if not passphrase:
            raise OpccError("The passphrase is empty. Choose a passphrase to encrypt the workbook.")
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # its owner's only
        conn = cipher.connect(path, passphrase, mode="rwc")
        book = cls(path, conn, passphrase, readonly=False)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            book._prepare_for_writing()
            migrate(book.db)
        except BaseException:
            book.close()
            raise
        return book

    @classmethod
    def open(
        cls, path: Path | str, passphrase: str, *, readonly: bool = False, auto_backup: bool = True
    ) -> Workbook:
        """Open ``path``. With ``auto_backup`` (read-write only), an encrypted backup is made
        just before the first edit is written, so a session that changes nothing (a refused
        import, a look) makes none and cannot push good backups out."""
        path = Path(path)
        conn = cipher.connect(path, passphrase, readonly=readonly)
        book = cls(path, conn, passphrase, readonly)
        try:  # anything refused or failing below must not leave the file locked by us
            version = _check_identity(conn, path, readonly)
            _check_integrity(conn, path)
            if not readonly:
                book._prepare_for_writing()
                if version < schema.SCHEMA_VERSION:
                    book._upgrade(version)
                else:
                    book._backup_due = auto_backup
        except BaseException:
            book.close()
            raise
        return book

    def _upgrade(self, version: int) -> None:
        """Bring an older file up to this version, after an encrypted backup of it as it was."""
        made = self.backup_rotating(f"before-upgrade-from-v{version}")
        try:
            migrate(self.db)  # one transaction: a failure leaves the file as it was
        except cipher.Error as exc:
            raise WorkbookError(
                f"{self.path.name} could not be upgraded from file version {version} ({exc}). "
                f"It was left as it was; a backup made just before is at {made}."
            ) from exc

    def _prepare_for_writing(self) -> None:
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute("PRAGMA foreign_keys = ON")
        # Take the write lock now (held until close, as locking_mode is EXCLUSIVE).
        self.conn.execute("BEGIN EXCLUSIVE")
        self.conn.execute("COMMIT")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- editing --------------------------------------------------------------
    @contextmanager
    def edit(self, description: str, reverts: int | None = None) -> Iterator[Tx]:
        """One audited transaction; read ``tx.changes(description)`` after the block.

        Inside :meth:`batch` it joins the batch's transaction (as a savepoint) instead.
        """
        if self.readonly:
            raise WorkbookError(f"{self.path.name} is open read-only; nothing can be changed.")
        if self._batch is not None:
            with self._joined(self._batch):
                yield self._batch
            return
        self._backup_before_first_edit()
        at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        user = os_user()
        try:
            with self.db.atomic():
                # Checked at commit, so a cascade may delete parent and children in any order.
                self.conn.execute("PRAGMA defer_foreign_keys = ON")
                cursor = self.conn.execute(
                    "INSERT INTO edits (at, os_user, description, reverts) VALUES (?, ?, ?, ?)",
                    [at, user, description, reverts],
                )
                tx = Tx(self.conn, cursor.lastrowid, at, user)
                yield tx
                if not tx.parts:
                    self.conn.execute("DELETE FROM edits WHERE id = ?", [tx.edit_id])
        except cipher.OperationalError as exc:
            raise _storage_failure(self.path, exc) from exc

    def _backup_before_first_edit(self) -> None:
        if not self._backup_due:
            return
        try:
            self.backup_rotating("auto")
        except (OSError, cipher.DatabaseError) as exc:
            raise StorageError(
                f"The automatic backup of {self.path.name} could not be made ({exc}), so the change "
                "was not saved. Free some space in the backups folder (or set OPCC_DATA_DIR) and try again."
            ) from exc
        self._backup_due = False

    @contextmanager
    def batch(self, description: str) -> Iterator[Tx]:
        """Many actions as one edit: one transaction, all or nothing, undone in one step."""
        with self.edit(description) as tx:
            self._batch = tx
            try:
                yield tx
            finally:
                self._batch = None

    @contextmanager
    def _joined(self, tx: Tx) -> Iterator[None]:
        mark = len(tx.parts)
        try:
            with self.db.atomic():
                yield
        except BaseException:
            del tx.parts[mark:]  # the savepoint rolled those rows back
            raise

    def revert(self, edit_id: int) -> Changes:
        """Undo one edit exactly, as a new edit (so reverting that one is redo)."""
        found = self.conn.execute("SELECT description FROM edits WHERE id = ?", [edit_id]).fetchone()
        if found is None:
            raise NotFound(f"There is no edit number {edit_id} to undo.")
        description = f"Undo: {found[0]}"
        with self.edit(description, reverts=edit_id) as tx:
            revert_into(tx, recorded_changes(self.conn, edit_id), edit_id)
        return tx.changes(description)

    # -- reading --------------------------------------------------------------
    def rows(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        cursor = self.conn.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    def scalar(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> Any:
        row = self.conn.execute(sql, list(params)).fetchone()
        return None if row is None else row[0]

    # -- safety ---------------------------------------------------------------
    def integrity_problems(self) -> list[str]:
        return integrity_problems(self.conn)

    def change_passphrase(self, new_passphrase: str, *, backups: str = "reencrypt") -> str:
        """Re-encrypt the workbook under ``new_passphrase``, then its backups: ``reencrypt``
        puts them under the new one too, ``delete`` removes them (the old passphrase may have
        leaked) and makes one new backup. Returns a sentence saying which was done."""
        if not new_passphrase:
            raise OpccError("The new passphrase is empty. Choose a passphrase.")
        if backups not in ("reencrypt", "delete"):
            raise OpccError(f"Backups are either re-encrypted or deleted, not {backups!r}.")
        self.backup_rotating("before-passphrase-change")
        old_passphrase = self._passphrase
        self.conn.execute(f"PRAGMA rekey = {cipher.quote(new_passphrase)}")
        self._passphrase = new_passphrase
        # The re-encrypted pages are in the write-ahead log; put them in the file now and empty
        # the log, so the file is under one key again as soon as possible (and the log keeps
        # no pages under the old one).
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        existing = list_backups(self.path)
        if backups == "delete":
            for item in existing:
                item.path.unlink(missing_ok=True)
            self.backup_rotating("after-passphrase-change")
            return (f"Deleted its {counted(len(existing), 'backup')} (under the old passphrase) "
                    "and made a new one under the new passphrase.")  # fmt: skip
        left = reencrypt_backups(existing, old_passphrase, new_passphrase)
        done = f"Re-encrypted its {counted(len(existing) - len(left), 'backup')} with the new passphrase."
        if left:
            done += (f" {counted(len(left), 'backup')} under an earlier passphrase were left as they were"
                     " (change the passphrase with --backups delete to remove them).")  # fmt: skip
        return done

    def backup(self, target: Path | str) -> Path:
        """An encrypted copy at ``target``, a new file (an existing one is never replaced)."""
        target = Path(target)
        check_new_file(target, workbooks=[self.path])
        return backup_to(self.conn, self._passphrase, target)

    def backup_rotating(self, reason: str) -> Path:
        stored = dict(self.conn.execute("SELECT key, value FROM settings WHERE key LIKE 'backups.%'").fetchall())
        defaults = Retention()
        retention = Retention(*(int(stored.get(f"backups.{name}", getattr(defaults, name)))
                                for name in ("keep", "days", "weeks")))  # fmt: skip
        return rotate_backup(self.conn, self._passphrase, self.path, reason, retention)


def _check_identity(conn: Any, path: Path, readonly: bool) -> int:
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if app_id == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
        raise NotAWorkbook(
            f"{path.name} is an unfinished workbook: nothing was ever saved in it (its creation "
            "was interrupted). Delete it and create the workbook again."
        )
    if app_id != APPLICATION_ID:
        raise NotAWorkbook(
            f"{path.name} opened with this passphrase but is not an OPCC workbook "
            "(another program's encrypted database)."
        )
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > schema.SCHEMA_VERSION and not readonly:
        raise NewerWorkbook(
            f"{path.name} was saved by a newer version of OPCC Desktop (file version {version}, "
            f"this version understands up to {schema.SCHEMA_VERSION}). Update OPCC Desktop "
            "to edit it; it can be opened read-only meanwhile."
        )
    return version


def _storage_failure(path: Path, exc: Exception) -> Exception:
    """Explain a write the disk refused; the transaction was rolled back, so nothing is lost."""
    text = str(exc).lower()
    if "full" in text:
        return StorageError(
            f"The disk holding {path.name} is full, so the change was not saved "
            "(everything saved before is intact). Free some space and try again."
        )
    if "disk i/o" in text or "readonly" in text or "read-only" in text:
        return StorageError(
            f"{path.name} could not be written ({exc}); the change was not saved and the "
            "file is intact. Check the drive is still connected and writable."
        )
    return exc


def integrity_problems(conn: Any) -> list[str]:
    """What ``quick_check`` and ``cipher_integrity_check`` report (empty when sound).

    ``cipher_integrity_check`` reads the file itself, not the write-ahead log, so the log is
    first folded into the file (a checkpoint, as closing does). Otherwise it would miss pages
    still in the log, and after a passphrase change whose checkpoint was cut short (a crash)
    it would report a sound workbook as damaged: the file's pages are under the old key
    until the log's pages, under the new one, are copied in.
    """
    try:
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    except cipher.DatabaseError:
        pass  # e.g. a read-only file: check what is there
    try:
        quick = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
        hmac = [r[0] for r in conn.execute("PRAGMA cipher_integrity_check").fetchall()]
    except cipher.DatabaseError as exc:
        return [str(exc)]
    return [q for q in quick if q != "ok"] + hmac


def _check_integrity(conn: Any, path: Path) -> None:
    problems = integrity_problems(conn)
    if problems:
        raise DamagedWorkbook(
            f"{path.name} is damaged ({problems[0]}). Restore it from a backup "
            "(see 'opcc-desktop restore'); the file was not changed."
        )
