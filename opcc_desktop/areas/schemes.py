"""Out-of-court schemes (adult diversion, Youth Triage...) and their figures.

A scheme's figures for a year are recorded by quarter (the year is the sum of its quarters,
and a quarterly update prints the year to date), or for the whole year only (quarter 0), as
older returns and imports have them; one year of one scheme is not recorded both ways, or
its year would be counted twice. Counts are the quarter's own (people referred in it); a
rate or an amount recorded for a quarter is the year's to the end of that quarter."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import OpccError, Problem
from ..store.changes import Changes
from ..store.workbook import Workbook
from .editing import delete_row, edit_row, ensure_category, next_position, recorded, set_cell
from .validation import (Field, category, choice, collect, financial_year, flag, integer, number, quarter_or_year,
                         refuse, text, validate)
from .vocab import ALL_GENDERS, SCHEME_DIMENSIONS, SCHEME_MEASURES

SCHEME_RULES: dict[str, Field] = {
    "name": text(max_len=150),
    "age_range": text(max_len=30, required=False),
    "never_publish": flag(),
}
COUNT_RULES: dict[str, Field] = {
    "financial_year": financial_year(),
    "quarter": quarter_or_year(),
    "dimension": choice(SCHEME_DIMENSIONS),
    "category": category(),
    "gender": category(max_len=40),
    "count": integer(low=0, required=False),
}
MEASURE_RULES: dict[str, Field] = {
    "financial_year": financial_year(),
    "quarter": quarter_or_year(),
    "measure": choice(tuple(SCHEME_MEASURES)),
    "value": number(low=0, required=False),
}

MEASURE_VALUES: dict[str, Field] = {"percent": number(0, 100), "count": integer(low=0)}


def add_scheme(wb: Workbook, values: Mapping[str, Any]) -> Changes:
    clean = validate("scheme", SCHEME_RULES, values)
    with recorded(wb, "scheme", "Add scheme", clean) as tx:
        tx.insert("schemes", {**clean, "position": next_position(tx, "schemes")})
    return tx.changes("Add scheme")


def edit_scheme(wb: Workbook, scheme_id: int, values: Mapping[str, Any]) -> Changes:
    return edit_row(wb, "schemes", "scheme", SCHEME_RULES, scheme_id, values)


def delete_scheme(wb: Workbook, scheme_id: int) -> Changes:
    return delete_row(wb, "schemes", "scheme", scheme_id)


def set_scheme_count(
    wb: Workbook, scheme_id: int, financial_year: str, dimension: str, category: str,
    count: int | None, gender: str = ALL_GENDERS, quarter: int = 0,
) -> Changes:
    """Set one participant count; ``gender`` is the column it sits in, ``All`` if unsplit;
    ``quarter`` 1 to 4, or 0 for a count of the whole year only."""
    clean = validate("scheme count", COUNT_RULES, {
        "financial_year": financial_year, "quarter": quarter, "dimension": dimension, "category": category,
        "gender": gender, "count": count})  # fmt: skip
    description = f"Set {clean['dimension']} count '{clean['category']}' ({clean['gender']})"
    with recorded(wb, "scheme count", description) as tx:
        tx.require("schemes", {"id": scheme_id}, "Scheme")
        if clean["count"] is not None:
            _refuse_both_ways(tx, "scheme_counts", scheme_id, clean, "counts")
            ensure_category(tx, "scheme_categories", {"scheme_id": scheme_id},
                            clean["dimension"], clean["category"])  # fmt: skip
        where = {"scheme_id": scheme_id, **{k: clean[k] for k in COUNT_RULES if k != "count"}}
        set_cell(tx, "scheme_counts", where,
                 None if clean["count"] is None else {"count": clean["count"]})  # fmt: skip
    return tx.changes(description)


def set_scheme_measure(
    wb: Workbook, scheme_id: int, financial_year: str, measure: str, value: float | None, quarter: int = 0
) -> Changes:
    """Set one figure (referrals received, a rate...) for a quarter, or for the whole year
    (0); a percent measure is at most 100, a count a whole number."""
    clean, problems = collect(MEASURE_RULES, {
        "financial_year": financial_year, "quarter": quarter, "measure": measure, "value": value})  # fmt: skip
    refuse("scheme measure", problems + measure_problems(clean))
    description = f"Set {clean['measure']}"
    with recorded(wb, "scheme measure", description) as tx:
        tx.require("schemes", {"id": scheme_id}, "Scheme")
        if clean["value"] is not None:
            _refuse_both_ways(tx, "scheme_measures", scheme_id, clean, clean["measure"].replace("_", " "))
        where = {"scheme_id": scheme_id, **{k: clean[k] for k in ("financial_year", "quarter", "measure")}}
        set_cell(tx, "scheme_measures", where,
                 None if clean["value"] is None else {"value": clean["value"]})  # fmt: skip
    return tx.changes(description)


def _refuse_both_ways(tx: Any, table: str, scheme_id: int, clean: Mapping[str, Any], what: str) -> None:
    """A year of a scheme is recorded by quarter or for the whole year, never both (its year
    would count twice): refuse a figure of the other kind than those already there."""
    same = "AND measure = ?" if table == "scheme_measures" else ""
    args = [scheme_id, clean["financial_year"], *([clean["measure"]] if same else [])]
    other = "quarter > 0" if clean["quarter"] == 0 else "quarter = 0"
    if tx.conn.execute(f"SELECT 1 FROM {table} WHERE scheme_id = ? AND financial_year = ? {same} AND {other}",
                       args).fetchone() is None:  # fmt: skip
        return
    name = tx.conn.execute("SELECT name FROM schemes WHERE id = ?", [scheme_id]).fetchone()[0]
    held, typed = ("by quarter", "the whole year") if clean["quarter"] == 0 else ("for the whole year", "a quarter")
    verb = "are" if what == "counts" else "is"
    raise OpccError(f"{name}'s {what} for {clean['financial_year']} {verb} recorded {held}, so a figure for "
                    f"{typed} cannot be added beside {'them' if verb == 'are' else 'it'} (the year would count "
                    "it twice). Enter it the same way, or clear the others first.")  # fmt: skip


def measure_problems(figure: Mapping[str, Any]) -> list[Problem]:
    """A measure's value fits its kind: a percent is at most 100, a count a whole number."""
    measure, value = figure.get("measure"), figure.get("value")
    rule = MEASURE_VALUES.get(SCHEME_MEASURES.get(measure, ""))
    if value is None or rule is None:
        return []
    return [Problem(p.field, p.value, f"{p.message} for {measure}", p.allowed)
            for p in collect({"value": rule}, {"value": value})[1]]  # fmt: skip


def schemes(wb: Workbook) -> list[dict[str, Any]]:
    return wb.rows("SELECT * FROM schemes ORDER BY position, id")


def recorded_by_quarter(wb: Workbook, scheme_id: int, financial_year: str) -> bool:
    """Whether a scheme's counts for a year are recorded by quarter (else for the year)."""
    return wb.scalar("SELECT count(*) FROM scheme_counts WHERE scheme_id = ? AND financial_year = ? AND quarter > 0",
                     [scheme_id, financial_year]) > 0  # fmt: skip


def scheme_counts(wb: Workbook, scheme_id: int, financial_year: str, quarter: int | None = None
                  ) -> list[dict[str, Any]]:  # fmt: skip
    """The counts recorded for one quarter (1 to 4, or 0: for the whole year only), or with
    ``quarter`` None the year's: each the sum of its quarters, however it was recorded."""
    period = "" if quarter is None else "AND c.quarter = ?"
    return wb.rows(
        "SELECT c.dimension, c.category, c.gender, sum(c.count) AS count FROM scheme_counts c"
        " JOIN scheme_categories k ON k.scheme_id = c.scheme_id AND k.dimension = c.dimension"
        f" AND k.category = c.category WHERE c.scheme_id = ? AND c.financial_year = ? {period}"
        " GROUP BY c.dimension, c.category, c.gender ORDER BY c.dimension, min(k.position), c.gender",
        [scheme_id, financial_year, *([] if quarter is None else [quarter])],
    )
