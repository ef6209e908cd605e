"""Financial years and dates: which years a workbook holds figures or text for (what a report
can be made for), the year a day falls in, and a date as the documents and the window write it."""

from __future__ import annotations

import datetime as dt

from ..store.workbook import Workbook

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")  # named here, not by strftime, whose names follow the locale

YEAR_TABLES = ("service_counts", "scheme_counts", "kpi_values", "narratives", "edi_assessments")


def financial_years(wb: Workbook) -> list[str]:
    """Every financial year with data, latest first."""
    union = " UNION ".join(f"SELECT DISTINCT financial_year FROM {table}" for table in YEAR_TABLES)
    return [row["financial_year"] for row in wb.rows(f"SELECT financial_year FROM ({union}) ORDER BY 1 DESC")]


def financial_year_of(day: dt.date) -> str:
    """The financial year (1 April to 31 March) a day falls in: 2022-03-31 -> "2021/22"."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def long_date(day: dt.date | str) -> str:
    """A date as the documents write it: "31 March 2022", from a date or "2022-03-31" (any
    other text is given back as it is)."""
    if not isinstance(day, dt.date):
        try:
            day = dt.date.fromisoformat(str(day)[:10])
        except ValueError:
            return str(day)
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def latest_quarter(wb: Workbook, financial_year: str) -> int:
    """The last quarter of ``financial_year`` with a KPI figure (1 if none)."""
    found = wb.scalar("SELECT max(quarter) FROM kpi_values WHERE financial_year = ?"
                      " AND (value IS NOT NULL OR status != '')", [financial_year])  # fmt: skip
    return int(found or 1)
