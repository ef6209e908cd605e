"""What the Workforce tab shows: a snapshot's breakdowns and declaration rates beside the
snapshot before it, and its chart. Kept apart from :mod:`.area_views` (services, schemes and
goals, whose published figures come from the disclosure plan), so the window's first tab
loads without the planner. Workforce figures are never published."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from ..areas.vocab import CHARACTERISTIC_LABELS, NOT_DECLARED, WORKFORCE_CHARACTERISTICS
from ..store.workbook import Workbook
from . import workforce_analysis as wa
from .charts import ChartSpec, Series, orientation

Row = dict[str, Any]
Rows = Sequence[Mapping[str, Any]]


def previous_snapshot(snapshots: Rows, snapshot_id: int) -> Mapping[str, Any] | None:
    """The snapshot dated just before ``snapshot_id``'s (None for the first or an unknown id)."""
    ordered = sorted(snapshots, key=lambda s: (str(s["snapshot_date"]), s["id"]))
    at = next((i for i, s in enumerate(ordered) if s["id"] == snapshot_id), None)
    return ordered[at - 1] if at else None


def next_staff_ref(wb: Workbook, snapshot_id: int) -> str:
    """A placeholder reference not used in the snapshot ("NEW0001", "NEW0002"...) for a row
    added by hand; the officer then types the HR staff number over it."""
    found = wb.rows("SELECT staff_ref FROM staff WHERE snapshot_id = ? AND staff_ref LIKE 'NEW%'",
                    [snapshot_id])  # fmt: skip
    taken = {r["staff_ref"] for r in found}
    number = 1
    while f"NEW{number:04d}" in taken:
        number += 1
    return f"NEW{number:04d}"


def new_staff_values(wb: Workbook, snapshot_id: int) -> Row:
    """A row to add by hand: a placeholder reference, every characteristic not declared."""
    return {"staff_ref": next_staff_ref(wb, snapshot_id),
            **dict.fromkeys(WORKFORCE_CHARACTERISTICS, NOT_DECLARED)}  # fmt: skip


def snapshot_leave_events(wb: Workbook, snapshot_id: int) -> list[Row]:
    """Leave events of the snapshot's staff: type and outcome, what the summary counts."""
    return wb.rows(
        "SELECT l.leave_type, l.outcome FROM leave_events l JOIN staff s ON s.id = l.staff_id"
        " WHERE s.snapshot_id = ? ORDER BY l.id",
        [snapshot_id],
    )


def workforce_comparison(now: wa.Tally, before: wa.Tally | None, characteristic: str) -> list[Row]:
    """Per category: the count now, its % of headcount, the count at the previous snapshot
    and the change (both None without a previous snapshot)."""
    counts = now.breakdown(characteristic)
    if before is None:
        return [{"category": c.category, "count": c.count, "percent": c.percent, "previous": None,
                 "change": None} for c in counts]  # fmt: skip
    shares = {c.category: c.percent for c in counts}
    zero = Decimal(0) if now.headcount else None  # a category only the previous snapshot had
    return [{"category": c.category, "count": c.current, "percent": shares.get(c.category, zero),
             "previous": c.previous, "change": c.difference}
            for c in now.change_since(before, characteristic)]  # fmt: skip


def declaration_rows(now: wa.Tally, before: wa.Tally | None) -> list[Row]:
    """Per characteristic: declared of headcount, the rate, the previous rate and the change
    in percentage points (None where unknown)."""
    earlier = before.declaration_rates() if before is not None else {}
    rows = []
    for name, rate in now.declaration_rates().items():
        old = earlier[name].rate if name in earlier else None
        rows.append({
            "characteristic": name, "label": CHARACTERISTIC_LABELS[name], "declared": rate.declared,
            "headcount": rate.headcount, "rate": rate.rate, "previous_rate": old,
            "change": None if old is None or rate.rate is None else rate.rate - old,
        })  # fmt: skip
    return rows


def workforce_chart(comparison: Rows, characteristic: str, now_label: str,
                    before_label: str = "") -> ChartSpec:  # fmt: skip
    """Staff per category of one characteristic, from :func:`workforce_comparison`'s rows: a
    bar per category now, beside the previous snapshot's when there is one (``before_label``)."""
    label = CHARACTERISTIC_LABELS[characteristic]
    categories = [r["category"] for r in comparison]
    options: dict[str, Any] = {"unit": "count", "value_label": "Staff", "category_label": label,
                               "orientation": orientation(categories)}  # fmt: skip
    now = Series(now_label, tuple(r["count"] for r in comparison))
    if not before_label:
        return ChartSpec("bar", f"Staff by {label.lower()}, {now_label}", categories, (now,), **options)
    before = Series(before_label, tuple(r["previous"] for r in comparison))
    title = f"Staff by {label.lower()}, {before_label} and {now_label}"
    return ChartSpec("grouped_bar", title, categories, (before, now), **options)
