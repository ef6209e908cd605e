"""The KPI grid of the performance update, with hand-computed figures from the published
reference values (resources/reference/kpi_values.csv) and small hand-made inputs."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from opcc_desktop.figures.formatting import Cell, CellState
from opcc_desktop.figures.kpi_analysis import (
    baseline_year,
    build_grids,
    build_groups,
    derive,
    period_label,
    value_cell,
)
from opcc_desktop.store import paths

OUTCOME = "Build confidence and put the pride back into Cleveland Police"
GROUP = "Public Access to Services"


def kpi(id_: int, name: str, unit: str = "count", kind: str | None = None, group: int = 1,
        group_name: str = GROUP, outcome: str = OUTCOME) -> dict:  # fmt: skip
    return {"id": id_, "name": name, "unit": unit, "polarity": "neutral", "derived_kind": kind,
            "group_id": group, "group_name": group_name, "outcome": outcome}  # fmt: skip


def val(id_: int, year: str, quarter: int, value: float | None = None, status: str = "",
        provisional: int = 0, revised: int = 0) -> dict:  # fmt: skip
    return {"kpi_id": id_, "financial_year": year, "quarter": quarter, "value": value, "status": status,
            "provisional": provisional, "revised": revised}  # fmt: skip


@pytest.fixture(scope="module")
def reference() -> tuple[list[dict], list[dict]]:
    """The reference CSV as publishable's rows: KPI definitions and typed values."""
    with open(
        paths.resources_dir() / "reference" / "kpi_values.csv",
        encoding="utf-8-sig",
        newline="",
    ) as f:
        rows = list(csv.DictReader(f))
    kpis: dict[str, dict] = {}
    groups: dict[str, int] = {}
    values = []
    for row in rows:
        if row["kpi"] not in kpis:
            group = groups.setdefault(row["group"], len(groups) + 1)
            kpis[row["kpi"]] = kpi(len(kpis) + 1, row["kpi"], row["unit"], group=group,
                                   group_name=row["group"], outcome=row["strategic_outcome"])  # fmt: skip
        if row["value"].strip() or row["status"].strip():
            values.append(val(kpis[row["kpi"]]["id"], row["financial_year"], int(row["quarter"]),
                              float(row["value"]) if row["value"].strip() else None,
                              row["status"].strip()))  # fmt: skip
    return list(kpis.values()), values


def by_name(grids: list, name: str):
    return next(g for g in grids if g.name == name)


def test_years_and_period() -> None:
    assert baseline_year("2021/22") == "2020/21"
    assert baseline_year("2000/01") == "1999/00"
    assert period_label("2021/22", 3) == "Quarter 3 2021/22 (October to December 2021)"
    assert period_label("2021/22", 4) == "Quarter 4 2021/22 (January to March 2022)"


def test_999_calls_change_on_same_quarter_last_year(reference) -> None:
    kpis, values = reference
    grids = build_grids(kpis, values, "2021/22", 1)
    calls = by_name(grids, "Number of 999 calls received")
    # 2021/22 Q1 24,995 against 2020/21 Q1 22,446: 2,549 / 22,446 = 11.356% -> 11.4%
    assert calls.change == Decimal("11.4")
    assert calls.change_phrase == "an increase of 11.4%"
    assert [c.text for c in calls.baseline] == ["22,446", "26,573", "20,991", "19,132"]
    assert [c.text for c in calls.current] == ["24,995"]


def test_grid_shape_follows_the_report_quarter(reference) -> None:
    kpis, values = reference
    for quarter in (1, 2, 3, 4):
        grids = build_grids(kpis, values, "2021/22", quarter)
        assert all(len(g.baseline) == 4 and len(g.current) == quarter for g in grids)
    q3 = by_name(
        build_grids(kpis, values, "2021/22", 3), "Number of 999 calls received"
    )
    # Q3 27,334 against 20,991: 6,343 / 20,991 = 30.217% -> 30.2%
    assert q3.change == Decimal("30.2")


def test_percent_kpis_print_one_place_and_change_in_points(reference) -> None:
    kpis, values = reference
    answered = by_name(
        build_grids(kpis, values, "2021/22", 1),
        "% 999 calls answered within 10 seconds",
    )
    assert answered.baseline[0].text == "87.2%"
    # 80.3% against 87.2%: 6.9 percentage points down
    assert answered.change == Decimal("-6.9")
    assert answered.change_phrase == "a decrease of 6.9 percentage points"


def test_status_cells_from_the_reference(reference) -> None:
    kpis, values = reference
    grids = build_grids(kpis, values, "2021/22", 4)
    online = by_name(
        grids,
        "Number of online reports via Single Online Home from the public relating to crimes",
    )
    assert {c.state for c in online.cells} == {CellState.UNDER_DEVELOPMENT}
    assert online.cells[0].text == "Measurement under development"
    assert online.change is None and online.change_phrase is None
    pcso = by_name(grids, "Number of Police Community Support Officers (Headcount)")
    assert (
        pcso.baseline[0].state is CellState.NOT_AVAILABLE
        and pcso.baseline[0].text == "-"
    )
    assert pcso.baseline[1].text == "92"


def test_value_cell_states() -> None:
    assert value_cell(None, "count").state is CellState.NOT_YET_DUE
    assert value_cell(None, "count").text == ""
    assert (
        value_cell(val(1, "2021/22", 1, 12.34, provisional=1), "percent").text
        == "12.3% (p)"
    )
    assert (
        value_cell(val(1, "2021/22", 1, 1234.0, revised=1), "count").text == "1,234 (r)"
    )
    assert value_cell(val(1, "2021/22", 1, 0.0), "percent").text == "0.0%"
    assert value_cell(val(1, "2021/22", 1, 5.35), "seconds").text == "5.4"
    assert value_cell(val(1, "2021/22", 1, status="not available"), "count").text == "-"
    assert value_cell(
        val(1, "2021/22", 1, status="under development"), "count"
    ).text == ("Measurement under development")


def test_derived_ratio_and_sum() -> None:
    kpis = [kpi(1, "Searches"), kpi(2, "Positive"), kpi(3, "% positive", "percent", "ratio"),
            kpi(4, "A"), kpi(5, "B"), kpi(6, "Total", "count", "sum")]  # fmt: skip
    values = [val(1, "2020/21", 1, 16), val(2, "2020/21", 1, 1),  # 1/16 = 6.25% -> 6.3% (half-up)
              val(1, "2021/22", 1, 64), val(2, "2021/22", 1, 23),  # 23/64 = 35.9375% -> 35.9%
              val(1, "2021/22", 2, 0), val(2, "2021/22", 2, 0),  # a share of nobody: n/a
              val(4, "2020/21", 1, 7), val(5, "2020/21", 1, 8),
              val(4, "2021/22", 1, 10), val(5, "2021/22", 1, status="not available"),
              val(4, "2021/22", 2, 3, provisional=1), val(5, "2021/22", 2, 4)]  # fmt: skip
    inputs = {3: [2, 1], 6: [4, 5]}
    grids = build_grids(kpis, values, "2021/22", 3, inputs=inputs)
    ratio, total = by_name(grids, "% positive"), by_name(grids, "Total")
    assert ratio.baseline[0].text == "6.3%"
    assert ratio.current[0].text == "35.9%"
    assert ratio.current[1].state is CellState.NOT_APPLICABLE
    assert ratio.current[2].state is CellState.MISSING  # the report's quarter, with no figure: "-"
    assert ratio.current[2].text == "-"
    assert ratio.change is None
    q1 = by_name(build_grids(kpis, values, "2021/22", 1, inputs=inputs), "% positive")
    # from the unrounded shares, 35.9375% - 6.25% = 29.6875 -> 29.7 (not 35.9 - 6.3 = 29.6)
    assert q1.change == Decimal("29.7")
    assert total.baseline[0].text == "15"
    assert total.current[0].state is CellState.NOT_AVAILABLE  # one part missing
    assert (
        total.current[1].text == "7 (p)"
    )  # a provisional part makes the total provisional
    assert total.change is None


def test_derived_inputs_from_input_values_only() -> None:
    """A derived KPI whose inputs are not published is computed from kpi_input_values."""
    kpis = [kpi(3, "Rate", "rate_per_1000", "ratio")]
    inputs = {3: [1, 2]}
    input_values = [
        val(1, "2021/22", 1, 3),
        val(2, "2021/22", 1, 400),
    ]  # 3 / 400 x 1,000 = 7.5
    grid = build_grids(
        kpis, [], "2021/22", 1, inputs=inputs, input_values=input_values
    )[0]
    assert grid.current[0].text == "7.5"
    assert grid.baseline[0].state is CellState.MISSING  # a past quarter with no figure


def test_derive_under_development() -> None:
    parts = [Cell.under_development(), Cell.under_development()]
    assert derive("sum", "count", parts).state is CellState.UNDER_DEVELOPMENT
    assert (
        derive("sum", "count", [Cell.number(2), Cell.not_yet_due()]).state
        is CellState.NOT_AVAILABLE
    )
    assert (
        derive("sum", "count", [Cell.not_yet_due(), Cell.not_yet_due()]).state
        is CellState.NOT_YET_DUE
    )


def test_groups_keep_order_and_commentary(reference) -> None:
    kpis, values = reference
    grids = build_grids(kpis, values, "2021/22", 3)
    commentary = [{"group_id": 1, "quarter": 3, "text": "Calls rose."},
                  {"group_id": 1, "quarter": 2, "text": "Not this quarter."}]  # fmt: skip
    outcomes = build_groups(grids, commentary, 3)
    assert outcomes[0][0] == OUTCOME
    first = outcomes[0][1][0]
    assert first.name == GROUP and first.commentary == "Calls rose."
    assert all(
        g.commentary is None for _, groups in outcomes for g in groups if g.id != 1
    )
    assert [k.name for _, gs in outcomes for g in gs for k in g.kpis] == [
        g.name for g in grids
    ]


def test_a_bad_quarter_is_refused() -> None:
    with pytest.raises(ValueError):
        build_grids([], [], "2021/22", 5)
