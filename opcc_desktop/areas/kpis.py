"""KPI definitions by strategic outcome and group, quarterly values, comparators, commentary.

A KPI is measured each quarter (``frequency`` "quarterly") or by a survey reported once a
year or less often ("survey", such as public confidence). A survey KPI's value is stored at
the quarter its survey period ends in (a survey to March 2020 at 2019/20 Q4) with the
period's own label ("March 2020", "year ending March 2020"); the update prints its most recent
value beside its comparators, each with its period. A survey KPI is typed, never derived,
never an input of a derived KPI, and never counts people.

``decimals`` (0 to 3, or empty) fixes the places a KPI's values print with; empty means the
most places any of its values or comparators was entered with (153 prints "153", 62.75
"62.75", and 80 beside 77.5 "80.0").

A KPI no longer measured is retired from a financial year (``retired_from``): it keeps its
figures, which the documents of earlier years still print, while those of that year and later
leave it out and its cells there take no figure. A derived KPI is never printed in a year one
of its inputs is retired in: an input is retired only once the KPIs computed from it are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import NotFound, Problem, ValidationError
from ..store.changes import Changes, Tx
from ..store.workbook import Workbook
from .editing import (
    delete_row,
    edit_row,
    find_id,
    next_position,
    place,
    recorded,
    set_cell,
)
from .publications import kpi_quarter_published
from .validation import (
    Field,
    choice,
    collect,
    financial_year,
    flag,
    integer,
    long_text,
    number,
    quarter,
    quarter_or_year,
    refuse,
    text,
    validate,
)
from .vocab import DERIVED_KINDS, POLARITIES, UNITS, VALUE_STATUSES

FREQUENCIES = ("quarterly", "survey")
OUTCOME_RULES: dict[str, Field] = {"name": text(max_len=200)}
GROUP_RULES: dict[str, Field] = {"name": text(max_len=150)}
KPI_RULES: dict[str, Field] = {
    "name": text(max_len=250),
    "unit": choice(UNITS),
    "polarity": choice(POLARITIES),
    "never_publish": flag(),
    "counts_people": flag(),  # its figures go through the small-number policy
    "frequency": choice(FREQUENCIES, required=False, empty="quarterly"),
    "decimals": integer(low=0, high=3, required=False),  # None: as entered
}
VALUE_RULES: dict[str, Field] = {
    "financial_year": financial_year(),
    "quarter": quarter(),
    "value": number(required=False),
    "status": choice(VALUE_STATUSES, required=False, empty=""),
    "provisional": flag(),
    "revised": flag(),
    "period": text(max_len=60, required=False),  # a survey value's own period: "March 2020"
}
COMPARATOR_RULES: dict[str, Field] = {
    "comparator": text(max_len=80),
    "period": text(max_len=30),
    "value": number(required=False),
    # the quarter the figure is for (its survey period ends in), when known: empty and 0 if not
    "financial_year": Field(financial_year().check, required=False, empty=""),
    "quarter": quarter_or_year(),
}
# What a typed value may be, by the KPI's unit.
UNIT_VALUES: dict[str, Field] = {
    "count": integer(low=0),
    "percent": number(low=0, high=100),
    "seconds": number(low=0),
    "rate_per_1000": number(low=0),
}
RETIRE_RULES: dict[str, Field] = {"retired_from": financial_year()}
COMMENTARY_RULES: dict[str, Field] = {
    "financial_year": financial_year(),
    "quarter": quarter(),
    "text": long_text(),
}


def add_outcome(wb: Workbook, name: str) -> Changes:
    clean = validate("strategic outcome", OUTCOME_RULES, {"name": name})
    with recorded(wb, "strategic outcome", "Add strategic outcome", clean) as tx:
        tx.insert("strategic_outcomes", {**clean, "position": next_position(tx, "strategic_outcomes")})
    return tx.changes("Add strategic outcome")


def rename_outcome(wb: Workbook, outcome_id: int, name: str) -> Changes:
    return edit_row(wb, "strategic_outcomes", "strategic outcome", OUTCOME_RULES, outcome_id, {"name": name})


def delete_outcome(wb: Workbook, outcome_id: int) -> Changes:
    """Delete an outcome with its groups and KPIs; refused while a derived KPI elsewhere uses one."""
    _refuse_if_used(wb, "strategic outcome", "SELECT k.id FROM kpis k JOIN kpi_groups g ON g.id = k.group_id"
                    " WHERE g.outcome_id = ?", outcome_id)  # fmt: skip
    return delete_row(wb, "strategic_outcomes", "strategic outcome", outcome_id)


def add_group(wb: Workbook, outcome_id: int, name: str) -> Changes:
    clean = validate("KPI group", GROUP_RULES, {"name": name})
    with recorded(wb, "KPI group", "Add KPI group", clean) as tx:
        tx.require("strategic_outcomes", {"id": outcome_id}, "Strategic outcome")
        position = next_position(tx, "kpi_groups", {"outcome_id": outcome_id})
        tx.insert("kpi_groups", {"outcome_id": outcome_id, **clean, "position": position})
    return tx.changes("Add KPI group")


def rename_group(wb: Workbook, group_id: int, name: str) -> Changes:
    return edit_row(wb, "kpi_groups", "KPI group", GROUP_RULES, group_id, {"name": name})


def delete_group(wb: Workbook, group_id: int) -> Changes:
    """Delete a group with its KPIs; refused while a derived KPI in another group uses one."""
    _refuse_if_used(wb, "KPI group", "SELECT id FROM kpis WHERE group_id = ?", group_id)
    return delete_row(wb, "kpi_groups", "KPI group", group_id)


def add_kpi(
    wb: Workbook, group_id: int, values: Mapping[str, Any],
    derived_kind: str | None = None, inputs: Sequence[int] = (),
) -> Changes:
    """Add a KPI; a derived one (``sum`` of parts, or ``ratio`` numerator/denominator) names
    the ids of the KPIs it is computed from."""
    clean, problems = collect(KPI_RULES, values)
    problems += _derivation_problems(derived_kind, inputs) + survey_problems(clean, derived_kind)
    problems += _survey_input_problems(wb, inputs) + _retired_input_problems(wb, inputs)
    refuse("KPI", problems)
    with recorded(wb, "KPI", "Add KPI", clean) as tx:
        tx.require("kpi_groups", {"id": group_id}, "KPI group")
        for input_id in inputs:
            tx.require("kpis", {"id": input_id}, "Input KPI")
        position = next_position(tx, "kpis", {"group_id": group_id})
        key = tx.insert("kpis", {"group_id": group_id, **clean, "derived_kind": derived_kind,
                                 "position": position})  # fmt: skip
        for slot, input_id in enumerate(inputs, start=1):
            tx.insert("kpi_inputs", {"kpi_id": key["id"], "position": slot, "input_kpi_id": input_id})
    return tx.changes("Add KPI")


def edit_kpi(wb: Workbook, kpi_id: int, values: Mapping[str, Any]) -> Changes:
    """Edit a KPI's definition; a new unit must fit the values already entered. A KPI made
    a survey one keeps its values where they are (each at the quarter its survey ends in)."""
    clean, problems = collect(KPI_RULES, values, partial=True)
    found = wb.rows("SELECT frequency, counts_people, derived_kind FROM kpis WHERE id = ?", [kpi_id])
    if found and {"frequency", "counts_people"} & set(clean):
        after = {**found[0], **clean}
        problems += survey_problems(after, after["derived_kind"])
        if after["frequency"] == "survey" and wb.scalar("SELECT 1 FROM kpi_inputs WHERE input_kpi_id = ?", [kpi_id]):
            problems.append(Problem("frequency", "survey", "cannot be set: a derived KPI is computed from this KPI",
                                    "quarterly, or change the derived KPI first"))  # fmt: skip
    if clean.get("unit"):
        for row in wb.rows("SELECT financial_year, quarter, value FROM kpi_values"
                           " WHERE kpi_id = ? AND value IS NOT NULL ORDER BY financial_year, quarter",
                           [kpi_id]):  # fmt: skip
            if cell_problems(clean["unit"], {"value": row["value"]}):
                problems.append(Problem("unit", clean["unit"], "does not fit a value already entered "
                                        f"({row['value']:g} in {row['financial_year']} Q{row['quarter']})",
                                        "a unit that fits the values, or change the values first"))  # fmt: skip
                break
    refuse("KPI", problems)
    with recorded(wb, "KPI", "Edit KPI", clean) as tx:
        tx.require("kpis", {"id": kpi_id}, "KPI")
        tx.update("kpis", {"id": kpi_id}, clean)
    return tx.changes("Edit KPI")


def delete_kpi(wb: Workbook, kpi_id: int) -> Changes:
    """Delete a KPI with its values; refused while a derived KPI is computed from it."""
    _refuse_if_used(wb, "KPI", "SELECT ?", kpi_id)
    return delete_row(wb, "kpis", "KPI", kpi_id)


def set_kpi_value(
    wb: Workbook, kpi_id: int, financial_year: str, quarter: int, value: float | None = None,
    status: str = "", provisional: bool = False, revised: bool = False, period: str = "",
) -> Changes:
    """Set one quarter's cell: a number (fitting the KPI's unit), a status (not available /
    under development), or neither, which leaves the cell blank (not yet due). A survey
    KPI's value is set at the quarter its survey period ends in, ``period`` its label
    ("March 2020"; empty: the quarter's last month)."""
    found = wb.rows("SELECT name, unit, derived_kind, retired_from FROM kpis WHERE id = ?", [kpi_id])
    if not found:
        raise NotFound(f"KPI id {kpi_id} does not exist (it may have been deleted).")
    kpi = found[0]
    clean, problems = collect(VALUE_RULES, {
        "financial_year": financial_year, "quarter": quarter, "value": value,
        "status": status, "provisional": provisional, "revised": revised, "period": period})  # fmt: skip
    if kpi["derived_kind"]:
        problems.append(Problem(
            "value", value, f"cannot be typed: '{kpi['name']}' is computed from other KPIs",
            "edit the KPIs it is computed from"))  # fmt: skip
    else:
        problems += cell_problems(kpi["unit"], clean)
    problems += retired_year_problems(kpi, clean.get("financial_year", ""))
    refuse("KPI value", problems)
    description = f"Set KPI value {clean['financial_year']} Q{clean['quarter']}"
    with recorded(wb, "KPI value", description) as tx:
        blank = clean["value"] is None and not clean["status"]
        where = {"kpi_id": kpi_id, "financial_year": clean["financial_year"], "quarter": clean["quarter"]}
        cell = {k: clean[k] for k in ("value", "status", "provisional", "revised", "period")}
        if not blank and _revised(tx, where, clean["value"]):
            cell["revised"] = 1
        set_cell(tx, "kpi_values", where, None if blank else cell)
    return tx.changes(description)


def _revised(tx: Tx, where: Mapping[str, Any], value: float | None) -> bool:
    """Is the figure revised: already marked so, or a number published in a performance
    update being changed now? (Once revised, it stays marked; undo takes the mark back.)"""
    row_id = find_id(tx, "kpi_values", where)
    before = tx.fetch("kpi_values", {"id": row_id}) if row_id is not None else None
    if before is None or before["value"] is None:
        return False
    if before["revised"]:
        return True
    return value != before["value"] and kpi_quarter_published(tx, where["financial_year"], where["quarter"])


def set_comparator(
    wb: Workbook, kpi_id: int, comparator: str, period: str, value: float | None,
    financial_year: str = "", quarter: int = 0,
) -> Changes:
    """Set (or, with no value, remove) a comparator's figure for a period: "National",
    "March 2020", 75. ``financial_year`` and ``quarter`` say which quarter the figure is for
    (a survey's: the quarter its period ends in), so the update prints the most recent one
    available at the report's quarter; without them it is printed whatever the quarter."""
    clean, problems = collect(COMPARATOR_RULES, {"comparator": comparator, "period": period, "value": value,
                                                 "financial_year": financial_year, "quarter": quarter})  # fmt: skip
    if bool(clean.get("financial_year")) != bool(clean.get("quarter")) and not problems:
        problems.append(Problem("quarter", quarter, "needs its financial year, and a year its quarter",
                                "both (2019/20 and 4), or neither"))  # fmt: skip
    refuse("KPI comparator", problems)
    description = f"Set {clean['comparator']} comparator"
    with recorded(wb, "KPI comparator", description) as tx:
        tx.require("kpis", {"id": kpi_id}, "KPI")
        where = {"kpi_id": kpi_id, "comparator": clean["comparator"], "period": clean["period"]}
        figure = {k: clean[k] for k in ("value", "financial_year", "quarter")}
        set_cell(tx, "kpi_comparators", where, None if clean["value"] is None else figure)
    return tx.changes(description)


def set_commentary(
    wb: Workbook, group_id: int, financial_year: str, quarter: int, text_: str | None
) -> Changes:
    clean = validate("KPI commentary", COMMENTARY_RULES,
                     {"financial_year": financial_year, "quarter": quarter, "text": text_})  # fmt: skip
    description = f"Edit commentary {clean['financial_year']} Q{clean['quarter']}"
    with recorded(wb, "KPI commentary", description) as tx:
        tx.require("kpi_groups", {"id": group_id}, "KPI group")
        where = {"group_id": group_id, "financial_year": clean["financial_year"], "quarter": clean["quarter"]}
        set_cell(tx, "kpi_commentary", where, {"text": clean["text"]} if clean["text"] else None)
    return tx.changes(description)


def move_outcome(wb: Workbook, outcome_id: int, position: int) -> Changes:
    """Put a strategic outcome at ``position`` (1 is first) among the outcomes."""
    with recorded(wb, "strategic outcome", "Move strategic outcome") as tx:
        place(tx, "strategic_outcomes", "Strategic outcome", outcome_id, {}, position)
    return tx.changes("Move strategic outcome")


def move_group(wb: Workbook, group_id: int, outcome_id: int, position: int) -> Changes:
    """Put a KPI group, with its KPIs and commentary, at ``position`` (1 is first) among the
    groups of ``outcome_id``, its own outcome or another."""
    clash = wb.scalar("SELECT g.name FROM kpi_groups g JOIN kpi_groups m ON m.name = g.name"
                      " WHERE m.id = ? AND g.outcome_id = ? AND g.id != ?", [group_id, outcome_id, group_id])  # fmt: skip
    if clash:
        refuse("KPI group", [Problem("name", clash, "is already the name of a group of that outcome",
                                     "rename one of the two groups first")])  # fmt: skip
    with recorded(wb, "KPI group", "Move KPI group") as tx:
        tx.require("strategic_outcomes", {"id": outcome_id}, "Strategic outcome")
        place(tx, "kpi_groups", "KPI group", group_id, {"outcome_id": outcome_id}, position)
    return tx.changes("Move KPI group")


def move_kpi(wb: Workbook, kpi_id: int, group_id: int, position: int) -> Changes:
    """Put a KPI, with its figures, at ``position`` (1 is first) among the KPIs of
    ``group_id``, its own group or another."""
    with recorded(wb, "KPI", "Move KPI") as tx:
        tx.require("kpi_groups", {"id": group_id}, "KPI group")
        place(tx, "kpis", "KPI", kpi_id, {"group_id": group_id}, position)
    return tx.changes("Move KPI")


def retire_kpi(wb: Workbook, kpi_id: int, from_year: str) -> Changes:
    """Retire a KPI no longer measured from ``from_year`` on (see the module's notes).
    Refused while it has figures in that year or later (the documents would hide them) or a
    derived KPI still printed then is computed from it."""
    clean = validate("KPI", RETIRE_RULES, {"retired_from": from_year})
    return _set_retirement(wb, kpi_id, clean["retired_from"], f"Retire KPI from {clean['retired_from']}")


def reinstate_kpi(wb: Workbook, kpi_id: int) -> Changes:
    """Measure a retired KPI again: every year's documents print it and take its figures.
    Refused while a KPI it is computed from is retired."""
    return _set_retirement(wb, kpi_id, None, "Reinstate KPI")


def _set_retirement(wb: Workbook, kpi_id: int, year: str | None, description: str) -> Changes:
    if not wb.scalar("SELECT 1 FROM kpis WHERE id = ?", [kpi_id]):
        raise NotFound(f"KPI id {kpi_id} does not exist (it may have been deleted).")
    refuse("KPI", _retirement_problems(wb, kpi_id, year))
    with recorded(wb, "KPI", description) as tx:
        tx.update("kpis", {"id": kpi_id}, {"retired_from": year})
    return tx.changes(description)


def _retirement_problems(wb: Workbook, kpi_id: int, year: str | None) -> list[Problem]:
    """Why the KPI cannot be retired from ``year`` (None: reinstated): figures it would hide,
    derived KPIs it would leave printed without it, inputs retired before it."""
    problems = []
    if year is not None:
        last = wb.scalar("SELECT max(financial_year) FROM kpi_values WHERE kpi_id = ? AND financial_year >= ?",
                         [kpi_id, year])  # fmt: skip
        if last:
            problems.append(Problem("retired_from", year, f"would hide the figures entered for {last}",
                                    f"a year after {last}, or blank its figures of {year} and later first"))  # fmt: skip
        for user in wb.rows("SELECT u.name FROM kpi_inputs i JOIN kpis u ON u.id = i.kpi_id WHERE i.input_kpi_id = ?"
                            " AND (u.retired_from IS NULL OR u.retired_from > ?) ORDER BY u.name", [kpi_id, year]):  # fmt: skip
            problems.append(Problem("KPI", user["name"], f"is computed from this KPI and still printed in {year}",
                                    f"retire '{user['name']}' from {year} or earlier first"))  # fmt: skip
    # inputs retired before ``year`` (reinstating it: retired at all)
    for part in wb.rows("SELECT p.name, p.retired_from FROM kpi_inputs i JOIN kpis p ON p.id = i.input_kpi_id"
                        " WHERE i.kpi_id = ? AND p.retired_from < coalesce(?, '9999') ORDER BY i.position",
                        [kpi_id, year]):  # fmt: skip
        sooner = "" if year is None else f"retire this KPI from {part['retired_from']} or earlier, or "
        problems.append(Problem("KPI", part["name"], f"is retired from {part['retired_from']} and this KPI is "
                                "computed from it", f"{sooner}reinstate '{part['name']}' first"))  # fmt: skip
    return problems


def kpi_tree(wb: Workbook) -> list[dict[str, Any]]:
    """Every KPI with its outcome and group, in display order."""
    return wb.rows(
        "SELECT k.*, g.name AS group_name, o.name AS outcome, o.id AS outcome_id"
        " FROM kpis k JOIN kpi_groups g ON g.id = k.group_id"
        " JOIN strategic_outcomes o ON o.id = g.outcome_id"
        " ORDER BY o.position, o.id, g.position, g.id, k.position, k.id"
    )


def kpi_structure(wb: Workbook) -> list[dict[str, Any]]:
    """Every strategic outcome and KPI group in display order, those without KPIs yet too:
    one row a group (``group_id`` None for an outcome without groups)."""
    return wb.rows(
        "SELECT o.id AS outcome_id, o.name AS outcome, g.id AS group_id, g.name AS group_name"
        " FROM strategic_outcomes o LEFT JOIN kpi_groups g ON g.outcome_id = o.id"
        " ORDER BY o.position, o.id, g.position, g.id"
    )


def kpi_values(wb: Workbook, kpi_id: int) -> list[dict[str, Any]]:
    return wb.rows(
        "SELECT financial_year, quarter, value, status, provisional, revised, period FROM kpi_values"
        " WHERE kpi_id = ? ORDER BY financial_year, quarter",
        [kpi_id],
    )


def kpi_comparators(wb: Workbook, kpi_id: int) -> list[dict[str, Any]]:
    """A KPI's comparators, in the order entered."""
    return wb.rows("SELECT comparator, period, value, financial_year, quarter FROM kpi_comparators"
                   " WHERE kpi_id = ? ORDER BY id", [kpi_id])  # fmt: skip


def kpi_inputs(wb: Workbook, kpi_id: int) -> list[int]:
    return [r["input_kpi_id"] for r in wb.rows(
        "SELECT input_kpi_id FROM kpi_inputs WHERE kpi_id = ? ORDER BY position", [kpi_id])]  # fmt: skip


def cell_problems(unit: str, cell: Mapping[str, Any]) -> list[Problem]:
    """Rules of a typed cell beyond its fields: a number or a status, not both; a number that
    fits the KPI's unit (``check`` applies them to stored cells too)."""
    if cell.get("value") is None:
        return []
    problems = []
    if cell.get("status"):
        problems.append(Problem("status", cell["status"], "cannot be set together with a number",
                                "either a number or a status"))  # fmt: skip
    rule = UNIT_VALUES.get(unit)
    if rule is not None:
        problems += [Problem("value", p.value, f"{p.message} for a {unit} KPI", p.allowed)
                     for p in collect({"value": rule}, {"value": cell["value"]})[1]]  # fmt: skip
    return problems


def retired_year_problems(kpi: Mapping[str, Any], financial_year: str) -> list[Problem]:
    """A figure for a year the KPI (``name``, ``retired_from``) is retired in is refused."""
    since = kpi.get("retired_from")
    if not since or not financial_year or financial_year < since:
        return []
    return [Problem("financial_year", financial_year, f"takes no figure for '{kpi['name']}': it is retired from "
                    f"{since}", f"a year before {since}, or reinstate the KPI first")]  # fmt: skip


def survey_problems(kpi: Mapping[str, Any], derived_kind: str | None) -> list[Problem]:
    """A survey KPI is typed and counts no one (its figures are survey percentages and
    scores, outside the small-number policy)."""
    if kpi.get("frequency") != "survey":
        return []
    problems = []
    if derived_kind:
        problems.append(Problem("frequency", "survey", "cannot be set for a KPI computed from other KPIs",
                                "quarterly"))  # fmt: skip
    if kpi.get("counts_people"):
        problems.append(Problem("counts_people", kpi["counts_people"], "cannot be set for a survey KPI",
                                "no (a survey KPI's figures are not counts of people)"))  # fmt: skip
    return problems


def _survey_input_problems(wb: Workbook, inputs: Sequence[int]) -> list[Problem]:
    if not inputs:
        return []
    marks = ", ".join("?" * len(inputs))
    names = [r["name"] for r in wb.rows(f"SELECT name FROM kpis WHERE frequency = 'survey' AND id IN ({marks})",
                                        list(inputs))]  # fmt: skip
    return [Problem("inputs", name, "is a survey KPI", "quarterly KPIs") for name in names]


def _retired_input_problems(wb: Workbook, inputs: Sequence[int]) -> list[Problem]:
    marks = ", ".join("?" * len(inputs))
    found = wb.rows(f"SELECT name, retired_from FROM kpis WHERE retired_from IS NOT NULL AND id IN ({marks})",
                    list(inputs)) if inputs else []  # fmt: skip
    return [Problem("inputs", r["name"], f"is retired from {r['retired_from']}",
                    "KPIs still measured, or reinstate it first") for r in found]  # fmt: skip


def _derivation_problems(kind: str | None, inputs: Sequence[int]) -> list[Problem]:
    problems = []
    if kind is None:
        if inputs:
            problems.append(Problem("inputs", list(inputs), "given for a KPI that is not derived",
                                    "no inputs, or a derived kind"))  # fmt: skip
    elif kind not in DERIVED_KINDS:
        problems.append(Problem("derived_kind", kind, "is not a kind of derived KPI", "sum, ratio"))
    elif kind == "ratio" and len(inputs) != 2:
        problems.append(Problem("inputs", list(inputs), "must be a numerator and a denominator",
                                "exactly two KPIs"))  # fmt: skip
    elif kind == "sum" and len(inputs) < 2:
        problems.append(Problem("inputs", list(inputs), "must name the parts", "two or more KPIs"))
    if len(set(inputs)) != len(inputs):
        problems.append(Problem("inputs", list(inputs), "name a KPI more than once", "different KPIs"))
    return problems


def _refuse_if_used(wb: Workbook, what: str, kpis_sql: str, owner_id: int) -> None:
    """Refuse to delete KPIs (those ``kpis_sql`` selects) that a derived KPI outside them uses."""
    users = wb.rows(
        f"SELECT DISTINCT u.name AS user, k.name AS input FROM kpi_inputs i"
        f" JOIN kpis u ON u.id = i.kpi_id JOIN kpis k ON k.id = i.input_kpi_id"
        f" WHERE i.input_kpi_id IN ({kpis_sql}) AND i.kpi_id NOT IN ({kpis_sql})"
        f" ORDER BY u.name, i.position",
        [owner_id, owner_id],
    )
    if users:
        raise ValidationError(what, [Problem(
            "KPI", u["input"], f"is used by the derived KPI '{u['user']}'",
            "delete that derived KPI, or change what it is computed from, first") for u in users])  # fmt: skip
