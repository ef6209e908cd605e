"""Draft or final: what an edition of a document is released as, and what a final one lacks.

A draft prints a placeholder where officers have not yet written a section, and a DRAFT mark
on every page, so a reviewer sees what is still to come. A final edition (and every edition
recorded as published) prints no placeholder: an empty optional section is left out, with its
heading and its contents line, and an empty required section stops the export with the list of
what is missing. Which sections are required is a workbook setting per document
(``documents.required.<report>``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pathlib import Path

from ..areas.vocab import PUBLIC_REPORTS
from ..errors import OpccError

__all__ = ["DRAFT", "DRAFT_PREFIX", "FINAL", "MEETING_REPORTS", "Release", "Sections", "check_release",
           "next_edition"]


@dataclass(frozen=True)
class Release:
    """How an edition is released: ``published`` and ``next_update`` as printed on the cover
    ("7 December 2026"; the next update may be words such as "Quarter 1 2022/23 update, date to
    be announced"); ``meeting``, for a report to the Police and Crime Panel, the date of the
    meeting it goes to, as printed ("14 September 2022")."""

    draft: bool = False
    published: str = ""
    next_update: str = ""
    meeting: str = ""


DRAFT = "DRAFT"  # the mark on every page of a draft
DRAFT_PREFIX = f"{DRAFT} \u2013 "  # before a draft's title, in its metadata and running header
FINAL = Release()  # a final edition with no dates on its cover (the builders' default)
MEETING_REPORTS = ("panel-report",)  # documents written for a meeting, and dated by it


@dataclass
class Sections:
    """The officers' sections of one edition as the builder meets them: the text to print for
    each, and the required ones a final edition lacks."""

    draft: bool
    required: frozenset[str]
    missing: list[str] = field(default_factory=list)

    def text(self, key: str, label: str, written: str, placeholder: str) -> str:
        """What to print for section ``key`` (``label``: how an officer knows it): the text as
        written; else a draft's placeholder, or nothing in a final edition, where a required
        section is noted as missing."""
        if written.strip():
            return written
        if key in self.required:
            self.missing.append(label)
        return placeholder if self.draft else ""

    def check(self, report: str) -> None:
        """Refuse a final edition that lacks a required section, naming every one."""
        if self.draft or not self.missing:
            return
        lines = "\n".join(f"  - {label}" for label in dict.fromkeys(self.missing))
        raise OpccError(f"The final {report} document was not written: these required sections have no "
                        f"text:\n{lines}\nWrite them (or export a draft, which shows where they go; or "
                        f"make them optional in the settings), then export again.")  # fmt: skip


def check_release(report: str, out: Path, publish: bool, release: Release, tables: bool) -> None:
    """Refuse, before any work, an edition that cannot be released as asked."""
    if publish and release.draft:
        raise OpccError("A draft cannot be recorded as published: export the final edition to publish it.")
    _check_meeting(report, release)
    if tables and report not in PUBLIC_REPORTS:
        raise OpccError(f"The {report} document is internal: its tables are not written as a spreadsheet "
                        "(it carries its protective marking only as a PDF).")  # fmt: skip
    if tables and out.suffix.lower() == ".xlsx":
        raise OpccError(f"{out.name}: the document cannot be a .xlsx file when its tables are written beside "
                        "it as one. Give the document a .pdf or .html name.")  # fmt: skip


def _check_meeting(report: str, release: Release) -> None:
    """A report to the Panel is dated by its meeting, which members cite it by: a final one
    cannot go without the date (a draft says it is to be confirmed); no other document has one."""
    if report not in MEETING_REPORTS and release.meeting:
        raise OpccError(f"Only a report to the Police and Crime Panel is dated for a meeting: the {report} "
                        "document takes no meeting date (--meeting).")  # fmt: skip
    if report in MEETING_REPORTS and not release.meeting and not release.draft:
        raise OpccError(f"The final {report} document needs the date of the Police and Crime Panel meeting it "
                        "goes to: give it with --meeting YYYY-MM-DD (a --draft says the date is to be "
                        "confirmed).")  # fmt: skip


def next_edition(report: str, financial_year: str, quarter: int | None) -> str:
    """What a cover names as the next update when nobody has said: the next quarter's edition
    of a quarterly document (the next quarter's report to the Panel), next year's of a yearly
    one, its date not yet announced."""
    start = int(financial_year[:4])
    following = f"{start + 1}/{(start + 2) % 100:02d}"
    edition = "report to the Panel" if report in MEETING_REPORTS else "edition"
    if quarter in (1, 2, 3):
        return f"the Quarter {quarter + 1} {financial_year} {edition}, date to be announced"
    if quarter == 4:
        return f"the Quarter 1 {following} {edition}, date to be announced"
    return f"the {following} {edition}, date to be announced"
