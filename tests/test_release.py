"""Draft and final editions, through the command line: a draft shows DRAFT on every page and
a placeholder where text is missing; a final edition shows no placeholder, leaves an empty
optional section out (contents too) and is refused while a required one is empty; which
sections are required is a setting. Plus the release furniture (cover dates, main points,
about these statistics, contact) and the tables as a spreadsheet."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import DEMO_PASSPHRASE
from pypdf import PdfReader

from opcc_desktop.areas import narrative, settings
from opcc_desktop.store.workbook import Workbook
from ui.cli import main

YEAR = "2021/22"
PLACEHOLDERS = ("No text has been written", "No introduction has been written", "No commentary recorded",
                "No delivery update has been written", "No conclusion has been written")  # fmt: skip


@pytest.fixture
def office(demo_path: Path, tmp_path: Path) -> Path:
    """A copy of the demo to change."""
    path = tmp_path / "office.opcc"
    shutil.copy(demo_path, path)
    return path


def export(book: Path, out: Path, *args: str):
    return CliRunner().invoke(main, ["report", str(book), "--year", YEAR, *args, "-o", str(out)],
                              env={"OPCC_PASSPHRASE": DEMO_PASSPHRASE})  # fmt: skip


def pages(path: Path) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages]


def edit(book: Path, *changes) -> None:
    with Workbook.open(book, DEMO_PASSPHRASE) as wb:
        for action, *args in changes:
            action(wb, *args)


def test_a_final_edition_prints_no_placeholder_and_names_its_release(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "annual.pdf"
    result = export(demo_path, out, "--report", "annual-equality", "--published", "2022-07-14",
                    "--next-update", "13 July 2023")  # fmt: skip
    assert result.exit_code == 0, result.output
    text = pages(out)
    assert "Published: 14 July 2022" in text[0] and "Next update: 13 July 2023" in text[0]
    assert not any("DRAFT" in page for page in text)
    whole = " ".join(text)
    assert not any(placeholder in whole for placeholder in PLACEHOLDERS)
    for part in ("Main points", "About these statistics", "Protecting small numbers", "Revisions", "Contact"):
        assert part in whole
    assert "Source: Commissioned services' quarterly monitoring returns, 2021-2022. Base:" in whole


def test_a_draft_is_marked_on_every_page_and_shows_what_is_missing(office: Path, tmp_path: Path) -> None:
    edit(office, (narrative.set_narrative, "performance-update", YEAR, "conclusion", None, 2))
    out = tmp_path / "draft.pdf"
    result = export(office, out, "--report", "performance-update", "--quarter", "2", "--draft")
    assert result.exit_code == 0, result.output
    text = pages(out)
    assert all("DRAFT" in page for page in text)
    assert "Published:" not in text[0]
    assert "No conclusion has been written for Quarter 2 2021/22" in " ".join(text)


def test_a_final_edition_is_refused_while_a_required_section_is_empty(office: Path, tmp_path: Path) -> None:
    edit(office, (narrative.set_narrative, "annual-equality", YEAR, "governance", None, 0),
         (narrative.set_narrative, "annual-equality", YEAR, "conclusion", None, 0))
    out = tmp_path / "annual.pdf"
    result = export(office, out, "--report", "annual-equality")
    assert result.exit_code != 0
    assert "required sections have no text" in result.output
    assert "Governance and oversight update (governance)" in result.output
    assert "Conclusion (conclusion)" in result.output
    assert not out.exists()
    assert export(office, out, "--report", "annual-equality", "--draft").exit_code == 0


def test_an_empty_optional_section_is_left_out_heading_and_contents_line(office: Path, tmp_path: Path) -> None:
    edit(office, (narrative.set_narrative, "annual-equality", YEAR, "governance", None, 0),
         (settings.set_setting, "documents.required.annual-equality", "introduction, conclusion"))
    out = tmp_path / "annual.pdf"
    result = export(office, out, "--report", "annual-equality")
    assert result.exit_code == 0, result.output
    whole = " ".join(pages(out))
    assert "Governance and oversight update" not in whole  # neither in the contents nor as a heading
    assert "No text has been written" not in whole
    assert "2 Introduction" in whole and "3 Workforce Monitoring" in whole  # the numbering closes up


def test_required_sections_are_a_setting_checked_on_entry(office: Path) -> None:
    from opcc_desktop.errors import ValidationError

    with Workbook.open(office, DEMO_PASSPHRASE) as wb:
        with pytest.raises(ValidationError, match="not a section of the performance-update document"):
            settings.set_setting(wb, "documents.required.performance-update", "introduction, governance")
        settings.set_setting(wb, "documents.required.performance-update", " Conclusion,commentary ")
        assert settings.settings(wb)["documents.required.performance-update"] == "conclusion, commentary"


def test_required_commentary_names_each_group_without_it(office: Path, tmp_path: Path) -> None:
    edit(office, (settings.set_setting, "documents.required.performance-update", "commentary"))
    result = export(office, tmp_path / "q4.pdf", "--report", "performance-update", "--quarter", "4")
    assert result.exit_code != 0
    assert "Commentary on Public Confidence (commentary)" in result.output


def test_a_draft_cannot_be_published(demo_path: Path, tmp_path: Path) -> None:
    result = export(demo_path, tmp_path / "x.pdf", "--report", "annual-equality", "--draft", "--publish")
    assert result.exit_code != 0 and "A draft cannot be recorded as published" in result.output


def test_the_tables_travel_with_the_pdf_and_beside_the_html(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "update.pdf"
    result = export(demo_path, out, "--report", "performance-update", "--quarter", "3", "--tables")
    assert result.exit_code == 0, result.output
    data = (tmp_path / "update.xlsx").read_bytes()
    assert PdfReader(out).attachments == {"update.xlsx": [data]}
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames[:3] == ["Cover", "Contents", "Notes"]
    assert any(name.startswith("Table_") for name in book.sheetnames)
    html = tmp_path / "update.html"
    result = export(demo_path, html, "--report", "performance-update", "--quarter", "3", "--tables",
                    "--format", "html")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert 'href="update.xlsx"' in html.read_text(encoding="utf-8")


def test_the_analysis_function_symbols_are_an_option_for_every_table(office: Path, tmp_path: Path) -> None:
    edit(office, (settings.set_setting, "cells.symbols", "analysis-function"))
    annual, update = tmp_path / "annual.pdf", tmp_path / "update.pdf"
    assert export(office, annual, "--report", "annual-equality").exit_code == 0
    assert export(office, update, "--report", "performance-update", "--quarter", "4").exit_code == 0
    annual_text, update_text = " ".join(pages(annual)), " ".join(pages(update))
    for text in (annual_text, update_text):
        assert "[c]" in text and " * " not in text  # the suppression symbol follows the option
    assert "[x]" in annual_text and " n/a " not in annual_text  # not collected, in the services' tables
    assert "[x]" in update_text  # a KPI quarter without a figure


def test_a_figure_the_narrative_gives_is_not_generated_again(office: Path, tmp_path: Path) -> None:
    edit(office, (narrative.set_narrative, "performance-update", YEAR, "delivery",
                  "- Divert is backed by **£1.009M in funding** over three years", 4))
    out = tmp_path / "q4.pdf"
    assert export(office, out, "--report", "performance-update", "--quarter", "4").exit_code == 0
    whole = " ".join(pages(out))
    assert whole.count("£1.009M") == 1  # the officers' sentence, not a generated headline beside it


def test_the_internal_pack_never_writes_its_tables_as_a_spreadsheet(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "pack.pdf"
    result = export(demo_path, out, "--report", "workforce-pack", "--tables")
    assert result.exit_code != 0 and "internal" in result.output
    assert not out.exists() and not (tmp_path / "pack.xlsx").exists()


def test_a_draft_shows_its_generated_main_points_and_marks_its_spreadsheet(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "draft.pdf"
    assert export(demo_path, out, "--report", "annual-equality", "--draft", "--tables").exit_code == 0
    whole = " ".join(pages(out))
    assert "participants" in whole.split("Main points", 2)[2][:600]  # the bullets, not a placeholder
    book = openpyxl.load_workbook(tmp_path / "draft.xlsx")
    assert book.properties.title.startswith("DRAFT")


def test_the_offices_details_make_the_contact_block_of_both_documents(office: Path, tmp_path: Path) -> None:
    details = {"office.address": "Police Headquarters\nAyresome Way\nMiddlesbrough TS1 2AA",
               "office.telephone": "01642 301653", "office.email": "pcc@cleveland.police.uk",
               "office.website": "https://www.cleveland.pcc.police.uk",
               "office.holders": "Police and Crime Commissioner: A Person\nChief of Staff: B Person"}  # fmt: skip
    edit(office, *((settings.set_setting, key, value) for key, value in details.items()))
    for args in (["--report", "annual-equality"], ["--report", "performance-update", "--quarter", "4"]):
        pdf, html = tmp_path / "edition.pdf", tmp_path / "edition.html"
        assert export(office, pdf, *args).exit_code == 0
        assert export(office, html, *args, "--format", "html").exit_code == 0
        back = pages(pdf)[-1]
        for part in ("Ayresome Way", "Middlesbrough TS1 2AA", "Telephone: 01642 301653",
                     "Email: pcc@cleveland.police.uk", "Chief of Staff: B Person"):  # fmt: skip
            assert part in back
        links = [a.get("/A", {}).get("/URI") for page in PdfReader(pdf).pages for a in
                 (ref.get_object() for ref in page.get("/Annots", []))]  # fmt: skip
        assert "mailto:pcc@cleveland.police.uk" in links and "https://www.cleveland.pcc.police.uk" in links
        assert 'href="mailto:pcc@cleveland.police.uk"' in html.read_text(encoding="utf-8")


def test_office_details_are_checked_on_entry(office: Path) -> None:
    from opcc_desktop.errors import ValidationError

    with Workbook.open(office, DEMO_PASSPHRASE) as wb:
        with pytest.raises(ValidationError, match="not an email address"):
            settings.set_setting(wb, "office.email", "pcc at cleveland")
        with pytest.raises(ValidationError, match="not a web address"):
            settings.set_setting(wb, "office.website", "javascript:alert(1)")


def test_the_commissioners_foreword_opens_the_annual_report_when_written(office: Path, tmp_path: Path) -> None:
    out = tmp_path / "annual.pdf"
    assert export(office, out, "--report", "annual-equality").exit_code == 0
    assert "Message from the Commissioner" not in " ".join(pages(out))  # optional: left out while empty
    edit(office, (narrative.set_narrative, "annual-equality", YEAR, "foreword",
                  "This year the Office listened to **every community**.\n\nSteve Turner, Commissioner", 0))
    assert export(office, out, "--report", "annual-equality").exit_code == 0
    text = pages(out)
    assert "1 Message from the Commissioner" in text[1] and "2 Main points" in text[1]  # the contents
    assert text[2].index("1 Message from the Commissioner") < text[2].index("2 Main points")
    assert "Steve Turner, Commissioner" in text[2]
