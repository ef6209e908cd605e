"""The Commissioner's report to the Police and Crime Panel, exported from the demo through the
command line and read back: its cover (title, meeting, period), numbered paragraphs members can
cite, the performance summary and Appendix A, the quarter's KPI tables exactly as the update
prints them from the same disclosure plan (a figure the update hides is hidden here too), the
office's contact block, the outline as the officers shaped it, and the meeting date a final
edition cannot go without."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner
from conftest import DEMO_PASSPHRASE
from pypdf import PdfReader

from opcc_desktop.areas import kpis, narrative, outline, settings
from opcc_desktop.documents import panel_report, performance_update
from opcc_desktop.documents.preflight import preflight
from opcc_desktop.documents.release import Release, next_edition
from opcc_desktop.errors import ValidationError
from opcc_desktop.figures import public_plan, publishable
from opcc_desktop.store.workbook import Workbook
from ui.cli import main

YEAR = "2021/22"
PANEL, UPDATE = "panel-report", "performance-update"
MEETING = ("--meeting", "2022-09-14")
TITLE = "Report of the Police and Crime Commissioner to the Chair and Members of the Police and Crime Panel"
# KPI rows by the start of their name (a long name wraps in its column)
ROWS = ("Number of 999 calls received", "Number of Police Officers", "Number of drone deployments",
        "Number of stop and searches", "Complaint allegations:")  # fmt: skip
HIDDEN = "Complaint allegations: discriminatory behaviour"  # counts people (complainants)
FIGURES = re.compile(r"(?: (?:[\d,.]+%?|\*|-)){5,}$")  # a row's figures, ending its first line


@pytest.fixture
def office(demo_path: Path, tmp_path: Path) -> Path:
    """A copy of the demo to change."""
    path = tmp_path / "office.opcc"
    shutil.copy(demo_path, path)
    return path


def export(book: Path, out: Path, *args: str, report: str = PANEL, quarter: int = 4):
    return CliRunner().invoke(main, ["report", str(book), "--report", report, "--year", YEAR, "--quarter",
                                     str(quarter), *args, "-o", str(out)],
                              env={"OPCC_PASSPHRASE": DEMO_PASSPHRASE})  # fmt: skip


def pages(path: Path) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages]


def html_text(path: Path) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")).split())


def rows_of(path: Path, starts: tuple[str, ...]) -> dict[str, list[str]]:
    """For each start, the first lines of the KPI table rows whose name begins with it
    (pdfplumber keeps a row's figures on the line its name starts)."""
    with pdfplumber.open(path) as pdf:
        lines = [line for page in pdf.pages for line in (page.extract_text() or "").splitlines()]
    found = {start: [line for line in lines if line.startswith(start) and FIGURES.search(line)] for start in starts}
    assert all(found.values()), found
    return found


def edit(book: Path, *changes) -> None:
    with Workbook.open(book, DEMO_PASSPHRASE) as wb:
        for action, *args in changes:
            action(wb, *args)


# -- the cover and the numbered paragraphs ------------------------------------------------------


def test_the_cover_names_the_meeting_the_period_and_the_office(demo_path: Path, tmp_path: Path) -> None:
    pdf, html = tmp_path / "panel.pdf", tmp_path / "panel.html"
    for out, fmt in ((pdf, "pdf"), (html, "html")):
        result = export(demo_path, out, *MEETING, "--published", "2022-09-07", "--format", fmt)
        assert result.exit_code == 0, result.output
    for cover in (pages(pdf)[0], html_text(html)):
        assert TITLE in cover
        assert "Meeting of 14 September 2022" in cover and "Quarter 4 2021/22 (January to March 2022)" in cover
        assert "Office of the Police and Crime Commissioner for Cleveland" in cover
        assert "Published: 7 September 2022" in cover
        assert "Next update: the Quarter 1 2022/23 report to the Panel, date to be announced" in cover
    assert PdfReader(pdf).metadata.title == TITLE


def test_every_paragraph_of_its_sections_is_numbered_from_the_purpose(demo_path: Path, tmp_path: Path) -> None:
    pdf, html = tmp_path / "panel.pdf", tmp_path / "panel.html"
    assert export(demo_path, pdf, *MEETING).exit_code == 0
    assert export(demo_path, html, *MEETING, "--format", "html").exit_code == 0
    text = pages(pdf)
    contents = text[1]
    assert contents.index("1 Purpose of the Report") < contents.index("2 Background") < contents.index(
        "3 Performance against the Police and Crime Plan") < contents.index("4 Delivery update") < contents.index(
        "5 Recommendations") < contents.index("Appendix A: Performance tables")  # fmt: skip
    body = re.sub(r"^.*? Page 3 of \d+ ", "", text[2])  # after the running header and footer
    assert body.startswith("1 Purpose of the Report 1.1 To update the Police and Crime Panel")
    whole = " ".join(text)
    for said in ("2.1 The Police Reform and Social Responsibility Act 2011", "2.2 The Police and Crime Plan",
                 "4.1 Victims and witnesses 4.1.1 The new contracts", "4.1.2 The Victims Needs Assessment",
                 "4.2 Reducing offending 4.2.1 Divert", "5.1 That the Panel notes the content of this report."):
        assert said in whole  # fmt: skip
    page = html.read_text(encoding="utf-8")
    assert re.search(r'<span class="para-number"[^>]*>1\.1</span>\s*To update the Police', page)
    assert re.search(r'<span class="para-number"[^>]*>4\.1\.1</span>\s*The new contracts', page)


def test_the_performance_section_summarises_each_outcome_from_the_updates_figures(demo_path: Path) -> None:
    with Workbook.open(demo_path, DEMO_PASSPHRASE, readonly=True) as wb:
        document = panel_report.build(wb, YEAR, 4, release=Release(meeting="14 September 2022"))
        update = performance_update.build(wb, YEAR, 4)
    with pdfplumber.open(io.BytesIO(document.to_bytes())) as pdf:
        whole = " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)
    with pdfplumber.open(io.BytesIO(update.to_bytes())) as pdf:
        update_text = " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)
    overall = re.search(r"(\d+) KPIs can be compared with Quarter 4 last year: (\d+) improved, (\d+) deteriorated",
                        update_text)  # the update's main point  # fmt: skip
    assert overall is not None
    assert (f"3.1 Performance against the Police and Crime Plan is measured by 27 KPIs in 4 strategic outcomes. "
            f"{overall[1]} KPIs can be compared with Quarter 4 last year: {overall[2]} improved, {overall[3]} "
            "deteriorated") in whole  # fmt: skip
    assert "3.2 Build confidence and put the pride back into Cleveland Police: 7 KPIs can be compared" in whole
    assert "Police Accountability: 8 KPIs can be compared with Quarter 4 last year" in whole
    assert "Appendix A (Performance tables) gives each KPI's figures" in whole


# -- Appendix A: the update's tables --------------------------------------------------------------


def test_the_appendix_prints_the_updates_kpi_tables_as_the_update_does(demo_path: Path, tmp_path: Path) -> None:
    panel, update = tmp_path / "panel.pdf", tmp_path / "update.pdf"
    assert export(demo_path, panel, *MEETING).exit_code == 0
    assert export(demo_path, update, report=UPDATE).exit_code == 0
    assert rows_of(panel, ROWS) == rows_of(update, ROWS)
    whole = " ".join(pages(panel))
    appendix = whole[whole.rindex("Appendix A: Performance tables"):]
    assert "A.1 Build confidence and put the pride back into Cleveland Police Public Access to Services" in appendix
    assert ("Number of 999 calls received: 25,945 in Q4 2021/22 against 19,132 in Q4 2020/21, an increase of "
            "35.6%.") in appendix  # fmt: skip
    assert "Officer numbers continue to rise with the national uplift programme." in appendix  # commentary
    assert not re.search(r"\bA\.1\.1\b|\b5\.2\b", appendix)  # nothing numbered under the appendix's own numbers
    with Workbook.open(demo_path, DEMO_PASSPHRASE, readonly=True) as wb:
        tables = panel_report.build(wb, YEAR, 3, release=Release(draft=True)).data_tables
        printed = performance_update.build(wb, YEAR, 3, release=Release(draft=True)).data_tables
    assert tables and tables == printed[: len(tables)]  # every KPI table and chart, cell for cell
    assert all("KPI returns" in t.source or "surveys" in t.source for t in tables)  # and no scheme table


def test_a_kpi_figure_the_update_hides_is_hidden_in_the_panel_report(office: Path, tmp_path: Path) -> None:
    with Workbook.open(office, DEMO_PASSPHRASE) as wb:
        kpi_id = wb.scalar("SELECT id FROM kpis WHERE name = ?", [HIDDEN])
        kpis.set_kpi_value(wb, kpi_id, YEAR, 2, 3)  # fewer than 5 complainants
        assert not public_plan.decide(wb, YEAR, 2).shown(public_plan.kpi_key(HIDDEN, YEAR, 2))
        views = [publishable_period(wb, report, q) for report in (PANEL, UPDATE) for q in (1, 2, 3, 4)]
    assert views[:4] == views[4:]  # planned for the update's period, quarter by quarter
    for quarter in (2, 4):
        panel, update = tmp_path / f"panel{quarter}.pdf", tmp_path / f"update{quarter}.pdf"
        assert export(office, panel, *MEETING, quarter=quarter).exit_code == 0
        assert export(office, update, report=UPDATE, quarter=quarter).exit_code == 0
        rows = rows_of(panel, ROWS[-1:])
        assert rows == rows_of(update, ROWS[-1:])  # the complaints table, hidden cells and all
        row = next(r for r in rows[ROWS[-1]] if " 6 6 8 7 7 " in r)  # discriminatory behaviour's 2020/21 figures
        assert row.split()[-(4 + quarter):][5] == "*"  # Q2 2021/22, after 2020/21's four quarters and Q1


def publishable_period(wb: Workbook, report: str, quarter: int) -> int:
    from opcc_desktop.figures.public_view import public_view

    return public_view(wb, report, YEAR, quarter).scheme_period


# -- the back page, the outline, the release -------------------------------------------------------


def test_the_office_contact_block_closes_it(office: Path, tmp_path: Path) -> None:
    details = {"office.address": "Police Headquarters\nAyresome Way\nMiddlesbrough TS1 2AA",
               "office.telephone": "01642 301653", "office.email": "pcc@cleveland.police.uk",
               "office.website": "https://www.cleveland.pcc.police.uk",
               "office.holders": "Police and Crime Commissioner: A Person\nChief of Staff: B Person\n"
                                 "Chief Constable: C Person"}  # fmt: skip
    edit(office, *((settings.set_setting, key, value) for key, value in details.items()))
    pdf, html = tmp_path / "panel.pdf", tmp_path / "panel.html"
    assert export(office, pdf, *MEETING).exit_code == 0
    assert export(office, html, *MEETING, "--format", "html").exit_code == 0
    back = pages(pdf)[-1]
    for part in ("Contact", "Ayresome Way", "Middlesbrough TS1 2AA", "Telephone: 01642 301653",
                 "Email: pcc@cleveland.police.uk", "Website: https://www.cleveland.pcc.police.uk",
                 "Police and Crime Commissioner: A Person", "Chief of Staff: B Person", "Chief Constable: C Person"):
        assert part in back  # fmt: skip
    assert 'href="mailto:pcc@cleveland.police.uk"' in html.read_text(encoding="utf-8")


def test_the_outline_as_the_officers_shaped_it(office: Path, tmp_path: Path) -> None:
    with Workbook.open(office, DEMO_PASSPHRASE) as wb:
        outline.add_section(wb, PANEL, YEAR, "Financial implications", after="delivery")
        added = outline.outline(wb, PANEL, YEAR)[4].key
        narrative.set_narrative(wb, PANEL, YEAR, added, "There are no financial implications.", 4)
        outline.move_section(wb, PANEL, YEAR, "recommendations", 1)
        outline.rename_section(wb, PANEL, YEAR, "kpi_appendix", "KPI tables for Quarter 4")
    out = tmp_path / "panel.pdf"
    assert export(office, out, *MEETING).exit_code == 0
    text = pages(out)
    order = ["1 Purpose of the Report", "2 Recommendations", "3 Background", "4 Performance against the Police",
             "5 Delivery update", "6 Financial implications", "Appendix A: KPI tables for Quarter 4"]  # fmt: skip
    assert [text[1].index(title) for title in order] == sorted(text[1].index(title) for title in order)
    whole = " ".join(text)
    assert "6.1 There are no financial implications." in whole
    assert "2.1 That the Panel notes the content of this report." in whole
    assert "Appendix A (KPI tables for Quarter 4) gives each KPI's figures" in whole


def test_a_final_report_without_a_meeting_date_is_refused_before_any_work(demo_path: Path,
                                                                           tmp_path: Path) -> None:  # fmt: skip
    out = tmp_path / "panel.pdf"
    for book in (demo_path, tmp_path / "no such workbook.opcc"):  # refused before the workbook is opened
        result = export(book, out)
        assert result.exit_code != 0
        assert "needs the date of the Police and Crime Panel meeting" in result.output
        assert "--meeting YYYY-MM-DD" in result.output
        assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_draft_says_the_meeting_date_is_to_be_confirmed(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "draft.pdf"
    result = export(demo_path, out, "--draft", quarter=2)
    assert result.exit_code == 0, result.output
    text = pages(out)
    assert "Meeting date to be confirmed" in text[0] and "DRAFT" in text[0]
    assert all("DRAFT" in page for page in text)
    assert "4.1 No text has been written for this section for Quarter 2 2021/22" in " ".join(text)  # delivery


def test_the_meeting_date_is_for_the_panel_report_only_and_a_real_date(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "update.pdf"
    result = export(demo_path, out, *MEETING, report=UPDATE)
    assert result.exit_code != 0 and "takes no meeting date" in result.output and not out.exists()
    result = export(demo_path, tmp_path / "panel.pdf", "--meeting", "14/09/2022")
    assert result.exit_code != 0 and "--meeting" in result.output
    assert next_edition(PANEL, YEAR, 2) == "the Quarter 3 2021/22 report to the Panel, date to be announced"


def test_its_required_sections_are_a_setting(office: Path, tmp_path: Path) -> None:
    with Workbook.open(office, DEMO_PASSPHRASE) as wb:
        assert settings.settings(wb)["documents.required.panel-report"] == "purpose"
        with pytest.raises(ValidationError, match="not a section of the panel-report document"):
            settings.set_setting(wb, "documents.required.panel-report", "purpose, introduction")
        settings.set_setting(wb, "documents.required.panel-report", "Purpose, delivery")
        narrative.set_narrative(wb, PANEL, YEAR, "purpose", None, 4)
    result = export(office, tmp_path / "panel.pdf", *MEETING, quarter=4)
    assert result.exit_code != 0 and "Purpose of the Report (purpose)" in result.output
    result = export(office, tmp_path / "panel.pdf", *MEETING, quarter=3)
    assert result.exit_code != 0 and "Delivery update (delivery)" in result.output


def test_preflight_checks_what_the_update_checks(demo_path: Path) -> None:
    with Workbook.open(demo_path, DEMO_PASSPHRASE, readonly=True) as wb:
        found = preflight(wb, PANEL, YEAR, 3)
        update = preflight(wb, UPDATE, YEAR, 3)
    kpi_findings = [str(f) for f in found if f.area == "KPIs"]
    assert kpi_findings and kpi_findings == [str(f) for f in update if f.area == "KPIs"]
    assert "Narrative: the 'Delivery update' section has no text for 2021/22" in map(str, found)


def test_a_published_report_is_an_edition_later_plans_keep(office: Path, tmp_path: Path) -> None:
    result = export(office, tmp_path / "panel.pdf", *MEETING, "--publish")
    assert result.exit_code == 0, result.output
    with Workbook.open(office, DEMO_PASSPHRASE, readonly=True) as wb:
        (edition,) = publishable.printed_before(wb, YEAR)
    assert any(key.startswith("KPI/") for key in edition)
