"""What the desktop tabs show of the workforce, services, schemes and goals: plain rows and charts.

The tabs display these and never run SQL. Every figure is computed as the documents compute
it: percentages through :func:`formatting.percent` (one place, half-up), workforce breakdowns
through :mod:`workforce_analysis` (as the internal pack), and a scheme's or a service's
published percentages from the same disclosure plan as the documents
(:mod:`.public_plan`) under the office's disclosure policy, so the screen shows exactly what
the annual report prints, suppression symbols included, and why a figure is withheld.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..areas import schemes, services
from ..areas.vocab import (
    ALL_GENDERS,
    DIMENSION_LABELS,
    GOAL_STATUSES,
    NOT_DISCLOSED,
    QUARTER_MONTHS,
    SCHEME_DIMENSIONS,
    SCHEME_MEASURES,
    SERVICE_DIMENSIONS,
)
from ..store.workbook import Workbook
from . import equality_tables as et
from . import public_plan, publishable
from .charts import ChartSpec, Series, orientation
from .disclosure import Policy
from .formatting import percent
from .plan import TOTAL, Decided, Plan
from .public_plan import TABLE_DIMENSIONS as PLAN_TABLES
from .public_plan import (
    add_scheme,
    add_services,
    SCHEME_GENDERS,
    participants_key,
    scheme_key,
    service_key,
    table_key,
)

if TYPE_CHECKING:
    from .audit import Interval

__all__ = [
    "GENDERS", "PARTICIPANTS", "SCHEME_MEASURE_LABELS", "SERVICE_MEASURES", "TABLE_DIMENSIONS",
    "dimension_label", "latest_service_quarter",
    "non_disclosure_chart",
    "published_service_grid", "quarter_label", "reader_range", "scheme_categories", "scheme_chart",
    "scheme_grid", "scheme_measure_rows", "scheme_policy", "scheme_years", "service_activity_rows",
    "service_categories", "service_grid", "service_plan", "service_share_chart", "service_years",
    "share_reason", "withheld_reason",
]  # fmt: skip

Row = dict[str, Any]
Rows = Sequence[Mapping[str, Any]]
SERVICE_MEASURES = {"referrals_received": "Referrals received", "clients_supported": "Clients supported"}
SCHEME_MEASURE_LABELS = {
    "referrals_received": "Referrals received",
    "referrals_accepted": "Referrals accepted",
    "declined_criteria": "Declined: did not meet the criteria",
    "declined_judgement": "Declined: professional judgement",
    "engagement_rate": "Engagement rate",
    "reoffending_rate": "Re-offending rate",
    "area_reoffending_rate": "Area average re-offending rate",
    "funding": "Funding",
}
UNIT_WORDS = {"count": "number", "percent": "%", "money": "£"}
TABLE_DIMENSIONS = tuple(d for d, _ in et.SCHEME_DIMENSIONS)  # the annual report's Tables 1 and 2
GENDERS = SCHEME_GENDERS  # the published tables' gender columns: Male, Female
PARTICIPANTS = "Participants"


def quarter_label(quarter: int) -> str:
    """3 -> "Q3 (Oct-Dec)"."""
    return f"Q{quarter} ({QUARTER_MONTHS[quarter]})"


def dimension_label(dimension: str) -> str:
    """"sexual_orientation" -> "Sexual orientation"."""
    return DIMENSION_LABELS.get(dimension, dimension.replace("_", " ")).capitalize()


def _years(wb: Workbook, tables: Sequence[str]) -> list[str]:
    union = " UNION ".join(f"SELECT financial_year FROM {table}" for table in tables)
    found = wb.rows(f"SELECT DISTINCT financial_year FROM ({union}) ORDER BY 1 DESC")
    return [r["financial_year"] for r in found]


def _category_lists(wb: Workbook, table: str, owners: str, owner: str) -> dict[str, dict[int, list[str]]]:
    """Per dimension, per owner (service or scheme), its categories in display order."""
    rows = wb.rows(
        f"SELECT k.{owner} AS owner, k.dimension, k.category FROM {table} k"
        f" JOIN {owners} o ON o.id = k.{owner} ORDER BY o.position, o.id, k.position, k.id"
    )
    lists: dict[str, dict[int, list[str]]] = {}
    for row in rows:
        lists.setdefault(row["dimension"], {}).setdefault(row["owner"], []).append(row["category"])
    return lists


def _own_or_usual(owners: Mapping[int, list[str]], owner_id: int) -> list[str]:
    """The owner's own list; failing that the list most owners use (the first owner's on a
    tie), so a new service or scheme's first figures can be typed in; else "Not disclosed"."""
    if owners.get(owner_id):
        return list(owners[owner_id])
    usual = Counter(tuple(categories) for categories in owners.values()).most_common(1)
    return list(usual[0][0]) if usual else [NOT_DISCLOSED]


def _disclosed_last(categories: Sequence[str]) -> list[str]:
    return [c for c in categories if c != NOT_DISCLOSED] + [c for c in categories if c == NOT_DISCLOSED]


# -- Services ---------------------------------------------------------------------------------


def service_years(wb: Workbook) -> list[str]:
    """Financial years with a monitoring count or activity figure, latest first."""
    return _years(wb, ("service_counts", "service_activity"))


def latest_service_quarter(wb: Workbook, financial_year: str) -> int:
    """The last quarter of the year any service has counts for (1 when none)."""
    found = wb.scalar("SELECT max(quarter) FROM service_counts WHERE financial_year = ?", [financial_year])
    return int(found or 1)


def service_categories(wb: Workbook, service_id: int) -> dict[str, list[str]]:
    """Per dimension, the categories shown for a service, "Not disclosed" last: its own, else
    those other services most often use, else just "Not disclosed"."""
    lists = _category_lists(wb, "service_categories", "services", "service_id")
    return {d: _disclosed_last(_own_or_usual(lists.get(d, {}), service_id)) for d in SERVICE_DIMENSIONS}


def _quarter_counts(wb: Workbook, financial_year: str, quarter: int) -> list[Row]:
    return wb.rows(
        "SELECT service_id, dimension, category, count FROM service_counts"
        " WHERE financial_year = ? AND quarter = ?",
        [financial_year, quarter],
    )


def service_grid(wb: Workbook, service_id: int, financial_year: str, quarter: int) -> list[Row]:
    """One row per (dimension, category) of a service's quarterly return: the count (None =
    not collected) and its % of the dimension's total."""
    returned = _quarter_counts(wb, financial_year, quarter)
    counts = {(r["dimension"], r["category"]): r["count"] for r in returned if r["service_id"] == service_id}
    rows = []
    for dimension, categories in service_categories(wb, service_id).items():
        total = sum(counts.get((dimension, c)) or 0 for c in categories)
        for category in categories:
            count = counts.get((dimension, category))
            rows.append({"dimension": dimension, "characteristic": dimension_label(dimension),
                         "category": category, "count": count, "percent": percent(count, total)})  # fmt: skip
    return rows


def service_activity_rows(wb: Workbook, service_id: int, financial_year: str, quarter: int) -> list[Row]:
    """Referrals received and clients supported (then any other measure recorded) in a quarter."""
    found = {r["measure"]: r["value"] for r in wb.rows(
        "SELECT measure, value FROM service_activity"
        " WHERE service_id = ? AND financial_year = ? AND quarter = ?",
        [service_id, financial_year, quarter])}  # fmt: skip
    measures = [*SERVICE_MEASURES, *sorted(m for m in found if m not in SERVICE_MEASURES)]
    return [{"measure": m, "label": SERVICE_MEASURES.get(m) or dimension_label(m), "value": found.get(m)}
            for m in measures]  # fmt: skip


def service_share_chart(wb: Workbook, service_id: int, financial_year: str, quarter: int,
                        dimension: str) -> ChartSpec | None:  # fmt: skip
    """One characteristic in one quarter: the service's users per category as a % of its
    total for it, beside all services combined. None when nobody is counted."""
    rows = [r for r in _quarter_counts(wb, financial_year, quarter) if r["dimension"] == dimension]
    own = {r["category"]: r["count"] for r in rows if r["service_id"] == service_id}
    everyone: dict[str, int] = {}
    for r in rows:
        everyone[r["category"]] = everyone.get(r["category"], 0) + r["count"]
    if not sum(everyone.values()):
        return None
    listed = service_categories(wb, service_id)[dimension]
    categories = _disclosed_last([*listed, *(c for c in everyone if c not in listed)])
    name = next((s["name"] for s in services.services(wb) if s["id"] == service_id), "This service")
    series = (_shares(name, own, categories), _shares("All services", everyone, categories))
    title = f"Service users by {DIMENSION_LABELS[dimension]}, Q{quarter} {financial_year}"
    return ChartSpec("grouped_bar", title, categories, series, unit="percent",
                     value_label="% of service users", category_label=dimension_label(dimension),
                     orientation="horizontal")  # fmt: skip


def _shares(name: str, counts: Mapping[str, int], categories: Sequence[str]) -> Series:
    total = sum(counts.values())
    return Series(name, tuple(percent(counts.get(c), total) for c in categories))


def non_disclosure_chart(wb: Workbook, service_id: int, financial_year: str) -> ChartSpec | None:
    """Per quarter of ``financial_year`` and the year before, the share of the service's users
    whose characteristic was "Not disclosed" (of all counted for it), one line per
    characteristic. None when the service has no returns in those years."""
    years = (_year_before(financial_year), financial_year)
    rows = wb.rows(
        "SELECT financial_year, quarter, dimension, category, count FROM service_counts"
        " WHERE service_id = ? AND financial_year IN (?, ?) ORDER BY financial_year, quarter",
        [service_id, *years],
    )
    if not rows:
        return None
    periods = [(y, q) for y in years for q in (1, 2, 3, 4)]
    hidden: dict[tuple[str, int, str], int] = {}
    totals: dict[tuple[str, int, str], int] = {}
    for r in rows:
        key = (r["financial_year"], r["quarter"], r["dimension"])
        totals[key] = totals.get(key, 0) + r["count"]
        hidden[key] = hidden.get(key, 0) + (r["count"] if r["category"] == NOT_DISCLOSED else 0)
    dimensions = [d for d in SERVICE_DIMENSIONS if any(key[2] == d for key in totals)]
    series = tuple(Series(dimension_label(d), tuple(percent(hidden.get((y, q, d)), totals.get((y, q, d)))
                                                    for y, q in periods)) for d in dimensions)  # fmt: skip
    categories = [f"Q{q} {y[2:]}" for y, q in periods]  # "Q1 21/22": short enough for eight labels
    return ChartSpec("line", f"Service users who did not disclose, by quarter, {years[0]} and {years[1]}",
                     categories, series, unit="percent", value_label="% not disclosed",
                     category_label="Quarter")  # fmt: skip


def _year_before(financial_year: str) -> str:
    start = int(financial_year[:4]) - 1
    return f"{start}/{(start + 1) % 100:02d}"



def service_plan(wb: Workbook, service_id: int, financial_year: str) -> tuple[Decided, str]:
    """The plan the annual report prints a service's figures from, and the service's name:
    the year's public plan, or for a never-published service one without suppression (its
    figures stay internal and are shown in full)."""
    name, hidden = wb.rows("SELECT name, never_publish FROM services WHERE id = ?", [service_id])[0].values()
    if not hidden:
        return public_plan.decide(wb, financial_year), name
    plan = Plan(Policy(0))
    counts = [{"service": name, **r} for r in services.service_counts(wb, service_id)
              if r["financial_year"] == financial_year]  # fmt: skip
    add_services(plan, counts, [])
    return plan.decide(), name


def published_service_grid(wb: Workbook, service_id: int, financial_year: str, quarter: int) -> list[Row]:
    """:func:`service_grid`'s rows, each with what the annual report for ``financial_year``
    prints for its category (``published``): the category's percentage of the service's
    users recorded for the characteristic over the year (the four quarters summed), the
    policy's symbol where hidden, "-" when the year has no count for it; and
    ``published_reason``, why it is withheld in plain words ("" when printed). The year's
    plan is read once for the whole grid."""
    rows = service_grid(wb, service_id, financial_year, quarter)
    plan, name = service_plan(wb, service_id, financial_year)
    for row in rows:
        key, base = service_key(name, row["dimension"], row["category"]), service_key(name, row["dimension"])
        row["published"] = _shown(plan, key, base)
        row["published_reason"] = share_reason(plan, key, base) if row["published"] != "-" else ""
    return rows


def reader_range(interval: Interval | None) -> str:
    """What a reader of the documents can narrow a hidden figure to, in words."""
    if interval is None:
        return ""
    if interval.hi is None:
        return f"A reader can tell only that it is {interval.lo:,} or more."
    if interval.lo == interval.hi:
        return f"A reader can work out that it is {interval.lo:,}."
    return f"A reader can tell only that it is between {interval.lo:,} and {interval.hi:,}."


def withheld_reason(plan: Decided, key: str) -> str:
    """Why the documents hide a figure of the plan, in plain words, with what a reader can
    still narrow it to when the plan's audit worked that out ("" when the figure is printed
    or is not a figure of the plan)."""
    if key not in plan.values or key not in plan.hidden:
        return ""
    threshold = plan.policy.threshold
    if plan.policy.is_small(plan.values[key]):
        why = f"Hidden: fewer than {threshold} people."
    else:
        why = "Hidden so that a small number cannot be worked out from the totals or the year's other figures."
    intervals = getattr(plan.audit, "intervals", None) or {}
    return " ".join(filter(None, (why, reader_range(intervals.get(key)))))


def share_reason(plan: Decided, numerator: str, base: str) -> str:
    """Why a percentage is not printed: its count is hidden, or the total it is of is."""
    own = withheld_reason(plan, numerator)
    if own:
        return own
    of_base = withheld_reason(plan, base)
    return f"The total it is a percentage of is not printed. {of_base}" if of_base else ""


# -- Schemes ----------------------------------------------------------------------------------


def scheme_years(wb: Workbook) -> list[str]:
    """Financial years with a scheme count or measure, latest first."""
    return _years(wb, ("scheme_counts", "scheme_measures"))


def scheme_categories(wb: Workbook, scheme_id: int) -> dict[str, list[str]]:
    """Per dimension split by gender, the categories shown for a scheme: its own in display
    order, else those other schemes most often use, else "Not disclosed"."""
    lists = _category_lists(wb, "scheme_categories", "schemes", "scheme_id")
    return {d: _own_or_usual(lists.get(d, {}), scheme_id) for d in SCHEME_DIMENSIONS if d != "gender"}


def scheme_policy(wb: Workbook, scheme_id: int) -> Policy:
    """The office's disclosure policy; no suppression for a never-published scheme, whose
    figures stay internal and are shown in full."""
    hidden = wb.scalar("SELECT never_publish FROM schemes WHERE id = ?", [scheme_id])
    return Policy(0) if hidden else publishable.policy(wb)


def scheme_plan(wb: Workbook, scheme_id: int, financial_year: str) -> tuple[Decided, str]:
    """The plan the documents print a scheme's figures from, and the scheme's name: the
    year's public plan, or for a never-published scheme one without suppression."""
    name, hidden = wb.rows("SELECT name, never_publish FROM schemes WHERE id = ?", [scheme_id])[0].values()
    if not hidden:
        return public_plan.decide(wb, financial_year), name
    plan = Plan(Policy(0))
    add_scheme(plan, name, schemes.scheme_counts(wb, scheme_id, financial_year), {})
    return plan.decide(), name


def _base_key(name: str, dimension: str, gender: str) -> str:
    if dimension in PLAN_TABLES:
        return table_key(name, dimension, TOTAL, gender)
    return scheme_key(name, dimension, gender)


def _category_key(name: str, dimension: str, gender: str, category: str) -> str:
    if dimension in PLAN_TABLES:
        return table_key(name, dimension, category, gender)
    return scheme_key(name, dimension, gender, category)


def _shown(plan: Decided | None, key: str, base: str | None = None) -> str:
    """What the documents print for a figure (a count, or with ``base`` its percentage);
    nothing without a plan (a quarter's own counts are printed nowhere)."""
    if plan is None:
        return ""
    if key not in plan.values or (base is not None and base not in plan.values):
        return "-"
    return (plan.cell(key) if base is None else plan.share(key, base)).text


def scheme_grid(wb: Workbook, scheme_id: int, financial_year: str, quarter: int | None = None) -> list[Row]:
    """A scheme's counts for a year (or, with ``quarter``, those recorded for one quarter, 0
    for the whole year only) by gender, beside the texts the documents print for the year.

    First the participants (the ``gender`` dimension's ``All`` column), then per dimension a
    base row (records holding it, per gender; not editable) and one row per category.
    ``male``/``female`` are counts (None = not collected); ``male_shown``/``female_shown`` are
    the printed percentages (counts on the participants and base rows), read from the same
    disclosure plan as the documents, with the policy's symbol where hidden; a quarter's own
    counts are printed nowhere, so for a quarter they are empty."""
    counts = schemes.scheme_counts(wb, scheme_id, financial_year, quarter)
    year_plan, name = scheme_plan(wb, scheme_id, financial_year)
    plan = year_plan if quarter in (None, 0) else None
    lookup = {(r["dimension"], r["category"], r["gender"]): r["count"] for r in counts}
    rows = [_grid_row("participants", "gender", PARTICIPANTS, "Number",
                      {g: lookup.get(("gender", g, ALL_GENDERS)) for g in GENDERS},
                      {g: _shown(plan, participants_key(name, g)) for g in GENDERS})]  # fmt: skip
    for dimension, categories in scheme_categories(wb, scheme_id).items():
        label = dimension_label(dimension)
        per_gender = {g: [lookup.get((dimension, c, g)) for c in categories] for g in GENDERS}
        totals = {g: _shown(plan, _base_key(name, dimension, g)) for g in GENDERS}
        rows.append(_grid_row("base", dimension, label, "Records (number)",
                              {g: _sum(per_gender[g]) for g in GENDERS}, totals))  # fmt: skip
        for index, category in enumerate(categories):
            shown = {g: _shown(plan, _category_key(name, dimension, g, category), _base_key(name, dimension, g))
                     for g in GENDERS}  # fmt: skip
            rows.append(_grid_row("category", dimension, label, category,
                                  {g: per_gender[g][index] for g in GENDERS}, shown))  # fmt: skip
    return rows


def _grid_row(kind: str, dimension: str, label: str, category: str, counts: Mapping[str, int | None],
              shown: Mapping[str, str]) -> Row:  # fmt: skip
    row: Row = {"kind": kind, "dimension": dimension, "characteristic": label, "category": category}
    for gender in GENDERS:
        row[gender.lower()] = counts[gender]
        row[f"{gender.lower()}_shown"] = shown[gender]
    return row


def _sum(values: Sequence[int | None]) -> int | None:
    held = [v for v in values if v is not None]
    return sum(held) if held else None


def scheme_measure_rows(wb: Workbook, scheme_id: int, financial_year: str, quarter: int = 0) -> list[Row]:
    """Every measure of a scheme in a fixed order: label, unit, value (None = not recorded)
    recorded for ``quarter``. For the whole year (0) of a year recorded by quarter, a count is
    the sum of its quarters and a rate or an amount is Q4's (the year's, as the documents
    print it), both marked ``derived`` (typed in the quarters, not here)."""
    rows = wb.rows("SELECT measure, quarter, value FROM scheme_measures WHERE scheme_id = ? AND financial_year = ?",
                   [scheme_id, financial_year])  # fmt: skip
    found = {r["measure"]: r["value"] for r in rows if r["quarter"] == quarter}
    derived: dict[str, float] = {}
    if quarter == 0:
        for r in rows:
            if r["quarter"] and SCHEME_MEASURES[r["measure"]] == "count":
                derived[r["measure"]] = derived.get(r["measure"], 0) + r["value"]
            elif r["quarter"] == 4:
                derived[r["measure"]] = r["value"]
    return [{"measure": m, "label": label, "unit": UNIT_WORDS[SCHEME_MEASURES[m]],
             "value": found.get(m, derived.get(m)), "derived": m in derived}
            for m, label in SCHEME_MEASURE_LABELS.items()]  # fmt: skip


def scheme_chart(wb: Workbook, scheme_id: int, financial_year: str, dimension: str) -> ChartSpec | None:
    """One dimension's printed percentages, male beside female (for ``gender``: the split of
    participants). A suppressed figure draws no bar and is labelled with the policy's symbol.
    None when the year has no figures for it."""
    counts = schemes.scheme_counts(wb, scheme_id, financial_year)
    plan, name = scheme_plan(wb, scheme_id, financial_year)
    options: dict[str, Any] = {"unit": "percent", "value_label": "% of participants",
                               "missing_label": plan.policy.symbol or "*",
                               "category_label": dimension_label(dimension)}  # fmt: skip
    if dimension == "gender":
        if not any(r["dimension"] == "gender" for r in counts):
            return None
        shares = [plan.share(participants_key(name, g), participants_key(name)) for g in GENDERS]
        return ChartSpec("bar", f"Participants by gender, {financial_year}", GENDERS,
                         (Series.from_cells("Participants", shares),), orientation="vertical",
                         **options)  # fmt: skip
    categories = list(dict.fromkeys(r["category"] for r in counts if r["dimension"] == dimension))
    if not categories or _base_key(name, dimension, GENDERS[0]) not in plan.values:
        return None
    series = tuple(Series.from_cells(g, [plan.share(_category_key(name, dimension, g, c), _base_key(name, dimension, g))
                                         for c in categories]) for g in GENDERS)  # fmt: skip
    title = f"Participants by {DIMENSION_LABELS[dimension]} and gender, {financial_year}"
    return ChartSpec("grouped_bar", title, categories, series, orientation=orientation(categories), **options)


def status_chart(wb: Workbook, set_for_year: str) -> ChartSpec | None:
    """The goals set for a year, counted by status (every status shown, in the order of
    the goal's life); None when no goal was set for that year."""
    rows = wb.rows("SELECT status, count(*) AS n FROM goals WHERE set_for_year = ? GROUP BY status",
                   [set_for_year])  # fmt: skip
    counts = {r["status"]: r["n"] for r in rows}
    if not counts:
        return None
    labels = tuple(s[:1].upper() + s[1:] for s in GOAL_STATUSES)
    return ChartSpec("bar", f"{set_for_year} goals by status", labels,
                     (Series("Goals", tuple(counts.get(s, 0) for s in GOAL_STATUSES)),),
                     value_label="Goals", category_label="Status", orientation="vertical")  # fmt: skip
