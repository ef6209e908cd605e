"""Each document's outline: its sections in order, with the titles they print under.

A document type has a default outline. For a year, officers can shape it: add sections of
their own, rename any section, reorder them, and remove the ones that hold only their text.
Parts the document works out from the figures (the workforce statement, the KPI tables...)
can be moved and renamed but never removed or edited into other numbers; some of them open
with the officers' text too. A section nested inside a generated part (Consultation inside
the services, say) keeps its place there: it is a text slot of that part, not an outline entry.

A year the officers have not shaped uses the last outline they shaped before it (so next
year's report starts as this year's was), else the default.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..errors import Problem
from ..store.changes import Changes, Tx
from ..store.workbook import Workbook
from .editing import recorded
from .validation import Invalid, choice, collect, financial_year, refuse, text
from .vocab import REPORT_SECTIONS

__all__ = ["DEFAULT_OUTLINES", "Part", "add_section", "check_parts", "move_section", "nested_sections", "outline",
           "remove_section", "rename_section", "set_outline", "text_sections"]  # fmt: skip

MAX_TITLE = 120
MAX_SECTIONS = 40
KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")
RESERVED = ("commentary",)  # a required-sections name meaning every KPI group's commentary


@dataclass(frozen=True)
class Part:
    """One entry of an outline: ``key`` names its text (and, for a generated part, what the
    document works out there); ``title`` is the heading printed."""

    key: str
    title: str
    generated: bool = False  # worked out from the figures: can be moved and renamed, not removed...
    optional: bool = False  # ...unless the document can go without it (the panel report's appendix)

    @property
    def removable(self) -> bool:
        return not self.generated or self.optional


DEFAULT_OUTLINES: dict[str, tuple[Part, ...]] = {
    "annual-equality": (
        Part("foreword", "Message from the Commissioner"),
        Part("main_points", "Main points", generated=True),
        Part("introduction", "Introduction"),
        Part("governance", "Governance and oversight update"),
        Part("workforce", "Workforce Monitoring", generated=True),
        Part("services", "Victims and Criminal Justice Services", generated=True),
        Part("achievements", "Achievements"),
        Part("goals", "Equality goals", generated=True),
        Part("conclusion", "Conclusion"),
    ),
    "performance-update": (
        Part("main_points", "Main points", generated=True),
        Part("introduction", "Introduction", generated=True),
        Part("performance", "Performance", generated=True),  # one section per strategic outcome
        Part("delivery", "Delivery update", generated=True),
        Part("conclusion", "Conclusion"),
    ),
    "workforce-pack": (
        Part("summary", "Summary", generated=True),
        Part("breakdowns", "Breakdown by protected characteristic", generated=True),
        Part("declaration", "Declaration rates", generated=True),
        Part("leave", "Returns from maternity, paternity and adoption leave", generated=True),
        Part("observations", "Observations"),
    ),
    "panel-report": (
        Part("purpose", "Purpose of the Report"),
        Part("background", "Background"),
        Part("performance", "Performance against the Police and Crime Plan", generated=True),
        Part("delivery", "Delivery update"),
        Part("recommendations", "Recommendations"),
        Part("kpi_appendix", "Performance tables", generated=True, optional=True),  # Appendix A: the update's KPI tables
    ),
}


def outline(wb: Workbook, report: str, financial_year_: str) -> tuple[Part, ...]:
    """The outline of ``report`` for the year: as shaped for it, else as last shaped before
    it, else the default."""
    defaults = {p.key: p for p in DEFAULT_OUTLINES[report]}
    rows = wb.rows(
        "SELECT section, title FROM report_outlines WHERE report = ? AND financial_year = ("
        " SELECT max(financial_year) FROM report_outlines WHERE report = ? AND financial_year <= ?)"
        " ORDER BY position", [report, report, financial_year_])  # fmt: skip
    if not rows:
        return DEFAULT_OUTLINES[report]
    return tuple(_part(defaults, r["section"], r["title"]) for r in rows)


def text_sections(wb: Workbook, report: str, financial_year_: str) -> tuple[str, ...]:
    """The sections officers can write text for in the year: the outline's (bar generated
    parts that print figures only) and the slots nested in generated parts, in document order."""
    parts = outline(wb, report, financial_year_)
    slots = REPORT_SECTIONS[report]
    defaults = {p.key for p in DEFAULT_OUTLINES[report]}
    nested = [s for s in slots if s not in defaults]
    keys: list[str] = []
    for part in parts:
        if not part.generated or part.key in slots:
            keys.append(part.key)
        keys.extend(s for s in nested if _parent(report, s) == part.key)
    return tuple(keys)


def nested_sections(report: str, key: str) -> tuple[str, ...]:
    """The text slots printed inside generated part ``key`` (Consultation in the services)."""
    defaults = {p.key for p in DEFAULT_OUTLINES[report]}
    return tuple(s for s in REPORT_SECTIONS[report] if s not in defaults and _parent(report, s) == key)


def slot_title(slot: str) -> str:
    """A nested text slot's title, as the window lists it: "non_disclosure" -> "Non disclosure"."""
    return slot.replace("_", " ").capitalize()


def _parent(report: str, slot: str) -> str:
    """The default part a nested slot is printed in: the nearest part before it in the
    document's list of text sections."""
    defaults = {p.key for p in DEFAULT_OUTLINES[report]}
    before = REPORT_SECTIONS[report][: REPORT_SECTIONS[report].index(slot)]
    return next((s for s in reversed(before) if s in defaults), "")


# -- edits -----------------------------------------------------------------------------------
def set_outline(wb: Workbook, report: str, financial_year_: str, parts: Sequence[tuple[str, str]]) -> Changes:
    """Make ``parts`` ((key, title) pairs, in order) the year's outline, as one edit. A section
    of the officers' own left out is removed with its text (every quarter's); a generated
    part cannot be left out."""
    year = _year(report, financial_year_)
    before = outline(wb, report, year)
    new = check_parts(report, parts, before)
    description = f"Change the outline of the {report} document for {year}"
    with recorded(wb, "outline", description) as tx:
        _write(tx, report, year, new, before)
    return tx.changes(description)


def add_section(wb: Workbook, report: str, financial_year_: str, title: str, after: str | None = None) -> Changes:
    """Add a section of the officers' own, titled ``title``, after section ``after`` (or at
    the end)."""
    year = _year(report, financial_year_)
    parts = [(p.key, p.title) for p in outline(wb, report, year)]
    keys = [k for k, _ in parts]
    at = keys.index(after) + 1 if after in keys else len(parts)
    parts.insert(at, (new_key(report, keys, title), title))
    return set_outline(wb, report, year, parts)


def rename_section(wb: Workbook, report: str, financial_year_: str, key: str, title: str) -> Changes:
    year = _year(report, financial_year_)
    parts = [(k, title if k == key else t) for k, t in _pairs(wb, report, year, key)]
    return set_outline(wb, report, year, parts)


def move_section(wb: Workbook, report: str, financial_year_: str, key: str, to: int) -> Changes:
    """Move section ``key`` to position ``to`` (0 is first)."""
    year = _year(report, financial_year_)
    parts = _pairs(wb, report, year, key)
    moved = next(p for p in parts if p[0] == key)
    parts.remove(moved)
    parts.insert(max(0, min(to, len(parts))), moved)
    return set_outline(wb, report, year, parts)


def remove_section(wb: Workbook, report: str, financial_year_: str, key: str) -> Changes:
    year = _year(report, financial_year_)
    parts = [p for p in _pairs(wb, report, year, key) if p[0] != key]
    return set_outline(wb, report, year, parts)


def new_key(report: str, taken: Sequence[str], title: str) -> str:
    """A key for a new section from its title ("Our partners" -> "our_partners"), never one a
    section of the document has or could have."""
    base = re.sub(r"[^a-z0-9]+", "_", title.casefold()).strip("_")[:32] or "section"
    base = base if base[0].isalpha() else f"s_{base}"[:32]
    used = {*taken, *REPORT_SECTIONS[report], *RESERVED, *(p.key for p in DEFAULT_OUTLINES[report])}
    key, n = base, 1
    while key in used:
        n += 1
        key = f"{base}_{n}"
    return key


# -- checks ----------------------------------------------------------------------------------
def _year(report: str, financial_year_: str) -> str:
    clean, problems = collect({"report": choice(tuple(DEFAULT_OUTLINES)), "financial_year": financial_year()},
                              {"report": report, "financial_year": financial_year_})  # fmt: skip
    refuse("outline", problems)
    return clean["financial_year"]


def _pairs(wb: Workbook, report: str, year: str, key: str) -> list[tuple[str, str]]:
    parts = [(p.key, p.title) for p in outline(wb, report, year)]
    if key not in dict(parts):
        refuse("outline", [Problem("section", key, f"is not a section of the {report} document for {year}",
                                   ", ".join(k for k, _ in parts))])  # fmt: skip
    return parts


def check_parts(report: str, parts: Sequence[tuple[str, str]], before: Sequence[Part] = ()) -> list[Part]:
    """``parts`` ((key, title) pairs) as an outline of ``report``, or ValidationError listing
    every problem: names a section cannot have, a section twice, a generated part left out,
    a title empty, too long or on more than one line."""
    defaults = {p.key: p for p in DEFAULT_OUTLINES[report]}
    problems: list[Problem] = []
    new: list[Part] = []
    for number, (key, title) in enumerate(parts, start=1):
        where = f"section {number}"
        if key not in defaults and (not KEY.fullmatch(str(key)) or key in REPORT_SECTIONS[report] or key in RESERVED):
            problems.append(Problem(where, key, "is not a name a section can have",
                                    "lowercase letters, digits and _, starting with a letter; not a name the "
                                    "document already uses"))  # fmt: skip
        try:
            clean = _title(title)
        except Invalid as bad:
            problems.append(Problem(f"{where} title", title, bad.message, bad.allowed))
            continue
        new.append(_part(defaults, str(key), clean))
    keys = [p.key for p in new]
    problems += [Problem("section", k, "appears twice in the outline", "each section once")
                 for k in sorted({k for k in keys if keys.count(k) > 1})]  # fmt: skip
    titles = {p.key: p.title for p in before}
    problems += [Problem("section", p.key, f"({titles.get(p.key, p.title)}) is worked out from the figures and "
                         "cannot be removed", "move it or rename it instead")
                 for p in defaults.values() if not p.removable and p.key not in keys]  # fmt: skip
    if len(new) > MAX_SECTIONS:
        problems.append(Problem("outline", len(new), "has too many sections", f"at most {MAX_SECTIONS}"))
    refuse("outline", problems)
    return new


def _part(defaults: dict[str, Part], key: str, title: str) -> Part:
    """Section ``key`` under ``title``: a default part keeps what it is (generated, optional)."""
    return replace(defaults[key], title=title) if key in defaults else Part(key, title)


def _title(value: object) -> str:
    title = text(max_len=MAX_TITLE).clean(value)
    if "\n" in title:
        raise Invalid("is more than one line", "a heading on one line")
    return title


def _write(tx: Tx, report: str, year: str, new: Sequence[Part], before: Sequence[Part]) -> None:
    """Replace the year's rows with ``new``; delete the text of sections left out."""
    where = {"report": report, "financial_year": year}
    for (row_id,) in tx.conn.execute("SELECT id FROM report_outlines WHERE report = ? AND financial_year = ?"
                                     " ORDER BY position", [report, year]).fetchall():  # fmt: skip
        tx.delete("report_outlines", {"id": row_id})
    for position, part in enumerate(new, start=1):
        tx.insert("report_outlines", {**where, "position": position, "section": part.key, "title": part.title})
    gone = {p.key for p in before} - {p.key for p in new}
    for key in sorted(gone):
        for (row_id,) in tx.conn.execute("SELECT id FROM narratives WHERE report = ? AND financial_year = ?"
                                         " AND section = ? ORDER BY id", [report, year, key]).fetchall():  # fmt: skip
            tx.delete("narratives", {"id": row_id})
