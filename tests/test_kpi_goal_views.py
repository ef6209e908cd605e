"""The readers behind the KPI and goals screens: the same grids and chart as the performance
update (never-publish KPIs included), commentary, the years offered, goals with their update,
the EDI self-assessment and the goals-by-status chart."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from opcc_desktop.areas import goals, kpis
from opcc_desktop.figures import area_views, publishable
from opcc_desktop.figures.formatting import CellState
from opcc_desktop.figures.kpi_analysis import (
    baseline_year,
    build_grids,
    commentary_text,
    kpi_years,
    latest_kpi_year,
    trend_chart,
    workbook_grids,
)
from opcc_desktop.store.workbook import Workbook


def new_id(changes, table: str) -> int:
    return next(r.key["id"] for r in changes.rows if r.table == table and r.op == "insert")


def stop_and_search(wb) -> tuple[int, int, int, int]:
    """A group with two typed KPIs, a ratio of them and a never-publish KPI."""
    outcome = new_id(kpis.add_outcome(wb, "Police Accountability"), "strategic_outcomes")
    group = new_id(kpis.add_group(wb, outcome, "Stop and Search"), "kpi_groups")

    def add(name: str, unit: str = "count", **more) -> int:
        values = {"name": name, "unit": unit, "polarity": "neutral", **more.pop("values", {})}
        return new_id(kpis.add_kpi(wb, group, values, **more), "kpis")

    carried, positive = add("Carried out"), add("Positive outcome")
    rate = add("% positive", "percent", derived_kind="ratio", inputs=[positive, carried])
    hidden = add("Internal only", values={"never_publish": True})
    return carried, positive, rate, hidden


def test_workbook_grids_hold_every_kpi_all_eight_quarters_and_computed_ones(wb) -> None:
    carried, positive, rate, hidden = stop_and_search(wb)
    kpis.set_kpi_value(wb, carried, "2020/21", 1, 200)
    kpis.set_kpi_value(wb, positive, "2020/21", 1, 50)
    kpis.set_kpi_value(wb, carried, "2021/22", 4, 40, provisional=True)
    kpis.set_kpi_value(wb, positive, "2021/22", 4, status="not available")
    kpis.set_kpi_value(wb, hidden, "2021/22", 2, 7)
    grids = {g.id: g for g in workbook_grids(wb, "2021/22", date(2021, 10, 5))}  # Q2 is over, Q3 not
    assert list(grids) == [carried, positive, rate, hidden]  # never-publish kept, in order
    assert all(len(g.baseline) == 4 and len(g.current) == 4 for g in grids.values())
    assert grids[rate].baseline[0].text == "25.0%"
    assert grids[rate].current[3].state is CellState.NOT_AVAILABLE
    assert grids[carried].current[3].text == "40 (p)"
    assert grids[carried].current[0].state is CellState.MISSING  # over, with no figure: "-"
    assert grids[carried].current[2].state is CellState.NOT_YET_DUE  # not over yet: blank
    assert grids[carried].baseline[1].text == "-"
    assert grids[hidden].current[1].value == Decimal(7)


def test_workbook_grids_print_what_the_performance_update_prints(demo_path) -> None:
    with Workbook.open(demo_path, "demo workbook for the tests", readonly=True) as book:
        year = latest_kpi_year(book)
        years = (baseline_year(year), year)
        printed = build_grids(publishable.kpis(book, year), publishable.kpi_values(book, years), year, 4,
                              inputs=publishable.kpi_inputs(book),
                              input_values=publishable.kpi_input_values(book, years),
                              comparators=publishable.kpi_comparators(book))  # fmt: skip
        shown = {g.id: g for g in workbook_grids(book, year)}
    assert printed and all(shown[g.id] == g for g in printed)


def test_trend_chart_is_the_baseline_year_beside_the_year(wb) -> None:
    carried, *_ = stop_and_search(wb)
    kpis.set_kpi_value(wb, carried, "2020/21", 2, 120)
    kpis.set_kpi_value(wb, carried, "2021/22", 1, 90)
    grid = next(g for g in workbook_grids(wb, "2021/22") if g.id == carried)
    spec = trend_chart(grid, "2021/22")
    assert spec.kind == "line" and spec.title == "Carried out"
    assert spec.categories == ("Q1", "Q2", "Q3", "Q4")
    assert [s.name for s in spec.series] == ["2020/21", "2021/22"]
    assert spec.series[0].values == (None, Decimal(120), None, None)
    assert spec.series[1].values == (Decimal(90), None, None, None)
    assert spec.value_label == "Number"


def test_commentary_and_the_years_offered(wb) -> None:
    carried, *_ = stop_and_search(wb)
    group = wb.scalar("SELECT group_id FROM kpis WHERE id = ?", [carried])
    assert latest_kpi_year(wb) is None
    assert kpi_years(wb, date(2022, 3, 31)) == ["2021/22"]
    assert commentary_text(wb, group, "2021/22", 2) == ""
    kpis.set_commentary(wb, group, "2021/22", 2, "Searches rose.")
    kpis.set_kpi_value(wb, carried, "2019/20", 1, 5)
    assert commentary_text(wb, group, "2021/22", 2) == "Searches rose."
    assert commentary_text(wb, group, "2021/22", 3) == ""
    assert latest_kpi_year(wb) == "2021/22"
    assert kpi_years(wb, date(2022, 4, 1)) == ["2022/23", "2021/22", "2019/20"]
    assert kpi_years(wb, date(2025, 5, 1)) == ["2025/26", "2022/23", "2021/22", "2019/20"]


def add_goals(wb) -> tuple[int, int]:
    first = new_id(goals.add_goal(wb, {"set_for_year": "2021/22", "title": "Consultation",
                                       "description": "", "status": "achieved"}), "goals")  # fmt: skip
    second = new_id(goals.add_goal(wb, {"set_for_year": "2021/22", "title": "Training",
                                        "description": "", "status": "in progress"}), "goals")  # fmt: skip
    goals.set_goal_update(wb, first, "2021/22", "Strategy published.", "2022-06-30")
    return first, second


def test_goals_with_their_update_for_a_year(wb) -> None:
    first, second = add_goals(wb)
    rows = {r["id"]: r for r in goals.goals_with_update(wb, "2021/22")}
    assert rows[first]["update"] == "Strategy published." and rows[first]["update_date"] == "2022-06-30"
    assert rows[second]["update"] is None
    assert all(r["update"] is None for r in goals.goals_with_update(wb, "2022/23"))


def test_edi_rows_list_every_area_assessed_or_not(wb) -> None:
    area = new_id(goals.add_edi_area(wb, "Responsive Services"), "edi_areas")
    other = new_id(goals.add_edi_area(wb, "Diverse and Engaged Workforce"), "edi_areas")
    goals.set_edi_assessment(wb, area, "2021/22", "Achieving", "Returns now report data.")
    assert goals.edi_rows(wb, "2021/22") == [
        {"area_id": area, "area": "Responsive Services", "level": "Achieving",
         "evidence": "Returns now report data."},
        {"area_id": other, "area": "Diverse and Engaged Workforce", "level": None, "evidence": None},
    ]  # fmt: skip
    assert [r["level"] for r in goals.edi_rows(wb, "2022/23")] == [None, None]


def test_goal_years_latest_report_year_and_status_chart(wb) -> None:
    assert goals.latest_report_year(wb) is None
    assert area_views.status_chart(wb, "2021/22") is None
    assert goals.goal_years(wb, date(2021, 3, 1)) == ["2020/21"]
    add_goals(wb)
    goals.add_goal(wb, {"set_for_year": "2022/23", "title": "Data", "description": "",
                        "status": "not started"})  # fmt: skip
    assert goals.latest_report_year(wb) == "2021/22"
    assert goals.goal_years(wb, date(2021, 3, 1)) == ["2022/23", "2021/22", "2020/21"]
    spec = area_views.status_chart(wb, "2021/22")
    assert spec is not None and spec.kind == "bar"
    assert spec.categories == ("Not started", "In progress", "Achieved", "Rolled over", "Dropped")
    assert spec.series[0].values == (0, 1, 1, 0, 0)
