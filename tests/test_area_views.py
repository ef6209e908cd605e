"""What the area tabs show, read from real workbooks: checked against hand counts and against
the annual report's own functions (the screen must print what the report prints)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from conftest import DEMO_PASSPHRASE

from opcc_desktop.areas import schemes, services, workforce
from opcc_desktop.areas.periods import financial_year_of, long_date
from opcc_desktop.areas.vocab import NOT_DECLARED, NOT_DISCLOSED, SERVICE_DIMENSIONS
from opcc_desktop.figures import area_views as av
from opcc_desktop.figures import equality_tables as et
from opcc_desktop.figures import public_plan, publishable
from opcc_desktop.figures import workforce_views as wv
from opcc_desktop.figures.workforce_analysis import Tally
from opcc_desktop.store.workbook import Workbook


@pytest.fixture
def demo(demo_path):
    with Workbook.open(demo_path, DEMO_PASSPHRASE, readonly=True) as book:
        yield book


def staff(ref: str, **values: str) -> dict:
    row = {"staff_ref": ref, "age_band": "25-34", "sex": "Female", "gender_identity_same": "Yes",
           "ethnicity": "White British", "disability": "No", "religion": "No religion",
           "sexual_orientation": "Bisexual", "pregnancy_maternity": "No"}  # fmt: skip
    return {**row, **values}


def test_dates_and_years_are_written_as_the_documents_write_them() -> None:
    assert financial_year_of(dt.date(2022, 3, 31)) == "2021/22"
    assert financial_year_of(dt.date(2022, 4, 1)) == "2022/23"
    assert financial_year_of(dt.date(2099, 12, 31)) == "2099/00"
    assert long_date("2022-03-31") == "31 March 2022"
    assert av.quarter_label(3) == "Q3 (Oct-Dec)"
    assert av.dimension_label("sexual_orientation") == "Sexual orientation"


def test_previous_snapshot_is_the_one_dated_before() -> None:
    snaps = [{"id": 7, "snapshot_date": "2022-03-31"}, {"id": 3, "snapshot_date": "2021-03-31"}]
    assert wv.previous_snapshot(snaps, 7)["id"] == 3
    assert wv.previous_snapshot(snaps, 3) is None
    assert wv.previous_snapshot(snaps, 99) is None


def test_a_row_added_by_hand_is_valid_and_gets_a_free_placeholder(wb) -> None:
    workforce.add_snapshot(wb, "2022-03-31")
    workforce.add_staff(wb, 1, wv.new_staff_values(wb, 1))
    workforce.add_staff(wb, 1, wv.new_staff_values(wb, 1))
    rows = workforce.staff_rows(wb, 1)
    assert [r["staff_ref"] for r in rows] == ["NEW0001", "NEW0002"]
    assert all(r["ethnicity"] == NOT_DECLARED for r in rows)


def test_workforce_comparison_and_declaration_rates_by_hand() -> None:
    before = Tally.of([staff("A1"), staff("A2", ethnicity="Prefer not to say")])
    now = Tally.of([staff("A1"), staff("A3", ethnicity="Asian or Asian British"), staff("A4", ethnicity=NOT_DECLARED)])
    rows = {r["category"]: r for r in wv.workforce_comparison(now, before, "ethnicity")}
    assert rows["White British"] == {"category": "White British", "count": 1, "percent": Decimal("33.3"),
                                     "previous": 1, "change": 0}  # fmt: skip
    assert rows["Asian or Asian British"]["change"] == 1
    gone = rows["Prefer not to say"]
    assert (gone["count"], gone["percent"], gone["previous"], gone["change"]) == (0, Decimal("0.0"), 1, -1)
    alone = wv.workforce_comparison(now, None, "ethnicity")
    assert all(r["previous"] is None and r["change"] is None for r in alone)
    rates = {r["characteristic"]: r for r in wv.declaration_rows(now, before)}
    assert (rates["ethnicity"]["declared"], rates["ethnicity"]["headcount"]) == (2, 3)
    assert rates["ethnicity"]["rate"] == Decimal("66.7")  # 2 of 3, half-up
    assert rates["ethnicity"]["previous_rate"] == Decimal("50.0")
    assert rates["ethnicity"]["change"] == Decimal("16.7")
    assert wv.declaration_rows(now, None)[0]["change"] is None


def test_workforce_chart_is_a_bar_alone_and_grouped_beside_the_previous_snapshot() -> None:
    now = Tally.of([staff("A1"), staff("A2", sex="Male")])
    alone = wv.workforce_chart(wv.workforce_comparison(now, None, "sex"), "sex", "31 March 2022")
    assert alone.kind == "bar" and alone.categories[:2] == ("Female", "Male")
    assert alone.series[0].values[:2] == (1, 1)
    both = wv.workforce_chart(wv.workforce_comparison(now, Tally.of([staff("A1")]), "sex"), "sex", "31 March 2022",
                              "31 March 2021")  # fmt: skip
    assert both.kind == "grouped_bar"
    assert [s.name for s in both.series] == ["31 March 2021", "31 March 2022"]
    assert both.series[0].values[:2] == (1, 0)


def test_leave_events_of_a_snapshot(demo) -> None:
    latest = workforce.snapshots(demo)[-1]["id"]
    events = wv.snapshot_leave_events(demo, latest)
    assert events and set(events[0]) == {"leave_type", "outcome"}


def test_service_grid_offers_the_usual_categories_to_a_new_service(wb) -> None:
    services.add_service(wb, {"name": "Harbour"})
    services.add_service(wb, {"name": "New one"})
    for category, count in (("Female", 15), ("Male", 1), (NOT_DISCLOSED, 0)):
        services.set_service_count(wb, 1, "2021/22", 1, "gender", category, count)
    grid = av.service_grid(wb, 2, "2021/22", 1)
    gender = [r for r in grid if r["dimension"] == "gender"]
    assert [r["category"] for r in gender] == ["Female", "Male", NOT_DISCLOSED]
    assert all(r["count"] is None for r in grid)
    assert {r["dimension"] for r in grid} == set(SERVICE_DIMENSIONS)  # "Not disclosed" where none is known
    own = {r["category"]: r for r in av.service_grid(wb, 1, "2021/22", 1) if r["dimension"] == "gender"}
    assert own["Male"]["percent"] == Decimal("6.3")  # 1 of 16 = 6.25, half-up
    assert own[NOT_DISCLOSED]["percent"] == Decimal("0.0")


def test_service_activity_lists_the_usual_measures(wb) -> None:
    services.add_service(wb, {"name": "Harbour"})
    services.set_service_activity(wb, 1, "2021/22", 2, "referrals_received", 40)
    rows = av.service_activity_rows(wb, 1, "2021/22", 2)
    assert [(r["label"], r["value"]) for r in rows] == [("Referrals received", 40.0),
                                                        ("Clients supported", None)]  # fmt: skip


def test_service_charts_compare_with_all_services_and_track_non_disclosure(wb) -> None:
    services.add_service(wb, {"name": "Harbour"})
    services.add_service(wb, {"name": "Eva"})
    for service, female, hidden in ((1, 3, 1), (2, 5, 3)):
        services.set_service_count(wb, service, "2021/22", 4, "gender", "Female", female)
        services.set_service_count(wb, service, "2021/22", 4, "gender", NOT_DISCLOSED, hidden)
    spec = av.service_share_chart(wb, 1, "2021/22", 4, "gender")
    assert spec.categories == ("Female", NOT_DISCLOSED)
    assert [s.name for s in spec.series] == ["Harbour", "All services"]
    assert spec.series[0].values == (Decimal("75.0"), Decimal("25.0"))
    assert spec.series[1].values == (Decimal("66.7"), Decimal("33.3"))
    assert av.service_share_chart(wb, 1, "2021/22", 1, "gender") is None
    line = av.non_disclosure_chart(wb, 1, "2021/22")
    assert line.kind == "line" and len(line.categories) == 8 and line.categories[-1] == "Q4 21/22"
    assert [s.name for s in line.series] == ["Gender"]
    assert line.series[0].values[-1] == Decimal("25.0") and line.series[0].values[0] is None
    assert av.non_disclosure_chart(wb, 2, "2019/20") is None


def test_years_with_figures_latest_first(demo) -> None:
    assert av.service_years(demo) == ["2022/23", "2021/22", "2020/21"]
    assert av.latest_service_quarter(demo, "2021/22") == 4
    assert av.scheme_years(demo)[0] == "2021/22"


def test_scheme_grid_prints_exactly_what_the_annual_report_prints(demo) -> None:
    """Table 1/2 row by row: the participants, each dimension's records and its percentages."""
    policy = publishable.policy(demo)
    plan = public_plan.decide(demo, "2021/22")
    for scheme in publishable.schemes(demo):
        table = et.scheme_table(plan, scheme["name"], publishable.scheme_counts(demo, scheme["name"], "2021/22"))
        printed = {row[0]: row[1:] for row in table.rows}
        grid = av.scheme_grid(demo, scheme["id"], "2021/22")
        compared = [r for r in grid if r["kind"] == "participants" or r["dimension"] in av.TABLE_DIMENSIONS]
        assert len(compared) == len(printed)
        for row in compared:
            assert (row["male_shown"], row["female_shown"]) == printed[_report_label(row)]
    shown = {r["male_shown"] for r in av.scheme_grid(demo, 1, "2021/22")}
    assert policy.symbol in shown  # the demo has small cells


def _report_label(row: dict) -> str:
    """The first cell of the annual report's scheme table row for a grid row."""
    if row["kind"] == "participants":
        return "Participants (number)"
    label = dict(et.SCHEME_DIMENSIONS)[row["dimension"]]
    return f"{label}: records (number)" if row["kind"] == "base" else f"{label}: {row['category']}"


def test_a_never_published_scheme_is_shown_in_full(demo) -> None:
    hidden = next(s for s in schemes.schemes(demo) if s["never_publish"])
    assert not av.scheme_policy(demo, hidden["id"]).active
    grid = av.scheme_grid(demo, hidden["id"], "2021/22")
    assert all("*" not in (r["male_shown"], r["female_shown"]) for r in grid)
    participants = grid[0]
    assert participants["kind"] == "participants" and participants["male_shown"] == str(participants["male"])


def test_scheme_grid_rows_counts_and_bases(wb) -> None:
    schemes.add_scheme(wb, {"name": "Divert"})
    schemes.set_scheme_count(wb, 1, "2021/22", "gender", "Male", 40)
    schemes.set_scheme_count(wb, 1, "2021/22", "age", "18-24", 30, gender="Male")
    schemes.set_scheme_count(wb, 1, "2021/22", "age", "25+", 8, gender="Male")
    grid = av.scheme_grid(wb, 1, "2021/22")
    assert grid[0]["male"] == 40 and grid[0]["female"] is None
    age = [r for r in grid if r["dimension"] == "age"]
    assert [(r["kind"], r["category"], r["male"]) for r in age] == [
        ("base", "Records (number)", 38), ("category", "18-24", 30), ("category", "25+", 8)]
    assert [r["male_shown"] for r in age] == ["38", "78.9%", "21.1%"]
    ethnicity = [r for r in grid if r["dimension"] == "ethnicity"]
    assert [r["category"] for r in ethnicity] == ["Records (number)", NOT_DISCLOSED]  # nothing known yet
    assert ethnicity[1]["male_shown"] == "-"


def test_scheme_chart_draws_the_printed_percentages(demo) -> None:
    spec = av.scheme_chart(demo, 1, "2021/22", "age")
    assert [s.name for s in spec.series] == ["Male", "Female"]
    grid = {r["category"]: r for r in av.scheme_grid(demo, 1, "2021/22") if r["dimension"] == "age"}
    for index, category in enumerate(spec.categories):
        assert spec.series[1].labels[index] == grid[category]["female_shown"]
        if grid[category]["female_shown"] == "*":
            assert spec.series[1].values[index] is None  # a suppressed figure draws no bar
    gender = av.scheme_chart(demo, 1, "2021/22", "gender")
    assert gender.kind == "bar" and gender.categories == ("Male", "Female")
    assert av.scheme_chart(demo, 1, "1999/00", "age") is None
    assert av.scheme_chart(demo, 1, "2021/22", "outcome").series[0].labels[0].endswith("%")


def test_scheme_measures_in_a_fixed_order_with_units(demo) -> None:
    rows = av.scheme_measure_rows(demo, 1, "2021/22")
    assert [r["measure"] for r in rows] == list(av.SCHEME_MEASURE_LABELS)
    by = {r["measure"]: r for r in rows}
    assert by["referrals_received"]["unit"] == "number" and by["reoffending_rate"]["unit"] == "%"
    assert by["funding"]["value"] == 1009000.0
    assert av.scheme_measure_rows(demo, 1, "1999/00")[0]["value"] is None


def test_a_snapshot_counted_by_sqlite_gives_the_figures_its_rows_give(demo) -> None:
    """The Workforce tab counts the snapshot it compares with in SQL, without its rows."""
    for snapshot in workforce.snapshots(demo):
        rows = workforce.staff_rows(demo, snapshot["id"])
        counted, read = Tally(*workforce.snapshot_counts(demo, snapshot["id"])), Tally.of(rows)
        assert counted.headcount == read.headcount == len(rows) and counted.total_fte() == read.total_fte()
        assert counted.declaration_rates() == read.declaration_rates() and counted.staff_refs() == read.staff_refs()
        assert all(counted.breakdown(name) == read.breakdown(name) for name in ("sex", "ethnicity", "religion"))
