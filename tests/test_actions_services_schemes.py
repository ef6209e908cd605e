"""Services (monitoring counts, activity) and Divert/Triage schemes (counts, measures): what each
action returns and writes, and what each refuses."""

from __future__ import annotations

import pytest
from action_helpers import problem, refused
from conftest import dump

from opcc_desktop.areas import schemes, services
from opcc_desktop.areas.vocab import SCHEME_DIMENSIONS, SCHEME_MEASURES, SERVICE_DIMENSIONS
from opcc_desktop.errors import NotFound

# -- helpers -------------------------------------------------------------------------------


def summary(changes) -> list[tuple]:
    """(table, op, fields that changed with their new values) for each changed row."""
    out = []
    for row in changes.rows:
        if row.op == "update":
            out.append((row.table, row.op, {k: v for k, v in row.after.items() if row.before[k] != v}))
        else:
            values = row.after or row.before
            out.append((row.table, row.op, {k: v for k, v in values.items() if k != "id"}))
    return out


def service(wb, name: str = "Victim Care and Advice Service") -> int:
    return services.add_service(wb, {"name": name, "service_type": "Victim support"}).rows[0].key["id"]


def scheme(wb, name: str = "Divert") -> int:
    return schemes.add_scheme(wb, {"name": name, "age_range": "18+"}).rows[0].key["id"]


# -- services ------------------------------------------------------------------------------
def test_add_service_returns_and_writes_the_row(wb) -> None:
    changes = services.add_service(wb, {"name": " Halo ", "first_year": "2021/22",
                                        "contract_end": "2024-03-31", "never_publish": "no"})  # fmt: skip
    (row,) = changes.rows
    assert (row.table, row.key, row.op) == ("services", {"id": 1}, "insert")
    assert row.after == {"id": 1, "name": "Halo", "service_type": "", "first_year": "2021/22",
                         "contract_end": "2024-03-31", "never_publish": 0, "position": 1}  # fmt: skip
    assert services.services(wb) == [row.after]
    assert services.add_service(wb, {"name": "Second"}).rows[0].after["position"] == 2


def test_edit_service_returns_the_change(wb) -> None:
    sid = service(wb)
    changes = services.edit_service(wb, sid, {"never_publish": True, "name": "VCAS"})
    assert summary(changes) == [("services", "update", {"never_publish": 1, "name": "VCAS"})]
    assert services.services(wb)[0]["name"] == "VCAS"


@pytest.mark.parametrize("year", ["2021-22", "2021/23", "21/22", "2021", "2021/2022"])
def test_financial_years_must_be_written_like_2021_22(wb, year: str) -> None:
    sid = service(wb)
    for action, args in [
        (services.add_service, ({"name": "X", "first_year": year},)),
        (services.set_service_count, (sid, year, 1, "age", "18-24", 3)),
        (services.set_service_activity, (sid, year, 1, "referrals received", 3)),
    ]:
        error = refused(wb, action, *args)
        found = [p for p in error.problems if p.value == year]
        assert len(found) == 1 and found[0].allowed == "a year written like 2021/22"


def test_the_same_service_name_twice_is_refused(wb) -> None:
    service(wb, "Halo")
    other = service(wb, "Restorative Justice")
    error = refused(wb, services.add_service, {"name": "Halo"})
    assert "name: 'Halo' is already used by another record here" in str(error)
    error = refused(wb, services.edit_service, other, {"name": "Halo"})
    assert problem(error, "name").value == "Halo"


def test_service_lists_every_problem(wb) -> None:
    error = refused(wb, services.add_service, {"name": "", "first_year": "2021-22",
                                               "contract_end": "soon", "never_publish": "perhaps"})  # fmt: skip
    assert [p.field for p in error.problems] == ["name", "first_year", "contract_end", "never_publish"]


def test_set_service_count_adds_the_count_and_its_category(wb) -> None:
    sid = service(wb)
    changes = services.set_service_count(wb, sid, "2021/22", 1, "gender", "Not disclosed", 12)
    assert summary(changes) == [
        ("service_categories", "insert",
         {"service_id": sid, "dimension": "gender", "category": "Not disclosed", "position": 1}),
        ("service_counts", "insert",
         {"service_id": sid, "financial_year": "2021/22", "quarter": 1, "dimension": "gender",
          "category": "Not disclosed", "count": 12}),
    ]  # fmt: skip
    # A second quarter reuses the category; a new one goes after it.
    changes = services.set_service_count(wb, sid, "2021/22", 2, "gender", "Not disclosed", 9)
    assert changes.tables == {"service_counts"}
    services.set_service_count(wb, sid, "2021/22", 2, "gender", "Female", 30)
    assert [(r["quarter"], r["category"], r["count"]) for r in services.service_counts(wb, sid)] == [
        (1, "Not disclosed", 12), (2, "Not disclosed", 9), (2, "Female", 30)]  # fmt: skip


def test_changing_and_clearing_a_service_count(wb) -> None:
    sid = service(wb)
    services.set_service_count(wb, sid, "2021/22", 1, "age", "18-24", 5)
    changes = services.set_service_count(wb, sid, "2021/22", 1, "age", "18-24", "7")
    assert summary(changes) == [("service_counts", "update", {"count": 7})]
    same = services.set_service_count(wb, sid, "2021/22", 1, "age", "18-24", 7)
    assert not same and same.edit_id is None
    changes = services.set_service_count(wb, sid, "2021/22", 1, "age", "18-24", None)
    assert [(r.table, r.op) for r in changes.rows] == [("service_counts", "delete")]
    assert services.service_counts(wb, sid) == []
    assert not services.set_service_count(wb, sid, "2021/22", 1, "age", "18-24", None)


@pytest.mark.parametrize("count", [-1, 2.5, "lots", True])
def test_service_counts_are_whole_numbers_of_at_least_zero(wb, count: object) -> None:
    sid = service(wb)
    error = refused(wb, services.set_service_count, sid, "2021/22", 1, "age", "18-24", count)
    assert problem(error, "count").value is count


def test_service_count_lists_every_problem_and_names_the_dimensions(wb) -> None:
    sid = service(wb)
    error = refused(wb, services.set_service_count, sid, "2021-22", 5, "shoe size", "", -3)
    assert [p.field for p in error.problems] == ["financial_year", "quarter", "dimension", "category", "count"]
    assert all(repr(d) in problem(error, "dimension").allowed for d in SERVICE_DIMENSIONS)
    assert "1 (Apr-Jun)" in problem(error, "quarter").allowed


def test_set_service_activity(wb) -> None:
    sid = service(wb)
    changes = services.set_service_activity(wb, sid, "2021/22", 3, "referrals received", 412)
    assert summary(changes) == [("service_activity", "insert", {
        "service_id": sid, "financial_year": "2021/22", "quarter": 3,
        "measure": "referrals received", "value": 412.0})]  # fmt: skip
    changes = services.set_service_activity(wb, sid, "2021/22", 3, "referrals received", 420)
    assert summary(changes) == [("service_activity", "update", {"value": 420.0})]
    error = refused(wb, services.set_service_activity, sid, "2021/22", 3, "clients supported", -1)
    assert problem(error, "value").allowed == "a number of at least 0"
    changes = services.set_service_activity(wb, sid, "2021/22", 3, "referrals received", None)
    assert [r.op for r in changes.rows] == ["delete"]


def test_delete_service_removes_its_counts_activity_and_categories(wb) -> None:
    sid = service(wb)
    other = service(wb, "Other")
    services.set_service_count(wb, sid, "2021/22", 1, "age", "18-24", 5)
    services.set_service_count(wb, other, "2021/22", 1, "age", "18-24", 6)
    services.set_service_activity(wb, sid, "2021/22", 1, "clients supported", 40)
    changes = services.delete_service(wb, sid)
    assert [(r.table, r.op) for r in changes.rows] == [
        ("service_counts", "delete"), ("service_activity", "delete"),
        ("service_categories", "delete"), ("services", "delete")]  # fmt: skip
    for table in ("service_counts", "service_activity", "service_categories"):
        assert wb.scalar(f"SELECT count(*) FROM {table} WHERE service_id = ?", [sid]) == 0
    assert len(services.service_counts(wb, other)) == 1  # another service's rows stay


def test_service_actions_on_a_missing_service_raise_not_found(wb) -> None:
    before = dump(wb)
    for action, args in [
        (services.edit_service, (7, {"name": "X"})),
        (services.delete_service, (7,)),
        (services.set_service_count, (7, "2021/22", 1, "age", "18-24", 1)),
        (services.set_service_activity, (7, "2021/22", 1, "referrals", 1)),
    ]:
        with pytest.raises(NotFound):
            action(wb, *args)
    assert dump(wb) == before


# -- schemes -------------------------------------------------------------------------------
def test_add_and_edit_scheme(wb) -> None:
    changes = schemes.add_scheme(wb, {"name": "Youth Triage", "age_range": "10-17"})
    assert summary(changes) == [("schemes", "insert", {
        "name": "Youth Triage", "age_range": "10-17", "never_publish": 0, "position": 1})]  # fmt: skip
    sid = changes.rows[0].key["id"]
    changes = schemes.edit_scheme(wb, sid, {"never_publish": "yes"})
    assert summary(changes) == [("schemes", "update", {"never_publish": 1})]
    assert schemes.schemes(wb)[0]["never_publish"] == 1


def test_the_same_scheme_name_twice_is_refused(wb) -> None:
    scheme(wb, "Divert")
    error = refused(wb, schemes.add_scheme, {"name": "Divert"})
    assert problem(error, "name").value == "Divert"


def test_set_scheme_count_by_gender(wb) -> None:
    sid = scheme(wb)
    changes = schemes.set_scheme_count(wb, sid, "2021/22", "age", "18-24", 14, gender="Male")
    assert summary(changes) == [
        ("scheme_categories", "insert",
         {"scheme_id": sid, "dimension": "age", "category": "18-24", "position": 1}),
        ("scheme_counts", "insert",
         {"scheme_id": sid, "financial_year": "2021/22", "quarter": 0, "dimension": "age", "category": "18-24",
          "gender": "Male", "count": 14}),
    ]  # fmt: skip
    schemes.set_scheme_count(wb, sid, "2021/22", "gender", "Male", 40)
    assert schemes.scheme_counts(wb, sid, "2021/22") == [
        {"dimension": "age", "category": "18-24", "gender": "Male", "count": 14},
        {"dimension": "gender", "category": "Male", "gender": "All", "count": 40},
    ]
    changes = schemes.set_scheme_count(wb, sid, "2021/22", "gender", "Male", None)
    assert [(r.table, r.op) for r in changes.rows] == [("scheme_counts", "delete")]


def test_scheme_count_refuses_bad_input_listing_every_problem(wb) -> None:
    sid = scheme(wb)
    error = refused(wb, schemes.set_scheme_count, sid, "2021/23", "height", "Tall", -2, gender="")
    assert [p.field for p in error.problems] == ["financial_year", "dimension", "gender", "count"]
    assert all(repr(d) in problem(error, "dimension").allowed for d in SCHEME_DIMENSIONS)
    error = refused(wb, schemes.set_scheme_count, sid, "2021/22", "age", "18-24", 0.5)
    assert problem(error, "count").message == "is not a whole number"


def test_set_scheme_measure(wb) -> None:
    sid = scheme(wb)
    changes = schemes.set_scheme_measure(wb, sid, "2021/22", "reoffending_rate", 5.85)
    assert summary(changes) == [("scheme_measures", "insert", {
        "scheme_id": sid, "financial_year": "2021/22", "quarter": 0, "measure": "reoffending_rate", "value": 5.85})]  # fmt: skip
    changes = schemes.set_scheme_measure(wb, sid, "2021/22", "reoffending_rate", 6)
    assert summary(changes) == [("scheme_measures", "update", {"value": 6.0})]
    assert schemes.set_scheme_measure(wb, sid, "2021/22", "funding", 1_009_000)
    changes = schemes.set_scheme_measure(wb, sid, "2021/22", "reoffending_rate", None)
    assert [r.op for r in changes.rows] == ["delete"]


def test_scheme_measure_refuses_percent_over_100_and_fractional_counts(wb) -> None:
    sid = scheme(wb)
    error = refused(wb, schemes.set_scheme_measure, sid, "2021/22", "engagement_rate", 162.75)
    found = problem(error, "value")
    assert found.value == 162.75 and found.allowed == "a number from 0 to 100"
    assert "engagement_rate" in found.message
    error = refused(wb, schemes.set_scheme_measure, sid, "2021/22", "referrals_received", 7.5)
    assert problem(error, "value").message.startswith("is not a whole number")
    error = refused(wb, schemes.set_scheme_measure, sid, "2021-22", "happiness", -1)
    assert [p.field for p in error.problems] == ["financial_year", "measure", "value"]
    assert all(repr(m) in problem(error, "measure").allowed for m in SCHEME_MEASURES)


def test_delete_scheme_removes_its_counts_measures_and_categories(wb) -> None:
    sid = scheme(wb)
    schemes.set_scheme_count(wb, sid, "2021/22", "gender", "Female", 20)
    schemes.set_scheme_measure(wb, sid, "2021/22", "referrals_received", 80)
    changes = schemes.delete_scheme(wb, sid)
    assert [(r.table, r.op) for r in changes.rows] == [
        ("scheme_counts", "delete"), ("scheme_measures", "delete"),
        ("scheme_categories", "delete"), ("schemes", "delete")]  # fmt: skip
    for table in ("schemes", "scheme_counts", "scheme_measures", "scheme_categories"):
        assert wb.scalar(f"SELECT count(*) FROM {table}") == 0


def test_scheme_actions_on_a_missing_scheme_raise_not_found(wb) -> None:
    for action, args in [
        (schemes.edit_scheme, (3, {"name": "X"})),
        (schemes.delete_scheme, (3,)),
        (schemes.set_scheme_count, (3, "2021/22", "gender", "Male", 1)),
        (schemes.set_scheme_measure, (3, "2021/22", "funding", 1)),
    ]:
        with pytest.raises(NotFound):
            action(wb, *args)
