"""Pure helpers for the Annual Equality Monitoring Report: plain rows (as
:mod:`opcc_desktop.figures.publishable` returns them) in, suppressed distributions and table rows out.

No workbook and no PDF here, so each step can be tested on a handful of dicts. Every figure
leaves through :func:`opcc_desktop.figures.disclosure.suppress_distribution`, so nothing below the
office's threshold (or recoverable from what is shown) is ever printed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..areas.vocab import ALL_GENDERS, NOT_DISCLOSED
from .disclosure import Policy, SuppressedDistribution, suppress_distribution
from .formatting import Cell

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
SCHEME_GENDERS = ("Male", "Female")


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


def sum_counts(rows: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, int]]:
    """Counts per dimension per category summed over services and quarters, categories in
    the order first met (rows come in display order) with "Not disclosed" moved last."""
    totals: dict[str, dict[str, int]] = {}
    for row in rows:
        bucket = totals.setdefault(row["dimension"], {})
        bucket[row["category"]] = bucket.get(row["category"], 0) + int(row["count"] or 0)
    for dimension, bucket in totals.items():
        if NOT_DISCLOSED in bucket:
            bucket[NOT_DISCLOSED] = bucket.pop(NOT_DISCLOSED)
        totals[dimension] = bucket
    return totals


@dataclass(frozen=True)
class Profile:
    """One service-user characteristic ready for a chart."""

    dimension: str
    label: str
    distribution: SuppressedDistribution

    @property
    def not_disclosed(self) -> Cell | None:
        if NOT_DISCLOSED not in self.distribution.categories:
            return None
        return self.distribution.percent(NOT_DISCLOSED)


def service_profiles(rows: Iterable[Mapping[str, Any]], policy: Policy) -> list[Profile]:
    """One suppressed percentage distribution per characteristic that has returns, each over
    its own total, "Not disclosed" a category of its own."""
    totals = sum_counts(rows)
    out = []
    for dimension, label in SERVICE_DIMENSIONS:
        counts = totals.get(dimension)
        if not counts or sum(counts.values()) == 0:
            continue
        out.append(Profile(dimension, label, suppress_distribution(counts, policy)))
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


def non_disclosure_by_service(
    rows: Iterable[Mapping[str, Any]], policy: Policy
) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """Header and rows of the "Not disclosed" rate per service per characteristic, each rate
    through the disclosure policy (a rate built on a small count is suppressed like it)."""
    by_service: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        by_service.setdefault(row["service"], []).append(row)
    dimensions = [(d, label) for d, label in SERVICE_DIMENSIONS
                  if any(r["dimension"] == d for group in by_service.values() for r in group)]  # fmt: skip
    table = []
    for service, service_rows in by_service.items():
        profiles = {p.dimension: p for p in service_profiles(service_rows, policy)}
        cells = [_rate_text(profiles.get(d)) for d, _ in dimensions]
        table.append((service, *cells))
    return ("Service", *(label for _, label in dimensions)), table


def profile_by_service(
    rows: Iterable[Mapping[str, Any]], policy: Policy, dimension: str
) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """Header and rows of one characteristic per service: each service's percentages over
    its own total for that characteristic, suppressed per service."""
    by_service: dict[str, dict[str, int]] = {}
    for row in rows:
        if row["dimension"] == dimension:
            bucket = by_service.setdefault(row["service"], {})
            bucket[row["category"]] = bucket.get(row["category"], 0) + int(row["count"] or 0)
    categories: list[str] = []
    for bucket in by_service.values():
        categories += [c for c in bucket if c not in categories and c != NOT_DISCLOSED]
    if any(NOT_DISCLOSED in bucket for bucket in by_service.values()):
        categories.append(NOT_DISCLOSED)
    table = []
    for service, bucket in by_service.items():
        if not sum(bucket.values()):
            continue
        dist = suppress_distribution({c: bucket.get(c) for c in categories}, policy)
        table.append((service, *(dist.percent(c).text for c in categories)))
    return ("Service", *categories), table


def _rate_text(profile: Profile | None) -> str:
    if profile is None:
        return "-"
    cell = profile.not_disclosed
    return "n/a" if cell is None else cell.text


@dataclass(frozen=True)
class SchemeTable:
    """A scheme's demographic table: header and printed rows."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    participants: SuppressedDistribution


def scheme_distributions(
    rows: Iterable[Mapping[str, Any]], policy: Policy
) -> tuple[SuppressedDistribution, dict[tuple[str, str], SuppressedDistribution]]:
    """The gender split of participants (counts over both genders) and, per (dimension,
    gender), the suppressed distribution over that dimension's own denominator within the
    gender."""
    rows = list(rows)
    genders: dict[str, int] = {g: 0 for g in SCHEME_GENDERS}
    by_key: dict[tuple[str, str], dict[str, int]] = {}
    categories: dict[str, list[str]] = {}
    for row in rows:
        dim, gender, cat, count = row["dimension"], row["gender"], row["category"], int(row["count"] or 0)
        if dim == "gender":
            if gender == ALL_GENDERS and cat in genders:
                genders[cat] += count
            continue
        if gender not in SCHEME_GENDERS:
            continue
        seen = categories.setdefault(dim, [])
        if cat not in seen:
            seen.append(cat)
        bucket = by_key.setdefault((dim, gender), {})
        bucket[cat] = bucket.get(cat, 0) + count
    dists: dict[tuple[str, str], SuppressedDistribution] = {}
    for dim, _ in SCHEME_DIMENSIONS:
        for gender in SCHEME_GENDERS:
            if dim not in categories:
                continue
            bucket = by_key.get((dim, gender), {})
            counts = {cat: bucket.get(cat, 0) for cat in categories[dim]}
            dists[(dim, gender)] = suppress_distribution(counts, policy)
    return suppress_distribution(genders, policy), dists


def scheme_table(rows: Iterable[Mapping[str, Any]], policy: Policy) -> SchemeTable | None:
    """Rows grouped by dimension: a base row (how many records that dimension covers in each
    gender, suppressed like any count) then one row per category with the percentage of the
    gender's records for that dimension. None when there are no participant counts."""
    participants, dists = scheme_distributions(rows, policy)
    if not dists:
        return None
    header = ("Characteristic", *SCHEME_GENDERS)
    body: list[tuple[str, ...]] = [
        ("Participants (number)", *(participants.count(g).text for g in SCHEME_GENDERS)),
    ]
    for dim, label in SCHEME_DIMENSIONS:
        if (dim, SCHEME_GENDERS[0]) not in dists:
            continue
        first = dists[(dim, SCHEME_GENDERS[0])]
        body.append((f"{label}: records (number)", *(dists[(dim, g)].total.text for g in SCHEME_GENDERS)))
        for cat in first.categories:
            body.append((f"{label}: {cat}", *(dists[(dim, g)].percent(cat).text for g in SCHEME_GENDERS)))
    return SchemeTable(header, tuple(body), participants)


def strip_title_heading(text: str, title: str) -> str:
    """Narrative often opens with its own "# Introduction" heading; the numbered section
    heading already says it, so drop a first line that only repeats the title."""
    lines = text.strip().splitlines()
    if lines and lines[0].lstrip("#").strip().lower() == title.lower() and lines[0].startswith("#"):
        return "\n".join(lines[1:]).strip()
    return text.strip()


def status_words(status: str | None) -> str:
    """A goal status as the report prints it: "in progress" -> "In progress"."""
    if not status:
        return "Not recorded"
    return status[:1].upper() + status[1:]
