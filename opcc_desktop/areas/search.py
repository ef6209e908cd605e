"""Finding things (Edit › Find…): one search over what the window shows.

Staff references, services, schemes, KPIs, goals and their yearly updates, EDI framework
areas and their evidence, and the narrative text of each document's sections. Matching is a
case-insensitive substring match done by SQLite (``LIKE``: case-insensitive for ASCII
letters), with the officer's own ``%``, ``_`` and ``\\`` taken literally. Each area's query
is ordered and limited in SQL, so a workforce of 50,000 rows is never read into Python; the
hits are then merged: exact matches first, then by area in the window's tab order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..store.workbook import Workbook
from .outline import outline, slot_title, text_sections
from .periods import long_date
from .vocab import REPORT_SECTIONS

AREAS = ("staff", "service", "scheme", "kpi", "goal", "edi_area", "narrative")  # the tabs' order
REPORT_NAMES = {"annual-equality": "Annual report", "performance-update": "Performance update",
                "workforce-pack": "Workforce pack", "panel-report": "Panel report"}  # fmt: skip
SNIPPET_BEFORE, SNIPPET_AFTER = 30, 50  # characters of context around a match in a text
MARKUP = re.compile(r"^\s*(?:#+|[-*+>]|\d+[.)]|:::[\w -]*)\s+|\*\*?", re.MULTILINE)  # heading, bullet, bold...
ESCAPE = "\\"


@dataclass(frozen=True)
class Hit:
    """One thing found, with what the window needs to show it: ``row_id`` is the staff row,
    service, scheme, KPI, goal or EDI area (0 for a narrative); ``year`` the report year of a
    goal update or of EDI evidence, or a narrative's financial year."""

    area: str
    label: str
    row_id: int = 0
    snapshot_id: int = 0
    staff_ref: str = ""
    report: str = ""
    year: str = ""
    quarter: int = 0
    section: str = ""
    exact: bool = False  # the whole name (or text) is what was searched for


def like_pattern(text: str, prefix: bool = False) -> str:
    """``text`` as a LIKE pattern (with ``ESCAPE '\\'``) matching it anywhere, or only at the
    start with ``prefix``; its own ``%``, ``_`` and ``\\`` match only themselves."""
    escaped = text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    return f"{escaped}%" if prefix else f"%{escaped}%"


def search(wb: Workbook, text: str, limit: int = 50) -> list[Hit]:
    """At most ``limit`` things holding ``text`` (any case), exact matches first, then by area;
    nothing for empty or blank text."""
    needle = text.strip()
    if not needle or limit <= 0:
        return []
    params = [needle, like_pattern(needle, prefix=True), like_pattern(needle), limit]
    ranked: list[tuple[tuple[Any, ...], Hit]] = []
    for area, find in FINDERS:
        for rank, order, hit in find(wb, params, needle):
            ranked.append(((rank != 0, AREAS.index(area), rank, order), hit))
    ranked.sort(key=lambda pair: pair[0])
    return [hit for _, hit in ranked[:limit]]


# Parameters every query takes: ?1 the text, ?2 it as a prefix pattern, ?3 anywhere, ?4 the limit.
def _rank(column: str) -> str:
    """0 when ``column`` is the text, 1 when it starts with it, 2 when it holds it, else 3."""
    return (f"CASE WHEN {column} = ?1 COLLATE NOCASE THEN 0 WHEN {column} LIKE ?2 ESCAPE '{ESCAPE}' THEN 1"
            f" WHEN {column} LIKE ?3 ESCAPE '{ESCAPE}' THEN 2 ELSE 3 END")  # fmt: skip


def _holds(*columns: str) -> str:
    return " OR ".join(f"{column} LIKE ?3 ESCAPE '{ESCAPE}'" for column in columns)


Found = Iterable[tuple[int, int, Hit]]  # (rank, place within the area, hit)


def _staff(wb: Workbook, params: list[Any], needle: str) -> Found:
    rows = wb.rows(
        f"SELECT s.id, s.snapshot_id, s.staff_ref, w.snapshot_date, {_rank('s.staff_ref')} AS rank"
        " FROM staff s JOIN workforce_snapshots w ON w.id = s.snapshot_id"
        f" WHERE {_holds('s.staff_ref')} ORDER BY rank, w.snapshot_date DESC, s.staff_ref LIMIT ?4",
        params)  # fmt: skip
    for order, r in enumerate(rows):
        label = f"Staff {r['staff_ref']} — snapshot {long_date(r['snapshot_date'])}"
        yield r["rank"], order, Hit("staff", label, r["id"], r["snapshot_id"], r["staff_ref"], exact=r["rank"] == 0)


def _services(wb: Workbook, params: list[Any], needle: str) -> Found:
    rows = wb.rows(f"SELECT id, name, service_type, {_rank('name')} AS rank FROM services"
                   f" WHERE {_holds('name', 'service_type')} ORDER BY rank, position, id LIMIT ?4", params)  # fmt: skip
    for order, r in enumerate(rows):
        kind = f" ({r['service_type']})" if r["service_type"] else ""
        yield r["rank"], order, Hit("service", f"Service: {r['name']}{kind}", r["id"], exact=r["rank"] == 0)


def _schemes(wb: Workbook, params: list[Any], needle: str) -> Found:
    rows = wb.rows(f"SELECT id, name, {_rank('name')} AS rank FROM schemes WHERE {_holds('name')}"
                   " ORDER BY rank, position, id LIMIT ?4", params)  # fmt: skip
    for order, r in enumerate(rows):
        yield r["rank"], order, Hit("scheme", f"Scheme: {r['name']}", r["id"], exact=r["rank"] == 0)


def _kpis(wb: Workbook, params: list[Any], needle: str) -> Found:
    rows = wb.rows(
        f"SELECT k.id, k.name, {_rank('k.name')} AS rank FROM kpis k JOIN kpi_groups g ON g.id = k.group_id"
        f" JOIN strategic_outcomes o ON o.id = g.outcome_id WHERE {_holds('k.name')}"
        " ORDER BY rank, o.position, o.id, g.position, g.id, k.position, k.id LIMIT ?4", params)  # fmt: skip
    for order, r in enumerate(rows):
        yield r["rank"], order, Hit("kpi", f"KPI: {r['name']}", r["id"], exact=r["rank"] == 0)


def _goals(wb: Workbook, params: list[Any], needle: str) -> Found:
    """Goals by title or description, then the goals' yearly updates by their text."""
    rows = wb.rows(f"SELECT id, set_for_year, title, description, {_rank('title')} AS rank FROM goals"
                   f" WHERE {_holds('title', 'description')} ORDER BY rank, set_for_year, position, id LIMIT ?4",
                   params)  # fmt: skip
    for order, r in enumerate(rows):
        found = "" if r["rank"] < 3 else f" — {snippet(r['description'], needle)}"
        label = f"Goal (set for {r['set_for_year']}): {r['title']}{found}"
        yield r["rank"], order, Hit("goal", label, r["id"], exact=r["rank"] == 0)
    updates = wb.rows(
        "SELECT g.id, g.title, u.report_year, u.text FROM goal_updates u JOIN goals g ON g.id = u.goal_id"
        f" WHERE {_holds('u.text')} ORDER BY u.report_year DESC, g.set_for_year, g.position, g.id LIMIT ?4",
        params)  # fmt: skip
    for order, r in enumerate(updates, start=len(rows)):
        label = f"Goal update {r['report_year']}: {r['title']} — {snippet(r['text'], needle)}"
        yield 3, order, Hit("goal", label, r["id"], year=r["report_year"])


def _edi_areas(wb: Workbook, params: list[Any], needle: str) -> Found:
    """EDI framework areas by name, then the evidence of their yearly assessments."""
    rows = wb.rows(f"SELECT id, name, {_rank('name')} AS rank FROM edi_areas WHERE {_holds('name')}"
                   " ORDER BY rank, position, id LIMIT ?4", params)  # fmt: skip
    for order, r in enumerate(rows):
        yield r["rank"], order, Hit("edi_area", f"EDI area: {r['name']}", r["id"], exact=r["rank"] == 0)
    evidence = wb.rows(
        "SELECT a.id, a.name, e.financial_year, e.evidence FROM edi_assessments e JOIN edi_areas a"
        f" ON a.id = e.area_id WHERE {_holds('e.evidence')} ORDER BY e.financial_year DESC, a.position, a.id"
        " LIMIT ?4", params)  # fmt: skip
    for order, r in enumerate(evidence, start=len(rows)):
        label = f"EDI evidence {r['financial_year']}: {r['name']} — {snippet(r['evidence'], needle)}"
        yield 3, order, Hit("edi_area", label, r["id"], year=r["financial_year"])


def _narratives(wb: Workbook, params: list[Any], needle: str) -> Found:
    """Section texts, latest year first, each document's in outline order. Only sections the
    year's outline still has are found (the Reports tab shows no other); the table holds a
    few hundred texts at most, so they are checked against the outlines here."""
    rows = wb.rows(f"SELECT report, financial_year, quarter, section, text, {_rank('text')} AS rank"
                   f" FROM narratives WHERE {_holds('text')}", params[:3])  # fmt: skip
    sections: dict[tuple[str, str], tuple[str, ...]] = {}
    titles: dict[tuple[str, str], dict[str, str]] = {}
    shown = []
    for r in rows:
        key = (r["report"], r["financial_year"])
        if key not in sections:
            sections[key] = text_sections(wb, *key)
            titles[key] = {part.key: part.title for part in outline(wb, *key)}
        if r["section"] in sections.get(key, ()):
            place = (-int(r["financial_year"][:4]), list(REPORT_SECTIONS).index(r["report"]), r["quarter"],
                     sections[key].index(r["section"]))  # fmt: skip
            shown.append((r["rank"], place, r))
    shown.sort(key=lambda found: found[:2])
    for order, (rank, _, r) in enumerate(shown[: params[3]]):
        title = titles[(r["report"], r["financial_year"])].get(r["section"]) or slot_title(r["section"])
        quarter = f" Q{r['quarter']}" if r["quarter"] else ""
        label = f"{REPORT_NAMES[r['report']]} {r['financial_year']}{quarter} › {title}: {snippet(r['text'], needle)}"
        yield rank, order, Hit("narrative", label, report=r["report"], year=r["financial_year"],
                               quarter=r["quarter"], section=r["section"], exact=rank == 0)  # fmt: skip


FINDERS: tuple[tuple[str, Callable[[Workbook, list[Any], str], Found]], ...] = (
    ("staff", _staff), ("service", _services), ("scheme", _schemes), ("kpi", _kpis), ("goal", _goals),
    ("edi_area", _edi_areas), ("narrative", _narratives),
)  # fmt: skip


def snippet(text: str, needle: str) -> str:
    """The words around the first match of ``needle`` in ``text``, on one line and without the
    narrative's markup: "…words before the match and after…"."""
    flat = " ".join(MARKUP.sub("", str(text)).split())
    found = re.search(re.escape(" ".join(needle.split())), flat, re.IGNORECASE)
    at, end = (found.start(), found.end()) if found else (0, 0)
    start = max(0, at - SNIPPET_BEFORE)
    if start > 0 and " " in flat[start:at]:
        start = flat.index(" ", start) + 1  # begin on a whole word
    stop = min(len(flat), end + SNIPPET_AFTER)
    if stop < len(flat) and " " in flat[end:stop]:
        stop = flat.rindex(" ", end, stop)  # and end on one
    return f"{'…' if start > 0 else ''}{flat[start:stop]}{'…' if stop < len(flat) else ''}"
