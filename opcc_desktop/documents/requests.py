"""Which documents there are, and the checks that refuse a request for one before any work
is done. Kept apart from the documents themselves so that a command can check a request
without loading them (they bring in reportlab and the disclosure planner)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..areas.periods import financial_years
from ..areas.validation import is_financial_year
from ..areas.vocab import PUBLIC_REPORTS, QUARTERLY_REPORTS
from ..errors import OpccError

if TYPE_CHECKING:
    from ..store.workbook import Workbook

REPORTS = {
    "annual-equality": "opcc_desktop.documents.annual_equality",
    "performance-update": "opcc_desktop.documents.performance_update",
    "workforce-pack": "opcc_desktop.documents.workforce_pack",
    "panel-report": "opcc_desktop.documents.panel_report",
}
QUARTERLY = QUARTERLY_REPORTS


FORMATS = ("pdf", "html")


def check_request(report: str, financial_year: str, quarter: int | None, fmt: str = "pdf") -> str:
    """Refuse a document that cannot be made, before any work is done; returns the year as
    it is stored (``2021/22``)."""
    if report not in REPORTS:
        raise OpccError(f"There is no report called {report!r}; choose one of: {', '.join(REPORTS)}.")
    year = str(financial_year).strip()
    if not is_financial_year(year):
        raise OpccError(f"{financial_year!r} is not a financial year: write it like 2021/22 "
                        "(1 April 2021 to 31 March 2022).")  # fmt: skip
    if report in QUARTERLY and quarter not in (1, 2, 3, 4):
        raise OpccError(f"The {report} report is quarterly: give its quarter (--quarter 1 to 4; 1 is Apr-Jun).")
    if report not in QUARTERLY and quarter is not None:
        raise OpccError(f"The {report} report covers a whole financial year, so it takes no quarter.")
    if fmt not in FORMATS or (fmt == "html" and report not in PUBLIC_REPORTS):
        raise OpccError(f"The {report} report is exported as PDF only (the HTML edition is for public documents).")
    return year


def check_year_held(wb: Workbook, report: str, financial_year: str) -> None:
    """Refuse a public document for a year the workbook holds nothing for: a year typed by
    hand is more likely mistyped than wanted empty (a document for an empty workbook can
    still be made, and says it has no figures). The internal pack says itself when a year
    has no workforce snapshot."""
    held = financial_years(wb)
    if report in PUBLIC_REPORTS and financial_year not in held:
        offered = ", ".join(held) if held else "none yet"
        raise OpccError(f"The workbook holds no figures or text for {financial_year}, so the {report} "
                        f"document would be empty. Years it holds: {offered}.")  # fmt: skip
