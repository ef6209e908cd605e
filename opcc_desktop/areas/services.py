"""Commissioned victim services and their quarterly monitoring returns."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..store.changes import Changes
from ..store.workbook import Workbook
from .editing import delete_row, edit_row, ensure_category, next_position, recorded, set_cell
from .validation import Field, category, choice, date, financial_year, flag, integer, number, quarter, text, validate
from .vocab import SERVICE_DIMENSIONS

SERVICE_RULES: dict[str, Field] = {
    "name": text(max_len=150),
    "service_type": text(max_len=100, required=False),
    "first_year": financial_year(required=False),
    "contract_end": date(required=False),
    "never_publish": flag(),
}
COUNT_RULES: dict[str, Field] = {
    "financial_year": financial_year(),
    "quarter": quarter(),
    "dimension": choice(SERVICE_DIMENSIONS),
    "category": category(),
    "count": integer(low=0, required=False),
}
ACTIVITY_RULES: dict[str, Field] = {
    "financial_year": financial_year(),
    "quarter": quarter(),
    "measure": text(max_len=60),
    "value": number(low=0, required=False),
}


def add_service(wb: Workbook, values: Mapping[str, Any]) -> Changes:
    clean = validate("service", SERVICE_RULES, values)
    with recorded(wb, "service", "Add service", clean) as tx:
        tx.insert("services", {**clean, "position": next_position(tx, "services")})
    return tx.changes("Add service")


def edit_service(wb: Workbook, service_id: int, values: Mapping[str, Any]) -> Changes:
    return edit_row(wb, "services", "service", SERVICE_RULES, service_id, values)


def delete_service(wb: Workbook, service_id: int) -> Changes:
    return delete_row(wb, "services", "service", service_id)


def set_service_count(
    wb: Workbook, service_id: int, financial_year: str, quarter: int, dimension: str,
    category: str, count: int | None,
) -> Changes:
    """Set one monitoring count; ``None`` clears the cell."""
    clean = validate("monitoring count", COUNT_RULES, {
        "financial_year": financial_year, "quarter": quarter, "dimension": dimension,
        "category": category, "count": count})  # fmt: skip
    description = f"Set {clean['dimension']} count '{clean['category']}'"
    with recorded(wb, "monitoring count", description) as tx:
        tx.require("services", {"id": service_id}, "Service")
        where = {"service_id": service_id, **{k: clean[k] for k in COUNT_RULES if k != "count"}}
        if clean["count"] is not None:
            ensure_category(tx, "service_categories", {"service_id": service_id},
                            clean["dimension"], clean["category"])  # fmt: skip
        set_cell(tx, "service_counts", where,
                 None if clean["count"] is None else {"count": clean["count"]})  # fmt: skip
    return tx.changes(description)


def set_service_activity(
    wb: Workbook, service_id: int, financial_year: str, quarter: int, measure: str,
    value: float | None,
) -> Changes:
    """Set an activity figure (referrals received, clients supported...); ``None`` clears it."""
    clean = validate("service activity", ACTIVITY_RULES, {
        "financial_year": financial_year, "quarter": quarter, "measure": measure, "value": value})  # fmt: skip
    description = f"Set {clean['measure']}"
    with recorded(wb, "service activity", description) as tx:
        tx.require("services", {"id": service_id}, "Service")
        where = {"service_id": service_id, **{k: clean[k] for k in ACTIVITY_RULES if k != "value"}}
        set_cell(tx, "service_activity", where,
                 None if clean["value"] is None else {"value": clean["value"]})  # fmt: skip
    return tx.changes(description)


def services(wb: Workbook) -> list[dict[str, Any]]:
    return wb.rows("SELECT * FROM services ORDER BY position, id")


def service_counts(wb: Workbook, service_id: int) -> list[dict[str, Any]]:
    """Counts in display order (category order as first recorded)."""
    return wb.rows(
        "SELECT c.financial_year, c.quarter, c.dimension, c.category, c.count"
        " FROM service_counts c JOIN service_categories k ON k.service_id = c.service_id"
        " AND k.dimension = c.dimension AND k.category = c.category"
        " WHERE c.service_id = ? ORDER BY c.financial_year, c.quarter, c.dimension, k.position",
        [service_id],
    )
