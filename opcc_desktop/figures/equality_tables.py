"""Pure helpers for the Annual Equality Monitoring Report: the year's decided disclosure
plan (:mod:`opcc_desktop.figures.public_plan`) and plain rows (for the categories and their
order) in, printed table rows and chart shares out.

No workbook and no PDF here. Every number is read from the plan, so nothing below the
office's threshold, or derivable from what the year's documents print, is ever printed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..areas.vocab import NOT_DISCLOSED
from .formatting import Cell
from .plan import Decided
from .public_plan import (
    TABLE_DIMENSIONS,
    all_services_key,
    category_order,
    participants_key,
    scheme_columns,
    scheme_key,
    service_key,
)

# Service-user characteristics in the order the report shows them (transgender only when
# the year has returns for it).
SERVICE_DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("age", "Age"),
    ("disability", "Disability"),
    ("gender", "Gender"),
    ("ethnicity", "Ethnicity"),
    ("sexual_orientation", "Sexual Orientation"),
    ("transgender", "Transgender"),
)
# Scheme dimensions shown within each gender column, in table order.
SCHEME_DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("transgender", "Transgender"),
    ("age", "Age"),
    ("ethnicity", "Ethnicity"),
    ("disability", "Disability"),
)


def year_label(financial_year: str) -> str:
    """"2021/22" -> "2021-2022"."""
    start = int(financial_year[:4])
    return f"{start}-{start + 1}"


def period_text(financial_year: str) -> str:
    """"2021/22" -> "2021-2022 (1 April 2021 to 31 March 2022)"."""
    start = int(financial_year[:4])
    return f"{year_label(financial_year)} (1 April {start} to 31 March {start + 1})"


def next_year(financial_year: str) -> str:
    """"2021/22" -> "2022/23"."""
    start = int(financial_year[:4]) + 1
    return f"{start}/{(start + 1) % 100:02d}"


def year_bounds(financial_year: str) -> tuple[str, str]:
    start = int(financial_year[:4])
    return f"{start}-04-01", f"{start + 1}-03-31"


def services_in_year(services: Iterable[Mapping[str, Any]], financial_year: str) -> list[Mapping[str, Any]]:
    """Services commissioned at some point in the year: started by it, not ended before it."""
    begins, _ = year_bounds(financial_year)
    out = []
    for row in services:
        first = row.get("first_year") or ""
        end = row.get("contract_end") or ""
        if first and first[:4] > financial_year[:4]:
            continue
        if end and end < begins:
            continue
        out.append(row)
    return out


@dataclass(frozen=True)
class Profile:
    """One service-user characteristic ready for a chart: each category's share of all the
    service users recorded for the characteristic, as the year's plan allows."""

    dimension: str
    label: str
    categories: tuple[str, ...]
    percents: tuple[Cell, ...]
    base: Cell  # the service users recorded for the characteristic, as printed

    @property
    def not_disclosed(self) -> Cell | None:
        if NOT_DISCLOSED not in self.categories:
            return None
        return self.percents[self.categories.index(NOT_DISCLOSED)]


def service_profiles(plan: Decided, rows: Iterable[Mapping[str, Any]]) -> list[Profile]:
    """All services together, one profile per characteristic that has returns."""
    order = category_order(rows)
    out = []
    for dimension, label in SERVICE_DIMENSIONS:
        categories = order.get(dimension)
        if not categories or not plan.values.get(all_services_key(dimension)):
            continue
        base = all_services_key(dimension)
        shares = tuple(plan.share(all_services_key(dimension, c), base) for c in categories)
        out.append(Profile(dimension, label, tuple(categories), shares, plan.cell(base)))
    return out


def non_disclosure_sentence(profiles: Sequence[Profile]) -> str:
    """"Information was not disclosed for 4.1% of service users' age, 27.0% ..."."""
    parts = [f"{p.label.lower()} {cell.text}" for p in profiles if (cell := p.not_disclosed) is not None]
    if not parts:
        return "No service returned a \"Not disclosed\" category this year."
    joined = parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
    return (
        "The share of service users for whom each characteristic was not disclosed was: "
        f"{joined}. Each rate is the \"Not disclosed\" count as a percentage of all service users "
        "recorded for that characteristic."
    )


def _services(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    return list(dict.fromkeys(row["service"] for row in rows))


def non_disclosure_by_service(
    plan: Decided, rows: Iterable[Mapping[str, Any]]
) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """Header and rows of the "Not disclosed" rate per service per characteristic (the policy's
    not-available symbol, "-" or "[x]": not collected; not-applicable, "n/a" or "[z]": the
    service returned no "Not disclosed" category)."""
    rows = list(rows)
    held = {(r["service"], r["dimension"]) for r in rows}
    nd = {(r["service"], r["dimension"]) for r in rows if r["category"] == NOT_DISCLOSED}
    dimensions = [(d, label) for d, label in SERVICE_DIMENSIONS if any(d == h[1] for h in held)]
    table = []
    for service in _services(rows):
        cells = []
        for dimension, _ in dimensions:
            if (service, dimension) not in held:
                cells.append(plan.policy.symbols.not_available)
            elif (service, dimension) not in nd:
                cells.append(plan.policy.symbols.not_applicable)
            else:
                cells.append(plan.share(service_key(service, dimension, NOT_DISCLOSED),
                                        service_key(service, dimension)).text)  # fmt: skip
        table.append((service, *cells))
    return ("Service", *(label for _, label in dimensions)), table


def profile_by_service(
    plan: Decided, rows: Iterable[Mapping[str, Any]], dimension: str
) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """Header and rows of one characteristic per service: each service's percentages of its
    own users recorded for that characteristic."""
    rows = [r for r in rows if r["dimension"] == dimension]
    categories = category_order(rows).get(dimension, [])
    held = {(r["service"], r["category"]) for r in rows}
    table = []
    for service in _services(rows):
        base = service_key(service, dimension)
        if not plan.values.get(base):
            continue
        cells = [plan.share(service_key(service, dimension, c), base).text if (service, c) in held
                 else plan.policy.symbols.not_available for c in categories]  # fmt: skip
        table.append((service, *cells))
    return ("Service", *categories), table


@dataclass(frozen=True)
class SchemeTable:
    """A scheme's demographic table: header and printed rows, and each gender's share of
    the participants (for the chart; empty for a scheme without a gender split)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    participants: dict[str, Cell]


def scheme_table(plan: Decided, scheme: str, rows: Iterable[Mapping[str, Any]]) -> SchemeTable | None:
    """Rows grouped by characteristic: a base row (how many records hold it in each gender)
    then one row per category with the percentage of that base; participants by gender
    first when recorded. A scheme without a gender split has one column, All. None when the
    scheme has no participant counts."""
    rows = list(rows)
    columns = scheme_columns(rows)
    rows = [r for r in rows if r["dimension"] not in ("gender", *TABLE_DIMENSIONS)]
    order = category_order(rows)
    by_gender = participants_key(scheme) in plan.values
    if not by_gender and not any(scheme_key(scheme, d, g) in plan.values for d in order for g in columns):
        return None
    body: list[tuple[str, ...]] = []
    if by_gender:
        body.append(("Participants (number)", *(plan.cell(participants_key(scheme, g)).text for g in columns)))
    for dimension, label in SCHEME_DIMENSIONS:
        if dimension not in order:
            continue
        body.append((f"{label}: records (number)",
                     *(plan.cell(scheme_key(scheme, dimension, g)).text for g in columns)))  # fmt: skip
        for category in order[dimension]:
            body.append((f"{label}: {category}", *(plan.share(scheme_key(scheme, dimension, g, category),
                                                              scheme_key(scheme, dimension, g)).text
                                                   for g in columns)))  # fmt: skip
    shares = ({g: plan.share(participants_key(scheme, g), participants_key(scheme)) for g in columns}
              if by_gender else {})  # fmt: skip
    return SchemeTable(("Characteristic", *columns), tuple(body), shares)


def strip_title_heading(text: str, title: str) -> str:
    """Narrative often opens with its own "# Introduction" heading; the numbered section
    heading already says it, so drop a first line that only repeats the title or its first
    words ("# Delivery" under "Delivery update")."""
    lines = text.strip().splitlines()
    heading = lines[0].lstrip("#").strip().lower() if lines and lines[0].startswith("#") else ""
    if heading and (heading == title.lower() or title.lower().startswith(heading + " ")):
        return "\n".join(lines[1:]).strip()
    return text.strip()


def status_words(status: str | None) -> str:
    """A goal status as the report prints it: "in progress" -> "In progress"."""
    if not status:
        return "Not recorded"
    return status[:1].upper() + status[1:]
