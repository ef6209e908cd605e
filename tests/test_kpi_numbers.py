"""How the update's KPI figures and changes read: changes from unrounded values; a
percentage change withheld for small figures; values at the precision entered or defined;
which quarter is missing when no change can be given; "-" for a past quarter with no
figure; improvement or deterioration in words; and the Analysis Function's symbols."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from conftest import DEMO_PASSPHRASE

from opcc_desktop.areas import kpis, settings
from opcc_desktop.documents import performance_update
from opcc_desktop.figures import publishable
from opcc_desktop.figures.formatting import (
    ANALYSIS_FUNCTION_SYMBOLS,
    Cell,
    CellState,
    decimal_places,
    round_half_up,
    with_symbols,
)
from opcc_desktop.figures.kpi_analysis import (
    build_grids,
    last_quarter_ended,
    workbook_grids,
)
from opcc_desktop.store.workbook import Workbook

YEAR, BASE = "2021/22", "2020/21"


def new_id(changes, table: str = "kpis") -> int:
    return next(r.key["id"] for r in changes.rows if r.table == table and r.op == "insert")


class Office:
    """A workbook with one KPI group, KPIs added by name."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        outcome = new_id(kpis.add_outcome(wb, "Confidence"), "strategic_outcomes")
        self.group = new_id(kpis.add_group(wb, outcome, "Access"), "kpi_groups")

    def kpi(self, name: str, unit: str = "count", polarity: str = "neutral", **more: Any) -> int:
        values = {"name": name, "unit": unit, "polarity": polarity, **more}
        return new_id(kpis.add_kpi(self.wb, self.group, values))

    def values(self, kpi_id: int, cells: dict[tuple[str, int], Any]) -> None:
        for (year, quarter), value in cells.items():
            if isinstance(value, str):
                kpis.set_kpi_value(self.wb, kpi_id, year, quarter, status=value)
            else:
                kpis.set_kpi_value(self.wb, kpi_id, year, quarter, value)

    def text(self, quarter: int = 3) -> str:
        document = performance_update.build(self.wb, YEAR, quarter)
        with pdfplumber.open(io.BytesIO(document.to_bytes())) as pdf:
            return "\n".join(page.extract_text() or "" for page in pdf.pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def row(text: str, name: str) -> list[str]:
    """A table row's cells after the KPI's name (names kept short, so a row is one line)."""
    line = next(line for line in text.splitlines() if line.startswith(name + " "))
    return line[len(name):].split()


@pytest.fixture
def office(wb) -> Office:
    return Office(wb)


# -- (a) changes from unrounded values -------------------------------------------------------
def test_a_ratio_change_is_the_difference_of_the_unrounded_shares(demo_path: Path) -> None:
    with Workbook.open(demo_path, DEMO_PASSPHRASE, readonly=True) as wb:
        ids = {k["name"]: k["id"] for k in publishable.kpis(wb, YEAR)}
        values = {(r["kpi_id"], r["financial_year"], r["quarter"]): r["value"]
                  for r in publishable.kpi_values(wb, (BASE, YEAR))}  # fmt: skip
        shares = {}
        for year in (BASE, YEAR):
            for quarter in (1, 2, 3, 4):
                positive = values[(ids["Number of stop and searches with a positive outcome"], year, quarter)]
                carried = values[(ids["Number of stop and searches carried out"], year, quarter)]
                shares[(year, quarter)] = positive / carried * 100
        off = 0
        for quarter in (1, 2, 3, 4):
            unrounded = round_half_up(shares[(YEAR, quarter)] - shares[(BASE, quarter)], 1)
            rounded = round_half_up(shares[(YEAR, quarter)], 1) - round_half_up(shares[(BASE, quarter)], 1)
            off += unrounded != rounded
            document = performance_update.build(wb, YEAR, quarter)
            with pdfplumber.open(io.BytesIO(document.to_bytes())) as pdf:
                text = flat(" ".join(page.extract_text() or "" for page in pdf.pages))
            said = re.search(r"% of stop and searches with a positive outcome: .*? (an increase|a decrease) of "
                             r"([\d.]+) percentage points", text)  # fmt: skip
            assert said, quarter
            sign = 1 if said.group(1) == "an increase" else -1
            assert sign * float(said.group(2)) == float(unrounded), quarter
    assert off  # the demo has quarters where subtracting the printed shares would be 0.1 out


# -- (b) small figures: the difference, not a percentage -------------------------------------
def test_a_percentage_change_is_withheld_below_the_setting_and_the_reason_given_once(office) -> None:
    small = office.kpi("Small")
    large = office.kpi("Large")
    office.values(small, {(BASE, 3): 5, (YEAR, 3): 7})
    office.values(large, {(BASE, 3): 12, (YEAR, 3): 15})
    text = flat(office.text())
    assert "Small: 7 in Q3 2021/22 against 5 in Q3 2020/21, an increase of 2." in text
    assert "40.0%" not in text
    assert "Large: 15 in Q3 2021/22 against 12 in Q3 2020/21, an increase of 25.0%." in text
    assert text.count("except where either figure is below 10, when the difference is given instead") == 1
    settings.set_setting(office.wb, "kpis.percent_change_from", 0)
    text = flat(office.text())
    assert "Small: 7 in Q3 2021/22 against 5 in Q3 2020/21, an increase of 40.0%." in text
    assert "below 0" not in text and "the difference is given instead" not in text


def test_a_change_from_zero_is_the_difference() -> None:
    kpi = {"id": 1, "name": "Drones", "unit": "count", "polarity": "neutral", "derived_kind": None,
           "group_id": 1, "group_name": "G", "outcome": "O", "percent_change_from": 0}  # fmt: skip
    values = [{"kpi_id": 1, "financial_year": BASE, "quarter": 1, "value": 0},
              {"kpi_id": 1, "financial_year": YEAR, "quarter": 1, "value": 12}]  # fmt: skip
    (grid,) = build_grids([kpi], values, YEAR, 1)
    assert grid.change_phrase == "an increase of 12"


# -- (c) the precision entered or defined ----------------------------------------------------
def test_values_print_at_the_places_entered_or_defined(office) -> None:
    wait = office.kpi("Wait", "seconds", "lower")
    engagement = office.kpi("Engaged", "percent", "higher")
    answered = office.kpi("Answered", "percent", "higher")
    office.values(wait, {(BASE, 3): 153, (YEAR, 3): 120})
    office.values(engagement, {(BASE, 3): 62.75, (YEAR, 3): 60.5})
    office.values(answered, {(BASE, 3): 80, (YEAR, 3): 77.5})
    text = office.text()
    assert row(text, "Wait")[2] == "153" and row(text, "Wait")[-1] == "120"  # not 153.0
    assert row(text, "Engaged")[2] == "62.75%" and row(text, "Engaged")[-1] == "60.50%"
    assert row(text, "Answered")[2] == "80.0%"  # a KPI's places are those of its most precise value
    assert "a decrease of 2.25 percentage points" in flat(text)  # points at the KPI's places
    kpis.edit_kpi(office.wb, wait, {"decimals": 1})  # defined: its places whatever was entered
    assert row(office.text(), "Wait")[2] == "153.0"


def test_entered_places_ignore_trailing_zeros_and_float_noise() -> None:
    assert [decimal_places(v) for v in (153, 153.0, 69.4, 62.75, 1200.0, 0.1 + 0.2)] == [0, 0, 1, 2, 0, 3]


# -- (d) which quarter is missing ------------------------------------------------------------
def test_when_no_change_can_be_given_the_missing_quarter_is_named(office) -> None:
    pilots = office.kpi("Pilots")
    office.values(pilots, {(YEAR, 3): 18})
    text = flat(office.text())
    assert ("No change on the same quarter last year can be given for this group: there is no figure for "
            "Q3 2020/21.") in text  # fmt: skip
    assert "No figures are recorded for both" not in text
    reviews = office.kpi("Reviews", "percent")
    office.values(reviews, {(BASE, 3): 77.9})
    online = office.kpi("Online")
    office.values(online, {(BASE, 3): "under development", (YEAR, 3): "under development"})
    text = flat(office.text())
    assert "Pilots: no change can be given, as there is no figure for Q3 2020/21." in text
    assert "Reviews: no change can be given, as there is no figure for Q3 2021/22." in text
    assert "Online: no change can be given, as the measure was under development in Q3 2021/22 and Q3 2020/21." in text


# -- (e) "-" for a past quarter, nothing printed after the report's quarter ------------------
def test_a_past_quarter_with_no_figure_prints_not_available_and_later_ones_are_not_printed(office) -> None:
    calls = office.kpi("Calls")
    office.values(calls, {(BASE, 2): 90, (YEAR, 1): 100, (YEAR, 4): 130})
    text = office.text(quarter=2)
    assert row(text, "Calls") == ["-", "90", "-", "-", "100", "-"]  # Q1-Q4 of the baseline, Q1-Q2 to date
    assert "130" not in text  # a later quarter is not printed at all
    note = flat(text)
    assert '"-" means no figure is available for that quarter' in note
    assert "blank" not in note and "not yet due" not in note  # no blank cell is printed, so none explained


def test_the_screen_shows_quarters_not_yet_over_blank(office) -> None:
    calls = office.kpi("Calls")
    office.values(calls, {(YEAR, 1): 100})

    def states(today: date) -> list[CellState]:
        (grid,) = workbook_grids(office.wb, YEAR, today=today)
        return [c.state for c in grid.current]

    due, missing, number = CellState.NOT_YET_DUE, CellState.MISSING, CellState.NUMBER
    assert states(date(2021, 9, 30)) == [number, due, due, due]  # Q2 is over only the day after its last
    assert states(date(2021, 10, 1)) == [number, missing, due, due]
    assert last_quarter_ended(date(2022, 4, 1)) == (YEAR, 4)


# -- (f) improvement or deterioration, in words ----------------------------------------------
def test_each_change_says_whether_it_is_an_improvement_or_a_deterioration(office) -> None:
    answered = office.kpi("Answered", "percent", "higher")
    wait = office.kpi("Wait", "seconds", "lower")
    calls = office.kpi("Calls", "count", "neutral")
    same = office.kpi("Same", "count", "higher")
    office.values(answered, {(BASE, 3): 83.4, (YEAR, 3): 85.6})
    office.values(wait, {(BASE, 3): 65.3, (YEAR, 3): 116.0})
    office.values(calls, {(BASE, 3): 20991, (YEAR, 3): 27334})
    office.values(same, {(BASE, 3): 40, (YEAR, 3): 40})
    text = flat(office.text())
    assert ("Answered: 85.6% in Q3 2021/22 against 83.4% in Q3 2020/21, an increase of 2.2 percentage points, "
            "an improvement (higher is better).") in text  # fmt: skip
    assert ("Wait: 116.0 in Q3 2021/22 against 65.3 in Q3 2020/21, an increase of 77.6%, a deterioration "
            "(lower is better).") in text  # fmt: skip
    assert "Calls: 27,334 in Q3 2021/22 against 20,991 in Q3 2020/21, an increase of 30.2%." in text
    assert "Same: 40 in Q3 2021/22 against 40 in Q3 2020/21, no change." in text


# -- the Analysis Function's symbols ---------------------------------------------------------
def test_cells_print_the_analysis_function_symbols_when_chosen() -> None:
    af = ANALYSIS_FUNCTION_SYMBOLS
    assert [Cell.not_available().text, Cell.missing().text, Cell.not_applicable().text] == ["-", "-", "n/a"]
    assert [Cell.not_available(symbols=af).text, Cell.missing().using(af).text,
            Cell.not_applicable().using(af).text] == ["[x]", "[x]", "[z]"]  # fmt: skip
    assert Cell.provisional(12.34, "percent").using(af).text == "12.3% [p]"
    assert Cell.revised(1234).using(af).text == "1,234 [r]"
    assert Cell.suppressed("[c]").using(af).text == "[c]"  # the disclosure policy's own symbol
    assert Cell.under_development().using(af).text == "Measurement under development"
    assert with_symbols([["Calls", Cell.not_available(), 3]], af) == [["Calls", Cell.not_available(symbols=af), 3]]


def test_the_update_prints_the_chosen_symbols_in_its_tables_and_note(office) -> None:
    calls = office.kpi("Calls")
    kpis.set_kpi_value(office.wb, calls, YEAR, 3, 27, provisional=True)
    office.values(calls, {(BASE, 3): 20})
    text = office.text()
    assert row(text, "Calls") == ["-", "-", "20", "-", "-", "-", "27", "(p)"]
    settings.set_setting(office.wb, "cells.symbols", "analysis-function")
    text = office.text()
    assert row(text, "Calls") == ["[x]", "[x]", "20", "[x]", "[x]", "[x]", "27", "[p]"]
    assert '"[x]" means no figure is available for that quarter; [p] marks a provisional figure' in flat(text)
    assert "27 [p] in Q3 2021/22 against 20 in Q3 2020/21" in flat(text)


def test_a_quarterly_kpis_comparator_dated_after_the_edition_is_not_printed_in_it() -> None:
    from opcc_desktop.figures.kpi_analysis import build_grids

    kpi = {"id": 1, "name": "Calls", "unit": "count", "polarity": "higher", "derived_kind": None,
           "counts_people": 0, "group_id": 1, "group_name": "G", "outcome": "O", "frequency": "quarterly"}
    values = [{"kpi_id": 1, "financial_year": "2021/22", "quarter": q, "value": 100 + q, "status": None,
               "provisional": 0, "revised": 0, "period": ""} for q in (1, 2)]
    comparators = [
        {"kpi_id": 1, "comparator": "National", "value": 90, "period": "Q2", "financial_year": "2021/22", "quarter": 2},
        {"kpi_id": 1, "comparator": "Regional", "value": 95, "period": "", "financial_year": "", "quarter": 0},
    ]
    named = {q: [c["comparator"] for c in build_grids([kpi], values, "2021/22", q, comparators=comparators)[0].comparators]
             for q in (1, 2)}  # fmt: skip
    assert named == {1: ["Regional"], 2: ["National", "Regional"]}  # undated ones always
