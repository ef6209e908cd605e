"""Trimming old history, and giving the space back.

Every edit keeps its audit rows, and undoing an import keeps each row it deleted as JSON, so
without trimming a workbook only grows (13 imports and 12 undos of a 50,000-row extract made
a 314 MB file). Once an edit is older than the setting ``audit.keep_days`` *and* a backup made
after it holds it, its row in ``edits`` and its audit rows are deleted, in one transaction;
then VACUUM rewrites the file without the free pages (one transaction too, through the log,
so a crash leaves the file as it was or compacted; the pages stay encrypted and the file
keeps its salt).

It runs only when a workbook is opened for editing and in the ``compact`` command, never in
the middle of a session: an undo stack names edits of its own session only (the window
clears it whenever the workbook is closed or locked). An edit whose history was trimmed can
no longer be reverted, and says so (see :func:`trimmed_message`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..errors import counted

SETTING = "audit.keep_days"
KEEP_DAYS = 90
VACUUM_SHARE = 0.25  # opening rewrites the file only when a quarter of it or more is free...
VACUUM_PAGES = 256  # ...and at least 1 MB: free pages are reused by later edits anyway


@dataclass(frozen=True)
class Trimmed:
    edits: int
    audit_rows: int
    before: str  # the edits trimmed were all made before this time (ISO, UTC)


def keep_days(conn: Any) -> int:
    stored = conn.execute("SELECT value FROM settings WHERE key = ?", [SETTING]).fetchone()
    return int(stored[0]) if stored else KEEP_DAYS


def age_cutoff(days: int, now: dt.datetime) -> str:
    """Edits stamped before this time are older than ``days`` (an ISO time, as edits are
    stamped; to the microsecond, so with 0 days an edit of this very second is old enough)."""
    return (now - dt.timedelta(days=days)).isoformat()


def cutoff(days: int, newest_backup: dt.datetime | None, now: dt.datetime) -> str | None:
    """History made before this time may go: older than ``days`` and in the newest backup
    (None when there is no backup). Edit times are whole seconds, rounded down, so only an
    edit stamped before the backup's second was surely made before it (the backup's time,
    cut to the second, sorts before any time within that second)."""
    if newest_backup is None:
        return None
    return min(age_cutoff(days, now), newest_backup.isoformat(timespec="seconds"))


def due(conn: Any, days: int, now: dt.datetime) -> bool:
    """Whether the oldest edit is older than ``days``: one look-up, all opening costs when
    there is nothing to trim."""
    oldest = conn.execute("SELECT at FROM edits ORDER BY id LIMIT 1").fetchone()
    return oldest is not None and oldest[0] < (now - dt.timedelta(days=days)).isoformat(timespec="seconds")


def trim(conn: Any, before: str) -> Trimmed:
    """Delete the history of the edits from the first up to the last one before any edit made
    at or after ``before``: a run from the start, so "was it trimmed?" is "is its number below
    the first edit left?". An edit left that reverted a trimmed one keeps its own audit, and
    its link to the trimmed one is cleared (undo judges later edits only, and a cleared link
    reads as a change in its own right, as a link to an earlier edit does)."""
    first_kept = conn.execute("SELECT min(id) FROM edits WHERE at >= ?", [before]).fetchone()[0]
    last = first_kept - 1 if first_kept is not None else conn.execute("SELECT max(id) FROM edits").fetchone()[0]
    if last is None:
        return Trimmed(0, 0, before)
    conn.execute("BEGIN IMMEDIATE")
    try:
        rows = conn.execute("DELETE FROM audit WHERE edit_id <= ?", [last]).rowcount
        conn.execute("UPDATE edits SET reverts = NULL WHERE id > ? AND reverts <= ?", [last, last])
        edits = conn.execute("DELETE FROM edits WHERE id <= ?", [last]).rowcount
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return Trimmed(edits, rows, before)


def size(conn: Any) -> int:
    """The database's size in bytes, pages in the log included (SQLCipher gives the page size as text)."""
    return conn.execute("PRAGMA page_count").fetchone()[0] * int(conn.execute("PRAGMA page_size").fetchone()[0])


def worth_vacuuming(conn: Any) -> bool:
    free = conn.execute("PRAGMA freelist_count").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    return free >= VACUUM_PAGES and free >= VACUUM_SHARE * pages


def vacuum(conn: Any) -> None:
    """Rewrite the file without its free pages, then fold the log into it and empty the log,
    so the file shrinks at once (VACUUM in WAL mode writes the new pages to the log)."""
    conn.execute("VACUUM")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()


def trimmed_message(conn: Any, edit_id: int) -> str | None:
    """Why edit ``edit_id`` cannot be reverted when its history was trimmed; None otherwise."""
    first = conn.execute("SELECT min(id) FROM edits").fetchone()[0]
    issued = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'edits'").fetchone()
    if not 0 < edit_id <= (first - 1 if first is not None else (issued[0] if issued else 0)):
        return None
    return (f"Edit number {edit_id} can no longer be undone: its history was trimmed when the workbook "
            f"was compacted (history older than the {SETTING} setting, once backed up, is not kept). "
            "Its changes are still in the backups made after it (see 'opcc-desktop restore').")  # fmt: skip


def summary(name: str, trimmed: Trimmed, before: int, after: int) -> str:
    """One sentence for the ``compact`` command: what was trimmed, and the file's size."""
    if not trimmed.edits:
        done = f"No history of {name} was old enough and backed up to trim"
    else:
        done = (f"Trimmed the history of {counted(trimmed.edits, 'edit')} ({counted(trimmed.audit_rows, 'audit row')}) "
                f"made before {trimmed.before[:10]} from {name}")  # fmt: skip
    return f"{done}; the file went from {before / 1e6:,.1f} MB to {after / 1e6:,.1f} MB."
