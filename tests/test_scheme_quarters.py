"""Scheme figures by quarter: a quarterly update prints the schemes' year to date, the
year is the sum of its quarters, a year recorded for the whole year only is printed only
for the whole year, and a year is never recorded both ways."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pdfplumber
import pytest

from opcc_desktop.areas import schemes
from opcc_desktop.errors import ImportRefused, OpccError
from opcc_desktop.exchange.export import export_data
from opcc_desktop.exchange.importing import import_file
from opcc_desktop.figures import publishable
from opcc_desktop.store.workbook import Workbook

YEAR = "2021/22"


def scheme(wb: Workbook, name: str = "Divert") -> int:
    schemes.add_scheme(wb, {"name": name})
    return next(s["id"] for s in schemes.schemes(wb) if s["name"] == name)


def test_a_year_is_recorded_by_quarter_or_for_the_whole_year_never_both(wb: Workbook) -> None:
    divert = scheme(wb)
    schemes.set_scheme_count(wb, divert, YEAR, "offence_type", "Theft", 30, "Male", quarter=1)
    with pytest.raises(OpccError, match="Divert's counts for 2021/22 are recorded by quarter"):
        schemes.set_scheme_count(wb, divert, YEAR, "offence_type", "Theft", 30, "Female")
    schemes.set_scheme_measure(wb, divert, YEAR, "funding", 1000)
    with pytest.raises(OpccError, match="Divert's funding for 2021/22 is recorded for the whole year"):
        schemes.set_scheme_measure(wb, divert, YEAR, "funding", 250, quarter=2)
    schemes.set_scheme_measure(wb, divert, YEAR, "referrals_received", 40, quarter=1)  # another measure: fine
    assert schemes.scheme_counts(wb, divert, YEAR, 0) == []


def fill(wb: Workbook, divert: int, quarters: dict[int, tuple[int, int]]) -> None:
    """Theft (men, women) and referrals for each quarter given."""
    for quarter, (men, women) in quarters.items():
        schemes.set_scheme_count(wb, divert, YEAR, "gender", "Male", men, quarter=quarter)
        schemes.set_scheme_count(wb, divert, YEAR, "gender", "Female", women, quarter=quarter)
        schemes.set_scheme_count(wb, divert, YEAR, "offence_type", "Theft", men, "Male", quarter)
        schemes.set_scheme_count(wb, divert, YEAR, "offence_type", "Theft", women, "Female", quarter)
        schemes.set_scheme_measure(wb, divert, YEAR, "referrals_received", men + women + 5, quarter)
        schemes.set_scheme_measure(wb, divert, YEAR, "referrals_accepted", men + women, quarter)


def test_the_year_to_date_is_the_sum_of_its_quarters_once_each_is_recorded(wb: Workbook) -> None:
    divert = scheme(wb)
    fill(wb, divert, {1: (20, 10), 2: (25, 12), 4: (30, 11)})
    assert publishable.scheme_periods(wb, "Divert", YEAR) == (1, 2)  # Q3 missing: no Q3, no year
    theft = {(r["gender"]): r["count"] for r in publishable.scheme_counts(wb, "Divert", YEAR, 2)
             if r["dimension"] == "offence_type"}  # fmt: skip
    assert theft == {"Male": 45, "Female": 22}
    assert publishable.scheme_measures(wb, "Divert", YEAR, 2)["referrals_received"] == 30 + 5 + 37 + 5
    assert publishable.scheme_counts(wb, "Divert", YEAR, 4) == []
    fill(wb, divert, {3: (22, 9)})
    assert publishable.scheme_periods(wb, "Divert", YEAR) == (1, 2, 3, 4)
    assert publishable.scheme_measures(wb, "Divert", YEAR)["referrals_accepted"] == 30 + 37 + 31 + 41


def test_a_year_recorded_for_the_whole_year_only_counts_only_for_the_year(wb: Workbook) -> None:
    divert = scheme(wb)
    fill(wb, divert, {0: (60, 30)})
    assert publishable.scheme_periods(wb, "Divert", YEAR) == (4,)
    assert publishable.scheme_counts(wb, "Divert", YEAR, 3) == []
    assert publishable.scheme_measures(wb, "Divert", YEAR, 3) == {}
    assert publishable.scheme_measures(wb, "Divert", YEAR, 4)["referrals_accepted"] == 90


def test_the_exchange_format_carries_the_quarter_and_refuses_both_ways(wb: Workbook, tmp_path: Path) -> None:
    divert = scheme(wb)
    fill(wb, divert, {1: (20, 10), 2: (25, 12)})
    path = tmp_path / "exchange.xlsx"
    export_data(wb, path)
    book = openpyxl.load_workbook(path)
    sheet = book["scheme_counts"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["scheme", "financial_year", "quarter"]
    assert {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)} == {1, 2}
    sheet.cell(2, 3).value = None  # one row for the whole year beside the quarters
    book.save(path)
    with pytest.raises(ImportRefused) as refused:
        import_file(wb, path)
    assert any((p.sheet, p.row, p.column) == ("scheme_counts", 2, "quarter") and "count twice" in str(p)
               for p in refused.value.problems)  # fmt: skip
    assert publishable.scheme_periods(wb, "Divert", YEAR) == (1, 2)


def update_text(wb: Workbook, folder: Path, quarter: int) -> str:
    from opcc_desktop.documents.export import export_report
    from opcc_desktop.documents.release import Release

    out = export_report(wb, "performance-update", YEAR, quarter, folder / f"q{quarter}.pdf",
                        release=Release(draft=True))  # no narrative yet: a final edition needs its introduction
    with pdfplumber.open(out) as pdf:
        return " ".join((page.extract_text() or "").replace("\n", " ") for page in pdf.pages)


def test_each_quarterly_update_prints_the_schemes_year_to_date(wb: Workbook, tmp_path: Path) -> None:
    divert = scheme(wb)
    fill(wb, divert, {1: (20, 10), 2: (25, 12), 3: (22, 9), 4: (30, 11)})
    ends = {1: "30 June 2021", 2: "30 September 2021", 3: "31 December 2021"}
    received = {1: 35, 2: 35 + 42, 3: 35 + 42 + 36, 4: 35 + 42 + 36 + 46}
    for quarter in (1, 2, 3, 4):
        text = update_text(wb, tmp_path, quarter)
        if quarter < 4:
            assert f"{received[quarter]} referrals received between 1 April 2021 and {ends[quarter]}" in text
            assert f"Divert participants by offence type by gender, 1 April to {ends[quarter]}" in text
        else:
            assert f"{received[4]} referrals received in 2021/22" in text
            assert "Divert participants by offence type by gender, 2021/22" in text


def test_an_update_before_q4_prints_no_figures_of_a_year_recorded_for_the_whole_year(wb: Workbook,
                                                                                      tmp_path: Path) -> None:  # fmt: skip
    divert = scheme(wb)
    fill(wb, divert, {0: (60, 30)})
    early = update_text(wb, tmp_path, 2)
    assert "Divert's figures for 2021/22 are recorded for the whole year only" in early
    assert "referrals received" not in early
    assert "95 referrals received in 2021/22, of which 90 were accepted" in update_text(wb, tmp_path, 4)
