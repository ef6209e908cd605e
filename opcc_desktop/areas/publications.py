"""Published editions. Once a quarter's update is published, changing one of its KPI figures
marks the figure revised, as the published documents must show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ..store.changes import Changes, Tx
from ..store.workbook import Workbook
from .editing import recorded
from .validation import choice, date, financial_year, integer, validate
from .vocab import PUBLIC_REPORTS, REPORT_SECTIONS

RULES = {
    "report": choice(tuple(REPORT_SECTIONS)),
    "financial_year": financial_year(),
    "quarter": integer(low=0, high=4),
    "published_on": date(),
}


def record_publication(
    wb: Workbook, report: str, financial_year_: str, quarter: int = 0, published_on: str | None = None,
    printed: Mapping[str, tuple[int, bool]] | None = None,
) -> Changes:
    """Record that this edition was published (today, unless ``published_on`` is given),
    with what it ``printed``: per figure key, its value and whether it was shown. One edit,
    so undoing it forgets the figures too."""
    clean = validate("publication", RULES, {
        "report": report, "financial_year": financial_year_, "quarter": quarter,
        "published_on": published_on or dt.date.today().isoformat()})  # fmt: skip
    description = f"Record {clean['report']} {clean['financial_year']} as published"
    with recorded(wb, "publication", description) as tx:
        publication = tx.insert("publications", clean)["id"]
        if printed:
            tx.insert_many("published_figures", [
                {"publication_id": publication, "key": key, "value": int(value), "shown": int(shown)}
                for key, (value, shown) in printed.items()])  # fmt: skip
    return tx.changes(description)


def publications(wb: Workbook) -> list[dict[str, Any]]:
    return wb.rows("SELECT * FROM publications ORDER BY published_on, id")


def published_years(conn: Any) -> frozenset[str]:
    """The financial years with a published edition of a public document. Their figures are
    fixed: every later edition of the year is planned with what the published ones printed."""
    marks = ", ".join("?" * len(PUBLIC_REPORTS))
    found = conn.execute(f"SELECT DISTINCT financial_year FROM publications WHERE report IN ({marks})",
                         list(PUBLIC_REPORTS))  # fmt: skip
    return frozenset(row[0] for row in found.fetchall())


def kpi_quarter_published(tx: Tx, financial_year_: str, quarter: int) -> bool:
    """Has a performance update covering this quarter been published? (An update covers its
    own quarter and every earlier one.)"""
    found = tx.conn.execute(
        "SELECT 1 FROM publications WHERE report = 'performance-update' AND"
        " (financial_year > ? OR (financial_year = ? AND quarter >= ?)) LIMIT 1",
        [financial_year_, financial_year_, quarter],
    ).fetchone()
    return found is not None
