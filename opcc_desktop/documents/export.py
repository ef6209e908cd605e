"""The three documents. Each module exposes ``build(wb, financial_year, quarter)`` returning a
:class:`opcc_desktop.documents.pdf.ReportDocument`; this registry writes it out.

The two public documents read the workbook only through :mod:`opcc_desktop.figures.publishable`
(import-linter forbids them the area modules), so private data cannot reach them.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from ..areas.periods import financial_years
from ..areas.validation import is_financial_year
from ..areas.vocab import PUBLIC_REPORTS
from ..areas.publications import record_publication
from ..errors import OpccError, counted
from ..figures.plan import Decided
from ..figures.plan_audit import audit_document
from ..store.user_paths import atomic_output, check_output
from ..store.workbook import Workbook

REPORTS = {
    "annual-equality": "opcc_desktop.documents.annual_equality",
    "performance-update": "opcc_desktop.documents.performance_update",
    "workforce-pack": "opcc_desktop.documents.workforce_pack",
}
QUARTERLY = ("performance-update",)


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


def export_report(
    wb: Workbook, report: str, financial_year: str, quarter: int | None, out: Path, fmt: str = "pdf",
    publish: bool = False,
) -> Path:
    """Build the document and write it to ``out`` atomically (a failed export leaves no
    half-written file, and never replaces a good one; see :mod:`opcc_desktop.store.user_paths`, which
    also keeps it off any workbook). ``fmt`` "html" gives the accessible HTML edition of a
    public document.

    A public document is audited before it is written (:func:`check_disclosure`); with
    ``publish`` the edition is recorded as published with every figure it printed, so later
    editions of the year are planned with it."""
    financial_year = check_request(report, financial_year, quarter, fmt)
    check_output(out)
    module = importlib.import_module(REPORTS[report])
    period = quarter if report in QUARTERLY else 0
    if fmt == "html":
        from .html_document import HtmlDocument

        document = module.build(wb, financial_year, period, document=HtmlDocument)
    else:
        document = module.build(wb, financial_year, period)
    plan = getattr(document, "disclosure_plan", None)
    if plan is not None:
        check_disclosure(plan, report)
    with atomic_output(out) as temporary, temporary.open("wb") as handle:
        document.build(handle)
    if publish:
        printed = {key: (p.value, p.shown) for key, p in plan.printed.items()} if plan else None
        record_publication(wb, report, financial_year, period, printed=printed)
    return out


def check_disclosure(plan: Decided, report: str) -> None:
    """Refuse a public document in which the independent audit finds a small count printed,
    a hidden count that can be worked out or proved small, or a small group's members all
    shown to share one category."""
    found = audit_document(plan)
    if found.ok:
        return
    lines = "\n".join(f"  - {finding.message}" for finding in found.findings[:20])
    more = len(found.findings) - 20
    raise OpccError(f"The {report} document was not written: the disclosure audit found "
                    f"{counted(len(found.findings), 'problem')}:\n{lines}"
                    + (f"\n  ... and {more} more" if more > 0 else "")
                    + "\nRaise the threshold or correct the figures, then export again.")
