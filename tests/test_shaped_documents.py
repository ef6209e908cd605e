"""A document as officers shape it, end to end through the real builders on the demo: a
foreword with a photo and a signature, a section of their own holding a quote, a link, a
boxed case study, a table and a picture, a numbered sub-heading; read back from the PDF (text
in order, contents, bookmarks, link, every picture's alt text) and the HTML edition. A final
edition is refused while a picture lacks alt text or is missing; the back page is never
numbered, wherever the sections before it were moved."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pikepdf
import pytest
from conftest import DEMO_PASSPHRASE
from PIL import Image
from pypdf import PdfReader

from opcc_desktop.areas import narrative, outline, pictures
from opcc_desktop.documents.export import export_report
from opcc_desktop.documents.preflight import preflight
from opcc_desktop.documents.release import Release
from opcc_desktop.errors import OpccError
from opcc_desktop.store.workbook import Workbook

YEAR = "2021/22"
ANNUAL = "annual-equality"
FOREWORD = """![Jane Smith, Police and Crime Commissioner, smiling at her desk](image:pcc-photo "photo")

I am pleased to present this year's report. It shows *real progress* in how we reach victims.

![Signature of Jane Smith](image:pcc-signature "signature")

**Jane Smith**, Police and Crime Commissioner"""
PARTNERS = """We work with partners across the area; read more on [our website](https://www.example.gov.uk/partners).

# Listening to victims

> The support I had made all the difference to me and my family.
> -- A service user, 2021

::: case-study Helping Sam back to work
Sam was referred in May after a burglary.

- Needs assessed within two days
- Back at work by August
:::

| Partner | Role |
|---|---|
| Victim Care Hub | First contact |
| Youth service | *Triage* |

![A bar chart drawn by partners showing referrals rising](image:partners-chart)"""


def image(kind: str, size: tuple[int, int], colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, kind)
    return out.getvalue()


@pytest.fixture
def shaped(demo_path: Path, tmp_path: Path):
    path = tmp_path / "shaped.opcc"
    shutil.copy(demo_path, path)
    with Workbook.open(path, DEMO_PASSPHRASE) as wb:
        pictures.add_picture(wb, "pcc-photo", image("JPEG", (300, 400), "steelblue"))
        pictures.add_picture(wb, "pcc-signature", image("PNG", (400, 120), "white"))
        pictures.add_picture(wb, "partners-chart", image("PNG", (800, 400), "seagreen"))
        narrative.set_narrative(wb, ANNUAL, YEAR, "foreword", FOREWORD)
        outline.add_section(wb, ANNUAL, YEAR, "Working with partners", after="introduction")
        narrative.set_narrative(wb, ANNUAL, YEAR, "working_with_partners", PARTNERS)
        yield wb


def flat(text: str) -> str:
    return " ".join(text.split())


def alt_texts(path: Path) -> list[str]:
    """Every /Alt of the marked content around the pages' pictures, in page order."""
    found = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for operands, operator in pikepdf.parse_content_stream(page):
                if operator == pikepdf.Operator("BDC") and isinstance(operands[1], pikepdf.Dictionary):
                    if "/Alt" in operands[1]:
                        found.append(str(operands[1].Alt))
    return found


def bookmarks(reader: PdfReader) -> list[str]:
    found: list[str] = []

    def walk(items: list) -> None:
        for item in items:
            walk(item) if isinstance(item, list) else found.append(item.title)

    walk(reader.outline)
    return found


def test_the_pdf_prints_the_shaped_annual_report(shaped, tmp_path: Path) -> None:
    out = export_report(shaped, ANNUAL, YEAR, None, tmp_path / "annual.pdf")
    reader = PdfReader(out)
    text = flat(" ".join(page.extract_text() or "" for page in reader.pages[2:]))
    order = ["1 Message from the Commissioner", "real progress", "Jane Smith", "Working with partners",
             "Listening to victims", "made all the difference", "A service user, 2021", "Case study: Helping Sam",
             "Back at work by August", "Victim Care Hub", "First contact"]  # fmt: skip
    places = [text.index(words) for words in order]
    assert places == sorted(places), text[:3000]
    section = re.search(r"(\d+) Working with partners", text)
    assert section is not None
    subheading = f"{section.group(1)}.1 Listening to victims"
    assert subheading in text
    assert subheading in flat(reader.pages[1].extract_text())  # in the contents
    assert subheading in bookmarks(reader)
    assert alt_texts(out) == ["Jane Smith, Police and Crime Commissioner, smiling at her desk",
                              "Signature of Jane Smith", "A bar chart drawn by partners showing referrals rising"]
    links = [a.get_object()["/A"]["/URI"] for page in reader.pages for a in page.get("/Annots", [])
             if "/A" in a.get_object() and "/URI" in a.get_object()["/A"]]  # fmt: skip
    assert "https://www.example.gov.uk/partners" in links


def test_the_html_edition_prints_the_same(shaped, tmp_path: Path) -> None:
    html = export_report(shaped, ANNUAL, YEAR, None, tmp_path / "annual.html", fmt="html").read_text()
    body = html[html.index("<main"):]
    assert body.index("Message from the Commissioner") < body.index("Working with partners")
    assert 'alt="Jane Smith, Police and Crime Commissioner, smiling at her desk"' in body
    assert 'alt="Signature of Jane Smith"' in body and 'src="data:image/jpeg;base64,' in body
    assert re.search(r"<blockquote>.*made all the difference.*</blockquote>", body, flags=re.S)
    assert re.search(r'<aside class="case-study"[^>]*>.*Helping Sam.*</aside>', body, flags=re.S)
    assert '<th scope="col">Partner</th>' in body
    assert '<a href="https://www.example.gov.uk/partners">our website</a>' in body
    assert re.search(r"<h3[^>]*>\d+\.1 Listening to victims</h3>", body)


def test_a_final_edition_needs_every_picture_described_and_present(shaped, tmp_path: Path) -> None:
    narrative.set_narrative(shaped, ANNUAL, YEAR, "working_with_partners",
                            PARTNERS.replace("A bar chart drawn by partners showing referrals rising", "")
                            + "\n\n![The team](image:team-photo)")  # fmt: skip
    found = [str(f) for f in preflight(shaped, ANNUAL, YEAR)]
    assert any("'partners-chart'" in f and "no alt text" in f for f in found)
    assert any("'team-photo'" in f and "not in the workbook" in f for f in found)
    with pytest.raises(OpccError, match="pictures need attention") as refused:
        export_report(shaped, ANNUAL, YEAR, None, tmp_path / "final.pdf")
    assert "partners-chart" in str(refused.value) and "team-photo" in str(refused.value)
    assert not (tmp_path / "final.pdf").exists()
    draft = export_report(shaped, ANNUAL, YEAR, None, tmp_path / "draft.pdf", release=Release(draft=True))
    text = flat(" ".join(page.extract_text() or "" for page in PdfReader(draft).pages))
    assert "has no alt text" in text and "team-photo" in text


def test_the_back_page_is_never_numbered(demo_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "panel.opcc"
    shutil.copy(demo_path, path)
    with Workbook.open(path, DEMO_PASSPHRASE) as wb:
        outline.move_section(wb, "panel-report", YEAR, "kpi_appendix", 0)  # the appendix no longer last
        out = export_report(wb, "panel-report", YEAR, 4, tmp_path / "panel.pdf",
                            release=Release(meeting="14 June 2022"))  # fmt: skip
    last = flat(PdfReader(out).pages[-1].extract_text())
    assert "Contact Questions about these statistics" in last
    assert not re.search(r"\b\d+\.\d+ Questions", last)


def test_every_document_ends_with_the_office_contact_block(demo_path: Path, tmp_path: Path) -> None:
    from opcc_desktop.areas.settings import set_setting

    path = tmp_path / "office.opcc"
    shutil.copy(demo_path, path)
    with Workbook.open(path, DEMO_PASSPHRASE) as wb:
        set_setting(wb, "office.telephone", "01642 301653")
        set_setting(wb, "office.holders", "Police and Crime Commissioner: Jane Smith")
        for report, quarter, release in (("annual-equality", None, Release()), ("performance-update", 4, Release()),
                                         ("panel-report", 4, Release(meeting="14 June 2022")),
                                         ("workforce-pack", None, Release())):  # fmt: skip
            out = export_report(wb, report, YEAR, quarter, tmp_path / f"{report}.pdf", release=release)
            last = flat(PdfReader(out).pages[-1].extract_text())
            assert "Contact" in last and "Telephone: 01642 301653" in last, report
            assert "Police and Crime Commissioner: Jane Smith" in last, report


def test_the_panel_report_can_go_without_its_appendix_but_not_its_performance_section(demo_path: Path,
                                                                                      tmp_path: Path) -> None:
    from opcc_desktop.errors import ValidationError

    path = tmp_path / "panel.opcc"
    shutil.copy(demo_path, path)
    with Workbook.open(path, DEMO_PASSPHRASE) as wb:
        outline.remove_section(wb, "panel-report", YEAR, "kpi_appendix")
        with pytest.raises(ValidationError, match="cannot be removed"):
            outline.remove_section(wb, "panel-report", YEAR, "performance")
        out = export_report(wb, "panel-report", YEAR, 4, tmp_path / "panel.pdf", release=Release(meeting="14 June 2022"))
    text = flat(" ".join(page.extract_text() or "" for page in PdfReader(out).pages))
    assert "Appendix A" not in text and "Performance against the Police and Crime Plan" in text
