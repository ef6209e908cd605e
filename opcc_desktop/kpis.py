"""KPI definitions by strategic outcome and group, quarterly values, comparators, commentary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .changes import Changes
from .editing import delete_row, edit_row, next_position, recorded, set_cell
from .errors import Problem, ValidationError
from .validation import Field, choice, financial_year, flag, long_text, number, quarter, text, validate
from .vocab import DERIVED_KINDS, POLARITIES, UNITS, VALUE_STATUSES
from .workbook import Workbook

OUTCOME_RULES: dict[str, Field] = {"name": text(max_len=200)}
GROUP_RULES: dict[str, Field] = {"name": text(max_len=150)}
KPI_RULES: dict[str, Field] = {
    "name": text(max_len=250),
    "unit": choice(UNITS),
    "polarity": choice(POLARITIES),
    "never_publish": flag(),
}
VALUE_RULES: dict[str, Field] = {
    "financial_year": financial_year(),
    "quarter": quarter(),
    "value": number(required=False),
    "status": choice(VALUE_STATUSES, required=False, empty=""),
    "provisional": flag(),
    "revised": flag(),
}
COMPARATOR_RULES: dict[str, Field] = {
    "comparator": text(max_len=80),
    "period": text(max_len=30),
    "value": number(required=False),
}
COMMENTARY_RULES: dict[str, Field] = {
    "financial_year": financial_year(),
    "quarter": quarter(),
    "text": long_text(),
}


def add_outcome(wb: Workbook, name: str) -> Changes:
    clean = validate("strategic outcome", OUTCOME_RULES, {"name": name})
    with recorded(wb, "strategic outcome", "Add strategic outcome") as tx:
        tx.insert("strategic_outcomes", {**clean, "position": next_position(tx, "strategic_outcomes")})
    return tx.changes("Add strategic outcome")


def rename_outcome(wb: Workbook, outcome_id: int, name: str) -> Changes:
    return edit_row(wb, "strategic_outcomes", "strategic outcome", OUTCOME_RULES, outcome_id, {"name": name})


def delete_outcome(wb: Workbook, outcome_id: int) -> Changes:
    return delete_row(wb, "strategic_outcomes", "strategic outcome", outcome_id)


def add_group(wb: Workbook, outcome_id: int, name: str) -> Changes:
    clean = validate("KPI group", GROUP_RULES, {"name": name})
    with recorded(wb, "KPI group", "Add KPI group") as tx:
        tx.require("strategic_outcomes", {"id": outcome_id}, "Strategic outcome")
        position = next_position(tx, "kpi_groups", {"outcome_id": outcome_id})
        tx.insert("kpi_groups", {"outcome_id": outcome_id, **clean, "position": position})
    return tx.changes("Add KPI group")


def rename_group(wb: Workbook, group_id: int, name: str) -> Changes:
    return edit_row(wb, "kpi_groups", "KPI group", GROUP_RULES, group_id, {"name": name})


def delete_group(wb: Workbook, group_id: int) -> Changes:
    return delete_row(wb, "kpi_groups", "KPI group", group_id)


def add_kpi(
    wb: Workbook, group_id: int, values: Mapping[str, Any],
    derived_kind: str | None = None, inputs: Sequence[int] = (),
) -> Changes:
    """Add a KPI; a derived one (``sum`` of parts, or ``ratio`` numerator/denominator) names
    the ids of the KPIs it is computed from."""
    clean = validate("KPI", KPI_RULES, values)
    _check_derivation(derived_kind, inputs)
    with recorded(wb, "KPI", "Add KPI") as tx:
        tx.require("kpi_groups", {"id": group_id}, "KPI group")
        for input_id in inputs:
            tx.require("kpis", {"id": input_id}, "Input KPI")
        position = next_position(tx, "kpis", {"group_id": group_id})
        key = tx.insert("kpis", {"group_id": group_id, **clean, "derived_kind": derived_kind,
                                 "position": position})  # fmt: skip
        for slot, input_id in enumerate(inputs, start=1):
            tx.insert("kpi_inputs", {"kpi_id": key["id"], "position": slot, "input_kpi_id": input_id})
    return tx.changes("Add KPI")


def edit_kpi(wb: Workbook, kpi_id: int, values: Mapping[str, Any]) -> Changes:
    return edit_row(wb, "kpis", "KPI", KPI_RULES, kpi_id, values)


def delete_kpi(wb: Workbook, kpi_id: int) -> Changes:
    """Delete a KPI with its values; refused while a derived KPI is computed from it."""
    return delete_row(wb, "kpis", "KPI", kpi_id)


def set_kpi_value(
    wb: Workbook, kpi_id: int, financial_year: str, quarter: int, value: float | None = None,
    status: str = "", provisional: bool = False, revised: bool = False,
) -> Changes:
    """Set one quarter's cell: a number, a status (not available / under development), or
    neither, which leaves the cell blank (not yet due)."""
    clean = validate("KPI value", VALUE_RULES, {
        "financial_year": financial_year, "quarter": quarter, "value": value,
        "status": status, "provisional": provisional, "revised": revised})  # fmt: skip
    if clean["value"] is not None and clean["status"]:
        raise ValidationError("KPI value", [Problem(
            "status", clean["status"], "cannot be set together with a number",
            "either a number or a status")])  # fmt: skip
    description = f"Set KPI value {clean['financial_year']} Q{clean['quarter']}"
    with recorded(wb, "KPI value", description) as tx:
        kpi = tx.require("kpis", {"id": kpi_id}, "KPI")
        if kpi["derived_kind"]:
            raise ValidationError("KPI value", [Problem(
                "value", value, f"cannot be typed: '{kpi['name']}' is computed from other KPIs",
                "edit the KPIs it is computed from")])  # fmt: skip
        blank = clean["value"] is None and not clean["status"]
        where = {"kpi_id": kpi_id, "financial_year": clean["financial_year"], "quarter": clean["quarter"]}
        cell = {k: clean[k] for k in ("value", "status", "provisional", "revised")}
        set_cell(tx, "kpi_values", where, None if blank else cell)
    return tx.changes(description)


def set_comparator(
    wb: Workbook, kpi_id: int, comparator: str, period: str, value: float | None
) -> Changes:
    clean = validate("KPI comparator", COMPARATOR_RULES,
                     {"comparator": comparator, "period": period, "value": value})  # fmt: skip
    description = f"Set {clean['comparator']} comparator"
    with recorded(wb, "KPI comparator", description) as tx:
        tx.require("kpis", {"id": kpi_id}, "KPI")
        where = {"kpi_id": kpi_id, "comparator": clean["comparator"], "period": clean["period"]}
        set_cell(tx, "kpi_comparators", where,
                 None if clean["value"] is None else {"value": clean["value"]})  # fmt: skip
    return tx.changes(description)


def set_commentary(
    wb: Workbook, group_id: int, financial_year: str, quarter: int, text_: str | None
) -> Changes:
    clean = validate("KPI commentary", COMMENTARY_RULES,
                     {"financial_year": financial_year, "quarter": quarter, "text": text_})  # fmt: skip
    description = f"Edit commentary {clean['financial_year']} Q{clean['quarter']}"
    with recorded(wb, "KPI commentary", description) as tx:
        tx.require("kpi_groups", {"id": group_id}, "KPI group")
        where = {"group_id": group_id, "financial_year": clean["financial_year"], "quarter": clean["quarter"]}
        set_cell(tx, "kpi_commentary", where, {"text": clean["text"]} if clean["text"] else None)
    return tx.changes(description)


def kpi_tree(wb: Workbook) -> list[dict[str, Any]]:
    """Every KPI with its outcome and group, in display order."""
    return wb.rows(
        "SELECT k.*, g.name AS group_name, o.name AS outcome, o.id AS outcome_id"
        " FROM kpis k JOIN kpi_groups g ON g.id = k.group_id"
        " JOIN strategic_outcomes o ON o.id = g.outcome_id"
        " ORDER BY o.position, g.position, k.position"
    )


def kpi_values(wb: Workbook, kpi_id: int) -> list[dict[str, Any]]:
    return wb.rows(
        "SELECT financial_year, quarter, value, status, provisional, revised FROM kpi_values"
        " WHERE kpi_id = ? ORDER BY financial_year, quarter",
        [kpi_id],
    )


def kpi_inputs(wb: Workbook, kpi_id: int) -> list[int]:
    return [r["input_kpi_id"] for r in wb.rows(
        "SELECT input_kpi_id FROM kpi_inputs WHERE kpi_id = ? ORDER BY position", [kpi_id])]  # fmt: skip


def _check_derivation(kind: str | None, inputs: Sequence[int]) -> None:
    problems = []
    if kind is None:
        if inputs:
            problems.append(Problem("inputs", list(inputs), "given for a KPI that is not derived",
                                    "no inputs, or a derived kind"))  # fmt: skip
    elif kind not in DERIVED_KINDS:
        problems.append(Problem("derived_kind", kind, "is not a kind of derived KPI", "sum, ratio"))
    elif kind == "ratio" and len(inputs) != 2:
        problems.append(Problem("inputs", list(inputs), "must be a numerator and a denominator",
                                "exactly two KPIs"))  # fmt: skip
    elif kind == "sum" and len(inputs) < 2:
        problems.append(Problem("inputs", list(inputs), "must name the parts", "two or more KPIs"))
    if problems:
        raise ValidationError("derived KPI", problems)
