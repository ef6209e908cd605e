"""Importing an exchange workbook, area by area: rules between sheets, then the rows to write.

Each area's ``check`` adds to the problems (a service count naming no service, a derived KPI
computed from a KPI that does not exist...) and ``write`` replaces the area's tables inside the
import's one transaction. Lists of things (services, KPIs, snapshots...) come from their own
sheet; names only used in another sheet are added after them, in the order first used.
"""

from __future__ import annotations

import base64
import binascii
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..areas.kpis import cell_problems, retired_year_problems, survey_problems
from ..areas.settings import SETTING_RULES, check_logo, _media_type
from ..areas.validation import Invalid
from ..areas import outline, pictures
from ..areas.vocab import ALL_GENDERS, QUARTERLY_REPORTS, REPORT_SECTIONS
from ..areas.workforce import leave_date_problems, start_date_problems
from ..errors import ImportProblem, ValidationError
from ..store.changes import Tx
from ..store.workbook import Workbook
from .layout import NUMBERED_PUBLICATIONS
from .rows import CleanRow

EXTRA_SETTINGS = ("hr_extract.mapping",)  # kept in the settings table by other parts of the app


@dataclass
class Plan:
    """The cleaned rows of each sheet present, the problems found so far, and what the checks
    worked out for the writes (each list's names in order, the KPI definitions, the assets)."""

    sheets: dict[str, list[CleanRow]]
    problems: list[ImportProblem] = field(default_factory=list)
    edi_levels: tuple[str, ...] = ()
    kept: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # see kept_details
    names: dict[str, list[str]] = field(default_factory=dict)  # list table -> names in display order
    kpis: dict[str, KpiDefinition] = field(default_factory=dict)
    assets: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    stored_publications: list[dict[str, Any]] = field(default_factory=list)  # see keep_publications
    stored_figures: list[dict[str, Any]] = field(default_factory=list)
    printed: list[tuple[Edition, int, dict[str, Any]]] = field(default_factory=list)  # see check_publications

    def kept_row(self, table: str, name: str) -> dict[str, Any]:
        return self.kept.get(table, {}).get(name, {})

    def rows(self, sheet: str) -> list[CleanRow]:
        return self.sheets.get(sheet, [])

    def problem(self, sheet: str, row: int, column: str, value: Any, message: str, allowed: str = "") -> None:
        self.problems.append(ImportProblem(sheet, row, column, value, message, allowed))


def kept_details(wb: Workbook) -> dict[str, dict[str, dict[str, Any]]]:
    """What the workbook holds about its lists, by name. A file that leaves a list's own sheet
    out (only service_counts, say) keeps these details, above all the never-publish flags (an
    edited extract must never make a never-publish item publishable) and a KPI's counts-people
    flag (nor take a count of people out of the small-number policy)."""
    return {
        "services": {r["name"]: r for r in wb.rows(
            "SELECT name, service_type, first_year, contract_end, never_publish FROM services")},
        "schemes": {r["name"]: r for r in wb.rows("SELECT name, age_range, never_publish FROM schemes")},
        "kpis": {r["name"]: r for r in wb.rows(
            "SELECT name, never_publish, counts_people, frequency, retired_from FROM kpis")},
        "workforce_snapshots": {r["snapshot_date"]: r for r in wb.rows(
            "SELECT snapshot_date, label FROM workforce_snapshots")},
    }  # fmt: skip


def ordered_names(plan: Plan, own: str, column: str, users: Iterable[tuple[str, str]]) -> list[str]:
    """The names listed on sheet ``own``, then those only used on other sheets (first use first).
    When ``own`` is in the file, a name it does not list is a problem on the sheet using it."""
    names = list(dict.fromkeys(row[column] for _, row in plan.rows(own) if column in row))
    listed = set(names)
    for sheet, user_column in users:
        for number, row in plan.rows(sheet):
            name = row.get(user_column)
            if name is None or name in listed:
                continue
            if own in plan.sheets:
                plan.problem(sheet, number, user_column, name, f"is not on the '{own}' sheet",
                             f"a {column.replace('_', ' ')} listed there")  # fmt: skip
            else:
                names.append(name)
            listed.add(name)
    return names


def insert(tx: Tx, table: str, rows: Sequence[dict[str, Any]]) -> list[int]:
    return list(tx.insert_many(table, list(rows)))


# -- settings and assets ----------------------------------------------------------------
def check_settings(plan: Plan) -> None:
    for number, row in plan.rows("settings"):
        key, value = row.get("key"), row.get("value")
        if key is None:
            continue
        if key in EXTRA_SETTINGS:
            continue
        rule = SETTING_RULES.get(key)
        if rule is None:
            plan.problem("settings", number, "key", key, "is not a setting",
                         ", ".join([*SETTING_RULES, *EXTRA_SETTINGS]))  # fmt: skip
            continue
        if "value" not in row:
            continue  # already reported
        try:
            rule.clean(value)
        except Invalid as bad:
            plan.problem("settings", number, "value", value, f"{bad.message} for {key}", bad.allowed)
    levels = {row.get("key"): row.get("value") for _, row in plan.rows("settings")}.get("edi.levels")
    if levels:
        plan.edi_levels = tuple(str(levels).split("|"))


def write_settings(tx: Tx, plan: Plan) -> None:
    for _, row in plan.rows("settings"):
        rule = SETTING_RULES.get(row["key"])
        value = row["value"] if rule is None else rule.clean(row["value"])
        stored = f"{value:g}" if isinstance(value, float) else ("" if value is None else str(value))
        tx.insert("settings", {"key": row["key"], "value": stored}, pk="key")


def _asset_bytes(plan: Plan) -> dict[str, tuple[str, bytes]]:
    parts: dict[str, list[tuple[int, str]]] = {}
    kinds: dict[str, str] = {}
    first_row: dict[str, int] = {}
    for number, row in plan.rows("assets"):
        if {"name", "part", "data", "media_type"} <= set(row):
            parts.setdefault(row["name"], []).append((row["part"], row["data"]))
            kinds[row["name"]] = row["media_type"]
            first_row.setdefault(row["name"], number)
    found = {}
    for name, pieces in parts.items():
        try:
            data = base64.b64decode("".join(p for _, p in sorted(pieces)), validate=True)
        except (binascii.Error, ValueError):
            plan.problem("assets", first_row[name], "data", None, f"of '{name}' is not base64 image data",
                         "the data column as export-data wrote it")  # fmt: skip
            continue
        found[name] = (kinds[name], data)
    return found


def check_assets(plan: Plan) -> None:
    plan.assets = _asset_bytes(plan)
    for name, (_, data) in plan.assets.items():
        try:
            check_logo(data) if name == "logo" else pictures.check_picture(name, data)
        except ValidationError as bad:
            for p in bad.problems:
                plan.problem("assets", None, "data", p.value, f"of '{name}' {p.message}", p.allowed)


def write_assets(tx: Tx, plan: Plan) -> None:
    for name, (_, data) in plan.assets.items():
        tx.insert("assets", {"name": name, "media_type": _media_type(data), "data": data}, pk="name")


# -- workforce ---------------------------------------------------------------------------
def check_workforce(plan: Plan) -> None:
    for number, row in plan.rows("workforce"):
        if "snapshot_date" in row and "start_date" in row:
            for p in start_date_problems(row, row["snapshot_date"]):
                plan.problem("workforce", number, p.field, p.value, p.message, p.allowed)
    staff = {(row.get("snapshot_date"), row.get("staff_ref")) for _, row in plan.rows("workforce")}
    for number, row in plan.rows("leave_events"):
        if {"snapshot_date", "staff_ref"} <= set(row) and (row["snapshot_date"], row["staff_ref"]) not in staff:
            plan.problem("leave_events", number, "staff_ref", row.get("staff_ref"),
                         f"is not on the workforce sheet for {row.get('snapshot_date')}",
                         "a staff reference of that snapshot")  # fmt: skip
        for p in leave_date_problems(row):
            plan.problem("leave_events", number, p.field, p.value, p.message, p.allowed)
    users = [("workforce", "snapshot_date"), ("leave_events", "snapshot_date")]
    plan.names["workforce_snapshots"] = ordered_names(plan, "workforce_snapshots", "snapshot_date", users)


def write_workforce(tx: Tx, plan: Plan) -> None:
    dates = plan.names["workforce_snapshots"]
    labels = {row["snapshot_date"]: row.get("label", "") for _, row in plan.rows("workforce_snapshots")}
    ids = dict(zip(dates, insert(tx, "workforce_snapshots", [
        {"snapshot_date": d, "label": labels.get(d, plan.kept_row("workforce_snapshots", d).get("label", ""))}
        for d in dates])))  # fmt: skip
    staff = [row for _, row in plan.rows("workforce")]
    staff_ids = insert(tx, "staff", [{"snapshot_id": ids[row["snapshot_date"]],
                                      **{k: v for k, v in row.items() if k != "snapshot_date"}} for row in staff])
    by_ref = {(row["snapshot_date"], row["staff_ref"]): i for row, i in zip(staff, staff_ids)}
    insert(tx, "leave_events", [
        {"staff_id": by_ref[(row["snapshot_date"], row["staff_ref"])],
         **{k: row[k] for k in ("leave_type", "start_date", "end_date", "outcome")}}
        for _, row in plan.rows("leave_events")])  # fmt: skip


# -- services and schemes ---------------------------------------------------------------
@dataclass(frozen=True)
class Owned:
    """The shape shared by services and schemes: a list, categories, counts, figures."""

    owner: str  # sheet and column naming the owner: "service" / "scheme"
    table: str
    list_sheet: str
    figure_sheet: str  # service_activity / scheme_measures
    defaults: dict[str, Any]  # the list's columns, for names only used on other sheets

    @property
    def category_sheet(self) -> str:
        return f"{self.owner}_categories"

    @property
    def count_sheet(self) -> str:
        return f"{self.owner}_counts"

    def names(self, plan: Plan) -> list[str]:
        users = [(s, self.owner) for s in (self.category_sheet, self.count_sheet, self.figure_sheet)]
        return ordered_names(plan, self.list_sheet, self.owner, users)

    def categories(self, plan: Plan) -> dict[tuple[str, str], list[str]]:
        """(owner, dimension) -> its categories in display order: by the ``order`` column where
        given, otherwise in the order first used."""
        found: dict[tuple[str, str], dict[str, tuple[float, int]]] = {}
        for sheet in (self.category_sheet, self.count_sheet):
            for _, row in plan.rows(sheet):
                if {self.owner, "dimension", "category"} <= set(row):
                    listed = found.setdefault((row[self.owner], row["dimension"]), {})
                    order = row.get("order")
                    listed.setdefault(row["category"], (math.inf if order is None else order, len(listed)))
        return {key: sorted(listed, key=listed.__getitem__) for key, listed in found.items()}


SERVICES = Owned("service", "services", "services", "service_activity",
                 {"service_type": "", "first_year": None, "contract_end": None, "never_publish": 0})
SCHEMES = Owned("scheme", "schemes", "schemes", "scheme_measures", {"age_range": "", "never_publish": 0})


def check_owned(plan: Plan, kind: Owned) -> None:
    plan.names[kind.table] = kind.names(plan)
    if kind is SCHEMES:
        for number, row in plan.rows("scheme_counts"):
            if row.get("dimension") == "gender" and row.get("gender") != ALL_GENDERS:
                plan.problem("scheme_counts", number, "gender", row.get("gender"),
                             "must be All on rows of the gender dimension (the category is the gender)",
                             ALL_GENDERS)  # fmt: skip
        _check_one_way(plan, "scheme_counts", ())
        _check_one_way(plan, "scheme_measures", ("measure",))


def _check_one_way(plan: Plan, sheet: str, within: tuple[str, ...]) -> None:
    """A scheme's year (a measure's, for measures) is recorded by quarter or for the whole
    year, never both: the year would count it twice."""
    rows = list(plan.rows(sheet))

    def year(row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(row.get(c) for c in ("scheme", "financial_year", *within))

    by_quarter = {year(row) for _, row in rows if row.get("quarter")}
    for number, row in rows:
        if not row.get("quarter") and year(row) in by_quarter:
            plan.problem(sheet, number, "quarter", None, f"is empty (the whole year) while {row.get('scheme')}'s "
                         f"{row.get('financial_year')} has rows by quarter too: the year would count twice",
                         "a quarter (1 to 4) on every row of that year, or on none")  # fmt: skip


def write_owned(tx: Tx, plan: Plan, kind: Owned) -> None:
    names = plan.names[kind.table]
    details = {row[kind.owner]: row for _, row in plan.rows(kind.list_sheet)}
    owners = [{"name": name, **{c: (details.get(name) or plan.kept_row(kind.table, name)).get(c, d)
                                for c, d in kind.defaults.items()},
               "position": position} for position, name in enumerate(names, start=1)]  # fmt: skip
    ids = dict(zip(names, insert(tx, kind.table, owners)))
    link = f"{kind.owner}_id"
    insert(tx, kind.category_sheet, [
        {link: ids[owner], "dimension": dimension, "category": category, "position": position}
        for (owner, dimension), categories in kind.categories(plan).items()
        for position, category in enumerate(categories, start=1)])  # fmt: skip
    for sheet in (kind.count_sheet, kind.figure_sheet):
        insert(tx, sheet, [
            {link: ids[row[kind.owner]], **{k: v for k, v in row.items() if k not in (kind.owner, "order")}}
            for _, row in plan.rows(sheet)])  # fmt: skip


# -- KPIs --------------------------------------------------------------------------------
@dataclass
class KpiDefinition:
    outcome: str
    group: str
    unit: str
    polarity: str
    never_publish: int = 0
    kind: str | None = None
    inputs: list[str] = field(default_factory=list)
    counts_people: int = 0  # its figures go through the small-number policy
    frequency: str = "quarterly"  # or "survey" (see areas/kpis.py)
    decimals: int | None = None  # None: as entered
    retired_from: str | None = None  # the year its documents stop printing it (see areas/kpis.py)


def kpi_definitions(plan: Plan) -> dict[str, KpiDefinition]:
    """Every KPI with its definition, from the kpis, kpi_values and kpi_derived sheets in turn;
    a KPI defined twice differently is a problem where it differs."""
    found: dict[str, KpiDefinition] = {}
    for sheet in ("kpis", "kpi_values"):
        for number, row in plan.rows(sheet):
            if not {"kpi", "strategic_outcome", "group", "unit", "polarity"} <= set(row):
                continue
            new = KpiDefinition(row["strategic_outcome"], row["group"], row["unit"], row["polarity"],
                                _flag(plan, row, "never_publish"),
                                counts_people=_flag(plan, row, "counts_people"),
                                frequency=row.get("frequency") or _kept_frequency(plan, row["kpi"]),
                                decimals=row.get("decimals"),
                                retired_from=row.get("retired_from") or _kept_retirement(plan, row["kpi"]))  # fmt: skip
            _define(plan, found, sheet, number, row["kpi"], new)
    for number, row in plan.rows("kpi_derived"):
        if not {"kpi", "group", "unit", "kind", "inputs"} <= set(row):
            continue
        outcome = row.get("strategic_outcome") or _outcome_of(plan, found, number, row["group"])
        if outcome is None:
            continue
        new = KpiDefinition(outcome, row["group"], row["unit"], row.get("polarity") or "neutral",
                            _flag(plan, row, "never_publish"), row["kind"],
                            [p.strip() for p in row["inputs"].split("|") if p.strip()],
                            _flag(plan, row, "counts_people"), retired_from=_kept_retirement(plan, row["kpi"]))  # fmt: skip
        existing = found.get(row["kpi"])
        if existing is not None and existing.kind is None:
            new.never_publish, new.counts_people = existing.never_publish, existing.counts_people
            new.frequency, new.decimals, new.retired_from = existing.frequency, existing.decimals, existing.retired_from
            found[row["kpi"]] = new  # a kpis-sheet row names it; kpi_derived says how it is computed
            if (existing.outcome, existing.group, existing.unit) != (new.outcome, new.group, new.unit):
                plan.problem("kpi_derived", number, "kpi", row["kpi"],
                             "has another outcome, group or unit on the kpis sheet", "the same definition")
            continue
        _define(plan, found, "kpi_derived", number, row["kpi"], new)
    return found


def _kept_frequency(plan: Plan, name: str) -> str:
    """A KPI's frequency when the file does not give it (a blank cell, a sheet without the
    column, a file without the kpis sheet): as the workbook holds it, quarterly for a new KPI."""
    return str(plan.kept_row("kpis", name).get("frequency") or "quarterly")


def _kept_retirement(plan: Plan, name: str) -> str | None:
    """A KPI's retirement when the file does not give it: as the workbook holds it (so an
    extract made before a KPI was retired cannot bring it back), none for a new KPI."""
    return plan.kept_row("kpis", name).get("retired_from")


def _flag(plan: Plan, row: dict[str, Any], column: str) -> int:
    """A KPI's never_publish or counts_people flag: the row's yes or no; else (a sheet without
    the column, a blank cell) as the workbook holds it, 0 for a KPI new to it."""
    given = row.get(column)
    if given is not None:
        return int(given)
    return int(plan.kept_row("kpis", row["kpi"]).get(column) or 0)


def _define(plan: Plan, found: dict[str, KpiDefinition], sheet: str, number: int, name: str,
            new: KpiDefinition) -> None:
    existing = found.setdefault(name, new)
    same = (existing.outcome, existing.group, existing.unit, existing.polarity) == (
        new.outcome, new.group, new.unit, new.polarity)
    if not same:
        plan.problem(sheet, number, "kpi", name, "is defined differently on an earlier row "
                     f"({existing.outcome} / {existing.group} / {existing.unit} / {existing.polarity})",
                     "the same outcome, group, unit and polarity on every row of a KPI")  # fmt: skip


def _outcome_of(plan: Plan, found: dict[str, KpiDefinition], number: int, group: str) -> str | None:
    outcomes = list(dict.fromkeys(d.outcome for d in found.values() if d.group == group))
    if len(outcomes) == 1:
        return outcomes[0]
    plan.problem("kpi_derived", number, "strategic_outcome", None,
                 f"is needed: group '{group}' is {'in no' if not outcomes else 'in more than one'} outcome",
                 "the strategic outcome the group belongs to")  # fmt: skip
    return None


def check_kpis(plan: Plan) -> None:
    kpis = plan.kpis = kpi_definitions(plan)
    derived_rows = {row.get("kpi"): number for number, row in plan.rows("kpi_derived")}
    for name, kpi in kpis.items():
        if kpi.kind is not None:
            _check_inputs(plan, kpis, derived_rows.get(name, 0), name, kpi)
    for number, row in plan.rows("kpi_values"):
        kpi = kpis.get(row.get("kpi", ""))
        if kpi is not None and kpi.kind is not None:
            plan.problem("kpi_values", number, "value", row.get("value"),
                         f"cannot be typed: '{row['kpi']}' is computed from other KPIs", "no row for it")
        elif kpi is not None:
            retired = retired_year_problems({"name": row["kpi"], "retired_from": kpi.retired_from},
                                            row.get("financial_year", ""))  # fmt: skip
            for p in cell_problems(kpi.unit, row) + retired:
                plan.problem("kpi_values", number, p.field, p.value, p.message, p.allowed)
    _check_surveys(plan, kpis, derived_rows)
    _check_retired_inputs(plan, kpis, derived_rows)
    for number, row in plan.rows("kpi_comparators"):
        if row.get("kpi") is not None and row["kpi"] not in kpis:
            plan.problem("kpi_comparators", number, "kpi", row["kpi"], "is not a KPI in this file",
                         "a KPI named on the kpis, kpi_values or kpi_derived sheet")  # fmt: skip
        if "financial_year" in row and "quarter" in row and bool(row["financial_year"]) != bool(row["quarter"]):
            plan.problem("kpi_comparators", number, "quarter", row["quarter"] or None,
                         "needs its financial year, and a year its quarter", "both (2019/20 and 4), or neither")
    groups = {(k.outcome, k.group) for k in kpis.values()}
    for number, row in plan.rows("kpi_commentary"):
        if {"strategic_outcome", "group"} <= set(row) and (row["strategic_outcome"], row["group"]) not in groups:
            plan.problem("kpi_commentary", number, "group", row["group"],
                         f"is not a KPI group of '{row['strategic_outcome']}' in this file",
                         "an outcome and group named on the KPI sheets")  # fmt: skip


def _check_surveys(plan: Plan, kpis: dict[str, KpiDefinition], derived_rows: dict[Any, int]) -> None:
    """The rules of a survey KPI (areas/kpis.py): typed, counting no one, no derived KPI's input."""
    rows = {row.get("kpi"): number for number, row in plan.rows("kpis")}
    for name, kpi in kpis.items():
        if kpi.frequency != "survey":
            continue
        for p in survey_problems({"frequency": kpi.frequency, "counts_people": kpi.counts_people}, kpi.kind):
            plan.problem("kpi_derived" if kpi.kind else "kpis", derived_rows.get(name) if kpi.kind else rows.get(name, 0),
                         p.field, p.value, f"{p.message} ('{name}')", p.allowed)  # fmt: skip
        for user, other in kpis.items():
            if name in other.inputs:
                plan.problem("kpi_derived", derived_rows.get(user, 0), "inputs", name, "is a survey KPI",
                             "quarterly KPIs")  # fmt: skip


def _check_retired_inputs(plan: Plan, kpis: dict[str, KpiDefinition], derived_rows: dict[Any, int]) -> None:
    """A derived KPI is never printed in a year one of its inputs is retired in (areas/kpis.py)."""
    for name, kpi in kpis.items():
        for part in kpi.inputs:
            retired = kpis[part].retired_from if part in kpis else None
            if retired and (kpi.retired_from is None or kpi.retired_from > retired):
                plan.problem("kpi_derived", derived_rows.get(name, 0), "inputs", part,
                             f"is retired from {retired}, and '{name}' is computed from it",
                             f"'{name}' retired from {retired} or earlier, or '{part}' not retired")  # fmt: skip


def _check_inputs(plan: Plan, kpis: dict[str, KpiDefinition], number: int, name: str, kpi: KpiDefinition) -> None:
    def problem(message: str, allowed: str) -> None:
        plan.problem("kpi_derived", number, "inputs", " | ".join(kpi.inputs), message, allowed)

    if kpi.kind == "ratio" and len(kpi.inputs) != 2:
        problem("must be a numerator and a denominator", "exactly two KPI names separated by ' | '")
    if kpi.kind == "sum" and len(kpi.inputs) < 2:
        problem("must name the parts", "two or more KPI names separated by ' | '")
    if len(set(kpi.inputs)) != len(kpi.inputs):
        problem("name a KPI more than once", "different KPIs")
    for missing in [i for i in kpi.inputs if i not in kpis]:
        problem(f"names '{missing}', which is not a KPI in this file", "KPIs defined on the KPI sheets")
    if _cycle(kpis, name, set()):
        problem("make the KPI depend on itself", "inputs that are not computed from this KPI")


def _cycle(kpis: dict[str, KpiDefinition], name: str, seen: set[str]) -> bool:
    if name in seen:
        return True
    kpi = kpis.get(name)
    return kpi is not None and any(_cycle(kpis, i, seen | {name}) for i in kpi.inputs)


def write_kpis(tx: Tx, plan: Plan) -> None:
    kpis = plan.kpis
    outcomes = list(dict.fromkeys(k.outcome for k in kpis.values()))
    outcome_ids = dict(zip(outcomes, insert(tx, "strategic_outcomes", [
        {"name": name, "position": p} for p, name in zip(positions(outcomes, lambda o: ""), outcomes)])))
    groups = list(dict.fromkeys((k.outcome, k.group) for k in kpis.values()))
    group_ids = dict(zip(groups, insert(tx, "kpi_groups", [
        {"outcome_id": outcome_ids[o], "name": g, "position": p}
        for p, (o, g) in zip(positions(groups, lambda group: group[0]), groups)])))  # fmt: skip
    ranks = positions(list(kpis.values()), lambda k: (k.outcome, k.group))
    kpi_ids = dict(zip(kpis, insert(tx, "kpis", [
        {"group_id": group_ids[(k.outcome, k.group)], "name": name, "unit": k.unit, "polarity": k.polarity,
         "derived_kind": k.kind, "never_publish": k.never_publish, "counts_people": k.counts_people,
         "frequency": k.frequency, "decimals": k.decimals, "retired_from": k.retired_from, "position": rank}
        for rank, (name, k) in zip(ranks, kpis.items())])))  # fmt: skip
    insert(tx, "kpi_inputs", [{"kpi_id": kpi_ids[name], "position": slot, "input_kpi_id": kpi_ids[i]}
                              for name, k in kpis.items() for slot, i in enumerate(k.inputs, start=1)])
    value_columns = ("financial_year", "quarter", "value", "status", "provisional", "revised")
    insert(tx, "kpi_values", [{"kpi_id": kpi_ids[row["kpi"]], **{c: row.get(c, 0) for c in value_columns},
                               "period": row.get("period") or ""}
                              for _, row in plan.rows("kpi_values")])  # fmt: skip
    insert(tx, "kpi_comparators", [
        {"kpi_id": kpi_ids[row["kpi"]], **{c: row[c] for c in ("comparator", "period", "value")},
         "financial_year": row.get("financial_year") or "", "quarter": row.get("quarter") or 0}
        for _, row in plan.rows("kpi_comparators")])  # fmt: skip
    insert(tx, "kpi_commentary", [
        {"group_id": group_ids[(row["strategic_outcome"], row["group"])],
         **{c: row[c] for c in ("financial_year", "quarter", "text")}} for _, row in plan.rows("kpi_commentary")])


def positions(items: Sequence[Any], parent: Any) -> list[int]:
    """Each item's position (1, 2, ...) among the earlier items with the same ``parent(item)``."""
    seen: dict[Any, int] = {}
    out = []
    for item in items:
        key = parent(item)
        seen[key] = seen.get(key, 0) + 1
        out.append(seen[key])
    return out


# -- goals, EDI, narrative --------------------------------------------------------------
def check_goals(plan: Plan) -> None:
    goals = {(row.get("set_for_year"), row.get("title")) for _, row in plan.rows("goals")}
    for number, row in plan.rows("goal_updates"):
        if (row.get("set_for_year"), row.get("title")) not in goals:
            plan.problem("goal_updates", number, "title", row.get("title"),
                         f"is not a goal set for {row.get('set_for_year')} on the goals sheet",
                         "a goal listed there with the same set_for_year and title")  # fmt: skip


def write_goals(tx: Tx, plan: Plan) -> None:
    goals = [row for _, row in plan.rows("goals")]
    ranks = positions(goals, lambda goal: goal["set_for_year"])
    ids = insert(tx, "goals", [{**row, "owner": row.get("owner") or "", "position": rank}
                               for rank, row in zip(ranks, goals)])  # fmt: skip
    by_key = {(row["set_for_year"], row["title"]): i for row, i in zip(goals, ids)}
    insert(tx, "goal_updates", [
        {"goal_id": by_key[(row["set_for_year"], row["title"])],
         **{c: row.get(c) for c in ("report_year", "update_date", "text")}}
        for _, row in plan.rows("goal_updates")])  # fmt: skip


def check_edi(plan: Plan) -> None:
    plan.names["edi_areas"] = ordered_names(plan, "edi_areas", "area", [("edi_assessment", "area")])
    for number, row in plan.rows("edi_assessment"):
        if row.get("level") is not None and row["level"] not in plan.edi_levels:
            plan.problem("edi_assessment", number, "level", row["level"], "is not a level of the EDI framework",
                         ", ".join(plan.edi_levels))  # fmt: skip


def write_edi(tx: Tx, plan: Plan) -> None:
    areas = plan.names["edi_areas"]
    rows = [{"name": area, "position": position} for position, area in enumerate(areas, start=1)]
    ids = dict(zip(areas, insert(tx, "edi_areas", rows)))
    insert(tx, "edi_assessments", [
        {"area_id": ids[row["area"]], **{c: row[c] for c in ("financial_year", "level", "evidence")}}
        for _, row in plan.rows("edi_assessment")])  # fmt: skip


def check_narrative(plan: Plan) -> None:
    """The outline sheet's outlines whole, then each text's section against them."""
    shaped = _outlines(plan)
    for number, row in plan.rows("narrative"):
        report = row.get("report")
        if report is None:
            continue
        allowed = _text_keys(report, shaped, row.get("financial_year"))
        if row.get("section") is not None and row["section"] not in allowed:
            plan.problem("narrative", number, "section", row["section"], f"is not a section of {report}"
                         f" for {row.get('financial_year')} (nor of the outline sheet's outline for it)",
                         ", ".join(allowed))  # fmt: skip
        _check_quarter(plan, "narrative", number, report, row.get("quarter"))


def _outlines(plan: Plan) -> dict[tuple[str, str], list[tuple[int, str, str]]]:
    """The outline sheet's rows by (report, year), in position order, each outline checked
    as the window checks one."""
    shaped: dict[tuple[str, str], list[tuple[int, str, str]]] = {}
    first: dict[tuple[str, str], int] = {}
    for number, row in plan.rows("outline"):
        if {"report", "financial_year", "position", "section", "title"} <= set(row):
            where = (row["report"], row["financial_year"])
            shaped.setdefault(where, []).append((row["position"], row["section"], row["title"]))
            first.setdefault(where, number)
    for (report, year), parts in shaped.items():
        parts.sort()
        try:
            outline.check_parts(report, [(key, title) for _, key, title in parts])
        except ValidationError as bad:
            for p in bad.problems:
                plan.problem("outline", first[(report, year)], "section", p.value,
                             f"{p.field} of the {report} outline for {year} {p.message}", p.allowed)  # fmt: skip
    return shaped


def _text_keys(report: str, shaped: dict[tuple[str, str], list[tuple[int, str, str]]], year: str | None) -> list[str]:
    """The sections a text of ``report`` for ``year`` may be for: the document's own and those
    of the outline the year takes from the sheet."""
    years = sorted(y for r, y in shaped if r == report and year is not None and y <= year)
    own = [key for _, key, _ in shaped[(report, years[-1])]] if years else []
    return list(dict.fromkeys([*REPORT_SECTIONS[report], *own]))


def _check_quarter(plan: Plan, sheet: str, number: int, report: str, quarter: int | None) -> None:
    if quarter is None:
        return
    if report in QUARTERLY_REPORTS and quarter == 0:
        plan.problem(sheet, number, "quarter", quarter, f"is needed for {report}", "1, 2, 3 or 4")
    if report not in QUARTERLY_REPORTS and quarter != 0:
        plan.problem(sheet, number, "quarter", quarter, f"is not used by {report} (a yearly report)", "0 or blank")


def write_narrative(tx: Tx, plan: Plan) -> None:
    insert(tx, "report_outlines", [row for _, row in plan.rows("outline")])
    insert(tx, "narratives", [row for _, row in plan.rows("narrative")])


# -- publications and what they printed -------------------------------------------------
# A publication as the sheets name it: report, financial year, quarter, date published and,
# as two may share those (an edition exported twice with --publish the same day), which of
# them in the order listed (the published_figures sheet's occurrence, 1 for the first).
Edition = tuple[str, str, int, str]
EDITION = ("report", "financial_year", "quarter", "published_on")
EDITION_COLUMNS = " + ".join(EDITION)


def keep_publications(wb: Workbook, plan: Plan) -> None:
    """What the workbook holds of the publications area, for a file that leaves a sheet of it
    out: without the publications sheet, the publications stay and the figures name them;
    without the published_figures sheet, the figures of the publications the file still lists
    are kept, so an older export (made before the sheet) never forgets what was printed."""
    if "publications" not in plan.sheets:
        plan.stored_publications = wb.rows("SELECT id, " + ", ".join(EDITION) + " FROM publications ORDER BY id")
    elif "published_figures" not in plan.sheets:
        plan.stored_figures = wb.rows(
            "SELECT p.report, p.financial_year, p.quarter, p.published_on, p.occurrence, f.key, f.value, f.shown"
            f" FROM published_figures f JOIN ({NUMBERED_PUBLICATIONS}) p ON p.id = f.publication_id"
            " ORDER BY p.id, f.id")  # fmt: skip


def _edition(row: dict[str, Any]) -> Edition | None:
    if any(row.get(column) is None for column in EDITION):
        return None  # a cell already reported
    return (row["report"], row["financial_year"], row["quarter"], row["published_on"])


def check_publications(plan: Plan) -> None:
    """Each publication's quarter fits its report; each published figure names a publication
    that the import leaves in the workbook (on the publications sheet or, when the file has
    none, recorded already). Works out ``plan.printed``: each figure with its publication (the
    edition, and which of the publications sharing it, from 0)."""
    for number, row in plan.rows("publications"):
        if row.get("report") is not None:
            _check_quarter(plan, "publications", number, row["report"], row.get("quarter"))
    listed = "publications" in plan.sheets
    editions = Counter(_edition(row) for row in (
        [row for _, row in plan.rows("publications")] if listed else plan.stored_publications))
    where = "on the publications sheet" if listed else "recorded in the workbook (the file has no publications sheet)"
    allowed = ("a publication listed on the publications sheet" if listed else "a publication the workbook records"
               ) + ": the same report, financial_year, quarter and published_on"  # fmt: skip
    in_file = "published_figures" in plan.sheets
    # Without the sheet: the figures kept of the publications the file still lists.
    figures = plan.rows("published_figures") if in_file else list(enumerate(plan.stored_figures, start=2))
    for number, row in figures:
        edition = _edition(row)
        if edition is None or row.get("key") is None or row.get("occurrence") is None:
            continue
        if row["occurrence"] <= editions[edition]:
            plan.printed.append((edition, row["occurrence"] - 1, row))
        elif not in_file:
            continue  # a kept figure of a publication the file drops goes with it
        elif not editions[edition]:
            plan.problem("published_figures", number, EDITION_COLUMNS, " / ".join(str(part) for part in edition),
                         f"is not a publication {where}", allowed)  # fmt: skip
        else:
            count = editions[edition]
            plan.problem("published_figures", number, "occurrence", row["occurrence"],
                         f"is more than the {count} publication{'s' if count > 1 else ''} {where} with this"
                         " report, financial_year, quarter and published_on", f"1 to {count}, or blank for 1")  # fmt: skip


def write_publications(tx: Tx, plan: Plan) -> None:
    if "publications" in plan.sheets:
        rows = [row for _, row in plan.rows("publications")]
        ids = insert(tx, "publications", rows)
    else:  # kept as they are (see load.py)
        rows = plan.stored_publications
        ids = [row["id"] for row in rows]
    editions: dict[Edition | None, list[int]] = {}
    for row, publication in zip(rows, ids):
        editions.setdefault(_edition(row), []).append(publication)
    insert(tx, "published_figures", [
        {"publication_id": editions[edition][n], "key": row["key"], "value": row["value"], "shown": row["shown"]}
        for edition, n, row in plan.printed])  # fmt: skip
