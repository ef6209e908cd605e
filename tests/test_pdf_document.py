"""The PDF house style, tested as rst2pdf tests its output: build a real document, read it back
(pdfplumber for text and positions, pypdf for structure) and check what a reader would see.

The sample is data-agnostic filler shaped like the equality report: 7 numbered sections,
subsections, narrative in the officers' Markdown subset, 9 charts, 10 tables (one long enough
to split across pages) and notes.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject
from reportlab.platypus import Paragraph

from opcc_desktop.documents.pdf import ReportDocument
from opcc_desktop.documents.pdf.chart_drawing import nice_scale
from opcc_desktop.documents.markup import parse
from opcc_desktop.documents.pdf.tables import house_table, numeric_columns
from opcc_desktop.figures.charts import PALETTE, ChartSpec, Series

MARKING = "OFFICIAL-SENSITIVE"
TITLE = "Annual Equality Monitoring Report"
OFFICE = "Office of the Police and Crime Commissioner for Anyshire"
HOSTILE = "Officers wrote <b>not bold</b> & <para>raw</para> &amp; <font size=40>big</font>"

AGE_BANDS = ("Under 18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+", "Not disclosed")
ETHNICITY = (
    "White British", "White other", "Mixed or multiple ethnic groups", "Asian or Asian British",
    "Black, Black British, Caribbean or African", "Other ethnic group", "Not disclosed",
)  # fmt: skip

NARRATIVE = """The Police and Crime Commissioner is subject to the **Public Sector Equality Duty**
under the Equality Act 2010. This report sets out how the office has met that duty during the
year, what the monitoring data show and what we will do next.

# Our duties
The general duty requires us, in the exercise of our functions, to have due regard to the need to:

- eliminate unlawful discrimination, harassment and victimisation;
- advance equality of opportunity between people who share a protected characteristic and
  those who do not;
- foster good relations between those groups.

## Specific duties
We publish equality information at least annually and set one or more equality objectives at
least every four years. Figures below 5 are suppressed to protect the people they describe.
"""

FILLER = (
    "Service providers returned quarterly monitoring information throughout the year. Where a "
    "characteristic was not recorded, or the service user preferred not to say, the figure is "
    "shown as not disclosed; non-disclosure remains high for sexual orientation and disability "
    "and improving it is one of next year's goals. "
)


def percent_series(seed: int, n: int) -> tuple[float, ...]:
    weights = [((seed * 7 + i * 13) % 17) + 2 for i in range(n)]
    total = sum(weights)
    return tuple(round(100 * w / total, 2) for w in weights)


def logo_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 90), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 90, 90), fill=PALETTE[0])
    draw.rectangle((100, 30, 240, 60), fill=PALETTE[1])
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def build_sample(marking: str | None = None) -> ReportDocument:
    doc = ReportDocument(
        TITLE, office=OFFICE, period="1 April 2020 to 31 March 2021", logo=logo_png(), marking=marking,
        keywords=("equality", "monitoring"), published="Published July 2021",
    )
    doc.section("Introduction")
    doc.paragraphs(NARRATIVE)
    doc.paragraphs(HOSTILE)
    doc.section("Governance and oversight update")
    doc.paragraphs((FILLER * 3 + "\n\n") * 3)
    doc.table("Equality Impact Assessments by directorate", ["Directorate", "Completed", "In progress"],
              [["Commissioning", 12, 3], ["Policy & partnerships", 7, 1], ["Finance", 2, 0],
               ["Total", 21, 4]], total_row=True)
    doc.section("Workforce Monitoring")
    doc.paragraphs(FILLER * 2)
    doc.table("Statutory workforce statement", ["Measure", "31 March 2021"],
              [["Staff headcount", 24], ["Women", "62.5%"], ["From an ethnic minority", "*"],
               ["Disabled", "*"]], footnote="* fewer than 5 people: suppressed under the disclosure policy.")
    doc.note("Fuller breakdowns are not published because the office has **fewer than 150 staff**.")
    doc.section("Victims and Criminal Justice Services")
    doc.paragraphs(FILLER)
    services = [[f"Service {i}: {'support for victims of ' + ('domestic abuse' if i % 2 else 'serious crime')}",
                 "Victim support" if i % 3 else "Restorative justice", f"{(i * 37) % 400 + 20:,}"]
                for i in range(1, 61)]
    doc.table("Commissioned services and referrals received", ["Service", "Type", "Referrals"], services)
    doc.subsection("Service user demographic profile")
    characteristics = [
        ("Age", AGE_BANDS, "vertical"), ("Disability", ("Yes", "No", "Not disclosed"), "horizontal"),
        ("Gender", ("Female", "Male", "Non-binary", "Not disclosed"), "vertical"),
        ("Ethnicity", ETHNICITY, "horizontal"),
        ("Sexual Orientation", ("Heterosexual or straight", "Gay or lesbian", "Bisexual", "Other",
                                "Not disclosed"), "horizontal"),
    ]
    for i, (name, cats, orientation) in enumerate(characteristics):
        spec = ChartSpec.bar(f"2020-2021 Service User {name} Breakdown", cats, percent_series(i, len(cats)),
                             unit="percent", value_label="Percentage of service users", category_label=name,
                             orientation=orientation)  # type: ignore[arg-type]
        doc.chart(f"2020-2021 Service User {name} Breakdown", spec, alternative="both" if i == 0 else "table")
    doc.note("Non-disclosure rates remain high, particularly for sexual orientation.")
    doc.subsection("Consultation")
    doc.paragraphs(FILLER * 2)
    doc.subsection("Criminal justice schemes")
    for t, scheme in enumerate(("Divert Participants", "Youth Triage Participant")):
        rows = [[dim, cat, f"{(t * 11 + k * 7) % 60 + 5}.{k}%", f"{(t * 5 + k * 13) % 50 + 3}.{k}%"]
                for k, (dim, cat) in enumerate([("Age", "18-24"), ("Age", "25-34"), ("Age", "35+"),
                                                ("Ethnicity", "White"), ("Ethnicity", "Minority ethnic"),
                                                ("Disability", "Yes"), ("Disability", "No")])]
        doc.table(f"2020-2021 {scheme} Demographic Breakdown", ["Dimension", "Category", "Male", "Female"], rows)
    offences = ("Violence against the person", "Theft", "Criminal damage", "Drug offences")
    doc.chart("Divert referrals by offence type and gender", ChartSpec(
        "grouped_bar", "Divert referrals by offence type and gender", offences,
        (Series("Male", (120, 45, 30, 12)), Series("Female", (40, 25, 8, None))),
        value_label="Referrals", category_label="Offence type"))
    doc.section("Achievements")
    doc.paragraphs(FILLER * 2 + "\n\n- 21 Equality Impact Assessments completed\n- 3 new services commissioned")
    quarters = ("Q1", "Q2", "Q3", "Q4")
    doc.chart("Referrals received by quarter", ChartSpec(
        "grouped_bar", "Referrals received by quarter", quarters,
        (Series("2020/21", (1200, 1450, 1300, 1120)), Series("2021/22", (1400, 1250, 1080, None))),
        value_label="Referrals", category_label="Quarter", orientation="vertical"))
    doc.chart("Public confidence in the police", ChartSpec(
        "line", "Public confidence in the police",
        ("Q1 2020/21", "Q2 2020/21", "Q3 2020/21", "Q4 2020/21", "Q1 2021/22", "Q2 2021/22"),
        (Series("Force area", (74.5, 75.1, 73.2, None, 76.8, 77.0)),
         Series("England and Wales", (75.0, 75.2, 74.9, 74.1, 74.2, 74.8))),
        unit="percent", value_label="Percentage confident", category_label="Quarter"), alternative="both")
    doc.chart("Change in recorded crime since last year", ChartSpec(
        "bar", "Change in recorded crime", ("Burglary", "Robbery", "Vehicle crime"),
        (Series("Change", (-12.5, 8.25, -3.0)),), unit="percent", value_label="Change since last year"))
    doc.section("Update on last year's equality goals")
    goals = [[f"Goal {i}", "Improve the recording of protected characteristics by commissioned services "
              "so that non-disclosure falls below 20%", ["In progress", "Achieved", "Rolled over"][i % 3]]
             for i in range(1, 7)]
    doc.table("Equality goals 2020-2021 and their status", ["Goal", "Description", "Status"], goals)
    for q in range(4):
        doc.table(f"Key performance indicators, group {q + 1}", ["Indicator", "Q1", "Q2", "Q3", "Q4", "Q1", "Q2", "Q3", "Q4"],
                  [[f"Indicator {q}.{k} with a long descriptive name", *[f"{(q + k + j) % 9 * 3.5:.1f}%" for j in range(8)]]
                   for k in range(3)],
                  groups=[("", 1), ("2020/21", 4), ("2021/22", 4)])
    doc.section("Conclusion")
    doc.paragraphs(FILLER * 2)
    return doc


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "sample.pdf"
    build_sample().build(path)
    return path


@pytest.fixture(scope="module")
def marked_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "marked.pdf"
    build_sample(MARKING).build(path)
    return path


def page_texts(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def page_texts_of(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def outline_titles(outline: list, reader: PdfReader) -> Iterator[tuple[str, int]]:
    for item in outline:
        if isinstance(item, list):
            yield from outline_titles(item, reader)
        else:
            yield item.title, reader.get_destination_page_number(item) + 1


# -- structure -------------------------------------------------------------------------------


def test_sample_is_a_real_multi_page_a4_document(sample_pdf: Path) -> None:
    reader = PdfReader(sample_pdf)
    assert len(reader.pages) >= 12
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    texts = page_texts(sample_pdf)
    assert texts[0].count(TITLE) == 1 and OFFICE in texts[0]
    assert "Contents" in texts[1]


def test_every_page_says_page_x_of_y(sample_pdf: Path) -> None:
    texts = page_texts(sample_pdf)
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {len(texts)}" in text


def test_contents_lists_every_section_with_its_page(sample_pdf: Path) -> None:
    texts = page_texts(sample_pdf)
    entries = re.findall(r"^(\d+(?:\.\d+)* [^.\n]+?)[ .]*?(\d+)$", texts[1], flags=re.M)
    listed = {title.strip(): int(page) for title, page in entries}
    expected = ["1 Introduction", "1.1 Our duties", "1.1.1 Specific duties", "2 Governance and oversight update", "3 Workforce Monitoring",
                "4 Victims and Criminal Justice Services", "4.1 Service user demographic profile",
                "4.2 Consultation", "4.3 Criminal justice schemes", "5 Achievements",
                "6 Update on last year's equality goals", "7 Conclusion"]
    assert list(listed) == expected
    for title, page in listed.items():
        body = texts[page - 1].split("\n")
        assert title in body, f"{title!r} is not on page {page}"
        assert all(title not in t.split("\n") for t in texts[2 : page - 1]), f"{title!r} appears earlier"


def test_contents_lines_link_to_their_headings(sample_pdf: Path) -> None:
    """Each entry's title, and its leader and page number, are links to the heading's page."""
    reader = PdfReader(sample_pdf)
    with pdfplumber.open(sample_pdf) as pdf:
        words = pdf.pages[1].extract_words()
    height = float(reader.pages[1].mediabox.height)
    numbers = [w for w in words  # right-aligned, between the running header and footer
               if w["text"].isdigit() and w["x1"] > 500 and 80 < w["top"] < height - 80]  # fmt: skip
    links = [a.get_object() for a in reader.pages[1]["/Annots"]]
    pages = [page.indirect_reference.idnum for page in reader.pages]  # type: ignore[union-attr]
    for word in numbers:
        x, y = (word["x0"] + word["x1"]) / 2, height - (word["top"] + word["bottom"]) / 2
        over = [a for a in links if a["/Rect"][0] <= x <= a["/Rect"][2] and a["/Rect"][1] <= y <= a["/Rect"][3]]
        assert len(over) == 1, f"page number {word['text']} is not one link"
        assert pages.index(over[0]["/Dest"][0].idnum) + 1 == int(word["text"])
    assert len(links) == 2 * len(numbers) == 24


def test_long_contents_runs_over_pages_with_the_right_numbers() -> None:
    doc = ReportDocument("Long contents", office=OFFICE)
    for i in range(45):
        doc.section(f"Topic {i + 1}")
        doc.paragraphs(FILLER * (1 + i % 4))
    texts = page_texts_of(doc.to_bytes())
    entries = re.findall(r"^(\d+ Topic \d+)[ .]*?(\d+)$", "\n".join(texts[1:4]), flags=re.M)
    assert len(entries) == 45 and "45 Topic 45" not in texts[1], "the contents should need two pages"
    for title, page in entries:
        assert title in texts[int(page) - 1].split("\n"), f"{title!r} is not on page {page}"


def test_bookmarks_for_every_section_and_subsection(sample_pdf: Path) -> None:
    reader = PdfReader(sample_pdf)
    titles = dict(outline_titles(reader.outline, reader))
    for title in ["Contents", "1 Introduction", "4 Victims and Criminal Justice Services",
                  "4.1 Service user demographic profile", "4.3 Criminal justice schemes", "7 Conclusion",
                  "1.1 Our duties", "1.1.1 Specific duties"]:
        assert title in titles
    texts = page_texts(sample_pdf)
    for title, page in titles.items():
        assert title in texts[page - 1], f"bookmark {title!r} points at page {page}"
    # narrative headings nest under their section, a minor one under the major one
    top = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "1.1 Our duties" not in top and "1 Introduction" in top


def test_headings_are_never_last_on_a_page(sample_pdf: Path) -> None:
    with pdfplumber.open(sample_pdf) as pdf:
        for page in pdf.pages[2:]:
            lines = [w for w in page.extract_text_lines() if w["top"] < page.height - 70]  # above the footer
            last = lines[-1]["text"]
            assert not re.match(r"^\d+(\.\d+)* [A-Z]", last), f"heading {last!r} stranded on page {page.page_number}"
            assert last not in ("Our duties", "Specific duties")
            assert not last.startswith(("Figure ", "Table ")), f"caption {last!r} stranded"


def test_captions_are_numbered_in_order(sample_pdf: Path) -> None:
    text = "\n".join(page_texts(sample_pdf))
    figures = [int(n) for n in re.findall(r"^Figure (\d+): ", text, flags=re.M)]
    tables = [int(n) for n in re.findall(r"^Table (\d+): ", text, flags=re.M)]
    assert figures == list(range(1, 10))
    assert tables == list(range(1, 11))
    assert "Figure 1: 2020-2021 Service User Age Breakdown" in text


def test_split_table_repeats_its_header(sample_pdf: Path) -> None:
    texts = page_texts(sample_pdf)
    pages = [i for i, t in enumerate(texts) if "Service 1: support" in t or "Service 60: support" in t]
    first, last = pages[0], pages[-1]
    assert last > first, "the 60-row table should run onto another page"
    for i in range(first, last + 1):
        assert "Service Type Referrals" in texts[i], f"no header row on page {i + 1}"
    assert "Table 3: Commissioned services" in texts[first]
    assert "Table 3:" not in texts[last]


def test_chart_has_its_data_or_text_alternative(sample_pdf: Path) -> None:
    text = "\n".join(page_texts(sample_pdf))
    assert "Bar chart of 2020-2021 Service User Age Breakdown across 8 categories: the largest is" in text
    assert "Line chart of Public confidence in the police for Force area and England and Wales" in text
    # the data table beside the ethnicity chart, and the chart's own category labels
    assert re.search(r"Black, Black British, Caribbean or African \d+\.\d%", text)


def test_numbers_are_right_aligned(sample_pdf: Path) -> None:
    with pdfplumber.open(sample_pdf) as pdf:
        for page in pdf.pages:
            words = page.extract_words()
            rows = {round(w["top"]) for w in words if w["text"] == "Service"}
            cells = [w for w in words if re.fullmatch(r"\d{2,3}", w["text"]) and round(w["top"]) in rows]
            if len(cells) > 10:
                rights = {round(w["x1"]) for w in cells}
                assert max(rights) - min(rights) <= 1, rights
                return
    pytest.fail("no page with the referrals table found")


# -- metadata, fonts, determinism ------------------------------------------------------------------


def test_metadata_and_language(sample_pdf: Path) -> None:
    reader = PdfReader(sample_pdf)
    meta = reader.metadata
    assert meta.title == TITLE
    assert meta.author == OFFICE
    assert meta.subject and TITLE in meta.subject and "2021" in meta.subject
    assert "equality" in meta["/Keywords"]
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en-GB"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    assert catalog["/PageMode"] == "/UseOutlines"


def _fonts(reader: PdfReader) -> Iterator[dict]:
    seen: set[int] = set()

    def walk(resources: dict) -> Iterator[dict]:
        for ref in (resources.get("/Font") or {}).values():
            key = ref.idnum if isinstance(ref, IndirectObject) else id(ref)
            if key not in seen:
                seen.add(key)
                yield ref.get_object()
        for ref in (resources.get("/XObject") or {}).values():
            xobject = ref.get_object()
            if "/Resources" in xobject:
                yield from walk(xobject["/Resources"].get_object())

    for page in reader.pages:
        yield from walk(page["/Resources"].get_object())


def test_every_font_is_embedded(sample_pdf: Path, marked_pdf: Path) -> None:
    for path in (sample_pdf, marked_pdf):
        fonts = list(_fonts(PdfReader(path)))
        assert fonts
        for font in fonts:
            name = str(font["/BaseFont"])
            assert "Helvetica" not in name and "Times" not in name, name
            descriptor = font["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile2", "/FontFile", "/FontFile3")), name
            assert "LiberationSans" in name


def test_text_from_outside_may_use_italics(tmp_path: Path) -> None:
    """House text is never italic, so the italic faces load only for a flowable from outside."""
    doc = ReportDocument("Italics", office=OFFICE)
    doc.section("Text from outside")
    doc.flowable(Paragraph("an <i>italic</i> and a <b><i>bold italic</i></b> word", doc.styles.body))
    path = tmp_path / "italics.pdf"
    doc.build(path)
    faces = {str(font["/BaseFont"]).split("+")[-1] for font in _fonts(PdfReader(path))}
    assert faces == {"LiberationSans", "LiberationSans-Bold", "LiberationSans-Italic", "LiberationSans-BoldItalic"}
    assert "an italic and a bold italic word" in " ".join(page_texts(path))


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_pdffonts_reports_only_embedded_fonts(marked_pdf: Path) -> None:
    out = subprocess.run(["pdffonts", str(marked_pdf)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows
    for row in rows:
        assert "LiberationSans" in row and " yes yes " in row, row


def test_identical_input_gives_identical_bytes() -> None:
    doc = build_sample(MARKING)
    first = doc.to_bytes()
    assert build_sample(MARKING).to_bytes() == first
    assert doc.to_bytes() == first, "building the same document again changed it"


def test_identical_bytes_across_processes(tmp_path: Path) -> None:
    code = ("import sys; sys.path.insert(0, 'tests'); from test_pdf_document import build_sample; "
            "sys.stdout.buffer.write(build_sample().to_bytes())")
    root = Path(__file__).resolve().parent.parent
    outputs = [subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, cwd=root).stdout
               for _ in range(2)]
    assert outputs[0] == outputs[1] == build_sample().to_bytes()


def test_charts_pass_reportlabs_attribute_checks() -> None:
    """The package turns reportlab's shape checking off for speed; with it on, every chart
    attribute is validated, and the document must build to the same bytes."""
    code = ("import sys; sys.path.insert(0, 'tests'); from test_pdf_document import build_sample; "
            "from reportlab import rl_config; assert rl_config.shapeChecking; "
            "sys.stdout.buffer.write(build_sample().to_bytes())")
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "RL_shapeChecking": "1"}
    checked = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, cwd=root, env=env)
    assert checked.stdout == build_sample().to_bytes()


# -- protective marking -----------------------------------------------------------------------------


def test_marking_at_top_and_bottom_of_every_page(marked_pdf: Path) -> None:
    with pdfplumber.open(marked_pdf) as pdf:
        assert len(pdf.pages) >= 12
        for page in pdf.pages:
            hits = [w for w in page.extract_words() if w["text"] == MARKING]
            assert any(w["top"] < 50 for w in hits), f"no marking at the top of page {page.page_number}"
            assert any(w["bottom"] > page.height - 30 for w in hits), f"no marking at the foot of page {page.page_number}"
        cover = [w for w in pdf.pages[0].extract_words() if w["text"] == MARKING]
        assert len(cover) == 3, "the cover states the marking in its body too"


def test_marking_in_metadata(marked_pdf: Path) -> None:
    meta = PdfReader(marked_pdf).metadata
    assert MARKING in meta.title and TITLE in meta.title
    assert MARKING in meta.subject
    assert MARKING in meta["/Keywords"]


def test_unmarked_document_has_no_marking(sample_pdf: Path) -> None:
    assert all(MARKING not in t for t in page_texts(sample_pdf))


# -- user text is never markup ------------------------------------------------------------------------


def test_user_text_prints_literally(sample_pdf: Path) -> None:
    text = " ".join(page_texts(sample_pdf)).replace("\n", " ")
    assert "<b>not bold</b> & <para>raw</para> &amp; <font size=40>big</font>" in text


def test_hostile_text_everywhere_prints_literally() -> None:
    hostile = "A & B <i>x</i> <para>"
    doc = ReportDocument(hostile, office=hostile, period=hostile, marking="OFFICIAL")
    doc.section(hostile)
    doc.paragraphs(f"# {hostile}\n\n- {hostile}\n\n{hostile}")
    doc.note(hostile, label=hostile)
    doc.table(hostile, [hostile, "n"], [[hostile * 6, 1]], footnote=hostile)
    doc.chart(hostile, ChartSpec.bar(hostile, [hostile], [1.5], unit="percent"), alternative="both")
    out = io.BytesIO()
    doc.build(out)
    with pdfplumber.open(out) as pdf:
        text = " ".join((p.extract_text() or "").replace("\n", " ") for p in pdf.pages)
    assert text.count(hostile) >= 8
    assert PdfReader(io.BytesIO(out.getvalue())).metadata.title == f"OFFICIAL: {hostile}"


def test_markdown_subset() -> None:
    blocks = parse("# Head **x**\nnot joined?\n\npara **bold** line\ncontinues\n\n- a\n- b <i>\n1. one\n")
    assert [b.kind for b in blocks] == ["heading", "paragraph", "paragraph", "bullets", "numbered"]
    assert blocks[0].text == "Head x"
    assert blocks[2].text == "para <b>bold</b> line continues"
    assert blocks[3].items == ("a", "b &lt;i&gt;")


# -- charts as data ----------------------------------------------------------------------------------


def test_chart_spec_table_and_alt_text() -> None:
    spec = ChartSpec.bar("Age breakdown", ["18-24", "25-34", "65+"], [11.95, 23.45, None], unit="percent",
                         category_label="Age band", value_label="Percentage")
    assert spec.as_table() == (("Age band", "Percentage"), (("18-24", "12.0%"), ("25-34", "23.5%"), ("65+", "-")))
    assert spec.alt_text() == ("Bar chart of Age breakdown across 3 categories: the largest is 25-34 (23.5%) "
                               "and the smallest is 18-24 (12.0%); 1 value is not shown.")
    grouped = ChartSpec("grouped_bar", "Gender", ("A", "B"), (Series("Men", (1, 2)), Series("Women", (3, 0))))
    assert grouped.colours() == PALETTE[:2]
    assert "the largest is Women, A (3) and the smallest is Women, B (0)" in grouped.alt_text()
    with pytest.raises(ValueError):
        ChartSpec("bar", "x", ("a",), (Series("s", (1,)), Series("t", (2,))))
    with pytest.raises(ValueError):
        ChartSpec("line", "x", ("a", "b"), (Series("s", (1,)),))


def test_core_never_imports_qt() -> None:
    code = ("import sys, opcc_desktop.documents.pdf, opcc_desktop.figures.charts; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph', 'ui')]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


# -- edge cases ---------------------------------------------------------------------------------------


def test_awkward_content_builds_in_the_house_font(tmp_path: Path) -> None:
    doc = ReportDocument("Edge cases", office="Office")
    doc.section("Edge cases")
    doc.table("Empty", ["A", "B"], [])
    doc.table("Totals", ["Name", "N"], [["a very long name " * 12, 3], ["Total", 3]], total_row=True)
    doc.table("Unbreakable", ["URL", "N"], [["https://example.org/" + "x" * 200, 1]])
    doc.chart("All missing", ChartSpec.bar("All missing", ["a", "b"], [None, None]))
    doc.chart("One period", ChartSpec("line", "One", ("Q1",), (Series("s", (5,)),)))
    doc.chart("Negative", ChartSpec.bar("Neg", ["a", "b", "c"], [-5.5, 3.25, 0], unit="percent",
                                        orientation="vertical"), alternative="both")
    doc.chart("Six series", ChartSpec("grouped_bar", "Six", ("a", "b"),
                                      tuple(Series(f"Series {i}", (i, i + 1)) for i in range(6)), orientation="vertical"))
    doc.chart("Small rates", ChartSpec.bar("Small", ["a", "b"], [0.012, 0.034], unit="rate_per_1000", places=3))
    doc.paragraphs("## Minor before any major\n\ntext\n\n# Major\n\n## Minor\n\n1. one\n2. two")
    path = tmp_path / "edge.pdf"
    doc.build(path)
    text = " ".join(page_texts(path))
    for expected in ("-5.5%", "0.012", "Series 5", "Minor before any major", "Figure 5: Small rates"):
        assert expected in text
    for font in _fonts(PdfReader(path)):
        assert "LiberationSans" in str(font["/BaseFont"])


def test_tables_refuse_unformatted_floats_and_align_figures() -> None:
    with pytest.raises(TypeError):
        house_table(["a", "b"], [["x", 1.5]])
    rows = [["Women", "62.5%", "1,234", "£1.009M", "12.3% (p)", "Q1", "*", "5.3"],
            ["Men", "-", "*", "<5", "n/a", "Q2", "-", "Measurement under development"]]
    assert numeric_columns(rows, 8) == [False, True, True, True, True, False, False, True]


def test_nice_scale() -> None:
    assert nice_scale(0, 23.45) == (0, 25, 5)
    assert nice_scale(-12.5, 8.25) == (-15, 10, 5)
    assert nice_scale(0, 3, whole=True) == (0, 3, 1)
    assert nice_scale(0, 0) == (0, 1, 0.2)
