"""Workforce snapshots (private): one pseudonymous row per member of staff at a date."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import NotFound, Problem
from ..store.changes import Changes
from ..store.workbook import Workbook
from .editing import add_row, delete_row, recorded
from .validation import Field, Invalid, as_text, choice, collect, date, number, refuse, text
from .vocab import LEAVE_OUTCOMES, LEAVE_TYPES, WORKFORCE_CHARACTERISTICS

STAFF_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-/.]{0,29}$")


def _staff_ref_check(value: Any) -> str:
    ref = as_text(value).strip()
    if not STAFF_REF.match(ref) or not any(ch.isdigit() for ch in ref):
        raise Invalid(
            "is not a staff reference (never use a name)",
            "the HR staff number: letters and digits with at least one digit, no spaces",
        )
    return ref


SNAPSHOT_RULES: dict[str, Field] = {"snapshot_date": date(), "label": text(required=False)}
STAFF_RULES: dict[str, Field] = {
    "staff_ref": Field(_staff_ref_check),
    **{name: choice(options) for name, options in WORKFORCE_CHARACTERISTICS.items()},
    "role_grade": text(max_len=80, required=False),
    "fte": number(low=0.01, high=1.0, required=False),
    "start_date": date(required=False),
}
LEAVE_RULES: dict[str, Field] = {
    "leave_type": choice(LEAVE_TYPES),
    "start_date": date(),
    "end_date": date(required=False),
    "outcome": choice(LEAVE_OUTCOMES),
}
STAFF_COLUMNS = tuple(STAFF_RULES)


def add_snapshot(wb: Workbook, snapshot_date: str, label: str = "") -> Changes:
    return add_row(wb, "workforce_snapshots", "workforce snapshot", SNAPSHOT_RULES,
                   {"snapshot_date": snapshot_date, "label": label or ""})  # fmt: skip


def edit_snapshot(wb: Workbook, snapshot_id: int, values: Mapping[str, Any]) -> Changes:
    """Change a snapshot's date or label; the date may not move before a staff start date."""
    clean, problems = collect(SNAPSHOT_RULES, values, partial=True)
    new_date = clean.get("snapshot_date")
    if new_date:
        latest = wb.scalar("SELECT max(start_date) FROM staff WHERE snapshot_id = ?", [snapshot_id])
        if latest and latest > new_date:
            problems.append(Problem("snapshot_date", new_date, "is before a staff start date in it",
                                    f"on or after {latest}"))  # fmt: skip
    refuse("workforce snapshot", problems)
    with recorded(wb, "workforce snapshot", "Edit workforce snapshot", clean) as tx:
        tx.require("workforce_snapshots", {"id": snapshot_id}, "Workforce snapshot")
        tx.update("workforce_snapshots", {"id": snapshot_id}, clean)
    return tx.changes("Edit workforce snapshot")


def delete_snapshot(wb: Workbook, snapshot_id: int) -> Changes:
    return delete_row(wb, "workforce_snapshots", "workforce snapshot", snapshot_id)


def add_staff(wb: Workbook, snapshot_id: int, values: Mapping[str, Any]) -> Changes:
    clean, problems = _clean_staff(_snapshot_date(wb, snapshot_id), values, partial=False)
    refuse("staff row", problems)
    with recorded(wb, "staff row", "Add staff row", clean) as tx:
        tx.insert("staff", {"snapshot_id": snapshot_id, **clean})
    return tx.changes("Add staff row")


def add_staff_rows(wb: Workbook, snapshot_id: int, rows: list[Mapping[str, Any]]) -> Changes:
    """Add many staff rows as one edit (an HR extract); every row is checked first, including
    that no staff reference repeats, within the extract or against the snapshot's rows."""
    snapshot_date = _snapshot_date(wb, snapshot_id)
    taken = {ref for (ref,) in wb.conn.execute(
        "SELECT staff_ref FROM staff WHERE snapshot_id = ?", [snapshot_id])}  # fmt: skip
    first_row: dict[str, int] = {}
    problems: list[Problem] = []
    clean_rows = []
    for number_, values in enumerate(rows, start=1):
        clean, found = _clean_staff(snapshot_date, values, partial=False)
        ref = clean.get("staff_ref")
        if ref in taken:
            found.append(Problem("staff_ref", ref, "is already in this snapshot", "a reference not used yet"))
        elif ref in first_row:
            found.append(Problem("staff_ref", ref, f"repeats row {first_row[ref]}", "each reference once"))
        elif ref is not None:
            first_row[ref] = number_
        problems += [Problem(f"row {number_} {p.field}", p.value, p.message, p.allowed) for p in found]
        clean_rows.append({"snapshot_id": snapshot_id, **clean})
    refuse(f"{len(rows)} staff rows", problems)
    description = f"Add {len(rows)} staff rows"
    with recorded(wb, "staff rows", description) as tx:
        tx.insert_many("staff", clean_rows)
    return tx.changes(description)


def edit_staff(wb: Workbook, staff_id: int, values: Mapping[str, Any]) -> Changes:
    snapshot_id = wb.scalar("SELECT snapshot_id FROM staff WHERE id = ?", [staff_id])
    if snapshot_id is None:
        raise NotFound(f"Staff row id {staff_id} does not exist (it may have been deleted).")
    clean, problems = _clean_staff(_snapshot_date(wb, snapshot_id), values, partial=True)
    refuse("staff row", problems)
    with recorded(wb, "staff row", "Edit staff row", clean) as tx:
        tx.update("staff", {"id": staff_id}, clean)
    return tx.changes("Edit staff row")


def delete_staff(wb: Workbook, staff_id: int) -> Changes:
    return delete_row(wb, "staff", "staff row", staff_id)


def add_leave_event(wb: Workbook, staff_id: int, values: Mapping[str, Any]) -> Changes:
    clean, problems = collect(LEAVE_RULES, values)
    refuse("leave event", problems + leave_date_problems(clean))
    with recorded(wb, "leave event", "Add leave event", clean) as tx:
        tx.require("staff", {"id": staff_id}, "Staff row")
        tx.insert("leave_events", {"staff_id": staff_id, **clean})
    return tx.changes("Add leave event")


def edit_leave_event(wb: Workbook, event_id: int, values: Mapping[str, Any]) -> Changes:
    current = wb.rows("SELECT start_date, end_date FROM leave_events WHERE id = ?", [event_id])
    if not current:
        raise NotFound(f"Leave event id {event_id} does not exist (it may have been deleted).")
    clean, problems = collect(LEAVE_RULES, values, partial=True)
    refuse("leave event", problems + leave_date_problems({**current[0], **clean}))
    with recorded(wb, "leave event", "Edit leave event", clean) as tx:
        tx.update("leave_events", {"id": event_id}, clean)
    return tx.changes("Edit leave event")


def delete_leave_event(wb: Workbook, event_id: int) -> Changes:
    return delete_row(wb, "leave_events", "leave event", event_id)


def snapshots(wb: Workbook) -> list[dict[str, Any]]:
    return wb.rows(
        "SELECT s.id, s.snapshot_date, s.label, count(f.id) AS headcount"
        " FROM workforce_snapshots s LEFT JOIN staff f ON f.snapshot_id = s.id"
        " GROUP BY s.id ORDER BY s.snapshot_date"
    )


STAFF_SELECT = "SELECT " + ", ".join(("id", *STAFF_COLUMNS)) + " FROM staff"


def staff_rows(wb: Workbook, snapshot_id: int) -> list[dict[str, Any]]:
    return wb.rows(f"{STAFF_SELECT} WHERE snapshot_id = ? ORDER BY staff_ref", [snapshot_id])


def snapshot_counts(wb: Workbook, snapshot_id: int) -> tuple[int, dict[str, Counter[Any]], list[str]]:
    """A snapshot's headcount, how many of its staff give each answer (characteristics and
    FTE), and their staff refs: what comparing with it needs, counted column by column from
    plain tuples (its rows as dicts would take tens of megabytes more at 50,000 staff)."""
    names = (*WORKFORCE_CHARACTERISTICS, "fte")
    cursor = wb.conn.execute(f"SELECT staff_ref, {', '.join(names)} FROM staff WHERE snapshot_id = ?", [snapshot_id])
    columns = list(zip(*cursor.fetchall())) or [() for _ in range(len(names) + 1)]
    return len(columns[0]), {name: Counter(column) for name, column in zip(names, columns[1:])}, list(columns[0])


def staff_rows_by_id(wb: Workbook, ids: Sequence[int]) -> list[dict[str, Any]]:
    """Some staff rows, as :func:`staff_rows` gives them: what the window rereads after an
    edit of a few rows (at most a few hundred ids)."""
    return wb.rows(f"{STAFF_SELECT} WHERE id IN ({', '.join('?' * len(ids))})", list(ids))


def _snapshot_date(wb: Workbook, snapshot_id: int) -> str:
    found = wb.scalar("SELECT snapshot_date FROM workforce_snapshots WHERE id = ?", [snapshot_id])
    if found is None:
        raise NotFound(f"Workforce snapshot id {snapshot_id} does not exist (it may have been deleted).")
    return str(found)


def _clean_staff(
    snapshot_date: str, values: Mapping[str, Any], partial: bool
) -> tuple[dict[str, Any], list[Problem]]:
    """The cleaned row and every problem with it, the start date checked against the snapshot."""
    clean, problems = collect(STAFF_RULES, values, partial=partial)
    return clean, problems + start_date_problems(clean, snapshot_date)


def start_date_problems(row: Mapping[str, Any], snapshot_date: str) -> list[Problem]:
    """A member of staff in a snapshot started on or before its date."""
    start = row.get("start_date")
    if start and start > snapshot_date:
        return [Problem("start_date", start, "is after the snapshot date", f"on or before {snapshot_date}")]
    return []


def leave_date_problems(values: Mapping[str, Any]) -> list[Problem]:
    """Leave ends on or after the day it starts."""
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and str(end) < str(start):
        return [Problem("end_date", end, "is before the start date", f"on or after {start}")]
    return []
