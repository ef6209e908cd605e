"""Category lists of services and schemes: per characteristic, the categories a service (or a
scheme) counts people in, in the order its tables print them; moved, renamed and merged.

A category is named twice over: in its list (``service_categories``, which holds its place)
and in every count of it (``service_counts``, keyed by its name); schemes likewise, their
counts also by gender column. Each action is one edit, undone in one step. ``area`` is
"services" or "schemes". A scheme's participants by gender (its ``gender`` characteristic)
are not a list of categories: the documents print them by the names Male and Female.

Published figures. Each published edition recorded what it printed by keys holding the
category's name (areas/figure_keys.py), and every later edition of the year is planned with
it, so a count it hid cannot be worked out by comparing the two. So:

* a rename re-keys those figures in the same edit: the next edition stays bound to what was
  printed (and undo puts the keys back with the name);
* a merge changes published figures by exactly the counts it moves, so a reader could
  subtract one edition from the other to find a small count that was hidden: it is refused
  when either category has counts in a year with a published edition;
* the table of all services together adds categories up by name across services, so renaming
  a service's category that another service counts under the old or the new name in such a
  year would move counts between published rows: refused in the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from ..errors import NotFound, OpccError, Problem
from ..store.changes import Changes, Tx
from ..store.workbook import Workbook
from .editing import find_id, ordered_ids, recorded, renumber
from .figure_keys import (
    TABLE_DIMENSIONS,
    all_services_key,
    key_part,
    key_parts,
    scheme_key,
    service_key,
    table_key,
)
from .publications import published_years
from .validation import category, choice, collect, refuse, validate
from .vocab import DIMENSION_LABELS, SCHEME_DIMENSIONS, SERVICE_DIMENSIONS


@dataclass(frozen=True)
class Area:
    """Where an area keeps its categories: ``owner`` "service" has the tables services,
    service_categories and service_counts, whose rows name it by ``service_id``."""

    owner: str
    dimensions: tuple[str, ...]
    pooled: bool  # its categories are also added up by name across owners (all services together)

    @property
    def owners(self) -> str:
        return f"{self.owner}s"

    @property
    def column(self) -> str:
        return f"{self.owner}_id"

    @property
    def categories(self) -> str:
        return f"{self.owner}_categories"

    @property
    def counts(self) -> str:
        return f"{self.owner}_counts"


AREAS = {
    "services": Area("service", SERVICE_DIMENSIONS, pooled=True),
    "schemes": Area("scheme", tuple(d for d in SCHEME_DIMENSIONS if d != "gender"), pooled=False),
}
NAME = "new name"
MERGE_INSTEAD = "a name not in the list; to put the two categories together, use Merge into…"


@dataclass(frozen=True)
class Listing:
    """One characteristic of one service or scheme, as its actions name it."""

    area: Area
    owner_id: int
    owner: str  # the service's or scheme's name
    dimension: str

    @property
    def where(self) -> dict[str, Any]:
        return {self.area.column: self.owner_id, "dimension": self.dimension}

    @property
    def label(self) -> str:
        return f"{self.owner}'s {DIMENSION_LABELS[self.dimension]} categories"

    def category(self, name: str) -> str:
        """"Divert's age category 'Over 65'": one category, as messages name it."""
        return f"{self.owner}'s {DIMENSION_LABELS[self.dimension]} category '{name}'"


def dimensions(area: str) -> tuple[str, ...]:
    """The characteristics whose category lists ``area`` edits, in the order of its tables."""
    return AREAS[area].dimensions


def category_list(wb: Workbook, area: str, owner_id: int, dimension: str) -> list[dict[str, Any]]:
    """The categories of one characteristic of a service or scheme, in order; each with the
    financial years it has counts in (``years``) and those of them with a published edition
    (``published``)."""
    listing = _listing(wb, area, owner_id, dimension)
    years = _count_years(wb.conn, listing)
    published = published_years(wb.conn)
    return [{"category": name, "years": years.get(name, ()),
             "published": tuple(y for y in years.get(name, ()) if y in published)}
            for name in _names(wb.conn, listing)]  # fmt: skip


def move_category(wb: Workbook, area: str, owner_id: int, dimension: str, name: str, to: int) -> Changes:
    """Move category ``name`` to position ``to`` (0 is first) of its list."""
    listing = _listing(wb, area, owner_id, dimension)
    description = f"Move {listing.category(name)}"
    with recorded(wb, "category", description) as tx:
        moving = _require(tx, listing, name)
        ids = [i for i in ordered_ids(tx, listing.area.categories, listing.where) if i != moving]
        ids.insert(max(0, min(to, len(ids))), moving)
        renumber(tx, listing.area.categories, ids)
    return tx.changes(description)


def rename_category(wb: Workbook, area: str, owner_id: int, dimension: str, name: str, new_name: str) -> Changes:
    """Rename a category in its list and in every count of it, and re-key what published
    editions printed for it (see the module's notes)."""
    listing = _listing(wb, area, owner_id, dimension)
    taken = [n for n in _names(wb.conn, listing) if n != name]
    new = _new_name(listing.category(name), new_name, taken, listing)
    description = f"Rename {listing.category(name)} to '{new}'"
    with recorded(wb, "category", description, {"category": new}) as tx:
        category_id = _require(tx, listing, name)
        counted = _count_years(tx.conn, listing).get(name, ())
        if listing.area.pooled:
            _refuse_pooling(tx, listing, name, new, counted)
        _rekey(tx, listing, name, new, counted)
        tx.update(listing.area.categories, {"id": category_id}, {"category": new})
        for count in _counts(tx, listing, name):
            tx.update(listing.area.counts, {"id": count["id"]}, {"category": new})
    return tx.changes(description)


def merge_categories(wb: Workbook, area: str, owner_id: int, dimension: str, source: str, target: str) -> Changes:
    """Add category ``source``'s counts into ``target``'s, period by period (and gender column
    by gender column), and remove ``source`` from the list. Refused when either has counts in
    a year with a published edition (see the module's notes)."""
    listing = _listing(wb, area, owner_id, dimension)
    description = f"Merge {listing.category(source)} into '{target}'"
    with recorded(wb, "category", description) as tx:
        source_id = _require(tx, listing, source)
        _require(tx, listing, target)
        if source == target:
            raise OpccError(f"'{source}' cannot be merged into itself: pick another of {listing.label}.")
        _refuse_published_merge(tx, listing, source, target)
        for count in _counts(tx, listing, source):
            _add_into(tx, listing, count, target)
        tx.delete(listing.area.categories, {"id": source_id})
        renumber(tx, listing.area.categories, ordered_ids(tx, listing.area.categories, listing.where))
    return tx.changes(description)


# -- reading -------------------------------------------------------------------------------------
def _listing(wb: Workbook, area: str, owner_id: int, dimension: str) -> Listing:
    spec = AREAS[area]
    clean = validate("category list", {"dimension": choice(spec.dimensions)}, {"dimension": dimension})
    name = wb.scalar(f'SELECT name FROM "{spec.owners}" WHERE id = ?', [owner_id])
    if name is None:
        raise NotFound(f"{spec.owner.capitalize()} id {owner_id} does not exist (it may have been deleted).")
    return Listing(spec, owner_id, name, clean["dimension"])


def _names(conn: Any, listing: Listing) -> list[str]:
    found = conn.execute(f'SELECT category FROM "{listing.area.categories}" WHERE "{listing.area.column}" = ?'
                         " AND dimension = ? ORDER BY position, id", list(listing.where.values()))  # fmt: skip
    return [row[0] for row in found.fetchall()]


def _count_years(conn: Any, listing: Listing) -> dict[str, tuple[str, ...]]:
    """Per category, the financial years it has counts in, oldest first."""
    found = conn.execute(f'SELECT DISTINCT category, financial_year FROM "{listing.area.counts}"'
                         f' WHERE "{listing.area.column}" = ? AND dimension = ? ORDER BY financial_year',
                         list(listing.where.values()))  # fmt: skip
    years: dict[str, tuple[str, ...]] = {}
    for name, year in found.fetchall():
        years[name] = (*years.get(name, ()), year)
    return years


def _require(tx: Tx, listing: Listing, name: str) -> int:
    found = find_id(tx, listing.area.categories, {**listing.where, "category": name})
    if found is None:
        raise NotFound(f"'{name}' is not one of {listing.label} (it may have been renamed or merged).")
    return found


def _counts(tx: Tx, listing: Listing, name: str) -> list[dict[str, Any]]:
    cursor = tx.conn.execute(f'SELECT * FROM "{listing.area.counts}" WHERE "{listing.area.column}" = ?'
                             " AND dimension = ? AND category = ? ORDER BY id",
                             [*listing.where.values(), name])  # fmt: skip
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


# -- renaming ------------------------------------------------------------------------------------
def _new_name(what: str, value: Any, taken: Iterable[str], listing: Listing) -> str:
    """The new name, cleaned: text on one line, never "Total", and not another category's
    name in the list (whatever its capitals: a change of capitals alone is a rename)."""
    clean, problems = collect({NAME: category()}, {NAME: value})
    problems = [replace(p, allowed=p.allowed or "the category's name as the documents print it") for p in problems]
    new = clean.get(NAME, "")
    if not problems and ("\n" in new or "\t" in new):
        problems.append(Problem(NAME, value, "runs over more than one line", "the name on one line, without tabs"))
    elif not problems and new.casefold() in {t.casefold() for t in taken}:
        problems.append(Problem(NAME, new, f"is already one of {listing.label}", MERGE_INSTEAD))
    refuse(what, problems)
    return new


def _refuse_pooling(tx: Tx, listing: Listing, old: str, new: str, counted: tuple[str, ...]) -> None:
    """Refuse a rename that would move this service's counts of a published year between
    rows of the table of all services together: another service (published or not: it could
    be later) counts people under the old or the new name that year."""
    years = sorted(set(counted) & published_years(tx.conn))
    if not years:
        return
    marks = ", ".join("?" * len(years))
    found = tx.conn.execute(
        "SELECT s.name, c.financial_year, c.category FROM service_counts c JOIN services s ON s.id = c.service_id"
        f" WHERE c.service_id != ? AND c.dimension = ? AND c.category IN (?, ?) AND c.financial_year IN ({marks})"
        " ORDER BY c.financial_year, s.position, s.id LIMIT 1", [*listing.where.values(), old, new, *years],
    ).fetchone()  # fmt: skip
    if found is not None:
        other, year, shared = found
        raise OpccError(
            f"Cannot rename '{old}' to '{new}' in {listing.label}: {listing.owner} has '{old}' counts in {year}, "
            f"a year with a published edition, and {other} counts people under '{shared}' in {year} too. The "
            "table of all services together adds each category up by its name across services, so the rename "
            f"would move {listing.owner}'s count from one published row to another, and a reader comparing the "
            "editions could work out a count that was hidden. Keep the name as it is; figures of years not yet "
            "published can be typed under the new name instead. Nothing was changed.")  # fmt: skip


def _rekey(tx: Tx, listing: Listing, old: str, new: str, counted: tuple[str, ...]) -> None:
    """Re-key the figures published editions printed for category ``old`` to ``new``. The
    table of all services together is this service's category alone in the years it has
    counts in (:func:`_refuse_pooling` saw to it), so its row is re-keyed for those years."""
    for figure_id, publication, key, year in _published_under(tx, listing, old):
        renamed = _renamed_key(listing, key, old, new, pooled=year in counted)
        if renamed is None:
            continue
        if find_id(tx, "published_figures", {"publication_id": publication, "key": renamed}) is not None:
            raise OpccError(
                f"Cannot rename '{old}' to '{new}' in {listing.label}: an edition of {year} published figures "
                f"under '{new}' as well as '{old}', and they must stay apart. Pick another name. Nothing was "
                "changed.")  # fmt: skip
        tx.update("published_figures", {"id": figure_id}, {"key": renamed})


def _published_under(tx: Tx, listing: Listing, old: str) -> list[tuple[int, int, str, str]]:
    """The published figures that may be of category ``old``: (id, publication, key, year)."""
    if listing.area.pooled:
        where = "f.key IN (?, ?)"
        args = [service_key(listing.owner, listing.dimension, old), all_services_key(listing.dimension, old)]
    else:
        where = "substr(f.key, 1, length(?)) = ?"
        args = [f"{key_part(listing.owner)}/"] * 2
    return tx.conn.execute("SELECT f.id, f.publication_id, f.key, p.financial_year FROM published_figures f"
                           f" JOIN publications p ON p.id = f.publication_id WHERE {where} ORDER BY f.id",
                           args).fetchall()  # fmt: skip


def _renamed_key(listing: Listing, key: str, old: str, new: str, pooled: bool) -> str | None:
    """``key`` with category ``old`` renamed ``new``, or None when it is not a figure of it."""
    if listing.area.pooled:
        owner, dimension = listing.owner, listing.dimension
        renamed = {service_key(owner, dimension, old): service_key(owner, dimension, new)}
        if pooled:
            renamed[all_services_key(dimension, old)] = all_services_key(dimension, new)
        return renamed.get(key)
    parts = key_parts(key)
    if len(parts) != 4:
        return None
    table = listing.dimension in TABLE_DIMENSIONS
    gender = parts[3] if table else parts[2]

    def of(name: str) -> str:
        if table:
            return table_key(listing.owner, listing.dimension, name, gender)
        return scheme_key(listing.owner, listing.dimension, gender, name)

    return of(new) if key == of(old) else None


# -- merging -------------------------------------------------------------------------------------
def _refuse_published_merge(tx: Tx, listing: Listing, source: str, target: str) -> None:
    published = published_years(tx.conn)
    years = _count_years(tx.conn, listing)
    for name in (source, target):
        held = [y for y in years.get(name, ()) if y in published]
        if held:
            raise OpccError(
                f"Cannot merge '{source}' into '{target}' in {listing.label}: '{name}' has counts in "
                f"{', '.join(held)}, and an edition of {'that year' if len(held) == 1 else 'each of those years'} "
                "has been published. Adding one category's counts into another changes the published figures by "
                "exactly the counts moved, so a reader comparing the published edition with the next could "
                "subtract one from the other and find a small count that was hidden. A merge applies only when "
                "neither category has counts in a year with a published edition: keep both, and type the figures "
                f"of years not yet published under '{target}' alone. Nothing was changed.")  # fmt: skip


def _add_into(tx: Tx, listing: Listing, count: dict[str, Any], target: str) -> None:
    """Add one count of the source into the target's count of the same period and gender
    column; where the target has none, the count becomes the target's."""
    cell = {k: v for k, v in count.items() if k not in ("id", "count")}
    into = find_id(tx, listing.area.counts, {**cell, "category": target})
    if into is None:
        tx.update(listing.area.counts, {"id": count["id"]}, {"category": target})
        return
    held = tx.require(listing.area.counts, {"id": into}, "count")["count"]
    tx.update(listing.area.counts, {"id": into}, {"count": held + count["count"]})
    tx.delete(listing.area.counts, {"id": count["id"]})
