"""The internal Workforce Management Information Pack, built from the demo workbook and read
back from the PDF."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner
from conftest import DEMO_PASSPHRASE
from pypdf import PdfReader

import ui.cli
from opcc_desktop.areas import workforce
from opcc_desktop.areas.outline import DEFAULT_OUTLINES
from opcc_desktop.documents import workforce_pack
from opcc_desktop.figures import workforce_analysis as wa
from opcc_desktop.store.workbook import Workbook

PASSPHRASE = DEMO_PASSPHRASE
MARKING = "OFFICIAL-SENSITIVE"
YEAR = "2021/22"


@pytest.fixture(scope="module")
def demo_file(demo_path: Path) -> Path:
    return demo_path


@pytest.fixture(scope="module")
def pdf_bytes(demo_file: Path) -> bytes:
    with Workbook.open(demo_file, PASSPHRASE, readonly=True) as wb:
        return workforce_pack.build(wb, YEAR, 0).to_bytes()


@pytest.fixture(scope="module")
def pages(pdf_bytes: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


@pytest.fixture(scope="module")
def current_rows(demo_file: Path) -> list[dict]:
    with Workbook.open(demo_file, PASSPHRASE, readonly=True) as wb:
        snapshot = next(s for s in workforce.snapshots(wb) if s["snapshot_date"] == "2022-03-31")
        return workforce.staff_rows(wb, snapshot["id"])


def test_marking_at_top_and_bottom_of_every_page(pdf_bytes: bytes) -> None:
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        assert len(pdf.pages) >= 5
        for page in pdf.pages:
            marks = [w for w in page.extract_words() if w["text"] == MARKING]
            assert any(w["top"] < 0.1 * page.height for w in marks), f"no marking at top of page {page.page_number}"
            assert any(w["bottom"] > 0.9 * page.height for w in marks), f"no marking at foot of page {page.page_number}"


def test_marking_in_metadata_and_on_cover(pdf_bytes: bytes, pages: list[str]) -> None:
    meta = PdfReader(io.BytesIO(pdf_bytes)).metadata
    assert MARKING in meta.title
    assert MARKING in meta.subject
    assert MARKING in meta.get("/Keywords", "")
    cover = " ".join(pages[0].split())
    assert "Workforce Management Information Pack" in cover
    assert "Snapshot at 31 March 2022" in cover
    assert "Office of the Police and Crime Commissioner for Cleveland" in cover
    # on the cover body as well as in the page furniture
    assert cover.count(MARKING) >= 3


def test_sections_and_contents_page_numbers(pages: list[str]) -> None:
    contents = pages[1]
    for number, title in enumerate((p.title for p in DEFAULT_OUTLINES["workforce-pack"]), start=1):
        heading = f"{number} {title}"
        match = re.search(re.escape(heading) + r"[ .]*(\d+)", contents)
        assert match, f"{heading!r} missing from contents"
        page = int(match.group(1))
        assert heading in pages[page - 1], f"{heading!r} is not on page {page}"


def test_breakdown_count_matches_staff_rows(pages: list[str], current_rows: list[dict]) -> None:
    text = "\n".join(pages)
    female = sum(1 for row in current_rows if row["sex"] == "Female")
    share = wa.breakdown(current_rows, "sex")[0].percent
    assert re.search(rf"^Female {female} {share}% \d+ [+-]?\d+$", text, re.MULTILINE)
    headcount = len(current_rows)
    assert re.search(rf"^Headcount \d+ {headcount} [+-]?\d+$", text, re.MULTILINE)
    assert "Figure 2: Staff by sex, 31 March 2022" in text


def test_declaration_rate_is_printed(pages: list[str], current_rows: list[dict]) -> None:
    rate = wa.declaration_rate(current_rows, "sexual_orientation")
    text = "\n".join(pages)
    assert re.search(rf"^Sexual orientation {rate.declared} of {len(current_rows)} {rate.rate}%", text, re.MULTILINE)


def test_one_chart_per_characteristic_and_leave_table(pages: list[str]) -> None:
    text = "\n".join(pages)
    assert len(re.findall(r"Figure \d+: Staff by", text)) == 8
    assert re.search(r"^Maternity 1 0 0 1$", text, re.MULTILINE)
    assert re.search(r"^Paternity 1 0 0 1$", text, re.MULTILINE)


def test_no_staff_reference_is_printed(pages: list[str]) -> None:
    text = "\n".join(pages)
    assert not re.search(r"OPCC\d{4}", text)


def test_build_is_deterministic(demo_file: Path, pdf_bytes: bytes) -> None:
    with Workbook.open(demo_file, PASSPHRASE, readonly=True) as wb:
        again = workforce_pack.build(wb, YEAR, 0)
    assert again.to_bytes() == pdf_bytes


def test_year_without_snapshot_still_builds(demo_file: Path) -> None:
    with Workbook.open(demo_file, PASSPHRASE, readonly=True) as wb:
        data = workforce_pack.build(wb, "2019/20", 0).to_bytes()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = " ".join((p.extract_text() or "") for p in pdf.pages)
    assert "No workforce snapshot is recorded" in " ".join(text.split())
    assert MARKING in text


def test_first_snapshot_has_no_comparison(demo_file: Path) -> None:
    with Workbook.open(demo_file, PASSPHRASE, readonly=True) as wb:
        data = workforce_pack.build(wb, "2020/21", 0).to_bytes()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = "\n".join((p.extract_text() or "") for p in pdf.pages)
    assert "Snapshot at 31 March 2021" in text
    assert "No earlier snapshot is recorded" in text


def test_choose_snapshots() -> None:
    snaps = [{"id": 1, "snapshot_date": "2021-03-31"}, {"id": 2, "snapshot_date": "2021-09-30"},
             {"id": 3, "snapshot_date": "2022-03-31"}, {"id": 4, "snapshot_date": "2022-04-01"}]  # fmt: skip
    start, end = workforce_pack.year_bounds("2021/22")
    current, previous = workforce_pack.choose_snapshots(snaps, start, end)
    assert (current["id"], previous["id"]) == (3, 2)
    assert workforce_pack.choose_snapshots(snaps, *workforce_pack.year_bounds("2019/20")) == (None, None)


def test_bad_year_is_refused() -> None:
    from opcc_desktop.errors import OpccError

    for bad in ("2021", "2021/23", "21/22"):
        with pytest.raises(OpccError):
            workforce_pack.year_bounds(bad)


def test_cli_exports_the_pack(demo_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    result = CliRunner().invoke(
        ui.cli.main, ["report", str(demo_file), "--report", "workforce-pack", "--year", YEAR, "-o", str(out)],
        env={"OPCC_PASSPHRASE": PASSPHRASE},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    assert not out.with_name("out.pdf.partial").exists()


def test_chart_keeps_to_about_eight_bars() -> None:
    religions = ["No religion", "Christian", "Buddhist", "Hindu", "Jewish", "Muslim", "Sikh",
                 "Any other religion", "Prefer not to say", "Not declared"]  # fmt: skip
    counts = [wa.CategoryCount(name, n, None) for name, n in zip(religions, [9, 8, 1, 2, 1, 3, 1, 1, 4, 5], strict=True)]
    categories, values = workforce_pack._chart_categories(counts)
    assert len(categories) <= workforce_pack.MAX_CHART_CATEGORIES
    assert sum(values) == 35  # nobody lost from the chart
    assert categories[-2:] == ["Prefer not to say", "Not declared"]
    assert workforce_pack.OTHER in categories
    # with empty categories, dropping them is enough
    few = [wa.CategoryCount(name, n, None) for name, n in zip(religions, [9, 8, 0, 0, 0, 3, 0, 0, 4, 5], strict=True)]
    assert workforce_pack._chart_categories(few) == (
        ["No religion", "Christian", "Muslim", "Prefer not to say", "Not declared"], [9, 8, 3, 4, 5])
