"""Documents officers can shape: each document's outline is data. Sections are added,
renamed, reordered and removed per year, each as one undoable edit; parts worked out from the
figures can be moved and renamed but never removed; the documents print the outline as
shaped (text, order, contents, bookmarks; PDF and HTML); the exchange workbook carries it."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from conftest import DEMO_PASSPHRASE, dump
from pypdf import PdfReader

from opcc_desktop.areas import narrative, outline
from opcc_desktop.areas.outline import DEFAULT_OUTLINES
from opcc_desktop.documents.export import export_report
from opcc_desktop.documents.preflight import preflight
from opcc_desktop.documents.release import Release
from opcc_desktop.errors import ImportRefused, ValidationError
from opcc_desktop.exchange.export import export_data
from opcc_desktop.exchange.load import import_exchange
from opcc_desktop.exchange.sources import read
from opcc_desktop.store.workbook import Workbook

YEAR = "2021/22"
ANNUAL, UPDATE = "annual-equality", "performance-update"
DRAFT = Release(draft=True)


@pytest.fixture
def book(demo_path: Path, tmp_path: Path):
    path = tmp_path / "shaped.opcc"
    shutil.copy(demo_path, path)
    with Workbook.open(path, DEMO_PASSPHRASE) as wb:
        yield wb


def keys(wb: Workbook, report: str = ANNUAL, year: str = YEAR) -> list[str]:
    return [part.key for part in outline.outline(wb, report, year)]


def pdf_text(path: Path) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages)


def bookmarks(path: Path) -> list[str]:
    reader = PdfReader(path)
    found: list[str] = []

    def walk(items: list) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.append(item.title)

    walk(reader.outline)
    return found


# -- the outline as data -----------------------------------------------------------------------
def test_a_year_nobody_shaped_has_the_default_outline(book) -> None:
    assert keys(book) == [p.key for p in DEFAULT_OUTLINES[ANNUAL]]
    assert outline.outline(book, ANNUAL, YEAR)[0].title == "Message from the Commissioner"


def test_add_rename_move_and_remove_each_one_undoable_edit(book) -> None:
    before = dump(book)
    edits = [
        outline.add_section(book, ANNUAL, YEAR, "Our partners", after="introduction"),
        outline.rename_section(book, ANNUAL, YEAR, "governance", "How we are held to account"),
        outline.move_section(book, ANNUAL, YEAR, "conclusion", 2),
        outline.remove_section(book, ANNUAL, YEAR, "achievements"),
    ]
    parts = outline.outline(book, ANNUAL, YEAR)
    assert [p.key for p in parts] == ["foreword", "main_points", "conclusion", "introduction", "our_partners",
                                      "governance", "workforce", "services", "goals"]
    assert dict((p.key, p.title) for p in parts)["governance"] == "How we are held to account"
    for changes in reversed(edits):
        book.revert(changes.edit_id)
    assert dump(book) == before


def test_removing_a_section_removes_its_text_and_undo_brings_both_back(book) -> None:
    narrative.set_narrative(book, UPDATE, YEAR, "conclusion", "To conclude.", 2)
    before = dump(book)
    changes = outline.remove_section(book, UPDATE, YEAR, "conclusion")
    assert "conclusion" not in keys(book, UPDATE)
    assert not book.rows("SELECT 1 FROM narratives WHERE report = ? AND financial_year = ? AND section = ?",
                         [UPDATE, YEAR, "conclusion"])
    with pytest.raises(ValidationError, match="conclusion"):
        narrative.set_narrative(book, UPDATE, YEAR, "conclusion", "Again.", 2)
    book.revert(changes.edit_id)
    assert dump(book) == before


@pytest.mark.parametrize("report, key", [(ANNUAL, "workforce"), (ANNUAL, "goals"), (UPDATE, "performance"),
                                         ("workforce-pack", "leave")])
def test_a_part_worked_out_from_the_figures_cannot_be_removed(book, report, key) -> None:
    before = dump(book)
    with pytest.raises(ValidationError, match="worked out from the figures"):
        outline.remove_section(book, report, YEAR, key)
    assert dump(book) == before
    outline.rename_section(book, report, YEAR, key, "Renamed")  # but it can be renamed and moved
    outline.move_section(book, report, YEAR, key, 0)
    assert outline.outline(book, report, YEAR)[0].title == "Renamed"


@pytest.mark.parametrize("parts, message", [
    ([("foreword", "")], "missing"),
    ([("foreword", "Two\nlines")], "more than one line"),
    ([("foreword", "x" * 121)], "too long"),
    ([("Bad Key", "Title")], "not a name a section can have"),
    ([("consultation", "Title")], "not a name a section can have"),  # a slot nested in the services
    ([("commentary", "Title")], "not a name a section can have"),
    ([("foreword", "A"), ("foreword", "B")], "appears twice"),
])
def test_a_bad_outline_is_refused_whole_and_changes_nothing(book, parts, message) -> None:
    generated = [(p.key, p.title) for p in DEFAULT_OUTLINES[ANNUAL] if p.generated]
    before = dump(book)
    with pytest.raises(ValidationError, match=message):
        outline.set_outline(book, ANNUAL, YEAR, [*parts, *generated])
    assert dump(book) == before


def test_a_new_section_gets_a_key_of_its_own(book) -> None:
    outline.add_section(book, ANNUAL, YEAR, "Introduction")  # a title the document already has
    outline.add_section(book, ANNUAL, YEAR, "Introduction")
    outline.add_section(book, ANNUAL, YEAR, "2023: a year of change")
    outline.add_section(book, ANNUAL, YEAR, "Équipe")
    assert keys(book)[-4:] == ["introduction_2", "introduction_3", "s_2023_a_year_of_change", "quipe"]


def test_next_year_starts_from_the_outline_last_shaped(book) -> None:
    outline.add_section(book, ANNUAL, "2020/21", "Our partners")
    assert "our_partners" in keys(book, year="2021/22")
    assert "our_partners" in keys(book, year="2022/23")
    outline.remove_section(book, ANNUAL, "2021/22", "our_partners")  # the year shaped on its own now
    assert "our_partners" in keys(book, year="2020/21")
    assert "our_partners" not in keys(book, year="2022/23")


def test_pre_flight_names_empty_sections_by_their_printed_titles(book) -> None:
    outline.add_section(book, ANNUAL, YEAR, "Our partners")
    found = [str(f) for f in preflight(book, ANNUAL, YEAR)]
    assert "Narrative: the 'Our partners' section has no text for 2021/22" in found
    narrative.set_narrative(book, ANNUAL, YEAR, "our_partners", "We work with many partners.")
    assert not any("Our partners" in str(f) for f in preflight(book, ANNUAL, YEAR))


# -- the documents print it ----------------------------------------------------------------------
def shape_annual(book) -> None:
    """An added, a renamed, a reordered and a removed section, each with text to find."""
    outline.add_section(book, ANNUAL, YEAR, "Working with partners", after="governance")
    narrative.set_narrative(book, ANNUAL, YEAR, "working_with_partners", "Partnership text ZEBRA.")
    outline.rename_section(book, ANNUAL, YEAR, "achievements", "What we achieved")
    narrative.set_narrative(book, ANNUAL, YEAR, "achievements", "Achievement text YAK.")
    outline.move_section(book, ANNUAL, YEAR, "conclusion", 3)  # after the introduction
    narrative.set_narrative(book, ANNUAL, YEAR, "conclusion", "Conclusion text XERUS.")
    narrative.set_narrative(book, ANNUAL, YEAR, "governance", "Governance text WOMBAT.")
    outline.remove_section(book, ANNUAL, YEAR, "governance")
    outline.rename_section(book, ANNUAL, YEAR, "workforce", "Our people")


def test_the_annual_report_prints_the_shaped_outline(book, tmp_path: Path) -> None:
    shape_annual(book)
    out = export_report(book, ANNUAL, YEAR, None, tmp_path / "annual.pdf")
    text = pdf_text(out)
    body = text[text.index("Conclusion text XERUS"):]
    assert body.index("Conclusion text XERUS") < body.index("Partnership text ZEBRA") < body.index("Our people") \
        < body.index("Achievement text YAK")
    assert "WOMBAT" not in text and "Governance and oversight update" not in text
    contents = PdfReader(out).pages[1].extract_text()
    for entry in ("Conclusion", "Working with partners", "Our people", "What we achieved"):
        assert entry in contents
    marks = bookmarks(out)
    numbered = [m for m in marks if m[:1].isdigit()]
    assert [m.split(" ", 1)[1] for m in numbered[:5]] == [
        "Main points", "Introduction", "Conclusion", "Working with partners", "Our people"]
    assert any(m.endswith("What we achieved") for m in marks)


def test_the_html_edition_prints_the_shaped_outline(book, tmp_path: Path) -> None:
    shape_annual(book)
    html = export_report(book, ANNUAL, YEAR, None, tmp_path / "annual.html", fmt="html").read_text()
    html = html[html.index("<main"):]
    assert html.index("Conclusion text XERUS") < html.index("Partnership text ZEBRA") < html.index("Our people")
    assert "WOMBAT" not in html and "What we achieved" in html


def test_the_update_prints_its_shaped_outline_and_a_draft_shows_the_empty_sections(book, tmp_path: Path) -> None:
    outline.add_section(book, UPDATE, YEAR, "Community engagement", after="introduction")
    outline.move_section(book, UPDATE, YEAR, "delivery", 1)
    outline.rename_section(book, UPDATE, YEAR, "performance", "How we performed")
    draft = pdf_text(export_report(book, UPDATE, YEAR, 2, tmp_path / "draft.pdf", release=DRAFT))
    assert "Community engagement No text has been written for this section" in draft
    final = export_report(book, UPDATE, YEAR, 2, tmp_path / "final.pdf")
    text = pdf_text(final)
    assert "Community engagement" not in text  # empty and optional: left out of a final edition
    narrative.set_narrative(book, UPDATE, YEAR, "community_engagement", "We met residents QUOKKA.", 2)
    text = pdf_text(export_report(book, UPDATE, YEAR, 2, tmp_path / "final2.pdf"))
    body = text[text.index("Main points", 800):]
    assert body.index("Delivery update") < body.index("Introduction") < body.index("QUOKKA")


def test_the_workforce_pack_prints_its_shaped_outline(book, tmp_path: Path) -> None:
    outline.add_section(book, "workforce-pack", YEAR, "Actions agreed", after="summary")
    narrative.set_narrative(book, "workforce-pack", YEAR, "actions_agreed", "Action text IBEX.")
    outline.move_section(book, "workforce-pack", YEAR, "observations", 0)
    out = export_report(book, "workforce-pack", YEAR, None, tmp_path / "pack.pdf")
    marks = [m for m in bookmarks(out) if m[:1].isdigit()]
    assert [m.split(" ", 1)[1] for m in marks[:3]] == ["Observations", "Summary", "Actions agreed"]
    assert "Action text IBEX" in pdf_text(out)


# -- the exchange workbook carries it --------------------------------------------------------------
def test_the_outline_goes_out_and_comes_back_with_the_exchange_workbook(book, wb, tmp_path: Path) -> None:
    shape_annual(book)
    export_data(book, tmp_path / "out.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx")["outline"]
    assert [c.value for c in sheet[1]] == ["report", "financial_year", "position", "section", "title"]
    import_exchange(wb, read(tmp_path / "out.xlsx"))
    assert outline.outline(wb, ANNUAL, YEAR) == outline.outline(book, ANNUAL, YEAR)
    assert narrative_text(wb, "working_with_partners") == "Partnership text ZEBRA."


def narrative_text(wb: Workbook, section: str) -> str:
    return wb.scalar("SELECT text FROM narratives WHERE report = ? AND financial_year = ? AND section = ?",
                     [ANNUAL, YEAR, section])


def test_an_exchange_outline_without_a_generated_part_is_refused(book, wb, tmp_path: Path) -> None:
    shape_annual(book)
    export_data(book, tmp_path / "out.xlsx")
    workbook = openpyxl.load_workbook(tmp_path / "out.xlsx")
    sheet = workbook["outline"]
    for row in range(sheet.max_row, 1, -1):
        if sheet.cell(row, 4).value == "goals":
            sheet.delete_rows(row)
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, 4).value == "working_with_partners":
            sheet.cell(row, 4).value = "Working With Partners"
    workbook.save(tmp_path / "bad.xlsx")
    before = dump(wb)
    with pytest.raises(ImportRefused) as refused:
        import_exchange(wb, read(tmp_path / "bad.xlsx"))
    message = str(refused.value)
    assert "goals" in message and "worked out from the figures" in message
    assert "Working With Partners" in message
    assert dump(wb) == before
