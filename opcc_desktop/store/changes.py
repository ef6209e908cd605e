"""Recorded edits: every change is audited in its own transaction and can be reverted exactly.

A :class:`Tx` is handed out by ``Workbook.edit``. Core actions make their changes through it;
it reads each row before and after, writes one audit row per changed field (with the whole
row for inserts and deletes) and returns a :class:`Changes`. ``revert`` replays the audit
backwards as a new edit, so undo and redo are both ordinary, audited edits.

Rows inserted in bulk (an import of 50,000 staff) are one unbroken run of ids, audited as one
row naming the run (:class:`InsertedRun`): the rows themselves hold what was inserted, and every
later change to one of them is audited in its own right. Writing each row's JSON as well took
longer than inserting the rows. Undoing such a run deletes it as a run (:class:`DeletedRun`):
one audit row names it, and each row's JSON is kept in an audit row of its own, written by
SQLite and read back by SQLite when the run is put back, never passed through Python.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import groupby, repeat
from operator import itemgetter
from typing import Any

from ..errors import ConflictError, NotFound
from . import cipher

Row = dict[str, Any]
Key = dict[str, Any]
WHOLE_ROW = "*"  # the audit row of an insert or delete holds the whole row as JSON
RUN = "*run"  # the audit row of an InsertedRun: row_key {"id": [first, last]}, the columns as JSON
DELETED_RUN = "*deleted-run"  # the audit row of a DeletedRun, as RUN is of an InsertedRun
RUN_ROW = "*run-row"  # the audit row of one row of a DeletedRun: the whole row, as WHOLE_ROW
RUN_ROWS = 500  # fewer rows inserted at once are audited row by row, with their values
CHUNK = 500  # ids per IN (...) query, well under SQLite's variable limit


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
class InsertedRun:
    """Rows inserted by one statement with the ids ``ids``, one unbroken run.

    ``columns`` hold the values inserted, one sequence a column in the order of ``names`` (kept
    by the edit that made them, so its :class:`Changes` can list the rows; None when read back
    from the audit, which names only the run)."""

    table: str
    ids: range
    names: tuple[str, ...]
    columns: tuple[Sequence[Any], ...] | None = None

    def row_changes(self) -> list[RowChange]:
        if self.columns is None:
            raise ValueError("the rows of a run read from the audit are in the table itself")
        return _inserted_rows(self.table, self.names, self.ids, zip(*self.columns))


def _inserted_rows(
    table: str, names: Sequence[str], ids: Iterable[int], values: Iterable[tuple[Any, ...]]
) -> list[RowChange]:
    keys = [{"id": i} for i in ids]
    after = map(dict, map(zip, repeat(names), values))
    return list(map(RowChange, repeat(table), keys, repeat(None), after))


@dataclass(frozen=True)
class DeletedRun:
    """Rows with the ids ``ids``, one unbroken run, deleted by one statement (the undo of an
    :class:`InsertedRun`); the audit keeps each row whole, in columns ``names``."""

    table: str
    ids: range
    names: tuple[str, ...]

    def row_changes(self) -> list[RowChange]:
        raise ValueError("the rows of a deleted run are kept in the audit, not listed")


Part = RowChange | InsertedRun | DeletedRun


@dataclass(frozen=True)
class Changes:
    """What one edit changed; ``edit_id`` is what undo needs (None when nothing changed).

    ``parts`` are as recorded (a bulk insert is one run); ``rows`` lists every row change,
    made from the runs only when asked for."""

    edit_id: int | None
    description: str
    parts: tuple[Part, ...] = ()

    @cached_property
    def rows(self) -> tuple[RowChange, ...]:
        return tuple(_row_changes(self.parts))

    @property
    def tables(self) -> frozenset[str]:
        return frozenset(part.table for part in self.parts)

    @property
    def count(self) -> int:
        """How many rows changed."""
        return sum(1 if isinstance(p, RowChange) else len(p.ids) for p in self.parts)

    def __bool__(self) -> bool:
        return bool(self.parts)


def _row_changes(parts: Iterable[Part]) -> Iterable[RowChange]:
    for part in parts:
        if isinstance(part, RowChange):
            yield part
        else:
            yield from part.row_changes()


def _bytes_to_json(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"$b64": base64.b64encode(value).decode("ascii")}
    raise TypeError(f"cannot store {type(value).__name__} in the audit log")


def _json_to_bytes(obj: dict[str, Any]) -> Any:
    if len(obj) == 1 and "$b64" in obj:
        return base64.b64decode(obj["$b64"])
    return obj


def encode(value: Any) -> str:
    """JSON for the audit log; bytes are wrapped so they come back as bytes.

    Compact and in UTF-8, as SQLite's ``json_object`` writes it (see ``Tx._audit_whole_rows``),
    so an audit row reads the same whichever of the two wrote it."""
    return json.dumps(value, default=_bytes_to_json, separators=(",", ":"), ensure_ascii=False)


_DECODER = json.JSONDecoder(object_hook=_json_to_bytes)  # one for all: making one a call costs more


def decode(text: str) -> Any:
    return _DECODER.decode(text)


class Tx:
    """The changes of one edit, inside its transaction."""

    def __init__(self, conn: Any, edit_id: int, at: str, user: str) -> None:
        self.conn = conn
        self.edit_id = edit_id
        self.at = at
        self.user = user
        self.parts: list[Part] = []

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

    def insert_many(self, table: str, rows: list[Row]) -> Sequence[int]:
        """Insert many rows (all with the same columns) with one statement; ids are allotted
        here unless given. Returns the rows' ids."""
        if not rows:
            return []
        return self.insert_columns(table, {name: list(map(itemgetter(name), rows)) for name in rows[0]})

    def insert_columns(self, table: str, columns: Mapping[str, Sequence[Any]]) -> Sequence[int]:
        """Insert rows given column by column (``columns``: name -> its values, one a row), as
        :meth:`insert_many` does; an importer that checks a file by column need not build rows.

        At least ``RUN_ROWS`` rows whose ids are one ascending run (always so when the ids are
        allotted here) are audited as one :class:`InsertedRun`; other rows get an audit row each,
        written by SQLite from the rows as stored (see ``_audit_inserted``). The edit's Changes
        keep the column sequences given, so they must not be changed afterwards. Rows go to
        SQLite one by one, never all built at once: 50,000 tuples alive would set the cycle
        collector walking them. The columns must hold text or numbers: SQLite's JSON refuses
        bytes (only ``assets`` holds any, and it is keyed by name, so never inserted here)."""
        names, values = list(columns), list(columns.values())
        if not values or not values[0]:
            return []
        if "id" not in columns:
            first = self._next_id(table)
            names, values = ["id", *names], [range(first, first + len(values[0])), *values]
        self.conn.executemany(
            f'INSERT INTO "{table}" ({", ".join(names)}) VALUES ({", ".join("?" * len(names))})',
            zip(*values, strict=True),
        )
        ids = values[names.index("id")]
        run = _as_run(ids) if len(ids) >= RUN_ROWS else None
        if run is None:
            self.parts.extend(_inserted_rows(table, names, ids, zip(*values)))
            self._audit_inserted(table, names, ids)
        else:
            self.parts.append(InsertedRun(table, run, tuple(names), tuple(values)))
            self._audit_run(table, run, names)
        return ids

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

    def fetch_many(self, table: str, ids: list[int]) -> dict[int, Row]:
        found: dict[int, Row] = {}
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            cursor = self.conn.execute(
                f'SELECT * FROM "{table}" WHERE id IN ({", ".join("?" * len(chunk))})', chunk
            )
            names = [d[0] for d in cursor.description]
            found.update({row[0]: dict(zip(names, row)) for row in cursor.fetchall()})
        return found

    def delete_many(self, table: str, ids: list[int], current: dict[int, Row] | None = None) -> list[Row]:
        """Delete rows by id with one statement; every one must exist (``current``: the
        rows as already fetched)."""
        current = current if current is not None else self.fetch_many(table, ids)
        missing = [i for i in ids if i not in current]
        if missing:
            raise NotFound(f"{table} rows {missing[:5]} do not exist (they may have been deleted).")
        self.conn.executemany(f'DELETE FROM "{table}" WHERE id = ?', [(i,) for i in ids])
        self._record_many([RowChange(table, {"id": i}, current[i], None) for i in ids])
        return [current[i] for i in ids]

    # -- internals -----------------------------------------------------------
    def _next_id(self, table: str) -> int:
        seq = self.conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", [table]).fetchone()
        top = self.conn.execute(f'SELECT max(id) FROM "{table}"').fetchone()[0]
        return max(seq[0] if seq else 0, top or 0) + 1

    def _audit_run(self, table: str, run: range, names: Sequence[str], op: str = "insert") -> None:
        """The one audit row naming a run: inserted (``RUN``) or deleted (``DELETED_RUN``)."""
        self.conn.execute(
            "INSERT INTO audit (edit_id, at, os_user, table_name, row_key, op, field, old_value, new_value)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)",
            [self.edit_id, self.at, self.user, table, json.dumps({"id": [run[0], run[-1]]}), op,
             RUN if op == "insert" else DELETED_RUN, json.dumps(list(names))],
        )  # fmt: skip

    def _audit_inserted(self, table: str, columns: list[str], ids: Sequence[int]) -> None:
        """The audit rows of rows just inserted, in the order given, written by SQLite."""
        rows = f'json_each(?) AS j JOIN "{table}" AS t ON t.id = j.value ORDER BY j.key'
        self._audit_whole_rows(table, columns, "insert", rows, [json.dumps(list(ids))], WHOLE_ROW)

    def delete_run(self, table: str, run: range, names: Sequence[str]) -> None:
        """Delete the rows whose ids are ``run`` (all there; ``names``: the table's columns),
        as one :class:`DeletedRun`: each row kept whole in the audit, written by SQLite."""
        bounds = [run[0], run[-1]]
        rows = f'"{table}" AS t WHERE t.id BETWEEN ? AND ? ORDER BY t.id'
        self._audit_whole_rows(table, names, "delete", rows, bounds, RUN_ROW)
        self._audit_run(table, run, names, "delete")
        self.conn.execute(f'DELETE FROM "{table}" WHERE id BETWEEN ? AND ?', bounds)
        self.parts.append(DeletedRun(table, run, tuple(names)))

    def restore_run(self, run: DeletedRun, deleted_by: int) -> None:
        """Put back the rows of ``run``, deleted by edit ``deleted_by``, from the JSON its audit
        keeps, by SQLite: as they were, ids included. Audited as an :class:`InsertedRun`."""
        names = ", ".join(f'"{name}"' for name in run.names)
        values = ", ".join(f"json_extract(a.old_value, '$.\"{name}\"')" for name in run.names)
        self.conn.execute(
            f'INSERT INTO "{run.table}" ({names}) SELECT {values} FROM audit AS a'
            " WHERE a.edit_id = ? AND a.field = ? AND a.table_name = ? ORDER BY a.id",
            [deleted_by, RUN_ROW, run.table],
        )
        self.parts.append(InsertedRun(run.table, run.ids, run.names))
        self._audit_run(run.table, run.ids, run.names)

    def _audit_whole_rows(
        self, table: str, columns: Sequence[str], op: str, rows: str, params: list[Any], field: str
    ) -> None:
        """One audit row a row of ``rows`` (SQL naming the rows ``t``), holding the whole row.

        They decode to what :func:`encode` writes, in the same compact form: the key as
        ``json.dumps`` writes it, the row as a JSON object of ``columns``. SQLite writes each
        REAL with enough digits to read back the same float (1.0 stays 1.0, not 1), though
        not always with as few as Python. Encoding 50,000 rows' JSON in Python took longer
        than writing the rows."""
        row = "json_object(" + ", ".join(f"'{c}', t.\"{c}\"" for c in columns) + ")"
        old, new = ("NULL", row) if op == "insert" else (row, "NULL")
        self.conn.execute(
            "INSERT INTO audit (edit_id, at, os_user, table_name, row_key, op, field, old_value, new_value)"
            f" SELECT ?, ?, ?, ?, '{{\"id\": ' || t.id || '}}', '{op}', ?, {old}, {new} FROM {rows}",
            [self.edit_id, self.at, self.user, table, field, *params],
        )

    def _record(self, change: RowChange) -> None:
        self._record_many([change])

    def _record_many(self, changes: list[RowChange]) -> None:
        self.parts.extend(changes)
        self.conn.executemany(
            "INSERT INTO audit (edit_id, at, os_user, table_name, row_key, op, field,"
            " old_value, new_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (self.edit_id, self.at, self.user, change.table, json.dumps(change.key),
                 change.op, name, old, new)
                for change in changes
                for name, old, new in _audit_fields(change)
            ],
        )  # fmt: skip

    def changes(self, description: str) -> Changes:
        return Changes(self.edit_id if self.parts else None, description, tuple(self.parts))

    def part(self) -> TxPart:
        """A view for one action: inside a batch its Changes list only that action's rows."""
        return TxPart(self)


class TxPart(Tx):
    """One action's share of an edit; it writes through the edit's own row list."""

    def __init__(self, whole: Tx) -> None:
        super().__init__(whole.conn, whole.edit_id, whole.at, whole.user)
        self.parts = whole.parts  # the same list: a batch sees every action's rows
        self.start = len(whole.parts)
        self.end: int | None = None

    def close(self) -> None:
        """Mark where this action's rows end (later actions of a batch append after them)."""
        self.end = len(self.parts)

    def changes(self, description: str) -> Changes:
        mine = tuple(self.parts[self.start : self.end])
        return Changes(self.edit_id if mine else None, description, mine)


def _audit_fields(change: RowChange) -> list[tuple[str, str | None, str | None]]:
    """Audit rows for one change: the whole row (field ``*``) for an insert or a delete,
    one row per changed field for an update."""
    if change.before is None:
        return [(WHOLE_ROW, None, encode(change.after or {}))]
    if change.after is None:
        return [(WHOLE_ROW, encode(change.before), None)]
    out = []
    for name, new_value in change.after.items():
        old, new = encode(change.before.get(name)), encode(new_value)
        if old != new:
            out.append((name, old, new))
    return out


def _describe_key(key: Mapping[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in key.items())


def recorded_changes(conn: Any, edit_id: int) -> list[Part]:
    """Rebuild an edit's changes, in the order made, from its audit rows (a deleted run from
    the one row naming it: its rows stay in the audit)."""
    cursor = conn.execute(
        "SELECT table_name, row_key, op, field, old_value, new_value FROM audit"
        " WHERE edit_id = ? AND field != ? ORDER BY id",
        [edit_id, RUN_ROW],
    )
    grouped: dict[tuple[str, str, int], dict[str, Any]] = {}
    order: list[tuple[str, str, int] | InsertedRun | DeletedRun] = []
    last: tuple[str, str, str] | None = None
    serial = 0
    for table, row_key, op, name, old, new in cursor.fetchall():
        if name in (RUN, DELETED_RUN):
            first, final = json.loads(row_key)["id"]
            kind = InsertedRun if name == RUN else DeletedRun
            order.append(kind(table, range(first, final + 1), tuple(json.loads(new))))
            last = None
            continue
        # A new change starts at another row or op, or when a field repeats: two updates of
        # one row in a row (a batch setting one cell twice) must not merge, or the first
        # value would be lost.
        if (table, row_key, op) != last or name in grouped[(table, row_key, serial)]["after"]:
            serial += 1
            last = (table, row_key, op)
            order.append((table, row_key, serial))
            grouped[(table, row_key, serial)] = {"op": op, "before": {}, "after": {}}
        entry = grouped[(table, row_key, serial)]
        if name == WHOLE_ROW:
            entry["before" if old is not None else "after"] = decode(old if old is not None else new)
            continue
        if old is not None:
            entry["before"][name] = decode(old)
        if new is not None:
            entry["after"][name] = decode(new)
    return [_row_change(step, grouped[step]) if isinstance(step, tuple) else step for step in order]


def _row_change(step: tuple[str, str, int], entry: dict[str, Any]) -> RowChange:
    table, row_key, _ = step
    before = None if entry["op"] == "insert" else entry["before"]
    after = None if entry["op"] == "delete" else entry["after"]
    return RowChange(table, json.loads(row_key), before, after)


Touched = dict[tuple[str, tuple[tuple[str, Any], ...]], tuple[RowChange, Mapping[str, Any], bool]]


def revert_into(tx: Tx, recorded: list[Part], edit_id: int) -> None:
    """Undo ``recorded``, the changes of edit ``edit_id`` (newest first) inside ``tx``; refuse
    if the rows changed since.

    Changed since means: a field differs from what the edit left, a row the edit deleted has
    been replaced, a row it added now has rows of its own, or a row it deleted belonged to
    a record that has been deleted since; for a run of inserted rows, an edit since that still
    stands changed one of them (see :func:`_changed_since`). Links are checked once every row
    is back, as rows of one edit may point at each other in any order (a derived KPI and its
    inputs).
    """
    # Each row this revert touches, with its last known values and whether it is there now.
    touched: Touched = {}
    runs: list[InsertedRun] = []
    restored: list[DeletedRun] = []
    for step in _steps(recorded):
        if isinstance(step, InsertedRun):
            _revert_run(tx, step, edit_id)
            runs.append(step)
        elif isinstance(step, DeletedRun):
            _restore_run(tx, step, edit_id)
            restored.append(step)
        elif isinstance(step, list):
            _restore_rows(tx, step, touched)
        else:
            _revert_change(tx, step, touched)
    links = _Links(tx.conn)
    for change, row, present in touched.values():
        if present:
            links.require_parents(change, row)
        else:
            links.require_no_children(change, row)
    for run in runs:
        links.require_no_run_children(run)
    for deleted in restored:
        links.require_run_parents(deleted)


def _steps(recorded: list[Part]) -> Iterator[Part | list[RowChange]]:
    """The changes newest first; deleted rows of one table in a row come as a list, to be put
    back with one statement (undoing an undone import of 50,000 rows one by one took seconds)."""
    for table, group in groupby(reversed(recorded), key=_deleted_from):
        if table:
            yield list(group)  # type: ignore[arg-type]
        else:
            yield from group


def _deleted_from(change: Part) -> str:
    """The table of a deleted row keyed by its id alone, else ''."""
    deleted = isinstance(change, RowChange) and change.after is None and list(change.key) == ["id"]
    return change.table if deleted else ""


def _revert_change(tx: Tx, change: RowChange, touched: Touched) -> None:
    current = tx.fetch(change.table, change.key)
    expected = change.after
    where = (change.table, tuple(change.key.items()))
    try:
        if expected is None:
            if current is not None:
                raise _conflict(change)
            row = {**change.key, **(change.before or {})}
            tx.insert(change.table, row, pk=next(iter(change.key)))
            touched[where] = (change, row, True)
            return
        if current is None or any(current.get(k) != v for k, v in expected.items()):
            raise _conflict(change)
        if change.before is None:
            tx.delete(change.table, change.key)
            touched[where] = (change, current, False)
        else:
            tx.update(change.table, change.key, change.before)
            touched[where] = (change, {**current, **change.before}, True)
    except cipher.IntegrityError:  # e.g. a later record took the name back
        raise _conflict(change, "another record now uses the same name or key") from None


def _restore_rows(tx: Tx, deleted: list[RowChange], touched: Touched) -> None:
    """Put back rows the edit deleted, all of one table, with one statement (in id order, so
    rows deleted as a run go back as one); refuse if any has been replaced since."""
    rows = sorted(({**c.key, **(c.before or {})} for c in deleted), key=itemgetter("id"))
    names = list(rows[0])
    if any(list(row) != names for row in rows):  # audited under different schemas
        for change in deleted:
            _revert_change(tx, change, touched)
        return
    table = deleted[0].table
    existing = tx.fetch_many(table, [row["id"] for row in rows])
    if existing:
        raise _conflict(next(c for c in deleted if c.key["id"] in existing))
    try:
        tx.insert_columns(table, {name: list(map(itemgetter(name), rows)) for name in names})
    except cipher.IntegrityError:
        raise _conflict(deleted[0], "another record now uses the same name or key") from None
    for change, row in zip(sorted(deleted, key=lambda c: c.key["id"]), rows):
        touched[(table, tuple(change.key.items()))] = (change, row, True)


def _revert_run(tx: Tx, run: InsertedRun, edit_id: int) -> None:
    """Delete the rows of ``run`` (kept in the audit, so redo puts them back) unless changed since."""
    cursor = tx.conn.execute(f'SELECT count(*) FROM "{run.table}" WHERE id BETWEEN ? AND ?',
                             [run.ids[0], run.ids[-1]])  # fmt: skip
    if cursor.fetchone()[0] != len(run.ids):
        raise _run_conflict(run, "some have been deleted")
    if _changed_since(tx.conn, run, edit_id):
        raise _run_conflict(run)
    names = [d[0] for d in tx.conn.execute(f'SELECT * FROM "{run.table}" LIMIT 0').description]
    tx.delete_run(run.table, run.ids, names)


def _restore_run(tx: Tx, run: DeletedRun, edit_id: int) -> None:
    """Put back the rows edit ``edit_id`` deleted as a run, unless any of their ids is taken."""
    taken = tx.conn.execute(f'SELECT 1 FROM "{run.table}" WHERE id BETWEEN ? AND ? LIMIT 1',
                            [run.ids[0], run.ids[-1]]).fetchone()  # fmt: skip
    if taken is not None:
        raise _run_conflict(run, "rows with their ids have been added since", "removed")
    tx.restore_run(run, edit_id)


def _changed_since(conn: Any, run: InsertedRun, edit_id: int) -> bool:
    """Whether an edit made after ``edit_id`` that still stands changed a row of ``run``.

    Every change to a row is audited, so the audit names the edits that touched the run. Such
    an edit no longer stands when an edit that stands reverts it (an undo not itself undone).
    An undo or redo of an edit made after ``edit_id`` only takes back or puts back that edit's
    changes, which are judged with it; one of an earlier edit (a redo of a change made before
    the run was put back by a redo of its own) changes the rows in its own right."""
    first, last = run.ids[0], run.ids[-1]
    touching = conn.execute(
        "SELECT DISTINCT a.edit_id, e.reverts FROM audit AS a JOIN edits AS e ON e.id = a.edit_id"
        " WHERE a.edit_id > ? AND a.table_name = ? AND json_extract(a.row_key, '$.id') BETWEEN ? AND ?",
        [edit_id, run.table, first, last],
    ).fetchall()
    own = {later for later, reverts in touching if reverts is None or reverts < edit_id}
    if not own:
        return False
    reverted: set[int] = set()  # reverted by an edit that stands
    for later, reverts in conn.execute("SELECT id, reverts FROM edits WHERE id > ? ORDER BY id DESC", [edit_id]):
        if later not in reverted and reverts is not None:
            reverted.add(reverts)
    return bool(own - reverted)


class _Links:
    """The workbook's foreign keys, read from the schema itself."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.parents: dict[str, list[tuple[str, str, str]]] = {}  # table -> (column, parent, parent column)
        self.children: dict[str, list[tuple[str, str, str]]] = {}  # table -> (child, column, own column)
        self.known: set[tuple[str, str, Any]] = set()  # parents found (checks run once all is done)
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]  # fmt: skip
        for table in tables:
            for fk in conn.execute(f'PRAGMA foreign_key_list("{table}")').fetchall():
                parent, column, parent_column = fk[2], fk[3], fk[4] or "id"
                self.parents.setdefault(table, []).append((column, parent, parent_column))
                self.children.setdefault(parent, []).append((table, column, parent_column))

    def require_parents(self, change: RowChange, values: Mapping[str, Any]) -> None:
        for column, parent, parent_column in self.parents.get(change.table, ()):
            value = values.get(column)
            if value is None or (parent, parent_column, value) in self.known:
                continue
            if not self._exists(parent, parent_column, value):
                raise _conflict(change, f"the {parent} record it belongs to has been deleted")
            self.known.add((parent, parent_column, value))

    def require_no_children(self, change: RowChange, row: Mapping[str, Any]) -> None:
        for child, column, own_column in self.children.get(change.table, ()):
            if self._exists(child, column, row[own_column]):
                raise _conflict(change, f"{child} rows have been added to it")

    def require_run_parents(self, run: DeletedRun) -> None:
        """Every record the rows of ``run``, just put back, point at is still there."""
        for column, parent, parent_column in self.parents.get(run.table, ()):
            orphan = self.conn.execute(
                f'SELECT 1 FROM "{run.table}" AS c WHERE c.id BETWEEN ? AND ? AND c."{column}" IS NOT NULL'
                f' AND NOT EXISTS (SELECT 1 FROM "{parent}" AS p WHERE p."{parent_column}" = c."{column}") LIMIT 1',
                [run.ids[0], run.ids[-1]]).fetchone()  # fmt: skip
            if orphan is not None:
                raise _run_conflict(run, f"the {parent} record they belong to has been deleted", "removed")

    def require_no_run_children(self, run: InsertedRun) -> None:
        """Every key pointing at a table is its id (the schema has no other)."""
        for child, column, _ in self.children.get(run.table, ()):
            found = self.conn.execute(f'SELECT 1 FROM "{child}" WHERE "{column}" BETWEEN ? AND ? LIMIT 1',
                                      [run.ids[0], run.ids[-1]])  # fmt: skip
            if found.fetchone() is not None:
                raise _run_conflict(run, f"{child} rows have been added to them")

    def _exists(self, table: str, column: str, value: Any) -> bool:
        found = self.conn.execute(f'SELECT 1 FROM "{table}" WHERE "{column}" = ? LIMIT 1', [value])
        return found.fetchone() is not None


def _conflict(change: RowChange, why: str = "") -> ConflictError:
    return ConflictError(
        f"Cannot undo: the {change.table} row ({_describe_key(change.key)}) "
        f"has been changed since{f' ({why})' if why else ''}. Undo the later changes first."
    )


def _run_conflict(run: InsertedRun | DeletedRun, why: str = "", done: str = "added") -> ConflictError:
    return ConflictError(
        f"Cannot undo: the {len(run.ids):,} {run.table} rows it {done} (ids {run.ids[0]} to {run.ids[-1]}) "
        f"have been changed since{f' ({why})' if why else ''}. Undo the later changes first."
    )


def _as_run(ids: Sequence[int]) -> range | None:
    """``ids`` as a range when they are one ascending run."""
    if isinstance(ids, range):
        return ids if ids.step == 1 else None
    run = range(ids[0], ids[0] + len(ids))
    return run if all(map(int.__eq__, ids, run)) else None
