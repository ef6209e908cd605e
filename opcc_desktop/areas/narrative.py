"""Narrative text per report, year (and quarter, for the quarterly update) and section.

Text uses a small Markdown subset (see documents/markup.py): ``#`` headings, ``**bold**``,
``*italics*``, ``- `` bullet lists, ``[label](url)`` links (only http, https and mailto become
links), quotes, case-study boxes, simple tables and pictures stored in the workbook. Which
sections take text is the year's outline (see :mod:`.outline`).
"""

from __future__ import annotations

from ..errors import Problem
from ..store.changes import Changes
from ..store.workbook import Workbook
from .editing import recorded, set_cell
from .validation import choice, collect, financial_year, long_text, refuse
from .outline import text_sections
from .vocab import QUARTERLY_REPORTS, REPORT_SECTIONS


def set_narrative(
    wb: Workbook, report: str, financial_year_: str, section: str, text_: str | None,
    quarter: int = 0,
) -> Changes:
    """Write one section's text; empty text removes it."""
    clean, problems = collect({
        "report": choice(tuple(REPORT_SECTIONS)), "financial_year": financial_year(),
        "text": long_text()}, {"report": report, "financial_year": financial_year_, "text": text_})  # fmt: skip
    if "report" in clean:
        year = clean.get("financial_year")
        sections = text_sections(wb, clean["report"], year) if year else REPORT_SECTIONS[clean["report"]]
        if section not in sections:
            problems.append(Problem("section", section, f"is not a section of {clean['report']}"
                                    + (f" for {year}" if year else "") + " that takes text",
                                    ", ".join(sections)))  # fmt: skip
        quarterly = clean["report"] in QUARTERLY_REPORTS
        if quarterly and quarter not in (1, 2, 3, 4):
            problems.append(Problem("quarter", quarter, "is needed for a quarterly report", "1, 2, 3 or 4"))
        if not quarterly and quarter != 0:
            problems.append(Problem("quarter", quarter, "is not used by a yearly report", "0"))
    refuse("narrative", problems)
    description = f"Edit {clean['report']} {section} text"
    where = {"report": clean["report"], "financial_year": clean["financial_year"],
             "quarter": quarter, "section": section}  # fmt: skip
    with recorded(wb, "narrative", description) as tx:
        set_cell(tx, "narratives", where, {"text": clean["text"]} if clean["text"] else None)
    return tx.changes(description)
