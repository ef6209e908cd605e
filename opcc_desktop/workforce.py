"""Workforce snapshots (private): one pseudonymous row per member of staff at a date."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .changes import Changes
from .editing import add_row, delete_row, edit_row, recorded
from .errors import Problem, ValidationError
from .validation import Field, Invalid, choice, date, number, text, validate
from .vocab import LEAVE_OUTCOMES, LEAVE_TYPES, WORKFORCE_CHARACTERISTICS
from .workbook import Workbook

STAFF_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-/.]{0,29}$")


def _staff_ref_check(value: Any) -> str:
    ref = str(value).strip()
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
    return edit_row(wb, "workforce_snapshots", "workforce snapshot", SNAPSHOT_RULES, snapshot_id, values)


def delete_snapshot(wb: Workbook, snapshot_id: int) -> Changes:
    return delete_row(wb, "workforce_snapshots", "workforce snapshot", snapshot_id)


def add_staff(wb: Workbook, snapshot_id: int, values: Mapping[str, Any]) -> Changes:
    clean = _clean_staff(wb, snapshot_id, values, partial=False)
    with recorded(wb, "staff row", "Add staff row") as tx:
        tx.require("workforce_snapshots", {"id": snapshot_id}, "Workforce snapshot")
        tx.insert("staff", {"snapshot_id": snapshot_id, **clean})
    return tx.changes("Add staff row")


def add_staff_rows(wb: Workbook, snapshot_id: int, rows: list[Mapping[str, Any]]) -> Changes:
    """Add many staff rows as one edit (an HR extract); every row is checked first."""
    problems: list[Problem] = []
    clean_rows = []
    for number_, values in enumerate(rows, start=1):
        try:
            clean_rows.append({"snapshot_id": snapshot_id,
                               **_clean_staff(wb, snapshot_id, values, partial=False)})  # fmt: skip
        except ValidationError as bad:
            problems += [Problem(f"row {number_} {p.field}", p.value, p.message, p.allowed)
                         for p in bad.problems]  # fmt: skip
    if problems:
        raise ValidationError(f"{len(rows)} staff rows", problems)
    description = f"Add {len(rows)} staff rows"
    with recorded(wb, "staff rows", description) as tx:
        tx.require("workforce_snapshots", {"id": snapshot_id}, "Workforce snapshot")
        tx.insert_many("staff", clean_rows)
    return tx.changes(description)


def edit_staff(wb: Workbook, staff_id: int, values: Mapping[str, Any]) -> Changes:
    snapshot_id = wb.scalar("SELECT snapshot_id FROM staff WHERE id = ?", [staff_id])
    clean = _clean_staff(wb, snapshot_id, values, partial=True)
    with recorded(wb, "staff row", "Edit staff row") as tx:
        tx.require("staff", {"id": staff_id}, "Staff row")
        tx.update("staff", {"id": staff_id}, clean)
    return tx.changes("Edit staff row")


def delete_staff(wb: Workbook, staff_id: int) -> Changes:
    return delete_row(wb, "staff", "staff row", staff_id)


def add_leave_event(wb: Workbook, staff_id: int, values: Mapping[str, Any]) -> Changes:
    clean = _clean_leave(values, partial=False)
    with recorded(wb, "leave event", "Add leave event") as tx:
        tx.require("staff", {"id": staff_id}, "Staff row")
        tx.insert("leave_events", {"staff_id": staff_id, **clean})
    return tx.changes("Add leave event")


def edit_leave_event(wb: Workbook, event_id: int, values: Mapping[str, Any]) -> Changes:
    clean = validate("leave event", LEAVE_RULES, values, partial=True)
    with recorded(wb, "leave event", "Edit leave event") as tx:
        current = tx.require("leave_events", {"id": event_id}, "Leave event")
        _check_leave_dates({**current, **clean})
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


def staff_rows(wb: Workbook, snapshot_id: int) -> list[dict[str, Any]]:
    columns = ", ".join(("id", *STAFF_COLUMNS))
    return wb.rows(f"SELECT {columns} FROM staff WHERE snapshot_id = ? ORDER BY staff_ref", [snapshot_id])


def _clean_staff(
    wb: Workbook, snapshot_id: int | None, values: Mapping[str, Any], partial: bool
) -> dict[str, Any]:
    clean = validate("staff row", STAFF_RULES, values, partial=partial)
    snapshot_date = wb.scalar(
        "SELECT snapshot_date FROM workforce_snapshots WHERE id = ?", [snapshot_id]
    )
    start = clean.get("start_date")
    if start and snapshot_date and start > snapshot_date:
        raise ValidationError("staff row", [Problem(
            "start_date", start, "is after the snapshot date", f"on or before {snapshot_date}")])  # fmt: skip
    return clean


def _clean_leave(values: Mapping[str, Any], partial: bool) -> dict[str, Any]:
    clean = validate("leave event", LEAVE_RULES, values, partial=partial)
    _check_leave_dates(clean)
    return clean


def _check_leave_dates(values: Mapping[str, Any]) -> None:
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and str(end) < str(start):
        raise ValidationError("leave event", [Problem(
            "end_date", end, "is before the start date", f"on or after {start}")])  # fmt: skip
