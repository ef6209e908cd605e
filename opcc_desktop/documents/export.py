"""The four documents. Each module exposes ``build(wb, financial_year, quarter)`` returning a
:class:`opcc_desktop.documents.pdf.ReportDocument`; this registry writes it out.

The three public documents read the workbook only through :mod:`opcc_desktop.figures.publishable`
(import-linter forbids them the area modules), so private data cannot reach them.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import Any

from ..areas.publications import record_publication
from ..errors import OpccError, counted
from ..figures.plan import Decided
from ..figures.plan_audit import audit_document
from ..store.user_paths import atomic_output, check_output
from ..store.workbook import Workbook
from .pdf.styles import house_styles
from .preflight import picture_problems
from .release import FINAL, Release, check_release
from .requests import QUARTERLY, REPORTS, check_request

def load_document(report: str, fmt: str = "pdf") -> ModuleType:
    """The module that builds ``report``, imported, with the house faces read for a PDF (once
    per process): a command does this while its workbook opens (see ``commands.ahead``)."""
    module = importlib.import_module(REPORTS[report])
    if fmt == "pdf":
        house_styles()
    return module


def export_report(
    wb: Workbook, report: str, financial_year: str, quarter: int | None, out: Path, fmt: str = "pdf",
    publish: bool = False, release: Release = FINAL, tables: bool = False,
) -> Path:
    """Build the document and write it to ``out`` atomically (a failed export leaves no
    half-written file, and never replaces a good one; see :mod:`opcc_desktop.store.user_paths`, which
    also keeps it off any workbook). ``fmt`` "html" gives the accessible HTML edition of a
    public document.

    A final edition lacking a required section is refused, listing them
    (:mod:`opcc_desktop.documents.release`); a draft cannot be published. A public document is
    audited before it is written (:func:`check_disclosure`); with ``publish`` the edition is
    recorded as published with every figure it printed, so later editions of the year are
    planned with it. With ``tables`` its tables are also written as an accessible spreadsheet
    beside it (``out`` with the suffix .xlsx), which a PDF carries inside and the HTML links."""
    financial_year = check_request(report, financial_year, quarter, fmt)
    check_release(report, out, publish, release, tables)
    data_out = out.with_suffix(".xlsx") if tables else None
    for path in (out, data_out):
        if path is not None:
            check_output(path)
    if not release.draft:
        check_pictures(wb, report, financial_year, quarter if report in QUARTERLY else 0)
    module = load_document(report, fmt)
    period = quarter if report in QUARTERLY else 0
    extra = {"document": _html_class()} if fmt == "html" else {}
    document = module.build(wb, financial_year, period, release=release, **extra)
    sections = getattr(document, "release_sections", None)
    if sections is not None:
        sections.check(report)
    plan = getattr(document, "disclosure_plan", None)
    if plan is not None:
        check_disclosure(plan, report)
    data = _attach_tables(document, release, data_out) if data_out is not None else None
    with atomic_output(out) as temporary, temporary.open("wb") as handle:
        document.build(handle)
    if data_out is not None and data is not None:
        with atomic_output(data_out) as temporary:
            temporary.write_bytes(data)
    if publish:
        printed = {key: (p.value, p.shown) for key, p in plan.printed.items()} if plan else None
        record_publication(wb, report, financial_year, period, printed=printed)
    return out


def _html_class() -> type:
    from .html_document import HtmlDocument

    return HtmlDocument


def _attach_tables(document: Any, release: Release, out: Path) -> bytes:
    """The document's tables as an accessible spreadsheet (to be written at ``out`` once the
    document is), carried inside a PDF and linked from the HTML edition."""
    from .data_tables import spreadsheet_bytes

    title = ("DRAFT - " if release.draft else "") + document.title
    data = spreadsheet_bytes(document, title=title, period=document.period or document.subtitle,
                             office=document.office, published=release.published,
                             contact=getattr(document, "contact", ""))  # fmt: skip
    if hasattr(document, "attach"):
        document.attach(out.name, data, "The report's tables as a spreadsheet")
    else:
        document.link_data(out.name, f"The tables in this report as a spreadsheet ({out.name})")
    return data


def check_pictures(wb: Workbook, report: str, financial_year: str, quarter: int) -> None:
    """Refuse a final edition showing a picture without alt text (a reader who cannot see it
    would learn nothing) or one missing from the workbook (the page would show a gap); a draft
    marks them in place instead."""
    found = picture_problems(wb, report, financial_year, quarter)
    if found:
        lines = "\n".join(f"  - {finding.message}" for finding in found)
        raise OpccError(f"The final {report} document was not written: its pictures need attention:\n{lines}\n"
                        "Mend them (or export a draft, which marks them in place), then export again.")


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
