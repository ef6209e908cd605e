"""Shared steps of the core's edit actions: validate, write in one audited edit, explain clashes."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from ..errors import Problem, ValidationError
from ..store import cipher
from ..store.changes import Changes, Tx
from ..store.workbook import Workbook
from .validation import Field, integer, validate

# Parent table -> the tables whose rows point at it, and the column that points.
CHILDREN: dict[str, tuple[tuple[str, str], ...]] = {
    "workforce_snapshots": (("staff", "snapshot_id"),),
    "staff": (("leave_events", "staff_id"),),
    "services": (
        ("service_counts", "service_id"),
        ("service_activity", "service_id"),
        ("service_categories", "service_id"),
    ),
    "schemes": (
        ("scheme_counts", "scheme_id"),
        ("scheme_measures", "scheme_id"),
        ("scheme_categories", "scheme_id"),
    ),
    "strategic_outcomes": (("kpi_groups", "outcome_id"),),
    "kpi_groups": (("kpis", "group_id"), ("kpi_commentary", "group_id")),
    "kpis": (("kpi_values", "kpi_id"), ("kpi_comparators", "kpi_id"), ("kpi_inputs", "kpi_id")),
    "goals": (("goal_updates", "goal_id"),),
    "edi_areas": (("edi_assessments", "area_id"),),
}

UNIQUE_FAILURE = re.compile(r"UNIQUE constraint failed: (.+)")


@contextmanager
def recorded(
    wb: Workbook, what: str, description: str, values: Mapping[str, Any] | None = None
) -> Iterator[Tx]:
    """``wb.edit`` that turns a constraint clash into a ValidationError saying what clashed
    (``values`` are the action's input, so the message can quote the clashing value).

    It yields the action's own part of the edit: inside a batch, the Changes it returns
    list this action's rows only, not those of the actions before it."""
    try:
        with wb.edit(description) as whole:
            tx = whole.part()
            yield tx
            tx.close()
    except cipher.IntegrityError as exc:
        raise _explain_integrity(what, str(exc), values or {}) from None


def _explain_integrity(what: str, message: str, values: Mapping[str, Any]) -> ValidationError:
    match = UNIQUE_FAILURE.search(message)
    if match:
        columns = [part.split(".")[-1] for part in match[1].split(", ")]
        named = [c for c in columns if not c.endswith("_id")] or columns
        shown = [values[c] for c in named if c in values]
        value = shown[0] if len(shown) == 1 else (tuple(shown) or None)
        return ValidationError(what, [Problem(
            " + ".join(named), value, "is already used by another record here", "a value not used yet")])  # fmt: skip
    if "FOREIGN KEY" in message:
        return ValidationError(what, [Problem(
            "record", None, "is still used by other records (e.g. a derived KPI computed from it)",
            "change or remove those first")])  # fmt: skip
    return ValidationError(what, [Problem("record", None, f"breaks a rule of the workbook ({message})")])


def add_row(
    wb: Workbook, table: str, what: str, rules: Mapping[str, Field], values: Mapping[str, Any],
    fixed: Mapping[str, Any] | None = None,
) -> Changes:
    """Validate a whole new record and insert it (``fixed`` holds trusted keys, e.g. parent ids)."""
    clean = validate(what, rules, values)
    description = f"Add {what}"
    with recorded(wb, what, description, clean) as tx:
        tx.insert(table, {**(fixed or {}), **clean})
    return tx.changes(description)


def edit_row(
    wb: Workbook, table: str, what: str, rules: Mapping[str, Field], row_id: int,
    values: Mapping[str, Any],
) -> Changes:
    """Validate the fields given and update one record."""
    clean = validate(what, rules, values, partial=True)
    description = f"Edit {what}"
    with recorded(wb, what, description, clean) as tx:
        tx.require(table, {"id": row_id}, what)
        tx.update(table, {"id": row_id}, clean)
    return tx.changes(description)


def delete_row(wb: Workbook, table: str, what: str, row_id: int) -> Changes:
    """Delete a record and everything that belongs to it, all restorable by undo."""
    description = f"Delete {what}"
    with recorded(wb, what, description) as tx:
        tx.require(table, {"id": row_id}, what)
        delete_tree(tx, table, row_id)
    return tx.changes(description)


def delete_tree(tx: Tx, table: str, row_id: int) -> None:
    for child, column in CHILDREN.get(table, ()):
        for (child_id,) in tx.conn.execute(
            f'SELECT id FROM "{child}" WHERE "{column}" = ? ORDER BY id', [row_id]
        ).fetchall():
            delete_tree(tx, child, child_id)
    tx.delete(table, {"id": row_id})


def find_id(tx: Tx, table: str, where: Mapping[str, Any]) -> int | None:
    """The id of the row matching every column in ``where``, or None."""
    clause = " AND ".join(f'"{c}" = ?' for c in where)
    found = tx.conn.execute(f'SELECT id FROM "{table}" WHERE {clause}', list(where.values()))
    row = found.fetchone()
    return None if row is None else row[0]


def set_cell(
    tx: Tx, table: str, where: Mapping[str, Any], values: Mapping[str, Any] | None
) -> None:
    """Upsert the row identified by ``where`` with ``values``; ``None`` removes it (a blank cell)."""
    row_id = find_id(tx, table, where)
    if values is None:
        if row_id is not None:
            tx.delete(table, {"id": row_id})
    elif row_id is None:
        tx.insert(table, {**where, **values})
    else:
        tx.update(table, {"id": row_id}, values)


def next_position(tx: Tx, table: str, where: Mapping[str, Any] | None = None) -> int:
    clause = " AND ".join(f'"{c}" = ?' for c in where) if where else "1"
    top = tx.conn.execute(
        f'SELECT max(position) FROM "{table}" WHERE {clause}', list((where or {}).values())
    ).fetchone()[0]
    return (top or 0) + 1


def place(tx: Tx, table: str, what: str, row_id: int, parent: Mapping[str, Any], position: int) -> None:
    """Put record ``row_id`` at ``position`` (1 is first) among the records of ``table`` under
    ``parent`` (the columns naming its list, such as {"group_id": 3}; {} for one list), taking
    it from wherever it was. Its old and new lists are renumbered 1, 2, ...; a position
    outside the new list is refused, saying which fit."""
    row = tx.require(table, {"id": row_id}, what)
    others = [i for i in ordered_ids(tx, table, parent) if i != row_id]
    clean = validate(what, {"position": integer(low=1, high=len(others) + 1)}, {"position": position})
    others.insert(clean["position"] - 1, row_id)
    tx.update(table, {"id": row_id}, {**parent, "position": clean["position"]})
    renumber(tx, table, others)
    left = {column: row[column] for column in parent}
    if left != dict(parent):
        renumber(tx, table, ordered_ids(tx, table, left))


def ordered_ids(tx: Tx, table: str, where: Mapping[str, Any]) -> list[int]:
    """The ids of the records matching ``where`` in display order."""
    clause = " AND ".join(f'"{c}" = ?' for c in where) or "1"
    found = tx.conn.execute(f'SELECT id FROM "{table}" WHERE {clause} ORDER BY position, id', list(where.values()))
    return [row[0] for row in found.fetchall()]


def renumber(tx: Tx, table: str, ids: list[int]) -> None:
    """Give the records ``ids`` the positions 1, 2, ... in that order (only changes are recorded)."""
    for position, row_id in enumerate(ids, start=1):
        tx.update(table, {"id": row_id}, {"position": position})


def ensure_category(
    tx: Tx, table: str, owner: Mapping[str, Any], dimension: str, category: str
) -> None:
    """Record a category the first time it is used; first use fixes its display order."""
    where = {**owner, "dimension": dimension}
    if find_id(tx, table, {**where, "category": category}) is None:
        tx.insert(table, {**where, "category": category, "position": next_position(tx, table, where)})
