"""The financial years a workbook holds figures or text for (what a report can be made for)."""

from __future__ import annotations

from ..store.workbook import Workbook

YEAR_TABLES = ("service_counts", "scheme_counts", "kpi_values", "narratives", "edi_assessments")


def financial_years(wb: Workbook) -> list[str]:
    """Every financial year with data, latest first."""
    union = " UNION ".join(f"SELECT DISTINCT financial_year FROM {table}" for table in YEAR_TABLES)
    return [row["financial_year"] for row in wb.rows(f"SELECT financial_year FROM ({union}) ORDER BY 1 DESC")]


def latest_quarter(wb: Workbook, financial_year: str) -> int:
    """The last quarter of ``financial_year`` with a KPI figure (1 if none)."""
    found = wb.scalar("SELECT max(quarter) FROM kpi_values WHERE financial_year = ?"
                      " AND (value IS NOT NULL OR status != '')", [financial_year])  # fmt: skip
    return int(found or 1)
