"""Category lists of services and schemes, moved, renamed and merged: each one undoable edit,
the same code for both areas. A rename re-keys what published editions printed, so the next
edition stays bound to it; a merge touching a published year is refused, since comparing the
editions would give a hidden count away. Real workbooks: fresh ones and copies of the demo."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import DEMO_PASSPHRASE, dump

from opcc_desktop.areas import categories, schemes, services
from opcc_desktop.areas.figure_keys import (
    all_services_key,
    scheme_key,
    service_key,
    table_key,
)
from opcc_desktop.areas.publications import record_publication
from opcc_desktop.documents.export import export_report
from opcc_desktop.errors import NotFound, OpccError, ValidationError
from opcc_desktop.figures import public_plan
from opcc_desktop.figures.plan import EARLIER
from opcc_desktop.store.workbook import Workbook

YEAR, NEXT = "2021/22", "2022/23"
DIVERT, A_WAY_OUT = 1, 1  # the demo's first scheme and first service


@pytest.fixture
def book(demo_path: Path, tmp_path: Path):
    path = tmp_path / "demo.opcc"
    shutil.copy(demo_path, path)
    with Workbook.open(path, DEMO_PASSPHRASE) as opened:
        yield opened


def names(wb: Workbook, area: str, owner: int, dimension: str) -> list[str]:
    return [row["category"] for row in categories.category_list(wb, area, owner, dimension)]


def positions(wb: Workbook, table: str, column: str, owner: int, dimension: str) -> list[int]:
    return [r["position"] for r in wb.rows(f"SELECT position FROM {table} WHERE {column} = ? AND dimension = ?"
                                           " ORDER BY position", [owner, dimension])]  # fmt: skip


def printed(wb: Workbook) -> dict[tuple[int, str], tuple[int, int]]:
    """What the published editions printed: (publication, key) -> (value, shown)."""
    rows = wb.rows("SELECT publication_id, key, value, shown FROM published_figures")
    return {(r["publication_id"], r["key"]): (r["value"], r["shown"]) for r in rows}


def publish(wb: Workbook, tmp_path: Path) -> None:
    """Publish the year's annual report and its fourth quarter's update, as an officer would."""
    export_report(wb, "annual-equality", YEAR, None, tmp_path / "annual.pdf", publish=True)
    export_report(wb, "performance-update", YEAR, 4, tmp_path / "update.pdf", publish=True)


def a_service(wb: Workbook, name: str, counts: dict[tuple[str, int, str], int]) -> int:
    """A service with age counts by (year, quarter, category)."""
    service_id = services.add_service(wb, {"name": name}).rows[0].key["id"]
    for (year, quarter, category), count in counts.items():
        services.set_service_count(wb, service_id, year, quarter, "age", category, count)
    return service_id


# -- the list and moving -----------------------------------------------------------------------
def test_the_list_is_in_order_with_the_years_counted_and_those_published(wb) -> None:
    harbour = a_service(wb, "Harbour", {("2020/21", 1, "18-24"): 5, (YEAR, 2, "25-34"): 7, (YEAR, 1, "18-24"): 3})
    record_publication(wb, "annual-equality", "2020/21")
    record_publication(wb, "workforce-pack", YEAR)  # not a public document: its year stays open
    assert categories.category_list(wb, "services", harbour, "age") == [
        {"category": "18-24", "years": ("2020/21", YEAR), "published": ("2020/21",)},
        {"category": "25-34", "years": (YEAR,), "published": ()},
    ]
    assert categories.category_list(wb, "services", harbour, "ethnicity") == []
    assert "gender" in categories.dimensions("services") and "gender" not in categories.dimensions("schemes")


def test_move_renumbers_the_list_and_undo_puts_it_back(book) -> None:
    before = dump(book)
    first = categories.move_category(book, "schemes", DIVERT, "age", "Over 65", 0)
    assert first.description == "Move Divert's age category 'Over 65'"
    assert names(book, "schemes", DIVERT, "age") == ["Over 65", "18-21", "22-25", "26-30", "31-40", "41-50", "51-65"]
    categories.move_category(book, "schemes", DIVERT, "age", "22-25", 99)  # past the end: last
    assert names(book, "schemes", DIVERT, "age")[-1] == "22-25"
    assert positions(book, "scheme_categories", "scheme_id", DIVERT, "age") == [1, 2, 3, 4, 5, 6, 7]
    assert not categories.move_category(book, "schemes", DIVERT, "age", "22-25", 6)  # already there: no edit
    book.revert(book.scalar("SELECT max(id) FROM edits"))
    book.revert(first.edit_id)
    assert dump(book) == before


# -- renaming ----------------------------------------------------------------------------------
def test_rename_renames_the_list_and_every_count_and_undo_restores_exactly(book) -> None:
    before = dump(book)
    counted = book.scalar("SELECT count(*) FROM scheme_counts WHERE scheme_id = ? AND category = 'Other'"
                          " AND dimension = 'ethnicity'", [DIVERT])  # fmt: skip
    totals = schemes.scheme_counts(book, DIVERT, YEAR)
    change = categories.rename_category(book, "schemes", DIVERT, "ethnicity", "Other", "Other ethnic group")
    assert change.description == "Rename Divert's ethnicity category 'Other' to 'Other ethnic group'"
    assert names(book, "schemes", DIVERT, "ethnicity")[5] == "Other ethnic group"
    renamed = [{**r, "category": "Other ethnic group" if r["category"] == "Other" and r["dimension"] == "ethnicity"
                else r["category"]} for r in totals]  # fmt: skip
    assert schemes.scheme_counts(book, DIVERT, YEAR) == renamed
    assert book.scalar("SELECT count(*) FROM scheme_counts WHERE category = 'Other ethnic group'") == counted > 0
    assert names(book, "schemes", 2, "ethnicity")[4] == "Other"  # Youth Triage's own list is its own
    book.revert(change.edit_id)
    assert dump(book) == before


def test_a_change_of_capitals_alone_is_a_rename(book) -> None:
    categories.rename_category(book, "services", A_WAY_OUT, "ethnicity", "White Other", "White other")
    assert "White other" in names(book, "services", A_WAY_OUT, "ethnicity")


@pytest.mark.parametrize(("name", "says"), [
    ("", "new name: '' is missing (allowed: the category's name as the documents print it)"),
    ("  ", "is missing"),
    ("Asian\nBritish", "runs over more than one line (allowed: the name on one line, without tabs)"),
    ("Mixed\t", "'Mixed' is already one of"),  # a trailing tab is trimmed like a space
    ("total", "the name of every table's total row and column"),
    ("white british", ("'white british' is already one of Divert's ethnicity categories (allowed: a name not in "
                       "the list; to put the two categories together, use Merge into…)")),
])  # fmt: skip
def test_a_bad_new_name_is_refused_saying_what_where_and_how(book, name: str, says: str) -> None:
    before = dump(book)
    with pytest.raises(ValidationError) as refused:
        categories.rename_category(book, "schemes", DIVERT, "ethnicity", "Other", name)
    assert str(refused.value).startswith("Cannot save Divert's ethnicity category 'Other': ")
    assert says in str(refused.value) and str(refused.value).endswith("Nothing was changed.")
    assert dump(book) == before


def test_what_does_not_exist_is_refused(book) -> None:
    with pytest.raises(NotFound, match="'Others' is not one of Divert's ethnicity categories"):
        categories.rename_category(book, "schemes", DIVERT, "ethnicity", "Others", "Other groups")
    with pytest.raises(NotFound, match="Scheme id 99 does not exist"):
        categories.move_category(book, "schemes", 99, "age", "18-21", 0)
    with pytest.raises(ValidationError, match="dimension: 'gender' is not one of the allowed values"):
        categories.rename_category(book, "schemes", DIVERT, "gender", "Male", "Men")  # the participants' columns
    with pytest.raises(OpccError, match="'Mixed' cannot be merged into itself"):
        categories.merge_categories(book, "schemes", DIVERT, "ethnicity", "Mixed", "Mixed")


# -- merging -----------------------------------------------------------------------------------
def test_a_merge_adds_a_services_counts_quarter_by_quarter(wb) -> None:
    harbour = a_service(wb, "Harbour", {(YEAR, 1, "18-24"): 3, (YEAR, 1, "25-34"): 8, (YEAR, 1, "18 to 24"): 2,
                                        (YEAR, 2, "18 to 24"): 4, (NEXT, 1, "18-24"): 1})  # fmt: skip
    before = dump(wb)
    change = categories.merge_categories(wb, "services", harbour, "age", "18 to 24", "18-24")
    assert change.description == "Merge Harbour's age category '18 to 24' into '18-24'"
    counts = {(r["financial_year"], r["quarter"], r["category"]): r["count"]
              for r in services.service_counts(wb, harbour)}  # fmt: skip
    assert counts == {(YEAR, 1, "18-24"): 5, (YEAR, 1, "25-34"): 8, (YEAR, 2, "18-24"): 4, (NEXT, 1, "18-24"): 1}
    assert names(wb, "services", harbour, "age") == ["18-24", "25-34"]
    assert positions(wb, "service_categories", "service_id", harbour, "age") == [1, 2]
    wb.revert(change.edit_id)
    assert dump(wb) == before


def test_a_merge_adds_a_schemes_counts_gender_by_gender(wb) -> None:
    divert = schemes.add_scheme(wb, {"name": "Divert"}).rows[0].key["id"]
    for category, gender, quarter, count in (("Theft", "Male", 1, 10), ("Theft", "Female", 1, 4),
                                             ("Shoplifting", "Female", 1, 2), ("Shoplifting", "Male", 2, 3)):
        schemes.set_scheme_count(wb, divert, YEAR, "offence_type", category, count, gender, quarter)
    before = dump(wb)
    change = categories.merge_categories(wb, "schemes", divert, "offence_type", "Shoplifting", "Theft")
    cells = {(r["quarter"], r["category"], r["gender"]): r["count"]
             for r in wb.rows("SELECT quarter, category, gender, count FROM scheme_counts")}  # fmt: skip
    assert cells == {(1, "Theft", "Male"): 10, (1, "Theft", "Female"): 6, (2, "Theft", "Male"): 3}
    assert names(wb, "schemes", divert, "offence_type") == ["Theft"]
    wb.revert(change.edit_id)
    assert dump(wb) == before


def test_a_merge_touching_a_published_year_is_refused(book, tmp_path) -> None:
    """Divert's "Other" ethnicity (hidden in the published report) merged into "Mixed" would
    raise Mixed by exactly the hidden count: the next edition minus this one gives it back."""
    publish(book, tmp_path)
    assert printed(book)[(1, scheme_key("Divert", "ethnicity", "Female", "Other"))][1] == 0  # hidden
    before = dump(book)
    with pytest.raises(OpccError) as refused:
        categories.merge_categories(book, "schemes", DIVERT, "ethnicity", "Other", "Mixed")
    message = str(refused.value)
    assert message.startswith("Cannot merge 'Other' into 'Mixed' in Divert's ethnicity categories: 'Other' has "
                              "counts in 2021/22, and an edition of that year has been published.")
    assert "subtract one from the other and find a small count that was hidden" in message
    assert "A merge applies only when neither category has counts in a year with a published edition" in message
    assert dump(book) == before


def test_a_merge_is_refused_for_the_target_too_and_applies_when_no_year_is_published(book, tmp_path) -> None:
    publish(book, tmp_path)
    pilot = schemes.add_scheme(book, {"name": "Pilot"}).rows[0].key["id"]
    for category, year in (("A", NEXT), ("B", YEAR), ("C", NEXT)):
        schemes.set_scheme_count(book, pilot, year, "age", category, 4, "Male", 1)
    with pytest.raises(OpccError, match="'B' has counts in 2021/22"):
        categories.merge_categories(book, "schemes", pilot, "age", "A", "B")
    categories.merge_categories(book, "schemes", pilot, "age", "A", "C")
    assert names(book, "schemes", pilot, "age") == ["B", "C"]
    assert schemes.scheme_counts(book, pilot, NEXT) == [
        {"dimension": "age", "category": "C", "gender": "Male", "count": 8}]


# -- what published editions printed -------------------------------------------------------------
def test_a_rename_keeps_the_next_edition_bound_to_what_was_published(book, tmp_path) -> None:
    publish(book, tmp_path)
    plan_before = public_plan.decide(book, YEAR)
    before, whole = printed(book), dump(book)
    change = categories.rename_category(book, "schemes", DIVERT, "age", "Over 65", "66 and over")
    categories.rename_category(book, "schemes", DIVERT, "offence_type", "Theft", "Theft and handling")
    moved = {scheme_key("Divert", "age", g, "Over 65"): scheme_key("Divert", "age", g, "66 and over")
             for g in ("Male", "Female")}
    moved |= {table_key("Divert", "offence_type", "Theft", g):
              table_key("Divert", "offence_type", "Theft and handling", g) for g in ("Male", "Female", "Total")}
    after = printed(book)
    assert {(p, moved.get(k, k)): v for (p, k), v in before.items()} == after  # the same figures, new keys
    assert not any(key.startswith("Divert/") and ("Over 65" in key or "/Theft/" in key) for _, key in after)
    plan = public_plan.decide(book, YEAR)
    bound = {k for k in moved.values() if any(f"{EARLIER} {n}/{k}" in plan.model.values for n in (1, 2))}
    assert bound == set(moved.values())  # each planned with what its edition printed
    assert {moved.get(k, k) for k in plan_before.hidden} == set(plan.hidden)  # nothing decided differently
    book.revert(book.scalar("SELECT max(id) FROM edits"))
    book.revert(change.edit_id)
    assert dump(book) == whole


def test_a_services_rename_rekeys_its_row_and_the_all_services_row(wb) -> None:
    harbour = a_service(wb, "Harbour", {(YEAR, 1, "18-24"): 12, (YEAR, 1, "25-34"): 30})
    a_service(wb, "Foundation", {(YEAR, 1, "25-34"): 40, (YEAR, 1, "Under 25"): 9})
    record_publication(wb, "annual-equality", YEAR, printed={
        service_key("Harbour", "age", "18-24"): (12, True), all_services_key("age", "18-24"): (12, True),
        service_key("Harbour", "age", "25-34"): (30, True), all_services_key("age", "25-34"): (70, True)})  # fmt: skip
    before = dump(wb)
    change = categories.rename_category(wb, "services", harbour, "age", "18-24", "18 to 24")
    assert {k for _, k in printed(wb)} == {
        service_key("Harbour", "age", "18 to 24"), all_services_key("age", "18 to 24"),
        service_key("Harbour", "age", "25-34"), all_services_key("age", "25-34")}  # fmt: skip
    wb.revert(change.edit_id)
    assert dump(wb) == before


@pytest.mark.parametrize(("old", "new", "shared"), [("25-34", "25 to 34", "25-34"), ("18-24", "Under 25", "Under 25")])
def test_a_services_rename_that_would_move_counts_between_published_rows_is_refused(wb, old, new, shared) -> None:
    """All services together add categories up by name: Harbour's 18-24 renamed Under 25 would
    join Foundation's Under 25, and the published row would grow by Harbour's count."""
    harbour = a_service(wb, "Harbour", {(YEAR, 1, "18-24"): 2, (YEAR, 1, "25-34"): 30, (NEXT, 1, "Young"): 3})
    a_service(wb, "Foundation", {(YEAR, 1, "25-34"): 40, (YEAR, 1, "Under 25"): 9, (NEXT, 1, "Under 25"): 5})
    record_publication(wb, "annual-equality", YEAR)
    before = dump(wb)
    with pytest.raises(OpccError) as refused:
        categories.rename_category(wb, "services", harbour, "age", old, new)
    assert (f"Harbour has '{old}' counts in 2021/22, a year with a published edition, and Foundation counts people "
            f"under '{shared}' in 2021/22 too") in str(refused.value)  # fmt: skip
    assert "Keep the name as it is" in str(refused.value)
    assert dump(wb) == before
    categories.rename_category(wb, "services", harbour, "age", "Young", "Under 25")  # a year not published: fine
