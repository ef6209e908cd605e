"""The exchange workbook: its sheets, their columns and how each is read from the workbook file.

One sheet per kind of record, tidy long format, one value per row, in display order (the
order of rows is the order of services, categories, KPIs... in the app and the documents).
Sheets are grouped in areas; an import replaces the areas the file has sheets for. The
sheets and columns are documented in docs/exchange-format.md; a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..areas.validation import (
    Field,
    Invalid,
    category,
    choice,
    date,
    financial_year,
    flag,
    integer,
    long_text,
    quarter_or_year,
    number,
    quarter,
    text,
)
from ..areas.vocab import (
    DERIVED_KINDS,
    GOAL_STATUSES,
    LEAVE_OUTCOMES,
    LEAVE_TYPES,
    POLARITIES,
    REPORT_SECTIONS,
    SCHEME_DIMENSIONS,
    SCHEME_MEASURES,
    SERVICE_DIMENSIONS,
    UNITS,
    VALUE_STATUSES,
)
from ..areas.kpis import COMPARATOR_RULES, FREQUENCIES
from ..areas.outline import MAX_TITLE
from ..areas.pictures import NAME_PATTERN
from ..areas.workforce import STAFF_RULES


def kept_flag() -> Field:
    """A yes/no whose blank cell, or missing column, means "as the workbook holds it" (None
    here; the import looks the stored flag up), so an edited extract cannot clear a flag."""
    return Field(flag().check, required=False, empty=None)


def quarter_or_zero() -> Field:
    return Field(integer(low=0, high=4).check, required=False, empty=0)


@dataclass(frozen=True)
class Sheet:
    name: str
    area: str
    rules: dict[str, Field]  # the columns, in order
    key: tuple[str, ...]  # what no two rows may share
    sql: str  # its rows from the workbook file, in display order
    optional: tuple[str, ...] = ()  # columns a file may leave out

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.rules)


NAME = text(max_len=250)
ORDER = integer(low=0, required=False)  # a category's display position, when not the order first used
YES_NO = "CASE {0} WHEN 1 THEN 'yes' ELSE 'no' END"
FIGURE_KEY_CHARS = 1000  # a published figure's key (KPI and category names are far shorter)
# Publications, each with its number among those sharing report, year, quarter and date.
NUMBERED_PUBLICATIONS = (
    "SELECT id, report, financial_year, quarter, published_on, row_number() OVER"
    " (PARTITION BY report, financial_year, quarter, published_on ORDER BY id) AS occurrence FROM publications"
)

def _asset_name(value: object) -> str:
    """The office logo ("logo") or a picture for the narrative (areas/pictures.py)."""
    name = str(value).strip()
    if name != "logo" and not NAME_PATTERN.fullmatch(name):
        raise Invalid("is not the logo or a picture's name",
                      "logo, or lowercase letters, digits and hyphens (at most 40), such as pcc-photo")  # fmt: skip
    return name


SHEETS: tuple[Sheet, ...] = (
    Sheet("settings", "settings", {"key": text(max_len=60), "value": long_text()}, ("key",),
          "SELECT key, value FROM settings ORDER BY key"),
    Sheet("assets", "assets",
          {"name": Field(_asset_name), "media_type": choice(("image/png", "image/jpeg")),
           "part": integer(low=1), "data": text(max_len=32_000)}, ("name", "part"),
          "SELECT name, media_type, data FROM assets ORDER BY name"),
    Sheet("workforce_snapshots", "workforce", {"snapshot_date": date(), "label": text(required=False)},
          ("snapshot_date",), "SELECT snapshot_date, label FROM workforce_snapshots ORDER BY snapshot_date"),
    Sheet("workforce", "workforce", {"snapshot_date": date(), **STAFF_RULES}, ("snapshot_date", "staff_ref"),
          "SELECT w.snapshot_date, " + ", ".join(f"s.{c}" for c in STAFF_RULES) +
          " FROM staff s JOIN workforce_snapshots w ON w.id = s.snapshot_id ORDER BY w.snapshot_date, s.id"),
    Sheet("leave_events", "workforce",
          {"snapshot_date": date(), "staff_ref": text(max_len=30), "leave_type": choice(LEAVE_TYPES),
           "start_date": date(), "end_date": date(required=False), "outcome": choice(LEAVE_OUTCOMES)},
          ("snapshot_date", "staff_ref", "leave_type", "start_date"),
          "SELECT w.snapshot_date, s.staff_ref, e.leave_type, e.start_date, e.end_date, e.outcome"
          " FROM leave_events e JOIN staff s ON s.id = e.staff_id"
          " JOIN workforce_snapshots w ON w.id = s.snapshot_id ORDER BY w.snapshot_date, e.id"),
    Sheet("services", "services",
          {"service": text(max_len=150), "service_type": text(max_len=100, required=False),
           "first_year": financial_year(required=False), "contract_end": date(required=False),
           "never_publish": flag()}, ("service",),
          "SELECT name AS service, service_type, first_year, contract_end, "
          + YES_NO.format("never_publish") + " AS never_publish FROM services ORDER BY position, id"),
    Sheet("service_categories", "services",
          {"service": text(max_len=150), "dimension": choice(SERVICE_DIMENSIONS), "category": category(),
           "order": ORDER},
          ("service", "dimension", "category"),
          "SELECT s.name AS service, c.dimension, c.category, c.position AS \"order\" FROM service_categories c"
          " JOIN services s ON s.id = c.service_id ORDER BY s.position, s.id, c.dimension, c.position",
          optional=("order",)),
    Sheet("service_counts", "services",
          {"service": text(max_len=150), "financial_year": financial_year(), "quarter": quarter(),
           "dimension": choice(SERVICE_DIMENSIONS), "category": category(), "count": integer(low=0),
           "order": ORDER},
          ("service", "financial_year", "quarter", "dimension", "category"),
          "SELECT s.name AS service, n.financial_year, n.quarter, n.dimension, n.category, n.count,"
          " c.position AS \"order\""
          " FROM service_counts n JOIN services s ON s.id = n.service_id"
          " JOIN service_categories c ON c.service_id = n.service_id AND c.dimension = n.dimension"
          " AND c.category = n.category"
          " ORDER BY s.position, s.id, n.financial_year, n.quarter, n.dimension, c.position",
          optional=("order",)),
    Sheet("service_activity", "services",
          {"service": text(max_len=150), "financial_year": financial_year(), "quarter": quarter(),
           "measure": text(max_len=60), "value": number(low=0)},
          ("service", "financial_year", "quarter", "measure"),
          "SELECT s.name AS service, a.financial_year, a.quarter, a.measure, a.value"
          " FROM service_activity a JOIN services s ON s.id = a.service_id"
          " ORDER BY s.position, s.id, a.financial_year, a.quarter, a.id"),
    Sheet("schemes", "schemes",
          {"scheme": text(max_len=150), "age_range": text(max_len=30, required=False), "never_publish": flag()},
          ("scheme",),
          "SELECT name AS scheme, age_range, " + YES_NO.format("never_publish") +
          " AS never_publish FROM schemes ORDER BY position, id"),
    Sheet("scheme_categories", "schemes",
          {"scheme": text(max_len=150), "dimension": choice(SCHEME_DIMENSIONS), "category": category(),
           "order": ORDER},
          ("scheme", "dimension", "category"),
          "SELECT s.name AS scheme, c.dimension, c.category, c.position AS \"order\" FROM scheme_categories c"
          " JOIN schemes s ON s.id = c.scheme_id ORDER BY s.position, s.id, c.dimension, c.position",
          optional=("order",)),
    Sheet("scheme_counts", "schemes",
          {"scheme": text(max_len=150), "financial_year": financial_year(), "quarter": quarter_or_year(),
           "dimension": choice(SCHEME_DIMENSIONS), "category": category(),
           "gender": category(max_len=40), "count": integer(low=0), "order": ORDER},
          ("scheme", "financial_year", "quarter", "dimension", "category", "gender"),
          "SELECT s.name AS scheme, n.financial_year, nullif(n.quarter, 0) AS quarter, n.dimension, n.category,"
          " n.gender, n.count, c.position AS \"order\""
          " FROM scheme_counts n JOIN schemes s ON s.id = n.scheme_id"
          " JOIN scheme_categories c ON c.scheme_id = n.scheme_id AND c.dimension = n.dimension"
          " AND c.category = n.category"
          " ORDER BY s.position, s.id, n.financial_year, n.quarter, n.dimension, c.position, n.id",
          optional=("quarter", "order")),
    Sheet("scheme_measures", "schemes",
          {"scheme": text(max_len=150), "financial_year": financial_year(), "quarter": quarter_or_year(),
           "measure": choice(tuple(SCHEME_MEASURES)), "value": number(low=0)},
          ("scheme", "financial_year", "quarter", "measure"),
          "SELECT s.name AS scheme, m.financial_year, nullif(m.quarter, 0) AS quarter, m.measure, m.value"
          " FROM scheme_measures m JOIN schemes s ON s.id = m.scheme_id"
          " ORDER BY s.position, s.id, m.financial_year, m.quarter, m.id",
          optional=("quarter",)),
    Sheet("kpis", "kpis",
          {"strategic_outcome": text(max_len=200), "group": text(max_len=150), "kpi": NAME,
           "unit": choice(UNITS), "polarity": choice(POLARITIES), "never_publish": kept_flag(),
           "counts_people": kept_flag(), "frequency": choice(FREQUENCIES, required=False),
           "decimals": integer(low=0, high=3, required=False), "retired_from": financial_year(required=False)},
          ("kpi",),
          "SELECT o.name AS strategic_outcome, g.name AS \"group\", k.name AS kpi, k.unit, k.polarity, "
          + YES_NO.format("k.never_publish") + " AS never_publish, "
          + YES_NO.format("k.counts_people") + " AS counts_people, k.frequency, k.decimals, k.retired_from FROM kpis k"
          " JOIN kpi_groups g ON g.id = k.group_id JOIN strategic_outcomes o ON o.id = g.outcome_id"
          " ORDER BY o.position, o.id, g.position, g.id, k.position, k.id",
          optional=("never_publish", "counts_people", "frequency", "decimals", "retired_from")),
    Sheet("kpi_values", "kpis",
          {"strategic_outcome": text(max_len=200), "group": text(max_len=150), "kpi": NAME,
           "unit": choice(UNITS), "polarity": choice(POLARITIES), "financial_year": financial_year(),
           "quarter": quarter(), "value": number(required=False),
           "status": choice(VALUE_STATUSES, required=False, empty=""), "provisional": flag(),
           "revised": flag(), "period": text(max_len=60, required=False)},
          ("kpi", "financial_year", "quarter"),
          "SELECT o.name AS strategic_outcome, g.name AS \"group\", k.name AS kpi, k.unit, k.polarity,"
          " v.financial_year, v.quarter, v.value, v.status, " + YES_NO.format("v.provisional") +
          " AS provisional, " + YES_NO.format("v.revised") + " AS revised, v.period FROM kpi_values v"
          " JOIN kpis k ON k.id = v.kpi_id JOIN kpi_groups g ON g.id = k.group_id"
          " JOIN strategic_outcomes o ON o.id = g.outcome_id"
          " ORDER BY o.position, o.id, g.position, g.id, k.position, k.id, v.financial_year, v.quarter",
          optional=("provisional", "revised", "period")),
    Sheet("kpi_derived", "kpis",
          {"group": text(max_len=150), "kpi": NAME, "unit": choice(UNITS), "kind": choice(DERIVED_KINDS),
           "inputs": long_text(required=True), "strategic_outcome": text(max_len=200, required=False),
           "polarity": choice(POLARITIES, required=False, empty="neutral")},
          ("kpi",),
          "SELECT g.name AS \"group\", k.name AS kpi, k.unit, k.derived_kind AS kind,"
          " (SELECT group_concat(name, ' | ') FROM (SELECT p.name FROM kpi_inputs i"
          "  JOIN kpis p ON p.id = i.input_kpi_id WHERE i.kpi_id = k.id ORDER BY i.position)) AS inputs,"
          " o.name AS strategic_outcome, k.polarity FROM kpis k JOIN kpi_groups g ON g.id = k.group_id"
          " JOIN strategic_outcomes o ON o.id = g.outcome_id WHERE k.derived_kind IS NOT NULL"
          " ORDER BY o.position, o.id, g.position, g.id, k.position, k.id",
          optional=("strategic_outcome", "polarity")),
    Sheet("kpi_comparators", "kpis",
          {"kpi": NAME, "comparator": text(max_len=80), "period": text(max_len=30), "value": number(),
           "financial_year": COMPARATOR_RULES["financial_year"], "quarter": quarter_or_year()},
          ("kpi", "comparator", "period"),
          "SELECT k.name AS kpi, c.comparator, c.period, c.value, c.financial_year, nullif(c.quarter, 0) AS quarter"
          " FROM kpi_comparators c JOIN kpis k ON k.id = c.kpi_id ORDER BY k.name, c.id",
          optional=("financial_year", "quarter")),
    Sheet("kpi_commentary", "kpis",
          {"strategic_outcome": text(max_len=200), "group": text(max_len=150),
           "financial_year": financial_year(), "quarter": quarter(), "text": long_text(required=True)},
          ("strategic_outcome", "group", "financial_year", "quarter"),
          "SELECT o.name AS strategic_outcome, g.name AS \"group\", c.financial_year, c.quarter, c.text"
          " FROM kpi_commentary c JOIN kpi_groups g ON g.id = c.group_id"
          " JOIN strategic_outcomes o ON o.id = g.outcome_id"
          " ORDER BY o.position, o.id, g.position, g.id, c.financial_year, c.quarter"),
    Sheet("goals", "goals",
          {"set_for_year": financial_year(), "title": text(max_len=150), "description": long_text(),
           "owner": text(max_len=100, required=False),
           "status": choice(GOAL_STATUSES)},
          ("set_for_year", "title"),
          "SELECT set_for_year, title, description, owner, status FROM goals"
          " ORDER BY set_for_year, position, id"),
    Sheet("goal_updates", "goals",
          {"set_for_year": financial_year(), "title": text(max_len=150), "report_year": financial_year(),
           "update_date": date(required=False), "text": long_text(required=True)},
          ("set_for_year", "title", "report_year"),
          "SELECT g.set_for_year, g.title, u.report_year, u.update_date, u.text FROM goal_updates u"
          " JOIN goals g ON g.id = u.goal_id ORDER BY g.set_for_year, g.position, g.id, u.report_year"),
    Sheet("edi_areas", "edi", {"area": text(max_len=150)}, ("area",),
          "SELECT name AS area FROM edi_areas ORDER BY position, id"),
    Sheet("edi_assessment", "edi",
          {"area": text(max_len=150), "financial_year": financial_year(), "level": text(max_len=60),
           "evidence": long_text()},
          ("area", "financial_year"),
          "SELECT a.name AS area, e.financial_year, e.level, e.evidence FROM edi_assessments e"
          " JOIN edi_areas a ON a.id = e.area_id ORDER BY a.position, a.id, e.financial_year"),
    # Each document's sections as the officers shaped them for a year (areas/outline.py); a
    # year without rows uses the last one shaped before it, else the default.
    Sheet("outline", "narrative",
          {"report": choice(tuple(REPORT_SECTIONS)), "financial_year": financial_year(),
           "position": integer(low=1), "section": text(max_len=40), "title": text(max_len=MAX_TITLE)},
          ("report", "financial_year", "section"),
          "SELECT report, financial_year, position, section, title FROM report_outlines"
          " ORDER BY report, financial_year, position"),
    Sheet("narrative", "narrative",
          {"report": choice(tuple(REPORT_SECTIONS)), "financial_year": financial_year(),
           "quarter": quarter_or_zero(), "section": text(max_len=60), "text": long_text(required=True)},
          ("report", "financial_year", "quarter", "section"),
          "SELECT report, financial_year, quarter, section, text FROM narratives"
          " ORDER BY report, financial_year, quarter, id", optional=("quarter",)),
    Sheet("publications", "publications",
          {"report": choice(tuple(REPORT_SECTIONS)), "financial_year": financial_year(),
           "quarter": quarter_or_zero(), "published_on": date()},
          (), "SELECT report, financial_year, quarter, published_on FROM publications ORDER BY id",
          optional=("quarter",)),
    # What each published edition printed (see docs/disclosure.md): later editions of the year
    # are planned with it. A row names its publication as the publications sheet does, and,
    # when several share report, year, quarter and date, which of them (blank: the first).
    Sheet("published_figures", "publications",
          {"report": choice(tuple(REPORT_SECTIONS)), "financial_year": financial_year(),
           "quarter": quarter_or_zero(), "published_on": date(), "key": text(max_len=FIGURE_KEY_CHARS),
           "value": integer(low=0), "shown": Field(flag().check),
           "occurrence": Field(integer(low=1).check, required=False, empty=1)},
          ("report", "financial_year", "quarter", "published_on", "occurrence", "key"),
          "SELECT p.report, p.financial_year, p.quarter, p.published_on, f.key, f.value, "
          + YES_NO.format("f.shown") + " AS shown, CASE WHEN p.occurrence > 1 THEN p.occurrence END"
          " AS occurrence FROM published_figures f JOIN (" + NUMBERED_PUBLICATIONS + ") p"
          " ON p.id = f.publication_id ORDER BY p.id, f.id",
          optional=("quarter", "occurrence")),
)  # fmt: skip

BY_NAME = {sheet.name: sheet for sheet in SHEETS}
# The workforce pack's narrative is about the staff, so it goes with the workforce area: an
# export without the workforce leaves its rows off the narrative sheet, and importing such a
# file keeps it (see load.py).
WORKFORCE_REPORT = "workforce-pack"
AREAS = tuple(dict.fromkeys(sheet.area for sheet in SHEETS))
# Tables each area's import replaces, children first (the order they are emptied in).
AREA_TABLES: dict[str, tuple[str, ...]] = {
    "settings": ("settings",),
    "assets": ("assets",),
    "workforce": ("leave_events", "staff", "workforce_snapshots"),
    "services": ("service_counts", "service_activity", "service_categories", "services"),
    "schemes": ("scheme_counts", "scheme_measures", "scheme_categories", "schemes"),
    "kpis": ("kpi_inputs", "kpi_values", "kpi_comparators", "kpi_commentary", "kpis", "kpi_groups",
             "strategic_outcomes"),
    "goals": ("goal_updates", "goals"),
    "edi": ("edi_assessments", "edi_areas"),
    "narrative": ("narratives", "report_outlines"),
    "publications": ("published_figures", "publications"),
}  # fmt: skip
