"""The workbook's history as a person reads it: each edit (when, who, what) and, for one edit,
every field it changed, old value to new, from the audit log the file keeps (see
:mod:`.changes`). Read-only; undoing is the window's business (its undo stack)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .changes import DeletedRun, InsertedRun, RowChange, recorded_changes
from .workbook import Workbook

__all__ = ["EditEntry", "FieldChange", "edit_details", "recent_edits"]

SHOWN_CHARACTERS = 160  # a long text is cut here in the list (the whole stays in the file)


@dataclass(frozen=True)
class EditEntry:
    id: int
    at: str  # ISO 8601, UTC
    user: str
    description: str
    undoes: int | None  # the edit this one reverted (an undo, or a redo: the undo's undo)


@dataclass(frozen=True)
class FieldChange:
    """One field of one row, as shown: ``old`` is empty for an added row, ``new`` for a removed one."""

    table: str
    row: str
    field: str
    old: str
    new: str


def recent_edits(wb: Workbook, limit: int = 500) -> list[EditEntry]:
    """The latest ``limit`` edits, newest first."""
    rows = wb.rows("SELECT id, at, os_user, description, reverts FROM edits ORDER BY id DESC LIMIT ?", [limit])
    return [EditEntry(r["id"], r["at"], r["os_user"], r["description"], r["reverts"]) for r in rows]


def edit_details(wb: Workbook, edit_id: int, limit: int = 400) -> tuple[list[FieldChange], int]:
    """The fields edit ``edit_id`` changed, in the order made (at most ``limit`` of them), and
    how many there are in all. Rows added in bulk (an import) are summed up in one line."""
    found: list[FieldChange] = []
    for part in recorded_changes(wb.conn, edit_id):
        found += _row(part) if isinstance(part, RowChange) else _run(part)
    return found[:limit], len(found)


def _run(part: InsertedRun | DeletedRun) -> list[FieldChange]:
    rows, where = f"{len(part.ids):,} rows", f"ids {part.ids.start}-{part.ids.stop - 1}"
    if isinstance(part, InsertedRun):
        return [FieldChange(part.table, where, "(every field)", "", f"{rows} added")]
    return [FieldChange(part.table, where, "(every field)", f"{rows} removed", "")]


def _row(change: RowChange) -> list[FieldChange]:
    row = ", ".join(f"{k} {v}" for k, v in change.key.items())
    before, after = change.before or {}, change.after or {}
    names = [n for n in dict.fromkeys([*before, *after]) if n not in change.key]  # the key names the row
    return [FieldChange(change.table, row, name, shown(before.get(name)), shown(after.get(name)))
            for name in names if change.op != "update" or before.get(name) != after.get(name)]  # fmt: skip


def shown(value: Any) -> str:
    """A stored value as text for the list: pictures by size, long text cut."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return f"(image, {len(value):,} bytes)"
    text = str(value).replace("\n", " ")
    return text if len(text) <= SHOWN_CHARACTERS else text[: SHOWN_CHARACTERS - 1] + "\u2026"
