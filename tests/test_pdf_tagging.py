"""Every PDF is a tagged PDF conforming to PDF/UA-1 (the Public Sector Bodies Accessibility
Regulations 2018 ask it of a public body's documents).

page-validation checks the PDF/UA-1 rules on every PDF of the document matrix (each
document and period, final and draft, a year only begun, the internal pack); outloud, a
second opinion, adds checks a validator cannot make (reading order against the painting
order, empty links, ruled grids no table announces). Then the structure tree is read back
with pikepdf and the marked text with pdfplumber, and checked as a screen reader would use
it: the structure reads in the order the pages show, every chart and picture has its one
/Alt, header cells their /Scope, the running header and footer are artifacts, the headings
are the bookmarks, and the catalogue, metadata, fonts and links say what PDF/UA asks.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import outloud
import page
import pdfplumber
import pikepdf
import pytest
from click.testing import CliRunner
from conftest import DEMO_PASSPHRASE
from PIL import Image
from pypdf import PdfReader

from opcc_desktop.documents.pdf import ReportDocument
from opcc_desktop.documents.pdf.fonts import to_unicode_cmap
from opcc_desktop.figures.charts import ChartSpec, Series
from ui.cli import main

YEAR = "2021/22"
PUBLISHED = "2022-07-14"  # as the command line takes it; printed "14 July 2022"
PUBLIC = [("annual-equality", None)] + [("performance-update", q) for q in (1, 2, 3, 4)] + [
    ("panel-report", q) for q in (1, 2, 3, 4)]  # fmt: skip
# outloud's guesses that misread these documents: TBL-010 calls header cells "shredded" when a
# table has more TH than TD, as any table naming its rows (a row header in each row) with one
# column of figures has; TBL-014 joins the rules of two grouped tables on one page into one
# grid, which neither table's box covers, and calls the grid untagged
OUTLOUD_HEURISTICS = ("TBL-010", "TBL-014")


def export(book: Path, out: Path, report: str, quarter: int | None, *extra: str) -> bytes:
    args = ["report", str(book), "--report", report, "--year", YEAR, "-o", str(out), *extra]
    if report == "panel-report":
        args += ["--meeting", "2022-09-14"]
    if quarter:
        args += ["--quarter", str(quarter)]
    result = CliRunner().invoke(main, args, env={"OPCC_PASSPHRASE": DEMO_PASSPHRASE})
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def pdfua_failures(data: bytes) -> list[str]:
    report = page.validate_pdf_bytes(data, profile=page.ValidationProfile.PDF_UA_1)
    assert report.rules.total > 100  # the whole PDF/UA-1 profile ran
    return sorted({f"{failure.rule_id}: {failure.message}" for failure in report.failures})


def outloud_findings(data: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "checked.pdf"
    path.write_bytes(data)
    result = outloud.check(str(path), skip=OUTLOUD_HEURISTICS)
    return [f"{f.rule} p.{f.page}: {f.message}" for f in result.findings if f.severity in ("error", "warning")]


# -- the structure tree, read back ----------------------------------------------------------------


class Mark(NamedTuple):
    page: int
    mcid: int


class Objr(NamedTuple):
    page: int
    annotation: tuple[int, int]  # its object number and generation


@dataclass
class Node:
    role: str
    kids: list[Any]
    alt: str | None
    attributes: dict[str, str]
    objgen: tuple[int, int]
    many: bool  # its /K is an array

    def walk(self) -> Iterator[Node]:
        yield self
        for kid in self.kids:
            if isinstance(kid, Node):
                yield from kid.walk()

    def marks(self) -> Iterator[Mark]:
        """Its marked content and its descendants', in reading order."""
        for kid in self.kids:
            if isinstance(kid, Mark):
                yield kid
            elif isinstance(kid, Node):
                yield from kid.marks()

    def of(self, role: str) -> list[Node]:
        return [node for node in self.walk() if node.role == role]


def structure(pdf: pikepdf.Pdf) -> Node:
    pages = {p.objgen: i for i, p in enumerate(pdf.pages)}

    def node(obj: pikepdf.Dictionary, inherited: int | None) -> Node:
        on = pages[obj.Pg.objgen] if "/Pg" in obj else inherited
        items = obj.get("/K")
        items = list(items) if isinstance(items, pikepdf.Array) else [items]
        kids: list[Any] = []
        for item in items:
            if isinstance(item, pikepdf.Dictionary) and item.get("/Type") == "/MCR":
                kids.append(Mark(pages[item.Pg.objgen], int(item.MCID)))
            elif isinstance(item, pikepdf.Dictionary) and item.get("/Type") == "/OBJR":
                kids.append(Objr(pages[item.Pg.objgen], item.Obj.objgen))
            elif isinstance(item, pikepdf.Dictionary):
                kids.append(node(item, on))
            else:
                assert on is not None
                kids.append(Mark(on, int(item)))
        return Node(str(obj.S)[1:], kids, str(obj.Alt) if "/Alt" in obj else None,
                    {str(k): str(v) for k, v in obj.get("/A", {}).items()}, obj.objgen,
                    isinstance(obj.get("/K"), pikepdf.Array))  # fmt: skip

    return node(pdf.Root.StructTreeRoot.K, None)


@dataclass
class Tagged:
    """A PDF read back: its bytes, structure tree and every character, each with its marked
    content: ``tag`` (its role, or Artifact) and ``mcid``."""

    data: bytes
    tree: Node
    chars: list[list[dict[str, Any]]]  # per page, in painting order

    def text(self, marks: Iterator[Mark] | list[Mark]) -> str:
        """The text of ``marks``, a space where a line ends."""
        found = self.by_mark()
        return lines([ch for mark in marks for ch in found.get(mark, [])])

    def by_mark(self) -> dict[Mark, list[dict[str, Any]]]:
        found: dict[Mark, list[dict[str, Any]]] = defaultdict(list)
        for number, chars in enumerate(self.chars):
            for ch in chars:
                if ch["mcid"] is not None:
                    found[Mark(number, ch["mcid"])].append(ch)
        return found


def read(data: bytes) -> Tagged:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        tree = structure(pdf)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        chars = [[{key: ch[key] for key in ("text", "x0", "x1", "top", "bottom", "tag", "mcid")} for ch in p.chars]
                 for p in pdf.pages]  # fmt: skip
    return Tagged(data, tree, chars)


def words(text: str) -> str:
    return " ".join(text.split())


def lines(chars: list[dict[str, Any]]) -> str:
    """The text of ``chars``, in their order, a space where the next one is on another line."""
    out: list[str] = []
    for before, ch in zip([None, *chars], chars):
        if before is not None and abs(ch["bottom"] - before["bottom"]) > 2:
            out.append(" ")
        out.append(ch["text"])
    return "".join(out)


# -- fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def annual(demo_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Tagged:
    out = tmp_path_factory.mktemp("annual") / "annual.pdf"
    return read(export(demo_path, out, "annual-equality", None, "--published", PUBLISHED))


@pytest.fixture(scope="module")
def update(demo_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Tagged:
    out = tmp_path_factory.mktemp("update") / "update.pdf"
    return read(export(demo_path, out, "performance-update", 4, "--published", PUBLISHED))


@pytest.fixture(scope="module", params=["annual", "update"])
def demo_pdf(request: pytest.FixtureRequest) -> Tagged:
    return request.getfixturevalue(request.param)


def png(width: int, height: int, colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


LONG_LINK = "the long way round " * 8
CHART = ChartSpec(kind="bar", title="Referrals by age", categories=("Under 18", "18-24", "25-34"),
                  series=(Series("Referrals", (12, 40, 31)),), unit="count")
FEATURES = f"""Read [our website](https://example.org/a) and [it again](https://example.org/a) today, or take
[{LONG_LINK}](https://example.org/long) to the end.

[A paragraph that is one link](mailto:office@example.org)

1. first, [numbered](https://example.org/n)
2. second

> Quoted words.
> -- Someone

::: case-study Helping Sam
Sam was referred in May.

![Sam at work](image:portrait "photo")
Sam now volunteers every week.
:::

![A picture of the office](image:office)

| Name | Where |
|---|---|
| Site | [here](https://example.org/t) |
"""


@pytest.fixture(scope="module")
def features() -> Tagged:
    """A document with every kind of block, links, pictures, a logo, a table long enough to
    continue on the next page (repeating its header) and a paragraph split between pages."""
    doc = ReportDocument("Features", office="Office of the Police and Crime Commissioner", period="2021/22",
                         logo=png(120, 60, "#12436D"), marking="OFFICIAL-SENSITIVE", published="14 July 2022",
                         pictures={"portrait": png(60, 80, "#801650"), "office": png(200, 100, "#28A197")})  # fmt: skip
    doc.section("Features")
    doc.paragraphs(FEATURES)
    doc.note("A note with a [link](https://example.org/note).\n\n- one\n- two")
    doc.table("Grouped", ["Category", "A", "B", "C", "D"], [["x", 1, 2, 3, 4], ["y", 5, 6, 7, 8]],
              groups=[("", 1), ("2020/21", 2), ("2021/22", 2)], spans=[(1, 1, 4)])
    doc.paragraphs("Between the tables.")
    doc.chart("Referrals by age", CHART, alternative="both")
    doc.table("Long", ["Category", "Value"], [[f"Row {i}", i] for i in range(90)])
    doc.section("Long text")
    doc.paragraphs(("A sentence that goes on for a while. " * 40 + "\n\n") * 5)
    return read(doc.to_bytes())


# -- validators: the whole matrix --------------------------------------------------------------------


@pytest.mark.parametrize("draft", [False, True], ids=["final", "draft"])
@pytest.mark.parametrize(("report", "quarter"), PUBLIC)
def test_page_validation_passes_every_public_pdf(demo_path: Path, tmp_path: Path, report: str,
                                                 quarter: int | None, draft: bool) -> None:  # fmt: skip
    extra = ("--draft",) if draft else ("--published", PUBLISHED)
    assert pdfua_failures(export(demo_path, tmp_path / "edition.pdf", report, quarter, *extra)) == []


def test_page_validation_passes_the_workforce_pack(demo_path: Path, tmp_path: Path) -> None:
    assert pdfua_failures(export(demo_path, tmp_path / "pack.pdf", "workforce-pack", None)) == []


def test_page_validation_passes_a_pdf_carrying_its_tables(demo_path: Path, tmp_path: Path) -> None:
    data = export(demo_path, tmp_path / "update.pdf", "performance-update", 4, "--tables")
    assert b"/EmbeddedFiles" in data and pdfua_failures(data) == []


@pytest.mark.parametrize(("report", "quarter"), PUBLIC)
def test_page_validation_passes_a_year_only_begun(begun: Path, tmp_path: Path, report: str,
                                                  quarter: int | None) -> None:  # fmt: skip
    """Drafts, with their placeholders and watermark; and the finals that may be exported."""
    assert pdfua_failures(export(begun, tmp_path / "draft.pdf", report, quarter, "--draft")) == []
    if report == "performance-update":
        assert pdfua_failures(export(begun, tmp_path / "final.pdf", report, quarter)) == []


def test_page_validation_passes_every_narrative_feature(features: Tagged) -> None:
    assert pdfua_failures(features.data) == []


@pytest.mark.parametrize("name", ["annual", "update", "features"])
def test_outloud_finds_nothing(request: pytest.FixtureRequest, tmp_path: Path, name: str) -> None:
    assert outloud_findings(request.getfixturevalue(name).data, tmp_path) == []


def test_page_validation_sees_an_untagged_pdf_fail() -> None:
    """The check can fail: a PDF without its structure (reportlab's own) breaks its rules."""
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.drawString(72, 720, "Untagged")
    canvas.save()
    failures = pdfua_failures(out.getvalue())
    assert any(f.startswith("PDFUA1-STRUCT-TREE-ROOT-001") for f in failures)
    assert any(f.startswith("PDFUA1-ID-PART-001") for f in failures)


# -- reading order ------------------------------------------------------------------------------------


def leaf_boxes(pdf: Tagged) -> Iterator[tuple[Mark, tuple[float, float, float, float]]]:
    """Each marked sequence with visible text, outside figures (their text is the /Alt's), in
    the structure's order, with the box of its text: (top, bottom, x0, x1)."""
    found = pdf.by_mark()
    figures = {mark for figure in pdf.tree.of("Figure") for mark in figure.marks()}
    for mark in pdf.tree.marks():
        chars = [ch for ch in found.get(mark, []) if ch["text"].strip()]
        if chars and mark not in figures:
            yield mark, (min(c["top"] for c in chars), max(c["bottom"] for c in chars),
                         min(c["x0"] for c in chars), max(c["x1"] for c in chars))  # fmt: skip


def test_the_structure_reads_in_the_order_the_pages_show(demo_pdf: Tagged) -> None:
    """Each piece of text comes after the one before it in the structure as a reader sees
    the page: on a later page, lower down, or on the same line (boxes overlapping: a table
    row, a list item's bullet and text, a link inside its paragraph) further right."""
    previous = None
    for mark, (top, bottom, x0, _) in leaf_boxes(demo_pdf):
        if previous is not None and mark.page == previous[0].page:
            _, (p_top, p_bottom, p_x0, _) = previous
            same_line = top < p_bottom - 1 and bottom > p_top + 1
            assert (x0 >= p_x0 - 1) if same_line else (top >= p_top - 1), (previous, mark)
        elif previous is not None:
            assert mark.page > previous[0].page
        previous = (mark, (top, bottom, x0, _))


def test_pages_paint_their_content_in_the_structures_order(demo_pdf: Tagged, features: Tagged) -> None:
    """The marked sequences in the tree's order are the order the content streams paint
    them (what the text order of pdfplumber and pypdf follows), page by page."""
    for pdf in (demo_pdf, features):
        found = pdf.by_mark()
        tree_order = [mark for mark in pdf.tree.marks() if mark in found]
        painted = list(dict.fromkeys(Mark(n, ch["mcid"]) for n, chars in enumerate(pdf.chars) for ch in chars
                                     if ch["mcid"] is not None))  # fmt: skip
        assert tree_order == painted


def test_every_character_is_tagged_or_an_artifact(demo_pdf: Tagged, features: Tagged) -> None:
    for pdf in (demo_pdf, features):
        for number, chars in enumerate(pdf.chars):
            loose = "".join(ch["text"] for ch in chars if ch["tag"] is None or
                            (ch["tag"] != "Artifact" and ch["mcid"] is None))  # fmt: skip
            assert not loose.strip(), f"page {number + 1}: {loose!r}"


def test_the_tree_holds_each_marked_sequence_once(demo_pdf: Tagged) -> None:
    marks = list(demo_pdf.tree.marks())
    assert len(marks) == len(set(marks))
    assert set(demo_pdf.by_mark()) <= set(marks)


def test_text_reads_as_the_page_shows_it(annual: Tagged) -> None:
    """The structure's text, in its order, is the text pdfplumber reads off the pages (the
    furniture left out), paragraph by paragraph."""
    tree_text = words(" ".join(annual.text(node.marks()) for node in annual.tree.walk()
                               if node.role in ("P", "H1", "H2", "H3", "Caption")))  # fmt: skip
    with pdfplumber.open(io.BytesIO(annual.data)) as pdf:
        shown = [words(p.filter(lambda o: o.get("tag") in ("P", "H1", "H2", "H3", "Caption")).extract_text())
                 for p in pdf.pages]  # fmt: skip
    assert tree_text == words(" ".join(shown))


# -- what each element is ------------------------------------------------------------------------------


def test_headings_are_the_bookmarks(demo_pdf: Tagged) -> None:
    headings = [(int(node.role[1]) - 1, words(demo_pdf.text(node.marks())))
                for node in demo_pdf.tree.walk() if re.fullmatch(r"H[1-6]", node.role)]  # fmt: skip
    reader = PdfReader(io.BytesIO(demo_pdf.data))

    def flat(outline: list, depth: int = 0) -> Iterator[tuple[int, str]]:
        for item in outline:
            if isinstance(item, list):
                yield from flat(item, depth + 1)
            else:
                yield depth, words(item.title)

    assert headings == list(flat(reader.outline))
    assert headings[0] == (0, "Contents") and sum(level == 0 for level, _ in headings) > 5


def test_every_chart_has_one_alt_its_description(annual: Tagged) -> None:
    figures = annual.tree.of("Figure")
    captions = [words(annual.text(c.marks())) for c in annual.tree.of("Caption")]
    assert len(figures) == sum(c.startswith("Figure ") for c in captions) == 8
    for figure in figures:
        assert figure.alt and re.match(r"(Bar|Grouped bar|Line) chart of .+ the largest is ", figure.alt), figure.alt
        assert len(list(figure.marks())) == 1


def test_every_picture_and_chart_has_one_alt(features: Tagged) -> None:
    """A picture's alt text, the logo's name, a chart's one-sentence description."""
    alts = [figure.alt for figure in features.tree.of("Figure")]
    assert alts == ["Office of the Police and Crime Commissioner logo", "Sam at work", "A picture of the office",
                    CHART.alt_text()]  # fmt: skip
    assert all(len(list(figure.marks())) == 1 for figure in features.tree.of("Figure"))


def test_a_chart_is_a_figure_with_its_caption_and_data_table(annual: Tagged) -> None:
    for figure in annual.tree.of("Figure"):
        group = next(node for node in annual.tree.walk() if figure in node.kids)
        roles = [kid.role for kid in group.kids if isinstance(kid, Node)]
        assert group.role == "Div" and roles[:3] == ["Caption", "Figure", "Table"], roles


def test_tables_have_header_cells_with_scope(demo_pdf: Tagged) -> None:
    tables = demo_pdf.tree.of("Table")
    assert tables
    for table in tables:
        sections = [kid.role for kid in table.kids if isinstance(kid, Node)]
        assert sections in (["THead", "TBody"], ["Caption", "THead", "TBody"]), sections
        for head_cell in table.of("THead")[0].walk():
            if head_cell.role in ("TH", "TD"):
                assert head_cell.role == "TH" and head_cell.attributes["/Scope"] == "/Column"
        for cell in table.of("TBody")[0].walk():
            if cell.role == "TH":
                assert cell.attributes["/Scope"] == "/Row"
                row = next(r for r in table.of("TR") if cell in r.kids)
                assert row.kids[0] is cell  # a row's header is its first cell
    assert any(cell.role == "TH" for table in tables for cell in table.of("TBody")[0].walk())


def captioned(pdf: Tagged, caption: str) -> Node:
    return next(table for table in pdf.tree.of("Table")
                if table.kids[0].role == "Caption" and caption in pdf.text(table.kids[0].marks()))  # fmt: skip


def test_merged_cells_span_their_columns(features: Tagged) -> None:
    grouped = captioned(features, "Grouped")
    head, body = grouped.of("TR")[0], grouped.of("TR")[3]
    assert [cell.attributes.get("/ColSpan") for cell in head.kids] == [None, "2", "2"]
    assert [cell.role for cell in body.kids] == ["TH", "TD"] and body.kids[1].attributes["/ColSpan"] == "4"


def test_a_continued_table_repeats_its_header_as_an_artifact(features: Tagged) -> None:
    long = captioned(features, "Long")
    assert len(long.of("THead")) == 1 and len(long.of("THead")[0].of("TR")) == 1
    assert len(long.of("TBody")[0].of("TR")) == 90
    pages = sorted({mark.page for mark in long.marks()})
    assert len(pages) >= 2
    for number in pages[1:]:
        artifacts = lines([ch for ch in features.chars[number] if ch["tag"] == "Artifact"])
        assert "Category" in artifacts and "Value" in artifacts
    assert "Category" not in features.text(m for m in long.marks() if m.page > pages[0])


def test_a_paragraph_split_between_pages_is_one_element(features: Tagged) -> None:
    split = [p for p in features.tree.of("P") if len({mark.page for mark in p.marks()}) > 1]
    assert split and all(p.many for p in split)


def test_lists_quotes_boxes_notes_and_contents(features: Tagged) -> None:
    tree = features.tree
    for items in tree.of("L"):
        assert all(kid.role == "LI" for kid in items.kids)
        assert all([k.role for k in item.kids] == ["Lbl", "LBody"] for item in items.kids)
    numbered = tree.of("L")[0]
    assert numbered.attributes["/ListNumbering"] == "/Decimal"
    assert [words(features.text(item.kids[0].marks())) for item in numbered.kids] == ["1.", "2."]
    quote = tree.of("BlockQuote")[0]
    assert [words(features.text(p.marks())) for p in quote.kids] == ["Quoted words.", "\u2014 Someone"]
    boxes = tree.of("Div")
    case_study = next(box for box in boxes if "Case study: Helping Sam" in features.text(box.marks()))
    assert [kid.role for kid in case_study.kids] == ["P", "P", "Figure", "P"]
    note = next(box for box in boxes if "A note with a" in features.text(box.marks()))
    assert [kid.role for kid in note.kids] == ["P", "L"]
    toc = tree.of("TOC")[0]
    assert all(item.role == "TOCI" and [k.role for k in item.kids] == ["Link"] for item in toc.kids)
    first = toc.kids[0].kids[0]
    assert re.fullmatch(r"1 Features[ .]*3", words(features.text(first.marks())))
    assert sum(isinstance(kid, Objr) for kid in first.kids) == 2  # its text's link and its leader's


def test_furniture_is_artifacts(demo_pdf: Tagged) -> None:
    """The running header (title and period) and footer (office, page number) are never in
    the structure."""
    for number, chars in enumerate(demo_pdf.chars[1:], start=1):
        furniture = "".join(ch["text"] for ch in chars if ch["tag"] == "Artifact")
        assert f"Page {number + 1} of {len(demo_pdf.chars)}" in furniture
        assert "Performance and Delivery Update" in furniture or "Equality" in furniture
    tagged = demo_pdf.text(demo_pdf.tree.marks())
    assert "Page 2 of" not in tagged


def test_the_draft_watermark_is_an_artifact(demo_path: Path, tmp_path: Path) -> None:
    draft = read(export(demo_path, tmp_path / "draft.pdf", "performance-update", 2, "--draft"))
    for chars in draft.chars:
        big = [ch for ch in chars if ch["bottom"] - ch["top"] > 100]  # the diagonal DRAFT
        assert big and all(ch["tag"] == "Artifact" for ch in big)


# -- links ------------------------------------------------------------------------------------------------


def test_links_are_link_elements_with_their_annotations(features: Tagged) -> None:
    with pikepdf.open(io.BytesIO(features.data)) as pdf:
        tree = structure(pdf)
        nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
        parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        links = tree.of("Link")
        owners = {objr.annotation: link for link in links for objr in link.kids if isinstance(objr, Objr)}
        annotations = [a for p in pdf.pages for a in p.get("/Annots", [])]
        assert annotations and len(owners) == len(annotations)
        for annotation in annotations:
            link = owners[annotation.objgen]
            assert parents[int(annotation.StructParent)].objgen == link.objgen
            assert str(annotation.Contents).strip()
            assert int(annotation.F) == 4
        texts = {words(features.text(link.marks())): link for link in links}
        website = pdf.get_object(texts["our website"].kids[-1].annotation)
        assert website.Contents == "our website" and website.A.URI == "https://example.org/a"
        assert "it again" in texts and "A paragraph that is one link" in texts
        long = texts[words(LONG_LINK)]
        assert len([k for k in long.kids if isinstance(k, Objr)]) >= 2  # one annotation a line
        assert "here" in texts  # a table cell's link


# -- catalogue, metadata, fonts ------------------------------------------------------------------------------


def test_catalogue_pages_and_metadata(demo_pdf: Tagged) -> None:
    with pikepdf.open(io.BytesIO(demo_pdf.data)) as pdf:
        root = pdf.Root
        assert root.Lang == "en-GB"
        assert root.MarkInfo.Marked is True
        assert root.ViewerPreferences.DisplayDocTitle is True
        assert all(p.Tabs == "/S" and int(p.StructParents) == n for n, p in enumerate(pdf.pages))
        info = pdf.trailer.Info
        assert info.CreationDate == info.ModDate == "D:20220714000000+00'00'"
        with pdf.open_metadata() as meta:
            assert meta["pdfuaid:part"] == "1"
            assert meta["dc:title"] == str(info.Title)
            assert meta["pdf:Producer"] == str(info.Producer)
            assert meta["xmp:CreateDate"] == meta["xmp:ModifyDate"] == "2022-07-14T00:00:00Z"


def test_without_a_publication_date_the_dates_are_fixed() -> None:
    doc = ReportDocument("Undated", office="Office")
    doc.section("One")
    doc.paragraphs("Text.")
    data = doc.to_bytes()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.trailer.Info.CreationDate == "D:20000101000000+00'00'"
        with pdf.open_metadata() as meta:
            assert meta["xmp:CreateDate"] == "2000-01-01T00:00:00Z"
    assert doc.to_bytes() == data


def test_same_data_and_date_give_the_same_bytes(demo_path: Path, tmp_path: Path, update: Tagged) -> None:
    again = export(demo_path, tmp_path / "again.pdf", "performance-update", 4, "--published", PUBLISHED)
    assert again == update.data
    later = export(demo_path, tmp_path / "later.pdf", "performance-update", 4, "--published", "2022-08-01")
    assert later != update.data and b"D:20220801000000" in later


def test_every_font_maps_every_code_it_uses_to_unicode(demo_pdf: Tagged) -> None:
    with pikepdf.open(io.BytesIO(demo_pdf.data)) as pdf:
        fonts = {font.objgen: font for p in pdf.pages for font in p.Resources.Font.values()}
        assert fonts
        for font in fonts.values():
            cmap = font.ToUnicode.read_bytes().decode("latin-1")
            assert "<0000>" not in cmap and "beginbfchar" in cmap


def test_to_unicode_maps_only_used_codes_in_blocks_of_100() -> None:
    subset = [0, *range(0x41, 0x41 + 120), 0x1F600]
    cmap = to_unicode_cmap("AAAAAA+Face", subset)
    assert "100 beginbfchar" in cmap and "21 beginbfchar" in cmap
    mapped = re.findall(r"^<([0-9A-F]{2})> <([0-9A-F]+)>$", cmap, flags=re.MULTILINE)
    assert ("00", "79") in mapped  # the code space
    assert [code for code, _ in mapped[1:]] == [f"{code:02X}" for code in range(1, 122)]  # code 0: unused
    assert ("79", "D83DDE00") in mapped  # beyond the BMP: a surrogate pair
