"""The only door public documents have into the workbook.

Every reader here leaves out what must never be published: items flagged never-publish
(services, schemes, KPIs) and all workforce data beyond the statutory workforce statement,
which leaves this module already rounded under the office's setting. The public
report builders import this module and not the area modules (import-linter enforces it), so
a mistake in a builder cannot reach private rows.
"""

from __future__ import annotations

from typing import Any

from ..areas.outline import outline as outline  # the documents' shape is public
from ..areas.pictures import picture_data, picture_names
from ..areas.settings import logo as logo  # the settings' reader: the logo is public
from ..areas.settings import OFFICE_DETAILS, settings
from ..areas.vocab import ETHNIC_MINORITY, SCHEME_MEASURES
from ..errors import OpccError
from ..store.policy import machine_policy
from ..store.workbook import Workbook
from .disclosure import Policy
from .formatting import symbols_named
from .kpi_analysis import with_print_settings
from .plan import Printed
from .workforce_statement import StatementCounts, WorkforceStatement, statement


def policy(wb: Workbook) -> Policy:
    """The small-number policy every public figure is printed under: the workbook's, with its
    threshold raised to this computer's floor (disclosure_threshold_floor in the machine
    policy), so an old workbook with a lower one cannot publish smaller counts here."""
    values = settings(wb)
    try:
        threshold = max(int(values["disclosure.threshold"]), machine_policy().disclosure_threshold_floor)
        symbol = "[c]" if values["cells.symbols"] == "analysis-function" else values["disclosure.symbol"]
        if symbol == "<5":  # it says what is hidden: under the threshold, whatever it is
            symbol = f"<{threshold}"
        return Policy(threshold, symbol,
                      int(values["disclosure.round_to"]), symbols_named(values["cells.symbols"]))  # fmt: skip
    except ValueError as bad:
        raise OpccError(f"The disclosure settings do not fit together: {bad}. Change disclosure.threshold "
                        "or disclosure.round_to.") from None


def office(wb: Workbook) -> dict[str, str]:
    """What a cover needs: the office's name (the logo is read with :func:`logo`, the
    settings' own reader)."""
    return {"office_name": settings(wb)["office_name"]}


def release(wb: Workbook, report: str) -> dict[str, Any]:
    """What a release needs from the settings: the sections a final ``report`` cannot go
    without, and the contact and office details printed on its back page."""
    values = settings(wb)
    required = values.get(f"documents.required.{report}", "")
    return {"required": frozenset(n.strip() for n in required.split(",") if n.strip()),
            "contact": values["release.contact"],
            "office": {key.removeprefix("office."): values[key] for key in OFFICE_DETAILS}}  # fmt: skip


def services(wb: Workbook) -> list[dict[str, Any]]:
    return wb.rows(
        "SELECT id, name, service_type, first_year, contract_end FROM services"
        " WHERE never_publish = 0 ORDER BY position, id"
    )


def service_counts(wb: Workbook, financial_year: str) -> list[dict[str, Any]]:
    """Monitoring counts of publishable services for a year, in category display order."""
    return wb.rows(
        "SELECT s.name AS service, c.quarter, c.dimension, c.category, c.count"
        " FROM service_counts c JOIN services s ON s.id = c.service_id AND s.never_publish = 0"
        " JOIN service_categories k ON k.service_id = c.service_id AND k.dimension = c.dimension"
        " AND k.category = c.category WHERE c.financial_year = ?"
        " ORDER BY s.position, c.quarter, c.dimension, k.position",
        [financial_year],
    )


def service_activity(wb: Workbook, financial_year: str) -> list[dict[str, Any]]:
    return wb.rows(
        "SELECT s.name AS service, a.quarter, a.measure, a.value FROM service_activity a"
        " JOIN services s ON s.id = a.service_id AND s.never_publish = 0"
        " WHERE a.financial_year = ? ORDER BY s.position, a.quarter, a.measure",
        [financial_year],
    )


def schemes(wb: Workbook) -> list[dict[str, Any]]:
    return wb.rows("SELECT id, name, age_range FROM schemes WHERE never_publish = 0 ORDER BY position, id")


def scheme_periods(wb: Workbook, scheme_name: str, financial_year: str) -> tuple[int, ...]:
    """The periods a publishable scheme's counts for a year are complete for: n for the year
    to the end of quarter n (every quarter 1 to n recorded), 4 for the whole year; only 4
    when they are recorded for the whole year only; none when not at all."""
    rows = wb.rows(
        "SELECT DISTINCT c.quarter FROM scheme_counts c JOIN schemes s ON s.id = c.scheme_id"
        " AND s.never_publish = 0 AND s.name = ? WHERE c.financial_year = ? ORDER BY c.quarter",
        [scheme_name, financial_year],
    )
    held = {r["quarter"] for r in rows}
    if 0 in held:
        return (4,)
    return tuple(n for n in (1, 2, 3, 4) if set(range(1, n + 1)) <= held)


def scheme_counts(wb: Workbook, scheme_name: str, financial_year: str, through: int = 4) -> list[dict[str, Any]]:
    """A publishable scheme's counts for the year to the end of quarter ``through`` (4: the
    whole year), each the sum of its quarters; counts recorded for the whole year only count
    for the whole year. None for a period not complete (see :func:`scheme_periods`), or for a
    never-publish scheme."""
    if through not in scheme_periods(wb, scheme_name, financial_year):
        return []
    return wb.rows(
        "SELECT c.dimension, c.category, c.gender, sum(c.count) AS count FROM scheme_counts c"
        " JOIN schemes s ON s.id = c.scheme_id AND s.never_publish = 0 AND s.name = ?"
        " JOIN scheme_categories k ON k.scheme_id = c.scheme_id AND k.dimension = c.dimension"
        " AND k.category = c.category WHERE c.financial_year = ? AND c.quarter <= ?"  # 0: a whole-year-only year
        " GROUP BY c.dimension, c.category, c.gender ORDER BY c.dimension, min(k.position), c.gender",
        [scheme_name, financial_year, through],
    )


def scheme_measures(wb: Workbook, scheme_name: str, financial_year: str, through: int = 4) -> dict[str, float]:
    """A publishable scheme's measures for the year to the end of quarter ``through``: a
    count is the sum of its quarters 1 to ``through`` (when each was recorded); a rate or an
    amount is the one recorded for quarter ``through`` (for the whole year: the year's)."""
    rows = wb.rows(
        "SELECT m.measure, m.quarter, m.value FROM scheme_measures m"
        " JOIN schemes s ON s.id = m.scheme_id AND s.never_publish = 0 AND s.name = ?"
        " WHERE m.financial_year = ? ORDER BY m.quarter",
        [scheme_name, financial_year],
    )
    out: dict[str, float] = {}
    for measure in dict.fromkeys(r["measure"] for r in rows):
        held = {r["quarter"]: r["value"] for r in rows if r["measure"] == measure}
        if 0 in held:
            found = held[0] if through == 4 else None
        elif SCHEME_MEASURES.get(measure) == "count":
            found = sum(held[q] for q in range(1, through + 1)) if all(q in held for q in range(1, through + 1)) else None
        else:
            found = held.get(through)
        if found is not None:
            out[measure] = found
    return out


# Every KPI that is never published or computed, at any depth, from one that is: a sum of a
# sum that includes a never-publish KPI would reveal it as surely as the sum itself.
UNPUBLISHABLE_KPIS = (
    "WITH RECURSIVE unpublishable(id) AS (SELECT id FROM kpis WHERE never_publish = 1"
    " UNION SELECT i.kpi_id FROM kpi_inputs i JOIN unpublishable u ON u.id = i.input_kpi_id) "
)


def kpis(wb: Workbook, financial_year: str) -> list[dict[str, Any]]:
    """The KPIs the documents of ``financial_year`` print, with outcome and group, in display
    order: publishable ones not retired by that year. A derived KPI built (at any depth) on a
    never-publish input is left out too, since it would reveal that input.

    Each row also says how the KPI prints: ``frequency`` (quarterly or survey), ``places``
    (its ``decimals``, else the most places its values were entered with; None: the unit's
    default) and the office's settings ``symbols``, ``percent_change_from`` and
    ``area_name`` (see :func:`.kpi_analysis.build_grids`)."""
    return with_print_settings(wb, wb.rows(
        UNPUBLISHABLE_KPIS + "SELECT k.id, k.name, k.unit, k.polarity, k.derived_kind, k.counts_people,"
        " k.frequency, k.decimals, g.id AS group_id,"
        " g.name AS group_name, o.name AS outcome FROM kpis k"
        " JOIN kpi_groups g ON g.id = k.group_id JOIN strategic_outcomes o ON o.id = g.outcome_id"
        " WHERE k.id NOT IN (SELECT id FROM unpublishable) AND (k.retired_from IS NULL OR k.retired_from > ?)"
        " ORDER BY o.position, o.id, g.position, g.id, k.position, k.id", [financial_year]
    ))


def kpi_values(wb: Workbook, financial_years: tuple[str, ...]) -> list[dict[str, Any]]:
    """Typed values of publishable KPIs (derived ones are computed by the caller from their
    inputs, which may themselves be never-publish only if the derived KPI is excluded). A
    survey KPI's earlier results come too (up to the last of the years): its most recent one
    may be older than the years printed."""
    marks = ", ".join("?" * len(financial_years))
    return wb.rows(
        "SELECT v.kpi_id, v.financial_year, v.quarter, v.value, v.status, v.provisional, v.revised, v.period"
        " FROM kpi_values v JOIN kpis k ON k.id = v.kpi_id AND k.never_publish = 0"
        f" WHERE v.financial_year IN ({marks}) OR (k.frequency = 'survey' AND v.financial_year <= ?)"
        " ORDER BY v.kpi_id, v.financial_year, v.quarter",
        [*financial_years, max(financial_years)],
    )


def kpi_inputs(wb: Workbook) -> dict[int, list[int]]:
    rows = wb.rows("SELECT kpi_id, input_kpi_id FROM kpi_inputs ORDER BY kpi_id, position")
    inputs: dict[int, list[int]] = {}
    for row in rows:
        inputs.setdefault(row["kpi_id"], []).append(row["input_kpi_id"])
    return inputs


def kpi_input_values(wb: Workbook, financial_years: tuple[str, ...]) -> list[dict[str, Any]]:
    """Values of the inputs of publishable derived KPIs, for computing them; never printed."""
    marks = ", ".join("?" * len(financial_years))
    return wb.rows(
        UNPUBLISHABLE_KPIS + "SELECT v.kpi_id, v.financial_year, v.quarter, v.value, v.status FROM kpi_values v"
        " WHERE v.kpi_id IN (SELECT i.input_kpi_id FROM kpi_inputs i"
        " WHERE i.kpi_id NOT IN (SELECT id FROM unpublishable))"
        f" AND v.financial_year IN ({marks})",
        list(financial_years),
    )


def kpi_comparators(wb: Workbook) -> list[dict[str, Any]]:
    """Comparators of publishable KPIs, with the quarter each figure is for when known
    (``financial_year`` "" and ``quarter`` 0 when not), in the order entered."""
    return wb.rows(
        "SELECT c.kpi_id, c.comparator, c.period, c.value, c.financial_year, c.quarter FROM kpi_comparators c"
        " JOIN kpis k ON k.id = c.kpi_id AND k.never_publish = 0 ORDER BY c.kpi_id, c.id"
    )


def kpi_commentary(wb: Workbook, financial_year: str) -> list[dict[str, Any]]:
    return wb.rows(
        "SELECT group_id, quarter, text FROM kpi_commentary WHERE financial_year = ?",
        [financial_year],
    )


def goals(wb: Workbook) -> list[dict[str, Any]]:
    return wb.rows("SELECT id, set_for_year, title, description, owner, status FROM goals"
                   " ORDER BY set_for_year, position, id")  # fmt: skip


def goal_updates(wb: Workbook, report_year: str) -> dict[int, dict[str, Any]]:
    rows = wb.rows("SELECT goal_id, update_date, text FROM goal_updates WHERE report_year = ?", [report_year])
    return {r["goal_id"]: r for r in rows}


def edi_assessments(wb: Workbook, financial_year: str) -> list[dict[str, Any]]:
    return wb.rows(
        "SELECT a.name AS area, e.level, e.evidence FROM edi_areas a LEFT JOIN edi_assessments e"
        " ON e.area_id = a.id AND e.financial_year = ? ORDER BY a.position, a.id",
        [financial_year],
    )


def narrative(wb: Workbook, report: str, financial_year: str, quarter: int = 0) -> dict[str, str]:
    """Narrative text by section (all of it is written for publication). The one reader of
    narratives: the window's editor reads them here too."""
    rows = wb.rows(
        "SELECT section, text FROM narratives WHERE report = ? AND financial_year = ? AND quarter = ?",
        [report, financial_year, quarter],
    )
    return {r["section"]: r["text"] for r in rows}


def pictures(wb: Workbook) -> dict[str, bytes]:
    """The pictures the narrative can show (never the workforce's: pictures are put in the
    workbook for the documents' text)."""
    return picture_data(wb, picture_names(wb))


def workforce_counts(wb: Workbook, financial_year: str) -> StatementCounts | None:
    """The exact counts behind the statutory workforce statement, at the latest snapshot on
    or before the year's end (31 March). For the pre-flight's disclosure warnings only: a
    public document prints :func:`workforce_statement`, never these."""
    year_end = f"{int(financial_year[:4]) + 1}-03-31"
    snapshot = wb.rows(
        "SELECT id, snapshot_date FROM workforce_snapshots WHERE snapshot_date <= ?"
        " ORDER BY snapshot_date DESC LIMIT 1",
        [year_end],
    )
    if not snapshot:
        return None
    minority = ", ".join("?" * len(ETHNIC_MINORITY))
    row = wb.rows(
        "SELECT count(*) AS headcount, coalesce(sum(sex = 'Female'), 0) AS women,"
        f" coalesce(sum(ethnicity IN ({minority})), 0) AS minority,"
        " coalesce(sum(disability = 'Yes'), 0) AS disabled FROM staff WHERE snapshot_id = ?",
        [*ETHNIC_MINORITY, snapshot[0]["id"]],
    )[0]
    return StatementCounts(snapshot[0]["snapshot_date"], row["headcount"], row["women"], row["minority"],
                           row["disabled"])  # fmt: skip


def workforce_statement(wb: Workbook, financial_year: str) -> WorkforceStatement | None:
    """The statutory workforce statement as printed (see :mod:`.workforce_statement`): the
    headcount exactly and the three proportions rounded as the setting
    ``disclosure.workforce_rounding`` says, never suppressed."""
    counts = workforce_counts(wb, financial_year)
    return None if counts is None else statement(counts, settings(wb)["disclosure.workforce_rounding"])


def printed_before(wb: Workbook, financial_year: str) -> list[dict[str, Printed]]:
    """What each published edition of the year's public documents printed, oldest first
    (figure key -> its value then and whether it was shown)."""
    rows = wb.rows(
        "SELECT f.publication_id, f.key, f.value, f.shown FROM published_figures f"
        " JOIN publications p ON p.id = f.publication_id WHERE p.financial_year = ?"
        " AND p.report IN ('annual-equality', 'performance-update', 'panel-report') ORDER BY p.published_on, p.id",
        [financial_year],
    )
    editions: dict[int, dict[str, Printed]] = {}
    for row in rows:
        editions.setdefault(row["publication_id"], {})[row["key"]] = Printed(row["value"], bool(row["shown"]))
    return list(editions.values())


def data_stamp(wb: Workbook) -> tuple[int, int, int]:
    """Changes when what the documents print may have: rows this connection changed, the
    file's version as other connections leave it, and this computer's disclosure floor."""
    return wb.conn.total_changes, wb.scalar("PRAGMA data_version"), machine_policy().disclosure_threshold_floor
