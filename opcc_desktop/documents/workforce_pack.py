"""The Workforce Management Information Pack: internal, OFFICIAL-SENSITIVE on every page.

For the senior management team only, so it is exempt from small-number suppression and
prints real counts; it is never published. It prints aggregates only: no staff reference,
role or date of any one person appears.

The snapshot is the latest one dated within the financial year (1 April to 31 March), and it
is compared with the snapshot before it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from opcc_desktop.areas import settings, workforce
from opcc_desktop.areas.periods import long_date
from opcc_desktop.areas.vocab import CHARACTERISTIC_LABELS, UNDECLARED, WORKFORCE_CHARACTERISTICS
from opcc_desktop.documents import about
from opcc_desktop.documents.pdf import ReportDocument
from opcc_desktop.documents.pdf.styles import CONTENT_WIDTH
from opcc_desktop.documents.release import FINAL, Release
from opcc_desktop.errors import OpccError
from opcc_desktop.figures import publishable
from opcc_desktop.figures import workforce_analysis as wa
from opcc_desktop.figures.charts import ChartSpec
from opcc_desktop.figures.formatting import format_count, format_percent, percent
from opcc_desktop.store.workbook import Workbook

__all__ = ["MARKING", "TITLE", "build", "choose_snapshots", "year_bounds"]

TITLE = "Workforce Management Information Pack"
MARKING = "OFFICIAL-SENSITIVE"
REPORT = "workforce-pack"
MAX_CHART_CATEGORIES = 8
LONG_LABEL = 14  # characters; longer category names get horizontal bars
OTHER = "Other (combined)"


def year_bounds(financial_year: str) -> tuple[dt.date, dt.date]:
    """1 April and 31 March of a financial year written "2021/22"."""
    match = re.fullmatch(r"\s*(\d{4})\s*/\s*(\d{2}|\d{4})\s*", financial_year or "")
    if not match or int(match.group(2)[-2:]) != (int(match.group(1)) + 1) % 100:
        raise OpccError(f"{financial_year!r} is not a financial year; write it like 2021/22.")
    first = int(match.group(1))
    return dt.date(first, 4, 1), dt.date(first + 1, 3, 31)


def choose_snapshots(
    snapshots: Sequence[dict[str, Any]], start: dt.date, end: dt.date
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(the latest snapshot dated in [start, end], the one before it); None where missing."""
    ordered = sorted(snapshots, key=lambda s: (str(s["snapshot_date"]), s["id"]))
    current_index = None
    for i, snap in enumerate(ordered):
        if start.isoformat() <= str(snap["snapshot_date"]) <= end.isoformat():
            current_index = i
    if current_index is None:
        return None, None
    previous = ordered[current_index - 1] if current_index > 0 else None
    return ordered[current_index], previous


def _pct(value: Decimal | None) -> str:
    return "-" if value is None else format_percent(value)


def _signed(value: int) -> str:
    return f"+{value:,}" if value > 0 else f"{value:,}"


def _points(now: Decimal | None, before: Decimal | None) -> str:
    """A change in percentage points, one place: "+4.2", "-1.0", "0.0"; "-" when unknown."""
    if now is None or before is None:
        return "-"
    diff = now - before
    return f"+{diff:.1f}" if diff > 0 else f"{abs(diff):.1f}" if diff == 0 else f"{diff:.1f}"


def build(wb: Workbook, financial_year: str, quarter: int = 0, release: Release = FINAL) -> ReportDocument:
    """The pack for ``financial_year`` ("2021/22"); ``quarter`` is not used (yearly); a draft
    ``release`` is marked so on every page."""
    start, end = year_bounds(financial_year)
    current, previous = choose_snapshots(workforce.snapshots(wb), start, end)
    office = settings.settings(wb)["office_name"] or "Office of the Police and Crime Commissioner"
    texts = publishable.narrative(wb, REPORT, financial_year)
    subtitle = f"Snapshot at {long_date(current['snapshot_date'])}" if current else f"Financial year {financial_year}"
    doc = ReportDocument(
        TITLE,
        office=office,
        subtitle=subtitle,
        period=f"Financial year {financial_year}" if current else "",
        logo=settings.logo(wb),
        marking=MARKING,
        subject=f"{TITLE}, financial year {financial_year}",
        keywords=("workforce", "equality monitoring", "internal", financial_year),
        cover_note=("Internal management information for the senior management team only. "
                    "Not for publication: counts are shown in full, without small-number suppression."),
        draft=release.draft,
        pictures=publishable.pictures(wb),
    )  # fmt: skip
    if current is None:
        _missing(doc, financial_year, texts, publishable.outline(wb, REPORT, financial_year)[0].title)
        return _with_contact(doc, wb, office)
    now_rows = workforce.staff_rows(wb, current["id"])
    before_rows = workforce.staff_rows(wb, previous["id"]) if previous else None
    events = wb.rows(
        "SELECT l.leave_type, l.outcome FROM leave_events l JOIN staff s ON s.id = l.staff_id"
        " WHERE s.snapshot_id = ? ORDER BY l.id", [current["id"]])  # fmt: skip
    now_date = long_date(current["snapshot_date"])
    before_date = long_date(previous["snapshot_date"]) if previous else None
    parts = {
        "summary": lambda title: _summary(doc, title, texts, financial_year, now_rows, before_rows, now_date,
                                          before_date),
        "breakdowns": lambda title: _breakdowns(doc, title, now_rows, before_rows, now_date, before_date),
        "declaration": lambda title: _declaration(doc, title, now_rows, before_rows, now_date, before_date),
        "leave": lambda title: _leave(doc, title, wa.leave_summary(events), now_date),
    }
    for part in publishable.outline(wb, REPORT, financial_year):  # as the officers shaped it
        if part.key in parts:
            parts[part.key](part.title)
        else:
            doc.section(part.title)
            _narrative(doc, texts, part.key, financial_year)
    return _with_contact(doc, wb, office)


def _with_contact(doc: ReportDocument, wb: Workbook, office: str) -> ReportDocument:
    """The office's contact block on the back page, as the public documents have it."""
    details = publishable.release(wb, REPORT)
    about.contact_section(doc, details["contact"], office, details["office"])
    return doc


def _narrative(doc: ReportDocument, texts: dict[str, str], section: str, financial_year: str) -> None:
    text = texts.get(section, "").strip()
    if text:
        doc.paragraphs(text)
    else:
        doc.note(f"No {section.replace('_', ' ')} text has been written for {financial_year}.", label="To do")


def _missing(doc: ReportDocument, financial_year: str, texts: dict[str, str], title: str) -> None:
    doc.section(title)
    doc.note(f"No workforce snapshot is recorded for the financial year {financial_year} "
             "(dated 1 April to 31 March), so this pack has no figures. Add the year-end snapshot "
             "on the Workforce tab and export the pack again.", label="No data")  # fmt: skip
    _narrative(doc, texts, "summary", financial_year)


# -- 1 Summary -------------------------------------------------------------------------------


def _summary(doc: ReportDocument, title: str, texts: dict[str, str], financial_year: str, now: list[dict[str, Any]],
             before: list[dict[str, Any]] | None, now_date: str, before_date: str | None) -> None:  # fmt: skip
    doc.section(title)
    _narrative(doc, texts, "summary", financial_year)
    fte_now = wa.total_fte(now)
    if before is None:
        header = ["Measure", now_date]
        rows: list[list[str]] = [["Headcount", format_count(len(now))], ["Full-time equivalent (FTE)", f"{fte_now:,}"]]
        doc.table(f"Headcount and FTE, {now_date}", header, rows)
        doc.paragraphs("No earlier snapshot is recorded, so joiners, leavers and changes are not shown.")
        return
    fte_before = wa.total_fte(before)
    moves = wa.turnover(before, now)
    header = ["Measure", before_date or "", now_date, "Change"]
    rows = [
        ["Headcount", format_count(len(before)), format_count(len(now)), _signed(len(now) - len(before))],
        ["Full-time equivalent (FTE)", f"{fte_before:,}", f"{fte_now:,}",
         f"+{fte_now - fte_before:,}" if fte_now > fte_before else f"{fte_now - fte_before:,}"],
    ]  # fmt: skip
    doc.table(f"Headcount and FTE, {before_date} and {now_date}", header, rows,
              footnote="A member of staff with no FTE recorded is counted as full time.")  # fmt: skip
    doc.table(
        f"Joiners and leavers between {before_date} and {now_date}",
        ["Movement", "People"],
        [["Joiners (in this snapshot, not the previous one)", format_count(len(moves.joiners))],
         ["Leavers (in the previous snapshot, not this one)", format_count(len(moves.leavers))],
         ["Staff in both snapshots", format_count(len(moves.stayers))]],
        footnote="People are matched between snapshots by their HR staff reference.",
    )  # fmt: skip


# -- 2 Breakdown -------------------------------------------------------------------------------


def _chart_categories(counts: list[wa.CategoryCount]) -> tuple[list[str], list[int]]:
    """At most about eight bars: empty categories go first, then the smallest declared
    categories are combined into one "Other (combined)" bar. The table keeps them all."""
    items = [(c.category, c.count) for c in counts]
    if len(items) > MAX_CHART_CATEGORIES:
        items = [(c, n) for c, n in items if n > 0] or items[:1]
    if len(items) > MAX_CHART_CATEGORIES:
        declared = [(c, n) for c, n in items if c not in UNDECLARED]
        keep = MAX_CHART_CATEGORIES - 1 - sum(1 for c, _ in items if c in UNDECLARED)
        ranked = sorted(declared, key=lambda item: -item[1])
        kept = {c for c, _ in ranked[:keep]}
        other = sum(n for c, n in declared if c not in kept)
        items = ([(c, n) for c, n in declared if c in kept] + [(OTHER, other)]
                 + [(c, n) for c, n in items if c in UNDECLARED])  # fmt: skip
    return [c for c, _ in items], [n for _, n in items]


def _breakdowns(doc: ReportDocument, title: str, now: list[dict[str, Any]], before: list[dict[str, Any]] | None,
                now_date: str, before_date: str | None) -> None:  # fmt: skip
    doc.section(title)
    doc.paragraphs(
        f"Staff at {now_date} by each protected characteristic: the number in each category, "
        "its share of the headcount"
        + (f", the number at {before_date} and the change since." if before is not None else ".")
        + " Every category is listed, including those with nobody in them.")
    for name in WORKFORCE_CHARACTERISTICS:
        label = CHARACTERISTIC_LABELS[name]
        counts = wa.breakdown(now, name)
        doc.subsection(label)
        if before is not None:
            changes = {c.category: c for c in wa.change_between(before, now, name)}
            header = ["Category", "Count", "% of staff", f"Count at {before_date}", "Change"]
            rows: list[list[str]] = [
                [c.category, format_count(c.count), _pct(c.percent), format_count(changes[c.category].previous),
                 _signed(changes[c.category].difference)]
                for c in counts
            ]  # fmt: skip
            rows += [[f"{c.category} (previous only)", "0", _pct(Decimal(0) if now else None),
                      format_count(c.previous), _signed(c.difference)]
                     for key, c in changes.items() if key not in {x.category for x in counts}]  # fmt: skip
            rows.append(["Total", format_count(len(now)), _pct(Decimal(100) if now else None),
                         format_count(len(before)), _signed(len(now) - len(before))])  # fmt: skip
        else:
            header = ["Category", "Count", "% of staff"]
            rows = [[c.category, format_count(c.count), _pct(c.percent)] for c in counts]
            rows.append(["Total", format_count(len(now)), _pct(Decimal(100) if now else None)])
        doc.table(f"Staff by {label.lower()}, {now_date}", header, rows, total_row=True)
        categories, values = _chart_categories(counts)
        long_names = any(len(c) > LONG_LABEL for c in categories)
        spec = ChartSpec.bar(
            f"staff by {label.lower()}", categories, values, unit="count",
            value_label="Staff", category_label=label,
            orientation="horizontal" if long_names else "vertical",
        )  # fmt: skip
        doc.chart(f"Staff by {label.lower()}, {now_date}", spec, alternative="text")


# -- 3 Declaration rates --------------------------------------------------------------------------


def _declaration(doc: ReportDocument, title: str, now: list[dict[str, Any]], before: list[dict[str, Any]] | None,
                 now_date: str, before_date: str | None) -> None:  # fmt: skip
    doc.section(title)
    doc.paragraphs(
        "The declaration rate is the share of staff who answered the question: everyone except "
        "those recorded as \u201cPrefer not to say\u201d or \u201cNot declared\u201d. A low rate "
        "makes the breakdown above less reliable.")  # fmt: skip
    rates_now = wa.declaration_rates(now)
    rates_before = wa.declaration_rates(before) if before is not None else None
    rows: list[list[str]] = []
    for name, rate in rates_now.items():
        row = [CHARACTERISTIC_LABELS[name], f"{format_count(rate.declared)} of {format_count(rate.headcount)}",
               _pct(rate.rate)]  # fmt: skip
        if rates_before is not None:
            old = rates_before[name]
            row += [_pct(old.rate), _points(rate.rate, old.rate)]
        rows.append(row)
    header = ["Characteristic", "Declared", f"Rate at {now_date}"]
    if rates_before is not None:
        header += [f"Rate at {before_date}", "Change (points)"]
    if rates_before is not None:
        widths = [w * CONTENT_WIDTH for w in (0.30, 0.14, 0.20, 0.20, 0.16)]
    else:
        widths = [w * CONTENT_WIDTH for w in (0.45, 0.25, 0.30)]
    doc.table(f"Declaration rates by characteristic, {now_date}", header, rows, col_widths=widths,
              footnote="Change is in percentage points.")  # fmt: skip
    lowest = min(rates_now.values(), key=lambda r: (r.rate is None, r.rate or 0))
    if lowest.rate is not None:
        doc.paragraphs(f"The lowest declaration rate is for {CHARACTERISTIC_LABELS[lowest.characteristic].lower()} "
                       f"({_pct(lowest.rate)}).")  # fmt: skip


# -- 4 Leave ----------------------------------------------------------------------------------------


def _leave(doc: ReportDocument, title: str, summary: wa.LeaveSummary, now_date: str) -> None:
    doc.section(title)
    if summary.total == 0:
        doc.paragraphs(f"No maternity, paternity, adoption or shared parental leave is recorded for "
                       f"staff in the snapshot at {now_date}.")  # fmt: skip
        return
    doc.paragraphs(f"Family leave recorded for staff in the snapshot at {now_date}, by type of leave "
                   "and whether the person returned to work.")  # fmt: skip
    header = ["Type of leave", *summary.outcomes, "Total"]
    rows: list[list[str]] = [
        [kind, *(format_count(summary.count(kind, o)) for o in summary.outcomes), format_count(summary.type_total(kind))]
        for kind in summary.leave_types
    ]
    rows.append(["Total", *(format_count(summary.outcome_total(o)) for o in summary.outcomes),
                 format_count(summary.total)])  # fmt: skip
    doc.table(f"Returns from family leave, staff at {now_date}", header, rows, total_row=True)
    returned = summary.outcome_total("Returned")
    ended = returned + summary.outcome_total("Did not return")
    if ended:
        share = _pct(percent(returned, ended))
        doc.paragraphs(f"Of the {format_count(ended)} periods of leave that have ended, "
                       f"{format_count(returned)} ended with a return to work ({share}).")  # fmt: skip
