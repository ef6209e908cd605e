"""Recorded edits: every change is audited in its own transaction and can be reverted exactly.

A :class:`Tx` is handed out by ``Workbook.edit``. Core actions make their changes through it;
it reads each row before and after, writes one audit row per changed field (with the whole
row for inserts and deletes) and returns a :class:`Changes`. ``revert`` replays the audit
backwards as a new edit, so undo and redo are both ordinary, audited edits.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ConflictError, NotFound

Row = dict[str, Any]
Key = dict[str, Any]


@dataclass(frozen=True)
class RowChange:
    """One row inserted (before is None), deleted (after is None) or updated."""

    table: str
    key: Key
    before: Row | None
    after: Row | None

    @property
    def op(self) -> str:
        if self.before is None:
            return "insert"
        return "delete" if self.after is None else "update"


@dataclass(frozen=True)
class Changes:
    """What one edit changed; ``edit_id`` is what undo needs (None when nothing changed)."""

    edit_id: int | None
    description: str
    rows: tuple[RowChange, ...] = ()

    @property
    def tables(self) -> frozenset[str]:
        return frozenset(row.table for row in self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)


def encode(value: Any) -> str:
    """JSON for the audit log; bytes are wrapped so they come back as bytes."""
    if isinstance(value, bytes):
        return json.dumps({"$b64": base64.b64encode(value).decode("ascii")})
    return json.dumps(value)


def decode(text: str) -> Any:
    value = json.loads(text)
    if isinstance(value, dict) and set(value) == {"$b64"}:
        return base64.b64decode(value["$b64"])
    return value


class Tx:
    """The changes of one edit, inside its transaction."""

    def __init__(self, conn: Any, edit_id: int, at: str, user: str) -> None:
        self.conn = conn
        self.edit_id = edit_id
        self.at = at
        self.user = user
        self.rows: list[RowChange] = []

    # -- reading -------------------------------------------------------------
    def fetch(self, table: str, key: Mapping[str, Any]) -> Row | None:
        where = " AND ".join(f'"{col}" = ?' for col in key)
        cursor = self.conn.execute(f'SELECT * FROM "{table}" WHERE {where}', list(key.values()))
        found = cursor.fetchone()
        if found is None:
            return None
        return dict(zip([d[0] for d in cursor.description], found))

    def require(self, table: str, key: Mapping[str, Any], what: str) -> Row:
        row = self.fetch(table, key)
        if row is None:
            raise NotFound(f"{what} {_describe_key(key)} does not exist (it may have been deleted).")
        return row

    # -- writing -------------------------------------------------------------
    def insert(self, table: str, values: Mapping[str, Any], pk: str = "id") -> Key:
        columns = ", ".join(f'"{c}"' for c in values)
        marks = ", ".join("?" for _ in values)
        cursor = self.conn.execute(
            f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', list(values.values())
        )
        key = {pk: values[pk]} if pk in values else {pk: cursor.lastrowid}
        self._record(RowChange(table, key, None, self.fetch(table, key)))
        return key

    def insert_many(self, table: str, rows: list[Row]) -> list[Key]:
        """Insert many rows with one statement per batch; ids are allotted here."""
        if not rows:
            return []
        next_id = self._next_id(table)
        full = [{"id": next_id + i, **row} for i, row in enumerate(rows)]
        columns = list(full[0])
        self.conn.executemany(
            f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})',
            [[row[c] for c in columns] for row in full],
        )
        for row in full:
            self._record(RowChange(table, {"id": row["id"]}, None, row))
        return [{"id": row["id"]} for row in full]

    def update(self, table: str, key: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
        """Set ``values`` on one row; True when anything actually changed."""
        before = self.require(table, key, table)
        changed = {c: v for c, v in values.items() if before.get(c) != v}
        if not changed:
            return False
        sets = ", ".join(f'"{c}" = ?' for c in changed)
        where = " AND ".join(f'"{c}" = ?' for c in key)
        self.conn.execute(
            f'UPDATE "{table}" SET {sets} WHERE {where}', [*changed.values(), *key.values()]
        )
        self._record(RowChange(table, dict(key), before, self.fetch(table, key)))
        return True

    def delete(self, table: str, key: Mapping[str, Any]) -> Row:
        before = self.require(table, key, table)
        where = " AND ".join(f'"{c}" = ?' for c in key)
        self.conn.execute(f'DELETE FROM "{table}" WHERE {where}', list(key.values()))
        self._record(RowChange(table, dict(key), before, None))
        return before

    def delete_where(self, table: str, where: str, params: Iterable[Any]) -> int:
        """Delete every row matching ``where``, each audited; returns how many."""
        cursor = self.conn.execute(f'SELECT id FROM "{table}" WHERE {where} ORDER BY id', list(params))
        ids = [r[0] for r in cursor.fetchall()]
        for row_id in ids:
            self.delete(table, {"id": row_id})
        return len(ids)

    # -- internals -----------------------------------------------------------
    def _next_id(self, table: str) -> int:
        seq = self.conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", [table]).fetchone()
        top = self.conn.execute(f'SELECT max(id) FROM "{table}"').fetchone()[0]
        return max(seq[0] if seq else 0, top or 0) + 1

    def _record(self, change: RowChange) -> None:
        self.rows.append(change)
        self.conn.executemany(
            "INSERT INTO audit (edit_id, at, os_user, table_name, row_key, op, field,"
            " old_value, new_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (self.edit_id, self.at, self.user, change.table, json.dumps(change.key),
                 change.op, name, old, new)
                for name, old, new in _field_changes(change)
            ],
        )  # fmt: skip

    def changes(self, description: str) -> Changes:
        return Changes(self.edit_id if self.rows else None, description, tuple(self.rows))


def _field_changes(change: RowChange) -> list[tuple[str, str | None, str | None]]:
    before, after = change.before or {}, change.after or {}
    names = list(after or before)
    out = []
    for name in names:
        old = encode(before[name]) if change.before is not None else None
        new = encode(after[name]) if change.after is not None else None
        if old != new:
            out.append((name, old, new))
    return out


def _describe_key(key: Mapping[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in key.items())


def recorded_changes(conn: Any, edit_id: int) -> list[RowChange]:
    """Rebuild an edit's row changes, in the order made, from its audit rows."""
    cursor = conn.execute(
        "SELECT table_name, row_key, op, field, old_value, new_value FROM audit"
        " WHERE edit_id = ? ORDER BY id",
        [edit_id],
    )
    grouped: dict[tuple[str, str, int], dict[str, Any]] = {}
    order: list[tuple[str, str, int]] = []
    last: tuple[str, str, str] | None = None
    serial = 0
    for table, row_key, op, name, old, new in cursor.fetchall():
        if (table, row_key, op) != last:
            serial += 1
            last = (table, row_key, op)
            order.append((table, row_key, serial))
            grouped[(table, row_key, serial)] = {"op": op, "before": {}, "after": {}}
        entry = grouped[(table, row_key, serial)]
        if old is not None:
            entry["before"][name] = decode(old)
        if new is not None:
            entry["after"][name] = decode(new)
    result = []
    for table, row_key, serial in order:
        entry = grouped[(table, row_key, serial)]
        before = None if entry["op"] == "insert" else entry["before"]
        after = None if entry["op"] == "delete" else entry["after"]
        result.append(RowChange(table, json.loads(row_key), before, after))
    return result


def revert_into(tx: Tx, recorded: list[RowChange]) -> None:
    """Undo ``recorded`` (newest first) inside ``tx``; refuse if the rows changed since."""
    for change in reversed(recorded):
        current = tx.fetch(change.table, change.key)
        expected = change.after
        if expected is None:
            if current is not None:
                raise _conflict(change)
            tx.insert(change.table, {**change.key, **(change.before or {})}, pk=next(iter(change.key)))
            continue
        if current is None or any(current.get(k) != v for k, v in expected.items()):
            raise _conflict(change)
        if change.before is None:
            tx.delete(change.table, change.key)
        else:
            tx.update(change.table, change.key, change.before)


def _conflict(change: RowChange) -> ConflictError:
    return ConflictError(
        f"Cannot undo: the {change.table} row ({_describe_key(change.key)}) "
        "has been changed since. Undo the later changes first."
    )
