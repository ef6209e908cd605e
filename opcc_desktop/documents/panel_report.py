"""Report of the Police and Crime Commissioner to the Police and Crime Panel (public, quarterly).

What the Commissioner takes to the Panel each quarter, dated for the meeting it goes to. Its
paragraphs are numbered throughout (1.1, 2.4, 2.10.1), as members cite them in the meeting.
The default outline: Purpose of the Report, Background, Performance against the Police and
Crime Plan (how each strategic outcome's KPIs moved on the same quarter last year, then the
officers' text), Delivery update, Recommendations, and Appendix A: the update's KPI tables.
Officers may rename and reorder its sections and add their own for a year (areas/outline.py).

Built from the quarter's :class:`~opcc_desktop.figures.public_view.PublicView` alone
(import-linter forbids this module the storage layer and the readers). The view is planned
for the performance update's period (a quarterly report's, :func:`.public_plan.plan_period`),
and the KPI groups are the update's own (:func:`.performance_update.outcomes`), so every
figure, and every count of people hidden or shown, is the decision the update of the quarter
makes: the Panel never sees a figure the public update withholds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import counted
from ..figures.disclosure import rounding_sentence, symbol_sentence
from ..figures.equality_tables import strip_title_heading
from ..figures.kpi_analysis import KpiGrid, KpiGroup, baseline_year, kpi_note, period_label
from ..figures.public_view import PublicView, public_view
from . import about
from .pdf import ReportDocument
from .performance_update import TITLE as UPDATE_TITLE
from .performance_update import kpi_group, outcomes
from .printed_outline import print_outline
from .release import FINAL, Release, Sections

if TYPE_CHECKING:
    from ..store.workbook import Workbook

REPORT = "panel-report"
TITLE = "Report of the Police and Crime Commissioner to the Chair and Members of the Police and Crime Panel"
APPENDIX = "A"  # the KPI tables are the report's one appendix, wherever the outline puts them
IMPROVED, DETERIORATED = "an improvement", "a deterioration"  # a KPI's judgement (kpi_analysis.judgement)

Outcomes = Sequence[tuple[str, Sequence[KpiGroup]]]


def build(wb: Workbook, financial_year: str, quarter: int, document: Any = ReportDocument,
          release: Release = FINAL) -> Any:  # fmt: skip
    """The report on ``quarter`` of ``financial_year``; ``document`` is the class that renders
    it: the PDF's or the HTML edition's; ``release`` says whether it is a draft and gives the
    meeting's date. The builder itself is given only the quarter's public view."""
    if quarter not in (1, 2, 3, 4):
        quarter = 4
    return render(public_view(wb, REPORT, financial_year, quarter), quarter, document, release)


def render(view: PublicView, quarter: int, document: Any = ReportDocument, release: Release = FINAL) -> Any:
    financial_year = view.financial_year
    period = period_label(financial_year, quarter)
    office = view.office_name or "Office of the Police and Crime Commissioner"
    doc = document(
        TITLE, office=office, subtitle=meeting_line(release), period=period, logo=view.logo,
        keywords=("Police and Crime Panel", "Police and Crime Plan", "performance", financial_year,
                  f"Quarter {quarter}"),
        draft=release.draft, published=release.published, next_update=release.next_update,
        pictures=view.pictures, numbered_paragraphs=True,
    )  # fmt: skip
    # what a final edition lacks, for the export's check; the KPI groups' commentary reads it too
    doc.release_sections = sections = Sections(release.draft, view.required_sections)
    groups = outcomes(view, quarter)
    appendix_title = next((p.title for p in view.outline if p.key == "kpi_appendix"), "")

    def written(key: str, title: str) -> str:
        placeholder = f"No text has been written for this section for {period}."
        return sections.text(key, f"{title} ({key})", view.narrative.get(key, ""), placeholder)

    parts = {
        "performance": lambda title: _performance(doc, groups, title, written("performance", title),
                                                  quarter, financial_year, appendix_title),  # fmt: skip
        "kpi_appendix": lambda title: _kpi_appendix(doc, view, groups, title, quarter),
    }
    print_outline(doc, view.outline, parts, written)  # as the officers shaped it
    about.contact_section(doc, view.contact, office, view.office_details)
    doc.contact = view.contact  # for the tables' spreadsheet
    doc.disclosure_plan = view.plan  # what it printed, for the audit and the record
    return doc


def meeting_line(release: Release) -> str:
    """The cover's line under the title: the meeting the report goes to, which a draft may not
    know yet (a final edition is refused without it: see :mod:`.release`)."""
    return f"Meeting of {release.meeting}" if release.meeting else "Meeting date to be confirmed"


# -- performance against the plan ---------------------------------------------------------------


def _performance(doc: Any, groups: Outcomes, title: str, written: str, quarter: int, year: str,
                 appendix_title: str) -> None:  # fmt: skip
    """How the KPIs moved on the same quarter last year, overall and per strategic outcome (one
    numbered paragraph each, for members to cite), where the tables are; then the officers' text."""
    doc.section(title)
    judged = _compared(kpi for _, kpi_groups in groups for kpi in _kpis(kpi_groups))
    if not groups:
        doc.paragraphs("No KPI data is recorded in the workbook for this period.")
    else:
        doc.paragraphs(f"Performance against the Police and Crime Plan is measured by {counted(_count(groups), 'KPI')} "
                       f"in {counted(len(groups), 'strategic outcome')}. {_moved(judged, quarter)}")  # fmt: skip
        for outcome, kpi_groups in groups:
            doc.paragraphs(f"**{outcome}**: {_moved(_compared(_kpis(kpi_groups)), quarter)}")
        if appendix_title:  # the officers may leave the appendix out
            doc.paragraphs(f"Appendix {APPENDIX} ({appendix_title}) gives each KPI's figures for the quarters of {year} "
                           f"to date beside the {baseline_year(year)} baseline year, the change on the same "
                           "quarter last year and the commentary on each group of KPIs.")  # fmt: skip
    if written:
        doc.paragraphs(strip_title_heading(written, title))


def _kpis(groups: Sequence[KpiGroup]) -> list[KpiGrid]:
    return [kpi for group in groups for kpi in group.kpis]


def _count(groups: Outcomes) -> int:
    return sum(len(_kpis(kpi_groups)) for _, kpi_groups in groups)


def _compared(kpis: Iterable[KpiGrid]) -> list[KpiGrid]:
    """The quarterly KPIs the update gives a change on the same quarter last year for (as it
    prints them: none on a hidden figure)."""
    return [kpi for kpi in kpis if not kpi.is_survey and kpi.change is not None]


def _moved(judged: Sequence[KpiGrid], quarter: int) -> str:
    """ "6 KPIs can be compared with Quarter 4 last year: 2 improved, 1 deteriorated and 3 did
    not change or have no better direction", as the update's main points say it; a count of
    none is left out."""
    if not judged:
        return f"No KPI can be compared with Quarter {quarter} last year."
    verdicts = [kpi.judgement for kpi in judged]
    better, worse = verdicts.count(IMPROVED), verdicts.count(DETERIORATED)
    rest = len(judged) - better - worse
    moves = [f"{n} {words}" for n, words in ((better, "improved"), (worse, "deteriorated"),
             (rest, "did not change or " + ("has" if rest == 1 else "have") + " no better direction")) if n]  # fmt: skip
    listed = " and ".join(moves) if len(moves) < 3 else f"{moves[0]}, {moves[1]} and {moves[2]}"
    return f"{counted(len(judged), 'KPI')} can be compared with Quarter {quarter} last year: {listed}."


# -- Appendix A: the update's KPI tables ----------------------------------------------------------


class _InAppendix:
    """The document as the update's KPI groups meet it in the appendix: each strategic outcome
    is a subsection there (A.1), so a group's heading sits one level under it and the group's
    own headings one further, nesting as they do under a numbered section in the update."""

    def __init__(self, doc: Any) -> None:
        self._doc = doc

    def subsection(self, title: str) -> None:
        self._doc.heading(title)

    def heading(self, title: str, *, minor: bool = False) -> None:
        del minor
        self._doc.heading(title, minor=True)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._doc, name)


def _kpi_appendix(doc: Any, view: PublicView, groups: Outcomes, title: str, quarter: int) -> None:
    """The quarter's KPI tables, charts and commentary exactly as the update prints them, each
    strategic outcome a subsection, after how to read them. On a page of its own, as members
    find an appendix in their papers."""
    year = view.financial_year
    base = baseline_year(year)
    doc.page_break()
    doc.appendix(title)
    doc.paragraphs(f"These are the KPI tables of the {UPDATE_TITLE} for {period_label(year, quarter)}, "
                   "with the commentary on each group of KPIs.")  # fmt: skip
    doc.paragraphs(kpi_note(view.kpis, base, year))
    protected = " ".join(filter(None, (symbol_sentence(view.policy), rounding_sentence(view.policy))))
    if protected and any(key.startswith("KPI/") for key in view.plan.values):  # some KPIs count people
        doc.paragraphs(protected)
    if not groups:
        doc.paragraphs("No KPI data is recorded in the workbook for this period.")
    inside = _InAppendix(doc)
    for outcome, kpi_groups in groups:
        doc.subsection(outcome)
        for group in kpi_groups:
            kpi_group(inside, group, base, year, quarter)
