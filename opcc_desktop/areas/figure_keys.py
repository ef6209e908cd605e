"""The keys of the figures the public documents print, made from the officers' own names (a
service's, a scheme's, a category's). Each published edition stores what it printed by these
keys (``published_figures``), so the next edition of the year is planned with it
(figures/plan.py); they must stay stable.

They are built here, below the figures that print them and the edits that rename the names
in them, so a renamed category re-keys what was published (areas/categories.py) with the
same code that makes the keys (figures/public_plan.py)."""

from __future__ import annotations

from .vocab import TOTAL

ALL_SERVICES = "Services (all)"
TABLE_DIMENSIONS = {"offence_type": "offence type", "outcome": "outcome"}  # a scheme's two-way tables


def key_part(name: str) -> str:
    """A name (a service's, a category's...) as one part of a figure's key. Parts are
    separated by "/", so a name's own "/" is escaped as "\\/" (and its "\\" as "\\\\"):
    "Asian/Asian British" stays one part. "Total" is the total's part: no category may be
    called so (the data's rules refuse it)."""
    return name.replace("\\", "\\\\").replace("/", "\\/")


def key_parts(key: str) -> list[str]:
    """A key's parts, each as it was named (undoing :func:`key_part`)."""
    parts, part, escaped = [], [], False
    for char in key:
        if escaped or char not in "\\/":
            part.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            parts.append("".join(part))
            part = []
    return [*parts, "".join(part)]


def service_key(service: str, dimension: str, category: str = TOTAL) -> str:
    return f"Services/{key_part(service)}/{dimension}/{key_part(category)}"


def all_services_key(dimension: str, category: str = TOTAL) -> str:
    return f"{ALL_SERVICES}/{dimension}/{key_part(category)}"


def scheme_key(scheme: str, dimension: str, gender: str, category: str = TOTAL) -> str:
    return f"{key_part(scheme)}/{dimension}/{key_part(gender)}/{key_part(category)}"


def table_key(scheme: str, dimension: str, row: str = TOTAL, gender: str = TOTAL) -> str:
    return f"{key_part(scheme)}/{TABLE_DIMENSIONS[dimension]}/{key_part(row)}/{key_part(gender)}"
