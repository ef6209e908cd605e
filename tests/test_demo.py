"""The demo workbook: built through the core actions from the published reference figures and
seeded synthetic data; one transaction, all or nothing."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import PASSPHRASE, dump

from opcc_desktop.areas import schemes
from opcc_desktop.areas.vocab import NOT_DISCLOSED, REPORT_SECTIONS, SERVICE_DIMENSIONS, UNDECLARED
from opcc_desktop.commands import check, demo
from opcc_desktop.errors import WorkbookExists
from opcc_desktop.store import paths
from opcc_desktop.store.workbook import Workbook

REFERENCE = paths.resources_dir() / "reference"


def reference(name: str) -> list[dict[str, str]]:
    with open(REFERENCE / name, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.opcc"
    demo.build_demo(path, PASSPHRASE)
    return path


@pytest.fixture
def book(built: Path):
    wb = Workbook.open(built, PASSPHRASE, readonly=True)
    yield wb
    wb.close()


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_demo_opens_and_passes_the_check(built: Path) -> None:
    with Workbook.open(built, PASSPHRASE) as wb:  # read-write: identity, version and integrity
        report = check.check_workbook(wb)
        assert report.ok, report.lines()
        assert wb.scalar("SELECT count(*) FROM edits") == 1  # one batch, one undoable edit


def test_reference_files_ship_with_the_app() -> None:
    shipped = {p.name for p in REFERENCE.glob("*.csv")}
    assert shipped >= {"kpi_values.csv", "public_confidence.csv", "services.csv",
                       "equality_goals.csv", "edi_framework.csv"}  # fmt: skip


def test_settings(book: Workbook) -> None:
    from opcc_desktop.areas.settings import settings

    found = settings(book)
    assert found["office_name"] == demo.OFFICE_NAME
    assert (found["disclosure.threshold"], found["disclosure.symbol"]) == ("5", "*")


def test_reference_kpi_values_exactly(book: Workbook) -> None:
    cells = {(r["name"], r["financial_year"], r["quarter"]): r for r in book.rows(
        "SELECT k.name, v.financial_year, v.quarter, v.value, v.status FROM kpi_values v"
        " JOIN kpis k ON k.id = v.kpi_id")}  # fmt: skip
    for row in reference("kpi_values.csv"):
        cell = cells.get((row["kpi"], row["financial_year"], int(row["quarter"])))
        if row["value"]:
            assert cell is not None and cell["value"] == float(row["value"]) and cell["status"] == "", row
        elif row["status"]:
            assert cell is not None and cell["value"] is None and cell["status"] == row["status"], row
        else:
            assert cell is None, row


def test_kpi_definitions_follow_the_file(book: Workbook) -> None:
    tree = book.rows(
        "SELECT o.name AS outcome, g.name AS grp, k.name, k.unit, k.polarity FROM kpis k"
        " JOIN kpi_groups g ON g.id = k.group_id JOIN strategic_outcomes o ON o.id = g.outcome_id"
        " ORDER BY o.position, g.position, k.position"
    )
    expected = list(dict.fromkeys(
        (r["strategic_outcome"], r["group"], r["kpi"], r["unit"], r["polarity"])
        for r in reference("kpi_values.csv")))  # fmt: skip
    found = [(r["outcome"], r["grp"], r["name"], r["unit"], r["polarity"]) for r in tree]
    assert [f for f in found if f in expected] == expected


def test_public_confidence_values_and_national_comparator(book: Workbook) -> None:
    """Survey KPIs: the local figure stored at the quarter its survey ends in (March 2020:
    2019/20 Q4) with its period's label, the national one a comparator for the same quarter."""
    assert book.scalar("SELECT value FROM settings WHERE key = 'kpis.area_name'") == "Cleveland"
    for row in reference("public_confidence.csv"):
        kpi = book.rows("SELECT k.id, k.unit, k.polarity, k.frequency, g.name AS grp FROM kpis k"
                        " JOIN kpi_groups g ON g.id = k.group_id WHERE k.name = ?", [row["indicator"]])[0]  # fmt: skip
        assert (kpi["unit"], kpi["polarity"], kpi["grp"], kpi["frequency"]) == (
            "percent", "higher", "Public Confidence", "survey")  # fmt: skip
        if row["area"] == "National":
            value = book.scalar("SELECT value FROM kpi_comparators WHERE kpi_id = ? AND comparator = 'National'"
                                " AND period = 'March 2020' AND financial_year = '2019/20' AND quarter = 4",
                                [kpi["id"]])  # fmt: skip
        else:
            value = book.scalar("SELECT value FROM kpi_values WHERE kpi_id = ? AND financial_year = '2019/20'"
                                " AND quarter = 4 AND period = 'March 2020'", [kpi["id"]])  # fmt: skip
        assert value == float(row["value_percent"])


def test_derived_kpis(book: Workbook) -> None:
    ids = {r["name"]: r for r in book.rows("SELECT id, name, unit, derived_kind FROM kpis")}
    ratio = ids["% of stop and searches with a positive outcome"]
    assert (ratio["derived_kind"], ratio["unit"]) == ("ratio", "percent")
    inputs = [r["input_kpi_id"] for r in book.rows(
        "SELECT input_kpi_id FROM kpi_inputs WHERE kpi_id = ? ORDER BY position", [ratio["id"]])]  # fmt: skip
    assert inputs == [ids["Number of stop and searches with a positive outcome"]["id"],
                      ids["Number of stop and searches carried out"]["id"]]  # fmt: skip
    total = ids["Total complaint allegations"]
    assert total["derived_kind"] == "sum"
    assert book.scalar("SELECT count(*) FROM kpi_inputs WHERE kpi_id = ?", [total["id"]]) == 4
    for name in ("Number of stop and searches carried out", "Number of stop and searches with a positive outcome"):
        assert book.scalar("SELECT count(*) FROM kpi_values WHERE kpi_id = ? AND value IS NOT NULL",
                           [ids[name]["id"]]) == 8  # fmt: skip


def test_commentary_for_every_group_and_quarter_with_values(book: Workbook) -> None:
    with_values = {(r["group_id"], r["quarter"]) for r in book.rows(
        "SELECT DISTINCT k.group_id, v.quarter FROM kpi_values v JOIN kpis k ON k.id = v.kpi_id"
        " WHERE v.financial_year = '2021/22'")}  # fmt: skip
    commented = {(r["group_id"], r["quarter"]): r["text"] for r in book.rows(
        "SELECT group_id, quarter, text FROM kpi_commentary WHERE financial_year = '2021/22'")}  # fmt: skip
    assert with_values and set(commented) == with_values
    assert all(1 <= len(re.findall(r"[.!?](\s|$)", text)) <= 3 for text in commented.values())


def test_services_and_their_returns(book: Workbook) -> None:
    rows = book.rows("SELECT * FROM services ORDER BY position")
    assert [r["name"] for r in rows] == [r["service"] for r in reference("services.csv")]
    assert len(rows) == 15 and not any(r["never_publish"] for r in rows)
    clients = {(r["service_id"], r["financial_year"], r["quarter"]): r["value"] for r in book.rows(
        "SELECT * FROM service_activity WHERE measure = 'clients_supported'")}  # fmt: skip
    assert 15 <= min(clients.values()) and max(clients.values()) <= 450
    sums: dict[tuple, int] = defaultdict(int)
    for r in book.rows("SELECT * FROM service_counts"):
        sums[(r["service_id"], r["financial_year"], r["quarter"], r["dimension"])] += r["count"]
    assert {key[:3] for key in sums} == set(clients)
    for (service, year, quarter, dimension), total in sums.items():
        assert total == clients[(service, year, quarter)], (service, year, quarter, dimension)
    for service in rows:
        for dimension in SERVICE_DIMENSIONS:
            last = book.scalar("SELECT category FROM service_categories WHERE service_id = ? AND dimension = ?"
                               " ORDER BY position DESC LIMIT 1", [service["id"], dimension])  # fmt: skip
            assert last == NOT_DISCLOSED


def test_service_quarters_follow_first_year_and_contract_end(book: Workbook) -> None:
    spans = {r["name"]: (r["first"], r["last"], r["n"]) for r in book.rows(
        "SELECT s.name, min(a.financial_year || ' Q' || a.quarter) AS first,"
        " max(a.financial_year || ' Q' || a.quarter) AS last, count(DISTINCT a.financial_year || a.quarter) AS n"
        " FROM services s JOIN service_activity a ON a.service_id = s.id GROUP BY s.id")}  # fmt: skip
    assert spans["A Way Out"] == ("2020/21 Q1", "2022/23 Q4", 12)
    assert spans["Safer Communities - Victim Care and Advice Service"] == ("2020/21 Q1", "2021/22 Q4", 8)
    assert spans["Safer Communities - Victim Referral and Support Service"] == ("2022/23 Q1", "2022/23 Q4", 4)


def test_service_data_is_realistic(book: Workbook) -> None:
    shares = book.rows(
        "SELECT service_id, dimension, 1.0 * sum(CASE WHEN category = ? THEN count ELSE 0 END) / sum(count)"
        " AS undisclosed FROM service_counts GROUP BY service_id, dimension", [NOT_DISCLOSED])  # fmt: skip
    for dimension in ("sexual_orientation", "transgender"):
        high = [r for r in shares if r["dimension"] == dimension and 0.4 <= r["undisclosed"] <= 0.85]
        assert len(high) >= 5
    assert book.scalar("SELECT count(*) FROM service_counts WHERE count BETWEEN 1 AND 4") > 50
    female = book.rows(
        "SELECT s.service_type, 1.0 * sum(CASE WHEN c.category = 'Female' THEN c.count ELSE 0 END)"
        " / sum(c.count) AS share FROM service_counts c JOIN services s ON s.id = c.service_id"
        " WHERE c.dimension = 'gender' GROUP BY s.id")  # fmt: skip
    assert all(r["share"] > 0.75 for r in female if r["service_type"] in ("Domestic abuse", "Sexual violence"))
    referrals = book.scalar("SELECT sum(value) FROM service_activity WHERE measure = 'referrals_received'"
                            " AND financial_year = '2021/22'")  # fmt: skip
    assert referrals > 7500  # the delivery narrative says "more than 7,500 referrals"


def scheme_totals(book: Workbook, name: str, year: str) -> dict[tuple[str, str], int]:
    return {(r["dimension"], r["gender"]): r["n"] for r in book.rows(
        "SELECT c.dimension, c.gender, sum(c.count) AS n FROM scheme_counts c JOIN schemes s"
        " ON s.id = c.scheme_id WHERE s.name = ? AND c.financial_year = ? GROUP BY 1, 2", [name, year])}  # fmt: skip


def test_schemes(book: Workbook) -> None:
    rows = {r["name"]: r for r in book.rows("SELECT * FROM schemes")}
    assert len(rows) == 3
    assert (rows["Divert"]["age_range"], rows["Youth Triage"]["age_range"]) == ("18+", "10-17")
    treatment = [r for r in rows.values() if r["never_publish"]]
    assert [r["name"] for r in treatment] == ["Checkpoint Plus treatment programme"]
    sizes = {"Divert": (500, 700), "Youth Triage": (150, 300), treatment[0]["name"]: (12, 12)}
    for name, (low, high) in sizes.items():
        for year in ("2020/21", "2021/22"):
            totals = scheme_totals(book, name, year)
            assert low <= totals[("gender", "All")] <= high
            by_gender = {r["category"]: r["count"] for r in book.rows(
                "SELECT c.category, SUM(c.count) AS count FROM scheme_counts c JOIN schemes s ON s.id = c.scheme_id"
                " WHERE s.name = ? AND c.financial_year = ? AND c.dimension = 'gender' AND c.gender = 'All'"
                " GROUP BY c.category", [name, year])}  # fmt: skip
            assert set(by_gender) == {"Male", "Female"}
            for gender, count in by_gender.items():
                for dimension in ("transgender", "age", "ethnicity", "offence_type"):
                    assert totals[(dimension, gender)] == count, (name, year, dimension, gender)
                assert 0 < totals[("outcome", gender)] <= count


def test_scheme_years_are_recorded_by_quarter_from_2021_22(book: Workbook) -> None:
    """2021/22 is recorded by quarter (so the part-year updates have figures to print), each
    quarter's tables describing the same people; 2020/21 for the whole year only."""
    for name in ("Divert", "Youth Triage"):
        for year, periods in (("2020/21", {0}), ("2021/22", {1, 2, 3, 4})):
            rows = book.rows("SELECT c.quarter, c.dimension, c.gender, SUM(c.count) AS n FROM scheme_counts c"
                             " JOIN schemes s ON s.id = c.scheme_id WHERE s.name = ? AND c.financial_year = ?"
                             " GROUP BY 1, 2, 3", [name, year])  # fmt: skip
            assert {r["quarter"] for r in rows} == periods
            totals = {(r["quarter"], r["dimension"], r["gender"]): r["n"] for r in rows}
            for quarter in periods:
                for gender in ("Male", "Female"):
                    people = book.rows("SELECT SUM(c.count) AS n FROM scheme_counts c JOIN schemes s ON s.id ="
                                       " c.scheme_id WHERE s.name = ? AND c.financial_year = ? AND c.quarter = ?"
                                       " AND c.dimension = 'gender' AND c.category = ?",
                                       [name, year, quarter, gender])[0]["n"]  # fmt: skip
                    for dimension in ("transgender", "age", "ethnicity", "offence_type"):
                        assert totals[(quarter, dimension, gender)] == people


def test_a_dimension_has_its_own_denominator(book: Workbook) -> None:
    totals = scheme_totals(book, "Divert", "2021/22")
    assert totals[("disability", "Male")] < totals[("age", "Male")]


def test_scheme_categories(book: Workbook) -> None:
    def categories(name: str, dimension: str) -> list[str]:
        return [r["category"] for r in book.rows(
            "SELECT k.category FROM scheme_categories k JOIN schemes s ON s.id = k.scheme_id"
            " WHERE s.name = ? AND k.dimension = ? ORDER BY k.position", [name, dimension])]  # fmt: skip

    assert categories("Divert", "age") == ["18-21", "22-25", "26-30", "31-40", "41-50", "51-65", "Over 65"]
    assert categories("Youth Triage", "age") == [str(n) for n in range(10, 18)]
    assert categories("Divert", "ethnicity") != categories("Youth Triage", "ethnicity")
    assert categories("Divert", "outcome") == ["Needs met", "Non-engagement", "Archived"]
    assert categories("Divert", "gender") == ["Male", "Female"]


def test_divert_headline_measures_match_its_counts(book: Workbook) -> None:
    measures = {r["measure"]: r["value"] for r in book.rows(
        "SELECT m.measure, m.value FROM scheme_measures m JOIN schemes s ON s.id = m.scheme_id"
        " WHERE s.name = 'Divert' AND m.financial_year = '2021/22'")}  # fmt: skip
    assert measures["reoffending_rate"] == 5.85 and measures["area_reoffending_rate"] == 33.2
    assert measures["funding"] == 1009000 and measures["engagement_rate"] == 62.75
    assert measures["referrals_received"] == (measures["referrals_accepted"] + measures["declined_criteria"]
                                              + measures["declined_judgement"])  # fmt: skip
    outcomes = {r["category"]: r["n"] for r in book.rows(
        "SELECT c.category, sum(c.count) AS n FROM scheme_counts c JOIN schemes s ON s.id = c.scheme_id"
        " WHERE s.name = 'Divert' AND c.financial_year = '2021/22' AND c.dimension = 'outcome'"
        " GROUP BY c.category")}  # fmt: skip
    assert 100 * outcomes["Needs met"] / (outcomes["Needs met"] + outcomes["Non-engagement"]) == 62.75


def test_workforce_snapshots(book: Workbook) -> None:
    snaps = book.rows("SELECT id, snapshot_date FROM workforce_snapshots ORDER BY snapshot_date")
    assert [s["snapshot_date"] for s in snaps] == ["2021-03-31", "2022-03-31"]
    staff = {s["snapshot_date"]: book.rows("SELECT * FROM staff WHERE snapshot_id = ?", [s["id"]]) for s in snaps}
    for date, rows in staff.items():
        assert 20 <= len(rows) <= 30
        assert all(re.fullmatch(r"OPCC\d{4}", r["staff_ref"]) for r in rows)
        assert all(r["start_date"] <= date and 0.5 <= r["fte"] <= 1.0 for r in rows)
        assert sum(r["sex"] == "Female" for r in rows) > len(rows) / 2
        for field in ("sexual_orientation", "religion"):
            assert sum(r[field] in UNDECLARED for r in rows) >= 0.25 * len(rows)
    before, after = ({r["staff_ref"] for r in rows} for rows in staff.values())
    assert before - after and after - before and len(before & after) >= 18


def test_leave_events_in_the_latest_snapshot(book: Workbook) -> None:
    events = book.rows("SELECT e.*, w.snapshot_date FROM leave_events e JOIN staff s ON s.id = e.staff_id"
                       " JOIN workforce_snapshots w ON w.id = s.snapshot_id")  # fmt: skip
    assert 1 <= len(events) <= 3
    assert {e["snapshot_date"] for e in events} == {"2022-03-31"}
    assert any(e["leave_type"] == "Maternity" and e["outcome"] == "Returned" for e in events)


def test_goals_and_edi(book: Workbook) -> None:
    goal_rows = reference("equality_goals.csv")
    found = book.rows("SELECT g.set_for_year, g.title, g.description, g.status, u.text, u.report_year"
                      " FROM goals g LEFT JOIN goal_updates u ON u.goal_id = g.id ORDER BY g.id")  # fmt: skip
    assert [(r["set_for_year"], r["title"], r["description"], r["status"], r["text"]) for r in found] == [
        (r["set_for_year"], r["title"], r["description"], r["status"], r["latest_update"] or None)
        for r in goal_rows]  # fmt: skip
    assert {r["report_year"] for r in found if r["text"]} == {"2021/22"}
    areas = book.rows("SELECT a.name, e.level, e.evidence FROM edi_areas a JOIN edi_assessments e"
                      " ON e.area_id = a.id WHERE e.financial_year = '2021/22' ORDER BY a.position")  # fmt: skip
    assert [a["name"] for a in areas] == [r["area"] for r in reference("edi_framework.csv")]
    assert all(a["level"] in ("Developing", "Achieving", "Advancing") and a["evidence"] for a in areas)


def test_narratives(book: Workbook) -> None:
    texts = {(r["report"], r["quarter"], r["section"]): r["text"] for r in book.rows(
        "SELECT * FROM narratives WHERE financial_year = '2021/22'")}  # fmt: skip
    expected = {("annual-equality", 0, s) for s in REPORT_SECTIONS["annual-equality"]
                if s not in ("foreword", "main_points")}  # optional: the demo shows them left out
    expected |= {("performance-update", q, s) for q in (1, 2, 3, 4) for s in ("introduction", "delivery")}
    expected |= {("workforce-pack", 0, s) for s in REPORT_SECTIONS["workforce-pack"]}
    assert expected <= set(texts)
    assert "7,500 referrals" in texts[("performance-update", 4, "delivery")]
    for quarter in (1, 2, 3, 4):  # one figure per fact: the schemes' figures are the update's own
        delivery = texts[("performance-update", quarter, "delivery")]
        assert not any(figure in delivery for figure in ("1.009", "62.75", "5.85", "60%"))


def test_same_seed_same_data(built: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.opcc"
    demo.build_demo(again, "another passphrase")
    with Workbook.open(built, PASSPHRASE, readonly=True) as first, \
            Workbook.open(again, "another passphrase", readonly=True) as second:  # fmt: skip
        assert dump(first) == dump(second)


def test_refuses_an_existing_file_and_leaves_it_alone(tmp_path: Path) -> None:
    path = tmp_path / "office.opcc"
    Workbook.create(path, PASSPHRASE).close()
    before = path.read_bytes()
    with pytest.raises(WorkbookExists):
        demo.build_demo(path, PASSPHRASE)
    assert path.read_bytes() == before
    assert files_in(tmp_path) == ["office.opcc"]


def test_a_failure_part_way_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(schemes, "set_scheme_measure", broken)  # after KPIs and services are in
    with pytest.raises(RuntimeError, match="disk on fire"):
        demo.build_demo(tmp_path / "demo.opcc", PASSPHRASE)
    assert files_in(tmp_path) == []


def test_demo_path_and_ensure_demo(private_data_dir: Path) -> None:
    path = demo.demo_path()
    assert path == private_data_dir / "demo" / "OPCC demo.opcc"
    assert demo.ensure_demo(path, PASSPHRASE) == path and path.exists()
    before = path.read_bytes()
    assert demo.ensure_demo(path, PASSPHRASE) == path
    assert path.read_bytes() == before  # already there: not rebuilt
