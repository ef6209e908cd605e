"""The Annual Equality Monitoring Report, built from the demo workbook and read back."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner
from conftest import DEMO_PASSPHRASE

from opcc_desktop.areas import schemes
from opcc_desktop.documents import annual_equality
from opcc_desktop.figures import equality_tables as et
from opcc_desktop.figures import public_plan
from opcc_desktop.figures.plan import Plan
from opcc_desktop.figures.disclosure import Policy
from opcc_desktop.figures.formatting import format_percent, percent
from opcc_desktop.store.workbook import Workbook

PASSPHRASE = DEMO_PASSPHRASE
YEAR = "2021/22"
SECTIONS = [
    "1 Main points",
    "2 Introduction",
    "3 Governance and oversight update",
    "4 Workforce Monitoring",
    "5 Victims and Criminal Justice Services",
    "5.1 Service user demographic profile",
    "5.2 Consultation",
    "5.3 Criminal justice schemes",
    "6 Achievements",
    "7 Equality goals",
    "8 Conclusion",
    "9 About these statistics",
    "Appendix A: Service-user profile by service",
]
CHARACTERISTICS = ["Age", "Disability", "Gender", "Ethnicity", "Sexual Orientation", "Transgender"]


@pytest.fixture(scope="module")
def demo(demo_path: Path) -> Path:
    return demo_path


@pytest.fixture(scope="module")
def built(demo: Path) -> dict:
    with Workbook.open(demo, PASSPHRASE, readonly=True) as wb:
        doc = annual_equality.build(wb, YEAR, 0)
        data = doc.to_bytes()
        staff_refs = [r["staff_ref"] for r in wb.rows("SELECT DISTINCT staff_ref FROM staff")]
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
    return {"doc": doc, "bytes": data, "pages": pages, "text": "\n".join(pages), "staff_refs": staff_refs}


def _lines(page: str) -> list[str]:
    return [line.strip() for line in page.splitlines()]


def test_cover_names_office_title_and_period(built: dict) -> None:
    cover = built["pages"][0]
    assert "Office of the Police and Crime Commissioner for Cleveland" in cover
    assert "Annual Equality Monitoring Report" in cover
    assert "2021-2022 (1 April 2021 to 31 March 2022)" in cover


def test_sections_in_order_and_contents_page_numbers(built: dict) -> None:
    pages = built["pages"]
    contents = pages[1]
    assert "Contents" in contents
    listed: dict[str, int] = {}
    for line in _lines(contents):
        match = re.match(r"^((?:\d+(?:\.\d+)?|Appendix [A-Z]:) .+?)[\s.]*?(\d+)$", line)
        if match:
            listed[match.group(1).rstrip(" .")] = int(match.group(2))
    assert list(listed) == SECTIONS
    found: list[tuple[int, int]] = []
    for title in SECTIONS:
        hits = [n for n, page in enumerate(pages[2:], start=3) if title in _lines(page)]
        assert hits, f"{title} is not printed as a heading"
        assert listed[title] == hits[0], f"contents give page {listed[title]} for {title}, printed on {hits[0]}"
        position = _lines(pages[hits[0] - 1]).index(title)
        found.append((hits[0], position))
    assert found == sorted(found), "sections are not in reading order"


def test_figure_and_table_captions(built: dict) -> None:
    text = built["text"]
    for n, name in enumerate(CHARACTERISTICS, start=1):
        assert f"Figure {n}: 2021-2022 Service User {name} Breakdown" in text
    assert "Table 1: 2021-2022 Divert Participants Demographic Breakdown" in text
    assert "Table 2: 2021-2022 Youth Triage Participant Breakdown" in text


def test_size_of_the_document(built: dict) -> None:
    # The demo supports 8 figures; its text fills 10 pages (the brief hoped for 12).
    assert len(built["pages"]) >= 10
    assert built["doc"].numbers.figures >= 8


def test_scheme_percentage_matches_hand_computation(built: dict, demo: Path) -> None:
    with Workbook.open(demo, PASSPHRASE, readonly=True) as wb:
        scheme_id = wb.scalar("SELECT id FROM schemes WHERE name = 'Divert'")
        rows = schemes.scheme_counts(wb, scheme_id, YEAR)
    male_age = {r["category"]: r["count"] for r in rows if r["dimension"] == "age" and r["gender"] == "Male"}
    denominator = sum(male_age.values())
    category = max(male_age, key=male_age.get)
    expected = format_percent(percent(male_age[category], denominator))
    table = built["text"].split("Table 1:")[1].split("Table 2:")[0]
    row = next(line for line in _lines(table) if line.startswith(f"Age: {category} "))
    assert row.split()[-2] == expected


def test_never_publish_items_and_staff_refs_absent(built: dict) -> None:
    text = built["text"]
    assert "Checkpoint Plus" not in text
    assert built["staff_refs"]
    for ref in built["staff_refs"]:
        assert ref not in text
    assert b"Checkpoint Plus" not in built["bytes"]


def test_small_count_shown_as_policy_symbol(built: dict, demo: Path) -> None:
    with Workbook.open(demo, PASSPHRASE, readonly=True) as wb:
        scheme_id = wb.scalar("SELECT id FROM schemes WHERE name = 'Divert'")
        rows = schemes.scheme_counts(wb, scheme_id, YEAR)
    small = {(r["gender"], r["category"]): r["count"] for r in rows if r["dimension"] == "transgender"}
    assert 0 < small[("Male", "Yes")] < 5
    table = built["text"].split("Table 1:")[1].split("Table 2:")[0]
    row = next(line for line in _lines(table) if line.startswith("Transgender: Yes"))
    assert row.split()[-2] == "*"
    # the workforce statement is suppressed too when its figures are small
    assert "women: " in built["text"]


def test_non_disclosure_rates_are_reported(built: dict) -> None:
    text = " ".join(built["text"].split())
    assert "Non-disclosure rates:" in text
    assert re.search(r"sexual orientation \d+\.\d%", text)


def test_two_builds_are_byte_identical(built: dict, demo: Path) -> None:
    with Workbook.open(demo, PASSPHRASE, readonly=True) as wb:
        again = annual_equality.build(wb, YEAR, 0).to_bytes()
    assert again == built["bytes"]


def test_cli_writes_the_pdf(demo: Path, tmp_path: Path) -> None:
    import ui.cli

    out = tmp_path / "report.pdf"
    result = CliRunner().invoke(
        ui.cli.main, ["report", str(demo), "--report", "annual-equality", "--year", YEAR, "-o", str(out)],
        env={"OPCC_PASSPHRASE": PASSPHRASE},
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")


def test_empty_workbook_says_no_data(tmp_path: Path) -> None:
    wb = Workbook.create(tmp_path / "empty.opcc", PASSPHRASE)
    try:
        data = annual_equality.build(wb, YEAR, 0).to_bytes()
    finally:
        wb.close()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = " ".join(" ".join(p.extract_text() or "" for p in pdf.pages).split())
    for sentence in ("No workforce data is recorded", "No service-user monitoring data is recorded",
                     "No criminal justice scheme data is recorded", "No equality goals are recorded"):
        assert sentence in text


# -- the pure helpers --------------------------------------------------------------------------


def test_categories_keep_their_order_with_not_disclosed_last() -> None:
    rows = [
        {"dimension": "gender", "category": "Not disclosed", "count": 1},
        {"dimension": "gender", "category": "Female", "count": 10},
        {"dimension": "gender", "category": "Female", "count": 5},
        {"dimension": "gender", "category": "Male", "count": 7},
    ]
    assert public_plan.category_order(rows) == {"gender": ["Female", "Male", "Not disclosed"]}


def test_scheme_table_uses_each_dimensions_own_denominator() -> None:
    rows = [
        {"dimension": "gender", "category": "Male", "gender": "All", "count": 100},
        {"dimension": "gender", "category": "Female", "gender": "All", "count": 50},
        {"dimension": "disability", "category": "Yes", "gender": "Male", "count": 30},
        {"dimension": "disability", "category": "No", "gender": "Male", "count": 60},  # 90 of 100
        {"dimension": "disability", "category": "Yes", "gender": "Female", "count": 2},
        {"dimension": "disability", "category": "No", "gender": "Female", "count": 40},
    ]
    plan = Plan(Policy(5, "*"))
    public_plan.add_scheme(plan, "Divert", rows, {})
    table = et.scheme_table(plan.decide(), "Divert", rows)
    assert table is not None
    body = {r[0]: r[1:] for r in table.rows}
    assert body["Participants (number)"] == ("100", "50")
    assert body["Disability: records (number)"] == ("90", "42")
    assert body["Disability: Yes"] == ("33.3%", "*")
    assert body["Disability: No"] == ("66.7%", "*")  # secondary: else 100% - shown gives it away
    assert body["Disability: records (number)"] == ("90", "42")


def test_year_labels() -> None:
    assert et.period_text("2021/22") == "2021-2022 (1 April 2021 to 31 March 2022)"
    assert et.next_year("2021/22") == "2022/23"
    assert et.strip_title_heading("# Introduction\n\nText", "Introduction") == "Text"
    assert et.status_words("rolled over") == "Rolled over"


def test_a_scheme_without_a_gender_split_has_its_table(tmp_path: Path) -> None:
    """Counts recorded in the ``All`` column only (a published table with no gender split)
    give a one-column table, not a missing one."""
    wb = Workbook.create(tmp_path / "all.opcc", PASSPHRASE)
    try:
        scheme_id = schemes.add_scheme(wb, {"name": "Youth Triage", "age_range": "10-17"}).rows[0].key["id"]
        for dimension, category, count in (("age", "10-13", 40), ("age", "14-17", 62),
                                           ("ethnicity", "White", 90), ("ethnicity", "Other", 12)):
            schemes.set_scheme_count(wb, scheme_id, YEAR, dimension, category, count, "All")
        schemes.set_scheme_measure(wb, scheme_id, YEAR, "referrals_accepted", 102)
        data = annual_equality.build(wb, YEAR, 0).to_bytes()
    finally:
        wb.close()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = " ".join(" ".join(p.extract_text() or "" for p in pdf.pages).split())
    assert "No criminal justice scheme data is recorded" not in text
    assert re.search(r"Table \d+: 2021-2022 Youth Triage Participant Breakdown", text)
    assert "Age: records (number) 102" in text
    assert "Age: 14-17 60.8%" in text and "Ethnicity: Other 11.8%" in text
    assert "Participants by Gender" not in text  # nothing to chart without a split


def test_an_all_only_scheme_links_its_records_to_those_accepted() -> None:
    rows = [{"dimension": "age", "category": c, "gender": "All", "count": n}
            for c, n in (("10-13", 3), ("14-17", 60))]
    plan = Plan(Policy(5, "*"))
    public_plan.add_scheme(plan, "Youth Triage", rows, {"referrals_accepted": 63})
    table = et.scheme_table(plan.decide(), "Youth Triage", rows)
    assert table is not None and table.header == ("Characteristic", "All")
    body = {r[0]: r[1:] for r in table.rows}
    assert body["Age: 10-13"] == ("*",) and body["Age: 14-17"] == ("*",)  # 63 is printed in the headline
    assert table.participants == {}
