"""The workbook file: one encrypted SQLite database per office.

Opening checks, in order: the file is there and looks encrypted, its write-ahead log (for
editing), the passphrase, that it is ours (``application_id``), its version, and its
integrity. Nothing is written before all of them pass, so a refused file is left
byte-identical; a read-only open writes nothing at all. Each edit is one transaction.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import replace
from pathlib import Path
from functools import cached_property
from typing import TYPE_CHECKING, Any

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
from . import backups, cipher, compaction, schema, wal
from .backups import Retention, backup_to, backups_in, reencrypt_backups, rotate_backup
from .changes import Changes, Tx, recorded_changes, revert_into
from .schema import APPLICATION_ID, migrate
from .database import database
from .policy import machine_policy
from .user_paths import check_new_file

if TYPE_CHECKING:
    from sqlite_utils import Database


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
        self.readonly = readonly
        self._passphrase = passphrase
        self._batch: Tx | None = None
        self._backup_due = False  # an automatic backup is made before the first edit is written
        self.id: str | None = None  # the id its backups are kept by (None before the upgrade)
        self._log_damage: wal.LogDamage | None = None  # found at a read-only open
        self._checked: list[str] | None = None  # a read-only open's page check (nothing changes it)
        self._file_conn: Any = None  # the file, when an older one is read through an upgraded copy

    @property
    def file_version(self) -> int:
        """The version the file itself is saved at (an older one read-only is read upgraded)."""
        return int((self._file_conn or self.conn).execute("PRAGMA user_version").fetchone()[0])

    @cached_property
    def db(self) -> Database:
        """sqlite-utils' view of the file, for writes and upgrades (loaded only then)."""
        return database(self.conn)

    # -- opening and closing --------------------------------------------------
    @classmethod
    def create(cls, path: Path | str, passphrase: str) -> Workbook:
        path = Path(path)
        if path.exists():
            raise WorkbookExists(f"{path} already exists. Choose another name, or open it instead.")
        if not passphrase:
            raise OpccError("The passphrase is empty. Choose a passphrase to encrypt the workbook.")
        check_new_file(path)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # its owner's only
        book = None
        try:
            book = cls(path, cipher.connect(path, passphrase, mode="rwc"), passphrase, readonly=False)
            book.conn.execute("PRAGMA journal_mode = WAL")
            book._prepare_for_writing()
            migrate(book.db)
            book.id = schema.workbook_id(book.conn)
        except BaseException:  # a full disk, say: leave nothing behind, not an unfinished file
            if book is not None:
                book.close()
            remove_workbook_files(path)
            raise
        return book

    @classmethod
    def open(
        cls, path: Path | str, passphrase: str, *, readonly: bool = False, auto_backup: bool = True,
        compact: bool = True,
    ) -> Workbook:
        """Open ``path``. With ``auto_backup`` (read-write only), an encrypted backup is made
        just before the first edit is written, so a session that changes nothing (a refused
        import, a look) makes none and cannot push good backups out. With ``compact``
        (read-write only), history due to be trimmed is trimmed, and a file a quarter free is
        rewritten smaller (see ``compaction``); when nothing is due that costs one look-up."""
        path = Path(path)
        damage = None if cipher.is_open_here(path) else wal.log_damage(path)
        if damage is not None and not readonly:
            _refuse_damaged_log(path, passphrase, damage)
        conn = cipher.connect(path, passphrase, readonly=readonly)
        book = cls(path, conn, passphrase, readonly)
        book._log_damage = damage
        try:  # anything refused or failing below must not leave the file locked by us
            version = _check_identity(conn, path, readonly)
            book._check_pages()
            book.id = schema.workbook_id(conn)
            if not readonly:
                book._prepare_for_writing()
                if version < schema.SCHEMA_VERSION:
                    book._upgrade(version)
                else:
                    book._backup_due = auto_backup
                book._claim_backups()
                if compact:
                    book._compact_at_open()
            elif version < schema.SCHEMA_VERSION:
                book._read_upgraded()
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
        self.id = schema.workbook_id(self.conn)

    def _read_upgraded(self) -> None:
        """A file saved by an older version, opened read-only, is read through a copy held in
        memory and brought up to this version there: every reader finds today's tables, and
        the file is not changed (it stays open, and locked as any reader holds it, until
        close). The copy is never written to disk."""
        self._file_conn, self.conn = self.conn, _copy_under_random_key(self.conn, ":memory:")
        try:
            migrate(self.db)
        except cipher.Error as exc:
            raise WorkbookError(
                f"{self.path.name} was saved by an older version of OPCC Desktop, and bringing a copy of it "
                f"up to this version to read it failed ({exc}). The file was not changed."
            ) from exc
        self.conn.execute("PRAGMA query_only = ON")

    def _prepare_for_writing(self) -> None:
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute("PRAGMA foreign_keys = ON")
        # Take the write lock now (held until close, as locking_mode is EXCLUSIVE).
        self.conn.execute("BEGIN EXCLUSIVE")
        self.conn.execute("COMMIT")
        # A -shm left by a reader that found a crash's log: we hold the file exclusively, so no
        # one uses it, and an exclusive connection never does (it keeps the log index in memory).
        with suppress(OSError):
            Path(f"{self.path}-shm").unlink(missing_ok=True)

    def _claim_backups(self) -> None:
        """Key this workbook's backups by its id: a copy of a workbook still at its recorded
        place becomes a workbook of its own (a new id), the folder its path used before ids is
        adopted, and where it is (with its salt) is recorded for listing without the passphrase."""
        if backups.elsewhere(self.id, self.path):
            self.id = schema.renew_id(self.conn)
        backups.adopt_path_folder(self.path, self.backup_folder)
        backups.write_record(self.backup_folder, self.path, self._salt())

    def _salt(self) -> str:
        return self.scalar("PRAGMA cipher_salt")

    @property
    def backup_folder(self) -> Path:
        """Where this workbook's backups are kept: by its id (by its path before the upgrade)."""
        return backups.id_folder(self.id) if self.id else backups.path_folder(self.path)

    def close(self) -> None:
        for conn in (self.conn, self._file_conn):
            if conn is not None:
                conn.close()
        self.conn = self._file_conn = None

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
            trimmed = compaction.trimmed_message(self.conn, edit_id)
            raise NotFound(trimmed or f"There is no edit number {edit_id} to undo.")
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
        """What is wrong with the file (empty when sound): damage to its write-ahead log that
        loses saved edits, then damaged pages (see :meth:`_page_problems`)."""
        pages = self._checked if self._checked is not None else self._page_problems()
        if self._log_damage is None:
            return pages
        log = wal.log_path(self.path).name
        return [f"the write-ahead log {log} is {self._log_damage}; opening the workbook for editing is "
                "refused (keep a copy of both files)", *pages]  # fmt: skip

    def _check_pages(self) -> None:
        problems = self._page_problems()
        if problems:
            raise DamagedWorkbook(
                f"{self.path.name} is damaged ({problems[0]}). Restore it from a backup "
                "(see 'opcc-desktop restore'); the file was not changed."
            )
        if self.readonly:
            self._checked = problems

    def _page_problems(self) -> list[str]:
        """What ``quick_check`` and ``cipher_integrity_check`` report.

        ``cipher_integrity_check`` reads the file itself, not the write-ahead log: it would miss
        pages only in the log, and after a passphrase change whose checkpoint was cut short (a
        crash) it would report a sound workbook as damaged, as the file's pages are under the
        old key until the log's, under the new one, are copied in. Open for editing, the log is
        first folded into the file (a checkpoint, as closing does). Read-only, nothing may be
        written, so when there is a log the checks run on a copy made with the backup API,
        which reads every page where SQLite would (the log's newest, else the file's)."""
        if not self.readonly:
            with suppress(cipher.DatabaseError):  # a file the disk will not let us write: check what is there
                self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        elif cipher.has_log(self.path):
            return _problems_of_a_copy(self.conn)
        return page_problems(self.conn)

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
        existing = backups_in(self.backup_folder)
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
        """A backup kept as the workbook's settings say, except the number of latest ones
        where the machine policy fixes it (backups_kept)."""
        stored = dict(self.conn.execute("SELECT key, value FROM settings WHERE key LIKE 'backups.%'").fetchall())
        defaults = Retention()
        retention = Retention(*(int(stored.get(f"backups.{name}", getattr(defaults, name)))
                                for name in ("keep", "days", "weeks")))  # fmt: skip
        fixed = machine_policy().backups_kept
        if fixed is not None:
            retention = replace(retention, keep=fixed)
        made = rotate_backup(self.conn, self._passphrase, self.backup_folder, reason, retention)
        if self.id and not backups.read_record(self.backup_folder):
            backups.write_record(self.backup_folder, self.path, self._salt())
        return made

    # -- compaction -----------------------------------------------------------
    def compact(self, keep_days: int | None = None) -> str:
        """Back up, trim the history older than ``keep_days`` (the setting by default) that the
        backup holds, and rewrite the file without the space it took (see ``compaction``).
        Returns a sentence saying what was done. Never call it while an undo stack may still
        name an edit of this session."""
        before = compaction.size(self.conn)
        self.backup_rotating("before-compact")  # it holds every edit so far: only their age counts
        days = compaction.keep_days(self.conn) if keep_days is None else keep_days
        trimmed = compaction.trim(self.conn, compaction.age_cutoff(days, _now()))
        compaction.vacuum(self.conn)
        return compaction.summary(self.path.name, trimmed, before, compaction.size(self.conn))

    def _compact_at_open(self) -> None:
        """Trim the history due and rewrite the file when a quarter of it is free; a failure
        (a full disk, say) leaves the file as it was, and is tried again at the next open."""
        try:
            keep_days = compaction.keep_days(self.conn)
            if compaction.due(self.conn, keep_days, _now()):
                self._trim_backed_up(keep_days)
            if compaction.worth_vacuuming(self.conn):
                compaction.vacuum(self.conn)
        except cipher.OperationalError:
            pass

    def _trim_backed_up(self, keep_days: int) -> None:
        """Trim the history older than ``keep_days`` that the newest backup holds."""
        made = [item.made for item in backups_in(self.backup_folder)]
        before = compaction.cutoff(keep_days, max(made, default=None), _now())
        if before is not None:
            compaction.trim(self.conn, before)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _refuse_damaged_log(path: Path, passphrase: str, damage: wal.LogDamage) -> None:
    """Refuse to edit a workbook whose log has lost saved edits: opening it would copy what
    SQLite can read into the file and soon write over the rest. A log being written by another
    process can look damaged too, so first make sure no one holds it (a read-only connection
    is refused then, and never writes)."""
    cipher.connect(path, passphrase, readonly=True).close()
    raise DamagedWorkbook(
        f"{path.name} was not opened for editing: its write-ahead log {wal.log_path(path).name} is {damage}, "
        f"and editing would lose them. Nothing was changed: keep a copy of both files, then restore a backup "
        f"(see 'opcc-desktop restore') or save what can be read with 'opcc-desktop backup {path.name} -o NEW.opcc'."
    )


def remove_workbook_files(path: Path) -> None:
    """Delete a workbook file this process made and holds no more, with its journal files."""
    for suffix in ("", *cipher.COMPANION_SUFFIXES):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


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


def page_problems(conn: Any) -> list[str]:
    """What ``quick_check`` and ``cipher_integrity_check`` report (empty when sound)."""
    try:
        quick = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
        hmac = [r[0] for r in conn.execute("PRAGMA cipher_integrity_check").fetchall()]
    except cipher.DatabaseError as exc:
        return [str(exc)]
    return [q for q in quick if q != "ok"] + hmac


def _problems_of_a_copy(conn: Any) -> list[str]:
    """:func:`page_problems` of a copy of the database made with the backup API, which reads
    (and so decrypts and authenticates) every page where SQLite finds it, log or file. The
    copy is in a private temporary folder, under a random key that is never written down."""
    with tempfile.TemporaryDirectory(prefix="opcc-check-") as folder:
        try:
            copy = _copy_under_random_key(conn, str(Path(folder) / "copy.opcc"))
        except cipher.DatabaseError as exc:
            return [str(exc)]
        try:
            return page_problems(copy)
        finally:
            copy.close()


def _copy_under_random_key(conn: Any, target: str) -> Any:
    """A copy of the database made with the backup API into ``target`` (a file, or
    ":memory:"), encrypted under a random raw key never written down (SQLCipher copies only
    between keyed databases; a raw key needs no key derivation)."""
    copy = cipher.dbapi.connect(target, isolation_level=None, check_same_thread=False)
    try:
        copy.execute("PRAGMA cipher_log_level = NONE")
        copy.execute(f"PRAGMA key = \"x'{secrets.token_hex(32)}'\"")
        conn.backup(copy)
    except BaseException:
        copy.close()
        raise
    return copy
