"""Moving KPIs, KPI groups, strategic outcomes, goals and EDI areas, and retiring a KPI with its
history kept: each one undoable edit renumbering positions or setting the year, refused with
what is wrong and how to fix it; the upgrade that adds the retirement year; the documents
printing in the new order and leaving a retired KPI out from its year on; the exchange
workbook carrying the year."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pdfplumber
import pytest
import sqlcipher3.dbapi2 as dbapi
from action_helpers import problem, refused
from conftest import DEMO_PASSPHRASE, PASSPHRASE, dump

from opcc_desktop.areas import goals, kpis
from opcc_desktop.commands.check import check_workbook
from opcc_desktop.documents import performance_update
from opcc_desktop.documents.preflight import preflight
from opcc_desktop.errors import ImportRefused, NotFound
from opcc_desktop.exchange.export import exchange_tables, export_data
from opcc_desktop.exchange.load import import_exchange
from opcc_desktop.exchange.sources import read
from opcc_desktop.figures import publishable
from opcc_desktop.store import schema
from opcc_desktop.store.cipher import quote
from opcc_desktop.store.workbook import Workbook

REVIEW = "% of crimes with an updated VCOP review"  # demo figures to 2021/22 Q1
TOTAL = "Total complaint allegations"  # the demo's sum of the four kinds of allegation
PART = "Complaint allegations: individual behaviours"


@pytest.fixture
def demo_wb(demo_path: Path, tmp_path: Path):
    copy = tmp_path / "demo.opcc"
    shutil.copy(demo_path, copy)
    with Workbook.open(copy, DEMO_PASSPHRASE) as book:
        yield book


def new_id(changes, table: str) -> int:
    return next(r.key["id"] for r in changes.rows if r.table == table and r.op == "insert")


def ids(wb, name: str) -> int:
    return wb.scalar("SELECT id FROM kpis WHERE name = ?", [name])


def undo(wb, edits: list) -> None:
    """Revert the edits (their Changes), the last first, as the window's undo does."""
    for changes in reversed(edits):
        wb.revert(changes.edit_id)


def order(wb, table: str, where: str = "1") -> list[tuple[int, int]]:
    return [tuple(r.values()) for r in wb.rows(f"SELECT id, position FROM {table} WHERE {where} ORDER BY position")]


def update_text(wb, year: str, quarter: int) -> str:
    document = performance_update.build(wb, year, quarter)
    with pdfplumber.open(io.BytesIO(document.to_bytes())) as pdf:
        return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in pdf.pages))


@pytest.fixture
def structure(wb) -> dict[str, int]:
    """Two outcomes; the first with groups A (KPIs a1, a2, a3) and B (b1), the second with C."""
    made = {"one": new_id(kpis.add_outcome(wb, "Outcome one"), "strategic_outcomes"),
            "two": new_id(kpis.add_outcome(wb, "Outcome two"), "strategic_outcomes")}  # fmt: skip
    for group, outcome in (("A", "one"), ("B", "one"), ("C", "two")):
        made[group] = new_id(kpis.add_group(wb, made[outcome], group), "kpi_groups")
    for name, group in (("a1", "A"), ("a2", "A"), ("a3", "A"), ("b1", "B")):
        made[name] = new_id(kpis.add_kpi(wb, made[group], {"name": name, "unit": "count", "polarity": "higher"}),
                            "kpis")  # fmt: skip
    return made


# -- the upgrade ----------------------------------------------------------------------------
def test_a_workbook_saved_before_retirement_gains_every_kpi_still_measured(workbook_path) -> None:
    with Workbook.create(workbook_path, PASSPHRASE) as wb:
        group = new_id(kpis.add_group(wb, new_id(kpis.add_outcome(wb, "O"), "strategic_outcomes"), "G"), "kpi_groups")
        kpi_id = new_id(kpis.add_kpi(wb, group, {"name": "Calls", "unit": "count", "polarity": "neutral"}), "kpis")
    before = schema.STEPS.index(schema.add_kpi_retirement)
    conn = dbapi.connect(str(workbook_path), isolation_level=None)
    conn.execute(f"PRAGMA key = {quote(PASSPHRASE)}")
    conn.execute("ALTER TABLE kpis DROP COLUMN retired_from")  # as the version before saved it
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'add_kpi_retirement'")
    conn.execute(f"PRAGMA user_version = {before}")
    conn.close()
    with Workbook.open(workbook_path, PASSPHRASE) as wb:
        assert wb.scalar("PRAGMA user_version") == schema.SCHEMA_VERSION
        assert wb.rows("SELECT retired_from FROM kpis") == [{"retired_from": None}]
        kpis.retire_kpi(wb, kpi_id, "2023/24")
        with pytest.raises(dbapi.IntegrityError):  # the column holds a financial year, nothing else
            wb.conn.execute("UPDATE kpis SET retired_from = 'soon'")


# -- moving ---------------------------------------------------------------------------------
def test_a_kpi_moves_within_its_group_and_to_another_renumbering_both(wb, structure) -> None:
    s = structure
    before = dump(wb)
    edits = [kpis.move_kpi(wb, s["a3"], s["A"], 1)]
    assert edits[0].description == "Move KPI" and edits[0].tables == {"kpis"}
    assert order(wb, "kpis", f"group_id = {s['A']}") == [(s["a3"], 1), (s["a1"], 2), (s["a2"], 3)]
    edits.append(kpis.move_kpi(wb, s["a1"], s["B"], 2))
    assert order(wb, "kpis", f"group_id = {s['A']}") == [(s["a3"], 1), (s["a2"], 2)]
    assert order(wb, "kpis", f"group_id = {s['B']}") == [(s["b1"], 1), (s["a1"], 2)]
    edits.append(kpis.move_kpi(wb, s["a2"], s["C"], 1))  # into an empty group of another outcome
    assert [k["name"] for k in kpis.kpi_tree(wb)] == ["a3", "b1", "a1", "a2"]
    undo(wb, edits)
    assert dump(wb) == before


def test_a_move_to_where_it_is_changes_nothing(wb, structure) -> None:
    assert not kpis.move_kpi(wb, structure["a2"], structure["A"], 2)


def test_a_move_outside_the_list_or_to_nowhere_is_refused(wb, structure) -> None:
    s = structure
    error = refused(wb, kpis.move_kpi, s["a1"], s["B"], 3)
    assert problem(error, "position").allowed == "a whole number from 1 to 2"
    error = refused(wb, kpis.move_kpi, s["a1"], s["A"], 0)
    assert problem(error, "position").allowed == "a whole number from 1 to 3"
    with pytest.raises(NotFound, match="KPI group id 99"):
        kpis.move_kpi(wb, s["a1"], 99, 1)
    with pytest.raises(NotFound, match="KPI id 99"):
        kpis.move_kpi(wb, 99, s["A"], 1)


def test_groups_move_between_outcomes_with_their_kpis_and_outcomes_reorder(wb, structure) -> None:
    s = structure
    kpis.set_commentary(wb, s["B"], "2021/22", 1, "B's words")
    kpis.move_group(wb, s["B"], s["two"], 1)
    assert order(wb, "kpi_groups", f"outcome_id = {s['two']}") == [(s["B"], 1), (s["C"], 2)]
    assert order(wb, "kpi_groups", f"outcome_id = {s['one']}") == [(s["A"], 1)]
    assert wb.scalar("SELECT group_id FROM kpis WHERE id = ?", [s["b1"]]) == s["B"]
    assert wb.scalar("SELECT count(*) FROM kpi_commentary WHERE group_id = ?", [s["B"]]) == 1
    kpis.move_outcome(wb, s["two"], 1)
    assert [r["group_name"] for r in kpis.kpi_structure(wb)] == ["B", "C", "A"]
    other = new_id(kpis.add_group(wb, s["one"], "C"), "kpi_groups")
    error = refused(wb, kpis.move_group, other, s["two"], 1)
    assert problem(error, "name").allowed == "rename one of the two groups first"
    with pytest.raises(NotFound, match="Strategic outcome id 99"):
        kpis.move_group(wb, other, 99, 1)


def test_goals_move_among_their_year_and_areas_reorder(wb) -> None:
    def goal(year: str, title: str) -> int:
        return new_id(goals.add_goal(wb, {"set_for_year": year, "title": title, "status": "in progress"}), "goals")

    first, second, third, later = goal("2021/22", "A"), goal("2021/22", "B"), goal("2021/22", "C"), goal("2022/23", "D")
    areas = [new_id(goals.add_edi_area(wb, name), "edi_areas") for name in ("Leadership", "Workforce", "Services")]
    before = dump(wb)
    edits = [goals.move_goal(wb, third, 1)]
    assert [g["title"] for g in goals.goals(wb)] == ["C", "A", "B", "D"]
    assert order(wb, "goals", "set_for_year = '2022/23'") == [(later, 1)]
    error = refused(wb, goals.move_goal, first, 4)  # a goal stays among those set for its year
    assert problem(error, "position").allowed == "a whole number from 1 to 3"
    edits.append(goals.move_edi_area(wb, areas[2], 2))
    assert [a["area"] for a in goals.edi_rows(wb, "2021/22")] == ["Leadership", "Services", "Workforce"]
    edits.append(goals.move_goal(wb, first, 3))
    assert [g["title"] for g in goals.goals(wb)] == ["C", "B", "A", "D"] and second in [g["id"] for g in goals.goals(wb)]
    undo(wb, edits)
    assert dump(wb) == before


def test_the_update_prints_kpis_and_groups_in_their_new_order(demo_wb) -> None:
    pilots, calls = "Number of drone pilots in force", "Number of 999 calls received"
    text = update_text(demo_wb, "2021/22", 4)
    assert text.index(calls) < text.index(pilots)
    group = demo_wb.scalar("SELECT id FROM kpi_groups WHERE name = 'Public Access to Services'")
    kpis.move_kpi(demo_wb, ids(demo_wb, pilots), group, 1)
    online = demo_wb.scalar("SELECT id FROM kpi_groups WHERE name = 'Single Online Home'")
    outcome = demo_wb.scalar("SELECT outcome_id FROM kpi_groups WHERE id = ?", [group])
    kpis.move_group(demo_wb, online, outcome, 1)
    text = update_text(demo_wb, "2021/22", 4)
    assert text.index("Single Online Home") < text.index("Public Access to Services")
    assert text.index(pilots) < text.index(calls)
    assert [k["name"] for k in publishable.kpis(demo_wb, "2021/22")][:3] == [
        "Number of online reports via Single Online Home from the public relating to incidents",
        "Number of online reports via Single Online Home from the public relating to crimes", pilots]  # fmt: skip


# -- retiring -------------------------------------------------------------------------------
def test_a_kpi_with_figures_in_the_year_is_not_retired_from_it(demo_wb) -> None:
    error = refused(demo_wb, kpis.retire_kpi, ids(demo_wb, REVIEW), "2021/22")
    found = problem(error, "retired_from")
    assert found.message == "would hide the figures entered for 2021/22"
    assert found.allowed == "a year after 2021/22, or blank its figures of 2021/22 and later first"
    assert problem(refused(demo_wb, kpis.retire_kpi, ids(demo_wb, REVIEW), "2022"), "retired_from").allowed == (
        "a year written like 2021/22")


def test_a_retired_kpi_keeps_its_history_takes_no_new_figure_and_comes_back(demo_wb) -> None:
    review = ids(demo_wb, REVIEW)
    before = dump(demo_wb)
    changes = kpis.retire_kpi(demo_wb, review, "2022/23")
    assert changes.description == "Retire KPI from 2022/23"
    assert [k["name"] for k in publishable.kpis(demo_wb, "2022/23")].count(REVIEW) == 0
    assert [k["name"] for k in publishable.kpis(demo_wb, "2021/22")].count(REVIEW) == 1
    assert len(kpis.kpi_values(demo_wb, review)) == 5  # every figure kept
    error = refused(demo_wb, kpis.set_kpi_value, review, "2023/24", 2, 50)
    assert problem(error, "financial_year").message == f"takes no figure for '{REVIEW}': it is retired from 2022/23"
    kpis.set_kpi_value(demo_wb, review, "2021/22", 2, 50)  # an earlier year is still open
    kpis.set_kpi_value(demo_wb, review, "2021/22", 2, None)
    kpis.reinstate_kpi(demo_wb, review)
    assert dump(demo_wb)["kpis"] == before["kpis"]
    kpis.set_kpi_value(demo_wb, review, "2022/23", 1, 50)


def test_the_update_leaves_a_retired_kpi_out_from_its_year_on(demo_wb) -> None:
    kpis.retire_kpi(demo_wb, ids(demo_wb, REVIEW), "2022/23")
    assert REVIEW in update_text(demo_wb, "2021/22", 4)
    later = update_text(demo_wb, "2022/23", 1)
    assert REVIEW not in later and "% of crimes where VCOP meet the required standard (audited)" in later
    findings = " ".join(f.message for f in preflight(demo_wb, "performance-update", "2022/23", 1))
    assert "Number of 999 calls received" in findings and REVIEW not in findings  # no figure asked of it


def test_an_input_of_a_derived_kpi_still_printed_is_not_retired(demo_wb) -> None:
    part, total = ids(demo_wb, PART), ids(demo_wb, TOTAL)
    error = refused(demo_wb, kpis.retire_kpi, part, "2022/23")
    found = problem(error, "KPI")
    assert found.value == TOTAL and found.allowed == f"retire '{TOTAL}' from 2022/23 or earlier first"
    kpis.retire_kpi(demo_wb, total, "2022/23")
    kpis.retire_kpi(demo_wb, part, "2022/23")
    error = refused(demo_wb, kpis.reinstate_kpi, total)
    assert problem(error, "KPI").allowed == f"reinstate '{PART}' first"
    error = refused(demo_wb, kpis.retire_kpi, total, "2023/24")
    assert problem(error, "KPI").message == "is retired from 2022/23 and this KPI is computed from it"
    error = refused(demo_wb, kpis.add_kpi, demo_wb.scalar("SELECT group_id FROM kpis WHERE id = ?", [part]),
                    {"name": "Two kinds", "unit": "count", "polarity": "neutral"}, "sum",
                    [part, ids(demo_wb, "Complaint allegations: discriminatory behaviour")])  # fmt: skip
    assert problem(error, "inputs").message == "is retired from 2022/23"
    kpis.reinstate_kpi(demo_wb, part)
    kpis.reinstate_kpi(demo_wb, total)
    assert publishable.kpis(demo_wb, "2022/23")[-1]["name"] == TOTAL


def test_check_finds_a_figure_stored_in_a_year_its_kpi_is_retired_in(demo_wb) -> None:
    review = ids(demo_wb, REVIEW)
    kpis.retire_kpi(demo_wb, review, "2022/23")
    assert check_workbook(demo_wb).ok
    demo_wb.conn.execute("INSERT INTO kpi_values (kpi_id, financial_year, quarter, value) VALUES (?, '2022/23', 1, 5)",
                         [review])  # as a hand-edited file might hold it
    (found,) = check_workbook(demo_wb).problems
    assert found.endswith(f"financial_year: '2022/23' takes no figure for '{REVIEW}': it is retired from 2022/23 "
                          "(allowed: a year before 2022/23, or reinstate the KPI first)")


def test_reinstating_a_kpi_never_retired_changes_nothing(demo_wb) -> None:
    assert not kpis.reinstate_kpi(demo_wb, ids(demo_wb, REVIEW))
    with pytest.raises(NotFound):
        kpis.retire_kpi(demo_wb, 999, "2022/23")


# -- the exchange workbook ------------------------------------------------------------------
def rewrite(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows = [change(dict(row)) for row in rows]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_the_exchange_workbook_carries_the_retirement_year(demo_wb, wb, tmp_path) -> None:
    kpis.retire_kpi(demo_wb, ids(demo_wb, REVIEW), "2022/23")
    export_data(demo_wb, tmp_path / "out.xlsx")
    import_exchange(wb, read(tmp_path / "out.xlsx"))
    assert exchange_tables(wb) == exchange_tables(demo_wb)
    assert wb.scalar("SELECT retired_from FROM kpis WHERE name = ?", [REVIEW]) == "2022/23"
    export_data(demo_wb, tmp_path / "csv")
    rewrite(tmp_path / "csv" / "kpis.csv", lambda row: {**row, "retired_from": ""})
    import_exchange(demo_wb, read(tmp_path / "csv"))  # a blank keeps the year the workbook holds
    assert demo_wb.scalar("SELECT retired_from FROM kpis WHERE name = ?", [REVIEW]) == "2022/23"


def test_an_import_keeps_the_rules_of_retirement(demo_wb, tmp_path) -> None:
    export_data(demo_wb, tmp_path / "csv")
    kpis_csv, values_csv = tmp_path / "csv" / "kpis.csv", tmp_path / "csv" / "kpi_values.csv"
    rewrite(kpis_csv, lambda row: {**row, "retired_from": "2021/22" if row["kpi"] in (REVIEW, PART) else ""})
    before = dump(demo_wb)
    with pytest.raises(ImportRefused) as refusal:
        import_exchange(demo_wb, read(tmp_path / "csv"))
    said = [str(p) for p in refusal.value.problems]
    assert any(f"'2021/22' takes no figure for '{REVIEW}': it is retired from 2021/22" in p for p in said)
    assert any("sheet 'kpi_derived'" in p and f"'{PART}' is retired from 2021/22, and '{TOTAL}' is computed from it"
               in p for p in said)  # fmt: skip
    assert dump(demo_wb) == before
    rewrite(values_csv, lambda row: {**row, "financial_year": "2019/20"} if row["kpi"] in (REVIEW, PART)
            and row["financial_year"] == "2021/22" else row)  # fmt: skip
    rewrite(kpis_csv, lambda row: {**row, "retired_from": "2021/22" if row["kpi"] in (REVIEW, PART, TOTAL) else ""})
    import_exchange(demo_wb, read(tmp_path / "csv"))
    assert {r["name"] for r in demo_wb.rows("SELECT name FROM kpis WHERE retired_from = '2021/22'")} == {
        REVIEW, PART, TOTAL}  # fmt: skip
