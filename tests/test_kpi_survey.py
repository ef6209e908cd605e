"""Survey KPIs (public confidence): measured once a year or less often, each value stored
with its own period's label beside comparators with theirs; the upgrade that adds them; the
update's table of local beside national results; the exchange columns that carry them."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
import sqlcipher3.dbapi2 as dbapi
from action_helpers import problem, refused
from conftest import DEMO_PASSPHRASE, PASSPHRASE

from opcc_desktop.areas import kpis, settings
from opcc_desktop.documents import performance_update
from opcc_desktop.documents.preflight import preflight
from opcc_desktop.errors import ImportRefused
from opcc_desktop.exchange.export import exchange_tables, export_data
from opcc_desktop.exchange.load import import_exchange
from opcc_desktop.exchange.sources import read
from opcc_desktop.figures import publishable
from opcc_desktop.figures.kpi_analysis import build_grids
from opcc_desktop.store import schema
from opcc_desktop.store.cipher import quote
from opcc_desktop.store.workbook import Workbook

CONFIDENCE = "% of people who have confidence in the police in this area"


def new_id(changes, table: str = "kpis") -> int:
    return next(r.key["id"] for r in changes.rows if r.table == table and r.op == "insert")


def group(wb) -> int:
    outcome = new_id(kpis.add_outcome(wb, "Build confidence"), "strategic_outcomes")
    return new_id(kpis.add_group(wb, outcome, "Public Confidence"), "kpi_groups")


def survey_kpi(wb, group_id: int, name: str = CONFIDENCE, **more: Any) -> int:
    values = {"name": name, "unit": "percent", "polarity": "higher", "frequency": "survey", **more}
    return new_id(kpis.add_kpi(wb, group_id, values))


def text_of(wb, year: str = "2021/22", quarter: int = 3) -> str:
    document = performance_update.build(wb, year, quarter)
    with pdfplumber.open(io.BytesIO(document.to_bytes())) as pdf:
        return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in pdf.pages))


# -- the upgrade ----------------------------------------------------------------------------
def test_a_version_6_workbook_gains_quarterly_kpis_as_entered_and_unlabelled_values(workbook_path) -> None:
    with Workbook.create(workbook_path, PASSPHRASE) as wb:
        kpi_id = new_id(kpis.add_kpi(wb, group(wb), {"name": "Calls", "unit": "count", "polarity": "neutral"}))
        kpis.set_kpi_value(wb, kpi_id, "2021/22", 1, 153)
        kpis.set_comparator(wb, kpi_id, "National", "2021/22", 150)
    conn = dbapi.connect(str(workbook_path), isolation_level=None)
    conn.execute(f"PRAGMA key = {quote(PASSPHRASE)}")
    for table, column in (("kpis", "frequency"), ("kpis", "decimals"), ("kpi_values", "period"),
                          ("kpi_comparators", "financial_year"), ("kpi_comparators", "quarter")):  # fmt: skip
        conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")  # as version 6 saved it
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'add_kpi_survey_periods'")
    conn.execute("PRAGMA user_version = 6")
    conn.close()
    with Workbook.open(workbook_path, PASSPHRASE) as wb:
        assert wb.scalar("PRAGMA user_version") == schema.SCHEMA_VERSION
        assert wb.rows("SELECT frequency, decimals FROM kpis") == [{"frequency": "quarterly", "decimals": None}]
        assert wb.rows("SELECT period FROM kpi_values") == [{"period": ""}]
        assert wb.rows("SELECT financial_year, quarter FROM kpi_comparators") == [{"financial_year": "", "quarter": 0}]
        with pytest.raises(dbapi.IntegrityError):  # a frequency is one of the two, nothing else
            wb.conn.execute("UPDATE kpis SET frequency = 'monthly'")


# -- the area -------------------------------------------------------------------------------
def test_a_survey_kpi_holds_its_value_with_its_own_period_and_comparators_with_theirs(wb) -> None:
    confidence = survey_kpi(wb, group(wb))
    changes = kpis.set_kpi_value(wb, confidence, "2019/20", 4, 69, period="March 2020")
    assert changes.rows[0].after["period"] == "March 2020"
    kpis.set_comparator(wb, confidence, "National", "March 2020", 75, "2019/20", 4)
    assert kpis.kpi_values(wb, confidence)[0]["period"] == "March 2020"
    assert kpis.kpi_comparators(wb, confidence) == [{"comparator": "National", "period": "March 2020",
                                                     "value": 75.0, "financial_year": "2019/20", "quarter": 4}]
    error = refused(wb, kpis.set_comparator, confidence, "National", "March 2021", 74, "2020/21")
    assert problem(error, "quarter").allowed == "both (2019/20 and 4), or neither"


def test_a_survey_kpi_is_typed_counts_no_one_and_feeds_no_derived_kpi(wb) -> None:
    gid = group(wb)
    confidence = survey_kpi(wb, gid)
    plain = new_id(kpis.add_kpi(wb, gid, {"name": "Surveyed", "unit": "count", "polarity": "neutral"}))
    error = refused(wb, kpis.add_kpi, gid, {"name": "Both", "unit": "percent", "polarity": "higher",
                                            "frequency": "survey"}, "ratio", [plain, plain + 10])  # fmt: skip
    assert "computed from other KPIs" in problem(error, "frequency").message
    error = refused(wb, kpis.add_kpi, gid, {"name": "Counted", "unit": "count", "polarity": "neutral",
                                            "frequency": "survey", "counts_people": True})  # fmt: skip
    assert problem(error, "counts_people").message == "cannot be set for a survey KPI"
    error = refused(wb, kpis.add_kpi, gid, {"name": "Share", "unit": "percent", "polarity": "higher"},
                    "ratio", [confidence, plain])  # fmt: skip
    assert problem(error, "inputs").value == CONFIDENCE
    kpis.add_kpi(wb, gid, {"name": "Share", "unit": "percent", "polarity": "higher"}, "sum",
                 [plain, new_id(kpis.add_kpi(wb, gid, {"name": "Other", "unit": "count", "polarity": "neutral"}))])
    error = refused(wb, kpis.edit_kpi, plain, {"frequency": "survey"})
    assert "a derived KPI is computed from this KPI" in problem(error, "frequency").message
    refused(wb, kpis.edit_kpi, confidence, {"counts_people": True})
    kpis.edit_kpi(wb, confidence, {"frequency": "quarterly", "decimals": 1})
    assert wb.rows("SELECT frequency, decimals FROM kpis WHERE id = ?", [confidence]) == [
        {"frequency": "quarterly", "decimals": 1}]  # fmt: skip


# -- the analysis ---------------------------------------------------------------------------
def survey_rows() -> tuple[list[dict], list[dict], list[dict]]:
    kpi = {"id": 1, "name": CONFIDENCE, "unit": "percent", "polarity": "higher", "derived_kind": None,
           "group_id": 1, "group_name": "Public Confidence", "outcome": "Confidence", "frequency": "survey",
           "area_name": "Cleveland"}  # fmt: skip
    values = [{"kpi_id": 1, "financial_year": "2019/20", "quarter": 4, "value": 69.0, "status": "", "period": "March 2020"},
              {"kpi_id": 1, "financial_year": "2020/21", "quarter": 4, "value": 71.5, "status": "",
               "period": "year ending March 2021"}]  # fmt: skip
    comparators = [{"kpi_id": 1, "comparator": "National", "period": "March 2020", "value": 75.0,
                    "financial_year": "2019/20", "quarter": 4},
                   {"kpi_id": 1, "comparator": "National", "period": "March 2021", "value": 74.0,
                    "financial_year": "2020/21", "quarter": 4},
                   {"kpi_id": 1, "comparator": "Most similar group", "period": "2019", "value": 70.0,
                    "financial_year": "", "quarter": 0}]  # fmt: skip
    return [kpi], values, comparators


def test_the_most_recent_result_by_the_report_quarter_with_its_period_and_the_comparators_then() -> None:
    kpi_rows, values, comparators = survey_rows()
    (early,) = build_grids(kpi_rows, values, "2020/21", 3, comparators=comparators)
    figure = early.survey
    assert early.is_survey and early.change is None  # no change on the same quarter last year
    assert (figure.area, figure.local.text, figure.period) == ("Cleveland", "69.0%", "March 2020")
    assert [(c.name, c.cell.text, c.period) for c in figure.comparators] == [
        ("National", "75.0%", "March 2020"), ("Most similar group", "70.0%", "2019")]  # fmt: skip
    assert figure.previous is None and figure.change is None
    (later,) = build_grids(kpi_rows, values, "2021/22", 2, comparators=comparators)
    figure = later.survey
    assert (figure.local.text, figure.period) == ("71.5%", "year ending March 2021")
    assert [(c.cell.text, c.period) for c in figure.comparators] == [("74.0%", "March 2021"), ("70.0%", "2019")]
    assert (figure.previous.text, figure.previous_period) == ("69.0%", "March 2020")
    assert figure.change_phrase == "an increase of 2.5 percentage points"


def test_a_survey_kpi_with_no_result_yet_prints_not_available() -> None:
    kpi_rows, values, _ = survey_rows()
    (grid,) = build_grids(kpi_rows, values, "2019/20", 3)
    assert grid.survey.local.text == "-" and grid.survey.period == ""
    assert all(c.text == "" for c in grid.cells)  # no quarterly figure is due for a survey KPI


# -- the update -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_text(demo_path: Path) -> str:
    with Workbook.open(demo_path, DEMO_PASSPHRASE, readonly=True) as wb:
        return text_of(wb)


def test_the_demo_prints_public_confidence_local_beside_national_each_with_its_period(demo_text: str) -> None:
    assert "Public Confidence: most recent survey results" in demo_text
    assert "Cleveland National KPI Result Period Result Period" in demo_text
    assert f"{CONFIDENCE} 69% March 2020 75% March 2020" in demo_text  # as published: 75%, not 75.0%
    assert "75.0%" not in demo_text and "2019/20 Q4" not in demo_text
    assert "most recent available by the end of Quarter 3 2021/22, with the period it covers" in demo_text


def test_a_later_survey_prints_the_change_on_the_previous_one_as_entered(wb) -> None:
    settings.set_setting(wb, "kpis.area_name", "Cleveland")
    confidence = survey_kpi(wb, group(wb))
    kpis.set_kpi_value(wb, confidence, "2019/20", 4, 69, period="March 2020")
    kpis.set_kpi_value(wb, confidence, "2020/21", 4, 69.4, period="year ending March 2021")
    kpis.set_comparator(wb, confidence, "National", "March 2021", 75, "2020/21", 4)
    text = text_of(wb)
    assert "69.4% year ending March 2021 75.0% March 2021" in text  # one place: 69.4 was entered so
    assert (f"{CONFIDENCE}: 69.4% (year ending March 2021) against 69.0% (March 2020), an increase of 0.4 "
            "percentage points, an improvement (higher is better).") in text  # fmt: skip
    assert "Change on the same quarter last year" not in text  # the group has no quarterly KPI


def test_preflight_asks_no_quarterly_figures_of_a_survey_kpi(wb) -> None:
    confidence = survey_kpi(wb, group(wb))
    kpis.set_kpi_value(wb, confidence, "2019/20", 4, 69, period="March 2020")
    found = [str(f) for f in preflight(wb, "performance-update", "2021/22", 3)]
    assert not any(CONFIDENCE in line and "no figure" in line for line in found)


# -- the exchange format --------------------------------------------------------------------
def test_survey_fields_round_trip_and_a_values_only_extract_keeps_the_frequency(wb, tmp_path) -> None:
    gid = group(wb)
    confidence = survey_kpi(wb, gid, decimals=0)
    kpis.set_kpi_value(wb, confidence, "2019/20", 4, 69, period="March 2020")
    kpis.set_comparator(wb, confidence, "National", "March 2020", 75, "2019/20", 4)
    before = exchange_tables(wb)
    assert before["kpis"][0]["frequency"] == "survey" and before["kpis"][0]["decimals"] == 0
    assert before["kpi_values"][0]["period"] == "March 2020"
    assert (before["kpi_comparators"][0]["financial_year"], before["kpi_comparators"][0]["quarter"]) == ("2019/20", 4)
    export_data(wb, tmp_path / "all")
    with Workbook.create(tmp_path / "copy.opcc", PASSPHRASE) as other:
        import_exchange(other, read(tmp_path / "all"))
        assert exchange_tables(other) == before
    (tmp_path / "all" / "kpis.csv").unlink()  # values only: the frequency is kept as the workbook holds it
    import_exchange(wb, read(tmp_path / "all"))
    assert exchange_tables(wb)["kpis"][0]["frequency"] == "survey"


def test_a_file_from_before_survey_kpis_imports_as_before(wb, tmp_path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "kpi_values.csv").write_text(
        "strategic_outcome,group,kpi,unit,polarity,financial_year,quarter,value,status\n"
        f"Confidence,Public Confidence,{CONFIDENCE},percent,higher,2019/20,4,69,\n", encoding="utf-8")
    (folder / "kpi_comparators.csv").write_text(
        f"kpi,comparator,period,value\n{CONFIDENCE},National,2019/20 Q4,75\n", encoding="utf-8")
    import_exchange(wb, read(folder))
    assert wb.rows("SELECT frequency, decimals FROM kpis") == [{"frequency": "quarterly", "decimals": None}]
    assert wb.rows("SELECT period FROM kpi_values") == [{"period": ""}]
    assert wb.rows("SELECT financial_year, quarter FROM kpi_comparators") == [{"financial_year": "", "quarter": 0}]


def test_an_import_refuses_a_survey_kpi_that_counts_people_or_is_computed(wb, tmp_path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "kpis.csv").write_text(
        "strategic_outcome,group,kpi,unit,polarity,counts_people,frequency\n"
        "C,G,Surveyed people,count,neutral,yes,survey\nC,G,Part,count,neutral,no,\n"
        "C,G,Derived survey,percent,higher,no,survey\n", encoding="utf-8")
    (folder / "kpi_derived.csv").write_text(
        "group,kpi,unit,kind,inputs\nG,Derived survey,percent,sum,Part | Surveyed people\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as refused_import:
        import_exchange(wb, read(folder))
    messages = [str(p) for p in refused_import.value.problems]
    assert any("counts_people" in m and "survey KPI" in m for m in messages)
    assert any("computed from other KPIs ('Derived survey')" in m for m in messages)
    assert any("is a survey KPI" in m for m in messages)


def test_the_demo_survey_kpis_round_trip(demo_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "demo.opcc"
    shutil.copy(demo_path, copy)
    with Workbook.open(copy, DEMO_PASSPHRASE) as wb:
        export_data(wb, tmp_path / "out.xlsx")
        before = exchange_tables(wb)
        import_exchange(wb, read(tmp_path / "out.xlsx"))
        assert exchange_tables(wb) == before
        survey = [k for k in publishable.kpis(wb, "2021/22") if k["frequency"] == "survey"]
        assert len(survey) == 3 and all(k["places"] == 0 for k in survey)
