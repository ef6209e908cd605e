"""The Police and Crime Plan Performance and Delivery Update, built from the demo workbook and
read back with pdfplumber as a reader would see it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner
from conftest import DEMO_PASSPHRASE

from opcc_desktop.areas import kpis
from opcc_desktop.documents import performance_update
from opcc_desktop.documents.export import export_report
from opcc_desktop.documents.release import Release
from opcc_desktop.figures import publishable
from opcc_desktop.figures.formatting import percent
from opcc_desktop.store.workbook import Workbook
from ui.cli import main

PASSPHRASE = DEMO_PASSPHRASE
YEAR, QUARTER = "2021/22", 3
TITLE = "Police and Crime Plan Performance and Delivery Update"


@pytest.fixture(scope="module")
def demo(demo_path: Path) -> Path:
    return demo_path


def export(path: Path, out: Path, year: str = YEAR, quarter: int = QUARTER, draft: bool = False) -> Path:
    with Workbook.open(path, PASSPHRASE, readonly=True) as wb:
        return export_report(wb, "performance-update", year, quarter, out, release=Release(draft=draft))


@pytest.fixture(scope="module")
def pdf_pages(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    out = export(demo, tmp_path_factory.mktemp("performance_pdf") / "update.pdf")
    with pdfplumber.open(out) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_cover_and_introduction(pdf_pages: list[str]) -> None:
    cover = flat(pdf_pages[0])
    assert "Office of the Police and Crime Commissioner for Cleveland" in cover
    assert TITLE in cover
    assert "Quarter 3 2021/22 (October to December 2021)" in cover
    assert "Contents" in pdf_pages[1]
    body = flat(" ".join(pdf_pages[2:]))
    assert "1 Main points" in body and "2 Introduction" in body
    assert "to the end of Quarter 3" in body  # the demo's introduction narrative


def test_outcome_sections_and_contents_page_numbers(
    pdf_pages: list[str], demo: Path
) -> None:
    with Workbook.open(demo, PASSPHRASE, readonly=True) as wb:
        outcomes = list(dict.fromkeys(k["outcome"] for k in publishable.kpis(wb, YEAR)))
    contents = flat(pdf_pages[1])
    titles = [*outcomes, "Delivery update", "Conclusion", "About these statistics"]
    for number, title in enumerate(titles, start=3):
        heading = f"{number} {title}"
        # the contents line: "2 Title . . . . 3" (long titles wrap; the leader dots vary)
        words = r"\s*".join(re.escape(w) for w in heading.split())
        listed = re.search(words + r"[\s.]*?(\d+)(?=\s|$)", contents)
        assert listed, heading
        page = int(listed.group(1))
        assert re.search(words, flat(pdf_pages[page - 1])), (
            f"{heading} is not on page {page}"
        )


def test_kpi_table_values(pdf_pages: list[str]) -> None:
    body = flat(" ".join(pdf_pages[2:]))
    assert "Table 1: Public Access to Services 2020/21 and 2021/22" in body
    assert "87.2%" in body  # % 999 calls answered within 10 seconds, 2020/21 Q1
    assert "22,446" in body  # 999 calls received, 2020/21 Q1
    assert "Measurement under development" in body
    # 999 calls 2021/22 Q3 27,334 against 20,991 in 2020/21 Q3: 30.2%
    assert ("Number of 999 calls received: 27,334 in Q3 2021/22 against 20,991 in Q3 2020/21, "
            "an increase of 30.2%.") in body  # fmt: skip
    assert "No commentary recorded." not in body  # a final edition prints no placeholder
    assert "Figure 1:" in body


def test_derived_kpi_is_computed(pdf_pages: list[str], demo: Path) -> None:
    with Workbook.open(demo, PASSPHRASE, readonly=True) as wb:
        ids = {k["name"]: k["id"] for k in publishable.kpis(wb, YEAR)}
        values = {(r["kpi_id"], r["financial_year"], r["quarter"]): r["value"]
                  for r in publishable.kpi_values(wb, ("2020/21", "2021/22"))}  # fmt: skip
    carried = values[(ids["Number of stop and searches carried out"], YEAR, QUARTER)]
    positive = values[
        (ids["Number of stop and searches with a positive outcome"], YEAR, QUARTER)
    ]
    share = percent(positive, carried)
    parts = [
        values[(ids[n], YEAR, QUARTER)]
        for n in ids
        if n.startswith("Complaint allegations:")
    ]
    body = flat(" ".join(pdf_pages[2:]))
    assert re.search(
        r"% of stop and searches with a positive .*?" + re.escape(f"{share}%"), body
    )
    row = re.search(r"Total complaint allegations((?: [\d,]+){7})", body)
    assert row, "the total row"
    assert row.group(1).split()[-1] == f"{int(sum(parts)):,}"


def test_delivery_update_and_scheme_tables(pdf_pages: list[str], demo: Path, tmp_path: Path) -> None:
    """The demo's 2021/22 schemes are recorded by quarter: a Quarter 3 update prints their
    figures for the year to date, the Quarter 4 update the year's."""
    early = flat(" ".join(pdf_pages[2:]))
    assert "Delivery update" in early
    assert "between 1 April 2021 and 31 December 2021" in early
    assert "Divert participants by offence type by gender, 1 April to 31 December 2021" in early
    with pdfplumber.open(export(demo, tmp_path / "q4.pdf", quarter=4)) as pdf:
        body = flat(" ".join(page.extract_text() or "" for page in pdf.pages[2:]))
    assert "£1.009M in funding" in body
    assert "Divert participants by offence type by gender, 2021/22" in body
    assert "Divert case outcomes by gender, 2021/22" in body
    assert "Youth Triage case outcomes by gender, 2021/22" in body
    assert "engagement rate" in body
    assert "re-offending rate of 5.85% against the area average of 33.2%" in body  # as entered
    assert "Conclusion" in body


def test_never_published_items_are_absent(demo: Path, tmp_path: Path) -> None:
    """A KPI flagged never-publish disappears from tables, sentences and charts, as does a
    derived KPI built on it; the never-publish treatment programme never appears."""
    copy = tmp_path / "copy.opcc"
    shutil.copy(demo, copy)
    with Workbook.open(copy, PASSPHRASE) as wb:
        ids = {r["name"]: r["id"] for r in wb.rows("SELECT id, name FROM kpis")}
        kpis.edit_kpi(
            wb, ids["Number of drone pilots in force"], {"never_publish": True}
        )
        kpis.edit_kpi(
            wb, ids["Number of stop and searches carried out"], {"never_publish": True}
        )
        names = {
            r["name"]
            for r in wb.rows("SELECT name FROM schemes WHERE never_publish = 1")
        }
        # Commentary is the officer's free text (the demo's quotes the group's first KPI), so
        # it is the officer's to reword when a KPI is withdrawn.
        group = wb.scalar(
            "SELECT group_id FROM kpis WHERE name = 'Number of stop and searches carried out'"
        )
        kpis.set_commentary(
            wb, group, YEAR, QUARTER, "Searches are reviewed by the scrutiny panel."
        )
    out = export(copy, tmp_path / "private.pdf")
    with pdfplumber.open(out) as pdf:
        text = flat(" ".join(page.extract_text() or "" for page in pdf.pages))
    assert "Number of drone deployments" in text
    assert "drone pilots" not in text
    assert "stop and searches carried out" not in text
    assert (
        "% of stop and searches with a positive outcome" not in text
    )  # derived from it
    assert "Number of stop and searches with a positive outcome" in text
    assert names and all(name not in text for name in names)


def test_deterministic(demo: Path) -> None:
    with Workbook.open(demo, PASSPHRASE, readonly=True) as wb:
        first = performance_update.build(wb, YEAR, QUARTER).to_bytes()
        second = performance_update.build(wb, YEAR, QUARTER).to_bytes()
    assert first == second


def test_empty_workbook_does_not_crash(tmp_path: Path) -> None:
    path = tmp_path / "empty.opcc"
    Workbook.create(path, PASSPHRASE).close()
    out = export(path, tmp_path / "empty.pdf", quarter=1, draft=True)  # a final one needs its introduction
    with pdfplumber.open(out) as pdf:
        text = flat(" ".join(page.extract_text() or "" for page in pdf.pages))
    assert "No KPI data is recorded" in text
    assert "No out-of-court scheme data is recorded" in text


def test_cli_export(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    result = CliRunner().invoke(
        main,
        [
            "report",
            str(demo),
            "--report",
            "performance-update",
            "--year",
            YEAR,
            "--quarter",
            "4",
            "-o",
            str(out),
        ],
        env={"OPCC_PASSPHRASE": PASSPHRASE},
    )
    assert result.exit_code == 0, result.output
    with pdfplumber.open(out) as pdf:
        text = flat(pdf.pages[0].extract_text() or "")
        assert len(pdf.pages) > 5
    assert "Quarter 4 2021/22 (January to March 2022)" in text


def test_cli_needs_a_quarter(demo: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["report", str(demo), "--report", "performance-update", "--year", YEAR, "-o", str(tmp_path / "x.pdf")],
        env={"OPCC_PASSPHRASE": PASSPHRASE},
    )  # fmt: skip
    assert result.exit_code != 0
    assert "quarterly" in result.output
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize("quarter", [3, 4])
def test_no_section_heading_is_left_alone_above_its_first_subsection(demo: Path, tmp_path: Path,
                                                                     quarter: int) -> None:  # fmt: skip
    with pdfplumber.open(export(demo, tmp_path / "update.pdf", quarter=quarter)) as pdf:
        pages = [(page.extract_text() or "").splitlines() for page in pdf.pages[2:]]
    for number in range(3, 8):
        section = [n for n, lines in enumerate(pages) if any(re.match(rf"{number} [A-Z]", line) for line in lines)]
        first = [n for n, lines in enumerate(pages) if any(line.startswith(f"{number}.1 ") for line in lines)]
        if first:
            assert section == first, f"section {number} is printed apart from {number}.1"
